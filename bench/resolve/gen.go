// Package resolvebench generates synthetic package universes for the
// internal/resolve benchmarks: n packages with a fixed number of versions
// each, in layers that only depend downwards, published to an in-memory
// Central and, for comparison, exported as a Cargo local registry.
//
// # The model
//
// Packages are released over a shared clock. Each package gets its
// versions at distinct ticks, in ascending version order: a 0.x start for
// some, mostly patch and minor steps, an occasional major step and a few
// pre-releases (each followed by its stable version when one comes next).
//
// The versions other packages may depend on form the package's line: the
// stable versions with the same major as its newest stable version (for a
// 0.x package, the same major and minor). Every dependency edge names an
// in-line stable version that was already released when the dependent
// version was, so all edges to one package are compatible with each other
// under Ballerina's rule (and under Cargo's caret rule), and there are no
// conflicts to report.
//
// A version's stored dependency graph (dependency-graph.json) is what SOFT
// resolution would have given at its release tick: every package reached
// at its newest in-line stable version released by then, each node with
// the dependencies of that version. One version per package, every
// reference naming a node of the graph, every node reachable from the
// package itself.
//
// Dependency sets evolve: a package's next version usually keeps the
// previous version's dependencies (sometimes raising a minimum), and now
// and then adds or drops one. Resolving today therefore upgrades most
// nodes of the stored graphs and re-wires a few.
package resolvebench

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/resolve"
	"github.com/balcentral/balcentral/internal/version"
)

// Root package and distribution of the generated requests.
const (
	RootOrg             = "benchapp"
	RootName            = "app"
	DistributionVersion = "2201.13.0"
)

// Shape of a universe.
const (
	maxLayers    = 6
	maxDeps      = 5
	ticksPerSlot = 10 // the clock has versionsPer*ticksPerSlot ticks
)

var orgs = []string{"acme", "globex", "initech", "umbrella", "hooli", "wonka", "stark", "tyrell"}

// Universe is a generated set of packages.
type Universe struct {
	Seed        int64
	VersionsPer int
	// Packages are indexed by ID; Layers[0] is the top layer (nothing
	// depends on it), the last layer the bottom.
	Packages []*Package
	Layers   [][]int
	// GraphNodes is the number of nodes over all stored graphs.
	GraphNodes int

	central *repository.Memory
}

// Package is one generated package.
type Package struct {
	ID        int
	Org, Name string
	Layer     int
	// Versions are in ascending order, which is also release order.
	Versions []*Version
	// Line holds the indexes in Versions of the in-line stable versions,
	// ascending; dependents name only these.
	Line []int
}

// Version is one published version.
type Version struct {
	Version version.Version
	Tick    int
	Deps    []Edge
	// Meta is what Central holds for the version, Graph included.
	Meta *repository.Package
}

// Edge is a dependency on package Pkg, at least version Versions[Min] of it
// (an in-line stable version).
type Edge struct {
	Pkg, Min int
}

// Generate builds a universe of n packages with versionsPer versions each.
// The same arguments give the same universe.
func Generate(seed int64, n, versionsPer int) *Universe {
	if versionsPer < 1 {
		versionsPer = 1
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7e5017e))
	u := &Universe{Seed: seed, VersionsPer: versionsPer, central: repository.NewMemory("central", repository.KindCentral)}
	ticks := versionsPer * ticksPerSlot

	// Layers: equal sizes, the top one taking the remainder.
	layers := maxLayers
	if n/2 < layers {
		layers = max(1, n/2)
	}
	u.Layers = make([][]int, layers)
	for id := 0; id < n; id++ {
		l := 0
		if rest := n % layers; id >= rest {
			l = (id - rest) / (n / layers)
		}
		u.Layers[l] = append(u.Layers[l], id)
		p := &Package{ID: id, Org: orgs[rng.IntN(len(orgs))], Name: fmt.Sprintf("p%05d", id), Layer: l}
		p.Versions = versionSequence(rng, versionsPer)
		for i, t := range releaseTicks(rng, versionsPer, ticks) {
			p.Versions[i].Tick = t
		}
		p.Line = lineOf(p.Versions)
		u.Packages = append(u.Packages, p)
	}

	// Dependencies, bottom layer first (the bottom layer has none).
	for l := layers - 2; l >= 0; l-- {
		for _, id := range u.Layers[l] {
			u.evolveDeps(rng, u.Packages[id])
		}
	}

	// Stored graphs and Central.
	r := resolver{u: u, seen: make(map[int]int)}
	for _, p := range u.Packages {
		for i, v := range p.Versions {
			graph := r.graph(p.ID, i, v.Tick)
			u.GraphNodes += len(graph)
			bv := "2201.12.0"
			if v.Tick >= ticks/2 {
				bv = "2201.13.0"
			}
			v.Meta = &repository.Package{Org: p.Org, Name: p.Name, Version: v.Version, Platform: "any",
				BallerinaVersion: bv, Modules: []string{p.Name}, Graph: graph}
			u.central.Add(v.Meta)
		}
	}
	return u
}

// versionSequence returns n ascending versions.
func versionSequence(rng *rand.Rand, n int) []*Version {
	major, minor, patch := 1, 0, 0
	if rng.IntN(4) == 0 {
		major, minor = 0, 1
	}
	out := make([]*Version, 0, n)
	emit := func(pre string) {
		s := strconv.Itoa(major) + "." + strconv.Itoa(minor) + "." + strconv.Itoa(patch)
		if pre != "" {
			s += "-" + pre
		}
		out = append(out, &Version{Version: version.MustParse(s)})
	}
	emit("")
	stableDue := false // the last version was a pre-release of the current numbers
	for len(out) < n {
		if stableDue {
			emit("")
			stableDue = false
			continue
		}
		switch r := rng.IntN(100); {
		case major == 0 && r < 15:
			major, minor, patch = 1, 0, 0
		case major > 0 && r < 4:
			major, minor, patch = major+1, 0, 0
		case r < 35:
			minor, patch = minor+1, 0
		default:
			patch++
		}
		if patch == 0 && rng.IntN(100) < 12 {
			emit([]string{"alpha.1", "beta.1", "rc.1"}[rng.IntN(3)])
			stableDue = true
			continue
		}
		emit("")
	}
	return out
}

// releaseTicks returns n distinct ascending ticks below limit.
func releaseTicks(rng *rand.Rand, n, limit int) []int {
	seen := make(map[int]bool, n)
	out := make([]int, 0, n)
	for len(out) < n {
		t := rng.IntN(limit)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Ints(out)
	return out
}

// lineKey is the compatibility class of a version: the major, and for 0.x
// also the minor.
func lineKey(v version.Version) string {
	if v.Major() == "0" {
		return "0." + v.Minor()
	}
	return v.Major()
}

// lineOf returns the indexes of the stable versions compatible with the
// newest stable version.
func lineOf(vs []*Version) []int {
	newest := -1
	for i, v := range vs {
		if !v.Version.IsPreRelease() {
			newest = i
		}
	}
	key := lineKey(vs[newest].Version)
	var line []int
	for i, v := range vs {
		if !v.Version.IsPreRelease() && lineKey(v.Version) == key {
			line = append(line, i)
		}
	}
	return line
}

// lineStart is the tick from which p can be depended on.
func (p *Package) lineStart() int { return p.Versions[p.Line[0]].Tick }

// available returns the in-line version indexes of p released by tick t.
func (p *Package) available(t int) []int {
	n := sort.Search(len(p.Line), func(i int) bool { return p.Versions[p.Line[i]].Tick > t })
	return p.Line[:n]
}

// resolvedAt is the version index SOFT resolution picks for p at tick t:
// the newest in-line stable version released by then; t < 0 means now.
func (p *Package) resolvedAt(t int) int {
	if t < 0 {
		return p.Line[len(p.Line)-1]
	}
	av := p.available(t)
	return av[len(av)-1]
}

// evolveDeps gives every version of p its dependencies: a random set for
// the first version, then small changes from version to version.
func (u *Universe) evolveDeps(rng *rand.Rand, p *Package) {
	var cur []Edge
	for _, v := range p.Versions {
		next := make([]Edge, 0, maxDeps)
		for _, e := range cur {
			if rng.IntN(100) < 6 {
				continue // dropped
			}
			if rng.IntN(100) < 25 { // raise the minimum to the newest release
				av := u.Packages[e.Pkg].available(v.Tick)
				e.Min = av[len(av)-1]
			}
			next = append(next, e)
		}
		want := len(next)
		switch {
		case v == p.Versions[0]:
			want = depCount(rng)
		case rng.IntN(100) < 15:
			want++
		}
		for tries := 0; len(next) < min(want, maxDeps) && tries < 20; tries++ {
			if e, ok := u.pickDep(rng, p, v.Tick, next); ok {
				next = append(next, e)
			}
		}
		sort.Slice(next, func(i, j int) bool { return next[i].Pkg < next[j].Pkg })
		v.Deps = next
		cur = next
	}
}

// depCount draws 0–5 with a mean of about 2.
func depCount(rng *rand.Rand) int {
	weights := [maxDeps + 1]int{14, 24, 26, 18, 10, 8}
	r := rng.IntN(100)
	for n, w := range weights {
		if r < w {
			return n
		}
		r -= w
	}
	return maxDeps
}

// pickDep chooses a new dependency of p at tick t: mostly from the next
// layer down, sometimes from a deeper one, among packages whose line has
// started; the minimum is the newest release or an older in-line one.
func (u *Universe) pickDep(rng *rand.Rand, p *Package, t int, have []Edge) (Edge, bool) {
	l := p.Layer + 1
	if deeper := len(u.Layers) - 1 - l; deeper > 0 && rng.IntN(100) < 30 {
		l += 1 + rng.IntN(deeper)
	}
	layer := u.Layers[l]
	q := u.Packages[layer[rng.IntN(len(layer))]]
	if q.lineStart() > t {
		return Edge{}, false
	}
	for _, e := range have {
		if e.Pkg == q.ID {
			return Edge{}, false
		}
	}
	av := q.available(t)
	m := av[len(av)-1]
	if rng.IntN(2) == 0 {
		m = av[rng.IntN(len(av))]
	}
	return Edge{Pkg: q.ID, Min: m}, true
}

// resolver computes closures; seen maps package ID to the position of its
// node in the graph being built.
type resolver struct {
	u     *Universe
	seen  map[int]int
	queue []int
}

// graph returns the dependency graph of version vi of package id as SOFT
// resolution at tick t saw it (t < 0: now), breadth first from the package.
func (r *resolver) graph(id, vi, t int) []repository.GraphNode {
	clear(r.seen)
	u := r.u
	self := u.Packages[id]
	nodes := []repository.GraphNode{{Org: self.Org, Name: self.Name, Version: self.Versions[vi].Version}}
	vers := []int{vi}
	r.seen[id] = 0
	r.queue = append(r.queue[:0], id)
	for head := 0; head < len(r.queue); head++ {
		pid := r.queue[head]
		pos := r.seen[pid]
		deps := u.Packages[pid].Versions[vers[pos]].Deps
		refs := make([]repository.NodeRef, 0, len(deps))
		for _, e := range deps {
			q := u.Packages[e.Pkg]
			qi := q.resolvedAt(t)
			refs = append(refs, repository.NodeRef{Org: q.Org, Name: q.Name, Version: q.Versions[qi].Version})
			if _, ok := r.seen[e.Pkg]; !ok {
				r.seen[e.Pkg] = len(nodes)
				nodes = append(nodes, repository.GraphNode{Org: q.Org, Name: q.Name, Version: q.Versions[qi].Version})
				vers = append(vers, qi)
				r.queue = append(r.queue, e.Pkg)
			}
		}
		nodes[pos].Dependencies = refs
	}
	return nodes
}

// Central returns the in-memory Central holding every version.
func (u *Universe) Central() *repository.Memory { return u.central }

// RootPackages returns the IDs of the k packages a root application
// imports: the top layer first, then the next layers if k is larger.
func (u *Universe) RootPackages(k int) []int {
	var ids []int
	for _, layer := range u.Layers {
		for _, id := range layer {
			if len(ids) == k {
				return ids
			}
			ids = append(ids, id)
		}
	}
	return ids
}

// Roots returns the imports of a root application: the default modules of
// the packages RootPackages(k) names.
func (u *Universe) Roots(k int) []resolve.Import {
	var imps []resolve.Import
	for _, id := range u.RootPackages(k) {
		p := u.Packages[id]
		imps = append(imps, resolve.Import{Org: p.Org, Module: p.Name})
	}
	return imps
}

// Request returns a fresh-project SOFT request of the root application
// importing Roots(k), against Central only.
func (u *Universe) Request(k int) resolve.Request {
	return resolve.Request{RootOrg: RootOrg, RootName: RootName, RootVersion: version.MustParse("0.1.0"),
		Imports: u.Roots(k), Mode: resolve.Soft, DistributionVersion: DistributionVersion,
		Repositories: resolve.Repositories{Central: u.central}}
}

// Expected returns what resolving Roots(k) today must give, computed
// directly from the model: "org/name" → version for every package reached
// from the roots at its newest in-line version. The root application is
// not included.
func (u *Universe) Expected(k int) map[string]version.Version {
	out := make(map[string]version.Version)
	var queue []int
	seen := make(map[int]bool)
	for _, id := range u.RootPackages(k) {
		seen[id] = true
		queue = append(queue, id)
	}
	for head := 0; head < len(queue); head++ {
		p := u.Packages[queue[head]]
		v := p.Versions[p.resolvedAt(-1)]
		out[p.Org+"/"+p.Name] = v.Version
		for _, e := range v.Deps {
			if !seen[e.Pkg] {
				seen[e.Pkg] = true
				queue = append(queue, e.Pkg)
			}
		}
	}
	return out
}
