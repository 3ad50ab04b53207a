package web

import (
	"bytes"
	"html/template"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Markdown from packages (READMEs, module READMEs, documentation comments)
// is untrusted. It is rendered in three steps:
//
//  1. goldmark turns it into HTML, with GitHub's extensions (tables,
//     strikethrough, autolinks, task lists) and the raw HTML it contains;
//  2. bluemonday's UGC policy keeps only harmless elements and attributes
//     (no script, style, iframe, form, event handler or style attribute;
//     links and images only to http, https, mailto or relative URLs), plus
//     alignment, which READMEs use to centre logos, and the language class
//     of code blocks;
//  3. a pass over the sanitized HTML (rewrite) makes it fit the page:
//     relative links and images point into the bala (Document.FileURL),
//     ids get a "user-content-" prefix so that they cannot clash with the
//     page's own, headings move down under the page's, images get an alt
//     text and lazy loading, tables a scrolling wrapper, and code blocks
//     with a language are highlighted. The highlighting comes after the
//     sanitizer, from the code's text, so the sanitizer never has to allow
//     the highlighter's classes.

// IDPrefix prefixes every id in rendered Markdown, and the fragments of
// links to them, as GitHub does, so that a README cannot clobber the ids
// of the page around it.
const IDPrefix = "user-content-"

// A Document says where a Markdown text comes from.
type Document struct {
	// Dir is the directory the document was written in, relative to the
	// package root ("" for the root; "modules/pkg.sub" for a module's
	// README). Relative links resolve against it; links that leave the
	// package are removed.
	Dir string
	// FileURL returns the URL that serves the file at path, a clean
	// slash-separated path relative to the package root. When nil,
	// relative links and images are removed (their text stays).
	FileURL func(path string) string
	// HeadingShift moves every heading down by that many levels (with 1,
	// h1 becomes h2), never below h6, so that the document's headings
	// nest under the page's.
	HeadingShift int
}

// Markdown renders untrusted Markdown to safe HTML. It is safe for
// concurrent use.
type Markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewMarkdown returns a renderer.
func NewMarkdown() *Markdown {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// Raw HTML goes through to the sanitizer, which decides.
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|right|center|justify)$`)).
		OnElements("p", "div", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)).OnElements("code")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	return &Markdown{md: md, policy: p}
}

// Render renders src as HTML safe to embed in a page. It never fails: text
// goldmark cannot convert (it accepts any input) is shown escaped.
func (m *Markdown) Render(src string, doc Document) template.HTML {
	var raw bytes.Buffer
	if err := m.md.Convert([]byte(src), &raw); err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")
	}
	clean := m.policy.SanitizeBytes(raw.Bytes())
	out, ok := balance(rewrite(clean, doc))
	if !ok {
		return template.HTML(`<pre class="markdown-source">` + template.HTMLEscapeString(src) + "</pre>")
	}
	return template.HTML(out)
}

// maxDepth is how deeply rendered Markdown may nest elements; deeper
// elements are replaced by their text. Real documents nest a dozen
// levels; browsers' parsers give up far below what hostile input reaches.
const maxDepth = 64

// balance parses rendered HTML as the content of a <div> and renders it
// again, so that it is well-formed: a stray end tag cannot close the
// page's own elements, an unclosed one cannot swallow them, and nesting
// is bounded by maxDepth. It reports false for HTML that a standard parser
// refuses (it nests too deeply to parse at all); Render then shows the
// Markdown source as text.
func balance(s string) (string, bool) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return "", false
	}
	var out strings.Builder
	out.Grow(len(s))
	for _, n := range nodes {
		flattenBelow(n, 1)
		if err := html.Render(&out, n); err != nil {
			return "", false
		}
	}
	return out.String(), true
}

// flattenBelow replaces the element children of n that are deeper than
// maxDepth by their text.
func flattenBelow(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if depth >= maxDepth {
			text := &html.Node{Type: html.TextNode, Data: nodeText(c)}
			n.InsertBefore(text, c)
			n.RemoveChild(c)
			c = text
			continue
		}
		flattenBelow(c, depth+1)
	}
}

// nodeText is the text content of n.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// rewrite is step 3 of the rendering, over sanitized HTML.
func rewrite(src []byte, doc Document) string {
	var out strings.Builder
	out.Grow(len(src) + len(src)/8)
	z := html.NewTokenizer(bytes.NewReader(src))
	var (
		pendingPre []byte // a <pre> start tag not yet written: a code block may follow
		code       *codeBlock
		tables     int       // open <table> elements, for the wrappers
		seen       = idSet{} // the ids given so far
	)
	flushPre := func() {
		if pendingPre != nil {
			out.Write(pendingPre)
			pendingPre = nil
		}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if code != nil {
			if tt == html.TextToken {
				code.text.WriteString(string(z.Text()))
				continue
			}
			if tt == html.EndTagToken && tagName(z) == "code" {
				out.WriteString(code.highlighted())
				out.WriteString("</code>")
				code = nil
				continue
			}
			// Markup inside the code: give up highlighting it.
			out.WriteString(template.HTMLEscapeString(code.text.String()))
			code = nil
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if pendingPre != nil {
				if lang, ok := codeLanguage(tok); ok && tt == html.StartTagToken {
					pendingPre = nil
					out.WriteString(`<pre class="chroma"><code class="language-` + template.HTMLEscapeString(lang) + `">`)
					code = &codeBlock{lang: lang}
					continue
				}
				flushPre()
			}
			rewriteTag(&tok, doc, seen)
			switch tok.Data {
			case "pre":
				if tt == html.StartTagToken {
					pendingPre = []byte(tok.String())
					continue
				}
			case "table":
				if tt == html.StartTagToken {
					tables++
					out.WriteString(`<div class="table-wrap">`)
				}
			}
			out.WriteString(tok.String())
		case html.EndTagToken:
			flushPre()
			tok := z.Token()
			if n, ok := headingLevel(tok.Data); ok {
				tok.Data = shiftedHeading(n, doc.HeadingShift)
			}
			out.WriteString(tok.String())
			if tok.Data == "table" && tables > 0 {
				tables--
				out.WriteString(`</div>`)
			}
		default:
			flushPre()
			out.Write(z.Raw())
		}
	}
	flushPre()
	if code != nil {
		out.WriteString(template.HTMLEscapeString(code.text.String()))
	}
	for ; tables > 0; tables-- {
		out.WriteString(`</div>`)
	}
	return out.String()
}

// codeBlock is a fenced code block being collected for highlighting.
type codeBlock struct {
	lang string
	text strings.Builder
}

// highlighted returns the block's content as highlighted spans, or
// escaped text when the language is unknown.
func (c *codeBlock) highlighted() string {
	if inner, ok := highlightInner(c.lang, c.text.String()); ok {
		return inner
	}
	return template.HTMLEscapeString(c.text.String())
}

// tagName is the lower-case name of the tag z just read.
func tagName(z *html.Tokenizer) string {
	name, _ := z.TagName()
	return string(name)
}

// codeLanguage reports whether tok is <code class="language-X"> and
// returns X.
func codeLanguage(tok html.Token) (string, bool) {
	if tok.Data != "code" {
		return "", false
	}
	for _, a := range tok.Attr {
		if a.Key == "class" {
			if lang, ok := strings.CutPrefix(a.Val, "language-"); ok && lang != "" {
				return lang, true
			}
		}
	}
	return "", false
}

// idSet counts the ids of a document, to make them unique: goldmark's
// heading ids do not know those of raw HTML.
type idSet map[string]int

// unique returns id, or id-n when id was given before.
func (s idSet) unique(id string) string {
	n := s[id]
	s[id] = n + 1
	if n == 0 {
		return id
	}
	return s.unique(id + "-" + strconv.Itoa(n))
}

// rewriteTag adapts one sanitized start tag to the page.
func rewriteTag(tok *html.Token, doc Document, ids idSet) {
	if n, ok := headingLevel(tok.Data); ok {
		tok.Data = shiftedHeading(n, doc.HeadingShift)
	}
	attrs := tok.Attr[:0]
	hasAlt, hasDisabled := false, false
	for _, a := range tok.Attr {
		switch {
		case a.Key == "disabled":
			hasDisabled = true
		case a.Key == "id":
			a.Val = ids.unique(IDPrefix + a.Val)
		case a.Key == "href" && tok.Data == "a", a.Key == "src" && tok.Data == "img":
			v, ok := resolveLink(a.Val, doc)
			if !ok {
				continue
			}
			a.Val = v
		case a.Key == "alt":
			hasAlt = true
		}
		attrs = append(attrs, a)
	}
	tok.Attr = attrs
	switch tok.Data {
	case "img":
		if !hasAlt {
			// An image the author gave no text is decoration to a screen
			// reader, which then skips it instead of reading its URL.
			tok.Attr = append(tok.Attr, html.Attribute{Key: "alt", Val: ""})
		}
		tok.Attr = append(tok.Attr, html.Attribute{Key: "loading", Val: "lazy"})
	case "input":
		if !hasDisabled {
			tok.Attr = append(tok.Attr, html.Attribute{Key: "disabled", Val: ""})
		}
	}
}

// resolveLink rewrites a sanitized link or image URL: fragments get the id
// prefix, relative paths become doc.FileURL of the file inside the
// package, absolute URLs stay. It reports false for a URL to remove: one
// that leaves the package, or any relative one without doc.FileURL.
func resolveLink(raw string, doc Document) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	if u.Scheme != "" || u.Host != "" {
		return raw, true
	}
	if u.Path == "" {
		if u.Fragment != "" {
			return "#" + IDPrefix + url.PathEscape(u.Fragment), true
		}
		return "", false
	}
	if doc.FileURL == nil {
		return "", false
	}
	var p string
	if strings.HasPrefix(u.Path, "/") {
		// On code hosts, a path from the root is from the repository's
		// root: the package's here.
		p = path.Clean(strings.TrimLeft(u.Path, "/"))
	} else {
		p = path.Join(doc.Dir, u.Path)
	}
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return doc.FileURL(p), true
}

// headingLevel returns n for "hn", 1 ≤ n ≤ 6.
func headingLevel(tag string) (int, bool) {
	if len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6' {
		return int(tag[1] - '0'), true
	}
	return 0, false
}

// shiftedHeading is the tag of a level-n heading moved down by shift.
func shiftedHeading(n, shift int) string {
	n = min(max(n+shift, 1), 6)
	return "h" + string(rune('0'+n))
}

// Inline Markdown that summaries carry (a README's first line): images,
// links and emphasis markers.
var (
	inlineImage = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	inlineLink  = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	inlineMarks = strings.NewReplacer("**", "", "__", "", "`", "", "~~", "")
)

// PlainText returns a one-line summary written in Markdown as plain text:
// images and links become their text, emphasis and code markers go, runs
// of spaces become one. The result is text for an HTML template to
// escape, not HTML.
func PlainText(s string) string {
	s = inlineImage.ReplaceAllString(s, "$1")
	s = inlineLink.ReplaceAllString(s, "$1")
	s = inlineMarks.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
