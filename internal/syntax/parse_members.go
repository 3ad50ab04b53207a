package syntax

// This file parses the bodies of classes, object types, record types and
// services, member by member.

// memberCtx says which kind of body a member list belongs to.
type memberCtx uint8

const (
	memberClass memberCtx = iota
	memberObject
	memberService
	memberRecord
)

func (c memberCtx) String() string {
	switch c {
	case memberObject:
		return "object type"
	case memberService:
		return "service"
	case memberRecord:
		return "record type"
	}
	return "class"
}

// parseMembers parses a member list from its opening '{' (or '{|') through
// the matching closer.
func (p *parser) parseMembers(ctx memberCtx) *Members {
	m := &Members{}
	open := *p.tok()
	closeKind := closerFor(open.Kind)
	p.next()
	for {
		t := p.tok()
		if t.Kind == closeKind {
			p.next()
			break
		}
		if t.Kind == RBrace || t.Kind == PipeRBrace {
			p.errorAt(t.Pos, "expected '%s' to close the %s body opened at %s, found %s",
				closeKind, ctx, open.Pos, p.describe(t))
			p.next()
			break
		}
		if closers.has(t.Kind) {
			p.errorAt(t.Pos, "unexpected %s in %s body", p.describe(t), ctx)
			p.next()
			continue
		}
		if t.Kind == EOF {
			p.errorAt(open.Pos, "'%s' is not closed", open.Kind)
			break
		}
		if t.nl && moduleOnlyKeywords.has(t.Kind) {
			p.errorAt(t.Pos, "expected '%s' to close the %s body opened at %s, found %s",
				closeKind, ctx, open.Pos, p.describe(t))
			break
		}
		before := t.Pos.Offset
		if ctx == memberRecord {
			p.parseRecordMember(m)
		} else {
			p.parseObjectMember(m, ctx)
		}
		if t := p.tok(); t.Pos.Offset == before && !closers.has(t.Kind) && t.Kind != EOF {
			p.next() // guarantee progress
		}
	}
	m.Span = Span{open.Pos.Offset, p.prevEnd}
	return m
}

// memberMetadata reads a member's metadata; false means it was malformed
// (reported and resynchronised) or nothing follows it.
func (p *parser) memberMetadata() (metadata, bool) {
	md := p.parseMetadata()
	if md.failed {
		p.resyncMember()
		return md, false
	}
	if t := p.tok(); md.start >= 0 && (t.Kind == EOF || closers.has(t.Kind)) {
		p.danglingMetadata(md)
		return md, false
	}
	return md, true
}

// parseInclusion parses `*T;` at the '*'.
func (p *parser) parseInclusion(m *Members) {
	p.next()
	s := p.tok().Pos.Offset
	if !p.scanType() {
		p.resyncMember()
		return
	}
	m.Inclusions = append(m.Inclusions, p.text(s, p.prevEnd))
	if !p.expect(Semicolon, "after type inclusion") {
		p.resyncMember()
	}
}

// parseObjectMember parses one member of a class, object type or service:
// a field, a method (plain, remote or resource) or a type inclusion.
func (p *parser) parseObjectMember(m *Members, ctx memberCtx) {
	md, ok := p.memberMetadata()
	if !ok {
		return
	}
	t := p.tok()
	start := t.Pos.Offset
	if md.start >= 0 {
		start = md.start
	}
	if t.Kind == Star {
		p.parseInclusion(m)
		return
	}
	pos := t.Pos
	var quals []string
	var qualToks []ptok
	for {
		t := p.tok()
		k := t.Kind
		take := false
		switch k {
		case KwPublic, KwPrivate, KwFinal, KwRemote, KwResource:
			take = true
		case KwIsolated, KwTransactional:
			switch p.peek(1).Kind {
			case KwObject, KwClient, KwService:
			case KwFunction:
				take = p.peek(2).Kind != LParen
			default:
				take = true
			}
		}
		if !take {
			break
		}
		q := k.String()
		if hasString(quals, q) {
			p.report(t.Pos, SeverityError, "duplicate qualifier '%s'", q)
		}
		quals = append(quals, q)
		qualToks = append(qualToks, *t)
		p.next()
	}
	if p.at(KwFunction) && p.peek(1).Kind != LParen {
		fd := &FunctionDecl{DeclCommon: DeclCommon{
			Kind: DeclFunction, Doc: md.doc, Annotations: md.annots, Qualifiers: quals, Pos: pos,
		}}
		for _, qt := range qualToks {
			if !qualsMethod.has(qt.Kind) {
				p.report(qt.Pos, SeverityError, "qualifier '%s' is not allowed on a method", qt.Kind)
			}
			if qt.Kind == KwPublic {
				fd.Public = true
			}
		}
		ok := p.parseFunctionRest(fd, hasString(quals, "resource"), ctx == memberObject)
		fd.Span = Span{start, p.prevEnd}
		if !fd.Name.IsZero() {
			m.Methods = append(m.Methods, fd)
		}
		if !ok {
			p.resyncMember()
		}
		return
	}
	f := &Field{Doc: md.doc, Annotations: md.annots, Qualifiers: quals}
	for _, qt := range qualToks {
		if !qualsField.has(qt.Kind) {
			p.report(qt.Pos, SeverityError, "qualifier '%s' is not allowed on a field", qt.Kind)
		}
	}
	p.parseFieldRest(m, f, start, false)
}

// parseRecordMember parses one member of a record type: a field, a type
// inclusion or the rest descriptor `T...;`.
func (p *parser) parseRecordMember(m *Members) {
	md, ok := p.memberMetadata()
	if !ok {
		return
	}
	t := p.tok()
	start := t.Pos.Offset
	if md.start >= 0 {
		start = md.start
	}
	if t.Kind == Star {
		p.parseInclusion(m)
		return
	}
	f := &Field{Doc: md.doc, Annotations: md.annots}
	if t.Kind == KwReadonly && p.readonlyIsQualifier() {
		f.Qualifiers = append(f.Qualifiers, "readonly")
		p.next()
	}
	p.parseFieldRest(m, f, start, true)
}

// readonlyIsQualifier reports whether the `readonly` at the current token
// qualifies a record field (`readonly int a;`) rather than being its type
// (`readonly a;`, `readonly & T a;`).
func (p *parser) readonlyIsQualifier() bool {
	k1 := p.peek(1).Kind
	if !typeStart.has(k1) {
		return false
	}
	if k1 == LBracket && p.peek(1).Pos.Offset == p.tok().End {
		return false // readonly[] a;
	}
	if k1 == Ident {
		switch p.peek(2).Kind {
		case Semicolon, Assign:
			return false
		case Question:
			return p.peek(3).Kind != Semicolon
		}
	}
	return true
}

// parseFieldRest parses a field from its type: `T name [?] [= expr];`, or
// in a record also the rest descriptor `T...;`.
func (p *parser) parseFieldRest(m *Members, f *Field, start int, record bool) {
	s := p.tok().Pos.Offset
	if !p.scanType() {
		p.resyncMember()
		return
	}
	f.Type = p.text(s, p.prevEnd)
	if record && p.at(Ellipsis) {
		p.next()
		m.Rest = f.Type
		if !p.expect(Semicolon, "after record rest descriptor") {
			p.resyncMember()
		}
		return
	}
	t := p.tok()
	if t.Kind != Ident {
		p.errorExpected("field name after the type")
		p.resyncMember()
		return
	}
	f.Name = p.name(t)
	p.next()
	if record && p.got(Question) {
		f.Optional = true
	}
	ok := true
	if p.got(Assign) {
		ds, de := p.scanExpr(&semicolon)
		if de == ds {
			p.errorExpected("default value after '='")
			ok = false
		} else {
			f.Default = p.text(ds, de)
		}
	}
	if ok {
		ok = p.expect(Semicolon, "after field declaration")
	}
	f.Span = Span{start, p.prevEnd}
	m.Fields = append(m.Fields, f)
	if !ok {
		p.resyncMember()
	}
}
