package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// notVisible fails the test if any read path shows org/name:version.
func notVisible(t *testing.T, s store.Store, org, name, version string) {
	t.Helper()
	ctx := t.Context()
	call := fmt.Sprintf("(%s/%s:%s)", org, name, version)
	_, err := s.Version(ctx, org, name, version)
	wantErr(t, "Version"+call, err, store.ErrNotFound)
	if vs, err := s.Versions(ctx, org, name); err == nil {
		for _, v := range vs {
			if v.Version == version {
				t.Fatalf("Versions%s lists %s", call, version)
			}
		}
	} else {
		wantErr(t, "Versions"+call, err, store.ErrNotFound)
	}
	res, err := s.Search(ctx, store.SearchQuery{Org: org, Orgs: []string{org}})
	must(t, "Search"+call, err)
	for _, p := range res.Packages {
		if p.Name == name && p.Version == version {
			t.Fatalf("Search lists %s", call)
		}
	}
	mods, err := s.ModuleProviders(ctx, org, name)
	must(t, "ModuleProviders"+call, err)
	for _, m := range mods {
		if m.Name == name && m.Version == version {
			t.Fatalf("ModuleProviders lists %s", call)
		}
	}
	wantErr(t, "SetDeprecated"+call, s.SetDeprecated(ctx, org, name, version, true, "x"), store.ErrNotFound)
	wantErr(t, "IncrementPullCount"+call, s.IncrementPullCount(ctx, org, name, version, 1), store.ErrNotFound)
}

// state fails the test unless the reservation of a version is in state want.
func state(t *testing.T, s store.Store, org, name, version string, want store.ReservationState) {
	t.Helper()
	r, err := s.Reservation(t.Context(), org, name, version)
	must(t, "Reservation", err)
	if r.State != want {
		t.Fatalf("reservation of %s/%s:%s is %q, want %q", org, name, version, r.State, want)
	}
}

var versionChecks = []check{
	{"publish round trip", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		before := time.Now()
		must(t, "ReserveVersion", s.ReserveVersion(ctx, "wso2", "winery", "1.3.5", alice.ID))
		r, err := s.Reservation(ctx, "wso2", "winery", "1.3.5")
		must(t, "Reservation", err)
		if r.State != store.StateReserved || r.UserID != alice.ID || r.Org != "wso2" || r.Name != "winery" || r.Version != "1.3.5" {
			t.Fatalf("Reservation = %+v, want reserved by %d", r, alice.ID)
		}
		recent(t, "ReservedAt", r.ReservedAt, before)

		pv := fixture("wso2", "winery", "1.3.5")
		pv.Visibility = store.Private
		pv.Deprecated, pv.DeprecationMessage, pv.PullCount, pv.PublishedBy = true, "ignored", 42, 999
		must(t, "PublishVersion", s.PublishVersion(ctx, pv))
		want := *fixture("wso2", "winery", "1.3.5")
		want.Visibility = store.Private
		want.PublishedBy = alice.ID
		want.CreatedAt = utc(base)
		equal(t, "PublishVersion's update of its argument", *pv, want)

		got, err := s.Version(ctx, "wso2", "winery", "1.3.5")
		must(t, "Version", err)
		sameTime(t, "CreatedAt", got.CreatedAt, base)
		got.CreatedAt = want.CreatedAt
		equal(t, "Version", *got, want)
		state(t, s, "wso2", "winery", "1.3.5", store.StatePublished)
	}},
	{"empty fields", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		must(t, "ReserveVersion by the system", s.ReserveVersion(ctx, "wso2", "bare", "0.1.0", 0))
		pv := &store.PackageVersion{
			Org: "wso2", Name: "bare", Version: "0.1.0", Platform: "java21",
			Digest: "0000000000000000000000000000000000000000000000000000000000000000", BlobKey: "k",
		}
		before := time.Now()
		must(t, "PublishVersion", s.PublishVersion(ctx, pv))
		got, err := s.Version(ctx, "wso2", "bare", "0.1.0")
		must(t, "Version", err)
		recent(t, "CreatedAt (zero means now)", got.CreatedAt, before)
		if got.Visibility != store.Public {
			t.Errorf("Visibility = %q, want public for an empty one", got.Visibility)
		}
		if got.PublishedBy != 0 {
			t.Errorf("PublishedBy = %d, want 0 for the system", got.PublishedBy)
		}
		if got.Keywords == nil || got.Authors == nil || got.Licenses == nil || got.Modules == nil {
			t.Errorf("Version returned nil lists: %+v", got)
		}
		if len(got.PackageJSON) != 0 || len(got.DependencyGraph) != 0 || got.Readme != "" || got.Summary != "" {
			t.Errorf("Version invented content: %+v", got)
		}
		if got.Platform != "java21" || got.Size != 0 {
			t.Errorf("Platform, Size = %q, %d; want java21, 0", got.Platform, got.Size)
		}
	}},
	{"reserve twice", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		must(t, "ReserveVersion", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID))
		wantErr(t, "ReserveVersion again", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", bob.ID), store.ErrExists)
		r, err := s.Reservation(ctx, "wso2", "winery", "1.0.0")
		must(t, "Reservation", err)
		if r.UserID != alice.ID {
			t.Fatalf("reservation held by user %d, want the first reserver %d", r.UserID, alice.ID)
		}
		publish(t, s, alice, "wso2", "winery", "1.1.0")
		wantErr(t, "ReserveVersion(published)", s.ReserveVersion(ctx, "wso2", "winery", "1.1.0", alice.ID), store.ErrExists)
	}},
	{"reserve invalid", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		for _, c := range [][3]string{
			{"", "winery", "1.0.0"}, {"wso2", "", "1.0.0"}, {"wso2", "winery", ""},
			{"wso2", "winery", "v1.0.0"}, {"wso2", "winery", "1.0"}, {"wso2", "winery", "01.0.0"},
		} {
			err := s.ReserveVersion(ctx, c[0], c[1], c[2], alice.ID)
			wantErr(t, fmt.Sprintf("ReserveVersion(%q, %q, %q)", c[0], c[1], c[2]), err, store.ErrInvalid)
		}
		wantErr(t, "ReserveVersion by an unknown user", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID+1), store.ErrNotFound)
		must(t, "ReserveVersion after a refused one", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID))
	}},
	{"publish without reservation", func(t *testing.T, s store.Store) {
		wantErr(t, "PublishVersion without ReserveVersion", s.PublishVersion(t.Context(), fixture("wso2", "winery", "1.0.0")), store.ErrNotReserved)
		notVisible(t, s, "wso2", "winery", "1.0.0")
		_, err := s.Reservation(t.Context(), "wso2", "winery", "1.0.0")
		wantErr(t, "Reservation", err, store.ErrNotFound)
	}},
	{"publish twice", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		first := publish(t, s, alice, "wso2", "winery", "1.0.0")
		second := fixture("wso2", "winery", "1.0.0")
		second.Summary = "replacement"
		second.Digest = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
		wantErr(t, "second PublishVersion", s.PublishVersion(t.Context(), second), store.ErrNotReserved)
		got, err := s.Version(t.Context(), "wso2", "winery", "1.0.0")
		must(t, "Version", err)
		if got.Digest != first.Digest || got.Summary != first.Summary {
			t.Fatalf("a second publish changed the version: digest %s summary %q", got.Digest, got.Summary)
		}
	}},
	{"invalid publish keeps the reservation", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		must(t, "ReserveVersion", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID))
		for _, edit := range []struct {
			what string
			fn   func(*store.PackageVersion)
		}{
			{"upper-case digest", func(pv *store.PackageVersion) { pv.Digest = "AB" + pv.Digest[2:] }},
			{"short digest", func(pv *store.PackageVersion) { pv.Digest = pv.Digest[:63] }},
			{"no blob key", func(pv *store.PackageVersion) { pv.BlobKey = "" }},
			{"negative size", func(pv *store.PackageVersion) { pv.Size = -1 }},
			{"visibility", func(pv *store.PackageVersion) { pv.Visibility = "internal" }},
			{"duplicate module", func(pv *store.PackageVersion) { pv.Modules = append(pv.Modules, pv.Modules[0]) }},
			{"empty module name", func(pv *store.PackageVersion) { pv.Modules = append(pv.Modules, store.Module{}) }},
		} {
			pv := fixture("wso2", "winery", "1.0.0")
			edit.fn(pv)
			wantErr(t, "PublishVersion with invalid "+edit.what, s.PublishVersion(ctx, pv), store.ErrInvalid)
		}
		state(t, s, "wso2", "winery", "1.0.0", store.StateReserved)
		notVisible(t, s, "wso2", "winery", "1.0.0")
		must(t, "PublishVersion after refused ones", s.PublishVersion(ctx, fixture("wso2", "winery", "1.0.0")))
	}},
	{"reserved is not listed", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.0.0")
		must(t, "ReserveVersion", s.ReserveVersion(ctx, "wso2", "winery", "2.0.0", alice.ID))
		must(t, "ReserveVersion", s.ReserveVersion(ctx, "wso2", "cellar", "1.0.0", alice.ID))
		notVisible(t, s, "wso2", "winery", "2.0.0")
		notVisible(t, s, "wso2", "cellar", "1.0.0")
		vs, err := s.Versions(ctx, "wso2", "winery")
		must(t, "Versions", err)
		if len(vs) != 1 || vs[0].Version != "1.0.0" {
			t.Fatalf("Versions = %+v, want only 1.0.0", vs)
		}
		names, err := s.PackagesOfOrg(ctx, "wso2")
		must(t, "PackagesOfOrg", err)
		equal(t, "PackagesOfOrg", names, []string{"winery"})
		res, err := s.Search(ctx, store.SearchQuery{Text: "winery"})
		must(t, "Search", err)
		if res.Total != 1 || len(res.Packages) != 1 || res.Packages[0].Version != "1.0.0" {
			t.Fatalf("Search(winery) = %+v, want 1.0.0 only", res)
		}
	}},
	{"failed stays burned", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		must(t, "ReserveVersion", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID))
		must(t, "FailReservation", s.FailReservation(ctx, "wso2", "winery", "1.0.0"))
		must(t, "FailReservation again", s.FailReservation(ctx, "wso2", "winery", "1.0.0"))
		state(t, s, "wso2", "winery", "1.0.0", store.StateFailed)
		wantErr(t, "ReserveVersion after failure", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID), store.ErrExists)
		wantErr(t, "PublishVersion after failure", s.PublishVersion(ctx, fixture("wso2", "winery", "1.0.0")), store.ErrNotReserved)
		notVisible(t, s, "wso2", "winery", "1.0.0")

		wantErr(t, "FailReservation(unknown)", s.FailReservation(ctx, "wso2", "winery", "2.0.0"), store.ErrNotFound)
		publish(t, s, alice, "wso2", "winery", "3.0.0")
		wantErr(t, "FailReservation(published)", s.FailReservation(ctx, "wso2", "winery", "3.0.0"), store.ErrNotReserved)
		state(t, s, "wso2", "winery", "3.0.0", store.StatePublished)
	}},
	{"deleted stays burned", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.0.0")
		publish(t, s, alice, "wso2", "winery", "1.1.0")
		must(t, "DeleteVersion", s.DeleteVersion(ctx, "wso2", "winery", "1.0.0"))
		state(t, s, "wso2", "winery", "1.0.0", store.StateDeleted)
		notVisible(t, s, "wso2", "winery", "1.0.0")
		wantErr(t, "ReserveVersion after delete", s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", alice.ID), store.ErrExists)
		wantErr(t, "PublishVersion after delete", s.PublishVersion(ctx, fixture("wso2", "winery", "1.0.0")), store.ErrNotReserved)
		wantErr(t, "FailReservation after delete", s.FailReservation(ctx, "wso2", "winery", "1.0.0"), store.ErrNotReserved)
		wantErr(t, "DeleteVersion again", s.DeleteVersion(ctx, "wso2", "winery", "1.0.0"), store.ErrNotFound)
		if _, err := s.Version(ctx, "wso2", "winery", "1.1.0"); err != nil {
			t.Fatalf("Version(1.1.0) after deleting 1.0.0: %v", err)
		}

		must(t, "DeleteVersion(1.1.0)", s.DeleteVersion(ctx, "wso2", "winery", "1.1.0"))
		_, err := s.Versions(ctx, "wso2", "winery")
		wantErr(t, "Versions with every version deleted", err, store.ErrNotFound)
		names, err := s.PackagesOfOrg(ctx, "wso2")
		must(t, "PackagesOfOrg", err)
		if len(names) != 0 {
			t.Fatalf("PackagesOfOrg lists %v with every version deleted", names)
		}
		mods, err := s.ModuleProviders(ctx, "wso2", "winery")
		must(t, "ModuleProviders", err)
		if len(mods) != 0 {
			t.Fatalf("ModuleProviders lists %v with every version deleted", mods)
		}

		wantErr(t, "DeleteVersion(unknown)", s.DeleteVersion(ctx, "wso2", "winery", "9.9.9"), store.ErrNotFound)
		must(t, "ReserveVersion(2.0.0)", s.ReserveVersion(ctx, "wso2", "winery", "2.0.0", alice.ID))
		wantErr(t, "DeleteVersion(reserved)", s.DeleteVersion(ctx, "wso2", "winery", "2.0.0"), store.ErrNotFound)
		state(t, s, "wso2", "winery", "2.0.0", store.StateReserved)
	}},
	{"100 concurrent reservations of one version", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		const n = 100
		var users []*store.User
		for i := range 4 {
			users = append(users, newUser(t, s, fmt.Sprintf("user%d", i)))
		}
		errs := race(n, func(i int) error {
			return s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", users[i%len(users)].ID)
		})
		exactlyOne(t, "ReserveVersion(wso2/winery:1.0.0)", errs, store.ErrExists)
		notVisible(t, s, "wso2", "winery", "1.0.0")
		errs = race(10, func(int) error {
			return s.PublishVersion(ctx, fixture("wso2", "winery", "1.0.0"))
		})
		exactlyOne(t, "concurrent PublishVersion(wso2/winery:1.0.0)", errs, store.ErrNotReserved)
		vs, err := s.Versions(ctx, "wso2", "winery")
		must(t, "Versions", err)
		if len(vs) != 1 {
			t.Fatalf("Versions = %+v, want one", vs)
		}
	}},
	{"concurrent publishes of different versions", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		const n = 20
		errs := race(n, func(i int) error {
			v := fmt.Sprintf("1.0.%d", i)
			if err := s.ReserveVersion(ctx, "wso2", "winery", v, alice.ID); err != nil {
				return err
			}
			return s.PublishVersion(ctx, fixture("wso2", "winery", v))
		})
		for i, err := range errs {
			must(t, fmt.Sprintf("publish of 1.0.%d", i), err)
		}
		vs, err := s.Versions(ctx, "wso2", "winery")
		must(t, "Versions", err)
		if len(vs) != n {
			t.Fatalf("Versions lists %d versions, want %d", len(vs), n)
		}
	}},
}
