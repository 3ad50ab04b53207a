package manifest

import (
	"fmt"
	"strings"
)

// Severity ranks a Diagnostic.
type Severity int

const (
	// SeverityError marks a problem that makes the file unusable as written.
	SeverityError Severity = iota
	// SeverityWarning marks a problem the tools work around, for example by
	// using a documented default.
	SeverityWarning
)

// String returns "ERROR" or "WARNING", the words Ballerina prints.
func (s Severity) String() string {
	if s == SeverityWarning {
		return "WARNING"
	}
	return "ERROR"
}

// Pos is a position in a file: 1-based line and 1-based column counted in
// bytes. The zero Pos means "the file as a whole" (for example a missing
// table).
type Pos struct {
	Line, Col int
}

// IsValid reports whether p names a place in the file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// A Diagnostic is one problem found in a manifest file.
//
// Message is the exact text the reference Ballerina implementation prints
// (for example "invalid 'name' under [package]: 'name' cannot be empty"), so
// users can search for it. Field names the TOML key the message is about as a
// dotted path ("package.name", "dependency[1].version"), or "" when the
// problem is not about one key.
type Diagnostic struct {
	File     string
	Pos      Pos
	Field    string
	Severity Severity
	Message  string
}

// Error formats the diagnostic as "file:line:col: message", the form editors
// and terminals turn into links. A warning is prefixed with "warning: ".
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Pos.IsValid() {
		b.WriteString(":")
		b.WriteString(d.Pos.String())
	}
	b.WriteString(": ")
	if d.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is the list of every problem found in one file, in file order.
// Parsers report all problems at once rather than stopping at the first.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic has SeverityError.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns the diagnostics with SeverityError.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(SeverityError) }

// Warnings returns the diagnostics with SeverityWarning.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(SeverityWarning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err returns the errors as an *ErrorList, or nil when there are none.
// Warnings never make Err non-nil.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &ErrorList{Diagnostics: errs}
}

// ErrorList is the error returned for a file with one or more errors.
type ErrorList struct {
	Diagnostics Diagnostics
}

// Error prints one diagnostic per line.
func (e *ErrorList) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// diagnoser collects diagnostics for one file.
type diagnoser struct {
	file  string
	diags Diagnostics
}

func (d *diagnoser) errorf(pos Pos, field, format string, args ...any) {
	d.diags = append(d.diags, Diagnostic{File: d.file, Pos: pos, Field: field, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (d *diagnoser) warnf(pos Pos, field, format string, args ...any) {
	d.diags = append(d.diags, Diagnostic{File: d.file, Pos: pos, Field: field, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}
