package syntax

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseDoc reads a documentation string — the texts of consecutive DocLine
// tokens, each starting with "#" — as Ballerina Flavored Markdown and fills
// every field of a Doc except Span, which the caller sets.
//
// Each line loses its "#" and at most one following space (and a stray
// carriage return at its end); what remains is the line's content. Lines are
// then read in order, as the reference compiler does:
//
//   - A parameter line is a line whose content starts, after blanks, with
//     "+", then a name, then optionally "-", then the description:
//     "+ x - text", "+ x -text", "+   x   -   text" and "+ x text" all
//     document x with "text". The name is an identifier, possibly quoted
//     ("'from") or with escapes, and is normalised like an identifier
//     ("'from" documents from). The unquoted name "return" documents the
//     return value (Return, HasReturn) instead. A "+" line without a name is
//     an ordinary line.
//   - A deprecation heading is a Markdown heading whose text starts with the
//     word "Deprecated": source "# # Deprecated" (or "##Deprecated"; a level-2
//     heading "# ## Deprecated" is not one). "# # Deprecated parameters"
//     starts the deprecated-parameters section: the parameter lines after it
//     go to DeprecatedParams, and it does not set Deprecated. Any other
//     deprecation heading sets Deprecated; the ordinary lines after it form
//     DeprecatedDoc, and parameter lines after it, as in the reference
//     compiler, document deprecated parameters.
//   - Every other line, Markdown headings such as "# # Examples" included,
//     continues the part that came last: the description (before any
//     parameter line or deprecation heading), the last parameter or return
//     item, or the deprecation text. This is the reference compiler's rule:
//     a parameter's or the return's description runs until the next
//     parameter line or deprecation heading. Lines between a "Deprecated
//     parameters" heading and its first parameter line belong to no part
//     (Raw still has them). Lines inside a fenced code block (from a line
//     starting with three backticks to the next such line) are always
//     ordinary lines.
//
// Two reference quirks are not copied: a parameter documented before a
// deprecation heading stays in Params (the reference compiler moves the
// last one to the deprecated parameters when parameter lines follow the
// heading), and the text under
// "# Deprecated" is kept when deprecated parameters follow it (the
// reference compiler drops it).
//
// Description and DeprecatedDoc keep each line's content as written, joined
// with "\n". An item's description joins its first line's text and its
// continuation lines with "\n", as the reference compiler joins them; each
// line is trimmed of surrounding blanks, except inside a fenced code block,
// where indentation matters. Leading and trailing blank lines are dropped
// from every text, and a line of blanks inside one becomes an empty line.
//
// Duplicate parameter lines are all kept, in order. A second return line
// replaces the first, as in the reference compiler. ParseDoc accepts any
// input and runs in time linear in its size; a line without "#" is read as
// if it had one.
func ParseDoc(lines []string) *Doc {
	d := &Doc{Raw: strings.Join(lines, "\n")}
	var (
		desc, deprecated docText
		ret              docText
		params           []docItem
		deprParams       []docItem
		cur              = &desc // where ordinary lines go; nil drops them
		curItem          = false // cur is an item: trim its lines
		section          = docSectionMain
		fence            = false
	)
	for _, line := range lines {
		content := docLineContent(line)
		if !fence {
			if name, text, isReturn, ok := docParamLine(content); ok {
				var t docText
				t.add(text, true)
				switch {
				case isReturn:
					d.HasReturn = true
					ret = t
					cur = &ret
				case section == docSectionMain:
					params = append(params, docItem{name: name, text: t})
					cur = &params[len(params)-1].text
				default:
					deprParams = append(deprParams, docItem{name: name, text: t})
					cur = &deprParams[len(deprParams)-1].text
				}
				curItem = true
				continue
			}
			if h, ok := docDeprecationHeading(content); ok {
				if h == docSectionDeprecated {
					d.Deprecated = true
					cur = &deprecated
				} else {
					cur = nil
				}
				section = h
				curItem = false
				continue
			}
		}
		if docIsFence(content) {
			fence = !fence
			if cur != nil {
				cur.add(content, curItem)
			}
			continue
		}
		if cur != nil {
			cur.add(content, curItem && !fence)
		}
	}
	d.Description = desc.String()
	d.DeprecatedDoc = deprecated.String()
	d.Return = ret.String()
	d.Params = docItems(params)
	d.DeprecatedParams = docItems(deprParams)
	return d
}

// Sections of a documentation string.
const (
	docSectionMain       = iota // description, parameters, return
	docSectionDeprecated        // after "# Deprecated"
	docSectionDeprParams        // after "# Deprecated parameters"
)

// docItem is a parameter line and its continuation lines.
type docItem struct {
	name string
	text docText
}

func docItems(items []docItem) []DocParam {
	if len(items) == 0 {
		return nil
	}
	out := make([]DocParam, len(items))
	for i, it := range items {
		out[i] = DocParam{Name: it.name, Description: it.text.String()}
	}
	return out
}

// docText accumulates the lines of one text, dropping blank lines at its
// start and holding back blank lines until a non-blank line follows, so the
// result never starts or ends with a blank line.
type docText struct {
	lines   []string
	pending int // blank lines seen since the last non-blank line
}

func (t *docText) add(line string, trim bool) {
	if trim {
		line = strings.Trim(line, " \t")
	}
	if docIsBlank(line) {
		if len(t.lines) > 0 {
			t.pending++
		}
		return
	}
	for ; t.pending > 0; t.pending-- {
		t.lines = append(t.lines, "")
	}
	t.lines = append(t.lines, line)
}

func (t *docText) String() string { return strings.Join(t.lines, "\n") }

// docLineContent strips the "#", at most one space after it, and a
// trailing carriage return.
func docLineContent(line string) string {
	line = strings.TrimSuffix(line, "\r")
	if strings.HasPrefix(line, "#") {
		line = line[1:]
		line = strings.TrimPrefix(line, " ")
	}
	return line
}

// docParamLine reports whether content is a parameter line and returns the
// normalised name, the description and whether the line documents the
// return value (the name is "return", unquoted).
func docParamLine(content string) (name, text string, isReturn, ok bool) {
	s := docTrimBlanks(content)
	if !strings.HasPrefix(s, "+") {
		return "", "", false, false
	}
	s = docTrimBlanks(s[1:])
	n := docIdentLen(s)
	if n == 0 {
		return "", "", false, false
	}
	raw := s[:n]
	if name = IdentName(raw); name == "" {
		return "", "", false, false
	}
	s = strings.TrimPrefix(docTrimBlanks(s[n:]), "-")
	return name, s, raw == "return", true
}

// docDeprecationHeading reports whether content is a heading starting with
// the word "Deprecated" and which section it opens.
func docDeprecationHeading(content string) (section int, ok bool) {
	s := docTrimBlanks(content)
	if !strings.HasPrefix(s, "#") {
		return 0, false
	}
	s = docTrimBlanks(s[1:])
	const word = "Deprecated"
	if !strings.HasPrefix(s, word) {
		return 0, false
	}
	rest := s[len(word):]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, false // "Deprecatedness": not the word
	}
	if strings.EqualFold(strings.Trim(rest, " \t"), "parameters") {
		return docSectionDeprParams, true
	}
	return docSectionDeprecated, true
}

// docIsFence reports whether content opens or closes a fenced code block.
func docIsFence(content string) bool {
	return strings.HasPrefix(docTrimBlanks(content), "```")
}

func docIsBlank(s string) bool { return docTrimBlanks(s) == "" }

func docTrimBlanks(s string) string { return strings.TrimLeft(s, " \t") }

// docIdentLen returns the length of the identifier at the start of s: an
// optional "'" then identifier characters and escapes ("\-", "\u{E9}").
// It returns 0 when s does not start with at least one identifier
// character.
func docIdentLen(s string) int {
	i := 0
	if strings.HasPrefix(s, "'") {
		i = 1
	}
	start := i
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			n := docEscapeLen(s[i:])
			if n == 0 {
				return docIdentEnd(i, start)
			}
			i += n
		case c < utf8.RuneSelf:
			if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
				'0' <= c && c <= '9' && (i > start || start == 1)) {
				return docIdentEnd(i, start)
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !docIdentRune(r) {
				return docIdentEnd(i, start)
			}
			i += size
		}
	}
	return docIdentEnd(i, start)
}

func docIdentEnd(i, start int) int {
	if i == start {
		return 0
	}
	return i
}

// docEscapeLen returns the length of the identifier escape at the start of
// s ("\" then a character that is not an ASCII letter or white space, or
// "\u{hex}"), or 0 when there is none.
func docEscapeLen(s string) int {
	if len(s) < 2 {
		return 0
	}
	if s[1] == 'u' && len(s) > 2 && s[2] == '{' {
		j := 3
		for j < len(s) && j < 3+6 && docHexByte(s[j]) {
			j++
		}
		if j == 3 || j >= len(s) || s[j] != '}' {
			return 0
		}
		return j + 1
	}
	r, size := utf8.DecodeRuneInString(s[1:])
	switch {
	case r == utf8.RuneError && size <= 1,
		r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'),
		r == '\t' || r == '\n' || r == '\r',
		unicode.Is(unicode.Pattern_White_Space, r):
		return 0
	}
	return 1 + size
}

func docHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// docIdentRune reports whether the non-ASCII rune r may appear in an
// identifier: anything but private-use characters, Pattern_White_Space and
// Pattern_Syntax (which holds dashes such as "–"), and invalid UTF-8.
func docIdentRune(r rune) bool {
	return r != utf8.RuneError &&
		!unicode.Is(unicode.Co, r) &&
		!unicode.Is(unicode.Pattern_White_Space, r) &&
		!unicode.Is(unicode.Pattern_Syntax, r) &&
		!unicode.IsSpace(r)
}
