package pushcmd

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// fakeRegistry answers the pre-check with getErr (nil: the version
// exists) and the upload with pushErr; base is the URL of the settings it
// was made for.
type fakeRegistry struct {
	getErr, pushErr error
	base            string
	gets, pushes    []string
}

func (f *fakeRegistry) Package(_ context.Context, org, name, version string) (*centralclient.Package, error) {
	f.gets = append(f.gets, org+"/"+name+":"+version)
	if f.getErr != nil {
		return nil, f.getErr
	}
	return &centralclient.Package{Organization: org, Name: name, Version: version}, nil
}

func (f *fakeRegistry) Push(_ context.Context, balaPath string, _ centralclient.Progress) error {
	f.pushes = append(f.pushes, balaPath)
	return f.pushErr
}

func (f *fakeRegistry) BaseURL() string { return f.base }

var notFound = &centralclient.Error{Status: 404, Message: "package not found for: myorg/app:0.1.0_java21", Err: centralclient.ErrNotFound}

// runRemote pushes the bala of app with the environment vars and a
// registry at base.
func runRemote(t *testing.T, e *env, reg *fakeRegistry, vars map[string]string) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	cenv := &cmdenv.Env{
		IO:        ios,
		HomeDir:   func() (string, error) { return e.home, nil },
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
	}
	remote := newRemote(cenv, func(s *manifest.Settings) (pushClient, error) {
		reg.base = s.Central.URL
		return reg, nil
	})
	opts := &Options{IO: ios}
	req := RemoteRequest{BalaPath: filepath.Join(e.wd, "app", "target", "bala", "myorg-app-any-0.1.0.bala"),
		Display: filepath.Join("target", "bala", "myorg-app-any-0.1.0.bala")}
	err := remote(context.Background(), opts, req)
	return out.String(), errOut.String(), err
}

func TestRemote(t *testing.T) {
	e := newEnv(t)
	e.bala("app/target/bala/myorg-app-any-0.1.0.bala", "0.1.0", map[string]string{"docs/README.md": "# App"})
	local := map[string]string{
		manifest.EnvCentralAccessToken: "tok",
		manifest.EnvCentralURL:         "http://127.0.0.1:9090/2.0/registry",
	}
	settingsPath := filepath.Join(e.home, "Settings.toml")

	// Success.
	reg := &fakeRegistry{getErr: notFound}
	out, errOut, err := runRemote(t, e, reg, local)
	if err != nil || out != "myorg/app:0.1.0 pushed to central successfully\n" || errOut != "" ||
		strings.Join(reg.gets, ",") != "myorg/app:0.1.0" || len(reg.pushes) != 1 || reg.base != "http://127.0.0.1:9090/2.0/registry" {
		t.Fatalf("push: %v, stdout %q, stderr %q, %+v", err, out, errOut, reg)
	}

	tests := []struct {
		name    string
		vars    map[string]string
		reg     *fakeRegistry
		want    string
		uploads int
	}{
		{"exists on Central", map[string]string{manifest.EnvCentralAccessToken: "tok"}, &fakeRegistry{}, "package 'myorg/app:0.1.0' already exists in remote repository :https://central.ballerina.io/myorg/app. build and push after updating the version in the Ballerina.toml.", 0},
		{"exists on another registry", local, &fakeRegistry{}, "package 'myorg/app:0.1.0' already exists in remote repository :http://127.0.0.1:9090/myorg/app. build and push after updating the version in the Ballerina.toml.", 0},
		{"no token", map[string]string{}, &fakeRegistry{getErr: notFound},
			"Ballerina Central access token is missing in " + settingsPath + "\nVisit https://central.ballerina.io/cli-token to get an access token and add it to the 'Settings.toml' file as follows,\n\n\t[central]\n\taccesstoken=\"<access-token>\"\n\nAlternatively, set the 'BALLERINA_CENTRAL_ACCESS_TOKEN' environment variable.", 0},
		{"empty token, another registry", map[string]string{manifest.EnvCentralAccessToken: "", manifest.EnvCentralURL: "https://central.example.com:8443/2.0/registry"}, &fakeRegistry{getErr: notFound},
			"Ballerina Central access token is missing in " + settingsPath + "\nVisit https://central.example.com:8443 to get an access token and add it to the 'Settings.toml' file as follows,\n\n\t[central]\n\taccesstoken=\"<access-token>\"\n\nAlternatively, set the 'BALLERINA_CENTRAL_ACCESS_TOKEN' environment variable.", 0},
		{"unauthorized pre-check", local, &fakeRegistry{getErr: &centralclient.Error{Status: 401, Message: "invalid access token", Err: centralclient.ErrUnauthorized}},
			"unauthorized access token for organization: 'myorg'. check access token set in 'Settings.toml' file. reason: invalid access token\n" +
				"The access token comes from the BALLERINA_CENTRAL_ACCESS_TOKEN environment variable; set it to a valid token, or unset it to use [central] accesstoken of " + settingsPath + ".", 0},
		{"unauthorized upload", local, &fakeRegistry{getErr: notFound, pushErr: &centralclient.Error{Status: 401, Err: centralclient.ErrUnauthorized}},
			"unauthorized access token for organization: 'myorg'. check access token set in 'Settings.toml' file.\n" +
				"The access token comes from the BALLERINA_CENTRAL_ACCESS_TOKEN environment variable; set it to a valid token, or unset it to use [central] accesstoken of " + settingsPath + ".", 1},
		{"already exists (race)", local, &fakeRegistry{getErr: notFound, pushErr: &centralclient.Error{Status: 400, Message: "package already exists: myorg/app:0.1.0", Err: centralclient.ErrExists}},
			"package already exists: myorg/app:0.1.0", 1},
		{"forbidden", local, &fakeRegistry{getErr: notFound, pushErr: &centralclient.Error{Status: 403, Message: "you may not publish to organization 'myorg'"}},
			"you may not publish to organization 'myorg'", 1},
		{"server error", local, &fakeRegistry{getErr: notFound, pushErr: &centralclient.Error{Status: 503, Message: "package pushing is temporarily disabled. please try again later."}},
			"failed to push the package: 'myorg/app:0.1.0' reason:package pushing is temporarily disabled. please try again later.", 1},
		{"connection", local, &fakeRegistry{getErr: notFound, pushErr: &centralclient.Error{Err: centralclient.ErrConnection, Cause: errors.New("connection reset by peer")}},
			"failed to push the package: 'myorg/app:0.1.0' to the remote repository 'http://127.0.0.1:9090/2.0/registry'. reason: connection reset by peer", 1},
		{"pre-check server error", local, &fakeRegistry{getErr: &centralclient.Error{Status: 500, Message: "database is down"}},
			"database is down", 0},
		{"pre-check other 404", local, &fakeRegistry{getErr: &centralclient.Error{Status: 404, Message: "no such route"}},
			"could not connect to remote repository to find package: myorg/app:0.1.0. reason: no such route", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runRemote(t, e, tt.reg, tt.vars)
			if err == nil || err.Error() != tt.want || out != "" || len(tt.reg.pushes) != tt.uploads {
				t.Errorf("err = %v\nwant  %s\nstdout %q, %d uploads", err, tt.want, out, len(tt.reg.pushes))
			}
		})
	}

	// A Settings.toml repository cannot be pushed to.
	reg = &fakeRegistry{getErr: notFound}
	ios, _, _, _ := iostreams.Test()
	err = newRemote(&cmdenv.Env{IO: ios}, func(*manifest.Settings) (pushClient, error) { return reg, nil })(
		context.Background(), &Options{IO: ios}, RemoteRequest{Repository: "nexus"})
	if want := "pushing to the repository 'nexus' of Settings.toml is not supported yet; use --repository local"; err == nil || err.Error() != want {
		t.Errorf("custom repository: %v", err)
	}
}

func TestWebURL(t *testing.T) {
	for base, want := range map[string]string{
		manifest.DefaultCentralURL:                   "https://central.ballerina.io",
		manifest.StagingCentralURL:                   "https://staging-central.ballerina.io",
		manifest.DevCentralURL:                       "https://dev-central.ballerina.io",
		"http://127.0.0.1:9090/2.0/registry":         "http://127.0.0.1:9090",
		"https://central.example.com/x/2.0/registry": "https://central.example.com",
	} {
		if got := webURL(base); got != want {
			t.Errorf("webURL(%q) = %q, want %q", base, got, want)
		}
	}
	if got := registryName(manifest.DefaultCentralURL); got != "central.ballerina.io" {
		t.Errorf("registryName = %q", got)
	}
}
