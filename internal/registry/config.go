package registry

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/spf13/pflag"

	"github.com/balcentral/balcentral/internal/bala"
)

// Defaults of the options, as [DefaultConfig] sets them.
const (
	// DefaultAddr is loopback only, so a first run on a laptop exposes
	// nothing to the network.
	DefaultAddr            = "127.0.0.1:9090"
	DefaultDataDir         = "./central-data"
	DefaultLogLevel        = slog.LevelInfo
	DefaultLogFormat       = "text"
	DefaultShutdownTimeout = 30 * time.Second
	// DefaultMaxUploadSize is the largest content a valid .bala can hold
	// (internal/bala refuses more when it reads one), so no valid package
	// is refused by default.
	DefaultMaxUploadSize int64 = bala.MaxTotalSize
)

// DefaultRateLimit is the default of rate_limit: per token and per client
// address, for publishing, deprecating, creating tokens and failed
// authentication.
var DefaultRateLimit = Rate{Count: 30, Per: time.Minute}

// Environment variables that are not options of their own.
const (
	// EnvConfig names the TOML configuration file, like --config.
	EnvConfig = "CENTRAL_CONFIG"
	// EnvBootstrapToken is the first administrator token, used instead of
	// a generated one when the server starts on a data directory without
	// an administrator. It can be set only in the environment: flags show
	// in process listings and files get copied.
	EnvBootstrapToken = "CENTRAL_BOOTSTRAP_TOKEN"
)

// Limits on CENTRAL_BOOTSTRAP_TOKEN. They are deliberately loose: the token
// format belongs to the accounts code, which may check more; these only
// catch a value that cannot be a token at all (a typo, an unset variable
// expanded to a word, a pasted line with spaces).
const (
	MinBootstrapTokenLength = 16
	MaxBootstrapTokenLength = 256
)

// Config is the configuration of a central server.
//
// Every field but BootstrapToken and ConfigFile is an option that can be set
// by a flag, an environment variable and a key of the configuration file,
// as the options table in this file (and `central --help`) lists. A flag
// beats the environment, which beats the file, which beats the default.
type Config struct {
	// Addr is the host:port to listen on; port 0 picks a free port.
	Addr string
	// DataDir holds the metadata database (central.db) and the blobs
	// (blobs/). It is created with mode 0700 if missing.
	DataDir string
	// PublicURL is the absolute http(s) base URL clients reach the server
	// by, without a trailing slash, used in Location headers and links.
	// Empty means: derived from each request.
	PublicURL string
	// LogLevel is the lowest level logged.
	LogLevel slog.Level
	// LogFormat is "text" or "json" (log/slog's handlers).
	LogFormat string
	// MaxUploadSize is the largest package archive a push may send, in
	// bytes; it is also the blob store's maximum blob size.
	MaxUploadSize int64
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after a stop signal before they are cut off.
	ShutdownTimeout time.Duration
	// RateLimit limits publishing, deprecating and token creation per
	// token and per client address, each on a budget of its own, and
	// failed authentication per client address; the zero Rate means
	// unlimited. The client address is the TCP peer's, so behind a reverse
	// proxy all clients share one.
	RateLimit Rate
	// ReadRateLimit limits every other API request (reads and the other
	// management writes) per client address, on one budget; the zero Rate
	// means unlimited. /healthz and /metrics are never limited.
	ReadRateLimit Rate
	// Signup lets visitors of the web UI create accounts with a password
	// (/signup). Off by default: a private registry's administrators
	// create the accounts. Accounts of OIDC providers are not affected.
	Signup bool
	// OIDCProviders are the providers people can sign in to the web UI
	// with, from the configuration file's [oidc_providers.<name>] tables,
	// ordered by name.
	OIDCProviders []OIDCProvider

	// Database is the metadata database: empty for the SQLite database in
	// DataDir, else a PostgreSQL connection string (see storage.go).
	Database string
	// BlobStore is where package archives are kept: BlobStoreFiles (the
	// blobs/ directory of DataDir) or BlobStoreS3 (the bucket S3 names).
	BlobStore string
	// S3 is the bucket of BlobStoreS3.
	S3 S3Config
	// RedirectDownloads makes pulls of public versions by anonymous
	// clients redirect straight to a presigned URL of the object store
	// instead of streaming through the registry (BlobStoreS3 only; see
	// central_pull.go).
	RedirectDownloads bool

	// BootstrapToken is CENTRAL_BOOTSTRAP_TOKEN: the first administrator's
	// token, or empty to have one generated. Environment only.
	BootstrapToken string
	// ConfigFile is the configuration file that was read, or empty.
	ConfigFile string
}

// DefaultConfig returns the configuration of a server started without any
// option.
func DefaultConfig() Config {
	return Config{
		Addr:            DefaultAddr,
		DataDir:         DefaultDataDir,
		LogLevel:        DefaultLogLevel,
		LogFormat:       DefaultLogFormat,
		MaxUploadSize:   DefaultMaxUploadSize,
		ShutdownTimeout: DefaultShutdownTimeout,
		RateLimit:       DefaultRateLimit,
	}
}

// option is one configuration option. Its configuration file key is name,
// its flag "--" + name with dashes, its environment variable "CENTRAL_" +
// name in capitals.
type option struct {
	name string
	// arg is the placeholder of the value in the help.
	arg string
	// def is the default as the help shows it.
	def string
	// help says what the option does; the help text wraps it.
	help string
	// set parses a value into c. Its error says what is wrong with the
	// value without repeating it.
	set func(c *Config, v string) error
}

func (o *option) flag() string { return strings.ReplaceAll(o.name, "_", "-") }
func (o *option) env() string  { return "CENTRAL_" + strings.ToUpper(o.name) }

// options lists every option in the order the help shows them. A new
// option needs a line here and a field in fileConfig.
var options = []option{
	{
		name: "addr", arg: "host:port", def: DefaultAddr,
		help: `Address to listen on. An empty host listens on every interface; port 0 picks a free port, which the "listening on" line then shows.`,
		set:  func(c *Config, v string) (err error) { c.Addr, err = parseAddr(v); return err },
	},
	{
		name: "data", arg: "dir", def: DefaultDataDir,
		help: `Data directory: the metadata database (central.db) and the package archives (blobs/). Created with mode 0700 if missing; the server refuses to start if it cannot write there. A relative path in the configuration file is relative to the file's directory.`,
		set: func(c *Config, v string) error {
			if v == "" {
				return errors.New("must not be empty")
			}
			c.DataDir = v
			return nil
		},
	},
	{
		name: "public_url", arg: "url", def: "derived from each request",
		help: `Absolute http:// or https:// URL clients reach this server by (behind a reverse proxy, the proxy's URL, path prefix included). Used in Location headers and links.`,
		set:  func(c *Config, v string) (err error) { c.PublicURL, err = parsePublicURL(v); return err },
	},
	{
		name: "log_level", arg: "level", def: "info",
		help: `Lowest level of the logs on stderr: debug, info, warn or error.`,
		set:  func(c *Config, v string) (err error) { c.LogLevel, err = parseLogLevel(v); return err },
	},
	{
		name: "log_format", arg: "format", def: DefaultLogFormat,
		help: `Format of the logs on stderr: text (key=value) or json (one object per line).`,
		set: func(c *Config, v string) error {
			switch v {
			case "text", "json":
				c.LogFormat = v
				return nil
			}
			return errors.New("want text or json")
		},
	},
	{
		name: "max_upload_size", arg: "size", def: formatSize(DefaultMaxUploadSize),
		help: `Largest package archive a push may upload: a number of bytes, optionally with a unit (B, KB, MB, GB, KiB, MiB, GiB), such as 100MiB.`,
		set:  func(c *Config, v string) (err error) { c.MaxUploadSize, err = parseSize(v); return err },
	},
	{
		name: "shutdown_timeout", arg: "duration", def: DefaultShutdownTimeout.String(),
		help: `How long requests in flight at SIGINT or SIGTERM may take to finish before they are cut off, such as 30s or 2m.`,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("want a positive duration such as 30s or 2m")
			}
			c.ShutdownTimeout = d
			return nil
		},
	},
	{
		name: "rate_limit", arg: "rate", def: DefaultRateLimit.String(),
		help: `Requests per token and per client address for publishing, for deprecating and for creating tokens (each counted apart), and failed authentications per client address, as <n>/s, <n>/min or <n>/h, or off; over it, clients get 429 with Retry-After. Behind a reverse proxy all clients share its address.`,
		set:  func(c *Config, v string) (err error) { c.RateLimit, err = ParseRate(v); return err },
	},
	{
		name: "read_rate_limit", arg: "rate", def: Rate{}.String(),
		help: `Requests per client address for every other API request (reads, and management writes other than creating tokens), in the same form; off means unlimited. /healthz and /metrics are never limited.`,
		set:  func(c *Config, v string) (err error) { c.ReadRateLimit, err = ParseRate(v); return err },
	},
	{
		name: "signup", arg: "bool", def: "false",
		help: `Whether visitors of the web UI may create accounts with a password at /signup: true or false. Off, only administrators create accounts (central user create, POST /api/v1/users). Accounts that OIDC providers sign in are created on their first sign-in either way.`,
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("want true or false")
			}
			c.Signup = b
			return nil
		},
	},
	{
		name: "database", arg: "dsn", def: "SQLite in the data directory",
		help: `Metadata database: empty for the embedded SQLite database in the data directory (central.db), or a PostgreSQL connection string, postgres://user@host:5432/central?sslmode=verify-full or key=value pairs, for a database that several replicas share. Keep the password out of files and flags: use PGPASSWORD, a ~/.pgpass file or this variable. central never migrates a PostgreSQL schema on start: run central migrate first, and after every upgrade.`,
		set:  func(c *Config, v string) (err error) { c.Database, err = parseDatabase(v); return err },
	},
	{
		name: "blob_store", arg: "kind", def: BlobStoreFiles,
		help: `Where package archives are kept: files (blobs/ in the data directory) or s3 (a bucket of an S3-compatible object store, given by the s3_ options). The s3 credentials come from CENTRAL_S3_ACCESS_KEY and CENTRAL_S3_SECRET_KEY, else from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else from the instance's IAM role.`,
		set: func(c *Config, v string) error {
			switch v {
			case BlobStoreFiles, BlobStoreS3:
				c.BlobStore = v
				return nil
			}
			return errors.New("want files or s3")
		},
	},
	{
		name: "s3_endpoint", arg: "url", def: "none",
		help: `URL of the S3 service, scheme, host and port only, such as https://s3.eu-west-1.amazonaws.com or http://minio.internal:9000; https unless the store is on a trusted network.`,
		set:  func(c *Config, v string) (err error) { c.S3.Endpoint, err = parseS3Endpoint(v); return err },
	},
	{
		name: "s3_region", arg: "region", def: "us-east-1",
		help: `Region of the bucket; most S3-compatible stores accept the default.`,
		set:  func(c *Config, v string) error { c.S3.Region = v; return nil },
	},
	{
		name: "s3_bucket", arg: "name", def: "none",
		help: `Bucket of the package archives. It must exist: central does not create it.`,
		set: func(c *Config, v string) error {
			if v == "" || strings.ContainsAny(v, "/ ") {
				return errors.New("want a bucket name, without slashes or spaces")
			}
			c.S3.Bucket = v
			return nil
		},
	},
	{
		name: "s3_prefix", arg: "prefix", def: "none",
		help: `Prefix of every object key, such as central/, so that the registry can share a bucket.`,
		set: func(c *Config, v string) error {
			if strings.HasPrefix(v, "/") {
				return errors.New("must not start with a slash")
			}
			c.S3.Prefix = v
			return nil
		},
	},
	{
		name: "s3_addressing", arg: "style", def: "auto",
		help: `How requests name the bucket: path (http://host/bucket/key; MinIO and most self-hosted stores), virtual-host (http://bucket.host/key; Amazon S3's buckets) or auto (virtual-host for Amazon S3 and Google Cloud Storage endpoints, path for the others).`,
		set: func(c *Config, v string) error {
			switch v {
			case "auto":
				c.S3.Addressing = ""
			case "path", "virtual-host":
				c.S3.Addressing = v
			default:
				return errors.New("want auto, path or virtual-host")
			}
			return nil
		},
	},
	{
		name: "redirect_downloads", arg: "bool", def: "false",
		help: `With blob_store s3: whether a pull of a public version by a client without credentials is redirected straight to the object store (a presigned URL valid 15 minutes) instead of streamed through central. Clients with a token are always streamed: they resend their Authorization header to the download URL, which object stores refuse next to a presigned signature.`,
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("want true or false")
			}
			c.RedirectDownloads = b
			return nil
		},
	},
}

// configFlag is the flag naming the configuration file.
const configFlag = "config"

// addConfigFlags defines the flags of `central serve` on fs. They have no
// defaults of their own: whether a flag was given decides the precedence,
// and the defaults live in DefaultConfig.
func addConfigFlags(fs *pflag.FlagSet) {
	fs.String(configFlag, "", "TOML configuration file")
	for i := range options {
		o := &options[i]
		fs.String(o.flag(), "", o.help)
	}
}

// LoadConfig builds the configuration of `central serve` from its
// command-line arguments, the environment (getenv, where an empty value
// counts as unset) and the configuration file named by --config or
// CENTRAL_CONFIG (read with readFile). It does no other I/O. All problems
// are reported at once, one per line; a bad argument is a [*UsageError].
func LoadConfig(args []string, getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	fs := pflag.NewFlagSet("central", pflag.ContinueOnError)
	fs.SetOutput(discard{})
	fs.SortFlags = false
	addConfigFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Config{}, &UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return Config{}, &UsageError{Err: fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return configFromFlags(fs, getenv, readFile)
}

// discard swallows pflag's own error printing; errors are returned.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// configFromFlags is LoadConfig after the arguments are parsed into fs
// (which `central` does through cobra).
func configFromFlags(fs *pflag.FlagSet, getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	cfg := DefaultConfig()
	var errs []error

	var file map[string]fileValue
	if path, err := configPath(fs, getenv); err != nil {
		errs = append(errs, err)
	} else if path != "" {
		cfg.ConfigFile = path
		data, err := readFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("cannot read the configuration file: %w", err)
		}
		var providers map[string]oidcProviderFile
		if file, providers, err = parseConfigFile(path, data); err != nil {
			return Config{}, err
		}
		if cfg.OIDCProviders, err = oidcProvidersFromFile(path, providers, getenv); err != nil {
			errs = append(errs, err)
		}
	}

	for i := range options {
		o := &options[i]
		var v string
		var where func(v string, err error) error
		if f := fs.Lookup(o.flag()); f != nil && f.Changed {
			v = f.Value.String()
			where = func(v string, err error) error { return fmt.Errorf("invalid --%s %q: %w", o.flag(), v, err) }
		} else if e := getenv(o.env()); e != "" {
			v = e
			where = func(v string, err error) error { return fmt.Errorf("invalid %s %q: %w", o.env(), v, err) }
		} else if fv, ok := file[o.name]; ok {
			v = fv.value
			where = func(v string, err error) error {
				return fmt.Errorf("%s:%d: invalid %s %q: %w", cfg.ConfigFile, fv.line, o.name, v, err)
			}
			if o.name == "data" && v != "" && !filepath.IsAbs(v) {
				v = filepath.Join(filepath.Dir(cfg.ConfigFile), v)
			}
		} else {
			continue
		}
		if err := o.set(&cfg, v); err != nil {
			errs = append(errs, where(redactURL(v), err))
		}
	}

	if err := s3CredentialsFromEnv(&cfg, getenv); err != nil {
		errs = append(errs, err)
	}
	if tok := getenv(EnvBootstrapToken); tok != "" {
		if err := checkBootstrapToken(tok); err != nil {
			errs = append(errs, fmt.Errorf("invalid %s: %w", EnvBootstrapToken, err))
		} else {
			cfg.BootstrapToken = tok
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// configPath returns the configuration file to read: --config, else
// CENTRAL_CONFIG, else none.
func configPath(fs *pflag.FlagSet, getenv func(string) string) (string, error) {
	if f := fs.Lookup(configFlag); f != nil && f.Changed {
		if f.Value.String() == "" {
			return "", errors.New("invalid --config \"\": want a file name")
		}
		return f.Value.String(), nil
	}
	return getenv(EnvConfig), nil
}

// UsageError is a malformed command line: an unknown flag or command, a
// missing flag value, a stray argument.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// --- the configuration file ---

// fileConfig is the configuration file's schema: one field per option,
// tagged with its key. Strings stay strings so that every source goes
// through the same parser; max_upload_size may also be an integer.
type fileConfig struct {
	Addr              *string `toml:"addr"`
	Data              *string `toml:"data"`
	PublicURL         *string `toml:"public_url"`
	LogLevel          *string `toml:"log_level"`
	LogFormat         *string `toml:"log_format"`
	MaxUploadSize     any     `toml:"max_upload_size"`
	ShutdownTimeout   *string `toml:"shutdown_timeout"`
	RateLimit         *string `toml:"rate_limit"`
	ReadRateLimit     *string `toml:"read_rate_limit"`
	Signup            any     `toml:"signup"`
	Database          *string `toml:"database"`
	BlobStore         *string `toml:"blob_store"`
	S3Endpoint        *string `toml:"s3_endpoint"`
	S3Region          *string `toml:"s3_region"`
	S3Bucket          *string `toml:"s3_bucket"`
	S3Prefix          *string `toml:"s3_prefix"`
	S3Addressing      *string `toml:"s3_addressing"`
	RedirectDownloads any     `toml:"redirect_downloads"`
}

// fileDocument is the whole configuration file: the options at the top
// level, and the tables that are not options.
type fileDocument struct {
	fileConfig
	OIDCProviders map[string]oidcProviderFile `toml:"oidc_providers"`
}

// fileValue is a value from the configuration file and the line of its key.
type fileValue struct {
	value string
	line  int
}

// parseConfigFile decodes a configuration file strictly: a syntax error, a
// value of the wrong type and a key that is not an option are errors that
// carry name:line:column. It returns the options' values and the OIDC
// provider tables.
func parseConfigFile(name string, data []byte) (map[string]fileValue, map[string]oidcProviderFile, error) {
	var doc fileDocument
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fileError(name, err)
	}
	fc := doc.fileConfig
	lines := keyLines(data)
	vals := map[string]fileValue{}
	var errs []error
	rv := reflect.ValueOf(fc)
	for i := range rv.NumField() {
		key := rv.Type().Field(i).Tag.Get("toml")
		fv := rv.Field(i)
		if fv.IsNil() {
			continue
		}
		var s string
		switch v := fv.Elem().Interface().(type) {
		case string:
			s = v
		case int64:
			s = strconv.FormatInt(v, 10)
		case bool:
			if !isBoolOption(key) {
				errs = append(errs, fmt.Errorf("%s:%d: invalid %s: want a string or an integer, not a boolean", name, lines[key], key))
				continue
			}
			s = strconv.FormatBool(v)
		default:
			errs = append(errs, fmt.Errorf("%s:%d: invalid %s: want a string or an integer, not %s", name, lines[key], key, tomlTypeName(v)))
			continue
		}
		vals[key] = fileValue{value: s, line: lines[key]}
	}
	return vals, doc.OIDCProviders, errors.Join(errs...)
}

// isBoolOption reports whether the option called name is a boolean, which
// the configuration file may give as a TOML boolean.
func isBoolOption(name string) bool {
	for i := range options {
		if options[i].name == name {
			return options[i].arg == "bool"
		}
	}
	return false
}

// fileError turns go-toml's errors into name:line:column messages in our
// words.
func fileError(name string, err error) error {
	var missing *toml.StrictMissingError
	if errors.As(err, &missing) {
		var errs []error
		for _, e := range missing.Errors {
			row, col := e.Position()
			key := strings.Join(e.Key(), ".")
			switch {
			case key == "bootstrap_token":
				errs = append(errs, fmt.Errorf("%s:%d:%d: bootstrap_token cannot be set in a file; use the environment variable %s", name, row, col, EnvBootstrapToken))
			case s3SecretEnv[key] != "":
				errs = append(errs, fmt.Errorf("%s:%d:%d: %s cannot be set in a file; use the environment variable %s", name, row, col, key, s3SecretEnv[key]))
			case len(e.Key()) == 3 && e.Key()[0] == oidcProvidersKey && e.Key()[2] == "client_secret":
				errs = append(errs, fmt.Errorf("%s:%d:%d: %s cannot be set in a file; use the environment variable %s", name, row, col, key, oidcSecretEnv(e.Key()[1])))
			case len(e.Key()) > 1 && e.Key()[0] == oidcProvidersKey:
				errs = append(errs, fmt.Errorf("%s:%d:%d: unknown key %q (an OIDC provider has %s)", name, row, col, key, oidcProviderKeys))
			case suggestKey(key) != "":
				errs = append(errs, fmt.Errorf("%s:%d:%d: unknown key %q (did you mean %q?)", name, row, col, key, suggestKey(key)))
			default:
				errs = append(errs, fmt.Errorf("%s:%d:%d: unknown key %q", name, row, col, key))
			}
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		// "cannot decode TOML integer into struct field registry.fileConfig.Addr of type string"
		if rest, ok := strings.CutPrefix(msg, "cannot decode TOML "); ok && len(de.Key()) > 0 {
			typ, _, _ := strings.Cut(rest, " ")
			msg = fmt.Sprintf("invalid %s: want a string, not %s", strings.Join(de.Key(), "."), article(typ))
		}
		return fmt.Errorf("%s:%d:%d: %s", name, row, col, msg)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// keyLines returns the line of each top-level key of a TOML document that
// has already been decoded without error.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.KeyValue {
			continue
		}
		it := e.Key()
		if !it.Next() {
			continue
		}
		k := it.Node()
		lines[string(k.Data)] = 1 + bytes.Count(data[:min(int(k.Raw.Offset), len(data))], []byte("\n"))
	}
	return lines
}

func tomlTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case float64:
		return "a float"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}

func article(typ string) string {
	if typ != "" && strings.ContainsRune("aeiou", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}

// keyAliases are names people reach for instead of an option's key.
var keyAliases = map[string]string{
	"address": "addr", "adress": "addr", "listen": "addr", "listen_address": "addr", "bind": "addr",
	"data_dir": "data", "datadir": "data", "data_directory": "data", "dir": "data",
	"url": "public_url", "base_url": "public_url", "external_url": "public_url",
	"level": "log_level", "format": "log_format",
}

// suggestKey returns the option key an unknown key probably meant, or "".
func suggestKey(key string) string {
	norm := strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	norm = strings.TrimPrefix(norm, "central_")
	if k, ok := keyAliases[norm]; ok {
		return k
	}
	best, bestDist := "", 3
	for i := range options {
		if d := editDistance(norm, options[i].name); d < bestDist {
			best, bestDist = options[i].name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// --- value parsers ---

func parseAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			return "", fmt.Errorf("%s (want host:port, such as %s)", ae.Err, DefaultAddr)
		}
		return "", err
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || port != strconv.FormatUint(n, 10) {
		return "", fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && !isHostname(host) {
		return "", fmt.Errorf("host %q is neither an IP address nor a host name", host)
	}
	return v, nil
}

// isHostname reports whether s is a syntactically valid DNS host name.
func isHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// parsePublicURL checks an absolute http(s) base URL and returns it without
// a trailing slash.
func parsePublicURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", err
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https" || u.Opaque != "":
		return "", errors.New("want an absolute http:// or https:// URL")
	case u.Host == "" || u.Hostname() == "":
		return "", errors.New("no host")
	case u.User != nil:
		return "", errors.New("must not contain a user name or password")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", errors.New("must not have a query or a fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
			return "", fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u.String(), nil
}

// redactURL hides the password of a URL-like value quoted in an error,
// and that of a database connection string (redactDSN).
func redactURL(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			v = u.Redacted()
		}
	}
	return redactDSN(v)
}

func parseLogLevel(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, errors.New("want debug, info, warn or error")
}

// sizeUnits are the units parseSize accepts, longest suffix first.
var sizeUnits = []struct {
	suffix string
	bytes  int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"b", 1},
}

// parseSize parses a positive number of bytes with an optional unit.
func parseSize(v string) (int64, error) {
	errSize := errors.New("want a positive number of bytes, optionally with a unit (B, KB, MB, GB, KiB, MiB, GiB), such as 100MiB")
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.bytes
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, errSize
	}
	if n > (1<<63-1)/mult {
		return 0, errors.New("too large")
	}
	return n * mult, nil
}

// formatSize writes n in the largest binary unit that divides it.
func formatSize(n int64) string {
	for _, u := range []struct {
		name  string
		bytes int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.bytes && n%u.bytes == 0 {
			return strconv.FormatInt(n/u.bytes, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

// Rate is a request rate limit: at most Count requests per Per. The zero
// Rate means unlimited.
type Rate struct {
	Count int
	Per   time.Duration
}

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.Count == 0 }

// String returns r as ParseRate reads it: "30/min", or "off".
func (r Rate) String() string {
	if r.Unlimited() {
		return "off"
	}
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "min", time.Hour: "h"}[r.Per]
	if unit == "" {
		return fmt.Sprintf("%d/%s", r.Count, r.Per)
	}
	return fmt.Sprintf("%d/%s", r.Count, unit)
}

// rateUnits are the time units ParseRate accepts after the slash.
var rateUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "second": time.Second,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute,
	"h": time.Hour, "hour": time.Hour,
}

// ParseRate parses "<n>/<unit>" (unit s, min or h; such as 30/min) or
// "off" (also "0"), which means unlimited.
func ParseRate(v string) (Rate, error) {
	if v == "off" || v == "0" {
		return Rate{}, nil
	}
	count, unit, ok := strings.Cut(v, "/")
	n, err := strconv.Atoi(count)
	per, known := rateUnits[unit]
	if !ok || err != nil || n <= 0 || !known {
		return Rate{}, errors.New("want <n>/s, <n>/min or <n>/h (such as 30/min), or off")
	}
	return Rate{Count: n, Per: per}, nil
}

// checkBootstrapToken checks CENTRAL_BOOTSTRAP_TOKEN loosely. Its errors
// never quote the value, which is a secret.
func checkBootstrapToken(tok string) error {
	n := utf8.RuneCountInString(tok)
	if n < MinBootstrapTokenLength || n > MaxBootstrapTokenLength {
		return fmt.Errorf("want %d to %d characters, got %d", MinBootstrapTokenLength, MaxBootstrapTokenLength, n)
	}
	if i := strings.IndexFunc(tok, func(r rune) bool { return r <= ' ' || r > '~' }); i >= 0 {
		return fmt.Errorf("want printable ASCII characters without spaces; character %d is not", utf8.RuneCountInString(tok[:i])+1)
	}
	return nil
}

// --- OIDC providers ---

// OIDCProvider is a provider people can sign in to the web UI with, from a
// [oidc_providers.<name>] table of the configuration file.
type OIDCProvider struct {
	// Name is the table's name: 1 to 32 lowercase letters, digits and
	// '-'. It is part of the provider's URLs (/auth/oidc/<name>/login and
	// /callback) and of the user names of the accounts it signs in
	// (<name>:<subject>), so it must not change once people use it.
	Name string
	// Type is OIDCGeneric (any OpenID Connect issuer, found by
	// discovery), OIDCGoogle (the same with Google's issuer) or
	// OIDCGitHub (GitHub's OAuth apps, which are not OpenID Connect).
	Type string
	// DisplayName labels the sign-in button: "Sign in with <DisplayName>".
	DisplayName string
	// Issuer is the OpenID Connect issuer URL; for GitHub, the web site's
	// base URL (https://github.com, or a GitHub Enterprise Server's).
	Issuer string
	// APIURL is GitHub's REST API base URL (https://api.github.com, or
	// https://<host>/api/v3); unused by the other types.
	APIURL string
	// ClientID and ClientSecret identify the registry to the provider.
	// The secret comes from the environment only (oidcSecretEnv).
	ClientID     string
	ClientSecret string
	// Scopes are the scopes asked for.
	Scopes []string
	// EmailDomains, when not empty, admits only people whose verified
	// email address is in one of these domains.
	EmailDomains []string
}

// The OIDC provider types.
const (
	OIDCGeneric = "oidc"
	OIDCGoogle  = "google"
	OIDCGitHub  = "github"
)

// oidcProvidersKey is the configuration file's table of OIDC providers.
const oidcProvidersKey = "oidc_providers"

// oidcProviderKeys lists the keys of a provider table, for error messages.
const oidcProviderKeys = "type, display_name, issuer, api_url, client_id, scopes and email_domains; the client secret comes from the environment"

// oidcProviderFile is a [oidc_providers.<name>] table.
type oidcProviderFile struct {
	Type         string   `toml:"type"`
	DisplayName  string   `toml:"display_name"`
	Issuer       string   `toml:"issuer"`
	APIURL       string   `toml:"api_url"`
	ClientID     string   `toml:"client_id"`
	Scopes       []string `toml:"scopes"`
	EmailDomains []string `toml:"email_domains"`
}

// oidcSecretEnv is the environment variable holding the client secret of
// the provider called name: CENTRAL_OIDC_<NAME>_CLIENT_SECRET, with '-'
// as '_'.
func oidcSecretEnv(name string) string {
	return "CENTRAL_OIDC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_CLIENT_SECRET"
}

// Provider presets.
const (
	googleIssuer       = "https://accounts.google.com"
	gitHubWebURL       = "https://github.com"
	gitHubAPIURL       = "https://api.github.com"
	maxOIDCProviderLen = 32
)

// oidcProvidersFromFile checks the provider tables of the configuration
// file and completes them with their defaults and secrets. Every problem is
// reported, each naming the table.
func oidcProvidersFromFile(file string, tables map[string]oidcProviderFile, getenv func(string) string) ([]OIDCProvider, error) {
	var (
		list []OIDCProvider
		errs []error
	)
	for name, t := range tables {
		where := fmt.Sprintf("%s: [%s.%s]", file, oidcProvidersKey, name)
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
		}
		if !validProviderName(name) {
			bad("invalid provider name: use 1 to %d lowercase letters, digits and '-'", maxOIDCProviderLen)
			continue
		}
		p := OIDCProvider{
			Name: name, Type: t.Type, DisplayName: t.DisplayName, Issuer: t.Issuer, APIURL: t.APIURL,
			ClientID: t.ClientID, ClientSecret: getenv(oidcSecretEnv(name)), Scopes: t.Scopes, EmailDomains: t.EmailDomains,
		}
		if p.Type == "" {
			p.Type = OIDCGeneric
		}
		switch p.Type {
		case OIDCGeneric:
			if p.Issuer == "" {
				bad("issuer is required: the OpenID Connect issuer URL, such as https://login.microsoftonline.com/<tenant-id>/v2.0")
			}
		case OIDCGoogle:
			p.Issuer = cmp.Or(p.Issuer, googleIssuer)
			p.DisplayName = cmp.Or(p.DisplayName, "Google")
		case OIDCGitHub:
			p.Issuer = cmp.Or(p.Issuer, gitHubWebURL)
			p.APIURL = cmp.Or(p.APIURL, gitHubAPIURL)
			p.DisplayName = cmp.Or(p.DisplayName, "GitHub")
		default:
			bad("invalid type %q: want %s, %s or %s", p.Type, OIDCGeneric, OIDCGoogle, OIDCGitHub)
			continue
		}
		if p.APIURL != "" && p.Type != OIDCGitHub {
			bad("api_url is for type = %q only", OIDCGitHub)
		}
		for _, u := range []struct{ key, v string }{{"issuer", p.Issuer}, {"api_url", p.APIURL}} {
			if u.v == "" {
				continue
			}
			if err := checkProviderURL(u.v); err != nil {
				bad("invalid %s %q: %v", u.key, u.v, err)
			}
		}
		p.Issuer = strings.TrimSuffix(p.Issuer, "/")
		p.APIURL = strings.TrimSuffix(p.APIURL, "/")
		p.DisplayName = cmp.Or(p.DisplayName, name)
		if p.ClientID == "" {
			bad("client_id is required: the client ID the provider gave this registry")
		}
		if p.ClientSecret == "" {
			bad("the client secret is missing: set the environment variable %s", oidcSecretEnv(name))
		}
		if p.Scopes == nil {
			switch p.Type {
			case OIDCGitHub:
				p.Scopes = []string{"read:user"}
			default:
				p.Scopes = []string{"openid", "email", "profile"}
			}
		}
		if p.Type != OIDCGitHub && !slices.Contains(p.Scopes, "openid") {
			p.Scopes = append([]string{"openid"}, p.Scopes...)
		}
		if p.Type == OIDCGitHub && len(p.EmailDomains) > 0 && !slices.Contains(p.Scopes, "user:email") {
			// Checking the domain needs the verified addresses.
			p.Scopes = append(p.Scopes, "user:email")
		}
		for i, d := range p.EmailDomains {
			d = strings.ToLower(strings.TrimPrefix(d, "@"))
			if !isHostname(d) || !strings.Contains(d, ".") {
				bad("invalid email domain %q: want a domain such as example.com", p.EmailDomains[i])
			}
			p.EmailDomains[i] = d
		}
		list = append(list, p)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b OIDCProvider) int { return strings.Compare(a.Name, b.Name) })
	return list, nil
}

// validProviderName reports whether name may name an OIDC provider.
func validProviderName(name string) bool {
	if name == "" || len(name) > maxOIDCProviderLen {
		return false
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkProviderURL accepts an https URL without query or fragment, and
// http for loopback hosts only (a provider on the same machine, tests):
// the provider's answers decide who signs in, so they must not cross a
// network in clear.
func checkProviderURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("want an absolute https:// URL without a query")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsLoopback() || u.Hostname() == "localhost" {
			return nil
		}
	}
	return errors.New("want an https:// URL (http:// only for localhost)")
}
