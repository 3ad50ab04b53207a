package cmdenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// centralEnv is an Env whose home holds settings (when not "") and whose
// environment is vars.
func centralEnv(t *testing.T, settings string, vars map[string]string) (*Env, string) {
	t.Helper()
	home := t.TempDir()
	if settings != "" {
		if err := os.WriteFile(filepath.Join(home, "Settings.toml"), []byte(settings), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ios, _, _, _ := iostreams.Test()
	return &Env{
		IO:           ios,
		HomeDir:      func() (string, error) { return home, nil },
		LookupEnv:    func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		Distribution: "2201.12.0",
	}, home
}

func TestCentralSettings(t *testing.T) {
	file := "[central]\naccesstoken = \"from-file\"\nurl = \"https://registry.example.com/2.0/registry\"\nmaxRetries = 3\n"
	tests := []struct {
		name       string
		vars       map[string]string
		token, url string
	}{
		{"file", nil, "from-file", "https://registry.example.com/2.0/registry"},
		{"token variable", map[string]string{"BALLERINA_CENTRAL_ACCESS_TOKEN": "from-env"}, "from-env", "https://registry.example.com/2.0/registry"},
		// Set but empty still wins, as upstream.
		{"empty token variable", map[string]string{"BALLERINA_CENTRAL_ACCESS_TOKEN": ""}, "", "https://registry.example.com/2.0/registry"},
		{"URL variable", map[string]string{"BALLERINA_CENTRAL_URL": "http://127.0.0.1:9090/2.0/registry/"}, "from-file", "http://127.0.0.1:9090/2.0/registry"},
	}
	for _, tt := range tests {
		env, _ := centralEnv(t, file, tt.vars)
		s, diags, err := env.CentralSettings()
		if err != nil || len(diags) != 0 || s.Central.AccessToken != tt.token || s.Central.URL != tt.url || s.Central.MaxRetries != 3 {
			t.Errorf("%s: %v, %v, %+v", tt.name, err, diags, s)
		}
	}

	// No Settings.toml: the defaults.
	env, _ := centralEnv(t, "", nil)
	if s, _, err := env.CentralSettings(); err != nil || s.Central.URL != manifest.DefaultCentralURL || s.Central.AccessToken != "" {
		t.Errorf("defaults: %v, %+v", err, s)
	}

	// Errors in the file: a *project.FileErrors naming the place.
	env, home := centralEnv(t, "[central]\naccesstoken = 1\n", nil)
	s, _, err := env.CentralSettings()
	var fe *project.FileErrors
	if s != nil || !errors.As(err, &fe) || fe.Summary != "Settings.toml contains errors" ||
		len(fe.Diagnostics) != 1 || fe.Diagnostics[0].Sites[0] != filepath.Join(home, "Settings.toml")+":2:15" {
		t.Errorf("bad file: %v, %#v", err, fe)
	}

	// An invalid BALLERINA_CENTRAL_URL.
	env, _ = centralEnv(t, "", map[string]string{"BALLERINA_CENTRAL_URL": "ftp://x"})
	if s, _, err := env.CentralSettings(); s != nil || err == nil || !strings.Contains(err.Error(), "BALLERINA_CENTRAL_URL") {
		t.Errorf("bad URL: %v, %+v", err, s)
	}
}

func TestLookupFallsBackToGetenv(t *testing.T) {
	e := &Env{Getenv: func(k string) string {
		if k == "SET" {
			return "v"
		}
		return ""
	}}
	if v, ok := e.Lookup("SET"); v != "v" || !ok {
		t.Errorf("Lookup(SET) = %q, %v", v, ok)
	}
	if v, ok := e.Lookup("UNSET"); v != "" || ok {
		t.Errorf("Lookup(UNSET) = %q, %v", v, ok)
	}
	if _, ok := (&Env{}).Lookup("X"); ok {
		t.Error("Lookup without Getenv found a value")
	}
}

func TestCentralOptions(t *testing.T) {
	env, _ := centralEnv(t, "[central]\naccesstoken = \"t\"\nconnectTimeout = 5\ncallTimeout = 9\nmaxRetries = 2\n[proxy]\nhost = \"proxy.local\"\nport = 3128\nusername = \"u\"\npassword = \"p\"\n",
		map[string]string{"CENTRAL_VERBOSE_ENABLED": "TRUE"})
	s, _, err := env.CentralSettings()
	if err != nil {
		t.Fatal(err)
	}
	o := env.CentralOptions(s)
	if o.BaseURL != manifest.DefaultCentralURL || o.Token != "t" || o.Distribution != "2201.12.0" ||
		o.ConnectTimeout != 5*time.Second || o.ReadTimeout != manifest.DefaultTimeout || o.CallTimeout != 9*time.Second ||
		o.MaxRetries != 2 || o.Verbose != env.IO.ErrOut || o.ProxyURL == nil || o.Retrying == nil {
		t.Errorf("options %+v", o)
	}
	if u, err := o.ProxyURL(nil); err != nil || u.String() != "http://u:p@proxy.local:3128" {
		t.Errorf("proxy %v, %v", u, err)
	}

	// The retry lines, on stderr.
	ios, _, _, errOut := iostreams.Test()
	env.IO = ios
	o = env.CentralOptions(s)
	o.Retrying("https://x/packages/a/b", 503, 1, nil)
	o.Retrying("https://x/packages/a/b", 0, 2, errors.New("connection reset by peer"))
	want := "* Retrying request to https://x/packages/a/b due to 503 response code. Retry attempt: 1\n" +
		"* Retrying request to https://x/packages/a/b due to: connection reset by peer. Retry attempt: 2\n"
	if errOut.String() != want {
		t.Errorf("retry lines %q, want %q", errOut.String(), want)
	}

	// Verbose only when asked for.
	env.LookupEnv = func(string) (string, bool) { return "", false }
	if o := env.CentralOptions(s); o.Verbose != nil {
		t.Error("verbose without CENTRAL_VERBOSE_ENABLED")
	}
	if o := env.CentralOptions(manifest.DefaultSettings()); o.ProxyURL != nil {
		t.Error("a proxy without [proxy]")
	}
}

func TestUnauthorizedError(t *testing.T) {
	env, home := centralEnv(t, "", nil)
	path := filepath.Join(home, "Settings.toml")
	tests := []struct {
		org  string
		cerr *centralclient.Error
		vars map[string]string
		want string
	}{
		{"acme", &centralclient.Error{Status: 401, Message: "access token expired"}, nil,
			"unauthorized access token for organization: 'acme'. check access token set in 'Settings.toml' file. reason: access token expired\n" +
				"Replace [central] accesstoken in " + path + " with a valid token, or set the BALLERINA_CENTRAL_ACCESS_TOKEN environment variable."},
		{"", &centralclient.Error{Status: 401}, map[string]string{"BALLERINA_CENTRAL_ACCESS_TOKEN": "x"},
			"unauthorized access token. check access token set in 'Settings.toml' file.\n" +
				"The access token comes from the BALLERINA_CENTRAL_ACCESS_TOKEN environment variable; set it to a valid token, or unset it to use [central] accesstoken of " + path + "."},
	}
	for _, tt := range tests {
		env.LookupEnv = func(k string) (string, bool) { v, ok := tt.vars[k]; return v, ok }
		if err := env.UnauthorizedError(tt.org, tt.cerr); err == nil || err.Error() != tt.want {
			t.Errorf("UnauthorizedError(%q) = %v\nwant %s", tt.org, err, tt.want)
		}
	}
}

func TestProgress(t *testing.T) {
	// Not a terminal: no bar.
	ios, _, _, errOut := iostreams.Test()
	p, done := Progress(ios, "task")
	if p != nil {
		t.Error("a progress bar without a terminal")
	}
	done()

	// A terminal: the bar is drawn on stderr and cleared at the end.
	ios.SetStderrTTY(true)
	p, done = Progress(ios, "acme/hello:0.1.0 [x -> y]")
	if p == nil {
		t.Fatal("no progress bar on a terminal")
	}
	p(0, 2048)
	p(2048, 2048)
	done()
	if !strings.Contains(errOut.String(), "acme/hello:0.1.0 [x -> y]") {
		t.Errorf("stderr %q", errOut.String())
	}
}
