package syntax

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// IdentName returns the name an Ident token's text denotes: without the
// leading ' of a quoted identifier, with `\x` single escapes replaced by x
// and `\u{H+}` numeric escapes by their code point. Names are compared in
// this form ('int, \u{69}nt and int are the same name).
//
// Malformed escapes (which the lexer reports) are kept as written, except
// that a lone trailing backslash is dropped.
func IdentName(text string) string {
	text = strings.TrimPrefix(text, "'")
	if strings.IndexByte(text, '\\') < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(text) {
			break
		}
		if text[i+1] == 'u' && i+2 < len(text) && text[i+2] == '{' {
			if r, n, ok := decodeNumericEscape(text[i:]); ok {
				b.WriteRune(r)
				i += n
				continue
			}
		}
		// Single escape: the escaped character stands for itself.
		_, size := utf8.DecodeRuneInString(text[i+1:])
		b.WriteString(text[i+1 : i+1+size])
		i += 1 + size
	}
	return b.String()
}

// decodeNumericEscape decodes a `\u{H+}` escape at the start of s. It
// returns the code point, the escape's length and whether it is well formed
// and denotes a Unicode scalar value.
func decodeNumericEscape(s string) (rune, int, bool) {
	if len(s) < 4 || s[0] != '\\' || s[1] != 'u' || s[2] != '{' {
		return 0, 0, false
	}
	var v rune
	j := 3
	for j < len(s) && isHexDigit(s[j]) {
		if v <= 0x10FFFF {
			v = v<<4 | rune(hexVal(s[j]))
		}
		j++
	}
	if j == 3 || j >= len(s) || s[j] != '}' {
		return 0, 0, false
	}
	if v > 0x10FFFF || v >= 0xD800 && v <= 0xDFFF {
		return 0, 0, false
	}
	return v, j + 1, true
}

// IsRestrictedIdentifier reports whether s is a RestrictedIdentifier, the
// form of an org name and of each dot-separated component of a module name:
// an ASCII letter, then ASCII letters and digits, with single underscores
// between them (no leading, trailing or doubled underscore).
func IsRestrictedIdentifier(s string) bool {
	if s == "" || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIILetter(c) || isDigit(c):
		case c == '_':
			if i+1 >= len(s) || s[i+1] == '_' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// UnquoteString returns the value of a string literal given as the text of
// a StringLit token, quotes included. It decodes the escapes \t \n \r \\ \"
// and \u{H+}, and returns an error for anything that is not a well-formed
// literal: missing quotes, a line break, an unescaped quote, an unknown
// escape, a numeric escape that is not a Unicode scalar value, or invalid
// UTF-8.
func UnquoteString(text string) (string, error) {
	if len(text) < 2 || text[0] != '"' || text[len(text)-1] != '"' {
		return "", errors.New("string literal must be enclosed in double quotes")
	}
	body := text[1 : len(text)-1]
	if strings.IndexByte(body, '\\') < 0 {
		if err := checkStringChars(body); err != nil {
			return "", err
		}
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			j := i + 1
			for j < len(body) && body[j] != '\\' {
				j++
			}
			if err := checkStringChars(body[i:j]); err != nil {
				return "", err
			}
			b.WriteString(body[i:j])
			i = j
			continue
		}
		if i+1 >= len(body) {
			return "", errors.New("string literal ends with a backslash")
		}
		switch body[i+1] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case '"':
			b.WriteByte('"')
		case 'u':
			r, n, ok := decodeNumericEscape(body[i:])
			if !ok {
				return "", errors.New("invalid numeric escape in string literal")
			}
			b.WriteRune(r)
			i += n
			continue
		default:
			return "", errors.New("invalid escape sequence in string literal")
		}
		i += 2
	}
	return b.String(), nil
}

// checkStringChars reports a character that may not appear unescaped in a
// string literal.
func checkStringChars(s string) error {
	for _, c := range []byte(s) {
		switch c {
		case '"':
			return errors.New("unescaped double quote in string literal")
		case '\n', '\r':
			return errors.New("line break in string literal")
		}
	}
	if !utf8.ValidString(s) {
		return errors.New("invalid UTF-8 in string literal")
	}
	return nil
}
