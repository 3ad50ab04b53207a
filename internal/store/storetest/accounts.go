package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

var userChecks = []check{
	{"create and get", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := &store.User{Username: "alice", PasswordHash: "$argon2id$hash", Admin: true, CreatedAt: base}
		must(t, "CreateUser", s.CreateUser(ctx, u))
		if u.ID <= 0 {
			t.Fatalf("CreateUser set ID %d, want > 0", u.ID)
		}
		sameTime(t, "CreateUser set CreatedAt", u.CreatedAt, base)
		want := store.User{ID: u.ID, Username: "alice", PasswordHash: "$argon2id$hash", Admin: true, CreatedAt: utc(base)}
		got, err := s.User(ctx, u.ID)
		must(t, "User", err)
		sameTime(t, "User.CreatedAt", got.CreatedAt, base)
		got.CreatedAt = want.CreatedAt
		equal(t, "User", *got, want)
		got, err = s.UserByName(ctx, "alice")
		must(t, "UserByName", err)
		got.CreatedAt = want.CreatedAt
		equal(t, "UserByName", *got, want)
	}},
	{"duplicate name", func(t *testing.T, s store.Store) {
		first := newUser(t, s, "alice")
		err := s.CreateUser(t.Context(), &store.User{Username: "alice", PasswordHash: "other"})
		wantErr(t, "second CreateUser(alice)", err, store.ErrExists)
		got, err := s.UserByName(t.Context(), "alice")
		must(t, "UserByName", err)
		if got.ID != first.ID || got.PasswordHash != first.PasswordHash {
			t.Fatalf("UserByName(alice) = %+v, want the first user %+v", got, first)
		}
	}},
	{"names compared exactly", func(t *testing.T, s store.Store) {
		a := newUser(t, s, "alice")
		b := newUser(t, s, "Alice")
		c := newUser(t, s, "alice_")
		if a.ID == b.ID || a.ID == c.ID || b.ID == c.ID {
			t.Fatalf("users alice, Alice, alice_ got IDs %d, %d, %d, want distinct", a.ID, b.ID, c.ID)
		}
		_, err := s.UserByName(t.Context(), "alic")
		wantErr(t, "UserByName(alic)", err, store.ErrNotFound)
	}},
	{"invalid name", func(t *testing.T, s store.Store) {
		for _, name := range []string{"", "a\nb", "\xff"} {
			err := s.CreateUser(t.Context(), &store.User{Username: name})
			wantErr(t, fmt.Sprintf("CreateUser(%q)", name), err, store.ErrInvalid)
		}
	}},
	{"not found", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := newUser(t, s, "alice")
		_, err := s.User(ctx, u.ID+1)
		wantErr(t, "User(unknown)", err, store.ErrNotFound)
		_, err = s.UserByName(ctx, "bob")
		wantErr(t, "UserByName(bob)", err, store.ErrNotFound)
		wantErr(t, "SetPassword(unknown)", s.SetPassword(ctx, u.ID+1, "x"), store.ErrNotFound)
		wantErr(t, "SetAdmin(unknown)", s.SetAdmin(ctx, u.ID+1, true), store.ErrNotFound)
	}},
	{"list", func(t *testing.T, s store.Store) {
		users, err := s.ListUsers(t.Context())
		must(t, "ListUsers on an empty store", err)
		if users == nil || len(users) != 0 {
			t.Fatalf("ListUsers on an empty store = %#v, want an empty non-nil slice", users)
		}
		for _, n := range []string{"carol", "alice", "bob"} {
			newUser(t, s, n)
		}
		users, err = s.ListUsers(t.Context())
		must(t, "ListUsers", err)
		var names []string
		for _, u := range users {
			names = append(names, u.Username)
		}
		equal(t, "ListUsers names", names, []string{"alice", "bob", "carol"})
	}},
	{"set password and admin", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := newUser(t, s, "alice")
		other := newUser(t, s, "bob")
		must(t, "SetPassword", s.SetPassword(ctx, u.ID, "new-hash"))
		must(t, "SetAdmin", s.SetAdmin(ctx, u.ID, true))
		got, err := s.User(ctx, u.ID)
		must(t, "User", err)
		if got.PasswordHash != "new-hash" || !got.Admin {
			t.Fatalf("after SetPassword and SetAdmin: %+v, want hash new-hash and admin", got)
		}
		must(t, "SetAdmin(false)", s.SetAdmin(ctx, u.ID, false))
		if got, err = s.User(ctx, u.ID); err != nil || got.Admin {
			t.Fatalf("after SetAdmin(false): %+v, %v; want not admin", got, err)
		}
		if got, err = s.User(ctx, other.ID); err != nil || got.PasswordHash != other.PasswordHash || got.Admin {
			t.Fatalf("other user changed: %+v, %v", got, err)
		}
	}},
}

// newToken creates a token for u with the given secret.
func newToken(t *testing.T, s store.Store, u *store.User, secret string) *store.Token {
	t.Helper()
	tok := &store.Token{
		UserID: u.ID, Name: "token " + secret, Prefix: "bct_" + secret[:min(4, len(secret))],
		Hash: tokenHash(secret), Scopes: []string{"read", "publish"},
		CreatedAt: base, ExpiresAt: at(365 * 24 * time.Hour),
	}
	must(t, "CreateToken("+secret+")", s.CreateToken(t.Context(), tok))
	return tok
}

var tokenChecks = []check{
	{"create and look up", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := newUser(t, s, "alice")
		tok := &store.Token{
			UserID: u.ID, Name: "ci", Prefix: "bct_abcd", Hash: tokenHash("bct_abcdsecret"),
			Scopes:    []string{"read", "publish", "deprecate"},
			CreatedAt: base, ExpiresAt: at(365 * 24 * time.Hour),
			LastUsedAt: new(time.Now()), RevokedAt: new(time.Now()), // ignored
		}
		must(t, "CreateToken", s.CreateToken(ctx, tok))
		if tok.ID <= 0 {
			t.Fatalf("CreateToken set ID %d, want > 0", tok.ID)
		}
		want := store.Token{
			ID: tok.ID, UserID: u.ID, Name: "ci", Prefix: "bct_abcd", Hash: tokenHash("bct_abcdsecret"),
			Scopes:    []string{"read", "publish", "deprecate"},
			CreatedAt: utc(base), ExpiresAt: utc(at(365 * 24 * time.Hour)),
		}
		for _, get := range []struct {
			call string
			fn   func() (*store.Token, error)
		}{
			{"TokenByHash", func() (*store.Token, error) { return s.TokenByHash(ctx, tokenHash("bct_abcdsecret")) }},
			{"Token", func() (*store.Token, error) { return s.Token(ctx, tok.ID) }},
		} {
			got, err := get.fn()
			must(t, get.call, err)
			sameTime(t, get.call+" CreatedAt", got.CreatedAt, base)
			sameTime(t, get.call+" ExpiresAt", got.ExpiresAt, at(365*24*time.Hour))
			got.CreatedAt, got.ExpiresAt = want.CreatedAt, want.ExpiresAt
			equal(t, get.call, *got, want)
		}
	}},
	{"no expiry and no scopes", func(t *testing.T, s store.Store) {
		u := newUser(t, s, "alice")
		tok := &store.Token{UserID: u.ID, Name: "forever", Prefix: "bct_", Hash: tokenHash("forever")}
		must(t, "CreateToken", s.CreateToken(t.Context(), tok))
		got, err := s.Token(t.Context(), tok.ID)
		must(t, "Token", err)
		if !got.ExpiresAt.IsZero() {
			t.Errorf("ExpiresAt = %v, want zero (never)", got.ExpiresAt)
		}
		if got.Scopes == nil || len(got.Scopes) != 0 {
			t.Errorf("Scopes = %#v, want an empty non-nil slice", got.Scopes)
		}
	}},
	{"duplicate hash", func(t *testing.T, s store.Store) {
		a := newUser(t, s, "alice")
		b := newUser(t, s, "bob")
		newToken(t, s, a, "secret-1")
		err := s.CreateToken(t.Context(), &store.Token{UserID: b.ID, Name: "x", Hash: tokenHash("secret-1")})
		wantErr(t, "CreateToken with a hash in use", err, store.ErrExists)
		got, err := s.TokenByHash(t.Context(), tokenHash("secret-1"))
		must(t, "TokenByHash", err)
		if got.UserID != a.ID {
			t.Fatalf("TokenByHash returns a token of user %d, want %d", got.UserID, a.ID)
		}
	}},
	{"invalid", func(t *testing.T, s store.Store) {
		u := newUser(t, s, "alice")
		err := s.CreateToken(t.Context(), &store.Token{UserID: u.ID, Name: "x"})
		wantErr(t, "CreateToken without a hash", err, store.ErrInvalid)
		err = s.CreateToken(t.Context(), &store.Token{UserID: u.ID + 1, Name: "x", Hash: tokenHash("y")})
		wantErr(t, "CreateToken for an unknown user", err, store.ErrNotFound)
		_, err = s.TokenByHash(t.Context(), tokenHash("y"))
		wantErr(t, "TokenByHash after a refused CreateToken", err, store.ErrNotFound)
	}},
	{"not found", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := newUser(t, s, "alice")
		tok := newToken(t, s, u, "secret")
		_, err := s.Token(ctx, tok.ID+1)
		wantErr(t, "Token(unknown)", err, store.ErrNotFound)
		_, err = s.TokenByHash(ctx, tokenHash("other"))
		wantErr(t, "TokenByHash(unknown)", err, store.ErrNotFound)
		_, err = s.TokenByHash(ctx, tokenHash("secret")[:16])
		wantErr(t, "TokenByHash(a prefix of a stored hash)", err, store.ErrNotFound)
		_, err = s.TokenByHash(ctx, nil)
		wantErr(t, "TokenByHash(nil)", err, store.ErrNotFound)
		wantErr(t, "RevokeToken(unknown)", s.RevokeToken(ctx, tok.ID+1, base), store.ErrNotFound)
		wantErr(t, "TouchToken(unknown)", s.TouchToken(ctx, tok.ID+1, base), store.ErrNotFound)
	}},
	{"list", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		a := newUser(t, s, "alice")
		b := newUser(t, s, "bob")
		none, err := s.ListTokens(ctx, a.ID)
		must(t, "ListTokens without tokens", err)
		if none == nil || len(none) != 0 {
			t.Fatalf("ListTokens without tokens = %#v, want an empty non-nil slice", none)
		}
		t1 := newToken(t, s, a, "one")
		newToken(t, s, b, "bobs")
		t2 := newToken(t, s, a, "two")
		must(t, "RevokeToken", s.RevokeToken(ctx, t2.ID, base))
		list, err := s.ListTokens(ctx, a.ID)
		must(t, "ListTokens", err)
		var ids []int64
		for _, tok := range list {
			ids = append(ids, tok.ID)
		}
		equal(t, "ListTokens(alice) IDs", ids, []int64{t1.ID, t2.ID})
		if list[1].RevokedAt == nil {
			t.Fatalf("ListTokens: revoked token listed without RevokedAt")
		}
		unknown, err := s.ListTokens(ctx, b.ID+100)
		must(t, "ListTokens(unknown user)", err)
		if len(unknown) != 0 {
			t.Fatalf("ListTokens(unknown user) = %v, want none", unknown)
		}
	}},
	{"revoked and expired are returned", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := newUser(t, s, "alice")
		expired := &store.Token{UserID: u.ID, Name: "old", Hash: tokenHash("old"), CreatedAt: base, ExpiresAt: at(time.Hour)}
		must(t, "CreateToken(expired)", s.CreateToken(ctx, expired))
		got, err := s.TokenByHash(ctx, tokenHash("old"))
		must(t, "TokenByHash(expired)", err)
		sameTime(t, "expired ExpiresAt", got.ExpiresAt, at(time.Hour))

		tok := newToken(t, s, u, "revoke-me")
		must(t, "RevokeToken", s.RevokeToken(ctx, tok.ID, at(time.Minute)))
		must(t, "RevokeToken again", s.RevokeToken(ctx, tok.ID, at(time.Hour)))
		got, err = s.TokenByHash(ctx, tokenHash("revoke-me"))
		must(t, "TokenByHash(revoked)", err)
		if got.RevokedAt == nil {
			t.Fatal("RevokedAt = nil after RevokeToken")
		}
		sameTime(t, "RevokedAt (first revocation kept)", *got.RevokedAt, at(time.Minute))
		if got.Name != tok.Name || got.UserID != u.ID || !slices.Equal(got.Scopes, tok.Scopes) {
			t.Fatalf("revoked token = %+v, want the fields of %+v", got, tok)
		}
	}},
	{"last used", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		u := newUser(t, s, "alice")
		tok := newToken(t, s, u, "used")
		other := newToken(t, s, u, "unused")
		must(t, "TouchToken", s.TouchToken(ctx, tok.ID, at(time.Hour)))
		got, err := s.Token(ctx, tok.ID)
		must(t, "Token", err)
		if got.LastUsedAt == nil {
			t.Fatal("LastUsedAt = nil after TouchToken")
		}
		sameTime(t, "LastUsedAt", *got.LastUsedAt, at(time.Hour))
		must(t, "TouchToken later", s.TouchToken(ctx, tok.ID, at(2*time.Hour)))
		must(t, "TouchToken earlier", s.TouchToken(ctx, tok.ID, at(time.Minute)))
		got, err = s.Token(ctx, tok.ID)
		must(t, "Token", err)
		sameTime(t, "LastUsedAt after a later and an earlier touch", *got.LastUsedAt, at(2*time.Hour))
		if got.RevokedAt != nil {
			t.Fatal("TouchToken set RevokedAt")
		}
		if got, err = s.Token(ctx, other.ID); err != nil || got.LastUsedAt != nil {
			t.Fatalf("untouched token: %+v, %v; want LastUsedAt nil", got, err)
		}
	}},
}
