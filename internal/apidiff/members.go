package apidiff

import (
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/syntax"
)

// class compares two versions of a class: documentation and annotations,
// qualifiers, then its methods and fields. A class that is public in
// neither version is Patch whatever changed.
func (c *comparer) class(ni, oi item) *Diff {
	n, o := ni.decl.(*syntax.ClassDecl), oi.decl.(*syntax.ClassDecl)
	b := newBuilder("class", true, true)
	b.d.Name, b.d.indent, b.d.header = n.Name.Text, 4, true

	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("service annotation", annotationsOf(ni.file, n.Doc, n.Annotations),
		annotationsOf(oi.file, o.Doc, o.Annotations)))
	name := n.Name.Text
	b.add(qualifierDiff("unknown", n.Public, o.Public, Minor, Major,
		fmt.Sprintf("'public' qualifier is added to class '%s'", name),
		fmt.Sprintf("'public' qualifier is removed from class '%s'", name)))
	for _, q := range []string{"isolated", "distinct", "readonly", "client", "service"} {
		b.add(qualifierDiff("unknown", n.HasQualifier(q), o.HasQualifier(q), Ambiguous, Ambiguous,
			fmt.Sprintf("'%s' qualifier is added", q), fmt.Sprintf("'%s' qualifier is removed", q)))
	}
	b.add(c.methodDiffs(n.Members, ni.file, o.Members, oi.file)...)
	b.add(c.fieldDiffs(n.Members, ni.file, o.Members, oi.file, "object field")...)

	if len(b.d.Children) > 0 && !n.Public && !o.Public {
		b.impact(Patch)
	}
	return b.build()
}

// methodGroup indexes the methods of a body by functionKey.
func methodGroup(m *syntax.Members, f *syntax.File) *group {
	g := &group{}
	if m != nil {
		for _, fd := range m.Methods {
			g.put(functionKey(fd), item{decl: fd, file: f})
		}
	}
	return g
}

// fieldGroup indexes the fields of a body by name.
func fieldGroup(m *syntax.Members, f *syntax.File) *group {
	g := &group{}
	if m != nil {
		for _, fl := range m.Fields {
			g.put(fl.Name.Text, item{decl: fl, file: f})
		}
	}
	return g
}

// methodDiffs compares the methods of two bodies: added (Minor), removed
// (Major), then changed ones with the function rules.
func (c *comparer) methodDiffs(n *syntax.Members, nf *syntax.File, o *syntax.Members, of *syntax.File) []*Diff {
	ng, og := methodGroup(n, nf), methodGroup(o, of)
	ex := extract(ng.keys, og.keys)
	var out []*Diff
	for _, k := range ex.added {
		out = append(out, functionNode(ng.items[k].decl.(*syntax.FunctionDecl), New, Minor))
	}
	for _, k := range ex.removed {
		out = append(out, functionNode(og.items[k].decl.(*syntax.FunctionDecl), Removed, Major))
	}
	for _, k := range ex.common {
		ni, oi := ng.items[k], og.items[k]
		if d := c.compareFunction(ni.decl.(*syntax.FunctionDecl), ni.file, oi.decl.(*syntax.FunctionDecl), oi.file); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// fieldDiffs compares the fields of two bodies: added (Minor), removed
// (Major), then changed ones (objectField). kind names added and removed
// fields ("object field", "service field").
func (c *comparer) fieldDiffs(n *syntax.Members, nf *syntax.File, o *syntax.Members, of *syntax.File, kind string) []*Diff {
	ng, og := fieldGroup(n, nf), fieldGroup(o, of)
	ex := extract(ng.keys, og.keys)
	var out []*Diff
	for _, k := range ex.added {
		out = append(out, &Diff{Kind: kind, Type: New, Impact: Minor, Name: k, indent: 6, header: true})
	}
	for _, k := range ex.removed {
		out = append(out, &Diff{Kind: kind, Type: Removed, Impact: Major, Name: k, indent: 6, header: true})
	}
	for _, k := range ex.common {
		ni, oi := ng.items[k], og.items[k]
		if d := objectField(ni.decl.(*syntax.Field), ni.file, oi.decl.(*syntax.Field), oi.file); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// objectField compares two versions of a class or service field:
// documentation, annotations, the public/private/final qualifiers, the
// type and the default expression. A field that is public in neither
// version is Patch.
func objectField(n *syntax.Field, nf *syntax.File, o *syntax.Field, of *syntax.File) *Diff {
	b := newBuilder("object field", true, true)
	name := n.Name.Text
	b.d.Name, b.d.indent, b.d.header = name, 6, true
	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("", annotationsOf(nf, n.Doc, n.Annotations), annotationsOf(of, o.Doc, o.Annotations)))
	b.add(qualifierDiff("object field", n.HasQualifier("public"), o.HasQualifier("public"), Minor, Major,
		fmt.Sprintf("'public' qualifier is added to object field '%s'", name),
		fmt.Sprintf("'public' qualifier is removed from object field '%s'", name)))
	b.add(qualifierDiff("object field", n.HasQualifier("private"), o.HasQualifier("private"), Patch, Patch,
		fmt.Sprintf("'private' qualifier is added to object field '%s'", name),
		fmt.Sprintf("'private' qualifier is removed from object field '%s'", name)))
	b.add(qualifierDiff("object field", n.HasQualifier("final"), o.HasQualifier("final"), Ambiguous, Patch,
		fmt.Sprintf("'final' qualifier is added to object field '%s'", name),
		fmt.Sprintf("'final' qualifier is removed from object field '%s'", name)))
	if nt, ot := strings.TrimSpace(n.Type.Text), strings.TrimSpace(o.Type.Text); nt != "" && ot != "" && nt != ot {
		b.add(leaf("object field", Modified, Ambiguous, fmt.Sprintf("object field type changed from '%s' to '%s'", ot, nt)))
	}
	b.add(exprDiff("object field expression", n.Default, o.Default))
	if len(b.d.Children) > 0 && !n.HasQualifier("public") && !o.HasQualifier("public") {
		b.impact(Patch)
	}
	return b.build()
}

// service compares two versions of a service (matched by attach point):
// documentation and annotations, the isolated qualifier, the service type,
// the listener expressions, the methods, then the changes of its fields,
// which the reference lists directly under the service (so a private
// field's changes are not made Patch).
func (c *comparer) service(ni, oi item) *Diff {
	n, o := ni.decl.(*syntax.ServiceDecl), oi.decl.(*syntax.ServiceDecl)
	b := newBuilder("service", true, true)
	b.d.Name, b.d.indent, b.d.header = serviceName(n), 4, true

	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("service annotation", annotationsOf(ni.file, n.Doc, n.Annotations),
		annotationsOf(oi.file, o.Doc, o.Annotations)))
	b.add(qualifierDiff("unknown", n.HasQualifier("isolated"), o.HasQualifier("isolated"), Ambiguous, Ambiguous,
		"'isolated' qualifier is added", "'isolated' qualifier is removed"))
	b.add(exprDiff("", n.Type, o.Type))
	b.add(listenerDiff(n.Listeners, o.Listeners))

	b.add(c.methodDiffs(n.Members, ni.file, o.Members, oi.file)...)
	ng, og := fieldGroup(n.Members, ni.file), fieldGroup(o.Members, oi.file)
	ex := extract(ng.keys, og.keys)
	for _, k := range ex.added {
		b.add(&Diff{Kind: "service field", Type: New, Impact: Minor, Name: k, indent: 6, header: true})
	}
	for _, k := range ex.removed {
		b.add(&Diff{Kind: "service field", Type: Removed, Impact: Major, Name: k, indent: 6, header: true})
	}
	for _, k := range ex.common {
		nfi, ofi := ng.items[k], og.items[k]
		if d := objectField(nfi.decl.(*syntax.Field), nfi.file, ofi.decl.(*syntax.Field), ofi.file); d != nil {
			b.add(d.Children...)
		}
	}
	return b.build()
}

// listenerDiff compares the listener expressions of two services: one
// expression each (or none) by text; longer lists as a whole.
func listenerDiff(n, o []syntax.Text) *Diff {
	if len(n) <= 1 && len(o) <= 1 {
		var nt, ot syntax.Text
		if len(n) == 1 {
			nt = n[0]
		}
		if len(o) == 1 {
			ot = o[0]
		}
		return exprDiff("service listener expression", nt, ot)
	}
	join := func(ts []syntax.Text) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = strings.TrimSpace(t.Text)
		}
		return strings.Join(parts, ",")
	}
	first := func(ts []syntax.Text) string {
		if len(ts) == 0 {
			return "expression"
		}
		return nodeKindName(ts[0].Text)
	}
	var d *Diff
	switch {
	case len(n) > 0 && len(o) == 0:
		d = leaf("unknown", New, Ambiguous, "a new "+first(n)+" list is added")
	case len(n) == 0 && len(o) > 0:
		d = leaf("unknown", Removed, Ambiguous, "an existing "+first(o)+" list is removed")
	case join(n) != join(o):
		d = leaf("unknown", Modified, Ambiguous, first(n)+" list is modified")
	default:
		return nil
	}
	d.List = true
	return d
}
