package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/dot"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// This file turns the conformance DOT files (resolution.md §16.3) into
// engine inputs, the way the upstream harness
// (test/resolution/packages/internal/PackageRepositoryBuilder,
// PackageResolutionTestCaseBuilder, DotGraphUtils) does.

// parseID splits "org/name:version".
func parseID(s string) (org, name string, v version.Version, err error) {
	org, rest, ok := strings.Cut(s, "/")
	if !ok {
		return "", "", version.Version{}, fmt.Errorf("%q is not org/name:version", s)
	}
	name, ver, ok := strings.Cut(rest, ":")
	if !ok {
		return "", "", version.Version{}, fmt.Errorf("%q is not org/name:version", s)
	}
	v, err = version.Parse(ver)
	return org, name, v, err
}

func readDOT(path string) (*dot.Graph, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return dot.Parse(path, data)
}

// moduleNames is the package name plus the comma-separated other_modules
// of the package's own node.
func moduleNames(name string, n *dot.Node) []string {
	mods := []string{name}
	if n == nil {
		return mods
	}
	if om, ok := n.Attr("other_modules"); ok {
		for _, m := range strings.Split(om, ",") {
			if m = strings.TrimSpace(m); m != "" && m != name {
				mods = append(mods, m)
			}
		}
	}
	return mods
}

// repoPackages reads a central/dist/workspace file: one subgraph per
// package version; all edges merged; each version's graph is the closure
// reachable from it. extra adds packages (from another file) that this
// file lacks.
func repoPackages(g *dot.Graph, path string) ([]*repository.Package, error) {
	edges := map[string][]string{}
	for _, e := range g.Edges {
		edges[e.From] = append(edges[e.From], e.To)
	}
	have := map[string]bool{}
	for _, s := range g.Subgraphs {
		have[s.Name] = true
	}
	var missing []string
	for _, e := range g.Edges {
		for _, id := range []string{e.From, e.To} {
			if !have[id] {
				missing = append(missing, id)
				have[id] = true
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("Some packages (%s) do no have subgraph entries in %s", strings.Join(missing, ","), path)
	}
	var out []*repository.Package
	for _, s := range g.Subgraphs {
		p, err := packageFrom(s.Name, g.Node(s.Name), edges)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// packageFrom builds a package whose graph is everything reachable from id.
func packageFrom(id string, self *dot.Node, edges map[string][]string) (*repository.Package, error) {
	org, name, v, err := parseID(id)
	if err != nil {
		return nil, err
	}
	p := &repository.Package{Org: org, Name: name, Version: v, Modules: moduleNames(name, self)}
	seen := map[string]bool{}
	var visit func(string) error
	visit = func(from string) error {
		if seen[from] {
			return nil
		}
		seen[from] = true
		o, n, fv, err := parseID(from)
		if err != nil {
			return err
		}
		gn := repository.GraphNode{Org: o, Name: n, Version: fv}
		for _, to := range edges[from] {
			o, n, tv, err := parseID(to)
			if err != nil {
				return err
			}
			gn.Dependencies = append(gn.Dependencies, repository.NodeRef{Org: o, Name: n, Version: tv})
		}
		p.Graph = append(p.Graph, gn)
		for _, to := range edges[from] {
			if err := visit(to); err != nil {
				return err
			}
		}
		return nil
	}
	return p, visit(id)
}

// localPackage reads repositories/local/<file>.dot: the graph is the
// package, all of it its dependency graph.
func localPackage(path string) (*repository.Package, error) {
	g, err := readDOT(path)
	if err != nil {
		return nil, err
	}
	edges := map[string][]string{}
	for _, e := range g.Edges {
		edges[e.From] = append(edges[e.From], e.To)
	}
	return packageFrom(g.Name, g.Node(g.Name), edges)
}

// appImports reads app.dot: the graph name is the root package; every other
// node is an import "org/module".
func appImports(g *dot.Graph) (rootOrg, rootName string, rootVer version.Version, modules []string, imports []Import, err error) {
	rootOrg, rootName, rootVer, err = parseID(g.Name)
	if err != nil {
		return
	}
	modules = moduleNames(rootName, g.Node(g.Name))
	for _, n := range g.Nodes {
		if n.ID == g.Name {
			continue
		}
		parts := strings.Split(n.ID, "/")
		if len(parts) != 2 {
			err = fmt.Errorf("Import declarations in app.dot file should have <org>/<module-name> format")
			return
		}
		var sc Scope
		if sc, err = scopeAttr(n); err != nil {
			return
		}
		imports = append(imports, Import{Org: parts[0], Module: parts[1], Scope: sc, Kind: KindSource})
	}
	return
}

func scopeAttr(n *dot.Node) (Scope, error) {
	s, ok := n.Attr("scope")
	if !ok {
		return ScopeDefault, nil
	}
	if s != "testOnly" {
		return 0, fmt.Errorf("Unsupported scope: %s", s)
	}
	return ScopeTestOnly, nil
}

// lockFrom reads Dependencies_toml.dot: every node is a locked package; the
// root's dependencies list is made of the nodes not marked transitive, so
// that the relation is what the upstream harness gives (DIRECT unless
// transitive = true).
func lockFrom(g *dot.Graph, rootOrg, rootName string) (*manifest.DependenciesToml, error) {
	d := &manifest.DependenciesToml{TomlVersion: "2"}
	rootIdx := -1
	var direct []manifest.PackageRef
	for _, n := range g.Nodes {
		org, name, v, err := parseID(n.ID)
		if err != nil {
			return nil, err
		}
		sc, err := scopeAttr(n)
		if err != nil {
			return nil, err
		}
		p := manifest.LockedPackage{Org: org, Name: name, Version: v.String()}
		if sc == ScopeTestOnly {
			p.Scope = manifest.ScopeTestOnly
		}
		if t, ok := n.Attr("transitive"); ok {
			b := t == "true"
			p.Transitive = &b
		}
		if ms, ok := n.Attr("modules"); ok {
			for _, m := range strings.Split(ms, ",") {
				if m = strings.TrimSpace(m); m != "" {
					p.Modules = append(p.Modules, manifest.LockedModule{Org: org, PackageName: name, ModuleName: m})
				}
			}
		}
		if org == rootOrg && name == rootName {
			rootIdx = len(d.Packages)
		} else if p.Transitive == nil || !*p.Transitive {
			direct = append(direct, manifest.PackageRef{Org: org, Name: name})
		}
		d.Packages = append(d.Packages, p)
	}
	if rootIdx >= 0 {
		d.Packages[rootIdx].Dependencies = direct
	}
	return d, nil
}

// dependenciesFrom reads Ballerina_toml.dot.
func dependenciesFrom(g *dot.Graph) ([]manifest.Dependency, error) {
	var deps []manifest.Dependency
	for _, n := range g.Nodes {
		org, name, v, err := parseID(n.ID)
		if err != nil {
			return nil, err
		}
		dep := manifest.Dependency{Org: org, Name: name, Version: v.String()}
		if r, ok := n.Attr("repo"); ok {
			if r != "local" {
				return nil, fmt.Errorf("Unsupported repository name: %s", r)
			}
			dep.Repository = "local"
		}
		deps = append(deps, dep)
	}
	return deps, nil
}

// graphKey is one node of a compared graph: identity (§16.4) and direct
// dependencies.
type graphNodeKey struct {
	id   string // org/name:version|repo|scope|kind|error
	deps []string
}

func nodeIdentity(id, repo string, scope Scope, kind ResolutionKind, isErr bool) string {
	return fmt.Sprintf("%s|repo=%s|scope=%s|kind=%s|error=%v", id, repo, scope, kind, isErr)
}

// expectedGraph reads an expected-graph-*.dot file.
func expectedGraph(g *dot.Graph) (map[string]graphNodeKey, error) {
	ident := map[string]string{}
	for _, n := range g.Nodes {
		if _, _, _, err := parseID(n.ID); err != nil {
			return nil, err
		}
		repo, _ := n.Attr("repo")
		if repo != "" && repo != "local" {
			return nil, fmt.Errorf("Unsupported repository: %s", repo)
		}
		sc, err := scopeAttr(n)
		if err != nil {
			return nil, err
		}
		kind := KindSource
		if k, ok := n.Attr("kind"); ok {
			switch strings.ToLower(k) {
			case "source":
			case "platform_provided":
				kind = KindPlatformProvided
			case "compiler_plugin":
				kind = KindCompilerPlugin
			default:
				return nil, fmt.Errorf("unknown kind %q", k)
			}
		}
		e, _ := n.Attr("error")
		ident[n.ID] = nodeIdentity(n.ID, repo, sc, kind, e == "true")
	}
	out := map[string]graphNodeKey{}
	for _, key := range ident {
		out[key] = graphNodeKey{id: key}
	}
	for _, e := range g.Edges {
		k := out[ident[e.From]]
		k.deps = append(k.deps, ident[e.To])
		out[ident[e.From]] = k
	}
	for key, k := range out {
		sort.Strings(k.deps)
		k.deps = dedup(k.deps)
		out[key] = k
	}
	return out, nil
}

func dedup(ss []string) []string {
	var out []string
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func actualGraph(g *Graph) map[string]graphNodeKey {
	key := func(n *Node) string { return nodeIdentity(n.ID(), n.Repository, n.Scope, n.Kind, n.Error) }
	out := map[string]graphNodeKey{}
	for _, n := range g.Nodes {
		k := graphNodeKey{id: key(n)}
		for _, d := range n.Dependencies {
			k.deps = append(k.deps, key(d))
		}
		sort.Strings(k.deps)
		out[k.id] = k
	}
	return out
}

// compareGraphs returns "" for equal graphs, else the upstream-style
// difference report.
func compareGraphs(actual, expected map[string]graphNodeKey) string {
	var missing, extra []string
	for k := range expected {
		if _, ok := actual[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range actual {
		if _, ok := expected[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		s := "Actual and expected graphs are not equal"
		if len(missing) > 0 {
			s += "\nActual graph does not contain some packages: " + strings.Join(missing, ", ")
		}
		if len(extra) > 0 {
			s += "\nActual graph contains additional packages: " + strings.Join(extra, ", ")
		}
		return s
	}
	var keys []string
	for k := range actual {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a, e := actual[k].deps, expected[k].deps
		if strings.Join(a, ";") != strings.Join(e, ";") {
			return fmt.Sprintf("Package %s's dependencies have changed in the actual graph\nActual:   %v\nExpected: %v", k, a, e)
		}
	}
	return ""
}

// reconstructedRoot holds the input files and expected graphs that this
// copy of the corpus lacks and that were recovered from upstream or
// reconstructed from a case's description and its siblings; it mirrors the
// corpus layout (suite-x/case-NNNN/<file>). See its README.md.
const reconstructedRoot = "testdata/reconstructed"

// caseFiles resolves the files of one conformance case. Every file is looked
// up in this order:
//
//  1. the case directory of the corpus;
//  2. testdata/reconstructed/<suite>/<case> (this repository);
//  3. the suite directory of the corpus.
//
// Steps 1 and 3 are the upstream rule (§16.2, TestCaseFilePaths). Step 2
// only fills gaps: a reconstructed file never hides a file the case itself
// has, while it does take precedence over the suite-level default, as a
// case-level upstream file would. The local repository is the exception:
// it is a set of per-package files, so the package files of a
// reconstructed repositories/local directory are added to the corpus local
// repository (case or suite directory, upstream rule), never replacing a
// package version the corpus defines.
//
// Every reconstructed file that is used is recorded, so that the harness
// can log it and report the files no pair uses.
type caseFiles struct {
	suiteDir, caseDir string
	reconDir          string // testdata/reconstructed/<suite>/<case>
	used              []string
}

func newCaseFiles(suiteDir, caseDir string) *caseFiles {
	return &caseFiles{
		suiteDir: suiteDir,
		caseDir:  caseDir,
		reconDir: filepath.Join(reconstructedRoot, filepath.Base(suiteDir), filepath.Base(caseDir)),
	}
}

// find returns the path of rel by the lookup order above; "" when none of
// the three directories has it.
func (f *caseFiles) find(rel string) string {
	if p := filepath.Join(f.caseDir, rel); fileExists(p) {
		return p
	}
	if p := filepath.Join(f.reconDir, rel); fileExists(p) {
		f.use(p)
		return p
	}
	if p := filepath.Join(f.suiteDir, rel); fileExists(p) {
		return p
	}
	return ""
}

func (f *caseFiles) use(p string) {
	for _, u := range f.used {
		if u == p {
			return
		}
	}
	f.used = append(f.used, p)
}

// localPackageFiles returns the package files of the local repository: those
// of the corpus (the case's repositories/local, else the suite's), then
// those of the reconstructed repositories/local of the case.
func (f *caseFiles) localPackageFiles() (corpus, recon []string) {
	rel := filepath.Join("repositories", "local")
	for _, dir := range []string{f.caseDir, f.suiteDir} {
		if p := filepath.Join(dir, rel); fileExists(p) {
			corpus, _ = filepath.Glob(filepath.Join(p, "*.dot"))
			break
		}
	}
	recon, _ = filepath.Glob(filepath.Join(f.reconDir, rel, "*.dot"))
	return corpus, recon
}
