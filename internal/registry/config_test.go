package registry

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// files returns a readFile over m that fails like os.ReadFile for other
// names.
func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		data, ok := m[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(data), nil
	}
}

func TestDefaultConfig(t *testing.T) {
	cfg, err := LoadConfig(nil, env(nil), files(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr:            "127.0.0.1:9090",
		DataDir:         "./central-data",
		PublicURL:       "",
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		MaxUploadSize:   512 << 20,
		ShutdownTimeout: 30 * time.Second,
		RateLimit:       Rate{Count: 30, Per: time.Minute},
		ReadRateLimit:   Rate{},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("LoadConfig with nothing set =\n%+v\nwant\n%+v", cfg, want)
	}
	if !reflect.DeepEqual(cfg, DefaultConfig()) {
		t.Errorf("LoadConfig with nothing set differs from DefaultConfig()")
	}
}

// precedence lists, for every option, a value from each source and what it
// parses to.
var precedence = []struct {
	key               string
	def               any
	file              string // TOML literal
	fileWant          any
	env, flag         string
	envWant, flagWant any
	get               func(Config) any
}{
	{"addr", "127.0.0.1:9090", `"10.0.0.1:1"`, "10.0.0.1:1", "10.0.0.2:2", "[::1]:0", "10.0.0.2:2", "[::1]:0",
		func(c Config) any { return c.Addr }},
	{"data", "./central-data", `"/srv/file-data"`, "/srv/file-data", "/srv/env-data", "rel/flag-data", "/srv/env-data", "rel/flag-data",
		func(c Config) any { return c.DataDir }},
	{"public_url", "", `"https://file.example.com/"`, "https://file.example.com", "http://env.example.com:8080/x/", "https://flag.example.com", "http://env.example.com:8080/x", "https://flag.example.com",
		func(c Config) any { return c.PublicURL }},
	{"log_level", slog.LevelInfo, `"debug"`, slog.LevelDebug, "warn", "ERROR", slog.LevelWarn, slog.LevelError,
		func(c Config) any { return c.LogLevel }},
	{"log_format", "text", `"json"`, "json", "text", "json", "text", "json",
		func(c Config) any { return c.LogFormat }},
	{"max_upload_size", int64(512 << 20), `1048576`, int64(1 << 20), "2MiB", "3MB", int64(2 << 20), int64(3_000_000),
		func(c Config) any { return c.MaxUploadSize }},
	{"shutdown_timeout", 30 * time.Second, `"1m"`, time.Minute, "5s", "250ms", 5 * time.Second, 250 * time.Millisecond,
		func(c Config) any { return c.ShutdownTimeout }},
	{"rate_limit", Rate{30, time.Minute}, `"10/s"`, Rate{10, time.Second}, "100/h", "off", Rate{100, time.Hour}, Rate{},
		func(c Config) any { return c.RateLimit }},
	{"read_rate_limit", Rate{}, `"1000/min"`, Rate{1000, time.Minute}, "5/s", "7/hour", Rate{5, time.Second}, Rate{7, time.Hour},
		func(c Config) any { return c.ReadRateLimit }},
	{"signup", false, `true`, true, "false", "1", false, true,
		func(c Config) any { return c.Signup }},
	{"database", "", `"postgres://file@db.example.com/central"`, "postgres://file@db.example.com/central", "host=env.example.com dbname=central", "postgresql:///central?host=/run/postgresql", "host=env.example.com dbname=central", "postgresql:///central?host=/run/postgresql",
		func(c Config) any { return c.Database }},
	{"blob_store", "", `"s3"`, "s3", "files", "s3", "files", "s3",
		func(c Config) any { return c.BlobStore }},
	{"s3_endpoint", "", `"https://s3.eu-west-1.amazonaws.com/"`, "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000", "https://minio.example.com:9000", "http://127.0.0.1:9000", "https://minio.example.com:9000",
		func(c Config) any { return c.S3.Endpoint }},
	{"s3_region", "", `"eu-west-1"`, "eu-west-1", "us-east-2", "auto", "us-east-2", "auto",
		func(c Config) any { return c.S3.Region }},
	{"s3_bucket", "", `"file-bucket"`, "file-bucket", "env-bucket", "flag.bucket", "env-bucket", "flag.bucket",
		func(c Config) any { return c.S3.Bucket }},
	{"s3_prefix", "", `"central/"`, "central/", "env/", "a/b", "env/", "a/b",
		func(c Config) any { return c.S3.Prefix }},
	{"s3_addressing", "", `"path"`, "path", "virtual-host", "auto", "virtual-host", "",
		func(c Config) any { return c.S3.Addressing }},
	{"redirect_downloads", false, `true`, true, "false", "true", false, true,
		func(c Config) any { return c.RedirectDownloads }},
}

// TestPrecedence sets every option from every combination of sources: a
// flag beats the environment, which beats the file, which beats the
// default.
func TestPrecedence(t *testing.T) {
	if len(precedence) != len(options) {
		t.Fatalf("the precedence table has %d rows for %d options", len(precedence), len(options))
	}
	for i, row := range precedence {
		o := &options[i]
		if o.name != row.key {
			t.Fatalf("precedence row %d is %s, option %d is %s", i, row.key, i, o.name)
		}
		for mask := range 8 {
			inFile, inEnv, inFlag := mask&1 != 0, mask&2 != 0, mask&4 != 0
			name := fmt.Sprintf("%s/file=%v,env=%v,flag=%v", row.key, inFile, inEnv, inFlag)
			t.Run(name, func(t *testing.T) {
				var args []string
				envs := map[string]string{}
				fm := map[string]string{}
				if inFile {
					fm["central.toml"] = row.key + " = " + row.file + "\n"
					args = append(args, "--config", "central.toml")
				}
				if inEnv {
					envs[o.env()] = row.env
				}
				if inFlag {
					args = append(args, "--"+o.flag(), row.flag)
				}
				want := row.def
				switch {
				case inFlag:
					want = row.flagWant
				case inEnv:
					want = row.envWant
				case inFile:
					want = row.fileWant
				}
				cfg, err := LoadConfig(args, env(envs), files(fm))
				if err != nil {
					t.Fatalf("LoadConfig(%q, %v, file %q): %v", args, envs, fm["central.toml"], err)
				}
				if got := row.get(cfg); !reflect.DeepEqual(got, want) {
					t.Errorf("LoadConfig(%q, %v, file %q): %s = %v, want %v", args, envs, fm["central.toml"], row.key, got, want)
				}
			})
		}
	}
}

func TestFileSetsEverything(t *testing.T) {
	file := `# central.toml
addr = "0.0.0.0:8080"
data = "/var/lib/central"
public_url = "https://central.example.com"
log_level = "debug"
log_format = "json"
max_upload_size = "64MiB"
shutdown_timeout = "10s"
rate_limit = "5/min"
read_rate_limit = "600/min"
`
	cfg, err := LoadConfig([]string{"--config", "/etc/central.toml"}, env(nil), files(map[string]string{"/etc/central.toml": file}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: "0.0.0.0:8080", DataDir: "/var/lib/central", PublicURL: "https://central.example.com",
		LogLevel: slog.LevelDebug, LogFormat: "json", MaxUploadSize: 64 << 20, ShutdownTimeout: 10 * time.Second,
		RateLimit: Rate{5, time.Minute}, ReadRateLimit: Rate{600, time.Minute}, ConfigFile: "/etc/central.toml",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config =\n%+v\nwant\n%+v", cfg, want)
	}
}

func TestConfigFileLocation(t *testing.T) {
	fm := map[string]string{
		"/etc/central/central.toml": `data = "state"` + "\n",
		"other.toml":                `addr = "127.0.0.1:1"` + "\n",
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantFile string
		wantData string
	}{
		{"none", nil, nil, "", "./central-data"},
		{"from CENTRAL_CONFIG, data relative to the file", nil, map[string]string{"CENTRAL_CONFIG": "/etc/central/central.toml"}, "/etc/central/central.toml", "/etc/central/state"},
		{"--config beats CENTRAL_CONFIG", []string{"--config", "other.toml"}, map[string]string{"CENTRAL_CONFIG": "/etc/central/central.toml"}, "other.toml", "./central-data"},
		{"relative data from the environment stays relative", nil, map[string]string{"CENTRAL_CONFIG": "/etc/central/central.toml", "CENTRAL_DATA": "here"}, "/etc/central/central.toml", "here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(tt.args, env(tt.env), files(fm))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ConfigFile != tt.wantFile || cfg.DataDir != tt.wantData {
				t.Errorf("ConfigFile, DataDir = %q, %q; want %q, %q", cfg.ConfigFile, cfg.DataDir, tt.wantFile, tt.wantData)
			}
		})
	}
}

func TestBootstrapTokenFromEnv(t *testing.T) {
	tok := "cbt_0123456789abcdefABCDEF"
	cfg, err := LoadConfig(nil, env(map[string]string{"CENTRAL_BOOTSTRAP_TOKEN": tok}), files(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BootstrapToken != tok {
		t.Errorf("BootstrapToken = %q, want %q", cfg.BootstrapToken, tok)
	}
}

// TestInvalid checks the exact message of every kind of bad input.
func TestInvalid(t *testing.T) {
	const addrHint = " (want host:port, such as 127.0.0.1:9090)"
	tests := []struct {
		name string
		args []string
		env  map[string]string
		file string // central.toml, read when set
		want string
	}{
		{"addr without port", []string{"--addr", "localhost"}, nil, "",
			`invalid --addr "localhost": missing port in address` + addrHint},
		{"addr from env", nil, map[string]string{"CENTRAL_ADDR": "localhost:http"}, "",
			`invalid CENTRAL_ADDR "localhost:http": port "http" is not a number from 0 to 65535`},
		{"addr port too large", []string{"--addr", "127.0.0.1:65536"}, nil, "",
			`invalid --addr "127.0.0.1:65536": port "65536" is not a number from 0 to 65535`},
		{"addr bad host", []string{"--addr", "my host:80"}, nil, "",
			`invalid --addr "my host:80": host "my host" is neither an IP address nor a host name`},
		{"addr too many colons", []string{"--addr", "::1:80"}, nil, "",
			`invalid --addr "::1:80": too many colons in address` + addrHint},
		{"addr from file", nil, nil, "# server\n\naddr = \"nope\"\n",
			`central.toml:3: invalid addr "nope": missing port in address` + addrHint},
		{"empty data", []string{"--data", ""}, nil, "",
			`invalid --data "": must not be empty`},
		{"public url without scheme", []string{"--public-url", "central.example.com"}, nil, "",
			`invalid --public-url "central.example.com": want an absolute http:// or https:// URL`},
		{"public url host:port", []string{"--public-url", "localhost:9090"}, nil, "",
			`invalid --public-url "localhost:9090": want an absolute http:// or https:// URL`},
		{"public url ftp", nil, map[string]string{"CENTRAL_PUBLIC_URL": "ftp://central.example.com"}, "",
			`invalid CENTRAL_PUBLIC_URL "ftp://central.example.com": want an absolute http:// or https:// URL`},
		{"public url no host", []string{"--public-url", "https:///path"}, nil, "",
			`invalid --public-url "https:///path": no host`},
		{"public url query", []string{"--public-url", "https://x.example.com/?a=b"}, nil, "",
			`invalid --public-url "https://x.example.com/?a=b": must not have a query or a fragment`},
		{"public url user", []string{"--public-url", "https://admin@x.example.com"}, nil, "",
			`invalid --public-url "https://admin@x.example.com": must not contain a user name or password`},
		{"public url password", []string{"--public-url", "https://admin:s3cret@x.example.com"}, nil, "",
			`invalid --public-url "https://admin:xxxxx@x.example.com": must not contain a user name or password`},
		{"public url port 0", []string{"--public-url", "http://x.example.com:0"}, nil, "",
			`invalid --public-url "http://x.example.com:0": port "0" is not a number from 1 to 65535`},
		{"public url unparsable", []string{"--public-url", "http://x.example.com:port"}, nil, "",
			`invalid --public-url "http://x.example.com:port": invalid port ":port" after host`},
		{"log level", []string{"--log-level", "loud"}, nil, "",
			`invalid --log-level "loud": want debug, info, warn or error`},
		{"log format", nil, map[string]string{"CENTRAL_LOG_FORMAT": "xml"}, "",
			`invalid CENTRAL_LOG_FORMAT "xml": want text or json`},
		{"size unit", []string{"--max-upload-size", "12 parsecs"}, nil, "",
			`invalid --max-upload-size "12 parsecs": want a positive number of bytes, optionally with a unit (B, KB, MB, GB, KiB, MiB, GiB), such as 100MiB`},
		{"size zero", nil, nil, "max_upload_size = 0\n",
			`central.toml:1: invalid max_upload_size "0": want a positive number of bytes, optionally with a unit (B, KB, MB, GB, KiB, MiB, GiB), such as 100MiB`},
		{"size overflow", []string{"--max-upload-size", "9999999999999GiB"}, nil, "",
			`invalid --max-upload-size "9999999999999GiB": too large`},
		{"size of the wrong type", nil, nil, "max_upload_size = true\n",
			`central.toml:1: invalid max_upload_size: want a string or an integer, not a boolean`},
		{"shutdown timeout", []string{"--shutdown-timeout", "soon"}, nil, "",
			`invalid --shutdown-timeout "soon": want a positive duration such as 30s or 2m`},
		{"negative shutdown timeout", []string{"--shutdown-timeout", "-1s"}, nil, "",
			`invalid --shutdown-timeout "-1s": want a positive duration such as 30s or 2m`},
		{"rate", []string{"--rate-limit", "10/day"}, nil, "",
			`invalid --rate-limit "10/day": want <n>/s, <n>/min or <n>/h (such as 30/min), or off`},
		{"rate zero count", nil, map[string]string{"CENTRAL_READ_RATE_LIMIT": "0/min"}, "",
			`invalid CENTRAL_READ_RATE_LIMIT "0/min": want <n>/s, <n>/min or <n>/h (such as 30/min), or off`},
		{"unknown key", nil, nil, "addr = \"127.0.0.1:1\"\nadress = \"x\"\n",
			`central.toml:2:1: unknown key "adress" (did you mean "addr"?)`},
		{"unknown key, flag spelling", nil, nil, "public-url = \"https://x.example.com\"\n",
			`central.toml:1:1: unknown key "public-url" (did you mean "public_url"?)`},
		{"unknown key, no suggestion", nil, nil, "\n\ncolour = \"blue\"\n",
			`central.toml:3:1: unknown key "colour"`},
		{"unknown table", nil, nil, "[server]\naddr = \"x\"\n",
			`central.toml:1:2: unknown key "server"`},
		{"two unknown keys", nil, nil, "a = 1\nb = 2\n",
			"central.toml:1:1: unknown key \"a\"\ncentral.toml:2:1: unknown key \"b\""},
		{"bootstrap token in the file", nil, nil, "bootstrap_token = \"0123456789abcdef\"\n",
			`central.toml:1:1: bootstrap_token cannot be set in a file; use the environment variable CENTRAL_BOOTSTRAP_TOKEN`},
		{"wrong type", nil, nil, "addr = 9090\n",
			`central.toml:1:8: invalid addr: want a string, not an integer`},
		{"syntax error", nil, nil, "addr = \"127.0.0.1:1\nlog_level = \"debug\"\n",
			`central.toml:1:20: basic strings cannot have new lines`},
		{"duplicate key", nil, nil, "addr = \"127.0.0.1:1\"\naddr = \"127.0.0.1:2\"\n",
			`central.toml:2:1: key addr is already defined`},
		{"missing file", []string{"--config", "missing.toml"}, nil, "",
			`cannot read the configuration file: open missing.toml: file does not exist`},
		{"missing file from env", nil, map[string]string{"CENTRAL_CONFIG": "missing.toml"}, "",
			`cannot read the configuration file: open missing.toml: file does not exist`},
		{"empty --config", []string{"--config", ""}, nil, "",
			`invalid --config "": want a file name`},
		{"bootstrap token too short", nil, map[string]string{"CENTRAL_BOOTSTRAP_TOKEN": "short"}, "",
			`invalid CENTRAL_BOOTSTRAP_TOKEN: want 16 to 256 characters, got 5`},
		{"bootstrap token too long", nil, map[string]string{"CENTRAL_BOOTSTRAP_TOKEN": strings.Repeat("x", 257)}, "",
			`invalid CENTRAL_BOOTSTRAP_TOKEN: want 16 to 256 characters, got 257`},
		{"bootstrap token with a space", nil, map[string]string{"CENTRAL_BOOTSTRAP_TOKEN": "0123456789 abcdef"}, "",
			`invalid CENTRAL_BOOTSTRAP_TOKEN: want printable ASCII characters without spaces; character 11 is not`},
		{"bootstrap token non-ASCII", nil, map[string]string{"CENTRAL_BOOTSTRAP_TOKEN": "0123456789abcdéf"}, "",
			`invalid CENTRAL_BOOTSTRAP_TOKEN: want printable ASCII characters without spaces; character 15 is not`},
		{"every problem at once", []string{"--addr", "x", "--log-level", "loud"}, map[string]string{"CENTRAL_LOG_FORMAT": "xml"}, "",
			"invalid --addr \"x\": missing port in address" + addrHint + "\ninvalid --log-level \"loud\": want debug, info, warn or error\ninvalid CENTRAL_LOG_FORMAT \"xml\": want text or json"},
		{"unknown flag", []string{"--listen", "127.0.0.1:1"}, nil, "",
			`unknown flag: --listen`},
		{"flag without value", []string{"--addr"}, nil, "",
			`flag needs an argument: --addr`},
		{"stray argument", []string{"serve"}, nil, "",
			`unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := map[string]string{}
			args := tt.args
			if tt.file != "" {
				fm["central.toml"] = tt.file
				args = append([]string{"--config", "central.toml"}, args...)
			}
			_, err := LoadConfig(args, env(tt.env), files(fm))
			if err == nil {
				t.Fatalf("LoadConfig(%q) succeeded, want error %q", args, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("LoadConfig(%q) error:\n%s\nwant:\n%s", args, err, tt.want)
			}
			if tok := tt.env["CENTRAL_BOOTSTRAP_TOKEN"]; tok != "" && strings.Contains(err.Error(), tok) {
				t.Errorf("the error quotes the bootstrap token: %v", err)
			}
		})
	}
}

func TestUsageErrorsAreTyped(t *testing.T) {
	for _, args := range [][]string{{"--nope"}, {"stray"}, {"--addr"}} {
		_, err := LoadConfig(args, env(nil), files(nil))
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("LoadConfig(%q) error = %#v, want a *UsageError", args, err)
		}
	}
	_, err := LoadConfig([]string{"--addr", "x"}, env(nil), files(nil))
	var ue *UsageError
	if errors.As(err, &ue) {
		t.Errorf("an invalid value is reported as a usage error: %v", err)
	}
}

// TestOptionsMatchFileSchema: every option is a key of the configuration
// file, and the file has no key that is not an option.
func TestOptionsMatchFileSchema(t *testing.T) {
	var keys []string
	ft := reflect.TypeFor[fileConfig]()
	for i := range ft.NumField() {
		keys = append(keys, ft.Field(i).Tag.Get("toml"))
	}
	var names []string
	for i := range options {
		names = append(names, options[i].name)
	}
	if !slices.Equal(keys, names) {
		t.Errorf("fileConfig keys %v, options %v: want the same, in the same order", keys, names)
	}
}

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Rate
		str  string
	}{
		{"off", Rate{}, "off"},
		{"0", Rate{}, "off"},
		{"30/min", Rate{30, time.Minute}, "30/min"},
		{"30/m", Rate{30, time.Minute}, "30/min"},
		{"2/second", Rate{2, time.Second}, "2/s"},
		{"100/h", Rate{100, time.Hour}, "100/h"},
	} {
		got, err := ParseRate(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseRate(%q) = %v (%q), %v; want %v (%q)", tt.in, got, got.String(), err, tt.want, tt.str)
		}
	}
}

func TestSizes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"1", 1}, {"1B", 1}, {"10 KiB", 10 << 10}, {"10kb", 10_000}, {"512MiB", 512 << 20}, {"2GB", 2e9}, {"1gib", 1 << 30},
	} {
		if got, err := parseSize(tt.in); err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for n, want := range map[int64]string{512 << 20: "512MiB", 1 << 30: "1GiB", 1536: "1536", 3 << 10: "3KiB", 1000: "1000"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
