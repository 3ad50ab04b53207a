package main

import (
	"bytes"
	"compress/flate"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	syntaxbench "github.com/balcentral/balcentral/bench/syntax"
	"github.com/balcentral/balcentral/internal/bala"
)

// The registry's universe: packages in layers, each depending only on
// packages of lower layers, so that the graph is acyclic. The root project
// imports every package of the top layer (the direct dependencies); every
// package of a lower layer is a dependency of at least one package of the
// layer above at every version, so the latest graph reaches all of them.

// orgs are the organizations the packages are spread over.
var orgs = []string{"acme", "globex", "initech", "hooli"}

// pkg is one package of the universe.
type pkg struct {
	org, name string
	layer     int
	versions  []*ver // ascending
}

// ver is one version of a package.
type ver struct {
	v    string
	deps []dep // direct dependencies
	// size is the target compressed size of the archive's sources.
	size int
}

// dep is a direct dependency on a version of another package.
type dep struct {
	pkg int // index into universe.pkgs
	ver int // index into that package's versions
}

type universe struct {
	pkgs   []*pkg
	direct []int // the top layer: what the project imports
}

// generate builds a universe of n packages of which direct are in the top
// layer, spread over layers layers, each with 2 to 4 versions (3 on
// average). The same seed gives the same universe.
func generate(seed uint64, n, direct, layers int) (*universe, error) {
	if direct < 1 || direct > n || layers < 2 || n-direct < layers-1 {
		return nil, fmt.Errorf("cannot spread %d packages (%d direct) over %d layers", n, direct, layers)
	}
	rng := rand.New(rand.NewPCG(seed, 0xb41d))
	u := &universe{}
	// Layer sizes: the top one holds the direct dependencies, the rest are
	// split evenly.
	sizes := []int{direct}
	rest, lower := n-direct, layers-1
	for i := range lower {
		sizes = append(sizes, rest/lower+boolInt(i < rest%lower))
	}
	var byLayer [][]int
	for l, s := range sizes {
		var ids []int
		for range s {
			id := len(u.pkgs)
			p := &pkg{org: orgs[id%len(orgs)], name: fmt.Sprintf("pkg%03d", id), layer: l}
			nv := 2 + rng.IntN(3)
			minor, patch := 0, 0
			for i := range nv {
				if i > 0 {
					if rng.IntN(3) == 0 {
						patch++
					} else {
						minor, patch = minor+1, 0
					}
				}
				// Archive sizes are log-uniform between 20 and 200 KB.
				size := int(20e3 * math.Pow(10, rng.Float64()))
				p.versions = append(p.versions, &ver{v: fmt.Sprintf("1.%d.%d", minor, patch), size: size})
			}
			u.pkgs = append(u.pkgs, p)
			ids = append(ids, id)
		}
		byLayer = append(byLayer, ids)
	}
	u.direct = byLayer[0]

	// Dependencies, from the bottom layer up: every package of layer l+1
	// gets a parent in layer l (round robin, so each parent has one or two
	// such children), then each package of layer l gets 1 to 3 more
	// dependencies among the lower layers (the next one three times in
	// four). Older versions drop some of the extra dependencies and name
	// older versions of them.
	for l := 0; l < len(byLayer)-1; l++ {
		must := make(map[int][]int)
		for i, child := range byLayer[l+1] {
			parent := byLayer[l][i%len(byLayer[l])]
			must[parent] = append(must[parent], child)
		}
		for _, id := range byLayer[l] {
			targets := append([]int(nil), must[id]...)
			extra := 1 + rng.IntN(3)
			for range extra {
				tl := l + 1
				if rng.IntN(4) == 0 && l+2 < len(byLayer) {
					tl = l + 2 + rng.IntN(len(byLayer)-l-2)
				}
				t := byLayer[tl][rng.IntN(len(byLayer[tl]))]
				if !containsInt(targets, t) {
					targets = append(targets, t)
				}
			}
			p := u.pkgs[id]
			last := len(p.versions) - 1
			for k, v := range p.versions {
				for i, t := range targets {
					tv := len(u.pkgs[t].versions) - 1
					if k < last {
						if i >= len(must[id]) && rng.IntN(3) == 0 {
							continue // an extra dependency added later
						}
						tv = rng.IntN(tv + 1)
					}
					v.deps = append(v.deps, dep{pkg: t, ver: tv})
				}
			}
		}
	}
	return u, nil
}

// closure returns the dependency graph of version k of package id as
// dependency-graph.json records it: the package and every package it
// reaches, each once, at the newest version any path asks for, with the
// direct dependencies of that version. Because a newer version of a node
// may add dependencies, it iterates to a fixed point.
func (u *universe) closure(id, k int) map[int]int {
	chosen := map[int]int{id: k}
	for changed := true; changed; {
		changed = false
		for p, v := range chosen {
			for _, d := range u.pkgs[p].versions[v].deps {
				if cur, ok := chosen[d.pkg]; !ok || d.ver > cur {
					chosen[d.pkg] = d.ver
					changed = true
				}
			}
		}
	}
	return chosen
}

// latestClosure returns the packages the project's cold build must pull:
// the closure of the newest version of every direct dependency, at the
// newest version of each package (which is what resolution picks with no
// lock file, every version being 1.x).
func (u *universe) latestClosure() map[int]int {
	out := make(map[int]int)
	for _, id := range u.direct {
		for p := range u.closure(id, len(u.pkgs[id].versions)-1) {
			out[p] = len(u.pkgs[p].versions) - 1
		}
	}
	return out
}

// graphJSON returns the dependency graph of version k of package id.
func (u *universe) graphJSON(id, k int) *bala.DependencyGraph {
	chosen := u.closure(id, k)
	ids := make([]int, 0, len(chosen))
	for p := range chosen {
		if p != id {
			ids = append(ids, p)
		}
	}
	sort.Ints(ids)
	ids = append([]int{id}, ids...)
	g := &bala.DependencyGraph{}
	for _, p := range ids {
		pk := u.pkgs[p]
		gp := bala.GraphPackage{Org: pk.org, Name: pk.name, Version: pk.versions[chosen[p]].v}
		for _, d := range pk.versions[chosen[p]].deps {
			dp := u.pkgs[d.pkg]
			gp.Dependencies = append(gp.Dependencies, bala.PackageRef{Org: dp.org, Name: dp.name, Version: dp.versions[chosen[d.pkg]].v})
		}
		g.Packages = append(g.Packages, gp)
	}
	p := u.pkgs[id]
	g.Modules = []bala.GraphModule{{Org: p.org, PackageName: p.name, Version: p.versions[k].v, ModuleName: p.name}}
	return g
}

// sourcePool holds generated Ballerina sources and their compressed sizes,
// from which archives are assembled: generating 600 archives' worth of
// distinct source would take longer than the benchmark. Each entry of a
// zip is compressed on its own, so a reused file costs its full
// compressed size in every archive.
type sourcePool struct {
	files      [][]byte
	compressed []int
}

func newSourcePool(seed uint64, n int) *sourcePool {
	rng := rand.New(rand.NewPCG(seed, 0x9001))
	sp := &sourcePool{}
	for i := range n {
		src := syntaxbench.Generate(int64(seed)*1000+int64(i), 4<<10+rng.IntN(20<<10))
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.DefaultCompression)
		w.Write(src)
		w.Close()
		sp.files = append(sp.files, src)
		sp.compressed = append(sp.compressed, b.Len())
	}
	return sp
}

// archive returns the bala of version k of package id.
func (u *universe) archive(sp *sourcePool, id, k int) ([]byte, error) {
	p := u.pkgs[id]
	v := p.versions[k]
	rng := rand.New(rand.NewPCG(uint64(id), uint64(k)))
	pj := &bala.PackageJSON{
		Organization: p.org, Name: p.name, Version: v.v,
		BallerinaVersion: "2201.10.0", ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Platform: bala.AnyPlatform, Licenses: []string{"Apache-2.0"}, Authors: []string{"bench"},
		Keywords: []string{"bench", "layer" + fmt.Sprint(p.layer)},
		Readme:   "docs/README.md", Description: "A generated package for the bal build benchmark.",
		Modules: []bala.ModuleJSON{{Name: p.name, Export: true}},
	}
	dir := "modules/" + p.name + "/"
	entries := []bala.Entry{
		{Name: "docs/README.md", Data: fmt.Appendf(nil, "# %s/%s\n\nVersion %s of a generated package.\n", p.org, p.name, v.v)},
		{Name: dir + p.name + ".bal", Data: fmt.Appendf(nil, "public const VERSION = %q;\n\npublic function hello() returns string => \"%s\";\n", v.v, p.name)},
	}
	for size, i := 0, 0; size < v.size; i++ {
		f := rng.IntN(len(sp.files))
		entries = append(entries, bala.Entry{Name: fmt.Sprintf("%sfile%03d.bal", dir, i), Data: sp.files[f]})
		size += sp.compressed[f]
	}
	pjBytes, err := bala.MarshalPackageJSON(pj)
	if err != nil {
		return nil, err
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		return nil, err
	}
	gj, err := bala.MarshalDependencyGraphJSON(u.graphJSON(id, k))
	if err != nil {
		return nil, err
	}
	entries = append(entries,
		bala.Entry{Name: bala.PackageJSONFile, Data: pjBytes},
		bala.Entry{Name: bala.BalaJSONFile, Data: bj},
		bala.Entry{Name: bala.DependencyGraphJSONFile, Data: gj},
	)
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// projectFiles returns the files of the root project: a Ballerina.toml and
// sources importing every direct dependency, spread over three files.
func (u *universe) projectFiles() map[string]string {
	files := map[string]string{
		"Ballerina.toml": "[package]\norg = \"benchapp\"\nname = \"app\"\nversion = \"0.1.0\"\n",
	}
	const nfiles = 3
	for f := range nfiles {
		var b strings.Builder
		for i, id := range u.direct {
			if i%nfiles == f {
				fmt.Fprintf(&b, "import %s/%s;\n", u.pkgs[id].org, u.pkgs[id].name)
			}
		}
		b.WriteString("\n")
		if f == 0 {
			b.WriteString("public function main() {\n}\n")
		} else {
			fmt.Fprintf(&b, "function helper%d() {\n}\n", f)
		}
		name := "main.bal"
		if f > 0 {
			name = fmt.Sprintf("part%d.bal", f)
		}
		files[name] = b.String()
	}
	return files
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func containsInt(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
