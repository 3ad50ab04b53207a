package syntax

import (
	"reflect"
	"strings"
	"testing"
)

// docCases drives TestParseDoc and seeds FuzzParseDoc. want.Raw is filled
// in by the test: it is always the lines joined with "\n".
var docCases = []struct {
	name  string
	lines []string
	want  Doc
}{
	{
		name: "spec example",
		lines: []string{
			"# Adds parameter `x` and parameter `y`",
			"# + x - one thing to be added",
			"# + y - another thing to be added",
			"# + return - the sum of them",
		},
		want: Doc{
			Description: "Adds parameter `x` and parameter `y`",
			Params: []DocParam{
				{Name: "x", Description: "one thing to be added"},
				{Name: "y", Description: "another thing to be added"},
			},
			Return:    "the sum of them",
			HasReturn: true,
		},
	},
	{
		name: "deprecation spec example",
		lines: []string{
			"# Adds parameter `x` and parameter `y`",
			"#",
			"# + x - one thing to be added",
			"# + y - another thing to be added",
			"# + return - the sum of them",
			"#",
			"# # Deprecated",
			"# This function has side-effects. It relies on a module-level variable.  ",
			"# Users of this function should instead use the function `addNew`",
		},
		want: Doc{
			Description: "Adds parameter `x` and parameter `y`",
			Params: []DocParam{
				{Name: "x", Description: "one thing to be added"},
				{Name: "y", Description: "another thing to be added"},
			},
			Return:     "the sum of them",
			HasReturn:  true,
			Deprecated: true,
			DeprecatedDoc: "This function has side-effects. It relies on a module-level variable.  \n" +
				"Users of this function should instead use the function `addNew`",
		},
	},
	{name: "no lines", lines: nil, want: Doc{}},
	{name: "only hash", lines: []string{"#"}, want: Doc{}},
	{name: "blank lines only", lines: []string{"#", "#  ", "#\t"}, want: Doc{}},
	{
		name:  "one space removed, no more",
		lines: []string{"#  two spaces", "#no space", "#\ttab", "# one"},
		want:  Doc{Description: " two spaces\nno space\n\ttab\none"},
	},
	{
		name:  "carriage returns dropped from texts",
		lines: []string{"# Line one\r", "# + x - the x\r", "#\r", "# + return - r\r"},
		want: Doc{
			Description: "Line one",
			Params:      []DocParam{{Name: "x", Description: "the x"}},
			Return:      "r", HasReturn: true,
		},
	},
	{
		name:  "blank lines around the description dropped, inside kept",
		lines: []string{"#", "# First paragraph.", "#", "#", "# Second paragraph.", "#", "#", "# + a - b"},
		want: Doc{
			Description: "First paragraph.\n\n\nSecond paragraph.",
			Params:      []DocParam{{Name: "a", Description: "b"}},
		},
	},
	{
		name:  "unicode",
		lines: []string{"# Grüße, 世界 — ünïcödé", "# + 名前 - 名前の説明", "# + café - ☕"},
		want: Doc{
			Description: "Grüße, 世界 — ünïcödé",
			Params:      []DocParam{{Name: "名前", Description: "名前の説明"}, {Name: "café", Description: "☕"}},
		},
	},
	{
		name:  "items without description",
		lines: []string{"# + x", "# + y -", "# + z - ", "# + return"},
		want: Doc{
			Params:    []DocParam{{Name: "x"}, {Name: "y"}, {Name: "z"}},
			HasReturn: true,
		},
	},
	{
		name: "spacing variants",
		lines: []string{
			"# + a -tight",
			"# +   b   -   wide   ",
			"#+c - no space after hash",
			"#   + d - indented plus",
			"# + e no dash",
			"# +f-glued",
			"# + g\t-\ttabs",
		},
		want: Doc{Params: []DocParam{
			{Name: "a", Description: "tight"},
			{Name: "b", Description: "wide"},
			{Name: "c", Description: "no space after hash"},
			{Name: "d", Description: "indented plus"},
			{Name: "e", Description: "no dash"},
			{Name: "f", Description: "glued"},
			{Name: "g", Description: "tabs"},
		}},
	},
	{
		name:  "quoted and escaped names",
		lines: []string{"# + 'from - start", "# + a\\-b - dashed", "# + \\u{E9}t\\u{E9} - summer", "# + '1st - first"},
		want: Doc{Params: []DocParam{
			{Name: "from", Description: "start"},
			{Name: "a-b", Description: "dashed"},
			{Name: "été", Description: "summer"},
			{Name: "1st", Description: "first"},
		}},
	},
	{
		name:  "quoted return is a parameter",
		lines: []string{"# + 'return - a parameter named return"},
		want:  Doc{Params: []DocParam{{Name: "return", Description: "a parameter named return"}}},
	},
	{
		name:  "duplicate parameters kept in order",
		lines: []string{"# + x - first", "# + y - other", "# + x - second"},
		want: Doc{Params: []DocParam{
			{Name: "x", Description: "first"},
			{Name: "y", Description: "other"},
			{Name: "x", Description: "second"},
		}},
	},
	{
		name:  "second return replaces the first",
		lines: []string{"# + return - one", "# + return - two"},
		want:  Doc{Return: "two", HasReturn: true},
	},
	{
		name: "continuation lines join with newline and are trimmed",
		lines: []string{
			"# Description.",
			"# + x - line one",
			"#       line two   ",
			"#",
			"# a paragraph of x",
			"#",
			"# + return - the result",
			"#     and more",
			"#",
		},
		want: Doc{
			Description: "Description.",
			Params:      []DocParam{{Name: "x", Description: "line one\nline two\n\na paragraph of x"}},
			Return:      "the result\nand more",
			HasReturn:   true,
		},
	},
	{
		name:  "item description starting on the next line",
		lines: []string{"# + x -", "#   the x"},
		want:  Doc{Params: []DocParam{{Name: "x", Description: "the x"}}},
	},
	{
		name: "deprecated parameters section",
		lines: []string{
			"# Does things.",
			"# + a - the a",
			"#",
			"# # Deprecated parameters",
			"# + b - use `a`",
			"#   instead",
			"# + c - gone",
		},
		want: Doc{
			Description:      "Does things.",
			Params:           []DocParam{{Name: "a", Description: "the a"}},
			DeprecatedParams: []DocParam{{Name: "b", Description: "use `a`\ninstead"}, {Name: "c", Description: "gone"}},
		},
	},
	{
		name:  "text between deprecated-parameters heading and first item is dropped",
		lines: []string{"# # Deprecated parameters", "# These go away.", "# + x - soon"},
		want:  Doc{DeprecatedParams: []DocParam{{Name: "x", Description: "soon"}}},
	},
	{
		name:  "items after a deprecation heading are deprecated parameters",
		lines: []string{"# f.", "# # Deprecated", "# Old.", "# + x - gone", "# + return - still documented"},
		want: Doc{
			Description:      "f.",
			Deprecated:       true,
			DeprecatedDoc:    "Old.",
			DeprecatedParams: []DocParam{{Name: "x", Description: "gone"}},
			Return:           "still documented",
			HasReturn:        true,
		},
	},
	{
		name:  "parameter before a deprecation heading stays a parameter",
		lines: []string{"# + a - current", "# # Deprecated", "# Use `g`.", "# + b - old"},
		want: Doc{
			Params:           []DocParam{{Name: "a", Description: "current"}},
			Deprecated:       true,
			DeprecatedDoc:    "Use `g`.",
			DeprecatedParams: []DocParam{{Name: "b", Description: "old"}},
		},
	},
	{
		name:  "deprecation heading first",
		lines: []string{"# # Deprecated", "# Use `g` instead."},
		want:  Doc{Deprecated: true, DeprecatedDoc: "Use `g` instead."},
	},
	{
		name:  "deprecation heading alone",
		lines: []string{"# Summary.", "# # Deprecated"},
		want:  Doc{Description: "Summary.", Deprecated: true},
	},
	{
		name:  "deprecation heading spellings",
		lines: []string{"##Deprecated", "#  #   Deprecated", "# # Deprecated since 2.0", "# text"},
		want:  Doc{Deprecated: true, DeprecatedDoc: "text"},
	},
	{
		name:  "not deprecation headings",
		lines: []string{"# ## Deprecated", "# # Deprecatedness", "# # deprecated", "# Deprecated"},
		want:  Doc{Description: "## Deprecated\n# Deprecatedness\n# deprecated\nDeprecated"},
	},
	{
		name:  "two deprecation headings append",
		lines: []string{"# # Deprecated", "# one", "# # Deprecated", "# two"},
		want:  Doc{Deprecated: true, DeprecatedDoc: "one\ntwo"},
	},
	{
		name: "other headings are ordinary lines",
		lines: []string{
			"# # Overview",
			"# Text.",
			"# + x - the x",
			"# # Examples",
			"# See below.",
		},
		want: Doc{
			Description: "# Overview\nText.",
			Params:      []DocParam{{Name: "x", Description: "the x\n# Examples\nSee below."}},
		},
	},
	{
		name: "fenced code block in the description",
		lines: []string{
			"# Example:",
			"# ```ballerina",
			"# + x - not a parameter",
			"# # Deprecated",
			"#     indented();",
			"# ```",
			"# + y - a parameter",
		},
		want: Doc{
			Description: "Example:\n```ballerina\n+ x - not a parameter\n# Deprecated\n    indented();\n```",
			Params:      []DocParam{{Name: "y", Description: "a parameter"}},
		},
	},
	{
		name: "fenced code block in an item keeps indentation",
		lines: []string{
			"# + x - the x, for example",
			"#   ```",
			"#   f(x);",
			"#       g(x);",
			"#   ```",
			"#   done",
		},
		want: Doc{Params: []DocParam{{Name: "x", Description: "the x, for example\n```\n  f(x);\n      g(x);\n```\ndone"}}},
	},
	{
		name:  "unclosed fence runs to the end",
		lines: []string{"# ```", "# + x - inside"},
		want:  Doc{Description: "```\n+ x - inside"},
	},
	{
		name:  "plus lines without a name are ordinary",
		lines: []string{"# +", "# + - no name", "# +- x", "# + 9lives - digit first", "# + ' - lone quote", "# + \\a - bad escape"},
		want:  Doc{Description: "+\n+ - no name\n+- x\n+ 9lives - digit first\n+ ' - lone quote\n+ \\a - bad escape"},
	},
	{
		name:  "name ends at a non-identifier character",
		lines: []string{"# + x – en dash", "# + y: colon", "# + z.w - dotted"},
		want: Doc{Params: []DocParam{
			{Name: "x", Description: "– en dash"},
			{Name: "y", Description: ": colon"},
			{Name: "z", Description: ".w - dotted"},
		}},
	},
	{
		name:  "lines without a hash are read as if they had one",
		lines: []string{"plain", " + x - y"},
		want:  Doc{Description: "plain", Params: []DocParam{{Name: "x", Description: "y"}}},
	},
	{
		name:  "invalid UTF-8 survives",
		lines: []string{"# bad \xff byte", "# + a\xffb - c"},
		want:  Doc{Description: "bad \xff byte", Params: []DocParam{{Name: "a", Description: "\xffb - c"}}},
	},
}

func TestParseDoc(t *testing.T) {
	for _, tc := range docCases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			want.Raw = strings.Join(tc.lines, "\n")
			got := ParseDoc(tc.lines)
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("ParseDoc(%q)\n got %#v\nwant %#v", tc.lines, *got, want)
			}
		})
	}
}

func TestParseDocDoesNotModifyInput(t *testing.T) {
	lines := []string{"# a", "# + x - y\r"}
	ParseDoc(lines)
	if lines[0] != "# a" || lines[1] != "# + x - y\r" {
		t.Fatalf("input changed: %q", lines)
	}
}

// TestParseDocLarge checks that a long documentation string (many items,
// long continuation runs) comes back whole; ParseDoc is linear, so this is
// quick.
func TestParseDocLarge(t *testing.T) {
	const n = 20000
	lines := make([]string, 0, 3*n)
	for i := 0; i < n; i++ {
		lines = append(lines, "# + p - description", "#   continued", "#")
	}
	d := ParseDoc(lines)
	if len(d.Params) != n {
		t.Fatalf("got %d params, want %d", len(d.Params), n)
	}
	for _, p := range d.Params {
		if p.Name != "p" || p.Description != "description\ncontinued" {
			t.Fatalf("bad param %#v", p)
		}
	}
}

func BenchmarkParseDoc(b *testing.B) {
	lines := docCases[1].lines
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		ParseDoc(lines)
	}
}
