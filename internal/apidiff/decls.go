package apidiff

import (
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/syntax"
)

// moduleVar compares two versions of a module variable: documentation and
// annotations, the public/final/configurable qualifiers, the type and the
// initialiser. A variable public in neither version is Patch.
func (c *comparer) moduleVar(ni, oi item) *Diff {
	n, o := ni.decl.(*syntax.VarDecl), oi.decl.(*syntax.VarDecl)
	name := varName(n)
	b := newBuilder("module variable", true, true)
	b.d.Name, b.d.indent, b.d.header = name, 4, true

	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("module variable annotation", annotationsOf(ni.file, n.Doc, n.Annotations),
		annotationsOf(oi.file, o.Doc, o.Annotations)))
	b.add(qualifierDiff("unknown", n.Public, o.Public, Minor, Major,
		fmt.Sprintf("'public' qualifier is added to variable '%s'", name),
		fmt.Sprintf("'public' qualifier is removed from variable '%s'", name)))
	b.add(qualifierDiff("unknown", n.HasQualifier("final"), o.HasQualifier("final"), Ambiguous, Patch,
		fmt.Sprintf("'final' qualifier is added to variable '%s'", name),
		fmt.Sprintf("'final' qualifier is removed from variable '%s'", name)))
	b.add(qualifierDiff("unknown", n.HasQualifier("configurable"), o.HasQualifier("configurable"), Major, Major,
		fmt.Sprintf("'configurable' qualifier is added to variable '%s'", name),
		fmt.Sprintf("'configurable' qualifier is removed from variable '%s'", name)))
	if nt, ot := strings.TrimSpace(n.Type.Text), strings.TrimSpace(o.Type.Text); nt != "" && ot != "" && nt != ot {
		b.add(leaf("unknown", Modified, Ambiguous, fmt.Sprintf("module variable type changed from '%s' to '%s'", ot, nt)))
	}
	b.add(exprDiff("module variable initializer", n.Init, o.Init))
	if len(b.d.Children) > 0 && !isPublic(&n.DeclCommon, &o.DeclCommon) {
		b.impact(Patch)
	}
	return b.build()
}

// constant compares two versions of a module constant: documentation and
// annotations, the public qualifier, the explicit type and the value. A
// constant public in neither version is Patch.
func (c *comparer) constant(ni, oi item) *Diff {
	n, o := ni.decl.(*syntax.ConstDecl), oi.decl.(*syntax.ConstDecl)
	name := n.Name.Text
	b := newBuilder("module constant", true, true)
	b.d.Name, b.d.indent, b.d.header = name, 4, true

	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("module constant annotation", annotationsOf(ni.file, n.Doc, n.Annotations),
		annotationsOf(oi.file, o.Doc, o.Annotations)))
	b.add(qualifierDiff("unknown", n.Public, o.Public, Minor, Major,
		fmt.Sprintf("'public' qualifier is added to module constant '%s'", name),
		fmt.Sprintf("'public' qualifier is removed from module constant '%s'", name)))
	nt, ot := strings.TrimSpace(n.Type.Text), strings.TrimSpace(o.Type.Text)
	switch {
	case nt != "" && ot == "":
		b.add(leaf("unknown", New, Ambiguous, "module constant type added"))
	case nt == "" && ot != "":
		b.add(leaf("unknown", Removed, Ambiguous, "module constant type removed"))
	case nt != ot:
		b.add(leaf("unknown", Modified, Ambiguous, fmt.Sprintf("module constant type changed from '%s' to '%s'", ot, nt)))
	}
	b.add(exprDiff("module constant initializer", n.Value, o.Value))
	if len(b.d.Children) > 0 && !isPublic(&n.DeclCommon, &o.DeclCommon) {
		b.impact(Patch)
	}
	return b.build()
}

// enum compares two versions of an enum: documentation and annotations,
// the public qualifier, then its members (added Minor, removed Major,
// changed: documentation, annotations, value). An enum public in neither
// version is Patch.
func (c *comparer) enum(ni, oi item) *Diff {
	n, o := ni.decl.(*syntax.EnumDecl), oi.decl.(*syntax.EnumDecl)
	name := n.Name.Text
	b := newBuilder("enum declaration", true, true)
	b.d.Name, b.d.indent, b.d.header = name, 4, true

	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("enum annotation", annotationsOf(ni.file, n.Doc, n.Annotations),
		annotationsOf(oi.file, o.Doc, o.Annotations)))
	b.add(qualifierDiff("unknown", n.Public, o.Public, Minor, Major,
		fmt.Sprintf("'public' qualifier is added to enum '%s'", name),
		fmt.Sprintf("'public' qualifier is removed from enum '%s'", name)))

	index := func(ms []*syntax.EnumMember) ([]string, map[string]*syntax.EnumMember) {
		var keys []string
		m := map[string]*syntax.EnumMember{}
		for _, em := range ms {
			k := em.Name.Text
			if _, ok := m[k]; !ok {
				keys = append(keys, k)
			}
			m[k] = em
		}
		return keys, m
	}
	nk, nm := index(n.Members)
	ok, om := index(o.Members)
	ex := extract(nk, ok)
	for _, k := range ex.added {
		b.add(leaf("enum member", New, Minor, fmt.Sprintf("new enum member '%s' is added", k)))
	}
	for _, k := range ex.removed {
		b.add(leaf("enum member", Removed, Major, fmt.Sprintf("enum member '%s' is removed", k)))
	}
	for _, k := range ex.common {
		nmem, omem := nm[k], om[k]
		mb := newBuilder("enum member", true, true)
		mb.d.Name, mb.d.indent, mb.d.header = k, 6, true
		mb.add(docDiff(nmem.Doc, omem.Doc))
		mb.add(annotationListDiff("enum member annotation", annotationsOf(ni.file, nmem.Doc, nmem.Annotations),
			annotationsOf(oi.file, omem.Doc, omem.Annotations)))
		mb.add(exprDiff("enum member value", nmem.Value, omem.Value))
		b.add(mb.build())
	}
	if len(b.d.Children) > 0 && !isPublic(&n.DeclCommon, &o.DeclCommon) {
		b.impact(Patch)
	}
	return b.build()
}

// typeDef compares two versions of a type definition: documentation and
// annotations, the public qualifier, then the type descriptor: by its text
// (any change is Ambiguous, as in the reference) or, for records and
// objects, member by member (structural.go). A type public in neither
// version is Patch.
func (c *comparer) typeDef(ni, oi item) *Diff {
	n, o := ni.decl.(*syntax.TypeDecl), oi.decl.(*syntax.TypeDecl)
	name := n.Name.Text
	b := newBuilder("type definition", true, true)
	b.d.Name, b.d.indent, b.d.header = name, 4, true

	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("module variable annotation", annotationsOf(ni.file, n.Doc, n.Annotations),
		annotationsOf(oi.file, o.Doc, o.Annotations)))
	b.add(qualifierDiff("unknown", n.Public, o.Public, Minor, Major,
		fmt.Sprintf("'public' qualifier is added to type '%s'", name),
		fmt.Sprintf("'public' qualifier is removed from type '%s'", name)))
	if ds, ok := c.structuralTypeDiffs(n, ni.file, o, oi.file); ok {
		b.add(ds...)
	} else {
		b.add(exprDiff("type descriptor", n.Type, o.Type))
	}
	if len(b.d.Children) > 0 && !isPublic(&n.DeclCommon, &o.DeclCommon) {
		b.impact(Patch)
	}
	return b.build()
}
