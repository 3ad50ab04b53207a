package repository

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/balcentral/balcentral/internal/version"
)

// Memory is a Repository held in memory, for tests and for repositories
// built from other descriptions (the resolution conformance cases). It is
// safe for concurrent use.
type Memory struct {
	name string
	kind Kind

	mu       sync.RWMutex
	packages map[string]map[string]*Package // "org/name" → version string → package
}

// NewMemory returns an empty repository with the given name and kind.
func NewMemory(name string, kind Kind) *Memory {
	return &Memory{name: name, kind: kind, packages: make(map[string]map[string]*Package)}
}

// Name implements Repository.
func (m *Memory) Name() string { return m.name }

// Kind implements Repository.
func (m *Memory) Kind() Kind { return m.kind }

// Add stores p, replacing any package with the same org, name and version.
func (m *Memory) Add(p *Package) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := p.Org + "/" + p.Name
	if m.packages[key] == nil {
		m.packages[key] = make(map[string]*Package)
	}
	m.packages[key][p.Version.String()] = p
}

// Versions implements Repository. Versions are returned in ascending order,
// which callers must not rely on.
func (m *Memory) Versions(ctx context.Context, org, name string) ([]version.Version, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	byVersion := m.packages[org+"/"+name]
	vs := make([]version.Version, 0, len(byVersion))
	for _, p := range byVersion {
		vs = append(vs, p.Version)
	}
	version.Sort(vs)
	return vs, nil
}

// Package implements Repository.
func (m *Memory) Package(ctx context.Context, org, name string, v version.Version) (*Package, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if p, ok := m.packages[org+"/"+name][v.String()]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("%s/%s:%s in %s repository: %w", org, name, v, m.name, ErrNotFound)
}

// Packages returns every package held, sorted by org, name and version.
func (m *Memory) Packages() []*Package {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []*Package
	for _, byVersion := range m.packages {
		for _, p := range byVersion {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Org != b.Org {
			return a.Org < b.Org
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version.LessThan(b.Version)
	})
	return out
}
