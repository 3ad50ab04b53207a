package project

import (
	"errors"
	"fmt"
	"io"
)

// WriteDiagnostics writes each diagnostic on its own line(s).
func WriteDiagnostics(w io.Writer, ds []Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// WriteFileErrors prints the diagnostics of a *FileErrors and returns
// its summary as the error, which bal prints after "ballerina: "; other
// errors are returned as they are.
func WriteFileErrors(w io.Writer, err error) error {
	var fe *FileErrors
	if !errors.As(err, &fe) {
		return err
	}
	WriteDiagnostics(w, fe.Diagnostics)
	return errors.New(fe.Summary)
}
