package web

import (
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	tests := []struct {
		lang, code string
		want       []string
		notWant    []string
	}{
		{"ballerina", "# Doc.\npublic isolated function f(int a) returns string|error {\n    return string `v=${a}`; // c\n}\n",
			[]string{`<pre class="chroma">`, `<span class="cs"># Doc.</span>`, `<span class="k">isolated</span>`, `<span class="nf">f</span>`,
				`<span class="kt">int</span>`, `<span class="sb">`, `<span class="si">${</span>`, `<span class="c1">// c</span>`}, nil},
		{"bal", "@http:ServiceConfig {}\nservice /hi on ep {}", []string{`<span class="nd">http</span>`, `<span class="k">service</span>`}, nil},
		{"json", `{"a": 1}`, []string{`class="chroma"`, "&#34;a&#34;"}, nil},
		{"", "<script>", []string{"&lt;script&gt;"}, []string{"<script"}},
		{"no-such-language", "a < b", []string{"a &lt; b"}, []string{"<span"}},
		{"ballerina", strings.Repeat("x", maxHighlight+1), []string{"xxxx"}, []string{"<span"}},
	}
	for _, tt := range tests {
		out := string(Highlight(tt.lang, tt.code))
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("Highlight(%q, %.40q) lacks %q:\n%.600s", tt.lang, tt.code, w, out)
			}
		}
		for _, w := range append(tt.notWant, "style=") {
			if strings.Contains(out, w) {
				t.Errorf("Highlight(%q, %.40q) has %q:\n%.600s", tt.lang, tt.code, w, out)
			}
		}
	}
}

// TestBalLexerCoversInput checks that the Ballerina lexer's tokens spell
// the input back, whatever it is, so highlighting never loses text.
func TestBalLexerCoversInput(t *testing.T) {
	for _, src := range []string{
		"", "public function main() {}\n", "string s = `a ${b + `c ${d}`} e`;", "x\r\ny\rz", "\xff\xfe\x00 bad",
		"# doc\n#\n# + a - b\nfunction f() {", "'from 'class = 1;", "0x1F 1.5e3 .5 12f \"unterminated",
	} {
		var b strings.Builder
		for _, tok := range balTokens(src) {
			b.WriteString(tok.Value)
		}
		if b.String() != src {
			t.Errorf("tokens of %q spell %q", src, b.String())
		}
	}
}

func TestHighlightCSS(t *testing.T) {
	css, err := HighlightCSS()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{".chroma .k {", ".chroma .nf {", "@media (prefers-color-scheme: dark) {"} {
		if !strings.Contains(css, w) {
			t.Errorf("HighlightCSS lacks %q", w)
		}
	}
}
