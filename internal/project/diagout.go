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

// LoadAndReport loads the package at dir as Load does, for a command: the
// warnings of a loaded package are written to w, and a load that fails on
// file errors writes them to w and returns their summary (WriteFileErrors).
func LoadAndReport(dir string, opts LoadOptions, w io.Writer) (*Project, error) {
	p, err := Load(dir, opts)
	if err != nil {
		return nil, WriteFileErrors(w, err)
	}
	WriteDiagnostics(w, p.Warnings)
	return p, nil
}
