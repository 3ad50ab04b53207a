package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/version"
)

// TestUniverse checks what the benchmark relies on: the project's graph
// reaches every package, every stored graph is acyclic and names each
// package once with edges to the versions it lists, and the archives are
// valid balas of the intended sizes.
func TestUniverse(t *testing.T) {
	u, err := generate(1, 200, 30, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.pkgs) != 200 || len(u.direct) != 30 {
		t.Fatalf("%d packages, %d direct; want 200, 30", len(u.pkgs), len(u.direct))
	}
	if got := len(u.latestClosure()); got != 200 {
		t.Errorf("the project's graph reaches %d packages, want 200", got)
	}
	versions := 0
	for id, p := range u.pkgs {
		for k, v := range p.versions {
			versions++
			if k > 0 && !version.IsNewer(version.MustParse(v.v), version.MustParse(p.versions[k-1].v)) {
				t.Errorf("%s: versions not ascending: %s after %s", p.name, v.v, p.versions[k-1].v)
			}
			for _, d := range v.deps {
				if u.pkgs[d.pkg].layer <= p.layer {
					t.Errorf("%s:%s depends on %s of layer %d from layer %d", p.name, v.v, u.pkgs[d.pkg].name, u.pkgs[d.pkg].layer, p.layer)
				}
			}
			g := u.graphJSON(id, k)
			at := make(map[string]string)
			for _, gp := range g.Packages {
				key := gp.Org + "/" + gp.Name
				if _, dup := at[key]; dup {
					t.Fatalf("%s:%s: graph lists %s twice", p.name, v.v, key)
				}
				at[key] = gp.Version
			}
			if g.Packages[0].Name != p.name || g.Packages[0].Version != v.v {
				t.Errorf("%s:%s: graph starts with %s:%s", p.name, v.v, g.Packages[0].Name, g.Packages[0].Version)
			}
			for _, gp := range g.Packages {
				for _, d := range gp.Dependencies {
					if at[d.Org+"/"+d.Name] != d.Version {
						t.Errorf("%s:%s: edge %s → %s/%s:%s, but the graph has %q", p.name, v.v, gp.Name, d.Org, d.Name, d.Version, at[d.Org+"/"+d.Name])
					}
				}
			}
		}
	}
	if versions < 500 || versions > 700 {
		t.Errorf("%d versions, want about 600", versions)
	}

	sp := newSourcePool(1, 64)
	for _, id := range []int{0, 57, 199} {
		p := u.pkgs[id]
		k := len(p.versions) - 1
		data, err := u.archive(sp, id, k)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(data); n < 18<<10 || n > 240<<10 {
			t.Errorf("%s: archive of %d bytes, want 20-200 KB", p.name, n)
		}
		a, err := bala.Open(bytes.NewReader(data), int64(len(data)), bala.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if a.Package.Name != p.name || a.Package.Version != p.versions[k].v || len(a.Graph.Packages) != len(u.closure(id, k)) {
			t.Errorf("%s: archive holds %s:%s with %d graph packages", p.name, a.Package.Name, a.Package.Version, len(a.Graph.Packages))
		}
	}

	files := u.projectFiles()
	var imports int
	for name, src := range files {
		if strings.HasSuffix(name, ".bal") {
			imports += strings.Count(src, "\nimport ") + boolInt(strings.HasPrefix(src, "import "))
		}
	}
	if imports != 30 {
		t.Errorf("the project's sources import %d packages, want 30", imports)
	}
	if _, ok := files["Ballerina.toml"]; !ok {
		t.Error("no Ballerina.toml")
	}
}
