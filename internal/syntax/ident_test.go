package syntax

import (
	"strings"
	"testing"
)

func TestIdentName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"foo", "foo"},
		{"'foo", "foo"},
		{"'listener", "listener"},
		{"'123", "123"},
		{`a\-b`, "a-b"},
		{`'a\.b`, "a.b"},
		{`\u{61}bc`, "abc"},
		{`x\u{1F600}`, "x\U0001F600"},
		{`x\u{0000041}`, "xA"},
		{`a\\b`, `a\b`},
		{`a\ b`, "a b"},
		{"a\\é", "aé"},
		{"名前", "名前"},
		{`'i\u{6E}t`, "int"},
		// Malformed escapes, which the lexer reports, stay as written.
		{`a\u{D800}`, `au{D800}`},
		{`a\u{}`, `au{}`},
		{`a\`, "a"},
		{"'", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := IdentName(tc.in); got != tc.want {
			t.Errorf("IdentName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Names equal under normalisation, whatever the spelling.
	for _, spelling := range []string{"'int", `i\u{6E}t`, `'\u{69}\u{6e}\u{74}`, "int"} {
		if IdentName(spelling) != "int" {
			t.Errorf("IdentName(%q) = %q, want int", spelling, IdentName(spelling))
		}
	}
	// The lexer and IdentName agree on the extent of an identifier.
	src := `'a\-b\u{63}`
	toks, diags := Tokenize("t.bal", []byte(src))
	if len(toks) != 2 || toks[0].Kind != Ident || len(diags) != 0 || IdentName(toks[0].Text([]byte(src))) != "a-bc" {
		t.Errorf("Tokenize(%q) = %v %v", src, toks, diags)
	}
}

func TestIdentNameDoesNotAllocateWithoutEscapes(t *testing.T) {
	s := "'someName"
	if n := testing.AllocsPerRun(10, func() { _ = IdentName(s) }); n != 0 {
		t.Errorf("IdentName allocated %v times", n)
	}
}

func TestIsRestrictedIdentifier(t *testing.T) {
	valid := []string{"a", "ballerina", "ballerinax", "googleapis", "gmail", "a1", "a_b", "a_1_b2", "MyOrg", "x_y_z", "http2"}
	invalid := []string{"", "_a", "a_", "a__b", "1a", "a-b", "a.b", "a b", "é", "'a", "a\\-b", "_", "__", "a_b_", "ab\n"}
	for _, s := range valid {
		if !IsRestrictedIdentifier(s) {
			t.Errorf("IsRestrictedIdentifier(%q) = false, want true", s)
		}
	}
	for _, s := range invalid {
		if IsRestrictedIdentifier(s) {
			t.Errorf("IsRestrictedIdentifier(%q) = true, want false", s)
		}
	}
}

func TestUnquoteString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`""`, ""},
		{`"abc"`, "abc"},
		{`"a\tb\nc\rd"`, "a\tb\nc\rd"},
		{`"\\\""`, `\"`},
		{`"\u{41}\u{1F600}\u{00e9}"`, "A\U0001F600é"},
		{`"// not # a comment"`, "// not # a comment"},
		{`"名前"`, "名前"},
		{"\"`\"", "`"},
	}
	for _, tc := range tests {
		got, err := UnquoteString(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("UnquoteString(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	bad := []struct{ in, why string }{
		{``, "double quotes"},
		{`"`, "double quotes"},
		{`abc`, "double quotes"},
		{`"abc`, "double quotes"},
		{`"a"b"`, "unescaped double quote"},
		{"\"a\nb\"", "line break"},
		{"\"a\rb\"", "line break"},
		{`"\q"`, "invalid escape"},
		{`"\u0041"`, "numeric escape"},
		{`"\u{}"`, "numeric escape"},
		{`"\u{41"`, "numeric escape"},
		{`"\u{D800}"`, "numeric escape"},
		{`"\u{110000}"`, "numeric escape"},
		{`"a\"`, "ends with a backslash"},
		{"\"\xff\"", "UTF-8"},
		{"\"a\\n\xff\"", "UTF-8"},
	}
	for _, tc := range bad {
		got, err := UnquoteString(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("UnquoteString(%q) = %q, %v; want an error about %q", tc.in, got, err, tc.why)
		}
	}
	// Every string literal the lexer accepts without diagnostics unquotes.
	for _, src := range []string{`"a\"b\\c\t\u{10FFFF}"`, `"x"`, `"\u{0}"`} {
		toks, diags := Tokenize("t.bal", []byte(src))
		if len(diags) != 0 || toks[0].Kind != StringLit {
			t.Fatalf("Tokenize(%q): %v %v", src, toks, diags)
		}
		if _, err := UnquoteString(toks[0].Text([]byte(src))); err != nil {
			t.Errorf("UnquoteString(%q): %v", src, err)
		}
	}
}
