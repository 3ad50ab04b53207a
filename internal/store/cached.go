package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// Cached is a Store that answers the two hottest reads of a registry,
// [PackageReader.Version] and [PackageReader.Versions], from memory for up
// to a TTL, and passes everything else to the store it wraps.
//
// Writes made through a Cached invalidate what they change at once, so a
// single process never sees its own writes late: the conformance suite
// holds for it. Writes made elsewhere (another replica on a shared
// database, an admin command on the same file) become visible within the
// TTL. Not-found answers are cached too, so a storm of requests for a
// missing package does not reach the database either.
//
// Returned values are copies of the cached ones at the top level; the
// slices inside a PackageVersion are shared and must not be modified, as
// with any value a Store returns.
type Cached struct {
	Store
	ttl time.Duration
	now func() time.Time

	mu       sync.Mutex
	versions map[packageKey]cachedVersions
	version  map[versionKey]cachedVersion
}

type packageKey struct{ org, name string }

type versionKey struct{ org, name, version string }

type cachedVersions struct {
	list []VersionInfo
	err  error
	at   time.Time
}

type cachedVersion struct {
	pv  *PackageVersion
	err error
	at  time.Time
}

// maxCachedEntries bounds each of the two maps; when one is full it is
// emptied (the next requests refill it), which keeps memory bounded without
// the bookkeeping of an LRU.
const maxCachedEntries = 50_000

// NewCached returns s with Version and Versions cached for ttl.
func NewCached(s Store, ttl time.Duration) *Cached {
	return &Cached{
		Store:    s,
		ttl:      ttl,
		now:      time.Now,
		versions: map[packageKey]cachedVersions{},
		version:  map[versionKey]cachedVersion{},
	}
}

// Unwrap returns the wrapped store, for callers that look for optional
// capabilities of a backend (shared locks, shared rate limits).
func (c *Cached) Unwrap() Store { return c.Store }

// Underlying returns the innermost store of a chain of wrappers that have
// an Unwrap method.
func Underlying(s Store) Store {
	for {
		u, ok := s.(interface{ Unwrap() Store })
		if !ok {
			return s
		}
		s = u.Unwrap()
	}
}

// Version implements [PackageReader].
func (c *Cached) Version(ctx context.Context, org, name, version string) (*PackageVersion, error) {
	k := versionKey{org, name, version}
	now := c.now()
	c.mu.Lock()
	e, ok := c.version[k]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		if e.err != nil {
			return nil, e.err
		}
		cp := *e.pv
		return &cp, nil
	}
	pv, err := c.Store.Version(ctx, org, name, version)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	c.mu.Lock()
	if len(c.version) >= maxCachedEntries {
		clear(c.version)
	}
	c.version[k] = cachedVersion{pv: pv, err: err, at: now}
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	cp := *pv
	return &cp, nil
}

// Versions implements [PackageReader].
func (c *Cached) Versions(ctx context.Context, org, name string) ([]VersionInfo, error) {
	k := packageKey{org, name}
	now := c.now()
	c.mu.Lock()
	e, ok := c.versions[k]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		if e.err != nil {
			return nil, e.err
		}
		return slices.Clone(e.list), nil
	}
	list, err := c.Store.Versions(ctx, org, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	c.mu.Lock()
	if len(c.versions) >= maxCachedEntries {
		clear(c.versions)
	}
	c.versions[k] = cachedVersions{list: list, err: err, at: now}
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return slices.Clone(list), nil
}

// forget drops what is cached about a package: its version list and every
// version, or only one version when version is neither "" nor "*".
func (c *Cached) forget(org, name, version string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.versions, packageKey{org, name})
	if version != "" && version != "*" {
		delete(c.version, versionKey{org, name, version})
		return
	}
	for k := range c.version {
		if k.org == org && k.name == name {
			delete(c.version, k)
		}
	}
}

// PublishVersion implements [Publisher].
func (c *Cached) PublishVersion(ctx context.Context, pv *PackageVersion) error {
	err := c.Store.PublishVersion(ctx, pv)
	c.forget(pv.Org, pv.Name, pv.Version)
	return err
}

// DeleteVersion implements [Publisher].
func (c *Cached) DeleteVersion(ctx context.Context, org, name, version string) error {
	err := c.Store.DeleteVersion(ctx, org, name, version)
	c.forget(org, name, version)
	return err
}

// SetDeprecated implements [Deprecator].
func (c *Cached) SetDeprecated(ctx context.Context, org, name, version string, deprecated bool, message string) error {
	err := c.Store.SetDeprecated(ctx, org, name, version, deprecated, message)
	c.forget(org, name, version)
	return err
}

// IncrementPullCount implements [PullCounter]. The version list carries no
// counts, so only the version is forgotten.
func (c *Cached) IncrementPullCount(ctx context.Context, org, name, version string, n int64) error {
	err := c.Store.IncrementPullCount(ctx, org, name, version, n)
	c.mu.Lock()
	delete(c.version, versionKey{org, name, version})
	c.mu.Unlock()
	return err
}
