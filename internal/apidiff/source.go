package apidiff

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/balcentral/balcentral/internal/syntax"
)

// The reference checker compares syntax-tree nodes through their source
// text. A node's text (toSourceCode) carries the trivia of its tokens: the
// leading trivia of its first token (the blank lines, comment lines and
// indentation before it when it starts a line) and the trailing trivia of
// its last token (the spaces and comment after it, up to and including the
// line end). Most comparisons trim that away; a few do not (function
// bodies, annotation lists), and a few messages print it ("return type is
// changed from 'int ' to 'string '"). The helpers here rebuild those texts
// from the parser's spans.

// trailing returns t's source followed by its trailing trivia.
func trailing(f *syntax.File, t syntax.Text) string {
	if f == nil {
		return t.Text
	}
	return f.TextWithTrivia(t)
}

// withTrivia returns t's source with its leading and trailing trivia, as
// the reference's toSourceCode.
func withTrivia(f *syntax.File, t syntax.Text) string {
	if f == nil || t.IsZero() {
		return t.Text
	}
	return leadingTrivia(f.Src, t.Span.Start) + f.TextWithTrivia(t)
}

// spanText returns the Text of a span of f.
func spanText(f *syntax.File, s syntax.Span) syntax.Text {
	if f == nil || s.Start < 0 || s.End > len(f.Src) || s.Start > s.End {
		return syntax.Text{}
	}
	return syntax.Text{Text: string(f.Src[s.Start:s.End]), Span: s}
}

// leadingTrivia returns the trivia before the token at off that belongs to
// it: nothing when another token precedes it on its line (the trivia in
// between trails that token); otherwise its indentation, and the lines
// above it that hold only white space or a comment, up to the line of the
// previous token, whose line end ends that token's trailing trivia.
func leadingTrivia(src []byte, off int) string {
	if off <= 0 || off > len(src) {
		return ""
	}
	lineStart := off
	for lineStart > 0 && src[lineStart-1] != '\n' && src[lineStart-1] != '\r' {
		lineStart--
	}
	if strings.TrimLeft(string(src[lineStart:off]), " \t\f") != "" {
		return ""
	}
	start := lineStart
	for start > 0 {
		// The previous line is src[prev:end], end excluding its line end.
		end := start - 1
		if src[end] == '\n' && end > 0 && src[end-1] == '\r' {
			end--
		}
		prev := end
		for prev > 0 && src[prev-1] != '\n' && src[prev-1] != '\r' {
			prev--
		}
		line := strings.TrimLeft(string(src[prev:end]), " \t\f")
		if line != "" && !strings.HasPrefix(line, "//") {
			break
		}
		if prev == 0 {
			// Leading trivia of the file's first token.
			start = 0
			break
		}
		start = prev
	}
	return string(src[start:off])
}

// sigTokens returns the significant tokens of s (no white space or
// comments).
func sigTokens(s string) []syntax.Token {
	toks, _ := syntax.Tokenize("", []byte(s))
	out := toks[:0]
	for _, t := range toks {
		if !t.Kind.IsTrivia() && t.Kind != syntax.EOF {
			out = append(out, t)
		}
	}
	return out
}

// normalize returns s with its tokens separated by single spaces where two
// words would otherwise merge and by nothing elsewhere, so that two texts
// that differ only in layout or comments compare equal.
func normalize(s string) string {
	src := []byte(s)
	toks := sigTokens(s)
	var b strings.Builder
	prevWord := false
	for _, t := range toks {
		txt := string(src[t.Pos.Offset:t.End])
		word := isWordish(txt)
		if prevWord && word {
			b.WriteByte(' ')
		}
		b.WriteString(txt)
		prevWord = word
	}
	return b.String()
}

// isWordish reports whether a token's text starts or ends with a letter,
// digit, underscore or quote, so that it must be kept apart from a
// neighbouring word.
func isWordish(s string) bool {
	if s == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	w := func(r rune) bool { return r == '_' || r == '\'' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	return w(first) || w(last)
}

// isBasicLiteral reports whether expr is a single basic literal (the
// reference's BasicLiteralNode): a number, a string, true, false or null.
func isBasicLiteral(expr string) bool {
	toks := sigTokens(expr)
	if len(toks) != 1 {
		return false
	}
	switch k := toks[0].Kind; {
	case k == syntax.IntLit, k == syntax.FloatLit, k == syntax.StringLit, k == syntax.KwTrue, k == syntax.KwFalse, k == syntax.KwNull:
		return true
	}
	return false
}

// nodeKindName guesses the reference's name of the syntax kind of an
// expression or type descriptor ("numeric literal", "explicit new
// expression", "qualified name reference", ...), which the reference uses
// in messages about nodes it has no better name for.
func nodeKindName(expr string) string {
	src := []byte(expr)
	toks := sigTokens(expr)
	if len(toks) == 0 {
		return "node"
	}
	tokText := func(i int) string { return string(src[toks[i].Pos.Offset:toks[i].End]) }
	first := toks[0].Kind
	if len(toks) == 1 {
		switch {
		case first == syntax.IntLit || first == syntax.FloatLit:
			return "numeric literal"
		case first == syntax.StringLit:
			return "string literal"
		case first == syntax.KwTrue || first == syntax.KwFalse:
			return "boolean literal"
		case first == syntax.KwNull:
			return "null literal"
		case first == syntax.Ident:
			return "simple name reference"
		case first.IsKeyword():
			return strings.ToLower(tokText(0)) + " type desc"
		}
	}
	if len(toks) == 3 && first == syntax.Ident && toks[1].Kind == syntax.Colon && toks[2].Kind == syntax.Ident {
		return "qualified name reference"
	}
	if len(toks) == 2 && first == syntax.LParen && toks[1].Kind == syntax.RParen {
		return "nil literal"
	}
	if first == syntax.KwNew {
		if len(toks) == 1 || toks[1].Kind == syntax.LParen || toks[1].Kind == syntax.Semicolon {
			return "implicit new expression"
		}
		return "explicit new expression"
	}
	// A binary operator at depth 0 makes a binary expression (or a union
	// type).
	depth := 0
	for i, t := range toks {
		switch t.Kind {
		case syntax.LParen, syntax.LBracket, syntax.LBrace, syntax.LBracePipe:
			depth++
		case syntax.RParen, syntax.RBracket, syntax.RBrace, syntax.PipeRBrace:
			depth--
		case syntax.Plus, syntax.Minus, syntax.Star, syntax.Slash, syntax.Percent:
			if depth == 0 && i > 0 {
				return "binary expression"
			}
		case syntax.Pipe:
			if depth == 0 {
				return "union type desc"
			}
		}
	}
	switch first {
	case syntax.LParen:
		return "braced expression"
	case syntax.LBracket:
		return "list constructor"
	case syntax.LBrace:
		return "mapping constructor"
	case syntax.KwRecord:
		return "record type desc"
	case syntax.KwObject:
		return "object type desc"
	case syntax.TemplateStart:
		return "raw template expression"
	}
	if last := toks[len(toks)-1].Kind; last == syntax.RParen {
		for _, t := range toks {
			if t.Kind == syntax.Dot {
				return "method call"
			}
		}
		return "function call"
	}
	return "expression"
}
