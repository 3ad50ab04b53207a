package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/balcentral/balcentral/internal/registry/ratelimit"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/postgres"
)

// This file is the operational layer around the routes: request IDs,
// access logs, panic recovery, metrics (metrics.go) and rate limits.
//
// withMiddleware wraps the whole mux, so every request, matched or not,
// gets an ID, an access log record and a place in the metrics; handle
// wraps each route, which is where the route's pattern and class are known
// and so where the rate limits apply.
//
// Rate limits are kept per client address and, for the classes limited by
// rate_limit, also per token. The client address is the TCP peer's: behind
// a reverse proxy every client shares the proxy's address, and so one
// limit; forwarded-for headers are not trusted, as any client can send
// them. IPv6 clients are counted per /64, the block one subscriber
// typically gets, so that walking through one's own addresses buys nothing.
//
// A single process counts in memory. Replicas sharing a PostgreSQL database
// count in it (postgres.RateLimiter), so that a client spreading its
// requests over the replicas behind a load balancer gets one budget, not
// one per replica.

// serverHooks holds the middleware's state shared across requests: rate
// limiters and metrics.
type serverHooks struct {
	metrics *serverMetrics
	// limits is the limiter each route class counts against; nil means
	// unlimited.
	limits [routeOther + 1]*classLimiter
	// failedAuth limits failed authentications per client address; nil
	// means unlimited.
	failedAuth *classLimiter
}

// A classLimiter is a rate limit and what its 429 answer says about it.
type classLimiter struct {
	lim  rateCounter
	rate Rate
	// class labels the refusals in the metrics.
	class string
	// perToken adds a key per Authorization header to the client address.
	perToken bool
	// counted and scope complete the message: "at most 30 <counted> per
	// minute <scope>".
	counted, scope string
}

// newHooks makes the limiters s.cfg asks for and the metrics, and
// registers GET /metrics. NewServer calls it before registering the routes.
func (s *Server) newHooks() *serverHooks {
	h := &serverHooks{metrics: newServerMetrics(s.log)}
	// The limiters read s.now on every call, so that tests can replace
	// the clock after NewServer.
	now := func() time.Time { return s.now() }
	newLimiter := func(r Rate, class string, perToken bool, counted, scope string) *classLimiter {
		if r.Unlimited() {
			return nil
		}
		if r.Count < 0 || r.Per < time.Duration(r.Count) {
			s.log.Warn("ignoring an impossible rate limit", "class", class, "rate", r.String())
			return nil
		}
		var lim rateCounter = memoryCounter{ratelimit.New(r.Count, r.Per, ratelimit.Options{Now: now})}
		if shared, ok := store.Underlying(s.storage.Meta).(sharedRateLimiter); ok {
			dl, err := shared.RateLimiter("central:"+class, r.Count, r.Per)
			if err != nil {
				s.log.Warn("ignoring an impossible rate limit", "class", class, "rate", r.String(), "err", err)
				return nil
			}
			lim = databaseCounter{dl, s.log}
		}
		return &classLimiter{lim: lim, rate: r, class: class, perToken: perToken, counted: counted, scope: scope}
	}
	rl := s.cfg.RateLimit
	h.limits[routePublish] = newLimiter(rl, routePublish.String(), true, "requests", "for publishing")
	h.limits[routeDeprecate] = newLimiter(rl, routeDeprecate.String(), true, "requests", "for deprecating")
	h.limits[routeTokenCreate] = newLimiter(rl, routeTokenCreate.String(), true, "requests", "for creating tokens and sessions")
	h.failedAuth = newLimiter(rl, failedAuthClass, false, "failed authentications", "from one address")
	// Reads and the other writes share one budget per address: what a
	// client may send besides the limited actions.
	if read := newLimiter(s.cfg.ReadRateLimit, routeRead.String(), false, "requests", "from one address"); read != nil {
		h.limits[routeRead] = read
		write := *read
		write.class = routeWrite.String()
		h.limits[routeWrite] = &write
	}
	s.mux.Handle("GET /metrics", s.route(h, "GET /metrics", routeOther, h.metrics.handler))
	return h
}

// handle registers fn for pattern on the mux, wrapped in what the route's
// class needs (rate limit, metrics).
func (s *Server) handle(pattern string, class routeClass, fn http.HandlerFunc) {
	s.mux.Handle(pattern, s.route(s.hooks, pattern, class, fn))
}

// route wraps next, the handler of pattern: it notes the route for the
// access log and the metrics and applies the class's rate limit.
func (s *Server) route(h *serverHooks, pattern string, class routeClass, next http.Handler) http.Handler {
	label := routeLabel(pattern)
	var lim *classLimiter
	if h != nil {
		lim = h.limits[class]
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := requestInfoFrom(r.Context()); info != nil {
			info.route, info.class = label, class
		}
		if lim != nil && !s.allow(w, r, lim) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// routeLabel is the label of a route pattern in logs and metrics: the
// pattern without its method, which has a label of its own.
func routeLabel(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return strings.TrimSpace(path)
	}
	return pattern
}

// allow counts r against cl; when the limit is exceeded it answers 429 and
// returns false.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, cl *classLimiter) bool {
	var buf [2]string
	keys := append(buf[:0], clientKey(r))
	if cl.perToken {
		if a := r.Header.Get("Authorization"); a != "" {
			keys = append(keys, tokenKey(a))
		}
	}
	ok, retry := cl.lim.allow(r.Context(), keys...)
	if !ok {
		s.tooManyRequests(w, cl, retry)
	}
	return ok
}

// failedAuthLimited counts a failed authentication of r against the
// client's limit; when the limit is exceeded it answers 429 with
// Retry-After and returns true.
func (s *Server) failedAuthLimited(w http.ResponseWriter, r *http.Request) bool {
	if s.hooks == nil || s.hooks.failedAuth == nil {
		return false
	}
	cl := s.hooks.failedAuth
	if ok, retry := cl.lim.allow(r.Context(), clientKey(r)); !ok {
		s.tooManyRequests(w, cl, retry)
		return true
	}
	return false
}

// rateCounter counts the events of a rate limit per key: allow reports
// whether one more may happen now for every key, charging each, or how
// long to wait.
type rateCounter interface {
	allow(ctx context.Context, keys ...string) (ok bool, retryAfter time.Duration)
}

// memoryCounter counts in this process's memory.
type memoryCounter struct{ lim *ratelimit.Limiter }

func (m memoryCounter) allow(_ context.Context, keys ...string) (bool, time.Duration) {
	return m.lim.Allow(keys...)
}

// databaseCounter counts in the database that the replicas share.
type databaseCounter struct {
	lim *postgres.RateLimiter
	log *slog.Logger
}

// allow admits the request when the database cannot count it: a limit is
// protection, not a reason to fail requests that the database, once back,
// will serve or refuse anyway.
func (d databaseCounter) allow(ctx context.Context, keys ...string) (bool, time.Duration) {
	ok, retry, err := d.lim.Allow(ctx, keys...)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("cannot count a request against its rate limit; admitting it", "err", err)
		}
		return true, 0
	}
	return ok, retry
}

// tooManyRequests answers 429 with Retry-After in whole seconds, rounded
// up: a client that waits exactly that long is admitted.
func (s *Server) tooManyRequests(w http.ResponseWriter, cl *classLimiter, retry time.Duration) {
	s.hooks.metrics.rateLimited.WithLabelValues(cl.class).Inc()
	secs := max(int64((retry+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", fmt.Sprint(secs))
	writeErrorf(w, http.StatusTooManyRequests, "rate limit exceeded: at most %d %s per %s %s; retry after %d s",
		cl.rate.Count, cl.counted, perUnit(cl.rate.Per), cl.scope, secs)
}

// perUnit names a rate's period after "per": "minute", or "1m30s".
func perUnit(d time.Duration) string {
	switch d {
	case time.Second:
		return "second"
	case time.Minute:
		return "minute"
	case time.Hour:
		return "hour"
	}
	return d.String()
}

// clientKey is the rate limit key of r's client address: the IP address,
// IPv6 addresses by their /64 (see the top of this file), and the whole
// RemoteAddr if it is not an IP address and port.
func clientKey(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return "addr:" + r.RemoteAddr
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + ip.String()
}

// tokenKey is the rate limit key of an Authorization header: a hash, so
// that the limiter holds no secret, computed without asking the database
// whether the token is valid (the limit protects that lookup too). It is
// hexadecimal, text that a database limiter can store.
func tokenKey(authorization string) string {
	sum := sha256.Sum256([]byte(authorization))
	return "token:" + hex.EncodeToString(sum[:16])
}

// requestInfo is what the layers of a request tell the access log and the
// metrics about it. The middleware puts one in every request's context;
// the request's goroutine fills it in.
type requestInfo struct {
	// route is the label of the route that matched; "" if none did.
	route string
	class routeClass
	// user is the authenticated user's name, if any.
	user string
}

// requestInfoKey is the context key of the *requestInfo.
type requestInfoKey struct{}

// requestInfoFrom returns the request's info, or nil outside the
// middleware.
func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

// noteUser records for the access log that the request is made by the
// user called name.
func noteUser(ctx context.Context, name string) {
	if info := requestInfoFrom(ctx); info != nil {
		info.user = name
	}
}

// maxRequestIDLength bounds the X-Request-Id accepted from clients.
const maxRequestIDLength = 64

// saneRequestID reports whether a client's X-Request-Id may be used as
// is: 1 to 64 letters, digits, dots, underscores and hyphens, which are
// safe in logs, headers and error messages.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// newRequestID returns 16 random hexadecimal digits: unique enough to find
// a request in the logs, short enough to read out. It need not be secret.
func newRequestID() string {
	const digits = "0123456789abcdef"
	var b [16]byte
	x := rand.Uint64()
	for i := range b {
		b[i] = digits[x&0xf]
		x >>= 4
	}
	return string(b[:])
}

// Limits on what the access log copies from a request.
const (
	maxLoggedPath  = 256
	maxLoggedQuery = 64
)

// withMiddleware wraps the whole mux: request IDs, access logs, recovery.
func (s *Server) withMiddleware(h http.Handler) http.Handler {
	m := s.hooks.metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(withRequestID(r.Context(), id), requestInfoKey{}, info))
		rec := &responseRecorder{ResponseWriter: w}
		m.inFlight.Inc()
		defer func() {
			m.inFlight.Dec()
			p := recover()
			aborted := p != nil && rec.wroteHeader
			if p != nil && p != http.ErrAbortHandler {
				s.log.Error("panic serving a request", "request_id", id, "method", r.Method, "path", clip(r.URL.Path, maxLoggedPath),
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !rec.wroteHeader {
					hdr := w.Header()
					for k := range hdr {
						if k != "X-Request-Id" {
							delete(hdr, k)
						}
					}
					writeError(rec, http.StatusInternalServerError,
						"internal server error; the server log has the details under request ID "+id)
				}
			}
			s.logRequest(r, info, rec, time.Since(start))
			if p != nil && (aborted || p == http.ErrAbortHandler) {
				// The answer is under way and cannot be taken back: let
				// net/http cut the connection, so the client sees a
				// broken answer rather than a short one.
				panic(http.ErrAbortHandler)
			}
		}()
		h.ServeHTTP(rec, r)
	})
}

// logRequest writes the access log record of r and counts it in the
// metrics.
func (s *Server) logRequest(r *http.Request, info *requestInfo, rec *responseRecorder, d time.Duration) {
	route := info.route
	if route == "" {
		route = unmatchedRoute
	}
	status := rec.statusCode()
	s.hooks.metrics.observe(route, r.Method, status, rec.bytes, d)

	level := slog.LevelInfo
	if info.class == routeOther && info.route != "" {
		level = slog.LevelDebug // health checks and scrapes would drown the rest
	}
	ctx := r.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 11)
	attrs = append(attrs,
		slog.String("request_id", requestIDFrom(ctx)),
		slog.String("method", clip(r.Method, 16)),
		// The path only: query strings may carry anything, and the
		// Central API's only meaningful one is the search text.
		slog.String("path", clip(r.URL.Path, maxLoggedPath)),
	)
	if q := r.URL.Query().Get("q"); q != "" {
		attrs = append(attrs, slog.String("q", clip(q, maxLoggedQuery)))
	}
	attrs = append(attrs,
		slog.Int("status", status),
		slog.Int64("bytes", rec.bytes),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("remote", r.RemoteAddr),
	)
	if info.user != "" {
		attrs = append(attrs, slog.String("user", info.user))
	}
	if info.route != "" {
		attrs = append(attrs, slog.String("route", info.route))
	}
	s.log.LogAttrs(ctx, level, "request", attrs...)
}

// clip cuts s to at most n bytes, on a character boundary, marking the cut
// with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// responseRecorder notes the status and body size of an answer for the
// access log and the metrics. It passes io.ReaderFrom through, so that
// downloads keep using sendfile, and http.Flusher; Unwrap gives
// http.ResponseController the rest.
type responseRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	bytes       int64
}

// statusCode is the status sent: 200 when the handler wrote nothing.
func (w *responseRecorder) statusCode() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.status
}

func (w *responseRecorder) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		// 1xx answers are interim; the final status comes later.
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseRecorder) Write(p []byte) (int, error) {
	w.markWritten()
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *responseRecorder) ReadFrom(src io.Reader) (int64, error) {
	w.markWritten()
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(writerOnly{w.ResponseWriter}, src)
	}
	w.bytes += n
	return n, err
}

func (w *responseRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		w.markWritten()
		f.Flush()
	}
}

func (w *responseRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// markWritten notes the implicit 200 of a body written without a status.
func (w *responseRecorder) markWritten() {
	if !w.wroteHeader {
		w.status, w.wroteHeader = http.StatusOK, true
	}
}

// writerOnly hides every method of a writer but Write, so that io.Copy
// does not call back into responseRecorder.ReadFrom.
type writerOnly struct{ io.Writer }
