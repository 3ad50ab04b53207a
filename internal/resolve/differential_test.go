package resolve_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	resolvebench "github.com/balcentral/balcentral/bench/resolve"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/resolve"
)

// TestSweepDifferential resolves many requests against universes from
// bench/resolve's generator twice, with the builder's incremental sweep and
// with the original full sweep after every change, and requires the same
// result: every node with its identity, deprecation, modules and
// dependencies, the lock file, the diagnostics with their explanations,
// the unresolved imports, the error.
//
// For each seed and size: three repository setups (the universe as
// generated; the same with distribution 2201.12.0, which hides the versions
// built by 2201.13.0; and a "twisted" copy with deprecated versions,
// back edges that make cycles, some through the root, a distribution
// repository and a local one holding copies of some versions, and
// Ballerina.toml pins, some on the local repository), each in five modes
// (SOFT, MEDIUM, HARD, LOCKED, HARD sticky) with three lock files (none;
// the lock file of a SOFT resolution, written and read back; that lock
// file with versions moved to other versions of the same package, often of
// another major, and entries dropped). The imports are the generator's root
// imports plus a few packages of lower layers.
//
// A panic fails the test. One input (seed 2, N=300, twisted, MEDIUM, no
// lock) used to panic in both sweeps with "dependent … is not in the graph":
// while complete merges the graph of a package p, one of p's dependencies
// is also an ancestor of p (a back edge of the twisted universe) and gets
// upgraded, its old edges go, p is no longer reachable, the sweep drops p,
// and the next addDependency from p found it gone. mergeFrom now stops
// merging a package that has left the graph.
func TestSweepDifferential(t *testing.T) {
	seeds, sizes := []int64{1, 2, 3}, []int{100, 200, 300}
	if testing.Short() {
		seeds, sizes = []int64{1, 2}, []int{100, 200}
	}
	type modeCase struct {
		name   string
		mode   resolve.LockingMode
		sticky bool
	}
	modes := []modeCase{{"soft", resolve.Soft, false}, {"medium", resolve.Medium, false}, {"hard", resolve.Hard, false},
		{"locked", resolve.Locked, false}, {"hard-sticky", resolve.Hard, true}}
	ctx := context.Background()
	var runs, withErrors, withCycles, panics int
	for _, seed := range seeds {
		for _, n := range sizes {
			u := resolvebench.Generate(seed, n, 20)
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(n)))
			base := u.Request(max(1, n/10))
			// A few imports of lower layers, some of them also reached
			// transitively.
			for range 3 {
				p := u.Packages[rng.IntN(n)]
				base.Imports = append(base.Imports, resolve.Import{Org: p.Org, Module: p.Name})
			}
			old := base
			old.DistributionVersion = "2201.12.0"
			setups := []struct {
				name string
				req  resolve.Request
			}{{"plain", base}, {"dist-2201.12", old}, {"twisted", twisted(u, base, rng)}}
			for _, setup := range setups {
				// The lock file of a SOFT resolution, and a perturbed one.
				first, err := resolve.Resolve(ctx, setup.req)
				if err != nil {
					t.Fatal(err)
				}
				lock := roundTrip(t, first)
				locks := []struct {
					name string
					lock *manifest.DependenciesToml
				}{{"no-lock", nil}, {"lock", lock}, {"perturbed-lock", perturb(u, roundTrip(t, first), rng)}}
				for _, m := range modes {
					for _, l := range locks {
						req := setup.req
						req.Mode, req.Sticky, req.Lock = m.mode, m.sticky, l.lock
						name := fmt.Sprintf("seed=%d/n=%d/%s/%s/%s", seed, n, setup.name, m.name, l.name)
						a := run(func() (*resolve.Result, error) { return resolve.Resolve(ctx, req) })
						b := run(func() (*resolve.Result, error) { return resolve.ResolveFullSweep(ctx, req) })
						runs++
						if a != b {
							t.Errorf("%s: results differ\n%s", name, firstDiff(b, a))
							continue
						}
						if strings.HasPrefix(a, "panic: ") {
							// Resolve must never panic, whatever the input.
							panics++
							t.Errorf("%s: both %s", name, a)
						}
						if strings.Contains(a, "ERROR") {
							withErrors++
						}
						if strings.Contains(a, "cyclic module imports") {
							withCycles++
						}
					}
				}
			}
		}
	}
	t.Logf("%d resolutions compared, %d with errors, %d with cycles, %d panicking", runs, withErrors, withCycles, panics)
	if withErrors == 0 || withCycles == 0 {
		t.Errorf("the inputs no longer exercise conflicts (%d) or cycles (%d)", withErrors, withCycles)
	}
}

// twisted returns base against a modified copy of the universe's Central,
// plus distribution and local repositories and Ballerina.toml pins.
func twisted(u *resolvebench.Universe, base resolve.Request, rng *rand.Rand) resolve.Request {
	central := repository.NewMemory("central", repository.KindCentral)
	dist := repository.NewMemory("dist", repository.KindDistribution)
	local := repository.NewMemory("local", repository.KindLocal)
	req := base
	rootVer := base.RootVersion
	for _, p := range u.Packages {
		for vi, v := range p.Versions {
			cp := *v.Meta
			cp.Graph = make([]repository.GraphNode, len(v.Meta.Graph))
			for i, gn := range v.Meta.Graph {
				gn.Dependencies = append([]repository.NodeRef(nil), gn.Dependencies...)
				cp.Graph[i] = gn
			}
			if rng.IntN(12) == 0 {
				cp.Deprecated = true
				if rng.IntN(2) == 0 {
					cp.DeprecationMessage = "use a newer version"
				}
			}
			if p.Layer > 0 && rng.IntN(15) == 0 {
				// A back edge to a package of an upper layer (or to the root
				// application): a cycle once both are in the graph.
				ref := repository.NodeRef{Org: resolvebench.RootOrg, Name: resolvebench.RootName, Version: rootVer}
				if rng.IntN(4) != 0 {
					up := u.Layers[rng.IntN(p.Layer)]
					q := u.Packages[up[rng.IntN(len(up))]]
					ref = repository.NodeRef{Org: q.Org, Name: q.Name, Version: q.Versions[q.Line[rng.IntN(len(q.Line))]].Version}
				}
				for i := range cp.Graph {
					if cp.Graph[i].Org == p.Org && cp.Graph[i].Name == p.Name {
						cp.Graph[i].Dependencies = append(cp.Graph[i].Dependencies, ref)
					}
				}
			}
			central.Add(&cp)
			if rng.IntN(25) == 0 {
				dcp := cp
				dcp.Deprecated = false
				dist.Add(&dcp)
			}
			if rng.IntN(40) == 0 {
				local.Add(&cp)
				if rng.IntN(2) == 0 {
					req.Dependencies = append(req.Dependencies, manifest.Dependency{Org: p.Org, Name: p.Name,
						Version: v.Version.String(), Repository: "local"})
				}
			}
			if vi == len(p.Versions)/2 && rng.IntN(30) == 0 {
				req.Dependencies = append(req.Dependencies, manifest.Dependency{Org: p.Org, Name: p.Name, Version: v.Version.String()})
			}
		}
	}
	req.Repositories = resolve.Repositories{Central: central, Distribution: dist, Local: local}
	return req
}

// perturb moves about a fifth of the locked versions to another version of
// the same package and drops a few entries.
func perturb(u *resolvebench.Universe, lock *manifest.DependenciesToml, rng *rand.Rand) *manifest.DependenciesToml {
	byName := map[string]*resolvebench.Package{}
	for _, p := range u.Packages {
		byName[p.Org+"/"+p.Name] = p
	}
	var kept []manifest.LockedPackage
	for _, lp := range lock.Packages {
		p := byName[lp.Org+"/"+lp.Name]
		switch r := rng.IntN(20); {
		case p == nil:
		case r < 4:
			lp.Version = p.Versions[rng.IntN(len(p.Versions))].Version.String()
		case r == 4:
			continue
		}
		kept = append(kept, lp)
	}
	lock.Packages = kept
	return lock
}

func roundTrip(t *testing.T, res *resolve.Result) *manifest.DependenciesToml {
	t.Helper()
	text := manifest.FormatDependenciesToml(res.Graph.LockFile(resolvebench.DistributionVersion))
	lock, diags := manifest.ParseDependenciesToml("Dependencies.toml", text)
	if diags.HasErrors() {
		t.Fatalf("lock file: %v", diags)
	}
	return lock
}

// run returns the dump of a resolution, or its panic.
func run(f func() (*resolve.Result, error)) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprint("panic: ", r)
		}
	}()
	return dump(f())
}

// dump renders everything a resolution returns.
func dump(res *resolve.Result, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var sb strings.Builder
	g := res.Graph
	fmt.Fprintf(&sb, "root %s\n", g.Root.ID())
	for _, n := range g.Nodes {
		fmt.Fprintf(&sb, "node %s repo=%q scope=%v kind=%v error=%v deprecated=%v %q modules=%v\n",
			n.ID(), n.Repository, n.Scope, n.Kind, n.Error, n.Deprecated, n.DeprecationMessage, n.Modules)
		for _, d := range n.Dependencies {
			fmt.Fprintf(&sb, "  -> %s\n", d.ID())
		}
	}
	for _, d := range res.Diagnostics {
		fmt.Fprintf(&sb, "diag %v site=%q %s\n", d.Severity, d.Site, strings.ReplaceAll(d.Message+"\n"+d.Explanation, "\n", "\n  | "))
	}
	for _, imp := range res.UnresolvedImports {
		fmt.Fprintf(&sb, "unresolved %+v\n", imp)
	}
	sb.Write(manifest.FormatDependenciesToml(g.LockFile(resolvebench.DistributionVersion)))
	return sb.String()
}

// firstDiff shows the first differing line of two dumps with some context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		if i < len(w) && i < len(g) && w[i] == g[i] {
			continue
		}
		lo := max(0, i-3)
		return fmt.Sprintf("reference lines %d..:\n%s\nincremental:\n%s", lo+1,
			strings.Join(w[lo:min(len(w), i+4)], "\n"), strings.Join(g[lo:min(len(g), i+4)], "\n"))
	}
	return "(same)"
}
