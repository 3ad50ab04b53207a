package centralclient

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// installedTree is what a pull of acme/hello:1.2.3 for "any" leaves.
var installedTree = []string{
	"bala/",
	"bala/acme/",
	"bala/acme/hello/",
	"bala/acme/hello/1.2.3/",
	"bala/acme/hello/1.2.3/any/",
	"bala/acme/hello/1.2.3/any/bala.json",
	"bala/acme/hello/1.2.3/any/dependency-graph.json",
	"bala/acme/hello/1.2.3/any/docs/",
	"bala/acme/hello/1.2.3/any/docs/README.md",
	"bala/acme/hello/1.2.3/any/modules/",
	"bala/acme/hello/1.2.3/any/modules/hello/",
	"bala/acme/hello/1.2.3/any/modules/hello/hello.bal",
	"bala/acme/hello/1.2.3/any/package.json",
}

func TestPullLeadingZeroDigest(t *testing.T) {
	b := zeroDigestBala(t, "acme", "hello", "1.2.3", "any")
	if !strings.HasPrefix(sha256Hex(b), "00") || strings.HasPrefix(javaHex(b), "0") {
		t.Fatalf("test bala digest %s / %s", sha256Hex(b), javaHex(b))
	}
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	c, _ := newTestClient(t, f.base())
	repo := filepath.Join(t.TempDir(), "repo") // does not exist yet
	var mu sync.Mutex
	var last, total int64 = -2, -2
	calls := 0
	res, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo,
		Progress: func(done, tot int64) {
			mu.Lock()
			defer mu.Unlock()
			if done < last {
				t.Errorf("progress went back from %d to %d", last, done)
			}
			last, total = done, tot
			calls++
		}})
	if err != nil {
		t.Fatal(err)
	}
	want := &PullResult{Version: "1.2.3", Platform: "any", Dir: filepath.Join(repo, "bala", "acme", "hello", "1.2.3", "any")}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("result %+v, want %+v", res, want)
	}
	if got := tree(t, repo); !reflect.DeepEqual(got, installedTree) {
		t.Errorf("repository holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(installedTree, "\n"))
	}
	if last != int64(len(b)) || total != int64(len(b)) || calls < 2 {
		t.Errorf("last progress %d/%d after %d calls, want %d/%d", last, total, calls, len(b), len(b))
	}
	for _, p := range []string{"bala", "bala/acme", "bala/acme/hello", "bala/acme/hello/1.2.3", "bala/acme/hello/1.2.3/any"} {
		fi, err := os.Stat(filepath.Join(repo, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o755 {
			t.Errorf("%s has mode %v, want 0755", p, fi.Mode().Perm())
		}
	}
	// Both requests carried the headers, Authorization included (same host).
	reqs := f.recorded()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, r := range reqs {
		h := r.Header
		if h.Get("Ballerina-Platform") != "java21,java17,java11" || h.Get("User-Agent") != "2201.13.0" ||
			h.Get("Authorization") != "Bearer "+testToken || h.Get("Accept-Encoding") != "identity" {
			t.Errorf("request %d headers %v", i, h)
		}
	}
	if a := reqs[0].Header.Get("Accept"); a != "application/octet-stream" {
		t.Errorf("pull Accept %q", a)
	}
	if reqs[0].URL.Path != "/2.0/registry/packages/acme/hello/1.2.3" {
		t.Errorf("pull path %s", reqs[0].URL.Path)
	}
	if cd := reqs[1].Header.Get("Content-Disposition"); cd != "attachment; filename=acme-hello-any-1.2.3.bala" {
		t.Errorf("download Content-Disposition %q", cd)
	}
}

func TestPullLatestAsksForStar(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "java21", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "java21", b)
	c, _ := newTestClient(t, f.base())
	for _, v := range []string{"", "*"} {
		repo := t.TempDir()
		res, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: v, RepoDir: repo})
		if err != nil {
			t.Fatal(err)
		}
		if res.Version != "1.2.3" || res.Platform != "java21" {
			t.Errorf("Pull(%q) = %+v", v, res)
		}
	}
	for _, r := range f.recorded() {
		if strings.HasPrefix(r.URL.Path, "/2.0/") && r.URL.Path != "/2.0/registry/packages/acme/hello/*" {
			t.Errorf("pull path %s, want .../*", r.URL.Path)
		}
	}
}

func TestPullDigestMismatchLeavesNothing(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.digest = "sha-256=" + sha256Hex([]byte("something else"))
	c, _ := newTestClient(t, f.base())
	repo := filepath.Join(t.TempDir(), "repo")
	_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
	var e *Error
	if !errors.Is(err, ErrDigestMismatch) || !errors.As(err, &e) || e.Op != "download" {
		t.Fatalf("err = %v, want a download *Error wrapping ErrDigestMismatch", err)
	}
	if !strings.Contains(err.Error(), "digest mismatch for acme-hello-any-1.2.3.bala") || !strings.Contains(err.Error(), sha256Hex(b)) {
		t.Errorf("message %q", err)
	}
	if got := tree(t, repo); got != nil {
		t.Errorf("repository left with %v", got)
	}

	// An existing repository keeps what it had, and nothing more.
	repo = t.TempDir()
	other := filepath.Join(repo, "bala", "acme", "other", "1.0.0", "any")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(other, "package.json"), []byte("{}"), 0o644)
	before := tree(t, repo)
	if _, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo}); !errors.Is(err, ErrDigestMismatch) {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, repo); !reflect.DeepEqual(got, before) {
		t.Errorf("repository changed from %v to %v", before, got)
	}
}

func TestPullWithoutDigestIsRefused(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.digest = "-"
	c, _ := newTestClient(t, f.base())
	repo := filepath.Join(t.TempDir(), "repo")
	_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
	if !errors.Is(err, ErrDigestMismatch) || !strings.Contains(err.Error(), "sent no sha-256 digest") {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, repo); got != nil {
		t.Errorf("repository left with %v", got)
	}
	if n := len(f.recorded()); n != 1 {
		t.Errorf("%d requests: the bala was downloaded anyway", n)
	}
}

func TestPullDigestForms(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	full := sha256Hex(b)
	for _, d := range []string{
		"sha-256=" + full,
		"SHA-256=" + strings.ToUpper(full),
		"md5=abc, sha-256=" + javaHex(b),
		"sha-256=" + "000" + javaHex(b),
	} {
		f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
		f.digest = d
		c, _ := newTestClient(t, f.base())
		if _, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: t.TempDir()}); err != nil {
			t.Errorf("digest %q: %v", d, err)
		}
	}
}

func TestPullCutMidBodyLeavesNothingThenSucceeds(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.dropDownloads = 2 // the attempt and its retry
	c, log := newTestClient(t, f.base())
	repo := filepath.Join(t.TempDir(), "repo")
	req := PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo}
	_, err := c.Pull(context.Background(), req)
	var e *Error
	if !errors.Is(err, ErrConnection) || !errors.As(err, &e) || e.Op != "download" || e.Status != 200 {
		t.Fatalf("err = %#v (%v), want a download *Error wrapping ErrConnection", err, err)
	}
	if got := tree(t, repo); got != nil {
		t.Errorf("repository left with %v", got)
	}
	if _, retries := log.get(); len(retries) != 1 || !strings.Contains(retries[0], "/packages/acme/hello/1.2.3 status=0 attempt=1 err=true") {
		t.Errorf("retries %q", retries)
	}
	// The server is back: pulling again works.
	if _, err := c.Pull(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, repo); !reflect.DeepEqual(got, installedTree) {
		t.Errorf("repository holds %v", got)
	}
}

func TestPullCutOnceIsRetried(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.dropDownloads = 1
	c, log := newTestClient(t, f.base())
	repo := t.TempDir()
	if _, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, repo); !reflect.DeepEqual(got, installedTree) {
		t.Errorf("repository holds %v", got)
	}
	if pulls, _ := f.stats(); pulls != 2 {
		t.Errorf("%d 302s served, want 2 (the retry starts over)", pulls)
	}
	if backoffs, _ := log.get(); !reflect.DeepEqual(backoffs, []int{1}) {
		t.Errorf("backoffs %v", backoffs)
	}
}

func TestPullStalledDownloadTimesOut(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.stallDownloads = true
	c, _ := newTestClient(t, f.base(), func(o *Options) { o.ReadTimeout = 200 * time.Millisecond; o.MaxRetries = 0 })
	repo := filepath.Join(t.TempDir(), "repo")
	_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
	if !errors.Is(err, ErrConnection) {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, repo); got != nil {
		t.Errorf("repository left with %v", got)
	}
}

func TestPullSlowButFlowingDownloadIsNotCut(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	const chunks = 100
	srv := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	// Replace the download with one that trickles: the whole transfer
	// takes two read timeouts or more, each chunk arrives 50 times faster
	// than one, so a loaded machine does not turn it into a stall.
	srv.download = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		step := len(b)/chunks + 1
		for i := 0; i < len(b); i += step {
			w.Write(b[i:min(i+step, len(b))])
			w.(http.Flusher).Flush()
			time.Sleep(10 * time.Millisecond)
		}
	}
	c, _ := newTestClient(t, srv.base(), func(o *Options) { o.ReadTimeout = 500 * time.Millisecond; o.MaxRetries = 0 })
	if _, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
}

func TestPullExistingUpdatesDeprecation(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	c, _ := newTestClient(t, f.base())
	repo := t.TempDir()
	req := PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo}
	if _, err := c.Pull(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	dep := filepath.Join(repo, "bala", "acme", "hello", "1.2.3", "any", "deprecated.txt")

	f.set(func(f *fakeCentral) { f.deprecated, f.depMsg = true, "use acme/world instead" })
	res, err := c.Pull(context.Background(), req)
	var e *Error
	if !errors.Is(err, ErrExists) || !errors.As(err, &e) || e.Op != "pull" {
		t.Fatalf("err = %v, want a pull *Error wrapping ErrExists", err)
	}
	wantMsg := "package already exists in the home repository: " + filepath.Join(repo, "bala", "acme", "hello", "1.2.3", "any")
	if e.Message != wantMsg {
		t.Errorf("message %q, want %q", e.Message, wantMsg)
	}
	if res == nil || !res.Deprecated || res.DeprecationMessage != "use acme/world instead" || res.Version != "1.2.3" {
		t.Errorf("result %+v", res)
	}
	if data, err := os.ReadFile(dep); err != nil || string(data) != "use acme/world instead" {
		t.Errorf("deprecated.txt = %q, %v", data, err)
	}
	if _, downloads := f.stats(); downloads != 1 {
		t.Errorf("%d downloads, want 1: an installed package is not downloaded again", downloads)
	}

	f.set(func(f *fakeCentral) { f.deprecated = false })
	if _, err := c.Pull(context.Background(), req); !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dep); !os.IsNotExist(err) {
		t.Errorf("deprecated.txt still there: %v", err)
	}
}

func TestPullDeprecatedWritesFile(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.deprecated, f.depMsg = true, "old"
	c, _ := newTestClient(t, f.base(), func(o *Options) { o.Distribution = "2201.13.0-SNAPSHOT" })
	repo := t.TempDir()
	res, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Deprecated || res.DeprecationMessage != "old" {
		t.Errorf("result %+v", res)
	}
	if data, err := os.ReadFile(filepath.Join(res.Dir, "deprecated.txt")); err != nil || string(data) != "old" {
		t.Errorf("deprecated.txt = %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(res.Dir, "nightly.build")); err != nil {
		t.Errorf("nightly.build: %v", err)
	}
}

func TestPullAddsPlatformToExistingVersion(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "java21", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "java21", b)
	c, _ := newTestClient(t, f.base())
	repo := t.TempDir()
	anyDir := filepath.Join(repo, "bala", "acme", "hello", "1.2.3", "any")
	if err := os.MkdirAll(anyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(anyDir, "package.json"), []byte("{}"), 0o644)
	res, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	if res.Platform != "java21" {
		t.Errorf("platform %q", res.Platform)
	}
	for _, p := range []string{"any/package.json", "java21/package.json"} {
		if _, err := os.Stat(filepath.Join(repo, "bala", "acme", "hello", "1.2.3", p)); err != nil {
			t.Error(err)
		}
	}
}

func TestPullConcurrentSameVersion(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	c, _ := newTestClient(t, f.base())
	repo := filepath.Join(t.TempDir(), "repo")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrExists):
		default:
			t.Errorf("pull: %v", err)
		}
	}
	if ok < 1 {
		t.Errorf("no pull installed the package")
	}
	if got := tree(t, repo); !reflect.DeepEqual(got, installedTree) {
		t.Errorf("repository holds\n%s", strings.Join(got, "\n"))
	}
}

func TestPullInvalidArchiveLeavesNothing(t *testing.T) {
	for name, data := range map[string][]byte{
		"not a zip":      []byte("this is not a zip archive at all"),
		"wrong identity": makeBala(t, "acme", "other", "1.2.3", "any", ""),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", data)
			c, _ := newTestClient(t, f.base())
			repo := filepath.Join(t.TempDir(), "repo")
			_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
			var e *Error
			if !errors.As(err, &e) || e.Op != "download" || e.Err != nil {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(e.Message, "acme-hello-any-1.2.3.bala") {
				t.Errorf("message %q", e.Message)
			}
			if got := tree(t, repo); got != nil {
				t.Errorf("repository left with %v", got)
			}
		})
	}
}

func TestPullErrorAnswers(t *testing.T) {
	type answer struct {
		status int
		body   string
	}
	cases := []struct {
		name    string
		pull    answer
		wantErr error
		wantMsg string
		text    string
	}{
		{"not found", answer{404, `{"message":"package not found: acme/hello:*_any"}`}, ErrNotFound,
			"package not found: acme/hello:*_any", "GET {base}/packages/acme/hello/*: 404: package not found: acme/hello:*_any"},
		{"unauthorized", answer{401, `{"message":"invalid token"}`}, ErrUnauthorized, "invalid token",
			"GET {base}/packages/acme/hello/*: 401: invalid token"},
		{"bad request", answer{400, `{"message":"invalid version"}`}, nil, "invalid version",
			"GET {base}/packages/acme/hello/*: 400: invalid version"},
		{"server error", answer{500, `{"message":"boom"}`}, nil, "boom", "GET {base}/packages/acme/hello/*: 500: boom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.pull.status)
				w.Write([]byte(tc.pull.body))
			})
			c, _ := newTestClient(t, srv.URL+"/2.0/registry", func(o *Options) { o.MaxRetries = 0 })
			repo := filepath.Join(t.TempDir(), "repo")
			_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", RepoDir: repo})
			var e *Error
			if !errors.As(err, &e) || e.Op != "pull" || e.Status != tc.pull.status || e.Message != tc.wantMsg || e.Err != tc.wantErr {
				t.Fatalf("err = %#v", err)
			}
			if want := strings.ReplaceAll(tc.text, "{base}", srv.URL+"/2.0/registry"); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if tree(t, repo) != nil {
				t.Errorf("repository created")
			}
		})
	}
}

func TestPullMissingLocation(t *testing.T) {
	srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })
	c, _ := newTestClient(t, srv.URL+"/2.0/registry")
	_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.0.0", RepoDir: t.TempDir()})
	var e *Error
	if !errors.As(err, &e) || e.Message != "bala file location is missing." || e.Status != 302 {
		t.Fatalf("err = %v", err)
	}
}

func TestPullDownloadFailures(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	for _, tc := range []struct {
		name   string
		status int
		body   string
		msg    string
	}{
		{"gone", 404, `{"message":"package not found: acme/hello:1.2.3"}`, "package not found: acme/hello:1.2.3"},
		{"empty", 200, "", "invalid response from the server, please try again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
			f.download = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", itoa(len(tc.body)))
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}
			c, _ := newTestClient(t, f.base())
			repo := filepath.Join(t.TempDir(), "repo")
			_, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo})
			var e *Error
			if !errors.As(err, &e) || e.Op != "download" || e.Status != tc.status || e.Message != tc.msg {
				t.Fatalf("err = %v", err)
			}
			if !strings.HasPrefix(e.URL, f.srv.URL+"/dl/acme/hello/1.2.3/") {
				t.Errorf("URL %q", e.URL)
			}
			if tree(t, repo) != nil {
				t.Errorf("repository created")
			}
		})
	}
}

func TestPullRefusesBadNames(t *testing.T) {
	c, _ := newTestClient(t, "http://127.0.0.1:1/2.0/registry")
	for _, req := range []PullRequest{
		{Org: "..", Name: "x", RepoDir: t.TempDir()},
		{Org: "acme", Name: "../../etc", RepoDir: t.TempDir()},
		{Org: "acme", Name: "hello", Version: "1.0", RepoDir: t.TempDir()},
		{Org: "acme", Name: "hello"},
	} {
		if _, err := c.Pull(context.Background(), req); err == nil {
			t.Errorf("Pull(%+v) succeeded", req)
		}
	}
}

func TestFileNamePlatform(t *testing.T) {
	for _, tc := range []struct{ file, org, name, ver, want string }{
		{"foo-sf-any-1.3.5.bala", "foo", "sf", "1.3.5", "any"},
		{"sf-2020r2-any-1.3.5.bala", "wso2", "sf", "1.3.5", "any"},
		{"acme-hello-java21-1.0.0+b1.bala", "acme", "hello", "1.0.0+b1", "java21"},
		{"fo-fo-java17-0.1.0.bala", "fo", "fo", "0.1.0", "java17"},
		{"acme-hello-1.0.0.bala", "acme", "hello", "1.0.0", ""},
		{"acme-hello-../x-1.0.0.bala", "acme", "hello", "1.0.0", ""},
	} {
		got, ok := fileNamePlatform(tc.file, tc.org, tc.name, tc.ver)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("fileNamePlatform(%q) = %q, %v; want %q", tc.file, got, ok, tc.want)
		}
	}
}

func TestDispositionFileName(t *testing.T) {
	for cd, want := range map[string]string{
		"attachment; filename=foo-sf-any-1.3.5.bala":       "foo-sf-any-1.3.5.bala",
		`attachment; filename="foo-sf-any-1.3.5.bala"`:     "foo-sf-any-1.3.5.bala",
		"attachment; filename=../../etc/passwd":            "",
		"attachment; filename=.hidden.bala":                "",
		"inline":                                           "",
		`attachment; filename="a\\b.bala"`:                 "",
		"attachment; filename=acme-hello-any-1.0.0+x.bala": "acme-hello-any-1.0.0+x.bala",
	} {
		got, ok := dispositionFileName(cd)
		if got != want || ok != (want != "") {
			t.Errorf("dispositionFileName(%q) = %q, %v; want %q", cd, got, ok, want)
		}
	}
}

func TestSameDigest(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"00ab", "ab", true},
		{"AB", "0ab", true},
		{"0", "0000", true},
		{"ab", "abc", false},
		{"1ab", "ab", false},
	} {
		if got := sameDigest(tc.a, tc.b); got != tc.want {
			t.Errorf("sameDigest(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// A download of unannounced size goes through a temporary file (one of
// known size is kept in memory): both install the same tree and leave
// nothing else.
func TestPullWithoutContentLength(t *testing.T) {
	b := makeBala(t, "acme", "hello", "1.2.3", "any", "")
	f := newFakeCentral(t, "acme", "hello", "1.2.3", "any", b)
	f.set(func(f *fakeCentral) {
		f.download = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush() // chunked: no Content-Length
			w.Write(b)
		}
	})
	c, _ := newTestClient(t, f.base())
	repo := filepath.Join(t.TempDir(), "repo")
	if _, err := c.Pull(context.Background(), PullRequest{Org: "acme", Name: "hello", Version: "1.2.3", RepoDir: repo}); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, repo); !reflect.DeepEqual(got, installedTree) {
		t.Errorf("repository holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(installedTree, "\n"))
	}
}
