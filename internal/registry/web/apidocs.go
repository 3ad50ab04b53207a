package web

import (
	"cmp"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/balcentral/balcentral/internal/syntax"
)

// The API documentation of a module is built from its sources alone, with
// internal/syntax: the public declarations, their signatures as written and
// their documentation comments (Ballerina Flavored Markdown, rendered like
// a README). Nothing is compiled, so types are shown as written, and a
// source file that does not parse still contributes every declaration the
// parser recovered; the page says which files had problems.

// A SourceFile is one .bal file of a module.
type SourceFile struct {
	Name string // for diagnostics: "modules/pkg/main.bal"
	Src  []byte
}

// ModuleDoc is the public API of one module.
type ModuleDoc struct {
	Module      string
	Functions   []*FuncDoc
	Classes     []*ClassDoc
	Records     []*TypeDoc
	ObjectTypes []*TypeDoc
	Errors      []*TypeDoc // type definitions whose type is an error type
	Types       []*TypeDoc // every other type definition
	Constants   []*ItemDoc
	Enums       []*EnumDoc
	Variables   []*ItemDoc // public (configurable) module variables
	Listeners   []*ItemDoc
	Services    []*ClassDoc
	Annotations []*ItemDoc
	// Problems lists the first syntax errors of the sources, as
	// "file:line:col: message"; the documentation may miss what they hid.
	Problems []string
	// MoreProblems counts the errors beyond Problems.
	MoreProblems int
}

// maxProblems is how many syntax errors a ModuleDoc lists.
const maxProblems = 10

// Empty reports whether the module has no public API.
func (m *ModuleDoc) Empty() bool {
	return len(m.Functions)+len(m.Classes)+len(m.Records)+len(m.ObjectTypes)+len(m.Errors)+len(m.Types)+
		len(m.Constants)+len(m.Enums)+len(m.Variables)+len(m.Listeners)+len(m.Services)+len(m.Annotations) == 0
}

// A Section is a titled group of a ModuleDoc's items, for the page's table
// of contents.
type Section struct {
	ID, Title string
	Items     []SectionItem
}

// A SectionItem is an entry of a Section.
type SectionItem struct {
	Name, Anchor string
	Deprecated   bool
}

// Sections returns the non-empty groups of m in page order.
func (m *ModuleDoc) Sections() []Section {
	var out []Section
	add := func(id, title string, items []*ItemDoc) {
		if len(items) == 0 {
			return
		}
		s := Section{ID: id, Title: title}
		for _, it := range items {
			s.Items = append(s.Items, SectionItem{Name: it.Name, Anchor: it.Anchor, Deprecated: it.Deprecated})
		}
		out = append(out, s)
	}
	add("functions", "Functions", items(m.Functions))
	add("classes", "Classes", items(m.Classes))
	add("records", "Records", items(m.Records))
	add("object-types", "Object types", items(m.ObjectTypes))
	add("errors", "Errors", items(m.Errors))
	add("types", "Types", items(m.Types))
	add("constants", "Constants", m.Constants)
	add("enums", "Enums", items(m.Enums))
	add("variables", "Configurable variables", m.Variables)
	add("listeners", "Listeners", m.Listeners)
	add("services", "Services", items(m.Services))
	add("annotations", "Annotations", m.Annotations)
	return out
}

// items returns the ItemDoc of every element of l.
func items[T interface{ item() *ItemDoc }](l []T) []*ItemDoc {
	out := make([]*ItemDoc, len(l))
	for i, x := range l {
		out[i] = x.item()
	}
	return out
}

// ItemDoc is what every documented declaration has.
type ItemDoc struct {
	Kind   string // "function", "class", "record", "type", "const", ...
	Name   string
	Anchor string // the id of its entry on the page
	// Signature is the declaration's heading as code, highlighted:
	// "public isolated function f(int a) returns string".
	Signature template.HTML
	// Qualifiers are the declaration's qualifiers ("isolated", "client",
	// "remote", "configurable"...), public excluded.
	Qualifiers  []string
	Description template.HTML
	Deprecated  bool
	// Deprecation is the text of the "# Deprecated" section, if any.
	Deprecation template.HTML
}

func (d *ItemDoc) item() *ItemDoc { return d }

// FuncDoc documents a function or a method.
type FuncDoc struct {
	ItemDoc
	// Accessor and ResourcePath are set for resource methods.
	Accessor, ResourcePath string
	Params                 []*ParamDoc
	Return                 *ReturnDoc // nil when the function returns nothing
}

// ParamDoc documents a parameter, a record field or an object field.
type ParamDoc struct {
	Name, Type  string
	Default     string // the default value as written, "" when none
	Kind        string // "required", "defaultable", "included record", "rest"; "" for fields
	Optional    bool   // a record field `T name?`
	Readonly    bool
	Description template.HTML
	Deprecated  bool
	Deprecation template.HTML
}

// ReturnDoc documents a return value.
type ReturnDoc struct {
	Type        string
	Description template.HTML
}

// ClassDoc documents a class (or a service): its public fields and
// methods.
type ClassDoc struct {
	ItemDoc
	Inclusions []string
	Fields     []*ParamDoc
	Methods    []*FuncDoc
}

// TypeDoc documents a type definition.
type TypeDoc struct {
	ItemDoc
	// Type is the type descriptor as written, for types that are not a
	// record or object type.
	Type       string
	Closed     bool // a closed record
	Inclusions []string
	Fields     []*ParamDoc
	Methods    []*FuncDoc
	Rest       string // the rest field type of a record, "" when none
}

// EnumDoc documents an enum.
type EnumDoc struct {
	ItemDoc
	Members []*ParamDoc // Name, Default (the value when written), Description
}

// BuildModuleDoc parses the sources of a module and documents its public
// API. md renders the documentation comments. It accepts any input.
func BuildModuleDoc(module string, files []SourceFile, md *Markdown) *ModuleDoc {
	b := &docBuilder{md: md, doc: &ModuleDoc{Module: module}, anchors: map[string]int{}}
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b SourceFile) int { return cmp.Compare(a.Name, b.Name) })
	for _, f := range files {
		pf := syntax.ParseFile(f.Name, f.Src, 0)
		for _, d := range pf.Diagnostics {
			if d.Severity != syntax.SeverityError {
				continue
			}
			if len(b.doc.Problems) < maxProblems {
				b.doc.Problems = append(b.doc.Problems, d.Error())
			} else {
				b.doc.MoreProblems++
			}
		}
		for _, d := range pf.Decls {
			b.decl(d)
		}
	}
	m := b.doc
	sortItems(m.Functions)
	sortItems(m.Classes)
	sortItems(m.Records)
	sortItems(m.ObjectTypes)
	sortItems(m.Errors)
	sortItems(m.Types)
	sortItems(m.Constants)
	sortItems(m.Enums)
	sortItems(m.Variables)
	sortItems(m.Listeners)
	sortItems(m.Annotations)
	return m
}

// sortItems orders items by name, as Central's API docs list them.
func sortItems[T interface{ item() *ItemDoc }](l []T) {
	slices.SortStableFunc(l, func(a, b T) int { return cmp.Compare(a.item().Name, b.item().Name) })
}

// docBuilder accumulates a ModuleDoc.
type docBuilder struct {
	md      *Markdown
	doc     *ModuleDoc
	anchors map[string]int // anchors given so far, to keep them unique
}

// decl adds a module-level declaration if it is part of the public API.
func (b *docBuilder) decl(d syntax.Decl) {
	c := d.Common()
	switch d := d.(type) {
	case *syntax.FunctionDecl:
		if c.Public {
			b.doc.Functions = append(b.doc.Functions, b.function(d, ""))
		}
	case *syntax.ClassDecl:
		if c.Public {
			cd := &ClassDoc{ItemDoc: b.item("class", c, "", strings.TrimSpace(qualifierText(c.Qualifiers)+" class "+c.Name.Text))}
			b.members(d.Members, c.Doc, c.Name.Text, false, &cd.Inclusions, &cd.Fields, &cd.Methods)
			b.doc.Classes = append(b.doc.Classes, cd)
		}
	case *syntax.TypeDecl:
		if c.Public {
			b.typeDecl(d)
		}
	case *syntax.ConstDecl:
		if c.Public {
			sig := qualifierText(c.Qualifiers) + " const " + withType(d.Type.Text, c.Name.Text)
			if d.Value.Text != "" {
				sig += " = " + d.Value.Text
			}
			b.doc.Constants = append(b.doc.Constants, ptr(b.item("const", c, "", sig+";")))
		}
	case *syntax.EnumDecl:
		if c.Public {
			ed := &EnumDoc{ItemDoc: b.item("enum", c, "", qualifierText(c.Qualifiers)+" enum "+c.Name.Text)}
			for _, m := range d.Members {
				pd := &ParamDoc{Name: m.Name.Text, Default: m.Value.Text}
				b.fillDoc(pd, m.Doc, m.Annotations, c.Doc)
				ed.Members = append(ed.Members, pd)
			}
			b.doc.Enums = append(b.doc.Enums, ed)
		}
	case *syntax.ListenerDecl:
		if c.Public {
			sig := qualifierText(c.Qualifiers) + " listener " + withType(d.Type.Text, c.Name.Text)
			b.doc.Listeners = append(b.doc.Listeners, ptr(b.item("listener", c, "", sig)))
		}
	case *syntax.VarDecl:
		if c.Public && !c.Name.IsZero() {
			sig := qualifierText(c.Qualifiers) + " " + withType(d.Type.Text, c.Name.Text)
			if d.Init.Text != "" {
				sig += " = " + d.Init.Text
			}
			b.doc.Variables = append(b.doc.Variables, ptr(b.item("variable", c, "", sig+";")))
		}
	case *syntax.AnnotationDecl:
		if c.Public {
			sig := qualifierText(c.Qualifiers) + " annotation " + withType(d.Type.Text, c.Name.Text)
			if len(d.AttachPoints) > 0 {
				sig += " on " + strings.Join(d.AttachPoints, ", ")
			}
			b.doc.Annotations = append(b.doc.Annotations, ptr(b.item("annotation", c, "", sig+";")))
		}
	case *syntax.ServiceDecl:
		name := strings.TrimSpace(d.AttachPoint.Text)
		if name == "" {
			name = "service"
		}
		sig := strings.Join(strings.Fields(qualifierText(c.Qualifiers)+" service "+d.Type.Text+" "+d.AttachPoint.Text), " ")
		if len(d.Listeners) > 0 {
			ls := make([]string, len(d.Listeners))
			for i, l := range d.Listeners {
				ls[i] = l.Text
			}
			sig += " on " + strings.Join(ls, ", ")
		}
		it := b.item("service", c, name, sig)
		sd := &ClassDoc{ItemDoc: it}
		b.members(d.Members, c.Doc, "service "+name, false, &sd.Inclusions, &sd.Fields, &sd.Methods)
		b.doc.Services = append(b.doc.Services, sd)
	}
}

// typeDecl adds a public type definition to the group its type belongs to.
func (b *docBuilder) typeDecl(d *syntax.TypeDecl) {
	c := d.Common()
	head := qualifierText(c.Qualifiers) + " type " + c.Name.Text
	if d.Structure == nil {
		kind := "type"
		if isErrorType(d.Type.Text) {
			kind = "error"
		}
		td := &TypeDoc{ItemDoc: b.item(kind, c, "", head+" "+d.Type.Text+";"), Type: d.Type.Text}
		if kind == "error" {
			b.doc.Errors = append(b.doc.Errors, td)
		} else {
			b.doc.Types = append(b.doc.Types, td)
		}
		return
	}
	st := d.Structure
	sig := head + " " + strings.TrimSpace(strings.Join(st.Qualifiers, " ")+" "+st.Kind)
	td := &TypeDoc{ItemDoc: b.item(st.Kind, c, "", strings.TrimSpace(sig)), Closed: st.Closed}
	if st.Members != nil {
		td.Rest = st.Members.Rest.Text
	}
	b.members(st.Members, c.Doc, c.Name.Text, st.Kind == "record", &td.Inclusions, &td.Fields, &td.Methods)
	if st.Kind == "record" {
		b.doc.Records = append(b.doc.Records, td)
	} else {
		b.doc.ObjectTypes = append(b.doc.ObjectTypes, td)
	}
}

// members documents the fields and methods of a class, service, record or
// object type. Fields are documented by their own comment or by a
// `+ name - text` line of the owner's (typeDoc); all fields of a record
// are public, elsewhere only `public` ones (and every field of an object
// type that is not `private`). Methods are listed when public, remote or
// resource.
func (b *docBuilder) members(ms *syntax.Members, typeDoc *syntax.Doc, owner string, record bool, incl *[]string, fields *[]*ParamDoc, methods *[]*FuncDoc) {
	if ms == nil {
		return
	}
	for _, t := range ms.Inclusions {
		*incl = append(*incl, t.Text)
	}
	for _, f := range ms.Fields {
		if !record && !f.HasQualifier("public") {
			continue
		}
		pd := &ParamDoc{Name: f.Name.Text, Type: f.Type.Text, Default: f.Default.Text, Optional: f.Optional, Readonly: f.HasQualifier("readonly")}
		b.fillDoc(pd, f.Doc, f.Annotations, typeDoc)
		*fields = append(*fields, pd)
	}
	for _, m := range ms.Methods {
		c := m.Common()
		if !c.Public && !c.HasQualifier("remote") && !c.HasQualifier("resource") {
			continue
		}
		*methods = append(*methods, b.function(m, owner))
	}
}

// function documents a function or method; owner is the class of a
// method ("" for a module-level function).
func (b *docBuilder) function(d *syntax.FunctionDecl, owner string) *FuncDoc {
	c := d.Common()
	name := c.Name.Text
	if d.Accessor != "" {
		name = d.Accessor + " " + d.ResourcePath.Text
	}
	var sig strings.Builder
	sig.WriteString(strings.TrimSpace(qualifierText(c.Qualifiers) + " function " + name))
	fd := &FuncDoc{Accessor: d.Accessor, ResourcePath: d.ResourcePath.Text}
	var params []string
	if d.Signature != nil {
		for _, p := range d.Signature.Params {
			pd := &ParamDoc{Name: p.Name.Text, Type: p.Type.Text, Default: p.Default.Text, Kind: paramKind(p.Kind)}
			b.fillDoc(pd, nil, p.Annotations, c.Doc)
			fd.Params = append(fd.Params, pd)
			params = append(params, paramText(p))
		}
	}
	sig.WriteString("(" + strings.Join(params, ", ") + ")")
	if d.Signature != nil && d.Signature.Returns.Text != "" {
		sig.WriteString(" returns " + d.Signature.Returns.Text)
		fd.Return = &ReturnDoc{Type: d.Signature.Returns.Text}
		if c.Doc != nil && c.Doc.HasReturn {
			fd.Return.Description = b.render(c.Doc.Return)
		}
	}
	kind := "function"
	anchorName := name
	if owner != "" {
		kind = "method"
		anchorName = owner + "-" + name
	}
	fd.ItemDoc = b.item(kind, c, anchorName, sig.String())
	fd.Name = name
	return fd
}

// item fills the parts every declaration has. anchorName, when set,
// replaces the name in the anchor.
func (b *docBuilder) item(kind string, c *syntax.DeclCommon, anchorName, signature string) ItemDoc {
	name := c.Name.Text
	if anchorName == "" {
		anchorName = name
		if name == "" {
			anchorName = kind
		}
	}
	if name == "" {
		name = anchorName
	}
	it := ItemDoc{
		Kind:       kind,
		Name:       name,
		Anchor:     b.anchor(kind + "-" + anchorName),
		Signature:  Highlight("ballerina", strings.TrimSpace(signature)),
		Qualifiers: qualifiersWithoutPublic(c.Qualifiers),
	}
	if c.Doc != nil {
		it.Description = b.render(c.Doc.Description)
		if c.Doc.Deprecated {
			it.Deprecated = true
			it.Deprecation = b.render(c.Doc.DeprecatedDoc)
		}
	}
	if hasDeprecatedAnnotation(c.Annotations) {
		it.Deprecated = true
	}
	return it
}

// fillDoc sets the description and deprecation of a parameter or field:
// from its own documentation comment, else from the owner's `+ name -`
// line; a `# # Deprecated parameters` entry or a @deprecated annotation
// marks it deprecated.
func (b *docBuilder) fillDoc(pd *ParamDoc, own *syntax.Doc, annots []*syntax.Annotation, owner *syntax.Doc) {
	switch {
	case own != nil:
		pd.Description = b.render(own.Description)
		if own.Deprecated {
			pd.Deprecated = true
			pd.Deprecation = b.render(own.DeprecatedDoc)
		}
	case owner != nil:
		for _, p := range owner.Params {
			if p.Name == pd.Name {
				pd.Description = b.render(p.Description)
			}
		}
	}
	if owner != nil {
		for _, p := range owner.DeprecatedParams {
			if p.Name == pd.Name {
				pd.Deprecated = true
				pd.Deprecation = b.render(p.Description)
			}
		}
	}
	if hasDeprecatedAnnotation(annots) {
		pd.Deprecated = true
	}
}

// render renders documentation Markdown; relative links are dropped, as
// they have no base in a comment.
func (b *docBuilder) render(md string) template.HTML {
	if strings.TrimSpace(md) == "" {
		return ""
	}
	return b.md.Render(md, Document{HeadingShift: 3})
}

// anchor returns a unique page id made from s.
func (b *docBuilder) anchor(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			sb.WriteRune(r)
		case r > 127:
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
	}
	id := sb.String()
	n := b.anchors[id]
	b.anchors[id] = n + 1
	if n > 0 {
		id += "-" + strconv.Itoa(n+1)
	}
	return id
}

func ptr[T any](v T) *T { return &v }

// qualifierText joins qualifiers for a signature.
func qualifierText(qs []string) string { return strings.Join(qs, " ") }

// qualifiersWithoutPublic drops "public", which every documented
// declaration has.
func qualifiersWithoutPublic(qs []string) []string {
	var out []string
	for _, q := range qs {
		if q != "public" {
			out = append(out, q)
		}
	}
	return out
}

// withType is "T name", or "name" when the type is implicit.
func withType(typ, name string) string {
	if typ == "" {
		return name
	}
	return typ + " " + name
}

// paramText is a parameter as written in a signature.
func paramText(p *syntax.Param) string {
	var s string
	switch p.Kind {
	case syntax.ParamIncludedRecord:
		s = "*" + p.Type.Text
	case syntax.ParamRest:
		s = p.Type.Text + "..."
	default:
		s = p.Type.Text
	}
	if p.Name.Text != "" {
		s += " " + p.Name.Text
	}
	if p.Kind == syntax.ParamDefaultable && p.Default.Text != "" {
		s += " = " + p.Default.Text
	}
	return s
}

// paramKind names a parameter kind for people.
func paramKind(k syntax.ParamKind) string {
	switch k {
	case syntax.ParamDefaultable:
		return "defaultable"
	case syntax.ParamIncludedRecord:
		return "included record"
	case syntax.ParamRest:
		return "rest"
	}
	return "required"
}

// isErrorType reports whether a type descriptor is an error type:
// `error`, `error<T>`, `distinct error...` or an intersection or union of
// such.
func isErrorType(t string) bool {
	t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "distinct "))
	return t == "error" || strings.HasPrefix(t, "error<") || strings.HasPrefix(t, "error ") || strings.HasPrefix(t, "error&")
}

// hasDeprecatedAnnotation reports a @deprecated annotation.
func hasDeprecatedAnnotation(as []*syntax.Annotation) bool {
	for _, a := range as {
		if a.Tag == "deprecated" {
			return true
		}
	}
	return false
}
