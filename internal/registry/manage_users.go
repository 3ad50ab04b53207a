package registry

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// userJSON is a user as the management API shows it.
type userJSON struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Admin     bool      `json:"admin"`
	CreatedAt time.Time `json:"created_at"`
}

func userObject(u *store.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, Admin: u.Admin, CreatedAt: u.CreatedAt}
}

// membershipJSON is a user's role in an organization.
type membershipJSON struct {
	Org      string     `json:"org"`
	Username string     `json:"username"`
	Role     store.Role `json:"role"`
}

func membershipObject(m store.Membership) membershipJSON {
	return membershipJSON{Org: m.Org, Username: m.Username, Role: m.Role}
}

// sessionFailure is the answer to a sign-in with wrong credentials. It
// does not say which of the two was wrong.
const sessionFailure = "invalid user name or password"

// createSession signs a user in with a password: POST /api/v1/sessions
// {"username","password"} → 201 {"token","expires_at","user"}. The token is
// a "web session" token with every scope, living SessionLifetime; the admin
// scope lets it manage its own account only, unless the user is an
// administrator.
func (m *manageAPI) createSession(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &req, true) {
		return
	}
	ctx := r.Context()
	u, err := m.s.storage.Meta.UserByName(ctx, req.Username)
	if errors.Is(err, store.ErrNotFound) {
		u, err = nil, nil
	}
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	ok, err := m.acc.checkPassword(u, req.Password)
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	if !ok {
		if m.s.failedAuthLimited(w, r) {
			return
		}
		writeError(w, http.StatusUnauthorized, sessionFailure)
		return
	}
	t, secret, err := m.s.startSession(ctx, m.acc, u, "")
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		Token     string    `json:"token"`
		ID        int64     `json:"id"`
		ExpiresAt time.Time `json:"expires_at"`
		User      userJSON  `json:"user"`
	}{secret, t.ID, t.ExpiresAt, userObject(u)})
}

// sessionTokenName is the name of the tokens that sessions are made of.
const sessionTokenName = "web session"

// startSession creates a session for u, who has just proved who they are
// (with a password, or through an OpenID Connect provider named by via),
// and records it in the audit log: a "web session" token with every scope,
// living SessionLifetime. The API answers with its secret; the web UI puts
// it in the session cookie.
func (s *Server) startSession(ctx context.Context, acc *accounts, u *store.User, via string) (*store.Token, string, error) {
	t, secret, err := acc.createToken(ctx, tokenRequest{User: u, Name: sessionTokenName, Scopes: AllScopes, Lifetime: SessionLifetime, Allowed: AllScopes})
	if err != nil {
		return nil, "", err
	}
	detail := map[string]any{"expires_at": t.ExpiresAt}
	if via != "" {
		detail["via"] = via
	}
	s.audit(ctx, &principal{user: u}, "session.create", tokenSubject(t.ID), detail)
	return t, secret, nil
}

// whoami answers GET /api/v1/user with the caller's account, memberships
// and the token in use. Any valid token may ask: it learns only about its
// own user.
func (m *manageAPI) whoami(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, "")
	if !ok {
		return
	}
	ms, err := m.s.storage.Meta.MembershipsOf(r.Context(), p.user.ID)
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	memberships := make([]membershipJSON, 0, len(ms))
	for _, mb := range ms {
		memberships = append(memberships, membershipObject(mb))
	}
	writeJSON(w, http.StatusOK, struct {
		User        userJSON         `json:"user"`
		Memberships []membershipJSON `json:"memberships"`
		Token       tokenJSON        `json:"token"`
	}{userObject(p.user), memberships, tokenObject(p.token, p.user.Username, m.s.now())})
}

// listUsers answers GET /api/v1/users (administrators): every account.
func (m *manageAPI) listUsers(w http.ResponseWriter, r *http.Request) {
	if _, ok := m.requireAdmin(w, r, "list users"); !ok {
		return
	}
	us, err := m.s.storage.Meta.ListUsers(r.Context())
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	users := make([]userJSON, 0, len(us))
	for i := range us {
		users = append(users, userObject(&us[i]))
	}
	writeJSON(w, http.StatusOK, struct {
		Users []userJSON `json:"users"`
	}{users})
}

// createUser answers POST /api/v1/users {"username","password","admin"?}
// (administrators) → 201 with the user.
func (m *manageAPI) createUser(w http.ResponseWriter, r *http.Request) {
	p, ok := m.requireAdmin(w, r, "create users")
	if !ok {
		return
	}
	var req struct {
		Username string  `json:"username"`
		Password *string `json:"password"`
		Admin    bool    `json:"admin"`
	}
	if !decodeJSON(w, r, &req, true) {
		return
	}
	if req.Password == nil {
		writeError(w, http.StatusBadRequest, "password is required (at least 8 characters); accounts without a password are made with `central user create`")
		return
	}
	u, err := m.acc.createUser(r.Context(), req.Username, req.Password, req.Admin)
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	m.s.audit(r.Context(), p, "user.create", u.Username, map[string]any{"admin": u.Admin})
	writeJSON(w, http.StatusCreated, userObject(u))
}

// changePassword answers PUT /api/v1/users/{user}/password
// {"password","current_password"} → 204. A user changes their own password
// by giving the current one (not needed while the account has none); an
// administrator changes anybody's without it.
func (m *manageAPI) changePassword(w http.ResponseWriter, r *http.Request) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return
	}
	name := r.PathValue("user")
	if name != p.user.Username && !p.isAdmin() {
		writeError(w, http.StatusForbidden, "only administrators can change another user's password")
		return
	}
	var req struct {
		Password        string `json:"password"`
		CurrentPassword string `json:"current_password"`
	}
	if !decodeJSON(w, r, &req, true) {
		return
	}
	ctx := r.Context()
	u, err := m.acc.user(ctx, name)
	if err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	if !p.isAdmin() && u.PasswordHash != "" {
		ok, err := m.acc.checkPassword(u, req.CurrentPassword)
		if err != nil {
			m.s.internalError(w, r, err)
			return
		}
		if !ok {
			if m.s.failedAuthLimited(w, r) {
				return
			}
			writeError(w, http.StatusForbidden, "current_password is not your current password")
			return
		}
	}
	if err := m.acc.setPassword(ctx, u, req.Password); err != nil {
		m.writeRefusal(w, r, err)
		return
	}
	m.s.audit(ctx, p, "password.change", u.Username, nil)
	w.WriteHeader(http.StatusNoContent)
}
