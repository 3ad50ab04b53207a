package resolve

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// request asks the repositories for one package (ResolutionRequest).
type request struct {
	d             desc
	scope         Scope
	kind          ResolutionKind
	mode          LockingMode
	skipWorkspace bool
	// pinned: d.ver comes from Dependencies.toml or Ballerina.toml, so a
	// deprecated version equal to it may still be chosen (§12).
	pinned bool
	// cur is the vertex version the request was made for; an answer is
	// dropped if the vertex has changed or left the graph meanwhile.
	cur    version.Version
	hasCur bool
}

// response is the repositories' answer (PackageMetadataResponse).
type response struct {
	req request
	ok  bool
	d   desc
	pkg *repository.Package
}

type engine struct {
	req     *Request
	mode    LockingMode // the effective default mode
	fresh   bool        // fresh project + HARD: user-specified versions stay exact
	bm      *blended
	b       *builder
	ws      *source
	local   *source
	dist    *source
	central *source

	rootModules map[string]bool
	importsOf   map[pkgID][]string // modules of each package the root imports
	diags       []Diagnostic
	graphs      map[*repository.Package]map[verKey][]repository.NodeRef
}

// checkSweeps makes every resolution verify each incremental sweep of the
// builder against a full walk (see sweep.go). The package's TestMain sets
// it when no benchmark is run.
var checkSweeps bool

// Resolve resolves the dependencies of the root package. The error is
// only for repository failures; resolution problems are diagnostics.
func Resolve(ctx context.Context, req Request) (*Result, error) {
	e := &engine{req: &req, mode: req.Mode, importsOf: make(map[pkgID][]string),
		graphs: make(map[*repository.Package]map[verKey][]repository.NodeRef)}
	if e.mode == Locked {
		e.mode = Hard
	}
	e.rootModules = map[string]bool{req.RootName: true}
	for _, m := range req.RootModules {
		e.rootModules[m] = true
	}
	e.ws = newSource(req.Repositories.Workspace, false, "")
	e.local = newSource(req.Repositories.Local, true, "")
	e.dist = newSource(req.Repositories.Distribution, false, "")
	e.central = newSource(req.Repositories.Central, false, req.DistributionVersion)

	bm, err := newBlended(ctx, &req)
	if err != nil {
		return nil, err
	}
	e.bm = bm
	e.diags = append(e.diags, bm.diags...)
	// Fresh project + HARD (PR #44655): nothing is locked, so only the
	// versions written in Ballerina.toml stay exact.
	if e.mode == Hard && !req.legacyFreshHard && !bm.hasLocked() && (req.Lock == nil || req.Lock.Root(req.RootOrg, req.RootName) == nil) {
		e.fresh = true
		e.mode = Soft
	}

	root := dnode{desc: desc{org: req.RootOrg, name: req.RootName, ver: req.RootVersion, hasVer: true}}
	e.b = newBuilder(root)
	e.b.fullSweep, e.b.checkSweep = req.fullSweep, checkSweeps

	// 1) Imports to packages.
	direct, unresolved, err := e.resolveImports(ctx)
	if err != nil {
		return nil, err
	}
	// 2) The static graph.
	missing, err := e.populate(ctx, direct)
	if err != nil {
		return nil, err
	}
	// 3) Version updates.
	if err := e.updateVersions(ctx); err != nil {
		return nil, err
	}
	// 4) Complete the graph.
	if err := e.complete(ctx); err != nil {
		return nil, err
	}
	// 5) Finalize.
	e.b.removeDangling()
	g := e.finalGraph()
	// A direct dependency no repository provides, and that did not enter
	// the graph some other way, leaves its imports unresolved.
	for _, dd := range missing {
		if g.Node(dd.id.org, dd.id.name) == nil {
			unresolved = append(unresolved, dd.imports...)
		}
	}
	e.diags = append(e.diags, e.b.diags...)
	e.explainConflicts(g)
	e.reportCycles(g)
	e.reportDeprecated(g)
	e.reportOldTransitives(g)
	for _, imp := range unresolved {
		e.diags = append(e.diags, Diagnostic{Severity: SeverityError, Site: imp.Site,
			Message:     fmt.Sprintf("cannot resolve module '%s'", imp),
			Explanation: fmt.Sprintf("No repository has a package that contains the module %s (candidate packages: %s).", imp, strings.Join(prefixed(imp.Org, possiblePackageNames(imp.Org, imp.Module)), ", "))})
	}
	return &Result{Graph: g, Diagnostics: e.diags, UnresolvedImports: unresolved}, nil
}

func prefixed(org string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = org + "/" + n
	}
	return out
}

// modeFor is the mode of a request for a package with the given blended
// entry: user-specified versions stay exact in a fresh HARD build.
func (e *engine) modeFor(bd *blendedDep) LockingMode {
	if e.fresh && bd != nil && bd.origin == originUser {
		return Hard
	}
	return e.mode
}

// populate is step 2: resolve the direct dependencies and merge their
// graphs. It returns the direct dependencies that no repository provides.
func (e *engine) populate(ctx context.Context, direct []*directDep) ([]*directDep, error) {
	var reqs []request
	for _, dd := range direct {
		d := desc{org: dd.id.org, name: dd.id.name}
		bd := e.bm.get(dd.id)
		isErr := false
		switch dd.kind {
		case depExisting:
			d.ver, d.hasVer, d.repo = bd.ver, true, bd.repo
			isErr = bd.isError
		default:
			if bd != nil {
				isErr = bd.isError
				d.repo = bd.repo
				if !dd.hasVer {
					d.ver, d.hasVer = bd.ver, true
				}
			}
			if dd.hasVer {
				d.ver, d.hasVer = dd.ver, true
			}
		}
		if isErr {
			e.b.addDependency(e.b.root, dnode{desc: d, scope: dd.scope, kind: dd.rkind, err: true}, false)
			continue
		}
		mode := e.modeFor(bd)
		if e.req.Sticky {
			mode = Hard
		}
		if lk := e.bm.locked(dd.id); lk != nil {
			if lk.rel == relTransitive {
				mode = Soft // a transitive dependency is now imported directly
			}
		} else if u := e.bm.user(dd.id); u != nil && u.fromLocal() {
			mode = Hard
		}
		skipWS := bd != nil && bd.skipWorkspace
		reqs = append(reqs, request{d: d, scope: dd.scope, kind: dd.rkind, mode: mode, skipWorkspace: skipWS,
			pinned: bd != nil && d.hasVer && bd.ver.Equal(d.ver)})
	}
	resps, err := e.resolveAll(ctx, reqs)
	if err != nil {
		return nil, err
	}
	var missing []*directDep
	for _, r := range resps {
		if !r.ok {
			for _, dd := range direct {
				if dd.id == r.req.d.id() {
					missing = append(missing, dd)
				}
			}
			continue
		}
		n := dnode{desc: r.d, scope: r.req.scope, kind: r.req.kind}
		if e.b.addDependency(e.b.root, n, false) == accepted {
			e.setRes(n.id(), r)
			if err := e.merge(ctx, r, n.scope, n.kind); err != nil {
				return nil, err
			}
		}
	}
	return missing, nil
}

func (e *engine) setRes(id pkgID, r response) {
	if v := e.b.vertices[id]; v != nil && v.n.ver.Equal(r.d.ver) {
		rr := r
		v.res = &rr
	}
}

// merge adds the dependencies of a resolved package from its own graph
// (mergeGraph). Built-in dependencies are replaced by the distribution's
// version and graph.
func (e *engine) merge(ctx context.Context, r response, scope Scope, kind ResolutionKind) error {
	visiting := map[string]bool{}
	return e.mergeFrom(ctx, r.pkg, r.d, scope, kind, visiting)
}

func (e *engine) mergeFrom(ctx context.Context, pkg *repository.Package, from desc, scope Scope, kind ResolutionKind, visiting map[string]bool) error {
	key := from.String()
	if visiting[key] {
		return nil // a cycle; reported at the end
	}
	visiting[key] = true
	defer delete(visiting, key)
	for _, ref := range e.depsIn(pkg, from) {
		if e.b.vertices[from.id()] == nil {
			// Merging an earlier dependency upgraded an ancestor of from
			// (the graph has a cycle through it) and from was dropped as
			// unreachable. A package that left the graph contributes no
			// edges, so the rest of its graph is not merged.
			return nil
		}
		dep := desc{org: ref.Org, name: ref.Name, ver: ref.Version, hasVer: true}
		if repository.IsBuiltIn(ref.Org, ref.Name) {
			resp, err := e.resolveOne(ctx, request{d: desc{org: ref.Org, name: ref.Name}, scope: scope, kind: kind, mode: e.mode})
			if err != nil {
				return err
			}
			if !resp.ok {
				// Not in this distribution: keep the node as the graph names it.
				e.b.addDependency(from.id(), dnode{desc: dep, scope: scope, kind: kind}, false)
				continue
			}
			n := dnode{desc: resp.d, scope: scope, kind: kind}
			if e.b.addDependency(from.id(), n, false) == accepted {
				e.setRes(n.id(), resp)
				if err := e.mergeFrom(ctx, resp.pkg, resp.d, scope, kind, visiting); err != nil {
					return err
				}
			}
			continue
		}
		n := dnode{desc: dep, scope: scope, kind: kind}
		if e.b.addDependency(from.id(), n, true) == accepted {
			if err := e.mergeFrom(ctx, pkg, dep, scope, kind, visiting); err != nil {
				return err
			}
		}
	}
	return nil
}

// depsIn returns the direct dependencies of d in pkg's dependency graph.
func (e *engine) depsIn(pkg *repository.Package, d desc) []repository.NodeRef {
	if pkg == nil {
		return nil
	}
	g := e.graphs[pkg]
	if g == nil {
		g = make(map[verKey][]repository.NodeRef, len(pkg.Graph))
		for _, n := range pkg.Graph {
			g[verKey{n.Org, n.Name, n.Version}] = n.Dependencies
		}
		e.graphs[pkg] = g
	}
	return g[verKey{d.org, d.name, d.ver}]
}

// updateVersions is step 3: revisit every node (only the unresolved ones
// when sticky) against its blended entry.
func (e *engine) updateVersions(ctx context.Context) error {
	e.b.removeDangling()
	var ids []pkgID
	if e.req.Sticky {
		ids = e.b.takeUnresolved()
	} else {
		ids = e.b.order()
		e.b.unresolved = make(map[pkgID]bool)
	}
	var reqs []request
	var errs []dnode
	for _, id := range ids {
		v := e.b.vertices[id]
		if v == nil || id == e.b.root {
			continue
		}
		if v.n.err {
			errs = append(errs, v.n)
			continue
		}
		r, ok := e.requestFor(v.n, e.bm.get(id))
		if !ok {
			n := v.n
			n.err = true
			errs = append(errs, n)
			continue
		}
		reqs = append(reqs, r)
	}
	resps, err := e.resolveAll(ctx, reqs)
	if err != nil {
		return err
	}
	if err := e.apply(ctx, resps); err != nil {
		return err
	}
	for _, n := range errs {
		e.b.addNode(n, false)
	}
	return nil
}

// requestFor builds the request for a node from its blended entry
// (getRequestForUnresolvedNode). ok is false for a version conflict.
func (e *engine) requestFor(n dnode, bd *blendedDep) (request, bool) {
	base := request{d: n.desc, scope: n.scope, kind: n.kind, mode: e.mode, cur: n.ver, hasCur: true}
	if bd == nil {
		return base, true
	}
	if bd.isError {
		return request{}, false
	}
	switch bd.ver.CompareTo(n.ver) {
	case version.Greater, version.Equal:
		mode := e.modeFor(bd)
		if e.req.Sticky || bd.fromLocal() {
			mode = Hard
		}
		r := base
		r.d = desc{org: bd.org, name: bd.name, ver: bd.ver, hasVer: true, repo: bd.repo}
		r.mode, r.pinned, r.skipWorkspace = mode, true, bd.skipWorkspace
		return r, true
	case version.Less:
		return base, true
	}
	if bd.origin == originLocked && !e.b.vertices[e.b.root].deps[n.id()] {
		// The root does not depend on this package directly, so its lock
		// entry only records what an earlier graph of some parent needed.
		// When that parent's upgrade brings in an incompatible version, the
		// parent's new graph is what counts, and the stale entry must not be
		// reported as a conflict (spec §9: parent upgrades cause no false
		// conflicts; upstream #44510). A version pinned in Ballerina.toml,
		// or a locked direct dependency, still conflicts.
		return base, true
	}
	file := "Dependencies.toml"
	if bd.origin == originUser {
		file = "Ballerina.toml"
	}
	id := n.id()
	path := e.b.pathTo(id)
	e.diags = append(e.diags, Diagnostic{Severity: SeverityError, Site: bd.site,
		Message: fmt.Sprintf("Incompatible versions: %s. Version specified in %s: %s and the version resolved from other dependencies: %s",
			id, file, bd.ver, n.ver),
		Explanation: explainPinConflict(id, file, bd.ver, n.ver, path)})
	return request{}, false
}

// apply adds the answers to the graph and merges the graphs of accepted
// versions, skipping answers whose vertex changed meanwhile.
func (e *engine) apply(ctx context.Context, resps []response) error {
	for _, r := range resps {
		if !r.ok {
			continue
		}
		if r.req.hasCur {
			v := e.b.vertices[r.d.id()]
			if v == nil || !v.n.ver.Equal(r.req.cur) || v.n.err {
				continue
			}
		}
		n := dnode{desc: r.d, scope: r.req.scope, kind: r.req.kind}
		if e.b.addNode(n, false) == accepted {
			e.setRes(n.id(), r)
			if err := e.merge(ctx, r, n.scope, n.kind); err != nil {
				return err
			}
		}
	}
	return nil
}

// complete is step 4: resolve the nodes added since, with only
// user-specified entries as minimums.
func (e *engine) complete(ctx context.Context) error {
	e.b.removeDangling()
	for round := 0; ; round++ {
		ids := e.b.takeUnresolved()
		if len(ids) == 0 {
			return nil
		}
		if round > 10000 {
			return fmt.Errorf("resolve: the graph did not settle")
		}
		var reqs []request
		for _, id := range ids {
			v := e.b.vertices[id]
			if v == nil || v.n.err {
				continue
			}
			r, ok := e.requestFor(v.n, e.bm.user(id))
			if !ok {
				n := v.n
				n.err = true
				e.b.addNode(n, false)
				continue
			}
			reqs = append(reqs, r)
		}
		resps, err := e.resolveAll(ctx, reqs)
		if err != nil {
			return err
		}
		if err := e.apply(ctx, resps); err != nil {
			return err
		}
		e.b.removeDangling()
	}
}

func (e *engine) resolveAll(ctx context.Context, reqs []request) ([]response, error) {
	out := make([]response, 0, len(reqs))
	for _, r := range reqs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		resp, err := e.resolveOne(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, resp)
	}
	return out, nil
}

// resolveOne asks the repositories in priority order and keeps the newest
// answer (§10, DefaultPackageResolver.resolvePackageMetadata).
func (e *engine) resolveOne(ctx context.Context, r request) (response, error) {
	builtIn := repository.IsBuiltIn(r.d.org, r.d.name)
	var srcs []*source
	if r.d.repo == localRepo {
		srcs = append(srcs, e.local)
	}
	srcs = append(srcs, e.dist)
	if !builtIn && !r.skipWorkspace {
		srcs = append(srcs, e.ws)
	}
	if !builtIn {
		srcs = append(srcs, e.central)
	}
	resp := response{req: r}
	for _, s := range srcs {
		if s == nil {
			continue
		}
		p, err := s.choose(ctx, r)
		if err != nil {
			return response{}, err
		}
		if p == nil {
			continue
		}
		if !resp.ok || version.IsNewer(p.Version, resp.pkg.Version) {
			repo := ""
			if s == e.local {
				repo = localRepo
			}
			resp.ok, resp.pkg = true, p
			resp.d = desc{org: r.d.org, name: r.d.name, ver: p.Version, hasVer: true, repo: repo}
		}
	}
	return resp, nil
}

// finalGraph converts the builder's vertices into a Graph.
func (e *engine) finalGraph() *Graph {
	nodes := make(map[pkgID]*Node, len(e.b.vertices))
	for id, v := range e.b.vertices {
		n := &Node{Org: id.org, Name: id.name, Version: v.n.ver, Repository: v.n.repo, Scope: v.n.scope,
			Kind: v.n.kind, Error: v.n.err}
		if v.res != nil && v.res.pkg != nil && v.res.pkg.Version.Equal(v.n.ver) {
			n.Deprecated = v.res.pkg.Deprecated
			n.DeprecationMessage = v.res.pkg.DeprecationMessage
		}
		nodes[id] = n
	}
	g := &Graph{}
	for id, n := range nodes {
		for _, d := range e.b.sortedDeps(id) {
			n.Dependencies = append(n.Dependencies, nodes[d])
		}
		g.Nodes = append(g.Nodes, n)
		if id == e.b.root {
			g.Root = n
			for m := range e.rootModules {
				n.Modules = append(n.Modules, m)
			}
		} else {
			n.Modules = append(n.Modules, e.importsOf[id]...)
		}
		n.Modules = uniqueSorted(n.Modules)
	}
	sort.Slice(g.Nodes, func(i, j int) bool {
		return pkgID{g.Nodes[i].Org, g.Nodes[i].Name}.less(pkgID{g.Nodes[j].Org, g.Nodes[j].Name})
	})
	return g
}

func uniqueSorted(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	sort.Strings(ss)
	out := ss[:1]
	for _, s := range ss[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}

// reportDeprecated warns about every deprecated package in the graph (§12).
func (e *engine) reportDeprecated(g *Graph) {
	for _, n := range g.Nodes {
		if !n.Deprecated {
			continue
		}
		msg := n.ID() + " is deprecated"
		if n.DeprecationMessage != "" {
			msg += ": " + n.DeprecationMessage
		}
		paths := g.PathsTo(n.Org, n.Name)
		expl := ""
		if len(paths) > 0 {
			expl = "used via " + formatPath(paths[0]) + "\nfix: move to a version that is not deprecated (see `bal search " + n.Org + "/" + n.Name + "`)."
		}
		e.diags = append(e.diags, Diagnostic{Severity: SeverityWarning, Message: msg, Explanation: expl})
	}
}

// reportOldTransitives warns about transitive packages built by a
// distribution older than Swan Lake Update 12 (§14).
func (e *engine) reportOldTransitives(g *Graph) {
	direct := map[pkgID]bool{}
	for _, d := range g.Root.Dependencies {
		direct[pkgID{d.Org, d.Name}] = true
	}
	u12 := version.MustParse("2201.12.0")
	var old []string
	for _, n := range g.Nodes {
		id := pkgID{n.Org, n.Name}
		v := e.b.vertices[id]
		if n == g.Root || direct[id] || v == nil || v.res == nil || v.res.pkg == nil {
			continue
		}
		bv, err := version.Parse(v.res.pkg.BallerinaVersion)
		if err == nil && bv.LessThan(u12) {
			old = append(old, n.ID())
		}
	}
	if len(old) == 0 {
		return
	}
	msg := "The following transitive dependencies were published with a distribution older than Swan Lake Update 12. " +
		"It is recommended to execute 'bal build --locking-mode=soft' to ensure compatibility:"
	for _, o := range old {
		msg += "\n\t- " + o
	}
	e.diags = append(e.diags, Diagnostic{Severity: SeverityWarning, Message: msg})
}
