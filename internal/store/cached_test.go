package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// countingStore answers Version and Versions from fields and counts the
// calls; every other method panics (nil embedded Store).
type countingStore struct {
	Store
	pv                   *PackageVersion
	list                 []VersionInfo
	versionN, versionsN  int
	deprecated, pullDone int
}

func (s *countingStore) Version(_ context.Context, org, name, version string) (*PackageVersion, error) {
	s.versionN++
	if s.pv == nil {
		return nil, ErrNotFound
	}
	cp := *s.pv
	return &cp, nil
}

func (s *countingStore) Versions(context.Context, string, string) ([]VersionInfo, error) {
	s.versionsN++
	if s.list == nil {
		return nil, ErrNotFound
	}
	return s.list, nil
}

func (s *countingStore) SetDeprecated(context.Context, string, string, string, bool, string) error {
	s.deprecated++
	return nil
}

func (s *countingStore) IncrementPullCount(context.Context, string, string, string, int64) error {
	s.pullDone++
	return nil
}

// TestCachedTTL checks that reads are answered from memory within the TTL,
// from the store after it, and at once after a write through the cache.
func TestCachedTTL(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	inner := &countingStore{pv: &PackageVersion{Org: "a", Name: "b", Version: "1.0.0"}, list: []VersionInfo{{Version: "1.0.0"}}}
	c := NewCached(inner, 2*time.Second)
	c.now = func() time.Time { return now }

	for range 3 {
		if _, err := c.Version(ctx, "a", "b", "1.0.0"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Versions(ctx, "a", "b"); err != nil {
			t.Fatal(err)
		}
	}
	if inner.versionN != 1 || inner.versionsN != 1 {
		t.Fatalf("store reads within the TTL: Version %d, Versions %d; want 1 each", inner.versionN, inner.versionsN)
	}

	// A writer elsewhere: seen only after the TTL.
	inner.pv = &PackageVersion{Org: "a", Name: "b", Version: "1.0.0", Deprecated: true}
	if pv, _ := c.Version(ctx, "a", "b", "1.0.0"); pv.Deprecated {
		t.Fatal("a write elsewhere was seen within the TTL: the cache is not used")
	}
	now = now.Add(2 * time.Second)
	if pv, _ := c.Version(ctx, "a", "b", "1.0.0"); !pv.Deprecated {
		t.Fatal("a write elsewhere is not seen after the TTL")
	}

	// A write through the cache: seen at once.
	inner.pv = &PackageVersion{Org: "a", Name: "b", Version: "1.0.0", DeprecationMessage: "x"}
	if err := c.SetDeprecated(ctx, "a", "b", "*", false, ""); err != nil {
		t.Fatal(err)
	}
	if pv, _ := c.Version(ctx, "a", "b", "1.0.0"); pv.DeprecationMessage != "x" {
		t.Fatal("a write through the cache is not seen at once")
	}
	n := inner.versionsN
	c.Versions(ctx, "a", "b")
	if inner.versionsN != n+1 {
		t.Fatal("SetDeprecated did not forget the version list")
	}

	// Copies: changing a returned value does not change the cache.
	pv, _ := c.Version(ctx, "a", "b", "1.0.0")
	pv.Summary = "changed"
	if again, _ := c.Version(ctx, "a", "b", "1.0.0"); again.Summary != "" {
		t.Fatal("a caller's change reached the cached value")
	}

	// Not found is cached too.
	inner.list = nil
	now = now.Add(time.Hour)
	for range 2 {
		if _, err := c.Versions(ctx, "a", "b"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	}
	if inner.versionsN != n+2 {
		t.Fatalf("not-found answers were not cached: %d store reads", inner.versionsN-n)
	}
	if Underlying(c) != Store(inner) {
		t.Fatal("Underlying does not unwrap the cache")
	}
}
