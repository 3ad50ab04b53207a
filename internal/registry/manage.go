package registry

// This file is the account policy shared by the management API under
// /api/v1 (manage_users.go, manage_orgs.go, manage_tokens.go) and the admin
// commands (admin_cmd.go): what a user name, an organization name, a token
// request may be, and the operations that check them before they reach the
// store. Both front ends call these functions, so a rule is written once;
// who may ask for an operation (the caller's token and roles) is decided by
// each front end, and the CLI, run by the machine's operator, may do what a
// site administrator may.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// apiPrefix is the prefix of the management API.
const apiPrefix = "/api/v1"

// registerManagementRoutes adds the management API under /api/v1; see
// docs/API.md. Every route but POST /api/v1/sessions needs an access token.
func (s *Server) registerManagementRoutes() {
	m := &manageAPI{s: s, acc: newAccounts(s.storage.Meta, func() time.Time { return s.now() })}
	s.handle("POST "+apiPrefix+"/sessions", routeTokenCreate, m.createSession)
	s.handle("GET "+apiPrefix+"/user", routeRead, m.whoami)
	s.handle("GET "+apiPrefix+"/users", routeRead, m.listUsers)
	s.handle("POST "+apiPrefix+"/users", routeWrite, m.createUser)
	s.handle("PUT "+apiPrefix+"/users/{user}/password", routeWrite, m.changePassword)
	s.handle("GET "+apiPrefix+"/orgs", routeRead, m.listOrgs)
	s.handle("POST "+apiPrefix+"/orgs", routeWrite, m.createOrg)
	s.handle("GET "+apiPrefix+"/orgs/{org}", routeRead, m.getOrg)
	s.handle("PUT "+apiPrefix+"/orgs/{org}/members/{user}", routeWrite, m.setMember)
	s.handle("DELETE "+apiPrefix+"/orgs/{org}/members/{user}", routeWrite, m.removeMember)
	s.handle("GET "+apiPrefix+"/tokens", routeRead, m.listTokens)
	s.handle("POST "+apiPrefix+"/tokens", routeTokenCreate, m.createToken)
	s.handle("DELETE "+apiPrefix+"/tokens/{id}", routeWrite, m.revokeToken)
	s.handle("GET "+apiPrefix+"/audit", routeRead, m.listAudit)
	// Anything else under the prefix gets a JSON error like the rest of
	// the API, not the mux's text/plain 404 or 405.
	s.handle(apiPrefix+"/", routeRead, s.unmatched(apiPrefix+"/", "no management API route %s %s; see docs/API.md for the routes"))
}

// unmatched returns the handler of the catch-all pattern catchAll: it
// answers a request that no other route matches with a JSON 405 and Allow
// when the path exists for other methods, else a JSON 404 with notFound
// (a format taking the method and the path).
func (s *Server) unmatched(catchAll, notFound string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = method
			if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != catchAll {
				allowed = append(allowed, method)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeErrorf(w, http.StatusMethodNotAllowed, "method %s not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))
			return
		}
		writeErrorf(w, http.StatusNotFound, notFound, r.Method, r.URL.Path)
	}
}

// manageAPI holds the management API's handlers.
type manageAPI struct {
	s   *Server
	acc *accounts
}

// writeRefusal answers err: a *policyError with its status and message,
// anything else as an internal error.
func (m *manageAPI) writeRefusal(w http.ResponseWriter, r *http.Request, err error) {
	var pe *policyError
	if errors.As(err, &pe) {
		writeError(w, pe.status(), pe.msg)
		return
	}
	m.s.internalError(w, r, err)
}

// requireAdmin is requireUser with the admin scope for an operation that
// only site administrators may perform: other users get 403 with what.
func (m *manageAPI) requireAdmin(w http.ResponseWriter, r *http.Request, what string) (*principal, bool) {
	p, ok := m.s.requireUser(w, r, ScopeAdmin)
	if !ok {
		return nil, false
	}
	if !p.isAdmin() {
		writeErrorf(w, http.StatusForbidden, "only administrators can %s", what)
		return nil, false
	}
	return p, true
}

// ---------------------------------------------------------------------------
// Refusals

// A refusal says why the policy refuses an operation, and so which HTTP
// status the API answers and which exit status the CLI returns.
type refusal int

const (
	refusedInvalid   refusal = iota + 1 // the request is malformed: 400
	refusedForbidden                    // the caller may not do this: 403
	refusedNotFound                     // something named does not exist: 404
	refusedConflict                     // it clashes with what exists: 409
)

// A policyError is an operation the account policy refuses. Its message
// says what is wrong and what to do; it is shown to API clients and CLI
// users alike.
type policyError struct {
	why refusal
	msg string
}

func (e *policyError) Error() string { return e.msg }

// status is the HTTP status the API answers e with.
func (e *policyError) status() int {
	switch e.why {
	case refusedForbidden:
		return http.StatusForbidden
	case refusedNotFound:
		return http.StatusNotFound
	case refusedConflict:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func refuse(why refusal, format string, args ...any) error {
	return &policyError{why: why, msg: fmt.Sprintf(format, args...)}
}

// ---------------------------------------------------------------------------
// Names and values

// MaxUsernameLength is the longest user name.
const MaxUsernameLength = 64

// reservedUsernames are the names the audit log uses for actors that are
// not users; an account with one of them would make the log ambiguous.
var reservedUsernames = []string{"anonymous", "system", "cli"}

// checkUsername reports whether name may be the name of a new account: 1 to
// 64 lowercase ASCII letters, digits, '.', '_' and '-', starting with a
// letter or a digit (so that it is never mistaken for a flag or a hidden
// file), and not one of the actor names of the audit log. Names are
// lowercase only so that "Alice" and "alice" cannot be two people.
func checkUsername(name string) error {
	const rule = "use 1 to 64 lowercase letters, digits, '.', '_' and '-', starting with a letter or a digit"
	if name == "" {
		return refuse(refusedInvalid, "user name is required; %s", rule)
	}
	if len(name) > MaxUsernameLength {
		return refuse(refusedInvalid, "invalid user name %q: longer than %d characters", name, MaxUsernameLength)
	}
	for i, c := range []byte(name) {
		letterOrDigit := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !letterOrDigit && (i == 0 || c != '.' && c != '_' && c != '-') {
			return refuse(refusedInvalid, "invalid user name %q: %s", name, rule)
		}
	}
	if slices.Contains(reservedUsernames, name) {
		return refuse(refusedInvalid, "user name %q is reserved (it names a non-user actor in the audit log); choose another", name)
	}
	return nil
}

// reservedOrgPrefix starts the organization names reserved for the
// Ballerina platform's own packages (ballerina, ballerinax, ballerinai...).
const reservedOrgPrefix = "ballerina"

// webRouteNames are the first path segments the server itself uses. An
// organization's page is /<org>, so an organization with one of these names
// could never be shown.
var webRouteNames = []string{"api", "auth", "dashboard", "docs", "healthz", "login", "logout", "metrics", "search", "signup", "static"}

// checkNewOrgName reports whether an organization called name may be
// created by a caller who is (siteAdmin) or is not a site administrator:
// the Ballerina organization name rules, and names starting with
// "ballerina" (in any case) only for administrators, who may need them for
// an air-gapped mirror of the platform's packages.
func checkNewOrgName(name string, siteAdmin bool) error {
	if name == "" {
		return refuse(refusedInvalid, "organization name is required")
	}
	if err := manifest.CheckOrg(name); err != nil {
		return refuse(refusedInvalid, "%v; use ASCII letters, digits and single underscores, not starting with a digit or an underscore", err)
	}
	if slices.Contains(webRouteNames, name) {
		return refuse(refusedInvalid, "organization name %q is reserved: the web UI serves a page at /%s; choose another", name, name)
	}
	if !siteAdmin && strings.HasPrefix(strings.ToLower(name), reservedOrgPrefix) {
		return refuse(refusedForbidden, "organization names starting with %q are reserved for the Ballerina platform; only administrators can create them", reservedOrgPrefix)
	}
	return nil
}

// parseRole checks a role name.
func parseRole(s string) (store.Role, error) {
	r := store.Role(s)
	if s == "" {
		return "", refuse(refusedInvalid, "role is required: owner, publisher or member")
	}
	if !r.Valid() {
		return "", refuse(refusedInvalid, "invalid role %q: want owner, publisher or member", s)
	}
	return r, nil
}

// Token request limits.
const (
	// MaxTokenNameLength bounds a token's name (a label for its owner).
	MaxTokenNameLength = 100
	// DefaultTokenDays is the lifetime of a token created without one:
	// DefaultTokenLifetime in days.
	DefaultTokenDays = int(DefaultTokenLifetime / (24 * time.Hour))
	// MaxTokenDays is the longest lifetime a token may be given: ten years.
	MaxTokenDays = 3650
)

// checkTokenName checks a token's name and returns it trimmed.
func checkTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", refuse(refusedInvalid, "token name is required: a label to recognise the token by, such as \"ci\" or \"laptop\"")
	case len(name) > MaxTokenNameLength:
		return "", refuse(refusedInvalid, "token name too long: at most %d bytes", MaxTokenNameLength)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", refuse(refusedInvalid, "token name %q contains control characters", name)
	}
	return name, nil
}

// tokenScopes checks the scopes asked for a new token: nil means
// DefaultTokenScopes; every scope must exist and be among allowed (the
// scopes of the token that asks: a token cannot mint a more powerful one).
// The result is deduplicated and in the order of AllScopes.
func tokenScopes(requested, allowed []string) ([]string, error) {
	if requested == nil {
		requested = DefaultTokenScopes
	}
	if len(requested) == 0 {
		return nil, refuse(refusedInvalid, "scopes must not be empty; list some of %s, or leave scopes out for %s",
			strings.Join(AllScopes, ", "), strings.Join(DefaultTokenScopes, ", "))
	}
	if sc, ok := validScopes(requested); !ok {
		return nil, refuse(refusedInvalid, "unknown scope %q: want %s", sc, strings.Join(AllScopes, ", "))
	}
	var scopes []string
	for _, sc := range AllScopes {
		if !slices.Contains(requested, sc) {
			continue
		}
		if !slices.Contains(allowed, sc) {
			return nil, refuse(refusedForbidden, "cannot create a token with the %q scope: the access token making the request lacks it", sc)
		}
		scopes = append(scopes, sc)
	}
	return scopes, nil
}

// tokenExpiry returns when a token created at now for days days (nil:
// DefaultTokenDays) expires.
func tokenExpiry(now time.Time, days *int) (time.Time, error) {
	d := DefaultTokenDays
	if days != nil {
		d = *days
	}
	if d < 1 || d > MaxTokenDays {
		return time.Time{}, refuse(refusedInvalid, "expires_in_days %d out of range: want 1 to %d", d, MaxTokenDays)
	}
	return now.Add(time.Duration(d) * 24 * time.Hour), nil
}

// ---------------------------------------------------------------------------
// Operations

// accounts performs the account operations on a metadata store, after the
// checks above. Its errors are *policyError for refusals and anything else
// for failures of the store.
type accounts struct {
	meta store.Store
	now  func() time.Time
	// params hash new passwords.
	params credential.Argon2Params
	// dummyHash is the hash a sign-in checks for an unknown user or an
	// account without a password, so that such a sign-in costs as much
	// as one with a wrong password and does not tell user names apart.
	dummyHash func() (string, error)
}

func newAccounts(meta store.Store, now func() time.Time) *accounts {
	a := &accounts{meta: meta, now: now, params: credential.DefaultArgon2Params}
	a.dummyHash = sync.OnceValues(func() (string, error) {
		return credential.HashPassword("not the password of anybody", a.params)
	})
	return a
}

// user returns the account called name.
func (a *accounts) user(ctx context.Context, name string) (*store.User, error) {
	u, err := a.meta.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(refusedNotFound, "user not found: %s", name)
	}
	return u, err
}

// org returns the organization called name.
func (a *accounts) org(ctx context.Context, name string) (*store.Org, error) {
	o, err := a.meta.Org(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(refusedNotFound, "organization not found: %s", name)
	}
	return o, err
}

// hashNewPassword checks a new password and hashes it.
func (a *accounts) hashNewPassword(pw string) (string, error) {
	if err := credential.CheckPassword(pw); err != nil {
		return "", refuse(refusedInvalid, "%v", err)
	}
	return credential.HashPassword(pw, a.params)
}

// createUser creates an account. A nil password makes an account that can
// only use tokens (until a password is set).
func (a *accounts) createUser(ctx context.Context, username string, password *string, admin bool) (*store.User, error) {
	if err := checkUsername(username); err != nil {
		return nil, err
	}
	u := &store.User{Username: username, Admin: admin}
	if password != nil {
		h, err := a.hashNewPassword(*password)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = h
	}
	err := a.meta.CreateUser(ctx, u)
	if errors.Is(err, store.ErrExists) {
		return nil, refuse(refusedConflict, "user %q already exists", username)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// setPassword replaces the password of u.
func (a *accounts) setPassword(ctx context.Context, u *store.User, pw string) error {
	h, err := a.hashNewPassword(pw)
	if err != nil {
		return err
	}
	return a.meta.SetPassword(ctx, u.ID, h)
}

// checkPassword reports whether pw is u's password (u nil: an unknown
// user, always false). It costs one argon2id computation whatever the
// outcome.
func (a *accounts) checkPassword(u *store.User, pw string) (bool, error) {
	if u == nil || u.PasswordHash == "" {
		h, err := a.dummyHash()
		if err != nil {
			return false, err
		}
		_, err = credential.VerifyPassword(h, pw)
		return false, err
	}
	return credential.VerifyPassword(u.PasswordHash, pw)
}

// createOrg creates an organization owned by owner; siteAdmin says whether
// the caller is an administrator (see checkNewOrgName).
func (a *accounts) createOrg(ctx context.Context, name string, owner *store.User, siteAdmin bool) (*store.Org, error) {
	if err := checkNewOrgName(name, siteAdmin); err != nil {
		return nil, err
	}
	o := &store.Org{Name: name}
	err := a.meta.CreateOrg(ctx, o, owner.ID)
	if errors.Is(err, store.ErrExists) {
		return nil, refuse(refusedConflict, "organization %q already exists", name)
	}
	if err != nil {
		return nil, err
	}
	return o, nil
}

// setMember gives user a role in org, adding them if needed.
func (a *accounts) setMember(ctx context.Context, org, username, role string) (store.Membership, error) {
	r, err := parseRole(role)
	if err != nil {
		return store.Membership{}, err
	}
	if _, err := a.org(ctx, org); err != nil {
		return store.Membership{}, err
	}
	u, err := a.user(ctx, username)
	if err != nil {
		return store.Membership{}, err
	}
	err = a.meta.SetMember(ctx, org, u.ID, r)
	switch {
	case errors.Is(err, store.ErrLastOwner):
		return store.Membership{}, refuse(refusedConflict, "%s is the only owner of %s: make another member an owner first", username, org)
	case errors.Is(err, store.ErrNotFound):
		return store.Membership{}, refuse(refusedNotFound, "organization not found: %s", org)
	case err != nil:
		return store.Membership{}, err
	}
	return store.Membership{Org: org, UserID: u.ID, Username: u.Username, Role: r}, nil
}

// removeMember removes user from org.
func (a *accounts) removeMember(ctx context.Context, org, username string) error {
	if _, err := a.org(ctx, org); err != nil {
		return err
	}
	u, err := a.user(ctx, username)
	if err != nil {
		return err
	}
	err = a.meta.RemoveMember(ctx, org, u.ID)
	switch {
	case errors.Is(err, store.ErrLastOwner):
		return refuse(refusedConflict, "%s is the only owner of %s: make another member an owner first", username, org)
	case errors.Is(err, store.ErrNotFound):
		return refuse(refusedNotFound, "%s is not a member of %s", username, org)
	}
	return err
}

// A tokenRequest asks for a new access token.
type tokenRequest struct {
	User *store.User
	Name string
	// Scopes nil means DefaultTokenScopes.
	Scopes []string
	// ExpiresInDays nil means DefaultTokenDays.
	ExpiresInDays *int
	// Lifetime, when positive, replaces ExpiresInDays: a session lives
	// hours, not days.
	Lifetime time.Duration
	// Allowed are the scopes the requester holds.
	Allowed []string
}

// createToken creates a token and returns it with its secret, which
// exists nowhere else: the store keeps its hash.
func (a *accounts) createToken(ctx context.Context, req tokenRequest) (*store.Token, string, error) {
	name, err := checkTokenName(req.Name)
	if err != nil {
		return nil, "", err
	}
	scopes, err := tokenScopes(req.Scopes, req.Allowed)
	if err != nil {
		return nil, "", err
	}
	now := a.now()
	expires := now.Add(req.Lifetime)
	if req.Lifetime <= 0 {
		if expires, err = tokenExpiry(now, req.ExpiresInDays); err != nil {
			return nil, "", err
		}
	}
	secret, err := credential.NewToken()
	if err != nil {
		return nil, "", err
	}
	t := &store.Token{UserID: req.User.ID, Name: name, Prefix: secret.Prefix, Hash: secret.Hash, Scopes: scopes, CreatedAt: now, ExpiresAt: expires}
	if err := a.meta.CreateToken(ctx, t); err != nil {
		return nil, "", err
	}
	return t, secret.Secret, nil
}

// token returns token id; only when owned by ownerID unless ownerID is 0.
// A token of someone else is reported as not found.
func (a *accounts) token(ctx context.Context, id, ownerID int64) (*store.Token, error) {
	t, err := a.meta.Token(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && ownerID != 0 && t.UserID != ownerID {
		return nil, refuse(refusedNotFound, "token not found: %d", id)
	}
	return t, err
}

// revokeToken revokes t (again: the first revocation time stays).
func (a *accounts) revokeToken(ctx context.Context, t *store.Token) error {
	return a.meta.RevokeToken(ctx, t.ID, a.now())
}

// appendAudit records an action of the admin commands, whose actor is not
// a user of the registry.
func (a *accounts) appendAudit(ctx context.Context, actor, action, subject string, detail any) error {
	e := &store.AuditEvent{At: a.now(), Actor: actor, Action: action, Subject: subject}
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		e.Detail = string(b)
	}
	if err := a.meta.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		return fmt.Errorf("cannot append to the audit log: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Audit log

// Limits of GET /api/v1/audit.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// auditEventJSON is an audit log entry as the management API shows it.
// Detail is the JSON the action recorded, or null.
type auditEventJSON struct {
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Action  string          `json:"action"`
	Subject string          `json:"subject"`
	Detail  json.RawMessage `json:"detail"`
}

// listAudit answers GET /api/v1/audit?actor=&action=&subject=&before=&limit=
// (administrators): the newest events first. before is an event ID (the
// next page starts below the last ID of this one) or an RFC 3339 time.
func (m *manageAPI) listAudit(w http.ResponseWriter, r *http.Request) {
	if _, ok := m.requireAdmin(w, r, "read the audit log"); !ok {
		return
	}
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action"), Subject: q.Get("subject")}
	if b := q.Get("before"); b != "" {
		if id, err := strconv.ParseInt(b, 10, 64); err == nil && id > 0 {
			f.BeforeID = id
		} else if t, err := time.Parse(time.RFC3339, b); err == nil {
			f.Until = t
		} else {
			writeErrorf(w, http.StatusBadRequest, "invalid before %q: want an event ID or an RFC 3339 time such as 2025-01-31T00:00:00Z", b)
			return
		}
	}
	limit := defaultAuditLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxAuditLimit {
			writeErrorf(w, http.StatusBadRequest, "invalid limit %q: want 1 to %d", l, maxAuditLimit)
			return
		}
		limit = n
	}
	es, err := m.s.storage.Meta.ListAudit(r.Context(), f, limit)
	if err != nil {
		m.s.internalError(w, r, err)
		return
	}
	events := make([]auditEventJSON, 0, len(es))
	for _, e := range es {
		ej := auditEventJSON{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Subject: e.Subject}
		switch {
		case e.Detail == "":
		case json.Valid([]byte(e.Detail)):
			ej.Detail = json.RawMessage(e.Detail)
		default:
			ej.Detail, _ = json.Marshal(e.Detail)
		}
		events = append(events, ej)
	}
	writeJSON(w, http.StatusOK, struct {
		Events []auditEventJSON `json:"events"`
	}{events})
}
