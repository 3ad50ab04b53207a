package registry

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
)

// balaWith is testBala with package.json edited by edit (when not nil)
// and the entries of files added, replacing entries of the same name.
func balaWith(t testing.TB, spec balaSpec, edit func(*bala.PackageJSON), files map[string]string) []byte {
	t.Helper()
	raw := testBala(t, spec)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var entries []bala.Entry
	for _, f := range zr.File {
		if _, replaced := files[f.Name]; replaced {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == bala.PackageJSONFile && edit != nil {
			pj, err := bala.ReadPackageJSON(f.Name, data)
			if err != nil {
				t.Fatal(err)
			}
			edit(pj)
			if data, err = bala.MarshalPackageJSON(pj); err != nil {
				t.Fatal(err)
			}
		}
		entries = append(entries, bala.Entry{Name: f.Name, Data: data})
	}
	for name, data := range files {
		entries = append(entries, bala.Entry{Name: name, Data: []byte(data)})
	}
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mustPush pushes a bala and requires 204.
func (e *testEnv) mustPush(token string, b []byte) {
	e.t.Helper()
	resp := e.push(token, b, "pkg.bala")
	if body := readBody(e.t, resp); resp.StatusCode != http.StatusNoContent {
		e.t.Fatalf("push: status %d, want 204; body %s", resp.StatusCode, body)
	}
}

// get GETs a path with optional headers and returns the status and body.
func (e *testEnv) get(path string, headers ...string) (int, string, http.Header) {
	e.t.Helper()
	resp := e.request(http.MethodGet, path, nil, headers...)
	body := readBody(e.t, resp)
	return resp.StatusCode, body, resp.Header
}

// page GETs a page, requires status and an HTML page that passes
// checkPage, and returns the body.
func (e *testEnv) page(path string, status int, headers ...string) string {
	e.t.Helper()
	got, body, h := e.get(path, headers...)
	if got != status {
		e.t.Fatalf("GET %s: status %d, want %d; body:\n%s", path, got, status, body)
	}
	if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		e.t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	checkPage(e.t, path, body)
	return body
}

// checkPage checks what every page must be: parseable HTML with the
// landmarks (header, nav, main, footer), one h1, headings that never skip
// a level going down, a label for every input, an alt text for every
// image, unique ids, and nothing the Content-Security-Policy would block
// (inline scripts, style attributes or elements).
func checkPage(t testing.TB, path, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	count := map[string]int{}
	ids := map[string]bool{}
	labels := map[string]bool{}
	var inputs []*html.Node
	last := 0
	walkHTML(doc, func(n *html.Node) {
		count[n.Data]++
		if id := attrOf(n, "id"); id != "" {
			if ids[id] {
				t.Errorf("%s: duplicate id %q", path, id)
			}
			ids[id] = true
		}
		switch n.Data {
		case "h1", "h2", "h3", "h4", "h5", "h6":
			level := int(n.Data[1] - '0')
			if level > last+1 {
				t.Errorf("%s: <%s> %q follows h%d", path, n.Data, textOf(n), last)
			}
			last = level
		case "label":
			labels[attrOf(n, "for")] = true
		case "input", "select", "textarea":
			if typ := attrOf(n, "type"); typ != "hidden" && typ != "submit" && typ != "checkbox" {
				inputs = append(inputs, n)
			}
		case "img":
			if !hasAttrOf(n, "alt") {
				t.Errorf("%s: <img src=%q> without alt", path, attrOf(n, "src"))
			}
		case "script":
			if attrOf(n, "src") == "" || n.FirstChild != nil {
				t.Errorf("%s: inline script", path)
			}
		case "style":
			t.Errorf("%s: <style> element", path)
		}
		for _, a := range n.Attr {
			if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s: attribute %s on <%s>", path, a.Key, n.Data)
			}
		}
	})
	for _, in := range inputs {
		if !labels[attrOf(in, "id")] && attrOf(in, "aria-label") == "" {
			t.Errorf("%s: <%s name=%q> has no label", path, in.Data, attrOf(in, "name"))
		}
	}
	for _, tag := range []string{"header", "nav", "main", "footer"} {
		if count[tag] == 0 {
			t.Errorf("%s: no <%s>", path, tag)
		}
	}
	if count["h1"] != 1 {
		t.Errorf("%s: %d h1 elements, want 1", path, count["h1"])
	}
	return doc
}

func walkHTML(n *html.Node, fn func(*html.Node)) {
	if n.Type == html.ElementNode {
		fn(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkHTML(c, fn)
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttrOf(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

func textOf(n *html.Node) string {
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
	return strings.Join(strings.Fields(b.String()), " ")
}

// section returns the text of the element with the given id in a page.
func section(t testing.TB, body, id string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	walkHTML(doc, func(n *html.Node) {
		if found == nil && attrOf(n, "id") == id {
			found = n
		}
	})
	if found == nil {
		t.Fatalf("no element with id %q", id)
	}
	return textOf(found)
}

// packageLinks returns the "org/name" of every package card of a page's
// lists, in order.
func packageLinks(t testing.TB, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	walkHTML(doc, func(n *html.Node) {
		if n.Data == "a" && attrOf(n, "class") == "pkg-name" {
			out = append(out, strings.TrimPrefix(attrOf(n, "href"), "/"))
		}
	})
	return out
}

func TestWebPages(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	e.mustPush(tok, balaWith(t, balaSpec{Org: "acme", Name: "hello", Version: "1.0.0", Keywords: []string{"greeting"}, Modules: []string{"util"},
		Readme: "# Hello\n\nSays **hello**.\n\n## Usage\n\n```ballerina\nimport acme/hello;\n```\n"},
		func(pj *bala.PackageJSON) { pj.SourceRepository = "https://github.com/acme/hello" }, nil))
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "hello", Version: "1.1.0-beta.1"}))
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "app", Version: "0.1.0", Deps: [][3]string{{"acme", "hello", "1.0.0"}}}))

	for _, p := range []string{"/", "/search", "/search?q=hello", "/acme", "/acme/hello", "/acme/hello/1.0.0", "/acme/hello/1.1.0-beta.1",
		"/acme/hello/versions", "/acme/hello/1.0.0/api/hello", "/acme/hello/1.0.0/api/hello.util"} {
		e.page(p, http.StatusOK)
	}

	pkg := e.page("/acme/hello", http.StatusOK)
	for _, want := range []string{
		"<title>acme/hello 1.0.0 · Ballerina Central</title>",
		`<h2 id="user-content-hello">Hello</h2>`, // the README, its headings under the page's h1
		`<span class="kn">import</span>`,         // highlighted
		"import acme/hello;",
		"[[dependency]]\norg = &#34;acme&#34;\nname = &#34;hello&#34;\nversion = &#34;1.0.0&#34;",
		`<a href="https://github.com/acme/hello" rel="nofollow noopener">`,
		`<a class="keyword" href="/search?keyword=greeting">greeting</a>`,
		`<a href="/acme/hello/1.0.0/api/hello.util">hello.util</a>`,
		`<span class="badge badge-latest">Latest</span>`,
		`<span class="badge badge-pre">Pre-release</span>`,
	} {
		if !strings.Contains(pkg, want) {
			t.Errorf("package page lacks %q", want)
		}
	}
	if got := section(t, pkg, "dependents"); !strings.Contains(got, "acme/app 0.1.0") {
		t.Errorf("dependents = %q, want acme/app", got)
	}
	if got := section(t, pkg, "dependencies"); !strings.Contains(got, "No dependencies") {
		t.Errorf("dependencies = %q", got)
	}
	app := e.page("/acme/app/0.1.0", http.StatusOK)
	if got := section(t, app, "dependencies"); !strings.Contains(got, "acme/hello 1.0.0") {
		t.Errorf("dependencies of app = %q", got)
	}
	if !strings.Contains(app, `<a href="/acme/hello/1.0.0">acme/hello</a>`) {
		t.Error("the dependency is not linked")
	}
	if beta := e.page("/acme/hello/1.1.0-beta.1", http.StatusOK); strings.Contains(beta, `<span class="badge badge-latest">Latest</span> <span`) ||
		!strings.Contains(beta, "Version <strong>1.1.0-beta.1</strong></span> <span class=\"badge badge-pre\">") {
		t.Error("the pre-release page is marked latest or not pre-release")
	}

	// Organization and search lists.
	if got := packageLinks(t, e.page("/acme", http.StatusOK)); !slices.Equal(got, []string{"acme/app", "acme/hello"}) {
		t.Errorf("org page lists %q", got)
	}
	if got := packageLinks(t, e.page("/search?q=hello", http.StatusOK)); !slices.Equal(got, []string{"acme/hello"}) {
		t.Errorf("search lists %q", got)
	}
	if got := packageLinks(t, e.page("/search?keyword=GREETING", http.StatusOK)); !slices.Equal(got, []string{"acme/hello"}) {
		t.Errorf("keyword search lists %q", got)
	}
	if got := packageLinks(t, e.page("/search?org=nobody", http.StatusOK)); len(got) != 0 {
		t.Errorf("search in an unknown org lists %q", got)
	}

	// Not found, same page for everything.
	_, missing, _ := e.get("/acme/nothing")
	for _, p := range []string{"/acme/nothing/1.0.0", "/acme/hello/9.9.9", "/acme/hello/1.0.0/api/nothing", "/acme/hello/not-a-version",
		"/nobody", "/Not-An-Org", "/acme/hello/1.0.0/files/nothing.png", "/acme/hello/1.0.0/more/segments", "/acme/nothing/versions", "/api"} {
		body := e.page(p, http.StatusNotFound)
		if body != missing {
			t.Errorf("GET %s: the not-found page differs from that of a missing package", p)
		}
	}
}

// TestWebPrivatePackages checks that a private package is visible to the
// members of its org only, and that everyone else gets, on every page, the
// not-found page of a missing package and lists without it.
func TestWebPrivatePackages(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	bob := e.user("bob", false)
	e.org("acme", alice, nil)
	e.org("bobs", bob, nil)
	tok := e.token(alice)
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "base", Version: "1.0.0", Keywords: []string{"kw"}}))
	e.mustPush(tok, balaWith(t, balaSpec{Org: "acme", Name: "secret", Version: "1.0.0", Visibility: "private", Keywords: []string{"kw"},
		Deps: [][3]string{{"acme", "base", "1.0.0"}}, Readme: "# Secret\n\n![img](images/a.png)\n"}, nil, map[string]string{"images/a.png": "PNG"}))
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "open", Version: "1.0.0", Deps: [][3]string{{"acme", "base", "1.0.0"}}}))

	pages := []string{"/acme/secret", "/acme/secret/1.0.0", "/acme/secret/versions", "/acme/secret/1.0.0/api/secret",
		"/acme/secret/1.0.0/files/images/a.png", "/acme/secret/1.0.0/files/docs/README.md"}
	lists := []string{"/", "/search", "/search?q=secret", "/search?keyword=kw", "/search?sort=recent", "/search?sort=downloads", "/acme"}
	bobTok := e.token(bob)
	bobReadless := e.token(alice, ScopePublish) // a member, but the token cannot read
	aliceSession := newBrowser(t, e)
	aliceSession.signIn("alice")
	bobSession := newBrowser(t, e)
	bobSession.signIn("bob")

	type viewer struct {
		name    string
		headers []string
		browser *browser
		member  bool
	}
	for _, v := range []viewer{
		{name: "visitor"},
		{name: "non-member token", headers: []string{"Authorization", "Bearer " + bobTok}},
		{name: "member token without read", headers: []string{"Authorization", "Bearer " + bobReadless}},
		{name: "non-member session", browser: bobSession},
		{name: "member token", headers: []string{"Authorization", "Bearer " + tok}, member: true},
		{name: "member session", browser: aliceSession, member: true},
	} {
		t.Run(v.name, func(t *testing.T) {
			get := func(p string) (int, string) {
				if v.browser != nil {
					resp := v.browser.get(p)
					return resp.StatusCode, readBody(t, resp)
				}
				status, body, _ := e.get(p, v.headers...)
				return status, body
			}
			_, missing := get("/acme/missing")
			for _, p := range pages {
				status, body := get(p)
				switch {
				case v.member && status != http.StatusOK:
					t.Errorf("GET %s: status %d, want 200", p, status)
				case !v.member && (status != http.StatusNotFound || body != missing):
					t.Errorf("GET %s: status %d, want 404 with the body of a missing package", p, status)
				}
			}
			for _, p := range lists {
				_, body := get(p)
				if got := slices.Contains(packageLinks(t, body), "acme/secret"); got != v.member {
					t.Errorf("GET %s lists acme/secret: %v, want %v", p, got, v.member)
				}
			}
			_, base := get("/acme/base")
			dependents := section(t, base, "dependents")
			if got := strings.Contains(dependents, "acme/secret"); got != v.member || !strings.Contains(dependents, "acme/open") {
				t.Errorf("dependents of acme/base = %q; want acme/open, and acme/secret only for members", dependents)
			}
			if v.member {
				_, body := get("/acme/secret")
				if !strings.Contains(body, `<span class="badge badge-private">Private</span>`) {
					t.Error("the private package is not marked private")
				}
			}
		})
	}
	// The header shows who is signed in.
	home := aliceSession.page("/")
	if !strings.Contains(home, `<li class="user-name" title="Signed in">alice</li>`) || !strings.Contains(home, `action="/logout"`) ||
		csrfFrom(t, home) == "" || strings.Contains(home, `href="/login"`) {
		t.Error("the header of a signed-in user lacks the name, the sign-out form with its CSRF token, or still offers to sign in")
	}
}

// TestWebHostileReadmes checks that READMEs with scripts, event handlers,
// javascript: links, raw HTML and huge tables render sanitized, without
// error.
func TestWebHostileReadmes(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	var table strings.Builder
	table.WriteString("| a | b | c |\n|---|---|---|\n")
	for i := range 5000 {
		fmt.Fprintf(&table, "| %d | <b>x</b> | [l](javascript:alert(%d)) |\n", i, i)
	}
	readmes := map[string]string{
		"scripts": "# Title\n\n<script>document.cookie</script>\n<img src=x onerror=\"alert(1)\">\n<a href=\"javascript:alert(1)\">j</a>\n" +
			"[md](javascript:alert(2)) <iframe src=\"https://evil.example\"></iframe><style>*{display:none}</style>" +
			"<form action=\"/logout\" method=\"post\"><button>x</button></form><div style=\"position:fixed;top:0\">over</div>\n",
		"table": table.String(),
		"unclosed": "<div><table><tr><td><details><summary>s" + strings.Repeat("<div>", 3000) + "\n\n" + strings.Repeat("> ", 500) + "quote\n" +
			strings.Repeat("* ", 300) + "list\n[broken](<>) ![](http://[::1) [x](%zz)\n",
		"headings": "<h1 id=\"main\">Clobber</h1>\n\n# main\n\n<a name=\"readme\" id=\"readme\">x</a>\n",
	}
	for name, readme := range readmes {
		e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: name, Version: "1.0.0", Readme: readme}))
		body := e.page("/acme/"+name, http.StatusOK)
		readmeHTML := body[strings.Index(body, `<article id="readme"`):strings.Index(body, "</article>")]
		for _, bad := range []string{"<script>document", "onerror", `href="javascript:`, "<iframe", "<style>", "display:none", `action="/logout"`, "position:fixed"} {
			if strings.Contains(readmeHTML, bad) {
				t.Errorf("%s: the README holds %q", name, bad)
			}
		}
		if name == "table" {
			if got := strings.Count(readmeHTML, "<tr>"); got != 5001 {
				t.Errorf("table: %d rows, want 5001", got)
			}
		}
	}
}

// TestWebReadmeFiles checks that relative images and links of a README are
// served from inside the bala, with content types that never run code.
func TestWebReadmeFiles(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 16)
	e.mustPush(tok, balaWith(t, balaSpec{Org: "acme", Name: "pics", Version: "1.0.0",
		Readme: "# Pics\n\n![logo](images/logo.png)\n<img src=\"docs/icon.png\">\n[guide](guide.html) [vector](art/a.svg) [lib](lib/x.bin)\n"},
		func(pj *bala.PackageJSON) { pj.Icon = "docs/icon.png" },
		map[string]string{
			"images/logo.png": png,
			"docs/icon.png":   png,
			"guide.html":      "<script>alert(document.cookie)</script>",
			"art/a.svg":       `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`,
			"lib/x.bin":       "\x00\x01\x02\xff",
		}))
	body := e.page("/acme/pics", http.StatusOK)
	for _, want := range []string{
		`<img src="/acme/pics/1.0.0/files/images/logo.png" alt="logo" loading="lazy"/>`,
		`<img src="/acme/pics/1.0.0/files/docs/icon.png" alt="" loading="lazy"/>`,
		`href="/acme/pics/1.0.0/files/guide.html"`,
		`<img class="pkg-icon" src="/acme/pics/1.0.0/files/docs/icon.png" alt=""`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("package page lacks %q", want)
		}
	}
	tests := []struct {
		path, contentType, body string
		attachment              bool
	}{
		{"images/logo.png", "image/png", png, false},
		{"icon.png", "image/png", png, false}, // beside the README, under docs/
		{"guide.html", "text/plain; charset=utf-8", "<script>alert(document.cookie)</script>", false},
		{"art/a.svg", "image/svg+xml", "", false},
		{"lib/x.bin", "application/octet-stream", "\x00\x01\x02\xff", true},
	}
	for _, tt := range tests {
		status, got, h := e.get("/acme/pics/1.0.0/files/" + tt.path)
		if status != http.StatusOK || h.Get("Content-Type") != tt.contentType || (tt.body != "" && got != tt.body) {
			t.Errorf("%s: status %d, Content-Type %q, body %q; want 200, %q, %q", tt.path, status, h.Get("Content-Type"), got, tt.contentType, tt.body)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: headers %v lack nosniff or the sandbox", tt.path, h)
		}
		if got := strings.HasPrefix(h.Get("Content-Disposition"), "attachment"); got != tt.attachment {
			t.Errorf("%s: Content-Disposition %q", tt.path, h.Get("Content-Disposition"))
		}
	}
	for _, p := range []string{"../../etc/passwd", "images/../images/logo.png", "images//logo.png", "%2e%2e/x"} {
		if status, _, _ := e.get("/acme/pics/1.0.0/files/" + p); status == http.StatusOK {
			t.Errorf("%s: status 200", p)
		}
	}
}

// apiModule is the source of the module documented in TestWebAPIDocs.
const apiModule = `# Greets someone.
#
# + name - who to greet
# + return - the greeting
public function greet(string name) returns string => "hi " + name;

# Old.
# # Deprecated
# Use greet.
@deprecated
public function hello() {}

# A client.
public client class Client {
    public final string url = "";
    # Gets a value.
    # + path - where
    # + return - the value
    remote function get(string path) returns json|error => {};
}

# A pair.
# + a - the first
# + b - the second
public type Pair record {| int a; string b = "x"; |};

public const VERSION = "1.0";
`

func TestWebAPIDocs(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	e.mustPush(tok, balaWith(t, balaSpec{Org: "acme", Name: "greeter", Version: "2.0.0", Modules: []string{"extra"}}, nil, map[string]string{
		"modules/greeter/greeter.bal":          apiModule,
		"modules/greeter/tests/test.bal":       "public function testOnly() {}\n",
		"modules/greeter.extra/extra.bal":      "public function helper( {\n", // does not parse
		"docs/modules/greeter.extra/README.md": "# Extra\n\nHelpers. ![d](diagram.png)\n",
		"modules/greeter.extra/diagram.png":    "\x89PNG",
	}))
	body := e.page("/acme/greeter/2.0.0/api/greeter", http.StatusOK)
	for _, want := range []string{
		"import acme/greeter;",
		`<article class="api-item" id="function-greet"><h3>greet</h3>`,
		`<span class="nf">greet</span>`,
		"<p>Greets someone.</p>",
		"who to greet",
		"<strong>Returns</strong> <code>string</code>",
		`<a href="#function-hello" class="deprecated">hello</a>`,
		"Use greet.",
		`id="class-Client"`, `<h4>get</h4>`, "<code>json|error</code>",
		`id="record-Pair"`, "the second", "<code>&#34;x&#34;</code>",
		`id="const-VERSION"`,
		`<a href="/acme/greeter/2.0.0/api/greeter.extra">greeter.extra</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("API docs lack %q", want)
		}
	}
	if strings.Contains(body, "testOnly") {
		t.Error("API docs list a test function")
	}
	extra := e.page("/acme/greeter/2.0.0/api/greeter.extra", http.StatusOK)
	for _, want := range []string{"Helpers.", `src="/acme/greeter/2.0.0/files/modules/greeter.extra/diagram.png"`, "could not be read completely", "extra.bal:1:"} {
		if !strings.Contains(extra, want) {
			t.Errorf("the page of a module that does not parse lacks %q", want)
		}
	}
	if status, _, _ := e.get("/acme/greeter/2.0.0/files/modules/greeter.extra/diagram.png"); status != http.StatusOK {
		t.Errorf("the module README's image: status %d", status)
	}
	// Central's apiDocURL form redirects here.
	resp := e.request(http.MethodGet, "/docs/acme/greeter/2.0.0/greeter", nil)
	readBody(t, resp)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/acme/greeter/2.0.0/api/greeter" {
		t.Errorf("/docs/...: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestWebDeprecation checks the deprecation banner and badges.
func TestWebDeprecation(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "old", Version: "1.0.0"}))
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "old", Version: "1.1.0"}))
	resp := e.request(http.MethodPut, centralPrefix+"/packages/deprecate/acme/old/1.1.0", strings.NewReader(`{"message": "use <b>acme/new</b>"}`),
		"Authorization", "Bearer "+tok, "Content-Type", "application/json")
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK {
		t.Fatalf("deprecate: %d %s", resp.StatusCode, body)
	}
	body := e.page("/acme/old/1.1.0", http.StatusOK)
	for _, want := range []string{
		`<div class="banner banner-deprecated" role="note" aria-label="Deprecation notice">`,
		"This version is deprecated.</strong> use &lt;b&gt;acme/new&lt;/b&gt;",
		`The latest version is <a href="/acme/old/1.0.0">1.0.0</a>.`,
		`<span class="badge badge-deprecated" title="use &lt;b&gt;acme/new&lt;/b&gt;">Deprecated</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("deprecated version page lacks %q", want)
		}
	}
	if latest := e.page("/acme/old", http.StatusOK); !strings.Contains(latest, "Version <strong>1.0.0</strong>") || strings.Contains(latest, "banner-deprecated") {
		t.Error("/acme/old does not show 1.0.0, the latest version that is not deprecated, without a banner")
	}
}

// TestWebSearch checks the search page's sorts, filters and pages.
func TestWebSearch(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	e.org("other", alice, nil)
	tok := e.token(alice)
	ctx := context.Background()
	for i := range 25 {
		org := "acme"
		if i%5 == 0 {
			org = "other"
		}
		name := fmt.Sprintf("lib%02d", i)
		kw := []string{"even"}
		if i%2 == 1 {
			kw = []string{"odd"}
		}
		e.mustPush(tok, testBala(t, balaSpec{Org: org, Name: name, Version: "1.0.0", Keywords: kw, Description: "a library"}))
		// Distinct counts from 1 to 25: lib07 has 25, lib14 24, lib21 23, lib03 22.
		if err := e.meta.IncrementPullCount(ctx, org, name, "1.0.0", int64(i*7%25+1)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query string
		want  []string // the first results
		total string
	}{
		{"/search?q=library", []string{"acme/lib01", "acme/lib02"}, "25 packages; showing 1–20"},
		{"/search?q=library&page=2", []string{"other/lib00", "other/lib05", "other/lib10", "other/lib15", "other/lib20"}, "25 packages; showing 21–25"},
		{"/search?sort=recent", []string{"acme/lib24", "acme/lib23", "acme/lib22"}, "25 packages"},
		{"/search?q=lib&sort=downloads", []string{"acme/lib07", "acme/lib14", "acme/lib21", "acme/lib03"}, "25 packages"},
		{"/search?keyword=odd&org=other", []string{"other/lib05", "other/lib15"}, "2 packages"},
		{"/search?q=lib&keyword=ODD&org=other&sort=recent", []string{"other/lib15", "other/lib05"}, "2 packages"},
		{"/search?q=nothing-matches", nil, "No packages found."},
		{"/search?q=library&page=99", nil, "There is no page 99"},
		{"/search?q=" + strings.Repeat("w+", store.MaxSearchWords+1), nil, "use at most 32"},
	}
	for _, tt := range tests {
		body := e.page(tt.query, http.StatusOK)
		got := packageLinks(t, body)
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("%s lists %q, want %q first", tt.query, got, tt.want)
		}
		if !strings.Contains(textOf(mustParse(t, body)), tt.total) {
			t.Errorf("%s does not say %q", tt.query, tt.total)
		}
	}
	first := e.page("/search?q=library&sort=downloads", http.StatusOK)
	if !strings.Contains(first, `<a href="/search?page=2&amp;q=library&amp;sort=downloads" rel="next">`) {
		t.Error("the next page link does not keep the query and the sort")
	}
	if !strings.Contains(first, `<option value="downloads" selected>`) {
		t.Error("the sort is not selected")
	}
	home := e.page("/", http.StatusOK)
	if !strings.Contains(home, "25 packages") {
		t.Error("home does not count the packages")
	}
	if got := packageLinks(t, home); len(got) != 2*homeListLength || got[0] != "acme/lib24" || got[homeListLength] != "acme/lib07" {
		t.Errorf("home lists %q; want the 10 newest from acme/lib24, then the 10 most downloaded from acme/lib07", got)
	}
}

func mustParse(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestWebRoutes checks that the pages' wildcard routes leave the APIs'
// answers alone and answer what they do not serve.
func TestWebRoutes(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	e.mustPush(e.token(alice), testBala(t, balaSpec{Org: "acme", Name: "x", Version: "1.0.0"}))
	if msg := errorMessage(t, e.request(http.MethodGet, centralPrefix+"/nothing/a/b", nil), http.StatusNotFound); !strings.Contains(msg, "route") {
		t.Errorf("unknown Central API path: %q", msg)
	}
	resp := e.request(http.MethodDelete, centralPrefix+"/packages/acme/x/1.0.0", nil)
	if msg := errorMessage(t, resp, http.StatusMethodNotAllowed); !strings.Contains(msg, "GET") || resp.Header.Get("Allow") != "GET" {
		t.Errorf("DELETE on a Central API path: %q, Allow %q", msg, resp.Header.Get("Allow"))
	}
	if msg := errorMessage(t, e.request(http.MethodGet, apiPrefix+"/nothing/here", nil), http.StatusNotFound); !strings.Contains(msg, "management API") {
		t.Errorf("unknown management API path: %q", msg)
	}
	resp = e.request(http.MethodPost, "/acme/x/1.0.0", nil)
	readBody(t, resp)
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST to a page: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp = e.request(http.MethodGet, "/acme/x/", nil)
	readBody(t, resp)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/acme/x" {
		t.Errorf("/acme/x/: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = e.request(http.MethodHead, "/acme/x", nil)
	readBody(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD /acme/x: status %d", resp.StatusCode)
	}
	// Pages carry the security headers.
	_, _, h := e.get("/acme/x")
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("page headers %v", h)
	}
	// Static assets: cached for good under their hash.
	status, css, h := e.get("/static/style.css")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(css, ".chroma") {
		t.Errorf("/static/style.css: %d %q", status, h.Get("Content-Type"))
	}
	home := e.page("/", http.StatusOK)
	i := strings.Index(home, "/static/style.css?v=")
	versioned := home[i : i+len("/static/style.css?v=")+12]
	if _, _, h := e.get(versioned); !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Errorf("%s: Cache-Control %q", versioned, h.Get("Cache-Control"))
	}
	if status, _, _ := e.get("/static/nothing.js"); status != http.StatusNotFound {
		t.Errorf("/static/nothing.js: %d", status)
	}
}

// TestRenderPageErrors checks that a template that fails sends the error
// page with 500, never part of the page.
func TestRenderPageErrors(t *testing.T) {
	e := newTestEnv(t)
	for _, tt := range []struct {
		tmpl string
		data any
	}{
		{"package", 42}, // the template reads fields an int lacks
		{"no-such-template", nil},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		e.srv.renderPage(w, r, http.StatusOK, tt.tmpl, "Title", tt.data)
		body := w.Body.String()
		if w.Code != http.StatusInternalServerError || !strings.Contains(body, "<h1>Something went wrong</h1>") || strings.Contains(body, "pkg-header") {
			t.Errorf("%s: status %d, body:\n%s", tt.tmpl, w.Code, body)
		}
		checkPage(t, tt.tmpl, body)
	}
	if !strings.Contains(e.logs.String(), "rendering a page") {
		t.Error("the template error is not logged")
	}
}

// TestWebCorpus renders every page of packages made to break renderers:
// none may answer 500.
func TestWebCorpus(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	corpus := []struct {
		spec  balaSpec
		edit  func(*bala.PackageJSON)
		files map[string]string
	}{
		{spec: balaSpec{Name: "nulls", Readme: "# \x00 nul \xff\xfe invalid UTF-8 \u202e rtl"}},
		{spec: balaSpec{Name: "nesting", Readme: strings.Repeat("> ", 2000) + "\n" + strings.Repeat("- ", 2000) + "x\n" + strings.Repeat("[", 5000) + strings.Repeat("*a", 5000)}},
		{spec: balaSpec{Name: "links", Readme: "[a](<>) [b]() [c](%) [d](http://[::1) [e](//evil.example/x) [f](\\\\server\\share) ![g](file:///etc/passwd) [h](#)"}},
		{spec: balaSpec{Name: "codes", Readme: "```ballerina\n`${`${`\n```\n```go\n" + strings.Repeat("x", 70000) + "\n```\n```\nunterminated"}},
		{spec: balaSpec{Name: "meta", Keywords: []string{"<script>", "a\"b", ""}, Description: "<b>bold</b> & \"quotes\""},
			edit: func(pj *bala.PackageJSON) {
				pj.SourceRepository = "javascript:alert(1)"
				pj.Authors = []string{"<img src=x onerror=alert(1)>"}
				pj.Icon = "../../../etc/passwd"
			}},
		{spec: balaSpec{Name: "deps", Deps: [][3]string{{"ghost", "missing", "9.9.9"}, {"ballerina", "lang.value", "0.0.0"}}}},
		{spec: balaSpec{Name: "sources", Modules: []string{"a.b", "empty"}}, files: map[string]string{
			"modules/sources/sources.bal":        "\x00\x01 binary garbage \xff",
			"modules/sources.a.b/b.bal":          "public type T " + strings.Repeat("record {", 3000),
			"modules/sources.empty/empty.bal":    "",
			"docs/modules/sources.a.b/README.md": "<script>x</script>",
		}},
		{spec: balaSpec{Name: "prerelease", Version: "1.0.0-alpha.1+build.7"}},
	}
	for i := range corpus {
		c := &corpus[i]
		c.spec.Org = "acme"
		if c.spec.Version == "" {
			c.spec.Version = "1.0.0"
		}
		e.mustPush(tok, balaWith(t, c.spec, c.edit, c.files))
	}
	paths := []string{"/", "/search", "/search?q=a&sort=downloads", "/acme", "/search?keyword=%3Cscript%3E"}
	for _, c := range corpus {
		base := "/acme/" + c.spec.Name
		paths = append(paths, base, base+"/"+c.spec.Version, base+"/versions")
		pv, err := e.meta.Version(context.Background(), "acme", c.spec.Name, c.spec.Version)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pv.Modules {
			paths = append(paths, base+"/"+c.spec.Version+"/api/"+m.Name)
		}
	}
	for _, p := range paths {
		body := e.page(p, http.StatusOK)
		// checkPage has checked the attributes (no event handlers).
		for _, bad := range []string{"<script>", `href="javascript:`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q", p, bad)
			}
		}
	}
	if meta := e.page("/acme/meta", http.StatusOK); strings.Contains(meta, "javascript:alert") || strings.Contains(meta, "pkg-icon") {
		t.Error("the repository link or the icon outside the bala is shown")
	}
	if strings.Contains(e.logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", e.logs.String())
	}
}

// TestWebCatalogSearchMatchesStore checks that the catalog's search (which
// serves the search page from memory) finds what store.Search finds, in
// the same order, for visitors and members.
func TestWebCatalogSearchMatchesStore(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	e.org("zeta", alice, nil)
	tok := e.token(alice)
	specs := []balaSpec{
		{Org: "acme", Name: "http", Keywords: []string{"network", "HTTP/2"}, Description: "An HTTP client and server."},
		{Org: "acme", Name: "httpx", Description: "Extra HTTP helpers."},
		{Org: "acme", Name: "json.data", Keywords: []string{"json"}, Description: "JSON über alles."},
		{Org: "acme", Name: "secret", Visibility: "private", Keywords: []string{"network"}, Description: "A private HTTP thing."},
		{Org: "zeta", Name: "http", Description: "Another http."},
		{Org: "zeta", Name: "old", Description: "Deprecated http."},
		{Org: "zeta", Name: "mixed", Version: "2.0.0", Visibility: "private", Description: "private newer"},
	}
	for _, sp := range specs {
		if sp.Version == "" {
			sp.Version = "1.0.0"
		}
		e.mustPush(tok, testBala(t, sp))
	}
	e.mustPush(tok, testBala(t, balaSpec{Org: "zeta", Name: "mixed", Version: "1.0.0", Description: "public older"}))
	if err := e.meta.SetDeprecated(context.Background(), "zeta", "old", "*", true, "gone"); err != nil {
		t.Fatal(err)
	}
	c := newWebCatalog(e.srv)
	snap, err := c.current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	refs := func(l []store.PackageSummary) []string {
		var out []string
		for _, ps := range l {
			out = append(out, ps.Org+"/"+ps.Name+":"+ps.Version)
		}
		return out
	}
	for _, orgs := range [][]string{nil, {"acme"}, {"acme", "zeta"}} {
		for _, q := range []string{"", "http", "HTTP", "ht", "http client", "json", "über", "UBER", "2", "net", "private", "mixed", "zeta http", "nothing", "  http  ", "json.data", "a.b c"} {
			res, err := e.meta.Search(context.Background(), store.SearchQuery{Text: q, Orgs: orgs})
			if err != nil {
				t.Fatal(err)
			}
			got, total := snap.find(catalogQuery{orgs: orgs, text: q})
			if refs(got) == nil && total != 0 || total != len(got) {
				t.Errorf("search %q: %d results, total %d", q, len(got), total)
			}
			if got, want := refs(got), refs(res.Packages); !slices.Equal(got, want) {
				t.Errorf("search %q as a member of %q: catalog %q, store %q", q, orgs, got, want)
			}
		}
	}
}

// TestWebCatalogFollowsChanges checks that the catalog is rebuilt when a
// version is published or deprecated, and only then.
func TestWebCatalogFollowsChanges(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	tok := e.token(alice)
	ctx := context.Background()
	c := newWebCatalog(e.srv)
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "first", Version: "1.0.0"}))
	first, err := c.current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.current(ctx); again != first {
		t.Error("the catalog was rebuilt without a change")
	}
	// Creating a token appends to the audit log but changes no version.
	resp := e.request(http.MethodPost, apiPrefix+"/tokens", strings.NewReader(`{"name": "ci"}`), "Authorization", "Bearer "+e.token(alice, AllScopes...))
	if body := readBody(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating a token: %d %s", resp.StatusCode, body)
	}
	if again, _ := c.current(ctx); again != first {
		t.Error("the catalog was rebuilt after a token was created")
	}
	e.mustPush(tok, testBala(t, balaSpec{Org: "acme", Name: "second", Version: "1.0.0", Deps: [][3]string{{"acme", "first", "1.0.0"}}}))
	second, err := c.current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := second.find(catalogQuery{}); len(got) != 2 {
		t.Errorf("after a push the catalog lists %d packages, want 2", len(got))
	}
	if got := second.dependentsOf("acme", "first", nil); len(got) != 1 || got[0].Name != "second" {
		t.Errorf("dependents of acme/first = %v", got)
	}
	resp = e.request(http.MethodPut, centralPrefix+"/packages/deprecate/acme/second/1.0.0", strings.NewReader(`{"message": "no"}`),
		"Authorization", "Bearer "+tok, "Content-Type", "application/json")
	readBody(t, resp)
	third, err := c.current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := third.find(catalogQuery{}); len(got) != 1 || got[0].Name != "first" {
		t.Errorf("after a deprecation the catalog lists %v, want acme/first only", got)
	}
}

// TestRenderPageLayout checks what the layout shows from webPage: the
// flash notice and the title.
func TestRenderPageLayout(t *testing.T) {
	e := newTestEnv(t)
	w := httptest.NewRecorder()
	r := withWebFlash(httptest.NewRequest(http.MethodGet, "/x", nil), "Token <created>")
	e.srv.renderPage(w, r, http.StatusTeapot, "notfound", "Ignored", nil)
	body := w.Body.String()
	if w.Code != http.StatusTeapot || !strings.Contains(body, `<p class="flash" role="status">Token &lt;created&gt;</p>`) ||
		!strings.Contains(body, "<title>Not found · Ballerina Central</title>") {
		t.Errorf("status %d, body:\n%s", w.Code, body)
	}
	w = httptest.NewRecorder()
	e.srv.renderPage(w, httptest.NewRequest(http.MethodGet, "/x", nil), http.StatusOK, "error", "Page <title>", errorData{Heading: "H", Message: "M"})
	if body := w.Body.String(); !strings.Contains(body, "<title>H · Ballerina Central</title>") || strings.Contains(body, `class="flash"`) {
		t.Errorf("body:\n%s", body)
	}
}
