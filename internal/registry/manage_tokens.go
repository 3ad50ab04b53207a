package registry

import (
	"net/http"
	"strconv"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// Token states as the management API and `central token list` show them.
const (
	tokenActive  = "active"
	tokenExpired = "expired"
	tokenRevoked = "revoked"
)

// tokenState says whether t is usable at now.
func tokenState(t *store.Token, now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return tokenRevoked
	case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
		return tokenExpired
	}
	return tokenActive
}

// tokenJSON is a token as the management API lists it: never its hash,
// and its secret only once, in the answer that creates it.
type tokenJSON struct {
	ID     int64    `json:"id"`
	Name   string   `json:"name"`
	User   string   `json:"user"`
	Prefix string   `json:"prefix"`
	Scopes []string `json:"scopes"`
	// State is active, expired or revoked.
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"` // null: never expires
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func tokenObject(t *store.Token, username string, now time.Time) tokenJSON {
	j := tokenJSON{
		ID: t.ID, Name: t.Name, User: username, Prefix: t.Prefix, Scopes: t.Scopes, State: tokenState(t, now),
		CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt,
	}
	if j.Scopes == nil {
		j.Scopes = []string{}
	}
	if !t.ExpiresAt.IsZero() {
		exp := t.ExpiresAt
		j.ExpiresAt = &exp
	}
	return j
}

// tokenSubject is the audit log subject of a token: its ID.
func tokenSubject(id int64) string { return strconv.FormatInt(id, 10) }

// createdTokenJSON is the answer to a token creation: the secret, shown
// this once, and the token as it will be listed.
type createdTokenJSON struct {
	Token string `json:"token"`
	tokenJSON
}

// createToken answers POST /api/v1/tokens {"name","scopes","expires_in_days",
// "user"} → 201 with the secret. The new token gets at most the scopes of
// the token asking; "user" (another user's token) is for administrators.
func (m *manageAPI) createToken(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	var req struct {
		Name          string   `json:"name"`
		Scopes        []string `json:"scopes"`
		ExpiresInDays *int     `json:"expires_in_days"`
		User          string   `json:"user"`
	}
	if !decodeJSON(w, r, &req, true) {
		return
	}
	ctx := r.Context()
	owner := p.user
	if req.User != "" && req.User != p.user.Username {
		if !p.isAdmin() {
			writeError(w, http.StatusForbidden, "only administrators can create tokens for other users; leave \"user\" out to create one for yourself")
			return
		}
		var err error
		if owner, err = m.acc.user(ctx, req.User); err != nil {
			m.writeRefusal(w, r, err)
			return
		}
	}
	t, secret, err := m.acc.createToken(ctx, tokenRequest{User: owner, Name: req.Name, Scopes: req.Scopes, ExpiresInDays: req.ExpiresInDays, Allowed: p.token.Scopes})
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	m.s.audit(ctx, p, "token.create", tokenSubject(t.ID), map[string]any{"user": owner.Username, "name": t.Name, "scopes": t.Scopes, "expires_at": t.ExpiresAt})
	writeJSON(w, http.StatusCreated, createdTokenJSON{Token: secret, tokenJSON: tokenObject(t, owner.Username, m.s.now())})
}

// listTokens answers GET /api/v1/tokens[?user=]: the caller's tokens, or
// for an administrator those of the user named.
func (m *manageAPI) listTokens(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	ctx := r.Context()
	owner := p.user
	if name := r.URL.Query().Get("user"); name != "" && name != p.user.Username {
		if !p.isAdmin() {
			writeError(w, http.StatusForbidden, "only administrators can list the tokens of other users")
			return
		}
		var err error
		if owner, err = m.acc.user(ctx, name); err != nil {
			m.writeRefusal(w, r, err)
			return
		}
	}
	ts, err := m.s.storage.Meta.ListTokens(ctx, owner.ID)
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	now := m.s.now()
	tokens := make([]tokenJSON, 0, len(ts))
	for i := range ts {
		tokens = append(tokens, tokenObject(&ts[i], owner.Username, now))
	}
	writeJSON(w, http.StatusOK, struct {
		Tokens []tokenJSON `json:"tokens"`
	}{tokens})
}

// revokeToken answers DELETE /api/v1/tokens/{id} → 204: the caller's own
// token, or any token for an administrator. Revoking a revoked token is
// not an error; the token of another user is "not found" to a
// non-administrator.
func (m *manageAPI) revokeToken(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeErrorf(w, http.StatusNotFound, "token not found: %s (token IDs are positive integers; GET %s/tokens lists them)", r.PathValue("id"), apiPrefix)
		return
	}
	ctx := r.Context()
	var ownerID int64
	if !p.isAdmin() {
		ownerID = p.user.ID
	}
	t, err := m.acc.token(ctx, id, ownerID)
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	if err := m.acc.revokeToken(ctx, t); err != nil {
		m.s.internalError(w, r, err)
		return
	}
	detail := map[string]any{"name": t.Name}
	if t.UserID == p.user.ID {
		detail["user"] = p.user.Username
	} else if u, err := m.s.storage.Meta.User(ctx, t.UserID); err == nil {
		detail["user"] = u.Username
	}
	m.s.audit(ctx, p, "token.revoke", tokenSubject(t.ID), detail)
	w.WriteHeader(http.StatusNoContent)
}
