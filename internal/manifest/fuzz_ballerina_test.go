package manifest

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

// FuzzParseBallerinaToml checks that ParseBallerinaToml never panics, is
// deterministic, places every diagnostic inside the input (only the
// missing-[package] warning has no position) and always returns a usable
// package identity.
func FuzzParseBallerinaToml(f *testing.F) {
	for _, tc := range ballerinaCases {
		f.Add([]byte(tc.src))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "ballerina", "*.toml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m1, d1 := ParseBallerinaToml("Ballerina.toml", data, testDefaults)
		m2, d2 := ParseBallerinaToml("Ballerina.toml", data, testDefaults)
		if m1 != nil {
			fuzzScrubNaN(m1)
			fuzzScrubNaN(m2)
		}
		if !reflect.DeepEqual(m1, m2) || !reflect.DeepEqual(d1, d2) {
			t.Fatalf("two parses differ")
		}
		fuzzCheckPositions(t, "Ballerina.toml", data, d1, func(d Diagnostic) bool {
			return d.Severity == SeverityWarning && strings.HasPrefix(d.Message, "missing table '[package]'")
		})
		if m1 == nil {
			if len(d1) != 1 || !d1.HasErrors() {
				t.Fatalf("nil model with diagnostics %q", fmtDiags(d1))
			}
			return
		}
		p := m1.Package
		if CheckOrg(p.Org) != nil || CheckPackageName(p.Name) != nil || !version.IsValid(p.Version) {
			t.Fatalf("unusable package identity %q/%q:%q", p.Org, p.Name, p.Version)
		}
	})
}

// fuzzCheckPositions checks that every diagnostic names the file and, unless
// whole is true for it, points inside data.
func fuzzCheckPositions(t *testing.T, file string, data []byte, ds Diagnostics, whole func(Diagnostic) bool) {
	t.Helper()
	lines := bytes.Split(data, []byte("\n"))
	for _, d := range ds {
		if d.File != file {
			t.Fatalf("diagnostic %q has File %q", d.Message, d.File)
		}
		if !d.Pos.IsValid() {
			if !whole(d) {
				t.Fatalf("diagnostic without position: %q", fmtDiag(d))
			}
			continue
		}
		if d.Pos.Line > len(lines) || d.Pos.Col < 1 || d.Pos.Col > len(lines[d.Pos.Line-1])+1 {
			t.Fatalf("diagnostic outside the input (%d lines): %q", len(lines), fmtDiag(d))
		}
	}
}

// fuzzScrubNaN replaces NaN floats in tool options, which reflect.DeepEqual
// never finds equal, by a marker.
func fuzzScrubNaN(m *BallerinaToml) {
	var scrub func(v any) any
	scrub = func(v any) any {
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) {
				return "NaN"
			}
		case []any:
			for i := range x {
				x[i] = scrub(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = scrub(x[k])
			}
		}
		return v
	}
	for _, tool := range m.Tools {
		scrub(tool.Options)
	}
}
