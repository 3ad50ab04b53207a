package dot

import (
	"fmt"
	"strings"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokError
	tokID
	tokLBrace
	tokRBrace
	tokLBracket
	tokRBracket
	tokEquals
	tokSemi
	tokComma
	tokColon
	tokArrow // -> or --
)

type token struct {
	kind   tokKind
	text   string // the ID's value, the operator, or the error message
	quoted bool   // a quoted or HTML ID (never a keyword)
	pos    Pos
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokID:
		if t.quoted {
			return fmt.Sprintf("%q", t.text)
		}
		return "'" + t.text + "'"
	case tokError:
		return "invalid input"
	}
	return "'" + t.text + "'"
}

type lexer struct {
	filename  string
	src       []byte
	off       int
	line, col int
}

func (l *lexer) pos() Pos { return Pos{l.line, l.col} }

func (l *lexer) peek(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

// advance moves past n bytes, tracking lines and columns.
func (l *lexer) advance(n int) {
	for i := 0; i < n && l.off < len(l.src); i++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

// skipSpace skips white space and comments; it returns an error token for
// an unterminated block comment.
func (l *lexer) skipSpace() *token {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.advance(1)
		case c == '#' || c == '/' && l.peek(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		case c == '/' && l.peek(1) == '*':
			start := l.pos()
			l.advance(2)
			for {
				if l.off >= len(l.src) {
					return &token{kind: tokError, text: "unterminated /* comment", pos: start}
				}
				if l.src[l.off] == '*' && l.peek(1) == '/' {
					l.advance(2)
					break
				}
				l.advance(1)
			}
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) scan() token {
	if t := l.skipSpace(); t != nil {
		return *t
	}
	pos := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: pos}
	}
	c := l.src[l.off]
	single := map[byte]tokKind{'{': tokLBrace, '}': tokRBrace, '[': tokLBracket, ']': tokRBracket,
		'=': tokEquals, ';': tokSemi, ',': tokComma, ':': tokColon}
	if k, ok := single[c]; ok {
		l.advance(1)
		return token{kind: k, text: string(c), pos: pos}
	}
	switch {
	case c == '-' && (l.peek(1) == '>' || l.peek(1) == '-'):
		text := string(l.src[l.off : l.off+2])
		l.advance(2)
		return token{kind: tokArrow, text: text, pos: pos}
	case c == '"':
		return l.quoted(pos)
	case c == '<':
		return l.html(pos)
	case isIDStart(c):
		start := l.off
		for l.off < len(l.src) && isIDChar(l.src[l.off]) {
			l.advance(1)
		}
		return token{kind: tokID, text: string(l.src[start:l.off]), pos: pos}
	case c == '-' || c == '.' || isDigit(c):
		return l.numeral(pos)
	}
	l.advance(1)
	return token{kind: tokError, text: fmt.Sprintf("unexpected character %q", rune(c)), pos: pos}
}

// quoted scans one or more double-quoted strings joined by '+'.
func (l *lexer) quoted(pos Pos) token {
	var b strings.Builder
	for {
		start := l.pos()
		l.advance(1) // opening quote
		for {
			if l.off >= len(l.src) {
				return token{kind: tokError, text: "unterminated string", pos: start}
			}
			c := l.src[l.off]
			if c == '"' {
				l.advance(1)
				break
			}
			if c == '\\' && l.off+1 < len(l.src) {
				switch next := l.src[l.off+1]; next {
				case '"':
					b.WriteByte('"')
					l.advance(2)
					continue
				case '\n': // line continuation
					l.advance(2)
					continue
				case '\r':
					if l.peek(2) == '\n' {
						l.advance(3)
						continue
					}
				}
			}
			b.WriteByte(c)
			l.advance(1)
		}
		// "a" + "b"
		save := *l
		if t := l.skipSpace(); t == nil && l.off < len(l.src) && l.src[l.off] == '+' {
			l.advance(1)
			if t := l.skipSpace(); t == nil && l.off < len(l.src) && l.src[l.off] == '"' {
				continue
			}
		}
		*l = save
		return token{kind: tokID, text: b.String(), quoted: true, pos: pos}
	}
}

// html scans an HTML string <...> with balanced angle brackets.
func (l *lexer) html(pos Pos) token {
	depth := 0
	start := l.off
	for l.off < len(l.src) {
		switch l.src[l.off] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				l.advance(1)
				return token{kind: tokID, text: string(l.src[start+1 : l.off-1]), quoted: true, pos: pos}
			}
		}
		l.advance(1)
	}
	return token{kind: tokError, text: "unterminated HTML string", pos: pos}
}

// numeral scans [-]?(.[0-9]+ | [0-9]+(.[0-9]*)?).
func (l *lexer) numeral(pos Pos) token {
	start := l.off
	if l.src[l.off] == '-' {
		l.advance(1)
	}
	digits := 0
	for l.off < len(l.src) && isDigit(l.src[l.off]) {
		l.advance(1)
		digits++
	}
	if l.off < len(l.src) && l.src[l.off] == '.' {
		l.advance(1)
		for l.off < len(l.src) && isDigit(l.src[l.off]) {
			l.advance(1)
			digits++
		}
	}
	if digits == 0 {
		return token{kind: tokError, text: fmt.Sprintf("invalid numeral %q", string(l.src[start:l.off])), pos: pos}
	}
	return token{kind: tokID, text: string(l.src[start:l.off]), pos: pos}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isIDStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}
func isIDChar(c byte) bool { return isIDStart(c) || isDigit(c) || c == '.' }
