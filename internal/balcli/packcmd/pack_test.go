package packcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/resolve"
)

func TestNewCmdPack(t *testing.T) {
	yes, no := true, false
	hard := resolve.Hard
	tests := []struct {
		name     string
		args     []string
		want     Options
		wantErr  string
		usageErr bool
	}{
		{name: "no arguments", args: nil, want: Options{}},
		{name: "path", args: []string{"app"}, want: Options{Path: "app"}},
		{name: "flags", args: []string{"--sticky", "--offline", "--locking-mode=HARD", "--target-dir", "out", "app"},
			want: Options{Path: "app", Sticky: &yes, Offline: &yes, LockingMode: &hard, TargetDir: "out"}},
		{name: "false flags", args: []string{"--sticky=false", "--offline=false"}, want: Options{Sticky: &no, Offline: &no}},
		{name: "bad locking mode", args: []string{"--locking-mode", "strict"},
			wantErr: "invalid value 'strict' for --locking-mode: expected one of soft, medium, hard, locked", usageErr: true},
		{name: "unknown flag", args: []string{"--why", "a/b"}, wantErr: "unknown flag: --why", usageErr: true},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "too many arguments", usageErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdPack(&cmdenv.Env{IO: ios, Distribution: "2201.13.0"}, func(o *Options) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdenv.UsageError{Err: err} })
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ue *cmdenv.UsageError
				if err == nil || err.Error() != tt.wantErr || errors.As(err, &ue) != tt.usageErr || got != nil {
					t.Fatalf("error = %v (%T), want %q; runF called: %v", err, err, tt.wantErr, got != nil)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("error = %v, runF called: %v", err, got != nil)
			}
			if s, w := describe(got), describe(&tt.want); s != w {
				t.Errorf("options = %s, want %s", s, w)
			}
			if got.IO != ios || got.Distribution != "2201.13.0" {
				t.Error("options do not carry the environment")
			}
		})
	}
}

func describe(o *Options) string {
	b := func(p *bool) string {
		if p == nil {
			return "unset"
		}
		return fmt.Sprint(*p)
	}
	mode := "unset"
	if o.LockingMode != nil {
		mode = o.LockingMode.String()
	}
	return fmt.Sprintf("{Path:%q Sticky:%s Offline:%s LockingMode:%s TargetDir:%q}",
		o.Path, b(o.Sticky), b(o.Offline), mode, o.TargetDir)
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// env is a working directory holding a package "app" and a Ballerina home.
type env struct {
	t        *testing.T
	wd, home string
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, wd: t.TempDir()}
	e.home = filepath.Join(e.wd, "home")
	e.write("app/Ballerina.toml", "[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n")
	e.write("app/main.bal", "import samjs/foo;\n")
	e.write("app/README.md", "# App\n")
	return e
}

func (e *env) write(rel, content string) {
	e.t.Helper()
	p := filepath.Join(e.wd, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// central adds org/name:version without dependencies to the Central cache.
func (e *env) central(id string) {
	org, rest, _ := strings.Cut(id, "/")
	name, ver, _ := strings.Cut(rest, ":")
	e.write("home/repositories/central.ballerina.io/bala/"+org+"/"+name+"/"+ver+"/any/package.json",
		fmt.Sprintf(`{"organization": %q, "name": %q, "version": %q, "ballerina_version": "2201.13.0"}`, org, name, ver))
}

// run runs bal pack with opts changed by edit and returns stdout, stderr
// and the error.
func (e *env) run(edit func(*Options)) (string, string, error) {
	ios, _, out, errOut := iostreams.Test()
	opts := &Options{
		IO:           ios,
		Getwd:        func() (string, error) { return e.wd, nil },
		Getenv:       func(string) string { return "" },
		Now:          func() time.Time { return t0 },
		UserName:     func() string { return "tester" },
		HomeDir:      func() (string, error) { return e.home, nil },
		Distribution: "2201.13.0",
		Path:         "app",
	}
	if edit != nil {
		edit(opts)
	}
	err := run(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func TestRun(t *testing.T) {
	e := newEnv(t)
	e.central("samjs/foo:1.0.0")
	out, errOut, err := e.run(nil)
	if err != nil {
		t.Fatalf("pack: %v\n%s", err, errOut)
	}
	want := "Checking source\n\tmyorg/app:0.1.0\n\nCreating bala\n\t" + filepath.Join("target", "bala", "myorg-app-any-0.1.0.bala") + "\n"
	if out != want || errOut != "" {
		t.Errorf("stdout %q, stderr %q; want stdout %q", out, errOut, want)
	}

	// A newer patch a day later: the version change is reported.
	e.central("samjs/foo:1.0.1")
	e.write("app/target/build", "{}")
	out, _, err = e.run(func(o *Options) { o.Now = func() time.Time { return t0.Add(48 * time.Hour) } })
	want = "Checking source\n\tmyorg/app:0.1.0\n\nUpdated Dependencies.toml\n\tsamjs/foo:1.0.0 → 1.0.1\n\nCreating bala\n\t" +
		filepath.Join("target", "bala", "myorg-app-any-0.1.0.bala") + "\n"
	if err != nil || out != want {
		t.Errorf("second pack: %v\nstdout %q\nwant %q", err, out, want)
	}

	// A target directory outside the package is printed in full.
	target := filepath.Join(e.wd, "out")
	out, _, err = e.run(func(o *Options) { o.TargetDir = "out" })
	if err != nil || !strings.HasSuffix(out, "\nCreating bala\n\t"+filepath.Join(target, "bala", "myorg-app-any-0.1.0.bala")+"\n") {
		t.Errorf("--target-dir: %v\nstdout %q", err, out)
	}
}

func TestRunWarningsAndErrors(t *testing.T) {
	e := newEnv(t)
	e.central("samjs/foo:1.0.0")
	if err := os.Remove(filepath.Join(e.wd, "app", "README.md")); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := e.run(nil)
	if want := "ballerina: warning: Neither README.md nor Package.md is present in the package. At least one is required when pushing to Ballerina Central.\n"; err != nil || errOut != want {
		t.Errorf("no README: %v, stderr %q, want %q", err, errOut, want)
	}

	// Syntax errors: the diagnostics, then the summary as the error.
	e.write("app/main.bal", "import samjs/foo;\nint x = ;\n")
	out, errOut, err := e.run(nil)
	if err == nil || err.Error() != "the package's sources contain errors" ||
		!strings.HasSuffix(errOut, "main.bal:2:9: expected initializer expression after '=', found ';'\n") {
		t.Errorf("syntax error: %v, stderr %q", err, errOut)
	}
	if out != "Checking source\n\tmyorg/app:0.1.0\n" {
		t.Errorf("syntax error: stdout %q", out)
	}

	// Resolution errors are printed like bal build prints them.
	e.write("app/main.bal", "import samjs/nothere;\n")
	_, errOut, err = e.run(nil)
	if err == nil || err.Error() != "dependency resolution failed" || !strings.Contains(errOut, "main.bal:1:1: cannot resolve module 'samjs/nothere'\n") {
		t.Errorf("resolution error: %v, stderr %q", err, errOut)
	}

	// Not a package, a single file.
	_, _, err = e.run(func(o *Options) { o.Path = "." })
	if want := "invalid package path: " + e.wd + ". Please provide a valid Ballerina package or a workspace."; err == nil || err.Error() != want {
		t.Errorf("not a package: %v, want %s", err, want)
	}
	_, _, err = e.run(func(o *Options) { o.Path = "app/main.bal" })
	if err == nil || err.Error() != "bal pack can only be used with a Ballerina package." {
		t.Errorf("single file: %v", err)
	}

	// Ballerina.toml without [package]: the load warning, then the error.
	e.write("app/Ballerina.toml", "")
	_, errOut, err = e.run(nil)
	if err == nil || err.Error() != "'package' information not found in Ballerina.toml" || !strings.Contains(errOut, "missing table '[package]'") {
		t.Errorf("no [package]: %v, stderr %q", err, errOut)
	}

	// A bad environment setting.
	_, _, err = e.run(func(o *Options) { o.ConfigErr = errors.New("bad setting") })
	if err == nil || err.Error() != "bad setting" {
		t.Errorf("ConfigErr: %v", err)
	}
}
