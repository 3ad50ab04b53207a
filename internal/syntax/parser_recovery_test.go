package syntax

import (
	"strings"
	"testing"
)

func TestParseRecovery(t *testing.T) {
	runParseCases(t, []parseCase{
		{"broken parameter list in the middle", `import ballerina/io;

function ok1() {}

function broken(int x {
    return;
}

public function ok2() returns int => 1;
type T int;
`, `
import org="ballerina" module="io" prefix="" @1:1
function ok1 @3:1
  body block "{}"
function broken @5:1
  param REQUIRED_PARAM type="int" name=x
  body none
function ok2 quals=[public] public @9:1
  returns "int"
  body expr "1"
type T @10:1
  type "int"
diag 5:16 error: '(' is not closed
diag 5:23 error: expected ',' or ')' after parameter, found '{'
`},
		{"missing semicolon after a variable", "int x = 1\nfunction f() {}\nint y = 2;", `
variable x @1:1
  type "int"
  init "1"
function f @2:1
  body block "{}"
variable y @3:1
  type "int"
  init "2"
diag 2:1 error: expected ';' after variable declaration, found 'function'
`},
		{"garbage between declarations", "int x = 1;\n% $ 12 foo(bar);\nfunction f() {}", `
variable x @1:1
  type "int"
  init "1"
function f @3:1
  body block "{}"
diag 2:1 error: expected a module-level declaration, found '%'
diag 2:3 error: unexpected character '$'
`},
		{"statement at module level", "foo(bar);\nint y = 1;", `
variable y @2:1
  type "int"
  init "1"
diag 1:4 error: expected variable name or binding pattern after the type, found '('
`},
		{"stray closing brace", "}\nint x = 1;", `
variable x @2:1
  type "int"
  init "1"
diag 1:1 error: expected a module-level declaration, found '}'
`},
		{"unterminated block at end of file", "import a/b;\nfunction f() {\n    if x {\n        y();\n", `
import org="a" module="b" prefix="" @1:1
function f @2:1
  body block "{\n    if x {\n        y();"
diag 2:14 error: '{' is not closed
`},
		{"unterminated function body before a declaration in column 1", "function f() {\n    if x {\n        y();\n    }\n\npublic function g() {}\ntype T int;\n", `
function f @1:1
  body block "{\n    if x {\n        y();\n    }"
function g quals=[public] public @6:1
  body block "{}"
type T @7:1
  type "int"
diag 1:14 error: '{' is not closed
`},
		{"unindented body statements do not end the body", "function f() {\nint x = 1;\nfunction () g = function () {};\nxmlns \"u\" as u;\n}\nint y = 2;", `
function f @1:1
  body block "{\nint x = 1;\nfunction () g = function () {};\nxmlns \"u\" as u;\n}"
variable y @6:1
  type "int"
  init "2"
`},
		{"mismatched brackets in a body", "function f() { ( ] }\nint z = 0;", `
function f @1:1
  body block "{ ( ] }"
variable z @2:1
  type "int"
  init "0"
diag 1:16 error: '(' is not closed
diag 1:18 error: unexpected ']'
`},
		{"class member errors", "class C {\n    int x\n    function f() {}\n    int = 3;\n    int y;\n}", `
class C @1:1
  field x type="int"
  field y type="int"
  function f @3:5
    body block "{}"
diag 3:5 error: expected ';' after field declaration, found 'function'
diag 4:9 error: expected field name after the type, found '='
`},
		{"class without closing brace", "class C {\n    int x;\n\ntype T int;\nconst K = 1;", `
class C @1:1
  field x type="int"
type T @4:1
  type "int"
const K @5:1
  value "1"
diag 4:1 error: expected '}' to close the class body opened at 1:9, found 'type'
`},
		{"record body closed by the wrong brace", "type R record {| int a; };\nint n = 1;", `
type R @1:1
  type "record {| int a; }"
  structure record closed=true
    field a type="int"
variable n @2:1
  type "int"
  init "1"
diag 1:25 error: expected '|}' to close the record type body opened at 1:15, found '}'
`},
		{"missing function name", "function 1() {}\nfunction g() {}", `
function g @2:1
  body block "{}"
diag 1:10 error: expected function name, found '1'
`},
		{"missing return type", "function f() returns {}\nfunction g() {}", `
function f @1:1
  body none
function g @2:1
  body block "{}"
diag 1:22 error: expected type descriptor, found '{'
`},
		{"service without on", "service /x ep {}\nint a = 1;", `
service @1:1
  attach "/x ep"
variable a @2:1
  type "int"
  init "1"
diag 1:15 error: expected 'on' before the listeners of a service declaration, found '{'
`},
		{"bad enum member", "enum E { A, 1, B }\nint a = 1;", `
enum E @1:1
  member A
  member B
variable a @2:1
  type "int"
  init "1"
diag 1:13 error: expected enum member name, found '1'
`},
		{"disallowed qualifiers", "final function f() {}\nconfigurable type T int;\npublic public int x = 1;", `
function f quals=[final] @1:1
  body block "{}"
type T quals=[configurable] @2:1
  type "int"
variable x quals=[public public] public @3:1
  type "int"
  init "1"
diag 1:1 error: qualifier 'final' is not allowed on a function
diag 2:1 error: qualifier 'configurable' is not allowed on a type definition
diag 3:8 error: duplicate qualifier 'public'
`},
		{"unterminated template", "int a = 1;\nstring s = string `abc ${x} def\nint b = 2;\n", `
variable a @1:1
  type "int"
  init "1"
variable s @2:1
  type "string"
  init "string ` + "`abc ${x} def\\nint b = 2;\\n" + `"
diag 2:19 error: unterminated template literal: no closing backtick
diag 4:1 error: expected ';' after variable declaration, found end of file
`},
		{"annotation without tag", "@ 1\nint x = 1;", `
variable x @2:1
  type "int"
  init "1"
diag 1:3 error: expected annotation tag after '@', found '1'
`},
	})
}

// TestParseImportsAlwaysReturned checks that imports survive any amount of
// breakage after them.
func TestParseImportsAlwaysReturned(t *testing.T) {
	src := "import a/b;\nimport c/d as e;\n" + strings.Repeat("function ( { [ ) } ] `${ \n", 50)
	f := ParseFile("t.bal", []byte(src), 0)
	checkModel(t, f)
	if len(f.Imports) != 2 || f.Imports[0].Module != "b" || f.Imports[1].Prefix != "e" {
		t.Errorf("imports: %s", dumpFile(f))
	}
	if len(f.Diagnostics) == 0 {
		t.Error("no diagnostics for a broken file")
	}
}

// TestParsePathological parses ~1 MB inputs built to stress nesting and
// recovery: they must complete with diagnostics and without panicking.
func TestParsePathological(t *testing.T) {
	const mb = 1 << 20
	cases := []struct {
		name, src, diag string
	}{
		{"deep parens", "int x = " + strings.Repeat("(", mb), "nesting too deep"},
		{"deep braces", "function f() " + strings.Repeat("{", mb), "nesting too deep"},
		{"deep brackets in a type", "type T " + strings.Repeat("[", mb), "nesting too deep"},
		{"deep type parameters", "type T " + strings.Repeat("map<", mb/4), "nesting too deep"},
		{"deep templates", "string s = " + strings.Repeat("`${", mb/3), "nesting too deep"},
		{"unterminated templates", strings.Repeat("string s = `abc ${x\n", mb/20), "unterminated"},
		{"closers only", strings.Repeat(")}]|}", mb/5), "expected a module-level declaration"},
		{"many broken declarations", strings.Repeat("function f(int x { public type ; class { } @a\n", mb/48), "expected"},
		{"deep then shallow", "int x = " + strings.Repeat("(", 2000) + strings.Repeat(")", 2000) + ";\nint y = 1;", "nesting too deep"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := ParseFile("big.bal", []byte(tc.src), 0)
			if len(f.Diagnostics) > 0 && strings.HasPrefix(f.Diagnostics[0].Message, "internal parser error") {
				t.Fatal(f.Diagnostics[0].Message)
			}
			checkModel(t, f)
			if !strings.Contains(dumpDiags(f), tc.diag) {
				t.Errorf("no diagnostic containing %q; got %d diagnostics, first: %.300s", tc.diag, len(f.Diagnostics), dumpDiags(f))
			}
			f2 := ParseFile("big.bal", []byte(tc.src), ImportsOnly)
			checkModel(t, f2)
		})
	}
	// After deep but balanced nesting, parsing continues normally.
	f := ParseFile("t.bal", []byte("int x = "+strings.Repeat("(", 2000)+strings.Repeat(")", 2000)+";\nint y = 1;"), 0)
	if len(f.Decls) != 2 || f.Decls[1].Common().Name.Text != "y" {
		t.Errorf("after deep nesting: %s", dumpFile(f))
	}
}

func TestParseAnnotationDeclMissingSemicolon(t *testing.T) {
	runParseCases(t, []parseCase{
		{"attach points end at the line", "annotation A on function\nint x = 1;", `
annotation A @1:1
  on ["function"]
variable x @2:1
  type "int"
  init "1"
diag 2:1 error: expected ';' after annotation declaration, found 'int'
`},
		{"attach points may follow on new lines", "annotation A on\n    function,\n    object field;", `
annotation A @1:1
  on ["function" "object field"]
`},
	})
}
