package resolve

import (
	"bufio"
	"encoding/json"
	"io"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository"
)

// LockFile returns the Dependencies.toml model of the graph (§15): every
// package, root included, with its direct dependencies; scope testOnly only
// for test-only packages; modules for the root's own modules and for the
// modules the root imports. Format it with manifest.FormatDependenciesToml.
func (g *Graph) LockFile(distributionVersion string) *manifest.DependenciesToml {
	d := &manifest.DependenciesToml{TomlVersion: manifest.DependenciesTomlVersion, DistributionVersion: distributionVersion}
	for _, n := range g.Nodes {
		p := manifest.LockedPackage{Org: n.Org, Name: n.Name, Version: n.Version.String()}
		if n != g.Root && n.Scope == ScopeTestOnly {
			p.Scope = manifest.ScopeTestOnly
		}
		for _, dep := range n.Dependencies {
			p.Dependencies = append(p.Dependencies, manifest.PackageRef{Org: dep.Org, Name: dep.Name})
		}
		for _, m := range n.Modules {
			p.Modules = append(p.Modules, manifest.LockedModule{Org: n.Org, PackageName: n.Name, ModuleName: m})
		}
		d.Packages = append(d.Packages, p)
	}
	d.Sort()
	return d
}

// WriteDOT writes the graph in the format of `bal graph` (formats.md §13,
// the reference DotGraphs serializer): nodes in reverse topological order
// from the root, each labelled with its version, then the edges grouped by
// source node; language libraries are left out; no newline after the
// closing brace.
func (g *Graph) WriteDOT(w io.Writer) error {
	name := "app"
	if g.Root != nil {
		name = g.Root.ID()
	}
	var sb strings.Builder
	sb.WriteString("digraph \"" + name + "\" {\n\tnode [shape=record]\n")
	var nodeLines, edgeLines []string
	order := g.topological()
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if repository.IsLangLib(n.Org, n.Name) {
			continue
		}
		for _, d := range sortedByID(n.Dependencies) {
			if repository.IsLangLib(d.Org, d.Name) {
				continue
			}
			edgeLines = append(edgeLines, dotRef(n)+" -> "+dotRef(d)+";")
		}
		var attrs []string
		switch {
		case n.Scope == ScopeTestOnly && n.Repository != "":
			attrs = append(attrs, `scope="testOnly", repo="local"`)
		case n.Scope == ScopeTestOnly:
			attrs = append(attrs, `scope="testOnly"`)
		case n.Repository != "":
			attrs = append(attrs, `repo="local"`)
		}
		if n.Error {
			attrs = append(attrs, `error="true"`)
		}
		attrs = append(attrs, `label="<`+n.Version.String()+`> `+n.ID()+`"`)
		nodeLines = append(nodeLines, `"`+n.Org+"/"+n.Name+`" [`+strings.Join(attrs, ",")+"];")
	}
	sb.WriteString("\t" + strings.Join(nodeLines, "\n\t") + "\n")
	sb.WriteString("\n\t// Edges\n\t" + strings.Join(edgeLines, "\n\t") + "\n")
	sb.WriteString("}")
	_, err := io.WriteString(w, sb.String())
	return err
}

func dotRef(n *Node) string { return `"` + n.Org + "/" + n.Name + `":"` + n.Version.String() + `"` }

func sortedByID(ns []*Node) []*Node {
	out := append([]*Node(nil), ns...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID() < out[j].ID() })
	return out
}

// topological lists the nodes dependencies first: a depth-first walk over
// all nodes and their dependencies in ID order (the reference
// DependencyGraph.toTopologicallySortedList).
func (g *Graph) topological() []*Node {
	visited := map[*Node]bool{}
	var out []*Node
	var visit func(n *Node)
	visit = func(n *Node) {
		visited[n] = true
		for _, d := range sortedByID(n.Dependencies) {
			if !visited[d] {
				visit(d)
			}
		}
		out = append(out, n)
	}
	for _, n := range sortedByID(g.Nodes) {
		if !visited[n] {
			visit(n)
		}
	}
	return out
}

// WriteText writes the graph as an indented tree from the root, one package
// per line with its attributes; a package already shown is marked "(*)"
// and not expanded again.
//
//	myorg/app:0.1.0
//	├── ballerina/http:2.10.0
//	│   └── ballerina/io:1.6.0
//	└── samjs/foo:1.3.0 [testOnly]
func (g *Graph) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if g.Root == nil {
		return bw.Flush()
	}
	shown := map[*Node]bool{}
	label := func(n *Node) string {
		s := n.ID()
		var tags []string
		if n.Scope == ScopeTestOnly {
			tags = append(tags, "testOnly")
		}
		if n.Repository != "" {
			tags = append(tags, "repo="+n.Repository)
		}
		if n.Kind != KindSource {
			tags = append(tags, n.Kind.String())
		}
		if n.Error {
			tags = append(tags, "error")
		}
		if n.Deprecated {
			tags = append(tags, "deprecated")
		}
		if len(tags) > 0 {
			s += " [" + strings.Join(tags, ", ") + "]"
		}
		return s
	}
	var walk func(n *Node, prefix string)
	walk = func(n *Node, prefix string) {
		deps := n.Dependencies
		for i, d := range deps {
			branch, next := "├── ", "│   "
			if i == len(deps)-1 {
				branch, next = "└── ", "    "
			}
			line := prefix + branch + label(d)
			if shown[d] && len(d.Dependencies) > 0 {
				bw.WriteString(line + " (*)\n")
				continue
			}
			bw.WriteString(line + "\n")
			shown[d] = true
			walk(d, prefix+next)
		}
	}
	bw.WriteString(label(g.Root) + "\n")
	shown[g.Root] = true
	walk(g.Root, "")
	return bw.Flush()
}

// JSONGraph is the schema of WriteJSON: the root's ID and every package
// sorted by org and name. Optional fields are left out when empty or false.
type JSONGraph struct {
	Root     string     `json:"root"`
	Packages []JSONNode `json:"packages"`
}

// JSONNode is one package of a JSONGraph. Dependencies are IDs
// ("org/name:version") of other packages of the graph.
type JSONNode struct {
	Org                string   `json:"org"`
	Name               string   `json:"name"`
	Version            string   `json:"version"`
	Repository         string   `json:"repository,omitempty"`
	Scope              string   `json:"scope"` // "default" or "testOnly"
	Kind               string   `json:"kind"`  // "source", "platform_provided" or "compiler_plugin"
	Error              bool     `json:"error,omitempty"`
	Deprecated         bool     `json:"deprecated,omitempty"`
	DeprecationMessage string   `json:"deprecationMessage,omitempty"`
	Modules            []string `json:"modules,omitempty"`
	Dependencies       []string `json:"dependencies"`
}

// WriteJSON writes the graph as an indented JSONGraph document.
func (g *Graph) WriteJSON(w io.Writer) error {
	out := JSONGraph{Packages: []JSONNode{}}
	if g.Root != nil {
		out.Root = g.Root.ID()
	}
	for _, n := range g.Nodes {
		j := JSONNode{Org: n.Org, Name: n.Name, Version: n.Version.String(), Repository: n.Repository,
			Scope: n.Scope.String(), Kind: n.Kind.String(), Error: n.Error, Deprecated: n.Deprecated,
			DeprecationMessage: n.DeprecationMessage, Modules: n.Modules, Dependencies: []string{}}
		for _, d := range n.Dependencies {
			j.Dependencies = append(j.Dependencies, d.ID())
		}
		out.Packages = append(out.Packages, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
