// Package centralclient is the client of the Ballerina Central REST API
// (../shared/reference/central-api.md): what `bal` sends to Ballerina
// Central or to any compatible registry such as balcentral's `central`.
//
// A [Client] is made from Settings.toml ([FromSettings]) or from [Options].
// It sends the headers the Java client sends (Ballerina-Platform,
// User-Agent = the distribution version, Authorization when a token is
// configured), does not follow redirects by itself (the pull's 302 is part
// of the protocol), retries 5xx answers and connection resets with
// backoff, and reports failures as *[Error] values that keep the status
// and the server's message, so that the commands can print the upstream
// texts.
//
// [Client.Pull] installs a package into a repository directory the way the
// Java client does, but safely: it downloads into a temporary directory
// next to the target, verifies the sha-256 digest (numerically: the server
// may drop leading zeros), extracts with internal/bala's checks, and
// renames the result into place. A digest mismatch, a truncated download
// or a broken archive is an error and leaves nothing behind.
package centralclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/balcentral/balcentral/internal/manifest"
)

// DefaultPlatforms are the JVM targets sent in Ballerina-Platform when the
// caller names none, newest first, as the current Java client sends them.
var DefaultPlatforms = []string{"java21", "java17", "java11"}

// Errors wrapped by *Error and the other failures of the client; test with
// errors.Is.
var (
	// ErrNotFound: the registry does not have the package or version (a
	// 404 whose message says so).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the registry refused the token (401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrExists: Pull found the version already in the repository
	// directory; Push was told the version already exists.
	ErrExists = errors.New("already exists")
	// ErrDigestMismatch: the downloaded bytes do not have the digest the
	// registry announced.
	ErrDigestMismatch = errors.New("digest mismatch")
	// ErrConnection: the registry could not be reached or the connection
	// broke (after the retries). Builds fall back to the cache on it.
	ErrConnection = errors.New("cannot connect to the registry")
)

// Error is a failed API call: the HTTP status and the server's
// {"message": …}, if the body was JSON.
type Error struct {
	Op      string // "versions", "package", "pull", "push", "search", "deprecate", "resolve-dependencies", "resolve-modules", "download"
	URL     string // the request URL
	Status  int    // HTTP status; 0 for a connection failure
	Message string // the JSON body's message; "" when there was none
	Err     error  // ErrNotFound, ErrUnauthorized, ErrExists, ErrConnection, or nil
}

func (e *Error) Error() string { panic("unimplemented") }

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// Options configure a Client.
type Options struct {
	// BaseURL is the registry's API base, ending in /2.0/registry, without
	// a trailing slash (manifest.Settings Central.URL).
	BaseURL string
	// Token is the access token; "" sends no Authorization header.
	Token string
	// Distribution is the short distribution version sent as User-Agent,
	// e.g. "2201.13.0".
	Distribution string
	// Platforms are sent in Ballerina-Platform, comma-joined;
	// nil means DefaultPlatforms.
	Platforms []string
	// HTTPClient sends the requests; nil builds one with the timeouts
	// below and ProxyURL. Its CheckRedirect is replaced so that redirects
	// are not followed.
	HTTPClient *http.Client
	// ProxyURL, if not nil, is the HTTP proxy (with user info for basic
	// authentication).
	ProxyURL func(*http.Request) (*url.URL, error)
	// ConnectTimeout, ReadTimeout, WriteTimeout and CallTimeout as in
	// Settings.toml [central]; zero values take the defaults.
	ConnectTimeout, ReadTimeout, WriteTimeout, CallTimeout time.Duration
	// MaxRetries is how many times a 5xx answer or a broken connection is
	// retried; Backoff gives the wait before retry n (1-based); nil means
	// exponential from 200 ms with jitter.
	MaxRetries int
	Backoff    func(n int) time.Duration
	// Verbose, if not nil, receives curl-like traces
	// (CENTRAL_VERBOSE_ENABLED=true), with the token masked.
	Verbose io.Writer
	// Retrying, if not nil, is told of each retry, for the
	// "* Retrying …" lines.
	Retrying func(url string, status int, attempt int, err error)
}

// Client talks to one registry. It is safe for concurrent use.
type Client struct {
	opts Options
}

// New returns a Client for opts.
func New(opts Options) (*Client, error) { panic("unimplemented") }

// FromSettings returns a Client for the registry, token, timeouts, retries
// and proxy of Settings.toml (as loaded by manifest.LoadSettings, which
// applies BALLERINA_CENTRAL_ACCESS_TOKEN and BALLERINA_CENTRAL_URL), sending
// distribution as User-Agent.
func FromSettings(s *manifest.Settings, distribution string) (*Client, error) {
	panic("unimplemented")
}

// BaseURL returns the API base URL.
func (c *Client) BaseURL() string { return c.opts.BaseURL }

// Host returns the host of the base URL, e.g. "api.central.ballerina.io"
// or "127.0.0.1:9090": the cache directory of a non-default registry is
// named after it (repository.Layout.CentralCacheDir).
func (c *Client) Host() string { panic("unimplemented") }

// Package is the Central API's Package object (central-api.md §5), with the
// fields bal uses.
type Package struct {
	Organization       string   `json:"organization"`
	Name               string   `json:"name"`
	Version            string   `json:"version"`
	Platform           string   `json:"platform"`
	IsDeprecated       bool     `json:"isDeprecated"`
	DeprecateMessage   string   `json:"deprecateMessage"`
	URL                string   `json:"URL"`
	BalaURL            string   `json:"balaURL"`
	Readme             string   `json:"readme"`
	Summary            string   `json:"summary"`
	Authors            []string `json:"authors"`
	Keywords           []string `json:"keywords"`
	Licenses           []string `json:"licenses"`
	SourceCodeLocation string   `json:"sourceCodeLocation"`
	BallerinaVersion   string   `json:"ballerinaVersion"`
	CreatedDate        int64    `json:"createdDate"` // epoch milliseconds
	Visibility         string   `json:"visibility"`
	Modules            []Module `json:"modules"`
}

// Module is a module of a Package.
type Module struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// Versions lists the versions of org/name (GET /packages/{org}/{name}). A
// package the registry does not know gives an empty list, as the Java
// client does.
func (c *Client) Versions(ctx context.Context, org, name string) ([]string, error) {
	panic("unimplemented")
}

// Package returns the metadata of org/name:version (GET
// /packages/{org}/{name}/{version}); version "" or "*" asks for the latest.
// An unknown version is an *Error wrapping ErrNotFound.
func (c *Client) Package(ctx context.Context, org, name, version string) (*Package, error) {
	panic("unimplemented")
}

// Progress reports transfer progress: done bytes of total (-1 if unknown).
type Progress func(done, total int64)

// PullRequest is what to pull and where to.
type PullRequest struct {
	Org, Name string
	Version   string // "" or "*" for the latest
	// RepoDir is the repository root: the package lands in
	// <RepoDir>/bala/<org>/<name>/<version>/<platform>/ (extracted), e.g.
	// <home>/repositories/central.ballerina.io.
	RepoDir string
	// Progress, if not nil, is called as the download advances.
	Progress Progress
}

// PullResult is what Pull installed.
type PullResult struct {
	Version, Platform  string
	Dir                string // the extracted package directory
	Deprecated         bool
	DeprecationMessage string
}

// Pull downloads a package with the 302 protocol (central-api.md §7) and
// installs it into req.RepoDir atomically. When the version directory
// already holds the platform, Pull updates deprecated.txt and returns the
// result with an error wrapping ErrExists.
func (c *Client) Pull(ctx context.Context, req PullRequest) (*PullResult, error) {
	panic("unimplemented")
}

// Push uploads a bala (POST /packages, multipart part "bala-file", as the
// Java client). The caller has made the pre-check (Package → ErrNotFound).
func (c *Client) Push(ctx context.Context, balaPath string, progress Progress) error {
	panic("unimplemented")
}

// SearchResult is the answer of a search.
type SearchResult struct {
	Packages []Package `json:"packages"`
	Count    int       `json:"count"`
}

// Search runs GET /packages/?q=<query>.
func (c *Client) Search(ctx context.Context, query string) (*SearchResult, error) {
	panic("unimplemented")
}

// Deprecate deprecates org/name:version (version "" or "*" for all) with
// message, or undoes the deprecation, and returns the updated Package.
func (c *Client) Deprecate(ctx context.Context, org, name, version, message string, undo bool) (*Package, error) {
	panic("unimplemented")
}

// DependencyRequest is one entry of a resolve-dependencies request.
type DependencyRequest struct {
	Org     string
	Name    string
	Version string // "" for none (sent as null)
	Mode    string // "soft", "medium" or "hard"
}

// ResolvedPackage is a resolved entry, with the package's own dependency
// graph.
type ResolvedPackage struct {
	Org              string            `json:"org"`
	Name             string            `json:"name"`
	Version          string            `json:"version"`
	DependencyGraph  []GraphDependency `json:"dependencyGraph"`
	IsDeprecated     bool              `json:"isDeprecated"`
	DeprecateMessage string            `json:"deprecateMessage"`
}

// GraphDependency is a node of a dependency graph in a resolution answer.
type GraphDependency struct {
	Org          string       `json:"org"`
	Name         string       `json:"name"`
	Version      string       `json:"version"`
	Dependencies []PackageRef `json:"dependencies"`
}

// PackageRef names a package version.
type PackageRef struct {
	Org     string `json:"org"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// UnresolvedPackage is an entry the registry could not resolve.
type UnresolvedPackage struct {
	Org     string `json:"org"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Reason  string `json:"reason"`
}

// DependencyResolution is the answer of resolve-dependencies.
type DependencyResolution struct {
	Resolved   []ResolvedPackage   `json:"resolved"`
	Unresolved []UnresolvedPackage `json:"unresolved"`
}

// ResolveDependencies runs POST /packages/resolve-dependencies.
func (c *Client) ResolveDependencies(ctx context.Context, reqs []DependencyRequest) (*DependencyResolution, error) {
	panic("unimplemented")
}

// ModuleRequest is one entry of a resolve-modules request.
type ModuleRequest struct {
	Org              string
	Module           string
	PossiblePackages []PackageRef
	Mode             string
}

// ResolvedModule maps a module to the package version providing it.
type ResolvedModule struct {
	Organization string `json:"organization"`
	ModuleName   string `json:"moduleName"`
	Version      string `json:"version"`
	PackageName  string `json:"packageName"`
}

// UnresolvedModule is a module no package provides.
type UnresolvedModule struct {
	Organization string `json:"organization"`
	ModuleName   string `json:"moduleName"`
	Reason       string `json:"reason"`
}

// ModuleResolution is the answer of resolve-modules.
type ModuleResolution struct {
	ResolvedModules   []ResolvedModule   `json:"resolvedModules"`
	UnresolvedModules []UnresolvedModule `json:"unresolvedModules"`
}

// ResolveModules runs POST /packages/resolve-modules.
func (c *Client) ResolveModules(ctx context.Context, reqs []ModuleRequest) (*ModuleResolution, error) {
	panic("unimplemented")
}
