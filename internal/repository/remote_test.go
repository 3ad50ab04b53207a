package repository_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/blob/fsblob"
	"github.com/balcentral/balcentral/internal/registry"
	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/sqlite"
	"github.com/balcentral/balcentral/internal/version"
)

const testDist = "2201.13.0"

// testRegistry is an in-process registry (SQLite and blob files in a
// temporary directory) behind a handler that tests can interpose on.
type testRegistry struct {
	t     *testing.T
	meta  store.Store
	url   string // http://127.0.0.1:port
	token string // alice's: member of acme, every scope but admin
	// front, when set, handles requests before the registry does; it
	// returns false to let the registry answer.
	front atomic.Pointer[func(w http.ResponseWriter, r *http.Request, next http.Handler) bool]
	// requests counts the requests that reached the handler, by path
	// prefix "/2.0/registry/<first segment>".
	mu       sync.Mutex
	requests []string
}

func newTestRegistry(t *testing.T) *testRegistry {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	meta, err := sqlite.Open(ctx, filepath.Join(dir, registry.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	cfg := registry.DefaultConfig()
	cfg.DataDir = dir
	cfg.RateLimit = registry.Rate{}
	blobs, err := fsblob.Open(filepath.Join(dir, registry.BlobDir), fsblob.Options{MaxSize: cfg.MaxUploadSize})
	if err != nil {
		t.Fatal(err)
	}
	srv := registry.NewServer(cfg, registry.Storage{Meta: meta, Blobs: blobs},
		registry.NewLogger(io.Discard, registry.Config{LogLevel: cfg.LogLevel, LogFormat: "json"}))
	tr := &testRegistry{t: t, meta: meta}
	inner := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tr.mu.Lock()
		tr.requests = append(tr.requests, r.Method+" "+r.URL.Path)
		tr.mu.Unlock()
		if f := tr.front.Load(); f != nil && (*f)(w, r, inner) {
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	tr.url = hs.URL

	alice := tr.user("alice")
	if err := meta.CreateOrg(ctx, &store.Org{Name: "acme"}, alice.ID); err != nil {
		t.Fatal(err)
	}
	tr.token = tr.tokenFor(alice)
	return tr
}

func (tr *testRegistry) user(name string) *store.User {
	tr.t.Helper()
	h, err := credential.HashPassword("password-"+name, credential.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		tr.t.Fatal(err)
	}
	u := &store.User{Username: name, PasswordHash: h}
	if err := tr.meta.CreateUser(context.Background(), u); err != nil {
		tr.t.Fatal(err)
	}
	return u
}

func (tr *testRegistry) tokenFor(u *store.User) string {
	tr.t.Helper()
	tok, err := credential.NewToken()
	if err != nil {
		tr.t.Fatal(err)
	}
	st := &store.Token{UserID: u.ID, Name: "test", Prefix: tok.Prefix, Hash: tok.Hash,
		Scopes: registry.DefaultTokenScopes, ExpiresAt: time.Now().Add(time.Hour)}
	if err := tr.meta.CreateToken(context.Background(), st); err != nil {
		tr.t.Fatal(err)
	}
	return tok.Secret
}

// setFront installs f in front of the registry (nil removes it).
func (tr *testRegistry) setFront(f func(w http.ResponseWriter, r *http.Request, next http.Handler) bool) {
	if f == nil {
		tr.front.Store(nil)
		return
	}
	tr.front.Store(&f)
}

// count returns how many requests whose "METHOD path" contains s reached
// the registry.
func (tr *testRegistry) count(s string) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := 0
	for _, r := range tr.requests {
		if strings.Contains(r, s) {
			n++
		}
	}
	return n
}

func (tr *testRegistry) resetCounts() {
	tr.mu.Lock()
	tr.requests = nil
	tr.mu.Unlock()
}

// pkgSpec describes a package to push.
type pkgSpec struct {
	org, name, version string
	private            bool
	subModules         []string    // "util" adds <name>.util
	deps               [][3]string // direct dependencies, org, name, version
}

// push uploads a bala for spec with alice's token through the HTTP API.
func (tr *testRegistry) push(spec pkgSpec) {
	tr.t.Helper()
	if spec.org == "" {
		spec.org = "acme"
	}
	data := testBala(tr.t, spec)
	var body bytes.Buffer
	const boundary = "----remotetestboundary"
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"bala-file\"; filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n",
		boundary, bala.FileName(spec.org, spec.name, "any", spec.version))
	body.Write(data)
	fmt.Fprintf(&body, "\r\n--%s--\r\n", boundary)
	req, _ := http.NewRequest(http.MethodPost, tr.url+"/2.0/registry/packages", &body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", "Bearer "+tr.token)
	req.Header.Set("User-Agent", testDist)
	req.Header.Set("Ballerina-Platform", "java21")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tr.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		tr.t.Fatalf("push %s/%s:%s: %d %s", spec.org, spec.name, spec.version, resp.StatusCode, b)
	}
}

// deprecate deprecates (message != "") or undeprecates a version.
func (tr *testRegistry) deprecate(org, name, ver, message string, undo bool) {
	tr.t.Helper()
	op, body := "deprecate", fmt.Sprintf(`{"message": %q}`, message)
	if undo {
		op, body = "undeprecate", ""
	}
	req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/2.0/registry/packages/%s/%s/%s/%s", tr.url, op, org, name, ver), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tr.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tr.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tr.t.Fatalf("%s %s/%s:%s: %d %s", op, org, name, ver, resp.StatusCode, b)
	}
}

// testBala writes the bala of spec.
func testBala(t *testing.T, spec pkgSpec) []byte {
	t.Helper()
	pj := &bala.PackageJSON{
		Organization: spec.org, Name: spec.name, Version: spec.version,
		BallerinaVersion: testDist, ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Platform: "any", Licenses: []string{"Apache-2.0"}, Authors: []string{"tester"},
		Modules: []bala.ModuleJSON{{Name: spec.name, Export: true}}, Readme: "docs/README.md",
	}
	if spec.private {
		pj.Visibility = "private"
	}
	entries := []bala.Entry{
		{Name: "modules/" + spec.name + "/" + spec.name + ".bal", Data: []byte("public function hello() returns string => \"hello\";\n")},
		{Name: "docs/README.md", Data: []byte("# " + spec.name + "\n\nThe " + spec.name + " package.\n")},
	}
	for _, m := range spec.subModules {
		full := spec.name + "." + m
		pj.Modules = append(pj.Modules, bala.ModuleJSON{Name: full, Export: true})
		entries = append(entries, bala.Entry{Name: "modules/" + full + "/" + m + ".bal", Data: []byte("public const X = 1;\n")})
	}
	g := &bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: spec.org, Name: spec.name, Version: spec.version}}}
	for _, d := range spec.deps {
		g.Packages[0].Dependencies = append(g.Packages[0].Dependencies, bala.PackageRef{Org: d[0], Name: d[1], Version: d[2]})
		g.Packages = append(g.Packages, bala.GraphPackage{Org: d[0], Name: d[1], Version: d[2]})
	}
	pjb, err := bala.MarshalPackageJSON(pj)
	if err != nil {
		t.Fatal(err)
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		t.Fatal(err)
	}
	gj, err := bala.MarshalDependencyGraphJSON(g)
	if err != nil {
		t.Fatal(err)
	}
	entries = append(entries,
		bala.Entry{Name: bala.PackageJSONFile, Data: pjb},
		bala.Entry{Name: bala.BalaJSONFile, Data: bj},
		bala.Entry{Name: bala.DependencyGraphJSONFile, Data: gj})
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// remoteEnv is a Remote over a fresh cache.
type remoteEnv struct {
	remote *repository.Remote
	cache  *repository.FileSystem
	home   string
	mu     sync.Mutex
	pulled []string
	warns  []string
}

type clientOpts struct {
	home       string // the Ballerina home; default: a new temporary directory
	baseURL    string // default: the registry's
	token      *string
	maxRetries int
}

func newRemoteEnv(t *testing.T, tr *testRegistry, co clientOpts) *remoteEnv {
	t.Helper()
	if co.baseURL == "" {
		co.baseURL = tr.url + "/2.0/registry"
	}
	tok := tr.token
	if co.token != nil {
		tok = *co.token
	}
	client, err := centralclient.New(centralclient.Options{
		BaseURL: co.baseURL, Token: tok, Distribution: testDist, MaxRetries: co.maxRetries,
		Backoff: func(int) time.Duration { return 0 }, ConnectTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &remoteEnv{home: co.home}
	if e.home == "" {
		e.home = t.TempDir()
	}
	e.cache, err = repository.NewCentralCache(repository.Layout{Home: e.home}, client.Host(), testDist)
	if err != nil {
		t.Fatal(err)
	}
	e.remote, err = repository.NewRemote(client, e.cache, repository.RemoteOptions{
		Warn: func(msg string) {
			e.mu.Lock()
			e.warns = append(e.warns, msg)
			e.mu.Unlock()
		},
		Pulled: func(org, name, v string) {
			e.mu.Lock()
			e.pulled = append(e.pulled, org+"/"+name+":"+v)
			e.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *remoteEnv) pulledSorted() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := slices.Clone(e.pulled)
	slices.Sort(out)
	return out
}

// putCache writes a minimal extracted bala into the cache.
func (e *remoteEnv) putCache(t *testing.T, org, name, ver string) {
	t.Helper()
	dir := filepath.Join(e.cache.Root(), "bala", org, name, ver, "any")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pj := fmt.Sprintf(`{"organization": %q, "name": %q, "version": %q, "ballerina_version": %q}`, org, name, ver, testDist)
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pj), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ref(org, name, v string) repository.NodeRef {
	return repository.NodeRef{Org: org, Name: name, Version: version.MustParse(v)}
}

func versionStrings(vs []version.Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// verDirs lists the entries of a package's directory in the cache,
// hidden ones included.
func verDirs(t *testing.T, cacheRoot, org, name string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cacheRoot, "bala", org, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestRemoteNameAndKind(t *testing.T) {
	tr := newTestRegistry(t)
	e := newRemoteEnv(t, tr, clientOpts{})
	host := strings.TrimPrefix(tr.url, "http://")
	if e.remote.Name() != host || e.remote.Kind() != repository.KindCentral {
		t.Errorf("Name, Kind = %q, %v; want %q, central", e.remote.Name(), e.remote.Kind(), host)
	}
	if want := filepath.Join(e.home, "repositories", strings.ReplaceAll(host, ":", "_")); e.cache.Root() != want {
		t.Errorf("cache root %s, want %s", e.cache.Root(), want)
	}
}

// Versions merges the registry with the cache; Package answers a version
// the cache lacks from its resolve-dependencies entry, without downloading
// it or asking for its metadata, with the graph and deprecation the cache
// gives once Fetch has downloaded it, and the default module: another
// module is looked up in the registry when asked for, once.
func TestRemoteVersionsPackageFetch(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "base", version: "1.0.0"})
	tr.push(pkgSpec{name: "base", version: "1.1.0"})
	tr.push(pkgSpec{name: "lib", version: "2.0.0", subModules: []string{"util"}, deps: [][3]string{{"acme", "base", "1.1.0"}}})
	e := newRemoteEnv(t, tr, clientOpts{})
	e.putCache(t, "acme", "base", "0.9.0") // only in the cache
	ctx := context.Background()

	vs, err := e.remote.Versions(ctx, "acme", "base")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := versionStrings(vs), []string{"0.9.0", "1.0.0", "1.1.0"}; !slices.Equal(got, want) {
		t.Errorf("Versions = %v, want %v", got, want)
	}
	if vs, err := e.remote.Versions(ctx, "acme", "nothere"); err != nil || len(vs) != 0 {
		t.Errorf("Versions of an unknown package = %v, %v; want none", vs, err)
	}

	p, err := e.remote.Package(ctx, "acme", "lib", version.MustParse("2.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	if got := verDirs(t, e.cache.Root(), "acme", "lib"); got != nil {
		t.Fatalf("Package downloaded: cache holds %v", got)
	}
	if tr.count("/download/") != 0 {
		t.Fatalf("Package downloaded a bala")
	}
	if !slices.Equal(p.Modules, []string{"lib"}) || p.Deprecated || p.Platform != "" || p.BallerinaVersion != "" {
		t.Errorf("Package = %+v; want the default module, no platform or distribution, not deprecated", p)
	}
	const libMeta = "GET /2.0/registry/packages/acme/lib/2.0.0"
	if n := tr.count(libMeta); n != 0 {
		t.Errorf("%d metadata requests for acme/lib:2.0.0 before a module was asked for", n)
	}
	for _, c := range []struct {
		module string
		want   bool
	}{{"lib", true}, {"lib.util", true}, {"lib.other", false}, {"base", false}, {"libx", false}, {"lib.util", true}} {
		if got := p.HasModule(c.module); got != c.want {
			t.Errorf("HasModule(%q) = %v, want %v", c.module, got, c.want)
		}
	}
	if n := tr.count(libMeta); n != 1 {
		t.Errorf("%d metadata requests for the modules of acme/lib:2.0.0, want 1", n)
	}
	if err := repository.RemoteFailure(e.remote); err != nil {
		t.Errorf("RemoteFailure = %v", err)
	}
	wantGraph := []repository.GraphNode{
		{Org: "acme", Name: "lib", Version: version.MustParse("2.0.0"), Dependencies: []repository.NodeRef{ref("acme", "base", "1.1.0")}},
		{Org: "acme", Name: "base", Version: version.MustParse("1.1.0")},
	}
	if !reflect.DeepEqual(p.Graph, wantGraph) {
		t.Errorf("Graph = %+v, want %+v", p.Graph, wantGraph)
	}
	if _, err := e.remote.Package(ctx, "acme", "lib", version.MustParse("9.9.9")); !errors.Is(err, repository.ErrNotFound) {
		t.Errorf("Package of a missing version: %v, want ErrNotFound", err)
	}

	if err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "lib", "2.0.0"), ref("acme", "base", "1.1.0"), ref("acme", "base", "0.9.0")}); err != nil {
		t.Fatal(err)
	}
	if got, want := e.pulledSorted(), []string{"acme/base:1.1.0", "acme/lib:2.0.0"}; !slices.Equal(got, want) {
		t.Errorf("pulled %v, want %v", got, want)
	}
	fromCache, err := e.cache.Package(ctx, "acme", "lib", version.MustParse("2.0.0"))
	if err != nil {
		t.Fatalf("after Fetch the cache lacks acme/lib:2.0.0: %v", err)
	}
	if !reflect.DeepEqual(fromCache.Graph, p.Graph) || fromCache.Deprecated != p.Deprecated || fromCache.DeprecationMessage != p.DeprecationMessage {
		t.Errorf("the registry's metadata differs from the downloaded package:\nregistry %+v\ncache    %+v", p, fromCache)
	}
	if !slices.Equal(fromCache.Modules, []string{"lib", "lib.util"}) || fromCache.Platform != "any" || fromCache.BallerinaVersion != testDist {
		t.Errorf("downloaded package %+v; want modules lib and lib.util, platform any, distribution %s", fromCache, testDist)
	}

	// Fetching again downloads nothing.
	downloads := tr.count("/download/")
	if err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "lib", "2.0.0")}); err != nil {
		t.Fatal(err)
	}
	if n := tr.count("/download/"); n != downloads || len(e.pulledSorted()) != 2 {
		t.Errorf("a second Fetch downloaded again (%d downloads, was %d)", n, downloads)
	}
	if len(e.warns) != 0 {
		t.Errorf("warnings: %v", e.warns)
	}
}

// Built-in packages never reach the registry.
func TestRemoteBuiltInStaysLocal(t *testing.T) {
	tr := newTestRegistry(t)
	e := newRemoteEnv(t, tr, clientOpts{})
	ctx := context.Background()
	for _, n := range [][2]string{{"ballerina", "lang.int"}, {"ballerina", "jballerina.java"}, {"ballerinai", "observe"}, {"ballerina", "test"}} {
		if _, err := e.remote.Versions(ctx, n[0], n[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.remote.Package(ctx, n[0], n[1], version.MustParse("0.0.0")); !errors.Is(err, repository.ErrNotFound) {
			t.Errorf("Package(%s/%s): %v, want ErrNotFound from the cache", n[0], n[1], err)
		}
		if err := e.remote.Fetch(ctx, []repository.NodeRef{ref(n[0], n[1], "0.0.0")}); err != nil {
			t.Errorf("Fetch(%s/%s): %v", n[0], n[1], err)
		}
	}
	if tr.count("/2.0/registry") != 0 {
		t.Errorf("built-in packages reached the registry: %v", tr.requests)
	}
}

// The registry's deprecation wins over the cache's, and a cached version's
// deprecated.txt follows it.
func TestRemoteDeprecation(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "foo", version: "1.0.0"})
	tr.push(pkgSpec{name: "foo", version: "1.1.0"})
	ctx := context.Background()
	v100, v110 := version.MustParse("1.0.0"), version.MustParse("1.1.0")

	e := newRemoteEnv(t, tr, clientOpts{})
	if err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "foo", "1.0.0")}); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(e.cache.Root(), "bala", "acme", "foo", "1.0.0", "any", "deprecated.txt")
	if _, err := os.Stat(marker); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("deprecated.txt before deprecation: %v", err)
	}
	tr.deprecate("acme", "foo", "1.0.0", "use 1.1.0", false)
	tr.deprecate("acme", "foo", "1.1.0", "broken too", false)

	// A new build (a new Remote over the same cache).
	e = newRemoteEnv(t, tr, clientOpts{home: e.home})
	for _, c := range []struct {
		v   version.Version
		msg string
	}{{v100, "use 1.1.0"}, {v110, "broken too"}} {
		p, err := e.remote.Package(ctx, "acme", "foo", c.v)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Deprecated || p.DeprecationMessage != c.msg {
			t.Errorf("%s: Deprecated, message = %v, %q; want true, %q", c.v, p.Deprecated, p.DeprecationMessage, c.msg)
		}
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "use 1.1.0" {
		t.Errorf("cached deprecated.txt = %q, %v; want the registry's message", b, err)
	}

	tr.deprecate("acme", "foo", "1.0.0", "", true)
	e = newRemoteEnv(t, tr, clientOpts{home: e.home})
	p, err := e.remote.Package(ctx, "acme", "foo", v100)
	if err != nil {
		t.Fatal(err)
	}
	if p.Deprecated {
		t.Errorf("undeprecated version still deprecated: %q", p.DeprecationMessage)
	}
	if _, err := os.Stat(marker); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("deprecated.txt kept after --undo: %v", err)
	}
}

// A registry that cannot be reached is not an error: the cache answers,
// with one warning, and the network is not tried again.
func TestRemoteConnectionRefusedFallsBack(t *testing.T) {
	tr := newTestRegistry(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	e := newRemoteEnv(t, tr, clientOpts{baseURL: "http://" + closed + "/2.0/registry"})
	e.putCache(t, "acme", "foo", "1.0.0")
	ctx := context.Background()
	if err := repository.RemoteFailure(e.remote); err != nil {
		t.Fatalf("RemoteFailure before any request = %v", err)
	}
	for range 3 {
		vs, err := e.remote.Versions(ctx, "acme", "foo")
		if err != nil {
			t.Fatalf("Versions: %v", err)
		}
		if got := versionStrings(vs); !slices.Equal(got, []string{"1.0.0"}) {
			t.Errorf("Versions = %v, want the cache's [1.0.0]", got)
		}
	}
	if p, err := e.remote.Package(ctx, "acme", "foo", version.MustParse("1.0.0")); err != nil || p.Version.String() != "1.0.0" {
		t.Errorf("Package from the cache: %v, %v", p, err)
	}
	if _, err := e.remote.Package(ctx, "acme", "bar", version.MustParse("1.0.0")); !errors.Is(err, repository.ErrNotFound) {
		t.Errorf("Package of an uncached version: %v, want ErrNotFound", err)
	}
	if len(e.warns) != 1 || !strings.Contains(e.warns[0], closed) || !strings.Contains(e.warns[0], "cache") {
		t.Errorf("warnings = %q; want one naming %s and the cache", e.warns, closed)
	}
	err = e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "bar", "1.0.0")})
	if err == nil || !strings.Contains(err.Error(), "acme/bar:1.0.0") {
		t.Errorf("Fetch of an uncached version while offline: %v; want an error naming it", err)
	}

	// The build's final error says why imports could not be resolved,
	// through PreferCache too.
	for _, repo := range []repository.Repository{e.remote, repository.PreferCache(e.cache, e.remote, nil)} {
		err := repository.RemoteFailure(repo)
		var ue *repository.UnreachableError
		if !errors.As(err, &ue) || !errors.Is(err, centralclient.ErrConnection) {
			t.Fatalf("RemoteFailure = %v (%T), want an *UnreachableError wrapping ErrConnection", err, err)
		}
		msg := err.Error()
		for _, want := range []string{"cannot reach the registry " + closed, "(http://" + closed + "/2.0/registry)",
			"connection refused", "the Central cache does not have the packages", "BALLERINA_CENTRAL_URL", "--offline"} {
			if !strings.Contains(msg, want) {
				t.Errorf("RemoteFailure message %q lacks %q", msg, want)
			}
		}
	}
	if err := repository.RemoteFailure(e.cache); err != nil {
		t.Errorf("RemoteFailure of the cache = %v", err)
	}
}

// A module lookup that fails cannot be an error of HasModule: it answers
// false and RemoteFailure reports the failure, which the build then gives
// as the reason of the unresolved import.
func TestRemoteModuleLookupFailure(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "lib", version: "1.0.0", subModules: []string{"util"}})
	tr.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/packages/acme/lib/1.0.0") {
			http.Error(w, `{"message": "database on fire"}`, http.StatusInternalServerError)
			return true
		}
		return false
	})
	e := newRemoteEnv(t, tr, clientOpts{})
	p, err := e.remote.Package(context.Background(), "acme", "lib", version.MustParse("1.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasModule("lib") || repository.RemoteFailure(e.remote) != nil {
		t.Fatalf("the default module needs no request")
	}
	if p.HasModule("lib.util") {
		t.Errorf("HasModule(lib.util) = true through a failing registry")
	}
	err = repository.RemoteFailure(e.remote)
	if err == nil || !strings.Contains(err.Error(), "could not connect to remote repository to find package: acme/lib:1.0.0") {
		t.Errorf("RemoteFailure = %v; want the failed lookup of acme/lib:1.0.0", err)
	}
}

// Errors other than connection failures are errors: a bad token is not
// taken for an empty registry.
func TestRemoteUnauthorizedIsAnError(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "foo", version: "1.0.0"})
	bad := "bct_not-a-real-token-000000000000000000"
	e := newRemoteEnv(t, tr, clientOpts{token: &bad})
	_, err := e.remote.Versions(context.Background(), "acme", "foo")
	if !errors.Is(err, centralclient.ErrUnauthorized) {
		t.Errorf("Versions with a bad token: %v, want ErrUnauthorized", err)
	}
	if len(e.warns) != 0 {
		t.Errorf("warnings: %v", e.warns)
	}
}

// A private package is invisible to a client without a member's token.
func TestRemotePrivatePackage(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "secret", version: "1.0.0", private: true})
	ctx := context.Background()
	none := ""
	anon := newRemoteEnv(t, tr, clientOpts{token: &none})
	if vs, err := anon.remote.Versions(ctx, "acme", "secret"); err != nil || len(vs) != 0 {
		t.Errorf("anonymous Versions = %v, %v; want none", vs, err)
	}
	bob := tr.tokenFor(tr.user("bob"))
	other := newRemoteEnv(t, tr, clientOpts{token: &bob})
	if vs, err := other.remote.Versions(ctx, "acme", "secret"); err != nil || len(vs) != 0 {
		t.Errorf("non-member Versions = %v, %v; want none", vs, err)
	}
	member := newRemoteEnv(t, tr, clientOpts{})
	if vs, err := member.remote.Versions(ctx, "acme", "secret"); err != nil || len(vs) != 1 {
		t.Errorf("member Versions = %v, %v; want [1.0.0]", vs, err)
	}
}

// killDownloads makes the registry drop the connection of the first n
// downloads after the headers and part of the body.
func killDownloads(tr *testRegistry, n int) *atomic.Int32 {
	var killed atomic.Int32
	tr.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !strings.Contains(r.URL.Path, "/download/") || killed.Load() >= int32(n) {
			return false
		}
		killed.Add(1)
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code != http.StatusOK || len(body) < 64 {
			panic(fmt.Sprintf("download answered %d with %d bytes", rec.Code, len(body)))
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: application/octet-stream\r\n\r\n", len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
		conn.Close()
		return true
	})
	return &killed
}

// A download cut mid-body leaves nothing in the cache; the next attempt
// succeeds.
func TestRemoteKilledDownloadLeavesCacheClean(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "foo", version: "1.0.0"})
	ctx := context.Background()
	killed := killDownloads(tr, 1)

	e := newRemoteEnv(t, tr, clientOpts{maxRetries: 0})
	err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "foo", "1.0.0")})
	if err == nil || !errors.Is(err, centralclient.ErrConnection) {
		t.Fatalf("Fetch through a killed download: %v, want a connection error", err)
	}
	if killed.Load() != 1 {
		t.Fatalf("%d downloads killed, want 1", killed.Load())
	}
	if got := verDirs(t, e.cache.Root(), "acme", "foo"); len(got) != 0 {
		t.Errorf("the killed download left %v in the cache", got)
	}
	if vs, _ := e.cache.Versions(ctx, "acme", "foo"); len(vs) != 0 || len(e.pulledSorted()) != 0 {
		t.Errorf("cache lists %v, pulled %v after a failed download", vs, e.pulledSorted())
	}

	// The retry (the next build, or the same Fetch) succeeds.
	if err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "foo", "1.0.0")}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if _, err := e.cache.Package(ctx, "acme", "foo", version.MustParse("1.0.0")); err != nil {
		t.Errorf("after the retry the cache lacks the package: %v", err)
	}
	if got := e.pulledSorted(); !slices.Equal(got, []string{"acme/foo:1.0.0"}) {
		t.Errorf("pulled %v", got)
	}
	if got := verDirs(t, e.cache.Root(), "acme", "foo"); !slices.Equal(got, []string{"1.0.0"}) {
		t.Errorf("cache holds %v, want [1.0.0] only", got)
	}

	// With a retry allowed, one Fetch gets through a killed download.
	tr.push(pkgSpec{name: "bar", version: "1.0.0"})
	killed = killDownloads(tr, 1)
	e = newRemoteEnv(t, tr, clientOpts{maxRetries: 1})
	if err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "bar", "1.0.0")}); err != nil {
		t.Fatalf("Fetch with a retry: %v", err)
	}
	if killed.Load() != 1 {
		t.Errorf("%d downloads killed, want 1", killed.Load())
	}
	if got := verDirs(t, e.cache.Root(), "acme", "bar"); !slices.Equal(got, []string{"1.0.0"}) {
		t.Errorf("cache holds %v, want [1.0.0] only", got)
	}
}

// Downloads run in parallel, and one version is downloaded once however
// many times it is asked for.
func TestRemoteFetchParallel(t *testing.T) {
	tr := newTestRegistry(t)
	var first, second []repository.NodeRef
	for i := range 24 {
		name := fmt.Sprintf("p%d", i)
		tr.push(pkgSpec{name: name, version: "1.0.0"})
		if i < 12 {
			first = append(first, ref("acme", name, "1.0.0"))
		} else {
			second = append(second, ref("acme", name, "1.0.0"))
		}
	}
	var (
		mu        sync.Mutex
		cur, peak int
		perPath   = map[string]int{}
		twoSeen   = make(chan struct{})
		closeOnce sync.Once
	)
	tr.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !strings.Contains(r.URL.Path, "/download/") {
			return false
		}
		mu.Lock()
		cur++
		perPath[r.URL.Path]++
		peak = max(peak, cur)
		if cur >= 2 {
			closeOnce.Do(func() { close(twoSeen) })
		}
		mu.Unlock()
		// Hold the downloads until two are in flight, so that a serial
		// client shows as a peak of 1 (it gets through after the wait).
		select {
		case <-twoSeen:
		case <-time.After(2 * time.Second):
			closeOnce.Do(func() { close(twoSeen) })
		}
		next.ServeHTTP(w, r)
		mu.Lock()
		cur--
		mu.Unlock()
		return true
	})
	e := newRemoteEnv(t, tr, clientOpts{})
	ctx := context.Background()

	// One Fetch of many independent packages, each named twice.
	if err := e.remote.Fetch(ctx, append(slices.Clone(first), first...)); err != nil {
		t.Fatal(err)
	}
	if peak < 2 {
		t.Errorf("at most %d download in flight; want parallel downloads", peak)
	}
	if peak > repository.DefaultRemoteWorkers {
		t.Errorf("%d downloads in flight, more than %d workers", peak, repository.DefaultRemoteWorkers)
	}

	// Concurrent Fetch calls share the downloads.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.remote.Fetch(ctx, second)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for p, n := range perPath {
		if n != 1 {
			t.Errorf("%s downloaded %d times", p, n)
		}
	}
	if n := len(first) + len(second); len(perPath) != n || len(e.pulledSorted()) != n {
		t.Errorf("%d downloads, %d pulled; want %d", len(perPath), len(e.pulledSorted()), n)
	}
}

// PreferCache answers locked versions the cache holds without the remote.
func TestPreferCache(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "foo", version: "1.0.0"})
	tr.push(pkgSpec{name: "foo", version: "1.0.1"})
	tr.push(pkgSpec{name: "bar", version: "2.0.0"})
	ctx := context.Background()
	e := newRemoteEnv(t, tr, clientOpts{})
	if err := e.remote.Fetch(ctx, []repository.NodeRef{ref("acme", "foo", "1.0.0")}); err != nil {
		t.Fatal(err)
	}
	e = newRemoteEnv(t, tr, clientOpts{home: e.home})
	tr.resetCounts()
	repo := repository.PreferCache(e.cache, e.remote, []repository.NodeRef{ref("acme", "foo", "1.0.0"), ref("acme", "bar", "2.0.0")})
	vs, err := repo.Versions(ctx, "acme", "foo")
	if err != nil || !slices.Equal(versionStrings(vs), []string{"1.0.0"}) {
		t.Errorf("Versions(foo) = %v, %v; want the cache's [1.0.0]", vs, err)
	}
	if _, err := repo.Package(ctx, "acme", "foo", version.MustParse("1.0.0")); err != nil {
		t.Fatal(err)
	}
	if err := repo.(repository.Fetcher).Fetch(ctx, []repository.NodeRef{ref("acme", "foo", "1.0.0")}); err != nil {
		t.Fatal(err)
	}
	if n := tr.count("/2.0/registry"); n != 0 {
		t.Errorf("%d requests for a locked, cached version: %v", n, tr.requests)
	}
	// bar is locked but not cached: the registry is asked.
	vs, err = repo.Versions(ctx, "acme", "bar")
	if err != nil || !slices.Equal(versionStrings(vs), []string{"2.0.0"}) {
		t.Errorf("Versions(bar) = %v, %v; want the registry's [2.0.0]", vs, err)
	}
	if tr.count("/2.0/registry") == 0 {
		t.Errorf("a locked version missing from the cache did not reach the registry")
	}
}

// Listing a package starts listing, in the background, the packages of
// its newest version's graph, which the resolution asks for next; a
// later request shares that answer.
func TestRemotePrefetchesGraph(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "leaf", version: "1.0.0"})
	tr.push(pkgSpec{name: "mid", version: "1.0.0", deps: [][3]string{{"acme", "leaf", "1.0.0"}}})
	tr.push(pkgSpec{name: "top", version: "1.0.0", deps: [][3]string{{"acme", "mid", "1.0.0"}}})
	tr.push(pkgSpec{name: "top", version: "2.0.0", deps: [][3]string{{"acme", "mid", "1.0.0"}, {"acme", "leaf", "1.0.0"}}})
	listed := make(chan string, 16)
	tr.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if r.Method == http.MethodGet && strings.Count(r.URL.Path, "/") == 5 { // /2.0/registry/packages/<org>/<name>
			listed <- r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		}
		return false
	})
	e := newRemoteEnv(t, tr, clientOpts{})
	ctx := context.Background()
	if _, err := e.remote.Versions(ctx, "acme", "top"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	timeout := time.After(10 * time.Second)
	for !seen["mid"] || !seen["leaf"] {
		select {
		case name := <-listed:
			seen[name] = true
		case <-timeout:
			t.Fatalf("listed %v; want mid and leaf listed without being asked", seen)
		}
	}
	for _, name := range []string{"mid", "leaf"} {
		vs, err := e.remote.Versions(ctx, "acme", name)
		if err != nil || !slices.Equal(versionStrings(vs), []string{"1.0.0"}) {
			t.Errorf("Versions(%s) = %v, %v", name, vs, err)
		}
	}
	tr.mu.Lock()
	n := slices.Index(tr.requests, "GET /2.0/registry/packages/acme/leaf")
	m := slices.Index(tr.requests[n+1:], "GET /2.0/registry/packages/acme/leaf")
	tr.mu.Unlock()
	if n < 0 || m >= 0 {
		t.Errorf("acme/leaf not listed exactly once")
	}
}

// A build's questions about cached versions read each version's
// package.json and dependency-graph.json once: PreferCache's "is it
// cached?" test, Versions, Package (asked twice, as the resolution may)
// and Fetch share what the cache read.
func TestPreferCacheReadsEachVersionOnce(t *testing.T) {
	tr := newTestRegistry(t)
	var locked []repository.NodeRef
	for i := range 5 {
		name := fmt.Sprintf("p%d", i)
		tr.push(pkgSpec{name: name, version: "1.0.0"})
		locked = append(locked, ref("acme", name, "1.0.0"))
	}
	ctx := context.Background()
	e := newRemoteEnv(t, tr, clientOpts{})
	if err := e.remote.Fetch(ctx, locked); err != nil {
		t.Fatal(err)
	}

	// The next build, inside the 24-hour window.
	e = newRemoteEnv(t, tr, clientOpts{home: e.home})
	tr.resetCounts()
	repo := repository.PreferCache(e.cache, e.remote, locked)
	for _, l := range locked {
		vs, err := repo.Versions(ctx, l.Org, l.Name)
		if err != nil || len(vs) != 1 {
			t.Fatalf("Versions(%s) = %v, %v", l.Name, vs, err)
		}
		for range 2 {
			if p, err := repo.Package(ctx, l.Org, l.Name, l.Version); err != nil || p.ID() != l.String() {
				t.Fatalf("Package(%s) = %v, %v", l, p, err)
			}
		}
	}
	if err := repo.(repository.Fetcher).Fetch(ctx, locked); err != nil {
		t.Fatal(err)
	}
	if pj, graph := repository.ReadCounts(e.cache); pj != 5 || graph != 5 {
		t.Errorf("read package.json %d times and dependency-graph.json %d times for 5 versions, want 5 and 5", pj, graph)
	}
	if n := tr.count("/2.0/registry"); n != 0 {
		t.Errorf("%d requests", n)
	}

	// The update check: the registry is asked, the cache read once more
	// for nothing.
	e = newRemoteEnv(t, tr, clientOpts{home: e.home})
	for _, l := range locked {
		if _, err := e.remote.Versions(ctx, l.Org, l.Name); err != nil {
			t.Fatal(err)
		}
		if _, err := e.remote.Package(ctx, l.Org, l.Name, l.Version); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.remote.Fetch(ctx, locked); err != nil {
		t.Fatal(err)
	}
	if pj, graph := repository.ReadCounts(e.cache); pj != 5 || graph != 5 {
		t.Errorf("update check: read package.json %d times and dependency-graph.json %d times for 5 versions, want 5 and 5", pj, graph)
	}
}

// The resolve-dependencies entries of the packages listed while a request
// is in flight go together in the next request, and versions the cache
// lacks are described without requests of their own.
func TestRemoteBatchesResolveDependencies(t *testing.T) {
	tr := newTestRegistry(t)
	tr.push(pkgSpec{name: "leaf", version: "1.0.0"})
	var topDeps [][3]string
	for i := range 10 {
		name := fmt.Sprintf("mid%d", i)
		tr.push(pkgSpec{name: name, version: "1.0.0", deps: [][3]string{{"acme", "leaf", "1.0.0"}}})
		tr.push(pkgSpec{name: name, version: "1.1.0", deps: [][3]string{{"acme", "leaf", "1.0.0"}}})
		topDeps = append(topDeps, [3]string{"acme", name, "1.1.0"})
	}
	tr.push(pkgSpec{name: "top", version: "1.0.0", deps: topDeps})

	var e *remoteEnv
	var (
		mu       sync.Mutex
		requests [][]string // the packages of each resolve-dependencies request
		held     int        // middle-layer packages in requests held
		gate     = make(chan struct{})
		opened   bool
	)
	tr.setFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
		if !strings.HasSuffix(r.URL.Path, "/resolve-dependencies") {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req struct {
			Packages []struct{ OrgName, Name string }
		}
		if err := json.Unmarshal(body, &req); err != nil {
			panic(err)
		}
		var pkgs []string
		mids := 0
		for _, p := range req.Packages {
			if !slices.Contains(pkgs, p.Name) {
				pkgs = append(pkgs, p.Name)
				if strings.HasPrefix(p.Name, "mid") {
					mids++
				}
			}
		}
		mu.Lock()
		requests = append(requests, pkgs)
		hold := mids > 0 && !opened
		if hold {
			held += mids
		}
		mu.Unlock()
		if !hold {
			return false
		}
		// Hold the first requests of the middle layer until the rest of
		// it is queued behind them (not a timing assertion: the counts
		// below fail if it never is).
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			_, queued := repository.ResolveRequests(e.remote)
			mu.Lock()
			if !opened && held+queued >= 10 {
				opened = true
				close(gate)
			}
			done := opened
			mu.Unlock()
			if done {
				break
			}
		}
		return false
	})
	e = newRemoteEnv(t, tr, clientOpts{})
	tr.resetCounts()
	ctx := context.Background()

	// As a resolution asks: the top package, then its dependencies.
	names := []string{"top"}
	for i := range 10 {
		names = append(names, fmt.Sprintf("mid%d", i))
	}
	names = append(names, "leaf")
	for _, name := range names {
		vs, err := e.remote.Versions(ctx, "acme", name)
		if err != nil || len(vs) == 0 {
			t.Fatalf("Versions(%s) = %v, %v", name, vs, err)
		}
		for _, v := range vs {
			p, err := e.remote.Package(ctx, "acme", name, v)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(name, "mid") && (len(p.Graph) != 2 || p.Graph[1].Name != "leaf") {
				t.Errorf("%s graph %+v, want leaf", p.ID(), p.Graph)
			}
			if !p.HasModule(name) {
				t.Errorf("%s lacks its default module", p.ID())
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	sent, _ := repository.ResolveRequests(e.remote)
	// top; the middle layer's first requests (at most one per sender);
	// the rest of it in one; leaf, alone or with them.
	if limit := 3 + repository.MaxResolveSenders; len(requests) > limit || sent != len(requests) {
		t.Errorf("%d resolve-dependencies requests (%d sent) for 12 packages, want at most %d: %v", len(requests), sent, limit, requests)
	}
	select {
	case <-gate:
	default:
		t.Fatalf("the middle layer was never all queued or in flight: %v", requests)
	}
	biggest := 0
	for _, r := range requests {
		biggest = max(biggest, len(r))
	}
	if biggest < 10-held {
		t.Errorf("requests %v: the middle layer was not batched (%d held, largest request %d)", requests, held, biggest)
	}
	if n := tr.count("GET /2.0/registry/packages/acme/"); n != 12 {
		t.Errorf("%d GET requests for 12 packages, want their 12 lists only: %v", n, tr.requests)
	}
}
