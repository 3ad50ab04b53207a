package registry

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// The account side of the web UI: sign-in with a password (/login) or an
// OIDC provider (/auth/oidc/..., web_oidc.go), sign-up (/signup, when
// Config.Signup is set), sign-out (/logout) and the dashboard
// (web_dashboard.go).
//
// A session is an access token like any other (manage_users.go's
// startSession, shared with POST /api/v1/sessions): a "web session" token
// with every scope, living SessionLifetime, whose secret is the value of
// the session cookie. So expiry and revocation work as for the API, the
// dashboard lists sessions beside the other tokens, and revoking one signs
// that browser out. Every form carries a CSRF token (web_csrf.go).

// Account page templates, under internal/registry/web/templates.
const (
	tmplLogin        = "account/login"
	tmplSignup       = "account/signup"
	tmplMessage      = "account/message"
	tmplDashboard    = "account/dashboard"
	tmplTokenCreated = "account/token_created"
	tmplOrg          = "account/dashboard_org"
)

// webAccounts holds the account pages' handlers.
type webAccounts struct {
	s   *Server
	acc *accounts
	// providers are the OIDC providers by name; providerList in the
	// order of the sign-in buttons.
	providers    map[string]*oidcClient
	providerList []*oidcClient
}

// registerWebAccountRoutes adds sign-in, sign-up, OIDC and the dashboard.
func (s *Server) registerWebAccountRoutes() {
	a := &webAccounts{s: s, acc: newAccounts(s.storage.Meta, func() time.Time { return s.now() }), providers: map[string]*oidcClient{}}
	for _, p := range s.cfg.OIDCProviders {
		c := newOIDCClient(p, func() time.Time { return s.now() })
		a.providers[p.Name] = c
		a.providerList = append(a.providerList, c)
	}
	s.handle("GET /login", routeRead, noStore(a.loginPage))
	s.handle("POST /login", routeTokenCreate, noStore(a.login))
	s.handle("POST /logout", routeWrite, noStore(a.logout))
	s.handle("GET /signup", routeRead, noStore(a.signupPage))
	s.handle("POST /signup", routeTokenCreate, noStore(a.signup))
	s.handle("GET /auth/oidc/{provider}/login", routeRead, noStore(a.oidcLogin))
	s.handle("GET /auth/oidc/{provider}/callback", routeTokenCreate, noStore(a.oidcCallback))
	a.registerDashboardRoutes()
}

// noStore keeps the account pages out of every cache: they show secrets,
// CSRF tokens and who is signed in. The header is set as the answer
// starts, so that it wins over what the page renderer sets.
func noStore(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fn(&noStoreWriter{ResponseWriter: w}, r)
	}
}

// noStoreWriter sets Cache-Control: no-store on the answer.
type noStoreWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *noStoreWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set("Cache-Control", "no-store")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *noStoreWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *noStoreWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// sessionPrincipal returns the principal of the request's session cookie,
// or nil when there is none or it is not valid (unknown, expired,
// revoked): to the pages, such a visitor is anonymous.
func (s *Server) sessionPrincipal(r *http.Request) *principal {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > maxTokenLength {
		return nil
	}
	p, err := s.tokenPrincipal(r.Context(), c.Value)
	if err != nil {
		var ae *authError
		if !errors.As(err, &ae) {
			s.log.Warn("looking up a session", "request_id", requestIDFrom(r.Context()), "err", err)
		}
		return nil
	}
	return p
}

// setSessionCookie hands a browser the session whose secret is secret.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", MaxAge: int(SessionLifetime / time.Second),
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
	// The form cookie served the sign-in form; the session keys the
	// forms from now on.
	s.clearCookie(w, r, formCookie, "/")
}

// clearCookie tells the browser to drop a cookie.
func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
}

// signIn starts a session for u and sends the browser to next.
func (a *webAccounts) signIn(w http.ResponseWriter, r *http.Request, u *store.User, via, next string) {
	ctx := r.Context()
	// A session the browser still holds is ended rather than left valid
	// until it expires: signing in again, or as someone else, replaces it.
	if old := a.s.sessionPrincipal(r); old != nil && old.token.Name == sessionTokenName {
		if err := a.acc.revokeToken(ctx, old.token); err != nil {
			a.s.log.Warn("ending the previous session", "token_id", old.token.ID, "err", err)
		}
	}
	_, secret, err := a.s.startSession(ctx, a.acc, u, via)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.setSessionCookie(w, r, secret)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// defaultNext is where a sign-in leads when the page asked for nothing
// else.
const defaultNext = "/dashboard"

// safeNext returns next when it is a path on this site, else defaultNext:
// a sign-in must never redirect to another site.
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\") || strings.ContainsFunc(next, unicode.IsControl) {
		return defaultNext
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return defaultNext
	}
	return next
}

// providerLink is an OIDC provider's sign-in button.
type providerLink struct {
	Name        string
	DisplayName string
	URL         string
}

// loginData is the data of account/login.html.
type loginData struct {
	// CSRF is the forms' CSRF token: the layout has one only for
	// signed-in users, and this page is for the others.
	CSRF string
	// Next is the local path to go to after signing in.
	Next string
	// Username is the name typed, kept after a failed attempt.
	Username string
	// Error says why the last attempt failed.
	Error string
	// Providers are the OIDC sign-in buttons.
	Providers []providerLink
	// Signup says whether /signup is open.
	Signup bool
}

func (a *webAccounts) loginData(r *http.Request, next string) loginData {
	d := loginData{CSRF: a.s.csrfToken(r), Next: safeNext(next), Signup: a.s.cfg.Signup}
	for _, c := range a.providerList {
		d.Providers = append(d.Providers, providerLink{
			Name: c.cfg.Name, DisplayName: c.cfg.DisplayName,
			URL: "/auth/oidc/" + c.cfg.Name + "/login?" + url.Values{"next": {d.Next}}.Encode(),
		})
	}
	return d
}

// loginPage answers GET /login[?next=]: the sign-in form, or a redirect to
// next for someone already signed in.
func (a *webAccounts) loginPage(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if a.s.sessionPrincipal(r) != nil {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return
	}
	a.s.ensureFormCookie(w, r)
	a.s.renderPage(w, r, http.StatusOK, tmplLogin, "Sign in", a.loginData(r, next))
}

// login answers POST /login {username, password, next}: on success a
// session cookie and a redirect to next; else the form again, with 401 and
// the same message whether the name or the password was wrong.
func (a *webAccounts) login(w http.ResponseWriter, r *http.Request) {
	if !a.s.checkCSRF(w, r) {
		return
	}
	ctx := r.Context()
	f := r.PostForm
	username, password := strings.TrimSpace(f.Get("username")), f.Get("password")
	d := a.loginData(r, f.Get("next"))
	d.Username = username
	var u *store.User
	if username != "" && len(username) <= MaxUsernameLength && len(password) <= credential.MaxPasswordLength {
		var err error
		u, err = a.s.storage.Meta.UserByName(ctx, username)
		if errors.Is(err, store.ErrNotFound) {
			u = nil
		} else if err != nil {
			a.s.webInternalError(w, r, err)
			return
		}
	}
	ok, err := a.acc.checkPassword(u, password)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	if !ok {
		if a.s.failedAuthLimited(w, r) {
			return
		}
		d.Error = sessionFailure
		a.s.renderPage(w, r, http.StatusUnauthorized, tmplLogin, "Sign in", d)
		return
	}
	a.signIn(w, r, u, "password", d.Next)
}

// logout answers POST /logout: the session's token is revoked and the
// cookie dropped.
func (a *webAccounts) logout(w http.ResponseWriter, r *http.Request) {
	if !a.s.checkCSRF(w, r) {
		return
	}
	if p := a.s.sessionPrincipal(r); p != nil {
		ctx := r.Context()
		if err := a.acc.revokeToken(ctx, p.token); err != nil {
			a.s.webInternalError(w, r, err)
			return
		}
		a.s.audit(ctx, p, "session.end", tokenSubject(p.token.ID), nil)
	}
	a.s.clearCookie(w, r, sessionCookie, "/")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// signupData is the data of account/signup.html.
type signupData struct {
	// CSRF is the form's CSRF token (see loginData).
	CSRF     string
	Username string
	Error    string
	// Providers are the OIDC sign-in buttons, an alternative to a
	// password.
	Providers []providerLink
}

// signupClosed answers a sign-up page when Config.Signup is off.
func (a *webAccounts) signupClosed(w http.ResponseWriter, r *http.Request) {
	a.s.renderAccountError(w, r, http.StatusNotFound, "Sign-up is closed",
		"This registry does not let visitors create accounts. Ask one of its administrators for an account.")
}

// signupPage answers GET /signup: the form to create an account.
func (a *webAccounts) signupPage(w http.ResponseWriter, r *http.Request) {
	if !a.s.cfg.Signup {
		a.signupClosed(w, r)
		return
	}
	if a.s.sessionPrincipal(r) != nil {
		http.Redirect(w, r, defaultNext, http.StatusSeeOther)
		return
	}
	a.s.ensureFormCookie(w, r)
	a.s.renderPage(w, r, http.StatusOK, tmplSignup, "Create an account", signupData{CSRF: a.s.csrfToken(r), Providers: a.loginData(r, "").Providers})
}

// signup answers POST /signup {username, password, confirm}: it creates
// the account under the rules of the API (accounts.createUser) and signs
// it in.
func (a *webAccounts) signup(w http.ResponseWriter, r *http.Request) {
	if !a.s.cfg.Signup {
		a.signupClosed(w, r)
		return
	}
	if !a.s.checkCSRF(w, r) {
		return
	}
	f := r.PostForm
	d := signupData{CSRF: a.s.csrfToken(r), Username: strings.TrimSpace(f.Get("username")), Providers: a.loginData(r, "").Providers}
	password := f.Get("password")
	if password != f.Get("confirm") {
		d.Error = "the two passwords differ; type the same password twice"
		a.s.renderPage(w, r, http.StatusBadRequest, tmplSignup, "Create an account", d)
		return
	}
	ctx := r.Context()
	u, err := a.acc.createUser(ctx, d.Username, &password, false)
	var pe *policyError
	if errors.As(err, &pe) {
		d.Error = pe.msg
		a.s.renderPage(w, r, pe.status(), tmplSignup, "Create an account", d)
		return
	}
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.s.audit(ctx, &principal{user: u}, "user.create", u.Username, map[string]any{"admin": false, "via": "signup"})
	a.signIn(w, r, u, "password", defaultNext)
}

// messageData is the data of account/message.html: a page that only says
// something, such as why a request was refused.
type messageData struct {
	Message string
	// Link and LinkText, when set, offer a way on.
	Link, LinkText string
}

// renderAccountError answers with a page saying what went wrong.
func (s *Server) renderAccountError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	d := messageData{Message: msg}
	if status == http.StatusForbidden || status == http.StatusUnauthorized {
		d.Link, d.LinkText = "/login", "Sign in"
	}
	s.renderPage(w, r, status, tmplMessage, title, d)
}

// webInternalError logs err and answers 500 with a page naming the
// request ID, as internalError does for the API.
func (s *Server) webInternalError(w http.ResponseWriter, r *http.Request, err error) {
	id := requestIDFrom(r.Context())
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	s.log.Error("internal error", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	msg := "Something went wrong on the server."
	if id != "" {
		msg += " Its log has the details under request ID " + id + "."
	}
	s.renderAccountError(w, r, http.StatusInternalServerError, "Internal server error", msg)
}

// ---------------------------------------------------------------------------
// OpenID Connect

// oidcLogin answers GET /auth/oidc/{provider}/login[?next=]: a redirect to
// the provider, with the flow's state in oidcCookie.
func (a *webAccounts) oidcLogin(w http.ResponseWriter, r *http.Request) {
	c := a.providers[r.PathValue("provider")]
	if c == nil {
		a.s.renderAccountError(w, r, http.StatusNotFound, "Unknown sign-in provider", "This registry has no sign-in provider called "+r.PathValue("provider")+".")
		return
	}
	m, err := c.metadata(r.Context())
	if err != nil {
		a.providerFailed(w, r, c, err)
		return
	}
	f := &oidcFlow{
		Provider: c.cfg.Name, State: randomURLString(24), Nonce: randomURLString(24),
		Verifier: randomURLString(32), Next: safeNext(r.URL.Query().Get("next")),
	}
	target, err := c.authURL(m, f, a.callbackURL(r, c))
	if err != nil {
		a.providerFailed(w, r, c, err)
		return
	}
	b, _ := json.Marshal(f)
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/auth/oidc/",
		MaxAge: int(oidcFlowLifetime / time.Second), HttpOnly: true, Secure: a.s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, target, http.StatusFound)
}

// callbackURL is where provider c sends the browser back to: it must be
// registered with the provider, so it is built from the public URL when
// one is configured.
func (a *webAccounts) callbackURL(r *http.Request, c *oidcClient) string {
	return a.s.baseURL(r) + "/auth/oidc/" + c.cfg.Name + "/callback"
}

// providerFailed answers a sign-in that failed at or with the provider.
func (a *webAccounts) providerFailed(w http.ResponseWriter, r *http.Request, c *oidcClient, err error) {
	var refusal *oidcRefusal
	if errors.As(err, &refusal) {
		a.s.renderAccountError(w, r, http.StatusForbidden, "Sign-in refused", refusal.msg+".")
		return
	}
	id := requestIDFrom(r.Context())
	a.s.log.Warn("sign-in with a provider failed", "provider", c.cfg.Name, "request_id", id, "err", err)
	a.s.renderAccountError(w, r, http.StatusBadGateway, "Sign-in failed",
		"Signing in with "+c.cfg.DisplayName+" failed: "+err.Error()+". Try again; if it keeps failing, tell the registry's administrators (request ID "+id+").")
}

// oidcCallback answers GET /auth/oidc/{provider}/callback?code=&state=:
// the provider sends the browser back here; the person is signed in to
// their account, created on their first visit.
func (a *webAccounts) oidcCallback(w http.ResponseWriter, r *http.Request) {
	c := a.providers[r.PathValue("provider")]
	if c == nil {
		a.s.renderAccountError(w, r, http.StatusNotFound, "Unknown sign-in provider", "This registry has no sign-in provider called "+r.PathValue("provider")+".")
		return
	}
	a.s.clearCookie(w, r, oidcCookie, "/auth/oidc/")
	expired := func() {
		a.s.renderAccountError(w, r, http.StatusBadRequest, "Sign-in expired",
			"This sign-in has expired or was started in another browser. Sign in again.")
	}
	ck, err := r.Cookie(oidcCookie)
	if err != nil {
		expired()
		return
	}
	var f oidcFlow
	if b, err := base64.RawURLEncoding.DecodeString(ck.Value); err != nil || json.Unmarshal(b, &f) != nil {
		expired()
		return
	}
	q := r.URL.Query()
	if f.Provider != c.cfg.Name || f.State == "" || !hmac.Equal([]byte(q.Get("state")), []byte(f.State)) {
		expired()
		return
	}
	if e := q.Get("error"); e != "" {
		msg := c.cfg.DisplayName + " did not sign you in: " + e
		if d := q.Get("error_description"); d != "" {
			msg += " (" + d + ")"
		}
		a.s.renderAccountError(w, r, http.StatusUnauthorized, "Sign-in cancelled", msg+".")
		return
	}
	code := q.Get("code")
	if code == "" {
		expired()
		return
	}
	id, err := c.identify(r.Context(), &f, code, a.callbackURL(r, c))
	if err != nil {
		a.providerFailed(w, r, c, err)
		return
	}
	u, err := a.s.oidcAccount(r.Context(), c.cfg.Name, id)
	if err != nil {
		a.s.webInternalError(w, r, err)
		return
	}
	a.signIn(w, r, u, "oidc:"+c.cfg.Name, safeNext(f.Next))
}
