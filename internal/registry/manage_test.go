package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// mgDo sends a management API request. body is sent as is when a string
// and as JSON otherwise (nil: no body); token "" is anonymous.
func mgDo(e *testEnv, method, path, token string, body any) *http.Response {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = strings.NewReader(string(data))
	}
	hdr := []string{"Content-Type", "application/json"}
	if token != "" {
		hdr = append(hdr, "Authorization", "Bearer "+token)
	}
	return e.request(method, path, r, hdr...)
}

// mgJSON checks that resp has the status and a JSON body (none for 204)
// and decodes it into v when v is not nil.
func mgJSON(t *testing.T, resp *http.Response, status int, v any) {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	if status == http.StatusNoContent {
		if body != "" {
			t.Fatalf("%s %s: 204 with body %q", resp.Request.Method, resp.Request.URL.Path, body)
		}
		return
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, want application/json", resp.Request.Method, resp.Request.URL.Path, ct)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s %s: %v; body %s", resp.Request.Method, resp.Request.URL.Path, err, body)
		}
	}
}

// mgFixture is a registry with an administrator, two users and an
// organization "acme" owned by alice.
type mgFixture struct {
	e                  *testEnv
	admin, alice, bob  *store.User
	adminTok, aliceTok string // every scope
	bobTok             string // every scope; bob is in no organization
	aliceCLI           string // DefaultTokenScopes: no admin scope
}

func newMgFixture(t *testing.T) *mgFixture {
	t.Helper()
	// Unlimited, so that the many refused requests of a test do not run
	// into the failed-authentication limit.
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{} })
	f := &mgFixture{e: e, admin: e.user("root", true), alice: e.user("alice", false), bob: e.user("bob", false)}
	f.adminTok = e.token(f.admin, AllScopes...)
	f.aliceTok = e.token(f.alice, AllScopes...)
	f.bobTok = e.token(f.bob, AllScopes...)
	f.aliceCLI = e.token(f.alice)
	e.org("acme", f.alice, nil)
	return f
}

// TestManageAuthorization: every route refuses anonymous callers (401),
// expired and revoked tokens (401), tokens without the admin scope (403),
// non-administrators on administrators' routes (403) and non-members on an
// organization's routes (404, as if it did not exist).
func TestManageAuthorization(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	expired := e.tokenWith(f.alice, tokenOpts{scopes: AllScopes, expires: time.Now().Add(-time.Hour)})
	revoked := e.tokenWith(f.alice, tokenOpts{scopes: AllScopes, revoked: true})
	routes := []struct {
		method, path string
		body         any
		needsAdmin   bool // site administrators only
		orgRoute     bool // bob, not a member of acme, gets 404
		anyScope     bool // no scope needed
	}{
		{"GET", "/api/v1/user", nil, false, false, true},
		{"GET", "/api/v1/users", nil, true, false, false},
		{"POST", "/api/v1/users", `{"username":"carol","password":"long-enough"}`, true, false, false},
		{"PUT", "/api/v1/users/root/password", `{"password":"long-enough"}`, true, false, false},
		{"GET", "/api/v1/audit", nil, true, false, false},
		{"GET", "/api/v1/orgs", nil, false, false, false},
		{"POST", "/api/v1/orgs", `{"name":"neworg"}`, false, false, false},
		{"GET", "/api/v1/orgs/acme", nil, false, true, false},
		{"PUT", "/api/v1/orgs/acme/members/bob", `{"role":"owner"}`, false, true, false},
		{"DELETE", "/api/v1/orgs/acme/members/alice", nil, false, true, false},
		{"GET", "/api/v1/tokens", nil, false, false, false},
		{"POST", "/api/v1/tokens", `{"name":"x"}`, false, false, false},
		{"DELETE", "/api/v1/tokens/1", nil, false, false, false},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			cases := []struct {
				who, token string
				status     int
				msg        string
			}{
				{"anonymous", "", 401, "access token required"},
				{"expired token", expired, 401, "access token expired on "},
				{"revoked token", revoked, 401, "access token revoked; create a new one"},
				{"unknown token", "bct_unknown0000000000000000000", 401, "invalid access token"},
			}
			if !rt.anyScope {
				cases = append(cases, struct {
					who, token string
					status     int
					msg        string
				}{"token without the admin scope", f.aliceCLI, 403, `this access token lacks the "admin" scope`})
			}
			if rt.needsAdmin {
				cases = append(cases, struct {
					who, token string
					status     int
					msg        string
				}{"non-administrator", f.aliceTok, 403, "only administrators can "})
			}
			if rt.orgRoute {
				cases = append(cases, struct {
					who, token string
					status     int
					msg        string
				}{"non-member", f.bobTok, 404, "organization not found: acme"})
			}
			for _, c := range cases {
				resp := mgDo(e, rt.method, rt.path, c.token, rt.body)
				if msg := errorMessage(t, resp, c.status); !strings.HasPrefix(msg, c.msg) {
					t.Errorf("%s: message %q, want it to start with %q", c.who, msg, c.msg)
				}
			}
		})
	}
	// Nothing was changed by the refused requests.
	if _, err := e.meta.UserByName(context.Background(), "carol"); err == nil {
		t.Error("a refused request created user carol")
	}
	if _, err := e.meta.Org(context.Background(), "neworg"); err == nil {
		t.Error("a refused request created org neworg")
	}
}

func TestManageUnknownRouteIsJSON(t *testing.T) {
	f := newMgFixture(t)
	msg := errorMessage(t, mgDo(f.e, "GET", "/api/v1/nope", f.adminTok, nil), 404)
	if msg != "no management API route GET /api/v1/nope; see docs/API.md for the routes" {
		t.Errorf("message %q", msg)
	}
	resp := mgDo(f.e, "PATCH", "/api/v1/users", f.adminTok, nil)
	if msg := errorMessage(t, resp, 405); msg != "method PATCH not allowed on /api/v1/users; use GET or POST" || resp.Header.Get("Allow") != "GET, POST" {
		t.Errorf("PATCH /api/v1/users: %q, Allow %q", msg, resp.Header.Get("Allow"))
	}
}

func TestManageCreateUser(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	var u userJSON
	mgJSON(t, mgDo(e, "POST", "/api/v1/users", f.adminTok, `{"username":"carol","password":"carol-password"}`), 201, &u)
	if u.Username != "carol" || u.Admin || u.ID == 0 || u.CreatedAt.IsZero() {
		t.Errorf("created user = %+v", u)
	}
	mgJSON(t, mgDo(e, "POST", "/api/v1/users", f.adminTok, `{"username":"dave","password":"dave-password","admin":true}`), 201, &u)
	if !u.Admin {
		t.Errorf("dave created with admin true: %+v", u)
	}
	// The password works for signing in and is stored as argon2id.
	stored, err := e.meta.UserByName(context.Background(), "carol")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$") {
		t.Errorf("stored password hash %q is not argon2id", stored.PasswordHash)
	}
	mgJSON(t, mgDo(e, "POST", "/api/v1/sessions", "", `{"username":"carol","password":"carol-password"}`), 201, nil)

	tests := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"duplicate", `{"username":"carol","password":"carol-password"}`, 409, `user "carol" already exists`},
		{"upper case", `{"username":"Carol","password":"carol-password"}`, 400, `invalid user name "Carol": use 1 to 64 lowercase letters, digits, '.', '_' and '-', starting with a letter or a digit`},
		{"leading dash", `{"username":"-x","password":"carol-password"}`, 400, `invalid user name "-x": use 1 to 64`},
		{"space", `{"username":"a b","password":"carol-password"}`, 400, `invalid user name "a b"`},
		{"too long", `{"username":"` + strings.Repeat("a", 65) + `","password":"carol-password"}`, 400, `invalid user name "` + strings.Repeat("a", 65) + `": longer than 64 characters`},
		{"empty", `{"username":"","password":"carol-password"}`, 400, "user name is required"},
		{"reserved", `{"username":"system","password":"carol-password"}`, 400, `user name "system" is reserved`},
		{"short password", `{"username":"erin","password":"short"}`, 400, "password too short: use at least 8 characters"},
		{"no password", `{"username":"erin"}`, 400, "password is required"},
		{"unknown field", `{"username":"erin","password":"erin-password","role":"x"}`, 400, `invalid JSON body: unknown field "role"`},
		{"not JSON", `username=erin`, 400, "invalid JSON body"},
		{"wrong type", `{"username":"erin","password":"erin-password","admin":"yes"}`, 400, `invalid JSON body: field "admin" must be a boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := errorMessage(t, mgDo(e, "POST", "/api/v1/users", f.adminTok, tt.body), tt.status)
			if !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("message %q, want it to start with %q", msg, tt.msg)
			}
		})
	}
	if _, err := e.meta.UserByName(context.Background(), "erin"); err == nil {
		t.Error("a refused request created erin")
	}
	// The audit log names the administrator.
	evs, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Action: "user.create"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Subject != "dave" || evs[0].Actor != "root" || evs[0].Detail != `{"admin":true}` {
		t.Errorf("user.create events = %+v", evs)
	}
}

func TestManageWhoamiAndUserList(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	var me struct {
		User        userJSON         `json:"user"`
		Memberships []membershipJSON `json:"memberships"`
		Token       tokenJSON        `json:"token"`
	}
	// Any valid token may ask who it is, even one without the admin scope.
	mgJSON(t, mgDo(e, "GET", "/api/v1/user", f.aliceCLI, nil), 200, &me)
	if me.User.Username != "alice" || me.User.Admin || me.User.ID != f.alice.ID {
		t.Errorf("user = %+v", me.User)
	}
	if want := []membershipJSON{{Org: "acme", Username: "alice", Role: store.RoleOwner}}; !slices.Equal(me.Memberships, want) {
		t.Errorf("memberships = %+v, want %+v", me.Memberships, want)
	}
	if !slices.Equal(me.Token.Scopes, DefaultTokenScopes) || me.Token.State != tokenActive || me.Token.Name != "test" {
		t.Errorf("token = %+v", me.Token)
	}

	var list struct {
		Users []userJSON `json:"users"`
	}
	mgJSON(t, mgDo(e, "GET", "/api/v1/users", f.adminTok, nil), 200, &list)
	var names []string
	for _, u := range list.Users {
		names = append(names, fmt.Sprintf("%s:%t", u.Username, u.Admin))
	}
	if want := []string{"alice:false", "bob:false", "root:true"}; !slices.Equal(names, want) {
		t.Errorf("users = %v, want %v", names, want)
	}
}

func TestManageChangePassword(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	login := func(user, pw string) int {
		resp := mgDo(e, "POST", "/api/v1/sessions", "", map[string]string{"username": user, "password": pw})
		readBody(t, resp)
		return resp.StatusCode
	}
	tests := []struct {
		name, token, user, body string
		status                  int
		msg                     string
	}{
		{"self, wrong current password", f.aliceTok, "alice", `{"password":"new-alice-pw","current_password":"nope"}`, 403, "current_password is not your current password"},
		{"self, no current password", f.aliceTok, "alice", `{"password":"new-alice-pw"}`, 403, "current_password is not your current password"},
		{"self, too short", f.aliceTok, "alice", `{"password":"short","current_password":"password-alice"}`, 400, "password too short"},
		{"someone else", f.aliceTok, "bob", `{"password":"new-bob-pw1"}`, 403, "only administrators can change another user's password"},
		{"admin, unknown user", f.adminTok, "zed", `{"password":"new-zed-pw1"}`, 404, "user not found: zed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := errorMessage(t, mgDo(e, "PUT", "/api/v1/users/"+tt.user+"/password", tt.token, tt.body), tt.status)
			if msg != tt.msg && !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("message %q, want %q", msg, tt.msg)
			}
		})
	}
	if login("alice", "password-alice") != 201 {
		t.Fatal("refused changes changed alice's password")
	}
	mgJSON(t, mgDo(e, "PUT", "/api/v1/users/alice/password", f.aliceTok, `{"password":"new-alice-pw","current_password":"password-alice"}`), 204, nil)
	mgJSON(t, mgDo(e, "PUT", "/api/v1/users/bob/password", f.adminTok, `{"password":"new-bob-pw1"}`), 204, nil)
	for _, c := range []struct {
		user, pw string
		status   int
	}{{"alice", "password-alice", 401}, {"alice", "new-alice-pw", 201}, {"bob", "password-bob", 401}, {"bob", "new-bob-pw1", 201}} {
		if got := login(c.user, c.pw); got != c.status {
			t.Errorf("sign-in of %s with %q: %d, want %d", c.user, c.pw, got, c.status)
		}
	}
	evs, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Action: "password.change"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Actor != "root" || evs[0].Subject != "bob" || evs[1].Actor != "alice" || evs[1].Subject != "alice" {
		t.Errorf("password.change events = %+v", evs)
	}
}

// TestManagePasswordlessAccount: an account without a password cannot sign
// in, and sets its first password without giving a current one.
func TestManagePasswordlessAccount(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	u := &store.User{Username: "robot"}
	if err := e.meta.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	tok := e.token(u, AllScopes...)
	if msg := errorMessage(t, mgDo(e, "POST", "/api/v1/sessions", "", `{"username":"robot","password":""}`), 401); msg != sessionFailure {
		t.Errorf("sign-in without a password: %q", msg)
	}
	mgJSON(t, mgDo(e, "PUT", "/api/v1/users/robot/password", tok, `{"password":"robot-password"}`), 204, nil)
	mgJSON(t, mgDo(e, "POST", "/api/v1/sessions", "", `{"username":"robot","password":"robot-password"}`), 201, nil)
}

func TestManageSessions(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	before := time.Now()
	var sess struct {
		Token     string    `json:"token"`
		ID        int64     `json:"id"`
		ExpiresAt time.Time `json:"expires_at"`
		User      userJSON  `json:"user"`
	}
	mgJSON(t, mgDo(e, "POST", "/api/v1/sessions", "", `{"username":"alice","password":"password-alice"}`), 201, &sess)
	if !strings.HasPrefix(sess.Token, credential.TokenPrefix) || sess.User.Username != "alice" {
		t.Errorf("session = %+v", sess)
	}
	if lo, hi := before.Add(SessionLifetime-time.Minute), time.Now().Add(SessionLifetime+time.Minute); sess.ExpiresAt.Before(lo) || sess.ExpiresAt.After(hi) {
		t.Errorf("session expires at %v, want about %v from now", sess.ExpiresAt, SessionLifetime)
	}
	// The session token manages alice's account...
	var list struct {
		Tokens []tokenJSON `json:"tokens"`
	}
	mgJSON(t, mgDo(e, "GET", "/api/v1/tokens", sess.Token, nil), 200, &list)
	i := slices.IndexFunc(list.Tokens, func(tj tokenJSON) bool { return tj.ID == sess.ID })
	if i < 0 || list.Tokens[i].Name != "web session" || !slices.Equal(list.Tokens[i].Scopes, AllScopes) {
		t.Errorf("tokens = %+v, want the web session with every scope", list.Tokens)
	}
	// ...but its admin scope gives a non-administrator no site powers.
	errorMessage(t, mgDo(e, "GET", "/api/v1/users", sess.Token, nil), 403)

	for _, body := range []string{
		`{"username":"alice","password":"wrong-password"}`,
		`{"username":"nobody","password":"password-alice"}`,
		`{"username":"","password":""}`,
	} {
		resp := mgDo(e, "POST", "/api/v1/sessions", "", body)
		if msg := errorMessage(t, resp, 401); msg != sessionFailure {
			t.Errorf("sign-in %s: message %q, want %q", body, msg, sessionFailure)
		}
	}
	evs, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Action: "session.create"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Actor != "alice" || evs[0].Subject != tokenSubject(sess.ID) {
		t.Errorf("session.create events = %+v", evs)
	}
}

// TestManageSessionFailuresAreRateLimited: failed sign-ins count against
// the failed-authentication limit of the client address, which refuses
// them once exhausted. (Sign-ins are also limited as a class; the
// sequences below stay under that limit, so that a 429 can only come from
// the failed-authentication limit.)
func TestManageSessionFailuresAreRateLimited(t *testing.T) {
	badToken := func(e *testEnv) *http.Response {
		return mgDo(e, "GET", "/api/v1/user", "bct_not-a-token-of-this-registry", nil)
	}
	badLogin := func(e *testEnv) *http.Response {
		return mgDo(e, "POST", "/api/v1/sessions", "", `{"username":"alice","password":"wrong-password"}`)
	}
	for _, tc := range []struct {
		name  string
		steps []func(*testEnv) *http.Response
	}{
		{"a failed sign-in counts", []func(*testEnv) *http.Response{badToken, badLogin, badToken}},
		{"a sign-in is refused at the limit", []func(*testEnv) *http.Response{badToken, badToken, badLogin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{Count: 2, Per: time.Hour} })
			e.user("alice", false)
			for i, step := range tc.steps {
				resp := step(e)
				if i < 2 {
					errorMessage(t, resp, 401)
					continue
				}
				if msg := errorMessage(t, resp, 429); !strings.Contains(msg, "failed authentications") || resp.Header.Get("Retry-After") == "" {
					t.Errorf("429 %q, Retry-After %q; want the failed-authentication limit", msg, resp.Header.Get("Retry-After"))
				}
			}
		})
	}
}

func TestManageOrgs(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	var o orgJSON
	mgJSON(t, mgDo(e, "POST", "/api/v1/orgs", f.bobTok, `{"name":"bobs_org"}`), 201, &o)
	if o.Name != "bobs_org" || o.Role != store.RoleOwner || len(o.Members) != 1 || o.Members[0].Username != "bob" {
		t.Errorf("created org = %+v", o)
	}
	if r, err := e.meta.Role(context.Background(), "bobs_org", f.bob.ID); err != nil || r != store.RoleOwner {
		t.Errorf("bob's role in bobs_org = %q, %v; want owner", r, err)
	}
	// Administrators may create the reserved names, for a mirror.
	mgJSON(t, mgDo(e, "POST", "/api/v1/orgs", f.adminTok, `{"name":"ballerinax"}`), 201, nil)

	tests := []struct {
		name, token, body string
		status            int
		msg               string
	}{
		{"duplicate", f.aliceTok, `{"name":"acme"}`, 409, `organization "acme" already exists`},
		{"reserved", f.aliceTok, `{"name":"ballerina"}`, 403, `organization names starting with "ballerina" are reserved for the Ballerina platform; only administrators can create them`},
		{"reserved, other case", f.aliceTok, `{"name":"BallerinaFans"}`, 403, `organization names starting with "ballerina" are reserved`},
		{"invalid characters", f.aliceTok, `{"name":"my-org"}`, 400, "invalid organization name 'my-org': invalid characters; use ASCII letters, digits and single underscores"},
		{"initial digit", f.aliceTok, `{"name":"1org"}`, 400, "invalid organization name '1org': initial digit"},
		{"consecutive underscores", f.aliceTok, `{"name":"a__b"}`, 400, "invalid organization name 'a__b': consecutive underscores"},
		{"empty", f.aliceTok, `{"name":""}`, 400, "organization name is required"},
		{"too long", f.aliceTok, `{"name":"` + strings.Repeat("a", 257) + `"}`, 400, "invalid organization name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := errorMessage(t, mgDo(e, "POST", "/api/v1/orgs", tt.token, tt.body), tt.status); !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("message %q, want it to start with %q", msg, tt.msg)
			}
		})
	}

	names := func(token string) []string {
		var list struct {
			Orgs []orgJSON `json:"orgs"`
		}
		mgJSON(t, mgDo(e, "GET", "/api/v1/orgs", token, nil), 200, &list)
		var ns []string
		for _, o := range list.Orgs {
			ns = append(ns, o.Name+":"+string(o.Role))
		}
		return ns
	}
	if got, want := names(f.aliceTok), []string{"acme:owner"}; !slices.Equal(got, want) {
		t.Errorf("alice's orgs = %v, want %v", got, want)
	}
	if got, want := names(f.adminTok), []string{"acme:", "ballerinax:owner", "bobs_org:"}; !slices.Equal(got, want) {
		t.Errorf("the administrator's orgs = %v, want %v", got, want)
	}

	// GET one org: members and administrators see it with its members.
	mgJSON(t, mgDo(e, "PUT", "/api/v1/orgs/acme/members/bob", f.aliceTok, `{"role":"member"}`), 200, nil)
	for _, tok := range []string{f.aliceTok, f.bobTok, f.adminTok} {
		mgJSON(t, mgDo(e, "GET", "/api/v1/orgs/acme", tok, nil), 200, &o)
		got := fmt.Sprint(o.Members)
		if want := "[{acme alice owner} {acme bob member}]"; o.Name != "acme" || got != want {
			t.Errorf("GET /api/v1/orgs/acme: %+v, members %s want %s", o, got, want)
		}
	}
	errorMessage(t, mgDo(e, "GET", "/api/v1/orgs/bobs_org", f.aliceTok, nil), 404)
	if msg := errorMessage(t, mgDo(e, "GET", "/api/v1/orgs/nosuch", f.adminTok, nil), 404); msg != "organization not found: nosuch" {
		t.Errorf("unknown org: %q", msg)
	}
	evs, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Action: "org.create"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Subject != "bobs_org" || evs[1].Actor != "bob" || evs[0].Subject != "ballerinax" {
		t.Errorf("org.create events = %+v", evs)
	}
}

func TestManageMembers(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	carol := e.user("carol", false)
	carolTok := e.token(carol, AllScopes...)
	var m membershipJSON
	mgJSON(t, mgDo(e, "PUT", "/api/v1/orgs/acme/members/bob", f.aliceTok, `{"role":"publisher"}`), 200, &m)
	if m != (membershipJSON{Org: "acme", Username: "bob", Role: store.RolePublisher}) {
		t.Errorf("membership = %+v", m)
	}
	// An administrator manages any org's members.
	mgJSON(t, mgDo(e, "PUT", "/api/v1/orgs/acme/members/carol", f.adminTok, `{"role":"member"}`), 200, nil)

	tests := []struct {
		name, method, path, token, body string
		status                          int
		msg                             string
	}{
		{"publisher may not manage", "PUT", "/api/v1/orgs/acme/members/carol", f.bobTok, `{"role":"owner"}`, 403, "only owners of acme can manage its members; you are a publisher"},
		{"member may not remove others", "DELETE", "/api/v1/orgs/acme/members/bob", carolTok, "", 403, "only owners of acme can manage its members; you are a member"},
		{"invalid role", "PUT", "/api/v1/orgs/acme/members/carol", f.aliceTok, `{"role":"admin"}`, 400, `invalid role "admin": want owner, publisher or member`},
		{"missing role", "PUT", "/api/v1/orgs/acme/members/carol", f.aliceTok, `{}`, 400, "role is required: owner, publisher or member"},
		{"unknown user", "PUT", "/api/v1/orgs/acme/members/zed", f.aliceTok, `{"role":"member"}`, 404, "user not found: zed"},
		{"unknown org, admin", "PUT", "/api/v1/orgs/nosuch/members/bob", f.adminTok, `{"role":"member"}`, 404, "organization not found: nosuch"},
		{"demote the last owner", "PUT", "/api/v1/orgs/acme/members/alice", f.aliceTok, `{"role":"member"}`, 409, "alice is the only owner of acme: make another member an owner first"},
		{"remove the last owner", "DELETE", "/api/v1/orgs/acme/members/alice", f.aliceTok, "", 409, "alice is the only owner of acme: make another member an owner first"},
		{"remove a non-member", "DELETE", "/api/v1/orgs/acme/members/root", f.aliceTok, "", 404, "root is not a member of acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			if msg := errorMessage(t, mgDo(e, tt.method, tt.path, tt.token, body), tt.status); msg != tt.msg {
				t.Errorf("message %q, want %q", msg, tt.msg)
			}
		})
	}
	// A member may leave; an owner may remove anyone once another owner exists.
	mgJSON(t, mgDo(e, "DELETE", "/api/v1/orgs/acme/members/carol", carolTok, nil), 204, nil)
	mgJSON(t, mgDo(e, "PUT", "/api/v1/orgs/acme/members/bob", f.aliceTok, `{"role":"owner"}`), 200, nil)
	mgJSON(t, mgDo(e, "DELETE", "/api/v1/orgs/acme/members/alice", f.bobTok, nil), 204, nil)
	ms, err := e.meta.Members(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(ms); len(ms) != 1 || ms[0].Username != "bob" || ms[0].Role != store.RoleOwner {
		t.Errorf("members after the changes = %s, want bob as the only owner", got)
	}
	evs, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Subject: "acme"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Actor+" "+ev.Action+" "+ev.Detail)
	}
	want := []string{
		`bob member.remove {"user":"alice"}`,
		`alice member.set {"role":"owner","user":"bob"}`,
		`carol member.remove {"user":"carol"}`,
		`root member.set {"role":"member","user":"carol"}`,
		`alice member.set {"role":"publisher","user":"bob"}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit events of acme:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestManageTokenLifecycle: create → use → listed with its last use →
// revoke → refused.
func TestManageTokenLifecycle(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	var created createdTokenJSON
	mgJSON(t, mgDo(e, "POST", "/api/v1/tokens", f.aliceTok, `{"name":"ci","scopes":["publish","read"],"expires_in_days":30}`), 201, &created)
	if !strings.HasPrefix(created.Token, credential.TokenPrefix) || created.Prefix != created.Token[:credential.ShownPrefixLength] {
		t.Errorf("token %q with prefix %q", created.Token, created.Prefix)
	}
	if !slices.Equal(created.Scopes, []string{ScopeRead, ScopePublish}) || created.Name != "ci" || created.User != "alice" || created.State != tokenActive {
		t.Errorf("created = %+v", created.tokenJSON)
	}
	if created.ExpiresAt == nil || created.ExpiresAt.Sub(created.CreatedAt) != 30*24*time.Hour {
		t.Errorf("created at %v, expires at %v: want 30 days later", created.CreatedAt, created.ExpiresAt)
	}
	// Only the hash is stored.
	st, err := e.meta.Token(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(st.Hash) != string(credential.HashToken(created.Token)) || strings.Contains(string(st.Hash), created.Token) {
		t.Errorf("stored hash does not match the secret")
	}

	// Use it: private reads and whoami work; the listing shows the use.
	mgJSON(t, mgDo(e, "GET", "/api/v1/user", created.Token, nil), 200, nil)
	var list struct {
		Tokens []tokenJSON `json:"tokens"`
	}
	mgJSON(t, mgDo(e, "GET", "/api/v1/tokens", f.aliceTok, nil), 200, &list)
	i := slices.IndexFunc(list.Tokens, func(tj tokenJSON) bool { return tj.ID == created.ID })
	if i < 0 {
		t.Fatalf("GET /api/v1/tokens does not list token %d: %+v", created.ID, list.Tokens)
	}
	if lt := list.Tokens[i]; lt.LastUsedAt == nil || lt.RevokedAt != nil || lt.Prefix != created.Prefix {
		t.Errorf("listed token = %+v, want a last use, no revocation", lt)
	}
	raw := readBody(t, mgDo(e, "GET", "/api/v1/tokens", f.aliceTok, nil))
	if strings.Contains(raw, created.Token) || strings.Contains(raw, `"hash"`) || strings.Contains(raw, `"token"`) {
		t.Errorf("token listing shows secrets: %s", raw)
	}

	mgJSON(t, mgDo(e, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.ID), f.aliceTok, nil), 204, nil)
	if msg := errorMessage(t, mgDo(e, "GET", "/api/v1/user", created.Token, nil), 401); msg != "access token revoked; create a new one" {
		t.Errorf("revoked token: %q", msg)
	}
	// Revoking again is no error; the listing shows the revocation.
	mgJSON(t, mgDo(e, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.ID), f.aliceTok, nil), 204, nil)
	mgJSON(t, mgDo(e, "GET", "/api/v1/tokens", f.aliceTok, nil), 200, &list)
	i = slices.IndexFunc(list.Tokens, func(tj tokenJSON) bool { return tj.ID == created.ID })
	if i < 0 || list.Tokens[i].RevokedAt == nil || list.Tokens[i].State != tokenRevoked {
		t.Errorf("revoked token listed as %+v", list.Tokens)
	}

	evs, err := e.meta.ListAudit(context.Background(), store.AuditFilter{Subject: tokenSubject(created.ID)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range evs {
		actions = append(actions, ev.Actor+" "+ev.Action)
	}
	if want := []string{"alice token.revoke", "alice token.revoke", "alice token.create"}; !slices.Equal(actions, want) {
		t.Errorf("audit of the token = %v, want %v", actions, want)
	}
	if strings.Contains(e.logs.String(), created.Token) {
		t.Error("the logs contain a token secret")
	}
}

func TestManageTokenDefaults(t *testing.T) {
	f := newMgFixture(t)
	var created createdTokenJSON
	mgJSON(t, mgDo(f.e, "POST", "/api/v1/tokens", f.aliceTok, `{"name":"laptop"}`), 201, &created)
	if !slices.Equal(created.Scopes, DefaultTokenScopes) {
		t.Errorf("default scopes = %v, want %v", created.Scopes, DefaultTokenScopes)
	}
	if created.ExpiresAt == nil || created.ExpiresAt.Sub(created.CreatedAt) != DefaultTokenLifetime {
		t.Errorf("default lifetime: created %v, expires %v", created.CreatedAt, created.ExpiresAt)
	}
	// The new token works for publishing-side checks: it has the scopes.
	var me struct {
		Token tokenJSON `json:"token"`
	}
	mgJSON(t, mgDo(f.e, "GET", "/api/v1/user", created.Token, nil), 200, &me)
	if me.Token.ID != created.ID {
		t.Errorf("whoami with the new token names token %d, want %d", me.Token.ID, created.ID)
	}
}

func TestManageTokenValidation(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	readAdmin := e.token(f.alice, ScopeRead, ScopeAdmin)
	tests := []struct {
		name, token, body string
		status            int
		msg               string
	}{
		{"scope the creator lacks", readAdmin, `{"name":"x","scopes":["read","publish"]}`, 403, `cannot create a token with the "publish" scope: the access token making the request lacks it`},
		{"default scopes the creator lacks", readAdmin, `{"name":"x"}`, 403, `cannot create a token with the "publish" scope`},
		{"unknown scope", f.aliceTok, `{"name":"x","scopes":["write"]}`, 400, `unknown scope "write": want read, publish, deprecate, admin`},
		{"empty scopes", f.aliceTok, `{"name":"x","scopes":[]}`, 400, "scopes must not be empty"},
		{"zero days", f.aliceTok, `{"name":"x","expires_in_days":0}`, 400, "expires_in_days 0 out of range: want 1 to 3650"},
		{"too many days", f.aliceTok, `{"name":"x","expires_in_days":3651}`, 400, "expires_in_days 3651 out of range: want 1 to 3650"},
		{"fractional days", f.aliceTok, `{"name":"x","expires_in_days":1.5}`, 400, `invalid JSON body: field "expires_in_days" must be a number`},
		{"no name", f.aliceTok, `{}`, 400, "token name is required"},
		{"blank name", f.aliceTok, `{"name":"  "}`, 400, "token name is required"},
		{"long name", f.aliceTok, `{"name":"` + strings.Repeat("n", 101) + `"}`, 400, "token name too long: at most 100 bytes"},
		{"for another user", f.aliceTok, `{"name":"x","user":"bob"}`, 403, "only administrators can create tokens for other users"},
		{"admin, for an unknown user", f.adminTok, `{"name":"x","user":"zed"}`, 404, "user not found: zed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := errorMessage(t, mgDo(e, "POST", "/api/v1/tokens", tt.token, tt.body), tt.status); !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("message %q, want it to start with %q", msg, tt.msg)
			}
		})
	}
	// A token with exactly what the creator has is fine; so is a
	// duplicate in the list.
	mgJSON(t, mgDo(e, "POST", "/api/v1/tokens", readAdmin, `{"name":"x","scopes":["read","read"],"expires_in_days":3650}`), 201, nil)

	// Administrators create, list and revoke other users' tokens.
	var created createdTokenJSON
	mgJSON(t, mgDo(e, "POST", "/api/v1/tokens", f.adminTok, `{"name":"for-bob","user":"bob","scopes":["read"]}`), 201, &created)
	if created.User != "bob" {
		t.Errorf("token created for bob belongs to %q", created.User)
	}
	var me struct {
		User userJSON `json:"user"`
	}
	mgJSON(t, mgDo(e, "GET", "/api/v1/user", created.Token, nil), 200, &me)
	if me.User.Username != "bob" {
		t.Errorf("the token made for bob acts for %q", me.User.Username)
	}
	var list struct {
		Tokens []tokenJSON `json:"tokens"`
	}
	mgJSON(t, mgDo(e, "GET", "/api/v1/tokens?user=bob", f.adminTok, nil), 200, &list)
	if len(list.Tokens) != 2 || list.Tokens[1].Name != "for-bob" || list.Tokens[1].User != "bob" {
		t.Errorf("bob's tokens as the administrator sees them: %+v", list.Tokens)
	}
	errorMessage(t, mgDo(e, "GET", "/api/v1/tokens?user=bob", f.aliceTok, nil), 403)
	errorMessage(t, mgDo(e, "GET", "/api/v1/tokens?user=zed", f.adminTok, nil), 404)

	// Another user's token is "not found" to a non-administrator.
	path := fmt.Sprintf("/api/v1/tokens/%d", created.ID)
	if msg := errorMessage(t, mgDo(e, "DELETE", path, f.aliceTok, nil), 404); msg != fmt.Sprintf("token not found: %d", created.ID) {
		t.Errorf("alice revoking bob's token: %q", msg)
	}
	mgJSON(t, mgDo(e, "GET", "/api/v1/user", created.Token, nil), 200, nil)
	for _, bad := range []string{"0", "-1", "abc", "99999"} {
		errorMessage(t, mgDo(e, "DELETE", "/api/v1/tokens/"+bad, f.adminTok, nil), 404)
	}
	mgJSON(t, mgDo(e, "DELETE", path, f.adminTok, nil), 204, nil)
	errorMessage(t, mgDo(e, "GET", "/api/v1/user", created.Token, nil), 401)
}

func TestManageAudit(t *testing.T) {
	f := newMgFixture(t)
	e := f.e
	mgJSON(t, mgDo(e, "POST", "/api/v1/orgs", f.aliceTok, `{"name":"one"}`), 201, nil)
	mgJSON(t, mgDo(e, "POST", "/api/v1/orgs", f.bobTok, `{"name":"two"}`), 201, nil)
	mgJSON(t, mgDo(e, "POST", "/api/v1/orgs", f.aliceTok, `{"name":"three"}`), 201, nil)
	type page struct {
		Events []auditEventJSON `json:"events"`
	}
	get := func(query string) []string {
		var p page
		mgJSON(t, mgDo(e, "GET", "/api/v1/audit"+query, f.adminTok, nil), 200, &p)
		var out []string
		for _, ev := range p.Events {
			out = append(out, fmt.Sprintf("%s %s %s %s", ev.Actor, ev.Action, ev.Subject, ev.Detail))
		}
		return out
	}
	if got, want := get("?action=org.create"), []string{
		`alice org.create three {"owner":"alice"}`, `bob org.create two {"owner":"bob"}`, `alice org.create one {"owner":"alice"}`,
	}; !slices.Equal(got, want) {
		t.Errorf("org.create events = %q, want %q", got, want)
	}
	if got, want := get("?actor=alice&action=org.create&limit=1"), []string{`alice org.create three {"owner":"alice"}`}; !slices.Equal(got, want) {
		t.Errorf("limit 1 = %q, want %q", got, want)
	}
	if got := get("?subject=two"); len(got) != 1 {
		t.Errorf("subject=two: %q", got)
	}
	// Paging by ID.
	var p page
	mgJSON(t, mgDo(e, "GET", "/api/v1/audit?action=org.create&limit=2", f.adminTok, nil), 200, &p)
	if len(p.Events) != 2 {
		t.Fatalf("first page: %+v", p.Events)
	}
	if got, want := get(fmt.Sprintf("?action=org.create&before=%d", p.Events[1].ID)), []string{`alice org.create one {"owner":"alice"}`}; !slices.Equal(got, want) {
		t.Errorf("next page = %q, want %q", got, want)
	}
	if got := get("?before=2000-01-01T00:00:00Z"); len(got) != 0 {
		t.Errorf("events before 2000: %q", got)
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?limit=x", "?before=yesterday"} {
		errorMessage(t, mgDo(e, "GET", "/api/v1/audit"+q, f.adminTok, nil), 400)
	}
}

// TestOrgNamesOfWebRoutesAreReserved checks that no organization can take
// a name whose page the web UI's own routes would hide.
func TestOrgNamesOfWebRoutesAreReserved(t *testing.T) {
	for _, name := range webRouteNames {
		if err := checkNewOrgName(name, true); err == nil || !strings.Contains(err.Error(), "reserved") {
			t.Errorf("checkNewOrgName(%q) = %v, want a reserved-name refusal", name, err)
		}
	}
	if err := checkNewOrgName("searchers", false); err != nil {
		t.Errorf("checkNewOrgName(searchers) = %v", err)
	}
}
