package manifest

import (
	"errors"
	"testing"
)

func TestParseTreePositions(t *testing.T) {
	src := "# c\n[package]\norg = \"foo\"\nname = \"bar\"\n\n[[dependency]]\norg = \"a\"\n[[dependency]]\n  org = \"b\"\nlist = [\n\t\"x\", 2]\n"
	root, err := parseTree([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pkg := root.Get("package")
	if pkg == nil || pkg.Value.Kind != KindTable {
		t.Fatalf("package = %+v", pkg)
	}
	if got, want := pkg.Value.Table.Pos, (Pos{2, 1}); got != want {
		t.Errorf("[package] at %v, want %v", got, want)
	}
	name := pkg.Value.Table.Get("name")
	if name.KeyPos != (Pos{4, 1}) || name.Value.Pos != (Pos{4, 8}) || name.Value.Str != "bar" {
		t.Errorf("name = %+v at key %v value %v", name.Value, name.KeyPos, name.Value.Pos)
	}
	deps := root.Get("dependency").Value
	if !isArrayOfTables(deps) || len(deps.Items) != 2 {
		t.Fatalf("dependency = %+v", deps)
	}
	second := deps.Items[1].Table
	if org := second.Get("org"); org.Value.Str != "b" || org.KeyPos != (Pos{9, 3}) {
		t.Errorf("second org = %q at %v", org.Value.Str, org.KeyPos)
	}
	list := second.Get("list").Value
	if len(list.Items) != 2 || list.Pos != (Pos{11, 2}) || list.Items[1].Int != 2 {
		t.Errorf("list = %+v at %v", list.Items, list.Pos)
	}
}

func TestParseTreeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		pos  Pos
	}{
		{"duplicate key", "a = 1\na = 2\n", Pos{2, 1}},
		{"table twice", "[a]\nx = 1\n[a]\n", Pos{3, 1}},
		{"array table over value", "a = 1\n[[a]]\n", Pos{2, 1}},
		{"table over static array", "a = [1]\n[a]\n", Pos{2, 1}},
		{"dotted into header table", "[a]\nx=1\n[b]\n[c]\n", Pos{}},
		{"extend inline", "a = {x = 1}\n[a.y]\n", Pos{2, 1}},
		{"syntax", "a = \n", Pos{1, 5}},
		{"unterminated", "[a", Pos{1, 2}},
		{"bad escape", "a = \"\\q\"\n", Pos{1, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTree([]byte(tt.src))
			if tt.pos == (Pos{}) {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var se *syntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a syntaxError", err)
			}
			if se.Pos.Line != tt.pos.Line {
				t.Errorf("error %q at %v, want line %d", se.Msg, se.Pos, tt.pos.Line)
			}
		})
	}
}
