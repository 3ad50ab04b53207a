package repository

import (
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/version"
)

// BuiltInEntry is a built-in package of the distribution with its direct
// dependencies, as recorded in the built-in table.
type BuiltInEntry struct {
	Org, Name string
	// Dependencies are the built-in packages it depends on, as "org/name".
	Dependencies []string
	// External are the non-built-in packages it depends on ("org/name"):
	// versioned standard library packages bundled with the distribution.
	// They are documentation only: the table has no versions for them, so
	// NewBuiltIn leaves them out of the graphs it serves.
	External []string
}

// builtInTable lists the built-in packages of Ballerina Swan Lake Update 13
// (distribution 2201.13.x) with the direct, non-test dependencies of each.
//
// Sources, all in public repositories of ballerina-platform (Apache-2.0,
// (c) WSO2). The edges are facts read from them; where two sources exist
// the newer distribution wins.
//
//   - [H] module-ballerina-http, ballerina/Dependencies.toml @002f3d3c,
//     written by distribution 2201.13.0: jballerina.java, lang.__internal,
//     lang.array, lang.decimal, lang.int, lang.object, lang.regexp,
//     lang.runtime, lang.string, lang.value.
//   - [I] module-ballerina-io, ballerina/Dependencies.toml @054fcc12
//     (2201.9.0; the conformance data's real-module-ballerina-io
//     .Dependencies.toml): lang.error, lang.float, ballerina/test, and the
//     same edges as [H] for the packages both list.
//   - [T] module-ballerinai-transaction, transaction-ballerina/
//     Dependencies.toml @638e8edd (2201.8.5): lang.transaction and
//     ballerinai/transaction (whose lang.error and ballerina/test edges are
//     test-only there, so not part of its bala graph).
//   - [O] module-ballerinai-observe, ballerina/Dependencies.toml @1f061157
//     (2201.8.0): ballerinai/observe.
//   - [L] the imports of the langlib sources in ballerina-lang,
//     langlib/<name>/src/main/ballerina/*.bal, for the langlibs no
//     Dependencies.toml above lists: lang.annotations (annotations.bal
//     @09e3eb38: no imports), lang.boolean (@0ba423af), lang.function
//     (@0f60cde3), lang.future (@210c8db4), lang.map (internal.bal
//     @09e3eb38), lang.table (internal.bal @210c8db4), lang.typedesc
//     (@3465079b), lang.xml (xml.bal @064f40b3, internal.bal @210c8db4),
//     lang.stream (stream.bal @0ba423af, internal.bal @14ac5806),
//     lang.query (types.bal @0101abf9, helpers.bal @03d861d6) and
//     lang.natural (natural.bal @66b29ad8; new in Update 13).
//
// A Dependencies.toml entry of a built-in package lists its dependencies as
// the distribution's bala recorded them, so [H], [I], [T] and [O] are the
// distribution's own graph; [L] is derived from source imports, which is how
// that graph is made.
var builtInTable = []BuiltInEntry{
	// [H]
	{Org: "ballerina", Name: "jballerina.java"},
	{Org: "ballerina", Name: "lang.__internal", Dependencies: deps("jballerina.java", "lang.object")},
	{Org: "ballerina", Name: "lang.array", Dependencies: deps("jballerina.java", "lang.__internal")},
	{Org: "ballerina", Name: "lang.decimal", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.int", Dependencies: deps("jballerina.java", "lang.__internal", "lang.object")},
	{Org: "ballerina", Name: "lang.object"},
	{Org: "ballerina", Name: "lang.regexp", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.runtime", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.string", Dependencies: deps("jballerina.java", "lang.regexp")},
	{Org: "ballerina", Name: "lang.value", Dependencies: deps("jballerina.java")},

	// [I]
	{Org: "ballerina", Name: "lang.error", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.float", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "test", Dependencies: deps("jballerina.java", "lang.array", "lang.error")},

	// [T]
	{Org: "ballerina", Name: "lang.transaction", Dependencies: deps("jballerina.java")},
	{
		Org: "ballerinai", Name: "transaction",
		Dependencies: deps("jballerina.java", "lang.runtime", "lang.transaction", "lang.value"),
		External: []string{
			"ballerina/cache", "ballerina/http", "ballerina/io", "ballerina/log",
			"ballerina/task", "ballerina/time", "ballerina/uuid",
		},
	},

	// [O]
	{Org: "ballerinai", Name: "observe", Dependencies: deps("jballerina.java"), External: []string{"ballerina/observe"}},

	// [L]
	{Org: "ballerina", Name: "lang.annotations"},
	{Org: "ballerina", Name: "lang.boolean", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.function", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.future", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.map", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.natural", Dependencies: deps("lang.object")},
	{
		Org: "ballerina", Name: "lang.query",
		Dependencies: deps("jballerina.java", "lang.__internal", "lang.array", "lang.map", "lang.object",
			"lang.stream", "lang.string", "lang.table", "lang.xml"),
	},
	{Org: "ballerina", Name: "lang.stream", Dependencies: deps("lang.__internal")},
	{Org: "ballerina", Name: "lang.table", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.typedesc", Dependencies: deps("jballerina.java")},
	{Org: "ballerina", Name: "lang.xml", Dependencies: deps("jballerina.java")},
}

// deps prefixes names of org ballerina with "ballerina/".
func deps(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "ballerina/" + n
	}
	return out
}

// BuiltInEntries returns a copy of the built-in table, sorted by org and
// name.
func BuiltInEntries() []BuiltInEntry {
	out := make([]BuiltInEntry, len(builtInTable))
	for i, e := range builtInTable {
		e.Dependencies = append([]string(nil), e.Dependencies...)
		e.External = append([]string(nil), e.External...)
		out[i] = e
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Org != out[j].Org {
			return out[i].Org < out[j].Org
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// NewBuiltIn returns a distribution repository holding the built-in
// packages of the table at version 0.0.0, for use when no distribution is
// installed. distribution is the short distribution version recorded as
// each package's BallerinaVersion; "" means version.DistributionShort.
//
// Each package has one module, named like the package, and its Graph is the
// closure of its built-in edges: its own node first, then every package it
// reaches, sorted by org and name, each with its direct dependencies. Its
// Platform is "" (unknown): the table does not record it.
func NewBuiltIn(distribution string) *Memory {
	if distribution == "" {
		distribution = version.DistributionShort
	}
	m := NewMemory("distribution", KindDistribution)
	byKey := make(map[string]BuiltInEntry, len(builtInTable))
	for _, e := range builtInTable {
		byKey[e.Org+"/"+e.Name] = e
	}
	v0 := version.MustParse(BuiltInVersion)
	for _, e := range builtInTable {
		root := e.Org + "/" + e.Name
		// Collect the closure.
		seen := map[string]bool{root: true}
		queue := []string{root}
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			for _, d := range byKey[k].Dependencies {
				if !seen[d] {
					seen[d] = true
					queue = append(queue, d)
				}
			}
		}
		keys := make([]string, 0, len(seen))
		for k := range seen {
			if k != root {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		keys = append([]string{root}, keys...)
		graph := make([]GraphNode, 0, len(keys))
		for _, k := range keys {
			org, name, _ := strings.Cut(k, "/")
			node := GraphNode{Org: org, Name: name, Version: v0}
			ds := append([]string(nil), byKey[k].Dependencies...)
			sort.Strings(ds)
			for _, d := range ds {
				dorg, dname, _ := strings.Cut(d, "/")
				node.Dependencies = append(node.Dependencies, NodeRef{Org: dorg, Name: dname, Version: v0})
			}
			graph = append(graph, node)
		}
		m.Add(&Package{
			Org: e.Org, Name: e.Name, Version: v0,
			BallerinaVersion: distribution,
			Modules:          []string{e.Name},
			Graph:            graph,
		})
	}
	return m
}
