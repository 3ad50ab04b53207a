package resolve

import (
	"fmt"
	"sort"

	"github.com/balcentral/balcentral/internal/version"
)

// pkgID names a package without a version.
type pkgID struct{ org, name string }

func (p pkgID) String() string { return p.org + "/" + p.name }

func (p pkgID) less(q pkgID) bool {
	if p.org != q.org {
		return p.org < q.org
	}
	return p.name < q.name
}

// desc is a package with an optional version and repository
// (PackageDescriptor).
type desc struct {
	org, name string
	ver       version.Version
	hasVer    bool
	repo      string
}

func (d desc) id() pkgID { return pkgID{d.org, d.name} }

func (d desc) String() string {
	if !d.hasVer {
		return d.org + "/" + d.name
	}
	return d.org + "/" + d.name + ":" + d.ver.String()
}

// dnode is a vertex value (ResolutionEngine.DependencyNode).
type dnode struct {
	desc
	scope Scope
	kind  ResolutionKind
	err   bool
}

// same is the reference DependencyNode equality.
func (a dnode) same(b dnode) bool {
	return a.org == b.org && a.name == b.name && a.ver.Equal(b.ver) && a.repo == b.repo &&
		a.scope == b.scope && a.kind == b.kind && a.err == b.err
}

type vertex struct {
	n    dnode
	deps map[pkgID]bool
	// res is the answer the vertex's version came from, when resolved.
	res *response
	// mark is the reachability mark of removeDangling: the generation of
	// the last sweep that proved the vertex reachable from the root.
	mark uint32

	// The incremental sweep (sweep.go) keeps the reverse edges: parents
	// are the vertices of the graph whose deps hold this vertex, each
	// once; pidx is a parent's position in parents. visit is the mark of
	// the backward search.
	id      pkgID
	parents []*vertex
	pidx    map[*vertex]int
	visit   uint32
}

type nodeStatus uint8

const (
	accepted nodeStatus = iota
	rejected
)

// conflict records an incompatible pair for the explanation.
type conflict struct {
	pkg     pkgID
	oldVer  version.Version
	oldPath []string
	newVer  version.Version
	newPath []string
}

// builder keeps one version per package (PackageDependencyGraphBuilder,
// §9).
type builder struct {
	root       pkgID
	vertices   map[pkgID]*vertex
	unresolved map[pkgID]bool
	conflicts  []conflict
	diags      []Diagnostic
	gen        uint32
	stack      []pkgID

	// fullSweep selects the original removeDangling, a walk of the whole
	// graph on every call, and turns off the bookkeeping of the
	// incremental one. It is the reference for the differential tests.
	fullSweep bool
	// checkSweep makes every incremental sweep verify its result against a
	// full walk (and the reverse edges against deps), panicking on a
	// difference. Tests only.
	checkSweep bool
	// State of the incremental sweep (sweep.go): the vertices to examine at
	// the next sweep, and the scratch space of the sweep and the backward
	// search.
	check    []pkgID
	deferred []*vertex
	visit    uint32
	frames   []frame
	lost     []*vertex
}

func newBuilder(root dnode) *builder {
	b := &builder{root: root.id(), vertices: make(map[pkgID]*vertex), unresolved: make(map[pkgID]bool)}
	b.vertices[root.id()] = &vertex{n: root, deps: make(map[pkgID]bool), id: root.id()}
	return b
}

// addDependency adds dep as a dependency of from. unresolved marks a new or
// upgraded vertex for a later repository lookup.
func (b *builder) addDependency(from pkgID, dep dnode, unresolved bool) nodeStatus {
	fv := b.vertices[from]
	if fv == nil {
		panic(fmt.Sprintf("resolve: dependent %s is not in the graph", from))
	}
	st, changed := b.addVertex(dep, unresolved, &from)
	if did := dep.id(); !fv.deps[did] {
		fv.deps[did] = true
		if !b.fullSweep {
			b.vertices[did].addParent(fv)
		}
	}
	if changed {
		b.removeDangling()
	}
	return st
}

// addNode adds or updates a vertex without an edge.
func (b *builder) addNode(n dnode, unresolved bool) nodeStatus {
	st, changed := b.addVertex(n, unresolved, nil)
	if changed {
		b.removeDangling()
	}
	return st
}

// addVertex merges n into the graph (addNewVertex). changed reports a
// version change or a new error node, after which the vertex's old
// dependencies no longer apply.
func (b *builder) addVertex(n dnode, unresolved bool, from *pkgID) (st nodeStatus, changed bool) {
	id := n.id()
	v := b.vertices[id]
	if v == nil {
		b.vertices[id] = &vertex{n: n, deps: make(map[pkgID]bool), id: id}
		if unresolved {
			b.unresolved[id] = true
		}
		if from == nil && !b.fullSweep {
			// Added without an edge (addNode): dangling unless an edge
			// comes before the next sweep.
			b.check = append(b.check, id)
		}
		return accepted, false
	}
	old := v.n
	if old.err {
		return rejected, false
	}
	var merged dnode
	if n.err {
		merged, st = n, accepted
		changed = true
	} else {
		rel := n.ver.CompareTo(old.ver)
		switch rel {
		case version.Incompatible:
			b.recordConflict(id, old, n, from)
			merged = old
			merged.err = true
			st, changed = accepted, true
		default:
			merged.desc = old.desc
			switch rel {
			case version.Greater:
				merged.desc = n.desc
			case version.Equal:
				if merged.repo == "" {
					merged.repo = n.repo
				}
			}
			merged.scope = n.scope
			if old.scope == ScopeDefault {
				merged.scope = ScopeDefault
			}
			merged.kind = n.kind
			if old.kind == KindSource {
				merged.kind = KindSource
			}
			st = b.status(id, old, n, unresolved)
			changed = st == accepted && !n.ver.Equal(old.ver)
		}
	}
	v.n = merged
	if st == accepted && n.same(old) {
		// The very same node again (a diamond or a cycle): its
		// dependencies stand; the caller re-merges the same graph.
		return st, false
	}
	if st == accepted {
		if !b.fullSweep {
			b.detachDeps(v)
		}
		v.deps = make(map[pkgID]bool)
		if changed {
			v.res = nil
		}
	}
	return st, changed
}

// status decides whether a compatible new node replaces the existing one
// (getNodeStatus).
func (b *builder) status(id pkgID, old, n dnode, unresolved bool) nodeStatus {
	if n.same(old) {
		return accepted
	}
	switch c := n.ver.Compare(old.ver); {
	case c > 0:
		if unresolved {
			b.unresolved[id] = true
		}
		return accepted
	case c < 0:
		return rejected
	}
	if n.repo == localRepo {
		return accepted
	}
	if old.repo == localRepo {
		return rejected
	}
	return accepted
}

func (b *builder) recordConflict(id pkgID, old, n dnode, from *pkgID) {
	b.diags = append(b.diags, Diagnostic{Severity: SeverityError,
		Message: fmt.Sprintf("Two incompatible versions exist in the dependency graph: %s versions: %s, %s",
			id, old.ver, n.ver)})
	c := conflict{pkg: id, oldVer: old.ver, newVer: n.ver, oldPath: b.pathTo(id)}
	if from != nil {
		c.newPath = append(b.pathTo(*from), n.String())
	} else {
		c.newPath = []string{b.vertices[b.root].n.String(), n.String()}
	}
	b.conflicts = append(b.conflicts, c)
}

// pathTo returns the shortest path from the root to id as "org/name:version"
// strings (breadth first, dependencies in name order).
func (b *builder) pathTo(id pkgID) []string {
	prev := map[pkgID]pkgID{}
	seen := map[pkgID]bool{b.root: true}
	queue := []pkgID{b.root}
	for len(queue) > 0 && !seen[id] {
		cur := queue[0]
		queue = queue[1:]
		for _, d := range b.sortedDeps(cur) {
			if !seen[d] {
				seen[d] = true
				prev[d] = cur
				queue = append(queue, d)
			}
		}
	}
	if !seen[id] {
		if v := b.vertices[id]; v != nil {
			return []string{v.n.String()}
		}
		return []string{id.String()}
	}
	var path []string
	for cur := id; ; cur = prev[cur] {
		path = append([]string{b.vertices[cur].n.String()}, path...)
		if cur == b.root {
			break
		}
	}
	return path
}

func (b *builder) sortedDeps(id pkgID) []pkgID {
	v := b.vertices[id]
	if v == nil {
		return nil
	}
	out := make([]pkgID, 0, len(v.deps))
	for d := range v.deps {
		if b.vertices[d] != nil {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}

// takeUnresolved returns and clears the unresolved vertices, in name order.
func (b *builder) takeUnresolved() []pkgID {
	var out []pkgID
	for id := range b.unresolved {
		if b.vertices[id] != nil {
			out = append(out, id)
		}
	}
	b.unresolved = make(map[pkgID]bool)
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}

// order returns every vertex except the root, breadth first from the root
// (parents before children), then any stragglers in name order.
func (b *builder) order() []pkgID {
	seen := map[pkgID]bool{b.root: true}
	var out []pkgID
	queue := []pkgID{b.root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, d := range b.sortedDeps(cur) {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
				queue = append(queue, d)
			}
		}
	}
	var rest []pkgID
	for id := range b.vertices {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].less(rest[j]) })
	return append(out, rest...)
}
