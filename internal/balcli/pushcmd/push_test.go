package pushcmd

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
)

func TestNewCmdPush(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options
		wantErr string
	}{
		{name: "no arguments", want: Options{}},
		{name: "local", args: []string{"--repository", "local"}, want: Options{Repository: "local"}},
		{name: "local with =", args: []string{"--repository=local", "x.bala"}, want: Options{Repository: "local", BalaPath: "x.bala"}},
		{name: "skip source check", args: []string{"--skip-source-check"}, want: Options{SkipSourceCheck: true}},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "too many arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdPush(&cmdenv.Env{IO: ios}, func(o *Options) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ue *cmdenv.UsageError
				if err == nil || err.Error() != tt.wantErr || !errors.As(err, &ue) || got != nil {
					t.Fatalf("error = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("error = %v, runF called: %v", err, got != nil)
			}
			if got.BalaPath != tt.want.BalaPath || got.Repository != tt.want.Repository || got.SkipSourceCheck != tt.want.SkipSourceCheck || got.IO != ios {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// env is a working directory holding a package "app" and a Ballerina home.
type env struct {
	t        *testing.T
	wd, home string
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, wd: t.TempDir()}
	e.home = filepath.Join(e.wd, "home")
	e.write("app/Ballerina.toml", "[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n")
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

// bala writes a bala of myorg/app:ver at rel with the given README
// entries (name → content).
func (e *env) bala(rel, ver string, docs map[string]string) string {
	e.t.Helper()
	pj, err := bala.MarshalPackageJSON(&bala.PackageJSON{Organization: "myorg", Name: "app", Version: ver, Platform: "any"})
	if err != nil {
		e.t.Fatal(err)
	}
	entries := []bala.Entry{
		{Name: "bala.json", Data: []byte(`{"bala_version": "3.0.0", "built_by": "WSO2"}`)},
		{Name: "package.json", Data: pj},
		{Name: "modules/app/main.bal", Data: []byte("")},
	}
	for name, content := range docs {
		entries = append(entries, bala.Entry{Name: name, Data: []byte(content)})
	}
	p := filepath.Join(e.wd, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := bala.WriteFile(p, entries); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// run runs bal push in dir (relative to the working directory) and returns
// stdout, stderr and the error.
func (e *env) run(dir string, edit func(*Options)) (string, string, error) {
	ios, _, out, errOut := iostreams.Test()
	opts := &Options{
		IO:       ios,
		Getwd:    func() (string, error) { return filepath.Join(e.wd, dir), nil },
		UserName: func() string { return "tester" },
		HomeDir:  func() (string, error) { return e.home, nil },
	}
	if edit != nil {
		edit(opts)
	}
	err := run(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func local(o *Options) { o.Repository = "local" }

func TestRunLocal(t *testing.T) {
	e := newEnv(t)
	readme := map[string]string{"docs/README.md": "# App"}
	e.bala("app/target/bala/myorg-app-any-0.1.0.bala", "0.1.0", readme)

	out, errOut, err := e.run("app", local)
	if want := "Successfully pushed " + filepath.Join("target", "bala", "myorg-app-any-0.1.0.bala") + " to 'local' repository.\n"; err != nil || out != want || errOut != "" {
		t.Fatalf("push: %v; stdout %q, stderr %q; want %q", err, out, errOut, want)
	}
	installed := filepath.Join(e.home, "repositories", "local", "bala", "myorg", "app", "0.1.0", "any", "docs", "README.md")
	if data, err := os.ReadFile(installed); err != nil || string(data) != "# App" {
		t.Errorf("installed README = %q, %v", data, err)
	}

	// Again, from a subdirectory of the package: the same version is
	// overwritten.
	e.bala("app/target/bala/myorg-app-any-0.1.0.bala", "0.1.0", map[string]string{"docs/README.md": "# App v2"})
	e.write("app/modules/util/u.bal", "")
	out, _, err = e.run("app/modules/util", local)
	if want := "Successfully pushed " + filepath.Join("..", "..", "target", "bala", "myorg-app-any-0.1.0.bala") + " to 'local' repository.\n"; err != nil || out != want {
		t.Fatalf("second push: %v; stdout %q, want %q", err, out, want)
	}
	if data, _ := os.ReadFile(installed); string(data) != "# App v2" {
		t.Errorf("installed README after the second push = %q", data)
	}

	// A given path is printed as given.
	e.bala("dist/x.bala", "0.2.0", readme)
	out, _, err = e.run("", func(o *Options) { local(o); o.BalaPath = filepath.Join("dist", "x.bala") })
	if want := "Successfully pushed " + filepath.Join("dist", "x.bala") + " to 'local' repository.\n"; err != nil || out != want {
		t.Errorf("push of a path: %v; stdout %q, want %q", err, out, want)
	}
}

func TestRunErrors(t *testing.T) {
	e := newEnv(t)
	balaDir := filepath.Join(e.wd, "app", "target", "bala")
	tests := []struct {
		name  string
		setup func()
		dir   string
		edit  func(*Options)
		want  string
	}{
		{"no bala directory", func() {}, "app", local,
			"cannot find bala file for the package: app. Run 'bal pack' to compile and generate the bala."},
		{"no bala of the package", func() { e.bala("app/target/bala/myorg-other-any-0.1.0.bala", "0.1.0", nil) }, "app", local,
			"cannot find bala file for the package: app. Run 'bal pack' to compile and generate the bala."},
		{"version mismatch", func() { e.bala("app/target/bala/myorg-app-any-0.0.9.bala", "0.0.9", nil) }, "app", local,
			"'" + filepath.Join(balaDir, "myorg-app-any-0.0.9.bala") + "' does not match with the package version '0.1.0' in Ballerina.toml file. Run 'bal pack' to recompile and generate the bala."},
		{"no README", func() { e.bala("app/target/bala/myorg-app-any-0.1.0.bala", "0.1.0", nil) }, "app", local,
			"README.md is missing in bala file:" + filepath.Join(balaDir, "myorg-app-any-0.1.0.bala")},
		{"empty README", func() {
			e.bala("app/target/bala/myorg-app-any-0.1.0.bala", "0.1.0", map[string]string{"docs/README.md": "", "docs/modules/app.x/README.md": "x"})
		}, "app", local, "README.md cannot be empty."},
		{"missing path", func() {}, "", func(o *Options) { local(o); o.BalaPath = "nothere.bala" },
			"path provided for the bala file does not exist: nothere.bala."},
		{"not a bala", func() { e.write("x.zip", "") }, "", func(o *Options) { local(o); o.BalaPath = "x.zip" },
			"file provided is not a bala file: x.zip."},
		{"corrupt bala", func() { e.write("bad.bala", "not a zip") }, "", func(o *Options) { local(o); o.BalaPath = "bad.bala" },
			"invalid bala file 'bad.bala': not a valid zip archive: zip: not a valid zip file"},
		{"unsupported repository", func() {}, "app", func(o *Options) { o.Repository = "nexus" },
			"unsupported repository 'nexus' found. Only 'local' repository and repositories mentioned in the Settings.toml are supported."},
		{"not a package", func() {}, "", local,
			"invalid package path: " + e.wd + ". Please provide a valid Ballerina package or a workspace."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(balaDir)
			tt.setup()
			out, _, err := e.run(tt.dir, tt.edit)
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant   %s", err, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(e.home, "repositories")); err == nil {
		t.Error("a failed push wrote to the home directory")
	}
}

// Pushing to a registry plugs in through Options.Remote; without it bal
// push says what it can do.
func TestRunRemote(t *testing.T) {
	e := newEnv(t)
	e.bala("app/target/bala/myorg-app-any-0.1.0.bala", "0.1.0", map[string]string{"docs/README.md": "# App"})
	_, _, err := e.run("app", nil)
	if want := "pushing to a registry is not supported yet; use --repository local"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}

	e.write("home/Settings.toml", "[[repository.maven]]\nid = \"nexus\"\nurl = \"https://nexus.example.com/repo\"\n")
	_, _, err = e.run("app", func(o *Options) { o.Repository = "nexus" })
	if want := "pushing to the repository 'nexus' of Settings.toml is not supported yet; use --repository local"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}

	var got RemoteRequest
	_, _, err = e.run("app", func(o *Options) {
		o.Repository = "nexus"
		o.Remote = func(_ context.Context, _ *Options, req RemoteRequest) error {
			got = req
			return nil
		}
	})
	if err != nil || got.Repository != "nexus" || got.Project == nil || got.Settings == nil ||
		got.BalaPath != filepath.Join(e.wd, "app", "target", "bala", "myorg-app-any-0.1.0.bala") {
		t.Errorf("remote push: %v, %+v", err, got)
	}

	// Settings.toml errors stop every push.
	e.write("home/Settings.toml", "[central]\naccesstoken = 1\n")
	_, errOut, err := e.run("app", local)
	if err == nil || err.Error() != "Settings.toml contains errors" || !strings.Contains(errOut, "Settings.toml:2:") {
		t.Errorf("bad Settings.toml: %v, stderr %q", err, errOut)
	}
}
