package apidiff

import (
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/syntax"
)

func TestLeadingTrivia(t *testing.T) {
	tests := []struct {
		src, token, want string
	}{
		{"a b", "b", ""},          // another token before it on its line
		{"a\n    b", "b", "    "}, // indentation
		{"a\n\n  // note\n\t\n  b", "b", "\n  // note\n\t\n  "}, // blank and comment lines above
		{"a // trailing\n  b", "b", "  "},                       // the comment trails a
		{"  b", "b", "  "},                                      // first token of the file
		{"// c\r\n\r\nb", "b", "// c\r\n\r\n"},                  // CR LF
	}
	for _, tt := range tests {
		off := strings.LastIndex(tt.src, tt.token)
		if got := leadingTrivia([]byte(tt.src), off); got != tt.want {
			t.Errorf("leadingTrivia(%q at %d) = %q, want %q", tt.src, off, got, tt.want)
		}
	}
}

func TestBodySource(t *testing.T) {
	src := "function a() returns int =>  1 ;\nfunction b() = @java:Method {} external;\nfunction c() {\n}  // end\nfunction d() {}"
	f := syntax.ParseFile("x.bal", []byte(src), 0)
	want := []string{"=>  1 ;\n", "= @java:Method {} external;\n", "{\n}  // end\n", "{}"}
	if len(f.Decls) != len(want) {
		t.Fatalf("%d declarations", len(f.Decls))
	}
	for i, d := range f.Decls {
		if got := bodySource(d.(*syntax.FunctionDecl), f); got != want[i] {
			t.Errorf("body %d = %q, want %q", i, got, want[i])
		}
	}
}

func TestNormalizeAndKinds(t *testing.T) {
	if got := normalize("map < string > [ ]  // comment\n | int ?"); got != "map<string>[]|int?" {
		t.Errorf("normalize = %q", got)
	}
	if got := normalize("readonly  &  record"); got != "readonly&record" {
		t.Errorf("normalize = %q", got)
	}
	if got := normalize("distinct object"); got != "distinct object" {
		t.Errorf("normalize keeps words apart: %q", got)
	}
	for expr, want := range map[string]bool{"7": true, `"a"`: true, "true": true, "null": true, "0x1F": true, "1.5": true,
		"-1": false, "X": false, "()": false, "1 + 2": false, "`t`": false} {
		if isBasicLiteral(expr) != want {
			t.Errorf("isBasicLiteral(%q) != %v", expr, want)
		}
	}
	for expr, want := range map[string]string{
		"8": "numeric literal", "3+2": "binary expression", `"s"`: "string literal", "port": "simple name reference",
		"http:Listener": "qualified name reference", "new http:Listener(8080)": "explicit new expression",
		"new (8080)": "implicit new expression", "f(1)": "function call", "a.b(1)": "method call", "()": "nil literal",
		"[1, 2]": "list constructor", "{a: 1}": "mapping constructor", "int|string": "union type desc",
	} {
		if got := nodeKindName(expr); got != want {
			t.Errorf("nodeKindName(%q) = %q, want %q", expr, got, want)
		}
	}
}
