package registry

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape fetches e's /metrics and returns its samples, each line's
// "name{labels}" mapped to its value, and the exposition as text.
func scrape(t *testing.T, e *testEnv) (map[string]float64, string) {
	t.Helper()
	resp := e.request(http.MethodGet, "/metrics", nil)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("/metrics Content-Type %q, want the Prometheus text format", ct)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples, body
}

func TestMetrics(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{1, time.Minute} })
	stopClock(e)
	e.srv.handle("GET /test/pkgs/{org}/{name}", routeRead, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("12345"))
	})
	e.srv.handle("POST /test/push", routePublish, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "no")
	})
	readBody(t, e.request(http.MethodGet, "/test/pkgs/acme/secretpkg", nil))
	readBody(t, e.request(http.MethodGet, "/test/pkgs/acme/otherpkg", nil))
	readBody(t, e.request(http.MethodPost, "/test/push", nil))
	readBody(t, e.request(http.MethodPost, "/test/push", nil)) // 429
	readBody(t, e.request("BREW", "/test/pkgs/acme/teapot", nil))
	readBody(t, e.request(http.MethodGet, "/private-org/hidden-name", nil))
	readBody(t, e.request(http.MethodGet, "/healthz", nil))

	samples, text := scrape(t, e)
	wants := map[string]float64{
		`central_http_requests_total{method="GET",route="/test/pkgs/{org}/{name}",status="2xx"}`:     2,
		`central_http_requests_total{method="POST",route="/test/push",status="4xx"}`:                 2,
		`central_http_requests_total{method="other",route="unmatched",status="4xx"}`:                 1,
		`central_http_requests_total{method="GET",route="unmatched",status="4xx"}`:                   1,
		`central_http_requests_total{method="GET",route="/healthz",status="2xx"}`:                    1,
		`central_http_request_duration_seconds_count{route="/test/pkgs/{org}/{name}"}`:               2,
		`central_http_request_duration_seconds_bucket{route="/test/pkgs/{org}/{name}",le="+Inf"}`:    2,
		`central_http_response_bytes_total{route="/test/pkgs/{org}/{name}"}`:                         10,
		`central_rate_limited_total{class="publish"}`:                                                1,
		`central_rate_limited_total{class="deprecate"}`:                                              0,
		`central_rate_limited_total{class="failed_auth"}`:                                            0,
		`central_http_requests_in_flight`:                                                            1, // the scrape itself
		`central_http_request_duration_seconds_bucket{route="/test/pkgs/{org}/{name}",le="0.0005"}`:  -1,
		`central_http_request_duration_seconds_bucket{route="/test/push",le="60"}`:                   2,
		`central_http_requests_total{method="POST",route="/test/push",status="2xx"}`:                 -2,
		`central_http_requests_total{method="GET",route="/test/pkgs/acme/secretpkg",status="2xx"}`:   -2,
		`central_http_request_duration_seconds_bucket{route="/test/pkgs/{org}/{name}",le="0.00025"}`: -2,
	}
	for name, want := range wants {
		got, ok := samples[name]
		switch {
		case want == -2 && ok: // must not exist
			t.Errorf("%s is exposed; want no such series", name)
		case want == -1 && !ok: // must exist, any value
			t.Errorf("%s is missing", name)
		case want >= 0 && (!ok || got != want):
			t.Errorf("%s = %v (present: %v), want %v", name, got, ok, want)
		}
	}
	// The Go and process collectors are there.
	for _, name := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_resident_memory_bytes"} {
		if _, ok := samples[name]; !ok {
			t.Errorf("%s is missing", name)
		}
	}
	// Labels are patterns, never what clients put in paths.
	for _, leak := range []string{"secretpkg", "otherpkg", "teapot", "private-org", "hidden-name", "BREW"} {
		if strings.Contains(text, leak) {
			t.Errorf("the exposition holds %q, from a request path or method", leak)
		}
	}
	// The scrape itself is counted by the next one.
	samples, _ = scrape(t, e)
	if got := samples[`central_http_requests_total{method="GET",route="/metrics",status="2xx"}`]; got != 1 {
		t.Errorf("/metrics requests counted: %v, want 1", got)
	}
}

// TestMetricsPerServer checks that servers do not share metrics: each has
// a registry of its own, not the library's global one.
func TestMetricsPerServer(t *testing.T) {
	a, b := newTestEnv(t), newTestEnv(t)
	for range 3 {
		readBody(t, a.request(http.MethodGet, "/healthz", nil))
	}
	readBody(t, b.request(http.MethodGet, "/healthz", nil))
	const series = `central_http_requests_total{method="GET",route="/healthz",status="2xx"}`
	if sa, _ := scrape(t, a); sa[series] != 3 {
		t.Errorf("server a: %s = %v, want 3", series, sa[series])
	}
	if sb, _ := scrape(t, b); sb[series] != 1 {
		t.Errorf("server b: %s = %v, want 1", series, sb[series])
	}
}

// TestMetricsOfTheAPIRoutes checks the real routes: labels are their
// registered patterns.
func TestMetricsOfTheAPIRoutes(t *testing.T) {
	e := newTestEnv(t)
	readBody(t, e.request(http.MethodGet, centralPrefix+"/packages/someorg/somepkg", nil))
	readBody(t, e.request(http.MethodGet, centralPrefix+"/packages/someorg/somepkg/1.2.3", nil))
	samples, text := scrape(t, e)
	for _, route := range []string{centralPrefix + "/packages/{org}/{name}", centralPrefix + "/packages/{org}/{name}/{version}"} {
		found := false
		for name := range samples {
			if strings.HasPrefix(name, "central_http_requests_total{") && strings.Contains(name, `route="`+route+`"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("no central_http_requests_total series for route %s", route)
		}
	}
	for _, leak := range []string{"someorg", "somepkg", "1.2.3"} {
		if strings.Contains(text, leak) {
			t.Errorf("the exposition holds %q, from a request path", leak)
		}
	}
}

func TestMetricLabels(t *testing.T) {
	for method, want := range map[string]string{
		"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "DELETE": "DELETE", "PATCH": "PATCH",
		"OPTIONS": "OPTIONS", "get": "other", "BREW": "other", "": "other",
	} {
		if got := methodLabel(method); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", method, got, want)
		}
	}
	for status, want := range map[int]string{100: "1xx", 200: "2xx", 204: "2xx", 302: "3xx", 404: "4xx", 429: "4xx", 500: "5xx", 599: "5xx", 600: "other", 999: "other"} {
		if got := statusClass(status); got != want {
			t.Errorf("statusClass(%d) = %q, want %q", status, got, want)
		}
	}
	for pattern, want := range map[string]string{
		"GET /healthz":                   "/healthz",
		"GET  /x/{a}":                    "/x/{a}",
		"/api/v1/":                       "/api/v1/",
		"POST /2.0/registry/packages":    "/2.0/registry/packages",
		"GET /2.0/registry/packages/{$}": "/2.0/registry/packages/{$}",
	} {
		if got := routeLabel(pattern); got != want {
			t.Errorf("routeLabel(%q) = %q, want %q", pattern, got, want)
		}
	}
}
