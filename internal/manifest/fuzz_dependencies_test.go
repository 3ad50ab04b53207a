package manifest

import (
	"bytes"
	"testing"
)

// FuzzParseDependenciesToml checks, for any input, that the reader does not
// panic; that every diagnostic names the file and points inside the input
// (only the two whole-file warnings, old version and corrupted, carry the
// zero Pos); and that a file read without errors formats to text that reads
// back without diagnostics and formats to the same bytes again.
func FuzzParseDependenciesToml(f *testing.F) {
	f.Add(depsConformanceFile(f, depsRealFile))
	f.Add(depsConformanceFile(f, depsOlderFile))
	for _, tt := range depsDiagTests {
		f.Add([]byte(tt.src))
	}
	const file = "Dependencies.toml"
	f.Fuzz(func(t *testing.T, data []byte) {
		d, diags := ParseDependenciesToml(file, data)
		depsCheckDiagnostics(t, data, diags)
		// Only a syntax error, reported alone and without a key, gives no model.
		if d == nil && (len(diags) != 1 || diags[0].Severity != SeverityError || diags[0].Field != "") {
			t.Fatalf("nil model without a syntax error: %v", diags)
		}
		rootOrg, rootName := "winery", "foo"
		if d != nil && len(d.Packages) > 0 {
			rootOrg, rootName = d.Packages[0].Org, d.Packages[0].Name
		}
		_, forDiags := ParseDependenciesTomlFor(file, data, rootOrg, rootName)
		depsCheckDiagnostics(t, data, forDiags)
		if len(forDiags) != len(diags) && !(len(forDiags) == len(diags)+1 && forDiags[0].Message == depsMsgCorrupted) {
			t.Fatalf("ParseDependenciesTomlFor diagnostics differ beyond the corrupted warning:\n%v\n%v", diags, forDiags)
		}
		if diags.HasErrors() {
			return
		}
		text := FormatDependenciesToml(d)
		d2, diags2 := ParseDependenciesToml(file, text)
		if len(diags2) != 0 {
			t.Fatalf("formatted output does not read back cleanly: %v\ninput:\n%q\noutput:\n%s", diags2, data, text)
		}
		if again := FormatDependenciesToml(d2); !bytes.Equal(again, text) {
			t.Fatalf("formatting is not a fixed point\n%s", depsLineDiff(text, again))
		}
	})
}

func depsCheckDiagnostics(t *testing.T, data []byte, diags Diagnostics) {
	t.Helper()
	lines := bytes.Split(data, []byte("\n"))
	for _, d := range diags {
		if d.File != "Dependencies.toml" || d.Message == "" {
			t.Fatalf("diagnostic without file or message: %#v", d)
		}
		if d.Pos == (Pos{}) {
			if d.Severity != SeverityWarning || (d.Message != depsMsgOld && d.Message != depsMsgCorrupted) {
				t.Fatalf("only the whole-file warnings may lack a position: %#v", d)
			}
			continue
		}
		if d.Pos.Line < 1 || d.Pos.Line > len(lines) || d.Pos.Col < 1 || d.Pos.Col > len(lines[d.Pos.Line-1])+1 {
			t.Fatalf("position %v outside the input (%d lines): %#v", d.Pos, len(lines), d)
		}
	}
}
