package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/version"
)

// Resolution: POST /packages/resolve-dependencies and
// POST /packages/resolve-modules (reference central-api.md §8 and §9,
// resolution.md §2, §7, §10 and §12). `bal build` asks these before it
// falls back to its local cache, and treats a 400 or an I/O error as "no
// answer", so the handlers are lenient about the request (unknown fields
// are ignored, an empty version means none) and report a package they
// cannot resolve in "unresolved", with a reason, rather than failing the
// whole request.
//
// Which versions a request may get:
//
//   - only versions the caller may see: private versions only for members
//     of the org whose token has the read scope; to anyone else they do
//     not exist;
//   - only versions the client can use (clientFilter): built for "any" or
//     one of the platforms of Ballerina-Platform, and not by a newer
//     Update of the distribution in User-Agent;
//   - within the request's range (resolveRange), the newest by the
//     "latest" rule of internal/version (a release beats any
//     pre-release);
//   - a deprecated version only when no version that is not deprecated
//     is in the range (resolution.md §12).

// maxResolveItems bounds the packages of a resolve-dependencies request and
// the modules of a resolve-modules request: each costs a few store
// queries, and a build asks for its direct dependencies only.
const maxResolveItems = 1000

// The locking modes a request may name (resolution.md §2), lower-case as
// the clients send them.
const (
	modeSoft   = "soft"
	modeMedium = "medium"
	modeHard   = "hard"
	modeLocked = "locked"
)

// parseResolveMode reads a request's mode, ignoring case and surrounding
// space. No mode is SOFT, the widest compatible range: the clients always
// send one, and a client that does not has no lock to keep.
func parseResolveMode(s string) (string, bool) {
	switch m := strings.ToLower(strings.TrimSpace(s)); m {
	case "":
		return modeSoft, true
	case modeSoft, modeMedium, modeHard, modeLocked:
		return m, true
	}
	return "", false
}

// resolveRange is the range of versions a request for min admits under
// mode (resolution.md §2 and §10, getCompatiblePackageVersions): no
// version → LATEST; HARD or LOCKED → EXACT; MEDIUM, or a 0.x version in
// any other mode → LOCK_MINOR; SOFT → LOCK_MAJOR.
func resolveRange(min *version.Version, mode string) version.Range {
	switch {
	case min == nil:
		return version.Range{Kind: version.RangeLatest}
	case mode == modeHard || mode == modeLocked:
		return version.RangeFor(version.RangeExact, *min)
	case mode == modeMedium || min.IsInitial():
		return version.RangeFor(version.RangeLockMinor, *min)
	default:
		return version.RangeFor(version.RangeLockMajor, *min)
	}
}

// requestVersion reads an optional version of a request: nil or "" is
// none.
func requestVersion(s *string) (*version.Version, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	v, err := version.Parse(strings.TrimSpace(*s))
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// A versionCandidate is a published version a resolution may choose.
type versionCandidate struct {
	ver        version.Version
	text       string // as stored
	deprecated bool
}

// packageCandidates are the versions of one package that a resolution for
// the caller may choose.
type packageCandidates struct {
	org, name string
	usable    []versionCandidate
	// visible says whether the caller may see any version at all, so that
	// "not found" and "nothing for this client" can be told apart.
	visible bool
}

// candidatesOf returns the versions of org/name that p may see and the
// client of f can use. A package without published versions is not an
// error: it has no candidates.
func (s *Server) candidatesOf(ctx context.Context, p *principal, f clientFilter, org, name string) (*packageCandidates, error) {
	pc := &packageCandidates{org: org, name: name}
	vs, err := s.storage.Meta.Versions(ctx, org, name)
	if errors.Is(err, store.ErrNotFound) {
		return pc, nil
	}
	if err != nil {
		return nil, err
	}
	for _, vi := range vs {
		ok, err := s.canSee(ctx, p, org, vi.Visibility)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		pc.visible = true
		if !f.allows(vi.Platform, vi.BallerinaVersion) {
			continue
		}
		v, err := version.Parse(vi.Version)
		if err != nil {
			// The store accepts valid versions only; a row that is not
			// one cannot be offered to a client either.
			s.log.Warn("stored version is invalid", "package", org+"/"+name, "version", vi.Version, "err", err)
			continue
		}
		pc.usable = append(pc.usable, versionCandidate{ver: v, text: vi.Version, deprecated: vi.Deprecated})
	}
	return pc, nil
}

// pick returns the version to resolve to in rg, filtered by keep (nil:
// every version): the latest that is not deprecated, else the latest
// deprecated one.
func (pc *packageCandidates) pick(rg version.Range, keep func(versionCandidate) bool) (versionCandidate, bool) {
	for _, deprecated := range []bool{false, true} {
		best, found := versionCandidate{}, false
		for _, c := range pc.usable {
			if c.deprecated != deprecated || !rg.Contains(c.ver) || keep != nil && !keep(c) {
				continue
			}
			if !found || version.IsNewer(c.ver, best.ver) {
				best, found = c, true
			}
		}
		if found {
			return best, true
		}
	}
	return versionCandidate{}, false
}

// whyUnresolved explains why pc offers nothing in rg to the client of r.
func (pc *packageCandidates) whyUnresolved(r *http.Request, rg version.Range, mode string) string {
	ref := pc.org + "/" + pc.name
	switch {
	case !pc.visible:
		return "package not found: " + ref
	case len(pc.usable) == 0:
		msg := fmt.Sprintf("no version of %s is available for platform %s", ref, platformLabel(r))
		if f := clientFilterOf(r); f.distribution != nil {
			msg += " and distribution " + f.distribution.String()
		}
		return msg
	}
	latest, _ := pc.pick(version.Range{Kind: version.RangeLatest}, nil)
	return fmt.Sprintf("no version of %s satisfies %s (mode %s); the latest available is %s", ref, rg, mode, latest.text)
}

// resolveDependenciesRequest is the body of POST
// /packages/resolve-dependencies.
type resolveDependenciesRequest struct {
	Packages []dependencyRequest `json:"packages"`
}

// dependencyRequest is one package asked for. The Java client names the
// org "orgName", the Go port "org"; both are read.
type dependencyRequest struct {
	OrgName string  `json:"orgName"`
	Org     string  `json:"org"`
	Name    string  `json:"name"`
	Version *string `json:"version"`
	Mode    string  `json:"mode"`
}

// resolveDependenciesResponse is the answer to a resolve-dependencies
// request: one entry per requested package, in either list, in request
// order.
type resolveDependenciesResponse struct {
	Resolved   []resolvedPackage   `json:"resolved"`
	Unresolved []unresolvedPackage `json:"unresolved"`
}

// resolvedPackage is a package version chosen for a request, with the
// dependency graph stored in its bala (dependency-graph.json): every
// package of the graph, the resolved one included, with its direct
// dependencies. The client merges it into the build's graph, so the
// resolved package's own entry, which names its direct dependencies, is
// always present.
type resolvedPackage struct {
	Org              string            `json:"org"`
	Name             string            `json:"name"`
	Version          string            `json:"version"`
	DependencyGraph  []graphDependency `json:"dependencyGraph"`
	IsDeprecated     bool              `json:"isDeprecated"`
	DeprecateMessage string            `json:"deprecateMessage"`
}

// graphDependency is a package of a dependency graph with its direct
// dependencies.
type graphDependency struct {
	Org          string       `json:"org"`
	Name         string       `json:"name"`
	Version      string       `json:"version"`
	Dependencies []graphEntry `json:"dependencies"`
}

// graphEntry names a package version of a dependency graph.
type graphEntry struct {
	Org     string `json:"org"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// unresolvedPackage is a requested package that could not be resolved.
// Version is the requested one (null when none was).
type unresolvedPackage struct {
	Org     string  `json:"org"`
	Name    string  `json:"name"`
	Version *string `json:"version"`
	Reason  string  `json:"reason"`
}

// parseResolveModes reads the modes of the n items of a resolution request
// (mode(i) is item i's), or answers 400 naming the first unknown one.
func parseResolveModes(w http.ResponseWriter, list string, n int, mode func(i int) string) ([]string, bool) {
	modes := make([]string, n)
	for i := range n {
		m, ok := parseResolveMode(mode(i))
		if !ok {
			writeErrorf(w, http.StatusBadRequest, "%s[%d]: unknown mode %q: use soft, medium, hard or locked", list, i, mode(i))
			return nil, false
		}
		modes[i] = m
	}
	return modes, true
}

// handleResolveDependencies answers POST /packages/resolve-dependencies.
func (s *Server) handleResolveDependencies(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	var req resolveDependenciesRequest
	if !decodeJSON(w, r, &req, false) {
		return
	}
	if len(req.Packages) > maxResolveItems {
		writeErrorf(w, http.StatusBadRequest, "too many packages: %d; ask for at most %d at a time", len(req.Packages), maxResolveItems)
		return
	}
	modes, ok := parseResolveModes(w, "packages", len(req.Packages), func(i int) string { return req.Packages[i].Mode })
	if !ok {
		return
	}
	resp := resolveDependenciesResponse{Resolved: []resolvedPackage{}, Unresolved: []unresolvedPackage{}}
	f := clientFilterOf(r)
	for i, d := range req.Packages {
		org := d.OrgName
		if org == "" {
			org = d.Org
		}
		unresolved := func(reason string) {
			ver := d.Version
			if ver != nil && strings.TrimSpace(*ver) == "" {
				ver = nil
			}
			resp.Unresolved = append(resp.Unresolved, unresolvedPackage{Org: org, Name: d.Name, Version: ver, Reason: reason})
		}
		if org == "" || d.Name == "" {
			unresolved("invalid request: a package needs \"orgName\" (or \"org\") and \"name\"")
			continue
		}
		min, err := requestVersion(d.Version)
		if err != nil {
			unresolved(fmt.Sprintf("invalid version %q: %v", *d.Version, err))
			continue
		}
		pc, err := s.candidatesOf(r.Context(), p, f, org, d.Name)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		rg := resolveRange(min, modes[i])
		c, ok := pc.pick(rg, nil)
		if !ok {
			unresolved(pc.whyUnresolved(r, rg, modes[i]))
			continue
		}
		rp, err := s.resolvedPackageOf(r.Context(), org, d.Name, c.text)
		if errors.Is(err, store.ErrNotFound) {
			// Deleted by an administrator since it was listed.
			unresolved("package not found: " + org + "/" + d.Name + ":" + c.text)
			continue
		}
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		resp.Resolved = append(resp.Resolved, *rp)
	}
	writeJSON(w, http.StatusOK, resp)
}

// resolvedPackageOf reads a chosen version's deprecation and dependency
// graph.
func (s *Server) resolvedPackageOf(ctx context.Context, org, name, ver string) (*resolvedPackage, error) {
	pv, err := s.storage.Meta.Version(ctx, org, name, ver)
	if err != nil {
		return nil, err
	}
	rp := &resolvedPackage{
		Org: pv.Org, Name: pv.Name, Version: pv.Version,
		IsDeprecated: pv.Deprecated, DeprecateMessage: pv.DeprecationMessage,
		DependencyGraph: []graphDependency{},
	}
	self := false
	if len(pv.DependencyGraph) > 0 {
		g, err := bala.ReadDependencyGraphJSON(bala.DependencyGraphJSONFile, pv.DependencyGraph)
		if err != nil {
			// Push validated it; a stored graph that does not parse is
			// damage, and resolving without it would build a wrong graph.
			return nil, fmt.Errorf("dependency graph of %s/%s:%s: %w", org, name, ver, err)
		}
		for _, gp := range g.Packages {
			gd := graphDependency{Org: gp.Org, Name: gp.Name, Version: gp.Version, Dependencies: make([]graphEntry, 0, len(gp.Dependencies))}
			for _, d := range gp.Dependencies {
				gd.Dependencies = append(gd.Dependencies, graphEntry{Org: d.Org, Name: d.Name, Version: d.Version})
			}
			self = self || gp.Org == pv.Org && gp.Name == pv.Name
			rp.DependencyGraph = append(rp.DependencyGraph, gd)
		}
	}
	if !self {
		rp.DependencyGraph = append([]graphDependency{{Org: pv.Org, Name: pv.Name, Version: pv.Version, Dependencies: []graphEntry{}}}, rp.DependencyGraph...)
	}
	return rp, nil
}

// resolveModulesRequest is the body of POST /packages/resolve-modules.
type resolveModulesRequest struct {
	Modules []moduleRequest `json:"modules"`
}

// moduleRequest is one module asked for: an import org/moduleName. The
// oldest clients send neither possiblePackages nor mode.
type moduleRequest struct {
	Organization     string            `json:"organization"`
	ModuleName       string            `json:"moduleName"`
	PossiblePackages []possiblePackage `json:"possiblePackages"`
	Mode             string            `json:"mode"`
}

// possiblePackage is a package the client has locked (or the user named)
// that may hold the module.
type possiblePackage struct {
	Org     string  `json:"org"`
	OrgName string  `json:"orgName"`
	Name    string  `json:"name"`
	Version *string `json:"version"`
}

// resolveModulesResponse is the answer to a resolve-modules request: one
// entry per requested module, in either list, in request order.
type resolveModulesResponse struct {
	ResolvedModules   []resolvedModule   `json:"resolvedModules"`
	UnresolvedModules []unresolvedModule `json:"unresolvedModules"`
}

type resolvedModule struct {
	Organization string `json:"organization"`
	ModuleName   string `json:"moduleName"`
	Version      string `json:"version"`
	PackageName  string `json:"packageName"`
}

// unresolvedModule's Version is always null, as on Central.
type unresolvedModule struct {
	Organization string  `json:"organization"`
	ModuleName   string  `json:"moduleName"`
	Version      *string `json:"version"`
	Reason       string  `json:"reason"`
}

// handleResolveModules answers POST /packages/resolve-modules: which
// package provides each imported module (resolution.md §7). The candidate
// packages of module a.b.c are a, a.b and a.b.c. They are tried in the
// client's order: first the possiblePackages (the packages the client has
// locked), each within the range its version and the request's mode give
// (resolveRange; no version is LATEST), then the other candidates, shortest
// name first, at their latest. The first candidate with a version in range
// whose module list contains the module gives the answer, with the newest
// such version (one that is not deprecated if there is any).
func (s *Server) handleResolveModules(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	var req resolveModulesRequest
	if !decodeJSON(w, r, &req, false) {
		return
	}
	if len(req.Modules) > maxResolveItems {
		writeErrorf(w, http.StatusBadRequest, "too many modules: %d; ask for at most %d at a time", len(req.Modules), maxResolveItems)
		return
	}
	modes, ok := parseResolveModes(w, "modules", len(req.Modules), func(i int) string { return req.Modules[i].Mode })
	if !ok {
		return
	}
	resp := resolveModulesResponse{ResolvedModules: []resolvedModule{}, UnresolvedModules: []unresolvedModule{}}
	f := clientFilterOf(r)
	for i, m := range req.Modules {
		if m.Organization == "" || m.ModuleName == "" {
			resp.UnresolvedModules = append(resp.UnresolvedModules, unresolvedModule{
				Organization: m.Organization, ModuleName: m.ModuleName,
				Reason: "invalid request: a module needs \"organization\" and \"moduleName\"",
			})
			continue
		}
		rm, reason, err := s.resolveModule(r.Context(), p, f, m, modes[i])
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if rm == nil {
			resp.UnresolvedModules = append(resp.UnresolvedModules, unresolvedModule{
				Organization: m.Organization, ModuleName: m.ModuleName, Reason: reason,
			})
			continue
		}
		resp.ResolvedModules = append(resp.ResolvedModules, *rm)
	}
	writeJSON(w, http.StatusOK, resp)
}

// possiblePackageNames returns the names of the packages that may contain
// module: every dot-prefix of its name, shortest first ("a.b.c" → a, a.b,
// a.b.c).
func possiblePackageNames(module string) []string {
	var names []string
	for i := 0; i < len(module); i++ {
		if module[i] == '.' {
			names = append(names, module[:i])
		}
	}
	return append(names, module)
}

// resolveModule finds the package version providing one module, or
// returns nil and the reason there is none.
func (s *Server) resolveModule(ctx context.Context, p *principal, f clientFilter, m moduleRequest, mode string) (*resolvedModule, string, error) {
	org, module := m.Organization, m.ModuleName
	notFound := fmt.Sprintf("package not found: no package of %s that this client can use contains module %s/%s", org, org, module)
	providers, err := s.storage.Meta.ModuleProviders(ctx, org, module)
	if err != nil {
		return nil, "", err
	}
	// has[name][version] says that version of package name contains the
	// module.
	has := map[string]map[string]bool{}
	for _, mp := range providers {
		if has[mp.Name] == nil {
			has[mp.Name] = map[string]bool{}
		}
		has[mp.Name][mp.Version] = true
	}
	type attempt struct {
		name string
		rg   version.Range
	}
	candidates := possiblePackageNames(module)
	var attempts []attempt
	locked := map[string]bool{}
	for _, pp := range m.PossiblePackages {
		ppOrg := pp.Org
		if ppOrg == "" {
			ppOrg = pp.OrgName
		}
		if ppOrg != org || locked[pp.Name] || !slices.Contains(candidates, pp.Name) {
			continue
		}
		min, err := requestVersion(pp.Version)
		if err != nil {
			// A lock the server cannot read constrains nothing; the
			// candidate is still tried first, at its latest.
			min = nil
		}
		locked[pp.Name] = true
		attempts = append(attempts, attempt{pp.Name, resolveRange(min, mode)})
	}
	for _, name := range candidates {
		if !locked[name] {
			attempts = append(attempts, attempt{name, version.Range{Kind: version.RangeLatest}})
		}
	}
	for _, a := range attempts {
		if len(has[a.name]) == 0 {
			continue
		}
		pc, err := s.candidatesOf(ctx, p, f, org, a.name)
		if err != nil {
			return nil, "", err
		}
		c, ok := pc.pick(a.rg, func(c versionCandidate) bool { return has[a.name][c.text] })
		if ok {
			return &resolvedModule{Organization: org, ModuleName: module, Version: c.text, PackageName: a.name}, "", nil
		}
	}
	return nil, notFound, nil
}
