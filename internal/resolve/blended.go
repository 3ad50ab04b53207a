package resolve

import (
	"context"
	"errors"
	"fmt"

	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// relation is how a locked package relates to the root package.
type relation uint8

const (
	relUnknown relation = iota
	relDirect
	relTransitive
)

// origin is where a blended entry comes from.
type origin uint8

const (
	originLocked origin = iota // Dependencies.toml
	originUser                 // Ballerina.toml [[dependency]]
)

// blendedDep is one entry of the blended manifest (§6).
type blendedDep struct {
	org, name     string
	ver           version.Version
	rel           relation
	repo          string // "local" or ""
	modules       []string
	origin        origin
	isError       bool
	skipWorkspace bool
	// lockedVer and userVer keep both sides of a local-vs-lock conflict for
	// the explanation.
	lockedVer, userVer version.Version
	site               string
}

func (d *blendedDep) fromLocal() bool { return d.repo == localRepo }

func (d *blendedDep) hasModule(m string) bool {
	for _, x := range d.modules {
		if x == m {
			return true
		}
	}
	return false
}

// blended is the blended manifest: Dependencies.toml overlaid with the
// Ballerina.toml [[dependency]] entries and checked against the local
// repository.
type blended struct {
	deps  map[pkgID]*blendedDep
	diags []Diagnostic
}

const localRepo = "local"

// newBlended builds the blended manifest (§6, BlendedManifest.from).
func newBlended(ctx context.Context, req *Request) (*blended, error) {
	b := &blended{deps: make(map[pkgID]*blendedDep)}
	if req.Lock != nil {
		for i := range req.Lock.Packages {
			p := &req.Lock.Packages[i]
			if p.Org == req.RootOrg && p.Name == req.RootName {
				continue
			}
			v, err := version.Parse(p.Version)
			if repository.IsBuiltIn(p.Org, p.Name) {
				v, err = version.MustParse(repository.BuiltInVersion), nil
			}
			if err != nil {
				b.diags = append(b.diags, Diagnostic{Severity: SeverityWarning,
					Message: fmt.Sprintf("ignoring %s/%s in Dependencies.toml: %v", p.Org, p.Name, err)})
				continue
			}
			rel := relDirect
			if req.Lock.IsTransitive(p, req.RootOrg, req.RootName) {
				rel = relTransitive
			}
			d := &blendedDep{org: p.Org, name: p.Name, ver: v, rel: rel, origin: originLocked}
			for _, m := range p.Modules {
				d.modules = append(d.modules, m.ModuleName)
			}
			b.deps[pkgID{p.Org, p.Name}] = d
		}
	}
	for _, dep := range req.Dependencies {
		id := pkgID{dep.Org, dep.Name}
		site := ""
		if dep.Pos.IsValid() {
			site = "Ballerina.toml:" + dep.Pos.String()
		}
		v, err := version.Parse(dep.Version)
		if err != nil {
			b.diags = append(b.diags, Diagnostic{Severity: SeverityWarning, Site: site,
				Message: fmt.Sprintf("ignoring [[dependency]] %s/%s: %v", dep.Org, dep.Name, err)})
			continue
		}
		existing := b.deps[id]
		switch dep.Repository {
		case "":
			// A Central dependency: a user-specified minimum replacing the
			// locked entry (keeping its modules).
			d := &blendedDep{org: dep.Org, name: dep.Name, ver: v, origin: originUser,
				skipWorkspace: dep.SkipWorkspace, site: site}
			if existing != nil {
				d.modules = existing.modules
			}
			b.deps[id] = d
			continue
		case localRepo:
		default:
			// Custom repositories are outside this engine.
			continue
		}
		local, err := lookup(ctx, req.Repositories.Local, dep.Org, dep.Name, v)
		if err != nil {
			return nil, err
		}
		if local == nil {
			b.diags = append(b.diags, Diagnostic{Severity: SeverityWarning, Site: site,
				Message: fmt.Sprintf("Dependency version (%s) cannot be found in the local repository. org: `%s` name: %s",
					dep.Version, dep.Org, dep.Name),
				Explanation: fmt.Sprintf("Push %s/%s:%s with `bal push --repository local`, or correct the version in Ballerina.toml.",
					dep.Org, dep.Name, dep.Version)})
			continue
		}
		d := &blendedDep{org: dep.Org, name: dep.Name, ver: v, repo: localRepo, modules: local.Modules,
			origin: originUser, skipWorkspace: dep.SkipWorkspace, site: site}
		if existing == nil {
			b.deps[id] = d
			continue
		}
		switch v.CompareTo(existing.ver) {
		case version.Equal, version.Greater:
			b.deps[id] = d
		case version.Incompatible:
			b.diags = append(b.diags, Diagnostic{Severity: SeverityError, Site: site,
				Message: fmt.Sprintf("Dependency version (%s) is incompatible with the version locked in Dependencies.toml (%s). org: `%s` name: %s",
					dep.Version, existing.ver, dep.Org, dep.Name),
				Explanation: fmt.Sprintf("Ballerina.toml asks for %s/%s:%s from the local repository but Dependencies.toml locks %s, a different major line.\n"+
					"fix: remove the %s/%s entry from Dependencies.toml and rebuild, or set the [[dependency]] version to one compatible with %s.",
					dep.Org, dep.Name, dep.Version, existing.ver, dep.Org, dep.Name, existing.ver)})
			e := *existing
			e.isError = true
			e.lockedVer, e.userVer = existing.ver, v
			b.deps[id] = &e
		}
		// Less: the locked entry, newer, is kept.
	}
	return b, nil
}

func (b *blended) get(id pkgID) *blendedDep { return b.deps[id] }

func (b *blended) locked(id pkgID) *blendedDep {
	if d := b.deps[id]; d != nil && d.origin == originLocked {
		return d
	}
	return nil
}

func (b *blended) user(id pkgID) *blendedDep {
	if d := b.deps[id]; d != nil && d.origin == originUser {
		return d
	}
	return nil
}

func (b *blended) hasLocked() bool {
	for _, d := range b.deps {
		if d.origin == originLocked {
			return true
		}
	}
	return false
}

// lookup returns one package version from r, nil if r is nil or lacks it.
func lookup(ctx context.Context, r repository.Repository, org, name string, v version.Version) (*repository.Package, error) {
	if r == nil {
		return nil, nil
	}
	p, err := r.Package(ctx, org, name, v)
	if errors.Is(err, repository.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s repository: %w", r.Name(), err)
	}
	return p, nil
}
