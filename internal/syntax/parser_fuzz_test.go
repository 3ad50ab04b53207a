package syntax

import (
	"strings"
	"testing"
)

// parserFuzzSeeds are corpus-style snippets: every declaration kind, the
// tricky spots (return types with braces, templates, resource paths) and a
// few broken inputs.
var parserFuzzSeeds = []string{
	"import ballerina/http;\nimport ballerinax/googleapis.gmail as gm;\nimport a/'b.c as _;\n",
	"public function add(int x, int y = 2, *Opts o, string... rest) returns int { return x + y; }",
	"function f() returns record {| int a; |} { return {a: 1}; }\nfunction g() returns map<record {}> => {};",
	"function e() = @java:Method {name: \"x\"} external;\n",
	"public isolated client class C {\n *B;\n private final int x = 1;\n remote function get() returns string|error { return \"\"; }\n resource function get users/[int id]/orders(string s = \"x\") returns json => {};\n}",
	"service /hello on new http:Listener(9090), ep {\n resource function get greeting() returns string { return \"Hello\"; }\n}",
	"# Doc\n# + x - the x\n# # Deprecated\n@deprecated\n@display {label: \"x\"}\npublic type T record {| readonly int a; string b?; int c = 1; *R; anydata...; |};",
	"type O distinct isolated object { public int x; function f() returns int; };\ntype U int|string?;\n",
	"public enum Color { # red\n RED, @a GREEN = \"g\", BLUE }\nconst int X = 1;\nlistener http:Listener l = new (8080);",
	"public const annotation record {| string s; |} A on source function, object field;\nxmlns \"http://x\" as x;",
	"public configurable int port = ?;\nfinal var [a, b] = [1, 2];\nisolated map<int> m = {};\n",
	"string s = string `a ${ {b: \"}\"}[\"b\"] } // # ${ `nested ${x}` }`;\n",
	"function broken(int x {\n}\nint y = 1\nclass C { int z\n}\n}}} ]] ) @ # \"unterminated\n`template ${",
	"import a/b\nimport ;\nimport c/d as e; import c/d;\nint x = 1;\nimport late/one;",
}

func FuzzParseFile(f *testing.F) {
	for _, s := range parserFuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		full := parseFile("fuzz.bal", src, 0) // no recover: a panic fails the test
		if full == nil {
			t.Fatal("nil File")
		}
		if string(full.Src) != string(src) {
			t.Fatal("File.Src is not the input")
		}
		checkModel(t, full)
		fast := parseFile("fuzz.bal", src, ImportsOnly)
		checkModel(t, fast)
		if len(fast.Decls) != 0 {
			t.Fatalf("ImportsOnly returned %d declarations", len(fast.Decls))
		}
		for _, d := range full.Diagnostics {
			if strings.Contains(d.Message, "import") {
				return // late or misplaced imports: ImportsOnly stops before them
			}
		}
		if len(fast.Imports) != len(full.Imports) {
			t.Fatalf("ImportsOnly found %d imports, the full parse %d:\n%s", len(fast.Imports), len(full.Imports), dumpFile(full))
		}
		for i := range fast.Imports {
			if *fast.Imports[i] != *full.Imports[i] {
				t.Fatalf("import %d: ImportsOnly %+v, full %+v", i, *fast.Imports[i], *full.Imports[i])
			}
		}
	})
}

// TestParseFileNeverNil checks the trivial inputs.
func TestParseFileNeverNil(t *testing.T) {
	for _, src := range []string{"", " ", "\n", "\xef\xbb\xbf", "//", "#", "@", "import", "}", "`", "\"", "'"} {
		for _, mode := range []Mode{0, ImportsOnly} {
			f := ParseFile("t.bal", []byte(src), mode)
			if f == nil {
				t.Fatalf("%q: nil File", src)
			}
			checkModel(t, f)
			if f.Path != "t.bal" || string(f.Src) != src {
				t.Errorf("%q: Path %q, Src %q", src, f.Path, f.Src)
			}
		}
	}
}
