package project

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestIncludePatterns(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"*.md", []string{"a.md", "docs/a.md", "x/y/z.md"}, []string{"a.mdx", "a.md/b"}},
		{"docs/*.md", []string{"docs/a.md", "x/docs/a.md"}, []string{"docs/x/a.md", "adocs/a.md"}},
		{"/docs/*.md", []string{"docs/a.md"}, []string{"x/docs/a.md"}},
		{"/a/b", []string{"a/b"}, []string{"x/a/b", "a/b/c"}},
		{"a/**/b", []string{"a/b", "a/x/b", "a/x/y/b", "z/a/x/b"}, []string{"a/xb", "ab"}},
		{"a/**", []string{"a/b", "a/b/c"}, []string{"a", "ba/c"}},
		{"file?.txt", []string{"file1.txt"}, []string{"file10.txt", "file/.txt"}},
		{"[ab].txt", []string{"a.txt", "b.txt"}, []string{"c.txt"}},
		{"[!ab].txt", []string{"c.txt"}, []string{"a.txt", "/.txt"}},
		{"*.{csv,json}", []string{"a.csv", "b.json"}, []string{"c.txt"}},
		{`a\*b`, []string{"a*b"}, []string{"axb"}},
		{"a+b(c).txt", []string{"a+b(c).txt"}, []string{"aab(c).txt"}},
	}
	for _, tt := range tests {
		ip, err := compileInclude(tt.pattern)
		if err != nil {
			t.Errorf("compileInclude(%q): %v", tt.pattern, err)
			continue
		}
		for _, s := range tt.match {
			if !ip.re.MatchString(s) {
				t.Errorf("%q does not match %q", tt.pattern, s)
			}
		}
		for _, s := range tt.noMatch {
			if ip.re.MatchString(s) {
				t.Errorf("%q matches %q", tt.pattern, s)
			}
		}
	}
	for _, bad := range []string{"[a", "{a,b", `a\`, "", "!", "/"} {
		if _, err := compileInclude(bad); err == nil {
			t.Errorf("compileInclude(%q) succeeded", bad)
		}
	}
}

func TestIncludeFiles(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"a.txt", "d/b.txt", "d/c.md", "d/e/f.txt", "target/a.txt", "out/a.txt", "x/d/g.txt"} {
		write(t, filepath.Join(root, f), "x")
	}
	tests := []struct {
		patterns []string
		want     []string
	}{
		{[]string{"*.txt"}, []string{"a.txt", "d/b.txt", "d/e/f.txt", "x/d/g.txt"}},
		{[]string{"d/"}, []string{"d/b.txt", "d/c.md", "d/e/f.txt", "x/d/g.txt"}},
		{[]string{"/d/"}, []string{"d/b.txt", "d/c.md", "d/e/f.txt"}},
		{[]string{"/d", "!*.md", "!e/"}, []string{"d/b.txt"}},
		{[]string{"!a.txt", "a.txt"}, []string{"a.txt"}},
		{[]string{"a.txt/"}, []string{}},
		{nil, nil},
	}
	for _, tt := range tests {
		got, err := includeFiles(root, tt.patterns, []string{filepath.Join(root, "target"), filepath.Join(root, "out")})
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("includeFiles(%q) = %q, %v; want %q", tt.patterns, got, err, tt.want)
		}
	}
}

func TestIncludeEntryName(t *testing.T) {
	for rel, want := range map[string]string{
		"modules/util/x.sql":   "modules/app.util/x.sql",
		"modules/util/a/b.txt": "modules/app.util/a/b.txt",
		"modules/x":            "modules/x",
		"data/x":               "data/x",
	} {
		if got := includeEntryName("app", rel); got != want {
			t.Errorf("includeEntryName(%q) = %q, want %q", rel, got, want)
		}
	}
}
