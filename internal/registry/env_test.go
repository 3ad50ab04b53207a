package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/blob/fsblob"
	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// testEnv is a registry on a real SQLite file and a real blob directory,
// served by httptest, with helpers to make accounts and packages.
type testEnv struct {
	t     testing.TB
	srv   *Server
	meta  store.Store
	blobs *fsblob.Store
	url   string // the server's base URL, without a trailing slash
	// client does not follow redirects, as the real bal client does not.
	client *http.Client
	logs   *syncBuffer
}

// newTestEnv starts a registry; configure, if given, adjusts its
// configuration first.
func newTestEnv(t testing.TB, configure ...func(*Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	meta, err := sqlite.Open(context.Background(), filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	cfg := DefaultConfig()
	cfg.DataDir = dir
	// Rate limits are off unless a test sets them: most tests send more
	// requests from one address in a second than a client would in a
	// minute.
	cfg.RateLimit = Rate{}
	for _, f := range configure {
		f(&cfg)
	}
	blobs, err := fsblob.Open(filepath.Join(dir, BlobDir), fsblob.Options{MaxSize: cfg.MaxUploadSize})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := NewServer(cfg, Storage{Meta: meta, Blobs: blobs}, NewLogger(logs, Config{LogLevel: cfg.LogLevel, LogFormat: "json"}))
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &testEnv{
		t: t, srv: srv, meta: meta, blobs: blobs, url: hs.URL, logs: logs,
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// user creates an account (password "password-<name>").
func (e *testEnv) user(name string, admin bool) *store.User {
	e.t.Helper()
	h, err := credential.HashPassword("password-"+name, credential.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		e.t.Fatal(err)
	}
	u := &store.User{Username: name, PasswordHash: h, Admin: admin}
	if err := e.meta.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// tokenOpts adjust a token made by tokenWith.
type tokenOpts struct {
	scopes  []string
	expires time.Time // zero: a year from now
	revoked bool
}

// token creates a token for u with the given scopes (DefaultTokenScopes
// when none) and returns its secret.
func (e *testEnv) token(u *store.User, scopes ...string) string {
	return e.tokenWith(u, tokenOpts{scopes: scopes})
}

func (e *testEnv) tokenWith(u *store.User, o tokenOpts) string {
	e.t.Helper()
	tok, err := credential.NewToken()
	if err != nil {
		e.t.Fatal(err)
	}
	if o.scopes == nil {
		o.scopes = DefaultTokenScopes
	}
	if o.expires.IsZero() {
		o.expires = time.Now().Add(DefaultTokenLifetime)
	}
	st := &store.Token{UserID: u.ID, Name: "test", Prefix: tok.Prefix, Hash: tok.Hash, Scopes: o.scopes, ExpiresAt: o.expires}
	ctx := context.Background()
	if err := e.meta.CreateToken(ctx, st); err != nil {
		e.t.Fatal(err)
	}
	if o.revoked {
		if err := e.meta.RevokeToken(ctx, st.ID, time.Time{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return tok.Secret
}

// org creates an organization owned by owner, with more members.
func (e *testEnv) org(name string, owner *store.User, members map[*store.User]store.Role) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.meta.CreateOrg(ctx, &store.Org{Name: name}, owner.ID); err != nil {
		e.t.Fatal(err)
	}
	for u, r := range members {
		if err := e.meta.SetMember(ctx, name, u.ID, r); err != nil {
			e.t.Fatal(err)
		}
	}
}

// balaSpec describes a package for testBala. Zero fields take defaults.
type balaSpec struct {
	Org, Name, Version string
	Platform           string   // default "any"
	Visibility         string   // "" or "private"
	Readme             string   // default "# <name>\n\nThe <name> package.\n"; "-" for none
	Description        string   // package.json description
	Keywords           []string // package.json keywords
	Modules            []string // sub-module suffixes: "util" makes <name>.util
	Deps               [][3]string
	BallerinaVersion   string // default "2201.10.0"
}

// testBala writes a bala for spec.
func testBala(t testing.TB, spec balaSpec) []byte {
	t.Helper()
	if spec.Platform == "" {
		spec.Platform = "any"
	}
	if spec.BallerinaVersion == "" {
		spec.BallerinaVersion = "2201.10.0"
	}
	pj := &bala.PackageJSON{
		Organization: spec.Org, Name: spec.Name, Version: spec.Version,
		Keywords: spec.Keywords, Visibility: spec.Visibility, Description: spec.Description,
		BallerinaVersion: spec.BallerinaVersion, ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Platform: spec.Platform, Licenses: []string{"Apache-2.0"}, Authors: []string{"tester"},
		Modules: []bala.ModuleJSON{{Name: spec.Name, Export: true}},
	}
	entries := []bala.Entry{
		{Name: "modules/" + spec.Name + "/" + spec.Name + ".bal", Data: []byte("public function hello() returns string => \"hello\";\n")},
	}
	for _, m := range spec.Modules {
		full := spec.Name + "." + m
		pj.Modules = append(pj.Modules, bala.ModuleJSON{Name: full, Export: true})
		entries = append(entries, bala.Entry{Name: "modules/" + full + "/" + m + ".bal", Data: []byte("public const X = 1;\n")})
	}
	if spec.Readme != "-" {
		if spec.Readme == "" {
			spec.Readme = fmt.Sprintf("# %s\n\nThe %s package.\n", spec.Name, spec.Name)
		}
		pj.Readme = "docs/README.md"
		entries = append(entries, bala.Entry{Name: "docs/README.md", Data: []byte(spec.Readme)})
	}
	pjBytes, err := bala.MarshalPackageJSON(pj)
	if err != nil {
		t.Fatal(err)
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		t.Fatal(err)
	}
	g := &bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: spec.Org, Name: spec.Name, Version: spec.Version}}}
	for _, d := range spec.Deps {
		g.Packages[0].Dependencies = append(g.Packages[0].Dependencies, bala.PackageRef{Org: d[0], Name: d[1], Version: d[2]})
		g.Packages = append(g.Packages, bala.GraphPackage{Org: d[0], Name: d[1], Version: d[2]})
	}
	gj, err := bala.MarshalDependencyGraphJSON(g)
	if err != nil {
		t.Fatal(err)
	}
	entries = append(entries,
		bala.Entry{Name: bala.PackageJSONFile, Data: pjBytes},
		bala.Entry{Name: bala.BalaJSONFile, Data: bj},
		bala.Entry{Name: bala.DependencyGraphJSONFile, Data: gj},
	)
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// request sends a request to the server. headers alternate names and
// values; a token is sent with "Authorization", "Bearer <token>".
func (e *testEnv) request(method, path string, body io.Reader, headers ...string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

// readBody reads and closes a response body.
func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errorMessage checks that resp is a JSON error with the given status and
// returns its message.
func errorMessage(t testing.TB, resp *http.Response, status int) string {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	msg, ok := m["message"].(string)
	if !ok || len(m) != 1 {
		t.Fatalf("error body %s: want exactly {\"message\": <string>}", body)
	}
	return msg
}

// push uploads a bala the way the Java bal client does (multipart part
// "bala-file") with the given token, and returns the response.
func (e *testEnv) push(token string, balaBytes []byte, fileName string) *http.Response {
	e.t.Helper()
	var body bytes.Buffer
	boundary := "----balcentraltestboundary"
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"bala-file\"; filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n", boundary, fileName)
	body.Write(balaBytes)
	fmt.Fprintf(&body, "\r\n--%s--\r\n", boundary)
	hdr := []string{"Content-Type", "multipart/form-data; boundary=" + boundary, "Ballerina-Platform", "java17", "User-Agent", "2201.10.3"}
	if token != "" {
		hdr = append(hdr, "Authorization", "Bearer "+token)
	}
	return e.request(http.MethodPost, centralPrefix+"/packages", &body, hdr...)
}
