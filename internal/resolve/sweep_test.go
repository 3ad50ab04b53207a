package resolve

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/version"
)

// TestMain runs every test of the package with checkSweeps on, so that each
// incremental sweep of every resolution (the conformance cases, the
// scenarios, the differential tests) is compared with a full walk. Runs
// that include benchmarks leave it off, as it makes each sweep a full walk
// again.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		checkSweeps = true
	}
	os.Exit(m.Run())
}

// builderState is everything of a builder that a decision can read.
func builderState(b *builder) string {
	var ids []pkgID
	for id := range b.vertices {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].less(ids[j]) })
	var sb strings.Builder
	for _, id := range ids {
		v := b.vertices[id]
		fmt.Fprintf(&sb, "%s %+v unresolved=%v res=%v deps=", id, v.n, b.unresolved[id], v.res != nil)
		var deps []string
		for d, ok := range v.deps {
			deps = append(deps, fmt.Sprintf("%s:%v", d, ok))
		}
		sort.Strings(deps)
		fmt.Fprintln(&sb, deps)
	}
	var unres []string
	for id, ok := range b.unresolved {
		unres = append(unres, fmt.Sprintf("%s:%v", id, ok))
	}
	sort.Strings(unres)
	fmt.Fprintln(&sb, "unresolved:", unres)
	for _, d := range b.diags {
		fmt.Fprintln(&sb, "diag:", d)
	}
	for _, c := range b.conflicts {
		fmt.Fprintf(&sb, "conflict: %+v\n", c)
	}
	return sb.String()
}

// TestSweepRandomOperations drives the builder with random operations —
// edges from any vertex (dangling ones included) to packages at random
// versions, compatible and incompatible, error nodes, scope and kind
// changes that reset a vertex's edges without a version change, edgeless
// additions, explicit sweeps — and compares it after every operation with a
// builder running the original full sweep. The few package names make
// diamonds and cycles (also through the root) common.
func TestSweepRandomOperations(t *testing.T) {
	vers := []version.Version{}
	for _, s := range []string{"0.1.0", "0.1.1", "0.2.0", "1.0.0", "1.0.1", "1.1.0", "1.2.0-beta.1", "2.0.0"} {
		vers = append(vers, version.MustParse(s))
	}
	seeds, ops := 100, 250
	if testing.Short() {
		seeds = 40
	}
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(uint64(seed), 99))
		names := 3 + rng.IntN(12)
		root := dnode{desc: desc{org: "o", name: "root", ver: vers[3], hasVer: true}}
		ref, inc := newBuilder(root), newBuilder(root)
		ref.fullSweep = true
		inc.checkSweep = true
		var trace []string
		for op := range ops {
			pick := func() dnode {
				n := dnode{desc: desc{org: "o", name: fmt.Sprintf("p%d", rng.IntN(names)), ver: vers[rng.IntN(len(vers))], hasVer: true}}
				if rng.IntN(20) == 0 {
					n.name = "root" // a cycle through the root
				}
				if rng.IntN(8) == 0 {
					n.repo = localRepo
				}
				n.scope = Scope(rng.IntN(2))
				n.kind = ResolutionKind(rng.IntN(3))
				n.err = rng.IntN(40) == 0
				return n
			}
			var desc string
			var st1, st2 nodeStatus
			switch r := rng.IntN(20); {
			case r < 14:
				// An edge from an existing vertex, in name order so that
				// both builders pick the same.
				var ids []pkgID
				for id := range ref.vertices {
					ids = append(ids, id)
				}
				sort.Slice(ids, func(i, j int) bool { return ids[i].less(ids[j]) })
				from := ids[rng.IntN(len(ids))]
				n, unres := pick(), rng.IntN(2) == 0
				desc = fmt.Sprintf("addDependency(%s, %+v, %v)", from, n, unres)
				st1, st2 = ref.addDependency(from, n, unres), inc.addDependency(from, n, unres)
			case r < 17:
				n, unres := pick(), rng.IntN(2) == 0
				desc = fmt.Sprintf("addNode(%+v, %v)", n, unres)
				st1, st2 = ref.addNode(n, unres), inc.addNode(n, unres)
			case r < 19:
				desc = "removeDangling"
				ref.removeDangling()
				inc.removeDangling()
			default:
				desc = "takeUnresolved"
				if a, b := ref.takeUnresolved(), inc.takeUnresolved(); !reflect.DeepEqual(a, b) {
					t.Fatalf("seed %d op %d: takeUnresolved %v, reference %v", seed, op, b, a)
				}
			}
			trace = append(trace, desc)
			if st1 != st2 {
				t.Fatalf("seed %d op %d: %s: status %v, reference %v", seed, op, desc, st2, st1)
			}
			if a, b := builderState(ref), builderState(inc); a != b {
				t.Fatalf("seed %d op %d: states differ after\n%s\nreference:\n%s\nincremental:\n%s", seed, op, strings.Join(trace, "\n"), a, b)
			}
			if a, b := ref.order(), inc.order(); !reflect.DeepEqual(a, b) {
				t.Fatalf("seed %d op %d: order %v, reference %v", seed, op, b, a)
			}
		}
	}
}
