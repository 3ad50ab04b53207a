package syntax

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Scope says which part of a module needs an import: its sources, or only
// its tests.
type Scope uint8

// Import scopes.
const (
	// ScopeDefault: at least one source file (not a test) imports the module.
	ScopeDefault Scope = iota
	// ScopeTestOnly: only test files import the module.
	ScopeTestOnly
)

// String returns the word Dependencies.toml uses: "default" or "testOnly".
func (s Scope) String() string {
	switch s {
	case ScopeDefault:
		return "default"
	case ScopeTestOnly:
		return "testOnly"
	}
	return fmt.Sprintf("Scope(%d)", uint8(s))
}

// Package is a package directory read by LoadPackage.
type Package struct {
	// Dir is the package directory, absolute.
	Dir string
	// Name is the package name LoadPackage was given.
	Name string
	// Modules are the default module first, then the other modules sorted
	// by name.
	Modules []*Module
	// Diagnostics are the diagnostics of every file, sorted by file path,
	// then position.
	Diagnostics []Diagnostic
}

// Module returns the module with the given full name ("hello",
// "hello.util"), or nil.
func (p *Package) Module(name string) *Module {
	for _, m := range p.Modules {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Module is one module of a package.
type Module struct {
	// Name is the full module name: the package name for the default
	// module, "<package>.<dir>" for modules/<dir>.
	Name string
	// Dir is the module directory, absolute: the package directory for the
	// default module, else <package>/modules/<dir> (or
	// <package>/generated/<dir> for a module that only has generated
	// sources).
	Dir string
	// Default reports the default module.
	Default bool
	// Files are the source files and TestFiles the files under tests/, each
	// sorted by path. File.Path is relative to the package directory, with
	// forward slashes ("modules/util/util.bal").
	Files, TestFiles []*File
	// Imports are the module's imports: one entry per distinct org and
	// module name over all its files, sorted by org, then module name.
	Imports []ModuleImport

	pkg string // the package name, for ExternalImports
}

// ModuleImport is one module imported by a module, with every place that
// imports it.
type ModuleImport struct {
	// Org is the organization as written; "" when the imports name none
	// (the importing package's org applies). Imports with and without an
	// org are different entries: LoadPackage does not know the package's
	// org.
	Org    string
	Module string
	// Scope is ScopeDefault when a source file imports the module,
	// ScopeTestOnly when only test files do.
	Scope Scope
	// Sites are the import declarations: those in source files first, then
	// those in test files, each group in file order and then source order.
	Sites []ImportSite
}

// ImportSite is one import declaration of a module.
type ImportSite struct {
	// File is the path of the importing file (File.Path).
	File   string
	Import *Import
}

// ExternalImports returns the imports of m that are not modules of m's own
// package: it drops the imports whose org is pkgOrg or omitted and whose
// module is the package's default module or one of its other modules (the
// package name, or the package name followed by "."), which the reference
// toolchain resolves inside the package. The result shares its Sites with
// m.Imports.
func (m *Module) ExternalImports(pkgOrg string) []ModuleImport {
	var out []ModuleImport
	for _, imp := range m.Imports {
		own := (imp.Org == "" || imp.Org == pkgOrg) &&
			(imp.Module == m.pkg || strings.HasPrefix(imp.Module, m.pkg+"."))
		if !own {
			out = append(out, imp)
		}
	}
	return out
}

// Directory names of the package layout (the reference toolchain's
// ProjectConstants).
const (
	pkgModulesDir   = "modules"
	pkgTestsDir     = "tests"
	pkgGeneratedDir = "generated"
	pkgResourcesDir = "resources"
	pkgMaxNameLen   = 256
)

// LoadPackage reads the Ballerina package in dir, whose name (from its
// Ballerina.toml, which LoadPackage does not read) is packageName, and
// parses every source file with ParseFile and mode.
//
// The layout is the reference toolchain's (ProjectFiles, ProjectPaths):
//
//   - the default module, named packageName, has the *.bal files directly
//     in dir and its tests the *.bal files directly in dir/tests;
//   - every directory dir/modules/<sub> is the module packageName.<sub>,
//     with the *.bal files directly in it and its tests in
//     dir/modules/<sub>/tests;
//   - code generators write to dir/generated: its *.bal files belong to the
//     default module, generated/tests/*.bal to its tests, and
//     generated/<sub> (tests and resources excepted) to the module
//     packageName.<sub>, which it creates when modules/<sub> does not exist.
//     A generated file may not have the name of a file it would join.
//
// Nothing else is read: not subdirectories of a module or of tests/ (such
// as tests/resources), not resources/, target/ or any other directory. Files
// and directories whose names start with "." (editor and VCS files) are
// ignored, a deliberate difference from the reference toolchain. A module
// directory name must be 1 to 256 letters, digits, "_" and "." (the
// reference rule), and must not start or end with "." or hold "..".
//
// Files are parsed concurrently, at most runtime.GOMAXPROCS(0) at a time;
// the result does not depend on the order in which they finish. Syntax
// problems are diagnostics, not errors: LoadPackage fails only when
// packageName is empty, dir cannot be read or is not a directory, a module
// directory has an invalid name, generated and hand-written files clash, or
// a file cannot be read (the error then names every such file).
func LoadPackage(dir, packageName string, mode Mode) (*Package, error) {
	if packageName == "" {
		return nil, errors.New("load package: empty package name")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load package: %w", err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("load package: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load package: %s is not a directory", abs)
	}

	l := &pkgLoader{root: abs, name: packageName, byName: map[string]*Module{}}
	def := l.module(packageName, abs, true)
	if err := l.addDir(def, "", false); err != nil {
		return nil, err
	}
	if err := l.addDir(def, pkgTestsDir, true); err != nil {
		return nil, err
	}
	subs, err := pkgSubdirs(filepath.Join(abs, pkgModulesDir))
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		rel := pkgModulesDir + "/" + sub
		if err := checkModuleDirName(sub, rel); err != nil {
			return nil, err
		}
		m := l.module(packageName+"."+sub, filepath.Join(abs, pkgModulesDir, sub), false)
		if err := l.addDir(m, rel, false); err != nil {
			return nil, err
		}
		if err := l.addDir(m, rel+"/"+pkgTestsDir, true); err != nil {
			return nil, err
		}
	}
	if err := l.addGenerated(def); err != nil {
		return nil, err
	}

	if err := l.parse(mode); err != nil {
		return nil, err
	}
	p := &Package{Dir: abs, Name: packageName, Modules: l.modules}
	slices.SortFunc(p.Modules[1:], func(a, b *Module) int { return cmp.Compare(a.Name, b.Name) })
	for _, m := range p.Modules {
		for _, f := range m.Files {
			p.Diagnostics = append(p.Diagnostics, f.Diagnostics...)
		}
		for _, f := range m.TestFiles {
			p.Diagnostics = append(p.Diagnostics, f.Diagnostics...)
		}
		m.Imports = mergeImports(m)
	}
	slices.SortStableFunc(p.Diagnostics, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Pos.Offset, b.Pos.Offset))
	})
	return p, nil
}

// pkgLoader collects the files of a package before parsing them.
type pkgLoader struct {
	root, name string
	modules    []*Module // the default module first
	byName     map[string]*Module
	jobs       []pkgFile
	// names maps module name and "/src" or "/test" to the file names it
	// holds, to catch generated files that clash with hand-written ones.
	names map[string]map[string]string
}

// pkgFile is a file to parse.
type pkgFile struct {
	mod  *Module
	test bool
	rel  string // path relative to the package, with "/"
}

func (l *pkgLoader) module(name, dir string, isDefault bool) *Module {
	m := &Module{Name: name, Dir: dir, Default: isDefault, pkg: l.name}
	l.modules = append(l.modules, m)
	l.byName[name] = m
	return m
}

// addDir queues the *.bal files directly in the directory rel (relative to
// the package, "" for the package directory itself) as sources or tests of
// m.
func (l *pkgLoader) addDir(m *Module, rel string, test bool) error {
	files, err := pkgBalFiles(filepath.Join(l.root, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	key := m.Name + "/src"
	if test {
		key = m.Name + "/test"
	}
	if l.names == nil {
		l.names = map[string]map[string]string{}
	}
	seen := l.names[key]
	if seen == nil {
		seen = map[string]string{}
		l.names[key] = seen
	}
	for _, name := range files {
		path := name
		if rel != "" {
			path = rel + "/" + name
		}
		if other, ok := seen[name]; ok {
			return fmt.Errorf("load package: %s and %s would both be file %s of module %s; rename one", other, path, name, m.Name)
		}
		seen[name] = path
		l.jobs = append(l.jobs, pkgFile{mod: m, test: test, rel: path})
	}
	return nil
}

// addGenerated queues the files under generated/.
func (l *pkgLoader) addGenerated(def *Module) error {
	if err := l.addDir(def, pkgGeneratedDir, false); err != nil {
		return err
	}
	if err := l.addDir(def, pkgGeneratedDir+"/"+pkgTestsDir, true); err != nil {
		return err
	}
	subs, err := pkgSubdirs(filepath.Join(l.root, pkgGeneratedDir))
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if sub == pkgTestsDir || sub == pkgResourcesDir {
			continue
		}
		rel := pkgGeneratedDir + "/" + sub
		if err := checkModuleDirName(sub, rel); err != nil {
			return err
		}
		name := l.name + "." + sub
		m := l.byName[name]
		if m == nil {
			m = l.module(name, filepath.Join(l.root, pkgGeneratedDir, sub), false)
		}
		if err := l.addDir(m, rel, false); err != nil {
			return err
		}
		if err := l.addDir(m, rel+"/"+pkgTestsDir, true); err != nil {
			return err
		}
	}
	return nil
}

// parse reads and parses the queued files with a bounded pool of workers
// and attaches them to their modules, sorted by path.
func (l *pkgLoader) parse(mode Mode) error {
	files := make([]*File, len(l.jobs))
	errs := make([]error, len(l.jobs))
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(l.jobs) {
				return
			}
			job := l.jobs[i]
			src, err := os.ReadFile(filepath.Join(l.root, filepath.FromSlash(job.rel)))
			if err != nil {
				errs[i] = fmt.Errorf("load package: %w", err)
				continue
			}
			f := ParseFile(job.rel, src, mode)
			f.Path = job.rel
			files[i] = f
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(l.jobs))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, job := range l.jobs {
		if job.test {
			job.mod.TestFiles = append(job.mod.TestFiles, files[i])
		} else {
			job.mod.Files = append(job.mod.Files, files[i])
		}
	}
	byPath := func(a, b *File) int { return cmp.Compare(a.Path, b.Path) }
	for _, m := range l.modules {
		slices.SortFunc(m.Files, byPath)
		slices.SortFunc(m.TestFiles, byPath)
	}
	return nil
}

// mergeImports returns the imports of m's files, one entry per org and
// module, sorted by org then module.
func mergeImports(m *Module) []ModuleImport {
	type key struct{ org, mod string }
	index := map[key]int{}
	var out []ModuleImport
	add := func(f *File, test bool) {
		for _, imp := range f.Imports {
			if imp == nil || imp.Module == "" {
				continue // a broken import; the parser has diagnosed it
			}
			k := key{imp.Org, imp.Module}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, ModuleImport{Org: imp.Org, Module: imp.Module, Scope: ScopeTestOnly})
			}
			if !test {
				out[i].Scope = ScopeDefault
			}
			out[i].Sites = append(out[i].Sites, ImportSite{File: f.Path, Import: imp})
		}
	}
	for _, f := range m.Files {
		add(f, false)
	}
	for _, f := range m.TestFiles {
		add(f, true)
	}
	slices.SortFunc(out, func(a, b ModuleImport) int {
		return cmp.Or(cmp.Compare(a.Org, b.Org), cmp.Compare(a.Module, b.Module))
	})
	return out
}

// pkgBalFiles returns the names of the *.bal files directly in dir, sorted;
// none when dir does not exist. Hidden files and anything that is not a
// regular file (after following symbolic links) are left out.
func pkgBalFiles(dir string) ([]string, error) {
	entries, err := pkgReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".bal") {
			continue
		}
		if pkgEntryMode(dir, e).IsRegular() {
			names = append(names, name)
		}
	}
	return names, nil
}

// pkgSubdirs returns the names of the directories directly in dir, sorted;
// none when dir does not exist. Hidden directories are left out.
func pkgSubdirs(dir string) ([]string, error) {
	entries, err := pkgReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && pkgEntryMode(dir, e).IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// pkgReadDir lists dir; a missing directory (or a file where a directory
// could be) is empty.
func pkgReadDir(dir string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if info, serr := os.Stat(dir); serr == nil && !info.IsDir() {
			return nil, nil
		}
		return nil, fmt.Errorf("load package: %w", err)
	}
	return entries, nil
}

// pkgEntryMode returns the type of a directory entry, following a symbolic
// link; a broken link has no type bits that matter.
func pkgEntryMode(dir string, e fs.DirEntry) fs.FileMode {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.Type()
	}
	info, err := os.Stat(filepath.Join(dir, e.Name()))
	if err != nil {
		return fs.ModeIrregular
	}
	return info.Mode()
}

// checkModuleDirName checks the name of a module directory (rel is its
// path in the package, for the message).
func checkModuleDirName(name, rel string) error {
	if len(name) > pkgMaxNameLen {
		return fmt.Errorf("load package: invalid module directory %s: a module name has at most %d characters", rel, pkgMaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("load package: invalid module directory %s: a module name can only contain alphanumerics, underscores and periods", rel)
		}
	}
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return fmt.Errorf("load package: invalid module directory %s: empty module name component", rel)
	}
	return nil
}
