package centralclient

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/bala"
)

const testToken = "bct_secret-token-do-not-print"

// makeBala returns a valid bala of org/name:ver for platform; salt goes
// into the README, to vary the bytes.
func makeBala(t testing.TB, org, name, ver, platform, salt string) []byte {
	t.Helper()
	pj := &bala.PackageJSON{
		Organization: org, Name: name, Version: ver, Platform: platform,
		BallerinaVersion: "2201.10.0", ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Licenses: []string{"Apache-2.0"}, Authors: []string{"tester"}, Readme: "docs/README.md",
		Modules: []bala.ModuleJSON{{Name: name, Export: true}},
	}
	pjBytes, err := bala.MarshalPackageJSON(pj)
	if err != nil {
		t.Fatal(err)
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		t.Fatal(err)
	}
	gj, err := bala.MarshalDependencyGraphJSON(&bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: org, Name: name, Version: ver}}})
	if err != nil {
		t.Fatal(err)
	}
	entries := []bala.Entry{
		{Name: "modules/" + name + "/" + name + ".bal", Data: []byte("public function hello() returns string => \"hello\";\n")},
		{Name: "docs/README.md", Data: []byte(fmt.Sprintf("# %s\n\nThe %s package. %s\n", name, name, salt))},
		{Name: bala.PackageJSONFile, Data: pjBytes},
		{Name: bala.BalaJSONFile, Data: bj},
		{Name: bala.DependencyGraphJSONFile, Data: gj},
	}
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeroDigestBala returns a bala whose sha-256 starts with two zero bytes'
// worth of hex digits ("00"), found by varying the README.
func zeroDigestBala(t testing.TB, org, name, ver, platform string) []byte {
	t.Helper()
	for i := 0; i < 100000; i++ {
		b := makeBala(t, org, name, ver, platform, strconv.Itoa(i))
		if sum := sha256.Sum256(b); sum[0] == 0 {
			return b
		}
	}
	t.Fatal("no bala with a leading zero byte in its digest")
	return nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// javaHex is a digest as the Java client prints it: no leading zeros.
func javaHex(b []byte) string {
	s := strings.TrimLeft(sha256Hex(b), "0")
	if s == "" {
		return "0"
	}
	return s
}

// fakeCentral is a scripted registry for pulls: GET
// /2.0/registry/packages/<org>/<name>/<ver|*> answers the 302, GET
// /dl/<org>/<name>/<ver>/<file> the bala.
type fakeCentral struct {
	t   *testing.T
	srv *httptest.Server

	mu                       sync.Mutex
	org, name, ver, platform string
	file                     string // Content-Disposition file name; default bala.FileName
	bala                     []byte
	digest                   string // the digest header value; "" for sha-256=<javaHex>, "-" for none
	deprecated               bool
	depMsg                   string
	dropDownloads            int // downloads to cut in the middle of the body
	stallDownloads           bool
	noContentLength          bool
	download                 http.HandlerFunc // replaces the download when set
	requests                 []*http.Request  // clones of every request received
	pullsServed, downloadsOK int
}

func newFakeCentral(t *testing.T, org, name, ver, platform string, b []byte) *fakeCentral {
	f := &fakeCentral{t: t, org: org, name: name, ver: ver, platform: platform, bala: b}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeCentral) base() string { return f.srv.URL + "/2.0/registry" }

func (f *fakeCentral) set(fn func(f *fakeCentral)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeCentral) recorded() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

func (f *fakeCentral) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Clone(r.Context()))
	org, name, ver, platform, data := f.org, f.name, f.ver, f.platform, f.bala
	file := f.file
	if file == "" {
		file = bala.FileName(org, name, platform, ver)
	}
	f.mu.Unlock()
	prefix := "/2.0/registry/packages/" + org + "/" + name + "/"
	switch {
	case strings.HasPrefix(r.URL.Path, prefix):
		asked := strings.TrimPrefix(r.URL.Path, prefix)
		if asked != ver && asked != "*" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"message":"package not found for: %s/%s:%s_any"}`, org, name, asked)
			return
		}
		f.mu.Lock()
		f.pullsServed++
		digest, deprecated, msg := f.digest, f.deprecated, f.depMsg
		f.mu.Unlock()
		h := w.Header()
		h.Set("Location", f.srv.URL+"/dl/"+org+"/"+name+"/"+ver+"/"+file)
		h.Set("Content-Disposition", "attachment; filename="+file)
		switch digest {
		case "":
			h.Set("digest", "sha-256="+javaHex(data))
		case "-":
		default:
			h.Set("digest", digest)
		}
		if deprecated {
			h.Set("isdeprecated", "true")
			h.Set("deprecatemessage", msg)
		}
		w.WriteHeader(http.StatusFound)
	case strings.HasPrefix(r.URL.Path, "/dl/"):
		f.mu.Lock()
		drop := f.dropDownloads > 0
		if drop {
			f.dropDownloads--
		}
		stall, noLen, dl := f.stallDownloads, f.noContentLength, f.download
		f.mu.Unlock()
		if dl != nil {
			dl(w, r)
			return
		}
		if drop {
			hijackAndCut(w, data)
			return
		}
		if stall {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.WriteHeader(http.StatusOK)
			w.Write(data[:len(data)/2])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		if !noLen {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		}
		w.WriteHeader(http.StatusOK)
		w.Write(data)
		f.mu.Lock()
		f.downloadsOK++
		f.mu.Unlock()
	default:
		http.NotFound(w, r)
	}
}

// hijackAndCut announces data with its full Content-Length, sends half of
// it and closes the connection: a server dying mid-download.
func hijackAndCut(w http.ResponseWriter, data []byte) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", len(data))
	buf.Write(data[:len(data)/2])
	buf.Flush()
	conn.Close()
}

// resetConn closes the request's connection with a TCP reset.
func resetConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// retryLog records Backoff and Retrying calls.
type retryLog struct {
	mu       sync.Mutex
	backoffs []int
	retries  []string
	errs     []error
}

func (l *retryLog) backoff(n int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.backoffs = append(l.backoffs, n)
	return time.Millisecond
}

func (l *retryLog) retrying(url string, status, attempt int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.retries = append(l.retries, fmt.Sprintf("%s status=%d attempt=%d err=%v", url, status, attempt, err != nil))
	if err != nil {
		l.errs = append(l.errs, err)
	}
}

func (l *retryLog) get() ([]int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.backoffs...), append([]string(nil), l.retries...)
}

// newTestClient returns a client of base with a token, one retry and an
// instant, recorded backoff; adjust changes the options first.
func newTestClient(t testing.TB, base string, adjust ...func(*Options)) (*Client, *retryLog) {
	t.Helper()
	log := &retryLog{}
	o := Options{BaseURL: base, Token: testToken, Distribution: "2201.13.0", MaxRetries: 1,
		Backoff: log.backoff, Retrying: log.retrying}
	for _, f := range adjust {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, log
}

// tree lists every file and directory under root (relative, slash
// separated, directories with a trailing slash), or nil when root does not
// exist.
func tree(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// readLines reads a bufio-split text.
func readLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// stats returns the number of 302s and of complete downloads served.
func (f *fakeCentral) stats() (pulls, downloads int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pullsServed, f.downloadsOK
}

// newScripted starts a server answering every request with h.
func newScripted(t testing.TB, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func itoa(n int) string { return strconv.Itoa(n) }
