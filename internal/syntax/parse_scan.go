package syntax

// This file holds the parser's skipping machinery: balanced bracket groups,
// expressions (kept as text), type descriptors (structurally enough to find
// where they end) and error resynchronisation.

// kindSet is a set of token kinds.
type kindSet [4]uint64

func kinds(ks ...Kind) kindSet {
	var s kindSet
	for _, k := range ks {
		s[k>>6] |= 1 << (k & 63)
	}
	return s
}

func (s *kindSet) has(k Kind) bool { return s[k>>6]&(1<<(k&63)) != 0 }

// bracketIndex numbers the bracket pairs; -1 for other kinds.
func bracketIndex(k Kind) int {
	switch k {
	case LParen, RParen:
		return 0
	case LBracket, RBracket:
		return 1
	case LBrace, RBrace:
		return 2
	case LBracePipe, PipeRBrace:
		return 3
	case TemplateStart, TemplateEnd:
		return 4
	case InterpStart, InterpEnd:
		return 5
	case Lt, Gt:
		return 6
	}
	return -1
}

var (
	openers = kinds(LParen, LBracket, LBrace, LBracePipe, TemplateStart, InterpStart)
	closers = kinds(RParen, RBracket, RBrace, PipeRBrace, TemplateEnd, InterpEnd)

	// typeParamKeywords take a `<...>` type-parameter list.
	typeParamKeywords = kinds(KwMap, KwFuture, KwTypedesc, KwStream, KwTable, KwXml, KwError)

	// simpleTypeKeywords are type descriptors on their own.
	simpleTypeKeywords = kinds(KwInt, KwFloat, KwString, KwBoolean, KwDecimal, KwJson, KwHandle,
		KwAny, KwAnydata, KwNever, KwByte, KwVar, KwReadonly, KwNull, KwTrue, KwFalse)

	// strongDeclKeywords cannot occur in an expression at bracket depth 0,
	// so meeting one while skipping an expression or a broken declaration
	// means a new declaration (or member) starts.
	strongDeclKeywords = kinds(KwImport, KwType, KwClass, KwEnum, KwListener, KwAnnotation, KwXmlns,
		KwConfigurable, KwPublic, KwPrivate, KwConst, KwRemote, KwResource)

	// moduleOnlyKeywords start a module-level declaration and cannot start a
	// class or record member: seeing one at the start of a line inside a
	// member list means the list lacks its closing brace.
	moduleOnlyKeywords = kinds(KwImport, KwType, KwClass, KwEnum, KwListener, KwAnnotation, KwXmlns,
		KwConfigurable, KwConst, KwService)
)

// closerFor returns the closing kind for an opening kind.
func closerFor(k Kind) Kind {
	switch k {
	case LParen:
		return RParen
	case LBracket:
		return RBracket
	case LBrace:
		return RBrace
	case LBracePipe:
		return PipeRBrace
	case TemplateStart:
		return TemplateEnd
	case InterpStart:
		return InterpEnd
	case Lt:
		return Gt
	}
	return EOF
}

// describeOpener names an opening token for "is not closed" diagnostics.
func describeOpener(k Kind) string {
	switch k {
	case TemplateStart:
		return "template '`'"
	case InterpStart:
		return "interpolation '${'"
	}
	return "'" + k.String() + "'"
}

// skipGroup consumes a balanced bracket group starting at the current token,
// which must be an opener (or '<' when angle is set). With angle set, a '<'
// right after a type keyword that takes type parameters (map, stream, ...)
// opens a nested group closed by '>'; such "soft" groups are dropped
// silently when a hard closer ends an enclosing group. Mismatched and stray
// closers are reported; at the end of the input the outermost unclosed
// bracket is reported at its position. Nesting beyond MaxNesting is
// reported once and then only counted.
func (p *parser) skipGroup(angle bool) {
	var counts [7]int
	p.stack = p.stack[:0]
	p.overflow = 0
	tooDeep := false
	push := func(t *ptok) {
		if len(p.stack) >= MaxNesting {
			if !tooDeep {
				tooDeep = true
				p.errorAt(t.Pos, "nesting too deep (more than %d levels)", MaxNesting)
			}
			p.overflow++
			return
		}
		p.stack = append(p.stack, frame{kind: t.Kind, pos: t.Pos})
		counts[bracketIndex(t.Kind)]++
	}
	pop := func() {
		top := p.stack[len(p.stack)-1]
		counts[bracketIndex(top.kind)]--
		p.stack = p.stack[:len(p.stack)-1]
	}
	body := p.bodyMode
	p.bodyMode = false
	push(p.tok())
	p.next()
	for len(p.stack) > 0 || p.overflow > 0 {
		t := p.tok()
		k := t.Kind
		if body && t.nl && t.Pos.Col == 1 && p.startsModuleDecl(t) {
			// An unterminated function body: a module-level declaration
			// starts in the first column. End the body here rather than
			// swallow the rest of the file.
			if len(p.stack) > 0 {
				p.errorAt(p.stack[0].pos, "%s is not closed", describeOpener(p.stack[0].kind))
			}
			p.stack = p.stack[:0]
			p.overflow = 0
			return
		}
		switch {
		case k == EOF:
			if len(p.stack) > 0 {
				f := p.stack[0]
				if f.kind != TemplateStart && f.kind != InterpStart { // the lexer reports those
					p.errorAt(f.pos, "%s is not closed", describeOpener(f.kind))
				}
			}
			p.stack = p.stack[:0]
			p.overflow = 0
			return
		case openers.has(k) || (angle && k == Lt && typeParamKeywords.has(p.prevKind)):
			push(t)
			p.next()
		case closers.has(k) || (k == Gt && len(p.stack) > 0 && p.stack[len(p.stack)-1].kind == Lt):
			if p.overflow > 0 {
				p.overflow--
				p.next()
				continue
			}
			bi := bracketIndex(k)
			if k != Gt {
				for len(p.stack) > 0 && p.stack[len(p.stack)-1].kind == Lt {
					pop()
				}
				if len(p.stack) == 0 {
					// The group was a type-parameter list left open; the
					// closer belongs to an enclosing construct.
					return
				}
			}
			top := p.stack[len(p.stack)-1]
			switch {
			case bracketIndex(top.kind) == bi:
				pop()
				p.next()
			case counts[bi] > 0:
				p.errorAt(top.pos, "%s is not closed", describeOpener(top.kind))
				for bracketIndex(p.stack[len(p.stack)-1].kind) != bi {
					pop()
				}
				pop()
				p.next()
			default:
				p.errorAt(t.Pos, "unexpected %s", p.describe(t))
				p.next()
			}
		default:
			p.next()
		}
	}
}

// startsModuleDecl reports whether t, at the start of a line in a function
// body, can only begin a module-level declaration: a keyword that cannot
// occur in a statement (import, type, class, enum, listener, annotation,
// configurable, public, const), a named function (`function f`,
// `isolated function f`) or a service declaration.
func (p *parser) startsModuleDecl(t *ptok) bool {
	switch t.Kind {
	case KwImport, KwType, KwClass, KwEnum, KwListener, KwAnnotation, KwConfigurable, KwPublic, KwConst:
		return true
	case KwFunction:
		return p.peek(1).Kind == Ident
	case KwIsolated, KwTransactional:
		return p.peek(1).Kind == KwFunction && p.peek(2).Kind == Ident
	case KwService:
		k1 := p.peek(1).Kind
		return k1 == Slash || k1 == StringLit || k1 == KwOn
	}
	return false
}

// isDeclBoundary reports whether t, met at bracket depth 0 while skipping
// an expression, must begin a new declaration or member: documentation, a
// keyword that cannot occur in an expression, or at the start of a line a
// named function definition (`function f`, `isolated function f`), a
// service declaration (`service /x`, `service "x"`, `service on`) or
// `final`.
func (p *parser) isDeclBoundary(t *ptok) bool {
	k := t.Kind
	if k == DocLine || strongDeclKeywords.has(k) {
		return true
	}
	if !t.nl {
		return false
	}
	switch k {
	case KwFinal:
		return true
	case KwFunction:
		return p.peek(1).Kind == Ident
	case KwIsolated, KwTransactional:
		return p.peek(1).Kind == KwFunction && p.peek(2).Kind == Ident
	case KwService:
		k1 := p.peek(1).Kind
		return k1 == Slash || k1 == StringLit || k1 == KwOn
	}
	return false
}

// scanExpr consumes an expression up to (not including) a token in stops
// at bracket depth 0, a closer that belongs to an enclosing construct, a
// declaration boundary (see isDeclBoundary) or the end of the input. It
// returns the span of what it consumed (empty when nothing).
func (p *parser) scanExpr(stops *kindSet) (start, end int) {
	start = p.tok().Pos.Offset
	end = start
	for {
		t := p.tok()
		k := t.Kind
		if k == EOF || closers.has(k) {
			return
		}
		if stops.has(k) && !(k == LBrace && (p.prevKind == KwObject || p.prevKind == KwRecord)) {
			return
		}
		if p.isDeclBoundary(t) {
			return
		}
		if openers.has(k) {
			p.skipGroup(false)
		} else {
			p.next()
		}
		end = p.prevEnd
	}
}

// scanType consumes a type descriptor. It reports an error and returns
// false when the current token cannot start one.
func (p *parser) scanType() bool { return p.scanTypeFrom(false) }

// scanTypeFrom consumes a type descriptor; with after set, an operand has
// already been consumed and only continuations (`|T`, `&T`, `?`, `[]`) are
// read.
func (p *parser) scanTypeFrom(after bool) bool {
	for {
		t := p.tok()
		if !after {
			switch k := t.Kind; {
			case k == LParen || k == LBracket:
				p.skipGroup(false)
				after = true
			case k == KwRecord:
				p.next()
				if !p.at(LBrace) && !p.at(LBracePipe) {
					p.errorExpected("'{' or '{|' after 'record'")
					return false
				}
				p.skipGroup(false)
				after = true
			case k == KwObject:
				p.next()
				if !p.at(LBrace) {
					p.errorExpected("'{' after 'object'")
					return false
				}
				p.skipGroup(false)
				after = true
			case k == KwIsolated || k == KwClient || k == KwService || k == KwTransactional || k == KwDistinct:
				p.next()
			case k == KwFunction:
				p.next()
				if p.at(LParen) {
					p.skipGroup(false)
					if p.got(KwReturns) {
						continue // the return type follows
					}
				}
				after = true
			case typeParamKeywords.has(k):
				p.next()
				p.qualifiedTail()
				if p.at(Lt) {
					p.skipGroup(true)
				}
				if k == KwTable && p.at(Ident) && p.tokText(p.tok()) == "key" {
					p.next()
					if p.at(LParen) {
						p.skipGroup(false)
					} else if p.at(Lt) {
						p.prevKind = KwTable // let the '<' open a type-parameter list
						p.skipGroup(true)
					}
				}
				after = true
			case k == Ident || simpleTypeKeywords.has(k):
				p.next()
				p.qualifiedTail()
				after = true
			case k == StringLit || k == IntLit || k == FloatLit:
				p.next()
				after = true
			case (k == Minus || k == Plus) && (p.peek(1).Kind == IntLit || p.peek(1).Kind == FloatLit):
				p.next()
			case k == At:
				if p.parseAnnotation() == nil {
					return false
				}
			default:
				p.errorExpected("type descriptor")
				return false
			}
			continue
		}
		switch t.Kind {
		case Pipe, Amp:
			p.next()
			after = false
		case Question:
			p.next()
		case LBracket:
			if !p.isArrayDimension() {
				return true
			}
			p.skipGroup(false)
		default:
			return true
		}
	}
}

// qualifiedTail consumes `:name` right after a module prefix (or a
// predeclared prefix such as `int` or `xml`).
func (p *parser) qualifiedTail() {
	if p.at(Colon) {
		if k := p.peek(1).Kind; k == Ident || k.IsKeyword() {
			p.next()
			p.next()
		}
	}
}

// isArrayDimension reports whether the '[' at the current token, after a
// type, is an array dimension (`T[]`, `T[3]`, `T[*]`, `T[N]`) rather than a
// list binding pattern (`[int, string] [a, b] = ...`).
func (p *parser) isArrayDimension() bool {
	switch p.peek(1).Kind {
	case RBracket:
		return true
	case IntLit, Star:
		return p.peek(2).Kind == RBracket
	case Ident:
		j := 2
		if p.peek(2).Kind == Colon && p.peek(3).Kind == Ident {
			j = 4
		}
		return p.peek(j).Kind == RBracket && p.peek(j+1).Kind != Assign
	}
	return false
}

// resyncTop skips tokens after a syntax error at module level until a token
// that can start a module-level declaration at bracket depth 0:
// documentation, a declaration keyword that cannot occur in an expression
// (see strongDeclKeywords), a declaration keyword, annotation or qualifier
// at the start of a line, or a type at the start of a line (a variable
// declaration) when that line directly follows the error or a ';' or '}'.
// A ';' at depth 0 is consumed and ends the skip.
func (p *parser) resyncTop() {
	for first := true; ; first = false {
		t := p.tok()
		switch {
		case t.Kind == EOF:
			return
		case t.Kind == Semicolon:
			p.next()
			return
		case t.Kind == DocLine || (strongDeclKeywords.has(t.Kind) && declStart.has(t.Kind)):
			return
		case t.nl && declStart.has(t.Kind):
			return
		case t.nl && typeStart.has(t.Kind) && (first || afterTerminator(p.prevKind)):
			// A line that starts like a variable declaration (`int x = 1;`,
			// `http:Client c = ...`), right at the error (the previous line
			// lacks its ';') or after a terminated statement.
			return
		case openers.has(t.Kind):
			p.skipGroup(false)
		default:
			p.next()
		}
	}
}

// afterTerminator reports whether a token of kind k ends a declaration.
func afterTerminator(k Kind) bool {
	return k == Semicolon || k == RBrace || k == PipeRBrace
}

// resyncLine skips the rest of the current line (balancing brackets), for
// errors in constructs that normally sit on a line of their own, such as
// annotations.
func (p *parser) resyncLine() {
	for {
		t := p.tok()
		switch {
		case t.Kind == EOF || t.nl:
			return
		case openers.has(t.Kind):
			p.skipGroup(false)
		default:
			p.next()
		}
	}
}

// declStart holds the tokens that can begin a module-level declaration.
var declStart = kinds(DocLine, At, KwPublic, KwFunction, KwType, KwClass, KwService, KwListener,
	KwConst, KwEnum, KwAnnotation, KwXmlns, KwConfigurable, KwFinal, KwIsolated, KwImport,
	KwTransactional, KwDistinct, KwClient, KwReadonly)

// memberStart holds the tokens that can begin a class, object, record or
// service member.
var memberStart = kinds(DocLine, At, KwPublic, KwPrivate, KwFunction, KwRemote, KwResource,
	KwIsolated, KwTransactional, KwFinal, Star)

// resyncMember skips tokens after a syntax error in a member list until a
// ';' at depth 0 (consumed), a closer (not consumed: it ends the list), a
// module-level-only keyword at the start of a line, or a token at the start
// of a line that can begin a member.
func (p *parser) resyncMember() {
	for {
		t := p.tok()
		switch {
		case t.Kind == EOF || closers.has(t.Kind):
			return
		case t.Kind == Semicolon:
			p.next()
			return
		case t.Kind == DocLine || strongDeclKeywords.has(t.Kind):
			return
		case t.nl && (memberStart.has(t.Kind) || moduleOnlyKeywords.has(t.Kind)):
			return
		case openers.has(t.Kind):
			p.skipGroup(false)
		default:
			p.next()
		}
	}
}
