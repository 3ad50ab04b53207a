package resolve

import (
	"context"

	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// depKind tells whether a direct dependency is recorded in Dependencies.toml.
type depKind uint8

const (
	depNew depKind = iota
	depExisting
)

// directDep is a package the root imports (ModuleResolver.DirectPackageDependency).
type directDep struct {
	id      pkgID
	ver     version.Version
	hasVer  bool
	repo    string
	kind    depKind
	scope   Scope
	rkind   ResolutionKind
	imports []Import
}

// possiblePackageNames returns the candidate package names of a module:
// every dot-prefix, shortest first (§7).
func possiblePackageNames(org, module string) []string {
	if repository.IsBuiltIn(org, module) {
		return []string{module}
	}
	var names []string
	for i := 0; i < len(module); i++ {
		if module[i] == '.' {
			names = append(names, module[:i])
		}
	}
	return append(names, module)
}

// importRequest is an import that needs the repositories to find its package.
type importRequest struct {
	imp      Import
	org      string
	possible []desc // blended (locked or user-specified) candidates, with versions
}

// resolveImports maps imports to direct package dependencies (§7,
// ModuleResolver.resolveModuleLoadRequests). It returns them in first-import
// order and the imports nothing provides.
func (e *engine) resolveImports(ctx context.Context) ([]*directDep, []Import, error) {
	var deps []*directDep
	byID := make(map[pkgID]*directDep)
	add := func(id pkgID, ver version.Version, hasVer bool, repo string, kind depKind, imp Import) {
		if d := byID[id]; d != nil {
			// Another module of the same package: DEFAULT scope and SOURCE kind
			// dominate, EXISTING sticks.
			if d.scope != ScopeDefault {
				d.scope = imp.Scope
			}
			if d.rkind != KindSource {
				d.rkind = imp.Kind
			}
			if d.kind != depExisting {
				d.kind = kind
			}
			if hasVer && !d.hasVer {
				d.ver, d.hasVer = ver, true
			}
			d.imports = append(d.imports, imp)
			return
		}
		d := &directDep{id: id, ver: ver, hasVer: hasVer, repo: repo, kind: kind, scope: imp.Scope, rkind: imp.Kind,
			imports: []Import{imp}}
		byID[id] = d
		deps = append(deps, d)
	}

	var pending []importRequest
	for _, imp := range e.req.Imports {
		org := imp.Org
		if org == "" {
			org = e.req.RootOrg
			imp.Org = org
		}
		names := possiblePackageNames(org, imp.Module)
		var found *desc
		switch {
		case repository.IsBuiltIn(org, imp.Module):
			found = &desc{org: org, name: imp.Module}
		case len(names) == 1:
			d := e.blendedDesc(org, imp.Module)
			found = &d
		default:
			for _, n := range names {
				if org == e.req.RootOrg && n == e.req.RootName {
					if e.rootModules[imp.Module] {
						found = &desc{org: org, name: n}
						break
					}
					continue
				}
				if bd := e.bm.get(pkgID{org, n}); bd != nil && bd.hasModule(imp.Module) {
					d := e.blendedDesc(org, n)
					found = &d
					break
				}
			}
		}
		if found == nil {
			r := importRequest{imp: imp, org: org}
			for _, n := range names {
				if e.bm.get(pkgID{org, n}) != nil {
					r.possible = append(r.possible, e.blendedDesc(org, n))
				}
			}
			pending = append(pending, r)
			continue
		}
		if found.org == e.req.RootOrg && found.name == e.req.RootName {
			continue // a module of the root package
		}
		kind := depNew
		if e.bm.locked(found.id()) != nil {
			kind = depExisting
		}
		e.importsOf[found.id()] = append(e.importsOf[found.id()], imp.Module)
		add(found.id(), found.ver, found.hasVer, found.repo, kind, imp)
	}

	var unresolved []Import
	for _, r := range pending {
		d, ok, err := e.findModule(ctx, r)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			unresolved = append(unresolved, r.imp)
			continue
		}
		e.importsOf[d.id()] = append(e.importsOf[d.id()], r.imp.Module)
		add(d.id(), d.ver, true, "", depNew, r.imp)
	}
	return deps, unresolved, nil
}

// blendedDesc returns org/name with the version and repository of its
// blended entry, if any (ModuleResolver.createPkgDesc).
func (e *engine) blendedDesc(org, name string) desc {
	d := desc{org: org, name: name}
	if bd := e.bm.get(pkgID{org, name}); bd != nil {
		d.ver, d.hasVer = bd.ver, true
		if bd.fromLocal() {
			d.repo = localRepo
		}
	}
	return d
}

// findModule asks the distribution and Central which package holds a
// hierarchical module (§7 step 5, resolvePackageNames). The distribution's
// answer wins when the two name different packages, unless the
// distribution has no compatible version of Central's package.
func (e *engine) findModule(ctx context.Context, r importRequest) (desc, bool, error) {
	dist, distOK, err := e.findModuleIn(ctx, e.dist, r)
	if err != nil {
		return desc{}, false, err
	}
	central, centralOK, err := e.findModuleIn(ctx, e.central, r)
	if err != nil {
		return desc{}, false, err
	}
	switch {
	case !centralOK:
		return dist, distOK, nil
	case !distOK:
		return central, true, nil
	case dist.name != central.name:
		vs, err := e.dist.compatible(ctx, request{d: central, mode: e.mode})
		if err != nil {
			return desc{}, false, err
		}
		if len(vs) == 0 {
			return central, true, nil
		}
	}
	return dist, true, nil
}

// findModuleIn searches one repository: the blended candidates with their
// SOFT-compatible versions first, then the other candidate names, newest
// version first; the first version holding the module wins.
func (e *engine) findModuleIn(ctx context.Context, s *source, r importRequest) (desc, bool, error) {
	if s == nil {
		return desc{}, false, nil
	}
	tried := make(map[string]bool)
	try := func(name string, vs []version.Version) (desc, bool, error) {
		sortNewestFirst(vs)
		for _, v := range vs {
			p, err := s.pkg(ctx, r.org, name, v)
			if err != nil {
				return desc{}, false, err
			}
			if p != nil && p.HasModule(r.imp.Module) {
				return desc{org: r.org, name: name, ver: v, hasVer: true}, true, nil
			}
		}
		return desc{}, false, nil
	}
	for _, cand := range r.possible {
		tried[cand.name] = true
		vs, err := s.compatible(ctx, request{d: desc{org: cand.org, name: cand.name, ver: cand.ver, hasVer: cand.hasVer}, mode: Soft})
		if err != nil {
			return desc{}, false, err
		}
		if d, ok, err := try(cand.name, vs); ok || err != nil {
			return d, ok, err
		}
	}
	for _, name := range possiblePackageNames(r.org, r.imp.Module) {
		if tried[name] {
			continue
		}
		vs, err := s.versions(ctx, r.org, name)
		if err != nil {
			return desc{}, false, err
		}
		if d, ok, err := try(name, append([]version.Version(nil), vs...)); ok || err != nil {
			return d, ok, err
		}
	}
	return desc{}, false, nil
}

// sortNewestFirst orders versions by the latest rule, newest first.
func sortNewestFirst(vs []version.Version) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && version.IsNewer(vs[j], vs[j-1]); j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}
