package registry

// Sign-in through OpenID Connect providers and GitHub (the providers of
// Config.OIDCProviders): the authorization code flow with PKCE, written
// out here rather than taken from an OAuth library because it is small:
//
//   - GET /auth/oidc/{provider}/login redirects to the provider with a
//     random state, nonce and PKCE verifier, kept in the oidcCookie
//     (HttpOnly, SameSite=Lax, ten minutes, path /auth/oidc/);
//   - GET /auth/oidc/{provider}/callback checks the state, exchanges the
//     code (with the verifier and the client secret) at the token
//     endpoint and learns who signed in: for OpenID Connect from the ID
//     token, whose signature (RS256/384/512, PS256/384/512,
//     ES256/384/512, by the provider's JWKS), issuer, audience, expiry and
//     nonce are verified; for GitHub from its REST API (/user, and
//     /user/emails when email_domains is set);
//   - the person is mapped to a local account and signed in with a
//     session, as with a password.
//
// Accounts. The store has no table linking a provider's subject to an
// account, so the link is the account's name: oidcUsername(provider,
// subject), such as "github:583231". The name contains ':', which user
// names made any other way cannot (checkUsername), so nobody can claim an
// identity by creating an account with its name first; and the subject
// (GitHub's numeric ID, the ID token's "sub") never changes, unlike a
// login or an email address. The first sign-in creates the account,
// without a password; administrators add it to organizations by that name.

import (
	"cmp"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "crypto/sha512" // SHA-384 and SHA-512 for the JWS algorithms

	"github.com/balcentral/balcentral/internal/store"
)

// oidcCookie holds the state of a sign-in in progress.
const oidcCookie = "central_oidc"

// oidcFlowLifetime is how long a sign-in at a provider may take.
const oidcFlowLifetime = 10 * time.Minute

// oidcLeeway is the clock skew tolerated when checking an ID token's
// times.
const oidcLeeway = 2 * time.Minute

// maxProviderResponse bounds what is read from a provider's answers.
const maxProviderResponse = 1 << 20

// An oidcClient signs people in through one provider. It caches the
// provider's discovery document and keys.
type oidcClient struct {
	cfg  OIDCProvider
	http *http.Client
	now  func() time.Time

	mu        sync.Mutex
	meta      *oidcMetadata // nil until discovered
	metaAt    time.Time
	keys      map[string]crypto.PublicKey // by kid; "" for keys without one
	keysAt    time.Time
	keysFetch bool // a fetch of the keys has happened
}

// oidcMetadata is the part of a discovery document the flow uses.
type oidcMetadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	TokenAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
}

// How long discovered metadata and keys are kept. Unknown key IDs fetch
// the keys again, at most once per keysRetry, so a provider's key
// rotation is picked up at once.
const (
	metadataLifetime = 24 * time.Hour
	keysRetry        = time.Minute
)

func newOIDCClient(cfg OIDCProvider, now func() time.Time) *oidcClient {
	return &oidcClient{cfg: cfg, now: now, http: &http.Client{Timeout: 15 * time.Second}}
}

// oidcIdentity is who a provider says signed in.
type oidcIdentity struct {
	Subject string
	// Email is the verified email address, "" when there is none.
	Email string
	// Name is a human name or login to greet the person with.
	Name string
}

// metadata returns the provider's endpoints: discovered for OpenID
// Connect, fixed for GitHub.
func (c *oidcClient) metadata(ctx context.Context) (*oidcMetadata, error) {
	if c.cfg.Type == OIDCGitHub {
		return &oidcMetadata{
			Issuer:                c.cfg.Issuer,
			AuthorizationEndpoint: c.cfg.Issuer + "/login/oauth/authorize",
			TokenEndpoint:         c.cfg.Issuer + "/login/oauth/access_token",
			TokenAuthMethods:      []string{"client_secret_post"},
		}, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.meta != nil && c.now().Sub(c.metaAt) < metadataLifetime {
		return c.meta, nil
	}
	var m oidcMetadata
	if err := c.getJSON(ctx, c.cfg.Issuer+"/.well-known/openid-configuration", "", &m); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	// The document must be the issuer's own (OpenID Connect Discovery
	// 1.0, section 4.3), and every endpoint an acceptable URL.
	if strings.TrimSuffix(m.Issuer, "/") != c.cfg.Issuer {
		return nil, fmt.Errorf("discovery: the document's issuer is %q, not %q", m.Issuer, c.cfg.Issuer)
	}
	for _, e := range []struct{ name, v string }{
		{"authorization_endpoint", m.AuthorizationEndpoint}, {"token_endpoint", m.TokenEndpoint}, {"jwks_uri", m.JWKSURI},
	} {
		if err := checkProviderURL(e.v); err != nil {
			return nil, fmt.Errorf("discovery: %s %q: %v", e.name, e.v, err)
		}
	}
	c.meta, c.metaAt = &m, c.now()
	return c.meta, nil
}

// getJSON GETs u (with a bearer token when not empty) and decodes its JSON
// answer into v.
func (c *oidcClient) getJSON(ctx context.Context, u, bearer string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return c.do(req, v)
}

// do sends req and decodes a 2xx JSON answer into v.
func (c *oidcClient) do(req *http.Request, v any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxProviderResponse))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
			Message     string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		msg := strings.TrimSpace(strings.Join([]string{e.Error, e.Description, e.Message}, " "))
		if msg == "" {
			msg = "no explanation"
		}
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Redacted(), resp.Status, msg)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s %s: invalid JSON answer: %v", req.Method, req.URL.Redacted(), err)
	}
	return nil
}

// oidcFlow is the state of a sign-in in progress, kept in oidcCookie.
type oidcFlow struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
}

// randomURLString returns n random bytes in base64url.
func randomURLString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authURL returns where to send the browser to sign in, for a flow and
// the callback URL redirect.
func (c *oidcClient) authURL(m *oidcMetadata, f *oidcFlow, redirect string) (string, error) {
	u, err := url.Parse(m.AuthorizationEndpoint)
	if err != nil {
		return "", err
	}
	challenge := sha256.Sum256([]byte(f.Verifier))
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", c.cfg.ClientID)
	q.Set("redirect_uri", redirect)
	q.Set("scope", strings.Join(c.cfg.Scopes, " "))
	q.Set("state", f.State)
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(challenge[:]))
	q.Set("code_challenge_method", "S256")
	if c.cfg.Type != OIDCGitHub { // GitHub issues no ID token to bind a nonce to
		q.Set("nonce", f.Nonce)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// tokenAnswer is a token endpoint's answer.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	IDToken     string `json:"id_token"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// exchange trades an authorization code for tokens.
func (c *oidcClient) exchange(ctx context.Context, m *oidcMetadata, code, verifier, redirect string) (*tokenAnswer, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirect},
		"code_verifier": {verifier},
	}
	// client_secret_basic is the default (RFC 8414); use the form only
	// when the provider does not take Basic.
	basic := true
	if len(m.TokenAuthMethods) > 0 {
		basic = false
		for _, am := range m.TokenAuthMethods {
			basic = basic || am == "client_secret_basic"
		}
	}
	if !basic {
		form.Set("client_id", c.cfg.ClientID)
		form.Set("client_secret", c.cfg.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if basic {
		// RFC 6749, section 2.3.1: both are form-encoded first.
		req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	}
	var t tokenAnswer
	if err := c.do(req, &t); err != nil {
		return nil, fmt.Errorf("token exchange: %w", err)
	}
	if t.Error != "" { // GitHub answers errors with 200
		return nil, fmt.Errorf("token exchange: %s %s", t.Error, t.Description)
	}
	return &t, nil
}

// identify completes a sign-in: it exchanges the code and returns who
// signed in, checked against the flow and the provider's email domains.
func (c *oidcClient) identify(ctx context.Context, f *oidcFlow, code, redirect string) (*oidcIdentity, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return nil, err
	}
	t, err := c.exchange(ctx, m, code, f.Verifier, redirect)
	if err != nil {
		return nil, err
	}
	var id *oidcIdentity
	if c.cfg.Type == OIDCGitHub {
		id, err = c.gitHubIdentity(ctx, t.AccessToken)
	} else {
		if t.IDToken == "" {
			return nil, errors.New("the token endpoint returned no ID token")
		}
		id, err = c.verifyIDToken(ctx, m, t.IDToken, f.Nonce)
	}
	if err != nil {
		return nil, err
	}
	if len(c.cfg.EmailDomains) > 0 && !inDomains(id.Email, c.cfg.EmailDomains) {
		return nil, &oidcRefusal{fmt.Sprintf("this registry admits only accounts with a verified email address at %s", strings.Join(c.cfg.EmailDomains, ", "))}
	}
	return id, nil
}

// An oidcRefusal is a sign-in the provider completed but the registry
// refuses; its message is for the person signing in.
type oidcRefusal struct{ msg string }

func (e *oidcRefusal) Error() string { return e.msg }

// inDomains reports whether email is an address in one of domains.
func inDomains(email string, domains []string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	d := strings.ToLower(email[at+1:])
	for _, want := range domains {
		if d == want {
			return true
		}
	}
	return false
}

// gitHubIdentity asks GitHub's API who holds an access token.
func (c *oidcClient) gitHubIdentity(ctx context.Context, accessToken string) (*oidcIdentity, error) {
	if accessToken == "" {
		return nil, errors.New("the token endpoint returned no access token")
	}
	var u struct {
		ID    int64  `json:"id"`
		Login string `json:"login"`
	}
	if err := c.getJSON(ctx, c.cfg.APIURL+"/user", accessToken, &u); err != nil {
		return nil, err
	}
	if u.ID <= 0 {
		return nil, errors.New("GitHub's /user answer has no id")
	}
	id := &oidcIdentity{Subject: strconv.FormatInt(u.ID, 10), Name: u.Login}
	if len(c.cfg.EmailDomains) > 0 {
		var emails []struct {
			Email    string `json:"email"`
			Verified bool   `json:"verified"`
		}
		if err := c.getJSON(ctx, c.cfg.APIURL+"/user/emails", accessToken, &emails); err != nil {
			return nil, err
		}
		for _, e := range emails {
			if e.Verified && inDomains(e.Email, c.cfg.EmailDomains) {
				id.Email = e.Email
				break
			}
		}
	}
	return id, nil
}

// idTokenClaims are the claims of an ID token the registry reads.
type idTokenClaims struct {
	Issuer            string          `json:"iss"`
	Subject           string          `json:"sub"`
	Audience          audience        `json:"aud"`
	AuthorizedParty   string          `json:"azp"`
	Expiry            *numericDate    `json:"exp"`
	IssuedAt          *numericDate    `json:"iat"`
	NotBefore         *numericDate    `json:"nbf"`
	Nonce             string          `json:"nonce"`
	Email             string          `json:"email"`
	EmailVerified     json.RawMessage `json:"email_verified"`
	PreferredUsername string          `json:"preferred_username"`
	Name              string          `json:"name"`
}

// audience is the "aud" claim: one string or an array of them.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New(`"aud" is neither a string nor an array of strings`)
	}
	*a = many
	return nil
}

// numericDate is a JWT time: seconds since the epoch, maybe fractional.
type numericDate struct{ time.Time }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("invalid time %s", b)
	}
	sec := int64(f)
	d.Time = time.Unix(sec, int64((f-float64(sec))*1e9))
	return nil
}

// jwsAlgorithms are the signature algorithms accepted in ID tokens: the
// hash, and whether the key is RSA with PSS, RSA with PKCS #1 v1.5 or
// ECDSA. "none" and the HMAC algorithms are refused: the client secret is
// not a key anybody should sign identities with.
var jwsAlgorithms = map[string]struct {
	hash crypto.Hash
	kind string // "rsa", "pss", "ec"
}{
	"RS256": {crypto.SHA256, "rsa"}, "RS384": {crypto.SHA384, "rsa"}, "RS512": {crypto.SHA512, "rsa"},
	"PS256": {crypto.SHA256, "pss"}, "PS384": {crypto.SHA384, "pss"}, "PS512": {crypto.SHA512, "pss"},
	"ES256": {crypto.SHA256, "ec"}, "ES384": {crypto.SHA384, "ec"}, "ES512": {crypto.SHA512, "ec"},
}

// verifyIDToken checks an ID token's signature with the provider's keys
// and its claims (issuer, audience, authorized party, times, nonce), and
// returns the identity it asserts.
func (c *oidcClient) verifyIDToken(ctx context.Context, m *oidcMetadata, raw, nonce string) (*oidcIdentity, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("ID token: not a signed JWT")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return nil, fmt.Errorf("ID token header: %v", err)
	}
	alg, ok := jwsAlgorithms[hdr.Alg]
	if !ok {
		return nil, fmt.Errorf("ID token: unsupported signature algorithm %q", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("ID token: invalid signature encoding")
	}
	key, err := c.key(ctx, m, hdr.Kid)
	if err != nil {
		return nil, err
	}
	h := alg.hash.New()
	h.Write([]byte(parts[0] + "." + parts[1]))
	if err := verifySignature(alg.kind, alg.hash, key, h.Sum(nil), sig); err != nil {
		return nil, fmt.Errorf("ID token: %v", err)
	}

	var cl idTokenClaims
	if err := decodeSegment(parts[1], &cl); err != nil {
		return nil, fmt.Errorf("ID token claims: %v", err)
	}
	now := c.now()
	switch {
	case strings.TrimSuffix(cl.Issuer, "/") != c.cfg.Issuer:
		return nil, fmt.Errorf("ID token: issued by %q, not %q", cl.Issuer, c.cfg.Issuer)
	case !slices.Contains(cl.Audience, c.cfg.ClientID):
		return nil, fmt.Errorf("ID token: audience %q does not include this registry's client ID", []string(cl.Audience))
	case cl.AuthorizedParty != "" && cl.AuthorizedParty != c.cfg.ClientID:
		return nil, fmt.Errorf("ID token: issued to %q, not to this registry", cl.AuthorizedParty)
	case cl.Expiry == nil:
		return nil, errors.New("ID token: no expiry")
	case !now.Before(cl.Expiry.Add(oidcLeeway)):
		return nil, fmt.Errorf("ID token: expired at %s", cl.Expiry.UTC().Format(time.RFC3339))
	case cl.IssuedAt != nil && cl.IssuedAt.After(now.Add(oidcLeeway)):
		return nil, errors.New("ID token: issued in the future; check the clocks")
	case cl.NotBefore != nil && cl.NotBefore.After(now.Add(oidcLeeway)):
		return nil, errors.New("ID token: not valid yet; check the clocks")
	case !hmac.Equal([]byte(cl.Nonce), []byte(nonce)):
		return nil, errors.New("ID token: wrong nonce (a replayed or mixed-up sign-in)")
	case cl.Subject == "":
		return nil, errors.New("ID token: no subject")
	}
	id := &oidcIdentity{Subject: cl.Subject, Name: cmp.Or(cl.PreferredUsername, cl.Name, cl.Email)}
	if verified(cl.EmailVerified) {
		id.Email = cl.Email
	}
	return id, nil
}

// verified reads "email_verified", a boolean or, from some providers, the
// string "true".
func verified(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && s == "true"
}

// decodeSegment decodes a base64url JSON segment of a JWT.
func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("invalid base64url")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	return nil
}

// verifySignature checks a JWS signature over digest.
func verifySignature(kind string, hash crypto.Hash, key crypto.PublicKey, digest, sig []byte) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		var err error
		switch kind {
		case "rsa":
			err = rsa.VerifyPKCS1v15(k, hash, digest, sig)
		case "pss":
			err = rsa.VerifyPSS(k, hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		default:
			return errors.New("the signing key is RSA, the algorithm is not")
		}
		if err != nil {
			return errors.New("bad signature")
		}
		return nil
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		if kind != "ec" {
			return errors.New("the signing key is ECDSA, the algorithm is not")
		}
		if len(sig) != 2*size {
			return errors.New("bad signature")
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			return errors.New("bad signature")
		}
		return nil
	}
	return errors.New("unsupported key type")
}

// key returns the provider's signing key kid, fetching the key set when it
// is unknown (at most once per keysRetry).
func (c *oidcClient) key(ctx context.Context, m *oidcMetadata, kid string) (crypto.PublicKey, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.keys[kid]; k != nil {
		return k, nil
	}
	if c.keysFetch && c.now().Sub(c.keysAt) < keysRetry {
		return nil, fmt.Errorf("ID token: signed with unknown key %q", kid)
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	c.keysFetch, c.keysAt = true, c.now()
	if err := c.getJSON(ctx, m.JWKSURI, "", &set); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	keys := map[string]crypto.PublicKey{}
	var lone crypto.PublicKey
	n := 0
	for _, j := range set.Keys {
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		k, err := j.publicKey()
		if err != nil {
			continue // a key of a kind this client does not use
		}
		keys[j.Kid] = k
		lone = k
		n++
	}
	if n == 1 {
		// A token without "kid" may use the only key.
		keys[""] = lone
	}
	c.keys = keys
	if k := keys[kid]; k != nil {
		return k, nil
	}
	return nil, fmt.Errorf("ID token: signed with unknown key %q", kid)
}

// jwk is a JSON Web Key (RFC 7517) of type RSA or EC.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// publicKey decodes the key.
func (j *jwk) publicKey() (crypto.PublicKey, error) {
	dec := base64.RawURLEncoding.DecodeString
	switch j.Kty {
	case "RSA":
		n, err1 := dec(j.N)
		e, err2 := dec(j.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			return nil, errors.New("invalid RSA key")
		}
		k := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if k.N.BitLen() < 2048 {
			return nil, errors.New("RSA key shorter than 2048 bits")
		}
		return k, nil
	case "EC":
		var curve elliptic.Curve
		switch j.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("unsupported curve %q", j.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := dec(j.X)
		y, err2 := dec(j.Y)
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return nil, errors.New("invalid EC key")
		}
		return ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
	}
	return nil, fmt.Errorf("unsupported key type %q", j.Kty)
}

// oidcUsername is the name of the account that a provider's subject signs
// in to: "<provider>:<subject>" for numeric subjects (GitHub's user IDs,
// Google's), else "<provider>:s" and 24 characters of the subject's
// SHA-256 in base32, which keeps the name short and of lowercase
// characters whatever the subject looks like. No other subject maps to the
// same name: the hashed form starts with a letter, the other is digits.
func oidcUsername(provider, subject string) string {
	numeric := subject != "" && len(provider)+1+len(subject) <= MaxUsernameLength
	for _, c := range []byte(subject) {
		numeric = numeric && '0' <= c && c <= '9'
	}
	if numeric {
		return provider + ":" + subject
	}
	sum := sha256.Sum256([]byte(subject))
	return provider + ":s" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// oidcAccount returns the account of an identity at provider, creating it
// on the first sign-in.
func (s *Server) oidcAccount(ctx context.Context, provider string, id *oidcIdentity) (*store.User, error) {
	name := oidcUsername(provider, id.Subject)
	u, err := s.storage.Meta.UserByName(ctx, name)
	if !errors.Is(err, store.ErrNotFound) {
		return u, err
	}
	u = &store.User{Username: name}
	err = s.storage.Meta.CreateUser(ctx, u)
	if errors.Is(err, store.ErrExists) { // a concurrent first sign-in
		return s.storage.Meta.UserByName(ctx, name)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, &principal{user: u}, "user.create", u.Username, map[string]any{"via": "oidc", "provider": provider, "name": id.Name})
	return u, nil
}
