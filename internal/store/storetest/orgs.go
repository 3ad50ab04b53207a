package storetest

import (
	"fmt"
	"testing"

	"github.com/balcentral/balcentral/internal/store"
)

// roles returns the members of an org as "username:role" strings.
func roles(t *testing.T, s store.Store, org string) []string {
	t.Helper()
	ms, err := s.Members(t.Context(), org)
	must(t, "Members("+org+")", err)
	var out []string
	for _, m := range ms {
		if m.Org != org {
			t.Fatalf("Members(%s) returned a membership of org %q", org, m.Org)
		}
		out = append(out, fmt.Sprintf("%s:%s", m.Username, m.Role))
	}
	return out
}

var orgChecks = []check{
	{"create makes the creator owner", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		o := &store.Org{Name: "wso2", CreatedAt: base}
		must(t, "CreateOrg", s.CreateOrg(ctx, o, alice.ID))
		if o.ID <= 0 {
			t.Fatalf("CreateOrg set ID %d, want > 0", o.ID)
		}
		got, err := s.Org(ctx, "wso2")
		must(t, "Org", err)
		sameTime(t, "Org.CreatedAt", got.CreatedAt, base)
		if got.ID != o.ID || got.Name != "wso2" {
			t.Fatalf("Org(wso2) = %+v, want ID %d", got, o.ID)
		}
		role, err := s.Role(ctx, "wso2", alice.ID)
		must(t, "Role", err)
		if role != store.RoleOwner {
			t.Fatalf("creator's role = %q, want owner", role)
		}
		ms, err := s.Members(ctx, "wso2")
		must(t, "Members", err)
		equal(t, "Members", ms, []store.Membership{{Org: "wso2", UserID: alice.ID, Username: "alice", Role: store.RoleOwner}})
	}},
	{"duplicate name", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		newOrg(t, s, "wso2", alice)
		wantErr(t, "second CreateOrg(wso2)", s.CreateOrg(t.Context(), &store.Org{Name: "wso2"}, bob.ID), store.ErrExists)
		equal(t, "members after a refused CreateOrg", roles(t, s, "wso2"), []string{"alice:owner"})
	}},
	{"unknown owner creates nothing", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		err := s.CreateOrg(t.Context(), &store.Org{Name: "ghost"}, alice.ID+1)
		wantErr(t, "CreateOrg with an unknown owner", err, store.ErrNotFound)
		_, err = s.Org(t.Context(), "ghost")
		wantErr(t, "Org after a refused CreateOrg", err, store.ErrNotFound)
	}},
	{"invalid", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		wantErr(t, "CreateOrg(\"\")", s.CreateOrg(t.Context(), &store.Org{}, alice.ID), store.ErrInvalid)
		newOrg(t, s, "wso2", alice)
		wantErr(t, "SetMember with role admin", s.SetMember(t.Context(), "wso2", alice.ID, "admin"), store.ErrInvalid)
		wantErr(t, "SetMember with role \"\"", s.SetMember(t.Context(), "wso2", alice.ID, ""), store.ErrInvalid)
	}},
	{"not found", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		newOrg(t, s, "wso2", alice)
		_, err := s.Org(ctx, "ws")
		wantErr(t, "Org(ws)", err, store.ErrNotFound)
		_, err = s.Members(ctx, "nope")
		wantErr(t, "Members(unknown org)", err, store.ErrNotFound)
		_, err = s.Role(ctx, "wso2", bob.ID)
		wantErr(t, "Role(non-member)", err, store.ErrNotFound)
		_, err = s.Role(ctx, "nope", alice.ID)
		wantErr(t, "Role(unknown org)", err, store.ErrNotFound)
		wantErr(t, "SetMember(unknown org)", s.SetMember(ctx, "nope", bob.ID, store.RoleMember), store.ErrNotFound)
		wantErr(t, "SetMember(unknown user)", s.SetMember(ctx, "wso2", bob.ID+100, store.RoleMember), store.ErrNotFound)
		wantErr(t, "RemoveMember(unknown org)", s.RemoveMember(ctx, "nope", alice.ID), store.ErrNotFound)
		wantErr(t, "RemoveMember(non-member)", s.RemoveMember(ctx, "wso2", bob.ID), store.ErrNotFound)
	}},
	{"list", func(t *testing.T, s store.Store) {
		orgs, err := s.ListOrgs(t.Context())
		must(t, "ListOrgs on an empty store", err)
		if orgs == nil || len(orgs) != 0 {
			t.Fatalf("ListOrgs on an empty store = %#v, want an empty non-nil slice", orgs)
		}
		alice := newUser(t, s, "alice")
		for _, n := range []string{"zeta", "alpha", "alpha_two"} {
			newOrg(t, s, n, alice)
		}
		orgs, err = s.ListOrgs(t.Context())
		must(t, "ListOrgs", err)
		var names []string
		for _, o := range orgs {
			names = append(names, o.Name)
		}
		equal(t, "ListOrgs names", names, []string{"alpha", "alpha_two", "zeta"})
	}},
	{"roles", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		carol := newUser(t, s, "carol")
		newOrg(t, s, "wso2", alice)
		newOrg(t, s, "wso2_other", carol)
		must(t, "SetMember(bob, publisher)", s.SetMember(ctx, "wso2", bob.ID, store.RolePublisher))
		must(t, "SetMember(carol, member)", s.SetMember(ctx, "wso2", carol.ID, store.RoleMember))
		equal(t, "members", roles(t, s, "wso2"), []string{"alice:owner", "bob:publisher", "carol:member"})
		must(t, "SetMember(bob, owner)", s.SetMember(ctx, "wso2", bob.ID, store.RoleOwner))
		must(t, "SetMember(carol, member) again", s.SetMember(ctx, "wso2", carol.ID, store.RoleMember))
		equal(t, "members after changes", roles(t, s, "wso2"), []string{"alice:owner", "bob:owner", "carol:member"})
		equal(t, "members of wso2_other", roles(t, s, "wso2_other"), []string{"carol:owner"})

		ms, err := s.MembershipsOf(ctx, carol.ID)
		must(t, "MembershipsOf(carol)", err)
		equal(t, "MembershipsOf(carol)", ms, []store.Membership{
			{Org: "wso2", UserID: carol.ID, Username: "carol", Role: store.RoleMember},
			{Org: "wso2_other", UserID: carol.ID, Username: "carol", Role: store.RoleOwner},
		})
		none, err := s.MembershipsOf(ctx, carol.ID+100)
		must(t, "MembershipsOf(unknown)", err)
		if none == nil || len(none) != 0 {
			t.Fatalf("MembershipsOf(unknown) = %#v, want an empty non-nil slice", none)
		}

		must(t, "RemoveMember(carol)", s.RemoveMember(ctx, "wso2", carol.ID))
		_, err = s.Role(ctx, "wso2", carol.ID)
		wantErr(t, "Role after RemoveMember", err, store.ErrNotFound)
		if role, err := s.Role(ctx, "wso2_other", carol.ID); err != nil || role != store.RoleOwner {
			t.Fatalf("Role(wso2_other, carol) = %q, %v after removal from wso2; want owner", role, err)
		}
	}},
	{"last owner", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		newOrg(t, s, "wso2", alice)
		wantErr(t, "RemoveMember(only owner)", s.RemoveMember(ctx, "wso2", alice.ID), store.ErrLastOwner)
		wantErr(t, "SetMember(only owner, publisher)", s.SetMember(ctx, "wso2", alice.ID, store.RolePublisher), store.ErrLastOwner)
		must(t, "SetMember(only owner, owner)", s.SetMember(ctx, "wso2", alice.ID, store.RoleOwner))
		must(t, "SetMember(bob, owner)", s.SetMember(ctx, "wso2", bob.ID, store.RoleOwner))
		must(t, "SetMember(alice, member) with two owners", s.SetMember(ctx, "wso2", alice.ID, store.RoleMember))
		wantErr(t, "RemoveMember(bob, now the only owner)", s.RemoveMember(ctx, "wso2", bob.ID), store.ErrLastOwner)
		must(t, "RemoveMember(alice, a member)", s.RemoveMember(ctx, "wso2", alice.ID))
		equal(t, "members", roles(t, s, "wso2"), []string{"bob:owner"})
	}},
	{"concurrent owner removal keeps an owner", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		newOrg(t, s, "wso2", alice)
		must(t, "SetMember(bob, owner)", s.SetMember(ctx, "wso2", bob.ID, store.RoleOwner))
		users := []*store.User{alice, bob}
		errs := race(2, func(i int) error {
			if i == 0 {
				return s.RemoveMember(ctx, "wso2", users[i].ID)
			}
			return s.SetMember(ctx, "wso2", users[i].ID, store.RoleMember)
		})
		exactlyOne(t, "concurrent removal and demotion of the two owners", errs, store.ErrLastOwner)
		owners := 0
		ms, err := s.Members(ctx, "wso2")
		must(t, "Members", err)
		for _, m := range ms {
			if m.Role == store.RoleOwner {
				owners++
			}
		}
		if owners != 1 {
			t.Fatalf("owners after the race = %d, want 1 (members %+v)", owners, ms)
		}
	}},
	{"100 concurrent creations of one org", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		const n = 100
		var users []*store.User
		for i := range 4 {
			users = append(users, newUser(t, s, fmt.Sprintf("user%d", i)))
		}
		errs := race(n, func(i int) error {
			return s.CreateOrg(ctx, &store.Org{Name: "contested"}, users[i%len(users)].ID)
		})
		exactlyOne(t, "CreateOrg(contested)", errs, store.ErrExists)
		ms, err := s.Members(ctx, "contested")
		must(t, "Members", err)
		if len(ms) != 1 || ms[0].Role != store.RoleOwner {
			t.Fatalf("members of the contested org = %+v, want one owner", ms)
		}
	}},
}
