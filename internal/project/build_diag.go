package project

import "strings"

// Severity ranks a Diagnostic.
type Severity uint8

// Severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// Diagnostic is a problem found while loading, resolving or building a
// package, ready to be printed.
type Diagnostic struct {
	Severity Severity
	// Sites are the places the problem is about, "file:line:col" (or just
	// "file" for a whole file) with the file relative to the package root;
	// empty when it is about no place in particular. An import that cannot
	// be resolved has one site per import declaration.
	Sites []string
	// Message is the text of the problem, the reference toolchain's where
	// it has one. It may span several lines.
	Message string
	// Details explain the problem and how to fix it, one line each.
	Details []string
}

// String formats d the way bal prints it: one line per site,
// "<site>: <message>" for an error and "<site>: warning: <message>" for a
// warning ("error: <message>" and "warning: <message>" without a site),
// then each detail on its own line, indented by a TAB.
func (d Diagnostic) String() string {
	var b strings.Builder
	label := ""
	if d.Severity == SeverityWarning {
		label = "warning: "
	}
	if len(d.Sites) == 0 {
		if label == "" {
			label = "error: "
		}
		b.WriteString(label + d.Message)
	}
	for i, s := range d.Sites {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s + ": " + label + d.Message)
	}
	for _, l := range d.Details {
		b.WriteString("\n\t" + l)
	}
	return b.String()
}
