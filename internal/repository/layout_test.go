package repository

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestLayoutPaths(t *testing.T) {
	home := filepath.FromSlash("/h/.ballerina")
	l := Layout{Home: home}
	j := func(elem ...string) string { return filepath.Join(append([]string{home}, elem...)...) }
	local := j("repositories", "local")
	central := j("repositories", "central.ballerina.io")
	tests := []struct {
		call, got, want string
	}{
		{"RepositoriesDir", l.RepositoriesDir(), j("repositories")},
		{"LocalDir", l.LocalDir(), local},
		{"LocalBalaDir", l.LocalBalaDir(), j("repositories", "local", "bala")},
		{"LocalToolsFile", l.LocalToolsFile(), j("repositories", "local", "bala", "local-tools.json")},
		{"SettingsFile", l.SettingsFile(), j("Settings.toml")},
		{"BalaDir", l.BalaDir(central, "ballerina", "io", "1.8.0", "java21"),
			j("repositories", "central.ballerina.io", "bala", "ballerina", "io", "1.8.0", "java21")},
		{"CacheDir", l.CacheDir(local, "2201.13.0"), j("repositories", "local", "cache-2201.13.0")},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.call, tt.got, tt.want)
		}
	}

	dl := DistributionLayout{BallerinaHome: filepath.FromSlash("/opt/ballerina")}
	for call, c := range map[string][2]string{
		"RepoDir":  {dl.RepoDir(), filepath.FromSlash("/opt/ballerina/repo")},
		"BalaDir":  {dl.BalaDir(), filepath.FromSlash("/opt/ballerina/repo/bala")},
		"CacheDir": {dl.CacheDir(), filepath.FromSlash("/opt/ballerina/repo/cache")},
	} {
		if c[0] != c[1] {
			t.Errorf("DistributionLayout.%s = %q, want %q", call, c[0], c[1])
		}
	}
}

func TestCentralCacheDir(t *testing.T) {
	l := Layout{Home: "h"}
	repos := filepath.Join("h", "repositories")
	tests := []struct {
		host, wantDir string // wantDir "" means an error
	}{
		{"", "central.ballerina.io"},
		{"central.ballerina.io", "central.ballerina.io"},
		{"Central.Ballerina.IO", "central.ballerina.io"},
		{"api.central.ballerina.io", "central.ballerina.io"},
		{"api.central.ballerina.io:443", "central.ballerina.io"},
		{"staging-central.ballerina.io", "staging-central.ballerina.io"},
		{"localhost:9090", "localhost_9090"},
		{"127.0.0.1:8080", "127.0.0.1_8080"},
		{"registry.example.com", "registry.example.com"},
		{"local", ""},
		{"local:80", ""},
		{"..", ""},
		{"../x", ""},
		{"a/b", ""},
		{`a\b`, ""},
		{".hidden", ""},
		{"-a.com", ""},
		{"a..b", ""},
		{"host:0", ""},
		{"host:65536", ""},
		{"host:080", ""},
		{"host:", ""},
		{"[::1]:8080", ""},
		{"a_b.com", ""},
	}
	for _, tt := range tests {
		got, err := l.CentralCacheDir(tt.host)
		if tt.wantDir == "" {
			if err == nil {
				t.Errorf("CentralCacheDir(%q) = %q, want an error", tt.host, got)
			}
			continue
		}
		if want := filepath.Join(repos, tt.wantDir); err != nil || got != want {
			t.Errorf("CentralCacheDir(%q) = %q, %v; want %q", tt.host, got, err, want)
		}
	}
	if _, err := l.CentralCacheDir("local"); !errors.Is(err, errBadHost) {
		t.Errorf("CentralCacheDir(local): err = %v, want errBadHost", err)
	}

	r, err := NewCentralCache(l, "LocalHost:9090", "")
	if err != nil || r.Name() != "localhost:9090" || r.Root() != filepath.Join(repos, "localhost_9090") {
		t.Errorf("NewCentralCache(LocalHost:9090) = %q at %q, %v", r.Name(), r.Root(), err)
	}
	if _, err := NewCentralCache(l, "../x", ""); err == nil {
		t.Error("NewCentralCache(../x): no error")
	}
}

func TestRepositoryDir(t *testing.T) {
	l := Layout{Home: "h"}
	if got, err := l.RepositoryDir("github1"); err != nil || got != filepath.Join("h", "repositories", "github1") {
		t.Errorf("RepositoryDir(github1) = %q, %v", got, err)
	}
	for _, id := range []string{"", ".", "..", "../x", "a/b", ".hidden", "a b"} {
		if got, err := l.RepositoryDir(id); err == nil {
			t.Errorf("RepositoryDir(%q) = %q, want an error", id, got)
		}
	}
}

func TestDefaultLayout(t *testing.T) {
	env := map[string]string{"BALLERINA_HOME_DIR": filepath.FromSlash("/custom/home")}
	l, err := DefaultLayout(func(k string) string { return env[k] }, func() (string, error) { return "/u", nil })
	if err != nil || l.Home != filepath.FromSlash("/custom/home") {
		t.Errorf("DefaultLayout with BALLERINA_HOME_DIR = %+v, %v", l, err)
	}
	l, err = DefaultLayout(func(string) string { return "" }, func() (string, error) { return filepath.FromSlash("/u"), nil })
	if err != nil || l.Home != filepath.Join(filepath.FromSlash("/u"), ".ballerina") {
		t.Errorf("DefaultLayout = %+v, %v", l, err)
	}
}
