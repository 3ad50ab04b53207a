package registry

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsNamespace prefixes every metric of the server's own.
const metricsNamespace = "central"

// unmatchedRoute is the route label of requests no registered pattern
// matched (the mux's 404 and 405 answers).
const unmatchedRoute = "unmatched"

// failedAuthClass is the class label of failed authentications refused by
// their rate limit, beside the route classes.
const failedAuthClass = "failed_auth"

// durationBuckets are the request duration histogram's bucket bounds, in
// seconds: fine below 10 ms, where metadata requests should be, and up to a
// minute, where large uploads and downloads end.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// serverMetrics are a Server's Prometheus metrics. They live in a registry
// of the Server's own, never in the client library's global default one,
// so that servers in one process (tests, embedding) count apart.
//
// Every label has a bounded set of values: routes are the registered
// patterns (never request paths, which are unbounded and may name private
// packages), methods the standard ones, statuses their class.
type serverMetrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec   // route, method, status
	duration    *prometheus.HistogramVec // route
	inFlight    prometheus.Gauge
	bytesSent   *prometheus.CounterVec // route
	rateLimited *prometheus.CounterVec // class
	// handler serves GET /metrics.
	handler http.Handler
}

func newServerMetrics(log *slog.Logger) *serverMetrics {
	reg := prometheus.NewRegistry()
	m := &serverMetrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status class (2xx, 4xx, ...).",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: metricsNamespace, Name: "http_request_duration_seconds",
			Help:    "Time from receiving a request's header to the end of its answer, by route pattern.",
			Buckets: durationBuckets,
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: metricsNamespace, Name: "http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		bytesSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Name: "http_response_bytes_total",
			Help: "Bytes of response bodies sent, by route pattern.",
		}, []string{"route"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricsNamespace, Name: "rate_limited_total",
			Help: "Requests refused with 429 by a rate limit, by class (publish, deprecate, token_create, read, write, failed_auth).",
		}, []string{"class"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.bytesSent, m.rateLimited,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every class shows from the start, at 0, so that a dashboard's rate
	// of refusals is defined before the first one.
	for _, c := range []string{routePublish.String(), routeDeprecate.String(), routeTokenCreate.String(),
		routeRead.String(), routeWrite.String(), failedAuthClass} {
		m.rateLimited.WithLabelValues(c)
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      promLogger{log},
		ErrorHandling: promhttp.ContinueOnError,
		// Bounds the cost of scrapes; a scraper is one client.
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
	return m
}

// observe counts one answered request.
func (m *serverMetrics) observe(route, method string, status int, bytes int64, d time.Duration) {
	m.requests.WithLabelValues(route, methodLabel(method), statusClass(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
	if bytes > 0 {
		m.bytesSent.WithLabelValues(route).Add(float64(bytes))
	}
}

// methodLabel returns method if it is a standard one and "other" if not:
// the method is the client's to choose, and labels must stay few.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// statusClass returns "2xx" for 200 to 299, and so on.
func statusClass(status int) string {
	switch status / 100 {
	case 1:
		return "1xx"
	case 2:
		return "2xx"
	case 3:
		return "3xx"
	case 4:
		return "4xx"
	case 5:
		return "5xx"
	}
	return "other"
}

// promLogger sends the metrics handler's errors to the server's log.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Warn("serving /metrics", "err", fmt.Sprint(v...))
}
