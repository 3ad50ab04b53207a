package semvercmd

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
	"github.com/balcentral/balcentral/internal/version"
)

func TestNewCmdSemver(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: nil, want: Options{}},
		{args: []string{"-d", "-c", "1.2.0", "pkg"}, want: Options{ShowDiff: true, CompareVersion: "1.2.0", Path: "pkg"}},
		{args: []string{"--show-diff", "--compare-version=0.1.0", "--json"}, want: Options{ShowDiff: true, CompareVersion: "0.1.0", JSON: true}},
		{args: []string{"a", "b"}, wantErr: "too many arguments"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdSemver(&cmdenv.Env{IO: ios}, func(o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tt.wantErr != "" {
			var ue *cmdenv.UsageError
			if !errors.As(err, &ue) || ue.Error() != tt.wantErr || got != nil {
				t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got == nil || got.Path != tt.want.Path || got.ShowDiff != tt.want.ShowDiff ||
			got.CompareVersion != tt.want.CompareVersion || got.JSON != tt.want.JSON {
			t.Errorf("%v: %+v, %v", tt.args, got, err)
		}
	}
}

// fakeClient lists versions and "pulls" by writing a bala directory.
type fakeClient struct {
	versions []string
	listErr  error
	// sources are the default-module sources of each published version.
	sources map[string]string
	pulls   []string
}

func (c *fakeClient) Versions(context.Context, string, string) ([]string, error) {
	return c.versions, c.listErr
}

func (c *fakeClient) Pull(_ context.Context, req centralclient.PullRequest) (*centralclient.PullResult, error) {
	c.pulls = append(c.pulls, req.Version)
	src, ok := c.sources[req.Version]
	if !ok {
		return nil, &centralclient.Error{Op: "pull", Status: 404, Message: "package not found", Err: centralclient.ErrNotFound}
	}
	dir := repository.Layout{}.BalaDir(req.RepoDir, req.Org, req.Name, req.Version, "any")
	writeBala(dir, req.Org, req.Name, req.Version, src)
	return &centralclient.PullResult{Version: req.Version, Platform: "any", Dir: dir}, nil
}

func (c *fakeClient) BaseURL() string { return "http://registry.test/2.0/registry" }
func (c *fakeClient) Host() string    { return "registry.test" }

func writeFile(path, content string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		panic(err)
	}
}

func writeBala(dir, org, name, ver, src string) {
	writeFile(filepath.Join(dir, "package.json"),
		`{"organization":"`+org+`","name":"`+name+`","version":"`+ver+`","modules":[{"name":"`+name+`"}]}`)
	writeFile(filepath.Join(dir, "modules", name, name+".bal"), src)
}

// setup returns options for a package acme/hello at localVersion with the
// given source, a home directory and the fake client.
func setup(t *testing.T, localVersion, src string, c *fakeClient) (*Options, *strings.Builder, *strings.Builder) {
	t.Helper()
	root := t.TempDir()
	pkg := filepath.Join(root, "hello")
	writeFile(filepath.Join(pkg, "Ballerina.toml"),
		"[package]\norg = \"acme\"\nname = \"hello\"\nversion = \""+localVersion+"\"\n")
	writeFile(filepath.Join(pkg, "hello.bal"), src)
	home := filepath.Join(root, "home")
	out, errOut := new(strings.Builder), new(strings.Builder)
	opts := &Options{
		IO:       &iostreams.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Getwd:    func() (string, error) { return pkg, nil },
		UserName: func() string { return "tester" },
		HomeDir:  func() (string, error) { return home, nil },
		Settings: func() (*manifest.Settings, []project.Diagnostic, error) {
			return &manifest.Settings{}, nil, nil
		},
		NewClient: func(*manifest.Settings) (Client, error) { return c, nil },
		Unauthorized: func(org string, _ *centralclient.Error) error {
			return errors.New("unauthorized for " + org)
		},
	}
	return opts, out, errOut
}

const (
	v1Source = "public function hello() returns string => \"hello\";\npublic function bye() {}\n"
	v2Source = "public function hello() returns string => \"hello\";\n"
)

func TestRunMajorChange(t *testing.T) {
	c := &fakeClient{versions: []string{"0.9.0", "1.0.0", "1.1.0", "2.0.0"},
		sources: map[string]string{"1.0.0": v1Source, "1.1.0": v1Source}}
	opts, out, errOut := setup(t, "1.0.5", v2Source, c)
	opts.ShowDiff, opts.JSON = true, true
	err := run(context.Background(), opts)
	var se *StatusError
	if !errors.As(err, &se) || se.ExitStatus() != ExitUnderstated ||
		err.Error() != "the version in Ballerina.toml (1.0.5) is lower than the suggested version 2.0.0: update it before publishing" {
		t.Fatalf("err = %v", err)
	}
	if len(c.pulls) != 1 || c.pulls[0] != "1.0.0" {
		t.Errorf("pulled %v, want the closest version below 1.0.5, 1.0.0", c.pulls)
	}
	want := `resolving package 'acme/hello:1.0.0'...

================================================================
 Comparing version '1.0.5'(local) with version '1.0.0'(central) 
================================================================
[+-] package 'hello' is modified [version impact: MAJOR]
  [+-] module 'hello' is modified [version impact: MAJOR]
    [--] function 'bye' is removed [version impact: MAJOR]

current version: 1.0.5
compatibility impact (compared with the release version '1.0.0'): backward-incompatible changes detected
suggested version: 2.0.0
`
	if errOut.String() != want {
		t.Errorf("stderr:\n%s\nwant\n%s", errOut.String(), want)
	}
	var tree map[string]any
	if err := json.Unmarshal([]byte(out.String()), &tree); err != nil || tree["versionImpact"] != "major" {
		t.Errorf("stdout %q: %v", out.String(), err)
	}

	// The second run reads the cache.
	errOut.Reset()
	opts.ShowDiff, opts.JSON = false, false
	if err := run(context.Background(), opts); !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	if len(c.pulls) != 1 || strings.Contains(errOut.String(), "resolving") {
		t.Errorf("pulled again: %v\n%s", c.pulls, errOut.String())
	}
}

func TestRunCompatible(t *testing.T) {
	c := &fakeClient{versions: []string{"1.0.0"}, sources: map[string]string{"1.0.0": v2Source}}
	// Adding a function is minor: 1.1.0 is enough.
	opts, out, errOut := setup(t, "1.1.0", v2Source+"public function more() {}\n", c)
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasSuffix(errOut.String(), "): patch-incompatible changes detected\nsuggested version: 1.1.0\n") || out.Len() != 0 {
		t.Errorf("stderr %q, stdout %q", errOut.String(), out.String())
	}

	// No change at all, with --json.
	opts, out, errOut = setup(t, "1.0.0", v2Source, c)
	opts.JSON, opts.ShowDiff = true, true
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("err = %v", err)
	}
	if out.String() != "\"No Changes\"\n" || !strings.Contains(errOut.String(), "no changes detected\n\ncurrent version: 1.0.0\n") ||
		!strings.HasSuffix(errOut.String(), "suggested version: 1.0.0\n") {
		t.Errorf("stderr %q, stdout %q", errOut.String(), out.String())
	}
}

func TestRunReleaseChoice(t *testing.T) {
	// Every published version is above the local one: the highest is used,
	// with a warning.
	c := &fakeClient{versions: []string{"2.0.0", "3.0.0", "not-a-version"}, sources: map[string]string{"3.0.0": v1Source}}
	opts, _, errOut := setup(t, "1.0.0", v1Source, c)
	err := run(context.Background(), opts)
	var se *StatusError
	if !errors.As(err, &se) || len(c.pulls) != 1 || c.pulls[0] != "3.0.0" ||
		!strings.HasPrefix(errOut.String(), "WARNING: current package version is lower than all the available versions in the central. local changes will be compared against the latest release version ('3.0.0').\n") {
		t.Errorf("err %v, pulls %v, stderr %q", err, c.pulls, errOut.String())
	}

	// --compare-version: that one, not the closest.
	c = &fakeClient{versions: []string{"1.0.0", "1.1.0"}, sources: map[string]string{"1.0.0": v1Source, "1.1.0": v2Source}}
	opts, _, _ = setup(t, "1.1.0", v2Source, c)
	opts.CompareVersion = "1.0.0"
	if err := run(context.Background(), opts); !errors.As(err, &se) || len(c.pulls) != 1 || c.pulls[0] != "1.0.0" {
		t.Errorf("err %v, pulls %v", err, c.pulls)
	}

	// A version the registry does not have.
	opts.CompareVersion = "0.5.0"
	if err := run(context.Background(), opts); err == nil ||
		!strings.HasPrefix(err.Error(), "failed to resolve package 'acme/hello:0.5.0' from central: the registry at http://registry.test/2.0/registry has no version 0.5.0") {
		t.Errorf("err %v", err)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		modify  func(*Options, *fakeClient)
		src     string
		wantErr string
	}{
		{"nothing published", func(o *Options, c *fakeClient) { c.versions = nil }, v1Source,
			"couldn't find any published packages in Ballerina central under the org 'acme' with name 'hello'"},
		{"invalid compare version", func(o *Options, c *fakeClient) { o.CompareVersion = "1.0" }, v1Source,
			"invalid version '1.0' provided: Invalid version: '1.0'. "},
		{"registry unreachable", func(o *Options, c *fakeClient) {
			c.listErr = &centralclient.Error{Op: "versions", Err: centralclient.ErrConnection, Cause: errors.New("connection refused")}
		}, v1Source, "cannot list the published versions of 'acme/hello' at http://registry.test/2.0/registry: connection refused"},
		{"unauthorized", func(o *Options, c *fakeClient) {
			c.listErr = &centralclient.Error{Op: "versions", Status: 401, Err: centralclient.ErrUnauthorized}
		}, v1Source, "unauthorized for acme"},
		{"syntax errors", nil, "public function f( {}\n",
			"semver checker execution failed due to compilation errors:\nhello.bal:1:"},
		{"single file", func(o *Options, c *fakeClient) { o.Path = "hello.bal" }, v1Source,
			"semver checker tool is not applicable for single file projects."},
		{"not a package", func(o *Options, c *fakeClient) { o.Path = os.TempDir() }, v1Source,
			"invalid project path provided for the semver tool: invalid package path: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClient{versions: []string{"1.0.0"}, sources: map[string]string{"1.0.0": v1Source}}
			opts, _, _ := setup(t, "1.0.0", tt.src, c)
			if tt.modify != nil {
				tt.modify(opts, c)
			}
			err := run(context.Background(), opts)
			var se *StatusError
			if err == nil || errors.As(err, &se) || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestUnderstates(t *testing.T) {
	tests := []struct {
		local, suggested string
		want             bool
	}{
		{"1.0.0", "2.0.0", true},
		{"2.0.0", "2.0.0", false},
		{"2.0.0-beta.1", "2.0.0", false},
		{"2.1.0", "2.0.0", false},
		{"1.0.1", "1.0.2", true},
		{"1.0.0", "N/A", false},
	}
	for _, tt := range tests {
		if got := understates(version.MustParse(tt.local), tt.suggested); got != tt.want {
			t.Errorf("understates(%s, %s) = %v", tt.local, tt.suggested, got)
		}
	}
}
