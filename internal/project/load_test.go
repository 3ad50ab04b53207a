package project

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	f := newFixture(t, `
-- Ballerina.toml --
[package]
org = "myorg"
name = "app"
version = "1.2.3"
-- main.bal --
import samjs/foo;
-- modules/util/util.bal --
-- Dependencies.toml --
[ballerina]
dependencies-toml-version = "2"
distribution-version = "2201.12.0"

[[package]]
org = "myorg"
name = "app"
version = "1.2.3"
`)
	// From a subdirectory, the enclosing package is found.
	p, err := Load(filepath.Join(f.dir, "modules", "util"), LoadOptions{UserName: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Dir != f.dir || p.ID() != "myorg/app:1.2.3" {
		t.Errorf("Dir, ID = %s, %s", p.Dir, p.ID())
	}
	if p.Lock == nil || p.Lock.DistributionVersion != "2201.12.0" || len(p.LockData) == 0 {
		t.Errorf("Lock = %+v", p.Lock)
	}
	if p.TargetDir != filepath.Join(f.dir, "target") || p.TargetDirSource != TargetDefault {
		t.Errorf("TargetDir = %s (%v)", p.TargetDir, p.TargetDirSource)
	}
	if len(p.Sources.Modules) != 2 || len(p.Warnings) != 0 {
		t.Errorf("modules %d, warnings %v", len(p.Sources.Modules), p.Warnings)
	}
}

func TestLoadDefaultsAndWarnings(t *testing.T) {
	f := newFixture(t, `
-- Ballerina.toml --
[package]
version = "0.2.0"
-- Dependencies.toml --
[ballerina]
dependencies-toml-version = "2"

[[package]]
org = "someone"
name = "else"
version = "1.0.0"
`)
	p, err := Load(f.dir, LoadOptions{UserName: "Jane.Doe"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID() != "jane_doe/app:0.2.0" {
		t.Errorf("ID = %s, want the defaults jane_doe/app", p.ID())
	}
	if p.Lock != nil {
		t.Errorf("a corrupted Dependencies.toml was used: %+v", p.Lock)
	}
	got := diagStrings(p.Warnings)
	for _, want := range []string{
		"Ballerina.toml:1:1: warning: missing key 'org' in table '[package]' in 'Ballerina.toml'",
		"Dependencies.toml: warning: Detected corrupted 'Dependencies.toml' file. This will be updated to latest dependencies.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   string
		wantErr string
	}{
		{
			name: "Ballerina.toml",
			files: `
-- Ballerina.toml --
[package]
org = "my-org"
name = ""
version = "1.0"
`,
			wantErr: "Ballerina.toml contains errors\n" +
				"Ballerina.toml:2:7: invalid 'org' under [package]: 'org' can only contain alphanumerics and underscores\n" +
				"Ballerina.toml:3:8: invalid 'name' under [package]: 'name' cannot be empty\n" +
				"Ballerina.toml:4:11: invalid 'version' under [package]: 'version' should be compatible with semver",
		},
		{
			name: "Ballerina.toml syntax",
			files: `
-- Ballerina.toml --
[package
`,
			wantErr: "Ballerina.toml contains errors\nBallerina.toml:1:",
		},
		{
			name: "Dependencies.toml",
			files: `
-- Ballerina.toml --
[package]
org = "myorg"
name = "app"
version = "0.1.0"
-- Dependencies.toml --
[ballerina]
dependencies-toml-version = "2"

[[package]]
org = "myorg"
name = "app"
version = "0.1.0"
scope = "all"
`,
			wantErr: "Dependencies.toml contains errors\n" +
				"Dependencies.toml:8:9: invalid 'scope' under [[package]]: 'scope' can only contain value 'testOnly'",
		},
		{
			name: "imports",
			files: `
-- Ballerina.toml --
[package]
org = "myorg"
name = "app"
version = "0.1.0"
-- main.bal --
import samjs/;
`,
			wantErr: "the package's import declarations contain errors\nmain.bal:1:",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.files)
			_, err := Load(f.dir, LoadOptions{})
			var fe *FileErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error = %v (%T), want *FileErrors", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error:\n%s\nwant prefix:\n%s", err, tt.wantErr)
			}
			if fe.Summary != strings.SplitN(tt.wantErr, "\n", 2)[0] {
				t.Errorf("Summary = %q", fe.Summary)
			}
		})
	}
}

func TestLoadNotAPackage(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "hello.bal"), "")
	for _, p := range []string{dir, filepath.Join(dir, "missing")} {
		_, err := Load(p, LoadOptions{})
		var ip *InvalidPackagePathError
		if !errors.As(err, &ip) || ip.Path != p {
			t.Errorf("Load(%s) error = %v", p, err)
		}
		if want := "invalid package path: " + p + ". Please provide a valid Ballerina package or a workspace."; err == nil || err.Error() != want {
			t.Errorf("Load(%s) error = %v, want %q", p, err, want)
		}
	}
	file := filepath.Join(dir, "hello.bal")
	if _, err := Load(file, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "cannot use the single file ") {
		t.Errorf("Load(%s) error = %v", file, err)
	}
	if _, err := Load("relative", LoadOptions{}); err == nil {
		t.Error("Load(relative path) succeeded")
	}
}

func TestLoadTargetDir(t *testing.T) {
	f := newFixture(t, appFiles+`
-- Ballerina.toml --
[package]
org = "myorg"
name = "app"
version = "0.1.0"

[build-options]
targetDir = "build-out"
`)
	p := f.load()
	if p.TargetDir != filepath.Join(f.dir, "build-out") || p.TargetDirSource != TargetManifest {
		t.Errorf("TargetDir = %s (%v)", p.TargetDir, p.TargetDirSource)
	}
	if p.BuildFilePath() != filepath.Join(f.dir, "build-out", "build") {
		t.Errorf("BuildFilePath = %s", p.BuildFilePath())
	}
	flag := filepath.Join(t.TempDir(), "elsewhere")
	p, err := Load(f.dir, LoadOptions{TargetDir: flag})
	if err != nil {
		t.Fatal(err)
	}
	if p.TargetDir != flag || p.TargetDirSource != TargetFlag {
		t.Errorf("TargetDir = %s (%v)", p.TargetDir, p.TargetDirSource)
	}
	if _, err := Load(f.dir, LoadOptions{TargetDir: "rel"}); err == nil {
		t.Error("a relative --target-dir was accepted")
	}
}
