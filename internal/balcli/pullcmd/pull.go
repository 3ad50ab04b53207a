// Package pullcmd implements `bal pull <org>/<name>[:<version>]`, which
// downloads a package and its dependencies from the registry into the
// Central cache of the Ballerina home directory.
//
// The registry is Ballerina Central, or the one [central] url of
// Settings.toml or $BALLERINA_CENTRAL_URL names. Packages land where the
// reference CLI keeps them, <home>/repositories/central.ballerina.io/bala/
// <org>/<name>/<version>/<platform>/, or for another registry under
// <home>/repositories/<host>/ (repository.Layout.CentralCacheDir), so that
// a package of a test or private registry never stands in for Central's.
//
// Without a version the newest the registry lists is pulled. Output on
// stdout, as upstream:
//
//	myorg/hello:0.1.0 pulled from central successfully
//	WARNING [hello] myorg/hello:0.1.0 is deprecated: use hello2
//
// with a progress bar on stderr while downloading when stderr is a
// terminal. Then the dependencies recorded in the package's
// dependency-graph.json are pulled, in parallel, at their exact versions,
// except built-in packages (ballerina/lang.*, ballerinai/*, ...) and those
// already in the cache; each gets its own "pulled" line, in graph order.
//
// Errors (stderr, exit status 1): the argument errors of the reference
// CLI with its usage line; "package already exists in the home
// repository: <path>" when the version is cached; "package not found:
// <org>/<name>" when the registry does not have it or does not show it to
// this user; the registry's refusals of the token in upstream's words plus
// where the token came from.
package pullcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
	"github.com/balcentral/balcentral/internal/version"
)

// Usage is the reference CLI's usage line for argument errors.
const Usage = "bal pull {<org-name>/<package-name> | <org-name>/<package-name>:<version>}"

// maxParallel bounds the dependency downloads running at once.
const maxParallel = 8

// Client is what bal pull needs of the registry client
// (*centralclient.Client).
type Client interface {
	Versions(ctx context.Context, org, name string) ([]string, error)
	Pull(ctx context.Context, req centralclient.PullRequest) (*centralclient.PullResult, error)
	BaseURL() string
	Host() string
}

// Options holds the dependencies and arguments of one `bal pull`.
type Options struct {
	IO      *iostreams.IOStreams
	HomeDir func() (string, error)
	// Settings loads Settings.toml with the environment applied
	// (cmdenv.Env.CentralSettings).
	Settings func() (*manifest.Settings, []project.Diagnostic, error)
	// NewClient returns the registry client for the settings.
	NewClient func(*manifest.Settings) (Client, error)
	// Unauthorized words a 401 (cmdenv.Env.UnauthorizedError).
	Unauthorized func(org string, cerr *centralclient.Error) error

	// Org, Name and Version are the parsed argument; Version "" for the
	// latest.
	Org, Name, Version string
	// Repository is --repository, "" for the registry.
	Repository string
}

// NewCmdPull returns the `bal pull` command. When runF is not nil it is
// called with the parsed options instead of pulling.
func NewCmdPull(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{
		IO:           env.IO,
		HomeDir:      env.HomeDir,
		Settings:     env.CentralSettings,
		NewClient:    func(s *manifest.Settings) (Client, error) { return env.CentralClient(s) },
		Unauthorized: env.UnauthorizedError,
	}
	cmd := &cobra.Command{
		Use:   "pull <org-name>/<package-name>[:<version>]",
		Short: "Download a package from Ballerina Central",
		Long: `Download a package and its dependencies from Ballerina Central, or from
the registry named by [central] url in Settings.toml or by
$BALLERINA_CENTRAL_URL, into the cache of the Ballerina home directory
(~/.ballerina, or $BALLERINA_HOME_DIR):

    repositories/central.ballerina.io/bala/<org>/<name>/<version>/<platform>/

A registry other than Central is cached apart, under
repositories/<host>/ (a port is written after '_': localhost_9090).

Without a version, the newest version the registry lists is pulled.
Builds then find the package in the cache, also with --offline.

Each download is checked against the sha-256 digest the registry sends;
a package that fails the check, or a download that breaks off, leaves
nothing in the cache. A version that is already cached is not pulled
again. A deprecated version is pulled with a warning.

Private packages can be pulled only with an access token of a member of
their organization ([central] accesstoken in Settings.toml, or
$BALLERINA_CENTRAL_ACCESS_TOKEN); to anyone else they do not exist.`,
		Example: `# Pull the latest version of a package
$ bal pull ballerina/io

# Pull a given version
$ bal pull ballerina/io:1.6.0

# Pull from a self-hosted registry
$ BALLERINA_CENTRAL_URL=https://central.example.com/2.0/registry bal pull myorg/hello`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return &cmdenv.UsageError{Err: errors.New("no package given"), Usage: Usage}
			case len(args) > 1:
				return &cmdenv.UsageError{Err: errors.New("too many arguments"), Usage: Usage}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			org, name, ver, err := cmdenv.ParsePackage(args[0])
			if err != nil {
				return &cmdenv.UsageError{Err: err, Usage: Usage}
			}
			opts.Org, opts.Name, opts.Version = org, name, ver
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Repository, "repository", "", "Pull from this repository of Settings.toml instead of the registry.\nNot supported yet.")
	helptext.SetPlaceholder(cmd.Flags(), "repository", "repository-id")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	settings, warnings, err := opts.Settings()
	project.WriteDiagnostics(opts.IO.ErrOut, warnings)
	if err != nil {
		return project.WriteFileErrors(opts.IO.ErrOut, err)
	}
	if opts.Repository != "" {
		if _, ok := settings.Repository(opts.Repository); !ok {
			return fmt.Errorf("unsupported repository '%s' found. Only repositories mentioned in the Settings.toml are supported.", opts.Repository)
		}
		return fmt.Errorf("pulling from the repository '%s' of Settings.toml is not supported yet", opts.Repository)
	}
	home, err := opts.HomeDir()
	if err != nil {
		return err
	}
	client, err := opts.NewClient(settings)
	if err != nil {
		return err
	}
	repoDir, err := repository.Layout{Home: home}.CentralCacheDir(client.Host())
	if err != nil {
		return err
	}
	p := &puller{opts: opts, client: client, repoDir: repoDir, remote: remoteName(client)}

	ver := opts.Version
	if ver == "" {
		if ver, err = p.latest(ctx, opts.Org, opts.Name); err != nil {
			return err
		}
	}
	res, err := p.pull(ctx, opts.Org, opts.Name, ver, true)
	if err != nil {
		return err
	}
	p.report(opts.IO.Out, opts.Org, opts.Name, res)
	return p.pullDependencies(ctx, opts.Org, opts.Name, res)
}

// puller pulls packages from one registry into one cache.
type puller struct {
	opts    *Options
	client  Client
	repoDir string
	remote  string // the registry's name in progress bars
}

// latest returns the newest version of org/name the registry lists.
func (p *puller) latest(ctx context.Context, org, name string) (string, error) {
	versions, err := p.client.Versions(ctx, org, name)
	if err != nil {
		return "", p.pullError(org, name, "*", err)
	}
	var best version.Version
	found := false
	for _, s := range versions {
		v, err := version.Parse(s)
		if err != nil {
			continue
		}
		if !found || v.GreaterThan(best) {
			best, found = v, true
		}
	}
	if !found {
		return "", fmt.Errorf("package not found: %s/%s", org, name)
	}
	return best.String(), nil
}

// pull pulls org/name:ver, with a progress bar when bar is set.
func (p *puller) pull(ctx context.Context, org, name, ver string, bar bool) (*centralclient.PullResult, error) {
	req := centralclient.PullRequest{Org: org, Name: name, Version: ver, RepoDir: p.repoDir}
	done := func() {}
	if bar {
		task := fmt.Sprintf("%s/%s:%s [%s ->%s] ", org, name, ver, p.remote,
			filepath.Join(p.repoDir, repository.BalaDirName, org, name, ver))
		req.Progress, done = cmdenv.Progress(p.opts.IO, task)
	}
	res, err := p.client.Pull(ctx, req)
	done()
	if err != nil {
		return res, p.pullError(org, name, ver, err)
	}
	return res, nil
}

// report prints the outcome of a pull.
func (p *puller) report(w io.Writer, org, name string, res *centralclient.PullResult) {
	fmt.Fprintf(w, "%s/%s:%s pulled from central successfully\n", org, name, res.Version)
	if res.Deprecated {
		fmt.Fprintf(w, "WARNING [%s] %s/%s:%s is deprecated: %s\n", name, org, name, res.Version, res.DeprecationMessage)
	}
}

// pullError words a failed pull of org/name:ver.
func (p *puller) pullError(org, name, ver string, err error) error {
	sig := org + "/" + name + ":" + ver
	if errors.Is(err, centralclient.ErrExists) {
		var ce *centralclient.Error
		if errors.As(err, &ce) && ce.Message != "" {
			return errors.New(ce.Message)
		}
		return fmt.Errorf("package already exists in the home repository: %s",
			filepath.Join(p.repoDir, repository.BalaDirName, org, name, ver))
	}
	var ce *centralclient.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("failed to pull the package: '%s' from the remote repository '%s'. reason: %v", sig, p.client.BaseURL(), err)
	}
	switch {
	case errors.Is(err, centralclient.ErrUnauthorized):
		return p.opts.Unauthorized(org, ce)
	case errors.Is(err, centralclient.ErrNotFound), ce.Status == 404, ce.Status == 400:
		return fmt.Errorf("package not found: %s/%s", org, name)
	case errors.Is(err, centralclient.ErrDigestMismatch):
		reason := ce.Message
		if reason == "" {
			reason = "the downloaded package does not have the digest the registry announced"
		}
		return fmt.Errorf("failed to pull the package: '%s' from the remote repository '%s'. reason: %s; nothing was written to the cache, try again",
			sig, p.client.BaseURL(), reason)
	case errors.Is(err, centralclient.ErrConnection):
		reason := "connection failed"
		if ce.Cause != nil {
			reason = ce.Cause.Error()
		}
		return fmt.Errorf("failed to pull the package: '%s' from the remote repository '%s'. reason: %s", sig, p.client.BaseURL(), reason)
	case ce.Message != "":
		return fmt.Errorf("failed to pull the package: '%s' from the remote repository '%s'. reason: %s", sig, p.client.BaseURL(), ce.Message)
	case ce.Cause != nil:
		return fmt.Errorf("failed to pull the package: '%s' from the remote repository '%s'. reason: %v", sig, p.client.BaseURL(), ce.Cause)
	}
	return fmt.Errorf("failed to pull the package: '%s' from the remote repository '%s'.", sig, p.client.BaseURL())
}

// dependency is a package to pull after the one asked for.
type dependency struct {
	org, name, version string
	res                *centralclient.PullResult
	err                error
}

// pullDependencies pulls the packages of the dependency graph of the
// package pulled into res.Dir that are neither built in nor cached, in
// parallel, and reports them in graph order.
func (p *puller) pullDependencies(ctx context.Context, org, name string, res *centralclient.PullResult) error {
	deps, err := p.dependencies(org, name, res)
	if err != nil {
		return err
	}
	if len(deps) == 0 {
		return nil
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallel)
	for _, d := range deps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d.res, d.err = p.pull(ctx, d.org, d.name, d.version, false)
		}()
	}
	wg.Wait()
	var failed []string
	for _, d := range deps {
		switch {
		case d.err == nil:
			p.report(p.opts.IO.Out, d.org, d.name, d.res)
		case errors.Is(d.err, centralclient.ErrExists):
			// Pulled by someone else meanwhile.
		default:
			failed = append(failed, "\t"+d.err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("failed to pull the dependencies of %s/%s:%s:\n%s",
			org, name, res.Version, strings.Join(failed, "\n"))
	}
	return nil
}

// dependencies lists the packages to pull for the package in res.Dir.
func (p *puller) dependencies(org, name string, res *centralclient.PullResult) ([]*dependency, error) {
	file := filepath.Join(res.Dir, bala.DependencyGraphJSONFile)
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // an old archive: nothing recorded
	}
	if err != nil {
		return nil, err
	}
	g, err := bala.ReadDependencyGraphJSON(file, data)
	if err != nil {
		return nil, fmt.Errorf("cannot read the dependencies of %s/%s:%s: %w", org, name, res.Version, err)
	}
	seen := map[string]bool{}
	var deps []*dependency
	for _, gp := range g.Packages {
		key := gp.Org + "/" + gp.Name + ":" + gp.Version
		if seen[key] || (gp.Org == org && gp.Name == name) || repository.IsBuiltIn(gp.Org, gp.Name) {
			continue
		}
		seen[key] = true
		if p.cached(gp.Org, gp.Name, gp.Version) {
			continue
		}
		deps = append(deps, &dependency{org: gp.Org, name: gp.Name, version: gp.Version})
	}
	return deps, nil
}

// cached reports whether the cache holds a platform of org/name:ver.
func (p *puller) cached(org, name, ver string) bool {
	entries, err := os.ReadDir(filepath.Join(p.repoDir, repository.BalaDirName, org, name, ver))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() {
			return true
		}
	}
	return false
}

// remoteName is the registry's name in progress bars: central.ballerina.io
// for Central, else its host.
func remoteName(c Client) string {
	if dir, err := (repository.Layout{}).CentralCacheDir(c.Host()); err == nil && filepath.Base(dir) == repository.DefaultCentralHost {
		return repository.DefaultCentralHost
	}
	return c.Host()
}
