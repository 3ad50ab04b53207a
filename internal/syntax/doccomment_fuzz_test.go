package syntax

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseDoc checks that ParseDoc never panics, keeps the raw text
// exactly, is deterministic, never returns a parameter without a name, and
// never returns a text that starts or ends with a blank line.
//
// The fuzzer gives one string; it is split at "\n" into lines, and a "#" is
// put in front of every line that lacks one, since DocLine tokens always
// start with "#".
func FuzzParseDoc(f *testing.F) {
	for _, tc := range docCases {
		f.Add(strings.Join(tc.lines, "\n"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if !strings.HasPrefix(l, "#") {
				lines[i] = "#" + l
			}
		}
		d := ParseDoc(lines)
		if want := strings.Join(lines, "\n"); d.Raw != want {
			t.Fatalf("Raw = %q, want %q", d.Raw, want)
		}
		if d2 := ParseDoc(lines); !reflect.DeepEqual(d, d2) {
			t.Fatalf("two parses differ:\n%#v\n%#v", d, d2)
		}
		if d.Span != (Span{}) {
			t.Fatalf("Span set: %v", d.Span)
		}
		texts := []string{d.Description, d.Return, d.DeprecatedDoc}
		for _, list := range [][]DocParam{d.Params, d.DeprecatedParams} {
			for _, p := range list {
				if p.Name == "" {
					t.Fatalf("parameter without a name: %#v", d)
				}
				texts = append(texts, p.Description)
			}
		}
		if d.Return != "" && !d.HasReturn {
			t.Fatalf("Return %q without HasReturn", d.Return)
		}
		if d.DeprecatedDoc != "" && !d.Deprecated {
			t.Fatalf("DeprecatedDoc %q without Deprecated", d.DeprecatedDoc)
		}
		for _, text := range texts {
			if text == "" {
				continue
			}
			first, last := text, text
			if i := strings.IndexByte(text, '\n'); i >= 0 {
				first = text[:i]
				last = text[strings.LastIndexByte(text, '\n')+1:]
			}
			if strings.Trim(first, " \t") == "" || strings.Trim(last, " \t") == "" {
				t.Fatalf("text %q starts or ends with a blank line", text)
			}
		}
	})
}
