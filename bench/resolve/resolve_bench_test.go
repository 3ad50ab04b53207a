package resolvebench

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/resolve"
	"github.com/balcentral/balcentral/internal/version"
)

// The benchmark universes: seed 1, 20 versions per package; the root
// application imports a tenth of the packages (the whole top layer at
// N=100 and 1,000 is larger than that, so all roots are top-layer ones).
const (
	benchSeed     = 1
	benchVersions = 20
)

func rootsFor(n int) int { return max(1, n/10) }

var (
	universeMu sync.Mutex
	universes  = map[int]*Universe{}

	exportMu  sync.Mutex
	exportDir string             // a temporary directory for the Cargo exports, removed by TestMain
	exports   = map[int]string{} // N → root project directory
)

func TestMain(m *testing.M) {
	code := m.Run()
	if exportDir != "" {
		os.RemoveAll(exportDir)
	}
	os.Exit(code)
}

// universe returns the benchmark universe of n packages, generated once
// per process.
func universe(tb testing.TB, n int) *Universe {
	tb.Helper()
	universeMu.Lock()
	defer universeMu.Unlock()
	if u := universes[n]; u != nil {
		return u
	}
	start := time.Now()
	u := Generate(benchSeed, n, benchVersions)
	tb.Logf("generated N=%d: %d versions, %d stored graph nodes, in %v", n, n*benchVersions, u.GraphNodes, time.Since(start).Round(time.Millisecond))
	universes[n] = u
	return u
}

// cargoProject returns the root project of the Cargo export of the
// universe of n packages, written once per process.
func cargoProject(tb testing.TB, n int) string {
	tb.Helper()
	u := universe(tb, n)
	exportMu.Lock()
	defer exportMu.Unlock()
	if dir := exports[n]; dir != "" {
		return dir
	}
	if exportDir == "" {
		d, err := os.MkdirTemp("", "resolvebench-cargo-")
		if err != nil {
			tb.Fatal(err)
		}
		exportDir = d
	}
	base := filepath.Join(exportDir, fmt.Sprintf("n%d", n))
	registry, project := filepath.Join(base, "registry"), filepath.Join(base, "app")
	if err := os.MkdirAll(registry, 0o755); err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	if err := u.WriteCargoRegistry(registry); err != nil {
		tb.Fatal(err)
	}
	if err := u.WriteCargoProject(project, registry, rootsFor(n)); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("exported N=%d as a Cargo local registry in %v", n, time.Since(start).Round(time.Millisecond))
	exports[n] = project
	return project
}

// TestGeneratorInvariants checks the model on the N=100 universe: the
// versions, the edges (existing, in-line, released in time, downwards) and
// that every stored graph is the closure its version resolved to.
func TestGeneratorInvariants(t *testing.T) {
	const n = 100
	u := Generate(benchSeed, n, benchVersions)
	if again := Generate(benchSeed, n, benchVersions); !reflect.DeepEqual(u.Packages, again.Packages) {
		t.Fatal("Generate is not deterministic")
	}
	if other := Generate(benchSeed+1, n, benchVersions); reflect.DeepEqual(u.Packages, other.Packages) {
		t.Fatal("Generate ignores the seed")
	}
	if got := len(u.Central().Packages()); got != n*benchVersions {
		t.Fatalf("Central holds %d versions, want %d", got, n*benchVersions)
	}
	if len(u.Layers) < 2 || len(u.Layers[0]) < rootsFor(n) {
		t.Fatalf("layers %d, top layer %d: too few for %d roots", len(u.Layers), len(u.Layers[0]), rootsFor(n))
	}

	edgeLine := map[int]string{} // the line every edge into a package names
	var preReleases, zeroMajor, majors, edges int
	for _, p := range u.Packages {
		if len(p.Versions) != benchVersions {
			t.Fatalf("%s/%s has %d versions", p.Org, p.Name, len(p.Versions))
		}
		for i, v := range p.Versions {
			if i > 0 && !p.Versions[i-1].Version.LessThan(v.Version) {
				t.Errorf("%s/%s: versions not ascending: %s, %s", p.Org, p.Name, p.Versions[i-1].Version, v.Version)
			}
			if i > 0 && p.Versions[i-1].Tick >= v.Tick {
				t.Errorf("%s/%s: release ticks not ascending at %s", p.Org, p.Name, v.Version)
			}
			if v.Version.Major() == "0" && v.Version.Minor() == "0" {
				t.Errorf("%s/%s:%s: 0.0.z versions mean different things to Ballerina and Cargo", p.Org, p.Name, v.Version)
			}
			if v.Version.IsPreRelease() {
				preReleases++
			}
			if v.Version.Major() == "0" {
				zeroMajor++
			}
			if v.Version.Major() != "0" && v.Version.Major() != "1" {
				majors++
			}
			if len(v.Deps) > maxDeps {
				t.Errorf("%s/%s:%s has %d dependencies", p.Org, p.Name, v.Version, len(v.Deps))
			}
			for _, e := range v.Deps {
				edges++
				if e.Pkg < 0 || e.Pkg >= n || e.Min < 0 || e.Min >= len(u.Packages[e.Pkg].Versions) {
					t.Fatalf("%s/%s:%s: edge to a missing version %+v", p.Org, p.Name, v.Version, e)
				}
				q := u.Packages[e.Pkg]
				target := q.Versions[e.Min]
				if _, err := u.Central().Package(context.Background(), q.Org, q.Name, target.Version); err != nil {
					t.Errorf("edge target not in Central: %v", err)
				}
				if q.Layer <= p.Layer {
					t.Errorf("%s/%s (layer %d) depends on %s/%s (layer %d)", p.Org, p.Name, p.Layer, q.Org, q.Name, q.Layer)
				}
				if target.Version.IsPreRelease() || target.Tick > v.Tick {
					t.Errorf("%s/%s:%s depends on %s/%s:%s, a pre-release or a later release", p.Org, p.Name, v.Version, q.Org, q.Name, target.Version)
				}
				key := lineKey(target.Version)
				if prev, ok := edgeLine[e.Pkg]; ok && prev != key {
					t.Errorf("edges into %s/%s name lines %s and %s", q.Org, q.Name, prev, key)
				}
				edgeLine[e.Pkg] = key
				if newest := q.Versions[q.resolvedAt(-1)].Version; newest.CompareTo(target.Version) != version.Greater && newest.CompareTo(target.Version) != version.Equal {
					t.Errorf("%s/%s: newest %s does not satisfy the minimum %s", q.Org, q.Name, newest, target.Version)
				}
			}
			checkGraph(t, u, p, v)
		}
	}
	// The mix the benchmark promises: mostly 1.x, some 0.x, a few
	// pre-releases and later majors, about two edges per version.
	total := n * benchVersions
	t.Logf("%d versions: %d pre-releases, %d 0.x, %d ≥ 2.x; %d edges; %d stored graph nodes", total, preReleases, zeroMajor, majors, edges, u.GraphNodes)
	if preReleases == 0 || preReleases > total/10 || zeroMajor == 0 || zeroMajor > total/3 || majors == 0 || edges < total {
		t.Errorf("unexpected version mix")
	}
}

// checkGraph checks that the stored graph of p:v is a closure: the package
// itself first, one node per package, every reference naming a node of the
// graph that satisfies the edge's minimum, each node's dependencies being
// its version's edges, every node reachable from the first and in Central.
func checkGraph(t *testing.T, u *Universe, p *Package, v *Version) {
	t.Helper()
	g := v.Meta.Graph
	id := fmt.Sprintf("%s/%s:%s", p.Org, p.Name, v.Version)
	if len(g) == 0 || g[0].Org != p.Org || g[0].Name != p.Name || !g[0].Version.Equal(v.Version) {
		t.Fatalf("%s: graph does not start with the package itself", id)
	}
	byName := map[string]int{}
	pkgOf := map[string]*Package{}
	for _, q := range u.Packages {
		pkgOf[q.Org+"/"+q.Name] = q
	}
	for i, node := range g {
		key := node.Org + "/" + node.Name
		if _, dup := byName[key]; dup {
			t.Fatalf("%s: %s appears twice", id, key)
		}
		byName[key] = i
		if _, err := u.Central().Package(context.Background(), node.Org, node.Name, node.Version); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	reached := map[int]bool{0: true}
	queue := []int{0}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		node := g[i]
		q := pkgOf[node.Org+"/"+node.Name]
		var qv *Version
		for _, cand := range q.Versions {
			if cand.Version.Equal(node.Version) {
				qv = cand
			}
		}
		if len(node.Dependencies) != len(qv.Deps) {
			t.Fatalf("%s: node %s has %d dependencies, its version %d edges", id, node.Name, len(node.Dependencies), len(qv.Deps))
		}
		for j, ref := range node.Dependencies {
			e := qv.Deps[j]
			want := u.Packages[e.Pkg]
			if ref.Org != want.Org || ref.Name != want.Name {
				t.Fatalf("%s: node %s: dependency %s/%s, want %s/%s", id, node.Name, ref.Org, ref.Name, want.Org, want.Name)
			}
			k, ok := byName[ref.Org+"/"+ref.Name]
			if !ok || !g[k].Version.Equal(ref.Version) {
				t.Fatalf("%s: reference %s names no node of the graph", id, ref)
			}
			if rel := ref.Version.CompareTo(want.Versions[e.Min].Version); rel != version.Equal && rel != version.Greater {
				t.Fatalf("%s: %s does not satisfy the minimum %s", id, ref, want.Versions[e.Min].Version)
			}
			if !reached[k] {
				reached[k] = true
				queue = append(queue, k)
			}
		}
	}
	if len(reached) != len(g) {
		t.Fatalf("%s: %d of %d nodes are unreachable", id, len(g)-len(reached), len(g))
	}
}

// TestResolveUniverse resolves the N=100 universe: no errors, and exactly
// the packages and versions the model predicts; then again with the lock
// file of that resolution in MEDIUM mode, which must change nothing.
func TestResolveUniverse(t *testing.T) {
	const n = 100
	u := Generate(benchSeed, n, benchVersions)
	req := u.Request(rootsFor(n))
	res, err := resolve.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, u, res, rootsFor(n))

	locked := req
	locked.Lock = roundTripLock(t, res)
	locked.Mode = resolve.Medium
	res2, err := resolve.Resolve(context.Background(), locked)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, u, res2, rootsFor(n))
}

func checkResult(t testing.TB, u *Universe, res *resolve.Result, k int) {
	t.Helper()
	for _, d := range res.Diagnostics {
		if d.Severity == resolve.SeverityError {
			t.Errorf("diagnostic: %v", d)
		}
	}
	if len(res.UnresolvedImports) > 0 {
		t.Errorf("unresolved imports: %v", res.UnresolvedImports)
	}
	got := map[string]version.Version{}
	for _, node := range res.Graph.Nodes {
		if node == res.Graph.Root {
			continue
		}
		if node.Error {
			t.Errorf("error node %s", node.ID())
		}
		got[node.Org+"/"+node.Name] = node.Version
	}
	want := u.Expected(k)
	if !reflect.DeepEqual(got, want) {
		for name, v := range want {
			if g, ok := got[name]; !ok || !g.Equal(v) {
				t.Errorf("%s: resolved %v (present %v), want %s", name, g, ok, v)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s: resolved but not expected", name)
			}
		}
	}
}

// roundTripLock writes the result's Dependencies.toml and reads it back, as
// the next build would.
func roundTripLock(tb testing.TB, res *resolve.Result) *manifest.DependenciesToml {
	tb.Helper()
	text := manifest.FormatDependenciesToml(res.Graph.LockFile(DistributionVersion))
	lock, diags := manifest.ParseDependenciesToml("Dependencies.toml", text)
	if diags.HasErrors() {
		tb.Fatalf("lock file: %v", diags)
	}
	return lock
}

func TestIndexPath(t *testing.T) {
	for crate, want := range map[string]string{
		"a": "1/a", "ab": "2/ab", "abc": "3/a/abc", "abcd": "ab/cd/abcd", "Serde_JSON": "se/rd/serde_json",
		"acme_p00012": "ac/me/acme_p00012",
	} {
		if got := IndexPath(crate); got != want {
			t.Errorf("IndexPath(%q) = %q, want %q", crate, got, want)
		}
	}
}

// TestCargoExport checks the local registry of the N=20 universe without
// running Cargo: index files where Cargo looks for them, one line per
// version with caret requirements for the edges, checksums that are the
// SHA-256 of the .crate files, and tarballs holding the manifest and
// src/lib.rs; and the root project's manifest and source replacement.
func TestCargoExport(t *testing.T) {
	const n, k = 20, 3
	u := Generate(benchSeed, n, benchVersions)
	dir := t.TempDir()
	registry, project := filepath.Join(dir, "registry"), filepath.Join(dir, "app")
	if err := os.MkdirAll(registry, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := u.WriteCargoRegistry(registry); err != nil {
		t.Fatal(err)
	}
	if err := u.WriteCargoProject(project, registry, k); err != nil {
		t.Fatal(err)
	}
	crates := 0
	for _, p := range u.Packages {
		crate := CrateName(p.Org, p.Name)
		path := filepath.Join(registry, "index", crate[:2], crate[2:4], crate)
		lines := readLines(t, path)
		if len(lines) != len(p.Versions) {
			t.Fatalf("%s: %d index lines, want %d", path, len(lines), len(p.Versions))
		}
		for i, line := range lines {
			var e struct {
				Name, Vers, Cksum string
				Yanked            bool
				Features          map[string][]string
				Deps              []struct {
					Name, Req, Kind string
					Features        []string
					Optional        bool
					DefaultFeatures bool `json:"default_features"`
					Target          *string
				}
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%s line %d: %v", path, i+1, err)
			}
			v := p.Versions[i]
			if e.Name != crate || e.Vers != v.Version.String() || e.Yanked || e.Features == nil {
				t.Fatalf("%s line %d: %s %s yanked=%v", path, i+1, e.Name, e.Vers, e.Yanked)
			}
			if len(e.Deps) != len(v.Deps) {
				t.Fatalf("%s %s: %d deps, want %d", crate, e.Vers, len(e.Deps), len(v.Deps))
			}
			for j, d := range e.Deps {
				q := u.Packages[v.Deps[j].Pkg]
				wantReq := "^" + q.Versions[v.Deps[j].Min].Version.String()
				if d.Name != CrateName(q.Org, q.Name) || d.Req != wantReq || d.Kind != "normal" || d.Optional ||
					!d.DefaultFeatures || d.Target != nil || d.Features == nil {
					t.Fatalf("%s %s: dependency %+v, want %s %s", crate, e.Vers, d, CrateName(q.Org, q.Name), wantReq)
				}
			}
			data, err := os.ReadFile(filepath.Join(registry, crate+"-"+e.Vers+".crate"))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != e.Cksum {
				t.Fatalf("%s %s: cksum %s is not the SHA-256 of the .crate file", crate, e.Vers, e.Cksum)
			}
			checkCrate(t, data, crate, e.Vers, len(v.Deps))
			crates++
		}
	}
	if crates != n*benchVersions {
		t.Fatalf("%d crates checked, want %d", crates, n*benchVersions)
	}
	entries, err := os.ReadDir(registry)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n*benchVersions+1 {
		t.Errorf("registry root has %d entries, want %d crates and index/", len(entries), n*benchVersions)
	}

	manifestText := string(readFile(t, filepath.Join(project, "Cargo.toml")))
	for _, id := range u.RootPackages(k) {
		p := u.Packages[id]
		want := fmt.Sprintf("%s = \"^%s\"\n", CrateName(p.Org, p.Name), p.Versions[p.Line[0]].Version)
		if !strings.Contains(manifestText, want) {
			t.Errorf("Cargo.toml lacks %q:\n%s", want, manifestText)
		}
	}
	if got := strings.Count(manifestText, " = \"^"); got != k {
		t.Errorf("Cargo.toml has %d dependencies, want %d", got, k)
	}
	config := string(readFile(t, filepath.Join(project, ".cargo", "config.toml")))
	if !strings.Contains(config, `replace-with = "local"`) || !strings.Contains(config, fmt.Sprintf("local-registry = %q", registry)) {
		t.Errorf("config.toml does not replace crates.io with %s:\n%s", registry, config)
	}
	readFile(t, filepath.Join(project, "src", "lib.rs"))

	// The same crate is built byte for byte again (fixed times, no gzip
	// name or time), so the checksums are stable across exports.
	p := u.Packages[len(u.Packages)-1]
	v := p.Versions[len(p.Versions)-1]
	crate := CrateName(p.Org, p.Name)
	data, err := newCrateWriter().crate(crate, v.Version.String(), u.cargoDeps(v))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, readFile(t, filepath.Join(registry, crate+"-"+v.Version.String()+".crate"))) {
		t.Errorf("%s %s: a second build of the crate differs", crate, v.Version)
	}
}

// checkCrate checks that a .crate file is a gzipped tarball holding
// <crate>-<vers>/Cargo.toml (naming the crate, version and dependencies)
// and <crate>-<vers>/src/lib.rs.
func checkCrate(t *testing.T, data []byte, crate, vers string, deps int) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s %s: %v", crate, vers, err)
	}
	tr := tar.NewReader(zr)
	files := map[string]string{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s %s: %v", crate, vers, err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hdr.Name] = string(body)
	}
	prefix := crate + "-" + vers + "/"
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{prefix + "Cargo.toml", prefix + "src/lib.rs"}) {
		t.Fatalf("%s %s: tarball holds %v", crate, vers, names)
	}
	m := files[prefix+"Cargo.toml"]
	if !strings.Contains(m, fmt.Sprintf("name = %q\nversion = %q\n", crate, vers)) || strings.Count(m, " = \"^") != deps {
		t.Fatalf("%s %s: Cargo.toml:\n%s", crate, vers, m)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, path)))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

var benchSizes = []int{100, 1000, 10000}

// BenchmarkGenerate times building a universe and its Central (stored
// graphs included); the other benchmarks generate once, outside the timer.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Generate(benchSeed, n, benchVersions)
			}
		})
	}
}

// BenchmarkResolveOffline resolves a fresh project (no lock file, SOFT)
// importing N/10 top-layer packages against the in-memory Central of N
// packages × 20 versions.
func BenchmarkResolveOffline(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			u := universe(b, n)
			res := benchResolve(b, u.Request(rootsFor(n)))
			checkResult(b, u, res, rootsFor(n))
		})
	}
}

// BenchmarkResolveLocked re-resolves the N=1000 project with the lock file
// of a first resolution (written and parsed back, outside the timer),
// MEDIUM, as a second `bal build` does. The "changed" metric counts the
// packages that did not keep their locked version: packages that only
// enter the graph in the completion step (through a newer version of a
// dependent) get no minimum from the lock file, so MEDIUM can leave them
// below it.
func BenchmarkResolveLocked(b *testing.B) {
	const n = 1000
	b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
		u := universe(b, n)
		req := u.Request(rootsFor(n))
		first, err := resolve.Resolve(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		req.Lock = roundTripLock(b, first)
		req.Mode = resolve.Medium
		res := benchResolve(b, req)
		if len(res.Graph.Nodes) != len(first.Graph.Nodes) {
			b.Fatalf("%d packages with the lock file, %d without", len(res.Graph.Nodes), len(first.Graph.Nodes))
		}
		var changed []string
		for _, node := range res.Graph.Nodes {
			switch was := first.Graph.Node(node.Org, node.Name); {
			case was == nil:
				changed = append(changed, fmt.Sprintf("%s not locked, resolved %s", node.ID(), node.Version))
			case !was.Version.Equal(node.Version):
				changed = append(changed, fmt.Sprintf("%s/%s locked %s, resolved %s", node.Org, node.Name, was.Version, node.Version))
			}
		}
		if len(changed) > 0 {
			b.Logf("%d of %d packages moved off their locked version, e.g. %s", len(changed), len(res.Graph.Nodes), changed[0])
		}
		b.ReportMetric(float64(len(changed)), "changed")
	})
}

// benchResolve times Resolve on req and returns the last result, after
// checking that it has no errors.
func benchResolve(b *testing.B, req resolve.Request) *resolve.Result {
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU(false)
	var res *resolve.Result
	for i := 0; i < b.N; i++ {
		var err error
		res, err = resolve.Resolve(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu.report(b)
	if res.HasErrors() || len(res.UnresolvedImports) > 0 {
		b.Fatalf("resolution reported errors: %v", res.Diagnostics)
	}
	b.ReportMetric(float64(len(res.Graph.Nodes)), "nodes")
	return res
}

// BenchmarkCargoGenerateLockfile runs `cargo generate-lockfile --offline`
// on the Cargo export of the same universe and root imports. The export is
// written once per process; one untimed run first checks that Cargo
// resolves exactly the packages and versions Ballerina does (and warms the
// page cache and Cargo's index cache, as a repeated build would).
func BenchmarkCargoGenerateLockfile(b *testing.B) {
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		b.Skip("cargo is not on PATH: skipping the Cargo comparison")
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			project := cargoProject(b, n)
			lockPath := filepath.Join(project, "Cargo.lock")
			run := func() {
				if err := os.Remove(lockPath); err != nil && !errors.Is(err, os.ErrNotExist) {
					b.Fatal(err)
				}
				cmd := exec.Command(cargo, "generate-lockfile", "--offline")
				cmd.Dir = project
				cmd.Env = append(os.Environ(), "CARGO_TERM_COLOR=never", "CARGO_TERM_PROGRESS_WHEN=never")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("cargo generate-lockfile: %v\n%s", err, out)
				}
			}
			run()
			packages := checkCargoLock(b, universe(b, n), lockPath, rootsFor(n))
			b.ResetTimer()
			cpu := startCPU(true)
			for i := 0; i < b.N; i++ {
				run()
			}
			b.StopTimer()
			cpu.report(b)
			b.ReportMetric(float64(packages), "packages")
		})
	}
}

// checkCargoLock compares Cargo.lock with the expected resolution and
// returns its package count (the root crate included, like Ballerina's
// node count).
func checkCargoLock(b *testing.B, u *Universe, path string, k int) int {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	got := map[string]string{}
	var name string
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "[[package]]"):
			name = ""
		case strings.HasPrefix(line, "name = "):
			name = strings.Trim(strings.TrimPrefix(line, "name = "), `"`)
		case strings.HasPrefix(line, "version = ") && name != "":
			got[name] = strings.Trim(strings.TrimPrefix(line, "version = "), `"`)
		}
	}
	want := map[string]string{CargoRootName: "0.1.0"}
	for key, v := range u.Expected(k) {
		org, pkg, _ := strings.Cut(key, "/")
		want[CrateName(org, pkg)] = v.String()
	}
	if !reflect.DeepEqual(got, want) {
		b.Fatalf("Cargo.lock resolves %d packages, Ballerina's model %d, or versions differ", len(got), len(want))
	}
	return len(got)
}

// BenchmarkCargoVersion is the cost of starting cargo at all (`cargo
// --version`, through the rustup proxy when cargo is one), to read the
// Cargo figures against.
func BenchmarkCargoVersion(b *testing.B) {
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		b.Skip("cargo is not on PATH")
	}
	cpu := startCPU(true)
	for i := 0; i < b.N; i++ {
		if out, err := exec.Command(cargo, "--version").CombinedOutput(); err != nil {
			b.Fatalf("cargo --version: %v\n%s", err, out)
		}
	}
	cpu.report(b)
}

// cpuMeter reports CPU time per operation beside the wall-clock ns/op: the
// machine is shared, and CPU time is what another process's load does not
// inflate. For the Go benchmarks it is this process (garbage collection
// included); for Cargo, the child processes.
type cpuMeter struct {
	children bool
	start    time.Duration
	ok       bool
}

func startCPU(children bool) cpuMeter {
	t, ok := cpuTime(children)
	return cpuMeter{children: children, start: t, ok: ok}
}

func (m cpuMeter) report(b *testing.B) {
	t, ok := cpuTime(m.children)
	if !m.ok || !ok || b.N == 0 {
		return
	}
	b.ReportMetric(float64(t-m.start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
