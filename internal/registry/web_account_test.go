package registry

import (
	"context"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// browser is a web UI client with a cookie jar that does not follow
// redirects (tests look at them), and sends Origin with its POSTs as
// browsers do.
type browser struct {
	t      *testing.T
	e      *testEnv
	jar    *cookiejar.Jar
	client *http.Client
	// header is sent with every request.
	header http.Header
}

func newBrowser(t *testing.T, e *testEnv) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{
		t: t, e: e, jar: jar, header: http.Header{},
		client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// request returns a request for path carrying the browser's cookies, to
// call the server's methods with.
func (b *browser) request(method, path string) *http.Request {
	r, err := http.NewRequest(method, b.e.url+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range b.jar.Cookies(r.URL) {
		r.AddCookie(c)
	}
	return r
}

func (b *browser) do(req *http.Request) *http.Response {
	b.t.Helper()
	for k, vs := range b.header {
		req.Header[k] = vs
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp
}

// getURL GETs an absolute URL.
func (b *browser) getURL(u string) *http.Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// get GETs a path of the registry.
func (b *browser) get(path string) *http.Response {
	b.t.Helper()
	return b.getURL(b.e.url + path)
}

// page GETs a path, requires 200 and returns the HTML.
func (b *browser) page(path string) string {
	b.t.Helper()
	resp := b.get(path)
	body := readBody(b.t, resp)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: status %d, want 200; body:\n%s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		b.t.Fatalf("GET %s: Content-Type %q, want HTML", path, ct)
	}
	return body
}

// post sends a form, with the Origin header of this site.
func (b *browser) post(path string, form url.Values) *http.Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.url)
	return b.do(req)
}

// submit loads page, takes the CSRF token of its form, and posts form to
// action with it.
func (b *browser) submit(page, action string, form url.Values) *http.Response {
	b.t.Helper()
	form.Set(csrfField, csrfFrom(b.t, b.page(page)))
	return b.post(action, form)
}

var csrfInput = regexp.MustCompile(`<input[^>]*name="csrf_token"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*name="csrf_token"`)

// csrfFrom returns the CSRF token of the forms of a page.
func csrfFrom(t *testing.T, page string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf_token input in the page:\n%s", page)
	}
	return html.UnescapeString(m[1] + m[2])
}

// cookie returns the value of the browser's cookie name, "" if none.
func (b *browser) cookie(name string) string {
	for _, p := range []string{"/", "/auth/oidc/x/callback"} {
		u, _ := url.Parse(b.e.url + p)
		for _, c := range b.jar.Cookies(u) {
			if c.Name == name {
				return c.Value
			}
		}
	}
	return ""
}

// setCookie puts a cookie into the browser's jar.
func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.e.url + "/")
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// dropCookies forgets every cookie.
func (b *browser) dropCookies() {
	jar, _ := cookiejar.New(nil)
	b.jar, b.client.Jar = jar, jar
}

// signIn signs a user of the test environment in (password
// "password-<name>").
func (b *browser) signIn(name string) {
	b.t.Helper()
	resp := b.submit("/login", "/login", url.Values{"username": {name}, "password": {"password-" + name}})
	body := readBody(b.t, resp)
	if resp.StatusCode != http.StatusSeeOther || b.cookie(sessionCookie) == "" {
		b.t.Fatalf("signing in %s: status %d, want 303 and a session cookie; body:\n%s", name, resp.StatusCode, body)
	}
}

// setCookieHeader returns the Set-Cookie of name in resp.
func setCookieHeader(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no Set-Cookie %s in the answer (Set-Cookie: %q)", name, resp.Header.Values("Set-Cookie"))
	return nil
}

// TestWebSignIn: a wrong password shows the error and sets no session; the
// right one sets a session cookie with the safe attributes, made of a "web
// session" token with every scope, and leads to the page asked for.
func TestWebSignIn(t *testing.T) {
	e := newTestEnv(t)
	e.user("alice", false)
	b := newBrowser(t, e)

	for _, tt := range []struct{ user, password string }{
		{"alice", "wrong password"},
		{"nobody", "password-nobody"},
		{"", ""},
		{"alice", strings.Repeat("x", 2000)},
	} {
		resp := b.submit("/login", "/login", url.Values{"username": {tt.user}, "password": {tt.password}})
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, sessionFailure) {
			t.Errorf("sign-in as %q with a wrong password: status %d, want 401 with %q; body:\n%s", tt.user, resp.StatusCode, sessionFailure, body)
		}
		if tt.user == "alice" && !strings.Contains(body, `value="alice"`) {
			t.Errorf("the form forgot the user name typed")
		}
		if b.cookie(sessionCookie) != "" {
			t.Fatalf("a failed sign-in set a session cookie")
		}
	}

	page := b.page("/login?next=/dashboard/orgs/acme")
	resp := b.post("/login", url.Values{csrfField: {csrfFrom(t, page)}, "username": {"alice"}, "password": {"password-alice"}, "next": {"/dashboard/orgs/acme"}})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/orgs/acme" {
		t.Fatalf("sign-in: status %d Location %q, want 303 to the page asked for", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := setCookieHeader(t, resp, sessionCookie)
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != int(SessionLifetime/time.Second) || c.Secure {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, Max-Age=%d, not Secure over http", c, int(SessionLifetime/time.Second))
	}
	tok, err := e.meta.TokenByHash(context.Background(), credential.HashToken(c.Value))
	if err != nil {
		t.Fatalf("the cookie is not a token: %v", err)
	}
	if tok.Name != sessionTokenName || !slices.Equal(tok.Scopes, AllScopes) || tok.ExpiresAt.Sub(tok.CreatedAt) != SessionLifetime {
		t.Errorf("session token %+v: want %q with every scope for %v", tok, sessionTokenName, SessionLifetime)
	}
	events, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Action: "session.create"}, 10)
	if err != nil || len(events) != 1 || events[0].Actor != "alice" || !strings.Contains(events[0].Detail, `"via":"password"`) {
		t.Errorf("audit session.create = %+v (%v), want one event by alice via password", events, err)
	}
	if page := b.page("/dashboard"); !strings.Contains(page, "alice") {
		t.Errorf("the dashboard does not show alice:\n%s", page)
	}
	// Signed in, /login leads on.
	if resp := b.get("/login?next=/x"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/x" {
		t.Errorf("GET /login signed in: status %d Location %q, want 303 to /x", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Over https (here: a TLS-terminating proxy says so) the cookies are
	// Secure.
	b2 := newBrowser(t, e)
	b2.header.Set("X-Forwarded-Proto", "https")
	resp = b2.get("/login")
	body := readBody(t, resp)
	if fc := setCookieHeader(t, resp, formCookie); !fc.Secure || !fc.HttpOnly {
		t.Errorf("form cookie over https %+v: want Secure and HttpOnly", fc)
	}
	// The jar keeps Secure cookies away from http://, so send it by hand.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/login", strings.NewReader(url.Values{
		csrfField: {csrfFrom(t, body)}, "username": {"alice"}, "password": {"password-alice"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.AddCookie(setCookieHeader(t, resp, formCookie))
	resp, err = e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if c := setCookieHeader(t, resp, sessionCookie); !c.Secure {
		t.Errorf("session cookie over https %+v: want Secure", c)
	}
}

// TestWebSignInRedirects: a sign-in never leads to another site.
func TestWebSignInRedirects(t *testing.T) {
	for _, tt := range []struct{ next, want string }{
		{"", "/dashboard"},
		{"/acme/pkg?x=1#y", "/acme/pkg?x=1#y"},
		{"//evil.example/x", "/dashboard"},
		{"/\\evil.example", "/dashboard"},
		{"https://evil.example/", "/dashboard"},
		{"javascript:alert(1)", "/dashboard"},
		{"/a\nb", "/dashboard"},
		{"dashboard", "/dashboard"},
	} {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}

// TestWebCSRF: every form post needs the right token from this site;
// refusals are 403 and change nothing.
func TestWebCSRF(t *testing.T) {
	e := newTestEnv(t)
	e.user("alice", false)
	creds := url.Values{"username": {"alice"}, "password": {"password-alice"}}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}

	// Before a session: the sign-in form.
	b := newBrowser(t, e)
	token := csrfFrom(t, b.page("/login"))
	other := newBrowser(t, e)
	otherToken := csrfFrom(t, other.page("/login"))
	for _, tt := range []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", creds, nil},
		{"wrong token", with(creds, csrfField, "x"+token), nil},
		{"another browser's token", with(creds, csrfField, otherToken), nil},
		{"cross-site origin", with(creds, csrfField, token), []string{"Origin", "https://evil.example"}},
		{"null origin", with(creds, csrfField, token), []string{"Origin", "null"}},
		{"cross-site fetch", with(creds, csrfField, token), []string{"Sec-Fetch-Site", "cross-site"}},
		{"same-site fetch", with(creds, csrfField, token), []string{"Sec-Fetch-Site", "same-site"}},
		{"cross-site referer", with(creds, csrfField, token), []string{"Origin", "", "Referer", "https://evil.example/page"}},
	} {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/login", strings.NewReader(tt.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.url)
		for i := 0; i+1 < len(tt.header); i += 2 {
			req.Header.Set(tt.header[i], tt.header[i+1])
		}
		resp := b.do(req)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403; body:\n%s", tt.name, resp.StatusCode, body)
		}
		if b.cookie(sessionCookie) != "" {
			t.Fatalf("%s: signed in despite a refused form", tt.name)
		}
	}
	// The same request, right, from this site (with a same-origin
	// Referer and no Origin, as some browsers send) works.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/login", strings.NewReader(with(creds, csrfField, token).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", e.url+"/login")
	if resp := b.do(req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a right sign-in: status %d, want 303", resp.StatusCode)
	}

	// With a session: the token is the session's, not the sign-in form's.
	for _, form := range []url.Values{
		{"name": {"acme"}},
		{"name": {"acme"}, csrfField: {token}},
		{"name": {"acme"}, csrfField: {otherToken}},
	} {
		resp := b.post("/dashboard/orgs", form)
		readBody(t, resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("creating an org with token %q: status %d, want 403", form.Get(csrfField), resp.StatusCode)
		}
	}
	if _, err := e.meta.Org(context.Background(), "acme"); err == nil {
		t.Fatal("a refused form created an organization")
	}
	resp := b.submit("/dashboard", "/dashboard/orgs", url.Values{"name": {"acme"}})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("creating an org with the session's token: status %d, want 303", resp.StatusCode)
	}
	// The token survives a restart: it is derived from the session, not
	// from a key in memory.
	e.srv = NewServer(e.srv.cfg, e.srv.storage, nil)
	if got := e.srv.csrfToken(b.request(http.MethodGet, "/dashboard")); got != csrfFrom(t, b.page("/dashboard")) {
		t.Errorf("another server computes CSRF token %q, want the page's", got)
	}
}

// TestWebLogout: signing out revokes the session's token and drops the
// cookie; the old cookie no longer signs anybody in, nor works on the API.
func TestWebLogout(t *testing.T) {
	e := newTestEnv(t)
	e.user("alice", false)
	b := newBrowser(t, e)
	b.signIn("alice")
	secret := b.cookie(sessionCookie)

	// Signing out needs the CSRF token too.
	resp := b.post("/logout", url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusForbidden || b.cookie(sessionCookie) == "" {
		t.Fatalf("logout without a token: status %d, want 403 and still signed in", resp.StatusCode)
	}

	resp = b.submit("/dashboard", "/logout", url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("logout: status %d Location %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := setCookieHeader(t, resp, sessionCookie); c.MaxAge >= 0 || c.Value != "" {
		t.Errorf("logout's Set-Cookie %+v: want the cookie deleted", c)
	}
	if b.cookie(sessionCookie) != "" {
		t.Error("the browser still has the session cookie")
	}
	tok, err := e.meta.TokenByHash(context.Background(), credential.HashToken(secret))
	if err != nil || tok.RevokedAt == nil {
		t.Fatalf("session token after logout: %+v, %v; want revoked", tok, err)
	}

	// Someone who kept the cookie gets nothing with it.
	thief := newBrowser(t, e)
	thief.setCookie(sessionCookie, secret)
	resp = thief.get("/dashboard")
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("the revoked cookie on /dashboard: status %d Location %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	msg := errorMessage(t, e.request(http.MethodGet, apiPrefix+"/user", nil, "Authorization", "Bearer "+secret), http.StatusUnauthorized)
	if !strings.Contains(msg, "revoked") {
		t.Errorf("the revoked session on the API: %q, want it called revoked", msg)
	}
}

// TestWebSession: sessionPrincipal accepts valid tokens only; a new
// sign-in ends the session the browser held.
func TestWebSession(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	for _, tt := range []struct {
		name  string
		value string
		ok    bool
	}{
		{"valid", e.tokenWith(alice, tokenOpts{scopes: AllScopes}), true},
		{"expired", e.tokenWith(alice, tokenOpts{scopes: AllScopes, expires: time.Now().Add(-time.Minute)}), false},
		{"revoked", e.tokenWith(alice, tokenOpts{scopes: AllScopes, revoked: true}), false},
		{"unknown", "bct_nothing", false},
		{"too long", strings.Repeat("x", maxTokenLength+1), false},
		{"empty", "", false},
	} {
		b := newBrowser(t, e)
		b.setCookie(sessionCookie, tt.value)
		p := e.srv.sessionPrincipal(b.request(http.MethodGet, "/"))
		if (p != nil) != tt.ok || p != nil && p.user.ID != alice.ID {
			t.Errorf("%s: sessionPrincipal = %v, want signed in = %v", tt.name, p, tt.ok)
		}
	}

	b := newBrowser(t, e)
	b.signIn("alice")
	first := b.cookie(sessionCookie)
	// Signed in, /login redirects; a form posted to it (say, from a tab
	// left open) signs in again.
	resp := b.submit("/dashboard", "/login", url.Values{"username": {"alice"}, "password": {"password-alice"}})
	readBody(t, resp)
	if second := b.cookie(sessionCookie); resp.StatusCode != http.StatusSeeOther || second == "" || second == first {
		t.Fatalf("signing in again: status %d, want 303 and a new session", resp.StatusCode)
	}
	if tok, err := e.meta.TokenByHash(context.Background(), credential.HashToken(first)); err != nil || tok.RevokedAt == nil {
		t.Errorf("the session replaced by a new sign-in: %+v, %v; want revoked", tok, err)
	}
}

// TestWebSignup: closed by default (404, nothing created); open, it
// applies the API's rules and signs the new account in.
func TestWebSignup(t *testing.T) {
	closed := newTestEnv(t)
	b := newBrowser(t, closed)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, closed.url+"/signup", strings.NewReader("username=eve&password=password-eve&confirm=password-eve"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp := b.do(req)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "administrators") {
			t.Errorf("%s /signup, closed: status %d, want 404 saying whom to ask; body:\n%s", method, resp.StatusCode, body)
		}
	}
	if strings.Contains(b.page("/login"), `href="/signup"`) {
		t.Error("the sign-in page links to a closed sign-up")
	}
	if _, err := closed.meta.UserByName(context.Background(), "eve"); err == nil {
		t.Fatal("a closed sign-up created an account")
	}

	e := newTestEnv(t, func(c *Config) { c.Signup = true })
	e.user("taken", false)
	b = newBrowser(t, e)
	if !strings.Contains(b.page("/login"), `href="/signup"`) {
		t.Error("the sign-in page does not link to the open sign-up")
	}
	for _, tt := range []struct {
		name, user, pw, confirm string
		status                  int
		want                    string
	}{
		{"passwords differ", "eve", "password-eve", "password-eva", http.StatusBadRequest, "differ"},
		{"bad name", "Eve!", "password-eve", "password-eve", http.StatusBadRequest, "invalid user name"},
		{"reserved name", "system", "password-eve", "password-eve", http.StatusBadRequest, "reserved"},
		{"short password", "eve", "short", "short", http.StatusBadRequest, "password"},
		{"taken", "taken", "password-eve", "password-eve", http.StatusConflict, "already exists"},
	} {
		resp := b.submit("/signup", "/signup", url.Values{"username": {tt.user}, "password": {tt.pw}, "confirm": {tt.confirm}})
		body := readBody(t, resp)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: status %d, want %d with %q; body:\n%s", tt.name, resp.StatusCode, tt.status, tt.want, body)
		}
	}
	resp := b.submit("/signup", "/signup", url.Values{"username": {"eve"}, "password": {"password-eve"}, "confirm": {"password-eve"}})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" || b.cookie(sessionCookie) == "" {
		t.Fatalf("sign-up: status %d Location %q, want 303 to /dashboard, signed in", resp.StatusCode, resp.Header.Get("Location"))
	}
	u, err := e.meta.UserByName(context.Background(), "eve")
	if err != nil || u.Admin {
		t.Fatalf("eve after sign-up: %+v, %v; want a plain account", u, err)
	}
	if page := b.page("/dashboard"); !strings.Contains(page, "eve") {
		t.Errorf("the new account's dashboard does not name it:\n%s", page)
	}
	// The password works for the next sign-in too.
	b2 := newBrowser(t, e)
	resp = b2.submit("/login", "/login", url.Values{"username": {"eve"}, "password": {"password-eve"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("signing in with the new password: status %d, want 303", resp.StatusCode)
	}
}
