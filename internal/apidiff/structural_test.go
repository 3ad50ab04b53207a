package apidiff

import (
	"slices"
	"strings"
	"testing"
)

// diffOf compares two single-file versions of module "m".
func diffOf(t *testing.T, oldSrc, newSrc string, opts Options) *Diff {
	t.Helper()
	o := ParseModule("m", map[string][]byte{"m.bal": []byte(oldSrc)})
	n := ParseModule("m", map[string][]byte{"m.bal": []byte(newSrc)})
	for _, m := range []*Module{o, n} {
		for _, f := range m.Files {
			for _, d := range f.Diagnostics {
				t.Fatalf("test source does not parse: %v", d)
			}
		}
	}
	return CompareModules(n, o, opts)
}

// messages returns the messages of d's leaves, in order, each followed by
// its impact: "field 'x' is removed (major)".
func messages(d *Diff) []string {
	var out []string
	var walk func(*Diff)
	walk = func(n *Diff) {
		if len(n.Children) == 0 {
			m := n.Message
			if m == "" {
				m = n.Kind + " '" + n.Name + "' is " + n.Type.verb()
			}
			out = append(out, m+" ("+n.Impact.String()+")")
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	if d != nil {
		walk(d)
	}
	return out
}

// TestStructuralTypeRules checks every rule of "Beyond the reference" in
// the package documentation, with its example.
func TestStructuralTypeRules(t *testing.T) {
	tests := []struct {
		name, old, new string
		impact         string // package impact; "" for no change
		want           []string
	}{
		{"optional field added", "public type P record { string name; };", "public type P record { string name; int age?; };",
			"minor", []string{"new optional field 'age' is added (minor)"}},
		{"defaultable field added", "public type P record { string name; };", "public type P record { string name; int age = 0; };",
			"minor", []string{"new defaultable field 'age' is added (minor)"}},
		{"required field added", "public type P record { string name; };", "public type P record { string name; int age; };",
			"major", []string{"new required field 'age' is added (major)"}},
		{"field removed", "public type P record { string name; int age; };", "public type P record { string name; };",
			"major", []string{"field 'age' is removed (major)"}},
		{"required to optional", "public type P record { int age; };", "public type P record { int age?; };",
			"major", []string{"field 'age' is changed from required to optional (major)"}},
		{"optional to required", "public type P record { int age?; };", "public type P record { int age; };",
			"major", []string{"field 'age' is changed from optional to required (major)"}},
		{"readonly added", "public type P record { int age; };", "public type P record { readonly int age; };",
			"major", []string{"'readonly' qualifier is added to field 'age' (major)"}},
		{"readonly removed", "public type P record { readonly int age; };", "public type P record { int age; };",
			"ambiguous", []string{"'readonly' qualifier is removed from field 'age' (ambiguous)"}},
		{"field type changed", "public type P record { int age; };", "public type P record { float age; };",
			"ambiguous", []string{"type of field 'age' is changed from 'int' to 'float' (ambiguous)"}},
		{"default added", "public type P record { int age; };", "public type P record { int age = 18; };",
			"minor", []string{"default value is added to field 'age' (minor)"}},
		{"default removed", "public type P record { int age = 18; };", "public type P record { int age; };",
			"major", []string{"default value of field 'age' is removed (major)"}},
		{"default changed, literals", "public type P record { int age = 18; };", "public type P record { int age = 21; };",
			"minor", []string{"default value of field 'age' is changed from '18' to '21' (minor)"}},
		{"default changed, expression", "public type P record { int age = 18; };", "public type P record { int age = MIN; };",
			"ambiguous", []string{"default value of field 'age' is changed from '18' to 'MIN' (ambiguous)"}},
		{"rest field added", "public type P record {| int a; |};", "public type P record {| int a; string...; |};",
			"ambiguous", []string{"rest field of type 'string' is added (ambiguous)"}},
		{"rest field removed", "public type P record {| int a; string...; |};", "public type P record {| int a; |};",
			"major", []string{"rest field of type 'string' is removed (major)"}},
		{"inclusion added", "public type P record { *Q; };", "public type P record { *Q; *R; };",
			"ambiguous", []string{"type inclusion '*R' is added (ambiguous)"}},
		{"order and layout", "public type P record { int a; int b; };", "public type P record {\n    int b;\n    int a; // the first\n};",
			"", nil},
		{"field documentation", "public type P record { int a; };", "public type P record {\n    # The a.\n    int a;\n};",
			"patch", []string{"documentation is added (patch)"}},
		{"object: public method added", "public type O object { public function f(); };",
			"public type O object { public function f(); public function g(); };",
			"major", []string{"function 'g' is added (major)"}},
		{"object: public method removed", "public type O object { public function f(); public function g(); };",
			"public type O object { public function f(); };",
			"major", []string{"function 'g' is removed (major)"}},
		{"object: remote method added", "public type O client object { remote function f(); };",
			"public type O client object { remote function f(); remote function g(); };",
			"major", []string{"remote function 'g' is added (major)"}},
		{"object: private method added", "public type O object { function f(); };",
			"public type O object { function f(); function g(); };",
			"patch", []string{"function 'g' is added (patch)"}},
		{"object: public field added", "public type O object { public int n; };",
			"public type O object { public int n; public string s; };",
			"major", []string{"object field 's' is added (major)"}},
		{"object: method changed", "public type O object { public function f(int a); };",
			"public type O object { public function f(int a, int b = 1); };",
			"minor", []string{"new defaultable parameter 'b' is added (minor)"}},
		{"object: field type changed", "public type O object { public int n; };", "public type O object { public float n; };",
			"ambiguous", []string{"object field type changed from 'int' to 'float' (ambiguous)"}},
		{"private type: change is patch", "type P record { string name; };", "type P record { };",
			"patch", []string{"field 'name' is removed (major)"}},

		// Where the rules do not apply, the reference's textual rule does.
		{"record to object", "public type P record { int x; };", "public type P object { int x; };",
			"ambiguous", []string{"type descriptor is modified (ambiguous)"}},
		{"distinct added", "public type P object { };", "public type P distinct object { };",
			"ambiguous", []string{"type descriptor is modified (ambiguous)"}},
		{"open to closed", "public type P record { int x; };", "public type P record {| int x; |};",
			"ambiguous", []string{"type descriptor is modified (ambiguous)"}},
		{"readonly intersection added", "public type P record { int x; };", "public type P readonly & record { int x; };",
			"ambiguous", []string{"type descriptor is modified (ambiguous)"}},
		{"union", "public type P int|float;", "public type P float|int;",
			"ambiguous", []string{"type descriptor is modified (ambiguous)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diffOf(t, tt.old, tt.new, Options{})
			impact := ""
			if d != nil {
				impact = d.Impact.String()
			}
			if got := messages(d); impact != tt.impact || !slices.Equal(got, tt.want) {
				t.Errorf("impact %q, changes %q; want %q, %q", impact, got, tt.impact, tt.want)
			}
			// The reference's rule, for comparison: any textual change of
			// the descriptor is Ambiguous.
			u := diffOf(t, tt.old, tt.new, Options{Upstream: true})
			if u == nil || !strings.Contains(strings.Join(messages(u), "\n"), "type descriptor is modified") {
				if !strings.Contains(tt.name, "documentation") {
					t.Errorf("Upstream mode: %q, want the textual rule", messages(u))
				}
			}
		})
	}
}
