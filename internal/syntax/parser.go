package syntax

import (
	"bytes"
	"fmt"
	"sort"
)

// Mode selects how much of a file ParseFile reads.
type Mode uint8

const (
	// ImportsOnly stops after the import section: the returned File has
	// its Imports (and the diagnostics found up to that point) but no
	// Decls. Parsing stops at the first token that is not part of an
	// import declaration, so it costs little more than lexing the imports.
	ImportsOnly Mode = 1 << iota
)

// ParseFile parses one .bal file. It never returns nil and never panics:
// malformed input yields a File holding everything that could be read plus
// diagnostics. File.Src is src (not copied); the spans in the result index
// it.
//
// Parsing rules worth knowing:
//
//   - Imports: `import [org/]module(.part)* [as prefix|_];`. Org and module
//     parts may be quoted identifiers and are normalised with IdentName. A
//     part that is not a RestrictedIdentifier after normalisation (such as
//     `lang.__internal`, `my__mod`) is accepted with a warning, since the
//     reference parser and Ballerina.toml accept such names; a reserved
//     keyword used unquoted (`lang.int`) is an error, but the import is
//     still recorded. An import whose org and module were read is recorded
//     even if a later part (prefix, ';') is malformed; recovery skips to
//     the next ';', the next line or the next `import`. Duplicate imports
//     (same org and module, or the same prefix bound twice; `_` binds
//     nothing) and imports after other declarations are diagnosed but
//     recorded. Documentation or annotations on an import are an error.
//   - Error recovery: a syntax error is reported at the offending token
//     ("expected ';' after variable declaration, found 'function'"), then
//     the parser skips to the next token that can start a module-level
//     declaration at bracket depth 0: documentation, a keyword that cannot
//     occur in an expression (import, type, class, enum, listener,
//     annotation, xmlns, configurable, public, const) anywhere, a
//     declaration keyword, qualifier or annotation at the start of a line,
//     or a type at the start of a line that directly follows the error or a
//     ';' or '}' (a variable declaration). A ';' at depth 0 is consumed and
//     ends the skip. Expressions (initialisers, defaults) end at such a
//     boundary too, so a missing ';' loses nothing.
//   - Local recovery: class, object, record and service bodies recover
//     member by member (and end early at a module-only keyword such as
//     `type` at the start of a line), parameter lists parameter by
//     parameter, enums member by member, imports line by line.
//   - Unclosed brackets: a function body whose '{' is never closed ends
//     before a line that starts in column 1 with a token that can only
//     begin a module-level declaration (import, type, class, enum,
//     listener, annotation, configurable, public, const, a named function,
//     a service declaration), so one unterminated body does not swallow the
//     rest of the file. Brackets left open at the end of the input are
//     reported at the outermost opening bracket.
//   - Partial declarations: a declaration that fails after its name was
//     read is kept, with what was parsed and its span ending at the last
//     token read; one that fails earlier is dropped. Nameless declarations
//     are kept when the part that identifies them was read: a service once
//     it has an attach point or reaches `on`, an xmlns declaration with its
//     URI, a variable with its binding pattern.
//   - Function signatures are parsed structurally. The return type is read
//     by a type-descriptor scanner that knows which tokens continue a type
//     (`|`, `&`, `?`, array dimensions, `<...>` after map/stream/...,
//     the braces right after `record` or `object`), so the first `{` that
//     cannot continue the type is the body: `returns record {| int a; |} {`
//     ends the type after `|}`.
//   - Bodies, initialisers and default values are skipped by balancing
//     brackets (strings and templates are single tokens or bracketed by
//     the lexer) and kept as Text.
//   - Nesting deeper than MaxNesting is reported ("nesting too deep") and
//     skipped by counting, without recursion or further stack growth.
func ParseFile(filename string, src []byte, mode Mode) (f *File) {
	defer func() {
		if r := recover(); r != nil {
			// A bug in the parser must not take the caller down: report it
			// as a diagnostic on a fresh File, keeping the imports if the
			// import section alone can be read.
			f = &File{Path: filename, Src: src, Diagnostics: []Diagnostic{{
				File: filename, Pos: Pos{Line: 1, Col: 1}, Severity: SeverityError,
				Message: fmt.Sprintf("internal parser error: %v", r),
			}}}
			func() {
				defer func() { _ = recover() }()
				f.Imports = parseFile(filename, src, ImportsOnly).Imports
			}()
		}
	}()
	return parseFile(filename, src, mode)
}

// parseFile is ParseFile without the panic guard (the fuzz test calls it so
// that a panic is a failure).
func parseFile(filename string, src []byte, mode Mode) *File {
	p := newParser(filename, src)
	f := p.file
	p.parseImportSection()
	if mode&ImportsOnly == 0 {
		for p.tok().Kind != EOF {
			before := p.tok().Pos.Offset
			p.parseTopLevel()
			if p.tok().Pos.Offset == before && p.tok().Kind != EOF {
				p.next() // guarantee progress
			}
		}
	}
	f.Diagnostics = mergeDiagnostics(p.lx.Diagnostics(), p.diags)
	return f
}

// mergeDiagnostics returns the lexer's and the parser's diagnostics in
// source order (stable: the lexer's first at equal offsets).
func mergeDiagnostics(lex, parse []Diagnostic) []Diagnostic {
	if len(lex)+len(parse) == 0 {
		return nil
	}
	all := make([]Diagnostic, 0, len(lex)+len(parse))
	all = append(all, lex...)
	all = append(all, parse...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Pos.Offset < all[j].Pos.Offset })
	return all
}

// TextWithTrivia returns the source text of t followed by the trivia that
// trails its last token, as the reference parser attaches it (and so as the
// reference semver checker prints node texts): spaces, tabs, form feeds and
// a `//` comment up to and including the first line end (LF, CR LF or CR).
// Whitespace and comments on the following lines are the next token's
// leading trivia and are not included. For `returns int {` and the return
// type "int" it is "int ". For a name it is the source spelling ("'x "),
// not the normalised Text. An absent Text gives "".
func (f *File) TextWithTrivia(t Text) string {
	if t.IsZero() || t.Span.Start < 0 || t.Span.End > len(f.Src) || t.Span.Start > t.Span.End {
		return t.Text
	}
	end := trailingTriviaEnd(f.Src, t.Span.End)
	return string(f.Src[t.Span.Start:end])
}

// trailingTriviaEnd returns the offset just past the trailing trivia that
// starts at off.
func trailingTriviaEnd(src []byte, off int) int {
	for off < len(src) {
		switch src[off] {
		case ' ', '\t', '\f':
			off++
		case '\n':
			return off + 1
		case '\r':
			if off+1 < len(src) && src[off+1] == '\n' {
				return off + 2
			}
			return off + 1
		case '/':
			if off+1 < len(src) && src[off+1] == '/' {
				i := bytes.IndexAny(src[off:], "\r\n")
				if i < 0 {
					return len(src)
				}
				off += i
				continue
			}
			return off
		default:
			return off
		}
	}
	return off
}

// ptok is a significant (non-trivia) token as the parser sees it.
type ptok struct {
	Token
	// nl reports that the token is the first significant token on its
	// line (or in the file).
	nl bool
}

const (
	bufSize = 32 // lookahead ring size (power of two)
	bufMask = bufSize - 1
	// maxPeek is the furthest lookahead the parser uses.
	maxPeek = bufSize - 2
)

// parser holds the state of one ParseFile call.
type parser struct {
	filename string
	src      []byte
	lx       *Lexer
	file     *File

	buf       [bufSize]ptok
	head, n   int  // ring buffer of upcoming significant tokens
	pendingNL bool // a line end was seen since the last significant token

	prevEnd  int  // end offset of the last consumed token
	prevKind Kind // kind of the last consumed token

	diags       []Diagnostic
	lastDiagOff int

	// Bracket scanning state, reused across calls.
	stack    []frame
	overflow int // openers beyond MaxNesting, counted but not stacked
	// bodyMode makes the next skipGroup treat its group as a function body
	// (see startsModuleDecl).
	bodyMode bool

	sawDecl  bool                  // a non-import declaration was seen
	imported map[importKey]*Import // module → first import (large files only)
	prefixes map[string]*Import    // bound prefix → first import (large files only)
}

// frame is one open bracket.
type frame struct {
	kind Kind // the opening token kind (Lt for a type-parameter list)
	pos  Pos
}

func newParser(filename string, src []byte) *parser {
	p := &parser{
		filename:    filename,
		src:         src,
		lx:          NewLexer(filename, src),
		file:        &File{Path: filename, Src: src},
		pendingNL:   true,
		lastDiagOff: -1,
	}
	p.fill(1)
	return p
}

// fill makes sure at least k tokens are buffered. Trivia and Illegal
// tokens (which the lexer reports) are dropped here.
func (p *parser) fill(k int) {
	for p.n < k {
		t := p.lx.Next()
		switch t.Kind {
		case Whitespace:
			if !p.pendingNL {
				for _, c := range p.src[t.Pos.Offset:t.End] {
					if c == '\n' || c == '\r' {
						p.pendingNL = true
						break
					}
				}
			}
			continue
		case Comment, Illegal:
			continue
		}
		p.buf[(p.head+p.n)&bufMask] = ptok{Token: t, nl: p.pendingNL}
		p.pendingNL = false
		p.n++
	}
}

// tok returns the current token.
func (p *parser) tok() *ptok { return &p.buf[p.head] }

// peek returns the token k positions ahead (peek(0) is the current one).
// k must not exceed maxPeek.
func (p *parser) peek(k int) *ptok {
	if k >= p.n {
		p.fill(k + 1)
	}
	return &p.buf[(p.head+k)&bufMask]
}

// next consumes the current token.
func (p *parser) next() {
	t := &p.buf[p.head]
	if t.Kind == EOF {
		return
	}
	p.prevEnd = t.End
	p.prevKind = t.Kind
	p.head = (p.head + 1) & bufMask
	p.n--
	if p.n == 0 {
		p.fill(1)
	}
}

// at reports whether the current token has kind k.
func (p *parser) at(k Kind) bool { return p.buf[p.head].Kind == k }

// got consumes the current token if it has kind k.
func (p *parser) got(k Kind) bool {
	if p.buf[p.head].Kind == k {
		p.next()
		return true
	}
	return false
}

// text returns the source between start and end as a Text.
func (p *parser) text(start, end int) Text {
	if end < start {
		end = start
	}
	return Text{Text: string(p.src[start:end]), Span: Span{start, end}}
}

// tokText returns the text of t.
func (p *parser) tokText(t *ptok) string { return string(p.src[t.Pos.Offset:t.End]) }

// identName returns the normalised name of an identifier token. A
// malformed identifier that normalises to nothing (a lone "'", reported by
// the lexer) keeps its source text, so that a name is never empty.
func (p *parser) identName(t *ptok) string {
	raw := p.tokText(t)
	if n := IdentName(raw); n != "" {
		return n
	}
	return raw
}

// name returns the normalised name Text of an identifier token; its span is
// the token's.
func (p *parser) name(t *ptok) Text {
	return Text{Text: p.identName(t), Span: t.Span()}
}

// describe names t for a diagnostic: "'foo'", "end of file".
func (p *parser) describe(t *ptok) string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case DocLine:
		return "documentation"
	case TemplateStart:
		return "template"
	}
	s := p.src[t.Pos.Offset:t.End]
	if len(s) > 32 {
		cut := 32
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		return fmt.Sprintf("'%s...'", s[:cut])
	}
	return fmt.Sprintf("'%s'", s)
}

// errorAt records a syntax error at pos. Only the first syntax error at an
// offset is kept, so a cascade from one bad token is reported once.
func (p *parser) errorAt(pos Pos, format string, args ...any) {
	if pos.Offset == p.lastDiagOff {
		return
	}
	p.lastDiagOff = pos.Offset
	p.report(pos, SeverityError, format, args...)
}

// report records a diagnostic unconditionally.
func (p *parser) report(pos Pos, sev Severity, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{
		File: p.filename, Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...),
	})
}

// errorExpected reports "expected <what>, found <current token>" at the
// current token.
func (p *parser) errorExpected(what string) {
	t := p.tok()
	p.errorAt(t.Pos, "expected %s, found %s", what, p.describe(t))
}

// expect consumes a token of kind k or reports an error naming context
// ("expected ';' after import declaration, found 'foo'").
func (p *parser) expect(k Kind, context string) bool {
	if p.got(k) {
		return true
	}
	if context != "" {
		p.errorExpected(fmt.Sprintf("'%s' %s", k, context))
	} else {
		p.errorExpected(fmt.Sprintf("'%s'", k))
	}
	return false
}
