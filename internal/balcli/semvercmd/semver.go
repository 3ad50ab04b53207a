// Package semvercmd implements `bal semver`, which compares the public API
// of the package in a directory with a version published to the registry
// and says which version the changes call for (internal/apidiff).
//
// The released version compared against is the -c/--compare-version
// value, or else the closest compatible published one: the highest
// version the registry lists that is not above the local version, or,
// when every published version is above it, the highest (with a warning).
// That version is read from the Central cache of the Ballerina home
// directory, and pulled into it first when it is not there (as `bal pull`
// does, without the dependencies).
//
// Output, as the reference tool's, goes to stderr: with -d/--show-diff the
// diff tree under a banner, then the summary
//
//	current version: 1.0.1
//	compatibility impact (compared with the release version '1.0.0'): backward-incompatible changes detected
//	suggested version: 2.0.0
//
// With --json the diff tree is also written to stdout in the reference's
// JSON form ("No Changes" when nothing changed).
//
// Exit status: 0 when the local version is at least the suggested one, 3
// when it is lower (it under-states the changes; for CI gating), 1 on
// errors.
package semvercmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/apidiff"
	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
	"github.com/balcentral/balcentral/internal/syntax"
	"github.com/balcentral/balcentral/internal/version"
)

// Exit statuses of bal semver.
const (
	// ExitCompatible: the local version is at least the suggested version.
	ExitCompatible = 0
	// ExitError: the check could not be made.
	ExitError = 1
	// ExitUnderstated: the local version is lower than the suggested
	// version; the changes need a bigger version bump.
	ExitUnderstated = 3
)

// StatusError is an error that makes bal exit with Status instead of 1.
type StatusError struct {
	Status int
	Err    error
}

func (e *StatusError) Error() string   { return e.Err.Error() }
func (e *StatusError) Unwrap() error   { return e.Err }
func (e *StatusError) ExitStatus() int { return e.Status }

// Client is what bal semver needs of the registry client
// (*centralclient.Client).
type Client interface {
	Versions(ctx context.Context, org, name string) ([]string, error)
	Pull(ctx context.Context, req centralclient.PullRequest) (*centralclient.PullResult, error)
	BaseURL() string
	Host() string
}

// Options holds the dependencies and arguments of one `bal semver`.
type Options struct {
	IO       *iostreams.IOStreams
	Getwd    func() (string, error)
	UserName func() string
	HomeDir  func() (string, error)
	// Settings loads Settings.toml with the environment applied
	// (cmdenv.Env.CentralSettings).
	Settings func() (*manifest.Settings, []project.Diagnostic, error)
	// NewClient returns the registry client for the settings.
	NewClient func(*manifest.Settings) (Client, error)
	// Unauthorized words a 401 (cmdenv.Env.UnauthorizedError).
	Unauthorized func(org string, cerr *centralclient.Error) error

	// Path is <package-path> as typed, "" for the working directory.
	Path string
	// ShowDiff is -d/--show-diff; JSON is --json.
	ShowDiff, JSON bool
	// CompareVersion is -c/--compare-version, "" to pick the closest
	// compatible published version.
	CompareVersion string
}

// NewCmdSemver returns the `bal semver` command. When runF is not nil it is
// called with the parsed options instead of checking.
func NewCmdSemver(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{
		IO:           env.IO,
		Getwd:        env.Getwd,
		UserName:     env.UserName,
		HomeDir:      env.HomeDir,
		Settings:     env.CentralSettings,
		NewClient:    func(s *manifest.Settings) (Client, error) { return env.CentralClient(s) },
		Unauthorized: env.UnauthorizedError,
	}
	cmd := &cobra.Command{
		Use:   "semver [<package-path>]",
		Short: "Validate semver compliance of the current package",
		Long: `Compare the public API of the package in the current directory (or at
<package-path>) with a version released to Ballerina Central, or to the
registry named by [central] url in Settings.toml or by
$BALLERINA_CENTRAL_URL, and suggest the version the changes call for.

The released version is the one given with --compare-version, or else the
closest compatible published one: the highest version not above the
version in Ballerina.toml (or, if every published version is above it, the
highest, with a warning). It is read from the Central cache of the
Ballerina home directory and pulled into it first when missing. Versions
pushed only to the local repository are not releases and are not used.

Every module's sources (not its tests) are compared, declaration by
declaration, with the rules of the reference semver validator: removing
or renaming a public function is a backward-incompatible change (next
major version), adding one is a new feature (next minor version),
changing a body or documentation is a patch; changes whose impact cannot
be judged from the source, such as a changed parameter type, are
"ambiguous": they are listed for review and counted as major. Record and
object types are compared field by field (adding an optional field is
minor, removing one major). Validating a single .bal file is not allowed.

The result goes to stderr: with --show-diff, every change with its
impact, then the current version, the impact and the suggested version.
--json also writes the diff tree to stdout, as JSON ("No Changes" when
nothing changed).

Exit status: 0 when the version in Ballerina.toml is at least the
suggested version, 3 when it is lower (the changes need a bigger version
bump: update the version before publishing), 1 when the check could not
be made.`,
		Example: `# Compare with the closest published version
$ bal semver

# Show every change, against a given release
$ bal semver --show-diff --compare-version 1.2.0

# In CI: fail when the version in Ballerina.toml is too low
$ bal semver || echo "bump the version (exit status $?)"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdenv.UsageErrorf("too many arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.ShowDiff, "show-diff", "d", false, "Print every change with its version impact.")
	cmd.Flags().StringVarP(&opts.CompareVersion, "compare-version", "c", "", "Compare with this released version instead of the closest compatible one.")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Also write the diff tree to stdout as JSON.")
	helptext.SetPlaceholder(cmd.Flags(), "compare-version", "version")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	errOut := opts.IO.ErrOut

	// The released version, when given, is checked first.
	var release version.Version
	if opts.CompareVersion != "" {
		v, err := version.Parse(opts.CompareVersion)
		if err != nil {
			return fmt.Errorf("invalid version '%s' provided: %v", opts.CompareVersion, err)
		}
		release = v
	}

	p, local, err := loadLocal(opts)
	if err != nil {
		return err
	}

	settings, warnings, err := opts.Settings()
	project.WriteDiagnostics(errOut, warnings)
	if err != nil {
		return project.WriteFileErrors(errOut, err)
	}
	client, err := opts.NewClient(settings)
	if err != nil {
		return err
	}
	org, name := p.Org(), p.Name()
	if opts.CompareVersion == "" {
		release, err = closestRelease(ctx, opts, client, org, name, local)
		if err != nil {
			return err
		}
	}
	dir, err := releaseDir(ctx, opts, client, org, name, release)
	if err != nil {
		return err
	}
	oldPkg, err := apidiff.LoadBala(dir)
	if err != nil {
		return fmt.Errorf("failed to resolve package '%s/%s:%s' from central: %v", org, name, release, err)
	}

	d := apidiff.Compare(p.pkg, oldPkg, apidiff.Options{})
	if opts.ShowDiff {
		if err := apidiff.WriteDiffSummary(errOut, local.String(), release, d); err != nil {
			return err
		}
	}
	if err := apidiff.WriteSuggestion(errOut, local.String(), release, d); err != nil {
		return err
	}
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, d); err != nil {
			return err
		}
	}
	suggested := apidiff.Suggest(release, d)
	if understates(local, suggested) {
		return &StatusError{Status: ExitUnderstated, Err: fmt.Errorf(
			"the version in Ballerina.toml (%s) is lower than the suggested version %s: update it before publishing",
			local, suggested)}
	}
	return nil
}

// localPackage is the package checked: its manifest and its sources.
type localPackage struct {
	proj *project.Project
	pkg  *apidiff.Package
}

func (l *localPackage) Org() string  { return l.proj.Org() }
func (l *localPackage) Name() string { return l.proj.Name() }

// loadLocal loads the package at opts.Path and parses its sources in full.
// Syntax errors stop the check, as compilation errors stop the reference
// tool.
func loadLocal(opts *Options) (*localPackage, version.Version, error) {
	path, _, err := cmdenv.AbsPaths(opts.Getwd, opts.Path, "")
	if err != nil {
		return nil, version.Version{}, err
	}
	if strings.HasSuffix(path, ".bal") {
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			return nil, version.Version{}, errors.New("semver checker tool is not applicable for single file projects.")
		}
	}
	userName := ""
	if opts.UserName != nil {
		userName = opts.UserName()
	}
	proj, err := project.LoadAndReport(path, project.LoadOptions{UserName: userName}, opts.IO.ErrOut)
	if err != nil {
		var ip *project.InvalidPackagePathError
		if errors.As(err, &ip) {
			return nil, version.Version{}, fmt.Errorf("invalid project path provided for the semver tool: %v", err)
		}
		return nil, version.Version{}, err
	}
	local, err := version.Parse(proj.Version())
	if err != nil {
		return nil, version.Version{}, fmt.Errorf("invalid package version '%s' in Ballerina.toml: %v", proj.Version(), err)
	}
	src, err := syntax.LoadPackage(proj.Dir, proj.Name(), 0)
	if err != nil {
		return nil, version.Version{}, err
	}
	var errs []string
	for _, d := range src.Diagnostics {
		if d.Severity == syntax.SeverityError {
			errs = append(errs, d.Error())
		}
	}
	if len(errs) > 0 {
		return nil, version.Version{}, fmt.Errorf("semver checker execution failed due to compilation errors:\n%s",
			strings.Join(errs, "\n"))
	}
	pkg := apidiff.FromSyntax(src)
	pkg.Org, pkg.Version = proj.Org(), proj.Version()
	return &localPackage{proj: proj, pkg: pkg}, local, nil
}

// closestRelease returns the highest published version not above local,
// or the highest published version (with a warning) when all are above.
func closestRelease(ctx context.Context, opts *Options, client Client, org, name string, local version.Version) (version.Version, error) {
	listed, err := client.Versions(ctx, org, name)
	if err != nil {
		return version.Version{}, registryError(opts, client, org, name, err)
	}
	var all []version.Version
	for _, s := range listed {
		if v, err := version.Parse(s); err == nil && v.GreaterThan(version.Version{}) {
			all = append(all, v)
		}
	}
	if len(all) == 0 {
		return version.Version{}, fmt.Errorf("couldn't find any published packages in Ballerina central under the org '%s' with name '%s'", org, name)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].LessThan(all[j]) })
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].LessThanOrEqual(local) {
			return all[i], nil
		}
	}
	latest := all[len(all)-1]
	fmt.Fprintf(opts.IO.ErrOut, "WARNING: current package version is lower than all the available versions in the central. "+
		"local changes will be compared against the latest release version ('%s').\n", latest)
	return latest, nil
}

// releaseDir returns the directory of the extracted bala of
// org/name:release in the Central cache, pulling it first if needed.
func releaseDir(ctx context.Context, opts *Options, client Client, org, name string, release version.Version) (string, error) {
	home, err := opts.HomeDir()
	if err != nil {
		return "", err
	}
	layout := repository.Layout{Home: home}
	repoDir, err := layout.CentralCacheDir(client.Host())
	if err != nil {
		return "", err
	}
	if dir := cachedBala(layout, repoDir, org, name, release.String()); dir != "" {
		return dir, nil
	}
	sig := fmt.Sprintf("%s/%s:%s", org, name, release)
	fmt.Fprintf(opts.IO.ErrOut, "resolving package '%s'...\n", sig)
	req := centralclient.PullRequest{Org: org, Name: name, Version: release.String(), RepoDir: repoDir}
	var done func()
	req.Progress, done = cmdenv.Progress(opts.IO, sig+" ")
	res, err := client.Pull(ctx, req)
	done()
	if err != nil && !errors.Is(err, centralclient.ErrExists) {
		var ce *centralclient.Error
		switch {
		case errors.Is(err, centralclient.ErrUnauthorized) && errors.As(err, &ce):
			return "", opts.Unauthorized(org, ce)
		case errors.Is(err, centralclient.ErrNotFound), errors.As(err, &ce) && ce.Status == 404:
			return "", fmt.Errorf("failed to resolve package '%s' from central: the registry at %s has no version %s of %s/%s; "+
				"run 'bal semver' without --compare-version to use the closest published version", sig, client.BaseURL(), release, org, name)
		}
		return "", fmt.Errorf("failed to resolve package '%s' from central: %v", sig, err)
	}
	if dir := cachedBala(layout, repoDir, org, name, release.String()); dir != "" {
		return dir, nil
	}
	if res != nil && res.Dir != "" {
		return res.Dir, nil
	}
	return "", fmt.Errorf("failed to resolve package '%s' from central", sig)
}

// cachedBala returns the extracted bala of org/name:ver in repoDir (any
// platform; "any" preferred), "" when there is none.
func cachedBala(layout repository.Layout, repoDir, org, name, ver string) string {
	verDir := filepath.Dir(layout.BalaDir(repoDir, org, name, ver, "x"))
	entries, err := os.ReadDir(verDir)
	if err != nil {
		return ""
	}
	var found []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(verDir, e.Name())
		if fi, err := os.Stat(filepath.Join(dir, bala.PackageJSONFile)); err == nil && fi.Mode().IsRegular() {
			if e.Name() == bala.AnyPlatform {
				return dir
			}
			found = append(found, dir)
		}
	}
	if len(found) > 0 {
		return found[0]
	}
	return ""
}

// registryError words a failure to list the published versions.
func registryError(opts *Options, client Client, org, name string, err error) error {
	var ce *centralclient.Error
	if errors.Is(err, centralclient.ErrUnauthorized) && errors.As(err, &ce) {
		return opts.Unauthorized(org, ce)
	}
	if errors.As(err, &ce) {
		reason := ce.Message
		if reason == "" && ce.Cause != nil {
			reason = ce.Cause.Error()
		}
		if reason == "" {
			reason = err.Error()
		}
		return fmt.Errorf("cannot list the published versions of '%s/%s' at %s: %s; check the registry URL and "+
			"the network, or give the released version with --compare-version if it is cached", org, name, client.BaseURL(), reason)
	}
	return fmt.Errorf("cannot list the published versions of '%s/%s' at %s: %v", org, name, client.BaseURL(), err)
}

// writeJSON writes the diff tree, or "No Changes", and a newline.
func writeJSON(w io.Writer, d *apidiff.Diff) error {
	var data []byte
	var err error
	if d == nil {
		data, err = json.Marshal("No Changes")
	} else {
		data, err = json.Marshal(d)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// understates reports whether local is below the suggested version,
// comparing major, minor and patch only (a pre-release of the suggested
// version is fine). An unparsable suggestion ("N/A") never fails.
func understates(local version.Version, suggested string) bool {
	s, err := version.Parse(suggested)
	if err != nil {
		return false
	}
	core, err := version.Parse(local.Major() + "." + local.Minor() + "." + local.Patch())
	if err != nil {
		return false
	}
	return core.LessThan(s)
}
