package registry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/blob/fsblob"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// The web UI benchmarks measure the server-side time of a page: the
// handler, the store queries and the template, through the server's
// handler (middleware included) without a network. The registry holds
// benchPackages packages (100 orgs of 100, each package with 1 to 3
// versions and up to 3 dependencies), seeded through the store. Each
// benchmark reports the 50th and 99th percentiles of its requests (the
// goal of issue 8 is p99 < 20 ms at 10,000 packages) and the time of its
// first request, which builds the caches (the web catalog reads every
// listed version's dependency graph once).
//
//	go test -run '^$' -bench WebPages -benchtime 2000x ./internal/registry/
//
// See bench/README.md, "Web UI pages", for the figures.

const benchPackages = 10_000

// benchReadme is a README of the usual size and shape: headings, prose, a
// code block and a table.
var benchReadme = `# Package %[1]s

[![Build](https://img.shields.io/badge/build-passing-green)](https://example.com/ci)

The **%[1]s** package connects Ballerina programs to the %[1]s service: it
sends requests, retries them, and maps the answers to records.

## Usage

` + "```ballerina" + `
import %[2]s/%[1]s;

public function main() returns error? {
    %[1]s:Client c = check new ({url: "https://api.example.com"});
    json answer = check c->get("/items");
}
` + "```" + `

## Configuration

| Field | Type | Default | Meaning |
|---|---|---|---|
| url | string | - | the service URL |
| timeout | decimal | 30 | seconds to wait |
| retries | int | 3 | attempts on failure |

## License

Apache-2.0. See [LICENSE](LICENSE).
` + strings.Repeat("\nMore prose about the package, its design and its limits, to make the README as long as real ones.\n", 15)

// webBenchEnv is a server seeded with benchPackages packages.
type webBenchEnv struct {
	srv      *Server
	packages []string // "org/name/version" of a version of each package
}

func newWebBenchEnv(b *testing.B) *webBenchEnv {
	b.Helper()
	dir := b.TempDir()
	ctx := context.Background()
	meta, err := sqlite.Open(ctx, filepath.Join(dir, DatabaseFile))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { meta.Close() })
	blobs, err := fsblob.Open(filepath.Join(dir, BlobDir), fsblob.Options{MaxSize: DefaultMaxUploadSize})
	if err != nil {
		b.Fatal(err)
	}
	u := &store.User{Username: "bench"}
	if err := meta.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	env := &webBenchEnv{}
	start := time.Now()
	for i := range benchPackages {
		org, name := fmt.Sprintf("org%02d", i/100), fmt.Sprintf("pkg%04d", i)
		if i%100 == 0 {
			if err := meta.CreateOrg(ctx, &store.Org{Name: org}, u.ID); err != nil {
				b.Fatal(err)
			}
		}
		var deps []bala.PackageRef
		for range rng.IntN(4) {
			if i == 0 {
				break
			}
			j := rng.IntN(i)
			deps = append(deps, bala.PackageRef{Org: fmt.Sprintf("org%02d", j/100), Name: fmt.Sprintf("pkg%04d", j), Version: "1.0.0"})
		}
		versions := 1 + rng.IntN(3)
		for v := range versions {
			ver := fmt.Sprintf("1.%d.0", v)
			if err := meta.ReserveVersion(ctx, org, name, ver, u.ID); err != nil {
				b.Fatal(err)
			}
			pv := benchVersion(b, org, name, ver, deps)
			pv.Keywords = []string{fmt.Sprintf("kw%d", i%50), "bench"}
			if err := meta.PublishVersion(ctx, pv); err != nil {
				b.Fatal(err)
			}
			if n := rng.IntN(1000); n > 0 {
				if err := meta.IncrementPullCount(ctx, org, name, ver, int64(n)); err != nil {
					b.Fatal(err)
				}
			}
			if v == versions-1 {
				env.packages = append(env.packages, org+"/"+name+"/"+ver)
			}
		}
	}
	b.Logf("seeded %d packages in %v", benchPackages, time.Since(start).Round(time.Millisecond))
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.RateLimit = Rate{}
	env.srv = NewServer(cfg, Storage{Meta: meta, Blobs: blobs}, nil)
	return env
}

// benchVersion is the metadata of a published version.
func benchVersion(b *testing.B, org, name, ver string, deps []bala.PackageRef) *store.PackageVersion {
	g := &bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: org, Name: name, Version: ver, Dependencies: deps}}}
	for _, d := range deps {
		g.Packages = append(g.Packages, bala.GraphPackage{Org: d.Org, Name: d.Name, Version: d.Version})
	}
	graph, err := bala.MarshalDependencyGraphJSON(g)
	if err != nil {
		b.Fatal(err)
	}
	return &store.PackageVersion{
		Org: org, Name: name, Version: ver, Platform: "any",
		Digest:           fmt.Sprintf("%064x", rand.Uint64()),
		Size:             4096,
		BlobKey:          "bench",
		PackageJSON:      []byte(`{"organization":"` + org + `","name":"` + name + `","version":"` + ver + `"}`),
		DependencyGraph:  graph,
		Readme:           fmt.Sprintf(benchReadme, name, org),
		Summary:          "The " + name + " package connects Ballerina programs to the " + name + " service.",
		Licenses:         []string{"Apache-2.0"},
		Authors:          []string{"Bench Author"},
		SourceRepository: "https://github.com/" + org + "/" + name,
		BallerinaVersion: "2201.10.0",
		Modules:          []store.Module{{Name: name, Summary: "The main module."}},
	}
}

// benchPages serves b.N requests for the paths next returns, timing each,
// and reports the percentiles.
func (env *webBenchEnv) benchPages(b *testing.B, next func(i int) string) {
	h := env.srv.Handler()
	serve := func(path string) time.Duration {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(start)
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, w.Code)
		}
		return d
	}
	cold := serve(next(-1))
	var times []time.Duration
	for i := 0; b.Loop(); i++ {
		times = append(times, serve(next(i)))
	}
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(cold.Microseconds())/1000, "first-ms")
}

// BenchmarkWebPages renders the pages of a registry of benchPackages
// packages (seeded once for all its sub-benchmarks):
//
//   - package: the pages of random packages, half by version and half the
//     latest; the first view of a version renders its README, later ones
//     come from the cache;
//   - search: text searches in relevance order (paged by the store), and
//     sorted or filtered ones (from the catalog, or from every match);
//   - home: the home page.
func BenchmarkWebPages(b *testing.B) {
	env := newWebBenchEnv(b)
	b.Run("package", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 4))
		env.benchPages(b, func(i int) string {
			p := env.packages[rng.IntN(len(env.packages))]
			if i%2 == 0 {
				return "/" + p
			}
			return "/" + p[:strings.LastIndexByte(p, '/')]
		})
	})
	b.Run("search", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(5, 6))
		queries := []func() string{
			func() string { return fmt.Sprintf("/search?q=pkg%02d", rng.IntN(100)) },
			func() string { return fmt.Sprintf("/search?q=service+pkg%03d", rng.IntN(1000)) },
			func() string { return "/search?q=bench&page=" + fmt.Sprint(1+rng.IntN(20)) },
			func() string { return "/search?sort=downloads&page=" + fmt.Sprint(1+rng.IntN(20)) },
			func() string { return "/search?sort=recent" },
			func() string { return fmt.Sprintf("/search?keyword=kw%d&sort=downloads", rng.IntN(50)) },
			func() string { return fmt.Sprintf("/search?org=org%02d", rng.IntN(100)) },
		}
		env.benchPages(b, func(int) string { return queries[rng.IntN(len(queries))]() })
	})
	b.Run("home", func(b *testing.B) {
		env.benchPages(b, func(int) string { return "/" })
	})
}
