package registry

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeIdP is an OpenID Connect provider for tests: discovery, a JWKS with
// one RSA key, an authorization endpoint that signs in whoever asks as
// subject, and a token endpoint that checks the client, the redirect URI
// and PKCE before issuing an RS256 ID token.
type fakeIdP struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	kid      string
	clientID string
	secret   string

	mu      sync.Mutex
	subject string
	email   string
	// claims, if set, changes the ID token's claims before signing.
	claims func(map[string]any)
	codes  map[string]fakeGrant
	// tokenRequests counts the token endpoint's calls.
	tokenRequests int
}

type fakeGrant struct {
	nonce, challenge, redirect, subject string
}

// testRSAKey is generated once: RSA key generation is slow.
var testRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func newFakeIdP(t *testing.T) *fakeIdP {
	t.Helper()
	idp := &fakeIdP{t: t, key: testRSAKey(), kid: "key-1", clientID: "central-test", secret: "s3cret value&=",
		subject: "248289761001", email: "alice@example.com", codes: map[string]fakeGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		u := idp.srv.URL
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
			"jwks_uri": u + "/jwks", "token_endpoint_auth_methods_supported": []string{"client_secret_basic"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		pub := idp.key.PublicKey
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]any{
			{"kty": "EC", "kid": "enc", "use": "enc", "crv": "P-256", "x": "AA", "y": "AA"}, // ignored: not for signing
			{"kty": "RSA", "kid": idp.kid, "use": "sig", "alg": "RS256",
				"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())},
		}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != idp.clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
			!strings.Contains(q.Get("scope"), "openid") || q.Get("nonce") == "" || q.Get("state") == "" {
			http.Error(w, "bad authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		idp.mu.Lock()
		code := fmt.Sprintf("code-%d", len(idp.codes))
		idp.codes[code] = fakeGrant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), subject: idp.subject}
		idp.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		idp.mu.Lock()
		defer idp.mu.Unlock()
		idp.tokenRequests++
		id, secret, ok := r.BasicAuth()
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if !ok || id != idp.clientID || secret != idp.secret {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client"})
			return
		}
		g, found := idp.codes[r.PostFormValue("code")]
		delete(idp.codes, r.PostFormValue("code"))
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if !found || r.PostFormValue("grant_type") != "authorization_code" || r.PostFormValue("redirect_uri") != g.redirect ||
			b64(sum[:]) != g.challenge {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
			return
		}
		now := time.Now()
		claims := map[string]any{
			"iss": idp.srv.URL, "sub": g.subject, "aud": idp.clientID, "exp": now.Add(5 * time.Minute).Unix(),
			"iat": now.Unix(), "nonce": g.nonce, "email": idp.email, "email_verified": true, "preferred_username": "alice",
		}
		if idp.claims != nil {
			idp.claims(claims)
		}
		json.NewEncoder(w).Encode(map[string]any{
			"access_token": "at", "token_type": "Bearer",
			"id_token": signJWT(t, "RS256", idp.kid, idp.key, claims),
		})
	})
	idp.srv = httptest.NewServer(mux)
	t.Cleanup(idp.srv.Close)
	return idp
}

// provider is the registry's configuration for the fake provider.
func (idp *fakeIdP) provider(name string) OIDCProvider {
	return OIDCProvider{
		Name: name, Type: OIDCGeneric, DisplayName: "Test IdP", Issuer: idp.srv.URL,
		ClientID: idp.clientID, ClientSecret: idp.secret, Scopes: []string{"openid", "email", "profile"},
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// signJWT makes a compact JWS of claims with alg (RS256 or ES256).
func signJWT(t testing.TB, alg, kid string, key crypto.Signer, claims map[string]any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"})
	body, _ := json.Marshal(claims)
	input := b64(hdr) + "." + b64(body)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		var err error
		if sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:]); err != nil {
			t.Fatal(err)
		}
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	return input + "." + b64(sig)
}

// oidcSignIn walks a browser through the provider's sign-in and returns
// the callback's answer.
func oidcSignIn(t *testing.T, e *testEnv, b *browser, provider, next string) *http.Response {
	t.Helper()
	resp := b.get("/auth/oidc/" + provider + "/login?" + url.Values{"next": {next}}.Encode())
	readBody(t, resp)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: status %d, want 302", resp.StatusCode)
	}
	// The provider's pages: absolute URLs outside the registry.
	resp = b.getURL(resp.Header.Get("Location"))
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider: status %d, want 302: %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, e.url+"/auth/oidc/"+provider+"/callback?") {
		t.Fatalf("provider redirects to %q, want the registry's callback", loc)
	}
	return b.getURL(loc)
}

// TestOIDCSignIn signs in through a fake OpenID Connect provider: the
// first sign-in creates the account (named after provider and subject),
// the second finds it, and the session works on the dashboard.
func TestOIDCSignIn(t *testing.T) {
	idp := newFakeIdP(t)
	e := newTestEnv(t, func(c *Config) { c.OIDCProviders = []OIDCProvider{idp.provider("corp")} })
	b := newBrowser(t, e)

	page := b.page("/login")
	if !strings.Contains(page, "/auth/oidc/corp/login") || !strings.Contains(page, "Test IdP") {
		t.Fatalf("the sign-in page has no button for the provider:\n%s", page)
	}

	resp := oidcSignIn(t, e, b, "corp", "/dashboard/orgs/x")
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/orgs/x" {
		t.Fatalf("callback: status %d Location %q, want 303 to the page asked for", resp.StatusCode, resp.Header.Get("Location"))
	}
	session := b.cookie(sessionCookie)
	if session == "" {
		t.Fatal("no session cookie after the callback")
	}
	want := "corp:248289761001"
	u, err := e.meta.UserByName(context.Background(), want)
	if err != nil {
		t.Fatalf("the account %q was not created: %v", want, err)
	}
	if u.PasswordHash != "" || u.Admin {
		t.Errorf("OIDC account = %+v, want no password and no administrator flag", u)
	}
	if page := b.page("/dashboard"); !strings.Contains(page, want) {
		t.Errorf("the dashboard does not name the user %q:\n%s", want, page)
	}
	if b.cookie(oidcCookie) != "" {
		t.Error("the sign-in state cookie outlived the callback")
	}

	// Again, from another browser: the same account.
	b2 := newBrowser(t, e)
	readBody(t, oidcSignIn(t, e, b2, "corp", ""))
	users, err := e.meta.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 {
		t.Errorf("users after two sign-ins: %d, want 1", len(users))
	}
	p := e.srv.sessionPrincipal(b2.request(http.MethodGet, "/dashboard"))
	if p == nil || p.user.ID != u.ID {
		t.Errorf("second sign-in: principal %v, want user %d", p, u.ID)
	}
}

// TestOIDCSignInRefused: a callback that does not belong to the browser's
// sign-in, or whose ID token fails a check, signs nobody in.
func TestOIDCSignInRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		claims func(map[string]any)
		// callback changes the callback URL before the browser follows it.
		callback func(string) string
		// noCookie drops the state cookie before the callback.
		noCookie bool
		status   int
		want     string
	}{
		{name: "wrong audience", claims: func(c map[string]any) { c["aud"] = "someone-else" }, status: http.StatusBadGateway, want: "audience"},
		{name: "wrong issuer", claims: func(c map[string]any) { c["iss"] = "https://evil.example" }, status: http.StatusBadGateway, want: "issued by"},
		{name: "expired", claims: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, status: http.StatusBadGateway, want: "expired"},
		{name: "wrong nonce", claims: func(c map[string]any) { c["nonce"] = "replayed" }, status: http.StatusBadGateway, want: "nonce"},
		{name: "other party", claims: func(c map[string]any) { c["aud"] = []string{"central-test", "x"}; c["azp"] = "x" }, status: http.StatusBadGateway, want: "issued to"},
		{name: "wrong state", callback: func(u string) string { return strings.Replace(u, "state=", "state=x", 1) }, status: http.StatusBadRequest, want: "expired"},
		{name: "no state cookie", noCookie: true, status: http.StatusBadRequest, want: "another browser"},
		{name: "provider error", callback: func(u string) string {
			return strings.Replace(u, "code=", "error=access_denied&error_description=no+thanks&x=", 1)
		}, status: http.StatusUnauthorized, want: "access_denied"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			idp := newFakeIdP(t)
			idp.claims = tt.claims
			e := newTestEnv(t, func(c *Config) { c.OIDCProviders = []OIDCProvider{idp.provider("corp")} })
			b := newBrowser(t, e)
			resp := b.get("/auth/oidc/corp/login")
			readBody(t, resp)
			resp = b.getURL(resp.Header.Get("Location"))
			readBody(t, resp)
			loc := resp.Header.Get("Location")
			if tt.callback != nil {
				loc = tt.callback(loc)
			}
			if tt.noCookie {
				b.dropCookies()
			}
			resp = b.getURL(loc)
			body := readBody(t, resp)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("callback: status %d, want %d with %q; body:\n%s", resp.StatusCode, tt.status, tt.want, body)
			}
			if b.cookie(sessionCookie) != "" {
				t.Error("a refused sign-in set a session cookie")
			}
			if users, _ := e.meta.ListUsers(context.Background()); len(users) != 0 {
				t.Errorf("a refused sign-in created %d accounts", len(users))
			}
		})
	}
}

// TestOIDCEmailDomains: a provider restricted to some email domains
// admits verified addresses there only.
func TestOIDCEmailDomains(t *testing.T) {
	for _, tt := range []struct {
		email    string
		verified bool
		ok       bool
	}{
		{"alice@example.com", true, true},
		{"alice@EXAMPLE.com", true, true},
		{"alice@example.com", false, false},
		{"alice@example.org", true, false},
		{"alice@sub.example.com", true, false},
	} {
		t.Run(fmt.Sprint(tt.email, tt.verified), func(t *testing.T) {
			idp := newFakeIdP(t)
			idp.email = tt.email
			idp.claims = func(c map[string]any) { c["email_verified"] = tt.verified }
			p := idp.provider("corp")
			p.EmailDomains = []string{"example.com"}
			e := newTestEnv(t, func(c *Config) { c.OIDCProviders = []OIDCProvider{p} })
			b := newBrowser(t, e)
			resp := oidcSignIn(t, e, b, "corp", "")
			body := readBody(t, resp)
			if got := b.cookie(sessionCookie) != ""; got != tt.ok {
				t.Errorf("signed in = %v, want %v (status %d)", got, tt.ok, resp.StatusCode)
			}
			if !tt.ok && (resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "example.com")) {
				t.Errorf("refusal: status %d, want 403 naming the domain; body:\n%s", resp.StatusCode, body)
			}
		})
	}
}

// TestGitHubSignIn signs in through a fake GitHub: OAuth with PKCE and the
// client secret in the form, then the user API.
func TestGitHubSignIn(t *testing.T) {
	var mu sync.Mutex
	codes := map[string]string{} // code -> PKCE challenge
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "gh-client" || q.Get("scope") != "read:user user:email" {
			http.Error(w, "bad request "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		mu.Lock()
		codes["gh-code"] = q.Get("code_challenge")
		mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=gh-code&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /login/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		challenge := codes[r.PostFormValue("code")]
		mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if r.PostFormValue("client_id") != "gh-client" || r.PostFormValue("client_secret") != "gh-secret" || b64(sum[:]) != challenge {
			json.NewEncoder(w).Encode(map[string]string{"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"access_token": "gho_x", "token_type": "bearer"})
	})
	mux.HandleFunc("GET /api/user", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer gho_x" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": 583231, "login": "octocat"})
	})
	mux.HandleFunc("GET /api/user/emails", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode([]map[string]any{
			{"email": "octo@other.org", "verified": true, "primary": true},
			{"email": "octo@example.com", "verified": true},
		})
	})
	gh := httptest.NewServer(mux)
	defer gh.Close()

	// Configured as an operator would: through the configuration file.
	toml := fmt.Sprintf("[oidc_providers.github]\ntype = \"github\"\nclient_id = \"gh-client\"\nissuer = %q\napi_url = %q\nemail_domains = [\"example.com\"]\n", gh.URL, gh.URL+"/api")
	cfg, err := LoadConfig([]string{"--config", "c.toml"}, env(map[string]string{"CENTRAL_OIDC_GITHUB_CLIENT_SECRET": "gh-secret"}), files(map[string]string{"c.toml": toml}))
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, func(c *Config) { c.OIDCProviders = cfg.OIDCProviders })
	b := newBrowser(t, e)
	if page := b.page("/login"); !strings.Contains(page, "GitHub") {
		t.Errorf("the sign-in page does not offer GitHub:\n%s", page)
	}
	resp := oidcSignIn(t, e, b, "github", "/dashboard")
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || b.cookie(sessionCookie) == "" {
		t.Fatalf("callback: status %d, want 303 and a session; body:\n%s", resp.StatusCode, body)
	}
	if _, err := e.meta.UserByName(context.Background(), "github:583231"); err != nil {
		t.Errorf("account github:583231: %v", err)
	}
}

// TestVerifyIDToken checks the ID token rules one by one, with RS256 and
// ES256 keys.
func TestVerifyIDToken(t *testing.T) {
	rsaKey := testRSAKey()
	otherRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPub, err := ecKey.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	jwks := map[string]any{"keys": []map[string]any{
		{"kty": "RSA", "kid": "r", "n": b64(rsaKey.N.Bytes()), "e": b64(big.NewInt(int64(rsaKey.E)).Bytes())},
		{"kty": "EC", "kid": "e", "crv": "P-256", "x": b64(ecPub[1:33]), "y": b64(ecPub[33:])},
	}}
	keysSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { json.NewEncoder(w).Encode(jwks) }))
	defer keysSrv.Close()

	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const issuer = "https://idp.example"
	c := newOIDCClient(OIDCProvider{Name: "x", Issuer: issuer, ClientID: "cid"}, func() time.Time { return now })
	m := &oidcMetadata{Issuer: issuer, JWKSURI: keysSrv.URL}
	good := func() map[string]any {
		return map[string]any{"iss": issuer, "sub": "u1", "aud": "cid", "exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "nonce": "n1",
			"email": "a@example.com", "email_verified": "true"}
	}
	for _, tt := range []struct {
		name  string
		token func() string
		want  string // "" for valid
	}{
		{"RS256", func() string { return signJWT(t, "RS256", "r", rsaKey, good()) }, ""},
		{"ES256", func() string { return signJWT(t, "ES256", "e", ecKey, good()) }, ""},
		{"fractional exp", func() string {
			cl := good()
			cl["exp"] = float64(now.Unix()) + 30.5
			return signJWT(t, "RS256", "r", rsaKey, cl)
		}, ""},
		{"audience list", func() string {
			cl := good()
			cl["aud"] = []string{"other", "cid"}
			cl["azp"] = "cid"
			return signJWT(t, "RS256", "r", rsaKey, cl)
		}, ""},
		{"other key", func() string { return signJWT(t, "RS256", "r", otherRSA, good()) }, "bad signature"},
		{"unknown kid", func() string { return signJWT(t, "RS256", "zz", rsaKey, good()) }, "unknown key"},
		{"RSA key, EC algorithm", func() string { return signJWT(t, "ES256", "r", ecKey, good()) }, "algorithm"},
		{"alg none", func() string {
			tok := signJWT(t, "RS256", "r", rsaKey, good())
			parts := strings.Split(tok, ".")
			return b64([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
		}, "unsupported signature algorithm"},
		{"HS256", func() string {
			tok := signJWT(t, "RS256", "r", rsaKey, good())
			parts := strings.Split(tok, ".")
			return b64([]byte(`{"alg":"HS256","kid":"r"}`)) + "." + parts[1] + "." + parts[2]
		}, "unsupported signature algorithm"},
		{"tampered claims", func() string {
			tok := signJWT(t, "RS256", "r", rsaKey, good())
			parts := strings.Split(tok, ".")
			cl := good()
			cl["sub"] = "admin"
			body, _ := json.Marshal(cl)
			return parts[0] + "." + b64(body) + "." + parts[2]
		}, "bad signature"},
		{"expired beyond leeway", func() string {
			cl := good()
			cl["exp"] = now.Add(-3 * time.Minute).Unix()
			return signJWT(t, "RS256", "r", rsaKey, cl)
		}, "expired"},
		{"expired within leeway", func() string {
			cl := good()
			cl["exp"] = now.Add(-time.Minute).Unix()
			return signJWT(t, "RS256", "r", rsaKey, cl)
		}, ""},
		{"no exp", func() string { cl := good(); delete(cl, "exp"); return signJWT(t, "RS256", "r", rsaKey, cl) }, "no expiry"},
		{"future iat", func() string {
			cl := good()
			cl["iat"] = now.Add(time.Hour).Unix()
			return signJWT(t, "RS256", "r", rsaKey, cl)
		}, "future"},
		{"wrong nonce", func() string { cl := good(); cl["nonce"] = "n2"; return signJWT(t, "RS256", "r", rsaKey, cl) }, "nonce"},
		{"no nonce", func() string { cl := good(); delete(cl, "nonce"); return signJWT(t, "RS256", "r", rsaKey, cl) }, "nonce"},
		{"wrong issuer", func() string {
			cl := good()
			cl["iss"] = "https://idp.example.evil"
			return signJWT(t, "RS256", "r", rsaKey, cl)
		}, "issued by"},
		{"wrong audience", func() string { cl := good(); cl["aud"] = "other"; return signJWT(t, "RS256", "r", rsaKey, cl) }, "audience"},
		{"no subject", func() string { cl := good(); delete(cl, "sub"); return signJWT(t, "RS256", "r", rsaKey, cl) }, "no subject"},
		{"not a JWT", func() string { return "abc.def" }, "not a signed JWT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id, err := c.verifyIDToken(context.Background(), m, tt.token(), "n1")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("verifyIDToken: %v, want success", err)
			case tt.want == "" && (id.Subject != "u1" || id.Email != "a@example.com"):
				t.Errorf("identity = %+v, want subject u1 with a verified email", id)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("verifyIDToken error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestOIDCUsername: names are stable, distinct per subject, and valid
// store names outside what checkUsername lets anyone create.
func TestOIDCUsername(t *testing.T) {
	for _, tt := range []struct{ provider, subject, want string }{
		{"github", "583231", "github:583231"},
		{"google", "109876543210987654321", "google:109876543210987654321"},
		{"corp", "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "corp:s"},
		{"corp", "f47ac10b-58cc-4372-a567-0e02b2c3d479", "corp:s"},
		{"corp", strings.Repeat("9", 80), "corp:s"},
	} {
		got := oidcUsername(tt.provider, tt.subject)
		if !strings.HasPrefix(got, tt.want) || (strings.HasSuffix(tt.want, ":s") && len(got) != len(tt.want)+24) {
			t.Errorf("oidcUsername(%q, %q) = %q, want %q…", tt.provider, tt.subject, got, tt.want)
		}
		if len(got) > MaxUsernameLength {
			t.Errorf("oidcUsername(%q, %q) = %q: longer than %d", tt.provider, tt.subject, got, MaxUsernameLength)
		}
		if got != oidcUsername(tt.provider, tt.subject) {
			t.Errorf("oidcUsername(%q, %q) is not deterministic", tt.provider, tt.subject)
		}
		if checkUsername(got) == nil {
			t.Errorf("checkUsername(%q) accepts an OIDC account's name: anyone could take it first", got)
		}
	}
	if oidcUsername("corp", "Abc") == oidcUsername("corp", "abc") {
		t.Error("subjects differing in case map to one account")
	}
}

// TestOIDCProviderConfig loads [oidc_providers.*] tables: presets,
// defaults, secrets from the environment, and every mistake reported.
func TestOIDCProviderConfig(t *testing.T) {
	const file = `signup = true

[oidc_providers.github]
type = "github"
client_id = "gh"

[oidc_providers.corp]
display_name = "Corp SSO"
issuer = "https://login.example.com/tenant/v2.0/"
client_id = "corp-id"
scopes = ["email"]
email_domains = ["@Example.com"]

[oidc_providers.google]
type = "google"
client_id = "g"
`
	cfg, err := LoadConfig([]string{"--config", "c.toml"}, env(map[string]string{
		"CENTRAL_OIDC_GITHUB_CLIENT_SECRET": "s1", "CENTRAL_OIDC_CORP_CLIENT_SECRET": "s2", "CENTRAL_OIDC_GOOGLE_CLIENT_SECRET": "s3",
	}), files(map[string]string{"c.toml": file}))
	if err != nil {
		t.Fatal(err)
	}
	want := []OIDCProvider{
		{Name: "corp", Type: OIDCGeneric, DisplayName: "Corp SSO", Issuer: "https://login.example.com/tenant/v2.0", ClientID: "corp-id",
			ClientSecret: "s2", Scopes: []string{"openid", "email"}, EmailDomains: []string{"example.com"}},
		{Name: "github", Type: OIDCGitHub, DisplayName: "GitHub", Issuer: "https://github.com", APIURL: "https://api.github.com",
			ClientID: "gh", ClientSecret: "s1", Scopes: []string{"read:user"}},
		{Name: "google", Type: OIDCGoogle, DisplayName: "Google", Issuer: "https://accounts.google.com", ClientID: "g",
			ClientSecret: "s3", Scopes: []string{"openid", "email", "profile"}},
	}
	if !reflect.DeepEqual(cfg.OIDCProviders, want) {
		t.Errorf("providers =\n%+v\nwant\n%+v", cfg.OIDCProviders, want)
	}
	if !cfg.Signup {
		t.Error("signup = true in the file did not enable sign-up")
	}

	for _, tt := range []struct {
		name, file string
		env        map[string]string
		want       []string
	}{
		{"no secret", "[oidc_providers.corp]\nissuer = \"https://idp.example\"\nclient_id = \"c\"\n", nil,
			[]string{"c.toml: [oidc_providers.corp]: the client secret is missing: set the environment variable CENTRAL_OIDC_CORP_CLIENT_SECRET"}},
		{"secret in file", "[oidc_providers.my-idp]\nclient_secret = \"x\"\n", nil,
			[]string{"c.toml:2:1: oidc_providers.my-idp.client_secret cannot be set in a file; use the environment variable CENTRAL_OIDC_MY_IDP_CLIENT_SECRET"}},
		{"unknown key", "[oidc_providers.corp]\nclient = \"x\"\n", nil, []string{`c.toml:2:1: unknown key "oidc_providers.corp.client" (an OIDC provider has type,`}},
		{"bad type and name", "[oidc_providers.corp]\ntype = \"saml\"\n[oidc_providers.Bad_Name]\n", nil,
			[]string{`[oidc_providers.corp]: invalid type "saml": want oidc, google or github`, `[oidc_providers.Bad_Name]: invalid provider name`}},
		{"missing fields", "[oidc_providers.corp]\n", map[string]string{"CENTRAL_OIDC_CORP_CLIENT_SECRET": "s"},
			[]string{"issuer is required", "client_id is required"}},
		{"insecure issuer", "[oidc_providers.corp]\nissuer = \"http://idp.example\"\nclient_id = \"c\"\n", map[string]string{"CENTRAL_OIDC_CORP_CLIENT_SECRET": "s"},
			[]string{`invalid issuer "http://idp.example": want an https:// URL (http:// only for localhost)`}},
		{"api_url for oidc", "[oidc_providers.corp]\nissuer = \"https://idp.example\"\napi_url = \"https://api.example\"\nclient_id = \"c\"\n", map[string]string{"CENTRAL_OIDC_CORP_CLIENT_SECRET": "s"},
			[]string{`api_url is for type = "github" only`}},
		{"bad domain", "[oidc_providers.gh]\ntype = \"github\"\nclient_id = \"c\"\nemail_domains = [\"not a domain\"]\n", map[string]string{"CENTRAL_OIDC_GH_CLIENT_SECRET": "s"},
			[]string{`invalid email domain "not a domain"`}},
		{"signup not a boolean", "signup = \"maybe\"\n", nil, []string{`c.toml:1: invalid signup "maybe": want true or false`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig([]string{"--config", "c.toml"}, env(tt.env), files(map[string]string{"c.toml": tt.file}))
			if err == nil {
				t.Fatal("LoadConfig succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
