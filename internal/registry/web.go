package registry

import "net/http"

// The web UI: server-rendered pages for people (issue 8). Its handlers live
// in this package, beside the API, so that the visibility and permission
// rules of auth.go are the only ones; internal/registry/web holds what is
// pure presentation (templates, static assets, Markdown and code
// rendering, the API-docs model).
//
// The pages (web_pages.go): / , /search, /<org>, /<org>/<name>,
// /<org>/<name>/<version>, /<org>/<name>/<version>/api/<module>, static
// assets under /static/. The account side (web_account.go): /login,
// /logout, /signup, /auth/oidc/..., /dashboard and its forms.

// registerWebRoutes adds the web UI's routes.
func (s *Server) registerWebRoutes() {
	s.registerWebPageRoutes()
	s.registerWebAccountRoutes()
}

// webUser is the signed-in user of a page, nil for a visitor.
type webUser struct {
	Name  string
	Admin bool
}

// webPage is what every page template receives: the layout's data and the
// page's own in Data.
type webPage struct {
	Title     string
	User      *webUser // nil when nobody is signed in
	CSRFToken string   // for every form; "" when nobody is signed in
	Flash     string   // a one-time notice, such as "token created"
	Data      any
}

// webPrincipal returns who is signed in to the web UI (the session
// cookie), or nil. It is the web counterpart of authenticate: pages show
// private packages to it by the same canSee rule.
func (s *Server) webPrincipal(r *http.Request) *principal {
	return s.sessionPrincipal(r)
}
