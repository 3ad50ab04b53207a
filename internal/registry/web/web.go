// Package web is the presentation side of the registry's web UI: the page
// templates (html/template), the static assets, Markdown rendering
// (goldmark, sanitized by bluemonday), code highlighting (chroma) and the
// API-documentation model built from a module's sources (internal/syntax).
//
// It knows nothing about who may see what: the handlers in
// internal/registry decide which packages a request may see and hand the
// templates plain data. Everything here is safe for concurrent use once
// built.
//
// # Templates
//
// templates/layout.html defines "layout", the page skeleton; every other
// file in templates/ and templates/account/ is a page that defines the
// blocks "title" and "content" (and optionally "head"). A page is named by
// its path without the extension: "package", "account/login". See the
// comment at the top of layout.html for the data the layout reads.
//
// # Static assets
//
// The files in static/ are served under /static/ with their content hash in
// the URL (/static/style.css?v=<hash>), so browsers may cache them for good
// and a new build is fetched at once. style.css is served with the code
// highlighting colours of [HighlightCSS] appended, so a page loads one
// stylesheet.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed templates static
var content embed.FS

// UI holds the parsed templates, the static assets and the Markdown
// renderer.
type UI struct {
	pages    map[string]*template.Template
	static   map[string]*StaticFile
	markdown *Markdown
}

// A StaticFile is an asset served under /static/.
type StaticFile struct {
	Name        string
	ContentType string
	Data        []byte
	// Hash is a short hash of Data, the version in the asset's URL.
	Hash string
}

// New loads the embedded templates and assets.
func New() (*UI, error) {
	u := &UI{pages: map[string]*template.Template{}, static: map[string]*StaticFile{}, markdown: NewMarkdown()}
	if err := u.loadStatic(); err != nil {
		return nil, err
	}
	if err := u.loadTemplates(); err != nil {
		return nil, err
	}
	return u, nil
}

// Markdown returns the UI's Markdown renderer.
func (u *UI) Markdown() *Markdown { return u.markdown }

// loadStatic reads static/ and appends the highlighting colours to
// style.css.
func (u *UI) loadStatic() error {
	entries, err := fs.ReadDir(content, "static")
	if err != nil {
		return err
	}
	hl, err := HighlightCSS()
	if err != nil {
		return fmt.Errorf("highlighting stylesheet: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(content, "static/"+e.Name())
		if err != nil {
			return err
		}
		if e.Name() == "style.css" {
			data = append(append(data, '\n'), hl...)
		}
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(data)
		u.static[e.Name()] = &StaticFile{Name: e.Name(), ContentType: ct, Data: data, Hash: hex.EncodeToString(sum[:6])}
	}
	return nil
}

// loadTemplates parses the layout with each page.
func (u *UI) loadTemplates() error {
	base, err := template.New("layout").Funcs(u.funcs()).ParseFS(content, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return err
	}
	for _, pattern := range []string{"templates/*.html", "templates/account/*.html"} {
		files, err := fs.Glob(content, pattern)
		if err != nil {
			return err
		}
		for _, f := range files {
			name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
			if name == "layout" || name == "partials" {
				continue
			}
			t, err := base.Clone()
			if err != nil {
				return err
			}
			if _, err := t.ParseFS(content, f); err != nil {
				return err
			}
			u.pages[name] = t
		}
	}
	return nil
}

// HasPage reports whether a page template exists.
func (u *UI) HasPage(name string) bool { return u.pages[name] != nil }

// Render executes the page's template with data into w. A caller that must
// not send half a page on error renders into a buffer.
func (u *UI) Render(w io.Writer, page string, data any) error {
	t := u.pages[page]
	if t == nil {
		return fmt.Errorf("web: no page template %q", page)
	}
	return t.ExecuteTemplate(w, "layout", data)
}

// Static returns the asset with the given name.
func (u *UI) Static(name string) (*StaticFile, bool) {
	f, ok := u.static[name]
	return f, ok
}

// StaticURL is the URL of an asset, with its hash as the version.
func (u *UI) StaticURL(name string) string {
	if f, ok := u.static[name]; ok {
		return "/static/" + name + "?v=" + f.Hash
	}
	return "/static/" + name
}

// funcs are the template functions.
func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"static":     u.StaticURL,
		"date":       func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"isodate":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"count":      count,
		"join":       strings.Join,
		"add":        func(a, b int) int { return a + b },
		"pathEscape": url.PathEscape,
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
		"highlight":  Highlight,
		"plain":      PlainText,
		"fieldTable": newFieldTable,
	}
}

// fieldTable is the data of the "apiFields" template: a table of
// parameters, fields or enum members, with the Type and Default columns
// only when some row has a value for them.
type fieldTable struct {
	Caption, Column     string
	Rows                []*ParamDoc
	HasType, HasDefault bool
}

func newFieldTable(caption, column string, rows []*ParamDoc) fieldTable {
	t := fieldTable{Caption: caption, Column: column, Rows: rows}
	for _, r := range rows {
		t.HasType = t.HasType || r.Type != ""
		t.HasDefault = t.HasDefault || r.Default != ""
	}
	return t
}

// count formats an integer of any size with formatCount.
func count(n any) string {
	switch n := n.(type) {
	case int:
		return formatCount(int64(n))
	case int64:
		return formatCount(n)
	}
	return fmt.Sprint(n)
}

// formatCount writes a count with thousands separators: 1234567 is
// "1,234,567".
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b bytes.Buffer
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
