package syntax

import "strings"

// This file parses imports, metadata and module-level declarations.

var (
	semicolon     = kinds(Semicolon)
	commaParen    = kinds(Comma, RParen)
	commaBrace    = kinds(Comma, RBrace)
	commaLBrace   = kinds(Comma, LBrace)
	asOrSemicolon = kinds(KwAs, Semicolon)

	// moduleQuals are the keywords that may precede the keyword of a
	// module-level declaration (or begin a variable's type).
	moduleQuals = kinds(KwPublic, KwIsolated, KwTransactional, KwFinal, KwConfigurable,
		KwDistinct, KwReadonly, KwClient, KwService)

	// Allowed qualifiers per declaration kind.
	qualsFunction   = kinds(KwPublic, KwIsolated, KwTransactional)
	qualsClass      = kinds(KwPublic, KwDistinct, KwReadonly, KwIsolated, KwClient, KwService)
	qualsService    = kinds(KwIsolated)
	qualsVar        = kinds(KwPublic, KwFinal, KwIsolated, KwConfigurable)
	qualsPublic     = kinds(KwPublic)
	qualsAnnotation = kinds(KwPublic, KwConst)
	qualsNone       = kinds()
	qualsMethod     = kinds(KwPublic, KwPrivate, KwIsolated, KwTransactional, KwRemote, KwResource)
	qualsField      = kinds(KwPublic, KwPrivate, KwFinal)

	// typeStart holds the tokens that can begin a type descriptor.
	typeStart = func() kindSet {
		s := kinds(Ident, LParen, LBracket, KwRecord, KwObject, KwFunction, StringLit, IntLit,
			FloatLit, Minus, Plus, KwIsolated, KwClient, KwService, KwTransactional, KwDistinct)
		for k := Kind(0); k < keywordEnd; k++ {
			if simpleTypeKeywords.has(k) || typeParamKeywords.has(k) {
				s[k>>6] |= 1 << (k & 63)
			}
		}
		return s
	}()
)

// parseImportSection parses the imports at the top of the file.
func (p *parser) parseImportSection() {
	for p.at(KwImport) {
		p.parseImport()
	}
}

// parseImport parses `import [org/]module(.part)* [as prefix];` at the
// `import` keyword and records it.
func (p *parser) parseImport() {
	pos := p.tok().Pos
	p.next()
	if p.sawDecl {
		p.report(pos, SeverityError, "imports must come before other declarations")
	}
	imp := &Import{Pos: pos}
	first, ok := p.importPart("organization or module name after 'import'")
	if !ok {
		p.skipImport()
		return
	}
	parts := []string{first}
	if p.got(Slash) {
		imp.Org = first
		part, ok := p.importPart("module name after '/'")
		if !ok {
			p.skipImport()
			return
		}
		parts[0] = part
	}
	for p.got(Dot) {
		part, ok := p.importPart("module name part after '.'")
		if !ok {
			p.skipImport()
			return
		}
		parts = append(parts, part)
	}
	imp.Module = strings.Join(parts, ".")
	complete := true
	if p.got(KwAs) {
		if p.at(Ident) {
			imp.Prefix = p.identName(p.tok())
			p.next()
		} else {
			p.errorExpected("import prefix after 'as'")
			complete = false
		}
	}
	if complete && !p.expect(Semicolon, "after import declaration") {
		complete = false
	}
	imp.Span = Span{pos.Offset, p.prevEnd}
	p.recordImport(imp)
	if !complete {
		p.skipImport()
	}
}

// importPart reads one org or module name component.
func (p *parser) importPart(what string) (string, bool) {
	t := p.tok()
	switch {
	case t.Kind == Ident:
		name := p.identName(t)
		if !IsRestrictedIdentifier(name) {
			p.report(t.Pos, SeverityWarning,
				"'%s' is not a valid organization or module name: expected an ASCII letter followed by letters, digits and single underscores", name)
		}
		p.next()
		return name, true
	case t.Kind.IsKeyword() && !t.nl:
		// A keyword on a new line more likely starts the next declaration.
		name := p.tokText(t)
		p.report(t.Pos, SeverityError, "reserved keyword '%s' must be quoted ('%s) in an import declaration", name, name)
		p.next()
		return name, true
	}
	p.errorExpected(what)
	return "", false
}

// skipImport skips the rest of a malformed import: up to and including the
// next ';', or up to the next `import`, the next line or the end.
func (p *parser) skipImport() {
	for {
		t := p.tok()
		switch {
		case t.Kind == EOF || t.Kind == KwImport || t.nl:
			return
		case t.Kind == Semicolon:
			p.next()
			return
		default:
			p.next()
		}
	}
}

// importKey identifies an imported module.
type importKey struct{ org, module string }

// recordImport appends imp to the file and diagnoses duplicates: the same
// module imported twice, or a prefix bound twice. Small import lists are
// searched linearly; past a few dozen imports the parser switches to maps.
func (p *parser) recordImport(imp *Import) {
	prev := p.file.Imports
	p.file.Imports = append(prev, imp)
	prefix := imp.EffectivePrefix()
	var sameModule, samePrefix *Import
	if len(prev) < 32 {
		for _, q := range prev {
			if sameModule == nil && q.Org == imp.Org && q.Module == imp.Module {
				sameModule = q
			}
			if samePrefix == nil && prefix != "_" && q.EffectivePrefix() == prefix {
				samePrefix = q
			}
		}
	} else {
		if p.imported == nil {
			p.imported = make(map[importKey]*Import, 2*len(prev))
			p.prefixes = make(map[string]*Import, 2*len(prev))
			for _, q := range prev {
				p.indexImport(q)
			}
		}
		sameModule = p.imported[importKey{imp.Org, imp.Module}]
		if prefix != "_" {
			samePrefix = p.prefixes[prefix]
		}
	}
	if p.imported != nil {
		p.indexImport(imp)
	}
	switch {
	case sameModule != nil:
		p.report(imp.Pos, SeverityError, "duplicate import of module '%s' (first imported at %s)", importName(imp), sameModule.Pos)
	case samePrefix != nil:
		p.report(imp.Pos, SeverityError, "import prefix '%s' is already bound by the import of '%s' at %s",
			prefix, importName(samePrefix), samePrefix.Pos)
	}
}

// indexImport adds imp to the duplicate-detection maps, keeping the first
// import of each module and prefix.
func (p *parser) indexImport(imp *Import) {
	k := importKey{imp.Org, imp.Module}
	if p.imported[k] == nil {
		p.imported[k] = imp
	}
	if prefix := imp.EffectivePrefix(); prefix != "_" && p.prefixes[prefix] == nil {
		p.prefixes[prefix] = imp
	}
}

func importName(imp *Import) string {
	if imp.Org == "" {
		return imp.Module
	}
	return imp.Org + "/" + imp.Module
}

// metadata is the documentation and annotations before a declaration or
// member.
type metadata struct {
	start    int // offset of the first metadata token; -1 when none
	startPos Pos
	doc      *Doc
	docPos   Pos
	annots   []*Annotation
	annotPos Pos  // position of the first annotation
	failed   bool // a malformed annotation was reported
}

// parseMetadata reads documentation lines and annotations. All the
// documentation lines before a declaration form its documentation, even
// when blank lines or comments separate them into several groups, as the
// reference parser combines consecutive documentation strings (real code
// does this: a description, a blank line, then the `+ field - ...` lines).
func (p *parser) parseMetadata() metadata {
	md := metadata{start: -1}
	var lines []string
	docEnd := 0
	for {
		t := p.tok()
		switch t.Kind {
		case DocLine:
			if md.start < 0 {
				md.start, md.startPos = t.Pos.Offset, t.Pos
			}
			if len(md.annots) > 0 {
				p.errorAt(t.Pos, "documentation must come before annotations")
			}
			if lines == nil {
				md.docPos = t.Pos
			}
			lines = append(lines, p.tokText(t))
			docEnd = t.End
			p.next()
			continue
		case At:
			if md.start < 0 {
				md.start, md.startPos = t.Pos.Offset, t.Pos
			}
			if md.annots == nil {
				md.annotPos = t.Pos
			}
			a := p.parseAnnotation()
			if a == nil {
				md.failed = true
				break
			}
			md.annots = append(md.annots, a)
			continue
		}
		break
	}
	if lines != nil {
		d := ParseDoc(lines)
		if d == nil {
			d = &Doc{Raw: strings.Join(lines, "\n")}
		}
		d.Span = Span{md.docPos.Offset, docEnd}
		md.doc = d
	}
	return md
}

// parseAnnotation parses `@tag`, `@prefix:tag` and `@tag {…}` at the '@'.
// It returns nil after reporting an error.
func (p *parser) parseAnnotation() *Annotation {
	start := p.tok().Pos.Offset
	p.next()
	t := p.tok()
	if t.Kind != Ident {
		p.errorExpected("annotation tag after '@'")
		return nil
	}
	tag := p.identName(t)
	p.next()
	if p.at(Colon) {
		if k := p.peek(1).Kind; k == Ident || k.IsKeyword() {
			p.next()
			tag += ":" + p.identName(p.tok())
			p.next()
		} else {
			p.next()
			p.errorExpected("annotation tag after ':'")
			return nil
		}
	}
	a := &Annotation{Tag: tag}
	if p.at(LBrace) {
		s := p.tok().Pos.Offset
		p.skipGroup(false)
		a.Value = p.text(s, p.prevEnd)
	}
	a.Span = Span{start, p.prevEnd}
	return a
}

// danglingMetadata reports metadata that no declaration follows.
func (p *parser) danglingMetadata(md metadata) {
	if md.doc != nil {
		p.report(md.docPos, SeverityWarning, "documentation is not attached to a declaration")
	}
	if len(md.annots) > 0 {
		p.errorAt(md.annotPos, "annotation is not attached to a declaration")
	}
}

// parseTopLevel parses one module-level declaration (or a late import).
func (p *parser) parseTopLevel() {
	md := p.parseMetadata()
	if md.failed {
		p.resyncLine()
		return
	}
	t := p.tok()
	switch {
	case t.Kind == KwImport:
		if md.start >= 0 {
			p.errorAt(md.startPos, "documentation and annotations are not allowed on an import declaration")
		}
		p.parseImport()
		return
	case t.Kind == EOF:
		p.danglingMetadata(md)
		return
	}
	p.sawDecl = true
	if d := p.parseDecl(md); d != nil {
		p.file.Decls = append(p.file.Decls, d)
	}
}

// parseDecl parses a module-level declaration after its metadata. It
// returns nil when nothing worth keeping was read.
func (p *parser) parseDecl(md metadata) Decl {
	t := p.tok()
	start := md.start
	if start < 0 {
		start = t.Pos.Offset
	}
	c := DeclCommon{Doc: md.doc, Annotations: md.annots, Pos: t.Pos}

	// Look past the run of qualifiers to the declaration's keyword.
	i := 0
	for i < maxPeek-2 && moduleQuals.has(p.peek(i).Kind) {
		i++
	}
	after := p.peek(i).Kind
	lastIsService := i > 0 && p.peek(i-1).Kind == KwService
	switch {
	case after == KwClass:
		p.takeQuals(&c, i, &qualsClass, "a class")
		return p.parseClass(c, start)
	case after == KwFunction && p.peek(i+1).Kind != LParen:
		p.takeQuals(&c, i, &qualsFunction, "a function")
		fd := &FunctionDecl{DeclCommon: c}
		fd.Kind = DeclFunction
		ok := p.parseFunctionRest(fd, false, false)
		fd.Span = Span{start, p.prevEnd}
		if !ok {
			p.resyncTop()
		}
		if fd.Name.IsZero() {
			return nil
		}
		return fd
	case after == KwType:
		p.takeQuals(&c, i, &qualsPublic, "a type definition")
		return p.parseTypeDecl(c, start)
	case after == KwEnum:
		p.takeQuals(&c, i, &qualsPublic, "an enum")
		return p.parseEnum(c, start)
	case after == KwConst && p.peek(i+1).Kind == KwAnnotation:
		p.takeQuals(&c, i+1, &qualsAnnotation, "an annotation declaration")
		return p.parseAnnotationDecl(c, start)
	case after == KwAnnotation:
		p.takeQuals(&c, i, &qualsAnnotation, "an annotation declaration")
		return p.parseAnnotationDecl(c, start)
	case after == KwConst:
		p.takeQuals(&c, i, &qualsPublic, "a constant")
		return p.parseConst(c, start)
	case after == KwListener:
		p.takeQuals(&c, i, &qualsPublic, "a listener")
		return p.parseListener(c, start)
	case after == KwXmlns:
		p.takeQuals(&c, i, &qualsNone, "an xmlns declaration")
		return p.parseXMLNS(c, start)
	case lastIsService && after != KwObject:
		p.takeQuals(&c, i-1, &qualsService, "a service declaration")
		return p.parseService(c, start)
	case i == 0 && !typeStart.has(after):
		if md.start >= 0 {
			p.danglingMetadata(md)
		}
		if t.Kind == Semicolon {
			p.errorAt(t.Pos, "unexpected ';' at module level")
			p.next()
			return nil
		}
		p.errorExpected("a module-level declaration")
		p.next()
		p.resyncTop()
		return nil
	}
	// A module-level variable: its own qualifiers, then the type (which may
	// begin with readonly, distinct, client, service, isolated object, ...).
	n := 0
	for n < i {
		k := p.peek(n).Kind
		if k == KwPublic || k == KwFinal || k == KwConfigurable {
			n++
			continue
		}
		if k == KwIsolated {
			switch p.peek(n + 1).Kind {
			case KwFunction, KwObject, KwClient, KwService, KwTransactional:
			default:
				n++
				continue
			}
		}
		break
	}
	p.takeQuals(&c, n, &qualsVar, "a variable")
	return p.parseVar(c, start)
}

// takeQuals consumes n qualifier keywords into c, reporting those not in
// allowed and repeated ones.
func (p *parser) takeQuals(c *DeclCommon, n int, allowed *kindSet, what string) {
	for j := 0; j < n; j++ {
		t := p.tok()
		q := t.Kind.String()
		switch {
		case !allowed.has(t.Kind):
			p.report(t.Pos, SeverityError, "qualifier '%s' is not allowed on %s", q, what)
		case hasString(c.Qualifiers, q):
			p.report(t.Pos, SeverityError, "duplicate qualifier '%s'", q)
		}
		c.Qualifiers = append(c.Qualifiers, q)
		if t.Kind == KwPublic {
			c.Public = true
		}
		p.next()
	}
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isFuncName reports whether t can name a function or method: an
// identifier or one of the keywords allowed as method names.
func isFuncName(k Kind) bool {
	return k == Ident || k == KwMap || k == KwJoin || k == KwStart
}

// parseFunctionRest parses a function or method from its `function`
// keyword: name (or resource accessor and path), signature and body. It
// returns false after reporting an error; fd keeps what was read.
func (p *parser) parseFunctionRest(fd *FunctionDecl, resource, allowNoBody bool) bool {
	p.next() // function
	t := p.tok()
	if resource {
		if t.Kind != Ident {
			p.errorExpected("resource accessor (get, post, ...) after 'function'")
			return false
		}
		fd.Name = p.name(t)
		fd.Accessor = fd.Name.Text
		p.next()
		s := p.tok().Pos.Offset
		for {
			t := p.tok()
			if t.Kind == LParen || t.Kind == EOF || t.Kind == LBrace || t.Kind == Semicolon ||
				closers.has(t.Kind) || p.isDeclBoundary(t) {
				break
			}
			if openers.has(t.Kind) {
				p.skipGroup(false)
			} else {
				p.next()
			}
		}
		if p.prevEnd > s {
			fd.ResourcePath = p.text(s, p.prevEnd)
		}
	} else {
		if !isFuncName(t.Kind) {
			p.errorExpected("function name")
			return false
		}
		fd.Name = p.name(t)
		p.next()
	}
	sig, ok := p.parseSignature()
	fd.Signature = sig
	if !ok {
		return false
	}
	return p.parseBody(fd, allowNoBody)
}

// parseSignature parses `( params ) [returns [annots] T]`.
func (p *parser) parseSignature() (*Signature, bool) {
	sig := &Signature{}
	t := p.tok()
	if t.Kind != LParen {
		p.errorExpected("'(' to start the parameter list")
		return sig, false
	}
	start := t.Pos.Offset
	ok := p.parseParams(sig)
	if ok && p.got(KwReturns) {
		for ok && p.at(At) {
			a := p.parseAnnotation()
			if a == nil {
				ok = false
				break
			}
			sig.ReturnsAnnotations = append(sig.ReturnsAnnotations, a)
		}
		if ok {
			s := p.tok().Pos.Offset
			if p.scanType() {
				sig.Returns = p.text(s, p.prevEnd)
			} else {
				ok = false
			}
		}
	}
	sig.Span = Span{start, p.prevEnd}
	return sig, ok
}

// parseParams parses a parenthesised parameter list at its '('.
func (p *parser) parseParams(sig *Signature) bool {
	open := p.tok().Pos
	p.next()
	if p.got(RParen) {
		return true
	}
	for {
		before := p.tok().Pos.Offset
		prm, ok := p.parseParam()
		if prm != nil {
			sig.Params = append(sig.Params, prm)
		}
		if ok && !p.at(Comma) && !p.at(RParen) {
			p.errorExpected("',' or ')' after parameter")
			ok = false
		}
		if !ok {
			p.scanExpr(&commaParen)
		}
		switch {
		case p.got(Comma):
		case p.got(RParen):
			return true
		default:
			t := p.tok()
			if t.Kind == EOF || closers.has(t.Kind) || p.isDeclBoundary(t) {
				p.errorAt(open, "'(' is not closed")
			}
			return false
		}
		if p.tok().Pos.Offset == before {
			return false
		}
	}
}

// parseParam parses one parameter. A nil result means nothing usable was
// read; ok reports whether it parsed cleanly.
func (p *parser) parseParam() (*Param, bool) {
	start := p.tok().Pos.Offset
	prm := &Param{Kind: ParamRequired}
	for p.at(At) {
		a := p.parseAnnotation()
		if a == nil {
			return nil, false
		}
		prm.Annotations = append(prm.Annotations, a)
	}
	if p.got(Star) {
		prm.Kind = ParamIncludedRecord
	}
	s := p.tok().Pos.Offset
	if !p.scanType() {
		return nil, false
	}
	prm.Type = p.text(s, p.prevEnd)
	if prm.Kind == ParamRequired && p.got(Ellipsis) {
		prm.Kind = ParamRest
	}
	if p.at(Ident) {
		prm.Name = p.name(p.tok())
		p.next()
	}
	if p.at(Assign) {
		if prm.Kind != ParamRequired {
			p.errorAt(p.tok().Pos, "a %s parameter cannot have a default value", paramWord(prm.Kind))
		}
		p.next()
		ds, de := p.scanExpr(&commaParen)
		if de == ds {
			p.errorExpected("default value after '='")
			prm.Span = Span{start, p.prevEnd}
			return prm, false
		}
		prm.Kind = ParamDefaultable
		prm.Default = p.text(ds, de)
	}
	prm.Span = Span{start, p.prevEnd}
	return prm, true
}

func paramWord(k ParamKind) string {
	switch k {
	case ParamRest:
		return "rest"
	case ParamIncludedRecord:
		return "included record"
	}
	return "required"
}

// parseBody parses a function body: a block, `=> expr;`, `= [annots]
// external;`, or (in object types, when allowNoBody) a lone ';'.
func (p *parser) parseBody(fd *FunctionDecl, allowNoBody bool) bool {
	t := p.tok()
	switch t.Kind {
	case LBrace:
		s := t.Pos.Offset
		p.bodyMode = true
		p.skipGroup(false)
		fd.BodyKind = BodyBlock
		fd.Body = p.text(s, p.prevEnd)
		p.got(Semicolon)
		return true
	case Arrow:
		p.next()
		s, e := p.scanExpr(&semicolon)
		if e == s {
			p.errorExpected("expression after '=>'")
			return false
		}
		fd.BodyKind = BodyExpr
		fd.Body = p.text(s, e)
		return p.expect(Semicolon, "after expression-bodied function")
	case Assign:
		p.next()
		s := p.tok().Pos.Offset
		for p.at(At) {
			if p.parseAnnotation() == nil {
				return false
			}
		}
		if !p.got(KwExternal) {
			p.errorExpected("'external' after '='")
			return false
		}
		fd.BodyKind = BodyExternal
		fd.Body = p.text(s, p.prevEnd)
		return p.expect(Semicolon, "after external function body")
	case Semicolon:
		if allowNoBody {
			p.next()
			fd.BodyKind = BodyNone
			return true
		}
		p.errorAt(t.Pos, "missing function body: expected '{', '=>' or '= external', found ';'")
		p.next()
		return true
	}
	p.errorExpected("function body")
	return false
}

// finish sets the span of a declaration that ends at the last consumed
// token.
func (p *parser) finish(c *DeclCommon, start int) { c.Span = Span{start, p.prevEnd} }

// declName reads the identifier naming a declaration. On failure it
// reports, resynchronises and returns false.
func (p *parser) declName(c *DeclCommon, what string) bool {
	t := p.tok()
	if t.Kind != Ident {
		p.errorExpected(what)
		p.resyncTop()
		return false
	}
	c.Name = p.name(t)
	p.next()
	return true
}

// endDecl finishes a declaration ending in ';'. On a missing ';' it
// reports and resynchronises; the declaration is kept either way.
func (p *parser) endDecl(c *DeclCommon, start int, what string) {
	ok := p.expect(Semicolon, "after "+what)
	p.finish(c, start)
	if !ok {
		p.resyncTop()
	}
}

// fail finishes a declaration after a reported error and resynchronises.
func (p *parser) fail(c *DeclCommon, start int) {
	p.finish(c, start)
	p.resyncTop()
}

// parseClass parses `class Name { members } [;]` at `class`.
func (p *parser) parseClass(c DeclCommon, start int) Decl {
	c.Kind = DeclClass
	p.next()
	if !p.declName(&c, "class name") {
		return nil
	}
	cd := &ClassDecl{DeclCommon: c}
	if !p.at(LBrace) {
		p.errorExpected("'{' to start the class body")
		p.fail(&cd.DeclCommon, start)
		return cd
	}
	cd.Members = p.parseMembers(memberClass)
	p.got(Semicolon)
	p.finish(&cd.DeclCommon, start)
	return cd
}

// parseTypeDecl parses `type Name T;` at `type`.
func (p *parser) parseTypeDecl(c DeclCommon, start int) Decl {
	c.Kind = DeclType
	p.next()
	if !p.declName(&c, "type name") {
		return nil
	}
	td := &TypeDecl{DeclCommon: c}
	s := p.tok().Pos.Offset
	var ok bool
	if kind, quals, n := p.structuredType(); kind != "" {
		for j := 0; j < n; j++ {
			p.next()
		}
		closed := p.at(LBracePipe)
		ctx := memberObject
		if kind == "record" {
			ctx = memberRecord
		}
		members := p.parseMembers(ctx)
		if p.at(Amp) && p.peek(1).Kind == KwReadonly && p.peek(2).Kind == Semicolon {
			p.next()
			p.next()
			quals = append(quals, "readonly")
		}
		if p.at(Semicolon) {
			td.Structure = &TypeStructure{Kind: kind, Closed: closed, Qualifiers: quals, Members: members}
			ok = true
		} else {
			ok = p.scanTypeFrom(true)
		}
	} else {
		ok = p.scanType()
	}
	if p.prevEnd > s {
		td.Type = p.text(s, p.prevEnd)
	}
	if !ok {
		p.fail(&td.DeclCommon, start)
		return td
	}
	p.endDecl(&td.DeclCommon, start, "type definition")
	return td
}

// structuredType looks ahead for `[quals] record {` / `[quals] object {`
// and returns the kind ("record" or "object"), the qualifiers and the
// number of tokens before the opening brace; kind "" when the type is not
// of that shape.
func (p *parser) structuredType() (kind string, quals []string, n int) {
	i := 0
	for i < maxPeek-4 {
		k := p.peek(i).Kind
		if k == KwReadonly && p.peek(i+1).Kind == Amp {
			quals = append(quals, "readonly")
			i += 2
			continue
		}
		if k == KwDistinct || k == KwIsolated || k == KwClient || k == KwService {
			quals = append(quals, k.String())
			i++
			continue
		}
		break
	}
	switch k, k1 := p.peek(i).Kind, p.peek(i+1).Kind; {
	case k == KwRecord && (k1 == LBrace || k1 == LBracePipe):
		return "record", quals, i + 1
	case k == KwObject && k1 == LBrace:
		return "object", quals, i + 1
	}
	return "", nil, 0
}

// parseEnum parses `enum Name { members } [;]` at `enum`.
func (p *parser) parseEnum(c DeclCommon, start int) Decl {
	c.Kind = DeclEnum
	p.next()
	if !p.declName(&c, "enum name") {
		return nil
	}
	ed := &EnumDecl{DeclCommon: c}
	if !p.at(LBrace) {
		p.errorExpected("'{' to start the enum members")
		p.fail(&ed.DeclCommon, start)
		return ed
	}
	open := p.tok().Pos
	p.next()
	for {
		if p.got(RBrace) {
			break
		}
		t := p.tok()
		if t.Kind == EOF || (closers.has(t.Kind)) {
			p.errorAt(open, "'{' is not closed")
			break
		}
		before := t.Pos.Offset
		md := p.parseMetadata()
		t = p.tok()
		if md.failed || t.Kind != Ident {
			if !md.failed {
				p.errorExpected("enum member name")
			}
		} else {
			ms := t.Pos.Offset
			if md.start >= 0 {
				ms = md.start
			}
			m := &EnumMember{Doc: md.doc, Annotations: md.annots, Name: p.name(t)}
			p.next()
			if p.got(Assign) {
				s, e := p.scanExpr(&commaBrace)
				if e == s {
					p.errorExpected("enum member value after '='")
				}
				m.Value = p.text(s, e)
			}
			m.Span = Span{ms, p.prevEnd}
			ed.Members = append(ed.Members, m)
			if p.at(RBrace) {
				continue
			}
			if p.at(Comma) {
				comma := p.tok().Pos
				p.next()
				if p.at(RBrace) {
					p.errorAt(comma, "trailing ',' after the last enum member")
				}
				continue
			}
			p.errorExpected("',' or '}' after enum member")
		}
		p.scanExpr(&commaBrace)
		p.got(Comma)
		if p.tok().Pos.Offset == before || p.isDeclBoundary(p.tok()) {
			p.errorAt(open, "'{' is not closed")
			break
		}
	}
	p.got(Semicolon)
	p.finish(&ed.DeclCommon, start)
	return ed
}

// parseConst parses `const [T] NAME = expr;` at `const`.
func (p *parser) parseConst(c DeclCommon, start int) Decl {
	c.Kind = DeclConst
	p.next()
	typ, value, named, complete := p.parseTypedInit(&c, "constant name", "after constant name", "constant value")
	if !named {
		return nil
	}
	cd := &ConstDecl{DeclCommon: c, Type: typ, Value: value}
	if !complete {
		p.fail(&cd.DeclCommon, start)
		return cd
	}
	p.endDecl(&cd.DeclCommon, start, "constant declaration")
	return cd
}

// parseListener parses `listener [T] name = expr;` at `listener`.
func (p *parser) parseListener(c DeclCommon, start int) Decl {
	c.Kind = DeclListener
	p.next()
	typ, init, named, complete := p.parseTypedInit(&c, "listener name", "after listener name", "listener initializer expression")
	if !named {
		return nil
	}
	ld := &ListenerDecl{DeclCommon: c, Type: typ, Init: init}
	if !complete {
		p.fail(&ld.DeclCommon, start)
		return ld
	}
	p.endDecl(&ld.DeclCommon, start, "listener declaration")
	return ld
}

// parseTypedInit parses the `[T] name = expr` shape that constant and
// listener declarations share, after their keyword, and sets c's name. named
// is false when no name was read (nothing worth keeping; the parser has
// resynchronised or reported it); complete is false when the declaration
// stops after its name, with the error already reported, and the caller
// must fail it.
func (p *parser) parseTypedInit(c *DeclCommon, nameWhat, assignWhat, valueWhat string) (typ, value Text, named, complete bool) {
	if !(p.at(Ident) && p.peek(1).Kind == Assign) {
		s := p.tok().Pos.Offset
		if !p.scanType() {
			p.resyncTop()
			return Text{}, Text{}, false, false
		}
		typ = p.text(s, p.prevEnd)
	}
	if !p.declName(c, nameWhat) {
		return Text{}, Text{}, false, false
	}
	if !p.expect(Assign, assignWhat) {
		return typ, Text{}, true, false
	}
	s, e := p.scanExpr(&semicolon)
	if e == s {
		p.errorExpected(valueWhat)
		return typ, Text{}, true, false
	}
	return typ, p.text(s, e), true, true
}

// parseAnnotationDecl parses `annotation [T] tag [on points];` at
// `annotation`.
func (p *parser) parseAnnotationDecl(c DeclCommon, start int) Decl {
	c.Kind = DeclAnnotation
	p.next()
	ad := &AnnotationDecl{}
	if !(p.at(Ident) && (p.peek(1).Kind == KwOn || p.peek(1).Kind == Semicolon)) {
		s := p.tok().Pos.Offset
		if !p.scanType() {
			p.resyncTop()
			return nil
		}
		ad.Type = p.text(s, p.prevEnd)
	}
	if !p.declName(&c, "annotation tag") {
		return nil
	}
	ad.DeclCommon = c
	if p.got(KwOn) {
		for {
			var words []string
			for {
				t := p.tok()
				if t.Kind != Ident && !t.Kind.IsKeyword() || (t.nl && words != nil) {
					break // an attach point does not span lines
				}
				words = append(words, p.tokText(t))
				p.next()
			}
			if words == nil {
				p.errorExpected("annotation attach point")
				p.fail(&ad.DeclCommon, start)
				return ad
			}
			ad.AttachPoints = append(ad.AttachPoints, strings.Join(words, " "))
			if !p.got(Comma) {
				break
			}
		}
	}
	p.endDecl(&ad.DeclCommon, start, "annotation declaration")
	return ad
}

// parseXMLNS parses `xmlns "uri" [as prefix];` at `xmlns`.
func (p *parser) parseXMLNS(c DeclCommon, start int) Decl {
	c.Kind = DeclXMLNS
	p.next()
	s, e := p.scanExpr(&asOrSemicolon)
	if e == s {
		p.errorExpected("namespace URI after 'xmlns'")
		p.resyncTop()
		return nil
	}
	xd := &XMLNSDecl{DeclCommon: c, URI: p.text(s, e)}
	if p.got(KwAs) {
		if !p.at(Ident) {
			p.errorExpected("namespace prefix after 'as'")
			p.fail(&xd.DeclCommon, start)
			return xd
		}
		xd.Prefix = p.identName(p.tok())
		p.next()
	}
	p.endDecl(&xd.DeclCommon, start, "xmlns declaration")
	return xd
}

// parseService parses `service [T] [attach-point] on exprs { members } [;]`
// at `service`.
func (p *parser) parseService(c DeclCommon, start int) Decl {
	c.Kind = DeclService
	p.next()
	sd := &ServiceDecl{DeclCommon: c}
	if !p.at(Slash) && !p.at(StringLit) && !p.at(KwOn) {
		s := p.tok().Pos.Offset
		if !p.scanType() {
			p.resyncTop()
			return nil
		}
		sd.Type = p.text(s, p.prevEnd)
	}
	switch {
	case p.at(Slash):
		s := p.tok().Pos.Offset
		for {
			t := p.tok()
			if t.Kind == KwOn || t.Kind == EOF || t.Kind == LBrace || t.Kind == Semicolon ||
				closers.has(t.Kind) || p.isDeclBoundary(t) {
				break
			}
			if openers.has(t.Kind) {
				p.skipGroup(false)
			} else {
				p.next()
			}
		}
		sd.AttachPoint = p.text(s, p.prevEnd)
	case p.at(StringLit):
		sd.AttachPoint = p.text(p.tok().Pos.Offset, p.tok().End)
		p.next()
	}
	if !p.expect(KwOn, "before the listeners of a service declaration") {
		p.fail(&sd.DeclCommon, start)
		if sd.AttachPoint.IsZero() {
			return nil
		}
		return sd
	}
	for {
		s, e := p.scanExpr(&commaLBrace)
		if e == s {
			p.errorExpected("listener expression")
			p.fail(&sd.DeclCommon, start)
			return sd
		}
		sd.Listeners = append(sd.Listeners, p.text(s, e))
		if !p.got(Comma) {
			break
		}
	}
	if !p.at(LBrace) {
		p.errorExpected("'{' to start the service body")
		p.fail(&sd.DeclCommon, start)
		return sd
	}
	sd.Members = p.parseMembers(memberService)
	p.got(Semicolon)
	p.finish(&sd.DeclCommon, start)
	return sd
}

// parseVar parses a module-level variable after its qualifiers: `T name
// [= init];`, `T [a, b] = init;`, `configurable T name = ?;`.
func (p *parser) parseVar(c DeclCommon, start int) Decl {
	c.Kind = DeclVar
	vd := &VarDecl{DeclCommon: c}
	s := p.tok().Pos.Offset
	if !p.scanType() {
		p.resyncTop()
		return nil
	}
	vd.Type = p.text(s, p.prevEnd)
	t := p.tok()
	switch {
	case t.Kind == Ident:
		vd.Name = p.name(t)
		p.next()
	case t.Kind == LBracket || t.Kind == LBrace:
		bs := t.Pos.Offset
		p.skipGroup(false)
		vd.Binding = p.text(bs, p.prevEnd)
	case t.Kind == KwError && p.peek(1).Kind == LParen:
		bs := t.Pos.Offset
		p.next()
		p.skipGroup(false)
		vd.Binding = p.text(bs, p.prevEnd)
	default:
		p.errorExpected("variable name or binding pattern after the type")
		p.resyncTop()
		return nil
	}
	if p.got(Assign) {
		if p.at(Question) && p.peek(1).Kind == Semicolon {
			vd.Init = p.text(p.tok().Pos.Offset, p.tok().End)
			p.next()
		} else {
			is, ie := p.scanExpr(&semicolon)
			if ie == is {
				p.errorExpected("initializer expression after '='")
				p.fail(&vd.DeclCommon, start)
				return vd
			}
			vd.Init = p.text(is, ie)
		}
	}
	p.endDecl(&vd.DeclCommon, start, "variable declaration")
	return vd
}
