package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// TestWebDashboardNeedsSession: the dashboard's pages send visitors to the
// sign-in page, which brings them back.
func TestWebDashboardNeedsSession(t *testing.T) {
	e := newTestEnv(t)
	b := newBrowser(t, e)
	for _, path := range []string{"/dashboard", "/dashboard/orgs/acme"} {
		resp := b.get(path)
		readBody(t, resp)
		want := "/login?" + url.Values{"next": {path}}.Encode()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("GET %s: status %d Location %q, want 303 to %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
		}
	}
	// A CLI token in the cookie is no dashboard session.
	alice := e.user("alice", false)
	b.setCookie(sessionCookie, e.token(alice))
	resp := b.get("/dashboard")
	if body := readBody(t, resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, ScopeAdmin) {
		t.Errorf("dashboard with a token lacking %q: status %d, want 403 naming the scope", ScopeAdmin, resp.StatusCode)
	}
}

var (
	secretPattern   = regexp.MustCompile(`bct_[A-Za-z0-9_-]{20,}`)
	settingsPattern = regexp.MustCompile(`href="(data:text/plain;charset=utf-8,[^"]*)"[^>]*download="Settings.toml"|download="Settings.toml"[^>]*href="(data:text/plain;charset=utf-8,[^"]*)"`)
)

// TestWebTokens creates a token on the dashboard: the secret is shown once
// with a Settings.toml for bal, works on the Central API with the scopes
// chosen, is listed (without the secret) and can be revoked.
func TestWebTokens(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	e.org("acme", alice, nil)
	b := newBrowser(t, e)
	b.signIn("alice")

	// Refusals keep what was typed and say what is wrong.
	for _, tt := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"no name", url.Values{"name": {" "}, "expires_in_days": {"30"}, "scope": {"read"}}, http.StatusBadRequest, "token name is required"},
		{"no scope", url.Values{"name": {"ci"}, "expires_in_days": {"30"}}, http.StatusBadRequest, "at least one scope"},
		{"bad scope", url.Values{"name": {"ci"}, "expires_in_days": {"30"}, "scope": {"root"}}, http.StatusBadRequest, "unknown scope"},
		{"zero days", url.Values{"name": {"ci"}, "expires_in_days": {"0"}, "scope": {"read"}}, http.StatusBadRequest, "out of range"},
		{"days not a number", url.Values{"name": {"ci"}, "expires_in_days": {"soon"}, "scope": {"read"}}, http.StatusBadRequest, "number of days"},
	} {
		resp := b.submit("/dashboard", "/dashboard/tokens", tt.form)
		body := readBody(t, resp)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: status %d, want %d with %q; body:\n%s", tt.name, resp.StatusCode, tt.status, tt.want, body)
		}
	}
	if ts, _ := e.meta.ListTokens(context.Background(), alice.ID); len(ts) != 1 { // the session
		t.Fatalf("refused forms created tokens: %d tokens", len(ts))
	}

	resp := b.submit("/dashboard", "/dashboard/tokens", url.Values{"name": {"laptop"}, "expires_in_days": {"30"}, "scope": {"read", "publish"}})
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token creation: status %d Cache-Control %q, want 201 no-store; body:\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	secret := secretPattern.FindString(body)
	if secret == "" {
		t.Fatalf("the token page shows no token:\n%s", body)
	}
	wantSettings := fmt.Sprintf("[central]\naccesstoken = %q\nurl = %q\n", secret, e.url+centralPrefix)
	m := settingsPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the token page has no Settings.toml download link:\n%s", body)
	}
	dataURL := strings.ReplaceAll(m[1]+m[2], "&amp;", "&")
	settings, err := url.PathUnescape(strings.TrimPrefix(dataURL, "data:text/plain;charset=utf-8,"))
	if err != nil || settings != wantSettings {
		t.Errorf("Settings.toml download = %q (%v), want %q", settings, err, wantSettings)
	}
	// bal reads it as its settings.
	st, diags := manifest.ParseSettings("Settings.toml", []byte(settings))
	if len(diags) > 0 || st.Central.AccessToken != secret || st.Central.URL != e.url+centralPrefix {
		t.Errorf("bal reads the Settings.toml as %+v, %v", st, diags)
	}

	// The token works on the Central API, with the scopes chosen.
	resp = e.push(secret, testBala(t, balaSpec{Org: "acme", Name: "pkg", Version: "1.0.0"}), "acme-pkg-any-1.0.0.bala")
	if body := readBody(t, resp); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("push with the new token: status %d, want 204; body %s", resp.StatusCode, body)
	}
	errorMessage(t, e.request(http.MethodGet, apiPrefix+"/tokens", nil, "Authorization", "Bearer "+secret), http.StatusForbidden)

	// Listed without its secret; shown once only.
	page := b.page("/dashboard")
	if strings.Contains(page, secret) {
		t.Error("the dashboard shows the secret again")
	}
	tok, err := e.meta.TokenByHash(context.Background(), credential.HashToken(secret))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"laptop", tok.Prefix, "read, publish", "active"} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard's token list lacks %q", want)
		}
	}
	events, _ := e.meta.ListAudit(context.Background(), store.AuditFilter{Action: "token.create"}, 10)
	if len(events) != 1 || events[0].Actor != "alice" || !strings.Contains(events[0].Detail, `"name":"laptop"`) {
		t.Errorf("audit token.create = %+v, want one by alice naming laptop", events)
	}

	// Revoking: someone else's token is not found; one's own is revoked
	// and stops working.
	bob := e.user("bob", false)
	bobs := e.token(bob)
	bobTok, _ := e.meta.TokenByHash(context.Background(), credential.HashToken(bobs))
	resp = b.submit("/dashboard", fmt.Sprintf("/dashboard/tokens/%d/revoke", bobTok.ID), url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoking bob's token as alice: status %d, want 404", resp.StatusCode)
	}
	if tk, _ := e.meta.Token(context.Background(), bobTok.ID); tk.RevokedAt != nil {
		t.Fatal("alice revoked bob's token")
	}
	resp = b.submit("/dashboard", fmt.Sprintf("/dashboard/tokens/%d/revoke", tok.ID), url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard?done=token-revoked" {
		t.Fatalf("revoke: status %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if page := b.page("/dashboard?done=token-revoked"); !strings.Contains(page, "Token revoked.") || !strings.Contains(page, "revoked") {
		t.Errorf("after revoking, the dashboard does not say so:\n%s", page)
	}
	errorMessage(t, e.request(http.MethodGet, centralPrefix+"/packages/acme/pkg", nil, "Authorization", "Bearer "+secret), http.StatusUnauthorized)

	// Revoking the session in use signs out.
	session, _ := e.meta.TokenByHash(context.Background(), credential.HashToken(b.cookie(sessionCookie)))
	resp = b.submit("/dashboard", fmt.Sprintf("/dashboard/tokens/%d/revoke", session.ID), url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" || b.cookie(sessionCookie) != "" {
		t.Errorf("revoking the current session: status %d Location %q, want 303 to /login without the cookie", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestWebOrgs creates an organization on the dashboard and manages its
// members, under the API's rules and with its audit events.
func TestWebOrgs(t *testing.T) {
	e := newTestEnv(t)
	e.user("alice", false)
	e.user("bob", false)
	e.user("carol", false)
	alice := newBrowser(t, e)
	alice.signIn("alice")

	for _, tt := range []struct {
		name   string
		status int
		want   string
	}{
		{"", http.StatusBadRequest, "organization name is required"},
		{"9lives", http.StatusBadRequest, "not starting with a digit"},
		{"ballerinax", http.StatusForbidden, "reserved"},
	} {
		resp := alice.submit("/dashboard", "/dashboard/orgs", url.Values{"name": {tt.name}})
		body := readBody(t, resp)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("create org %q: status %d, want %d with %q; body:\n%s", tt.name, resp.StatusCode, tt.status, tt.want, body)
		}
	}
	resp := alice.submit("/dashboard", "/dashboard/orgs", url.Values{"name": {"acme"}})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/orgs/acme?done=org-created" {
		t.Fatalf("create org: status %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if r, err := e.meta.Role(context.Background(), "acme", mustUser(t, e, "alice").ID); err != nil || r != store.RoleOwner {
		t.Fatalf("alice's role in acme: %q, %v; want owner", r, err)
	}
	if resp := alice.submit("/dashboard", "/dashboard/orgs", url.Values{"name": {"acme"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("creating acme again: status %d, want 409", resp.StatusCode)
	}
	if page := alice.page("/dashboard"); !strings.Contains(page, "acme") || !strings.Contains(page, "owner") {
		t.Errorf("the dashboard does not list acme as alice's:\n%s", page)
	}

	// Members.
	orgPage := "/dashboard/orgs/acme"
	set := func(b *browser, user, role string) *http.Response {
		return b.submit(orgPage, orgPage+"/members", url.Values{"username": {user}, "role": {role}})
	}
	for _, tt := range []struct {
		user, role string
		status     int
		want       string
	}{
		{"nobody", "member", http.StatusNotFound, "user not found"},
		{"bob", "king", http.StatusBadRequest, "invalid role"},
		{"alice", "member", http.StatusConflict, "only owner"},
	} {
		resp := set(alice, tt.user, tt.role)
		body := readBody(t, resp)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("set %s as %s: status %d, want %d with %q; body:\n%s", tt.user, tt.role, resp.StatusCode, tt.status, tt.want, body)
		}
	}
	for _, role := range []string{"member", "publisher"} {
		resp := set(alice, "bob", role)
		readBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set bob as %s: status %d, want 303", role, resp.StatusCode)
		}
	}
	page := alice.page(orgPage + "?done=member-set")
	if !strings.Contains(page, "Member saved.") || !regexp.MustCompile(`bob</th>\s*<td>publisher</td>`).MatchString(page) {
		t.Errorf("the org page does not show bob as publisher:\n%s", page)
	}

	// Bob, a publisher, sees the members but may not manage them; he may
	// leave. Carol, not a member, does not see the organization at all.
	bob := newBrowser(t, e)
	bob.signIn("bob")
	if page := bob.page(orgPage); !strings.Contains(page, "alice") || strings.Contains(page, `action="/dashboard/orgs/acme/members"`) {
		t.Errorf("bob's view of acme: want the members without the form to manage them:\n%s", page)
	}
	if resp := set(bob, "carol", "owner"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("bob adding carol: status %d, want 403", resp.StatusCode)
	}
	resp = bob.submit(orgPage, orgPage+"/members/alice/remove", url.Values{})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("bob removing alice: status %d, want 403", resp.StatusCode)
	}
	carol := newBrowser(t, e)
	carol.signIn("carol")
	if resp := carol.get(orgPage); resp.StatusCode != http.StatusNotFound {
		t.Errorf("carol on acme's page: status %d, want 404", resp.StatusCode)
	}
	resp = carol.submit("/dashboard", orgPage+"/members", url.Values{"username": {"carol"}, "role": {"owner"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("carol adding herself: status %d, want 404", resp.StatusCode)
	}
	resp = bob.submit(orgPage, orgPage+"/members/bob/remove", url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard?done=left" {
		t.Errorf("bob leaving: status %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The owner removes members, but the last owner stays.
	readBody(t, set(alice, "carol", "member"))
	resp = alice.submit(orgPage, orgPage+"/members/carol/remove", url.Values{})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("alice removing carol: status %d, want 303", resp.StatusCode)
	}
	resp = alice.submit(orgPage, orgPage+"/members/alice/remove", url.Values{})
	if body := readBody(t, resp); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "only owner") {
		t.Errorf("the last owner leaving: status %d, want 409; body:\n%s", resp.StatusCode, body)
	}
	ms, err := e.meta.Members(context.Background(), "acme")
	if err != nil || len(ms) != 1 || ms[0].Username != "alice" {
		t.Errorf("acme's members = %+v, %v; want alice alone", ms, err)
	}

	var actions []string
	events, _ := e.meta.ListAudit(context.Background(), store.AuditFilter{Subject: "acme"}, 100)
	for i := len(events) - 1; i >= 0; i-- {
		actions = append(actions, events[i].Actor+" "+events[i].Action)
	}
	want := "alice org.create,alice member.set,alice member.set,bob member.remove,alice member.set,alice member.remove"
	if got := strings.Join(actions, ","); got != want {
		t.Errorf("audit events of acme:\n%s\nwant\n%s", got, want)
	}
}

func mustUser(t *testing.T, e *testEnv, name string) *store.User {
	t.Helper()
	u, err := e.meta.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
