package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// fileURL is the Document.FileURL of the tests.
func fileURL(p string) string { return "/acme/pkg/1.0.0/files/" + p }

// checkSafeHTML fails when rendered Markdown holds anything that could run
// code or restyle the page: scripts, styles, frames, forms, event handler
// or style attributes, or URLs with a scheme other than http, https and
// mailto.
func checkSafeHTML(t *testing.T, out template.HTML) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(string(out)), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	ids := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				if ids[id] {
					t.Errorf("output has the id %q twice:\n%s", id, out)
				}
				ids[id] = true
			}
			switch n.Data {
			case "script", "style", "iframe", "object", "embed", "form", "link", "meta", "base", "svg", "math", "textarea", "button", "select":
				t.Errorf("output has a <%s> element:\n%s", n.Data, out)
			case "input":
				if attr(n, "type") != "checkbox" || !hasAttr(n, "disabled") {
					t.Errorf("output has an input that is not a disabled checkbox:\n%s", out)
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "srcset", k == "formaction":
					t.Errorf("output has the attribute %s=%q:\n%s", a.Key, a.Val, out)
				case k == "href" || k == "src":
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if i := strings.IndexByte(v, ':'); i >= 0 && !strings.ContainsAny(v[:i], "/?#") {
						if s := v[:i]; s != "http" && s != "https" && s != "mailto" {
							t.Errorf("output has the URL %q:\n%s", a.Val, out)
						}
					}
				case k == "id" && !strings.HasPrefix(a.Val, IDPrefix):
					t.Errorf("output has the id %q without the prefix %q", a.Val, IDPrefix)
				case k == "class" && n.Data != "pre" && n.Data != "code" && n.Data != "span" && n.Data != "div":
					t.Errorf("output has class=%q on <%s>", a.Val, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestMarkdownRender(t *testing.T) {
	md := NewMarkdown()
	tests := []struct {
		name    string
		src     string
		doc     Document
		want    []string // substrings of the output
		notWant []string
	}{
		{name: "script tag", src: "hi <script>alert(1)</script> there",
			want: []string{"hi", "there"}, notWant: []string{"<script", "alert(1)"}},
		{name: "javascript link", src: "[click](javascript:alert(1))",
			want: []string{"click"}, notWant: []string{"javascript", "href"}},
		{name: "javascript link in raw HTML", src: `<a href="JaVaScRiPt:alert(1)">x</a>`,
			notWant: []string{"alert", "href"}},
		{name: "event handlers", src: `<img src="https://e.x/a.png" onerror="alert(1)"><p onclick="x()">p</p>`,
			want: []string{`src="https://e.x/a.png"`}, notWant: []string{"onerror", "onclick"}},
		{name: "frames, forms, styles", src: "<iframe src=\"https://e.x\"></iframe><form action=/x><input name=a></form><style>body{display:none}</style><div style=\"position:fixed\">d</div>",
			want: []string{"d"}, notWant: []string{"<iframe", "<form", "<style", "display:none", "position:fixed"}},
		{name: "data and vbscript URLs", src: "![x](data:image/png;base64,AAAA) [y](vbscript:msgbox)",
			notWant: []string{"data:", "vbscript"}},
		{name: "svg with script", src: `<svg><script>alert(1)</script><circle r="1"/></svg>`,
			notWant: []string{"<svg", "<script", "alert"}},
		{name: "relative image resolves into the bala", src: "![logo](images/logo.png)", doc: Document{FileURL: fileURL},
			want: []string{`src="/acme/pkg/1.0.0/files/images/logo.png"`, `alt="logo"`, `loading="lazy"`}},
		{name: "relative image in raw HTML", src: `<p align="center"><img src="./docs/logo.svg" width="120"></p>`, doc: Document{FileURL: fileURL},
			want: []string{`align="center"`, `src="/acme/pkg/1.0.0/files/docs/logo.svg"`, `width="120"`, `alt=""`}},
		{name: "relative link against the document's directory", src: "[guide](guide.md#intro)", doc: Document{Dir: "modules/pkg.sub", FileURL: fileURL},
			want: []string{`href="/acme/pkg/1.0.0/files/modules/pkg.sub/guide.md"`}},
		{name: "root-relative link", src: "[lic](/LICENSE)", doc: Document{Dir: "docs", FileURL: fileURL},
			want: []string{`href="/acme/pkg/1.0.0/files/LICENSE"`}},
		{name: "links leaving the package are removed", src: "[p](../../../etc/passwd) ![i](../x.png)", doc: Document{FileURL: fileURL},
			want: []string{">p</a>"}, notWant: []string{"passwd", "x.png", "href", "src"}},
		{name: "relative links without FileURL are removed", src: "[a](b.md) and [c](https://example.com/c)",
			want: []string{`href="https://example.com/c"`, ">a</a>"}, notWant: []string{"b.md"}},
		{name: "fragments and ids get the prefix", src: "# Usage\n\nSee [usage](#usage).\n\n<a id=\"top\" name=\"top\"></a>",
			want: []string{`id="user-content-usage"`, `href="#user-content-usage"`, `id="user-content-top"`}},
		{name: "headings move down", src: "# One\n## Two\n###### Six", doc: Document{HeadingShift: 1},
			want: []string{"<h2 ", "<h3 ", "<h6 "}, notWant: []string{"<h1", "<h7"}},
		{name: "raw HTML headings move down too", src: "<h1>Big</h1>", doc: Document{HeadingShift: 2},
			want: []string{"<h3>Big</h3>"}},
		{name: "external links are nofollow", src: "<https://example.com>",
			want: []string{`href="https://example.com"`, "nofollow"}},
		{name: "mailto", src: "[mail](mailto:a@example.com)", want: []string{`href="mailto:a@example.com"`}},
		{name: "GFM table with alignment", src: "| a | b |\n|:-:|--:|\n| 1 | 2 |",
			want: []string{`<div class="table-wrap"><table>`, `<th align="center">a</th>`, `<td align="right">2</td>`, "</table></div>"}},
		{name: "strikethrough and autolink", src: "~~old~~ www.example.com",
			want: []string{"<del>old</del>", `href="http://www.example.com"`}},
		{name: "task list", src: "- [x] done\n- [ ] todo",
			want: []string{`type="checkbox"`, "disabled"}},
		{name: "ballerina code is highlighted", src: "```ballerina\npublic function main() {\n    string s = `x ${y}`;\n}\n```",
			want: []string{`<pre class="chroma"><code class="language-ballerina">`, `<span class="k">public</span>`, `<span class="nf">main</span>`, `<span class="kt">string</span>`}},
		{name: "code is text, never markup", src: "```html\n<script>alert(1)</script>\n```",
			want: []string{"&lt;", "script"}, notWant: []string{"<script"}},
		{name: "code without a language is plain", src: "```\n<b>x</b>\n```",
			want: []string{"<pre><code>&lt;b&gt;x&lt;/b&gt;"}},
		{name: "unknown language is plain", src: "```nosuchlanguage\na < b\n```",
			want: []string{`class="language-nosuchlanguage"`, "a &lt; b"}},
		{name: "markup inside a code block gives up highlighting", src: `<pre><code class="language-go"><b>x</b> y</code></pre>`,
			want: []string{"<b>x</b>", "y"}},
		{name: "unclosed tags are closed", src: "<div><table><tr><td>cell",
			want: []string{"cell"}},
		{name: "stray end tags cannot close the page's elements", src: "</div></article></main>\n\n<b>bold\n\ntext",
			want: []string{"<b>bold", "</b>"}, notWant: []string{"</div>", "</article>", "</main>"}},
		{name: "duplicate ids are made unique", src: "<h1 id=\"main\">a</h1>\n\n# main\n\n# main",
			want: []string{`id="user-content-main"`, `id="user-content-main-1"`}},
		{name: "invalid UTF-8 and NUL", src: "a\xff\xfe b\x00c",
			want: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := md.Render(tt.src, tt.doc)
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(string(out), w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			checkSafeHTML(t, out)
		})
	}
}

func TestMarkdownHugeTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("|" + strings.Repeat(" h |", 20) + "\n|" + strings.Repeat("---|", 20) + "\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "|%s\n", strings.Repeat(fmt.Sprintf(" c%d |", i), 20))
	}
	out := NewMarkdown().Render(b.String(), Document{})
	if got := strings.Count(string(out), "<tr>"); got != 3001 {
		t.Errorf("%d rows rendered, want 3001", got)
	}
	if !strings.HasPrefix(string(out), `<div class="table-wrap"><table>`) {
		t.Errorf("the table is not wrapped for scrolling: %.80s", out)
	}
}

func TestMarkdownDeepNesting(t *testing.T) {
	md := NewMarkdown()
	for name, src := range map[string]string{
		"divs":         strings.Repeat("<div>", 300) + "deep" + strings.Repeat("</div>", 300),
		"quotes":       strings.Repeat("> ", 1000) + "deep",
		"lists":        strings.Repeat("- ", 1000) + "deep",
		"parser limit": strings.Repeat("<div>", 2000) + "deep",
	} {
		out := md.Render(src, Document{})
		if !strings.Contains(string(out), "deep") {
			t.Errorf("%s: the text is lost: %.200s", name, out)
		}
		nodes, err := html.ParseFragment(strings.NewReader(string(out)), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var depth func(n *html.Node) int
		depth = func(n *html.Node) int {
			d := 0
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				d = max(d, depth(c))
			}
			if n.Type == html.ElementNode {
				d++
			}
			return d
		}
		for _, n := range nodes {
			if d := depth(n); d > maxDepth {
				t.Errorf("%s: nesting depth %d, want at most %d", name, d, maxDepth)
			}
		}
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"A **greeting** library with `code`.":          "A greeting library with code.",
		"See [the docs](https://x.y) and ![b](b.png)!": "See the docs and b!",
		"  spaced \n\t out  ":                          "spaced out",
		"<script>x</script>":                           "<script>x</script>", // text: the template escapes it
	} {
		if got := PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzMarkdown checks that no input yields unsafe HTML.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# h\n\n<script>x</script>", "[a](javascript:x)", "<img src=x onerror=y>", "```bal\n`${`\n```",
		"<a href=\"&#106;avascript:x\">a</a>", "<<svg/onload=x>", "| a |\n|---|\n| <b onclick=x>b</b> |",
		"<details><summary>s</summary><img src=\"a.png\"></details>", "<pre><code class=\"language-go\">x",
	} {
		f.Add(s)
	}
	md := NewMarkdown()
	f.Fuzz(func(t *testing.T, s string) {
		checkSafeHTML(t, md.Render(s, Document{FileURL: fileURL, HeadingShift: 1}))
	})
}
