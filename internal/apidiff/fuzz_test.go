package apidiff

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

// FuzzCompare diffs two arbitrary sources: whatever the parser makes of
// them, the comparison must not panic, must say "no change" for a source
// against itself, and must produce a tree whose JSON is valid and whose
// inner nodes are Modified with at least one child.
func FuzzCompare(f *testing.F) {
	f.Add("public function f(int a) returns int { return a; }", "public function f(int a, int b = 1) returns string => \"\";")
	f.Add("public class C { public int n = 1; remote function r() {} }", "public isolated client class C { private int n; }")
	f.Add("service /a on l { resource function get x/[int id]() {} int f = 1; }", "service /a on l, m { }")
	f.Add("public type P record {| int a; string...; |};", "public type P record { *Q; int a?; };")
	f.Add("public type O object { public function f(); };", "# doc\n@a {x: 1}\npublic type O distinct object { };")
	f.Add("public enum E { A, B = \"b\" }\npublic const X = 1;", "enum E { A }\nconfigurable int X = ?;")
	f.Add("public function f(", "type T record { int")
	f.Fuzz(func(t *testing.T, oldSrc, newSrc string) {
		o := ParseModule("m", map[string][]byte{"a.bal": []byte(oldSrc)})
		n := ParseModule("m", map[string][]byte{"a.bal": []byte(newSrc)})
		for _, opts := range []Options{{}, {Upstream: true}} {
			if d := CompareModules(o, o, opts); d != nil {
				t.Fatalf("a source compared with itself has changes: %s", mustJSON(t, d))
			}
			d := CompareModules(n, o, opts)
			if d == nil {
				continue
			}
			data := mustJSON(t, d)
			if !json.Valid(data) {
				t.Fatalf("invalid JSON: %s", data)
			}
			checkShape(t, d)
			if err := WriteTree(io.Discard, d); err != nil {
				t.Fatal(err)
			}
			_ = WriteSuggestion(io.Discard, "1.0.0", version.MustParse("1.0.0"), d)
		}
	})
}

func mustJSON(t *testing.T, d *Diff) []byte {
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkShape checks the invariants of a tree: a node with children is
// Modified; a childless node is an addition, a removal, or has a message.
func checkShape(t *testing.T, d *Diff) {
	t.Helper()
	if len(d.Children) > 0 && d.Type != Modified {
		t.Fatalf("%s node with children is %s", d.Kind, d.Type)
	}
	if len(d.Children) == 0 && d.Type != New && d.Type != Removed && d.Message == "" {
		t.Fatalf("empty %s node", d.Kind)
	}
	for _, c := range d.Children {
		checkShape(t, c)
	}
}
