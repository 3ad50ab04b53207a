package project

import (
	"bytes"
	"errors"
	"testing"
)

func TestWriteFileErrors(t *testing.T) {
	var buf bytes.Buffer
	fe := &FileErrors{Summary: "Ballerina.toml contains errors", Diagnostics: []Diagnostic{
		{Sites: []string{"Ballerina.toml:2:7"}, Message: "bad"},
		{Severity: SeverityWarning, Message: "odd", Details: []string{"hint: fix it"}},
	}}
	err := WriteFileErrors(&buf, fe)
	if err == nil || err.Error() != "Ballerina.toml contains errors" {
		t.Errorf("err = %v", err)
	}
	if want := "Ballerina.toml:2:7: bad\nwarning: odd\n\thint: fix it\n"; buf.String() != want {
		t.Errorf("output %q, want %q", buf.String(), want)
	}
	other := errors.New("other")
	buf.Reset()
	if err := WriteFileErrors(&buf, other); err != other || buf.Len() != 0 {
		t.Errorf("other errors: %v, output %q", err, buf.String())
	}
}
