package apidiff

import (
	"strings"

	"github.com/balcentral/balcentral/internal/syntax"
)

// Options tune a comparison.
type Options struct {
	// Upstream turns off the rules this checker adds to the reference's
	// (see the package documentation, "Beyond the reference"): type
	// definitions are then compared by their text only, as `bal semver`
	// does.
	Upstream bool
}

// Compare returns the diff tree of newPkg (the local version) against
// oldPkg (the released one), or nil when their APIs do not differ. The root
// is the package node; its children are one node per changed module.
// Modules are matched by name: a module only in newPkg is a Minor
// addition, one only in oldPkg a Major removal.
func Compare(newPkg, oldPkg *Package, opts Options) *Diff {
	c := &comparer{opts: opts}
	name := newPkg.Name
	if name == "" {
		name = oldPkg.Name
	}
	pb := newBuilder("package", true, true)
	pb.d.Name = name
	pb.d.header = true
	newMods, oldMods := map[string]*Module{}, map[string]*Module{}
	var newKeys, oldKeys []string
	for _, m := range newPkg.Modules {
		if _, dup := newMods[m.Name]; !dup {
			newKeys = append(newKeys, m.Name)
		}
		newMods[m.Name] = m
	}
	for _, m := range oldPkg.Modules {
		if _, dup := oldMods[m.Name]; !dup {
			oldKeys = append(oldKeys, m.Name)
		}
		oldMods[m.Name] = m
	}
	ex := extract(newKeys, oldKeys)
	for _, k := range ex.added {
		pb.add(moduleNode(k, New, Minor))
	}
	for _, k := range ex.removed {
		pb.add(moduleNode(k, Removed, Major))
	}
	for _, k := range ex.common {
		pb.add(c.module(newMods[k], oldMods[k]))
	}
	return pb.build()
}

// CompareModules compares two versions of one module and returns the diff
// tree rooted at a package node holding the module node, as Compare does
// for packages of that one module; nil when nothing changed.
func CompareModules(newMod, oldMod *Module, opts Options) *Diff {
	return Compare(&Package{Name: newMod.Name, Modules: []*Module{newMod}},
		&Package{Name: oldMod.Name, Modules: []*Module{oldMod}}, opts)
}

func moduleNode(name string, t Type, i Impact) *Diff {
	return &Diff{Kind: "module", Type: t, Impact: i, Name: name, indent: 2, header: true}
}

// comparer holds the options of one comparison.
type comparer struct {
	opts Options
}

// item is one named declaration of a module or of a construct's body.
type item struct {
	decl any
	file *syntax.File
}

// group is the reference's HashMap of one kind of declaration: keys in
// insertion order, a later declaration of a key replacing the earlier one
// in place.
type group struct {
	keys  []string
	items map[string]item
}

func (g *group) put(key string, it item) {
	if g.items == nil {
		g.items = map[string]item{}
	}
	if _, ok := g.items[key]; !ok {
		g.keys = append(g.keys, key)
	}
	g.items[key] = it
}

// moduleIndex is a module's API model: its module-level declarations by
// kind and name, as the reference collects them. Listeners, annotation
// declarations, xmlns declarations and imports are not compared.
type moduleIndex struct {
	functions, services, vars, consts, classes, types, enums group
}

func indexModule(m *Module) *moduleIndex {
	x := &moduleIndex{}
	for _, f := range m.Files {
		for _, d := range f.Decls {
			it := item{decl: d, file: f}
			switch d := d.(type) {
			case *syntax.FunctionDecl:
				x.functions.put(functionKey(d), it)
			case *syntax.ServiceDecl:
				if key, ok := serviceKey(d); ok {
					x.services.put(key, it)
				}
			case *syntax.VarDecl:
				x.vars.put(varName(d), it)
			case *syntax.ConstDecl:
				x.consts.put(d.Name.Text, it)
			case *syntax.ClassDecl:
				x.classes.put(d.Name.Text, it)
			case *syntax.TypeDecl:
				x.types.put(d.Name.Text, it)
			case *syntax.EnumDecl:
				x.enums.put(d.Name.Text, it)
			}
		}
	}
	return x
}

// module compares two versions of a module.
func (c *comparer) module(n, o *Module) *Diff {
	mb := newBuilder("module", true, true)
	mb.d.Name, mb.d.indent, mb.d.header = n.Name, 2, true
	nx, ox := indexModule(n), indexModule(o)
	c.groupDiffs(mb, &nx.functions, &ox.functions, constructNode("function", 4), c.function)
	c.groupDiffs(mb, &nx.services, &ox.services, constructNode("service", 4), c.service)
	c.groupDiffs(mb, &nx.vars, &ox.vars, constructNode("module variable", 4), c.moduleVar)
	c.groupDiffs(mb, &nx.consts, &ox.consts, constructNode("module constant", 4), c.constant)
	c.groupDiffs(mb, &nx.classes, &ox.classes, constructNode("class", 4), c.class)
	c.groupDiffs(mb, &nx.types, &ox.types, constructNode("type definition", 4), c.typeDef)
	c.groupDiffs(mb, &nx.enums, &ox.enums, constructNode("enum declaration", 4), c.enum)
	return mb.build()
}

// groupDiffs adds to b the diffs of one group: additions (Minor), removals
// (Major), then the changes of the declarations in both, each in the
// reference's order. added builds the node of an added or removed
// declaration; modified compares two versions.
func (c *comparer) groupDiffs(b *builder, n, o *group, added func(key string, it item, t Type) *Diff,
	modified func(n, o item) *Diff) {
	ex := extract(n.keys, o.keys)
	for _, k := range ex.added {
		b.add(added(k, n.items[k], New))
	}
	for _, k := range ex.removed {
		b.add(added(k, o.items[k], Removed))
	}
	for _, k := range ex.common {
		b.add(modified(n.items[k], o.items[k]))
	}
}

// constructNode returns the function building the node of an added
// (Minor) or removed (Major) module-level construct of the given kind.
func constructNode(kind string, indent int) func(key string, it item, t Type) *Diff {
	return func(key string, it item, t Type) *Diff {
		d := &Diff{Kind: kind, Type: t, Impact: Minor, Name: key, indent: indent, header: true}
		if t == Removed {
			d.Impact = Major
		}
		switch decl := it.decl.(type) {
		case *syntax.FunctionDecl:
			d.Kind, d.indent = functionKind(decl, nil), functionIndent(decl, nil)
		case *syntax.ServiceDecl:
			d.Name = serviceName(decl)
		}
		return d
	}
}

// functionKey is the reference's name of a function: its name, or for a
// resource method the accessor followed by the identifiers of its path,
// each capitalised (get foo/[int id]/bar → getFooBar); path parameters and
// "." are left out.
func functionKey(fd *syntax.FunctionDecl) string {
	if fd.ResourcePath.IsZero() {
		return fd.Name.Text
	}
	var b strings.Builder
	b.WriteString(fd.Name.Text)
	src := []byte(fd.ResourcePath.Text)
	depth := 0
	for _, t := range sigTokens(fd.ResourcePath.Text) {
		switch t.Kind {
		case syntax.LBracket:
			depth++
		case syntax.RBracket:
			depth--
		case syntax.Ident:
			if depth == 0 {
				b.WriteString(capitalize(string(src[t.Pos.Offset:t.End])))
			}
		}
	}
	return b.String()
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	return string(r)
}

// serviceKey is the reference's name of a service: the tokens of its
// attach point joined with "_" ("/hello/world" → "/_hello_/_world "; the
// reference includes the space that follows the last token in the usual
// layout). A service without an attach point has no name and is not
// compared.
func serviceKey(sd *syntax.ServiceDecl) (string, bool) {
	if sd.AttachPoint.IsZero() {
		return "", false
	}
	src := []byte(sd.AttachPoint.Text)
	var parts []string
	for _, t := range sigTokens(sd.AttachPoint.Text) {
		parts = append(parts, string(src[t.Pos.Offset:t.End]))
	}
	if len(parts) == 0 {
		return "", false
	}
	return strings.Join(parts, "_") + " ", true
}

// serviceName is a service's name in the text output: its attach point.
func serviceName(sd *syntax.ServiceDecl) string { return sd.AttachPoint.Text }

// varName is the reference's name of a module variable: its binding
// pattern as written.
func varName(vd *syntax.VarDecl) string {
	if !vd.Binding.IsZero() {
		return vd.Binding.Text
	}
	return vd.Name.Text
}

// isPublic reports whether either version has the public qualifier.
func isPublic(n, o *syntax.DeclCommon) bool {
	return (n != nil && n.Public) || (o != nil && o.Public)
}

// qualifierDiff returns the diff of a qualifier present in only one
// version, nil when both or neither have it. addMsg and remMsg are the
// messages, added and removed the impacts.
func qualifierDiff(kind string, inNew, inOld bool, added, removed Impact, addMsg, remMsg string) *Diff {
	switch {
	case inNew && !inOld:
		return leaf(kind, New, added, addMsg)
	case !inNew && inOld:
		return leaf(kind, Removed, removed, remMsg)
	}
	return nil
}

// docDiff compares two documentation strings (Patch).
func docDiff(n, o *syntax.Doc) *Diff {
	switch {
	case n != nil && o == nil:
		return leaf("documentation", New, Patch, "documentation is added")
	case n == nil && o != nil:
		return leaf("documentation", Removed, Patch, "documentation is removed")
	case n != nil && n.Raw != o.Raw:
		return leaf("documentation", Modified, Patch, "documentation is modified")
	}
	return nil
}

// annotations is one version of a declaration's annotation list, as the
// reference sees it: absent when the declaration has no metadata at all
// (neither documentation nor annotations), else a possibly empty list.
type annotations struct {
	present bool
	list    []*syntax.Annotation
	file    *syntax.File
}

func annotationsOf(f *syntax.File, doc *syntax.Doc, list []*syntax.Annotation) annotations {
	return annotations{present: doc != nil || len(list) > 0, list: list, file: f}
}

func (a annotations) source() string {
	parts := make([]string, len(a.list))
	for i, an := range a.list {
		parts[i] = withTrivia(a.file, spanText(a.file, an.Span))
	}
	return strings.Join(parts, ",")
}

// annotationListDiff compares two annotation lists (Ambiguous), naming
// them kind ("service annotation", ...; "" for the plain "annotation").
func annotationListDiff(kind string, n, o annotations) *Diff {
	name, jsonKind := kind, kind
	if kind == "" {
		name, jsonKind = "annotation", "unknown"
	}
	var d *Diff
	switch {
	case n.present && len(n.list) > 0 && !o.present:
		d = leaf(jsonKind, New, Ambiguous, "a new "+name+" list is added")
	case !n.present && o.present && len(o.list) > 0:
		d = leaf(jsonKind, Removed, Ambiguous, "an existing "+name+" list is removed")
	case len(n.list) == 0 && len(o.list) == 0:
		return nil
	case n.source() != o.source():
		d = leaf(jsonKind, Modified, Ambiguous, name+" list is modified")
	default:
		return nil
	}
	d.List = true
	return d
}

// exprDiff is the reference's DumbNodeComparator: it compares two optional
// expressions or types by their trimmed text (Ambiguous). kind names them
// in the messages; "" names them by their syntax kind.
func exprDiff(kind string, n, o syntax.Text) *Diff {
	jsonKind := kind
	if kind == "" {
		jsonKind = "unknown"
	}
	name := func(t syntax.Text) string {
		if kind != "" {
			return kind
		}
		return nodeKindName(t.Text)
	}
	switch {
	case !n.IsZero() && o.IsZero():
		return leaf(jsonKind, New, Ambiguous, "a new "+name(n)+" is added")
	case n.IsZero() && !o.IsZero():
		return leaf(jsonKind, Removed, Ambiguous, "an existing "+name(o)+" is removed")
	case n.IsZero():
		return nil
	case strings.TrimSpace(n.Text) != strings.TrimSpace(o.Text):
		return leaf(jsonKind, Modified, Ambiguous, name(n)+" is modified")
	}
	return nil
}
