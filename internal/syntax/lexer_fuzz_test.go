package syntax

import "testing"

// FuzzLex checks the lexer's invariants on arbitrary input: no panic, the
// tokens cover the input exactly and contiguously, positions agree with a
// naive recount, templates nest properly, diagnostics are in order, there
// are at most len(src)+1 tokens, and Next keeps returning EOF at the end.
func FuzzLex(f *testing.F) {
	for _, s := range []string{
		"",
		"import ballerina/http;\n\n# Doc.\n# + x - y\npublic function f(int x) returns int => x;\n",
		"string s = string `a ${ f(`b ${c}`) } d`;",
		"x = `${\"`\"}$ ${ {|a: 1|} }`",
		"int a = 012 + 0x1.8p3 + .5e-3f + 1..<3 + 1.toString();",
		"\"unterminated\r\n'int a\\-b \\u{1F600} # hash",
		"\uFEFF# bom\r# cr\n\t# tab\n",
		"`${`${`${",
		"a\xff\xc3\x00\u0085\uFFFF\u2028→",
		"map<map<int>> m; a >>= b >>> c; x !is y; x.<a> x/**/<b> x/*",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		toks, diags := Tokenize("fuzz.bal", src)
		if err := checkLexTokens(src, toks, diags); err != nil {
			t.Fatal(err)
		}
		l := NewLexer("fuzz.bal", src)
		n := 0
		for l.Next().Kind != EOF {
			n++
		}
		if n != len(toks)-1 {
			t.Fatalf("Next gave %d tokens, Tokenize %d", n, len(toks)-1)
		}
		if eof := l.Next(); eof.Kind != EOF || eof.Pos != toks[len(toks)-1].Pos {
			t.Fatalf("after EOF: %+v", eof)
		}
		if len(l.Diagnostics()) != len(diags) {
			t.Fatalf("Next gave %d diagnostics, Tokenize %d", len(l.Diagnostics()), len(diags))
		}
	})
}
