package apidiff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

func TestJSONForm(t *testing.T) {
	d := diffOf(t, "@a\npublic function add(int x) {}\npublic class C {}",
		"@a\npublic function add(int x, int z) {}\n@b\npublic class C {}", Options{})
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"package","type":"modified","versionImpact":"major","childDiffs":[` +
		`{"kind":"module","type":"modified","versionImpact":"major","childDiffs":[` +
		`{"kind":"function","type":"modified","versionImpact":"major","childDiffs":[` +
		`{"kind":"unknown","type":"new","versionImpact":"major","message":"new required parameter 'z' is added"}]},` +
		`{"kind":"class","type":"modified","versionImpact":"ambiguous","childDiffs":[` +
		`[{"kind":"service annotation","type":"new","versionImpact":"ambiguous","message":"a new service annotation list is added"}]]}]}]}`
	if string(data) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", data, want)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Errorf("not valid JSON: %v", err)
	}
}

func TestWriteTreeAndSummaries(t *testing.T) {
	d := diffOf(t, "public function add(int x) returns int { return x; }\npublic function old() {}\nfunction helper() {}",
		"public function add(int x, int z) returns int { return x + z; }\nfunction helper() { }", Options{})
	var tree strings.Builder
	if err := WriteDiffSummary(&tree, "1.0.1", version.MustParse("1.0.0"), d); err != nil {
		t.Fatal(err)
	}
	want := `
================================================================
 Comparing version '1.0.1'(local) with version '1.0.0'(central) 
================================================================
[+-] package 'm' is modified [version impact: MAJOR]
  [+-] module 'm' is modified [version impact: MAJOR]
    [--] function 'old' is removed [version impact: MAJOR]
    [+-] function 'add' is modified [version impact: MAJOR]
      [++] new required parameter 'z' is added [version impact: MAJOR]
      [+-] function body is modified [version impact: PATCH]
    [+-] function 'helper' is modified [version impact: PATCH]
      [+-] function body is modified [version impact: PATCH]
`
	if tree.String() != want {
		t.Errorf("diff summary:\n%s\nwant\n%s", tree.String(), want)
	}
	var sum strings.Builder
	if err := WriteSuggestion(&sum, "1.0.1", version.MustParse("1.0.0"), d); err != nil {
		t.Fatal(err)
	}
	wantSum := `
current version: 1.0.1
compatibility impact (compared with the release version '1.0.0'): backward-incompatible changes detected
suggested version: 2.0.0
`
	if sum.String() != wantSum {
		t.Errorf("suggestion:\n%s\nwant\n%s", sum.String(), wantSum)
	}

	// No change.
	sum.Reset()
	tree.Reset()
	_ = WriteSuggestion(&sum, "1.0.0", version.MustParse("1.0.0"), nil)
	_ = WriteDiffSummary(&tree, "1.0.0", version.MustParse("1.0.0"), nil)
	if !strings.Contains(sum.String(), "): no changes detected\nsuggested version: 1.0.0\n") || tree.String() != "no changes detected\n" {
		t.Errorf("no changes: %q, %q", sum.String(), tree.String())
	}
}

func TestAmbiguousSummaryListsTheChanges(t *testing.T) {
	// The ambiguous leaves behind the verdict are listed, also inside a
	// class method; the private function's change, made Patch, is not.
	d := diffOf(t, "public class C { public function f(int a) {} }\nfunction g(int a) {}\npublic const X = 1;",
		"public class C { public function f(float a) {} }\nfunction g(float a) {}\npublic const X = 2;", Options{})
	var b strings.Builder
	_ = WriteSuggestion(&b, "0.2.0", version.MustParse("0.1.0"), d)
	want := `
current version: 0.2.0
compatibility impact (compared with the release version '0.1.0'): one or more changes detected with ambiguous level of impact. the developer is expected to manually review the changes below and choose an appropriate version
      [+-] module constant initializer is modified [version impact: AMBIGUOUS]
      [+-] type of parameter 'a' is changed from 'int' to 'float' [version impact: AMBIGUOUS]
suggested version: 0.2.0
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestSuggest(t *testing.T) {
	d := func(i Impact) *Diff { return &Diff{Impact: i} }
	tests := []struct {
		prev string
		d    *Diff
		want string
	}{
		{"1.2.3", nil, "1.2.3"},
		{"1.2.3", d(Major), "2.0.0"},
		{"1.2.3", d(Ambiguous), "2.0.0"},
		{"0.2.3", d(Major), "0.3.0"},
		{"1.2.3", d(Minor), "1.3.0"},
		{"0.2.3", d(Minor), "0.3.0"},
		{"1.2.3", d(Patch), "1.2.4"},
		{"1.2.3-beta.1", d(Patch), "1.2.4"},
		{"1.2.3", d(Unknown), "N/A"},
		{"99999999999999999999.0.0", d(Major), "100000000000000000000.0.0"},
	}
	for _, tt := range tests {
		if got := Suggest(version.MustParse(tt.prev), tt.d); got != tt.want {
			t.Errorf("Suggest(%s, %v) = %s, want %s", tt.prev, tt.d, got, tt.want)
		}
	}
}

func TestJavaHashOrder(t *testing.T) {
	// Java: "a".hashCode() = 97 → bucket 1; "z" = 122 → bucket 10;
	// "add" = 96417 → (96417 ^ 1) & 15 = 0.
	if got := javaHashOrder([]string{"z", "a", "add"}); !slices.Equal(got, []string{"add", "a", "z"}) {
		t.Errorf("order %q", got)
	}
	if javaStringHash("hello") != 99162322 || javaStringHash("") != 0 {
		t.Errorf("String.hashCode: %d", javaStringHash("hello"))
	}
	// Overflow wraps as in Java: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
	if javaStringHash("polygenelubricants") != -2147483648 {
		t.Errorf("overflow: %d", javaStringHash("polygenelubricants"))
	}
	// Past 12 keys the table doubles: "a" (97) and "q" (113) share bucket
	// 1 of 16 but not of 32.
	var keys []string
	for c := 'q'; c >= 'a'; c-- {
		keys = append(keys, string(c))
	}
	got := javaHashOrder(keys)
	want := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q"}
	if !slices.Equal(got, want) {
		t.Errorf("32 buckets: %q", got)
	}
	// A repeated key keeps its first place.
	if got := javaHashOrder([]string{"q", "a", "q"}); !slices.Equal(got, []string{"q", "a"}) {
		t.Errorf("16 buckets, same bucket: %q", got)
	}
}

func TestFunctionRules(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []string
	}{
		{"private function removed is still major", "function f() {}", "",
			[]string{"function 'f' is removed (major)"}},
		{"private function change is patch", "function f(int a) {}", "function f() {}",
			[]string{"required parameter 'a' is removed (major)"}},
		{"remote method of a client class", "public client class C { remote function f() {} }",
			"public client class C { remote function f(int a) {} }",
			[]string{"new required parameter 'a' is added (major)"}},
		{"resource path key", "service /s on l { resource function get a/[int id]/b() {} }",
			"service /s on l { resource function get a/[string id]/b() {} resource function post a() {} }",
			[]string{"resource function 'postA' is added (minor)"}},
		{"default value, literals", "public function f(int y = 7) {}", "public function f(int y = 5) {}",
			[]string{"default value of parameter 'Optional[y ]' is changed from '7' to '5' (minor)"}},
		{"default value, expression", "public function f(int y=7) {}", "public function f(int y=X) {}",
			[]string{"default value of parameter 'Optional[y]' is changed from '7' to 'X' (ambiguous)"}},
		{"return type message keeps the trailing space", "public function f() returns int {}",
			"public function f() returns string {}",
			[]string{"return type is changed from 'int ' to 'string ' (ambiguous)"}},
		{"expression body", "public function f() returns int => 1;", "public function f() returns int =>  1;",
			[]string{"function body is modified (patch)"}},
		{"layout after the body counts, as upstream", "public function f() {}", "public function f() {} ",
			[]string{"function body is modified (patch)"}},
		{"included record parameter", "public function f(*Opts o) {}", "public function f(*Opts o, *More m) {}",
			[]string{"new parameter 'm' is added (major)"}},
		{"quoted name is the same name", "public function 'foo() {}", "public function foo() {}", nil},
		{"listeners, annotation declarations and imports are not compared",
			"listener http:Listener l = new(8080);\nannotation A;", "listener http:Listener l = new(9090);", nil},
		{"service without attach point is ignored", "service on l { }", "service on l { resource function get a() {} }", nil},
		{"configurable", "configurable int port = 8080;", "configurable int port = ?;",
			[]string{"module variable initializer is modified (ambiguous)"}},
		{"enum member value", "public enum E { A = \"a\" }", "public enum E { A = \"b\", B }",
			[]string{"new enum member 'B' is added (minor)", "enum member value is modified (ambiguous)"}},
		{"module variable with a binding pattern", "public [int, int] [a, b] = [1, 2];", "public [int, int] [a, b] = [1, 3];",
			[]string{"module variable initializer is modified (ambiguous)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diffOf(t, tt.old, tt.new, Options{})
			if got := messages(d); !slices.Equal(got, tt.want) {
				t.Errorf("changes %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCompareModules(t *testing.T) {
	mod := func(name, src string) *Module {
		return ParseModule(name, map[string][]byte{"a.bal": []byte(src)})
	}
	oldPkg := &Package{Name: "p", Modules: []*Module{mod("p", "public function f() {}"), mod("p.gone", "")}}
	newPkg := &Package{Name: "p", Modules: []*Module{mod("p", "public function f() {}"), mod("p.util", "")}}
	d := Compare(newPkg, oldPkg, Options{})
	if got := messages(d); !slices.Equal(got, []string{"module 'p.util' is added (minor)", "module 'p.gone' is removed (major)"}) {
		t.Errorf("modules: %q", got)
	}
	if Compare(oldPkg, oldPkg, Options{}) != nil {
		t.Error("a package compared with itself has changes")
	}
}

func TestLoadBala(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"organization":"acme","name":"hello","version":"1.0.0","modules":[{"name":"hello.util"},{"name":"hello"}]}`)
	write("modules/hello/hello.bal", "public function hello() {}")
	write("modules/hello/README.md", "not source")
	write("modules/hello.util/util.bal", "public function util() {}")
	p, err := LoadBala(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Org != "acme" || p.Name != "hello" || p.Version != "1.0.0" || len(p.Modules) != 2 ||
		p.Modules[0].Name != "hello" || p.Modules[1].Name != "hello.util" ||
		len(p.Modules[0].Files) != 1 || len(p.Modules[1].Files) != 1 {
		t.Fatalf("loaded %+v", p)
	}
	if _, err := LoadBala(filepath.Join(dir, "missing")); err == nil {
		t.Error("no error for a missing bala")
	}
}
