// Package miniotest runs a real MinIO server on the loopback interface for
// the tests of any package that needs an S3-compatible object store:
//
//	func TestMain(m *testing.M) { miniotest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		ep := miniotest.Start(t) // a fresh, empty bucket on the shared server
//		s, err := s3blob.Open(ctx, s3blob.Options{Endpoint: ep.URL, Bucket: ep.Bucket, ...})
//	}
//
// [StartTLS] does the same on a second server that speaks HTTPS with a
// certificate of its own authority ([Endpoint.RootCAs]).
//
// One server serves the whole test binary: the first Start launches it
// (`minio server` on a temporary directory, on a free port of 127.0.0.1) and
// every Start creates a bucket of its own, removed with its content when
// the test ends, so tests do not see one another and may run in parallel.
// [Main] stops the server after the tests; without it the server dies with
// the test binary (on Linux) and the next run removes its directory.
//
// The server is the MinIO module pinned by [Version], built with `go
// install` into a cache directory ([CacheDir]) the first time; that build
// takes several minutes, so CI installs it before running the tests
// (`go run ./internal/blob/s3blob/miniotest/installminio`). $BALCENTRAL_MINIO
// may name another binary instead.
//
// When no server can be had (the install failed, the binary does not
// start), Start skips the test with a message saying why, except under
// CI=true, where it fails it: CI must run these tests.
package miniotest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Domain is the domain the server is configured with (MINIO_DOMAIN), so
// that it accepts virtual-host-style requests for <bucket>.Domain. It is a
// reserved name that no DNS resolves: requests reach the server through
// [Endpoint.Transport].
const Domain = "minio.test"

// Region is the region of the server's buckets.
const Region = "us-east-1"

// Endpoint is what a test needs to reach its bucket.
type Endpoint struct {
	// URL is the server's address for path-style requests:
	// "http://127.0.0.1:PORT" ("https://" from StartTLS).
	URL string
	// Addr is the server's host and port: "127.0.0.1:PORT".
	Addr string
	// VirtualHostURL is the server's address for virtual-host-style
	// requests, "http://minio.test:PORT"; requests to it must go through
	// Transport, since no DNS resolves minio.test.
	VirtualHostURL string
	// RootCAs holds the authority of the server's certificate, which
	// covers 127.0.0.1, minio.test and *.minio.test; nil without TLS.
	RootCAs *x509.CertPool
	// Region is the region of Bucket.
	Region string
	// AccessKey and SecretKey are the server's root credentials.
	AccessKey string
	SecretKey string
	// Bucket is the test's own bucket, empty when Start returns.
	Bucket string
}

// Transport returns an HTTP transport that connects every request to the
// server whatever host name the request names (what DNS does for a
// deployment's virtual-host-style bucket names) and trusts RootCAs.
func (e Endpoint) Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if e.RootCAs != nil {
		t.TLSClientConfig = &tls.Config{RootCAs: e.RootCAs}
	}
	var d net.Dialer
	addr := e.Addr
	t.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	return t
}

// Client returns a minio-go client with the root credentials, for tests
// that look at the bucket directly.
func (e Endpoint) Client() (*minio.Client, error) {
	return minio.New(e.Addr, &minio.Options{
		Creds:        e.credentials(),
		Secure:       e.RootCAs != nil,
		Transport:    e.Transport(),
		Region:       e.Region,
		BucketLookup: minio.BucketLookupPath,
	})
}

func (e Endpoint) credentials() *credentials.Credentials {
	return credentials.NewStaticV4(e.AccessKey, e.SecretKey, "")
}

// server is a running MinIO server.
type server struct {
	cmd       *exec.Cmd
	dir       string // removed when the server stops
	addr      string
	accessKey string
	secretKey string
	rootCAs   *x509.CertPool // nil for plain HTTP
	client    *minio.Client
	exited    chan struct{} // closed once the process has exited
}

// shared holds the servers of the test binary, without and with TLS. It
// is package state because the processes are: every test gets the server
// the first Start (or StartTLS) launched, until Main stops them.
var shared struct {
	mu      sync.Mutex
	servers [2]struct {
		srv *server
		err error // why the server could not be started, sticky
	}
	stopped bool
}

// Start returns the endpoint of a new, empty bucket on the test binary's
// MinIO server, launching the server (and installing MinIO) the first time.
// The bucket and its content are removed when t ends. If no server can be
// had Start skips t, or fails it when CI=true.
func Start(t testing.TB) Endpoint {
	t.Helper()
	return start(t, false)
}

// StartTLS is Start on a server that speaks HTTPS only.
func StartTLS(t testing.TB) Endpoint {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, useTLS bool) Endpoint {
	t.Helper()
	srv, err := sharedServer(useTLS, t.Logf)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("miniotest: no MinIO server, and CI=true requires one: %v", err)
		}
		t.Skipf("miniotest: SKIPPING: no MinIO server (%v); CI=true makes this a failure", err)
	}
	bucket, err := newBucketName()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: Region}); err != nil {
		t.Fatalf("miniotest: creating bucket %s: %v", bucket, err)
	}
	t.Cleanup(func() {
		// ForceDelete (a MinIO extension) removes the objects too, which
		// keeps the large objects of one test from filling the disk for
		// the next.
		if err := srv.client.RemoveBucketWithOptions(ctx, bucket, minio.RemoveBucketOptions{ForceDelete: true}); err != nil {
			t.Errorf("miniotest: removing bucket %s: %v", bucket, err)
		}
	})
	port := srv.addr[strings.LastIndexByte(srv.addr, ':')+1:]
	scheme := "http://"
	if srv.rootCAs != nil {
		scheme = "https://"
	}
	return Endpoint{
		URL:            scheme + srv.addr,
		Addr:           srv.addr,
		VirtualHostURL: scheme + Domain + ":" + port,
		RootCAs:        srv.rootCAs,
		Region:         Region,
		AccessKey:      srv.accessKey,
		SecretKey:      srv.secretKey,
		Bucket:         bucket,
	}
}

// Main runs the tests, stops the server if one was started, and exits
// with the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	shared.mu.Lock()
	var servers []*server
	for i := range shared.servers {
		if srv := shared.servers[i].srv; srv != nil {
			servers = append(servers, srv)
		}
		shared.servers[i].srv = nil
	}
	shared.stopped = true
	shared.mu.Unlock()
	for _, srv := range servers {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "miniotest: stopping MinIO: %v\n", err)
		}
	}
	os.Exit(code)
}

// sharedServer returns the test binary's server with or without TLS,
// starting it if needed.
func sharedServer(useTLS bool, logf func(string, ...any)) (*server, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	entry := &shared.servers[0]
	if useTLS {
		entry = &shared.servers[1]
	}
	switch {
	case shared.stopped:
		return nil, errors.New("Start called after Main stopped the servers")
	case entry.srv != nil:
		select {
		case <-entry.srv.exited:
			return nil, fmt.Errorf("the MinIO server exited during the tests; its log:\n%s", entry.srv.log())
		default:
			return entry.srv, nil
		}
	case entry.err != nil:
		return nil, entry.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	bin, err := Binary(ctx, logf)
	if err != nil {
		entry.err = err
		return nil, err
	}
	removeStaleDirs()
	// A free port may be taken between the probe and MinIO's listen: try
	// again with other ports.
	for attempt := 1; ; attempt++ {
		srv, err := startServer(ctx, bin, useTLS)
		if err == nil {
			entry.srv = srv
			return srv, nil
		}
		if attempt == 3 {
			entry.err = err
			return nil, err
		}
		logf("miniotest: starting MinIO (attempt %d): %v", attempt, err)
	}
}

// dirPrefix starts the name of every server's temporary directory.
const dirPrefix = "miniotest-"

// pidFile, in a server's directory, holds the process ID of the test
// binary that started it.
const pidFile = "owner.pid"

// startServer starts bin on a temporary directory and a free port and
// waits until it serves requests.
func startServer(ctx context.Context, bin string, useTLS bool) (*server, error) {
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, err
	}
	srv, err := launch(ctx, bin, dir, useTLS)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return srv, nil
}

func launch(ctx context.Context, bin, dir string, useTLS bool) (*server, error) {
	if err := os.WriteFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	consoleAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	access, err := randomHex(8)
	if err != nil {
		return nil, err
	}
	secret, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	certsDir := filepath.Join(dir, "certs")
	if err := os.Mkdir(certsDir, 0o700); err != nil {
		return nil, err
	}
	var rootCAs *x509.CertPool
	if useTLS {
		// MinIO serves HTTPS when its certs directory holds a key pair.
		if rootCAs, err = writeCertificate(certsDir); err != nil {
			return nil, err
		}
	}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(bin, "server", filepath.Join(dir, "data"),
		"--address", addr,
		"--console-address", consoleAddr,
		"--certs-dir", certsDir,
		"--quiet")
	// Only what the server needs, so that no MINIO_* or AWS_* variable of
	// the developer's environment changes it.
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + dir,
		"MINIO_ROOT_USER=" + access,
		"MINIO_ROOT_PASSWORD=" + secret,
		"MINIO_DOMAIN=" + Domain,
		"MINIO_REGION=" + Region,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	}
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	srv := &server{cmd: cmd, dir: dir, addr: addr, accessKey: access, secretKey: secret, rootCAs: rootCAs, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(srv.exited)
	}()
	if err := srv.waitLive(ctx, time.Minute); err != nil {
		srv.kill()
		return nil, err
	}
	srv.client, err = Endpoint{Addr: addr, Region: Region, AccessKey: access, SecretKey: secret, RootCAs: rootCAs}.Client()
	if err != nil {
		srv.kill()
		return nil, err
	}
	return srv, nil
}

// waitLive polls the server's liveness endpoint until it answers 200.
func (s *server) waitLive(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second, Transport: Endpoint{Addr: s.addr, RootCAs: s.rootCAs}.Transport()}
	url := "http://" + s.addr + "/minio/health/live"
	if s.rootCAs != nil {
		url = "https://" + s.addr + "/minio/health/live"
	}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("MinIO exited at startup (%v); its log:\n%s", s.cmd.ProcessState, s.log())
		case <-ctx.Done():
			return fmt.Errorf("MinIO did not answer on %s within %v; its log:\n%s", url, timeout, s.log())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// log returns the end of the server's output.
func (s *server) log() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return tail(string(b), 4000)
}

// stop asks the server to exit, kills it if it does not within ten
// seconds, and removes its directory.
func (s *server) stop() error {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	return os.RemoveAll(s.dir)
}

// kill ends a server that failed to start; startServer removes its
// directory.
func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.exited
}

// removeStaleDirs removes the directories of servers whose test binary
// is gone (one that ended without Main, or was killed).
func removeStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, pidFile))
		if err != nil {
			continue // not one of ours, or being created
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(d)
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// newBucketName returns a unique bucket name that is also a valid DNS
// label, for virtual-host-style requests.
func newBucketName() (string, error) {
	h, err := randomHex(8)
	if err != nil {
		return "", err
	}
	return "test-" + h, nil
}
