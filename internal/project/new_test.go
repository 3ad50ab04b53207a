package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const testDist = "2201.13.0"

func TestGuessPackageName(t *testing.T) {
	tests := []struct {
		dir, template, want string
	}{
		{"hello", TemplateLib, "hello"},
		{"hello", TemplateDefault, "hello"},
		{"my-lib", TemplateLib, "my_lib"},
		{"my$project", TemplateDefault, "my_project"},
		{"hello world", TemplateDefault, "hello_world"},
		{"1abc", TemplateLib, "lib1abc"},
		{"1abc", TemplateDefault, "app1abc"},
		{"1abc", TemplateMain, "app1abc"},
		{"1abc", TemplateService, "app1abc"},
		{"_x_", TemplateDefault, "x"},
		{"a__b", TemplateDefault, "a_b"},
		{"a___b", TemplateDefault, "a__b"}, // one pass, as upstream
		{"-x-", TemplateDefault, "x"},
		{"__x", TemplateDefault, "_x"}, // only one leading underscore goes
		{"my.pkg", TemplateLib, "my.pkg"},
		{"my.pkg-v2", TemplateLib, "my.pkg_v2"},
		{"héllo", TemplateDefault, "h_llo"},
		{"日本", TemplateDefault, ""},
		{"Hello", TemplateDefault, "Hello"},
		{"_1x", TemplateLib, "1x"},
		{"", TemplateDefault, ""},
	}
	for _, tt := range tests {
		if got := GuessPackageName(tt.dir, tt.template); got != tt.want {
			t.Errorf("GuessPackageName(%q, %q) = %q, want %q", tt.dir, tt.template, got, tt.want)
		}
	}
}

func TestValidatePackageName(t *testing.T) {
	tests := []struct {
		name, want string // want "" means valid
	}{
		{"hello", ""},
		{"hello_world", ""},
		{"Hello2", ""},
		{"my.pkg", ""},
		{"a.b.c", ""},
		{strings.Repeat("a", 256), ""},
		{strings.Repeat("a", 257), "Maximum length of package name is 256 characters."},
		{"", "Package name cannot be empty."},
		{"my-lib", "Package name can only contain alphanumerics and underscores."},
		{"héllo", "Package name can only contain alphanumerics and underscores."},
		{"...", "Package name can only contain alphanumerics and underscores."},
		{"1abc", "Package name cannot have initial numeric characters."},
		{"_abc", "Package name cannot have initial underscore characters."},
		{"abc_", "Package name cannot have trailing underscore characters."},
		{"a__b", "Package name cannot have consecutive underscore characters."},
		{"1_", "Package name cannot have initial numeric characters."},
		{"a-_", "Package name can only contain alphanumerics and underscores."},
	}
	for _, tt := range tests {
		err := ValidatePackageName(tt.name)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("ValidatePackageName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestGuessOrgName(t *testing.T) {
	tests := []struct{ user, want string }{
		{"john", "john"},
		{"John.Doe", "john_doe"},
		{"JOHN-DOE", "john_doe"},
		{"jöhn", "j_hn"},
		{"user_1", "user_1"},
		{"", "my_org"},
	}
	for _, tt := range tests {
		if got := GuessOrgName(tt.user); got != tt.want {
			t.Errorf("GuessOrgName(%q) = %q, want %q", tt.user, got, tt.want)
		}
	}
}

// tree lists every path below root as a sorted slash-separated relative
// path, directories with a trailing slash.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		paths = append(paths, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	return paths
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNewTemplates(t *testing.T) {
	appManifest := `[package]
org = "testuser"
name = "hello"
version = "0.1.0"
distribution = "2201.13.0"

[build-options]
observabilityIncluded = true
`
	tests := []struct {
		template string
		tree     []string
		manifest string
	}{
		{
			template: TemplateLib,
			tree: []string{".devcontainer.json", ".gitignore", "Ballerina.toml", "README.md", "hello.bal",
				"resources/", "tests/", "tests/lib_test.bal"},
			manifest: `[package]
org = "testuser"
name = "hello"
version = "0.1.0"
distribution = "2201.13.0"
`,
		},
		{
			template: TemplateDefault,
			tree:     []string{".devcontainer.json", ".gitignore", "Ballerina.toml", "main.bal"},
			manifest: appManifest,
		},
		{
			template: "",
			tree:     []string{".devcontainer.json", ".gitignore", "Ballerina.toml", "main.bal"},
			manifest: appManifest,
		},
		{
			template: TemplateMain,
			tree:     []string{".devcontainer.json", ".gitignore", "Ballerina.toml", "main.bal", "tests/", "tests/main_test.bal"},
			manifest: appManifest,
		},
		{
			template: TemplateService,
			tree: []string{".devcontainer.json", ".gitignore", "Ballerina.toml", "service.bal", "tests/",
				"tests/service_test.bal"},
			manifest: appManifest,
		},
	}
	for _, tt := range tests {
		t.Run("template="+tt.template, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "hello")
			res, err := New(NewOptions{Path: dest, Template: tt.template, Org: "testuser", Distribution: testDist})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := tree(t, dest); !slices.Equal(got, tt.tree) {
				t.Errorf("tree = %q\nwant %q", got, tt.tree)
			}
			if got := readFile(t, filepath.Join(dest, "Ballerina.toml")); got != tt.manifest {
				t.Errorf("Ballerina.toml =\n%s\nwant\n%s", got, tt.manifest)
			}
			wantCreated := make([]string, len(tt.tree))
			for i, p := range tt.tree {
				wantCreated[i] = strings.TrimSuffix(p, "/")
			}
			slices.Sort(wantCreated)
			if !slices.Equal(res.Created, wantCreated) {
				t.Errorf("Created = %q, want %q", res.Created, wantCreated)
			}
			wantTemplate := tt.template
			if wantTemplate == "" {
				wantTemplate = TemplateDefault
			}
			if res.Name != "hello" || res.Org != "testuser" || res.Path != dest || res.Template != wantTemplate {
				t.Errorf("result = %+v", res)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("Warnings = %q, want none", res.Warnings)
			}
			// Only the package directory appears next to it: no staging leftovers.
			if got := tree(t, parent); got[0] != "hello/" || strings.Contains(strings.Join(got, " "), "bal-new") {
				t.Errorf("parent holds %q", got)
			}
			gitignore := readFile(t, filepath.Join(dest, ".gitignore"))
			for _, line := range []string{"target/", "generated/", "Config.toml"} {
				if !slices.Contains(strings.Split(gitignore, "\n"), line) {
					t.Errorf(".gitignore does not ignore %s:\n%s", line, gitignore)
				}
			}
			if dc := readFile(t, filepath.Join(dest, ".devcontainer.json")); !strings.Contains(dc, `"ballerina/ballerina-devcontainer:2201.13.0"`) {
				t.Errorf(".devcontainer.json does not name the distribution image:\n%s", dc)
			}
		})
	}
}

func TestNewLibContent(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "greet.er")
	res, err := New(NewOptions{Path: dest, Template: TemplateLib, Org: "acme", Distribution: testDist})
	if err != nil {
		t.Fatal(err)
	}
	if res.Name != "greet.er" {
		t.Fatalf("Name = %q, want greet.er", res.Name)
	}
	src := readFile(t, filepath.Join(dest, "greet.er.bal"))
	for _, want := range []string{
		"public function hello(string? name) returns string {",
		"\n#\n# + name - ",
		"\n# + return - ",
		"return string `Hello, ${name}`;",
		`return "Hello, World!";`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("greet.er.bal lacks %q:\n%s", want, src)
		}
	}
	readme := readFile(t, filepath.Join(dest, "README.md"))
	for _, want := range []string{"import acme/greet.er;", `er:hello("Ballerina")`, "bal pack", "bal push --repository=local"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md lacks %q:\n%s", want, readme)
		}
	}
	test := readFile(t, filepath.Join(dest, "tests", "lib_test.bal"))
	for _, want := range []string{
		"import ballerina/io;", "import ballerina/test;", "@test:BeforeSuite", "@test:AfterSuite",
		"I'm the before suite function!", "I'm the after suite function!",
		`test:assertEquals(hello("John"), "Hello, John");`, `test:assertEquals(hello(()), "Hello, World!");`,
	} {
		if !strings.Contains(test, want) {
			t.Errorf("tests/lib_test.bal lacks %q", want)
		}
	}
}

func TestNewModes(t *testing.T) {
	parent := t.TempDir()
	// The umask applies to our files as to any other: compare with files
	// made the ordinary way.
	refFile := filepath.Join(parent, "ref-file")
	refDir := filepath.Join(parent, "ref-dir")
	if err := os.WriteFile(refFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(refDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(parent, "hello")
	if _, err := New(NewOptions{Path: dest, Template: TemplateLib, Org: "o", Distribution: testDist}); err != nil {
		t.Fatal(err)
	}
	mode := func(p string) fs.FileMode {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	for _, p := range []string{dest, filepath.Join(dest, "tests"), filepath.Join(dest, "resources")} {
		if got, want := mode(p), mode(refDir); got != want {
			t.Errorf("mode of %s = %v, want %v", p, got, want)
		}
	}
	for _, p := range []string{"Ballerina.toml", "hello.bal", "tests/lib_test.bal", ".gitignore"} {
		if got, want := mode(filepath.Join(dest, p)), mode(refFile); got != want {
			t.Errorf("mode of %s = %v, want %v", p, got, want)
		}
	}
}

func TestNewDerivedName(t *testing.T) {
	tests := []struct{ dir, template, name string }{
		{"my-lib", TemplateLib, "my_lib"},
		{"1abc", TemplateLib, "lib1abc"},
		{"1abc", TemplateDefault, "app1abc"},
	}
	for _, tt := range tests {
		dest := filepath.Join(t.TempDir(), tt.dir)
		res, err := New(NewOptions{Path: dest, Template: tt.template, Org: "o", Distribution: testDist})
		if err != nil {
			t.Errorf("New(%s, %s): %v", tt.dir, tt.template, err)
			continue
		}
		want := []string{"Package name is derived as '" + tt.name + "'. Edit the Ballerina.toml to change it."}
		if res.Name != tt.name || !slices.Equal(res.Warnings, want) {
			t.Errorf("New(%s, %s) = name %q, warnings %q; want %q, %q", tt.dir, tt.template, res.Name, res.Warnings, tt.name, want)
		}
		if !strings.Contains(readFile(t, filepath.Join(dest, "Ballerina.toml")), `name = "`+tt.name+`"`) {
			t.Errorf("Ballerina.toml of %s does not hold the derived name", tt.dir)
		}
		if tt.template == TemplateLib {
			if _, err := os.Stat(filepath.Join(dest, tt.name+".bal")); err != nil {
				t.Errorf("lib source is not named after the derived name: %v", err)
			}
		}
	}
}

func TestNewDefaultOrg(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "hello")
	res, err := New(NewOptions{Path: dest, Distribution: testDist})
	if err != nil {
		t.Fatal(err)
	}
	if res.Org != "my_org" || !strings.Contains(readFile(t, filepath.Join(dest, "Ballerina.toml")), `org = "my_org"`) {
		t.Errorf("org = %q, want my_org", res.Org)
	}
}

func TestNewExistingDirectory(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "hello")
		if err := os.Mkdir(dest, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := New(NewOptions{Path: dest, Template: TemplateLib, Org: "o", Distribution: testDist}); err != nil {
			t.Fatal(err)
		}
		want := []string{".devcontainer.json", ".gitignore", "Ballerina.toml", "README.md", "hello.bal",
			"resources/", "tests/", "tests/lib_test.bal"}
		if got := tree(t, dest); !slices.Equal(got, want) {
			t.Errorf("tree = %q\nwant %q", got, want)
		}
	})
	t.Run("default keeps sources and files", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "app")
		if err := os.Mkdir(dest, 0o755); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{"app.bal": "// mine\n", ".gitignore": "mine\n", ".devcontainer.json": "", "tests/x_test.bal": ""}
		for name, content := range files {
			os.MkdirAll(filepath.Join(dest, filepath.Dir(name)), 0o755)
			if err := os.WriteFile(filepath.Join(dest, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := New(NewOptions{Path: dest, Org: "o", Distribution: testDist})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{".devcontainer.json", "Ballerina.toml"}; !slices.Equal(res.Created, want) {
			t.Errorf("Created = %q, want %q", res.Created, want)
		}
		if got := readFile(t, filepath.Join(dest, ".gitignore")); got != "mine\n" {
			t.Errorf(".gitignore was replaced: %q", got)
		}
		if got := readFile(t, filepath.Join(dest, ".devcontainer.json")); !strings.Contains(got, "devcontainer:2201.13.0") {
			t.Errorf("empty .devcontainer.json was not filled in: %q", got)
		}
		if _, err := os.Stat(filepath.Join(dest, "main.bal")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("main.bal written next to existing sources (stat: %v)", err)
		}
	})
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, parent string) // prepares parent
		dest     string                            // relative to parent
		template string
		// want is the error text; "$P" stands for parent.
		want string
		// usage reports whether the error is a *DestinationError.
		usage bool
	}{
		{
			name:  "destination is a file",
			setup: func(t *testing.T, p string) { write(t, filepath.Join(p, "hello"), "x") },
			dest:  "hello",
			want:  "destination '$P/hello' already exists.",
			usage: true,
		},
		{
			name:  "parent missing",
			dest:  "missing/hello",
			want:  "destination '$P/missing' does not exist.",
			usage: true,
		},
		{
			name:  "parent is a file",
			setup: func(t *testing.T, p string) { write(t, filepath.Join(p, "file"), "x") },
			dest:  "file/hello",
			want:  "destination '$P/file' is not a directory.",
			usage: true,
		},
		{
			name:  "already a package",
			setup: func(t *testing.T, p string) { write(t, filepath.Join(p, "hello", "Ballerina.toml"), "") },
			dest:  "hello",
			want:  "directory is already a Ballerina project.",
		},
		{
			name: "inside a package",
			setup: func(t *testing.T, p string) {
				write(t, filepath.Join(p, "Ballerina.toml"), "")
				write(t, filepath.Join(p, "sub", "hello", "notes.txt"), "")
			},
			dest: "sub/hello",
			want: "directory is already within the Ballerina project '$P'",
		},
		{
			name: "inside a package, new directory",
			setup: func(t *testing.T, p string) {
				write(t, filepath.Join(p, "Ballerina.toml"), "")
			},
			dest: "hello",
			want: "directory is already within the Ballerina project '$P'",
		},
		{
			name:  "contains a package",
			setup: func(t *testing.T, p string) { write(t, filepath.Join(p, "hello", "a", "b", "Ballerina.toml"), "") },
			dest:  "hello",
			want:  "directory already contains a Ballerina project",
		},
		{
			name: "package files present",
			setup: func(t *testing.T, p string) {
				write(t, filepath.Join(p, "hello", "Dependencies.toml"), "")
				write(t, filepath.Join(p, "hello", "modules", "m", "m.bal"), "")
			},
			dest:     "hello",
			template: TemplateLib,
			want:     "existing Dependencies.toml, modules file/directory(s) were found. Please use a different directory or remove existing files.",
		},
		{
			name:     "sources present",
			setup:    func(t *testing.T, p string) { write(t, filepath.Join(p, "hello", "x.bal"), "") },
			dest:     "hello",
			template: TemplateMain,
			want:     "existing .bal files found. Please use a different directory or remove existing files.",
		},
		{
			name:     "template directory present",
			setup:    func(t *testing.T, p string) { write(t, filepath.Join(p, "hello", "resources", "r.txt"), "") },
			dest:     "hello",
			template: TemplateLib,
			want:     "existing resources file/directory(s) were found. Please use a different directory or remove existing files.",
		},
		{
			name: "name invalid after guessing",
			dest: "__x",
			want: "invalid package name : '_x' :\nPackage name cannot have initial underscore characters.",
		},
		{
			name: "name empty after guessing",
			dest: "_",
			want: "invalid package name : '' :\nPackage name cannot be empty.",
		},
		{
			name: "name too long",
			dest: strings.Repeat("a", 257),
			want: "invalid package name : '" + strings.Repeat("a", 257) + "' :\nMaximum length of package name is 256 characters.",
		},
		{
			name:     "unknown template",
			dest:     "hello",
			template: "web",
			want:     "template not found: 'web'. The built-in templates are: default, main, service, lib",
		},
		{
			name:     "central template",
			dest:     "hello",
			template: "foo/bar:1.0.0",
			want:     "templates from Ballerina Central ('foo/bar:1.0.0') are not supported yet; use one of the built-in templates: default, main, service, lib",
		},
		{
			name:     "tool template",
			dest:     "hello",
			template: "tool",
			want:     "the 'tool' template is not supported yet; use one of the built-in templates: default, main, service, lib",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, parent)
			}
			before := tree(t, parent)
			_, err := New(NewOptions{Path: filepath.Join(parent, tt.dest), Template: tt.template, Org: "o", Distribution: testDist})
			want := strings.ReplaceAll(tt.want, "$P", parent)
			if err == nil || err.Error() != want {
				t.Fatalf("New error = %v\nwant %s", err, want)
			}
			var de *DestinationError
			if errors.As(err, &de) != tt.usage {
				t.Errorf("errors.As(*DestinationError) = %v, want %v", !tt.usage, tt.usage)
			}
			if after := tree(t, parent); !slices.Equal(after, before) {
				t.Errorf("New changed the file system:\nbefore %q\nafter  %q", before, after)
			}
		})
	}
}

func TestNewBadOptions(t *testing.T) {
	if _, err := New(NewOptions{Path: "relative/hello", Distribution: testDist}); err == nil {
		t.Errorf("New with a relative path succeeded")
	}
	if _, err := New(NewOptions{Path: filepath.Join(t.TempDir(), "x")}); err == nil {
		t.Errorf("New without a distribution succeeded")
	}
	if _, err := New(NewOptions{Path: string(filepath.Separator), Distribution: testDist}); !errors.Is(err, ErrNoPackageName) {
		t.Errorf("New(root) error = %v, want ErrNoPackageName", err)
	}
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWriteInPlaceUndo(t *testing.T) {
	dest := t.TempDir()
	write(t, filepath.Join(dest, "keep-empty"), "")
	write(t, filepath.Join(dest, "keep-full"), "mine")
	entries := []entry{
		{rel: "a.txt", data: []byte("a")},
		{rel: "dir", dir: true},
		{rel: "dir/b.txt", data: []byte("b")},
		{rel: "keep-empty", data: []byte("filled"), keep: true},
		{rel: "keep-full", data: []byte("theirs"), keep: true},
		{rel: "missing/c.txt", data: []byte("c")}, // fails: no such directory
	}
	if _, err := writeInPlace(dest, entries); err == nil {
		t.Fatal("writeInPlace succeeded, want an error")
	}
	if got, want := tree(t, dest), []string{"keep-empty", "keep-full"}; !slices.Equal(got, want) {
		t.Errorf("after failure tree = %q, want %q", got, want)
	}
	if got := readFile(t, filepath.Join(dest, "keep-empty")); got != "" {
		t.Errorf("keep-empty = %q after undo, want empty", got)
	}
	if got := readFile(t, filepath.Join(dest, "keep-full")); got != "mine" {
		t.Errorf("keep-full = %q, want mine", got)
	}
}

func TestWriteStagedFailure(t *testing.T) {
	parent := t.TempDir()
	t.Run("entry fails", func(t *testing.T) {
		dest := filepath.Join(parent, "pkg")
		_, err := writeStaged(dest, []entry{{rel: "a.txt", data: []byte("a")}, {rel: "no/b.txt"}})
		if err == nil {
			t.Fatal("writeStaged succeeded, want an error")
		}
		if got := tree(t, parent); len(got) != 0 {
			t.Errorf("parent holds %q after failure, want nothing", got)
		}
	})
	t.Run("destination appeared", func(t *testing.T) {
		dest := filepath.Join(parent, "taken")
		write(t, filepath.Join(dest, "theirs.txt"), "theirs")
		_, err := writeStaged(dest, []entry{{rel: "a.txt", data: []byte("a")}})
		if err == nil {
			t.Fatal("writeStaged over a non-empty directory succeeded, want an error")
		}
		if got, want := tree(t, parent), []string{"taken/", "taken/theirs.txt"}; !slices.Equal(got, want) {
			t.Errorf("parent holds %q, want %q", got, want)
		}
	})
}

func TestNewLongName(t *testing.T) {
	name := strings.Repeat("a", 250)
	dest := filepath.Join(t.TempDir(), name)
	res, err := New(NewOptions{Path: dest, Template: TemplateLib, Org: "o", Distribution: testDist})
	if err != nil {
		t.Fatalf("New(250-character name): %v", err)
	}
	if res.Name != name {
		t.Errorf("Name = %q", res.Name)
	}
}
