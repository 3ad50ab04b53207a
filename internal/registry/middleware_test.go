package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// limitClock is a clock for the rate limit tests: it moves only when told
// to, so that no test sleeps.
type limitClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *limitClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *limitClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// stopClock gives e's server a clock that stands still until advanced.
func stopClock(e *testEnv) *limitClock {
	c := &limitClock{now: time.Now()}
	e.srv.now = c.Now
	return c
}

// serveFrom sends a request straight to the server's handler, as if from
// the client address remote ("host:port"), which a real connection from
// the test cannot choose. headers alternate names and values.
func (e *testEnv) serveFrom(remote, method, path string, headers ...string) *http.Response {
	e.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp
}

// accessRecord is an access log record as the JSON handler writes it.
type accessRecord struct {
	Level      string   `json:"level"`
	Msg        string   `json:"msg"`
	RequestID  string   `json:"request_id"`
	Method     string   `json:"method"`
	Path       string   `json:"path"`
	Q          *string  `json:"q"`
	Status     int      `json:"status"`
	Bytes      int64    `json:"bytes"`
	DurationMS *float64 `json:"duration_ms"`
	Remote     string   `json:"remote"`
	User       *string  `json:"user"`
	Route      *string  `json:"route"`
}

// logRecords returns every record of e's log with the message msg, each
// as a generic map and decoded into an accessRecord.
func logRecords(t *testing.T, e *testEnv, msg string) ([]map[string]any, []accessRecord) {
	t.Helper()
	var raw []map[string]any
	var recs []accessRecord
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if m["msg"] != msg {
			continue
		}
		var r accessRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		raw = append(raw, m)
		recs = append(recs, r)
	}
	return raw, recs
}

// accessRecordOf returns the one access log record of the request with
// the given ID.
func accessRecordOf(t *testing.T, e *testEnv, id string) (map[string]any, accessRecord) {
	t.Helper()
	raw, recs := logRecords(t, e, "request")
	var found []int
	for i, r := range recs {
		if r.RequestID == id {
			found = append(found, i)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d access log records with request_id %q, want 1; log:\n%s", len(found), id, e.logs.String())
	}
	return raw[found[0]], recs[found[0]]
}

var generatedRequestID = regexp.MustCompile(`^[0-9a-f]{16}$`)

func TestRequestID(t *testing.T) {
	e := newTestEnv(t)
	e.srv.handle("GET /test/request-id", routeRead, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"id": requestIDFrom(r.Context())})
	})
	long := strings.Repeat("a", 64)
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"none sent", "", false},
		{"a UUID", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"letters, digits, dot, underscore, hyphen", "Trace_1.2-x", true},
		{"64 characters", long, true},
		{"65 characters", long + "a", false},
		{"a space", "a b", false},
		{"markup", "<script>", false},
		{"a newline escape", "id%0Afake", false},
		{"non-ASCII", "idé", false},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.sent != "" {
				hdr = []string{"X-Request-Id", tt.sent}
			}
			resp := e.request(http.MethodGet, "/test/request-id", nil, hdr...)
			var body struct{ ID string }
			if err := json.Unmarshal([]byte(readBody(t, resp)), &body); err != nil {
				t.Fatal(err)
			}
			got := resp.Header.Get("X-Request-Id")
			if tt.kept && got != tt.sent {
				t.Errorf("X-Request-Id = %q, want the client's %q", got, tt.sent)
			}
			if !tt.kept && !generatedRequestID.MatchString(got) {
				t.Errorf("X-Request-Id = %q, want 16 generated hex digits", got)
			}
			if body.ID != got {
				t.Errorf("the handler's request ID is %q, the header's %q", body.ID, got)
			}
			if !tt.kept {
				if seen[got] {
					t.Errorf("generated ID %q twice", got)
				}
				seen[got] = true
			}
			if _, rec := accessRecordOf(t, e, got); rec.Path != "/test/request-id" {
				t.Errorf("access log path %q", rec.Path)
			}
		})
	}
}

func TestInternalErrorNamesTheRequestID(t *testing.T) {
	e := newTestEnv(t)
	e.srv.handle("GET /test/broken", routeRead, func(w http.ResponseWriter, r *http.Request) {
		e.srv.internalError(w, r, errors.New("disk on fire at /secret/path"))
	})
	resp := e.request(http.MethodGet, "/test/broken", nil, "X-Request-Id", "req-42")
	msg := errorMessage(t, resp, http.StatusInternalServerError)
	if want := "internal server error; the server log has the details under request ID req-42"; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	raw, _ := logRecords(t, e, "internal error")
	if len(raw) != 1 || raw[0]["request_id"] != "req-42" || raw[0]["err"] != "disk on fire at /secret/path" {
		t.Errorf("internal error records %v, want one with request_id req-42 and the error", raw)
	}
}

func TestAccessLog(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.LogLevel = slog.LevelDebug })
	e.srv.handle("GET /test/items/{name}", routeRead, func(w http.ResponseWriter, r *http.Request) {
		if _, ok := e.srv.authenticate(w, r); !ok {
			return
		}
		io.WriteString(w, "item "+r.PathValue("name"))
	})
	u := e.user("alice", false)
	tok := e.token(u)
	longQ := strings.Repeat("é", 40) // 80 bytes
	type want struct {
		method, path string
		q            *string
		status       int
		bytes        int64
		user, route  *string
		level        string
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		name    string
		method  string
		target  string
		headers []string
		want    want
	}{
		{"anonymous", "GET", "/test/items/abc", nil,
			want{"GET", "/test/items/abc", nil, 200, 8, nil, str("/test/items/{name}"), "INFO"}},
		{"authenticated: the user, never the token", "GET", "/test/items/x", []string{"Authorization", "Bearer " + tok},
			want{"GET", "/test/items/x", nil, 200, 6, str("alice"), str("/test/items/{name}"), "INFO"}},
		{"a refused token", "GET", "/test/items/x", []string{"Authorization", "Bearer bct_notatoken"},
			want{"GET", "/test/items/x", nil, 401, -1, nil, str("/test/items/{name}"), "INFO"}},
		{"query values other than q are never logged", "GET", "/test/items/x?token=hunter2&password=hunter2", nil,
			want{"GET", "/test/items/x", nil, 200, 6, nil, str("/test/items/{name}"), "INFO"}},
		{"the search text, shortened", "GET", "/test/items/x?q=" + longQ + "&secret=hunter2", nil,
			want{"GET", "/test/items/x", str(strings.Repeat("é", 32) + "…"), 200, 6, nil, str("/test/items/{name}"), "INFO"}},
		{"no route matched", "GET", "/no/such/thing", nil,
			want{"GET", "/no/such/thing", nil, 404, -1, nil, nil, "INFO"}},
		{"health checks at debug level", "GET", "/healthz", nil,
			want{"GET", "/healthz", nil, 200, -1, nil, str("/healthz"), "DEBUG"}},
		{"scrapes at debug level", "GET", "/metrics", nil,
			want{"GET", "/metrics", nil, 200, -1, nil, str("/metrics"), "DEBUG"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprint("access-", i)
			resp := e.request(tt.method, tt.target, nil, append([]string{"X-Request-Id", id}, tt.headers...)...)
			body := readBody(t, resp)
			raw, rec := accessRecordOf(t, e, id)
			w := tt.want
			if rec.Level != w.level || rec.Method != w.method || rec.Path != w.path || rec.Status != w.status || rec.Status != resp.StatusCode {
				t.Errorf("record %v; want level %s, %s %s, status %d (sent %d)", raw, w.level, w.method, w.path, w.status, resp.StatusCode)
			}
			wantBytes := w.bytes
			if wantBytes < 0 {
				wantBytes = int64(len(body))
			}
			if resp.Uncompressed {
				// Sent gzipped (the scrape): the log counts what was sent.
				if rec.Bytes <= 0 || rec.Bytes >= wantBytes {
					t.Errorf("bytes = %d, want the gzipped size of %d bytes", rec.Bytes, wantBytes)
				}
			} else if rec.Bytes != wantBytes || int64(len(body)) != wantBytes {
				t.Errorf("bytes = %d, body has %d, want %d", rec.Bytes, len(body), wantBytes)
			}
			if rec.DurationMS == nil || *rec.DurationMS < 0 {
				t.Errorf("duration_ms = %v, want a non-negative number", raw["duration_ms"])
			}
			if !strings.HasPrefix(rec.Remote, "127.0.0.1:") {
				t.Errorf("remote = %q, want 127.0.0.1:<port>", rec.Remote)
			}
			for _, f := range []struct {
				name      string
				got, want *string
			}{{"q", rec.Q, w.q}, {"user", rec.User, w.user}, {"route", rec.Route, w.route}} {
				switch {
				case f.want == nil && f.got != nil:
					t.Errorf("%s = %q, want no such field", f.name, *f.got)
				case f.want != nil && (f.got == nil || *f.got != *f.want):
					t.Errorf("%s = %v, want %q", f.name, raw[f.name], *f.want)
				}
			}
		})
	}
	for _, secret := range []string{tok, "hunter2", "bct_notatoken"} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("the log holds the secret %q:\n%s", secret, e.logs.String())
		}
	}
}

func TestAccessLogLevels(t *testing.T) {
	e := newTestEnv(t) // info: health checks and scrapes are not logged
	for _, path := range []string{"/healthz", "/metrics", "/healthz"} {
		readBody(t, e.request(http.MethodGet, path, nil))
	}
	readBody(t, e.request(http.MethodGet, "/elsewhere", nil))
	_, recs := logRecords(t, e, "request")
	if len(recs) != 1 || recs[0].Path != "/elsewhere" {
		t.Errorf("access log records %+v, want only the one of /elsewhere", recs)
	}
}

func TestRecovery(t *testing.T) {
	e := newTestEnv(t)
	e.srv.handle("GET /test/panic", routeRead, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", "attachment; filename=half.bala")
		panic("handler bug")
	})
	e.srv.handle("GET /test/panic-midway", routeRead, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "the first part")
		w.(http.Flusher).Flush()
		panic(fmt.Errorf("handler bug after %d bytes", 14))
	})
	e.srv.handle("GET /test/abort", routeRead, func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})

	t.Run("before anything was written", func(t *testing.T) {
		resp := e.request(http.MethodGet, "/test/panic", nil, "X-Request-Id", "boom-1")
		if cd := resp.Header.Get("Content-Disposition"); cd != "" {
			t.Errorf("the 500 kept the handler's Content-Disposition %q", cd)
		}
		if id := resp.Header.Get("X-Request-Id"); id != "boom-1" {
			t.Errorf("X-Request-Id = %q", id)
		}
		msg := errorMessage(t, resp, http.StatusInternalServerError)
		if want := "internal server error; the server log has the details under request ID boom-1"; msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
		raw, _ := logRecords(t, e, "panic serving a request")
		if len(raw) != 1 {
			t.Fatalf("%d panic records, want 1", len(raw))
		}
		p := raw[0]
		if p["request_id"] != "boom-1" || p["panic"] != "handler bug" || p["level"] != "ERROR" || p["path"] != "/test/panic" {
			t.Errorf("panic record %v", p)
		}
		if stack, _ := p["stack"].(string); !strings.Contains(stack, "middleware_test.go") {
			t.Errorf("the stack does not name the handler's file:\n%s", stack)
		}
		if _, rec := accessRecordOf(t, e, "boom-1"); rec.Status != 500 {
			t.Errorf("access log status %d, want 500", rec.Status)
		}
	})
	t.Run("midway: the connection is cut", func(t *testing.T) {
		resp := e.request(http.MethodGet, "/test/panic-midway", nil, "X-Request-Id", "boom-2")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want the 200 already sent", resp.StatusCode)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("the body %q was read without error; the client must see a broken answer", body)
		}
		raw, _ := logRecords(t, e, "panic serving a request")
		if len(raw) != 2 || raw[1]["request_id"] != "boom-2" || raw[1]["panic"] != "handler bug after 14 bytes" {
			t.Errorf("panic records %v", raw)
		}
		if _, rec := accessRecordOf(t, e, "boom-2"); rec.Status != 200 || rec.Bytes != 14 {
			t.Errorf("access log status %d, bytes %d; want what was sent: 200, 14", rec.Status, rec.Bytes)
		}
	})
	t.Run("http.ErrAbortHandler is no bug", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/test/abort", nil)
		req.Header.Set("X-Request-Id", "abort-1")
		if resp, err := e.client.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("got an answer (%d); want the connection cut", resp.StatusCode)
		}
		if raw, _ := logRecords(t, e, "panic serving a request"); len(raw) != 2 {
			t.Errorf("%d panic records, want still 2", len(raw))
		}
		accessRecordOf(t, e, "abort-1")
	})
	t.Run("the server goes on", func(t *testing.T) {
		if resp := e.request(http.MethodGet, "/healthz", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("/healthz: status %d", resp.StatusCode)
		}
	})
}

// TestResponseWriterCapabilities checks that the middleware's writer keeps
// what handlers rely on: flushing, deadlines through
// http.ResponseController, and io.ReaderFrom (sendfile for downloads).
func TestResponseWriterCapabilities(t *testing.T) {
	e := newTestEnv(t)
	const content = "0123456789abcdef"
	e.srv.handle("GET /test/capabilities", routeRead, func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		if _, ok := w.(io.ReaderFrom); !ok {
			t.Errorf("the writer is no io.ReaderFrom")
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		if n, err := io.Copy(w, strings.NewReader(content)); n != int64(len(content)) || err != nil {
			t.Errorf("io.Copy = %d, %v", n, err)
		}
	})
	resp := e.request(http.MethodGet, "/test/capabilities", nil, "X-Request-Id", "cap-1")
	if body := readBody(t, resp); body != content {
		t.Errorf("body %q, want %q", body, content)
	}
	if _, rec := accessRecordOf(t, e, "cap-1"); rec.Status != 200 || rec.Bytes != int64(len(content)) {
		t.Errorf("access log status %d, bytes %d; want 200, %d", rec.Status, rec.Bytes, len(content))
	}
}

// limitedRoutes registers a test route for each rate-limited class.
func limitedRoutes(e *testEnv) map[routeClass]string {
	paths := map[routeClass]string{
		routePublish:     "/test/publish",
		routeDeprecate:   "/test/deprecate",
		routeTokenCreate: "/test/token",
		routeRead:        "/test/read",
		routeWrite:       "/test/write",
	}
	for c, p := range paths {
		e.srv.handle("POST "+p, c, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
	return paths
}

// expectLimited checks that resp is the 429 of a rate limit, with the
// message and Retry-After seconds given.
func expectLimited(t *testing.T, resp *http.Response, message string, retryAfter int) {
	t.Helper()
	if got := resp.Header.Get("Retry-After"); got != fmt.Sprint(retryAfter) {
		t.Errorf("Retry-After = %q, want %d", got, retryAfter)
	}
	if msg := errorMessage(t, resp, http.StatusTooManyRequests); msg != message {
		t.Errorf("message %q\nwant    %q", msg, message)
	}
}

func expectStatus(t *testing.T, resp *http.Response, status int) {
	t.Helper()
	if body := readBody(t, resp); resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
}

func TestRateLimitPerTokenAndAddress(t *testing.T) {
	for _, tc := range []struct {
		class routeClass
		what  string
	}{
		{routePublish, "for publishing"},
		{routeDeprecate, "for deprecating"},
		{routeTokenCreate, "for creating tokens and sessions"},
	} {
		t.Run(tc.class.String(), func(t *testing.T) {
			e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{30, time.Minute} })
			clock := stopClock(e)
			paths := limitedRoutes(e)
			path := paths[tc.class]
			const ip1, ip2, ip3 = "192.0.2.1:1000", "192.0.2.2:1000", "192.0.2.3:1000"
			tokA, tokB := []string{"Authorization", "Bearer bct_a"}, []string{"Authorization", "Bearer bct_b"}
			msg := func(secs int) string {
				return fmt.Sprintf("rate limit exceeded: at most 30 requests per minute %s; retry after %d s", tc.what, secs)
			}
			for range 30 {
				expectStatus(t, e.serveFrom(ip1, "POST", path, tokA...), http.StatusNoContent)
			}
			expectLimited(t, e.serveFrom(ip1, "POST", path, tokA...), msg(2), 2)
			// A second token from a second address is not affected.
			expectStatus(t, e.serveFrom(ip2, "POST", path, tokB...), http.StatusNoContent)
			// The first address is spent, whatever the token; so is the
			// first token, whatever the address.
			expectLimited(t, e.serveFrom(ip1, "POST", path, tokB...), msg(2), 2)
			expectLimited(t, e.serveFrom(ip1, "POST", path), msg(2), 2)
			expectLimited(t, e.serveFrom(ip3, "POST", path, tokA...), msg(2), 2)
			// Refusals charge nobody: the third address has its whole
			// budget.
			for range 30 {
				expectStatus(t, e.serveFrom(ip3, "POST", path), http.StatusNoContent)
			}
			expectLimited(t, e.serveFrom(ip3, "POST", path), msg(2), 2)

			clock.Advance(1500 * time.Millisecond)
			expectLimited(t, e.serveFrom(ip1, "POST", path, tokA...), msg(1), 1) // 0.5 s rounds up
			clock.Advance(500 * time.Millisecond)
			expectStatus(t, e.serveFrom(ip1, "POST", path, tokA...), http.StatusNoContent)
			expectLimited(t, e.serveFrom(ip1, "POST", path, tokA...), msg(2), 2)

			// Other classes keep their own budgets.
			for c, p := range paths {
				if c != tc.class {
					expectStatus(t, e.serveFrom(ip1, "POST", p, tokA...), http.StatusNoContent)
				}
			}
			clock.Advance(time.Minute)
			for range 30 {
				expectStatus(t, e.serveFrom(ip1, "POST", path, tokA...), http.StatusNoContent)
			}
		})
	}
}

func TestRateLimitIPv6CountsPer64(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{2, time.Minute} })
	stopClock(e)
	path := limitedRoutes(e)[routePublish]
	expectStatus(t, e.serveFrom("[2001:db8:1:2::1]:1000", "POST", path), http.StatusNoContent)
	expectStatus(t, e.serveFrom("[2001:db8:1:2:ffff::9]:2000", "POST", path), http.StatusNoContent)
	expectLimited(t, e.serveFrom("[2001:db8:1:2::3]:3000", "POST", path),
		"rate limit exceeded: at most 2 requests per minute for publishing; retry after 30 s", 30)
	expectStatus(t, e.serveFrom("[2001:db8:1:3::1]:1000", "POST", path), http.StatusNoContent)
	// An IPv4-mapped address is the IPv4 client.
	expectStatus(t, e.serveFrom("198.51.100.7:1", "POST", path), http.StatusNoContent)
	expectStatus(t, e.serveFrom("[::ffff:198.51.100.7]:2", "POST", path), http.StatusNoContent)
	expectStatus(t, e.serveFrom("198.51.100.7:3", "POST", path), http.StatusTooManyRequests)
}

func TestClientKey(t *testing.T) {
	tests := []struct{ remote, want string }{
		{"192.0.2.1:5000", "ip:192.0.2.1"},
		{"[::ffff:192.0.2.1]:5000", "ip:192.0.2.1"},
		{"[2001:db8:aa:bb:1:2:3:4]:443", "ip:2001:db8:aa:bb::/64"},
		{"[::1]:80", "ip:::/64"},
		{"@", "addr:@"},
		{"", "addr:"},
	}
	for _, tt := range tests {
		if got := clientKey(&http.Request{RemoteAddr: tt.remote}); got != tt.want {
			t.Errorf("clientKey(%q) = %q, want %q", tt.remote, got, tt.want)
		}
	}
}

func TestReadRateLimit(t *testing.T) {
	t.Run("unlimited by default", func(t *testing.T) {
		e := newTestEnv(t)
		if !e.srv.cfg.ReadRateLimit.Unlimited() {
			t.Fatalf("the default read_rate_limit is %v, want off", e.srv.cfg.ReadRateLimit)
		}
		stopClock(e)
		paths := limitedRoutes(e)
		for range 300 {
			expectStatus(t, e.serveFrom("192.0.2.1:1", "POST", paths[routeRead]), http.StatusNoContent)
			expectStatus(t, e.serveFrom("192.0.2.1:1", "POST", paths[routeWrite]), http.StatusNoContent)
		}
	})
	t.Run("limited when set", func(t *testing.T) {
		e := newTestEnv(t, func(c *Config) { c.ReadRateLimit = Rate{5, time.Minute}; c.RateLimit = Rate{30, time.Minute} })
		clock := stopClock(e)
		paths := limitedRoutes(e)
		const ip = "192.0.2.1:1"
		for range 3 {
			expectStatus(t, e.serveFrom(ip, "POST", paths[routeRead]), http.StatusNoContent)
		}
		// Reads and the other writes share the address's budget.
		for range 2 {
			expectStatus(t, e.serveFrom(ip, "POST", paths[routeWrite]), http.StatusNoContent)
		}
		const msg = "rate limit exceeded: at most 5 requests per minute from one address; retry after 12 s"
		expectLimited(t, e.serveFrom(ip, "POST", paths[routeRead]), msg, 12)
		expectLimited(t, e.serveFrom(ip, "POST", paths[routeWrite], "Authorization", "Bearer bct_x"), msg, 12)
		// Publishing has its own limit; the operational routes none.
		expectStatus(t, e.serveFrom(ip, "POST", paths[routePublish]), http.StatusNoContent)
		for range 20 {
			expectStatus(t, e.serveFrom(ip, "GET", "/healthz"), http.StatusOK)
			expectStatus(t, e.serveFrom(ip, "GET", "/metrics"), http.StatusOK)
		}
		// Other addresses are not affected.
		expectStatus(t, e.serveFrom("192.0.2.2:1", "POST", paths[routeRead]), http.StatusNoContent)
		clock.Advance(12 * time.Second)
		expectStatus(t, e.serveFrom(ip, "POST", paths[routeRead]), http.StatusNoContent)
		expectLimited(t, e.serveFrom(ip, "POST", paths[routeRead]), msg, 12)
	})
}

func TestRateLimitOff(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{} })
	stopClock(e)
	paths := limitedRoutes(e)
	e.srv.handle("GET /test/private", routeRead, func(w http.ResponseWriter, r *http.Request) {
		if _, ok := e.srv.requireUser(w, r, ""); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	})
	for range 100 {
		for _, c := range []routeClass{routePublish, routeDeprecate, routeTokenCreate} {
			expectStatus(t, e.serveFrom("192.0.2.1:1", "POST", paths[c], "Authorization", "Bearer bct_a"), http.StatusNoContent)
		}
		expectStatus(t, e.serveFrom("192.0.2.1:1", "GET", "/test/private", "Authorization", "Bearer bct_bad"), http.StatusUnauthorized)
	}
}

func TestFailedAuthenticationLimit(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{30, time.Minute} })
	clock := stopClock(e)
	e.srv.handle("GET /test/private", routeRead, func(w http.ResponseWriter, r *http.Request) {
		if _, ok := e.srv.requireUser(w, r, ""); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	})
	good := e.token(e.user("alice", false))
	const ip1, ip2 = "192.0.2.1:1", "192.0.2.2:1"
	bad := func(i int) []string { return []string{"Authorization", fmt.Sprint("Bearer bct_guess", i)} }
	for i := range 20 {
		expectStatus(t, e.serveFrom(ip1, "GET", "/test/private", bad(i)...), http.StatusUnauthorized)
	}
	// Anonymous requests to routes that need a user count as well.
	for range 10 {
		resp := e.serveFrom(ip1, "GET", "/test/private")
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("a 401 without WWW-Authenticate")
		}
		expectStatus(t, resp, http.StatusUnauthorized)
	}
	const msg = "rate limit exceeded: at most 30 failed authentications per minute from one address; retry after 2 s"
	expectLimited(t, e.serveFrom(ip1, "GET", "/test/private", bad(99)...), msg, 2)
	expectLimited(t, e.serveFrom(ip1, "GET", "/test/private"), msg, 2)
	// Successful authentication is never limited.
	for range 50 {
		expectStatus(t, e.serveFrom(ip1, "GET", "/test/private", "Authorization", "Bearer "+good), http.StatusNoContent)
	}
	// Failures are counted per address.
	expectStatus(t, e.serveFrom(ip2, "GET", "/test/private", bad(1)...), http.StatusUnauthorized)
	clock.Advance(2 * time.Second)
	expectStatus(t, e.serveFrom(ip1, "GET", "/test/private", bad(100)...), http.StatusUnauthorized)
	expectLimited(t, e.serveFrom(ip1, "GET", "/test/private", bad(101)...), msg, 2)
}

// TestRealRoutesAreLimited checks that the API registers its routes in the
// right classes: pushing, deprecating and creating tokens are limited at
// the 31st request in a minute, whatever the handlers answer to the first
// 30, and reads are not.
func TestRealRoutesAreLimited(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{30, time.Minute} })
	stopClock(e)
	admin := e.user("root", true)
	tests := []struct {
		method, path, what string
	}{
		{"POST", centralPrefix + "/packages", "for publishing"},
		{"PUT", centralPrefix + "/packages/deprecate/myorg/pkg/1.0.0", "for deprecating"},
		{"PUT", centralPrefix + "/packages/undeprecate/myorg/pkg/1.0.0", "for deprecating"},
		{"POST", "/api/v1/tokens", "for creating tokens and sessions"},
		{"POST", "/api/v1/sessions", "for creating tokens and sessions"},
	}
	for i, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			// A fresh address and token for each route, so that each
			// starts with a whole budget.
			ip := fmt.Sprintf("192.0.2.%d:1", i+1)
			hdr := []string{"Authorization", "Bearer " + e.token(admin, AllScopes...), "Content-Type", "application/json"}
			for n := range 30 {
				resp := e.serveFrom(ip, tt.method, tt.path, hdr...)
				if body := readBody(t, resp); resp.StatusCode == http.StatusTooManyRequests {
					t.Fatalf("request %d refused: %s", n+1, body)
				}
			}
			expectLimited(t, e.serveFrom(ip, tt.method, tt.path, hdr...),
				fmt.Sprintf("rate limit exceeded: at most 30 requests per minute %s; retry after 2 s", tt.what), 2)
		})
	}
	for n := range 100 {
		resp := e.serveFrom("192.0.2.200:1", "GET", centralPrefix+"/packages/myorg/pkg")
		if body := readBody(t, resp); resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("read %d refused: %s", n+1, body)
		}
	}
}
