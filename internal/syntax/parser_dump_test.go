package syntax

import (
	"fmt"
	"strings"
	"testing"
)

// dumpFile prints the model of f as stable, line-oriented text for
// comparisons in tests and golden files. Texts are printed with %q; the
// positions of declarations and imports are printed as line:col.
func dumpFile(f *File) string {
	var b strings.Builder
	for _, imp := range f.Imports {
		fmt.Fprintf(&b, "import org=%q module=%q prefix=%q @%s\n", imp.Org, imp.Module, imp.Prefix, imp.Pos)
	}
	for _, d := range f.Decls {
		dumpDecl(&b, "", d)
	}
	for _, d := range f.Diagnostics {
		sev := "error"
		if d.Severity == SeverityWarning {
			sev = "warning"
		}
		fmt.Fprintf(&b, "diag %s %s: %s\n", d.Pos, sev, d.Message)
	}
	return b.String()
}

// dumpDiags prints only the diagnostics of f, one per line.
func dumpDiags(f *File) string {
	var b strings.Builder
	for _, d := range f.Diagnostics {
		sev := "error"
		if d.Severity == SeverityWarning {
			sev = "warning"
		}
		fmt.Fprintf(&b, "%s %s: %s\n", d.Pos, sev, d.Message)
	}
	return b.String()
}

func dumpDecl(b *strings.Builder, ind string, d Decl) {
	c := d.Common()
	fmt.Fprintf(b, "%s%s", ind, c.Kind)
	if !c.Name.IsZero() {
		fmt.Fprintf(b, " %s", c.Name.Text)
	}
	if len(c.Qualifiers) > 0 {
		fmt.Fprintf(b, " quals=[%s]", strings.Join(c.Qualifiers, " "))
	}
	if c.Public {
		b.WriteString(" public")
	}
	fmt.Fprintf(b, " @%s\n", c.Pos)
	in := ind + "  "
	dumpMeta(b, in, c.Doc, c.Annotations)
	switch d := d.(type) {
	case *FunctionDecl:
		dumpFunc(b, in, d)
	case *TypeDecl:
		fmt.Fprintf(b, "%stype %q\n", in, d.Type.Text)
		if s := d.Structure; s != nil {
			fmt.Fprintf(b, "%sstructure %s closed=%v", in, s.Kind, s.Closed)
			if len(s.Qualifiers) > 0 {
				fmt.Fprintf(b, " quals=[%s]", strings.Join(s.Qualifiers, " "))
			}
			b.WriteString("\n")
			dumpMembers(b, in+"  ", s.Members)
		}
	case *ClassDecl:
		dumpMembers(b, in, d.Members)
	case *ConstDecl:
		dumpOpt(b, in, "type", d.Type)
		dumpOpt(b, in, "value", d.Value)
	case *EnumDecl:
		for _, m := range d.Members {
			fmt.Fprintf(b, "%smember %s", in, m.Name.Text)
			if !m.Value.IsZero() {
				fmt.Fprintf(b, " = %q", m.Value.Text)
			}
			b.WriteString("\n")
			dumpMeta(b, in+"  ", m.Doc, m.Annotations)
		}
	case *ListenerDecl:
		dumpOpt(b, in, "type", d.Type)
		dumpOpt(b, in, "init", d.Init)
	case *ServiceDecl:
		dumpOpt(b, in, "type", d.Type)
		dumpOpt(b, in, "attach", d.AttachPoint)
		for _, l := range d.Listeners {
			fmt.Fprintf(b, "%slistener %q\n", in, l.Text)
		}
		dumpMembers(b, in, d.Members)
	case *AnnotationDecl:
		dumpOpt(b, in, "type", d.Type)
		if len(d.AttachPoints) > 0 {
			fmt.Fprintf(b, "%son %q\n", in, d.AttachPoints)
		}
	case *VarDecl:
		dumpOpt(b, in, "type", d.Type)
		dumpOpt(b, in, "binding", d.Binding)
		dumpOpt(b, in, "init", d.Init)
	case *XMLNSDecl:
		dumpOpt(b, in, "uri", d.URI)
		if d.Prefix != "" {
			fmt.Fprintf(b, "%sprefix %s\n", in, d.Prefix)
		}
	}
}

func dumpOpt(b *strings.Builder, ind, label string, t Text) {
	if !t.IsZero() {
		fmt.Fprintf(b, "%s%s %q\n", ind, label, t.Text)
	}
}

func dumpMeta(b *strings.Builder, ind string, doc *Doc, annots []*Annotation) {
	if doc != nil {
		fmt.Fprintf(b, "%sdoc %q\n", ind, doc.Raw)
	}
	for _, a := range annots {
		fmt.Fprintf(b, "%s@%s", ind, a.Tag)
		if !a.Value.IsZero() {
			fmt.Fprintf(b, " %q", a.Value.Text)
		}
		b.WriteString("\n")
	}
}

func dumpFunc(b *strings.Builder, ind string, d *FunctionDecl) {
	if d.Accessor != "" {
		fmt.Fprintf(b, "%saccessor %s\n", ind, d.Accessor)
	}
	dumpOpt(b, ind, "path", d.ResourcePath)
	if s := d.Signature; s != nil {
		for _, p := range s.Params {
			fmt.Fprintf(b, "%sparam %s type=%q", ind, p.Kind, p.Type.Text)
			if !p.Name.IsZero() {
				fmt.Fprintf(b, " name=%s", p.Name.Text)
			}
			if !p.Default.IsZero() {
				fmt.Fprintf(b, " default=%q", p.Default.Text)
			}
			for _, a := range p.Annotations {
				fmt.Fprintf(b, " @%s", a.Tag)
				if !a.Value.IsZero() {
					fmt.Fprintf(b, "%q", a.Value.Text)
				}
			}
			b.WriteString("\n")
		}
		if !s.Returns.IsZero() {
			fmt.Fprintf(b, "%sreturns %q", ind, s.Returns.Text)
			for _, a := range s.ReturnsAnnotations {
				fmt.Fprintf(b, " @%s", a.Tag)
			}
			b.WriteString("\n")
		}
	}
	kind := [...]string{BodyNone: "none", BodyBlock: "block", BodyExpr: "expr", BodyExternal: "external"}[d.BodyKind]
	fmt.Fprintf(b, "%sbody %s", ind, kind)
	if !d.Body.IsZero() {
		fmt.Fprintf(b, " %q", d.Body.Text)
	}
	b.WriteString("\n")
}

func dumpMembers(b *strings.Builder, ind string, m *Members) {
	if m == nil {
		return
	}
	for _, inc := range m.Inclusions {
		fmt.Fprintf(b, "%sinclude %q\n", ind, inc.Text)
	}
	for _, f := range m.Fields {
		fmt.Fprintf(b, "%sfield %s", ind, f.Name.Text)
		if len(f.Qualifiers) > 0 {
			fmt.Fprintf(b, " quals=[%s]", strings.Join(f.Qualifiers, " "))
		}
		fmt.Fprintf(b, " type=%q", f.Type.Text)
		if f.Optional {
			b.WriteString(" optional")
		}
		if !f.Default.IsZero() {
			fmt.Fprintf(b, " default=%q", f.Default.Text)
		}
		b.WriteString("\n")
		dumpMeta(b, ind+"  ", f.Doc, f.Annotations)
	}
	if !m.Rest.IsZero() {
		fmt.Fprintf(b, "%srest %q\n", ind, m.Rest.Text)
	}
	for _, fn := range m.Methods {
		dumpDecl(b, ind, fn)
	}
}

// checkModel verifies the structural invariants of a parse result: every
// Text slices the source exactly (names: the span slices the identifier
// token), spans are ordered and inside the input, diagnostics have valid
// positions, and declarations do not overlap.
func checkModel(t testing.TB, f *File) {
	t.Helper()
	src := f.Src
	n := len(src)
	bad := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}
	span := func(what string, s Span) bool {
		if s.Start < 0 || s.End > n || s.Start > s.End {
			bad("%s: span %v outside [0,%d]", what, s, n)
			return false
		}
		return true
	}
	text := func(what string, x Text) {
		if x.IsZero() {
			return
		}
		if span(what, x.Span) && string(src[x.Span.Start:x.Span.End]) != x.Text {
			bad("%s: Text %q != source %q at %v", what, x.Text, src[x.Span.Start:x.Span.End], x.Span)
		}
	}
	name := func(what string, x Text) {
		if x.IsZero() {
			return
		}
		if span(what, x.Span) && x.Span.Len() == 0 {
			bad("%s: empty name span", what)
		}
		if x.Text == "" {
			bad("%s: empty name", what)
		}
	}
	within := func(what string, inner, outer Span) {
		if inner.Start < outer.Start || inner.End > outer.End {
			bad("%s: span %v not within %v", what, inner, outer)
		}
	}
	annots := func(what string, as []*Annotation, outer Span) {
		for _, a := range as {
			span(what+" annotation", a.Span)
			within(what+" annotation", a.Span, outer)
			text(what+" annotation value", a.Value)
		}
	}
	doc := func(what string, d *Doc, outer Span) {
		if d != nil {
			span(what+" doc", d.Span)
			within(what+" doc", d.Span, outer)
		}
	}
	var members func(what string, m *Members, outer Span)
	var decl func(d Decl, outer Span)
	members = func(what string, m *Members, outer Span) {
		if m == nil {
			return
		}
		span(what+" members", m.Span)
		within(what+" members", m.Span, outer)
		for _, inc := range m.Inclusions {
			text(what+" inclusion", inc)
		}
		text(what+" rest", m.Rest)
		for _, fl := range m.Fields {
			span(what+" field", fl.Span)
			within(what+" field", fl.Span, m.Span)
			text(what+" field type", fl.Type)
			name(what+" field name", fl.Name)
			text(what+" field default", fl.Default)
			doc(what+" field", fl.Doc, fl.Span)
			annots(what+" field", fl.Annotations, fl.Span)
		}
		for _, fn := range m.Methods {
			decl(fn, m.Span)
		}
	}
	decl = func(d Decl, outer Span) {
		c := d.Common()
		what := fmt.Sprintf("%s %q", c.Kind, c.Name.Text)
		if !span(what, c.Span) {
			return
		}
		within(what, c.Span, outer)
		name(what+" name", c.Name)
		if c.Name.Span.Len() > 0 {
			within(what+" name", c.Name.Span, c.Span)
		}
		if !c.Pos.IsValid() || c.Pos.Offset < c.Span.Start || c.Pos.Offset > c.Span.End {
			bad("%s: Pos %+v outside span %v", what, c.Pos, c.Span)
		}
		doc(what, c.Doc, c.Span)
		annots(what, c.Annotations, c.Span)
		switch d := d.(type) {
		case *FunctionDecl:
			text(what+" path", d.ResourcePath)
			text(what+" body", d.Body)
			if s := d.Signature; s != nil {
				span(what+" signature", s.Span)
				text(what+" returns", s.Returns)
				annots(what+" returns", s.ReturnsAnnotations, c.Span)
				for _, p := range s.Params {
					span(what+" param", p.Span)
					within(what+" param", p.Span, s.Span)
					text(what+" param type", p.Type)
					name(what+" param name", p.Name)
					text(what+" param default", p.Default)
					annots(what+" param", p.Annotations, p.Span)
				}
			}
		case *TypeDecl:
			text(what+" type", d.Type)
			if d.Structure != nil {
				members(what, d.Structure.Members, c.Span)
			}
		case *ClassDecl:
			members(what, d.Members, c.Span)
		case *ConstDecl:
			text(what+" type", d.Type)
			text(what+" value", d.Value)
		case *EnumDecl:
			for _, m := range d.Members {
				span(what+" member", m.Span)
				within(what+" member", m.Span, c.Span)
				name(what+" member name", m.Name)
				text(what+" member value", m.Value)
				doc(what+" member", m.Doc, m.Span)
				annots(what+" member", m.Annotations, m.Span)
			}
		case *ListenerDecl:
			text(what+" type", d.Type)
			text(what+" init", d.Init)
		case *ServiceDecl:
			text(what+" type", d.Type)
			text(what+" attach", d.AttachPoint)
			for _, l := range d.Listeners {
				text(what+" listener", l)
			}
			members(what, d.Members, c.Span)
		case *AnnotationDecl:
			text(what+" type", d.Type)
		case *VarDecl:
			text(what+" type", d.Type)
			text(what+" binding", d.Binding)
			text(what+" init", d.Init)
		case *XMLNSDecl:
			text(what+" uri", d.URI)
		}
	}
	whole := Span{0, n}
	prevEnd := 0
	for _, d := range f.Decls {
		c := d.Common()
		if c.Span.Start < prevEnd {
			bad("%s %q: span %v overlaps or precedes the previous declaration (ending at %d)", c.Kind, c.Name.Text, c.Span, prevEnd)
		}
		prevEnd = c.Span.End
		decl(d, whole)
	}
	for _, imp := range f.Imports {
		span("import", imp.Span)
		if imp.Module == "" {
			bad("import at %s: empty module", imp.Pos)
		}
	}
	for _, d := range f.Diagnostics {
		if !d.Pos.IsValid() || d.Pos.Offset < 0 || d.Pos.Offset > n {
			bad("diagnostic %q: invalid position %+v (len %d)", d.Message, d.Pos, n)
		}
	}
}
