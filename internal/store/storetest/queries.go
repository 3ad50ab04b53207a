package storetest

import (
	"fmt"
	"testing"

	"github.com/balcentral/balcentral/internal/store"
)

// versionList returns the version strings of vs.
func versionList(vs []store.VersionInfo) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Version
	}
	return out
}

// deprecation returns the deprecation state of a published version.
func deprecation(t *testing.T, s store.Store, org, name, version string) (bool, string) {
	t.Helper()
	pv, err := s.Version(t.Context(), org, name, version)
	must(t, fmt.Sprintf("Version(%s/%s:%s)", org, name, version), err)
	return pv.Deprecated, pv.DeprecationMessage
}

var queryChecks = []check{
	{"prefix isolation", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "one", "two", "1.0.0")
		publish(t, s, alice, "one", "two_other", "1.0.0-beta")
		publish(t, s, alice, "one", "two_other", "2.0.0")
		publish(t, s, alice, "one_other", "two", "3.0.0")
		publish(t, s, alice, "one", "Two", "4.0.0")

		vs, err := s.Versions(ctx, "one", "two")
		must(t, "Versions(one/two)", err)
		equal(t, "Versions(one/two)", versionList(vs), []string{"1.0.0"})
		vs, err = s.Versions(ctx, "one", "two_other")
		must(t, "Versions(one/two_other)", err)
		equal(t, "Versions(one/two_other)", versionList(vs), []string{"1.0.0-beta", "2.0.0"})
		vs, err = s.Versions(ctx, "one_other", "two")
		must(t, "Versions(one_other/two)", err)
		equal(t, "Versions(one_other/two)", versionList(vs), []string{"3.0.0"})

		for _, c := range [][3]string{
			{"one", "two", "1.0.0-beta"}, {"one", "two_other", "1.0.0"}, {"one", "two", "1.0"},
			{"one", "tw", "1.0.0"}, {"on", "two", "1.0.0"}, {"one", "two", "3.0.0"}, {"one", "two", "4.0.0"},
			{"one", "two%", "1.0.0"}, {"one", "tw_", "1.0.0"},
		} {
			_, err := s.Version(ctx, c[0], c[1], c[2])
			wantErr(t, fmt.Sprintf("Version(%s/%s:%s)", c[0], c[1], c[2]), err, store.ErrNotFound)
		}
		for _, c := range [][2]string{{"one", "tw"}, {"one", "two_"}, {"on", "two"}, {"one", "tw_"}, {"one", "tw%"}} {
			_, err := s.Versions(ctx, c[0], c[1])
			wantErr(t, fmt.Sprintf("Versions(%s/%s)", c[0], c[1]), err, store.ErrNotFound)
		}
		pv, err := s.Version(ctx, "one", "two_other", "1.0.0-beta")
		must(t, "Version(one/two_other:1.0.0-beta)", err)
		if pv.Digest != fixture("one", "two_other", "1.0.0-beta").Digest {
			t.Fatalf("Version(one/two_other:1.0.0-beta) returned another version's digest")
		}

		names, err := s.PackagesOfOrg(ctx, "one")
		must(t, "PackagesOfOrg(one)", err)
		equal(t, "PackagesOfOrg(one)", names, []string{"Two", "two", "two_other"})
		names, err = s.PackagesOfOrg(ctx, "on")
		must(t, "PackagesOfOrg(on)", err)
		if names == nil || len(names) != 0 {
			t.Fatalf("PackagesOfOrg(on) = %#v, want an empty non-nil slice", names)
		}

		must(t, "SetDeprecated(one/two:*)", s.SetDeprecated(ctx, "one", "two", "*", true, "gone"))
		if dep, _ := deprecation(t, s, "one", "two_other", "2.0.0"); dep {
			t.Fatal("SetDeprecated(one/two:*) deprecated one/two_other")
		}
		if dep, _ := deprecation(t, s, "one_other", "two", "3.0.0"); dep {
			t.Fatal("SetDeprecated(one/two:*) deprecated one_other/two")
		}
		must(t, "IncrementPullCount(one/two_other:2.0.0)", s.IncrementPullCount(ctx, "one", "two_other", "2.0.0", 1))
		if pv, err := s.Version(ctx, "one", "two", "1.0.0"); err != nil || pv.PullCount != 0 {
			t.Fatalf("pull count of one/two:1.0.0 = %v, %v; want 0", pv, err)
		}
	}},
	{"versions", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		order := []string{"1.10.0", "1.2.0", "2.0.0-alpha.1", "1.2.0-rc.1", "0.9.0", "2.0.0-alpha.beta", "1.0.0+build.2", "1.0.0+build.10"}
		for i, v := range order {
			publish(t, s, alice, "wso2", "winery", v, func(pv *store.PackageVersion) {
				pv.Platform = []string{"any", "java21"}[i%2]
				pv.Visibility = []store.Visibility{store.Public, store.Private}[i%2]
			})
		}
		must(t, "SetDeprecated(1.2.0)", s.SetDeprecated(ctx, "wso2", "winery", "1.2.0", true, "use 1.10.0"))
		vs, err := s.Versions(ctx, "wso2", "winery")
		must(t, "Versions", err)
		equal(t, "Versions (publication order)", versionList(vs), order)
		for i, v := range vs {
			sameTime(t, "VersionInfo.CreatedAt", v.CreatedAt, base)
			want := store.VersionInfo{
				Version: order[i], Platform: []string{"any", "java21"}[i%2], BallerinaVersion: "2201.10.0",
				Visibility: []store.Visibility{store.Public, store.Private}[i%2],
				Deprecated: order[i] == "1.2.0", CreatedAt: v.CreatedAt,
			}
			if want.Deprecated {
				want.DeprecationMessage = "use 1.10.0"
			}
			equal(t, "VersionInfo "+order[i], v, want)
		}
		store.SortVersions(vs)
		equal(t, "SortVersions", versionList(vs), []string{
			"0.9.0", "1.0.0+build.10", "1.0.0+build.2", "1.2.0-rc.1", "1.2.0", "1.10.0", "2.0.0-alpha.1", "2.0.0-alpha.beta",
		})
	}},
	{"module providers", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		mods := func(names ...string) func(*store.PackageVersion) {
			return func(pv *store.PackageVersion) {
				pv.Modules = nil
				for _, n := range names {
					pv.Modules = append(pv.Modules, store.Module{Name: n, Summary: "summary of " + n})
				}
			}
		}
		publish(t, s, alice, "ballerinax", "googleapis", "1.0.0", mods("googleapis"))
		publish(t, s, alice, "ballerinax", "googleapis", "1.1.0", mods("googleapis", "googleapis.gmail"))
		publish(t, s, alice, "ballerinax", "googleapis.gmail", "2.0.0", mods("googleapis.gmail", "googleapis.gmail.oauth"))
		publish(t, s, alice, "ballerinax", "googleapis.gmailx", "1.0.0", mods("googleapis.gmailx"))
		publish(t, s, alice, "other", "googleapis.gmail", "9.0.0", mods("googleapis.gmail"))
		must(t, "SetDeprecated", s.SetDeprecated(ctx, "ballerinax", "googleapis", "1.1.0", true, ""))

		got, err := s.ModuleProviders(ctx, "ballerinax", "googleapis.gmail")
		must(t, "ModuleProviders(ballerinax, googleapis.gmail)", err)
		equal(t, "ModuleProviders(ballerinax, googleapis.gmail)", got, []store.ModuleProvider{
			{Org: "ballerinax", Name: "googleapis", Version: "1.1.0", Platform: "any", Visibility: store.Public, Deprecated: true},
			{Org: "ballerinax", Name: "googleapis.gmail", Version: "2.0.0", Platform: "any", Visibility: store.Public},
		})
		for _, m := range []string{"googleapis.gmai", "googleapis.gmail.", "gmail", "googleapis.gmail.oauth.x"} {
			got, err := s.ModuleProviders(ctx, "ballerinax", m)
			must(t, "ModuleProviders("+m+")", err)
			if got == nil || len(got) != 0 {
				t.Fatalf("ModuleProviders(ballerinax, %s) = %#v, want an empty non-nil slice", m, got)
			}
		}
		got, err = s.ModuleProviders(ctx, "ballerinax", "googleapis.gmail.oauth")
		must(t, "ModuleProviders(googleapis.gmail.oauth)", err)
		if len(got) != 1 || got[0].Name != "googleapis.gmail" {
			t.Fatalf("ModuleProviders(googleapis.gmail.oauth) = %+v, want googleapis.gmail 2.0.0", got)
		}
		pv, err := s.Version(ctx, "ballerinax", "googleapis", "1.1.0")
		must(t, "Version", err)
		equal(t, "Modules", pv.Modules, []store.Module{
			{Name: "googleapis", Summary: "summary of googleapis"},
			{Name: "googleapis.gmail", Summary: "summary of googleapis.gmail"},
		})
	}},
	{"deprecate", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		for _, v := range []string{"1.0.0", "1.0.0-beta", "2.0.0"} {
			publish(t, s, alice, "wso2", "winery", v)
		}
		must(t, "SetDeprecated(1.0.0)", s.SetDeprecated(ctx, "wso2", "winery", "1.0.0", true, "use 2.0.0"))
		check := func(when string, want map[string]string) {
			t.Helper()
			for _, v := range []string{"1.0.0", "1.0.0-beta", "2.0.0"} {
				msg, dep := want[v]
				gotDep, gotMsg := deprecation(t, s, "wso2", "winery", v)
				if gotDep != dep || gotMsg != msg {
					t.Fatalf("%s: %s deprecated=%v message=%q, want %v %q", when, v, gotDep, gotMsg, dep, msg)
				}
			}
		}
		check("after deprecating 1.0.0", map[string]string{"1.0.0": "use 2.0.0"})
		must(t, "SetDeprecated(1.0.0) new message", s.SetDeprecated(ctx, "wso2", "winery", "1.0.0", true, "really, use 2.0.0"))
		check("after a new message", map[string]string{"1.0.0": "really, use 2.0.0"})
		must(t, "SetDeprecated(*)", s.SetDeprecated(ctx, "wso2", "winery", "*", true, "package retired"))
		check("after deprecating *", map[string]string{"1.0.0": "package retired", "1.0.0-beta": "package retired", "2.0.0": "package retired"})
		must(t, "undeprecate 2.0.0", s.SetDeprecated(ctx, "wso2", "winery", "2.0.0", false, "ignored"))
		check("after undeprecating 2.0.0", map[string]string{"1.0.0": "package retired", "1.0.0-beta": "package retired"})
		must(t, "undeprecate *", s.SetDeprecated(ctx, "wso2", "winery", "*", false, ""))
		check("after undeprecating *", map[string]string{})
		must(t, "undeprecate a version that is not deprecated", s.SetDeprecated(ctx, "wso2", "winery", "1.0.0", false, ""))

		wantErr(t, "SetDeprecated(unknown version)", s.SetDeprecated(ctx, "wso2", "winery", "3.0.0", true, ""), store.ErrNotFound)
		wantErr(t, "SetDeprecated(unknown package, *)", s.SetDeprecated(ctx, "wso2", "cellar", "*", true, ""), store.ErrNotFound)
		wantErr(t, "SetDeprecated(unknown org, *)", s.SetDeprecated(ctx, "ws", "winery", "*", true, ""), store.ErrNotFound)
	}},
	{"pull count", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.0.0")
		publish(t, s, alice, "wso2", "winery", "1.1.0")
		must(t, "IncrementPullCount(1)", s.IncrementPullCount(ctx, "wso2", "winery", "1.0.0", 1))
		must(t, "IncrementPullCount(41)", s.IncrementPullCount(ctx, "wso2", "winery", "1.0.0", 41))
		const n = 50
		errs := race(n, func(int) error { return s.IncrementPullCount(ctx, "wso2", "winery", "1.1.0", 1) })
		for i, err := range errs {
			must(t, fmt.Sprintf("concurrent IncrementPullCount %d", i), err)
		}
		for v, want := range map[string]int64{"1.0.0": 42, "1.1.0": n} {
			pv, err := s.Version(ctx, "wso2", "winery", v)
			must(t, "Version", err)
			if pv.PullCount != want {
				t.Fatalf("PullCount of %s = %d, want %d", v, pv.PullCount, want)
			}
		}
		wantErr(t, "IncrementPullCount(0)", s.IncrementPullCount(ctx, "wso2", "winery", "1.0.0", 0), store.ErrInvalid)
		wantErr(t, "IncrementPullCount(-1)", s.IncrementPullCount(ctx, "wso2", "winery", "1.0.0", -1), store.ErrInvalid)
		wantErr(t, "IncrementPullCount(unknown)", s.IncrementPullCount(ctx, "wso2", "winery", "2.0.0", 1), store.ErrNotFound)
	}},
	{"not found", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		_, err := s.Version(ctx, "wso2", "winery", "1.0.0")
		wantErr(t, "Version on an empty store", err, store.ErrNotFound)
		_, err = s.Versions(ctx, "wso2", "winery")
		wantErr(t, "Versions on an empty store", err, store.ErrNotFound)
		_, err = s.Reservation(ctx, "wso2", "winery", "1.0.0")
		wantErr(t, "Reservation on an empty store", err, store.ErrNotFound)
		wantErr(t, "FailReservation on an empty store", s.FailReservation(ctx, "wso2", "winery", "1.0.0"), store.ErrNotFound)
		wantErr(t, "DeleteVersion on an empty store", s.DeleteVersion(ctx, "wso2", "winery", "1.0.0"), store.ErrNotFound)
		notVisible(t, s, "wso2", "winery", "1.0.0")
		names, err := s.PackagesOfOrg(ctx, "wso2")
		must(t, "PackagesOfOrg on an empty store", err)
		if names == nil || len(names) != 0 {
			t.Fatalf("PackagesOfOrg on an empty store = %#v, want an empty non-nil slice", names)
		}
	}},
}
