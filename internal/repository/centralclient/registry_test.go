package centralclient

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/blob/fsblob"
	"github.com/balcentral/balcentral/internal/registry"
	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// realRegistry is an in-process `central` over SQLite and a blob
// directory in a temporary directory.
type realRegistry struct {
	t    *testing.T
	meta store.Store
	base string // the API base URL, …/2.0/registry
}

func startRegistry(t *testing.T) *realRegistry {
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
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &realRegistry{t: t, meta: meta, base: hs.URL + "/2.0/registry"}
}

// user creates a user with a token of the default scopes and returns the
// token's secret.
func (r *realRegistry) user(name string) (*store.User, string) {
	r.t.Helper()
	ctx := context.Background()
	u := &store.User{Username: name}
	if err := r.meta.CreateUser(ctx, u); err != nil {
		r.t.Fatal(err)
	}
	tok, err := credential.NewToken()
	if err != nil {
		r.t.Fatal(err)
	}
	st := &store.Token{UserID: u.ID, Name: "test", Prefix: tok.Prefix, Hash: tok.Hash,
		Scopes: registry.DefaultTokenScopes, ExpiresAt: time.Now().Add(time.Hour)}
	if err := r.meta.CreateToken(ctx, st); err != nil {
		r.t.Fatal(err)
	}
	return u, tok.Secret
}

func (r *realRegistry) org(name string, owner *store.User) {
	r.t.Helper()
	if err := r.meta.CreateOrg(context.Background(), &store.Org{Name: name}, owner.ID); err != nil {
		r.t.Fatal(err)
	}
}

func TestAgainstRealRegistry(t *testing.T) {
	reg := startRegistry(t)
	alice, aliceToken := reg.user("alice")
	reg.org("acme", alice)
	ctx := context.Background()
	c, _ := newTestClient(t, reg.base, func(o *Options) { o.Token = aliceToken })

	// Push pre-check: an unknown version is ErrNotFound.
	if _, err := c.Package(ctx, "acme", "hello", "1.0.0"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Package before push: %v", err)
	}
	if vs, err := c.Versions(ctx, "acme", "hello"); err != nil || len(vs) != 0 {
		t.Fatalf("Versions before push = %v, %v", vs, err)
	}

	// Push, with a digest starting with zeros, and push again.
	data := zeroDigestBala(t, "acme", "hello", "1.0.0", "any")
	balaPath := filepath.Join(t.TempDir(), "acme-hello-any-1.0.0.bala")
	if err := os.WriteFile(balaPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var pushed int64
	if err := c.Push(ctx, balaPath, func(done, total int64) { pushed = done }); err != nil {
		t.Fatal(err)
	}
	if pushed != int64(len(data)) {
		t.Errorf("push progress ended at %d of %d", pushed, len(data))
	}
	err := c.Push(ctx, balaPath, nil)
	var e *Error
	if !errors.Is(err, ErrExists) || !errors.As(err, &e) || e.Status != 400 {
		t.Fatalf("second push: %v", err)
	}
	if err := c.Push(ctx, writeBalaFile(t, makeBala(t, "acme", "hello", "1.1.0", "java21", "")), nil); err != nil {
		t.Fatal(err)
	}

	// Reads.
	if vs, err := c.Versions(ctx, "acme", "hello"); err != nil || !reflect.DeepEqual(vs, []string{"1.1.0", "1.0.0"}) {
		t.Errorf("Versions = %v, %v", vs, err)
	}
	p, err := c.Package(ctx, "acme", "hello", "1.0.0")
	if err != nil || p.Organization != "acme" || p.Name != "hello" || p.Version != "1.0.0" || p.Platform != "any" || p.IsDeprecated {
		t.Fatalf("Package = %+v, %v", p, err)
	}
	if p, err := c.Package(ctx, "acme", "hello", ""); err != nil || p.Version != "1.1.0" {
		t.Errorf("latest = %+v, %v", p, err)
	}
	res, err := c.Search(ctx, "hel")
	if err != nil || res.Count != 1 || len(res.Packages) != 1 || res.Packages[0].Version != "1.1.0" {
		t.Errorf("Search = %+v, %v", res, err)
	}

	// Pull both versions into a fresh cache.
	repo := filepath.Join(t.TempDir(), "repositories", "127.0.0.1_1")
	pr, err := c.Pull(ctx, PullRequest{Org: "acme", Name: "hello", Version: "1.0.0", RepoDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Version != "1.0.0" || pr.Platform != "any" || pr.Dir != filepath.Join(repo, "bala", "acme", "hello", "1.0.0", "any") {
		t.Errorf("Pull = %+v", pr)
	}
	if _, err := os.Stat(filepath.Join(pr.Dir, "package.json")); err != nil {
		t.Error(err)
	}
	if pr, err := c.Pull(ctx, PullRequest{Org: "acme", Name: "hello", RepoDir: repo}); err != nil || pr.Version != "1.1.0" || pr.Platform != "java21" {
		t.Errorf("Pull latest = %+v, %v", pr, err)
	}

	// Resolution.
	deps, err := c.ResolveDependencies(ctx, []DependencyRequest{{Org: "acme", Name: "hello", Version: "1.0.0", Mode: "soft"}, {Org: "acme", Name: "nope", Mode: "soft"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(deps.Resolved) != 1 || deps.Resolved[0].Version != "1.1.0" || len(deps.Unresolved) != 1 || deps.Unresolved[0].Name != "nope" {
		t.Errorf("ResolveDependencies = %+v", deps)
	}
	mods, err := c.ResolveModules(ctx, []ModuleRequest{{Org: "acme", Module: "hello", Mode: "soft"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(mods.ResolvedModules) != 1 || mods.ResolvedModules[0].PackageName != "hello" {
		t.Errorf("ResolveModules = %+v", mods)
	}

	// Deprecation: the next pull of an installed version writes
	// deprecated.txt; undoing removes it.
	dp, err := c.Deprecate(ctx, "acme", "hello", "1.0.0", `use "world"`, false)
	if err != nil || !dp.IsDeprecated || dp.DeprecateMessage != `use "world"` {
		t.Fatalf("Deprecate = %+v, %v", dp, err)
	}
	pr, err = c.Pull(ctx, PullRequest{Org: "acme", Name: "hello", Version: "1.0.0", RepoDir: repo})
	if !errors.Is(err, ErrExists) || pr == nil || !pr.Deprecated {
		t.Fatalf("Pull after deprecation = %+v, %v", pr, err)
	}
	if b, err := os.ReadFile(filepath.Join(pr.Dir, "deprecated.txt")); err != nil || string(b) != `use "world"` {
		t.Errorf("deprecated.txt = %q, %v", b, err)
	}
	if dp, err := c.Deprecate(ctx, "acme", "hello", "1.0.0", "", true); err != nil || dp.IsDeprecated {
		t.Fatalf("undo = %+v, %v", dp, err)
	}
	if _, err := c.Pull(ctx, PullRequest{Org: "acme", Name: "hello", Version: "1.0.0", RepoDir: repo}); !errors.Is(err, ErrExists) {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pr.Dir, "deprecated.txt")); !os.IsNotExist(err) {
		t.Errorf("deprecated.txt after undo: %v", err)
	}

	// Another user may not publish to acme; a bad token is unauthorized.
	_, bobToken := reg.user("bob")
	bob, _ := newTestClient(t, reg.base, func(o *Options) { o.Token = bobToken })
	err = bob.Push(ctx, writeBalaFile(t, makeBala(t, "acme", "hello", "2.0.0", "any", "")), nil)
	if !errors.As(err, &e) || e.Status < 400 || errors.Is(err, ErrExists) {
		t.Errorf("push by a non-member: %v", err)
	}
	bad, _ := newTestClient(t, reg.base, func(o *Options) { o.Token = "bct_not-a-real-token" })
	if _, err := bad.Versions(ctx, "acme", "hello"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.Pull(ctx, PullRequest{Org: "acme", Name: "hello", Version: "9.9.9", RepoDir: repo}); !errors.Is(err, ErrNotFound) {
		t.Errorf("pull of a missing version: %v", err)
	}
}
