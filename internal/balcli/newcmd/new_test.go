package newcmd

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/version"
)

func TestNewCmdNew(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     Options
		wantErr  string
		usageErr bool
	}{
		{name: "path", args: []string{"hello"}, want: Options{Path: "hello", Template: "default"}},
		{name: "template long", args: []string{"--template", "lib", "hello"}, want: Options{Path: "hello", Template: "lib"}},
		{name: "template short after path", args: []string{"hello", "-t", "main"}, want: Options{Path: "hello", Template: "main"}},
		{name: "template equals", args: []string{"--template=service", "a/b-c"}, want: Options{Path: "a/b-c", Template: "service"}},
		{name: "central template", args: []string{"-t", "foo/bar:1.0.0", "x"}, want: Options{Path: "x", Template: "foo/bar:1.0.0"}},
		{name: "no path", args: []string{}, wantErr: "project path is not provided.", usageErr: true},
		{name: "empty path", args: []string{""}, wantErr: "project path is not provided.", usageErr: true},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "too many arguments", usageErr: true},
		{name: "template without path", args: []string{"-t", "lib"}, wantErr: "project path is not provided.", usageErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdNew(&cmdenv.Env{IO: ios}, func(o *Options) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				var ue *cmdenv.UsageError
				if errors.As(err, &ue) != tt.usageErr {
					t.Errorf("error is %T; usage error wanted: %v", err, tt.usageErr)
				}
				if got != nil {
					t.Errorf("runF was called despite the error")
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got == nil {
				t.Fatal("runF was not called")
			}
			if got.Path != tt.want.Path || got.Template != tt.want.Template {
				t.Errorf("options = {Path: %q, Template: %q}, want {Path: %q, Template: %q}",
					got.Path, got.Template, tt.want.Path, tt.want.Template)
			}
			if got.IO != ios {
				t.Errorf("options.IO is not the environment's streams")
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(t *testing.T, wd string)
		path       string // "$WD" is replaced by the working directory
		template   string
		wantOut    string
		wantErrOut string
		wantErr    string
		usageErr   bool
		wantTOML   string // a line Ballerina.toml of the package must contain
	}{
		{
			name:     "lib",
			path:     "hello",
			template: "lib",
			wantOut:  "Created new package 'hello' at hello.\n",
			wantTOML: `org = "john_doe"`,
		},
		{
			name:       "derived name",
			path:       "my-lib",
			template:   "lib",
			wantOut:    "Created new package 'my_lib' at my-lib.\n",
			wantErrOut: "Package name is derived as 'my_lib'. Edit the Ballerina.toml to change it.\n\n",
			wantTOML:   `name = "my_lib"`,
		},
		{
			name:       "nested relative path, trailing slash",
			setup:      func(t *testing.T, wd string) { mkdir(t, filepath.Join(wd, "foo")) },
			path:       "foo/bar-baz/",
			template:   "default",
			wantOut:    "Created new package 'bar_baz' at foo/bar-baz.\n",
			wantErrOut: "Package name is derived as 'bar_baz'. Edit the Ballerina.toml to change it.\n\n",
			wantTOML:   `distribution = "` + version.DistributionShort + `"`,
		},
		{
			name:     "absolute path",
			path:     "$WD/abs",
			template: "main",
			wantOut:  "Created new package 'abs' at $WD/abs.\n",
			wantTOML: "observabilityIncluded = true",
		},
		{
			name:     "current directory",
			setup:    func(t *testing.T, wd string) { mkdir(t, filepath.Join(wd, "here")) },
			path:     ".",
			template: "default",
			wantOut:  "Created new package 'here' at ..\n",
			wantTOML: `name = "here"`,
		},
		{
			name:     "parent missing",
			path:     "nope/hello",
			template: "default",
			wantErr:  "destination '$WD/nope' does not exist.",
			usageErr: true,
		},
		{
			name:     "already a package",
			setup:    func(t *testing.T, wd string) { touch(t, filepath.Join(wd, "hello", "Ballerina.toml")) },
			path:     "hello",
			template: "lib",
			wantErr:  "directory is already a Ballerina project.",
		},
		{
			name:     "central template",
			path:     "hello",
			template: "ballerinax/x:1.0.0",
			wantErr:  "templates from Ballerina Central ('ballerinax/x:1.0.0') are not supported yet; use one of the built-in templates: default, main, service, lib",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			wd := root
			if tt.name == "current directory" {
				wd = filepath.Join(root, "here")
			}
			if tt.setup != nil {
				tt.setup(t, root)
			}
			expand := func(s string) string { return strings.ReplaceAll(s, "$WD", wd) }
			ios, _, out, errOut := iostreams.Test()
			opts := &Options{
				IO:       ios,
				Getwd:    func() (string, error) { return wd, nil },
				UserName: func() string { return "John.Doe" },
				Path:     expand(tt.path),
				Template: tt.template,

				Distribution: version.DistributionShort,
			}
			err := run(opts)
			if tt.wantErr != "" {
				if err == nil || err.Error() != expand(tt.wantErr) {
					t.Fatalf("run error = %v, want %q", err, expand(tt.wantErr))
				}
				var ue *cmdenv.UsageError
				if errors.As(err, &ue) != tt.usageErr {
					t.Errorf("error is %T; usage error wanted: %v", err, tt.usageErr)
				}
			} else if err != nil {
				t.Fatalf("run error = %v", err)
			}
			if got := out.String(); got != expand(tt.wantOut) {
				t.Errorf("stdout = %q, want %q", got, expand(tt.wantOut))
			}
			if got := errOut.String(); got != tt.wantErrOut {
				t.Errorf("stderr = %q, want %q", got, tt.wantErrOut)
			}
			if tt.wantTOML != "" {
				dir := expand(tt.path)
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(wd, dir)
				}
				b, err := os.ReadFile(filepath.Join(dir, "Ballerina.toml"))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), tt.wantTOML+"\n") {
					t.Errorf("Ballerina.toml lacks %q:\n%s", tt.wantTOML, b)
				}
			}
		})
	}
}

func TestRunGetwdError(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	opts := &Options{
		IO:       ios,
		Getwd:    func() (string, error) { return "", errors.New("gone") },
		UserName: func() string { return "" },
		Path:     "hello",
	}
	if err := run(opts); err == nil || err.Error() != "cannot determine the current directory: gone" {
		t.Errorf("run error = %v", err)
	}
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func touch(t *testing.T, p string) {
	t.Helper()
	mkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}
