package apidiff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/syntax"
)

// Package is one version of a package as the checker sees it: its modules
// and their parsed source files (tests excluded).
type Package struct {
	// Org, Name and Version identify the package; Name is used in the
	// text output only, the others not at all.
	Org, Name, Version string
	// Modules are the package's modules, the default module first.
	Modules []*Module
}

// Module is one module of a package.
type Module struct {
	// Name is the full module name: "hello", "hello.util".
	Name string
	// Files are the module's source files (not its tests), in a fixed
	// order (by path).
	Files []*syntax.File
}

// FromSyntax returns the Package of a package read with
// syntax.LoadPackage (in full, not ImportsOnly): every module with its
// source files, tests left out.
func FromSyntax(p *syntax.Package) *Package {
	out := &Package{Name: p.Name}
	for _, m := range p.Modules {
		out.Modules = append(out.Modules, &Module{Name: m.Name, Files: m.Files})
	}
	return out
}

// ParseModule parses sources (file name → content) as the module name, in
// file-name order. It is the checker's entry point for sources that are
// not on disk (tests, the conformance cases).
func ParseModule(name string, sources map[string][]byte) *Module {
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Strings(names)
	m := &Module{Name: name}
	for _, n := range names {
		m.Files = append(m.Files, syntax.ParseFile(n, sources[n], 0))
	}
	return m
}

// LoadBala reads an extracted bala (a package directory of a repository,
// <repo>/bala/<org>/<name>/<version>/<platform>): package.json for the
// identity, and the sources of each module, modules/<module>/*.bal.
// Module directories are those package.json lists; without a list, every
// directory under modules/ named after the package.
func LoadBala(dir string) (*Package, error) {
	file := filepath.Join(dir, bala.PackageJSONFile)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read the package at %s: %w", dir, err)
	}
	pj, err := bala.ReadPackageJSON(file, data)
	if err != nil {
		return nil, err
	}
	p := &Package{Org: pj.Organization, Name: pj.Name, Version: pj.Version}
	var names []string
	for _, m := range pj.Modules {
		names = append(names, m.Name)
	}
	if len(names) == 0 {
		entries, err := os.ReadDir(filepath.Join(dir, "modules"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, e := range entries {
			if n := e.Name(); e.IsDir() && (n == pj.Name || strings.HasPrefix(n, pj.Name+".")) {
				names = append(names, n)
			}
		}
	}
	// The default module first, then the others by name.
	sort.SliceStable(names, func(i, j int) bool {
		if (names[i] == pj.Name) != (names[j] == pj.Name) {
			return names[i] == pj.Name
		}
		return names[i] < names[j]
	})
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
			continue
		}
		seen[name] = true
		mdir := filepath.Join(dir, "modules", name)
		entries, err := os.ReadDir(mdir)
		if errors.Is(err, fs.ErrNotExist) {
			p.Modules = append(p.Modules, &Module{Name: name})
			continue
		}
		if err != nil {
			return nil, err
		}
		m := &Module{Name: name}
		for _, e := range entries { // sorted by name
			if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".bal") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(mdir, e.Name()))
			if err != nil {
				return nil, err
			}
			m.Files = append(m.Files, syntax.ParseFile("modules/"+name+"/"+e.Name(), src, 0))
		}
		p.Modules = append(p.Modules, m)
	}
	return p, nil
}
