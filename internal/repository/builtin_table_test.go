package repository

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

func TestBuiltInTableSanity(t *testing.T) {
	entries := BuiltInEntries()
	byKey := make(map[string]BuiltInEntry)
	for _, e := range entries {
		k := e.Org + "/" + e.Name
		if _, dup := byKey[k]; dup {
			t.Errorf("%s listed twice", k)
		}
		byKey[k] = e
		if !IsBuiltIn(e.Org, e.Name) {
			t.Errorf("%s is in the table but IsBuiltIn says no", k)
		}
		if err := manifest.CheckPackage(e.Org, e.Name); err != nil {
			t.Errorf("%s: %v", k, err)
		}
		if !sort.StringsAreSorted(e.Dependencies) {
			t.Errorf("%s: dependencies not sorted: %v", k, e.Dependencies)
		}
		for _, x := range e.External {
			org, name, _ := strings.Cut(x, "/")
			if IsBuiltIn(org, name) {
				t.Errorf("%s: external dependency %s is a built-in package", k, x)
			}
		}
	}
	for _, e := range entries {
		for _, d := range e.Dependencies {
			if _, ok := byKey[d]; !ok {
				t.Errorf("%s/%s depends on %s, which is not in the table", e.Org, e.Name, d)
			}
		}
	}
	// Packages the distribution must have.
	for _, name := range []string{
		"jballerina.java", "test", "lang.annotations", "lang.array", "lang.boolean", "lang.decimal", "lang.error",
		"lang.float", "lang.function", "lang.future", "lang.int", "lang.map", "lang.object", "lang.query",
		"lang.regexp", "lang.runtime", "lang.stream", "lang.string", "lang.table", "lang.transaction",
		"lang.typedesc", "lang.value", "lang.xml", "lang.__internal", "lang.natural",
	} {
		if _, ok := byKey["ballerina/"+name]; !ok {
			t.Errorf("ballerina/%s missing from the table", name)
		}
	}
	for _, name := range []string{"observe", "transaction"} {
		if _, ok := byKey["ballerinai/"+name]; !ok {
			t.Errorf("ballerinai/%s missing from the table", name)
		}
	}

	// No cycles: a depth-first search finds no back edge.
	const (
		unvisited = iota
		onPath
		done
	)
	state := make(map[string]int)
	var visit func(k string, path []string)
	visit = func(k string, path []string) {
		switch state[k] {
		case onPath:
			t.Errorf("cycle: %s -> %s", strings.Join(path, " -> "), k)
			return
		case done:
			return
		}
		state[k] = onPath
		for _, d := range byKey[k].Dependencies {
			visit(d, append(path, k))
		}
		state[k] = done
	}
	for k := range byKey {
		visit(k, nil)
	}

	// The accessor returns a copy.
	entries[0].Dependencies = append(entries[0].Dependencies, "x/y")
	if reflect.DeepEqual(BuiltInEntries()[0], entries[0]) {
		t.Error("BuiltInEntries shares memory with the table")
	}
}

// TestBuiltInTableMatchesRealLockFile checks the table against the built-in
// packages of a real Dependencies.toml (module-ballerina-io, written by a
// 2201.9.0 distribution): each built-in entry's dependency list must be the
// table's.
func TestBuiltInTableMatchesRealLockFile(t *testing.T) {
	const file = "real-module-ballerina-io.Dependencies.toml"
	data := handout.ReadFile(t, "conformance", "dependencies-toml", file)
	d, diags := manifest.ParseDependenciesToml(file, data)
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	table := make(map[string][]string)
	for _, e := range BuiltInEntries() {
		table[e.Org+"/"+e.Name] = e.Dependencies
	}
	checked := 0
	for _, p := range d.Packages {
		if !IsBuiltIn(p.Org, p.Name) {
			continue
		}
		key := p.Org + "/" + p.Name
		want, ok := table[key]
		if !ok {
			t.Errorf("%s (in %s) is not in the table", key, file)
			continue
		}
		var got []string
		for _, dep := range p.Dependencies {
			got = append(got, dep.Org+"/"+dep.Name)
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: %s lists dependencies %v, the table %v", key, file, got, want)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("only %d built-in packages checked; the file has 11", checked)
	}
}

func TestNewBuiltIn(t *testing.T) {
	ctx := context.Background()
	m := NewBuiltIn("2201.13.1")
	if m.Name() != "distribution" || m.Kind() != KindDistribution {
		t.Errorf("NewBuiltIn: Name, Kind = %q, %v", m.Name(), m.Kind())
	}
	v0 := version.MustParse(BuiltInVersion)
	if got, want := len(m.Packages()), len(builtInTable); got != want {
		t.Errorf("NewBuiltIn holds %d packages, want %d", got, want)
	}
	for _, p := range m.Packages() {
		if p.Version != v0 || p.BallerinaVersion != "2201.13.1" || !p.HasModule(p.Name) || p.Graph[0].Name != p.Name || p.Graph[0].Org != p.Org {
			t.Errorf("%s: %+v", p.ID(), p)
		}
		// Every dependency of every node is a node of the graph.
		for _, n := range p.Graph {
			if n.Version != v0 {
				t.Errorf("%s: node %s/%s at %s", p.ID(), n.Org, n.Name, n.Version)
			}
			for _, d := range n.Dependencies {
				if p.Node(d.Org, d.Name) == nil {
					t.Errorf("%s: %s/%s depends on %s, not in the graph", p.ID(), n.Org, n.Name, d)
				}
			}
		}
	}

	p, err := m.Package(ctx, "ballerina", "lang.query", v0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range p.Graph {
		names = append(names, n.Org+"/"+n.Name)
	}
	want := []string{
		"ballerina/lang.query", "ballerina/jballerina.java", "ballerina/lang.__internal", "ballerina/lang.array",
		"ballerina/lang.map", "ballerina/lang.object", "ballerina/lang.regexp", "ballerina/lang.stream",
		"ballerina/lang.string", "ballerina/lang.table", "ballerina/lang.xml",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("lang.query graph = %v, want %v", names, want)
	}
	tx, err := m.Package(ctx, "ballerinai", "transaction", v0)
	if err != nil {
		t.Fatal(err)
	}
	if n := tx.Node("ballerinai", "transaction"); n == nil || len(n.Dependencies) != 4 {
		t.Errorf("ballerinai/transaction node = %+v, want its 4 built-in dependencies", n)
	}
	if NewBuiltIn("").Packages()[0].BallerinaVersion != version.DistributionShort {
		t.Error(`NewBuiltIn("") does not default to version.DistributionShort`)
	}
}
