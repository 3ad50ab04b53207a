package pullcmd

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

func TestParsePackage(t *testing.T) {
	tests := []struct {
		arg, org, name, ver, err string
	}{
		{arg: "acme/hello", org: "acme", name: "hello"},
		{arg: "acme/hello:1.2.3", org: "acme", name: "hello", ver: "1.2.3"},
		{arg: "acme/hello.util:1.0.0-beta.1", org: "acme", name: "hello.util", ver: "1.0.0-beta.1"},
		{arg: "hello", err: "invalid package. Provide the package name with the organization."},
		{arg: "a/b/c", err: "invalid package. Provide the package name with the organization."},
		{arg: "acme/hello:1:2", err: "invalid package. Provide the package name with the organization."},
		{arg: "/hello", err: "invalid organization. Provide the package name with the organization."},
		{arg: "1acme/hello", err: "invalid organization. Provide the package name with the organization."},
		{arg: "acme/", err: "invalid package name. Provide the package name with the organization."},
		{arg: "acme/he-llo", err: "invalid package name. Provide the package name with the organization."},
		{arg: "acme/hello:", err: "invalid package version. Version cannot be empty"},
		{arg: "acme/hello:1.0", err: "invalid package version. Invalid version: '1.0'. "},
	}
	for _, tt := range tests {
		org, name, ver, err := cmdenv.ParsePackage(tt.arg)
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("ParsePackage(%q) error = %v, want %q", tt.arg, err, tt.err)
			}
			continue
		}
		if err != nil || org != tt.org || name != tt.name || ver != tt.ver {
			t.Errorf("ParsePackage(%q) = %q, %q, %q, %v", tt.arg, org, name, ver, err)
		}
	}
}

func TestNewCmdPull(t *testing.T) {
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: []string{"acme/hello"}, want: Options{Org: "acme", Name: "hello"}},
		{args: []string{"acme/hello:0.1.0", "--repository", "nexus"}, want: Options{Org: "acme", Name: "hello", Version: "0.1.0", Repository: "nexus"}},
		{args: nil, wantErr: "no package given"},
		{args: []string{"a/b", "c/d"}, wantErr: "too many arguments"},
		{args: []string{"hello"}, wantErr: "invalid package. Provide the package name with the organization."},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdPull(&cmdenv.Env{IO: ios}, func(o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tt.wantErr != "" {
			var ue *cmdenv.UsageError
			if !errors.As(err, &ue) || ue.Error() != tt.wantErr || ue.Usage != Usage || got != nil {
				t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got == nil || got.Org != tt.want.Org || got.Name != tt.want.Name ||
			got.Version != tt.want.Version || got.Repository != tt.want.Repository {
			t.Errorf("%v: err %v, options %+v", tt.args, err, got)
		}
	}
}

// fakeClient serves packages from a table: each pull writes the package
// and its dependency-graph.json into the repository directory.
type fakeClient struct {
	t        *testing.T
	versions map[string][]string            // org/name -> versions
	graphs   map[string][]bala.GraphPackage // org/name:version -> graph
	errs     map[string]error               // org/name:version -> error
	dep      map[string]string              // org/name:version -> deprecation message
	mu       sync.Mutex
	pulled   []string
	progress []centralclient.Progress
}

func (f *fakeClient) Versions(_ context.Context, org, name string) ([]string, error) {
	if err := f.errs[org+"/"+name]; err != nil {
		return nil, err
	}
	return f.versions[org+"/"+name], nil
}

func (f *fakeClient) Pull(_ context.Context, req centralclient.PullRequest) (*centralclient.PullResult, error) {
	key := req.Org + "/" + req.Name + ":" + req.Version
	f.mu.Lock()
	f.pulled = append(f.pulled, key)
	f.progress = append(f.progress, req.Progress)
	f.mu.Unlock()
	if err := f.errs[key]; err != nil {
		return nil, err
	}
	dir := filepath.Join(req.RepoDir, "bala", req.Org, req.Name, req.Version, "any")
	if _, err := os.Stat(dir); err == nil {
		return nil, &centralclient.Error{Status: 302, Message: "package already exists in the home repository: " + dir, Err: centralclient.ErrExists}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.t.Fatal(err)
	}
	if g, ok := f.graphs[key]; ok {
		data, err := bala.MarshalDependencyGraphJSON(&bala.DependencyGraph{Packages: g})
		if err != nil {
			f.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "dependency-graph.json"), data, 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
	msg, dep := f.dep[key]
	return &centralclient.PullResult{Version: req.Version, Platform: "any", Dir: dir, Deprecated: dep, DeprecationMessage: msg}, nil
}

func (f *fakeClient) BaseURL() string { return "http://127.0.0.1:9090/2.0/registry" }
func (f *fakeClient) Host() string    { return "127.0.0.1:9090" }

func runPull(t *testing.T, c *fakeClient, home string, edit func(*Options)) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	opts := &Options{
		IO:        ios,
		HomeDir:   func() (string, error) { return home, nil },
		Settings:  func() (*manifest.Settings, []project.Diagnostic, error) { return manifest.DefaultSettings(), nil, nil },
		NewClient: func(*manifest.Settings) (Client, error) { return c, nil },
		Unauthorized: func(org string, ce *centralclient.Error) error {
			return errors.New("unauthorized[" + org + "]: " + ce.Message)
		},
		Org: "acme", Name: "app",
	}
	if edit != nil {
		edit(opts)
	}
	err := run(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func ref(org, name, ver string) bala.PackageRef {
	return bala.PackageRef{Org: org, Name: name, Version: ver}
}

func TestRun(t *testing.T) {
	home := t.TempDir()
	repo := filepath.Join(home, "repositories", "127.0.0.1_9090")
	// acme/b:2.0.0 is cached already.
	if err := os.MkdirAll(filepath.Join(repo, "bala", "acme", "b", "2.0.0", "java21"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &fakeClient{t: t,
		versions: map[string][]string{"acme/app": {"1.0.0", "1.2.0-beta.1", "0.9.0", "1.1.0", "junk"}},
		graphs: map[string][]bala.GraphPackage{"acme/app:1.2.0-beta.1": {
			{Org: "acme", Name: "app", Version: "1.2.0-beta.1", Dependencies: []bala.PackageRef{ref("acme", "a", "1.0.0"), ref("acme", "b", "2.0.0")}},
			{Org: "acme", Name: "a", Version: "1.0.0", Dependencies: []bala.PackageRef{ref("ballerina", "io", "1.6.0")}},
			{Org: "acme", Name: "b", Version: "2.0.0"},
			{Org: "ballerina", Name: "io", Version: "1.6.0", Dependencies: []bala.PackageRef{ref("ballerina", "jballerina.java", "0.0.0")}},
			{Org: "ballerina", Name: "jballerina.java", Version: "0.0.0"},
			{Org: "ballerina", Name: "lang.int", Version: "0.0.0"},
		}},
		dep: map[string]string{"ballerina/io:1.6.0": "use io2"},
	}
	out, errOut, err := runPull(t, c, home, nil)
	want := "acme/app:1.2.0-beta.1 pulled from central successfully\n" +
		"acme/a:1.0.0 pulled from central successfully\n" +
		"ballerina/io:1.6.0 pulled from central successfully\n" +
		"WARNING [io] ballerina/io:1.6.0 is deprecated: use io2\n"
	if err != nil || out != want || errOut != "" {
		t.Fatalf("pull: %v\nstdout %q\nstderr %q\nwant %q", err, out, errOut, want)
	}
	// The newest version, then the dependencies that are neither built in
	// nor cached; no progress bar without a terminal.
	got := strings.Join(c.pulled[1:], " ")
	if c.pulled[0] != "acme/app:1.2.0-beta.1" || (got != "acme/a:1.0.0 ballerina/io:1.6.0" && got != "ballerina/io:1.6.0 acme/a:1.0.0") {
		t.Errorf("pulled %v", c.pulled)
	}
	for _, p := range c.progress {
		if p != nil {
			t.Error("a progress bar without a terminal")
		}
	}

	// Again: the version is cached.
	out, _, err = runPull(t, c, home, func(o *Options) { o.Version = "1.2.0-beta.1" })
	if wantErr := "package already exists in the home repository: " + filepath.Join(repo, "bala", "acme", "app", "1.2.0-beta.1", "any"); err == nil || err.Error() != wantErr || out != "" {
		t.Errorf("second pull: %v, stdout %q; want %s", err, out, wantErr)
	}
}

func TestRunDependencyFailure(t *testing.T) {
	c := &fakeClient{t: t,
		graphs: map[string][]bala.GraphPackage{"acme/app:1.0.0": {
			{Org: "acme", Name: "app", Version: "1.0.0", Dependencies: []bala.PackageRef{ref("acme", "gone", "1.0.0")}},
			{Org: "acme", Name: "gone", Version: "1.0.0"},
		}},
		errs: map[string]error{"acme/gone:1.0.0": &centralclient.Error{Status: 404, Message: "package not found: acme/gone:1.0.0_any", Err: centralclient.ErrNotFound}},
	}
	out, _, err := runPull(t, c, t.TempDir(), func(o *Options) { o.Version = "1.0.0" })
	if want := "failed to pull the dependencies of acme/app:1.0.0:\n\tpackage not found: acme/gone"; err == nil || err.Error() != want ||
		out != "acme/app:1.0.0 pulled from central successfully\n" {
		t.Errorf("err = %v, stdout %q", err, out)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		version string
		err     error
		want    string
	}{
		{"not found", "1.0.0", &centralclient.Error{Status: 404, Message: "package not found: acme/app:1.0.0_any", Err: centralclient.ErrNotFound}, "package not found: acme/app"},
		{"bad request", "1.0.0", &centralclient.Error{Status: 400, Message: "invalid version"}, "package not found: acme/app"},
		{"no versions", "", nil, "package not found: acme/app"},
		{"unauthorized", "1.0.0", &centralclient.Error{Status: 401, Message: "invalid access token", Err: centralclient.ErrUnauthorized}, "unauthorized[acme]: invalid access token"},
		{"unauthorized versions", "", &centralclient.Error{Status: 401, Message: "expired", Err: centralclient.ErrUnauthorized}, "unauthorized[acme]: expired"},
		{"digest", "1.0.0", &centralclient.Error{Status: 200, Message: "digest mismatch: want sha-256=1, got sha-256=2", Err: centralclient.ErrDigestMismatch},
			"failed to pull the package: 'acme/app:1.0.0' from the remote repository 'http://127.0.0.1:9090/2.0/registry'. reason: digest mismatch: want sha-256=1, got sha-256=2; nothing was written to the cache, try again"},
		{"connection", "1.0.0", &centralclient.Error{Err: centralclient.ErrConnection, Cause: errors.New("connection refused")},
			"failed to pull the package: 'acme/app:1.0.0' from the remote repository 'http://127.0.0.1:9090/2.0/registry'. reason: connection refused"},
		{"server", "1.0.0", &centralclient.Error{Status: 503, Message: "maintenance"},
			"failed to pull the package: 'acme/app:1.0.0' from the remote repository 'http://127.0.0.1:9090/2.0/registry'. reason: maintenance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClient{t: t, errs: map[string]error{}}
			if tt.version == "" {
				c.errs["acme/app"] = tt.err
			} else {
				c.errs["acme/app:"+tt.version] = tt.err
			}
			home := t.TempDir()
			out, _, err := runPull(t, c, home, func(o *Options) { o.Version = tt.version })
			if err == nil || err.Error() != tt.want || out != "" {
				t.Errorf("err = %v, stdout %q\nwant %s", err, out, tt.want)
			}
		})
	}

	// --repository names a Settings.toml repository, which bal cannot pull from.
	c := &fakeClient{t: t}
	_, _, err := runPull(t, c, t.TempDir(), func(o *Options) { o.Repository = "nexus" })
	if want := "unsupported repository 'nexus' found. Only repositories mentioned in the Settings.toml are supported."; err == nil || err.Error() != want {
		t.Errorf("--repository: %v", err)
	}
}
