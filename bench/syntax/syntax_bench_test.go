package syntaxbench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/balcentral/balcentral/internal/syntax"
)

// benchFileSize is the size of the single file the per-file benchmarks
// read: a large but ordinary source file.
const benchFileSize = 64 << 10

// The package benchmark's shape: 10 modules of 20 files of 50 KB (10 MB).
const (
	benchModules     = 10
	benchFiles       = 20
	benchPackageSize = 50 << 10
)

// TestGeneratedSourceParses checks that the generator writes valid
// Ballerina: the benchmarks must measure the parser on good input, not its
// error recovery.
func TestGeneratedSourceParses(t *testing.T) {
	for _, seed := range []int64{0, 1, 2, 42, -7, 1 << 40} {
		for _, size := range []int{0, 4 << 10, benchFileSize} {
			src := Generate(seed, size)
			if len(src) < size {
				t.Fatalf("Generate(%d, %d) returned %d bytes", seed, size, len(src))
			}
			if again := Generate(seed, size); !bytes.Equal(src, again) {
				t.Fatalf("Generate(%d, %d) is not deterministic", seed, size)
			}
			if _, diags := syntax.Tokenize("gen.bal", src); len(diags) > 0 {
				t.Errorf("seed %d size %d: lexer: %v", seed, size, diags[0])
			}
			f := syntax.ParseFile("gen.bal", src, 0)
			for i, d := range f.Diagnostics {
				if i == 5 {
					t.Errorf("... %d more", len(f.Diagnostics)-i)
					break
				}
				t.Errorf("seed %d size %d: %v\n%s", seed, size, d, sourceLine(src, d.Pos))
			}
			if len(f.Imports) != 9 {
				t.Errorf("seed %d size %d: %d imports, want 9", seed, size, len(f.Imports))
			}
			if size >= 4<<10 && len(f.Decls) < 10 {
				t.Errorf("seed %d size %d: only %d declarations", seed, size, len(f.Decls))
			}
		}
	}
}

// sourceLine returns the line of src holding pos, for failure messages.
func sourceLine(src []byte, pos syntax.Pos) string {
	if pos.Offset < 0 || pos.Offset > len(src) {
		return ""
	}
	start := bytes.LastIndexByte(src[:pos.Offset], '\n') + 1
	end := bytes.IndexByte(src[pos.Offset:], '\n')
	if end < 0 {
		end = len(src) - pos.Offset
	}
	return string(src[start : pos.Offset+end])
}

// TestGeneratedPackageLoads checks GeneratePackage on a small package.
func TestGeneratedPackageLoads(t *testing.T) {
	dir := t.TempDir()
	if err := GeneratePackage(dir, 3, 2, 8<<10); err != nil {
		t.Fatal(err)
	}
	p, err := syntax.LoadPackage(dir, "benchpkg", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Diagnostics {
		t.Errorf("%v", d)
	}
	var names []string
	for _, m := range p.Modules {
		names = append(names, m.Name)
		if len(m.Files) != 2 || len(m.TestFiles) != 1 {
			t.Errorf("%s: %d files, %d tests", m.Name, len(m.Files), len(m.TestFiles))
		}
		var test *syntax.ModuleImport
		for i := range m.Imports {
			if m.Imports[i].Module == "test" {
				test = &m.Imports[i]
			}
		}
		if len(m.ExternalImports("benchorg")) != 10 || test == nil || test.Scope != syntax.ScopeTestOnly {
			t.Errorf("%s: imports %+v", m.Name, m.Imports)
		}
	}
	if got := strings.Join(names, " "); got != "benchpkg benchpkg.mod02 benchpkg.util" {
		t.Errorf("modules %s", got)
	}
}

// BenchmarkLexer measures Tokenize, which returns every token in a slice,
// and a plain loop over Lexer.Next, which is how the parser reads tokens.
func BenchmarkLexer(b *testing.B) {
	src := Generate(1, benchFileSize)
	b.Run("Tokenize", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			syntax.Tokenize("bench.bal", src)
		}
	})
	b.Run("Next", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			l := syntax.NewLexer("bench.bal", src)
			for l.Next().Kind != syntax.EOF {
			}
		}
	})
}

func BenchmarkParseFile(b *testing.B) {
	src := Generate(1, benchFileSize)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		syntax.ParseFile("bench.bal", src, 0)
	}
}

// BenchmarkParseFileImportsOnly counts the whole file's bytes, as a caller
// that needs only imports sees it, although the parser stops after the
// import section.
func BenchmarkParseFileImportsOnly(b *testing.B) {
	src := Generate(1, benchFileSize)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		syntax.ParseFile("bench.bal", src, syntax.ImportsOnly)
	}
}

var (
	benchPkgOnce sync.Once
	benchPkgDir  string
	benchPkgSize int64
	benchPkgErr  error
)

// benchPackage writes the benchmark package once per process, in a
// temporary directory that TestMain removes.
func benchPackage(b *testing.B) (string, int64) {
	benchPkgOnce.Do(func() {
		benchPkgDir, benchPkgErr = os.MkdirTemp("", "syntaxbench-")
		if benchPkgErr != nil {
			return
		}
		benchPkgErr = GeneratePackage(benchPkgDir, benchModules, benchFiles, benchPackageSize)
		if benchPkgErr != nil {
			return
		}
		benchPkgErr = filepath.WalkDir(benchPkgDir, func(path string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(path, ".bal") {
				info, ierr := d.Info()
				if ierr != nil {
					return ierr
				}
				benchPkgSize += info.Size()
			}
			return err
		})
	})
	if benchPkgErr != nil {
		b.Fatal(benchPkgErr)
	}
	return benchPkgDir, benchPkgSize
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchPkgDir != "" {
		os.RemoveAll(benchPkgDir)
	}
	os.Exit(code)
}

// BenchmarkLoadPackage loads a 10-module, 200-file, 10 MB package from
// disk (warm page cache): listing, reading and parsing with the worker
// pool, then merging imports.
func BenchmarkLoadPackage(b *testing.B) {
	for _, bc := range []struct {
		name string
		mode syntax.Mode
	}{{"full", 0}, {"importsOnly", syntax.ImportsOnly}} {
		b.Run(bc.name, func(b *testing.B) {
			dir, size := benchPackage(b)
			b.SetBytes(size)
			for b.Loop() {
				p, err := syntax.LoadPackage(dir, "benchpkg", bc.mode)
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Modules) != benchModules {
					b.Fatalf("%d modules", len(p.Modules))
				}
			}
		})
	}
}
