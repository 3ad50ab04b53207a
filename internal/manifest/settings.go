package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Central registry URLs of the reference implementation.
const (
	DefaultCentralURL = "https://api.central.ballerina.io/2.0/registry"
	StagingCentralURL = "https://api.staging-central.ballerina.io/2.0/registry"
	DevCentralURL     = "https://api.dev-central.ballerina.io/2.0/registry"
)

// Defaults of [central].
const (
	DefaultTimeout    = 60 * time.Second // connectTimeout, readTimeout and writeTimeout
	DefaultMaxRetries = 1
)

// Names of the Ballerina home layout and of the environment variables read
// by [HomeDir] and [LoadSettings].
const (
	SettingsFileName = "Settings.toml"
	HomeDirName      = ".ballerina" // under the user's home directory

	EnvHomeDir            = "BALLERINA_HOME_DIR"
	EnvCentralAccessToken = "BALLERINA_CENTRAL_ACCESS_TOKEN"
	EnvStageCentral       = "BALLERINA_STAGE_CENTRAL" // "true" selects StagingCentralURL
	EnvDevCentral         = "BALLERINA_DEV_CENTRAL"   // "true" selects DevCentralURL
	// EnvCentralURL is this implementation's own: the base URL of the
	// registry to use instead of Central, such as a self-hosted one.
	EnvCentralURL = "BALLERINA_CENTRAL_URL"
)

// Settings is a parsed Settings.toml: the user's Central credentials and
// client configuration.
type Settings struct {
	Central Central
	Proxy   Proxy
	// Repositories are the [[repository.maven]], [[repository.filesystem]]
	// and [[repository.oci]] entries, in file order. Ballerina.toml refers to
	// them by ID.
	Repositories []Repository
}

// Central is [central].
type Central struct {
	// AccessToken is the token sent to the registry; "" for none.
	AccessToken string
	// URL is the registry base URL, without a trailing slash: [central] url
	// (an extension of this implementation), or DefaultCentralURL.
	URL string
	// ConnectTimeout, ReadTimeout and WriteTimeout are positive: 0 or an
	// absent key means DefaultTimeout. CallTimeout 0 means no limit.
	ConnectTimeout, ReadTimeout, WriteTimeout, CallTimeout time.Duration
	// MaxRetries is how many times a request failing with a 5xx status is
	// retried; an absent or negative value means DefaultMaxRetries.
	MaxRetries int
}

// Proxy is [proxy], the HTTP proxy for registry requests.
type Proxy struct {
	Host               string
	Port               int
	Username, Password string
}

// Enabled reports whether the proxy is configured, which the reference
// implementation takes to mean a non-empty Host and a positive Port.
func (p Proxy) Enabled() bool { return p.Host != "" && p.Port > 0 }

// URL returns the proxy as an http URL with the credentials, for
// http.Transport.Proxy, or nil when the proxy is not Enabled.
func (p Proxy) URL() *url.URL {
	if !p.Enabled() {
		return nil
	}
	u := &url.URL{Scheme: "http", Host: net.JoinHostPort(p.Host, strconv.Itoa(p.Port))}
	switch {
	case p.Password != "":
		u.User = url.UserPassword(p.Username, p.Password)
	case p.Username != "":
		u.User = url.User(p.Username)
	}
	return u
}

// Repository kinds.
const (
	RepositoryMaven      = "maven"
	RepositoryFilesystem = "filesystem"
	RepositoryOCI        = "oci"
)

// Repository is a custom package repository.
type Repository struct {
	Kind         string // RepositoryMaven, RepositoryFilesystem or RepositoryOCI
	ID           string
	URL          string
	Path         string
	Username     string
	AccessToken  string // the password, for maven
	ProxyCentral bool   // this repository mirrors Central
	Pos          Pos
}

// DefaultSettings returns the settings used when there is no Settings.toml.
func DefaultSettings() *Settings {
	return &Settings{Central: Central{
		URL:            DefaultCentralURL,
		ConnectTimeout: DefaultTimeout,
		ReadTimeout:    DefaultTimeout,
		WriteTimeout:   DefaultTimeout,
		MaxRetries:     DefaultMaxRetries,
	}}
}

// Repository returns the repository with the given id.
func (s *Settings) Repository(id string) (Repository, bool) {
	for _, r := range s.Repositories {
		if r.ID == id {
			return r, true
		}
	}
	return Repository{}, false
}

// CentralProxy returns the repository configured to proxy Central, if any.
func (s *Settings) CentralProxy() (Repository, bool) {
	for _, r := range s.Repositories {
		if r.ProxyCentral {
			return r, true
		}
	}
	return Repository{}, false
}

// Messages for Settings.toml.
const (
	stProxyCentralTwice = "Multiple repositories cannot be configured to proxy Ballerina central."
	// This implementation's own messages.
	stDuplicateID = "duplicate repository id '%s': already defined at %s"
	stBadURL      = "invalid 'url' under [central]: 'url' must be an absolute http or https URL"
	stOutOfRange  = "invalid '%s' under [%s]: value %d is out of range"
)

// ParseSettings parses and validates the Settings.toml in data. It does no
// I/O; filename is used only in diagnostics. Keys are checked against the
// reference settings schema and the newer keys its parser reads (maxRetries,
// [[repository.filesystem]], [[repository.oci]], path, proxyCentral), plus
// this implementation's [central] url. All problems are returned, in file
// order. On a TOML syntax error the result is nil; otherwise it is usable,
// with defaults in place of missing or invalid values.
//
// ParseSettings does not look at the environment; [LoadSettings] does.
func ParseSettings(filename string, data []byte) (*Settings, Diagnostics) {
	d := &diagnoser{file: filename}
	root, err := parseTree(data)
	if err != nil {
		d.mfSyntaxError(err)
		return nil, d.diags
	}
	s := DefaultSettings()
	stProxy(d, root, &s.Proxy)
	stCentral(d, root, &s.Central)
	s.Repositories = stRepositories(d, root)
	mfSortDiagnostics(d.diags)
	return s, d.diags
}

func stProxy(d *diagnoser, root *Table, p *Proxy) {
	t, ok := d.tableAt(root, "proxy", "proxy")
	if !ok {
		return
	}
	p.Host, _, _ = d.stringAt(t, "host", "proxy.host")
	if n, pos, ok := d.intAt(t, "port", "proxy.port"); ok {
		if n < 0 || n > 65535 {
			d.errorf(pos, "proxy.port", stOutOfRange, "port", "proxy", n)
		} else {
			p.Port = int(n)
		}
	}
	p.Username, _, _ = d.stringAt(t, "username", "proxy.username")
	p.Password, _, _ = d.stringAt(t, "password", "proxy.password")
}

func stCentral(d *diagnoser, root *Table, c *Central) {
	t, ok := d.tableAt(root, "central", "central")
	if !ok {
		return
	}
	c.AccessToken, _, _ = d.stringAt(t, "accesstoken", "central.accesstoken")
	if s, pos, ok := d.stringAt(t, "url", "central.url"); ok {
		if u, ok := stCheckURL(s); ok {
			c.URL = u
		} else {
			d.errorf(pos, "central.url", stBadURL)
		}
	}
	for _, o := range []struct {
		key string
		dst *time.Duration
		def time.Duration
	}{
		{"connectTimeout", &c.ConnectTimeout, DefaultTimeout},
		{"readTimeout", &c.ReadTimeout, DefaultTimeout},
		{"writeTimeout", &c.WriteTimeout, DefaultTimeout},
		{"callTimeout", &c.CallTimeout, 0},
	} {
		n, pos, ok := d.intAt(t, o.key, "central."+o.key)
		switch {
		case !ok:
		case n < 0 || n > math.MaxInt32:
			d.errorf(pos, "central."+o.key, stOutOfRange, o.key, "central", n)
		case n == 0:
			*o.dst = o.def
		default:
			*o.dst = time.Duration(n) * time.Second
		}
	}
	// maxRetries is newer than the schema: a value of the wrong type is
	// ignored upstream and only warned about here.
	if v, ok := d.mfSoftLookup(t, "maxRetries", "central.maxRetries", KindInteger); ok {
		switch {
		case v.Int > math.MaxInt32 || v.Int < math.MinInt32:
			d.errorf(v.Pos, "central.maxRetries", stOutOfRange, "maxRetries", "central", v.Int)
		case v.Int < 0:
			c.MaxRetries = DefaultMaxRetries
		default:
			c.MaxRetries = int(v.Int)
		}
	}
}

// stCheckURL accepts an absolute http or https URL with a host and returns
// it without trailing slashes.
func stCheckURL(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	return strings.TrimRight(s, "/"), true
}

func stRepositories(d *diagnoser, root *Table) []Repository {
	t, ok := d.tableAt(root, "repository", "repository")
	if !ok {
		return nil
	}
	var repos []Repository
	idPos := map[string]Pos{}
	proxyCentral := false
	for _, e := range t.Entries {
		kind := e.Key
		if kind != RepositoryMaven && kind != RepositoryFilesystem && kind != RepositoryOCI {
			continue // allowed by the schema, unused
		}
		f := "repository." + kind
		// Only maven is in the schema (with additionalProperties false); path
		// and proxyCentral are read by the newer parser for every kind.
		schema := kind == RepositoryMaven
		items := d.mfTableItems(t, kind, f)
		if schema {
			for _, it := range items {
				d.mfUnsupportedKeys(it.t, []string{"id", "url", "username", "accesstoken", "path", "proxyCentral"}, kind, it.field)
			}
		}
		for _, it := range items {
			r := Repository{Kind: kind, Pos: it.t.Pos}
			str := func(key string) (string, Pos) {
				if schema && key != "path" {
					s, pos, _ := d.stringAt(it.t, key, it.field+"."+key)
					return s, pos
				}
				if v, ok := d.mfSoftLookup(it.t, key, it.field+"."+key, KindString); ok {
					return v.Str, v.Pos
				}
				return "", Pos{}
			}
			var pos Pos
			r.ID, pos = str("id")
			r.URL, _ = str("url")
			r.Username, _ = str("username")
			r.AccessToken, _ = str("accesstoken")
			r.Path, _ = str("path")
			if v, ok := d.mfSoftLookup(it.t, "proxyCentral", it.field+".proxyCentral", KindBool); ok && v.Bool {
				if proxyCentral {
					d.errorf(v.Pos, it.field+".proxyCentral", stProxyCentralTwice)
				}
				proxyCentral = true
				r.ProxyCentral = true
			}
			if r.ID != "" {
				if first, dup := idPos[r.ID]; dup {
					d.errorf(pos, it.field+".id", stDuplicateID, r.ID, first)
				} else {
					idPos[r.ID] = pos
				}
			}
			repos = append(repos, r)
		}
	}
	return repos
}

// HomeDir returns the Ballerina home directory: $BALLERINA_HOME_DIR when set
// and not empty, else .ballerina under the user's home directory, made
// absolute. It creates nothing.
func HomeDir(getenv func(string) string, userHome func() (string, error)) (string, error) {
	dir := getenv(EnvHomeDir)
	if dir == "" {
		home, err := userHome()
		if err != nil {
			return "", fmt.Errorf("unable to get user home directory: %w", err)
		}
		if home == "" {
			return "", errors.New("unable to get user home directory")
		}
		dir = filepath.Join(home, HomeDirName)
	}
	return filepath.Abs(dir)
}

// LoadSettings reads <home>/Settings.toml (a missing file gives
// [DefaultSettings]) and applies the environment, looked up with lookupEnv
// (os.LookupEnv in production):
//
//   - BALLERINA_CENTRAL_ACCESS_TOKEN, when set, replaces [central]
//     accesstoken, even when set to "" (as upstream, which tests for null).
//   - The registry URL is BALLERINA_CENTRAL_URL when set and not empty (this
//     implementation's own variable), else StagingCentralURL when
//     BALLERINA_STAGE_CENTRAL is "true" (any case), else DevCentralURL when
//     BALLERINA_DEV_CENTRAL is, else [central] url, else DefaultCentralURL.
//     Upstream's two variables are tested in that order.
//
// Problems in the file are returned as diagnostics, with the full path as
// File; when the file has a syntax error the settings are nil. The error is
// for a file that cannot be read and for an invalid BALLERINA_CENTRAL_URL.
func LoadSettings(home string, lookupEnv func(string) (string, bool)) (*Settings, Diagnostics, error) {
	path := filepath.Join(home, SettingsFileName)
	data, err := os.ReadFile(path)
	var (
		s     *Settings
		diags Diagnostics
	)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s = DefaultSettings()
	case err != nil:
		return nil, nil, err
	default:
		s, diags = ParseSettings(path, data)
		if s == nil {
			return nil, diags, nil
		}
	}
	if err := stApplyEnv(s, lookupEnv); err != nil {
		return nil, diags, err
	}
	return s, diags, nil
}

func stApplyEnv(s *Settings, lookupEnv func(string) (string, bool)) error {
	if tok, ok := lookupEnv(EnvCentralAccessToken); ok {
		s.Central.AccessToken = tok
	}
	isTrue := func(name string) bool {
		v, _ := lookupEnv(name)
		return strings.EqualFold(v, "true")
	}
	switch v, _ := lookupEnv(EnvCentralURL); {
	case v != "":
		u, ok := stCheckURL(v)
		if !ok {
			return fmt.Errorf("invalid %s %q: must be an absolute http or https URL", EnvCentralURL, v)
		}
		s.Central.URL = u
	case isTrue(EnvStageCentral):
		s.Central.URL = StagingCentralURL
	case isTrue(EnvDevCentral):
		s.Central.URL = DevCentralURL
	}
	return nil
}
