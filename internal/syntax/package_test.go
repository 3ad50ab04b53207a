package syntax

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// importSummary renders imports as "org/module scope file:line ...", one
// string per import, for compact comparisons.
func importSummary(imps []ModuleImport) []string {
	var out []string
	for _, imp := range imps {
		s := imp.Module
		if imp.Org != "" {
			s = imp.Org + "/" + s
		}
		s += " " + imp.Scope.String()
		for _, site := range imp.Sites {
			s += fmt.Sprintf(" %s:%d", site.File, site.Import.Pos.Line)
		}
		out = append(out, s)
	}
	return out
}

func filePaths(files []*File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

func TestLoadPackageHello(t *testing.T) {
	dir := filepath.Join("testdata", "package", "hello")
	p, err := LoadPackage(dir, "hello", 0)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	if p.Dir != abs || p.Name != "hello" {
		t.Errorf("package %q at %q, want hello at %q", p.Name, p.Dir, abs)
	}
	for _, d := range p.Diagnostics {
		t.Errorf("unexpected diagnostic: %v", d)
	}

	type modWant struct {
		name, dir   string
		isDefault   bool
		files, test []string
		imports     []string
		external    []string // ExternalImports("myorg")
	}
	wants := []modWant{
		{
			name: "hello", dir: ".", isDefault: true,
			files: []string{"generated/gen.bal", "hello.bal", "service.bal"},
			test:  []string{"generated/tests/gen_test.bal", "tests/lib_test.bal"},
			imports: []string{
				"hello.util default hello.bal:2",
				"ballerina/http default service.bal:1",
				"ballerina/io default hello.bal:1 service.bal:2 tests/lib_test.bal:1",
				"ballerina/test testOnly generated/tests/gen_test.bal:1 tests/lib_test.bal:2",
				"ballerina/uuid default generated/gen.bal:2",
				"myorg/hello.strutil default service.bal:3",
				"myorg/helloworld default service.bal:5",
				"otherorg/hello.util default service.bal:4",
			},
			external: []string{
				"ballerina/http default service.bal:1",
				"ballerina/io default hello.bal:1 service.bal:2 tests/lib_test.bal:1",
				"ballerina/test testOnly generated/tests/gen_test.bal:1 tests/lib_test.bal:2",
				"ballerina/uuid default generated/gen.bal:2",
				"myorg/helloworld default service.bal:5",
				"otherorg/hello.util default service.bal:4",
			},
		},
		{
			name: "hello.strutil", dir: "modules/strutil",
			files: []string{"modules/strutil/strutil.bal"},
		},
		{
			name: "hello.util", dir: "modules/util",
			files: []string{"generated/util/gen_util.bal", "modules/util/util.bal"},
			test:  []string{"modules/util/tests/util_test.bal"},
			imports: []string{
				"ballerina/log default modules/util/util.bal:1 modules/util/tests/util_test.bal:1",
				"ballerina/test testOnly modules/util/tests/util_test.bal:2",
				"ballerina/time testOnly modules/util/tests/util_test.bal:3",
				"myorg/hello.strutil default modules/util/util.bal:2",
			},
			external: []string{
				"ballerina/log default modules/util/util.bal:1 modules/util/tests/util_test.bal:1",
				"ballerina/test testOnly modules/util/tests/util_test.bal:2",
				"ballerina/time testOnly modules/util/tests/util_test.bal:3",
			},
		},
	}
	if len(p.Modules) != len(wants) {
		var names []string
		for _, m := range p.Modules {
			names = append(names, m.Name)
		}
		t.Fatalf("modules %q, want %d", names, len(wants))
	}
	for i, w := range wants {
		m := p.Modules[i]
		t.Run(w.name, func(t *testing.T) {
			if m.Name != w.name || m.Default != w.isDefault || m.Dir != filepath.Join(abs, w.dir) {
				t.Errorf("module %q default=%v dir=%q, want %q %v %q", m.Name, m.Default, m.Dir, w.name, w.isDefault, filepath.Join(abs, w.dir))
			}
			if p.Module(w.name) != m {
				t.Errorf("Package.Module(%q) is not the module", w.name)
			}
			if got := filePaths(m.Files); !slices.Equal(got, w.files) {
				t.Errorf("Files = %q, want %q", got, w.files)
			}
			if got := filePaths(m.TestFiles); !slices.Equal(got, w.test) {
				t.Errorf("TestFiles = %q, want %q", got, w.test)
			}
			if got := importSummary(m.Imports); !slices.Equal(got, w.imports) {
				t.Errorf("Imports:\n got %q\nwant %q", got, w.imports)
			}
			if got := importSummary(m.ExternalImports("myorg")); !slices.Equal(got, w.external) {
				t.Errorf("ExternalImports(myorg):\n got %q\nwant %q", got, w.external)
			}
		})
	}
	if p.Module("hello.nope") != nil {
		t.Errorf("Package.Module found a module that does not exist")
	}

	// With another org, only org-less imports of the package's modules are
	// its own; myorg/... imports are external.
	got := importSummary(p.Module("hello").ExternalImports("otherorg"))
	want := []string{
		"ballerina/http default service.bal:1",
		"ballerina/io default hello.bal:1 service.bal:2 tests/lib_test.bal:1",
		"ballerina/test testOnly generated/tests/gen_test.bal:1 tests/lib_test.bal:2",
		"ballerina/uuid default generated/gen.bal:2",
		"myorg/hello.strutil default service.bal:3",
		"myorg/helloworld default service.bal:5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ExternalImports(otherorg):\n got %q\nwant %q", got, want)
	}

	// The site's Import is the parsed declaration in that file.
	io := p.Module("hello").Imports[2]
	for _, site := range io.Sites {
		f := fileByPath(p, site.File)
		if f == nil || !slices.Contains(f.Imports, site.Import) {
			t.Errorf("site %s: import not found in the file's imports", site.File)
		}
	}
}

func fileByPath(p *Package, path string) *File {
	for _, m := range p.Modules {
		for _, f := range append(slices.Clip(m.Files), m.TestFiles...) {
			if f.Path == path {
				return f
			}
		}
	}
	return nil
}

func TestLoadPackageImportsOnly(t *testing.T) {
	dir := filepath.Join("testdata", "package", "hello")
	full, err := LoadPackage(dir, "hello", 0)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := LoadPackage(dir, "hello", ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range full.Modules {
		if got, want := importSummary(fast.Modules[i].Imports), importSummary(m.Imports); !slices.Equal(got, want) {
			t.Errorf("%s: ImportsOnly imports %q, full %q", m.Name, got, want)
		}
	}
}

// writeTree creates files (path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLoadPackageManyFiles checks that concurrent parsing attaches every
// file to the right module, in order, and that two loads agree.
func TestLoadPackageManyFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 150 {
		files[fmt.Sprintf("f%03d.bal", i)] = fmt.Sprintf("import org%d/m%d;\n", i%7, i)
		files[fmt.Sprintf("modules/sub%d/s%03d.bal", i%5, i)] = fmt.Sprintf("import org/dep%d;\n", i)
		files[fmt.Sprintf("modules/sub%d/tests/t%03d.bal", i%5, i)] = "import ballerina/test;\n"
	}
	writeTree(t, dir, files)
	p, err := LoadPackage(dir, "many", ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Modules) != 6 || len(p.Modules[0].Files) != 150 {
		t.Fatalf("got %d modules, %d default files", len(p.Modules), len(p.Modules[0].Files))
	}
	for i, f := range p.Modules[0].Files {
		if f.Path != fmt.Sprintf("f%03d.bal", i) || len(f.Imports) != 1 || f.Imports[0].Module != fmt.Sprintf("m%d", i) {
			t.Fatalf("file %d: %s imports %v", i, f.Path, f.Imports)
		}
	}
	for _, m := range p.Modules[1:] {
		if len(m.Files) != 30 || len(m.TestFiles) != 30 || len(m.Imports) != 31 {
			t.Errorf("%s: %d files, %d tests, %d imports", m.Name, len(m.Files), len(m.TestFiles), len(m.Imports))
		}
		for _, f := range m.Files {
			n, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(f.Path), ".bal")[1:])
			want := fmt.Sprintf("dep%d", n)
			if len(f.Imports) != 1 || f.Imports[0].Module != want {
				t.Errorf("%s: imports %v, want %s", f.Path, f.Imports, want)
			}
		}
		test := m.Imports[0]
		if test.Org != "ballerina" || test.Module != "test" || test.Scope != ScopeTestOnly || len(test.Sites) != 30 {
			t.Errorf("%s: test import %+v", m.Name, test)
		}
	}
	again, err := LoadPackage(dir, "many", ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, again) {
		t.Errorf("two loads differ")
	}
}

func TestLoadPackageGeneratedOnlyModule(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"main.bal":                      "import ballerina/io;\n",
		"generated/client/client.bal":   "import ballerina/http;\n",
		"generated/client/tests/t.bal":  "import ballerina/test;\n",
		"generated/.hidden/x.bal":       "import a/b;\n",
		"modules/empty/README.md":       "# nothing\n",
		"tests":                         "a file, not a directory\n",
		"modules/notadir":               "a file\n",
		"modules/empty/nested/deep.bal": "import a/b;\n",
	})
	p, err := LoadPackage(dir, "app", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range p.Modules {
		rel, _ := filepath.Rel(dir, m.Dir)
		got = append(got, fmt.Sprintf("%s %s %q %q", m.Name, filepath.ToSlash(rel), filePaths(m.Files), filePaths(m.TestFiles)))
	}
	want := []string{
		`app . ["main.bal"] []`,
		`app.client generated/client ["generated/client/client.bal"] ["generated/client/tests/t.bal"]`,
		`app.empty modules/empty [] []`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("modules:\n got %q\nwant %q", got, want)
	}
}

func TestLoadPackageDiagnosticsSorted(t *testing.T) {
	dir := t.TempDir()
	broken := "import ballerina/io;\n\nfunction f( {\n\npublic type;\n"
	writeTree(t, dir, map[string]string{
		"b.bal":                broken,
		"a.bal":                broken,
		"modules/m/m.bal":      broken,
		"tests/a_test.bal":     broken,
		"modules/m/ok.bal":     "public function ok() {}\n",
		"modules/m/tests/.bal": broken, // hidden: ignored
	})
	p, err := LoadPackage(dir, "pkg", 0)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for i, d := range p.Diagnostics {
		if i > 0 {
			prev := p.Diagnostics[i-1]
			if prev.File > d.File || prev.File == d.File && prev.Pos.Offset > d.Pos.Offset {
				t.Errorf("diagnostics out of order: %v before %v", prev, d)
			}
		}
		if !slices.Contains(files, d.File) {
			files = append(files, d.File)
		}
	}
	if want := []string{"a.bal", "b.bal", "modules/m/m.bal", "tests/a_test.bal"}; !slices.Equal(files, want) {
		t.Errorf("diagnostics for files %q, want %q", files, want)
	}
	for _, m := range p.Modules {
		for _, f := range append(slices.Clip(m.Files), m.TestFiles...) {
			for _, d := range f.Diagnostics {
				if !slices.Contains(p.Diagnostics, d) {
					t.Errorf("%s: diagnostic %v missing from Package.Diagnostics", f.Path, d)
				}
			}
		}
	}
}

func TestLoadPackageErrors(t *testing.T) {
	t.Run("missing directory", func(t *testing.T) {
		_, err := LoadPackage(filepath.Join(t.TempDir(), "nope"), "nope", 0)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope") {
			t.Errorf("err = %v, want a not-exist error naming the directory", err)
		}
	})
	t.Run("not a directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "main.bal")
		writeTree(t, filepath.Dir(file), map[string]string{"main.bal": ""})
		if _, err := LoadPackage(file, "main", 0); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("err = %v, want not a directory", err)
		}
	})
	t.Run("empty package name", func(t *testing.T) {
		if _, err := LoadPackage(t.TempDir(), "", 0); err == nil {
			t.Errorf("no error for an empty package name")
		}
	})
	t.Run("invalid module directory", func(t *testing.T) {
		for _, bad := range []string{"modules/bad-name", "modules/a..b", "generated/sp ace"} {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{bad + "/x.bal": ""})
			_, err := LoadPackage(dir, "pkg", 0)
			if err == nil || !strings.Contains(err.Error(), bad) {
				t.Errorf("%s: err = %v, want an error naming it", bad, err)
			}
		}
	})
	t.Run("generated file clashes", func(t *testing.T) {
		for _, pair := range [][2]string{
			{"main.bal", "generated/main.bal"},
			{"tests/t.bal", "generated/tests/t.bal"},
			{"modules/util/u.bal", "generated/util/u.bal"},
		} {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{pair[0]: "", pair[1]: ""})
			_, err := LoadPackage(dir, "pkg", 0)
			if err == nil || !strings.Contains(err.Error(), pair[0]) || !strings.Contains(err.Error(), pair[1]) {
				t.Errorf("%s + %s: err = %v, want an error naming both", pair[0], pair[1], err)
			}
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which can read a file with mode 000, so the read error cannot be provoked")
		}
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"a.bal": "", "modules/m/secret.bal": "", "z.bal": ""})
		secret := filepath.Join(dir, "modules", "m", "secret.bal")
		if err := os.Chmod(secret, 0); err != nil {
			t.Fatal(err)
		}
		_, err := LoadPackage(dir, "pkg", 0)
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "secret.bal") {
			t.Errorf("err = %v, want a permission error naming secret.bal", err)
		}
	})
	t.Run("unreadable directory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which can list a directory with mode 000, so the error cannot be provoked")
		}
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"modules/m/m.bal": ""})
		locked := filepath.Join(dir, "modules", "m")
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(locked, 0o755) })
		_, err := LoadPackage(dir, "pkg", 0)
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), filepath.Join("modules", "m")) {
			t.Errorf("err = %v, want a permission error naming modules/m", err)
		}
	})
}

func TestCheckModuleDirName(t *testing.T) {
	for _, name := range []string{"util", "util_2", "a.b", "A1", "_x", "9lives", strings.Repeat("a", 256)} {
		if err := checkModuleDirName(name, "modules/"+name); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	for _, name := range []string{"bad-name", "a..b", ".x", "x.", "with space", "ünï", strings.Repeat("a", 257)} {
		if err := checkModuleDirName(name, "modules/"+name); err == nil {
			t.Errorf("%q: no error", name)
		}
	}
}

func TestScopeString(t *testing.T) {
	for s, want := range map[Scope]string{ScopeDefault: "default", ScopeTestOnly: "testOnly", 7: "Scope(7)"} {
		if got := s.String(); got != want {
			t.Errorf("Scope(%d).String() = %q, want %q", uint8(s), got, want)
		}
	}
}
