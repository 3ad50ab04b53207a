package project

// Building a package (bal build, bal graph).
//
// [Build] does what bal build does apart from compiling, which this
// toolchain leaves to the Ballerina distribution:
//
//  1. It collects the imports of every module that name another package,
//     one request per module with the scope the package needs (default when
//     any non-test file imports it, else testOnly) and every import site
//     for messages. Imports of the package's own modules are dropped. When
//     Ballerina.toml sets [build-options] observabilityIncluded = true it
//     adds the implicit import of ballerinai/observe (PLATFORM_PROVIDED, a
//     built-in package served by the distribution), as the reference
//     toolchain does (resolution.md §13). Other implicit imports are not
//     added: ballerina/cloud (a COMPILER_PLUGIN dependency for
//     [build-options] cloud) matters to compilation only, and the
//     transaction modules are chosen by the compiler from the code.
//  2. It chooses the locking mode with resolve.SelectMode: --sticky or
//     [build-options] sticky, --locking-mode, whether Dependencies.toml
//     exists and which distribution wrote it, the 24-hour window read from
//     target/build against BuildOptions.Now, and for --locking-mode=locked
//     the imports recorded in target/build (or, without that file, the
//     modules Dependencies.toml records).
//  3. It opens the repositories: the distribution ($BALLERINA_HOME/repo/bala
//     over the built-in table), the local repository and the Central cache
//     of the Ballerina home (the cache of BuildOptions.CentralHost, the
//     registry Settings.toml names), the cache filtered by distribution
//     compatibility. A RemoteFunc plugs a remote registry in front of the
//     cache; it is never called for an offline build. Inside the 24-hour
//     window (a HARD build that keeps the versions of Dependencies.toml)
//     with a complete lock file (every import of the sources recorded in
//     it), the remote repository is wrapped by repository.PreferCache with
//     the locked versions: the cache answers for every locked version it
//     holds, so such a build makes no remote call at all. The registry is
//     asked only for what the cache lacks (a wiped cache), and new patch
//     versions are looked for once the window has passed.
//  4. It resolves with resolve.Resolve and converts the diagnostics: an
//     import nobody provides is reported at each of its import sites with a
//     hint on where the package could come from.
//  5. On success, and unless it is a dry run, it downloads the Central
//     packages of the graph the cache lacks (when the Central repository
//     is a repository.Fetcher: the remote registry downloads them in
//     parallel and reports each pulled package; a dry run such as bal
//     graph downloads nothing), then writes Dependencies.toml when its
//     content changes (a package without dependencies gets none) and
//     target/build: last_build_time now, last_update_time now only when
//     dependencies were resolved afresh (SOFT or MEDIUM, or no usable
//     Dependencies.toml), the distribution and the imports. A failed build,
//     a failed download included, writes nothing in the package.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/resolve"
	"github.com/balcentral/balcentral/internal/syntax"
	"github.com/balcentral/balcentral/internal/version"
)

// RemoteFunc connects the Central repository to a remote registry. It
// receives the on-disk Central cache (a *repository.FileSystem, the cache
// of BuildOptions.CentralHost) and returns the repository resolution asks
// for Central packages: typically a repository.Remote, which lists
// versions from the registry and, being a repository.Fetcher, downloads
// the chosen ones into the cache when Build calls Fetch. Build never calls
// it for an offline build.
type RemoteFunc func(ctx context.Context, cache repository.Repository) (repository.Repository, error)

// BuildOptions are the settings of one Build.
type BuildOptions struct {
	// Distribution is the short version of the running distribution, e.g.
	// "2201.13.0". It is recorded in Dependencies.toml and target/build,
	// filters the Central cache and drives the distribution-change
	// warnings.
	Distribution string
	// Now is the time of the build: the 24-hour window is measured from
	// it and it is recorded in target/build. The zero Time means
	// time.Now().
	Now time.Time
	// Sticky is --sticky and Offline --offline; nil when the flag was not
	// given, in which case [build-options] sticky and offline in
	// Ballerina.toml decide.
	Sticky, Offline *bool
	// LockingMode is --locking-mode, nil when not given.
	LockingMode *resolve.LockingMode

	// HomeDir is the Ballerina home directory (~/.ballerina), holding the
	// local repository and the Central cache.
	HomeDir string
	// BallerinaHome is where a Ballerina distribution is installed
	// ($BALLERINA_HOME); its repo/bala directory is the distribution
	// repository. "" means the built-in packages only.
	BallerinaHome string
	// Remote, when not nil, connects Central to a remote registry for
	// builds that are not offline.
	Remote RemoteFunc
	// CentralHost is the host of the registry Central packages come from
	// (centralclient.Client.Host of the Settings.toml registry): its cache
	// (repository.Layout.CentralCacheDir) is the Central cache of the
	// build, online or offline. "" is Ballerina Central.
	CentralHost string
	// Repositories, when not nil, replaces the repositories Build would
	// open from HomeDir, BallerinaHome and Remote.
	Repositories *resolve.Repositories

	// DryRun resolves without writing anything (bal graph).
	DryRun bool
}

// LockStatus says what became of Dependencies.toml.
type LockStatus uint8

// Lock statuses.
const (
	// LockUnchanged: the file already held the resolved graph.
	LockUnchanged LockStatus = iota
	// LockCreated: the package had no Dependencies.toml and now has one
	// (in a dry run: would have).
	LockCreated
	// LockUpdated: the file was rewritten (in a dry run: would be).
	LockUpdated
	// LockNotNeeded: the package has no dependencies and no
	// Dependencies.toml, so none is created.
	LockNotNeeded
)

// VersionChange is a difference between the old and the new
// Dependencies.toml: Old is "" for an added package, New "" for a removed
// one.
type VersionChange struct {
	Org, Name, Old, New string
}

func (c VersionChange) String() string {
	id := c.Org + "/" + c.Name
	switch {
	case c.Old == "":
		return id + ":" + c.New + " (new)"
	case c.New == "":
		return id + ":" + c.Old + " (removed)"
	}
	return id + ":" + c.Old + " → " + c.New
}

// BuildResult is the outcome of Build.
type BuildResult struct {
	// Graph is the resolved dependency graph; nil when resolution did not
	// run. It may hold error nodes when Build fails.
	Graph *resolve.Graph
	// Mode is the locking mode the dependencies were resolved with.
	Mode resolve.LockingMode
	// Offline reports an offline build.
	Offline bool
	// WithinUpdateWindow reports that the versions of Dependencies.toml
	// were kept because dependencies were resolved less than 24 hours ago.
	WithinUpdateWindow bool
	// Updated reports that dependencies were resolved afresh (a SOFT or
	// MEDIUM build, or a package without a usable Dependencies.toml), which
	// restarts the 24-hour window.
	Updated bool
	// Lock says what became of Dependencies.toml, and Changes lists its
	// version changes (language libraries left out) when an earlier file
	// was rewritten.
	Lock    LockStatus
	Changes []VersionChange
	// Imports are the imported modules recorded in target/build.
	Imports []string
	// Diagnostics are the warnings, and when Build fails the errors.
	Diagnostics []Diagnostic
}

// ErrResolution is returned by Build when dependencies cannot be resolved;
// BuildResult.Diagnostics say why.
var ErrResolution = errors.New("dependency resolution failed")

// Build resolves the dependencies of p and, unless opts.DryRun, records the
// result: Dependencies.toml when its content changes and target/build.
// Nothing is written when resolution fails. The error is ErrResolution
// (with a result holding the diagnostics) or a failure to read
// repositories or write files.
func Build(ctx context.Context, p *Project, opts BuildOptions) (*BuildResult, error) {
	if _, err := version.Parse(opts.Distribution); err != nil {
		return nil, fmt.Errorf("project: distribution version %q: %w", opts.Distribution, err)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	rootVersion, err := version.Parse(p.Version())
	if err != nil {
		return nil, fmt.Errorf("project: package version %q: %w", p.Version(), err)
	}
	bo := p.Manifest.BuildOptions
	sticky := flagOr(opts.Sticky, bo.Sticky)
	offline := flagOr(opts.Offline, bo.Offline)
	imps := collectImports(p)
	res := &BuildResult{Offline: offline, Imports: imps.list}

	// The locking mode (resolution.md §3, §4).
	bf := ReadBuildFile(p.BuildFilePath())
	in := resolve.ModeInput{
		Sticky:              sticky,
		Kind:                resolve.BuildProject,
		HasLock:             p.Lock != nil,
		RunningDistribution: opts.Distribution,
		Imports:             imps.list,
	}
	if opts.LockingMode != nil {
		in.UserMode, in.HasUserMode = *opts.LockingMode, true
	}
	if p.Lock != nil {
		in.LockDistribution = p.Lock.DistributionVersion
	}
	if bf != nil {
		in.InUpdateWindow = resolve.InUpdateWindow(bf.LastUpdateTime, bf.DistributionVersion, opts.Distribution, opts.Now)
		in.PreviousImports = bf.Imports
	}
	if in.PreviousImports == nil && p.Lock != nil {
		in.PreviousImports = lockedImports(p.Lock, p.Org(), p.Name())
	}
	mode, modeDiags := resolve.SelectMode(in)
	res.Mode = mode
	failed := false
	for _, d := range modeDiags {
		res.Diagnostics = append(res.Diagnostics, imps.convert(d, offline, opts.Remote != nil))
		failed = failed || d.Severity == resolve.SeverityError
	}
	if failed {
		return res, ErrResolution
	}
	res.WithinUpdateWindow = in.InUpdateWindow && p.Lock != nil && mode == resolve.Hard && !sticky &&
		!(in.HasUserMode && in.UserMode >= resolve.Hard)

	// The repositories and the resolution itself. Inside the window, a
	// complete lock file needs nothing the cache does not have.
	var keep []repository.NodeRef
	if res.WithinUpdateWindow && lockComplete(p.Lock, p.Org(), p.Name(), imps.list) {
		keep = lockedRefs(p.Lock, p.Org(), p.Name())
	}
	repos, repoWarnings, err := openRepositories(ctx, opts, offline, keep)
	if err != nil {
		return nil, err
	}
	modules := make([]string, 0, len(p.Sources.Modules))
	for _, m := range p.Sources.Modules {
		modules = append(modules, m.Name)
	}
	rr, err := resolve.Resolve(ctx, resolve.Request{
		RootOrg:             p.Org(),
		RootName:            p.Name(),
		RootVersion:         rootVersion,
		RootModules:         modules,
		Imports:             imps.imports,
		Lock:                p.Lock,
		Dependencies:        p.Manifest.Dependencies,
		Mode:                mode,
		Repositories:        repos,
		DistributionVersion: opts.Distribution,
	})
	if err != nil {
		return nil, err
	}
	res.Graph = rr.Graph
	for _, w := range repoWarnings.msgs {
		res.Diagnostics = append(res.Diagnostics, Diagnostic{Severity: SeverityWarning, Message: w})
	}
	// An import left unresolved while the registry did not answer is
	// reported as the registry's failure (repository.RemoteFailure).
	failure := repository.RemoteFailure(repos.Central)
	unresolved := false
	for _, d := range rr.Diagnostics {
		cd := imps.convert(d, offline, opts.Remote != nil)
		if failure != nil && strings.HasPrefix(d.Message, "cannot resolve module '") && len(cd.Details) > 0 {
			unresolved = true
			cd.Details[len(cd.Details)-1] = "hint: the registry did not answer (see the error below), so only the distribution, " +
				"the local repository and the Central cache were searched"
		}
		res.Diagnostics = append(res.Diagnostics, cd)
	}
	if rr.HasErrors() {
		if unresolved {
			return res, fmt.Errorf("%w: %w", ErrResolution, failure)
		}
		return res, ErrResolution
	}

	// What to record.
	lock := rr.Graph.LockFile(opts.Distribution)
	lockData := manifest.FormatDependenciesToml(lock)
	switch {
	case bytes.Equal(lockData, p.LockData):
		res.Lock = LockUnchanged
	case p.LockData == nil && len(rr.Graph.Nodes) <= 1:
		res.Lock = LockNotNeeded
	case p.LockData == nil:
		res.Lock = LockCreated
	default:
		res.Lock = LockUpdated
		if p.Lock != nil {
			res.Changes = lockChanges(p.Lock, lock, p.Org(), p.Name())
		}
	}
	res.Updated = mode == resolve.Soft || mode == resolve.Medium || p.Lock == nil
	if opts.DryRun {
		return res, nil
	}
	if err := fetchCentral(ctx, repos, rr.Graph); err != nil {
		return nil, err
	}

	if res.Lock == LockCreated || res.Lock == LockUpdated {
		if err := manifest.WriteDependenciesToml(filepath.Join(p.Dir, DependenciesFile), lock); err != nil {
			return nil, err
		}
	}
	nbf := bf
	if nbf == nil {
		nbf = &BuildFile{}
	}
	nbf.LastBuildTime = opts.Now
	if res.Updated {
		nbf.LastUpdateTime = opts.Now
	}
	nbf.DistributionVersion = opts.Distribution
	nbf.Imports = imps.list
	if err := WriteBuildFile(p.BuildFilePath(), nbf); err != nil {
		return nil, err
	}
	return res, nil
}

// flagOr returns the flag's value when given, else the Ballerina.toml
// setting, else false.
func flagOr(flag, setting *bool) bool {
	if flag != nil {
		return *flag
	}
	return setting != nil && *setting
}

// importSet is what the sources import.
type importSet struct {
	// imports are the resolution requests: one per imported module (org
	// filled in), sorted, plus the implicit ones.
	imports []resolve.Import
	// sites maps the site of each request to every declaration of the
	// import, so that a problem is reported at each.
	sites map[string][]string
	// list is the "org/module" list for target/build: sorted, without
	// ballerinai/* and the implicit imports.
	list []string
}

// collectImports gathers the imports of every module that name another
// package, with the scope the package needs (the default scope when any
// non-test file imports it) and every import site, plus ballerinai/observe
// when Ballerina.toml enables observability (resolution.md §13).
func collectImports(p *Project) importSet {
	type entry struct {
		org, module string
		scope       resolve.Scope
		sites       []string
	}
	byKey := map[string]*entry{}
	for _, m := range p.Sources.Modules {
		for _, mi := range m.ExternalImports(p.Org()) {
			org := mi.Org
			if org == "" {
				org = p.Org()
			}
			scope := resolve.ScopeDefault
			if mi.Scope == syntax.ScopeTestOnly {
				scope = resolve.ScopeTestOnly
			}
			var sites []string
			for _, s := range mi.Sites {
				sites = append(sites, s.File+":"+s.Import.Pos.String())
			}
			key := org + "/" + mi.Module
			e := byKey[key]
			switch {
			case e == nil:
				byKey[key] = &entry{org: org, module: mi.Module, scope: scope, sites: sites}
			case e.scope == resolve.ScopeTestOnly && scope == resolve.ScopeDefault:
				// Report a problem at a source file first.
				e.scope, e.sites = scope, append(sites, e.sites...)
			default:
				e.sites = append(e.sites, sites...)
			}
		}
	}
	set := importSet{sites: map[string][]string{}, list: []string{}}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := byKey[k]
		site := ""
		if len(e.sites) > 0 {
			site = e.sites[0]
			set.sites[site] = e.sites
		}
		set.imports = append(set.imports, resolve.Import{Org: e.org, Module: e.module, Scope: e.scope, Site: site})
		if e.org != "ballerinai" {
			set.list = append(set.list, k)
		}
	}
	if o := p.Manifest.BuildOptions.ObservabilityIncluded; o != nil && *o {
		set.imports = append(set.imports, resolve.Import{Org: "ballerinai", Module: "observe",
			Scope: resolve.ScopeDefault, Kind: resolve.KindPlatformProvided, Site: manifestFile})
	}
	return set
}

// convert turns a resolution diagnostic into a Diagnostic: the sites of
// every declaration of the import it is about, its explanation as
// details, and for an import nobody provides a hint on where to get it.
func (s importSet) convert(d resolve.Diagnostic, offline, remote bool) Diagnostic {
	out := Diagnostic{Message: d.Message}
	if d.Severity == resolve.SeverityWarning {
		out.Severity = SeverityWarning
	}
	if d.Site != "" {
		out.Sites = s.sites[d.Site]
		if out.Sites == nil {
			out.Sites = []string{d.Site}
		}
	}
	if d.Explanation != "" {
		out.Details = strings.Split(d.Explanation, "\n")
	}
	if strings.HasPrefix(d.Message, "cannot resolve module '") {
		out.Details = append(out.Details, unresolvedHint(offline, remote))
	}
	return out
}

// unresolvedHint says where an unresolvable module could come from.
func unresolvedHint(offline, remote bool) string {
	const searched = "only the distribution, the local repository and the Central cache were searched"
	const getIt = "pull the package into the Central cache, or push it to the local repository " +
		"and name it in Ballerina.toml with repository = \"local\""
	switch {
	case offline && remote:
		return "hint: the build is offline, so " + searched + "; run without --offline to fetch the package from Central"
	case offline:
		return "hint: the build is offline, so " + searched + "; " + getIt
	case !remote:
		return "hint: no remote registry is connected, so " + searched + "; " + getIt
	}
	return "hint: check the organization and module name; a package in the local repository must be named " +
		"in Ballerina.toml with repository = \"local\""
}

// lockedImports returns the modules Dependencies.toml records the root
// package as importing ("org/module", no ballerinai/*): the fallback for
// --locking-mode=locked when target/build has no imports list.
func lockedImports(lock *manifest.DependenciesToml, rootOrg, rootName string) []string {
	out := []string{}
	for _, pkg := range lock.Packages {
		if pkg.Org == rootOrg && pkg.Name == rootName {
			continue
		}
		for _, m := range pkg.Modules {
			if m.Org != "ballerinai" {
				out = append(out, m.Org+"/"+m.ModuleName)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// lockChanges lists the packages whose version differs between two lock
// files, sorted by org and name; the root package and the language
// libraries are left out.
func lockChanges(old, cur *manifest.DependenciesToml, rootOrg, rootName string) []VersionChange {
	type key struct{ org, name string }
	versions := map[key]*VersionChange{}
	get := func(org, name string) *VersionChange {
		k := key{org, name}
		if versions[k] == nil {
			versions[k] = &VersionChange{Org: org, Name: name}
		}
		return versions[k]
	}
	skip := func(org, name string) bool {
		return org == rootOrg && name == rootName || repository.IsLangLib(org, name)
	}
	for _, p := range old.Packages {
		if !skip(p.Org, p.Name) {
			get(p.Org, p.Name).Old = p.Version
		}
	}
	for _, p := range cur.Packages {
		if !skip(p.Org, p.Name) {
			get(p.Org, p.Name).New = p.Version
		}
	}
	var out []VersionChange
	for _, c := range versions {
		if c.Old != c.New {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b VersionChange) int {
		return strings.Compare(a.Org+"/"+a.Name, b.Org+"/"+b.Name)
	})
	return out
}

// repoWarnings collects the warnings of the file-system repositories
// (entries skipped as unusable), each once.
type repoWarnings struct {
	msgs []string
}

func (w *repoWarnings) add(msg string) {
	if !slices.Contains(w.msgs, msg) {
		w.msgs = append(w.msgs, msg)
	}
}

// openRepositories returns the repositories of a build: the distribution
// (BallerinaHome's repo/bala over the built-in table), the local
// repository and the Central cache of HomeDir, with the remote registry
// when connected and the build is not offline; keep, when not empty, are
// the locked versions the cache answers for (repository.PreferCache).
func openRepositories(ctx context.Context, opts BuildOptions, offline bool, keep []repository.NodeRef) (resolve.Repositories, *repoWarnings, error) {
	warns := &repoWarnings{}
	if opts.Repositories != nil {
		return *opts.Repositories, warns, nil
	}
	warn := repository.WithWarn(warns.add)
	repos := resolve.Repositories{
		Distribution: repository.NewDistribution(repository.DistributionLayout{BallerinaHome: opts.BallerinaHome}, warn),
	}
	if opts.HomeDir == "" {
		return repos, warns, nil
	}
	layout := repository.Layout{Home: opts.HomeDir}
	repos.Local = repository.NewLocal(layout, warn)
	cache, err := repository.NewCentralCache(layout, opts.CentralHost, opts.Distribution, warn)
	if err != nil {
		return resolve.Repositories{}, nil, err
	}
	repos.Central = cache
	if opts.Remote != nil && !offline {
		central, err := opts.Remote(ctx, cache)
		if err != nil {
			return resolve.Repositories{}, nil, err
		}
		if len(keep) > 0 {
			central = repository.PreferCache(cache, central, keep)
		}
		repos.Central = central
	}
	return repos, warns, nil
}

// lockComplete reports whether the lock file records every import of the
// sources (imports, "org/module" as in target/build).
func lockComplete(lock *manifest.DependenciesToml, rootOrg, rootName string, imports []string) bool {
	if lock == nil {
		return false
	}
	locked := lockedImports(lock, rootOrg, rootName)
	for _, imp := range imports {
		if _, ok := slices.BinarySearch(locked, imp); !ok {
			return false
		}
	}
	return true
}

// lockedRefs returns the versions the lock file records, the root package
// and entries that are not valid versions left out.
func lockedRefs(lock *manifest.DependenciesToml, rootOrg, rootName string) []repository.NodeRef {
	var out []repository.NodeRef
	for _, pkg := range lock.Packages {
		if pkg.Org == rootOrg && pkg.Name == rootName {
			continue
		}
		if v, err := version.Parse(pkg.Version); err == nil {
			out = append(out, repository.NodeRef{Org: pkg.Org, Name: pkg.Name, Version: v})
		}
	}
	return out
}

// fetchCentral has the Central repository download the packages of g it
// must provide: every package but the root, the built-in packages, those
// of the local repository and those the distribution holds at the chosen
// version (the distribution is read first when a package is loaded).
// Nothing is done when the Central repository cannot fetch (the cache
// alone, or an offline build).
func fetchCentral(ctx context.Context, repos resolve.Repositories, g *resolve.Graph) error {
	f, ok := repos.Central.(repository.Fetcher)
	if !ok || g == nil {
		return nil
	}
	var refs []repository.NodeRef
	for _, n := range g.Nodes {
		if n == g.Root || n.Repository != "" || repository.IsBuiltIn(n.Org, n.Name) {
			continue
		}
		if repos.Distribution != nil {
			if _, err := repos.Distribution.Package(ctx, n.Org, n.Name, n.Version); err == nil {
				continue
			}
		}
		refs = append(refs, repository.NodeRef{Org: n.Org, Name: n.Name, Version: n.Version})
	}
	return f.Fetch(ctx, refs)
}

// EnvBallerinaHome locates an installed Ballerina distribution, whose
// repo/bala directory is the distribution repository.
const EnvBallerinaHome = "BALLERINA_HOME"

// ParseLockingMode parses a --locking-mode value, with the message the
// commands print for a bad one.
func ParseLockingMode(s string) (resolve.LockingMode, error) {
	m, err := resolve.ParseLockingMode(s)
	if err != nil {
		return 0, fmt.Errorf("invalid value '%s' for --locking-mode: expected one of soft, medium, hard, locked", s)
	}
	return m, nil
}
