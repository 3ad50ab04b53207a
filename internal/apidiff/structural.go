package apidiff

import (
	"fmt"
	"slices"

	"github.com/balcentral/balcentral/internal/syntax"
)

// Beyond the reference: record and object type descriptors compared member
// by member. The reference answers "type descriptor is modified"
// (Ambiguous) for any textual change of a type definition; these rules
// classify the changes of records and objects instead. They apply only
// when both versions are the same kind of structure (record and record,
// object and object) with the same qualifiers (distinct, isolated, client,
// service, readonly), the same openness (record { } or record {| |}) and
// the same text around the member list; any other change of a type
// descriptor stays "type descriptor is modified". The package
// documentation lists each rule with an example.

// structuralTypeDiffs returns the member-level diffs of two type
// definitions, and false when the structural rules do not apply to them.
func (c *comparer) structuralTypeDiffs(n *syntax.TypeDecl, nf *syntax.File, o *syntax.TypeDecl, of *syntax.File) ([]*Diff, bool) {
	if c.opts.Upstream || n.Structure == nil || o.Structure == nil ||
		n.Structure.Members == nil || o.Structure.Members == nil {
		return nil, false
	}
	ns, os := n.Structure, o.Structure
	if ns.Kind != os.Kind || ns.Closed != os.Closed || !sameSet(ns.Qualifiers, os.Qualifiers) ||
		outsideMembers(n, nf) != outsideMembers(o, of) {
		return nil, false
	}
	if ns.Kind == "record" {
		return recordDiffs(ns.Members, nf, os.Members, of), true
	}
	return c.objectTypeDiffs(ns.Members, nf, os.Members, of), true
}

// outsideMembers returns the normalised text of a type descriptor with its
// member list cut out: "readonly&record{}", "distinct object{}".
func outsideMembers(t *syntax.TypeDecl, f *syntax.File) string {
	ms := t.Structure.Members.Span
	ts := t.Type.Span
	if f == nil || ms.Start < ts.Start || ms.End > ts.End || ts.End > len(f.Src) {
		return "\x00" + t.Type.Text // cannot cut: never equal to a proper cut
	}
	return normalize(string(f.Src[ts.Start:ms.Start])) + "{}" + normalize(string(f.Src[ms.End:ts.End]))
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// recordDiffs compares the members of two record type descriptors.
//
//	added field:    required (no "?", no default) Major; optional or with a default Minor
//	removed field:  Major
//	field changed:  required ↔ optional Major; 'readonly' added Major, removed Ambiguous;
//	                type Ambiguous; default added Minor, removed Major, changed Minor
//	                (two literals) or Ambiguous; documentation Patch; annotations Ambiguous
//	rest field:     added Ambiguous, removed Major, changed Ambiguous
//	inclusion *T:   added or removed Ambiguous
//
// Field order and layout do not matter.
func recordDiffs(n *syntax.Members, nf *syntax.File, o *syntax.Members, of *syntax.File) []*Diff {
	ng, og := fieldGroup(n, nf), fieldGroup(o, of)
	ex := extract(ng.keys, og.keys)
	var out []*Diff
	for _, k := range ex.added {
		f := ng.items[k].decl.(*syntax.Field)
		switch {
		case f.Optional:
			out = append(out, leaf("record field", New, Minor, fmt.Sprintf("new optional field '%s' is added", k)))
		case !f.Default.IsZero():
			out = append(out, leaf("record field", New, Minor, fmt.Sprintf("new defaultable field '%s' is added", k)))
		default:
			out = append(out, leaf("record field", New, Major, fmt.Sprintf("new required field '%s' is added", k)))
		}
	}
	for _, k := range ex.removed {
		out = append(out, leaf("record field", Removed, Major, fmt.Sprintf("field '%s' is removed", k)))
	}
	for _, k := range ex.common {
		ni, oi := ng.items[k], og.items[k]
		if d := recordField(k, ni.decl.(*syntax.Field), ni.file, oi.decl.(*syntax.Field), oi.file); d != nil {
			out = append(out, d)
		}
	}
	nr, or := normalize(n.Rest.Text), normalize(o.Rest.Text)
	switch {
	case nr != "" && or == "":
		out = append(out, leaf("record rest field", New, Ambiguous, fmt.Sprintf("rest field of type '%s' is added", nr)))
	case nr == "" && or != "":
		out = append(out, leaf("record rest field", Removed, Major, fmt.Sprintf("rest field of type '%s' is removed", or)))
	case nr != or:
		out = append(out, leaf("record rest field", Modified, Ambiguous,
			fmt.Sprintf("type of the rest field is changed from '%s' to '%s'", or, nr)))
	}
	return append(out, inclusionDiffs(n, o)...)
}

// recordField compares two versions of a record field.
func recordField(name string, n *syntax.Field, nf *syntax.File, o *syntax.Field, of *syntax.File) *Diff {
	b := newBuilder("record field", true, true)
	b.d.Name, b.d.indent, b.d.header = name, 6, true
	b.add(docDiff(n.Doc, o.Doc))
	b.add(annotationListDiff("record field annotation", annotationsOf(nf, n.Doc, n.Annotations),
		annotationsOf(of, o.Doc, o.Annotations)))
	switch {
	case n.Optional && !o.Optional:
		b.add(leaf("unknown", Modified, Major, fmt.Sprintf("field '%s' is changed from required to optional", name)))
	case !n.Optional && o.Optional:
		b.add(leaf("unknown", Modified, Major, fmt.Sprintf("field '%s' is changed from optional to required", name)))
	}
	b.add(qualifierDiff("unknown", n.HasQualifier("readonly"), o.HasQualifier("readonly"), Major, Ambiguous,
		fmt.Sprintf("'readonly' qualifier is added to field '%s'", name),
		fmt.Sprintf("'readonly' qualifier is removed from field '%s'", name)))
	if nt, ot := normalize(n.Type.Text), normalize(o.Type.Text); nt != ot {
		b.add(leaf("unknown", Modified, Ambiguous, fmt.Sprintf("type of field '%s' is changed from '%s' to '%s'",
			name, o.Type.Text, n.Type.Text)))
	}
	nd, od := normalize(n.Default.Text), normalize(o.Default.Text)
	switch {
	case nd != "" && od == "":
		b.add(leaf("unknown", New, Minor, fmt.Sprintf("default value is added to field '%s'", name)))
	case nd == "" && od != "":
		b.add(leaf("unknown", Removed, Major, fmt.Sprintf("default value of field '%s' is removed", name)))
	case nd != od:
		i := Ambiguous
		if isBasicLiteral(nd) && isBasicLiteral(od) {
			i = Minor
		}
		b.add(leaf("unknown", Modified, i, fmt.Sprintf("default value of field '%s' is changed from '%s' to '%s'",
			name, o.Default.Text, n.Default.Text)))
	}
	return b.build()
}

// inclusionDiffs compares the type inclusions (*T;) of two bodies: each
// added or removed one is Ambiguous (what it brings depends on T).
func inclusionDiffs(n, o *syntax.Members) []*Diff {
	set := func(m *syntax.Members) []string {
		var out []string
		for _, t := range m.Inclusions {
			out = append(out, normalize(t.Text))
		}
		return out
	}
	ns, os := set(n), set(o)
	var out []*Diff
	for _, t := range ns {
		if !slices.Contains(os, t) {
			out = append(out, leaf("type inclusion", New, Ambiguous, fmt.Sprintf("type inclusion '*%s' is added", t)))
		}
	}
	for _, t := range os {
		if !slices.Contains(ns, t) {
			out = append(out, leaf("type inclusion", Removed, Ambiguous, fmt.Sprintf("type inclusion '*%s' is removed", t)))
		}
	}
	return out
}

// objectTypeDiffs compares the members of two object type descriptors.
// An object type is an interface: classes of other modules may implement
// it. So a public member (a public method or field, or a remote or
// resource method) added to it is Major, as is one removed; members that
// are not public are visible in the module only, so adding or removing
// them is Patch. Methods in both versions follow the function rules,
// fields in both the class field rules; inclusions are Ambiguous.
func (c *comparer) objectTypeDiffs(n *syntax.Members, nf *syntax.File, o *syntax.Members, of *syntax.File) []*Diff {
	var out []*Diff
	ng, og := methodGroup(n, nf), methodGroup(o, of)
	ex := extract(ng.keys, og.keys)
	memberImpact := func(fd *syntax.FunctionDecl) Impact {
		if fd.Public || fd.HasQualifier("remote") || fd.HasQualifier("resource") {
			return Major
		}
		return Patch
	}
	for _, k := range ex.added {
		fd := ng.items[k].decl.(*syntax.FunctionDecl)
		out = append(out, functionNode(fd, New, memberImpact(fd)))
	}
	for _, k := range ex.removed {
		fd := og.items[k].decl.(*syntax.FunctionDecl)
		out = append(out, functionNode(fd, Removed, memberImpact(fd)))
	}
	for _, k := range ex.common {
		ni, oi := ng.items[k], og.items[k]
		if d := c.compareFunction(ni.decl.(*syntax.FunctionDecl), ni.file, oi.decl.(*syntax.FunctionDecl), oi.file); d != nil {
			out = append(out, d)
		}
	}
	fng, fog := fieldGroup(n, nf), fieldGroup(o, of)
	fex := extract(fng.keys, fog.keys)
	fieldImpact := func(f *syntax.Field) Impact {
		if f.HasQualifier("public") {
			return Major
		}
		return Patch
	}
	for _, k := range fex.added {
		f := fng.items[k].decl.(*syntax.Field)
		out = append(out, &Diff{Kind: "object field", Type: New, Impact: fieldImpact(f), Name: k, indent: 6, header: true})
	}
	for _, k := range fex.removed {
		f := fog.items[k].decl.(*syntax.Field)
		out = append(out, &Diff{Kind: "object field", Type: Removed, Impact: fieldImpact(f), Name: k, indent: 6, header: true})
	}
	for _, k := range fex.common {
		ni, oi := fng.items[k], fog.items[k]
		if d := objectField(ni.decl.(*syntax.Field), ni.file, oi.decl.(*syntax.Field), oi.file); d != nil {
			out = append(out, d)
		}
	}
	return append(out, inclusionDiffs(n, o)...)
}
