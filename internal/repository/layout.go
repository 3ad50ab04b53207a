package repository

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/balcentral/balcentral/internal/manifest"
)

// Names in the Ballerina home directory and in repository directories. They
// are the reference implementation's (ProjectConstants, the Central client's
// Utils), so that this toolchain and the Java one share ~/.ballerina.
const (
	RepositoriesDirName  = "repositories"         // <home>/repositories
	LocalRepositoryName  = "local"                // <home>/repositories/local
	DefaultCentralHost   = "central.ballerina.io" // <home>/repositories/central.ballerina.io
	BalaDirName          = "bala"                 // <repository>/bala/<org>/<name>/<version>/<platform>
	CacheDirPrefix       = "cache-"               // <repository>/cache-<short distribution version>
	LocalToolsFileName   = "local-tools.json"     // <home>/repositories/local/bala/local-tools.json
	DeprecatedFileName   = "deprecated.txt"       // in an extracted bala: the deprecation message
	NightlyBuildFileName = "nightly.build"        // in an extracted bala pulled by a nightly distribution
	DistributionRepoDir  = "repo"                 // <BALLERINA_HOME>/repo
	DistributionCacheDir = "cache"                // <BALLERINA_HOME>/repo/cache
	defaultCentralAPI    = "api.central.ballerina.io"
)

// Layout locates the files of the Ballerina home directory (~/.ballerina, or
// $BALLERINA_HOME_DIR):
//
//	<home>/Settings.toml
//	<home>/repositories/local/bala/<org>/<name>/<version>/<platform>/
//	<home>/repositories/local/bala/local-tools.json
//	<home>/repositories/local/cache-<short version>/<org>/<name>/<version>/...
//	<home>/repositories/central.ballerina.io/bala/<org>/<name>/<version>/<platform>/
//	<home>/repositories/central.ballerina.io/cache-<short version>/...
//	<home>/repositories/<host>/bala/...            the cache of another registry (see CentralCacheDir)
//	<home>/repositories/<repository id>/bala/...   a custom repository from Settings.toml
//
// The methods only join paths; they create nothing. BalaDir and CacheDir
// join their arguments as given: callers pass organization and package names
// and versions they have validated (FileSystem does).
type Layout struct {
	Home string
}

// DefaultLayout returns the layout of the Ballerina home directory chosen by
// [manifest.HomeDir]: $BALLERINA_HOME_DIR, else ~/.ballerina.
func DefaultLayout(getenv func(string) string, userHome func() (string, error)) (Layout, error) {
	home, err := manifest.HomeDir(getenv, userHome)
	if err != nil {
		return Layout{}, err
	}
	return Layout{Home: home}, nil
}

// RepositoriesDir returns <home>/repositories.
func (l Layout) RepositoriesDir() string { return filepath.Join(l.Home, RepositoriesDirName) }

// LocalDir returns the local repository, <home>/repositories/local.
func (l Layout) LocalDir() string { return filepath.Join(l.RepositoriesDir(), LocalRepositoryName) }

// LocalBalaDir returns <home>/repositories/local/bala.
func (l Layout) LocalBalaDir() string { return filepath.Join(l.LocalDir(), BalaDirName) }

// LocalToolsFile returns <home>/repositories/local/bala/local-tools.json,
// the index of tools pushed to the local repository.
func (l Layout) LocalToolsFile() string { return filepath.Join(l.LocalBalaDir(), LocalToolsFileName) }

// SettingsFile returns <home>/Settings.toml.
func (l Layout) SettingsFile() string { return filepath.Join(l.Home, manifest.SettingsFileName) }

// CentralCacheDir returns the directory caching the packages pulled from the
// registry at host.
//
// The default registry, host "" or "central.ballerina.io" or its API host
// "api.central.ballerina.io", is cached where the reference implementation
// caches it: <home>/repositories/central.ballerina.io. Another registry gets
// its own directory named after its host, <home>/repositories/<host>, with
// the host lower-cased and a port appended after "_" instead of ":" (a colon
// is not allowed in Windows file names, and "_" cannot occur in a host name):
// "localhost:9090" is cached in repositories/localhost_9090. Keeping
// registries apart means a package pulled from a private or test registry
// never stands in for a Central package of the same name and version. (The
// reference implementation caches every Central, staging and dev included,
// in central.ballerina.io.)
//
// The host must be a DNS name or an IPv4 address, optionally with a port;
// "local", which would be the local repository, is refused, and so is
// anything that is not a single safe path element. A custom repository id
// of Settings.toml equal to a registry host would share its directory; ids
// are user-chosen names and hosts contain dots, so this needs a deliberate
// choice.
func (l Layout) CentralCacheDir(host string) (string, error) {
	dir, err := hostDirName(host)
	if err != nil {
		return "", err
	}
	return filepath.Join(l.RepositoriesDir(), dir), nil
}

// RepositoryDir returns <home>/repositories/<id>, the directory of the
// custom repository with the given Settings.toml id. The id must be a
// non-empty name of ASCII letters, digits, '.', '_' and '-' that does not
// start with '.'.
func (l Layout) RepositoryDir(id string) (string, error) {
	if !isSafeName(id) {
		return "", fmt.Errorf("invalid repository id %q", id)
	}
	return filepath.Join(l.RepositoriesDir(), id), nil
}

// BalaDir returns <repoDir>/bala/<org>/<name>/<version>/<platform>, where
// an extracted bala lives.
func (Layout) BalaDir(repoDir, org, name, version, platform string) string {
	return filepath.Join(repoDir, BalaDirName, org, name, version, platform)
}

// CacheDir returns <repoDir>/cache-<shortDistVersion>, the compilation
// cache (BIR and jar files) the given distribution keeps for a repository,
// e.g. cache-2201.13.0.
func (Layout) CacheDir(repoDir, shortDistVersion string) string {
	return filepath.Join(repoDir, CacheDirPrefix+shortDistVersion)
}

// DistributionLayout locates the repository bundled with a Ballerina
// distribution installed at BallerinaHome:
//
//	<BALLERINA_HOME>/repo/bala/<org>/<name>/<version>/<platform>/
//	<BALLERINA_HOME>/repo/cache/...
type DistributionLayout struct {
	BallerinaHome string
}

// RepoDir returns <BALLERINA_HOME>/repo.
func (d DistributionLayout) RepoDir() string {
	return filepath.Join(d.BallerinaHome, DistributionRepoDir)
}

// BalaDir returns <BALLERINA_HOME>/repo/bala.
func (d DistributionLayout) BalaDir() string { return filepath.Join(d.RepoDir(), BalaDirName) }

// CacheDir returns <BALLERINA_HOME>/repo/cache.
func (d DistributionLayout) CacheDir() string {
	return filepath.Join(d.RepoDir(), DistributionCacheDir)
}

// errBadHost is the reason hostDirName gives for a host it refuses.
var errBadHost = errors.New("not a host name")

// hostDirName maps a registry host to its cache directory name (see
// Layout.CentralCacheDir).
func hostDirName(host string) (string, error) {
	h := strings.ToLower(host)
	if h == "" || h == DefaultCentralHost || h == defaultCentralAPI {
		return DefaultCentralHost, nil
	}
	name, port, hasPort := strings.Cut(h, ":")
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return "", fmt.Errorf("registry host %q: invalid port", host)
		}
	}
	if !isHostName(name) || name == LocalRepositoryName {
		return "", fmt.Errorf("registry host %q: %w", host, errBadHost)
	}
	if name == DefaultCentralHost || name == defaultCentralAPI {
		// An explicit port on the default host is still the default registry.
		return DefaultCentralHost, nil
	}
	if hasPort {
		return name + "_" + port, nil
	}
	return name, nil
}

// isHostName reports whether s is a DNS name or dotted IPv4 address: labels
// of lower-case ASCII letters, digits and hyphens, not starting or ending
// with a hyphen, separated by single dots, at most 253 bytes.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// isSafeName reports whether s can be used as one path element without
// escaping or hiding: ASCII letters, digits, '.', '_' and '-', not starting
// with '.', at most 255 bytes.
func isSafeName(s string) bool {
	if s == "" || len(s) > 255 || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
