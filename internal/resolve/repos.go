package resolve

import (
	"context"
	"fmt"
	"sort"

	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// source wraps one repository with the per-resolution caches and the
// Central compatibility filter (§10).
type source struct {
	repo     repository.Repository
	exact    bool            // the local repository: exact versions only
	dist     version.Version // running distribution, for the Central filter
	filter   bool
	versionC map[pkgID][]version.Version
	pkgC     map[string]*repository.Package
	missC    map[string]bool
}

func newSource(r repository.Repository, exact bool, filterDist string) *source {
	if r == nil {
		return nil
	}
	s := &source{repo: r, exact: exact, versionC: make(map[pkgID][]version.Version),
		pkgC: make(map[string]*repository.Package), missC: make(map[string]bool)}
	if filterDist != "" {
		if v, err := version.Parse(filterDist); err == nil {
			s.dist, s.filter = v, true
		}
	}
	return s
}

// usable reports whether a Central cache entry may be used with the running
// distribution: built by the same major and not by a newer distribution.
func (s *source) usable(p *repository.Package) bool {
	if !s.filter || p.BallerinaVersion == "" {
		return true
	}
	bv, err := version.Parse(p.BallerinaVersion)
	if err != nil {
		return true
	}
	return bv.Major() == s.dist.Major() && bv.Compare(s.dist) <= 0
}

// versions lists the usable versions of org/name, ascending.
func (s *source) versions(ctx context.Context, org, name string) ([]version.Version, error) {
	id := pkgID{org, name}
	if vs, ok := s.versionC[id]; ok {
		return vs, nil
	}
	all, err := s.repo.Versions(ctx, org, name)
	if err != nil {
		return nil, fmt.Errorf("%s repository: listing %s/%s: %w", s.repo.Name(), org, name, err)
	}
	var vs []version.Version
	for _, v := range all {
		if s.filter {
			p, err := s.pkg(ctx, org, name, v)
			if err != nil {
				return nil, err
			}
			if p == nil || !s.usable(p) {
				continue
			}
		}
		vs = append(vs, v)
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].LessThan(vs[j]) })
	s.versionC[id] = vs
	return vs, nil
}

// pkg returns one version's metadata, nil when absent.
func (s *source) pkg(ctx context.Context, org, name string, v version.Version) (*repository.Package, error) {
	key := org + "/" + name + ":" + v.String()
	if p, ok := s.pkgC[key]; ok {
		return p, nil
	}
	if s.missC[key] {
		return nil, nil
	}
	p, err := lookup(ctx, s.repo, org, name, v)
	if err != nil {
		return nil, err
	}
	if p == nil {
		s.missC[key] = true
		return nil, nil
	}
	s.pkgC[key] = p
	return p, nil
}

// rangeFor is the compatible range of a request (§10,
// getCompatiblePackageVersions).
func rangeFor(r request) version.Range {
	if !r.d.hasVer {
		return version.Range{Kind: version.RangeLatest}
	}
	hard := r.mode == Hard || r.mode == Locked
	switch {
	case hard:
		return version.RangeFor(version.RangeExact, r.d.ver)
	case r.d.ver.IsInitial() || r.mode == Medium:
		return version.RangeFor(version.RangeLockMinor, r.d.ver)
	default:
		return version.RangeFor(version.RangeLockMajor, r.d.ver)
	}
}

// compatible returns the versions of the request's package that satisfy
// its range. Built-in packages accept every version; the local repository
// only the exact one.
func (s *source) compatible(ctx context.Context, r request) ([]version.Version, error) {
	if s == nil {
		return nil, nil
	}
	vs, err := s.versions(ctx, r.d.org, r.d.name)
	if err != nil {
		return nil, err
	}
	if repository.IsBuiltIn(r.d.org, r.d.name) {
		return append([]version.Version(nil), vs...), nil
	}
	rng := rangeFor(r)
	if s.exact {
		if !r.d.hasVer {
			return nil, nil
		}
		rng = version.RangeFor(version.RangeExact, r.d.ver)
	}
	return rng.Filter(vs), nil
}

// choose picks the version a repository answers for a request: the latest
// compatible one, avoiding deprecated versions unless nothing else is
// compatible or the version is the request's pinned minimum (§12).
func (s *source) choose(ctx context.Context, r request) (*repository.Package, error) {
	vs, err := s.compatible(ctx, r)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	var fresh []version.Version
	for _, v := range vs {
		p, err := s.pkg(ctx, r.d.org, r.d.name, v)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		if !p.Deprecated || r.pinned && r.d.hasVer && v.Equal(r.d.ver) {
			fresh = append(fresh, v)
		}
	}
	if len(fresh) == 0 {
		fresh = vs
	}
	best, ok := version.Latest(fresh)
	if !ok {
		return nil, nil
	}
	return s.pkg(ctx, r.d.org, r.d.name, best)
}
