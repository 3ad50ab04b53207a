package syntax

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the parser's golden files in testdata/parser")

// TestParseGolden parses every testdata/parser/*.bal file and compares the
// dump of its model (see dumpFile) with the .golden file beside it. Run
// with -update to rewrite the golden files, then review them.
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "parser", "*.bal"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d golden sources, want at least 4", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := ParseFile(filepath.Base(path), src, 0)
			checkModel(t, f)
			if len(f.Diagnostics) > 0 {
				t.Errorf("unexpected diagnostics:\n%s", dumpDiags(f))
			}
			got := dumpFile(f) + dumpReturnTrivia(f)
			golden := strings.TrimSuffix(path, ".bal") + ".golden"
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("model differs from %s (run with -update and review the diff):\n%s", golden, lineDiff(string(want), got))
			}
			// ImportsOnly must agree with the full parse.
			fi := ParseFile(filepath.Base(path), src, ImportsOnly)
			if len(fi.Decls) != 0 || dumpFile(&File{Imports: fi.Imports}) != dumpFile(&File{Imports: f.Imports}) {
				t.Errorf("ImportsOnly result differs: %s", dumpFile(fi))
			}
		})
	}
}

// dumpReturnTrivia lists the return types of module-level functions with
// their trailing trivia, as the semver checker sees them.
func dumpReturnTrivia(f *File) string {
	var b strings.Builder
	for _, d := range f.Decls {
		if fd, ok := d.(*FunctionDecl); ok && fd.Signature != nil && !fd.Signature.Returns.IsZero() {
			b.WriteString("returns-with-trivia " + fd.Name.Text + " " + quote(f.TextWithTrivia(fd.Signature.Returns)) + "\n")
		}
	}
	return b.String()
}

func quote(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(`"`+s+`"`, "\n", `\n`), "\t", `\t`)
}

// lineDiff returns the lines that differ between want and got, with line
// numbers, for readable failures.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := len(wl)
	if len(gl) > n {
		n = len(gl)
	}
	shown := 0
	for i := 0; i < n && shown < 40; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g + "\n")
			shown++
		}
	}
	return b.String()
}
