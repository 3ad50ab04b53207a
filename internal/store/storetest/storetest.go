// Package storetest is the conformance suite of the metadata store: every
// backend of internal/store runs [Run] in its tests, and [RunBenchmarks] in
// its benchmarks, so that all backends behave alike.
//
// A backend's test is one call:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "central.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The factory must return a store with no data in it, and arrange for its
// cleanup with t.Cleanup. It is called once per subtest, so no check depends
// on another. The suite may call Close itself; a backend's Close must
// tolerate being called again.
package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// A check is one behaviour of the contract, run on a fresh store.
type check struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// Run runs the conformance suite against the stores made by newStore, one
// subtest per check.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	groups := []struct {
		name   string
		checks []check
	}{
		{"users", userChecks},
		{"tokens", tokenChecks},
		{"orgs", orgChecks},
		{"versions", versionChecks},
		{"queries", queryChecks},
		{"search", searchChecks},
		{"audit", auditChecks},
		{"time", timeChecks},
		{"close", closeChecks},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.checks {
				t.Run(c.name, func(t *testing.T) {
					c.fn(t, newStore(t))
				})
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Helpers shared by the checks.

// wantErr fails the test unless errors.Is(err, want); want nil means no
// error.
func wantErr(t *testing.T, call string, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("%s: unexpected error: %v", call, err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("%s = %v, want an error wrapping %q", call, err, want)
	}
}

// must fails the test if err is not nil.
func must(t *testing.T, call string, err error) {
	t.Helper()
	wantErr(t, call, err, nil)
}

// equal fails the test unless got and want are deeply equal.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// utc is how the store returns a time it was given: in UTC, truncated to
// the microsecond.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// sameTime fails the test unless got is want as the store returns it.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(utc(want)) || got.Location() != time.UTC {
		t.Fatalf("%s = %v (%v), want %v in UTC", what, got, got.Location(), utc(want))
	}
}

// recent fails the test unless got is a UTC time between before and now.
func recent(t *testing.T, what string, got, before time.Time) {
	t.Helper()
	after := time.Now()
	if got.Location() != time.UTC || got.Before(before.Truncate(time.Microsecond)) || got.After(after) {
		t.Fatalf("%s = %v (%v), want a UTC time between %v and %v", what, got, got.Location(), before, after)
	}
}

// base is a fixed time with nanoseconds in a zone that is not UTC, to check
// conversion and truncation.
var base = time.Date(2024, 3, 15, 10, 30, 45, 123456789, time.FixedZone("IST", 5*3600+1800))

// at returns base plus d.
func at(d time.Duration) time.Time { return base.Add(d) }

// newUser creates a user.
func newUser(t *testing.T, s store.Store, name string) *store.User {
	t.Helper()
	u := &store.User{Username: name, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$" + name, CreatedAt: base}
	must(t, fmt.Sprintf("CreateUser(%q)", name), s.CreateUser(t.Context(), u))
	return u
}

// newOrg creates an org owned by owner.
func newOrg(t *testing.T, s store.Store, name string, owner *store.User) *store.Org {
	t.Helper()
	o := &store.Org{Name: name, CreatedAt: base}
	must(t, fmt.Sprintf("CreateOrg(%q)", name), s.CreateOrg(t.Context(), o, owner.ID))
	return o
}

// tokenHash returns the SHA-256 of a made-up token secret.
func tokenHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// fixture returns a complete package version with a real digest of made-up
// bala content. Its summary is "Summary of <name>", its keyword "kw<name>"
// is not a word of any other field, and it has a default module and a
// ".util" module.
func fixture(org, name, version string) *store.PackageVersion {
	bala := []byte(fmt.Sprintf("PK\x03\x04 bala of %s/%s:%s", org, name, version))
	sum := sha256.Sum256(bala)
	digest := hex.EncodeToString(sum[:])
	pj, err := json.Marshal(map[string]any{
		"organization": org, "name": name, "version": version, "platform": "any",
		"ballerina_version": "2201.10.0", "readme": "docs/README.md",
	})
	if err != nil {
		panic(err)
	}
	return &store.PackageVersion{
		Org: org, Name: name, Version: version, Platform: "any",
		Digest: digest, Size: int64(len(bala)), BlobKey: "sha256/" + digest,
		PackageJSON:      pj,
		DependencyGraph:  []byte(`{"packages":[{"org":"` + org + `","name":"` + name + `","version":"` + version + `","dependencies":[]}]}`),
		Readme:           "# " + name + "\n\nConnects to things. Ünïcödé ✓\n",
		Summary:          "Summary of " + name,
		Keywords:         []string{"kw" + name, "Connector"},
		Authors:          []string{"Jane Doe", "WSO2"},
		Licenses:         []string{"Apache-2.0"},
		SourceRepository: "https://example.com/" + org + "/" + name,
		Icon:             "docs/icon.png",
		BallerinaVersion: "2201.10.0",
		Visibility:       store.Public,
		Modules:          []store.Module{{Name: name, Summary: "The default module"}, {Name: name + ".util"}},
		CreatedAt:        base,
	}
}

// publish reserves and publishes a fixture version, after applying the
// edits, and returns it as passed to PublishVersion.
func publish(t *testing.T, s store.Store, by *store.User, org, name, version string, edits ...func(*store.PackageVersion)) *store.PackageVersion {
	t.Helper()
	pv := fixture(org, name, version)
	for _, e := range edits {
		e(pv)
	}
	var uid int64
	if by != nil {
		uid = by.ID
	}
	call := fmt.Sprintf("%s/%s:%s", org, name, version)
	must(t, "ReserveVersion("+call+")", s.ReserveVersion(t.Context(), org, name, version, uid))
	must(t, "PublishVersion("+call+")", s.PublishVersion(t.Context(), pv))
	return pv
}

// race runs fn(0) ... fn(n-1) in n goroutines released at the same moment
// and returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// exactlyOne fails the test unless exactly one error is nil and all the
// others wrap loser.
func exactlyOne(t *testing.T, what string, errs []error, loser error) {
	t.Helper()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, loser):
			t.Fatalf("%s: call %d: %v, want nil or an error wrapping %q", what, i, err, loser)
		}
	}
	if wins != 1 {
		t.Fatalf("%s: %d of %d calls succeeded, want exactly 1", what, wins, len(errs))
	}
}

var closeChecks = []check{
	{"twice", func(t *testing.T, s store.Store) {
		must(t, "Close", s.Close())
		must(t, "second Close", s.Close())
	}},
}
