package apidiff

import (
	"fmt"
	"strings"

	"github.com/balcentral/balcentral/internal/syntax"
)

// function compares two versions of a module-level function (items of a
// module index).
func (c *comparer) function(n, o item) *Diff {
	return c.compareFunction(n.decl.(*syntax.FunctionDecl), n.file, o.decl.(*syntax.FunctionDecl), o.file)
}

// functionKind returns "remote function" or "resource function" when
// either version is one, else "function".
func functionKind(n, o *syntax.FunctionDecl) string {
	switch {
	case hasQual(n, "remote") || hasQual(o, "remote"):
		return "remote function"
	case hasQual(n, "resource") || hasQual(o, "resource"):
		return "resource function"
	}
	return "function"
}

// functionIndent is the indentation of a function's line in the text
// output: 6 for remote and resource methods, 4 for other functions and
// methods (as the reference prints them).
func functionIndent(n, o *syntax.FunctionDecl) int {
	if functionKind(n, o) != "function" {
		return 6
	}
	return 4
}

func hasQual(fd *syntax.FunctionDecl, q string) bool {
	return fd != nil && fd.HasQualifier(q)
}

// functionNode returns the node of an added or removed method of a class,
// service or object type with the given impact.
func functionNode(fd *syntax.FunctionDecl, t Type, i Impact) *Diff {
	var n, o *syntax.FunctionDecl
	if t == New {
		n = fd
	} else {
		o = fd
	}
	return &Diff{Kind: functionKind(n, o), Type: t, Impact: i, Name: functionKey(fd),
		indent: functionIndent(n, o), header: true}
}

// compareFunction compares two versions of a function or method:
// documentation, the public/isolated/transactional qualifiers, the
// parameters, the return type and the body, in that order. The function's
// impact is the strongest of its changes, except that a function that is
// public in neither version (and is not a remote or resource method) is
// Patch whatever changed.
func (c *comparer) compareFunction(n *syntax.FunctionDecl, nf *syntax.File, o *syntax.FunctionDecl, of *syntax.File) *Diff {
	kind := functionKind(n, o)
	b := newBuilder(kind, true, true)
	b.d.Name, b.d.indent, b.d.header = functionKey(n), functionIndent(n, o), true

	b.add(docDiff(n.Doc, o.Doc))
	for _, q := range []struct {
		name       string
		add, remov Impact
	}{{"public", Minor, Major}, {"isolated", Ambiguous, Ambiguous}, {"transactional", Ambiguous, Ambiguous}} {
		b.add(qualifierDiff("unknown", n.HasQualifier(q.name), o.HasQualifier(q.name), q.add, q.remov,
			fmt.Sprintf("'%s' qualifier is added", q.name), fmt.Sprintf("'%s' qualifier is removed", q.name)))
	}
	b.add(c.paramDiffs(n.Signature, nf, o.Signature, of)...)
	b.add(returnTypeDiff(n.Signature, nf, o.Signature, of))
	b.add(bodyDiff(n, nf, o, of))

	if len(b.d.Children) > 0 && kind == "function" && !n.Public && !o.Public {
		b.impact(Patch)
	}
	return b.build()
}

// paramDiffs compares two parameter lists, matching parameters by name
// (so a reordering is not seen, as in the reference): added parameters,
// removed ones, then for each parameter in both its kind, type and default
// value.
func (c *comparer) paramDiffs(ns *syntax.Signature, nf *syntax.File, os *syntax.Signature, of *syntax.File) []*Diff {
	var np, op []*syntax.Param
	if ns != nil {
		np = ns.Params
	}
	if os != nil {
		op = os.Params
	}
	index := func(ps []*syntax.Param) ([]string, map[string]*syntax.Param) {
		var keys []string
		m := map[string]*syntax.Param{}
		for _, p := range ps {
			k := p.Name.Text
			if _, ok := m[k]; !ok {
				keys = append(keys, k)
			}
			m[k] = p
		}
		return keys, m
	}
	nk, nm := index(np)
	ok, om := index(op)
	ex := extract(nk, ok)
	var out []*Diff
	for _, k := range ex.added {
		p := nm[k]
		switch p.Kind {
		case syntax.ParamRequired:
			out = append(out, leaf("unknown", New, Major, fmt.Sprintf("new required parameter '%s' is added", k)))
		case syntax.ParamDefaultable:
			out = append(out, leaf("unknown", New, Minor, fmt.Sprintf("new defaultable parameter '%s' is added", k)))
		case syntax.ParamRest:
			out = append(out, leaf("unknown", New, Minor, fmt.Sprintf("new rest parameter '%s' is added", k)))
		default:
			out = append(out, leaf("unknown", New, Major, fmt.Sprintf("new parameter '%s' is added", k)))
		}
	}
	for _, k := range ex.removed {
		word := ""
		switch om[k].Kind {
		case syntax.ParamRequired:
			word = "required "
		case syntax.ParamDefaultable:
			word = "defaultable "
		case syntax.ParamRest:
			word = "rest "
		}
		out = append(out, leaf("unknown", Removed, Major, fmt.Sprintf("%sparameter '%s' is removed", word, k)))
	}
	for _, k := range ex.common {
		out = append(out, paramDiff(nm[k], nf, om[k])...)
	}
	return out
}

// paramDiff compares two versions of a parameter: kind, type, default.
func paramDiff(n *syntax.Param, nf *syntax.File, o *syntax.Param) []*Diff {
	var out []*Diff
	name := n.Name.Text
	if n.Kind != o.Kind {
		// required → defaultable is the only compatible change of kind.
		i := Major
		if n.Kind == syntax.ParamDefaultable && o.Kind == syntax.ParamRequired {
			i = Minor
		}
		out = append(out, leaf("unknown", Modified, i,
			fmt.Sprintf("kind of parameter '%s' is changed from '%s' to '%s'", name, o.Kind, n.Kind)))
	}
	if nt, ot := strings.TrimSpace(n.Type.Text), strings.TrimSpace(o.Type.Text); nt != ot {
		out = append(out, leaf("unknown", Modified, Ambiguous,
			fmt.Sprintf("type of parameter '%s' is changed from '%s' to '%s'", name, ot, nt)))
	}
	if n.Kind == syntax.ParamDefaultable && o.Kind == syntax.ParamDefaultable {
		nd, od := strings.TrimSpace(n.Default.Text), strings.TrimSpace(o.Default.Text)
		if nd != od {
			i := Ambiguous
			if isBasicLiteral(nd) && isBasicLiteral(od) {
				i = Minor
			}
			// The reference prints the name token through a Java Optional,
			// with the token's trailing white space.
			shown := "Optional.empty"
			if !n.Name.IsZero() {
				shown = "Optional[" + trailing(nf, n.Name) + "]"
			}
			out = append(out, leaf("unknown", Modified, i,
				fmt.Sprintf("default value of parameter '%s' is changed from '%s' to '%s'", shown, od, nd)))
		}
	}
	return out
}

// returnTypeDiff compares return types: added or removed is Major, a
// changed text Ambiguous.
func returnTypeDiff(ns *syntax.Signature, nf *syntax.File, os *syntax.Signature, of *syntax.File) *Diff {
	var nr, or syntax.Text
	if ns != nil {
		nr = ns.Returns
	}
	if os != nil {
		or = os.Returns
	}
	switch {
	case !nr.IsZero() && or.IsZero():
		return leaf("unknown", New, Major, "return type is added")
	case nr.IsZero() && !or.IsZero():
		return leaf("unknown", Removed, Major, "return type is removed")
	case nr.IsZero():
		return nil
	case strings.TrimSpace(nr.Text) != strings.TrimSpace(or.Text):
		return leaf("unknown", Modified, Ambiguous,
			fmt.Sprintf("return type is changed from '%s' to '%s'", withTrivia(of, or), withTrivia(nf, nr)))
	}
	return nil
}

// bodyDiff compares function bodies by their exact source, trivia
// included (Patch).
func bodyDiff(n *syntax.FunctionDecl, nf *syntax.File, o *syntax.FunctionDecl, of *syntax.File) *Diff {
	nb, ob := bodySource(n, nf), bodySource(o, of)
	switch {
	case nb != "" && ob == "":
		return leaf("unknown", New, Patch, "function body is added")
	case nb == "" && ob != "":
		return leaf("unknown", Removed, Patch, "function body is removed")
	case nb != ob:
		return leaf("unknown", Modified, Patch, "function body is modified")
	}
	return nil
}

// bodySource returns the source of a function's body with its trivia: the
// block, "=> expr;" or "= external;"; "" when it has none.
func bodySource(fd *syntax.FunctionDecl, f *syntax.File) string {
	switch fd.BodyKind {
	case syntax.BodyNone:
		return ""
	case syntax.BodyBlock:
		return withTrivia(f, fd.Body)
	}
	if f == nil || fd.Signature == nil || fd.Body.IsZero() {
		return fd.Body.Text
	}
	start := skipTrivia(f.Src, fd.Signature.Span.End)
	end := fd.Body.Span.End
	if e := skipTrivia(f.Src, end); e < len(f.Src) && f.Src[e] == ';' {
		end = e + 1
	}
	if start > fd.Body.Span.Start || end < start {
		return withTrivia(f, fd.Body)
	}
	return withTrivia(f, spanText(f, syntax.Span{Start: start, End: end}))
}

// skipTrivia returns the offset of the first byte at or after off that is
// not white space or part of a comment.
func skipTrivia(src []byte, off int) int {
	for off < len(src) {
		switch src[off] {
		case ' ', '\t', '\f', '\n', '\r':
			off++
		case '/':
			if off+1 < len(src) && src[off+1] == '/' {
				for off < len(src) && src[off] != '\n' && src[off] != '\r' {
					off++
				}
				continue
			}
			return off
		default:
			return off
		}
	}
	return off
}
