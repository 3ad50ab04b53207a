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
//
// A source lives for one Resolve, during which the repository's contents
// are taken not to change. Each package's version list is fetched once
// and kept with the metadata of its versions (for Central all of them are
// fetched then, as the filter reads ballerina_version), so that the
// queries of choose, one per request, cost no further lookup; a version's
// metadata is fetched at most once, and errors are not cached.
type source struct {
	repo     repository.Repository
	exact    bool            // the local repository: exact versions only
	dist     version.Version // running distribution, for the Central filter
	filter   bool
	versionC map[pkgID]*pkgVersions
	// pkgC holds the metadata of versions fetched outside a version list
	// (before the package was listed, or not listed), nil for a version
	// the repository does not have; early marks the packages with entries
	// fetched before their list.
	pkgC  map[verKey]*repository.Package
	early map[pkgID]bool
	// usableC memoizes usable by BallerinaVersion: a universe has few
	// distinct values.
	usableC map[string]bool
}

// pkgVersions is one package's version list.
type pkgVersions struct {
	// all is what the repository listed, in its order. The metadata of
	// all[i] is kept at slot first[i], the first slot holding the same
	// version (a repeated version shares it; first is nil when the list
	// ascends strictly, so that no version repeats); got says a slot is
	// fetched.
	all   []version.Version
	first []int
	meta  []*repository.Package
	got   []bool
	// vs are the usable versions, ascending; vs[k] is all[at[k]].
	vs []version.Version
	at []int
}

// verKey names one version of a package. Version values compare exactly
// with ==, as their canonical strings do.
type verKey struct {
	org, name string
	v         version.Version
}

func newSource(r repository.Repository, exact bool, filterDist string) *source {
	if r == nil {
		return nil
	}
	s := &source{repo: r, exact: exact, versionC: make(map[pkgID]*pkgVersions),
		pkgC: make(map[verKey]*repository.Package), early: make(map[pkgID]bool), usableC: make(map[string]bool)}
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
	if ok, seen := s.usableC[p.BallerinaVersion]; seen {
		return ok
	}
	ok := true
	if bv, err := version.Parse(p.BallerinaVersion); err == nil {
		ok = bv.Major() == s.dist.Major() && bv.Compare(s.dist) <= 0
	}
	s.usableC[p.BallerinaVersion] = ok
	return ok
}

// versions lists the usable versions of org/name, ascending. The slice is
// shared: callers must not modify it.
func (s *source) versions(ctx context.Context, org, name string) ([]version.Version, error) {
	pv, err := s.list(ctx, org, name)
	if err != nil {
		return nil, err
	}
	return pv.vs, nil
}

// list returns the version list of org/name, fetching it on first use.
func (s *source) list(ctx context.Context, org, name string) (*pkgVersions, error) {
	id := pkgID{org, name}
	if pv, ok := s.versionC[id]; ok {
		return pv, nil
	}
	all, err := s.repo.Versions(ctx, org, name)
	if err != nil {
		return nil, fmt.Errorf("%s repository: listing %s/%s: %w", s.repo.Name(), org, name, err)
	}
	n := len(all)
	pv := &pkgVersions{all: all, meta: make([]*repository.Package, n), got: make([]bool, n)}
	if !strictlyAscending(all) {
		// A version may be listed twice.
		pv.first = make([]int, n)
		for i, v := range all {
			pv.first[i] = i
			for j := range i {
				if all[j] == v {
					pv.first[i] = j
					break
				}
			}
		}
	}
	if s.early[id] {
		for i, v := range all {
			if pv.slot(i) != i {
				continue
			}
			if p, ok := s.pkgC[verKey{org, name, v}]; ok {
				pv.meta[i], pv.got[i] = p, true
			}
		}
	}
	for i, v := range all {
		if s.filter {
			p, err := s.fetch(ctx, org, name, pv, i)
			if err != nil {
				// Keep what was fetched, as a cache by version would.
				for j, ok := range pv.got {
					if ok {
						s.pkgC[verKey{org, name, all[j]}] = pv.meta[j]
						s.early[id] = true
					}
				}
				return nil, err
			}
			if p == nil || !s.usable(p) {
				continue
			}
		}
		pv.vs = append(pv.vs, v)
		pv.at = append(pv.at, i)
	}
	// A stable sort leaves a sorted list as it is, so checking first only
	// saves the work; repositories usually list in order.
	if !sort.IsSorted(byVersion{pv}) {
		sort.Stable(byVersion{pv})
	}
	s.versionC[id] = pv
	return pv, nil
}

// strictlyAscending reports whether vs ascends strictly in precedence, so
// that no version is listed twice.
func strictlyAscending(vs []version.Version) bool {
	for i := 1; i < len(vs); i++ {
		if !vs[i-1].LessThan(vs[i]) {
			return false
		}
	}
	return true
}

// slot is the slot holding the metadata of all[i].
func (pv *pkgVersions) slot(i int) int {
	if pv.first == nil {
		return i
	}
	return pv.first[i]
}

// byVersion sorts vs, keeping at beside it.
type byVersion struct{ pv *pkgVersions }

func (b byVersion) Len() int           { return len(b.pv.vs) }
func (b byVersion) Less(i, j int) bool { return b.pv.vs[i].LessThan(b.pv.vs[j]) }
func (b byVersion) Swap(i, j int) {
	pv := b.pv
	pv.vs[i], pv.vs[j] = pv.vs[j], pv.vs[i]
	pv.at[i], pv.at[j] = pv.at[j], pv.at[i]
}

// fetch returns the metadata of pv.all[i], nil when absent.
func (s *source) fetch(ctx context.Context, org, name string, pv *pkgVersions, i int) (*repository.Package, error) {
	i = pv.slot(i)
	if pv.got[i] {
		return pv.meta[i], nil
	}
	p, err := lookup(ctx, s.repo, org, name, pv.all[i])
	if err != nil {
		return nil, err
	}
	pv.meta[i], pv.got[i] = p, true
	return p, nil
}

// pkgAt returns the metadata of pv.vs[k].
func (s *source) pkgAt(ctx context.Context, org, name string, pv *pkgVersions, k int) (*repository.Package, error) {
	return s.fetch(ctx, org, name, pv, pv.at[k])
}

// pkg returns one version's metadata, nil when absent.
func (s *source) pkg(ctx context.Context, org, name string, v version.Version) (*repository.Package, error) {
	id := pkgID{org, name}
	if pv := s.versionC[id]; pv != nil {
		for i := range pv.all {
			if pv.all[i] == v {
				return s.fetch(ctx, org, name, pv, i)
			}
		}
	}
	key := verKey{org, name, v}
	if p, ok := s.pkgC[key]; ok {
		return p, nil
	}
	p, err := lookup(ctx, s.repo, org, name, v)
	if err != nil {
		return nil, err
	}
	s.pkgC[key] = p
	s.early[id] = true
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
	pv, idx, err := s.compatibleAt(ctx, r)
	if err != nil || len(idx) == 0 {
		return nil, err
	}
	out := make([]version.Version, len(idx))
	for k, i := range idx {
		out[k] = pv.vs[i]
	}
	return out, nil
}

// compatibleAt is compatible giving positions in the package's version
// list, in ascending order.
func (s *source) compatibleAt(ctx context.Context, r request) (*pkgVersions, []int, error) {
	pv, err := s.list(ctx, r.d.org, r.d.name)
	if err != nil {
		return nil, nil, err
	}
	all := func() []int {
		idx := make([]int, len(pv.vs))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	if repository.IsBuiltIn(r.d.org, r.d.name) {
		return pv, all(), nil
	}
	rng := rangeFor(r)
	if s.exact {
		if !r.d.hasVer {
			return pv, nil, nil
		}
		rng = version.RangeFor(version.RangeExact, r.d.ver)
	}
	var idx []int
	for i, v := range pv.vs {
		if rng.Contains(v) {
			idx = append(idx, i)
		}
	}
	return pv, idx, nil
}

// choose picks the version a repository answers for a request: the latest
// compatible one, avoiding deprecated versions unless nothing else is
// compatible or the version is the request's pinned minimum (§12).
func (s *source) choose(ctx context.Context, r request) (*repository.Package, error) {
	if s == nil {
		return nil, nil
	}
	pv, idx, err := s.compatibleAt(ctx, r)
	if err != nil || len(idx) == 0 {
		return nil, err
	}
	var fresh []int
	for _, i := range idx {
		p, err := s.pkgAt(ctx, r.d.org, r.d.name, pv, i)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		if !p.Deprecated || r.pinned && r.d.hasVer && pv.vs[i].Equal(r.d.ver) {
			fresh = append(fresh, i)
		}
	}
	if len(fresh) == 0 {
		fresh = idx
	}
	// version.Latest over the candidates: the first of the newest.
	best := fresh[0]
	for _, i := range fresh[1:] {
		if version.IsNewer(pv.vs[i], pv.vs[best]) {
			best = i
		}
	}
	return s.pkgAt(ctx, r.d.org, r.d.name, pv, best)
}
