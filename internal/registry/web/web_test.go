package web

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	u, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"home", "search", "org", "package", "versions", "apidocs", "notfound", "error"} {
		if !u.HasPage(page) {
			t.Errorf("no page %q", page)
		}
	}
	for name, ct := range map[string]string{"style.css": "text/css", "favicon.svg": "image/svg+xml", "app.js": "javascript"} {
		f, ok := u.Static(name)
		if !ok {
			t.Errorf("no static file %s", name)
			continue
		}
		if !strings.Contains(f.ContentType, ct) {
			t.Errorf("%s: Content-Type %q, want %s", name, f.ContentType, ct)
		}
		if got := u.StaticURL(name); got != "/static/"+name+"?v="+f.Hash || len(f.Hash) != 12 {
			t.Errorf("StaticURL(%s) = %q", name, got)
		}
	}
	css, _ := u.Static("style.css")
	if !bytes.Contains(css.Data, []byte(".chroma .k {")) || !bytes.Contains(css.Data, []byte(":focus-visible")) {
		t.Error("style.css lacks the code colours or the focus style")
	}
	var buf bytes.Buffer
	if err := u.Render(&buf, "no-such-page", nil); err == nil {
		t.Error("rendering a missing page succeeded")
	}
}

// TestTemplatesKeepTheCSP checks the templates against the pages'
// Content-Security-Policy: no inline scripts, event handlers or styles.
func TestTemplatesKeepTheCSP(t *testing.T) {
	scripts := regexp.MustCompile(`(?i)<script[^>]*>(.{0,9})`)
	inline := regexp.MustCompile(`(?i)\son[a-z]+\s*=|\sstyle\s*=|<style`)
	comments := regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}`)
	err := fs.WalkDir(content, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content, p)
		if err != nil {
			return err
		}
		data = comments.ReplaceAll(data, nil)
		if m := inline.Find(data); m != nil {
			t.Errorf("%s has %q, which the Content-Security-Policy forbids", p, m)
		}
		for _, m := range scripts.FindAllSubmatch(data, -1) {
			if !bytes.Contains(m[0], []byte(" src=")) || !bytes.HasPrefix(m[1], []byte("</script>")) {
				t.Errorf("%s has the inline script %q, which the Content-Security-Policy forbids", p, m[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", n, got, want)
		}
	}
}
