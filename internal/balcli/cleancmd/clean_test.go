package cleancmd

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
)

func TestNewCmdClean(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "no arguments", want: Options{}},
		{name: "path and target", args: []string{"app", "--target-dir", "/tmp/out"}, want: Options{Path: "app", TargetDir: "/tmp/out"}},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "too many arguments"},
		{name: "unknown flag", args: []string{"--all"}, wantErr: "unknown flag: --all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdClean(&cmdenv.Env{IO: ios}, func(o *Options) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || got != nil {
					t.Fatalf("error = %v, runF called: %v; want %q", err, got != nil, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("error = %v, runF called: %v", err, got != nil)
			}
			if got.Path != tt.want.Path || got.TargetDir != tt.want.TargetDir || got.IO != ios {
				t.Errorf("options = {Path: %q, TargetDir: %q}, want {Path: %q, TargetDir: %q}", got.Path, got.TargetDir, tt.want.Path, tt.want.TargetDir)
			}
		})
	}
}

func write(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRun(t *testing.T) {
	wd := t.TempDir()
	write(t, filepath.Join(wd, "app", "Ballerina.toml"))
	write(t, filepath.Join(wd, "app", "target", "build"))
	outside := filepath.Join(t.TempDir(), "out")
	write(t, filepath.Join(outside, "build"))
	tests := []struct {
		name, path, target, wantOut, wantErr string
	}{
		{name: "target", path: "app", wantOut: "Removed app/target\n"},
		{name: "again", path: "app", wantOut: "Nothing to clean: app/target does not exist\n"},
		{name: "from inside", path: "app/", wantOut: "Nothing to clean: app/target does not exist\n"},
		{name: "target dir outside", path: "app", target: outside, wantOut: "Removed " + outside + "\n"},
		{name: "refused", path: "app", target: ".", wantErr: "refusing to remove " + wd + ": it contains the package " + filepath.Join(wd, "app")},
		{name: "not a package", path: ".", wantErr: "invalid package path: " + wd + ". Please provide a valid Ballerina package or a workspace."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			err := run(&Options{IO: ios, Getwd: func() (string, error) { return wd, nil }, Path: tt.path, TargetDir: tt.target})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.wantOut || errOut.Len() != 0 {
				t.Errorf("stdout %q, stderr %q; want stdout %q", out, errOut, tt.wantOut)
			}
		})
	}
	ios, _, _, _ := iostreams.Test()
	err := run(&Options{IO: ios, Getwd: func() (string, error) { return "", errors.New("gone") }})
	if err == nil || err.Error() != "cannot determine the current directory: gone" {
		t.Errorf("error = %v", err)
	}
}
