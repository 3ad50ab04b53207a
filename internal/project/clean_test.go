package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	f := newFixture(t, appFiles)
	write(t, filepath.Join(f.dir, "target", "build"), "{}")
	write(t, filepath.Join(f.dir, "target", "bala", "x.bala"), "")

	// From a subdirectory of the package.
	res, err := Clean(filepath.Join(f.dir, "target"), CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Removed || res.Dir != filepath.Join(f.dir, "target") || f.exists("target") {
		t.Errorf("Clean = %+v; target exists: %v", res, f.exists("target"))
	}
	res, err = Clean(f.dir, CleanOptions{})
	if err != nil || res.Removed {
		t.Errorf("second Clean = %+v, %v; want nothing removed", res, err)
	}
	if !f.exists("main.bal") || !f.exists("Ballerina.toml") {
		t.Error("Clean removed package files")
	}
}

func TestCleanTargetDirs(t *testing.T) {
	elsewhere := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		name     string
		manifest string // [build-options] targetDir
		flag     string // relative to the fixture's root directory
		setup    func(t *testing.T, f *fixture)
		removes  string // relative to the package; "" when an error is expected
		wantErr  string
	}{
		{name: "manifest targetDir inside", manifest: "build", removes: "build",
			setup: func(t *testing.T, f *fixture) { write(t, filepath.Join(f.dir, "build", "build"), "{}") }},
		{name: "manifest targetDir outside", manifest: "../out", wantErr: "[build-options] targetDir in Ballerina.toml points outside the package",
			setup: func(t *testing.T, f *fixture) { write(t, filepath.Join(f.dir, "..", "out", "x"), "") }},
		{name: "manifest targetDir is the package", manifest: ".", wantErr: "it contains the package"},
		{name: "flag elsewhere", flag: elsewhere, removes: elsewhere,
			setup: func(t *testing.T, f *fixture) { write(t, filepath.Join(elsewhere, "build"), "{}") }},
		{name: "flag is a parent", flag: "..", wantErr: "it contains the package"},
		{name: "flag holds a package", flag: "../other", wantErr: "it holds a Ballerina.toml",
			setup: func(t *testing.T, f *fixture) { write(t, filepath.Join(f.dir, "..", "other", "Ballerina.toml"), "") }},
		{name: "target is a file", wantErr: "not a directory",
			setup: func(t *testing.T, f *fixture) { write(t, filepath.Join(f.dir, "target"), "") }},
		{name: "target is a symbolic link", wantErr: "not a directory",
			setup: func(t *testing.T, f *fixture) {
				if err := os.Symlink(t.TempDir(), filepath.Join(f.dir, "target")); err != nil {
					t.Skip(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, appFiles)
			if tt.manifest != "" {
				write(t, filepath.Join(f.dir, "Ballerina.toml"), f.read("Ballerina.toml")+"\n[build-options]\ntargetDir = \""+tt.manifest+"\"\n")
			}
			if tt.setup != nil {
				tt.setup(t, f)
			}
			flag := tt.flag
			if flag != "" && !filepath.IsAbs(flag) {
				flag = filepath.Join(f.dir, flag)
			}
			res, err := Clean(f.dir, CleanOptions{TargetDir: flag})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if !f.exists("Ballerina.toml") || !f.exists("main.bal") {
					t.Error("package files removed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.removes
			if !filepath.IsAbs(want) {
				want = filepath.Join(f.dir, want)
			}
			if !res.Removed || res.Dir != want {
				t.Errorf("Clean = %+v, want %s removed", res, want)
			}
			if _, err := os.Stat(want); !os.IsNotExist(err) {
				t.Errorf("%s still exists", want)
			}
		})
	}
}

func TestCleanBrokenManifest(t *testing.T) {
	f := newFixture(t, "-- Ballerina.toml --\n[package\n")
	write(t, filepath.Join(f.dir, "target", "build"), "{}")
	if res, err := Clean(f.dir, CleanOptions{}); err != nil || !res.Removed {
		t.Errorf("Clean = %+v, %v", res, err)
	}
}

func TestCleanNotAPackage(t *testing.T) {
	dir := t.TempDir()
	if _, err := Clean(dir, CleanOptions{}); err == nil || !strings.HasPrefix(err.Error(), "invalid package path: ") {
		t.Errorf("error = %v", err)
	}
	f := newFixture(t, appFiles)
	if _, err := Clean(f.dir, CleanOptions{TargetDir: "rel"}); err == nil {
		t.Error("relative --target-dir accepted")
	}
}
