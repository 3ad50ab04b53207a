package resolve

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// syntheticCentral builds a Central of 1000 packages × 20 versions in five
// layers of 200; every version depends on up to three packages of the next
// layer at random (compatible, same major) versions. The seed is fixed.
func syntheticCentral(tb testing.TB) *repository.Memory {
	tb.Helper()
	const layers, perLayer, versions = 5, 200, 20
	rng := rand.New(rand.NewSource(1))
	type key struct{ pkg, ver int }
	deps := map[key][]key{}
	name := func(p int) string { return fmt.Sprintf("p%04d", p) }
	vers := make([]version.Version, versions)
	for i := range vers {
		vers[i] = version.MustParse(fmt.Sprintf("1.%d.0", i))
	}
	for l := 0; l < layers-1; l++ {
		for i := 0; i < perLayer; i++ {
			p := l*perLayer + i
			for v := 0; v < versions; v++ {
				n := rng.Intn(4)
				for j := 0; j < n; j++ {
					deps[key{p, v}] = append(deps[key{p, v}], key{(l+1)*perLayer + rng.Intn(perLayer), rng.Intn(versions)})
				}
			}
		}
	}
	m := repository.NewMemory("central", repository.KindCentral)
	for p := 0; p < layers*perLayer; p++ {
		for v := 0; v < versions; v++ {
			pkg := &repository.Package{Org: "bench", Name: name(p), Version: vers[v], Modules: []string{name(p)}}
			seen := map[key]bool{}
			var walk func(k key)
			walk = func(k key) {
				if seen[k] {
					return
				}
				seen[k] = true
				gn := repository.GraphNode{Org: "bench", Name: name(k.pkg), Version: vers[k.ver]}
				for _, d := range deps[k] {
					gn.Dependencies = append(gn.Dependencies, repository.NodeRef{Org: "bench", Name: name(d.pkg), Version: vers[d.ver]})
				}
				pkg.Graph = append(pkg.Graph, gn)
				for _, d := range deps[k] {
					walk(d)
				}
			}
			walk(key{p, v})
			m.Add(pkg)
		}
	}
	return m
}

// BenchmarkResolve resolves 100 random imports against the synthetic
// Central, SOFT, without a lock file.
func BenchmarkResolve(b *testing.B) {
	central := syntheticCentral(b)
	rng := rand.New(rand.NewSource(2))
	req := Request{RootOrg: "bench", RootName: "app", RootVersion: version.MustParse("0.1.0"), Mode: Soft,
		Repositories: Repositories{Central: central}}
	for i := 0; i < 100; i++ {
		req.Imports = append(req.Imports, Import{Org: "bench", Module: fmt.Sprintf("p%04d", rng.Intn(1000))})
	}
	b.ReportAllocs()
	b.ResetTimer()
	var nodes int
	for i := 0; i < b.N; i++ {
		res, err := Resolve(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		nodes = len(res.Graph.Nodes)
	}
	b.ReportMetric(float64(nodes), "nodes")
}
