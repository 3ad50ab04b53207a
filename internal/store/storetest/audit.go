package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// actions returns the actions of events, in order.
func actions(events []store.AuditEvent) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.Action)
	}
	return out
}

var auditChecks = []check{
	{"append and list", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		empty, err := s.ListAudit(ctx, store.AuditFilter{}, 0)
		must(t, "ListAudit on an empty store", err)
		if empty == nil || len(empty) != 0 {
			t.Fatalf("ListAudit on an empty store = %#v, want an empty non-nil slice", empty)
		}
		// Times deliberately out of order: the log is ordered by append.
		events := []store.AuditEvent{
			{At: at(time.Hour), Actor: "alice", Action: "org.create", Subject: "wso2", Detail: `{"owner":"alice"}`},
			{At: at(0), Actor: "alice", Action: "publish", Subject: "wso2/winery:1.0.0", Detail: `{"digest":"ab"}`},
			{At: at(2 * time.Hour), Actor: "bob", Action: "deprecate", Subject: "wso2/winery:1.0.0", Detail: "use 2.0.0"},
			{At: at(3 * time.Hour), Actor: "system", Action: "token.create", Subject: "7", Detail: ""},
		}
		var prev int64
		for i := range events {
			e := events[i]
			must(t, "AppendAudit", s.AppendAudit(ctx, &e))
			if e.ID <= prev {
				t.Fatalf("AppendAudit set ID %d after %d, want increasing IDs", e.ID, prev)
			}
			prev = e.ID
			sameTime(t, "AppendAudit set At", e.At, events[i].At)
			events[i] = e
		}
		all, err := s.ListAudit(ctx, store.AuditFilter{}, 0)
		must(t, "ListAudit", err)
		if len(all) != len(events) {
			t.Fatalf("ListAudit returned %d events, want %d", len(all), len(events))
		}
		for i, got := range all {
			want := events[len(events)-1-i]
			sameTime(t, "event At", got.At, want.At)
			got.At = want.At
			equal(t, fmt.Sprintf("event %d (newest first)", i), got, want)
		}

		for _, c := range []struct {
			f     store.AuditFilter
			limit int
			want  []string
		}{
			{store.AuditFilter{}, 2, []string{"token.create", "deprecate"}},
			{store.AuditFilter{Actor: "alice"}, 0, []string{"publish", "org.create"}},
			{store.AuditFilter{Actor: "alic"}, 0, []string{}},
			{store.AuditFilter{Action: "publish"}, 0, []string{"publish"}},
			{store.AuditFilter{Subject: "wso2/winery:1.0.0"}, 0, []string{"deprecate", "publish"}},
			{store.AuditFilter{Subject: "wso2/winery:1.0"}, 0, []string{}},
			{store.AuditFilter{Since: at(time.Hour)}, 0, []string{"token.create", "deprecate", "org.create"}},
			{store.AuditFilter{Until: at(time.Hour)}, 0, []string{"publish"}},
			{store.AuditFilter{Since: at(time.Hour), Until: at(3 * time.Hour)}, 0, []string{"deprecate", "org.create"}},
			{store.AuditFilter{BeforeID: events[2].ID}, 0, []string{"publish", "org.create"}},
			{store.AuditFilter{BeforeID: events[2].ID, Actor: "alice"}, 1, []string{"publish"}},
		} {
			got, err := s.ListAudit(ctx, c.f, c.limit)
			must(t, fmt.Sprintf("ListAudit(%+v, %d)", c.f, c.limit), err)
			equal(t, fmt.Sprintf("ListAudit(%+v, %d)", c.f, c.limit), actions(got), c.want)
		}
		_, err = s.ListAudit(ctx, store.AuditFilter{}, -1)
		wantErr(t, "ListAudit with a negative limit", err, store.ErrInvalid)
	}},
	{"appending leaves earlier events unchanged", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		first := &store.AuditEvent{At: base, Actor: "alice", Action: "publish", Subject: "wso2/winery:1.0.0", Detail: "d"}
		must(t, "AppendAudit", s.AppendAudit(ctx, first))
		before, err := s.ListAudit(ctx, store.AuditFilter{}, 0)
		must(t, "ListAudit", err)
		// The same content again is a new event, not an update.
		again := *first
		again.ID = 0
		must(t, "AppendAudit(same content)", s.AppendAudit(ctx, &again))
		if again.ID == first.ID {
			t.Fatalf("appending the same content reused ID %d", first.ID)
		}
		after, err := s.ListAudit(ctx, store.AuditFilter{}, 0)
		must(t, "ListAudit", err)
		if len(after) != 2 {
			t.Fatalf("ListAudit after two appends = %d events, want 2", len(after))
		}
		equal(t, "the first event after another append", after[1], before[0])
	}},
	{"zero time means now", func(t *testing.T, s store.Store) {
		before := time.Now()
		e := &store.AuditEvent{Actor: "system", Action: "start"}
		must(t, "AppendAudit", s.AppendAudit(t.Context(), e))
		recent(t, "AppendAudit set At", e.At, before)
		got, err := s.ListAudit(t.Context(), store.AuditFilter{}, 1)
		must(t, "ListAudit", err)
		if len(got) != 1 || !got[0].At.Equal(e.At) {
			t.Fatalf("ListAudit = %+v, want the event at %v", got, e.At)
		}
	}},
}

var timeChecks = []check{
	{"UTC round trip", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		// Times in a zone other than UTC, with nanoseconds: returned in UTC,
		// truncated to the microsecond, equal as instants.
		zone := time.FixedZone("X", -7*3600)
		when := func(d time.Duration) time.Time { return time.Date(2025, 12, 31, 23, 59, 59, 999999999, zone).Add(d) }

		u := &store.User{Username: "alice", CreatedAt: when(0)}
		must(t, "CreateUser", s.CreateUser(ctx, u))
		gotU, err := s.User(ctx, u.ID)
		must(t, "User", err)
		sameTime(t, "User.CreatedAt", gotU.CreatedAt, when(0))

		o := &store.Org{Name: "wso2", CreatedAt: when(time.Second)}
		must(t, "CreateOrg", s.CreateOrg(ctx, o, u.ID))
		gotO, err := s.Org(ctx, "wso2")
		must(t, "Org", err)
		sameTime(t, "Org.CreatedAt", gotO.CreatedAt, when(time.Second))

		tok := &store.Token{UserID: u.ID, Hash: tokenHash("t"), CreatedAt: when(2 * time.Second), ExpiresAt: when(8760 * time.Hour)}
		must(t, "CreateToken", s.CreateToken(ctx, tok))
		must(t, "TouchToken", s.TouchToken(ctx, tok.ID, when(3*time.Second)))
		must(t, "RevokeToken", s.RevokeToken(ctx, tok.ID, when(4*time.Second)))
		gotT, err := s.Token(ctx, tok.ID)
		must(t, "Token", err)
		sameTime(t, "Token.CreatedAt", gotT.CreatedAt, when(2*time.Second))
		sameTime(t, "Token.ExpiresAt", gotT.ExpiresAt, when(8760*time.Hour))
		sameTime(t, "Token.LastUsedAt", *gotT.LastUsedAt, when(3*time.Second))
		sameTime(t, "Token.RevokedAt", *gotT.RevokedAt, when(4*time.Second))

		publish(t, s, u, "wso2", "winery", "1.0.0", func(pv *store.PackageVersion) { pv.CreatedAt = when(5 * time.Second) })
		pv, err := s.Version(ctx, "wso2", "winery", "1.0.0")
		must(t, "Version", err)
		sameTime(t, "PackageVersion.CreatedAt", pv.CreatedAt, when(5*time.Second))
		vs, err := s.Versions(ctx, "wso2", "winery")
		must(t, "Versions", err)
		sameTime(t, "VersionInfo.CreatedAt", vs[0].CreatedAt, when(5*time.Second))

		e := &store.AuditEvent{At: when(6 * time.Second), Actor: "alice", Action: "x"}
		must(t, "AppendAudit", s.AppendAudit(ctx, e))
		events, err := s.ListAudit(ctx, store.AuditFilter{}, 0)
		must(t, "ListAudit", err)
		sameTime(t, "AuditEvent.At", events[0].At, when(6*time.Second))

		// Before 1970 and far ahead.
		for i, tm := range []time.Time{time.Date(1969, 7, 20, 20, 17, 40, 500, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, zone)} {
			u := &store.User{Username: fmt.Sprintf("u%d", i), CreatedAt: tm}
			must(t, "CreateUser", s.CreateUser(ctx, u))
			got, err := s.User(ctx, u.ID)
			must(t, "User", err)
			sameTime(t, "User.CreatedAt", got.CreatedAt, tm)
		}
	}},
	{"zero means now", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		before := time.Now()
		u := &store.User{Username: "alice"}
		must(t, "CreateUser", s.CreateUser(ctx, u))
		recent(t, "User.CreatedAt", u.CreatedAt, before)
		o := &store.Org{Name: "wso2"}
		must(t, "CreateOrg", s.CreateOrg(ctx, o, u.ID))
		recent(t, "Org.CreatedAt", o.CreatedAt, before)
		tok := &store.Token{UserID: u.ID, Hash: tokenHash("t")}
		must(t, "CreateToken", s.CreateToken(ctx, tok))
		recent(t, "Token.CreatedAt", tok.CreatedAt, before)
		must(t, "RevokeToken(zero)", s.RevokeToken(ctx, tok.ID, time.Time{}))
		must(t, "TouchToken(zero)", s.TouchToken(ctx, tok.ID, time.Time{}))
		got, err := s.Token(ctx, tok.ID)
		must(t, "Token", err)
		recent(t, "Token.CreatedAt", got.CreatedAt, before)
		recent(t, "Token.RevokedAt", *got.RevokedAt, before)
		recent(t, "Token.LastUsedAt", *got.LastUsedAt, before)
		gotU, err := s.User(ctx, u.ID)
		must(t, "User", err)
		if !gotU.CreatedAt.Equal(u.CreatedAt) {
			t.Fatalf("User.CreatedAt = %v, CreateUser reported %v", gotU.CreatedAt, u.CreatedAt)
		}
	}},
}
