package apidiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Impact is the version impact of a change: which part of the version it
// requires to be bumped. The order of the constants is the reference's rank
// order, so the larger impact is the stronger one: Patch < Minor <
// Ambiguous < Unknown < Major.
type Impact uint8

// Version impacts.
const (
	// Patch: compatible for every user (documentation, bodies, private
	// declarations).
	Patch Impact = iota
	// Minor: compatible for existing users, new API (an added function).
	Minor
	// Ambiguous: the checker cannot tell (a changed type or expression);
	// the developer must review it. The suggestion treats it as Major.
	Ambiguous
	// Unknown: the checker could not classify the change.
	Unknown
	// Major: backward-incompatible (a removed function or parameter).
	Major
)

// String returns the JSON name: "patch", "minor", "ambiguous", "unknown",
// "major".
func (i Impact) String() string {
	switch i {
	case Patch:
		return "patch"
	case Minor:
		return "minor"
	case Ambiguous:
		return "ambiguous"
	case Major:
		return "major"
	}
	return "unknown"
}

// upper returns the name the text output uses: "MAJOR", ...
func (i Impact) upper() string { return strings.ToUpper(i.String()) }

// Type says whether a diff is an addition, a removal or a modification.
type Type uint8

// Diff types.
const (
	TypeUnknown Type = iota
	New
	Removed
	Modified
)

// String returns the JSON name: "new", "removed", "modified", "unknown".
func (t Type) String() string {
	switch t {
	case New:
		return "new"
	case Removed:
		return "removed"
	case Modified:
		return "modified"
	}
	return "unknown"
}

// sign returns the marker of the text output: [++], [--], [+-], [??].
func (t Type) sign() string {
	switch t {
	case New:
		return "[++]"
	case Removed:
		return "[--]"
	case Modified:
		return "[+-]"
	}
	return "[??]"
}

// verb returns the participle of the text output.
func (t Type) verb() string {
	switch t {
	case New:
		return "added"
	case Removed:
		return "removed"
	case Modified:
		return "modified"
	}
	return "?"
}

// Diff is one node of the diff tree: the package, a module, a module-level
// construct (function, service, class, ...), a member, or a leaf change
// with a message. Inner nodes take the strongest impact of their children
// unless a rule sets it (a private function's changes are Patch).
type Diff struct {
	// Kind names what changed: "package", "module", "function",
	// "remote function", "resource function", "service", "module variable",
	// "module constant", "class", "type definition", "enum declaration",
	// "enum member", "object field", "service field", "documentation",
	// "type descriptor", ..., or "unknown" for the reference's untyped
	// leaves (qualifier, parameter, return type and body changes).
	Kind string
	// Type is New, Removed or Modified.
	Type Type
	// Impact is the version impact of the node.
	Impact Impact
	// Message describes a leaf change ("new required parameter 'z' is
	// added"); "" for nodes described by kind and name.
	Message string
	// Name is the name of the construct for the text output ("add", the
	// attach point of a service, the module name); "" for leaves.
	Name string
	// List marks a node-list diff (annotation lists, listener expression
	// lists), which the JSON form wraps in an array, as the reference does.
	List bool
	// Children are the child diffs, in the reference's order.
	Children []*Diff

	// indent is the indentation of the node's line in the text output.
	indent int
	// header reports a node that prints its own line in the text output
	// before its children.
	header bool
}

// builder assembles a Diff the way the reference's diff builders do.
type builder struct {
	d   *Diff
	set bool // Impact was set explicitly
}

func newBuilder(kind string, hasNew, hasOld bool) *builder {
	d := &Diff{Kind: kind, Impact: Unknown}
	switch {
	case hasNew && !hasOld:
		d.Type = New
	case !hasNew && hasOld:
		d.Type = Removed
	case hasNew:
		d.Type = Modified
	}
	return &builder{d: d}
}

func (b *builder) impact(i Impact) *builder {
	b.d.Impact, b.set = i, true
	return b
}

func (b *builder) message(m string) *builder {
	b.d.Message = m
	return b
}

func (b *builder) add(children ...*Diff) *builder {
	for _, c := range children {
		if c != nil {
			b.d.Children = append(b.d.Children, c)
		}
	}
	return b
}

// build returns the diff, or nil when there is nothing to report: a node
// with children is Modified and takes the strongest child impact unless
// one was set; a childless node is kept only when it is an addition, a
// removal or has a message.
func (b *builder) build() *Diff {
	d := b.d
	if len(d.Children) > 0 {
		if !b.set {
			d.Impact = maxImpact(d.Children)
		}
		d.Type = Modified
		return d
	}
	if d.Type == New || d.Type == Removed || d.Message != "" {
		return d
	}
	return nil
}

// maxImpact returns the strongest impact of ds (Unknown for none).
func maxImpact(ds []*Diff) Impact {
	if len(ds) == 0 {
		return Unknown
	}
	m := Patch
	for _, d := range ds {
		if d.Impact > m {
			m = d.Impact
		}
	}
	return m
}

// leaf returns a childless diff with a message.
func leaf(kind string, t Type, i Impact, msg string) *Diff {
	return &Diff{Kind: kind, Type: t, Impact: i, Message: msg, indent: 6}
}

// MarshalJSON writes the reference's JSON form of d:
//
//	{"kind": ..., "type": ..., "versionImpact": ..., "message"?: ..., "childDiffs"?: [...]}
//
// A node-list diff is an array holding one such object.
func (d *Diff) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	d.writeJSON(&b)
	return b.Bytes(), nil
}

func (d *Diff) writeJSON(b *bytes.Buffer) {
	if d.List {
		b.WriteByte('[')
	}
	b.WriteString(`{"kind":`)
	writeJSONString(b, d.Kind)
	b.WriteString(`,"type":`)
	writeJSONString(b, d.Type.String())
	b.WriteString(`,"versionImpact":`)
	writeJSONString(b, d.Impact.String())
	if d.Message != "" {
		b.WriteString(`,"message":`)
		writeJSONString(b, d.Message)
	}
	if len(d.Children) > 0 {
		b.WriteString(`,"childDiffs":[`)
		for i, c := range d.Children {
			if i > 0 {
				b.WriteByte(',')
			}
			c.writeJSON(b)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	if d.List {
		b.WriteByte(']')
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	data, _ := json.Marshal(s) // a string always marshals
	b.Write(data)
}

// WriteTree writes the diff tree in the reference's text form (`bal semver
// --show-diff`): one line per node, indented by level,
//
//	[+-] function 'add' is modified [version impact: MAJOR]
//	  [++] new required parameter 'z' is added [version impact: MAJOR]
//
// Inner nodes print "<kind> '<name>' is added|removed|modified" before
// their children; leaves print their message. A nil d writes nothing.
func WriteTree(w io.Writer, d *Diff) error {
	if d == nil {
		return nil
	}
	var b strings.Builder
	d.writeTree(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (d *Diff) writeTree(b *strings.Builder) {
	if len(d.Children) == 0 || d.header {
		d.writeLine(b)
	}
	for _, c := range d.Children {
		c.writeTree(b)
	}
}

// writeLine writes d's own line.
func (d *Diff) writeLine(b *strings.Builder) {
	b.WriteString(strings.Repeat(" ", d.indent))
	b.WriteString(d.Type.sign())
	b.WriteByte(' ')
	if d.Message != "" {
		b.WriteString(d.Message)
	} else {
		name := d.Name
		if name == "" {
			name = "unknown"
		}
		fmt.Fprintf(b, "%s '%s' is %s", d.Kind, name, d.Type.verb())
	}
	fmt.Fprintf(b, " [version impact: %s]\n", d.Impact.upper())
}

// Leaves returns the leaves of d with impact i that determine d's impact:
// the walk descends only into nodes whose own impact is i (so changes
// inside a private function, made Patch, are not listed).
func (d *Diff) Leaves(i Impact) []*Diff {
	var out []*Diff
	var walk func(*Diff)
	walk = func(n *Diff) {
		if n.Impact != i {
			return
		}
		if len(n.Children) == 0 {
			out = append(out, n)
			return
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	if d != nil {
		walk(d)
	}
	return out
}
