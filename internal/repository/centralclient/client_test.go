package centralclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/manifest"
)

// recorder is a scripted server that records each request with its body
// and answers with the next of its answers (the last one repeats).
type recorder struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	answers []func(w http.ResponseWriter, r *http.Request)
}

type recorded struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
}

func newRecorder(t testing.TB, answers ...func(w http.ResponseWriter, r *http.Request)) *recorder {
	rec := &recorder{t: t, answers: answers}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		i := len(rec.reqs)
		rec.reqs = append(rec.reqs, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), body})
		a := rec.answers[min(i, len(rec.answers)-1)]
		rec.mu.Unlock()
		// Every answer closes its connection, so that no request is
		// retried by net/http itself on a reused connection.
		w.Header().Set("Connection", "close")
		a(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (rec *recorder) base() string { return rec.srv.URL + "/2.0/registry" }

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

func jsonAnswer(status int, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func textAnswer(status int, body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func resetAnswer(w http.ResponseWriter, r *http.Request) { resetConn(w) }

const packageJSON = `{"organization":"acme","name":"hello","version":"1.2.3","platform":"any","isDeprecated":true,
 "deprecateMessage":"old","URL":"/acme/hello/1.2.3","balaURL":"http://x/acme-hello-any-1.2.3.bala","readme":"# hello\n",
 "summary":"Says hello","authors":["alice"],"keywords":["greeting"],"licenses":["MIT"],"sourceCodeLocation":"https://src",
 "ballerinaVersion":"2201.10.0","createdDate":1604415674965,"visibility":"public","modules":[{"name":"hello","summary":"s","readme":"r"}],
 "icon":"ignored"}`

func TestHeadersOfEveryCall(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/resolve-dependencies"):
			jsonAnswer(200, `{"resolved":[],"unresolved":[]}`)(w, r)
		case strings.HasSuffix(r.URL.Path, "/resolve-modules"):
			jsonAnswer(200, `{"resolvedModules":[],"unresolvedModules":[]}`)(w, r)
		case r.URL.Path == "/2.0/registry/packages/acme/hello":
			jsonAnswer(200, `["1.0.0"]`)(w, r)
		case r.URL.Path == "/2.0/registry/packages/" && r.Method == "GET":
			jsonAnswer(200, `{"packages":[],"count":0}`)(w, r)
		case r.URL.Path == "/2.0/registry/packages" && r.Method == "POST":
			w.WriteHeader(http.StatusNoContent)
		default:
			jsonAnswer(200, packageJSON)(w, r)
		}
	})
	c, _ := newTestClient(t, rec.base())
	ctx := context.Background()
	balaPath := filepath.Join(t.TempDir(), "acme-hello-any-1.2.3.bala")
	os.WriteFile(balaPath, []byte("zip"), 0o644)
	calls := []func() error{
		func() error { _, err := c.Versions(ctx, "acme", "hello"); return err },
		func() error { _, err := c.Package(ctx, "acme", "hello", "1.2.3"); return err },
		func() error { _, err := c.Search(ctx, "hello"); return err },
		func() error { _, err := c.Deprecate(ctx, "acme", "hello", "1.2.3", "m", false); return err },
		func() error { _, err := c.ResolveDependencies(ctx, nil); return err },
		func() error { _, err := c.ResolveModules(ctx, nil); return err },
		func() error { return c.Push(ctx, balaPath, nil) },
	}
	for _, call := range calls {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	type want struct{ method, path, platform, accept, encoding, ctype string }
	wants := []want{
		{"GET", "/2.0/registry/packages/acme/hello", "java21,java17,java11", "application/json", "", ""},
		{"GET", "/2.0/registry/packages/acme/hello/1.2.3", "java21,java17,java11", "application/json", "", ""},
		{"GET", "/2.0/registry/packages/", "java21,java17,java11", "application/json", "", ""},
		{"PUT", "/2.0/registry/packages/deprecate/acme/hello/1.2.3", "java21", "application/json", "", "application/json; charset=utf-8"},
		{"POST", "/2.0/registry/packages/resolve-dependencies", "java21,java17,java11", "application/json", "identity", "application/json; charset=utf-8"},
		{"POST", "/2.0/registry/packages/resolve-modules", "java21,java17,java11", "application/json", "identity", "application/json; charset=utf-8"},
		{"POST", "/2.0/registry/packages", "java21", "application/json", "", "multipart/form-data; boundary="},
	}
	reqs := rec.requests()
	if len(reqs) != len(wants) {
		t.Fatalf("%d requests, want %d", len(reqs), len(wants))
	}
	for i, w := range wants {
		r := reqs[i]
		h := r.header
		if r.method != w.method || r.path != w.path {
			t.Errorf("request %d: %s %s, want %s %s", i, r.method, r.path, w.method, w.path)
		}
		if h.Get("Ballerina-Platform") != w.platform || h.Get("User-Agent") != "2201.13.0" ||
			h.Get("Authorization") != "Bearer "+testToken || h.Get("Accept") != w.accept ||
			!strings.HasPrefix(h.Get("Content-Type"), w.ctype) {
			t.Errorf("request %d (%s): headers %v", i, w.path, h)
		}
		if w.encoding != "" && h.Get("Accept-Encoding") != w.encoding {
			t.Errorf("request %d: Accept-Encoding %q", i, h.Get("Accept-Encoding"))
		}
	}

	// No token, no Authorization; other platforms.
	c2, _ := newTestClient(t, rec.base(), func(o *Options) { o.Token = ""; o.Platforms = []string{"java17"}; o.Distribution = "" })
	if _, err := c2.Versions(ctx, "acme", "hello"); err != nil {
		t.Fatal(err)
	}
	reqs = rec.requests()
	h := reqs[len(reqs)-1].header
	if _, ok := h["Authorization"]; ok {
		t.Errorf("Authorization sent without a token")
	}
	if h.Get("Ballerina-Platform") != "java17" || h.Get("User-Agent") != "2201.13.0" {
		t.Errorf("headers %v", h)
	}
}

func TestPackageDecodes(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(200, packageJSON))
	c, _ := newTestClient(t, rec.base())
	p, err := c.Package(context.Background(), "acme", "hello", "")
	if err != nil {
		t.Fatal(err)
	}
	want := &Package{Organization: "acme", Name: "hello", Version: "1.2.3", Platform: "any", IsDeprecated: true,
		DeprecateMessage: "old", URL: "/acme/hello/1.2.3", BalaURL: "http://x/acme-hello-any-1.2.3.bala", Readme: "# hello\n",
		Summary: "Says hello", Authors: []string{"alice"}, Keywords: []string{"greeting"}, Licenses: []string{"MIT"},
		SourceCodeLocation: "https://src", BallerinaVersion: "2201.10.0", CreatedDate: 1604415674965, Visibility: "public",
		Modules: []Module{{Name: "hello", Summary: "s"}}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v\nwant %+v", p, want)
	}
	if path := rec.requests()[0].path; path != "/2.0/registry/packages/acme/hello/*" {
		t.Errorf("path %s, want the latest (*)", path)
	}
}

func TestStatusMapping(t *testing.T) {
	ctx := context.Background()
	type call func(c *Client) error
	pkg := func(c *Client) error { _, err := c.Package(ctx, "acme", "hello", "1.0.0"); return err }
	versions := func(c *Client) error { _, err := c.Versions(ctx, "acme", "hello"); return err }
	search := func(c *Client) error { _, err := c.Search(ctx, "x"); return err }
	deprecate := func(c *Client) error { _, err := c.Deprecate(ctx, "acme", "hello", "", "", false); return err }
	resolve := func(c *Client) error { _, err := c.ResolveDependencies(ctx, nil); return err }
	cases := []struct {
		name   string
		call   call
		answer func(w http.ResponseWriter, r *http.Request)
		op     string
		status int
		msg    string
		err    error
		text   string
	}{
		{"package not found", pkg, jsonAnswer(404, `{"message":"package not found for: acme/hello:1.0.0_any"}`),
			"package", 404, "package not found for: acme/hello:1.0.0_any", ErrNotFound,
			"GET {base}/packages/acme/hello/1.0.0: 404: package not found for: acme/hello:1.0.0_any"},
		{"other 404", pkg, jsonAnswer(404, `{"message":"no route"}`), "package", 404, "no route", nil,
			"GET {base}/packages/acme/hello/1.0.0: 404: no route"},
		{"404 not json", pkg, textAnswer(404, `package not found`), "package", 404, "", nil,
			"GET {base}/packages/acme/hello/1.0.0: 404 Not Found"},
		{"401", pkg, jsonAnswer(401, `{"message":"token expired"}`), "package", 401, "token expired", ErrUnauthorized,
			"GET {base}/packages/acme/hello/1.0.0: 401: token expired"},
		{"401 not json", versions, textAnswer(401, `nope`), "versions", 401, "", ErrUnauthorized,
			"GET {base}/packages/acme/hello: 401: unauthorized"},
		{"400", search, jsonAnswer(400, `{"message":"invalid query"}`), "search", 400, "invalid query", nil,
			"GET {base}/packages/?q=x: 400: invalid query"},
		{"503 after retry", search, jsonAnswer(503, `{"message":"down for maintenance"}`), "search", 503, "down for maintenance", nil,
			"GET {base}/packages/?q=x: 503: down for maintenance"},
		{"deprecate 403", deprecate, jsonAnswer(403, `{"message":"not an owner"}`), "deprecate", 403, "not an owner", nil,
			"PUT {base}/packages/deprecate/acme/hello/*: 403: not an owner"},
		{"resolve 500", resolve, jsonAnswer(500, `{"message":"db down"}`), "resolve-dependencies", 500, "db down", nil,
			"POST {base}/packages/resolve-dependencies: 500: db down"},
		{"bad json", versions, jsonAnswer(200, `{"not":"a list"}`), "versions", 200, "invalid JSON answer from the registry", nil,
			"GET {base}/packages/acme/hello: invalid JSON answer from the registry: json: cannot unmarshal object into Go value of type []string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, tc.answer)
			c, _ := newTestClient(t, rec.base())
			err := tc.call(c)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Op != tc.op || e.Status != tc.status || e.Message != tc.msg || e.Err != tc.err {
				t.Errorf("got Op %q Status %d Message %q Err %v", e.Op, e.Status, e.Message, e.Err)
			}
			if want := strings.ReplaceAll(tc.text, "{base}", rec.base()); err.Error() != want {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
			}
		})
	}
}

func TestVersionsUnknownPackageIsEmpty(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(404, `{"message":"package not found: acme/hello:*_java21"}`))
	c, _ := newTestClient(t, rec.base())
	vs, err := c.Versions(context.Background(), "acme", "hello")
	if err != nil || vs == nil || len(vs) != 0 {
		t.Fatalf("Versions = %#v, %v; want an empty list", vs, err)
	}
	rec2 := newRecorder(t, jsonAnswer(200, `["2.3.4","1.2.3"]`))
	c2, _ := newTestClient(t, rec2.base())
	if vs, err := c2.Versions(context.Background(), "acme", "hello"); err != nil || !reflect.DeepEqual(vs, []string{"2.3.4", "1.2.3"}) {
		t.Fatalf("Versions = %v, %v", vs, err)
	}
}

func TestRetries(t *testing.T) {
	ok := jsonAnswer(200, `["1.0.0"]`)
	cases := []struct {
		name       string
		maxRetries int
		answers    []func(w http.ResponseWriter, r *http.Request)
		requests   int
		retries    []string // status=… attempt=… err=…
		wantErr    error
		wantStatus int
	}{
		{"500 then 200", 1, []func(http.ResponseWriter, *http.Request){jsonAnswer(500, `{"message":"x"}`), ok}, 2,
			[]string{"status=500 attempt=1 err=false"}, nil, 0},
		{"502 503 504 then 200", 3, []func(http.ResponseWriter, *http.Request){textAnswer(502, ""), textAnswer(503, ""), textAnswer(504, ""), ok}, 4,
			[]string{"status=502 attempt=1 err=false", "status=503 attempt=2 err=false", "status=504 attempt=3 err=false"}, nil, 0},
		{"reset then 200", 1, []func(http.ResponseWriter, *http.Request){resetAnswer, ok}, 2,
			[]string{"status=0 attempt=1 err=true"}, nil, 0},
		{"eof then 200", 1, []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, ok}, 2, []string{"status=0 attempt=1 err=true"}, nil, 0},
		{"5xx exhausted", 2, []func(http.ResponseWriter, *http.Request){jsonAnswer(503, `{"message":"busy"}`)}, 3,
			[]string{"status=503 attempt=1 err=false", "status=503 attempt=2 err=false"}, nil, 503},
		{"resets exhausted", 1, []func(http.ResponseWriter, *http.Request){resetAnswer}, 2,
			[]string{"status=0 attempt=1 err=true"}, ErrConnection, 0},
		{"no retries", 0, []func(http.ResponseWriter, *http.Request){jsonAnswer(500, `{}`), ok}, 1, nil, nil, 500},
		{"negative means one", -5, []func(http.ResponseWriter, *http.Request){jsonAnswer(500, `{}`), ok}, 2,
			[]string{"status=500 attempt=1 err=false"}, nil, 0},
		{"4xx not retried", 3, []func(http.ResponseWriter, *http.Request){jsonAnswer(400, `{"message":"bad"}`), ok}, 1, nil, nil, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, tc.answers...)
			c, log := newTestClient(t, rec.base(), func(o *Options) { o.MaxRetries = tc.maxRetries })
			_, err := c.Versions(context.Background(), "acme", "hello")
			if n := len(rec.requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			backoffs, retries := log.get()
			var wantBackoffs []int
			for i := range tc.retries {
				tc.retries[i] = rec.base() + "/packages/acme/hello " + tc.retries[i]
				wantBackoffs = append(wantBackoffs, i+1)
			}
			if !reflect.DeepEqual(retries, tc.retries) {
				t.Errorf("retries %q\nwant    %q", retries, tc.retries)
			}
			if !reflect.DeepEqual(backoffs, wantBackoffs) {
				t.Errorf("backoffs %v, want %v", backoffs, wantBackoffs)
			}
			for _, err := range log.errs {
				if strings.HasPrefix(err.Error(), "Get ") || !retryableError(err) {
					t.Errorf("Retrying told %q, want the bare cause", err)
				}
			}
			var e *Error
			switch {
			case tc.wantErr == nil && tc.wantStatus == 0:
				if err != nil {
					t.Errorf("err = %v", err)
				}
			case !errors.As(err, &e) || e.Err != tc.wantErr || e.Status != tc.wantStatus:
				t.Errorf("err = %#v, want Err %v Status %d", err, tc.wantErr, tc.wantStatus)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, log := newTestClient(t, "http://"+addr+"/2.0/registry")
	_, err = c.Package(context.Background(), "acme", "hello", "1.0.0")
	var e *Error
	if !errors.Is(err, ErrConnection) || !errors.As(err, &e) || e.Status != 0 || e.Cause == nil {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "GET http://"+addr+"/2.0/registry/packages/acme/hello/1.0.0: cannot connect to the registry: ") ||
		!strings.Contains(err.Error(), "refused") {
		t.Errorf("Error() = %q", err)
	}
	if _, retries := log.get(); len(retries) != 1 {
		t.Errorf("retries %v, want 1", retries)
	}
}

func TestCancelledContext(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(503, `{}`))
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newTestClient(t, rec.base(), func(o *Options) {
		o.MaxRetries = 5
		o.Backoff = func(int) time.Duration { cancel(); return time.Hour }
	})
	_, err := c.Versions(ctx, "acme", "hello")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestDefaultBackoff(t *testing.T) {
	for n, base := range map[int]time.Duration{1: 200 * time.Millisecond, 2: 400 * time.Millisecond, 3: 800 * time.Millisecond, 30: 10 * time.Second} {
		for range 20 {
			d := DefaultBackoff(n)
			if d < base || d > base+base/2 {
				t.Errorf("DefaultBackoff(%d) = %v, want in [%v, %v]", n, d, base, base+base/2)
			}
		}
	}
}

func TestSearchEscapesQuery(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(200, `{"packages":[{"organization":"acme","name":"hello","version":"1.0.0","summary":"s","createdDate":5}],"count":1}`))
	c, _ := newTestClient(t, rec.base())
	res, err := c.Search(context.Background(), "foo bar&baz#x")
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != 1 || len(res.Packages) != 1 || res.Packages[0].Name != "hello" || res.Packages[0].CreatedDate != 5 {
		t.Errorf("result %+v", res)
	}
	r := rec.requests()[0]
	if r.path != "/2.0/registry/packages/" || r.rawQuery != "q=foo+bar%26baz%23x" {
		t.Errorf("sent %s?%s", r.path, r.rawQuery)
	}
	if q, _ := url.ParseQuery(r.rawQuery); q.Get("q") != "foo bar&baz#x" {
		t.Errorf("server reads q=%q", q.Get("q"))
	}
}

func TestDeprecateBodies(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(200, packageJSON))
	c, _ := newTestClient(t, rec.base())
	ctx := context.Background()
	for _, call := range []struct {
		ver, msg string
		undo     bool
	}{
		{"1.2.3", `say "hi" instead`, false},
		{"", "", false},
		{"*", "ignored", true},
	} {
		p, err := c.Deprecate(ctx, "acme", "hello", call.ver, call.msg, call.undo)
		if err != nil || p.Name != "hello" || !p.IsDeprecated {
			t.Fatalf("Deprecate = %+v, %v", p, err)
		}
	}
	want := []struct{ path, body string }{
		{"/2.0/registry/packages/deprecate/acme/hello/1.2.3", `{"message":"say \"hi\" instead"}`},
		{"/2.0/registry/packages/deprecate/acme/hello/*", `{"message":"null"}`},
		{"/2.0/registry/packages/undeprecate/acme/hello/*", `{}`},
	}
	for i, r := range rec.requests() {
		if r.method != "PUT" || r.path != want[i].path || string(r.body) != want[i].body {
			t.Errorf("request %d: %s %s %s, want PUT %s %s", i, r.method, r.path, r.body, want[i].path, want[i].body)
		}
	}
}

func TestResolveBodies(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/resolve-dependencies") {
			jsonAnswer(200, `{"resolved":[{"org":"ballerina","name":"http","version":"1.1.0",
			  "dependencyGraph":[{"org":"ballerina","name":"io","version":"1.2.0",
			    "dependencies":[{"org":"ballerina","name":"jballerina.java","version":"0.0.0"}]}],
			  "isDeprecated":true,"deprecateMessage":"m"}],
			 "unresolved":[{"org":"x","name":"y","version":"1.0.0","reason":"package not found"}]}`)(w, r)
			return
		}
		jsonAnswer(200, `{"resolvedModules":[{"organization":"shehanpa","moduleName":"fb","version":"0.7.0","packageName":"fb"}],
		 "unresolvedModules":[{"organization":"hevayo","moduleName":"fb","version":null,"reason":"package not found"}]}`)(w, r)
	})
	c, _ := newTestClient(t, rec.base())
	ctx := context.Background()
	deps, err := c.ResolveDependencies(ctx, []DependencyRequest{
		{Org: "ballerina", Name: "http", Version: "1.0.0", Mode: "medium"},
		{Org: "foo", Name: "bar", Mode: "soft"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantDeps := &DependencyResolution{
		Resolved: []ResolvedPackage{{Org: "ballerina", Name: "http", Version: "1.1.0", IsDeprecated: true, DeprecateMessage: "m",
			DependencyGraph: []GraphDependency{{Org: "ballerina", Name: "io", Version: "1.2.0",
				Dependencies: []PackageRef{{Org: "ballerina", Name: "jballerina.java", Version: "0.0.0"}}}}}},
		Unresolved: []UnresolvedPackage{{Org: "x", Name: "y", Version: "1.0.0", Reason: "package not found"}},
	}
	if !reflect.DeepEqual(deps, wantDeps) {
		t.Errorf("got %+v", deps)
	}
	mods, err := c.ResolveModules(ctx, []ModuleRequest{
		{Org: "ballerinax", Module: "googleapis.gmail", Mode: "medium",
			PossiblePackages: []PackageRef{{Org: "ballerinax", Name: "googleapis", Version: "1.0.0"}, {Org: "ballerinax", Name: "googleapis.gmail"}}},
		{Org: "foo", Module: "bar"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantMods := &ModuleResolution{
		ResolvedModules:   []ResolvedModule{{Organization: "shehanpa", ModuleName: "fb", Version: "0.7.0", PackageName: "fb"}},
		UnresolvedModules: []UnresolvedModule{{Organization: "hevayo", ModuleName: "fb", Reason: "package not found"}},
	}
	if !reflect.DeepEqual(mods, wantMods) {
		t.Errorf("got %+v", mods)
	}
	reqs := rec.requests()
	wantBodies := []string{
		`{"packages":[{"orgName":"ballerina","name":"http","version":"1.0.0","mode":"medium"},{"orgName":"foo","name":"bar","version":null,"mode":"soft"}]}`,
		`{"modules":[{"organization":"ballerinax","moduleName":"googleapis.gmail","possiblePackages":[{"org":"ballerinax","name":"googleapis","version":"1.0.0"},{"org":"ballerinax","name":"googleapis.gmail","version":null}],"mode":"medium"},{"organization":"foo","moduleName":"bar","possiblePackages":[]}]}`,
	}
	for i, w := range wantBodies {
		if string(reqs[i].body) != w {
			t.Errorf("body %d:\n%s\nwant\n%s", i, reqs[i].body, w)
		}
	}
	// An empty request list is an empty JSON list, not null.
	if _, err := c.ResolveDependencies(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if b := string(rec.requests()[2].body); b != `{"packages":[]}` {
		t.Errorf("empty request body %s", b)
	}
}

func TestVerboseMasksToken(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(500, `{"message":"x"}`), jsonAnswer(200, `["1.0.0"]`))
	var buf bytes.Buffer
	c, _ := newTestClient(t, rec.base(), func(o *Options) { o.Verbose = &buf })
	if _, err := c.Versions(context.Background(), "acme", "hello"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, testToken) {
		t.Errorf("token printed:\n%s", out)
	}
	lines := readLines(out)
	for _, want := range []string{
		"* Trying " + rec.base() + "/packages/acme/hello",
		"> GET /2.0/registry/packages/acme/hello HTTP",
		"> Authorization: Bearer ************************************",
		"> Ballerina-Platform: java21,java17,java11",
		"> User-Agent: 2201.13.0",
		"< HTTP 500 Internal Server Error",
		"< HTTP 200 OK",
		`["1.0.0"]`,
		"* Connection to host " + rec.base() + " left intact",
	} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf("no line %q in\n%s", want, out)
		}
	}
}

func TestProxyWithBasicAuth(t *testing.T) {
	target := newRecorder(t, jsonAnswer(200, `["1.0.0"]`))
	var mu sync.Mutex
	var proxied []string
	proxy := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
			w.WriteHeader(http.StatusProxyAuthRequired)
			return
		}
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		proxied = append(proxied, r.URL.String())
		mu.Unlock()
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.Header.Del("Proxy-Authorization")
		resp, err := (&http.Transport{}).RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
	pu, _ := url.Parse(proxy.URL)
	port, _ := strconv.Atoi(pu.Port())
	settings := manifest.DefaultSettings()
	settings.Central.URL = target.base()
	settings.Proxy = manifest.Proxy{Host: pu.Hostname(), Port: port, Username: "alice", Password: "s3cret"}
	c, err := FromSettings(settings, "2201.13.0")
	if err != nil {
		t.Fatal(err)
	}
	if vs, err := c.Versions(context.Background(), "acme", "hello"); err != nil || len(vs) != 1 {
		t.Fatalf("Versions through the proxy = %v, %v", vs, err)
	}
	if len(proxied) != 1 || proxied[0] != target.base()+"/packages/acme/hello" {
		t.Errorf("proxied %v", proxied)
	}
	if h := target.requests()[0].header; h.Get("Proxy-Authorization") != "" {
		t.Errorf("proxy credentials reached the registry")
	}

	// Wrong credentials: the proxy's 407 is the answer.
	settings.Proxy.Password = "wrong"
	settings.Central.MaxRetries = 0
	c, _ = FromSettings(settings, "2201.13.0")
	_, err = c.Versions(context.Background(), "acme", "hello")
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusProxyAuthRequired {
		t.Fatalf("err = %v, want a 407", err)
	}
	if len(target.requests()) != 1 {
		t.Errorf("the registry was reached without proxy credentials")
	}
}

func TestFromSettings(t *testing.T) {
	s := manifest.DefaultSettings()
	s.Central.URL = "http://127.0.0.1:9090/2.0/registry/"
	s.Central.AccessToken = "tok"
	s.Central.MaxRetries = 3
	s.Central.CallTimeout = 5 * time.Second
	c, err := FromSettings(s, "2201.12.0")
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://127.0.0.1:9090/2.0/registry" || c.Host() != "127.0.0.1:9090" {
		t.Errorf("BaseURL %q Host %q", c.BaseURL(), c.Host())
	}
	o := c.opts
	if o.Token != "tok" || o.MaxRetries != 3 || o.Distribution != "2201.12.0" || o.ConnectTimeout != manifest.DefaultTimeout ||
		o.ReadTimeout != manifest.DefaultTimeout || o.WriteTimeout != manifest.DefaultTimeout || c.hc.Timeout != 5*time.Second {
		t.Errorf("options %+v, timeout %v", o, c.hc.Timeout)
	}
	if c.hc.CheckRedirect == nil {
		t.Errorf("redirects are followed")
	}
	d, err := FromSettings(manifest.DefaultSettings(), "2201.13.0")
	if err != nil || d.Host() != "api.central.ballerina.io" {
		t.Errorf("default host %q, %v", d.Host(), err)
	}
	for _, bad := range []string{"", "ftp://x/2.0/registry", "/2.0/registry", "http://"} {
		if _, err := New(Options{BaseURL: bad}); err == nil {
			t.Errorf("New(%q) succeeded", bad)
		}
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	followed := false
	var rec *recorder
	rec = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed = true
		}
		http.Redirect(w, r, rec.srv.URL+"/elsewhere", http.StatusFound)
	})
	c, _ := newTestClient(t, rec.base(), func(o *Options) { o.HTTPClient = &http.Client{} })
	_, err := c.Package(context.Background(), "acme", "hello", "1.0.0")
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusFound || followed {
		t.Fatalf("err = %v, followed %v", err, followed)
	}
}

func TestErrorText(t *testing.T) {
	for _, tc := range []struct {
		e    *Error
		want string
	}{
		{&Error{Op: "pull", Method: "GET", URL: "u", Status: 302, Err: ErrExists, Message: "package already exists in the home repository: /x"},
			"GET u: package already exists in the home repository: /x"},
		{&Error{Op: "push", Method: "POST", URL: "u", Status: 400, Err: ErrExists, Message: "package already exists: a/b:1.0.0"},
			"POST u: 400: package already exists: a/b:1.0.0"},
		{&Error{Op: "push", Method: "POST", URL: "u", Err: ErrConnection, Cause: errors.New("connection reset by peer")},
			"POST u: cannot connect to the registry: connection reset by peer"},
		{&Error{Op: "download", URL: "u", Status: 502}, "download u: 502 Bad Gateway"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	e := error(&Error{Err: ErrNotFound})
	if !errors.Is(e, ErrNotFound) || errors.Is(e, ErrExists) {
		t.Errorf("Unwrap")
	}
}

// The JSON a deprecation sends is valid JSON for any message.
func TestDeprecateMessageIsJSON(t *testing.T) {
	rec := newRecorder(t, jsonAnswer(200, packageJSON))
	c, _ := newTestClient(t, rec.base())
	msg := `a "quoted" \ back\slash <tag> & ünïcode`
	if _, err := c.Deprecate(context.Background(), "acme", "hello", "1.0.0", msg, false); err != nil {
		t.Fatal(err)
	}
	var v struct{ Message string }
	if err := json.Unmarshal(rec.requests()[0].body, &v); err != nil || v.Message != msg {
		t.Errorf("body %s decodes to %q, %v", rec.requests()[0].body, v.Message, err)
	}
}
