package syntax

// This file is the lexer: bytes in, tokens out, trivia included.
//
// Design notes (decisions where the handout leaves room):
//
//   - Modes. The lexer keeps a stack of modes. An empty stack is DEFAULT
//     mode. A backtick in DEFAULT or INTERP mode pushes TEMPLATE; in
//     TEMPLATE mode "${" pushes INTERP (with a brace depth of 0) and a
//     backtick pops. INTERP mode lexes like DEFAULT; "{" and "{|" raise the
//     brace depth, "}" and "|}" lower it, and a "}" at depth 0 is InterpEnd
//     and pops back to TEMPLATE. A "|}" at depth 0 stays PipeRBrace and does
//     not end the interpolation, because the reference lexer only ends an
//     interpolation at a token that starts with "}".
//   - Nesting. The stack holds at most MaxNesting entries (a template and
//     an open interpolation in it take one each). Past that, the lexer
//     reports "nesting too deep" once, and a backtick that would push is an
//     Illegal token; lexing goes on in the current mode, so the lexer
//     always advances and the stack never grows. (A "${" that would push
//     stays template text; with an even MaxNesting that cannot happen,
//     because a template always opens with an even number of entries
//     below it.)
//   - Documentation. A "#" is a DocLine only in DEFAULT mode (template depth
//     0) when only spaces and tabs precede it on its line. Inside an
//     interpolation no expression can contain "#", so there it is a Hash
//     token with a diagnostic, like a "#" after code.
//   - ">" is always a single Gt token so that the parser can close nested
//     type parameters (map<map<int>>); the lexer never emits ">>" or ">>>".
//     The exceptions are ">=" (GtEq), ">>=" (ShrAssign) and ">>>="
//     (UshrAssign), recognised by looking ahead for the "=". The reference
//     lexer does the same look-ahead (it emits ">>" or ">>>" and then "=",
//     which its parser joins; token.go has single kinds for them).
//   - Compound assignments with kinds of their own in token.go ("+=", "-=",
//     "*=", "/=", "&=", "|=", "^=", "<<=") are single tokens.
//   - Following the reference lexer: "<-" followed by a digit is Lt then
//     Minus (x<-1); "?." followed by "." is Question (int?...); "!is" not
//     followed by an identifier character is one Operator token; ".<"
//     (XML step) is an Operator; "/*" is one Operator token (XML step, not a
//     comment); "/**/" is one Operator token when "<" follows (XML
//     descendants step "/**/<a>"), and that "<" is a separate Lt.
//   - Numbers. "1." followed by anything but a digit is IntLit then Dot,
//     as the spec says (DottedDecimalNumber needs a digit after the dot), so
//     "1.e5" is IntLit Dot Ident. A hex literal takes a following "." only
//     when a hex digit follows it and, as in the reference lexer, the digits
//     (and exponent) after the dot are not followed by an identifier
//     character ("0xA.abs()" is IntLit Dot Ident).
//   - Keywords are recognised only for unquoted identifiers spelled without
//     escapes; "'int" and "i\nt" are Ident.
//   - Unterminated template. A template that is not closed at the end of
//     the input extends to the end; the lexer reports one diagnostic at the
//     opening backtick of the outermost open template (the point from which
//     the rest of the file was read as template text) and then returns EOF.

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxNesting bounds the depth of nested templates and interpolations in the
// lexer (the size of its mode stack) and of bracket nesting in the parser.
const MaxNesting = 1000

// modeEntry is one entry of the lexer's mode stack.
type modeEntry struct {
	// depth is -1 for TEMPLATE mode; for INTERP mode it is the number of
	// open braces inside the interpolation.
	depth int
	// start is the position of the backtick (TEMPLATE) or "${" (INTERP)
	// that opened the mode.
	start Pos
}

const templateMode = -1

// Lexer turns Ballerina source into tokens. Every byte belongs to exactly
// one token, whitespace and comments included. Create one with NewLexer and
// call Next until it returns EOF.
type Lexer struct {
	file string
	src  []byte

	off       int // offset of the next unread byte
	line      int // line of off
	lineStart int // offset of the first byte of line

	modes   []modeEntry
	modeBuf [8]modeEntry

	diags   []Diagnostic
	tooDeep bool // "nesting too deep" reported
	atEOF   bool // end-of-input checks done
}

// NewLexer returns a lexer for src. filename is used in diagnostics only.
func NewLexer(filename string, src []byte) *Lexer {
	l := new(Lexer)
	l.reset(filename, src)
	return l
}

func (l *Lexer) reset(filename string, src []byte) {
	*l = Lexer{file: filename, src: src, line: 1}
	l.modes = l.modeBuf[:0]
}

// Tokenize returns all tokens of src, trivia included, ending with the EOF
// token, and the lexical diagnostics.
func Tokenize(filename string, src []byte) ([]Token, []Diagnostic) {
	l := NewLexer(filename, src)
	// Real Ballerina source averages 2.5 to 4 bytes per token (trivia
	// included); reserving one token per 2 bytes avoids growing the slice
	// (and copying it) for all but very dense input.
	toks := make([]Token, 0, len(src)/2+16)
	for {
		t := l.Next()
		toks = append(toks, t)
		if t.Kind == EOF {
			return toks, l.diags
		}
	}
}

// Diagnostics returns the lexical problems found so far, ordered by
// position. The slice is the lexer's own; later calls to Next may change it.
func (l *Lexer) Diagnostics() []Diagnostic { return l.diags }

// pos returns the position of offset i, which must be on the current line.
func (l *Lexer) pos(i int) Pos {
	return Pos{Offset: i, Line: l.line, Col: i - l.lineStart + 1}
}

func (l *Lexer) errorAt(i int, msg string) { l.errorAtPos(l.pos(i), msg) }

// errorAtPos records a diagnostic, keeping the list in source order: a
// diagnostic reported late (an unterminated string or template is known
// only at its end) goes before those at later offsets.
func (l *Lexer) errorAtPos(p Pos, msg string) {
	d := Diagnostic{File: l.file, Pos: p, Severity: SeverityError, Message: msg}
	i := len(l.diags)
	for i > 0 && l.diags[i-1].Pos.Offset > p.Offset {
		i--
	}
	l.diags = append(l.diags, d)
	if i < len(l.diags)-1 {
		copy(l.diags[i+1:], l.diags[i:])
		l.diags[i] = d
	}
}

func (l *Lexer) reportTooDeep(i int) {
	if !l.tooDeep {
		l.tooDeep = true
		l.errorAt(i, fmt.Sprintf("nesting too deep: templates and interpolations nested more than %d levels", MaxNesting))
	}
}

// Next returns the next token. At the end of the input it returns an EOF
// token (empty, positioned at the end) and keeps returning it.
func (l *Lexer) Next() Token {
	start := l.pos(l.off)
	if l.off >= len(l.src) {
		if !l.atEOF {
			l.atEOF = true
			for _, m := range l.modes {
				if m.depth == templateMode {
					l.errorAtPos(m.start, "unterminated template literal: no closing backtick")
					break
				}
			}
		}
		return Token{Kind: EOF, Pos: start, End: l.off}
	}
	var kind Kind
	if n := len(l.modes); n > 0 && l.modes[n-1].depth == templateMode {
		kind = l.lexTemplate(start)
	} else {
		kind = l.lexDefault(start)
	}
	return Token{Kind: kind, Pos: start, End: l.off}
}

// Character classes of ASCII bytes.
const (
	cIdentStart = 1 << iota // letter or _
	cDigit
	cHex
	cSpace // space, tab, form feed, CR, LF
)

var asciiClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cIdentStart
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= cIdentStart
	}
	t['_'] |= cIdentStart
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cHex
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] |= cHex
		t[c-'a'+'A'] |= cHex
	}
	for _, c := range " \t\f\r\n" {
		t[c] |= cSpace
	}
	return t
}()

func isDigit(b byte) bool    { return asciiClass[b]&cDigit != 0 }
func isHexDigit(b byte) bool { return asciiClass[b]&cHex != 0 }
func isASCIILetter(b byte) bool {
	return b|0x20 >= 'a' && b|0x20 <= 'z'
}

// isDisallowed reports whether r may not occur anywhere in source text: a C0
// control other than TAB, LF, FF and CR, a C1 control, a surrogate or a
// noncharacter.
func isDisallowed(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\f' && r != '\r'
	case r < 0x80:
		return false
	case r <= 0x9F:
		return true
	case r >= 0xD800 && r <= 0xDFFF:
		return true
	case r >= 0xFDD0 && r <= 0xFDEF:
		return true
	default:
		return r&0xFFFE == 0xFFFE
	}
}

// isUnicodeIdentChar reports whether the non-ASCII rune r is a
// UnicodeIdentifierChar: not private use, Pattern_White_Space or
// Pattern_Syntax (and, here, not a disallowed code point).
func isUnicodeIdentChar(r rune) bool {
	if r < 0x80 || r == utf8.RuneError || isDisallowed(r) {
		return false
	}
	if r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000 && r <= 0xFFFFD || r >= 0x100000 && r <= 0x10FFFD {
		return false
	}
	return !unicode.Is(unicode.Pattern_White_Space, r) && !unicode.Is(unicode.Pattern_Syntax, r)
}

// checkRune decodes the rune at i (src[i] >= 0x80 or a control byte),
// reports it if it is invalid UTF-8 or disallowed, and returns its size.
func (l *Lexer) checkRune(i int) int {
	b := l.src[i]
	if b < utf8.RuneSelf {
		if isDisallowed(rune(b)) {
			l.errorAt(i, fmt.Sprintf("disallowed control character U+%04X", b))
		}
		return 1
	}
	r, size := utf8.DecodeRune(l.src[i:])
	if r == utf8.RuneError && size == 1 {
		l.errorAt(i, "invalid UTF-8 encoding")
		return 1
	}
	if isDisallowed(r) {
		l.errorAt(i, fmt.Sprintf("disallowed character U+%04X", r))
	}
	return size
}

// scanLineRest advances l.off to the next CR, LF or the end, reporting
// disallowed characters on the way.
func (l *Lexer) scanLineRest() {
	src := l.src
	i := l.off
	for i < len(src) {
		b := src[i]
		if b >= 0x20 && b < utf8.RuneSelf {
			i++
			continue
		}
		if b == '\n' || b == '\r' {
			break
		}
		if b == '\t' || b == '\f' {
			i++
			continue
		}
		i += l.checkRune(i)
	}
	l.off = i
}

// lexTemplate lexes one token in TEMPLATE mode.
func (l *Lexer) lexTemplate(start Pos) Kind {
	src := l.src
	i := l.off
	switch src[i] {
	case '`':
		l.off++
		l.modes = l.modes[:len(l.modes)-1]
		return TemplateEnd
	case '$':
		if i+1 < len(src) && src[i+1] == '{' {
			if len(l.modes) < MaxNesting {
				l.off += 2
				l.modes = append(l.modes, modeEntry{depth: 0, start: start})
				return InterpStart
			}
		}
	}
	// Template text: up to a backtick or a "${" that can open an
	// interpolation. The first byte is always part of it.
	for i < len(src) {
		b := src[i]
		switch {
		case b == '`':
			l.off = i
			return TemplateText
		case b == '$':
			if i+1 < len(src) && src[i+1] == '{' {
				if len(l.modes) < MaxNesting {
					if i > l.off {
						l.off = i
						return TemplateText
					}
				} else {
					l.reportTooDeep(i)
				}
				i += 2
				continue
			}
			i++
		case b == '\n':
			i++
			l.line++
			l.lineStart = i
		case b == '\r':
			i++
			if i >= len(src) || src[i] != '\n' {
				l.line++
				l.lineStart = i
			}
		case b >= 0x20 && b < utf8.RuneSelf, b == '\t', b == '\f':
			i++
		default:
			i += l.checkRune(i)
		}
	}
	l.off = i
	return TemplateText
}

// lexDefault lexes one token in DEFAULT or INTERP mode.
func (l *Lexer) lexDefault(start Pos) Kind {
	src := l.src
	i := l.off
	b := src[i]
	// next returns the byte at i+k, or 0 past the end.
	next := func(k int) byte {
		if i+k < len(src) {
			return src[i+k]
		}
		return 0
	}
	switch b {
	case ' ', '\t', '\f', '\r', '\n':
		l.lexWhitespace()
		return Whitespace
	case 0xEF:
		if i == 0 && next(1) == 0xBB && next(2) == 0xBF {
			l.off = 3
			l.lexWhitespace()
			return Whitespace
		}
	case '/':
		switch next(1) {
		case '/':
			l.off += 2
			l.scanLineRest()
			return Comment
		case '*':
			if next(2) == '*' && next(3) == '/' && next(4) == '<' {
				return l.op(4, Operator)
			}
			return l.op(2, Operator)
		case '=':
			return l.op(2, SlashAssign)
		}
		return l.op(1, Slash)
	case '"':
		l.lexString()
		return StringLit
	case '\'':
		l.lexIdent(true)
		return Ident
	case '`':
		if len(l.modes) >= MaxNesting {
			l.reportTooDeep(i)
			l.off++
			return Illegal
		}
		l.off++
		l.modes = append(l.modes, modeEntry{depth: templateMode, start: start})
		return TemplateStart
	case '#':
		if len(l.modes) == 0 && l.atLineStart(i) {
			l.off++
			l.scanLineRest()
			return DocLine
		}
		l.errorAt(i, "'#' is only allowed as the first character of a line, to begin documentation")
		return l.op(1, Hash)
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return l.lexNumber()
	case '.':
		switch next(1) {
		case '.':
			switch next(2) {
			case '.':
				return l.op(3, Ellipsis)
			case '<':
				return l.op(3, DotDotLess)
			}
		case '@':
			return l.op(2, DotAt)
		case '<':
			return l.op(2, Operator)
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			return l.lexNumber()
		}
		return l.op(1, Dot)
	case '{':
		if n := len(l.modes); n > 0 {
			l.modes[n-1].depth++
		}
		if next(1) == '|' {
			return l.op(2, LBracePipe)
		}
		return l.op(1, LBrace)
	case '}':
		if n := len(l.modes); n > 0 {
			if l.modes[n-1].depth == 0 {
				l.modes = l.modes[:n-1]
				return l.op(1, InterpEnd)
			}
			l.modes[n-1].depth--
		}
		return l.op(1, RBrace)
	case '|':
		switch next(1) {
		case '}':
			if n := len(l.modes); n > 0 && l.modes[n-1].depth > 0 {
				l.modes[n-1].depth--
			}
			return l.op(2, PipeRBrace)
		case '|':
			return l.op(2, OrOr)
		case '=':
			return l.op(2, PipeAssign)
		}
		return l.op(1, Pipe)
	case '(':
		return l.op(1, LParen)
	case ')':
		return l.op(1, RParen)
	case '[':
		return l.op(1, LBracket)
	case ']':
		return l.op(1, RBracket)
	case ';':
		return l.op(1, Semicolon)
	case ',':
		return l.op(1, Comma)
	case ':':
		return l.op(1, Colon)
	case '@':
		return l.op(1, At)
	case '~':
		return l.op(1, Tilde)
	case '%':
		return l.op(1, Percent)
	case '?':
		switch next(1) {
		case '.':
			if next(2) != '.' {
				return l.op(2, QuestionDot)
			}
		case ':':
			return l.op(2, Elvis)
		}
		return l.op(1, Question)
	case '=':
		switch next(1) {
		case '=':
			if next(2) == '=' {
				return l.op(3, RefEq)
			}
			return l.op(2, Eq)
		case '>':
			return l.op(2, Arrow)
		}
		return l.op(1, Assign)
	case '!':
		if next(1) == '=' {
			if next(2) == '=' {
				return l.op(3, RefNotEq)
			}
			return l.op(2, NotEq)
		}
		if next(1) == 'i' && next(2) == 's' && !l.identFollowsAt(i+3) {
			return l.op(3, Operator)
		}
		return l.op(1, Not)
	case '+':
		if next(1) == '=' {
			return l.op(2, PlusAssign)
		}
		return l.op(1, Plus)
	case '-':
		switch next(1) {
		case '>':
			if next(2) == '>' {
				return l.op(3, SyncSend)
			}
			return l.op(2, RightArrow)
		case '=':
			return l.op(2, MinusAssign)
		}
		return l.op(1, Minus)
	case '*':
		if next(1) == '=' {
			return l.op(2, StarAssign)
		}
		return l.op(1, Star)
	case '&':
		switch next(1) {
		case '&':
			return l.op(2, AndAnd)
		case '=':
			return l.op(2, AmpAssign)
		}
		return l.op(1, Amp)
	case '^':
		if next(1) == '=' {
			return l.op(2, CaretAssign)
		}
		return l.op(1, Caret)
	case '<':
		switch next(1) {
		case '=':
			return l.op(2, LtEq)
		case '-':
			if isDigit(next(2)) {
				return l.op(1, Lt)
			}
			return l.op(2, LeftArrow)
		case '<':
			if next(2) == '=' {
				return l.op(3, ShlAssign)
			}
			return l.op(2, Shl)
		}
		return l.op(1, Lt)
	case '>':
		switch next(1) {
		case '=':
			return l.op(2, GtEq)
		case '>':
			switch next(2) {
			case '=':
				return l.op(3, ShrAssign)
			case '>':
				if next(3) == '=' {
					return l.op(4, UshrAssign)
				}
			}
		}
		return l.op(1, Gt)
	case '\\':
		l.lexIdent(false)
		return Ident
	}
	if asciiClass[b]&cIdentStart != 0 {
		return l.lexIdent(false)
	}
	if b >= utf8.RuneSelf {
		r, size := utf8.DecodeRune(src[i:])
		if isUnicodeIdentChar(r) {
			return l.lexIdent(false)
		}
		if r == utf8.RuneError && size == 1 {
			l.errorAt(i, "invalid UTF-8 encoding")
		} else if isDisallowed(r) {
			l.errorAt(i, fmt.Sprintf("disallowed character U+%04X", r))
		} else {
			l.errorAt(i, fmt.Sprintf("unexpected character U+%04X %q", r, r))
		}
		l.off += size
		return Illegal
	}
	if isDisallowed(rune(b)) {
		l.errorAt(i, fmt.Sprintf("disallowed control character U+%04X", b))
	} else {
		l.errorAt(i, fmt.Sprintf("unexpected character %q", rune(b)))
	}
	l.off++
	return Illegal
}

// op consumes n bytes and returns k.
func (l *Lexer) op(n int, k Kind) Kind {
	l.off += n
	return k
}

// lexWhitespace consumes a run of whitespace at l.off, counting lines.
func (l *Lexer) lexWhitespace() {
	src := l.src
	i := l.off
	for i < len(src) {
		switch src[i] {
		case ' ', '\t', '\f':
			i++
		case '\n':
			i++
			l.line++
			l.lineStart = i
		case '\r':
			i++
			if i >= len(src) || src[i] != '\n' {
				l.line++
				l.lineStart = i
			}
		default:
			l.off = i
			return
		}
	}
	l.off = i
}

// atLineStart reports whether only spaces and tabs (and a leading BOM)
// precede offset i on its line.
func (l *Lexer) atLineStart(i int) bool {
	j := i - 1
	for j >= 0 && (l.src[j] == ' ' || l.src[j] == '\t') {
		j--
	}
	if j < 0 {
		return true
	}
	switch l.src[j] {
	case '\n', '\r':
		return true
	}
	return j == 2 && l.src[0] == 0xEF && l.src[1] == 0xBB && l.src[2] == 0xBF
}

// identFollowsAt reports whether an identifier character or escape starts
// at offset i.
func (l *Lexer) identFollowsAt(i int) bool {
	if i >= len(l.src) {
		return false
	}
	b := l.src[i]
	if b < utf8.RuneSelf {
		return asciiClass[b]&(cIdentStart|cDigit) != 0 || b == '\\'
	}
	r, _ := utf8.DecodeRune(l.src[i:])
	return isUnicodeIdentChar(r)
}

// lexIdent lexes an identifier or keyword at l.off; quoted says whether it
// starts with a single quote.
func (l *Lexer) lexIdent(quoted bool) Kind {
	src := l.src
	start := l.off
	i := start
	if quoted {
		i++
	}
	plain := !quoted // only lower-case ASCII letters so far
loop:
	for i < len(src) {
		b := src[i]
		if b < utf8.RuneSelf {
			if c := asciiClass[b]; c&(cIdentStart|cDigit) != 0 {
				if b < 'a' || b > 'z' {
					plain = false
				}
				i++
				continue
			}
			if b != '\\' {
				break
			}
			plain = false
			n, ok := l.identEscape(i)
			i += n
			if !ok {
				break loop
			}
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if !isUnicodeIdentChar(r) {
			break
		}
		plain = false
		i += size
	}
	l.off = i
	if quoted && i == start+1 {
		l.errorAt(start, "incomplete quoted identifier: a name must follow '")
	}
	if plain {
		return lookupKeyword(src[start:i])
	}
	return Ident
}

// kwTable is an open-addressing hash table of the reserved keywords, a
// faster LookupKeyword for the lexer's hot path (no map hashing).
var kwTable = func() (t [512]Kind) {
	for k := keywordBegin + 1; k < keywordEnd; k++ {
		w := kindNames[k]
		h := kwHash([]byte(w))
		for t[h] != 0 {
			h = (h + 1) % uint(len(t))
		}
		t[h] = k
	}
	return t
}()

func kwHash(w []byte) uint {
	return (uint(len(w))*97 + uint(w[0])*31 + uint(w[len(w)-1])*7 + uint(w[1])) % 512
}

// lookupKeyword returns the keyword kind of w, or Ident; w is at least one
// byte of lower-case ASCII letters.
func lookupKeyword(w []byte) Kind {
	if len(w) < 2 || len(w) > 13 {
		return Ident
	}
	for h := kwHash(w); kwTable[h] != 0; h = (h + 1) % uint(len(kwTable)) {
		if k := kwTable[h]; kindNames[k] == string(w) {
			return k
		}
	}
	return Ident
}

// identEscape lexes an identifier escape at i (src[i] == '\\'). It returns
// the bytes consumed and whether the identifier continues after it.
func (l *Lexer) identEscape(i int) (int, bool) {
	src := l.src
	if i+1 >= len(src) {
		l.errorAt(i, "invalid escape sequence: '\\' at end of input")
		return 1, false
	}
	c := src[i+1]
	switch {
	case c == '\n' || c == '\r' || c == '\t':
		l.errorAt(i, "invalid escape sequence: '\\' before a line break or tab")
		return 1, false
	case c == 'u' && i+2 < len(src) && src[i+2] == '{':
		return l.numericEscape(i), true
	case c < utf8.RuneSelf:
		if isASCIILetter(c) {
			l.errorAt(i, fmt.Sprintf("invalid escape sequence '\\%c' in identifier", c))
		} else if isDisallowed(rune(c)) {
			l.errorAt(i+1, fmt.Sprintf("disallowed control character U+%04X", c))
		}
		return 2, true
	}
	r, size := utf8.DecodeRune(src[i+1:])
	switch {
	case r == utf8.RuneError && size == 1:
		l.errorAt(i+1, "invalid UTF-8 encoding")
	case isDisallowed(r):
		l.errorAt(i+1, fmt.Sprintf("disallowed character U+%04X", r))
	case r == 0x200E || r == 0x200F || r == 0x2028 || r == 0x2029:
		l.errorAt(i, fmt.Sprintf("invalid escape sequence: '\\' before U+%04X", r))
	}
	return 1 + size, true
}

// numericEscape lexes "\u{...}" at i and returns its length, reporting a
// missing digit or brace and code points that are not Unicode scalar
// values.
func (l *Lexer) numericEscape(i int) int {
	src := l.src
	j := i + 3
	var v rune
	for j < len(src) && isHexDigit(src[j]) {
		if v <= 0x10FFFF {
			v = v<<4 | rune(hexVal(src[j]))
		}
		j++
	}
	if j == i+3 {
		l.errorAt(i, "invalid numeric escape: '\\u{' must be followed by hex digits and '}'")
		return j - i
	}
	if j >= len(src) || src[j] != '}' {
		l.errorAt(i, "invalid numeric escape: missing '}'")
		return j - i
	}
	j++
	if v > 0x10FFFF || v >= 0xD800 && v <= 0xDFFF {
		l.errorAt(i, "invalid numeric escape: not a Unicode scalar value")
	}
	return j - i
}

func hexVal(b byte) byte {
	switch {
	case b <= '9':
		return b - '0'
	case b >= 'a':
		return b - 'a' + 10
	default:
		return b - 'A' + 10
	}
}

// lexString lexes a string literal at l.off. It ends at the closing quote
// or, unterminated, before the line break or at the end of the input.
func (l *Lexer) lexString() {
	src := l.src
	start := l.off
	i := start + 1
	for {
		if i >= len(src) {
			l.errorAt(start, "unterminated string literal")
			break
		}
		b := src[i]
		if b == '"' {
			i++
			break
		}
		if b >= 0x20 && b < utf8.RuneSelf && b != '\\' {
			i++
			continue
		}
		switch b {
		case '\n', '\r':
			l.errorAt(start, "unterminated string literal")
			l.off = i
			return
		case '\\':
			if i+1 >= len(src) {
				i++
				continue
			}
			switch c := src[i+1]; c {
			case 't', 'n', 'r', '\\', '"':
				i += 2
			case 'u':
				if i+2 < len(src) && src[i+2] == '{' {
					i += l.numericEscape(i)
				} else {
					l.errorAt(i, "invalid escape sequence '\\u': expected '\\u{'")
					i += 2
				}
			case '\n', '\r':
				l.errorAt(i, "invalid escape sequence: '\\' at the end of a line")
				i++
			default:
				if c < utf8.RuneSelf {
					l.errorAt(i, fmt.Sprintf("invalid escape sequence '\\%c'", c))
				} else {
					l.errorAt(i, "invalid escape sequence")
				}
				i++ // the escaped character is lexed as an ordinary one
			}
		case '\t', '\f':
			i++
		default:
			i += l.checkRune(i)
		}
	}
	l.off = i
}

// lexNumber lexes a numeric literal at l.off: a digit, or "." followed by a
// digit.
func (l *Lexer) lexNumber() Kind {
	src := l.src
	start := l.off
	i := start
	at := func(k int) byte {
		if k < len(src) {
			return src[k]
		}
		return 0
	}
	if src[i] == '0' && (at(i+1) == 'x' || at(i+1) == 'X') {
		return l.lexHex()
	}
	float := false
	if src[i] != '.' {
		for i < len(src) && isDigit(src[i]) {
			i++
		}
		if i-start > 1 && src[start] == '0' {
			l.errorAt(start, "leading zeros are not allowed in a numeric literal")
		}
	}
	if at(i) == '.' && isDigit(at(i+1)) {
		float = true
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if c := at(i); c == 'e' || c == 'E' {
		float = true
		i++
		if c := at(i); c == '+' || c == '-' {
			i++
		}
		if !isDigit(at(i)) {
			l.errorAt(start, "malformed number: missing digits in the exponent")
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	switch at(i) {
	case 'f', 'F', 'd', 'D':
		float = true
		i++
	}
	l.off = i
	if float {
		return FloatLit
	}
	return IntLit
}

// lexHex lexes a hex literal at l.off ("0x" or "0X").
func (l *Lexer) lexHex() Kind {
	src := l.src
	start := l.off
	i := start + 2
	at := func(k int) byte {
		if k < len(src) {
			return src[k]
		}
		return 0
	}
	for i < len(src) && isHexDigit(src[i]) {
		i++
	}
	intDigits := i - start - 2
	float := false
	if at(i) == '.' && isHexDigit(at(i+1)) && l.hexDotIsFraction(i) {
		float = true
		i++
		for i < len(src) && isHexDigit(src[i]) {
			i++
		}
	} else if intDigits == 0 {
		l.errorAt(start, "malformed number: missing hex digits after '0x'")
	}
	if c := at(i); c == 'p' || c == 'P' {
		float = true
		i++
		if c := at(i); c == '+' || c == '-' {
			i++
		}
		if !isDigit(at(i)) {
			l.errorAt(start, "malformed number: missing digits in the exponent")
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	l.off = i
	if float {
		return FloatLit
	}
	return IntLit
}

// hexDotIsFraction decides, for a "." at i after hex digits and before a
// hex digit, whether it starts the fraction of a hex float or is a member
// access: like the reference lexer, it is a member access when the hex
// digits (and exponent) that follow run into an identifier character.
func (l *Lexer) hexDotIsFraction(i int) bool {
	src := l.src
	j := i + 1
	if isDigit(src[j]) {
		return true
	}
	for j < len(src) && isHexDigit(src[j]) {
		j++
	}
	if j < len(src) && (src[j] == 'p' || src[j] == 'P') {
		j++
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			return true
		}
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	return !l.identFollowsAt(j)
}
