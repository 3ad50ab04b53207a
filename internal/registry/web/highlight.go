package web

import (
	"bytes"
	"errors"
	"html/template"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/balcentral/balcentral/internal/syntax"
)

// Code is highlighted by chroma into spans with short class names (the
// formatter's "classes" mode), never inline styles, so that the pages'
// Content-Security-Policy can forbid inline styles; the colours come from
// [HighlightCSS], which the stylesheet embeds.
//
// Ballerina is tokenized by internal/syntax's own lexer (balLexer), the one
// the registry trusts to read packages: it knows backtick templates,
// documentation lines and every keyword, which a regular-expression lexer
// gets wrong on real sources.

// maxHighlight is the largest code block that is highlighted; larger ones
// are shown as plain text, so that a hostile README cannot make a
// backtracking lexer spin.
const maxHighlight = 64 << 10

// lightStyle and darkStyle are the chroma styles of the light and dark
// colour schemes.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// highlighter formats tokens into a <pre class="chroma"> block, and
// innerHighlighter into the spans alone; both are safe for concurrent use.
var (
	highlighter      = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4))
	innerHighlighter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4), chromahtml.PreventSurroundingPre(true))
)

// Highlight returns code as highlighted HTML, a <pre class="chroma"> block,
// for a language named as in a Markdown fence ("ballerina", "bal", "go",
// "json", "toml", ...). An unknown language, an empty one or code larger
// than maxHighlight gives the escaped text in the same block.
func Highlight(lang, code string) template.HTML {
	lexer := lexerFor(lang)
	if lexer == nil || len(code) > maxHighlight {
		return plainBlock(code)
	}
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return plainBlock(code)
	}
	var buf bytes.Buffer
	if err := formatSafely(highlighter, &buf, it); err != nil {
		return plainBlock(code)
	}
	return template.HTML(buf.String())
}

// highlightInner is Highlight without the surrounding block: the spans
// that go inside a <pre class="chroma"><code>. It reports false when the
// language is unknown or the code too large.
func highlightInner(lang, code string) (string, bool) {
	lexer := lexerFor(lang)
	if lexer == nil || len(code) > maxHighlight {
		return "", false
	}
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return "", false
	}
	var buf bytes.Buffer
	if err := formatSafely(innerHighlighter, &buf, it); err != nil {
		return "", false
	}
	return buf.String(), true
}

// formatSafely runs the formatter, turning a lexer's panic (chroma lexers
// report some errors by panicking from the iterator) into an error.
func formatSafely(f *chromahtml.Formatter, buf *bytes.Buffer, it chroma.Iterator) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errHighlightPanic
		}
	}()
	return f.Format(buf, styles.Get(lightStyle), it)
}

// errHighlightPanic reports a lexer that panicked.
var errHighlightPanic = errors.New("lexer failed")

// plainBlock is code in the block Highlight makes, without colours.
func plainBlock(code string) template.HTML {
	return template.HTML(`<pre class="chroma"><code>` + template.HTMLEscapeString(code) + `</code></pre>`)
}

// lexerFor returns the lexer of a fence language, or nil.
func lexerFor(lang string) chroma.Lexer {
	lang = strings.ToLower(strings.TrimSpace(lang))
	switch lang {
	case "":
		return nil
	case "ballerina", "bal":
		return chroma.Coalesce(balLexer{})
	}
	if l := lexers.Get(lang); l != nil {
		return chroma.Coalesce(l)
	}
	return nil
}

// HighlightCSS returns the stylesheet of the highlighted code: the light
// style, and the dark one under prefers-color-scheme: dark; the code
// blocks keep the page's background.
func HighlightCSS() (string, error) {
	// Each scheme's rules apply alone: a token type one style colours and
	// the other does not would otherwise keep the first one's colour.
	var buf bytes.Buffer
	buf.WriteString("/* Code colours (chroma " + lightStyle + " / " + darkStyle + "). */\n")
	buf.WriteString("@media not all and (prefers-color-scheme: dark) {\n")
	if err := highlighter.WriteCSS(&buf, styles.Get(lightStyle)); err != nil {
		return "", err
	}
	buf.WriteString("}\n@media (prefers-color-scheme: dark) {\n")
	if err := highlighter.WriteCSS(&buf, styles.Get(darkStyle)); err != nil {
		return "", err
	}
	buf.WriteString("}\n")
	return buf.String(), nil
}

// balLexer is a chroma lexer for Ballerina built on internal/syntax's
// lexer.
type balLexer struct{}

var balConfig = &chroma.Config{
	Name:      "Ballerina",
	Aliases:   []string{"ballerina", "bal"},
	Filenames: []string{"*.bal"},
	MimeTypes: []string{"text/x-ballerina"},
}

func (balLexer) Config() *chroma.Config                               { return balConfig }
func (l balLexer) SetRegistry(*chroma.LexerRegistry) chroma.Lexer     { return l }
func (l balLexer) SetAnalyser(func(text string) float32) chroma.Lexer { return l }
func (balLexer) AnalyseText(string) float32                           { return 0 }
func (balLexer) Tokenise(_ *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	return chroma.Literator(balTokens(text)...), nil
}

// balTokens converts the syntax lexer's tokens (which cover every byte of
// the input) into chroma tokens.
func balTokens(text string) []chroma.Token {
	src := []byte(text)
	toks, _ := syntax.Tokenize("", src)
	out := make([]chroma.Token, 0, len(toks))
	prev := syntax.EOF // the previous token that is not trivia
	for i, t := range toks {
		if t.Kind == syntax.EOF {
			break
		}
		tt := balTokenType(t.Kind)
		if t.Kind == syntax.Ident {
			switch {
			case prev == syntax.At:
				tt = chroma.NameDecorator
			case prev == syntax.KwFunction:
				tt = chroma.NameFunction
			case prev == syntax.KwType || prev == syntax.KwClass || prev == syntax.KwEnum:
				tt = chroma.NameClass
			case nextSignificant(toks, i) == syntax.LParen:
				tt = chroma.NameFunction
			case nextSignificant(toks, i) == syntax.Colon && prev != syntax.Question:
				tt = chroma.NameNamespace
			}
		}
		out = append(out, chroma.Token{Type: tt, Value: t.Text(src)})
		if !t.Kind.IsTrivia() {
			prev = t.Kind
		}
	}
	return out
}

// nextSignificant returns the kind of the first token after toks[i] that
// is not trivia.
func nextSignificant(toks []syntax.Token, i int) syntax.Kind {
	for j := i + 1; j < len(toks); j++ {
		if !toks[j].Kind.IsTrivia() {
			return toks[j].Kind
		}
	}
	return syntax.EOF
}

// balTokenType maps a syntax token kind to a chroma token type.
func balTokenType(k syntax.Kind) chroma.TokenType {
	switch k {
	case syntax.Whitespace:
		return chroma.TextWhitespace
	case syntax.Comment:
		return chroma.CommentSingle
	case syntax.DocLine:
		return chroma.CommentSpecial
	case syntax.Ident:
		return chroma.Name
	case syntax.IntLit:
		return chroma.LiteralNumberInteger
	case syntax.FloatLit:
		return chroma.LiteralNumberFloat
	case syntax.StringLit:
		return chroma.LiteralString
	case syntax.TemplateStart, syntax.TemplateText, syntax.TemplateEnd:
		return chroma.LiteralStringBacktick
	case syntax.InterpStart, syntax.InterpEnd:
		return chroma.LiteralStringInterpol
	case syntax.Illegal:
		return chroma.Error
	case syntax.KwInt, syntax.KwFloat, syntax.KwString, syntax.KwBoolean, syntax.KwDecimal, syntax.KwXml,
		syntax.KwJson, syntax.KwHandle, syntax.KwAny, syntax.KwAnydata, syntax.KwNever, syntax.KwByte,
		syntax.KwMap, syntax.KwFuture, syntax.KwTypedesc, syntax.KwTable, syntax.KwError, syntax.KwStream,
		syntax.KwRecord, syntax.KwObject:
		return chroma.KeywordType
	case syntax.KwTrue, syntax.KwFalse, syntax.KwNull:
		return chroma.KeywordConstant
	case syntax.KwImport:
		return chroma.KeywordNamespace
	}
	switch {
	case k.IsKeyword():
		return chroma.Keyword
	case k.IsPunct(), k == syntax.Operator:
		return chroma.Punctuation
	}
	return chroma.Text
}
