package syntax

// This file is the model of one parsed .bal file at module level: its
// imports and declarations, with everything a package manager, an API
// documentation page or the semantic-version checker needs, and nothing
// about what function bodies do.
//
// Every part that comes from source text is a Text: the exact source slice
// (without surrounding whitespace or comments) and its span, so callers can
// compare texts, hash bodies, or slice the source again with the trivia that
// follows (File.TextWithTrivia), as the reference semver checker does.

// Text is a piece of source: its text, exactly as written, and where it is.
// The zero Text means "absent".
type Text struct {
	Text string
	Span Span
}

// IsZero reports whether t is absent.
func (t Text) IsZero() bool { return t.Span == Span{} && t.Text == "" }

// File is one parsed .bal file.
type File struct {
	// Path is the file name used in diagnostics.
	Path string
	// Src is the file's content as given to the parser. Spans index it.
	Src []byte
	// Imports are the import declarations in source order, including
	// duplicates (which are also diagnosed).
	Imports []*Import
	// Decls are the module-level declarations in source order.
	Decls []Decl
	// Diagnostics lists every lexical and syntax problem, in source order.
	Diagnostics []Diagnostic
}

// Slice returns the source text of s.
func (f *File) Slice(s Span) string { return string(f.Src[s.Start:s.End]) }

// Import is `import [org/]module [as prefix];`.
type Import struct {
	// Org is the organization, normalised (quotes and escapes removed); ""
	// when the import names no org (the importing module's org applies).
	Org string
	// Module is the dotted module name, normalised: "googleapis.gmail".
	Module string
	// Prefix is the name after `as`, "_" for a side-effect import, or ""
	// when there is no `as` clause (see EffectivePrefix).
	Prefix string
	// Pos is the position of the `import` keyword; Span covers the whole
	// declaration including the semicolon.
	Pos  Pos
	Span Span
}

// EffectivePrefix returns the prefix the import binds: the `as` name, or
// else the last component of the module name.
func (i *Import) EffectivePrefix() string {
	if i.Prefix != "" {
		return i.Prefix
	}
	for j := len(i.Module) - 1; j >= 0; j-- {
		if i.Module[j] == '.' {
			return i.Module[j+1:]
		}
	}
	return i.Module
}

// DeclKind says what a module-level declaration declares.
type DeclKind uint8

// Declaration kinds.
const (
	DeclFunction DeclKind = iota + 1
	DeclType
	DeclClass
	DeclConst
	DeclEnum
	DeclListener
	DeclService
	DeclAnnotation
	DeclVar
	DeclXMLNS
)

func (k DeclKind) String() string {
	switch k {
	case DeclFunction:
		return "function"
	case DeclType:
		return "type"
	case DeclClass:
		return "class"
	case DeclConst:
		return "const"
	case DeclEnum:
		return "enum"
	case DeclListener:
		return "listener"
	case DeclService:
		return "service"
	case DeclAnnotation:
		return "annotation"
	case DeclVar:
		return "variable"
	case DeclXMLNS:
		return "xmlns"
	}
	return "unknown"
}

// Decl is a module-level declaration: one of *FunctionDecl, *TypeDecl,
// *ClassDecl, *ConstDecl, *EnumDecl, *ListenerDecl, *ServiceDecl,
// *AnnotationDecl, *VarDecl, *XMLNSDecl.
type Decl interface {
	// Common returns the parts every declaration has.
	Common() *DeclCommon
}

// DeclCommon holds the parts every declaration has.
type DeclCommon struct {
	Kind DeclKind
	// Name is the declared name, normalised ("'from" → "from"). Services,
	// xmlns declarations and unnamed variables (binding patterns) have none.
	Name Text
	// Public reports a `public` qualifier.
	Public bool
	// Qualifiers are the qualifier keywords in source order, `public`
	// included: "public", "isolated", "transactional", "final",
	// "configurable", "distinct", "readonly", "client", "service", "const",
	// "remote", "resource", "private".
	Qualifiers []string
	// Doc is the documentation string before the declaration, or nil.
	Doc *Doc
	// Annotations are the annotations before the declaration.
	Annotations []*Annotation
	// Pos is the position of the declaration's first token after its
	// metadata (its first qualifier or keyword); Span covers the whole
	// declaration, metadata included.
	Pos  Pos
	Span Span
}

// Common implements Decl.
func (c *DeclCommon) Common() *DeclCommon { return c }

// HasQualifier reports whether q is among c's qualifiers.
func (c *DeclCommon) HasQualifier(q string) bool {
	for _, x := range c.Qualifiers {
		if x == q {
			return true
		}
	}
	return false
}

// Annotation is `@tag` or `@tag {…}`.
type Annotation struct {
	// Tag is the annotation tag reference, normalised: "deprecated",
	// "http:ServiceConfig".
	Tag string
	// Value is the mapping constructor `{…}`, absent when there is none.
	Value Text
	// Span covers the whole annotation.
	Span Span
}

// Doc is a parsed documentation string (Ballerina Flavored Markdown).
type Doc struct {
	// Raw is the documentation source exactly as written: every line from
	// its "#" to the end, joined with "\n". Any change to it is a change to
	// the documentation.
	Raw string
	// Span covers the documentation lines.
	Span Span
	// Description is the Markdown before the first parameter line or
	// section heading, with the "#" and one following space removed from
	// each line.
	Description string
	// Params are the `+ name - description` lines (fields for records,
	// classes and objects), in order.
	Params []DocParam
	// Return is the `+ return - description` text; HasReturn tells an empty
	// description from none.
	Return    string
	HasReturn bool
	// Deprecated reports a `# # Deprecated` section and holds its text.
	Deprecated    bool
	DeprecatedDoc string
	// DeprecatedParams are the `+ name - reason` lines under a
	// `# # Deprecated parameters` section.
	DeprecatedParams []DocParam
}

// DocParam is one `+ name - description` item.
type DocParam struct {
	Name        string
	Description string
}

// ParamKind is the kind of a function parameter.
type ParamKind uint8

// Parameter kinds, named as the reference semver checker names them.
const (
	ParamRequired       ParamKind = iota + 1 // T x
	ParamDefaultable                         // T x = e   (or = <>)
	ParamIncludedRecord                      // *T x
	ParamRest                                // T... x
)

func (k ParamKind) String() string {
	switch k {
	case ParamRequired:
		return "REQUIRED_PARAM"
	case ParamDefaultable:
		return "DEFAULTABLE_PARAM"
	case ParamIncludedRecord:
		return "INCLUDED_RECORD_PARAM"
	case ParamRest:
		return "REST_PARAM"
	}
	return "UNKNOWN_PARAM"
}

// Param is one function parameter.
type Param struct {
	Kind        ParamKind
	Annotations []*Annotation
	// Type is the type descriptor (for an included record, the type
	// reference after "*"; for a rest parameter, the type before "...").
	Type Text
	// Name is the parameter name, normalised; absent for unnamed parameters
	// (allowed in function types).
	Name Text
	// Default is the default expression of a defaultable parameter ("<>"
	// for an inferred typedesc default).
	Default Text
	Span    Span
}

// Signature is a parameter list and return type.
type Signature struct {
	Params []*Param
	// Returns is the return type descriptor after `returns`, without its
	// annotations; absent when the function returns nil implicitly.
	Returns            Text
	ReturnsAnnotations []*Annotation
	// Span covers "(" through the end of the return type.
	Span Span
}

// BodyKind is how a function's body is given.
type BodyKind uint8

// Function body kinds.
const (
	BodyNone     BodyKind = iota // no body: a method declaration in an object type
	BodyBlock                    // { ... }
	BodyExpr                     // => expression ;
	BodyExternal                 // = [annots] external ;
)

// FunctionDecl is a module-level function, or a method of a class, object
// type or service (including remote and resource methods).
type FunctionDecl struct {
	DeclCommon
	Signature *Signature
	// Accessor is the resource accessor ("get", "post", "default", ...) of
	// a resource method.
	Accessor string
	// ResourcePath is the resource path of a resource method as written
	// ("greeting", "users/[int id]", ".").
	ResourcePath Text
	BodyKind     BodyKind
	// Body is the body as written: the block with its braces, the
	// expression after "=>", or the external clause. Bodies are not parsed;
	// hash Body.Text to detect a change.
	Body Text
}

// Field is a field of a record type, object type, class or service.
type Field struct {
	Doc         *Doc
	Annotations []*Annotation
	// Qualifiers in source order: "public", "private", "final", "readonly".
	Qualifiers []string
	Type       Text
	Name       Text
	// Optional reports `name?` in a record field.
	Optional bool
	// Default is the expression after "=", absent when none.
	Default Text
	Span    Span
}

// HasQualifier reports whether q is among f's qualifiers.
func (f *Field) HasQualifier(q string) bool {
	for _, x := range f.Qualifiers {
		if x == q {
			return true
		}
	}
	return false
}

// Members is the body of a class, object type, record type or service.
type Members struct {
	Fields  []*Field
	Methods []*FunctionDecl
	// Inclusions are the type references of `*T;` members.
	Inclusions []Text
	// Rest is the rest field type `T...;` of a closed record, absent when
	// none.
	Rest Text
	Span Span
}

// TypeDecl is `[public] type Name <type-descriptor>;`.
type TypeDecl struct {
	DeclCommon
	// Type is the type descriptor as written.
	Type Text
	// Structure describes the type when its descriptor is a record or object
	// type (possibly after qualifiers like `readonly &` or `distinct`);
	// otherwise nil.
	Structure *TypeStructure
}

// TypeStructure is a record or object type descriptor, member by member.
type TypeStructure struct {
	// Kind is "record" or "object".
	Kind string
	// Closed reports a closed record `record {| … |}`.
	Closed bool
	// Qualifiers are the object type qualifiers ("isolated", "client",
	// "service", "distinct", "readonly").
	Qualifiers []string
	Members    *Members
}

// ClassDecl is `[public] <quals> class Name { members }`.
type ClassDecl struct {
	DeclCommon
	Members *Members
}

// ConstDecl is `[public] const [T] NAME = expr;`.
type ConstDecl struct {
	DeclCommon
	// Type is the explicit type descriptor, absent when none.
	Type  Text
	Value Text
}

// EnumDecl is `[public] enum Name { A, B = "b" }`.
type EnumDecl struct {
	DeclCommon
	Members []*EnumMember
}

// EnumMember is one member of an enum.
type EnumMember struct {
	Doc         *Doc
	Annotations []*Annotation
	Name        Text
	// Value is the const expression after "=", absent when the value is
	// the member's name.
	Value Text
	Span  Span
}

// ListenerDecl is `[public] listener [T] name = expr;`.
type ListenerDecl struct {
	DeclCommon
	Type Text
	Init Text
}

// ServiceDecl is `[isolated] service [T] [attach-point] on exprs { members }`.
type ServiceDecl struct {
	DeclCommon
	// Type is the service type descriptor, absent when none.
	Type Text
	// AttachPoint is the absolute resource path ("/", "/hello/world") or
	// string literal as written; absent when the service has none, in which
	// case it cannot be keyed.
	AttachPoint Text
	// Listeners are the expressions after `on`.
	Listeners []Text
	Members   *Members
}

// AnnotationDecl is `[public] [const] annotation [T] tag [on points];`.
type AnnotationDecl struct {
	DeclCommon
	Type Text
	// AttachPoints are the attach points as written ("function",
	// "source listener", "object field").
	AttachPoints []string
}

// VarDecl is a module-level variable, including `configurable`, `final`
// and `isolated` ones.
type VarDecl struct {
	DeclCommon
	// Type is the type descriptor (`var` included), absent only when
	// malformed.
	Type Text
	// Binding is the binding pattern when it is not a plain name (then
	// Name is absent).
	Binding Text
	// Init is the initialiser; "?" for a required configurable value;
	// absent when there is none (`T x;`).
	Init Text
}

// XMLNSDecl is `xmlns "uri" [as prefix];`.
type XMLNSDecl struct {
	DeclCommon
	URI    Text
	Prefix string
}
