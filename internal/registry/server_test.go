package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func testLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testConfig returns a configuration on a free loopback port with a data
// directory that does not exist yet.
func testConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.ShutdownTimeout = 5 * time.Second
	return cfg
}

// started is a server run by startRun.
type started struct {
	url    string      // from the "listening on" line
	lines  chan string // later stdout lines
	done   chan error  // Run's result
	cancel context.CancelFunc
}

var listeningLine = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:([0-9]+))$`)

// startRun runs Run in the background and waits for the "listening on"
// line; every line before it is returned as well.
func startRun(t *testing.T, cfg Config, opts RunOptions) (*started, []string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	opts.Stdout = pw
	if opts.Log == nil {
		opts.Log = testLogger()
	}
	s := &started{lines: make(chan string, 100), done: make(chan error, 1), cancel: cancel}
	go func() {
		err := Run(ctx, cfg, opts)
		pw.Close()
		s.done <- err
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	var before []string
	for line := range s.lines {
		if m := listeningLine.FindStringSubmatch(line); m != nil {
			if m[2] == "0" {
				t.Fatalf("listening line %q shows port 0, want the bound port", line)
			}
			s.url = m[1]
			return s, before
		}
		before = append(before, line)
	}
	t.Fatalf("Run ended without a listening line (stdout %q): %v", before, <-s.done)
	return nil, nil
}

// stop cancels the run and returns Run's result and the rest of stdout.
func (s *started) stop(t *testing.T) ([]string, error) {
	t.Helper()
	s.cancel()
	var rest []string
	for line := range s.lines {
		rest = append(rest, line)
	}
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return rest, err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
		return nil, nil
	}
}

func getHealth(t *testing.T, base string) {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET %s/healthz: %v", base, err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decode /healthz body: %v", err)
	}
	if resp.StatusCode != http.StatusOK || body["status"] != "ok" {
		t.Fatalf("GET /healthz = %d %v, want 200 status ok", resp.StatusCode, body)
	}
}

func TestHealthz(t *testing.T) {
	srv := httptestServer(t, NewServer(Config{}, Storage{}, testLogger()).Handler())
	resp, err := http.Get(srv + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz status = %d, want 200", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET /healthz Content-Type = %q, want application/json", ct)
	}
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decode body: %v", err)
	}
	if body["status"] != "ok" {
		t.Errorf("GET /healthz body = %v, want status ok", body)
	}
	resp2, err := http.Post(srv+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz status = %d, want 405", resp2.StatusCode)
	}
}

// httptestServer serves h on a loopback port until the test ends.
func httptestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestRunListensAndStops: the one stdout line with the real port, a
// working /healthz, the data directory laid out, and a clean stop.
func TestRunListensAndStops(t *testing.T) {
	cfg := testConfig(t)
	s, before := startRun(t, cfg, RunOptions{})
	if len(before) != 0 {
		t.Errorf("stdout before the listening line: %q, want nothing", before)
	}
	getHealth(t, s.url)

	fi, err := os.Stat(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != DataDirMode {
		t.Errorf("data directory mode = %v, want %v", fi.Mode().Perm(), DataDirMode)
	}
	if fi, err := os.Stat(filepath.Join(cfg.DataDir, "blobs", "sha256")); err != nil || !fi.IsDir() {
		t.Errorf("blob store not created under data/blobs: %v", err)
	}
	ents, err := os.ReadDir(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch e.Name() {
		case "blobs", DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm":
		default:
			t.Errorf("data directory holds %s, want only blobs and the database (is the write test removed?)", e.Name())
		}
	}

	rest, err := s.stop(t)
	if err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if len(rest) != 0 {
		t.Errorf("stdout after the listening line: %q, want nothing", rest)
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestRunRemovesUploadLeftovers(t *testing.T) {
	cfg := testConfig(t)
	leftover := filepath.Join(cfg.DataDir, "blobs", "tmp", "put-1234")
	if err := os.MkdirAll(filepath.Dir(leftover), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(leftover, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	startRun(t, cfg, RunOptions{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover upload still there after start: %v", err)
	}
	if !strings.Contains(logs.String(), "removed the remains of interrupted uploads") {
		t.Errorf("logs do not mention the removed leftovers:\n%s", logs.String())
	}
}

func TestRunDataDirErrors(t *testing.T) {
	const hint = " (set --data or CENTRAL_DATA to a writable directory)"
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data, want string
	}{
		{"a file", file, "cannot create the data directory " + file + ": not a directory" + hint},
		{"under a file", filepath.Join(file, "data"), "cannot create the data directory " + filepath.Join(file, "data") + ": not a directory" + hint},
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "read-only")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		tests = append(tests,
			struct{ name, data, want string }{"read-only", ro, "the data directory " + ro + " is not writable: permission denied" + hint},
			struct{ name, data, want string }{"under read-only", filepath.Join(ro, "data"), "cannot create the data directory " + filepath.Join(ro, "data") + ": permission denied" + hint},
		)
	} else {
		t.Log("running as root, which may write anywhere: the read-only directory cases cannot fail and are left out")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.DataDir = tt.data
			var out bytes.Buffer
			err := Run(context.Background(), cfg, RunOptions{Stdout: &out, Log: testLogger()})
			if err == nil || err.Error() != tt.want {
				t.Errorf("Run with data %s: error = %v\nwant %s", tt.data, err, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
		})
	}
}

func TestRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig(t)
	cfg.Addr = ln.Addr().String()
	var out bytes.Buffer
	err = Run(context.Background(), cfg, RunOptions{Stdout: &out, Log: testLogger()})
	want := fmt.Sprintf("cannot listen on %s: bind: address already in use (set --addr or CENTRAL_ADDR to a free host:port; port 0 picks one)", cfg.Addr)
	if err == nil || err.Error() != want {
		t.Errorf("Run on a busy port: error = %v\nwant %s", err, want)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := testConfig(t)
	var out bytes.Buffer
	if err := Run(ctx, cfg, RunOptions{Stdout: &out}); err != nil {
		t.Errorf("Run with a cancelled context = %v, want nil", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
}

// serveWithSlowRoute starts s on a loopback port with an extra route that
// blocks until release is closed (or the request is cancelled).
func serveWithSlowRoute(t *testing.T, timeout time.Duration, logs io.Writer) (base string, started, release chan struct{}, cancel context.CancelFunc, done chan error) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.ShutdownTimeout = timeout
	s := NewServer(cfg, Storage{}, slog.New(slog.NewTextHandler(logs, nil)))
	started = make(chan struct{}, 1)
	release = make(chan struct{})
	s.mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-release:
			io.WriteString(w, "done")
		case <-r.Context().Done():
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var ctx context.Context
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(cancel)
	return "http://" + ln.Addr().String(), started, release, cancel, done
}

func TestServeDrainsRequestsInFlight(t *testing.T) {
	var logs syncBuffer
	base, started, release, cancel, done := serveWithSlowRoute(t, 10*time.Second, &logs)
	type result struct {
		body string
		err  error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		resc <- result{string(b), err}
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Serve returned %v while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	// New connections are refused while draining.
	if _, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", strings.TrimPrefix(base, "http://")); err == nil {
		t.Error("a new connection was accepted during the drain")
	}
	close(release)
	if r := <-resc; r.err != nil || r.body != "done" {
		t.Errorf("request in flight at shutdown: body %q, error %v; want it to complete", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve after drain = %v, want nil", err)
	}
	if strings.Contains(logs.String(), "cut off") {
		t.Errorf("logs report cut-off requests after a complete drain:\n%s", logs.String())
	}
}

func TestServeCutsOffAtTimeout(t *testing.T) {
	var logs syncBuffer
	base, started, _, cancel, done := serveWithSlowRoute(t, 100*time.Millisecond, &logs)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		errc <- err
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after a timed-out drain = %v, want nil (a requested stop)", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the shutdown timeout")
	}
	if err := <-errc; err == nil {
		t.Error("the request cut off at shutdown succeeded")
	}
	if !strings.Contains(logs.String(), "requests still running at the shutdown timeout were cut off") {
		t.Errorf("logs do not report the cut-off:\n%s", logs.String())
	}
}

func TestBootstrapper(t *testing.T) {
	cfg := testConfig(t)
	cfg.BootstrapToken = "bootstrap-token-0123456789"
	var calls int
	var got BootstrapEnv
	var servedDuringBootstrap error
	boot := BootstrapFunc(func(ctx context.Context, env BootstrapEnv) error {
		calls++
		got = env
		// Nothing is served yet: a request must not get an answer.
		c := &http.Client{Timeout: 300 * time.Millisecond}
		if resp, err := c.Get(env.URL + "/healthz"); err == nil {
			resp.Body.Close()
			servedDuringBootstrap = fmt.Errorf("GET /healthz answered %d during bootstrap", resp.StatusCode)
		}
		fmt.Fprintf(env.Out, "admin token: %s\n", env.Token)
		return nil
	})
	s, before := startRun(t, cfg, RunOptions{Bootstrapper: boot})
	if calls != 1 {
		t.Fatalf("Bootstrap called %d times, want 1", calls)
	}
	if servedDuringBootstrap != nil {
		t.Error(servedDuringBootstrap)
	}
	if got.URL != s.url {
		t.Errorf("BootstrapEnv.URL = %q, want the listening URL %q", got.URL, s.url)
	}
	if got.Token != cfg.BootstrapToken || got.DataDir != cfg.DataDir || got.Storage.Blobs == nil || got.Log == nil {
		t.Errorf("BootstrapEnv = %+v, want token, data directory, blob store and logger set", got)
	}
	if want := []string{"admin token: " + cfg.BootstrapToken}; strings.Join(before, "\n") != want[0] {
		t.Errorf("stdout before the listening line = %q, want %q", before, want)
	}
	getHealth(t, s.url)
}

func TestBootstrapperSeesPublicURL(t *testing.T) {
	cfg := testConfig(t)
	cfg.PublicURL = "https://central.example.com/registry"
	var url string
	startRun(t, cfg, RunOptions{Bootstrapper: BootstrapFunc(func(_ context.Context, env BootstrapEnv) error {
		url = env.URL
		return nil
	})})
	if url != cfg.PublicURL {
		t.Errorf("BootstrapEnv.URL = %q, want the public URL %q", url, cfg.PublicURL)
	}
}

func TestBootstrapperFailureStopsStart(t *testing.T) {
	cfg := testConfig(t)
	var addr string
	boot := BootstrapFunc(func(_ context.Context, env BootstrapEnv) error {
		addr = strings.TrimPrefix(env.URL, "http://")
		return errors.New("cannot create the administrator")
	})
	var out bytes.Buffer
	err := Run(context.Background(), cfg, RunOptions{Stdout: &out, Log: testLogger(), Bootstrapper: boot})
	if err == nil || err.Error() != "bootstrap: cannot create the administrator" {
		t.Errorf("Run with a failing bootstrapper: error = %v, want %q", err, "bootstrap: cannot create the administrator")
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after a failed start", addr)
	}
}

func TestBootstrapTokenWithoutBootstrapperWarns(t *testing.T) {
	cfg := testConfig(t)
	cfg.BootstrapToken = "bootstrap-token-0123456789"
	var logs syncBuffer
	startRun(t, cfg, RunOptions{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if !strings.Contains(logs.String(), "CENTRAL_BOOTSTRAP_TOKEN is set, but this build has no accounts yet; ignoring it") {
		t.Errorf("logs do not warn about the ignored token:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), cfg.BootstrapToken) {
		t.Errorf("logs contain the bootstrap token:\n%s", logs.String())
	}
}
