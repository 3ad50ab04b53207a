package buildcmd

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

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/resolve"
)

func TestNewCmdBuild(t *testing.T) {
	yes, no := true, false
	medium, locked := resolve.Medium, resolve.Locked
	tests := []struct {
		name     string
		args     []string
		want     Options
		wantErr  string
		usageErr bool
	}{
		{name: "no arguments", args: nil, want: Options{}},
		{name: "path", args: []string{"app"}, want: Options{Path: "app"}},
		{name: "flags", args: []string{"--sticky", "--offline", "--locking-mode=MEDIUM", "--target-dir", "out", "--why", "samjs/foo", "app"},
			want: Options{Path: "app", Sticky: &yes, Offline: &yes, LockingMode: &medium, TargetDir: "out", WhyOrg: "samjs", WhyName: "foo"}},
		{name: "sticky false", args: []string{"--sticky=false", "--locking-mode", "locked"}, want: Options{Sticky: &no, LockingMode: &locked}},
		{name: "offline false", args: []string{"--offline=false"}, want: Options{Offline: &no}},
		{name: "bad locking mode", args: []string{"--locking-mode", "strict"},
			wantErr: "invalid value 'strict' for --locking-mode: expected one of soft, medium, hard, locked", usageErr: true},
		{name: "empty locking mode", args: []string{"--locking-mode="},
			wantErr: "invalid value '' for --locking-mode: expected one of soft, medium, hard, locked", usageErr: true},
		{name: "bad --why", args: []string{"--why", "foo"}, wantErr: "invalid value 'foo' for --why: expected <org>/<package-name>", usageErr: true},
		{name: "bad --why name", args: []string{"--why", "samjs/foo-bar"}, wantErr: "invalid value 'samjs/foo-bar' for --why: expected <org>/<package-name>", usageErr: true},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "too many arguments", usageErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdBuild(&cmdenv.Env{IO: ios, Distribution: "2201.13.0"}, func(o *Options) error {
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
					t.Error("runF was called despite the error")
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got == nil {
				t.Fatal("runF was not called")
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
	return fmt.Sprintf("{Path:%q Sticky:%s Offline:%s LockingMode:%s TargetDir:%q Why:%q/%q}",
		o.Path, b(o.Sticky), b(o.Offline), mode, o.TargetDir, o.WhyOrg, o.WhyName)
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// env is a package "app" in a working directory and a Ballerina home.
type env struct {
	t        *testing.T
	wd, home string
	now      time.Time
}

func newEnv(t *testing.T, mainBal string) *env {
	e := &env{t: t, wd: t.TempDir(), now: t0}
	e.home = filepath.Join(e.wd, "home")
	e.write("app/Ballerina.toml", "[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n")
	e.write("app/main.bal", mainBal)
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

func (e *env) read(rel string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.wd, rel))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// central adds org/name:version, depending on deps ("org/name:version"),
// to the Central cache.
func (e *env) central(id string, deps ...string) {
	org, rest, _ := strings.Cut(id, "/")
	name, ver, _ := strings.Cut(rest, ":")
	dir := "home/repositories/central.ballerina.io/bala/" + org + "/" + name + "/" + ver + "/any/"
	e.write(dir+"package.json", fmt.Sprintf(`{"organization": %q, "name": %q, "version": %q, "ballerina_version": "2201.13.0"}`, org, name, ver))
	var refs []string
	for _, d := range deps {
		o, r, _ := strings.Cut(d, "/")
		n, v, _ := strings.Cut(r, ":")
		refs = append(refs, fmt.Sprintf(`{"org": %q, "name": %q, "version": %q}`, o, n, v))
	}
	e.write(dir+"dependency-graph.json", fmt.Sprintf(`{"packages": [{"org": %q, "name": %q, "version": %q, "dependencies": [%s]}]}`,
		org, name, ver, strings.Join(refs, ", ")))
}

// run runs bal build in the working directory with opts changed by edit
// and returns stdout, stderr and the error.
func (e *env) run(edit func(*Options)) (string, string, error) {
	ios, _, out, errOut := iostreams.Test()
	opts := &Options{
		IO:           ios,
		Getwd:        func() (string, error) { return e.wd, nil },
		Getenv:       func(string) string { return "" },
		Now:          func() time.Time { return e.now },
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
	e := newEnv(t, "import samjs/foo;\n")
	e.central("samjs/foo:1.0.0", "samjs/bar:1.0.0")
	e.central("samjs/bar:1.0.0")

	out, errOut, err := e.run(nil)
	if err != nil {
		t.Fatalf("first build: %v\n%s", err, errOut)
	}
	want := "Resolving dependencies\n\tmyorg/app:0.1.0\n\nCreated Dependencies.toml\n"
	if out != want || errOut != "" {
		t.Errorf("first build: stdout %q, stderr %q; want stdout %q", out, errOut, want)
	}

	// An hour later, with a newer patch in the cache.
	e.central("samjs/foo:1.0.1")
	e.now = t0.Add(time.Hour)
	out, _, _ = e.run(func(o *Options) { o.WhyOrg, o.WhyName = "samjs", "bar" })
	want = "Resolving dependencies\n\tmyorg/app:0.1.0\n" +
		"\tkept the versions resolved less than 24 hours ago (run 'bal clean' to look for updates)\n" +
		"\nDependencies.toml is up to date\n" +
		"\nWhy samjs/bar is a dependency:\n\tmyorg/app:0.1.0 → samjs/foo:1.0.0 → samjs/bar:1.0.0\n"
	if out != want {
		t.Errorf("build within 24 h: stdout\n%s\nwant\n%s", out, want)
	}

	// A day later the patch is picked up, and samjs/bar is no longer needed.
	e.now = t0.Add(25 * time.Hour)
	out, _, _ = e.run(func(o *Options) { o.WhyOrg, o.WhyName = "samjs", "bar" })
	want = "Resolving dependencies\n\tmyorg/app:0.1.0\n" +
		"\nUpdated Dependencies.toml\n\tsamjs/bar:1.0.0 (removed)\n\tsamjs/foo:1.0.0 → 1.0.1\n" +
		"\nsamjs/bar is not in the dependency graph of myorg/app:0.1.0\n"
	if out != want {
		t.Errorf("build after 25 h: stdout\n%s\nwant\n%s", out, want)
	}
}

func TestRunNoDependencies(t *testing.T) {
	e := newEnv(t, "public function main() {\n}\n")
	out, _, err := e.run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Resolving dependencies\n\tmyorg/app:0.1.0\n\nNo dependencies: Dependencies.toml not needed\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(e *env)
		edit       func(*Options)
		wantOut    string
		wantErrOut string
		wantErr    string
	}{
		{
			name:       "unresolved import",
			setup:      func(e *env) { e.write("app/main.bal", "import samjs/nothere;\n") },
			edit:       func(o *Options) { o.Offline = new(bool); *o.Offline = true },
			wantOut:    "Resolving dependencies\n\tmyorg/app:0.1.0\n",
			wantErrOut: "main.bal:1:1: cannot resolve module 'samjs/nothere'\n\tNo repository has a package that contains the module samjs/nothere (candidate packages: samjs/nothere).\n\thint: the build is offline, so only the distribution, the local repository and the Central cache were searched; pull the package into the Central cache, or push it to the local repository and name it in Ballerina.toml with repository = \"local\"\n",
			wantErr:    "dependency resolution failed",
		},
		{
			name: "Ballerina.toml errors",
			setup: func(e *env) {
				e.write("app/Ballerina.toml", "[package]\norg = \"my-org\"\nname = \"app\"\nversion = \"0.1.0\"\n")
			},
			wantErrOut: "Ballerina.toml:2:7: invalid 'org' under [package]: 'org' can only contain alphanumerics and underscores\n",
			wantErr:    "Ballerina.toml contains errors",
		},
		{
			name:    "not a package",
			edit:    func(o *Options) { o.Path = "home" },
			wantErr: "invalid package path: $WD/home. Please provide a valid Ballerina package or a workspace.",
		},
		{
			name:    "bad environment",
			edit:    func(o *Options) { o.ConfigErr = errors.New("invalid BALCENTRAL_DISTRIBUTION 'x'") },
			wantErr: "invalid BALCENTRAL_DISTRIBUTION 'x'",
		},
		{
			name:    "no working directory",
			edit:    func(o *Options) { o.Getwd = func() (string, error) { return "", errors.New("gone") } },
			wantErr: "cannot determine the current directory: gone",
		},
		{
			name: "no home directory",
			edit: func(o *Options) {
				o.HomeDir = func() (string, error) { return "", errors.New("unable to get user home directory") }
			},
			wantErr: "unable to get user home directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.write("home/.keep", "")
			if tt.setup != nil {
				tt.setup(e)
			}
			out, errOut, err := e.run(tt.edit)
			if want := strings.ReplaceAll(tt.wantErr, "$WD", e.wd); err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
			if out != tt.wantOut || errOut != tt.wantErrOut {
				t.Errorf("stdout %q, stderr %q; want %q, %q", out, errOut, tt.wantOut, tt.wantErrOut)
			}
			if _, err := os.Stat(filepath.Join(e.wd, "app", project.DependenciesFile)); err == nil {
				t.Error("Dependencies.toml written by a failed build")
			}
		})
	}
}

func TestRunTargetDirAndWarnings(t *testing.T) {
	e := newEnv(t, "import samjs/foo;\n")
	e.write("app/Ballerina.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n")
	e.central("samjs/foo:1.0.0")
	out, errOut, err := e.run(func(o *Options) { o.TargetDir = "build-out" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "\ttester/app:0.1.0\n") {
		t.Errorf("stdout %q", out)
	}
	if want := "Ballerina.toml:1:1: warning: missing key 'org' in table '[package]' in 'Ballerina.toml'. Defaulting to 'org = \"tester\"'\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	if _, err := os.Stat(filepath.Join(e.wd, "build-out", "build")); err != nil {
		t.Errorf("--target-dir relative to the working directory: %v", err)
	}
}
