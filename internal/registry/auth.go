package registry

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// The token scopes. A token may do what its scopes allow and its user's
// roles permit, never more.
const (
	// ScopeRead lets a token read the private packages of its user's
	// organizations. Public packages need no token at all.
	ScopeRead = "read"
	// ScopePublish lets a token push to organizations where its user is
	// an owner or publisher.
	ScopePublish = "publish"
	// ScopeDeprecate lets a token deprecate versions in those
	// organizations.
	ScopeDeprecate = "deprecate"
	// ScopeAdmin lets a token manage its user's account: tokens,
	// organizations and members, and, for an administrator, other users.
	// Tokens for the web UI (sessions) carry it; CLI tokens need not.
	ScopeAdmin = "admin"
)

// AllScopes lists the scopes, in the order they are documented.
var AllScopes = []string{ScopeRead, ScopePublish, ScopeDeprecate, ScopeAdmin}

// DefaultTokenScopes are the scopes of a token created without a list: what
// `bal` needs (pull private packages, push, deprecate).
var DefaultTokenScopes = []string{ScopeRead, ScopePublish, ScopeDeprecate}

// DefaultTokenLifetime is how long a token lives unless asked otherwise: a
// year, as on Central.
const DefaultTokenLifetime = 365 * 24 * time.Hour

// SessionLifetime is how long a web UI session token lives.
const SessionLifetime = 12 * time.Hour

// maxTokenLength bounds the Authorization header's token; longer values are
// not tokens this server issued.
const maxTokenLength = 256

// A principal is who makes a request: a user, through one of their tokens.
// A nil *principal is an anonymous caller; its methods accept that.
type principal struct {
	user   *store.User
	token  *store.Token
	scopes map[string]bool

	mu    sync.Mutex
	roles map[string]store.Role // org -> role; "" when not a member
}

// has reports whether the principal's token carries scope.
func (p *principal) has(scope string) bool {
	return p != nil && p.scopes[scope]
}

// isAdmin reports whether the principal is an administrator acting with an
// admin-scoped token.
func (p *principal) isAdmin() bool {
	return p != nil && p.user.Admin && p.scopes[ScopeAdmin]
}

// name is the principal's user name, or "anonymous".
func (p *principal) name() string {
	if p == nil {
		return "anonymous"
	}
	return p.user.Username
}

// authError is why a request's credentials were refused.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header, "" when there is no Authorization header, and an error for any
// other form.
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", nil
	}
	scheme, tok, ok := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", &authError{"invalid Authorization header: want \"Bearer <access token>\""}
	}
	if len(tok) > maxTokenLength {
		return "", &authError{"invalid access token"}
	}
	return tok, nil
}

// principalOf finds who makes r. It returns (nil, nil) for an anonymous
// request, and an *authError for credentials that are presented but not
// valid: unknown, expired or revoked tokens are refused rather than
// treated as anonymous, so that a client learns its token is bad instead
// of seeing fewer packages.
func (s *Server) principalOf(r *http.Request) (*principal, error) {
	secret, err := bearerToken(r)
	if err != nil || secret == "" {
		return nil, err
	}
	return s.tokenPrincipal(r.Context(), secret)
}

// tokenPrincipal finds the principal of a token's secret, presented in an
// Authorization header or, for the web UI, in the session cookie. Unknown,
// expired and revoked tokens are an *authError.
func (s *Server) tokenPrincipal(ctx context.Context, secret string) (*principal, error) {
	tok, err := s.storage.Meta.TokenByHash(ctx, credential.HashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, &authError{"invalid access token"}
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if tok.RevokedAt != nil {
		return nil, &authError{"access token revoked; create a new one"}
	}
	if !tok.ExpiresAt.IsZero() && !now.Before(tok.ExpiresAt) {
		return nil, &authError{"access token expired on " + tok.ExpiresAt.UTC().Format(time.DateOnly) + "; create a new one"}
	}
	u, err := s.storage.Meta.User(ctx, tok.UserID)
	if err != nil {
		return nil, err
	}
	noteUser(ctx, u.Username)
	if s.touches.due(tok.ID, now) {
		if err := s.storage.Meta.TouchToken(ctx, tok.ID, now); err != nil {
			s.log.Warn("recording token use", "token_id", tok.ID, "err", err)
		}
	}
	p := &principal{user: u, token: tok, scopes: map[string]bool{}, roles: map[string]store.Role{}}
	for _, sc := range tok.Scopes {
		p.scopes[sc] = true
	}
	return p, nil
}

// authenticate finds who makes r, or answers 401 (or 500) and returns false.
// Failed authentications count against the client's rate limit.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	p, err := s.principalOf(r)
	var ae *authError
	switch {
	case errors.As(err, &ae):
		if s.failedAuthLimited(w, r) {
			return nil, false
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="central"`)
		writeError(w, http.StatusUnauthorized, ae.msg)
		return nil, false
	case err != nil:
		s.internalError(w, r, err)
		return nil, false
	}
	return p, true
}

// requireUser is authenticate for routes that need a signed-in user with a
// scope: anonymous requests get 401, a token without the scope 403.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request, scope string) (*principal, bool) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return nil, false
	}
	if p == nil {
		if s.failedAuthLimited(w, r) {
			return nil, false
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="central"`)
		writeError(w, http.StatusUnauthorized, "access token required: send \"Authorization: Bearer <access token>\"")
		return nil, false
	}
	if scope != "" && !p.has(scope) {
		writeErrorf(w, http.StatusForbidden, "this access token lacks the %q scope; create a token with it", scope)
		return nil, false
	}
	return p, true
}

// role returns the principal's role in org, or "" when it has none. Roles
// are looked up once per request.
func (s *Server) role(ctx context.Context, p *principal, org string) (store.Role, error) {
	if p == nil {
		return "", nil
	}
	p.mu.Lock()
	r, ok := p.roles[org]
	p.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err := s.storage.Meta.Role(ctx, org, p.user.ID)
	if errors.Is(err, store.ErrNotFound) {
		r, err = "", nil
	}
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.roles[org] = r
	p.mu.Unlock()
	return r, nil
}

// canSee reports whether p may see a package of org with visibility vis:
// everyone sees public packages; private ones only members of the org
// whose token has the read scope. Callers answer 404 when it is false, so
// that private packages are indistinguishable from missing ones.
func (s *Server) canSee(ctx context.Context, p *principal, org string, vis store.Visibility) (bool, error) {
	if vis != store.Private {
		return true, nil
	}
	if !p.has(ScopeRead) {
		return false, nil
	}
	r, err := s.role(ctx, p, org)
	return r != "", err
}

// canPublish reports whether p may publish (and deprecate, with scope
// ScopeDeprecate) in org: its token has scope and its user is an owner or
// publisher there.
func (s *Server) canPublish(ctx context.Context, p *principal, org, scope string) (bool, error) {
	if !p.has(scope) {
		return false, nil
	}
	r, err := s.role(ctx, p, org)
	return r == store.RoleOwner || r == store.RolePublisher, err
}

// visibleOrgs returns the orgs whose private packages p may see.
func (s *Server) visibleOrgs(ctx context.Context, p *principal) ([]string, error) {
	if !p.has(ScopeRead) {
		return nil, nil
	}
	ms, err := s.storage.Meta.MembershipsOf(ctx, p.user.ID)
	if err != nil {
		return nil, err
	}
	orgs := make([]string, 0, len(ms))
	for _, m := range ms {
		orgs = append(orgs, m.Org)
	}
	return orgs, nil
}

// validScopes checks a requested scope list.
func validScopes(scopes []string) (string, bool) {
	for _, sc := range scopes {
		if !slices.Contains(AllScopes, sc) {
			return sc, false
		}
	}
	return "", true
}

// touchInterval is how often a token's last-used time is written: once a
// minute is precise enough for a dashboard and keeps a busy CI token from
// turning every read into a database write.
const touchInterval = time.Minute

// touchThrottle remembers when each token's use was last recorded.
type touchThrottle struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

func newTouchThrottle() *touchThrottle { return &touchThrottle{last: map[int64]time.Time{}} }

// due reports whether the use of token id at now should be recorded, and
// if so notes that it is.
func (t *touchThrottle) due(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.last[id]; ok && now.Sub(last) < touchInterval && !now.Before(last) {
		return false
	}
	if len(t.last) > 100_000 {
		clear(t.last) // bounded memory; the worst case is one extra write per token
	}
	t.last[id] = now
	return true
}
