package registry

import "net/http"

// registerWebAccountRoutes adds sign-in, sign-up, OIDC and the dashboard.
func (s *Server) registerWebAccountRoutes() {}

// sessionPrincipal returns the principal of the request's session cookie,
// or nil when there is none or it is not valid.
func (s *Server) sessionPrincipal(r *http.Request) *principal { return nil }
