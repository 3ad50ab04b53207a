package project

// The content of the archive bal pack writes (formats.md §1):
//
//	bala.json                            {"bala_version": "3.0.0", "built_by": "WSO2"}
//	package.json                         from Ballerina.toml (see packageJSON)
//	dependency-graph.json                from the resolved graph and the imports
//	docs/<readme>                        the package README, when there is one
//	docs/<icon>.png                      the [package] icon, with the README
//	docs/modules/<pkg.sub>/<readme>      module READMEs
//	modules/<pkg>/<file>.bal             the default module's sources (no tests)
//	modules/<pkg>.<sub>/<file>.bal       the other modules' sources
//	resources/<path>                     the files under resources/
//	<include>                            the files [package] include matches
//	platform/java21/<jar>                platform libraries of default scope
//
// When two sources produce the same entry name the first one wins, in the
// order above (a source file matched by an include pattern is stored once).
// Generated sources (generated/) are stored in the module they belong to.
//
// Platform: "any", unless a module imports ballerina/jballerina.java from
// a source file (not a test) or [platform.java21] declares a platform
// library whose scope is not testOnly; then "java21", the target of the
// distribution this toolchain stands in for. Packages written for older
// distributions declare their libraries under [platform.java17] or
// [platform.java11]; the first of java21, java17 and java11 present is
// used. Libraries of default scope must have a path (bal does not
// download Maven artifacts); those of provided scope are listed without
// being copied; testOnly ones are left out.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/resolve"
	"github.com/balcentral/balcentral/internal/syntax"
	"github.com/balcentral/balcentral/internal/version"
)

// Values written to package.json.
const (
	implementationVendor = "WSO2"
	// JavaPlatform is the platform of a package that needs the JVM backend:
	// the target of the emulated distribution.
	JavaPlatform = "java21"
	// javaModule is the module whose import makes a package
	// platform-specific.
	javaOrg, javaModule = "ballerina", "jballerina.java"
)

// javaPlatformKeys are the [platform.<key>] tables read for the platform
// libraries, in order of preference.
var javaPlatformKeys = []string{"java21", "java17", "java11"}

// assembly builds the entries of one archive.
type assembly struct {
	p            *Project
	src          *syntax.Package
	graph        *resolve.Graph
	distribution string
	readme       string // the README, absolute; "" when there is none

	entries  []bala.Entry
	names    map[string]bool
	warnings []Diagnostic

	platform string
	pkg      *bala.PackageJSON
	depGraph *bala.DependencyGraph
}

// add adds an entry unless one of that name exists; it reports whether it
// did.
func (a *assembly) add(name string, data []byte) bool {
	if a.names[name] {
		return false
	}
	a.names[name] = true
	a.entries = append(a.entries, bala.Entry{Name: name, Data: data})
	return true
}

// addFile adds the file at path (absolute) as the entry name.
func (a *assembly) addFile(name, path string) error {
	if a.names[name] {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	a.add(name, data)
	return nil
}

func (a *assembly) assemble() error {
	a.names = map[string]bool{}
	p, pd := a.p, a.p.Manifest.Package
	platformTable := a.choosePlatform()

	a.pkg = &bala.PackageJSON{
		Organization:         p.Org(),
		Name:                 p.Name(),
		Version:              p.Version(),
		Licenses:             pd.License,
		Authors:              pd.Authors,
		SourceRepository:     pd.Repository,
		Keywords:             pd.Keywords,
		Export:               p.Manifest.ExportedModules(),
		Include:              pd.Include,
		Visibility:           pd.Visibility,
		BallerinaVersion:     a.distribution,
		ImplementationVendor: implementationVendor,
		LanguageSpecVersion:  version.LanguageSpecVersion,
		Platform:             a.platform,
		GraalVMCompatible:    graalvmCompatible(p.Manifest, a.platform),
		Template:             pd.Template,
		Description:          pd.Description,
	}

	// Documentation.
	if a.readme != "" {
		name := "docs/" + filepath.Base(a.readme)
		if err := a.addFile(name, a.readme); err != nil {
			return err
		}
		a.pkg.Readme = name
		if pd.Icon != "" {
			icon := "docs/" + path.Base(filepath.ToSlash(pd.Icon))
			if err := a.addFile(icon, p.path(pd.Icon)); err != nil {
				return err
			}
			a.pkg.Icon = icon
		}
	}
	exported := map[string]bool{}
	for _, m := range a.pkg.Export {
		exported[m] = true
	}
	for _, m := range a.src.Modules {
		mj := bala.ModuleJSON{Name: m.Name, Export: m.Default || exported[m.Name]}
		readme := ""
		if d := moduleDescriptor(p.Manifest, m.Name); d != nil {
			mj.Description = d.Description
			if d.Readme != "" {
				if fileExists(p.path(d.Readme)) {
					readme = p.path(d.Readme)
				} else {
					a.warnings = append(a.warnings, Diagnostic{Severity: SeverityWarning,
						Sites:   []string{manifestFile + ":" + d.Pos.String()},
						Message: fmt.Sprintf("could not locate the readme '%s' of module '%s'; it is not packed", d.Readme, m.Name)})
				}
			}
		}
		if readme == "" && !m.Default {
			sub := strings.TrimPrefix(m.Name, p.Name()+".")
			if f := filepath.Join(p.Dir, "modules", sub, ReadmeFile); fileExists(f) {
				readme = f
			}
		}
		if readme != "" {
			name := "docs/modules/" + m.Name + "/" + filepath.Base(readme)
			if err := a.addFile(name, readme); err != nil {
				return err
			}
			mj.Readme = name
		}
		a.pkg.Modules = append(a.pkg.Modules, mj)
	}

	// Sources: what the parser read, so that what was checked is packed.
	for _, m := range a.src.Modules {
		for _, f := range m.Files {
			a.add("modules/"+m.Name+"/"+path.Base(f.Path), f.Src)
		}
	}

	// Resources.
	resources := filepath.Join(p.Dir, "resources")
	err := filepath.WalkDir(resources, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			if file == resources && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(resources, file)
		if err != nil {
			return err
		}
		return a.addFile("resources/"+filepath.ToSlash(rel), file)
	})
	if err != nil {
		return fmt.Errorf("reading the package's resources: %w", err)
	}

	// Include patterns.
	skip := []string{filepath.Join(p.Dir, TargetDirName), p.TargetDir}
	included, err := includeFiles(p.Dir, pd.Include, skip)
	if err != nil {
		return err
	}
	for _, rel := range included {
		if err := a.addFile(includeEntryName(p.Name(), rel), filepath.Join(p.Dir, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}

	// Platform libraries.
	if err := a.platformLibraries(platformTable); err != nil {
		return err
	}

	// Metadata.
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		return err
	}
	a.add(bala.BalaJSONFile, bj)
	pj, err := bala.MarshalPackageJSON(a.pkg)
	if err != nil {
		return err
	}
	a.add(bala.PackageJSONFile, pj)
	if a.depGraph, err = a.dependencyGraph(); err != nil {
		return err
	}
	gj, err := bala.MarshalDependencyGraphJSON(a.depGraph)
	if err != nil {
		return err
	}
	a.add(bala.DependencyGraphJSONFile, gj)
	slices.SortFunc(a.entries, func(x, y bala.Entry) int { return strings.Compare(x.Name, y.Name) })
	return nil
}

// choosePlatform sets a.platform and returns the [platform.<javaNN>] table
// the platform libraries come from (nil for none).
func (a *assembly) choosePlatform() *manifest.Platform {
	var table *manifest.Platform
	for _, key := range javaPlatformKeys {
		if t := a.p.Manifest.Platforms[key]; t != nil {
			table = t
			break
		}
	}
	needsJava := false
	if table != nil {
		for _, d := range table.Dependencies {
			if d.Scope != manifest.ScopeTestOnly {
				needsJava = true
			}
		}
	}
	for _, m := range a.src.Modules {
		for _, imp := range m.Imports {
			if imp.Org == javaOrg && imp.Module == javaModule && imp.Scope == syntax.ScopeDefault {
				needsJava = true
			}
		}
	}
	a.platform = bala.AnyPlatform
	if needsJava {
		a.platform = JavaPlatform
	}
	return table
}

// platformLibraries adds the platform libraries of a java package and
// lists them in package.json.
func (a *assembly) platformLibraries(table *manifest.Platform) error {
	if a.platform == bala.AnyPlatform || table == nil {
		return nil
	}
	for _, d := range table.Dependencies {
		switch d.Scope {
		case manifest.ScopeTestOnly:
			continue
		case "provided":
			a.pkg.PlatformDependencies = append(a.pkg.PlatformDependencies, bala.PlatformDependency{
				ArtifactID: d.ArtifactID, GroupID: d.GroupID, Version: d.Version, Scope: d.Scope})
			continue
		}
		if d.Path == "" {
			return &FileErrors{Summary: manifestFile + " contains errors", Diagnostics: []Diagnostic{{
				Sites: []string{manifestFile + ":" + d.Pos.String()},
				Message: fmt.Sprintf("platform dependency '%s:%s:%s' has no 'path': bal does not download Maven artifacts",
					d.GroupID, d.ArtifactID, d.Version),
				Details: []string{"hint: download the jar into the package and set 'path' to it"},
			}}}
		}
		name := "platform/" + a.platform + "/" + path.Base(filepath.ToSlash(d.Path))
		if a.names[name] {
			continue
		}
		if err := a.addFile(name, a.p.path(d.Path)); err != nil {
			return err
		}
		a.pkg.PlatformDependencies = append(a.pkg.PlatformDependencies, bala.PlatformDependency{
			Path: name, ArtifactID: d.ArtifactID, GroupID: d.GroupID, Version: d.Version})
	}
	return nil
}

// graalvmCompatible returns package.json "graalvmCompatible", as the
// reference writer decides it: the value [platform.<platform>] sets, else
// the value another platform table sets, else true when no platform table
// declares libraries (the package uses only what the distribution
// provides), else absent.
func graalvmCompatible(m *manifest.BallerinaToml, platform string) *bool {
	if t := m.Platforms[platform]; t != nil && t.GraalvmCompatible != nil {
		return t.GraalvmCompatible
	}
	keys := sortedPlatformKeys(m)
	for _, k := range keys {
		if t := m.Platforms[k]; k != platform && t.GraalvmCompatible != nil {
			return t.GraalvmCompatible
		}
	}
	for _, k := range keys {
		if len(m.Platforms[k].Dependencies) > 0 {
			return nil
		}
	}
	yes := true
	return &yes
}

// sortedPlatformKeys returns the keys of Ballerina.toml's [platform]
// tables, sorted.
func sortedPlatformKeys(m *manifest.BallerinaToml) []string {
	keys := make([]string, 0, len(m.Platforms))
	for k := range m.Platforms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// moduleDescriptor returns the [[package.modules]] entry of a module, or
// nil.
func moduleDescriptor(m *manifest.BallerinaToml, name string) *manifest.ModuleDescriptor {
	for i := range m.Package.Modules {
		if m.Package.Modules[i].Name == name {
			return &m.Package.Modules[i]
		}
	}
	return nil
}

// dependencyGraph returns dependency-graph.json: every package of the
// resolved graph that is not test-only (the package itself and the
// language libraries included) with its direct dependencies that are not
// test-only, and every module of the package with the modules its source
// files (not its tests) import, in import order. Implicit imports
// (ballerinai/observe) are packages of the graph but no module imports
// them.
func (a *assembly) dependencyGraph() (*bala.DependencyGraph, error) {
	g := &bala.DependencyGraph{}
	for _, n := range a.graph.Nodes {
		if n != a.graph.Root && n.Scope == resolve.ScopeTestOnly {
			continue
		}
		gp := bala.GraphPackage{Org: n.Org, Name: n.Name, Version: n.Version.String()}
		for _, d := range n.Dependencies {
			if d.Scope == resolve.ScopeTestOnly {
				continue
			}
			gp.Dependencies = append(gp.Dependencies, bala.PackageRef{Org: d.Org, Name: d.Name, Version: d.Version.String()})
		}
		g.Packages = append(g.Packages, gp)
	}
	p := a.p
	for _, m := range a.src.Modules {
		gm := bala.GraphModule{Org: p.Org(), PackageName: p.Name(), Version: p.Version(), ModuleName: m.Name}
		for _, imp := range m.Imports {
			if imp.Scope != syntax.ScopeDefault {
				continue
			}
			if ownModule(p, imp) {
				gm.Dependencies = append(gm.Dependencies, bala.ModuleRef{Org: p.Org(), PackageName: p.Name(), Version: p.Version(), ModuleName: imp.Module})
				continue
			}
			org := imp.Org
			if org == "" {
				org = p.Org()
			}
			n := a.providerOf(org, imp.Module)
			if n == nil {
				return nil, fmt.Errorf("project: no package of the resolved graph provides module %s/%s", org, imp.Module)
			}
			gm.Dependencies = append(gm.Dependencies, bala.ModuleRef{Org: n.Org, PackageName: n.Name, Version: n.Version.String(), ModuleName: imp.Module})
		}
		g.Modules = append(g.Modules, gm)
	}
	return g, nil
}

// providerOf returns the package of the resolved graph that provides the
// module org/module to the root package.
func (a *assembly) providerOf(org, module string) *resolve.Node {
	for _, n := range a.graph.Nodes {
		if n.Org == org && slices.Contains(n.Modules, module) {
			return n
		}
	}
	// A package whose name is the module name, or a prefix of it.
	var best *resolve.Node
	for _, n := range a.graph.Nodes {
		if n.Org == org && (module == n.Name || strings.HasPrefix(module, n.Name+".")) && (best == nil || len(n.Name) > len(best.Name)) {
			best = n
		}
	}
	return best
}
