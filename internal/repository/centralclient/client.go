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
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultPlatforms are the JVM targets sent in Ballerina-Platform when the
// caller names none, newest first, as the current Java client sends them.
var DefaultPlatforms = []string{"java21", "java17", "java11"}

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
	// below and ProxyURL. New copies it and replaces the copy's
	// CheckRedirect so that redirects are not followed; the timeouts and
	// ProxyURL are then the HTTPClient's business.
	HTTPClient *http.Client
	// ProxyURL, if not nil, is the HTTP proxy (with user info for basic
	// authentication, which net/http sends as Proxy-Authorization); nil
	// means the environment's (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
	ProxyURL func(*http.Request) (*url.URL, error)
	// ConnectTimeout, ReadTimeout, WriteTimeout and CallTimeout as in
	// Settings.toml [central]; zero values take the defaults (60 s, and
	// no limit for CallTimeout). ConnectTimeout bounds dialing and the TLS
	// handshake; ReadTimeout and WriteTimeout are idle timeouts (no byte
	// received, or sent, for that long), so a long transfer is never cut
	// while it progresses; CallTimeout bounds a whole request, body
	// included (http.Client.Timeout).
	ConnectTimeout, ReadTimeout, WriteTimeout, CallTimeout time.Duration
	// MaxRetries is how many times a 5xx answer or a broken connection is
	// retried: 0 means never, a negative value 1 (Settings.toml's
	// default). Backoff gives the wait before retry n (1-based); nil means
	// DefaultBackoff, exponential from 200 ms with jitter.
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
	base *url.URL
	hc   *http.Client
}

// BaseURL returns the API base URL.
func (c *Client) BaseURL() string { return c.opts.BaseURL }

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
	r := &request{op: opVersions, method: http.MethodGet, url: c.packagesURL(org, name), accept: "application/json", read: true}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && strings.Contains(jsonMessage(resp.Header.Get("Content-Type"), body), msgPackageNotFound) {
		return []string{}, nil
	}
	var vs []string
	if err := c.decode(r, resp, body, &vs); err != nil {
		return nil, err
	}
	if vs == nil {
		vs = []string{}
	}
	return vs, nil
}

// Package returns the metadata of org/name:version (GET
// /packages/{org}/{name}/{version}); version "" or "*" asks for the latest.
// An unknown version is an *Error wrapping ErrNotFound.
func (c *Client) Package(ctx context.Context, org, name, version string) (*Package, error) {
	r := &request{op: opPackage, method: http.MethodGet, url: c.packagesURL(org, name, versionSegment(version)),
		accept: "application/json", read: true}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	p := new(Package)
	if err := c.decode(r, resp, body, p); err != nil {
		return nil, err
	}
	return p, nil
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

// SearchResult is the answer of a search.
type SearchResult struct {
	Packages []Package `json:"packages"`
	Count    int       `json:"count"`
}

// Search runs GET /packages/?q=<query>.
func (c *Client) Search(ctx context.Context, query string) (*SearchResult, error) {
	r := &request{op: opSearch, method: http.MethodGet, url: c.opts.BaseURL + "/packages/?q=" + url.QueryEscape(query),
		accept: "application/json", read: true}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	res := new(SearchResult)
	if err := c.decode(r, resp, body, res); err != nil {
		return nil, err
	}
	return res, nil
}

// Deprecate deprecates org/name:version (version "" or "*" for all) with
// message, or undoes the deprecation, and returns the updated Package.
func (c *Client) Deprecate(ctx context.Context, org, name, version, message string, undo bool) (*Package, error) {
	action, payload := "deprecate", []byte("{}")
	if undo {
		action = "undeprecate"
	} else {
		if message == "" {
			message = "null" // what the Java client sends without --message
		}
		payload, _ = json.Marshal(struct {
			Message string `json:"message"`
		}{message})
	}
	r := &request{op: opDeprecate, method: http.MethodPut,
		url:       c.opts.BaseURL + "/packages/" + action + "/" + pathSegment(org) + "/" + pathSegment(name) + "/" + versionSegment(version),
		platforms: c.opts.Platforms[0], accept: "application/json", contentType: "application/json; charset=utf-8",
		body: bytesBody(payload), read: true}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	p := new(Package)
	if err := c.decode(r, resp, body, p); err != nil {
		return nil, err
	}
	return p, nil
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
	type wirePackage struct {
		OrgName string  `json:"orgName"`
		Name    string  `json:"name"`
		Version *string `json:"version"`
		Mode    string  `json:"mode,omitempty"`
	}
	in := struct {
		Packages []wirePackage `json:"packages"`
	}{Packages: make([]wirePackage, 0, len(reqs))}
	for _, d := range reqs {
		in.Packages = append(in.Packages, wirePackage{OrgName: d.Org, Name: d.Name, Version: nullable(d.Version), Mode: d.Mode})
	}
	out := new(DependencyResolution)
	if err := c.postJSON(ctx, opResolveDeps, "/packages/resolve-dependencies", in, out); err != nil {
		return nil, err
	}
	return out, nil
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
	type wireRef struct {
		Org     string  `json:"org"`
		Name    string  `json:"name"`
		Version *string `json:"version"`
	}
	type wireModule struct {
		Organization     string    `json:"organization"`
		ModuleName       string    `json:"moduleName"`
		PossiblePackages []wireRef `json:"possiblePackages"`
		Mode             string    `json:"mode,omitempty"`
	}
	in := struct {
		Modules []wireModule `json:"modules"`
	}{Modules: make([]wireModule, 0, len(reqs))}
	for _, m := range reqs {
		w := wireModule{Organization: m.Org, ModuleName: m.Module, PossiblePackages: make([]wireRef, 0, len(m.PossiblePackages)), Mode: m.Mode}
		for _, p := range m.PossiblePackages {
			w.PossiblePackages = append(w.PossiblePackages, wireRef{Org: p.Org, Name: p.Name, Version: nullable(p.Version)})
		}
		in.Modules = append(in.Modules, w)
	}
	out := new(ModuleResolution)
	if err := c.postJSON(ctx, opResolveMods, "/packages/resolve-modules", in, out); err != nil {
		return nil, err
	}
	return out, nil
}
