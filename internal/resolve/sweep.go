package resolve

import "fmt"

// Dropping dangling vertices (§9: "nodes left unreachable from the root are
// dropped").
//
// # What must not change
//
// The builder sweeps at fixed points: after every addDependency or addNode
// that changed a vertex's version (or made it an error node), and where the
// engine calls removeDangling (before updateVersions and complete read the
// graph, after each completion round, before the final graph). Between two
// sweeps the graph may hold vertices no longer reachable from the root — a
// vertex whose deps were reset without a version change (a scope or
// repository merge) leaves its old children behind until the next sweep,
// and addNode may add a vertex without an edge — and the decisions taken
// meanwhile see them: addVertex merges into an existing vertex (an error
// node rejects, an older or equal version is kept) but starts afresh when
// there is none, addDependency needs its dependent, takeUnresolved and
// order list the vertices, requestFor reads the root's edges and pathTo the
// graph. So the only way to be sure that every decision, and hence every
// result, stays the same is for each sweep to delete exactly the set the
// original full walk deleted: the vertices not reachable from the root at
// that moment, no more, no fewer, at the same moments. That is what the
// incremental sweep does; only the cost of finding the set changes.
//
// # How
//
// Every vertex keeps its parents: the vertices of the graph whose deps hold
// it. Every operation that removes an edge — a deps reset in addVertex, or
// the deletion of a vertex by a sweep — queues the former child in
// b.check, and so does addNode for a vertex it creates without an edge.
// A sweep then looks only at the queued vertices that still exist:
//
//   - no parents (and not the root): unreachable. Delete it, which queues
//     its children (the cascade of the in-degree scheme);
//   - otherwise (once the cascade has run) search backwards through
//     parents: reaching the root or a vertex already proved reachable in
//     this sweep proves the vertex (and the path found) reachable;
//     exhausting the search means the vertex's whole ancestor closure,
//     which the search has visited, lacks the root, so every vertex in it
//     is unreachable (its own ancestors are in the closure too): delete
//     them all. This is what drops a cycle cut off from the root, whose
//     members never lose all their parents.
//
// Deleting only unreachable vertices cannot make another vertex unreachable
// that was reachable, so marks given during a sweep stay valid until its
// end, and each verdict is exact on its own. What remains to show is that
// the queue misses nothing: after the sweep no unreachable vertex remains.
//
// Right after a sweep every vertex is reachable. Suppose that at the next
// sweep some vertex u remains unreachable although every queued vertex has
// been dealt with. If u existed at the last sweep, take the path root = x0
// → … → xk = u it had then, and the last xj still reachable now (j < k);
// the edge xj → xj+1 is gone, so xj+1 was queued when it was removed, and
// for every later xm that was deleted, the edge xm → xm+1 went away too
// (removed before, or with xm), queueing xm+1. The first xm after xj that
// still exists was thus queued, is unreachable (all of xj+1…xk are) and
// still exists: a contradiction. So u was created since the last sweep;
// take the first created such vertex, w. If addNode created it, it was
// queued. If addDependency(from, …) did, the edge from → w came with it;
// if that edge was removed since, or from was deleted (which removes it),
// w was queued; otherwise from still exists, is unreachable (or w would
// not be) and is older than w, which neither case allows (from existed at
// the last sweep, or w is not the first). In every case w was queued, a
// contradiction again. Hence the set deleted is the
// unreachable set, at every sweep, and results are identical; the
// differential tests compare both sweeps on many generated universes, and
// checkSweep verifies every incremental sweep against a full walk.
//
// # Cost
//
// Queue entries come from removed edges and edgeless vertices, each
// deletion is paid by its vertex and its edges, and in an acyclic graph the
// backward search from a vertex with parents follows its first parent up
// to the root or a marked vertex (every remaining non-root vertex has a
// parent once the cascade has run), so a sweep costs about the work that
// made it necessary instead of the size of the graph. The full walk after
// each of the thousands of version changes of a large resolution was
// quadratic.

// removeDangling drops the vertices not reachable from the root.
func (b *builder) removeDangling() {
	if b.fullSweep {
		b.removeDanglingFull()
		return
	}
	b.sweep()
	if b.checkSweep {
		b.verifySweep()
	}
}

// removeDanglingFull is the original sweep, kept as the reference: it marks
// with a generation number and an explicit stack from the root, then deletes
// every unmarked vertex.
func (b *builder) removeDanglingFull() {
	b.gen++
	stack := append(b.stack[:0], b.root)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		v := b.vertices[id]
		if v == nil || v.mark == b.gen {
			continue
		}
		v.mark = b.gen
		for d := range v.deps {
			if dv := b.vertices[d]; dv != nil && dv.mark != b.gen {
				stack = append(stack, d)
			}
		}
	}
	b.stack = stack
	for id, v := range b.vertices {
		if v.mark != b.gen {
			delete(b.vertices, id)
			delete(b.unresolved, id)
		}
	}
}

// sweep is the incremental removeDangling (see the comment at the top).
func (b *builder) sweep() {
	if len(b.check) == 0 {
		return
	}
	b.gen++
	for {
		// The cascade first, so that the searches below do not wander
		// through vertices about to go.
		for len(b.check) > 0 {
			id := b.check[len(b.check)-1]
			b.check = b.check[:len(b.check)-1]
			v := b.vertices[id]
			if v == nil || id == b.root || v.mark == b.gen {
				continue
			}
			if len(v.parents) == 0 {
				b.drop(v)
				continue
			}
			b.deferred = append(b.deferred, v)
		}
		if len(b.deferred) == 0 {
			return
		}
		v := b.deferred[len(b.deferred)-1]
		b.deferred = b.deferred[:len(b.deferred)-1]
		if b.vertices[v.id] != v || v.mark == b.gen {
			continue
		}
		if len(v.parents) == 0 {
			b.drop(v)
			continue
		}
		if !b.reachable(v) {
			for _, lv := range b.lost {
				b.drop(lv)
			}
		}
	}
}

// frame is one vertex of the backward search and the index of its next
// parent to try.
type frame struct {
	v    *vertex
	next int
}

// reachable reports whether v is reachable from the root, searching
// backwards, depth first, through parents. On true the vertices of the path
// found are marked reachable for the rest of the sweep; on false b.lost
// holds v's whole ancestor closure, none of which is reachable.
func (b *builder) reachable(v *vertex) bool {
	b.visit++
	v.visit = b.visit
	b.lost = append(b.lost[:0], v)
	frames := append(b.frames[:0], frame{v: v})
	for len(frames) > 0 {
		f := &frames[len(frames)-1]
		if f.next == len(f.v.parents) {
			frames = frames[:len(frames)-1]
			continue
		}
		p := f.v.parents[f.next]
		f.next++
		if p.id == b.root || p.mark == b.gen {
			// frames is a path from p's child down to v.
			for _, fr := range frames {
				fr.v.mark = b.gen
			}
			b.frames = frames[:0]
			return true
		}
		if p.visit == b.visit {
			continue
		}
		p.visit = b.visit
		b.lost = append(b.lost, p)
		frames = append(frames, frame{v: p})
	}
	b.frames = frames
	return false
}

// drop deletes v, which is unreachable, and queues its children. A vertex
// dropped with its whole ancestor closure may already be gone.
func (b *builder) drop(v *vertex) {
	if b.vertices[v.id] != v {
		return
	}
	delete(b.vertices, v.id)
	delete(b.unresolved, v.id)
	b.detachDeps(v)
}

// detachDeps removes v from the parents of its dependencies and queues
// them: each may have lost its last path from the root. v.deps itself is
// left to the caller.
func (b *builder) detachDeps(v *vertex) {
	for d := range v.deps {
		if dv := b.vertices[d]; dv != nil {
			dv.removeParent(v)
			b.check = append(b.check, d)
		}
	}
}

func (v *vertex) addParent(p *vertex) {
	if v.pidx == nil {
		v.pidx = make(map[*vertex]int)
	}
	if _, ok := v.pidx[p]; ok {
		return
	}
	v.pidx[p] = len(v.parents)
	v.parents = append(v.parents, p)
}

func (v *vertex) removeParent(p *vertex) {
	i, ok := v.pidx[p]
	if !ok {
		return
	}
	last := len(v.parents) - 1
	if i != last {
		moved := v.parents[last]
		v.parents[i] = moved
		v.pidx[moved] = i
	}
	v.parents[last] = nil
	v.parents = v.parents[:last]
	delete(v.pidx, p)
}

// verifySweep checks the incremental sweep against a full walk from the
// root, and the reverse edges against deps (checkSweep, tests only).
func (b *builder) verifySweep() {
	reach := map[pkgID]bool{b.root: true}
	stack := []pkgID{b.root}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for d := range b.vertices[id].deps {
			if b.vertices[d] == nil {
				panic(fmt.Sprintf("resolve: sweep check: %s depends on %s, which is not in the graph", id, d))
			}
			if !reach[d] {
				reach[d] = true
				stack = append(stack, d)
			}
		}
	}
	parents := map[*vertex]map[*vertex]bool{}
	for id, v := range b.vertices {
		if !reach[id] {
			panic(fmt.Sprintf("resolve: sweep check: %s is unreachable but was kept", id))
		}
		if v.id != id {
			panic(fmt.Sprintf("resolve: sweep check: vertex %s filed as %s", v.id, id))
		}
		for d := range v.deps {
			dv := b.vertices[d]
			if parents[dv] == nil {
				parents[dv] = map[*vertex]bool{}
			}
			parents[dv][v] = true
		}
	}
	for id, v := range b.vertices {
		want := parents[v]
		if len(want) != len(v.parents) || len(v.pidx) != len(v.parents) {
			panic(fmt.Sprintf("resolve: sweep check: %s has %d parents, %d recorded", id, len(want), len(v.parents)))
		}
		for i, p := range v.parents {
			if !want[p] || v.pidx[p] != i {
				panic(fmt.Sprintf("resolve: sweep check: %s: wrong parent %s", id, p.id))
			}
		}
	}
}
