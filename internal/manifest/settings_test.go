package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/handout"
)

var settingsCases = []struct {
	name string
	src  string
	want []string
}{
	{"empty", "", nil},
	{"token only", "[central]\naccesstoken=\"test-access-token\"\n", nil},
	{"token type", "[central]\naccesstoken = 1\n",
		[]string{"2:15 ERROR central.accesstoken: incompatible type for key 'accesstoken': expected 'STRING', found 'INTEGER'"}},
	{"central not a table", "central = \"x\"\n",
		[]string{"1:11 ERROR central: incompatible type for key 'central': expected 'OBJECT', found 'STRING'"}},
	{"timeout type", "[central]\nconnectTimeout = \"5\"\nreadTimeout = {}\nwriteTimeout = true\ncallTimeout = []\n", []string{
		"2:18 ERROR central.connectTimeout: incompatible type for key 'connectTimeout': expected 'INTEGER', found 'STRING'",
		"3:15 ERROR central.readTimeout: incompatible type for key 'readTimeout': expected 'INTEGER', found 'OBJECT'",
		"4:16 ERROR central.writeTimeout: incompatible type for key 'writeTimeout': expected 'INTEGER', found 'BOOLEAN'",
		"5:1 ERROR central.callTimeout: incompatible type for key 'callTimeout': expected 'INTEGER', found 'ARRAY'",
	}},
	{"timeout range", "[central]\nconnectTimeout = -1\nreadTimeout = 2147483648\n", []string{
		"2:18 ERROR central.connectTimeout: invalid 'connectTimeout' under [central]: value -1 is out of range",
		"3:15 ERROR central.readTimeout: invalid 'readTimeout' under [central]: value 2147483648 is out of range",
	}},
	{"max retries type", "[central]\nmaxRetries = \"3\"\n",
		[]string{"2:14 WARNING central.maxRetries: incompatible type for key 'maxRetries': expected 'INTEGER', found 'STRING'"}},
	{"url", "[central]\nurl = \"ftp://example.com/registry\"\n",
		[]string{"2:7 ERROR central.url: invalid 'url' under [central]: 'url' must be an absolute http or https URL"}},
	{"relative url", "[central]\nurl = \"/registry\"\n",
		[]string{"2:7 ERROR central.url: invalid 'url' under [central]: 'url' must be an absolute http or https URL"}},
	{"proxy", "[proxy]\nhost = 1\nport = \"8080\"\nusername = false\npassword = 2\n", []string{
		"2:8 ERROR proxy.host: incompatible type for key 'host': expected 'STRING', found 'INTEGER'",
		"3:8 ERROR proxy.port: incompatible type for key 'port': expected 'INTEGER', found 'STRING'",
		"4:12 ERROR proxy.username: incompatible type for key 'username': expected 'STRING', found 'BOOLEAN'",
		"5:12 ERROR proxy.password: incompatible type for key 'password': expected 'STRING', found 'INTEGER'",
	}},
	{"proxy port range", "[proxy]\nhost = \"localhost\"\nport = 70000\n",
		[]string{"3:8 ERROR proxy.port: invalid 'port' under [proxy]: value 70000 is out of range"}},
	{"maven unknown key", "[[repository.maven]]\nid = \"m\"\nurl = \"https://maven.example.com\"\npassword = \"x\"\n",
		[]string{"4:1 ERROR repository.maven[0].password: key 'password' not supported in schema 'maven'"}},
	{"maven types", "[[repository.maven]]\nid = 1\nproxyCentral = \"yes\"\n", []string{
		"2:6 ERROR repository.maven[0].id: incompatible type for key 'id': expected 'STRING', found 'INTEGER'",
		"3:16 WARNING repository.maven[0].proxyCentral: incompatible type for key 'proxyCentral': expected 'BOOLEAN', found 'STRING'",
	}},
	{"maven not array", "[repository.maven]\nid = \"m\"\n",
		[]string{"1:1 ERROR repository.maven: incompatible type for key 'maven': expected 'ARRAY', found 'OBJECT'"}},
	{"other repository kinds open", "[[repository.oci]]\nid = \"o\"\nurl = \"oci://x\"\nregion = \"eu\"\n[[repository.s3]]\nid = 1\n", nil},
	{"proxy central twice", `[[repository.maven]]
id = "m"
proxyCentral = true

[[repository.oci]]
id = "o"
proxyCentral = true

[[repository.filesystem]]
id = "f"
path = "/repo"
proxyCentral = true
`, []string{
		"7:16 ERROR repository.oci[0].proxyCentral: Multiple repositories cannot be configured to proxy Ballerina central.",
		"12:16 ERROR repository.filesystem[0].proxyCentral: Multiple repositories cannot be configured to proxy Ballerina central.",
	}},
	{"duplicate ids", "[[repository.maven]]\nid = \"r\"\n[[repository.maven]]\nid = \"r\"\n[[repository.filesystem]]\nid = \"r\"\npath = \"x\"\n", []string{
		"4:6 ERROR repository.maven[1].id: duplicate repository id 'r': already defined at 2:6",
		"6:6 ERROR repository.filesystem[0].id: duplicate repository id 'r': already defined at 2:6",
	}},
	{"syntax error", "[central\n", []string{"1:9 ERROR : invalid TOML: expected ']' to close table name"}},
}

func TestParseSettingsCases(t *testing.T) {
	for _, tc := range settingsCases {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := ParseSettings("Settings.toml", []byte(tc.src))
			got := fmtDiags(diags)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("diagnostics:\n got  %q\n want %q", got, want)
			}
			if (s == nil) != (tc.name == "syntax error") {
				t.Errorf("settings = %v", s)
			}
		})
	}
}

func TestParseSettingsSample(t *testing.T) {
	path := handout.Path(t, "conformance", "central-samples", "Settings.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, diags := ParseSettings(path, data)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %q", fmtDiags(diags))
	}
	want := DefaultSettings()
	want.Central.AccessToken = "test-access-token"
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings = %+v, want %+v", s, want)
	}
}

func TestParseSettingsModel(t *testing.T) {
	src := `[central]
accesstoken = "tok"
url = "http://localhost:9090/2.0/registry/"
connectTimeout = 0
readTimeout = 30
callTimeout = 120
maxRetries = -2

[proxy]
host = "proxy.example.com"
port = 3128
username = "u"
password = "p w"

[[repository.maven]]
id = "github1"
url = "https://maven.pkg.github.com/org/repo"
username = "gh"
accesstoken = "ghp"
proxyCentral = true

[[repository.filesystem]]
id = "fs"
path = "/srv/bala"

[[repository.oci]]
id = "ghcr"
url = "oci://ghcr.io/org"
`
	s, diags := ParseSettings("Settings.toml", []byte(src))
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %q", fmtDiags(diags))
	}
	want := &Settings{
		Central: Central{
			AccessToken:    "tok",
			URL:            "http://localhost:9090/2.0/registry",
			ConnectTimeout: 60 * time.Second,
			ReadTimeout:    30 * time.Second,
			WriteTimeout:   60 * time.Second,
			CallTimeout:    120 * time.Second,
			MaxRetries:     1,
		},
		Proxy: Proxy{Host: "proxy.example.com", Port: 3128, Username: "u", Password: "p w"},
		Repositories: []Repository{
			{Kind: "maven", ID: "github1", URL: "https://maven.pkg.github.com/org/repo", Username: "gh", AccessToken: "ghp", ProxyCentral: true, Pos: Pos{15, 1}},
			{Kind: "filesystem", ID: "fs", Path: "/srv/bala", Pos: Pos{22, 1}},
			{Kind: "oci", ID: "ghcr", URL: "oci://ghcr.io/org", Pos: Pos{26, 1}},
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings =\n%+v\nwant\n%+v", s, want)
	}
	if r, ok := s.Repository("fs"); !ok || r.Path != "/srv/bala" {
		t.Errorf("Repository(fs) = %+v, %v", r, ok)
	}
	if _, ok := s.Repository("nope"); ok {
		t.Errorf("Repository(nope) found")
	}
	if r, ok := s.CentralProxy(); !ok || r.ID != "github1" {
		t.Errorf("CentralProxy() = %+v, %v", r, ok)
	}
	if got := s.Proxy.URL().String(); got != "http://u:p%20w@proxy.example.com:3128" {
		t.Errorf("Proxy.URL() = %s", got)
	}
}

func TestSettingsTimeoutDefaults(t *testing.T) {
	tests := []struct {
		src                        string
		connect, read, write, call time.Duration
		retries                    int
	}{
		{"", 60 * time.Second, 60 * time.Second, 60 * time.Second, 0, 1},
		{"[central]\n", 60 * time.Second, 60 * time.Second, 60 * time.Second, 0, 1},
		{"[central]\nconnectTimeout = 0\nreadTimeout = 0\nwriteTimeout = 0\ncallTimeout = 0\nmaxRetries = 0\n", 60 * time.Second, 60 * time.Second, 60 * time.Second, 0, 0},
		{"[central]\nconnectTimeout = 5\nreadTimeout = 6\nwriteTimeout = 7\ncallTimeout = 8\nmaxRetries = 3\n", 5 * time.Second, 6 * time.Second, 7 * time.Second, 8 * time.Second, 3},
		{"[central]\nmaxRetries = -1\n", 60 * time.Second, 60 * time.Second, 60 * time.Second, 0, 1},
		{"[central]\nconnectTimeout = \"x\"\n", 60 * time.Second, 60 * time.Second, 60 * time.Second, 0, 1},
	}
	for _, tt := range tests {
		s, _ := ParseSettings("Settings.toml", []byte(tt.src))
		c := s.Central
		if c.ConnectTimeout != tt.connect || c.ReadTimeout != tt.read || c.WriteTimeout != tt.write || c.CallTimeout != tt.call || c.MaxRetries != tt.retries {
			t.Errorf("%q: central = %+v", tt.src, c)
		}
	}
}

func TestSettingsProxyEnabled(t *testing.T) {
	tests := []struct {
		p    Proxy
		want string
	}{
		{Proxy{}, "<nil>"},
		{Proxy{Host: "h"}, "<nil>"},
		{Proxy{Port: 8080}, "<nil>"},
		{Proxy{Host: "h", Port: 8080}, "http://h:8080"},
		{Proxy{Host: "::1", Port: 8080, Username: "u"}, "http://u@[::1]:8080"},
	}
	for _, tt := range tests {
		got := "<nil>"
		if u := tt.p.URL(); u != nil {
			got = u.String()
		}
		if got != tt.want || tt.p.Enabled() != (tt.want != "<nil>") {
			t.Errorf("%+v: URL() = %s, Enabled() = %v", tt.p, got, tt.p.Enabled())
		}
	}
}

// env is a fake environment for LoadSettings and HomeDir.
type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e env) get(k string) string            { return e[k] }

func writeSettings(t *testing.T, content string) string {
	t.Helper()
	home := t.TempDir()
	if content != "" {
		if err := os.WriteFile(filepath.Join(home, SettingsFileName), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func TestLoadSettingsEnvironment(t *testing.T) {
	const file = "[central]\naccesstoken = \"from-file\"\nurl = \"https://registry.example.com/2.0/registry\"\n"
	tests := []struct {
		name      string
		file      string
		env       env
		token     string
		url       string
		wantError bool
	}{
		{"no file", "", env{}, "", DefaultCentralURL, false},
		{"no file, env token", "", env{EnvCentralAccessToken: "from-env"}, "from-env", DefaultCentralURL, false},
		{"file", file, env{}, "from-file", "https://registry.example.com/2.0/registry", false},
		{"env token wins", file, env{EnvCentralAccessToken: "from-env"}, "from-env", "https://registry.example.com/2.0/registry", false},
		{"empty env token wins", file, env{EnvCentralAccessToken: ""}, "", "https://registry.example.com/2.0/registry", false},
		{"stage", file, env{EnvStageCentral: "TRUE"}, "from-file", StagingCentralURL, false},
		{"dev", "", env{EnvDevCentral: "true"}, "", DevCentralURL, false},
		{"stage before dev", "", env{EnvDevCentral: "true", EnvStageCentral: "true"}, "", StagingCentralURL, false},
		{"stage not true", "", env{EnvStageCentral: "1"}, "", DefaultCentralURL, false},
		{"central url env", file, env{EnvCentralURL: "http://127.0.0.1:8080/2.0/registry/", EnvStageCentral: "true"}, "from-file", "http://127.0.0.1:8080/2.0/registry", false},
		{"central url env empty", file, env{EnvCentralURL: ""}, "from-file", "https://registry.example.com/2.0/registry", false},
		{"central url env invalid", "", env{EnvCentralURL: "localhost:8080"}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := writeSettings(t, tt.file)
			s, diags, err := LoadSettings(home, tt.env.lookup)
			if len(diags) != 0 {
				t.Errorf("diagnostics: %q", fmtDiags(diags))
			}
			if tt.wantError {
				if err == nil || !strings.Contains(err.Error(), EnvCentralURL) {
					t.Errorf("err = %v, want an error naming %s", err, EnvCentralURL)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Central.AccessToken != tt.token || s.Central.URL != tt.url {
				t.Errorf("token, url = %q, %q; want %q, %q", s.Central.AccessToken, s.Central.URL, tt.token, tt.url)
			}
		})
	}
}

func TestLoadSettingsDiagnostics(t *testing.T) {
	home := writeSettings(t, "[central]\naccesstoken = 5\n")
	s, diags, err := LoadSettings(home, env{}.lookup)
	if err != nil || s == nil {
		t.Fatalf("LoadSettings: %v, %v", s, err)
	}
	want := filepath.Join(home, SettingsFileName) + ":2:15: incompatible type for key 'accesstoken': expected 'STRING', found 'INTEGER'"
	if len(diags) != 1 || diags[0].Error() != want {
		t.Errorf("diagnostics = %v, want %s", diags, want)
	}

	home = writeSettings(t, "[central\n")
	s, diags, err = LoadSettings(home, env{}.lookup)
	if s != nil || err != nil || !diags.HasErrors() {
		t.Errorf("syntax error: %v, %q, %v", s, fmtDiags(diags), err)
	}

	file := filepath.Join(t.TempDir(), "home-is-a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSettings(file, env{}.lookup); err == nil {
		t.Errorf("LoadSettings with a file as home: no error")
	}
}

func TestSettingsHomeDir(t *testing.T) {
	userHome := func() (string, error) { return "/home/jo", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	emptyHome := func() (string, error) { return "", nil }
	abs, _ := filepath.Abs("rel/home")
	tests := []struct {
		env     env
		home    func() (string, error)
		want    string
		wantErr bool
	}{
		{env{}, userHome, filepath.Join("/home/jo", ".ballerina"), false},
		{env{EnvHomeDir: ""}, userHome, filepath.Join("/home/jo", ".ballerina"), false},
		{env{EnvHomeDir: "/opt/bal"}, noHome, "/opt/bal", false},
		{env{EnvHomeDir: "rel/home"}, noHome, abs, false},
		{env{}, noHome, "", true},
		{env{}, emptyHome, "", true},
	}
	for _, tt := range tests {
		got, err := HomeDir(tt.env.get, tt.home)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("HomeDir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}

// TestSettingsTestdata parses testdata/settings/NAME.toml and compares the
// diagnostics with NAME.diags.
func TestSettingsTestdata(t *testing.T) {
	runDiagsGolden(t, "settings", func(data []byte) Diagnostics {
		_, diags := ParseSettings("Settings.toml", data)
		return diags
	})
}

// TestSettingsSchemaCovered checks the settings schema: every message it
// defines is produced by a row of settingsCases (the current schema has
// none), every typed key rejects a value of another type and every closed
// object rejects an unknown key.
func TestSettingsSchemaCovered(t *testing.T) {
	schema := sharedSchema(t, "settings-toml-schema.json")
	produced := map[string]bool{}
	for _, tc := range settingsCases {
		_, diags := ParseSettings("Settings.toml", []byte(tc.src))
		for _, d := range diags {
			produced[d.Message] = true
		}
	}
	msgs, unreachable := schemaMessages(schema)
	for _, m := range append(msgs, unreachable...) {
		if !produced[m] {
			t.Errorf("schema message never produced: %q", m)
		}
	}
	rows := schemaTypeRows(schema)
	if len(rows) < 15 {
		t.Fatalf("only %d rows generated", len(rows))
	}
	checkSchemaTypeRows(t, rows, func(src []byte) Diagnostics {
		_, diags := ParseSettings("Settings.toml", src)
		return diags
	})
}
