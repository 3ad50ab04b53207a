package project

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
)

// pack loads the fixture's package and packs it.
func (f *fixture) pack() (*PackResult, error) {
	f.t.Helper()
	return Pack(context.Background(), f.load(), PackOptions{BuildOptions: f.options()})
}

// mustPack packs and fails the test on an error.
func (f *fixture) mustPack() *PackResult {
	f.t.Helper()
	res, err := f.pack()
	if err != nil {
		msg := err.Error()
		if res != nil && res.Build != nil {
			msg += "\n" + diagStrings(res.Build.Diagnostics)
		}
		f.t.Fatalf("Pack: %s", msg)
	}
	return res
}

// openBala opens a bala and returns its entries in archive order with
// their content.
func openBala(t *testing.T, path string) ([]string, map[string]string) {
	t.Helper()
	a, file, err := bala.OpenFile(path, bala.DefaultLimits)
	if err != nil {
		t.Fatalf("OpenFile: %v", err)
	}
	defer file.Close()
	content := map[string]string{}
	for _, name := range a.Files {
		data, err := a.ReadFile(name)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", name, err)
		}
		content[name] = string(data)
	}
	return a.Files, content
}

// libFiles is the package bal new --template lib writes, trimmed.
const libFiles = `
-- Ballerina.toml --
[package]
org = "myorg"
name = "hello"
version = "0.1.0"
distribution = "2201.13.0"
-- README.md --
# Package Overview
-- hello.bal --
# Returns a greeting.
public function hello(string? name) returns string {
    if name !is () {
        return string ` + "`Hello, ${name}`" + `;
    }
    return "Hello, World!";
}
-- tests/lib_test.bal --
import ballerina/io;
import ballerina/test;

@test:Config {}
function testHello() {
    io:println("testing");
    test:assertEquals(hello("John"), "Hello, John");
}
`

const wantLibPackageJSON = `{
  "organization": "myorg",
  "name": "hello",
  "version": "0.1.0",
  "export": [
    "hello"
  ],
  "ballerina_version": "2201.13.0",
  "implementation_vendor": "WSO2",
  "language_spec_version": "2024R1",
  "platform": "any",
  "graalvmCompatible": true,
  "template": false,
  "readme": "docs/README.md",
  "modules": [
    {
      "name": "hello",
      "export": true
    }
  ]
}`

const wantLibGraph = `{
  "packages": [
    {
      "org": "myorg",
      "name": "hello",
      "version": "0.1.0",
      "transitive": false,
      "dependencies": [],
      "modules": []
    }
  ],
  "modules": [
    {
      "org": "myorg",
      "package_name": "hello",
      "version": "0.1.0",
      "module_name": "hello",
      "dependencies": []
    }
  ]
}`

// The journey of the guide: a library package packed as it is.
func TestPackLibrary(t *testing.T) {
	f := newFixture(t, libFiles)
	f.central("ballerina/io:1.6.0")
	res := f.mustPack()

	wantPath := filepath.Join(f.dir, "target", "bala", "myorg-hello-any-0.1.0.bala")
	if res.Path != wantPath || res.Platform != "any" {
		t.Errorf("Path, Platform = %s, %s; want %s, any", res.Path, res.Platform, wantPath)
	}
	if len(res.Notices) != 0 || len(res.Diagnostics) != 0 {
		t.Errorf("Notices, Diagnostics = %q, %q; want none", res.Notices, diagStrings(res.Diagnostics))
	}
	names, content := openBala(t, res.Path)
	wantNames := []string{"bala.json", "docs/README.md", "modules/hello/hello.bal", "package.json", "dependency-graph.json"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("entries = %q, want %q", names, wantNames)
	}
	if got := content["package.json"]; got != wantLibPackageJSON {
		t.Errorf("package.json:\n%s\nwant:\n%s", got, wantLibPackageJSON)
	}
	if got := content["dependency-graph.json"]; got != wantLibGraph {
		t.Errorf("dependency-graph.json:\n%s\nwant:\n%s", got, wantLibGraph)
	}
	if got, want := content["bala.json"], "{\n  \"bala_version\": \"3.0.0\",\n  \"built_by\": \"WSO2\"\n}"; got != want {
		t.Errorf("bala.json = %q, want %q", got, want)
	}
	if content["modules/hello/hello.bal"] != f.read("hello.bal") || content["docs/README.md"] != f.read("README.md") {
		t.Error("the source or the README differs from the package's")
	}

	// Pack locks the test dependencies like bal build.
	if res.Build.Lock != LockCreated || !strings.Contains(f.read(DependenciesFile), "name = \"io\"\nversion = \"1.6.0\"\nscope = \"testOnly\"") {
		t.Errorf("Lock = %v; Dependencies.toml:\n%s", res.Build.Lock, f.read(DependenciesFile))
	}
	if !f.exists("target/build") {
		t.Error("target/build not written")
	}

	// Packing again gives the same bytes.
	first, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(48 * 3600e9)
	res2 := f.mustPack()
	second, err := os.ReadFile(res2.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("packing twice gave different archives")
	}
}

const fullFiles = `
-- Ballerina.toml --
[package]
org = "myorg"
name = "winery"
version = "1.2.0"
license = ["Apache-2.0"]
authors = ["Ann", "Bob"]
keywords = ["wine", "store"]
repository = "https://github.com/myorg/winery"
include = ["data/*.csv", "modules/storage/schema/**", "!data/secret.csv", "/notes/", "resources/config.json"]
visibility = "private"
icon = "images/icon.png"
readme = "Overview.md"
description = "Stores wine."
template = true

[[package.modules]]
name = "winery.storage"
description = "Storage."
readme = "modules/storage/Storage.md"
export = true

[[package.modules]]
name = "winery.util"
description = "Helpers."

[platform.java21]
graalvmCompatible = false

[[platform.java21.dependency]]
path = "libs/driver-1.0.jar"
groupId = "org.example"
artifactId = "driver"
version = "1.0"

[[platform.java21.dependency]]
groupId = "org.example"
artifactId = "api"
version = "2.0"
scope = "provided"

[[platform.java21.dependency]]
path = "libs/junit.jar"
scope = "testOnly"
-- Overview.md --
# Winery
-- images/icon.png --
` + "\x89PNG\r\n\x1a\n" + `
-- main.bal --
import myorg/winery.storage;
import samjs/foo;

public function main() {
    storage:put(foo:name());
}
-- tests/main_test.bal --
import ballerina/test;
-- modules/storage/storage.bal --
import winery.util;

public function put(string s) {
    util:log(s);
}
-- modules/storage/Storage.md --
# Storage
-- modules/storage/schema/v1.sql --
create table wine;
-- modules/storage/tests/storage_test.bal --
import samjs/baz;
-- modules/util/util.bal --
public function log(string s) {
}
-- modules/util/README.md --
# Util
-- data/a.csv --
a
-- data/secret.csv --
secret
-- data/sub/b.csv --
b
-- notes/n.txt --
note
-- tools/notes/other.txt --
not anchored
-- resources/config.json --
{}
-- resources/nested/x.txt --
x
-- libs/driver-1.0.jar --
driver
-- libs/junit.jar --
junit
-- target/data/x.csv --
build output
`

const wantFullPackageJSON = `{
  "organization": "myorg",
  "name": "winery",
  "version": "1.2.0",
  "licenses": [
    "Apache-2.0"
  ],
  "authors": [
    "Ann",
    "Bob"
  ],
  "source_repository": "https://github.com/myorg/winery",
  "keywords": [
    "wine",
    "store"
  ],
  "export": [
    "winery",
    "winery.storage"
  ],
  "include": [
    "data/*.csv",
    "modules/storage/schema/**",
    "!data/secret.csv",
    "/notes/",
    "resources/config.json"
  ],
  "visibility": "private",
  "icon": "docs/icon.png",
  "ballerina_version": "2201.13.0",
  "implementation_vendor": "WSO2",
  "language_spec_version": "2024R1",
  "platform": "java21",
  "platformDependencies": [
    {
      "path": "platform/java21/driver-1.0.jar",
      "artifactId": "driver",
      "groupId": "org.example",
      "version": "1.0"
    },
    {
      "artifactId": "api",
      "groupId": "org.example",
      "version": "2.0",
      "scope": "provided"
    }
  ],
  "graalvmCompatible": false,
  "template": true,
  "readme": "docs/Overview.md",
  "description": "Stores wine.",
  "modules": [
    {
      "name": "winery",
      "export": true
    },
    {
      "name": "winery.storage",
      "export": true,
      "description": "Storage.",
      "readme": "docs/modules/winery.storage/Storage.md"
    },
    {
      "name": "winery.util",
      "export": false,
      "description": "Helpers.",
      "readme": "docs/modules/winery.util/README.md"
    }
  ]
}`

const wantFullGraph = `{
  "packages": [
    {
      "org": "myorg",
      "name": "winery",
      "version": "1.2.0",
      "transitive": false,
      "dependencies": [
        {
          "org": "samjs",
          "name": "foo",
          "version": "1.2.0",
          "transitive": false,
          "dependencies": [],
          "modules": []
        }
      ],
      "modules": []
    },
    {
      "org": "samjs",
      "name": "bar",
      "version": "1.0.0",
      "transitive": false,
      "dependencies": [],
      "modules": []
    },
    {
      "org": "samjs",
      "name": "foo",
      "version": "1.2.0",
      "transitive": false,
      "dependencies": [
        {
          "org": "samjs",
          "name": "bar",
          "version": "1.0.0",
          "transitive": false,
          "dependencies": [],
          "modules": []
        }
      ],
      "modules": []
    }
  ],
  "modules": [
    {
      "org": "myorg",
      "package_name": "winery",
      "version": "1.2.0",
      "module_name": "winery",
      "dependencies": [
        {
          "org": "myorg",
          "package_name": "winery",
          "version": "1.2.0",
          "module_name": "winery.storage",
          "dependencies": []
        },
        {
          "org": "samjs",
          "package_name": "foo",
          "version": "1.2.0",
          "module_name": "foo",
          "dependencies": []
        }
      ]
    },
    {
      "org": "myorg",
      "package_name": "winery",
      "version": "1.2.0",
      "module_name": "winery.storage",
      "dependencies": [
        {
          "org": "myorg",
          "package_name": "winery",
          "version": "1.2.0",
          "module_name": "winery.util",
          "dependencies": []
        }
      ]
    },
    {
      "org": "myorg",
      "package_name": "winery",
      "version": "1.2.0",
      "module_name": "winery.util",
      "dependencies": []
    }
  ]
}`

// Every package.json field comes from Ballerina.toml; modules, resources,
// includes, platform libraries and documentation land where the reference
// writer puts them; test files, test-only packages and test-only
// libraries stay out.
func TestPackAllFields(t *testing.T) {
	f := newFixture(t, fullFiles)
	f.central("samjs/foo:1.2.0", "samjs/bar:1.0.0")
	f.central("samjs/bar:1.0.0")
	f.central("samjs/baz:1.0.0")
	res := f.mustPack()

	if want := filepath.Join(f.dir, "target", "bala", "myorg-winery-java21-1.2.0.bala"); res.Path != want {
		t.Errorf("Path = %s, want %s", res.Path, want)
	}
	names, content := openBala(t, res.Path)
	wantNames := []string{
		"bala.json",
		"docs/Overview.md",
		"docs/icon.png",
		"docs/modules/winery.storage/Storage.md",
		"docs/modules/winery.util/README.md",
		"modules/winery.storage/schema/v1.sql",
		"modules/winery.storage/storage.bal",
		"modules/winery.util/util.bal",
		"modules/winery/main.bal",
		"resources/config.json",
		"resources/nested/x.txt",
		"data/a.csv",
		"notes/n.txt",
		"platform/java21/driver-1.0.jar",
		"package.json",
		"dependency-graph.json",
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(wantNames, "\n"))
	}
	if got := content["package.json"]; got != wantFullPackageJSON {
		t.Errorf("package.json:\n%s\nwant:\n%s", got, wantFullPackageJSON)
	}
	if got := content["dependency-graph.json"]; got != wantFullGraph {
		t.Errorf("dependency-graph.json:\n%s\nwant:\n%s", got, wantFullGraph)
	}
	if content["platform/java21/driver-1.0.jar"] != "driver\n" || content["docs/icon.png"] != f.read("images/icon.png") {
		t.Error("a copied file differs from the package's")
	}
	if res.Platform != "java21" || res.Package.Name != "winery" || len(res.Graph.Modules) != 3 {
		t.Errorf("result: Platform %q, Package %+v, Graph %+v", res.Platform, res.Package, res.Graph)
	}
}

// A source importing ballerina/jballerina.java needs the JVM backend; a
// test doing so does not.
func TestPackPlatform(t *testing.T) {
	tests := []struct {
		name, files, want string
	}{
		{"source import", "-- main.bal --\nimport ballerina/jballerina.java;\n", "java21"},
		{"test import", "-- main.bal --\n-- tests/t_test.bal --\nimport ballerina/jballerina.java;\n", "any"},
		{"testOnly library", "-- main.bal --\n-- lib.jar --\nx\n", "any"},
		{"library of a java17 table", "-- main.bal --\n-- lib.jar --\nx\n", "java21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toml := "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n"
			switch tt.name {
			case "testOnly library":
				toml += "[[platform.java21.dependency]]\npath = \"lib.jar\"\nscope = \"testOnly\"\n"
			case "library of a java17 table":
				toml += "[[platform.java17.dependency]]\npath = \"lib.jar\"\n"
			}
			f := newFixture(t, toml+"-- README.md --\nread me\n"+tt.files)
			res := f.mustPack()
			if res.Platform != tt.want || filepath.Base(res.Path) != "myorg-app-"+tt.want+"-0.1.0.bala" {
				t.Errorf("Platform = %q, Path = %s; want %s", res.Platform, res.Path, tt.want)
			}
			names, _ := openBala(t, res.Path)
			if tt.name == "library of a java17 table" && !slices.Contains(names, "platform/java21/lib.jar") {
				t.Errorf("entries %q lack platform/java21/lib.jar", names)
			}
		})
	}
}

// The README warnings are the reference texts.
func TestPackReadmeNotices(t *testing.T) {
	tests := []struct {
		name, toml, files, want, wantDoc string
	}{
		{"none", "", "", "warning: Neither README.md nor Package.md is present in the package. At least one is required when pushing to Ballerina Central.", ""},
		{"empty", "", "-- README.md --\n", "WARNING: README.md file is empty in the package. Add meaningful documentation before pushing.", "docs/README.md"},
		{"blank", "", "-- README.md --\n  \n\n", "WARNING: README.md file is empty in the package. Add meaningful documentation before pushing.", "docs/README.md"},
		{"custom missing", "readme = \"docs/Guide.md\"\n", "-- README.md --\nx\n", "warning: The specified readme file 'docs/Guide.md' is missing. It is required when pushing to Ballerina Central.", ""},
		{"custom", "readme = \"docs/Guide.md\"\n", "-- docs/Guide.md --\nx\n", "", "docs/Guide.md"},
		{"legacy", "", "-- Package.md --\nx\n", "", "docs/Package.md"},
		{"both", "", "-- Package.md --\nx\n-- README.md --\ny\n", "", "docs/README.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n"+
				tt.toml+"-- main.bal --\n"+tt.files)
			res := f.mustPack()
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if !slices.Equal(res.Notices, want) {
				t.Errorf("Notices = %q, want %q", res.Notices, want)
			}
			if res.Package.Readme != tt.wantDoc {
				t.Errorf("readme = %q, want %q", res.Package.Readme, tt.wantDoc)
			}
		})
	}
}

func TestPackPackageTable(t *testing.T) {
	tests := []struct {
		name, toml, want string
	}{
		{"no table", "[build-options]\nobservabilityIncluded = false\n", "'package' information not found in Ballerina.toml"},
		{"no org", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n", "to build a package 'org' field of the package is required in Ballerina.toml"},
		{"no org and version", "[package]\nname = \"app\"\n", "to build a package 'org' and 'version' fields of the package are required in Ballerina.toml"},
		{"empty table", "[package]\n", "to build a package 'org', 'name' and 'version' fields of the package are required in Ballerina.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "-- Ballerina.toml --\n"+tt.toml+"-- main.bal --\n-- README.md --\nx\n")
			res, err := f.pack()
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			if res.Build != nil || f.exists("target") {
				t.Error("Pack resolved or wrote files")
			}
		})
	}
}

// A syntax error in a packed file stops the pack before anything is
// written; one in a test does not. (The parser reads declarations, not
// function bodies: an error inside a body is the compiler's to find.)
func TestPackSyntaxErrors(t *testing.T) {
	const toml = "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n-- README.md --\nx\n"
	f := newFixture(t, toml+"-- main.bal --\nimport samjs/foo;\n\nint x = ;\n-- modules/util/util.bal --\ntype T record { int a };\n")
	f.central("samjs/foo:1.0.0")
	_, err := f.pack()
	var fe *FileErrors
	if !errors.As(err, &fe) || fe.Summary != "the package's sources contain errors" {
		t.Fatalf("err = %v, want source errors", err)
	}
	got := diagStrings(fe.Diagnostics)
	if got != "main.bal:3:9: expected initializer expression after '=', found ';'\nmodules/util/util.bal:1:23: expected ';' after field declaration, found '}'" {
		t.Errorf("diagnostics:\n%s", got)
	}
	if f.exists(DependenciesFile) || f.exists("target") {
		t.Error("a failed pack wrote files")
	}

	f = newFixture(t, toml+"-- main.bal --\n-- tests/t_test.bal --\nfunction f( {\n")
	f.mustPack()

	// An import of a module the package does not have.
	f = newFixture(t, toml+"-- main.bal --\nimport myorg/app.nothere;\n-- tests/t_test.bal --\nimport app.alsonot;\n")
	_, err = f.pack()
	if !errors.As(err, &fe) || diagStrings(fe.Diagnostics) != "main.bal:1:1: cannot resolve module 'myorg/app.nothere'\n\thint: the package myorg/app:0.1.0 has no module app.nothere" {
		t.Errorf("err = %v", err)
	}
}

// The files Ballerina.toml names must exist, as the reference manifest
// builder checks.
func TestPackManifestFiles(t *testing.T) {
	const head = "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n"
	tests := []struct {
		name, files, want string
	}{
		{"icon missing", "icon = \"icon.png\"\n", "Ballerina.toml:5:8: could not locate icon path 'icon.png'"},
		{"icon not png", "icon = \"icon.png\"\n-- icon.png --\nGIF89a\n", "Ballerina.toml:5:8: invalid 'icon' under [package]: 'icon' can only have 'png' images"},
		{"library missing", "[[platform.java21.dependency]]\npath = \"libs/x.jar\"\n", "Ballerina.toml:5:1: could not locate dependency path 'libs/x.jar'"},
		{"maven library", "[[platform.java21.dependency]]\ngroupId = \"g\"\nartifactId = \"a\"\nversion = \"1\"\n",
			"Ballerina.toml:5:1: platform dependency 'g:a:1' has no 'path': bal does not download Maven artifacts\n\thint: download the jar into the package and set 'path' to it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, head+tt.files+"\n-- main.bal --\n-- README.md --\nx\n")
			_, err := f.pack()
			var fe *FileErrors
			if !errors.As(err, &fe) || fe.Summary != "Ballerina.toml contains errors" || diagStrings(fe.Diagnostics) != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestPackSettingsErrors(t *testing.T) {
	f := newFixture(t, libFiles)
	write(t, filepath.Join(f.home, "Settings.toml"), "[central]\naccesstoken = 1\n")
	_, err := f.pack()
	var fe *FileErrors
	if !errors.As(err, &fe) || fe.Summary != "Settings.toml contains errors" || len(fe.Diagnostics) == 0 ||
		!strings.HasPrefix(fe.Diagnostics[0].Sites[0], filepath.Join(f.home, "Settings.toml")) {
		t.Fatalf("err = %v", err)
	}
	if f.exists("target") {
		t.Error("wrote files")
	}
}

func TestPackUnsupported(t *testing.T) {
	f := newFixture(t, libFiles+"-- BalTool.toml --\n[tool]\nid = \"x\"\n")
	if _, err := f.pack(); err == nil || !strings.Contains(err.Error(), "packing compiler plugins and tools is not supported yet") {
		t.Errorf("err = %v", err)
	}
	f = newFixture(t, "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\ninclude = [\"[a\"]\n-- main.bal --\n")
	var ie *IncludeError
	if _, err := f.pack(); !errors.As(err, &ie) || err.Error() != "invalid pattern '[a' in [package] include of Ballerina.toml: unclosed '['" {
		t.Errorf("err = %v", err)
	}
}

// A resolution failure is reported with Build's diagnostics and writes
// nothing.
func TestPackResolutionFailure(t *testing.T) {
	f := newFixture(t, "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n-- main.bal --\nimport samjs/nothere;\n")
	res, err := f.pack()
	if !errors.Is(err, ErrResolution) || res.Build == nil || !strings.Contains(diagStrings(res.Build.Diagnostics), "cannot resolve module 'samjs/nothere'") {
		t.Fatalf("err = %v", err)
	}
	if len(res.Notices) != 1 || f.exists("target") {
		t.Errorf("Notices = %q; target written: %v", res.Notices, f.exists("target"))
	}
}

// Older balas of the package are removed from target/bala; other files
// stay.
func TestPackRemovesStaleBalas(t *testing.T) {
	f := newFixture(t, libFiles)
	f.central("ballerina/io:1.6.0")
	dir := filepath.Join(f.dir, "target", "bala")
	for _, name := range []string{"myorg-hello-any-0.0.9.bala", "myorg-hello-java21-0.1.0.bala", "myorg-hello_x-any-0.1.0.bala", "other-hello-any-0.1.0.bala", "notes.txt"} {
		write(t, filepath.Join(dir, name), "x")
	}
	f.mustPack()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := []string{"myorg-hello-any-0.1.0.bala", "myorg-hello_x-any-0.1.0.bala", "notes.txt", "other-hello-any-0.1.0.bala"}
	if !slices.Equal(got, want) {
		t.Errorf("target/bala = %q, want %q", got, want)
	}
}

// --target-dir moves the archive.
func TestPackTargetDir(t *testing.T) {
	f := newFixture(t, libFiles)
	f.central("ballerina/io:1.6.0")
	target := filepath.Join(t.TempDir(), "out")
	p, err := Load(f.dir, LoadOptions{UserName: "tester", TargetDir: target})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Pack(context.Background(), p, PackOptions{BuildOptions: f.options()})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(target, "bala", "myorg-hello-any-0.1.0.bala"); res.Path != want {
		t.Errorf("Path = %s, want %s", res.Path, want)
	}
}

// A module README named in Ballerina.toml but missing is a warning.
func TestPackMissingModuleReadme(t *testing.T) {
	f := newFixture(t, "-- Ballerina.toml --\n[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n\n"+
		"[[package.modules]]\nname = \"app.util\"\nreadme = \"modules/util/Util.md\"\n-- main.bal --\n-- README.md --\nx\n-- modules/util/u.bal --\n")
	res := f.mustPack()
	if got, want := diagStrings(res.Diagnostics), "Ballerina.toml:7:8: warning: could not locate the readme 'modules/util/Util.md' of module 'app.util'; it is not packed"; got != want {
		t.Errorf("Diagnostics = %q, want %q", got, want)
	}
}
