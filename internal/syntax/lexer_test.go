package syntax

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

// lexTok is an expected token: its kind and text.
type lexTok struct {
	k    Kind
	text string
}

func (t lexTok) String() string { return fmt.Sprintf("%v %q", t.k, t.text) }

// Short names for the kinds the tables use most.
const (
	kWS  = Whitespace
	kID  = Ident
	kNum = IntLit
	kFlt = FloatLit
	kStr = StringLit
	kTS  = TemplateStart
	kTT  = TemplateText
	kTE  = TemplateEnd
	kIS  = InterpStart
	kIE  = InterpEnd
	kOp  = Operator
	kCm  = Comment
	kDoc = DocLine
)

// lexAll tokenises src, checks the structural invariants, and returns the
// tokens without the final EOF as (kind, text) pairs.
func lexAll(t *testing.T, src string) ([]lexTok, []Diagnostic) {
	t.Helper()
	toks, diags := Tokenize("t.bal", []byte(src))
	if err := checkLexTokens([]byte(src), toks, diags); err != nil {
		t.Fatalf("invariant broken for %q: %v", src, err)
	}
	var got []lexTok
	for _, x := range toks[:len(toks)-1] {
		got = append(got, lexTok{x.Kind, x.Text([]byte(src))})
	}
	return got, diags
}

func TestLexTokens(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []lexTok
	}{
		// Trivia.
		{"empty", "", nil},
		{"whitespace run", " \t\f\r\n\n", []lexTok{{kWS, " \t\f\r\n\n"}}},
		{"comment", "a // c // d\nb", []lexTok{{kID, "a"}, {kWS, " "}, {kCm, "// c // d"}, {kWS, "\n"}, {kID, "b"}}},
		{"comment at EOF", "//x", []lexTok{{kCm, "//x"}}},
		{"comment before CRLF", "//x\r\ny", []lexTok{{kCm, "//x"}, {kWS, "\r\n"}, {kID, "y"}}},
		{"no block comments", "a/*b*/c", []lexTok{{kID, "a"}, {kOp, "/*"}, {kID, "b"}, {Star, "*"}, {Slash, "/"}, {kID, "c"}}},
		{"BOM", "\uFEFFint x", []lexTok{{kWS, "\uFEFF"}, {KwInt, "int"}, {kWS, " "}, {kID, "x"}}},
		{"BOM then blanks", "\uFEFF  \nx", []lexTok{{kWS, "\uFEFF  \n"}, {kID, "x"}}},
		{"CR and CRLF", "a\rb\r\nc", []lexTok{{kID, "a"}, {kWS, "\r"}, {kID, "b"}, {kWS, "\r\n"}, {kID, "c"}}},

		// Identifiers and keywords.
		{"keyword", "function foo", []lexTok{{KwFunction, "function"}, {kWS, " "}, {kID, "foo"}}},
		{"quoted keyword", "'function 'listener", []lexTok{{kID, "'function"}, {kWS, " "}, {kID, "'listener"}}},
		{"quoted digits", "'123", []lexTok{{kID, "'123"}}},
		{"underscore and digits", "_a1 __ x9_", []lexTok{{kID, "_a1"}, {kWS, " "}, {kID, "__"}, {kWS, " "}, {kID, "x9_"}}},
		{"keyword prefix", "intx int_ ints", []lexTok{{kID, "intx"}, {kWS, " "}, {kID, "int_"}, {kWS, " "}, {kID, "ints"}}},
		{"upper case keyword is ident", "Int", []lexTok{{kID, "Int"}}},
		{"contextual words", "re base16 base64", []lexTok{{kID, "re"}, {kWS, " "}, {kID, "base16"}, {kWS, " "}, {kID, "base64"}}},
		{"single escape", `a\-b`, []lexTok{{kID, `a\-b`}}},
		{"escape at start", `\-x`, []lexTok{{kID, `\-x`}}},
		{"numeric escape", `x\u{1F600}y`, []lexTok{{kID, `x\u{1F600}y`}}},
		{"escaped keyword is ident", `i\u{6E}t`, []lexTok{{kID, `i\u{6E}t`}}},
		{"quoted with escape", `'a\.b.c`, []lexTok{{kID, `'a\.b`}, {Dot, "."}, {kID, "c"}}},
		{"unicode ident", "café 名前 x·y", []lexTok{{kID, "café"}, {kWS, " "}, {kID, "名前"}, {kWS, " "}, {kID, "x·y"}}},
		{"pattern syntax ends ident", "a«b", []lexTok{{kID, "a"}, {Illegal, "«"}, {kID, "b"}}},
		{"qualified name", "http:Listener", []lexTok{{kID, "http"}, {Colon, ":"}, {kID, "Listener"}}},

		// Numbers.
		{"ints", "0 7 42 1234567890", []lexTok{{kNum, "0"}, {kWS, " "}, {kNum, "7"}, {kWS, " "}, {kNum, "42"}, {kWS, " "}, {kNum, "1234567890"}}},
		{"hex ints", "0x1F 0XaB 0x0", []lexTok{{kNum, "0x1F"}, {kWS, " "}, {kNum, "0XaB"}, {kWS, " "}, {kNum, "0x0"}}},
		{"floats", "1.5 .5 0.25 1e10 1E+3 1.5e-3", []lexTok{{kFlt, "1.5"}, {kWS, " "}, {kFlt, ".5"}, {kWS, " "}, {kFlt, "0.25"}, {kWS, " "}, {kFlt, "1e10"}, {kWS, " "}, {kFlt, "1E+3"}, {kWS, " "}, {kFlt, "1.5e-3"}}},
		{"suffixes", "12f 12d 3.0d 2.5F 1e3D 0D", []lexTok{{kFlt, "12f"}, {kWS, " "}, {kFlt, "12d"}, {kWS, " "}, {kFlt, "3.0d"}, {kWS, " "}, {kFlt, "2.5F"}, {kWS, " "}, {kFlt, "1e3D"}, {kWS, " "}, {kFlt, "0D"}}},
		{"hex floats", "0x1.8p3 0x.8p1 0xAp-2 0x1.8 0X1P+4", []lexTok{{kFlt, "0x1.8p3"}, {kWS, " "}, {kFlt, "0x.8p1"}, {kWS, " "}, {kFlt, "0xAp-2"}, {kWS, " "}, {kFlt, "0x1.8"}, {kWS, " "}, {kFlt, "0X1P+4"}}},
		{"hex is not suffixed", "0x1f 0x1d", []lexTok{{kNum, "0x1f"}, {kWS, " "}, {kNum, "0x1d"}}},
		{"int member access", "1.toString()", []lexTok{{kNum, "1"}, {Dot, "."}, {kID, "toString"}, {LParen, "("}, {RParen, ")"}}},
		{"int dot e", "1.e5", []lexTok{{kNum, "1"}, {Dot, "."}, {kID, "e5"}}},
		{"int then dot at end", "x = 1.;", []lexTok{{kID, "x"}, {kWS, " "}, {Assign, "="}, {kWS, " "}, {kNum, "1"}, {Dot, "."}, {Semicolon, ";"}}},
		{"range", "1..<3", []lexTok{{kNum, "1"}, {DotDotLess, "..<"}, {kNum, "3"}}},
		{"ellipsis after int", "1...3", []lexTok{{kNum, "1"}, {Ellipsis, "..."}, {kNum, "3"}}},
		{"float member access", "1.5.abs()", []lexTok{{kFlt, "1.5"}, {Dot, "."}, {kID, "abs"}, {LParen, "("}, {RParen, ")"}}},
		{"hex member access", "0xA.abs() 0x.max", []lexTok{{kNum, "0xA"}, {Dot, "."}, {kID, "abs"}, {LParen, "("}, {RParen, ")"}, {kWS, " "}, {kNum, "0x"}, {Dot, "."}, {kID, "max"}}},
		{"number then ident", "12abc", []lexTok{{kNum, "12"}, {kID, "abc"}}},
		{"negative", "-1", []lexTok{{Minus, "-"}, {kNum, "1"}}},

		// Strings.
		{"string", `"hello, world"`, []lexTok{{kStr, `"hello, world"`}}},
		{"string escapes", `"a\t\n\r\\\"b\u{1F600}"`, []lexTok{{kStr, `"a\t\n\r\\\"b\u{1F600}"`}}},
		{"string with comment and hash", `"// not # a comment"`, []lexTok{{kStr, `"// not # a comment"`}}},
		{"string with backtick", "\"`\"", []lexTok{{kStr, "\"`\""}}},
		{"unterminated string", "\"abc\nx", []lexTok{{kStr, `"abc`}, {kWS, "\n"}, {kID, "x"}}},
		{"unterminated string CR", "\"abc\r\nx", []lexTok{{kStr, `"abc`}, {kWS, "\r\n"}, {kID, "x"}}},

		// Templates.
		{"template", "string `a ${x} b`", []lexTok{{KwString, "string"}, {kWS, " "}, {kTS, "`"}, {kTT, "a "}, {kIS, "${"}, {kID, "x"}, {kIE, "}"}, {kTT, " b"}, {kTE, "`"}}},
		{"empty template", "``", []lexTok{{kTS, "`"}, {kTE, "`"}}},
		{"nested templates", "string `a ${ f(`b ${c}`) } d`", []lexTok{
			{KwString, "string"}, {kWS, " "}, {kTS, "`"}, {kTT, "a "}, {kIS, "${"}, {kWS, " "}, {kID, "f"}, {LParen, "("},
			{kTS, "`"}, {kTT, "b "}, {kIS, "${"}, {kID, "c"}, {kIE, "}"}, {kTE, "`"},
			{RParen, ")"}, {kWS, " "}, {kIE, "}"}, {kTT, " d"}, {kTE, "`"}}},
		{"backtick idiom", "`x${\"`\"}y`", []lexTok{{kTS, "`"}, {kTT, "x"}, {kIS, "${"}, {kStr, "\"`\""}, {kIE, "}"}, {kTT, "y"}, {kTE, "`"}}},
		{"dollar not interpolation", "`$a $$ ${x}$`", []lexTok{{kTS, "`"}, {kTT, "$a $$ "}, {kIS, "${"}, {kID, "x"}, {kIE, "}"}, {kTT, "$"}, {kTE, "`"}}},
		{"dollars before interpolation", "`$${x}`", []lexTok{{kTS, "`"}, {kTT, "$"}, {kIS, "${"}, {kID, "x"}, {kIE, "}"}, {kTE, "`"}}},
		{"template free text", "`\"//#{}\n# x\r\n`", []lexTok{{kTS, "`"}, {kTT, "\"//#{}\n# x\r\n"}, {kTE, "`"}}},
		{"braces in interpolation", "`${ {a: {b: 1}} }`", []lexTok{
			{kTS, "`"}, {kIS, "${"}, {kWS, " "}, {LBrace, "{"}, {kID, "a"}, {Colon, ":"}, {kWS, " "}, {LBrace, "{"}, {kID, "b"},
			{Colon, ":"}, {kWS, " "}, {kNum, "1"}, {RBrace, "}"}, {RBrace, "}"}, {kWS, " "}, {kIE, "}"}, {kTE, "`"}}},
		{"closed record in interpolation", "`${ {|a: 1|} }`", []lexTok{
			{kTS, "`"}, {kIS, "${"}, {kWS, " "}, {LBracePipe, "{|"}, {kID, "a"}, {Colon, ":"}, {kWS, " "}, {kNum, "1"},
			{PipeRBrace, "|}"}, {kWS, " "}, {kIE, "}"}, {kTE, "`"}}},
		{"pipe brace at depth 0 stays", "`${a|}}`", []lexTok{{kTS, "`"}, {kIS, "${"}, {kID, "a"}, {PipeRBrace, "|}"}, {kIE, "}"}, {kTE, "`"}}},
		{"comment in interpolation", "`${x // }`\n}y`", []lexTok{
			{kTS, "`"}, {kIS, "${"}, {kID, "x"}, {kWS, " "}, {kCm, "// }`"}, {kWS, "\n"}, {kIE, "}"}, {kTT, "y"}, {kTE, "`"}}},
		{"string with brace in interpolation", "`${\"}\"}`", []lexTok{{kTS, "`"}, {kIS, "${"}, {kStr, "\"}\""}, {kIE, "}"}, {kTE, "`"}}},
		{"xml template", "xml `<a href=\"${u}\">x</a>`", []lexTok{
			{KwXml, "xml"}, {kWS, " "}, {kTS, "`"}, {kTT, "<a href=\""}, {kIS, "${"}, {kID, "u"}, {kIE, "}"}, {kTT, "\">x</a>"}, {kTE, "`"}}},
		{"re template", "re `a#b`", []lexTok{{kID, "re"}, {kWS, " "}, {kTS, "`"}, {kTT, "a#b"}, {kTE, "`"}}},
		{"base16", "base16 `aa bb`", []lexTok{{kID, "base16"}, {kWS, " "}, {kTS, "`"}, {kTT, "aa bb"}, {kTE, "`"}}},
		{"unterminated template", "`abc ${x", []lexTok{{kTS, "`"}, {kTT, "abc "}, {kIS, "${"}, {kID, "x"}}},
		{"brace outside template", "{}", []lexTok{{LBrace, "{"}, {RBrace, "}"}}},

		// Documentation.
		{"doc line", "# Adds.\n# + x - one\nfunction", []lexTok{{kDoc, "# Adds."}, {kWS, "\n"}, {kDoc, "# + x - one"}, {kWS, "\n"}, {KwFunction, "function"}}},
		{"doc with leading blanks", "  \t# d\r\nx", []lexTok{{kWS, "  \t"}, {kDoc, "# d"}, {kWS, "\r\n"}, {kID, "x"}}},
		{"doc at EOF", "#", []lexTok{{kDoc, "#"}}},
		{"doc after BOM", "\uFEFF# d", []lexTok{{kWS, "\uFEFF"}, {kDoc, "# d"}}},
		{"doc after lone CR", "x\r# d", []lexTok{{kID, "x"}, {kWS, "\r"}, {kDoc, "# d"}}},
		{"hash after code", "int x; # no", []lexTok{{KwInt, "int"}, {kWS, " "}, {kID, "x"}, {Semicolon, ";"}, {kWS, " "}, {Hash, "#"}, {kWS, " "}, {kID, "no"}}},
		{"hash in string", `"# x"`, []lexTok{{kStr, `"# x"`}}},
		{"hash in template", "`\n# x`", []lexTok{{kTS, "`"}, {kTT, "\n# x"}, {kTE, "`"}}},
		{"hash in interpolation at line start", "`${\n# x\n}`", []lexTok{{kTS, "`"}, {kIS, "${"}, {kWS, "\n"}, {Hash, "#"}, {kWS, " "}, {kID, "x"}, {kWS, "\n"}, {kIE, "}"}, {kTE, "`"}}},
		{"doc after template on earlier line", "x = `a\n`;\n# d", []lexTok{{kID, "x"}, {kWS, " "}, {Assign, "="}, {kWS, " "}, {kTS, "`"}, {kTT, "a\n"}, {kTE, "`"}, {Semicolon, ";"}, {kWS, "\n"}, {kDoc, "# d"}}},
		{"hash after form feed", "\f#", []lexTok{{kWS, "\f"}, {Hash, "#"}}},

		// Punctuation and operators.
		{"closed record", "record {| int a; |}", []lexTok{{KwRecord, "record"}, {kWS, " "}, {LBracePipe, "{|"}, {kWS, " "}, {KwInt, "int"}, {kWS, " "}, {kID, "a"}, {Semicolon, ";"}, {kWS, " "}, {PipeRBrace, "|}"}}},
		{"nested type args", "map<map<int>>", []lexTok{{KwMap, "map"}, {Lt, "<"}, {KwMap, "map"}, {Lt, "<"}, {KwInt, "int"}, {Gt, ">"}, {Gt, ">"}}},
		{"shift right is two tokens", "a >> b >>> c", []lexTok{{kID, "a"}, {kWS, " "}, {Gt, ">"}, {Gt, ">"}, {kWS, " "}, {kID, "b"}, {kWS, " "}, {Gt, ">"}, {Gt, ">"}, {Gt, ">"}, {kWS, " "}, {kID, "c"}}},
		{"shift assignments", "a>>=1;b>>>=2;c<<=3", []lexTok{{kID, "a"}, {ShrAssign, ">>="}, {kNum, "1"}, {Semicolon, ";"}, {kID, "b"}, {UshrAssign, ">>>="}, {kNum, "2"}, {Semicolon, ";"}, {kID, "c"}, {ShlAssign, "<<="}, {kNum, "3"}}},
		{"compound assignments", "+= -= *= /= &= |= ^=", []lexTok{{PlusAssign, "+="}, {kWS, " "}, {MinusAssign, "-="}, {kWS, " "}, {StarAssign, "*="}, {kWS, " "}, {SlashAssign, "/="}, {kWS, " "}, {AmpAssign, "&="}, {kWS, " "}, {PipeAssign, "|="}, {kWS, " "}, {CaretAssign, "^="}}},
		{"comparisons", "== === != !== <= >= < >", []lexTok{{Eq, "=="}, {kWS, " "}, {RefEq, "==="}, {kWS, " "}, {NotEq, "!="}, {kWS, " "}, {RefNotEq, "!=="}, {kWS, " "}, {LtEq, "<="}, {kWS, " "}, {GtEq, ">="}, {kWS, " "}, {Lt, "<"}, {kWS, " "}, {Gt, ">"}}},
		{"arrows", "=> -> ->> <-", []lexTok{{Arrow, "=>"}, {kWS, " "}, {RightArrow, "->"}, {kWS, " "}, {SyncSend, "->>"}, {kWS, " "}, {LeftArrow, "<-"}}},
		{"less than negative", "x<-1", []lexTok{{kID, "x"}, {Lt, "<"}, {Minus, "-"}, {kNum, "1"}}},
		{"optional chaining and elvis", "a?.b ?: c", []lexTok{{kID, "a"}, {QuestionDot, "?."}, {kID, "b"}, {kWS, " "}, {Elvis, "?:"}, {kWS, " "}, {kID, "c"}}},
		{"optional rest", "int?... r", []lexTok{{KwInt, "int"}, {Question, "?"}, {Ellipsis, "..."}, {kWS, " "}, {kID, "r"}}},
		{"logical", "a && b || !c", []lexTok{{kID, "a"}, {kWS, " "}, {AndAnd, "&&"}, {kWS, " "}, {kID, "b"}, {kWS, " "}, {OrOr, "||"}, {kWS, " "}, {Not, "!"}, {kID, "c"}}},
		{"not is", "x !is int", []lexTok{{kID, "x"}, {kWS, " "}, {kOp, "!is"}, {kWS, " "}, {KwInt, "int"}}},
		{"not ident starting with is", "!isEmpty", []lexTok{{Not, "!"}, {kID, "isEmpty"}}},
		{"xml steps", "x.<a> x/*  x/**/<b> x.@ann", []lexTok{
			{kID, "x"}, {kOp, ".<"}, {kID, "a"}, {Gt, ">"}, {kWS, " "}, {kID, "x"}, {kOp, "/*"}, {kWS, "  "},
			{kID, "x"}, {kOp, "/**/"}, {Lt, "<"}, {kID, "b"}, {Gt, ">"}, {kWS, " "}, {kID, "x"}, {DotAt, ".@"}, {kID, "ann"}}},
		{"division by cast", "a/<int>b", []lexTok{{kID, "a"}, {Slash, "/"}, {Lt, "<"}, {KwInt, "int"}, {Gt, ">"}, {kID, "b"}}},
		{"single chars", "()[];,:@~%^&|*+-!/?=", []lexTok{
			{LParen, "("}, {RParen, ")"}, {LBracket, "["}, {RBracket, "]"}, {Semicolon, ";"}, {Comma, ","}, {Colon, ":"},
			{At, "@"}, {Tilde, "~"}, {Percent, "%"}, {Caret, "^"}, {Amp, "&"}, {Pipe, "|"}, {Star, "*"}, {Plus, "+"},
			{Minus, "-"}, {Not, "!"}, {Slash, "/"}, {Question, "?"}, {Assign, "="}}},
		{"shift left", "a << b", []lexTok{{kID, "a"}, {kWS, " "}, {Shl, "<<"}, {kWS, " "}, {kID, "b"}}},
		{"dot dot", "a..b", []lexTok{{kID, "a"}, {Dot, "."}, {Dot, "."}, {kID, "b"}}},
		{"annotation", "@http:ServiceConfig {}", []lexTok{{At, "@"}, {kID, "http"}, {Colon, ":"}, {kID, "ServiceConfig"}, {kWS, " "}, {LBrace, "{"}, {RBrace, "}"}}},

		// Illegal input.
		{"illegal", "a $ b", []lexTok{{kID, "a"}, {kWS, " "}, {Illegal, "$"}, {kWS, " "}, {kID, "b"}}},
		{"illegal rune", "a→b", []lexTok{{kID, "a"}, {Illegal, "→"}, {kID, "b"}}},
		{"invalid utf8", "a\xffb", []lexTok{{kID, "a"}, {Illegal, "\xff"}, {kID, "b"}}},
		{"control char", "a\x01b", []lexTok{{kID, "a"}, {Illegal, "\x01"}, {kID, "b"}}},
		{"lone quote", "' x", []lexTok{{kID, "'"}, {kWS, " "}, {kID, "x"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := lexAll(t, tc.src)
			if !equalLexToks(got, tc.want) {
				t.Errorf("Tokenize(%q):\n got %v\nwant %v", tc.src, got, tc.want)
			}
		})
	}
}

func equalLexToks(a, b []lexTok) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLexEveryKeywordAndPunct checks that each keyword lexes to its own kind
// and a quoted keyword to Ident, and that the text of each punctuation kind
// lexes to that kind on its own.
func TestLexEveryKeywordAndPunct(t *testing.T) {
	n := 0
	for k := keywordBegin + 1; k < keywordEnd; k++ {
		w := k.String()
		got, diags := lexAll(t, w+" '"+w)
		want := []lexTok{{k, w}, {kWS, " "}, {kID, "'" + w}}
		if !equalLexToks(got, want) || len(diags) != 0 {
			t.Errorf("%s: got %v %v", w, got, diags)
		}
		n++
	}
	for k := punctBegin + 1; k < punctEnd; k++ {
		p := k.String()
		got, _ := lexAll(t, "a "+p+" b")
		if len(got) != 5 || got[2] != (lexTok{k, p}) {
			t.Errorf("%q: got %v", p, got)
		}
		n++
	}
	if n < 150 {
		t.Fatalf("only %d kinds checked", n)
	}
}

func TestLexPositions(t *testing.T) {
	type at struct {
		text      string
		line, col int
	}
	tests := []struct {
		name string
		src  string
		want []at // non-trivia tokens, then EOF (text "")
	}{
		{"LF", "a\nbb c\n", []at{{"a", 1, 1}, {"bb", 2, 1}, {"c", 2, 4}, {"", 3, 1}}},
		{"CRLF", "a\r\n  b\r\n\r\nc", []at{{"a", 1, 1}, {"b", 2, 3}, {"c", 4, 1}, {"", 4, 2}}},
		{"lone CR", "a\rb\r\rc", []at{{"a", 1, 1}, {"b", 2, 1}, {"c", 4, 1}, {"", 4, 2}}},
		{"CR at EOF", "a\r", []at{{"a", 1, 1}, {"", 2, 1}}},
		{"mixed", "a\n\r\r\nb", []at{{"a", 1, 1}, {"b", 4, 1}, {"", 4, 2}}},
		{"BOM", "\uFEFFa\nb", []at{{"a", 1, 4}, {"b", 2, 1}, {"", 2, 2}}},
		{"multi-byte UTF-8 columns are bytes", "é x\n名 y", []at{{"é", 1, 1}, {"x", 1, 4}, {"名", 2, 1}, {"y", 2, 5}, {"", 2, 6}}},
		{"newlines in template text", "`a\r\nb\rc${d}`e", []at{{"`", 1, 1}, {"a\r\nb\rc", 1, 2}, {"${", 3, 2}, {"d", 3, 4}, {"}", 3, 5}, {"`", 3, 6}, {"e", 3, 7}, {"", 3, 8}}},
		{"doc lines", "# a\r\n  # b\n", []at{{"# a", 1, 1}, {"# b", 2, 3}, {"", 3, 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			toks, _ := Tokenize("t.bal", src)
			var got []at
			for _, x := range toks {
				if x.Kind.IsTrivia() {
					continue
				}
				got = append(got, at{x.Text(src), x.Pos.Line, x.Pos.Col})
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestLexDiagnostics(t *testing.T) {
	type diag struct {
		pos string // line:col
		msg string // substring of the message
	}
	tests := []struct {
		name string
		src  string
		want []diag
	}{
		{"clean", "public function f() returns int { return `a${1}` + 0x1F; }", nil},
		{"unterminated string", "x = \"abc\ny", []diag{{"1:5", "unterminated string literal"}}},
		{"unterminated string at EOF", "  \"abc", []diag{{"1:3", "unterminated string literal"}}},
		{"unterminated template", "a\n  x = `abc ${y} def\n\n", []diag{{"2:7", "unterminated template literal"}}},
		{"unterminated template in interpolation", "`a ${ b", []diag{{"1:1", "unterminated template literal"}}},
		{"unterminated nested templates report the outermost", "x `a ${ `b ${ `c", []diag{{"1:3", "unterminated template literal"}}},
		{"illegal char", "a $ b", []diag{{"1:3", "unexpected character '$'"}}},
		{"illegal rune", "a\n→", []diag{{"2:1", "unexpected character U+2192"}}},
		{"bad string escape", `"a\qb"`, []diag{{"1:3", `invalid escape sequence '\q'`}}},
		{"bad string u escape", `"\u0041"`, []diag{{"1:2", `'\u'`}}},
		{"numeric escape without digits", `"\u{}"`, []diag{{"1:2", "invalid numeric escape"}}},
		{"numeric escape without brace", `"\u{41"`, []diag{{"1:2", "missing '}'"}}},
		{"surrogate escape", `"\u{D800}"`, []diag{{"1:2", "not a Unicode scalar value"}}},
		{"too large escape", `"\u{110000}"`, []diag{{"1:2", "not a Unicode scalar value"}}},
		{"huge escape", `"\u{FFFFFFFFFFFFFFFFFFFFFFFF41}"`, []diag{{"1:2", "not a Unicode scalar value"}}},
		{"bad ident escape", `a\nb`, []diag{{"1:2", `invalid escape sequence '\n' in identifier`}}},
		{"ident escape before newline", "a\\\nb", []diag{{"1:2", "invalid escape sequence"}}},
		{"ident escape at EOF", `a\`, []diag{{"1:2", "invalid escape sequence"}}},
		{"ident escape before pattern white space", "a\\\u2028b", []diag{{"1:2", "invalid escape sequence"}}},
		{"incomplete quoted identifier", "' ", []diag{{"1:1", "incomplete quoted identifier"}}},
		{"leading zero", "x = 012;", []diag{{"1:5", "leading zeros"}}},
		{"leading zero float", "00.5", []diag{{"1:1", "leading zeros"}}},
		{"zero is fine", "0 0.5 0e1 0f", nil},
		{"missing exponent digits", "1e+", []diag{{"1:1", "missing digits in the exponent"}}},
		{"missing hex exponent digits", "0x1p", []diag{{"1:1", "missing digits in the exponent"}}},
		{"missing hex digits", "0x;", []diag{{"1:1", "missing hex digits"}}},
		{"hash after code", "int x; # c", []diag{{"1:8", "'#' is only allowed"}}},
		{"hash in interpolation", "`${\n#}`", []diag{{"2:1", "'#' is only allowed"}}},
		{"control char in code", "a\x01", []diag{{"1:2", "disallowed control character U+0001"}}},
		{"control char in string", "\"a\x00b\"", []diag{{"1:3", "disallowed control character U+0000"}}},
		{"control char in comment", "// \x1b[0m", []diag{{"1:4", "disallowed control character U+001B"}}},
		{"control char in template", "`\n\x7f\x02`", []diag{{"2:2", "disallowed control character U+0002"}}},
		{"C1 control in doc", "# a\u0085", []diag{{"1:4", "disallowed character U+0085"}}},
		{"noncharacter in string", "\"\uFDD0\"", []diag{{"1:2", "disallowed character U+FDD0"}}},
		{"noncharacter U+FFFF in template", "`\uFFFF`", []diag{{"1:2", "disallowed character U+FFFF"}}},
		{"invalid UTF-8 in code", "a \xc3", []diag{{"1:3", "invalid UTF-8"}}},
		{"invalid UTF-8 in string", "\"\xed\xa0\x80\"", []diag{{"1:2", "invalid UTF-8"}, {"1:3", "invalid UTF-8"}, {"1:4", "invalid UTF-8"}}},
		{"invalid UTF-8 in comment", "//\xff\n", []diag{{"1:3", "invalid UTF-8"}}},
		{"tab and form feed are allowed", "\t\f\"\t\f\" // \t\f", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := lexAll(t, tc.src)
			var got []diag
			for _, d := range diags {
				got = append(got, diag{d.Pos.String(), d.Message})
				if d.File != "t.bal" || d.Severity != SeverityError {
					t.Errorf("diagnostic %v: file %q severity %v", d, d.File, d.Severity)
				}
			}
			ok := len(got) == len(tc.want)
			for i := 0; ok && i < len(got); i++ {
				ok = got[i].pos == tc.want[i].pos && strings.Contains(got[i].msg, tc.want[i].msg)
			}
			if !ok {
				t.Errorf("Tokenize(%q) diagnostics:\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestLexNestingTooDeep(t *testing.T) {
	// MaxNesting/2 templates, each with an open interpolation, fill the
	// mode stack exactly; one more level is too deep.
	fits := strings.Repeat("`${", MaxNesting/2) + strings.Repeat("}`", MaxNesting/2)
	_, diags := lexAll(t, fits)
	if len(diags) != 0 {
		t.Fatalf("nesting %d levels: unexpected diagnostics %v", MaxNesting, diags)
	}
	deep := strings.Repeat("`${", MaxNesting/2) + "`x`" + strings.Repeat("}`", MaxNesting/2)
	toks, diags := lexAll(t, deep)
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "nesting too deep") {
		t.Fatalf("diagnostics = %v, want one 'nesting too deep'", diags)
	}
	if want := fmt.Sprintf("1:%d", 3*(MaxNesting/2)+1); diags[0].Pos.String() != want {
		t.Errorf("diagnostic at %v, want %v", diags[0].Pos, want)
	}
	if k := toks[2*(MaxNesting/2)].k; k != Illegal {
		t.Errorf("the backtick past the limit lexed as %v, want Illegal", k)
	}
}

// TestLexHugeNesting lexes about 1 MB of pathological nesting: deeply
// nested templates and interpolations, mostly unterminated, with braces.
func TestLexHugeNesting(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 1<<20 {
		b.WriteString("`a${ {|`${ {`")
		b.WriteString("${\"`\"} # }|")
	}
	src := b.Bytes()
	toks, diags := Tokenize("deep.bal", src)
	if err := checkLexTokens(src, toks, diags); err != nil {
		t.Fatal(err)
	}
	var deep, unterminated bool
	for _, d := range diags {
		deep = deep || strings.Contains(d.Message, "nesting too deep")
		unterminated = unterminated || strings.Contains(d.Message, "unterminated template")
	}
	if !deep || !unterminated {
		t.Errorf("want 'nesting too deep' and 'unterminated template' diagnostics; got %d diagnostics, deep=%v unterminated=%v", len(diags), deep, unterminated)
	}

	// 1 MB of backticks and "${" only.
	src = bytes.Repeat([]byte("`${"), 1<<20/3)
	toks, diags = Tokenize("deep.bal", src)
	if err := checkLexTokens(src, toks, diags); err != nil {
		t.Fatal(err)
	}
	if len(diags) < 2 {
		t.Errorf("got %d diagnostics, want 'nesting too deep' and 'unterminated template'", len(diags))
	}
}

func TestLexEOFForever(t *testing.T) {
	src := []byte("a `b")
	l := NewLexer("t.bal", src)
	var last Token
	for i := 0; i < 10; i++ {
		last = l.Next()
	}
	if last.Kind != EOF || last.Pos != (Pos{Offset: 4, Line: 1, Col: 5}) || last.End != 4 {
		t.Errorf("after the end: %+v", last)
	}
	if n := len(l.Diagnostics()); n != 1 {
		t.Errorf("%d diagnostics, want 1 (the unterminated template, reported once)", n)
	}
}

func TestLexNextDoesNotAllocate(t *testing.T) {
	src := genLexSource(64 << 10)
	allocs := testing.AllocsPerRun(5, func() {
		l := NewLexer("a.bal", src)
		for l.Next().Kind != EOF {
		}
	})
	if allocs > 1 { // the Lexer itself
		t.Errorf("lexing allocated %v times", allocs)
	}
	if _, diags := Tokenize("a.bal", src); len(diags) != 0 {
		t.Errorf("generated source has diagnostics: %v", diags[0])
	}
}

// TestLexProperties lexes generated and random inputs and checks the
// invariants of checkLexTokens.
func TestLexProperties(t *testing.T) {
	frags := []string{
		"`", "${", "}", "{", "{|", "|}", "|", "#", "\"", "'", "\\", "\\u{", "\\u{41}", "$", "\n", "\r", "\r\n", " ", "\t",
		"\f", "//", "/", "*", "\uFEFF", "0x", "0", "1", ".", "..", "e", "p", "+", "-", "<", ">", "=", "!", "?", "is",
		"int", "x", "é", "名", "\u0085", "\u2028", "\uFFFF", "\xff", "\xc3", "\xed\xa0\x80", "\x00", "\x7f", "1.5e3",
		"0x1.8p3", "'int", "# doc\n", "string `a ${b} c`", "\"a\\\"b\"", "@", ":", ";", "(", ")", "[", "]",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	count := 0
	check := func(src []byte) {
		count++
		toks, diags := Tokenize("p.bal", src)
		if err := checkLexTokens(src, toks, diags); err != nil {
			t.Fatalf("input %q: %v", src, err)
		}
	}
	for range 5000 {
		var b []byte
		for range rng.IntN(40) {
			b = append(b, frags[rng.IntN(len(frags))]...)
		}
		check(b)
	}
	for range 2000 {
		b := make([]byte, rng.IntN(64))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		check(b)
	}
	for range 2000 {
		b := make([]byte, rng.IntN(64))
		const alphabet = "`${}|#\"'\\\n\r x0.1e+-<>=!/*\t"
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		check(b)
	}
	if count != 9000 {
		t.Fatal("not all inputs checked")
	}
}

// TestLexSemverCorpus lexes every oldCode and newCode of the semver
// conformance cases: no diagnostics, and the tokens round-trip.
func TestLexSemverCorpus(t *testing.T) {
	// Sources in the corpus that are not valid Ballerina, lexically, keyed
	// by file (relative to the semver directory), case index and field.
	// All of them write string literals with typographic quotes (U+201C,
	// U+201D, e.g. label:”label”) instead of '"'; those are Pattern_Syntax
	// characters, neither string delimiters nor identifier characters, and
	// the reference lexer rejects them too. Each diagnostic of these
	// sources must be about such a quote.
	const curlyQuotes = "typographic quotes instead of '\"'"
	knownInvalid := map[string]string{}
	for _, key := range []string{
		"classDefinition/annotation.json#2.newCode",
		"classDefinition/classMember/objectField/annotation.json#0.newCode",
		"classDefinition/classMember/objectField/annotation.json#1.oldCode",
		"classDefinition/classMember/objectField/annotation.json#2.newCode",
		"classDefinition/classMember/objectField/annotation.json#2.oldCode",
		"enumerationDeclaration/enumMember.json#6.newCode",
		"enumerationDeclaration/enumMember.json#6.oldCode",
		"functionDefinition/annotation.json#0.newCode",
		"functionDefinition/annotation.json#1.oldCode",
		"functionDefinition/annotation.json#2.oldCode",
		"serviceDeclaration/serviceMembers/objectField/annotation.json#2.oldCode",
		"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json#0.newCode",
		"typeDefinition/typeDescriptor/othertypeDescriptor/record.json#4.newCode",
		"typeDefinition/typeDescriptor/othertypeDescriptor/record.json#5.oldCode",
		"typeDefinition/typeDescriptor/othertypeDescriptor/record.json#6.newCode",
		"typeDefinition/typeDescriptor/othertypeDescriptor/record.json#6.oldCode",
		"typeDefinition/typeDescriptor/sequenceTypeDescriptor/string.json#0.newCode",
		"typeDefinition/typeDescriptor/sequenceTypeDescriptor/string.json#1.newCode",
		"typeDefinition/typeDescriptor/sequenceTypeDescriptor/string.json#1.oldCode",
	} {
		knownInvalid[key] = curlyQuotes
	}

	dir := handout.Path(t, "conformance", "semver")
	files, sources := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var cases []struct {
			OldCode *string `json:"oldCode"`
			NewCode *string `json:"newCode"`
		}
		if err := json.Unmarshal(data, &cases); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		files++
		for i, c := range cases {
			for _, f := range []struct {
				name string
				code *string
			}{{"oldCode", c.OldCode}, {"newCode", c.NewCode}} {
				if f.code == nil {
					t.Errorf("%s case %d: no %s", rel, i, f.name)
					continue
				}
				sources++
				src := []byte(*f.code)
				toks, diags := Tokenize(rel, src)
				if err := checkLexTokens(src, toks, diags); err != nil {
					t.Errorf("%s case %d %s: %v", rel, i, f.name, err)
				}
				key := fmt.Sprintf("%s#%d.%s", filepath.ToSlash(rel), i, f.name)
				if reason, ok := knownInvalid[key]; ok {
					if len(diags) == 0 {
						t.Errorf("%s: listed as invalid (%s) but lexes cleanly", key, reason)
					}
					for _, d := range diags {
						if !strings.Contains(d.Message, "U+201C") && !strings.Contains(d.Message, "U+201D") {
							t.Errorf("%s (%s): unexpected diagnostic %v", key, reason, d)
						}
					}
					delete(knownInvalid, key)
					continue
				}
				for _, d := range diags {
					t.Errorf("%s: %v\n%s", key, d, *f.code)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range knownInvalid {
		t.Errorf("known-invalid entry %s not found in the corpus", key)
	}
	if files < 100 || sources < 1000 {
		t.Fatalf("only %d files, %d sources: corpus not found", files, sources)
	}
	t.Logf("%d files, %d sources", files, sources)
}

var updateLexGolden = flag.Bool("lexer.update", false, "rewrite the golden files in testdata/lexer")

// TestLexGolden lexes each testdata/lexer/*.bal file and compares a dump of
// its tokens and diagnostics with the .tokens file beside it.
func TestLexGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lexer", "*.bal"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden inputs in testdata/lexer")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			toks, diags := Tokenize(filepath.Base(file), src)
			if err := checkLexTokens(src, toks, diags); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, x := range toks {
				fmt.Fprintf(&b, "%d:%d\t%v\t%q\n", x.Pos.Line, x.Pos.Col, x.Kind, x.Text(src))
			}
			for _, d := range diags {
				fmt.Fprintf(&b, "diagnostic: %v\n", d.Error())
			}
			golden := strings.TrimSuffix(file, ".bal") + ".tokens"
			if *updateLexGolden {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -lexer.update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("tokens differ from %s (run with -lexer.update after checking):\n%s", golden, lexFirstDiff(got, string(want)))
			}
		})
	}
}

func lexFirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return ""
}

// checkLexTokens checks what must hold for any input: the tokens cover src
// exactly, in order and without gaps; only EOF is empty and it comes last;
// positions agree with a naive lexRecount of lines and columns; template
// tokens are properly nested; every token's text fits its kind; and
// diagnostics have valid positions.
func checkLexTokens(src []byte, toks []Token, diags []Diagnostic) error {
	if len(toks) == 0 || toks[len(toks)-1].Kind != EOF {
		return fmt.Errorf("token list does not end with EOF")
	}
	if len(toks) > len(src)+1 {
		return fmt.Errorf("%d tokens for %d bytes", len(toks), len(src))
	}
	lines, cols := lexRecount(src)
	var cat []byte
	off := 0
	var stack []bool // true: template, false: interpolation
	for i, t := range toks {
		if t.Pos.Offset != off {
			return fmt.Errorf("token %d (%v) starts at %d, want %d", i, t.Kind, t.Pos.Offset, off)
		}
		if t.End < t.Pos.Offset || t.End > len(src) {
			return fmt.Errorf("token %d (%v) has bad end %d", i, t.Kind, t.End)
		}
		if (t.End == t.Pos.Offset) != (t.Kind == EOF) {
			return fmt.Errorf("token %d (%v) at %d has length %d", i, t.Kind, off, t.End-t.Pos.Offset)
		}
		if t.Kind == EOF && i != len(toks)-1 {
			return fmt.Errorf("EOF before the end at token %d", i)
		}
		if t.Pos.Line != lines[off] || t.Pos.Col != cols[off] {
			return fmt.Errorf("token %d (%v) at offset %d: position %v, want %d:%d", i, t.Kind, off, t.Pos, lines[off], cols[off])
		}
		text := src[t.Pos.Offset:t.End]
		cat = append(cat, text...)
		off = t.End

		inTemplate := len(stack) > 0 && stack[len(stack)-1]
		switch t.Kind {
		case TemplateText:
			if !inTemplate {
				return fmt.Errorf("token %d: template text outside a template", i)
			}
		case TemplateEnd:
			if !inTemplate {
				return fmt.Errorf("token %d: template end outside a template", i)
			}
			stack = stack[:len(stack)-1]
		case InterpStart:
			if !inTemplate {
				return fmt.Errorf("token %d: interpolation start outside a template", i)
			}
			stack = append(stack, false)
		case EOF:
		default:
			if inTemplate {
				return fmt.Errorf("token %d: %v inside template text", i, t.Kind)
			}
			switch t.Kind {
			case TemplateStart:
				stack = append(stack, true)
			case InterpEnd:
				if len(stack) == 0 {
					return fmt.Errorf("token %d: interpolation end outside an interpolation", i)
				}
				stack = stack[:len(stack)-1]
			case DocLine:
				if len(stack) != 0 || text[0] != '#' || bytes.ContainsAny(text, "\r\n") {
					return fmt.Errorf("token %d: bad doc line %q", i, text)
				}
				for j := t.Pos.Offset - 1; j >= 0 && src[j] != '\n' && src[j] != '\r'; j-- {
					if src[j] != ' ' && src[j] != '\t' && !(j <= 2 && bytes.HasPrefix(src, []byte("\uFEFF"))) {
						return fmt.Errorf("token %d: doc line after code", i)
					}
				}
			case Comment:
				if !bytes.HasPrefix(text, []byte("//")) || bytes.ContainsAny(text, "\r\n") {
					return fmt.Errorf("token %d: bad comment %q", i, text)
				}
			case StringLit:
				if text[0] != '"' || bytes.ContainsAny(text, "\r\n") {
					return fmt.Errorf("token %d: bad string %q", i, text)
				}
			case Whitespace:
				rest := text
				if t.Pos.Offset == 0 {
					rest = bytes.TrimPrefix(rest, []byte("\uFEFF"))
				}
				if len(strings.Trim(string(rest), " \t\f\r\n")) != 0 {
					return fmt.Errorf("token %d: bad whitespace %q", i, text)
				}
			}
		}
		if len(stack) > MaxNesting {
			return fmt.Errorf("token %d: nesting %d exceeds MaxNesting", i, len(stack))
		}
	}
	if !bytes.Equal(cat, src) {
		return fmt.Errorf("tokens do not concatenate to the input")
	}
	prev := -1
	for _, d := range diags {
		o := d.Pos.Offset
		if o < 0 || o > len(src) || d.Pos.Line != lines[o] || d.Pos.Col != cols[o] {
			return fmt.Errorf("diagnostic %q has bad position %+v", d.Message, d.Pos)
		}
		if o < prev {
			return fmt.Errorf("diagnostic %q out of order", d.Message)
		}
		prev = o
	}
	return nil
}

// lexRecount returns the 1-based line and byte column of every offset of src,
// including len(src), counted naively.
func lexRecount(src []byte) (lines, cols []int) {
	lines = make([]int, len(src)+1)
	cols = make([]int, len(src)+1)
	line, col := 1, 1
	for i := 0; i <= len(src); i++ {
		lines[i], cols[i] = line, col
		if i == len(src) {
			break
		}
		c := src[i]
		if c == '\n' || c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return lines, cols
}

// genLexSource returns about n bytes of valid, varied Ballerina source.
func genLexSource(n int) []byte {
	const unit = `import ballerina/http;
import ballerinax/googleapis.gmail as gm;

# Adds parameter ` + "`x`" + ` and parameter ` + "`y`" + `.
# + x - one thing to be added
# + return - the sum
public isolated function add(int x, int y = 0x1F) returns int {
    // add them up
    int total = x + y * 2 - (x % 3);
    float f = 1.5e-3 + .5 + 12f;
    decimal d = 3.0d;
    string s = string ` + "`value: ${total} and ${f.toString()} $ { }`" + `;
    string q = "a \"quoted\" string\t\u{1F600}";
    map<map<int>> m = {a: {b: 1}};
    record {| int a; string 'type; |} r = {a: 1, 'type: "t"};
    if total >= 10 && total != 12 || !(total is int) {
        total += 1;
    }
    foreach int i in 0 ..< 10 {
        total = total << 1 >> 1;
    }
    xml x = xml ` + "`<a href=\"${s}\">${q}</a>`" + `;
    return total;
}

@http:ServiceConfig {cors: {allowOrigins: ["*"]}}
service /api on new http:Listener(9090) {
    resource function get users/[string id]() returns json|error {
        return {id: id, names: from var u in users where u.age > 18 select u.name};
    }
}

`
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(unit)
	}
	return b.Bytes()
}

func BenchmarkLex(b *testing.B) {
	src := genLexSource(1 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		l := NewLexer("bench.bal", src)
		for l.Next().Kind != EOF {
		}
	}
}

func BenchmarkTokenize(b *testing.B) {
	src := genLexSource(1 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Tokenize("bench.bal", src)
	}
}
