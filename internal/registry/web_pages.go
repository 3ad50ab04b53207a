package registry

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/registry/web"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/version"
)

// This file holds the public pages of the web UI (issue 8): home, search,
// organization, package version (README, install snippet, versions,
// metadata, dependencies and dependents), the versions list, API docs per
// module and the files of a bala (README images). Who may see a package is
// decided only by canSee and visibleOrgs (auth.go); a package the viewer
// may not see answers exactly what a missing one does, the "notfound"
// page, on every page, and lists (home, search, org, dependents) leave it
// out. Presentation is internal/registry/web's.
//
// Routes. URLs follow Central's: /, /search, /<org>, /<org>/<name>,
// /<org>/<name>/<version>, /<org>/<name>/<version>/api/<module>; plus
// /<org>/<name>/versions, /<org>/<name>/<version>/files/<path> and
// /static/<file>. Pages of three or more segments cannot be server mux
// patterns of their own: "GET /{org}/{name}/{version}" and the
// management API's catch-all "/api/v1/" both match /api/v1/x, and neither
// is more specific, so the mux refuses them. They are served instead by
// one method-less pattern, "/{org}/{name}/{rest...}", which every more
// specific route (the Central and management APIs, the account pages)
// overrides, and which hands the request to a mux of its own (deep).
// Organization names are Ballerina identifiers (manifest.CheckOrg), so
// the words the site uses at the top level (search, static, login, logout,
// signup, auth, dashboard, api, healthz, metrics; 2.0 is no identifier)
// are matched by their own literal patterns first; an org so named could
// not have pages, and the pages refuse to treat those words as orgs.

// reservedTopLevel are the first path segments the site itself uses; no
// organization page is served for them.
var reservedTopLevel = map[string]bool{
	"search": true, "static": true, "login": true, "logout": true, "signup": true, "auth": true,
	"dashboard": true, "api": true, "healthz": true, "metrics": true, "docs": true, "2.0": true,
}

// Page sizes and bounds.
const (
	homeListLength   = 10 // packages in each list of the home page
	searchPageSize   = 20
	maxSearchPage    = 500 // pages beyond it are not offered
	packageVersions  = 10  // versions listed on a package page
	maxListedVersion = 500 // versions whose download counts the versions page reads
	maxDependents    = 100 // dependents listed on a package page
	maxOrgExtra      = 100 // deprecated packages an org page looks up
	maxServedFile    = 10 << 20
	readmeCacheBytes = 32 << 20
	docsCacheBytes   = 64 << 20
	filesCacheBytes  = 32 << 20
)

// loadWebUI parses the embedded templates once per process; they are
// immutable afterwards.
var loadWebUI = sync.OnceValues(web.New)

// webPages holds the pages' caches, all of values derived from immutable
// package versions (so keyed by digest) except the catalog.
type webPages struct {
	s       *Server
	deep    *http.ServeMux
	catalog *webCatalog
	readmes *lruCache[string, template.HTML]
	docs    *lruCache[string, *moduleDocPage]
	files   *lruCache[string, []byte]
	indexes *lruCache[string, balaIndex]
}

// moduleDocPage is what the API docs page shows of a module, cached.
type moduleDocPage struct {
	doc    *web.ModuleDoc
	readme template.HTML
	cost   int64
}

// balaIndex lists the files of a bala and their sizes.
type balaIndex map[string]int64

// registerWebPageRoutes adds the public pages.
func (s *Server) registerWebPageRoutes() {
	wp := &webPages{
		s:       s,
		deep:    http.NewServeMux(),
		catalog: newWebCatalog(s),
		readmes: newLRUCache[string](readmeCacheBytes, func(h template.HTML) int64 { return int64(len(h)) }),
		docs:    newLRUCache[string](docsCacheBytes, func(d *moduleDocPage) int64 { return d.cost }),
		files:   newLRUCache[string](filesCacheBytes, func(b []byte) int64 { return int64(len(b)) }),
		indexes: newLRUCache[string](filesCacheBytes, func(ix balaIndex) int64 {
			n := int64(0)
			for name := range ix {
				n += int64(len(name)) + 16
			}
			return n
		}),
	}
	s.handle("GET /{$}", routeRead, wp.home)
	s.handle("GET /search", routeRead, wp.search)
	s.handle("GET /static/{file}", routeOther, wp.static)
	s.handle("GET /{org}", routeRead, wp.org)
	s.handle("GET /{org}/{name}", routeRead, wp.latest)
	wp.handleDeep("GET /{org}/{name}/versions", wp.versions)
	wp.handleDeep("GET /{org}/{name}/{version}", wp.version)
	wp.handleDeep("GET /{org}/{name}/{version}/api/{module}", wp.apiDocs)
	wp.handleDeep("GET /{org}/{name}/{version}/files/{path...}", wp.file)
	s.mux.Handle(deepPattern, http.HandlerFunc(wp.dispatchDeep))
}

// deepPattern is the server mux pattern of the pages below /<org>/<name>/.
const deepPattern = "/{org}/{name}/{rest...}"

// handleDeep registers a page below /<org>/<name>/ on the pages' own mux,
// wrapped like any route (metrics label, rate limit).
func (wp *webPages) handleDeep(pattern string, fn http.HandlerFunc) {
	wp.deep.Handle(pattern, wp.s.route(wp.s.hooks, pattern, routeRead, fn))
}

// dispatchDeep serves what deepPattern matched: the API's own paths get
// the API's JSON 404 and 405 answers, /docs/<org>/<name>/<version>/<module>
// (the apiDocURL of Package objects) redirects to the API docs page, and
// the rest goes to the pages' mux or to the not-found page.
func (wp *webPages) dispatchDeep(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.HasPrefix(p, centralPrefix+"/") || strings.HasPrefix(p, apiPrefix+"/") || strings.HasPrefix(p, "/2.0/") {
		wp.s.unmatched(deepPattern, "no route %s %s; see the Central API's routes")(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		wp.s.renderError(w, r, http.StatusMethodNotAllowed, "Method not allowed", "This page can only be read.", nil)
		return
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) == 5 && segs[0] == "docs" && segs[3] != "api" {
		target := "/" + strings.Join([]string{segs[1], segs[2], segs[3], "api", segs[4]}, "/")
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if len(segs) == 3 && segs[2] == "" {
		http.Redirect(w, r, "/"+segs[0]+"/"+segs[1], http.StatusMovedPermanently)
		return
	}
	if _, pattern := wp.deep.Handler(r); pattern == "" {
		wp.notFound(w, r)
		return
	}
	wp.deep.ServeHTTP(w, r)
}

// ---------------------------------------------------------------------------
// Rendering

// pageCSP is the Content-Security-Policy of every page: scripts, styles and
// fonts only from this server and never inline; images also from https
// (README badges); no plugins, no framing, no <base>.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; font-src 'self'; " +
	"connect-src 'self'; manifest-src 'self'; base-uri 'none'; frame-ancestors 'none'"

// setPageHeaders sets the security headers of an HTML page.
func setPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// renderPage renders the page template tmpl with data into a buffer and
// sends it with status and the pages' security headers. The layout gets
// the signed-in user (webPrincipal), the CSRF token of the session and the
// notice of withWebFlash. A template error never sends half a page: it is
// logged and the error page is sent with status 500 instead.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, tmpl string, title string, data any) {
	ui, err := loadWebUI()
	if err != nil {
		s.log.Error("web templates", "err", err)
		http.Error(w, "internal server error: the web UI's templates are broken", http.StatusInternalServerError)
		return
	}
	page := webPage{Title: title, User: webUserOf(s.webPrincipal(r)), Data: data}
	if page.User != nil {
		page.CSRFToken = s.csrfToken(r)
	}
	page.Flash, _ = r.Context().Value(webFlashKey{}).(string)
	var buf bytes.Buffer
	if err := ui.Render(&buf, tmpl, page); err != nil {
		id := requestIDFrom(r.Context())
		s.log.Error("rendering a page", "request_id", id, "template", tmpl, "path", r.URL.Path, "err", err)
		if tmpl == "error" {
			http.Error(w, "internal server error", http.StatusInternalServerError)
			return
		}
		s.renderPage(w, r, http.StatusInternalServerError, "error", "Server error", errorData{
			Heading: "Something went wrong", Message: "The server could not show this page.", RequestID: id,
		})
		return
	}
	h := w.Header()
	setPageHeaders(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// webFlashKey is the context key of a page's one-time notice.
type webFlashKey struct{}

// withWebFlash returns r carrying a one-time notice ("Token created") for
// the layout of the page renderPage renders for it.
func withWebFlash(r *http.Request, msg string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), webFlashKey{}, msg))
}

// webUserOf is the layout's view of a principal.
func webUserOf(p *principal) *webUser {
	if p == nil || p.user == nil {
		return nil
	}
	return &webUser{Name: p.user.Username, Admin: p.user.Admin}
}

// errorData is the data of the "error" page.
type errorData struct {
	Heading, Message string
	RequestID        string // names the log record of a server error
}

// renderError renders the error page; err, when set, is logged and its
// request ID shown (for 500s).
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, heading, msg string, err error) {
	d := errorData{Heading: heading, Message: msg}
	if err != nil {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client went away
		}
		d.RequestID = requestIDFrom(r.Context())
		s.log.Error("internal error", "request_id", d.RequestID, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.renderPage(w, r, status, "error", heading, d)
}

// internalPageError answers a page request that failed on the server's
// side.
func (wp *webPages) internalPageError(w http.ResponseWriter, r *http.Request, err error) {
	wp.s.renderError(w, r, http.StatusInternalServerError, "Something went wrong",
		"The server could not show this page. Try again in a moment.", err)
}

// notFound answers with the not-found page: the same body for a missing
// package, a private one the viewer may not see, an unknown org or page.
func (wp *webPages) notFound(w http.ResponseWriter, r *http.Request) {
	wp.s.renderPage(w, r, http.StatusNotFound, "notfound", "Not found", nil)
}

// noPage answers a path that cannot name a page (an org, package name or
// version that is not valid) with the not-found page, and drops the route
// from the request's metrics and access log, where it counts as
// unmatched, as it would without the pages' wildcard patterns.
func (wp *webPages) noPage(w http.ResponseWriter, r *http.Request) {
	if info := requestInfoFrom(r.Context()); info != nil {
		info.route = ""
	}
	wp.notFound(w, r)
}

// viewer returns who is looking at a page: the signed-in user of the
// session, else the user of an access token sent as with the API
// (Authorization: Bearer), so that scripts and tests read private pages
// as the API would show them; nil for a visitor. A presented token that is
// not valid is refused with 401, as the API refuses it.
func (wp *webPages) viewer(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	if p := wp.s.webPrincipal(r); p != nil {
		return p, true
	}
	p, err := wp.s.principalOf(r)
	var ae *authError
	switch {
	case errors.As(err, &ae):
		w.Header().Set("WWW-Authenticate", `Bearer realm="central"`)
		wp.s.renderError(w, r, http.StatusUnauthorized, "Invalid access token", ae.msg, nil)
		return nil, false
	case err != nil:
		wp.internalPageError(w, r, err)
		return nil, false
	}
	return p, true
}

// static serves the embedded assets. A URL with the asset's current hash
// may be cached for good; others are revalidated.
func (wp *webPages) static(w http.ResponseWriter, r *http.Request) {
	ui, err := loadWebUI()
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	f, ok := ui.Static(r.PathValue("file"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+f.Hash+`"`)
	if r.URL.Query().Get("v") == f.Hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Data))
}

// ---------------------------------------------------------------------------
// Page data

// pkgCard is a package in a list.
type pkgCard struct {
	Org, Name, Version, Summary string
	URL                         string
	Keywords                    []string
	Created                     time.Time
	Pulls                       int64
	Private, Deprecated         bool
}

func cardOf(ps store.PackageSummary) pkgCard {
	return pkgCard{
		Org: ps.Org, Name: ps.Name, Version: ps.Version, Summary: ps.Summary,
		URL:      "/" + ps.Org + "/" + ps.Name,
		Keywords: ps.Keywords, Created: ps.CreatedAt, Pulls: ps.PullCount,
		Private: ps.Visibility == store.Private,
	}
}

func cardsOf(l []store.PackageSummary) []pkgCard {
	out := make([]pkgCard, len(l))
	for i, ps := range l {
		out[i] = cardOf(ps)
	}
	return out
}

// homeData is the data of the "home" page.
type homeData struct {
	Total           int
	Recent, Popular []pkgCard
}

// sortOption is an option of a select.
type sortOption struct {
	Value, Label string
	Selected     bool
}

// searchData is the data of the "search" page.
type searchData struct {
	Query, Org, Keyword, Sort string
	Sorts                     []sortOption
	Message                   string // a notice about the query itself
	Results                   []pkgCard
	Total                     int
	Page, Pages               int
	First, Last               int    // the 1-based range of the page's results
	Prev, Next                string // page URLs, "" at the ends
}

// orgPageData is the data of the "org" page.
type orgPageData struct {
	Org                  string
	Packages, Deprecated []pkgCard
}

// versionRow is a version in a versions list.
type versionRow struct {
	Version, URL       string
	Created            time.Time
	Pulls              int64
	HasPulls           bool
	PreRelease         bool
	Deprecated         bool
	DeprecationMessage string
	Current, Latest    bool
}

// depRow is a dependency or a dependent.
type depRow struct {
	Org, Name, Version, URL string
}

// moduleLink links a module's API docs.
type moduleLink struct {
	Name, Summary, URL string
	Current            bool
}

// packageData is the data of the "package" page.
type packageData struct {
	Org, Name, Version  string
	IsLatest            bool
	Latest              string // the latest version, "" when unknown
	Summary             string
	Icon                string // URL of the package icon, "" for none
	Readme              template.HTML
	Deprecated          bool
	DeprecationMessage  string
	PreRelease, Private bool
	Licenses, Authors   []string
	Keywords            []string
	Repository          string // an http(s) URL, "" when none or another scheme
	Platform            string
	Distribution        string
	Created             time.Time
	Pulls               int64
	Modules             []moduleLink
	Versions            []versionRow
	VersionCount        int
	MoreVersions        int
	Dependencies        []depRow
	Dependents          []depRow
	MoreDependents      int
	ImportSnippet       string
	TomlSnippet         string
}

// versionsData is the data of the "versions" page.
type versionsData struct {
	Org, Name string
	Versions  []versionRow
}

// apiDocsData is the data of the "apidocs" page.
type apiDocsData struct {
	Org, Name, Version string
	Latest             string
	Module             string
	Modules            []moduleLink
	Import             string
	Readme             template.HTML
	Doc                *web.ModuleDoc
	Deprecated         bool
	DeprecationMessage string
}

// ---------------------------------------------------------------------------
// Home, search, org

// home answers GET /: a search box, the recently published and the most
// downloaded packages the viewer may see.
func (wp *webPages) home(w http.ResponseWriter, r *http.Request) {
	p, ok := wp.viewer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	snap, orgs, err := wp.snapshotFor(ctx, p)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	recent, total := snap.find(catalogQuery{orgs: orgs, order: sortRecent, limit: homeListLength})
	popular, _ := snap.find(catalogQuery{orgs: orgs, order: sortDownloads, limit: homeListLength})
	d := homeData{Total: total, Recent: cardsOf(recent), Popular: cardsOf(popular)}
	wp.s.renderPage(w, r, http.StatusOK, "home", "Packages for Ballerina", d)
}

// snapshotFor returns the current catalog and the orgs whose private
// packages p may see.
func (wp *webPages) snapshotFor(ctx context.Context, p *principal) (*catalogSnapshot, []string, error) {
	orgs, err := wp.s.visibleOrgs(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	snap, err := wp.catalog.current(ctx)
	if err != nil {
		return nil, nil, err
	}
	return snap, orgs, nil
}

// The search sorts.
const (
	sortRelevance = "relevance"
	sortRecent    = "recent"
	sortDownloads = "downloads"
)

// search answers GET /search?q=&org=&keyword=&sort=&page=. Matches are
// those of store.Search (see catalogSnapshot.search). Relevance is the
// store's order (exact name matches first, then org and name); recent and
// downloads sort by the listed version's publication time and download
// count. A keyword filter keeps packages with that keyword, ignoring
// case.
func (wp *webPages) search(w http.ResponseWriter, r *http.Request) {
	p, ok := wp.viewer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := searchData{
		Query:   strings.TrimSpace(q.Get("q")),
		Org:     strings.TrimSpace(q.Get("org")),
		Keyword: strings.TrimSpace(q.Get("keyword")),
		Sort:    q.Get("sort"),
		Page:    1,
	}
	if d.Sort != sortRecent && d.Sort != sortDownloads {
		d.Sort = sortRelevance
	}
	d.Sorts = []sortOption{
		{Value: sortRelevance, Label: "Relevance", Selected: d.Sort == sortRelevance},
		{Value: sortRecent, Label: "Recently published", Selected: d.Sort == sortRecent},
		{Value: sortDownloads, Label: "Downloads", Selected: d.Sort == sortDownloads},
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		d.Page = min(n, maxSearchPage)
	}
	title := "Search packages"
	if n := len(store.Words(d.Query)); n > store.MaxSearchWords {
		d.Message = fmt.Sprintf("The search has %d words; use at most %d.", n, store.MaxSearchWords)
		wp.s.renderPage(w, r, http.StatusOK, "search", title, d)
		return
	}
	results, total, err := wp.runSearch(ctx, p, &d)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	d.Total = total
	d.Results = cardsOf(results)
	d.Pages = min((total+searchPageSize-1)/searchPageSize, maxSearchPage)
	if len(results) > 0 {
		d.First = (d.Page-1)*searchPageSize + 1
		d.Last = d.First + len(results) - 1
	} else if total > 0 {
		d.Message = fmt.Sprintf("There is no page %d of these results.", d.Page)
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, val := range map[string]string{"q": d.Query, "org": d.Org, "keyword": d.Keyword} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if d.Sort != sortRelevance {
			v.Set("sort", d.Sort)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/search"
		}
		return "/search?" + v.Encode()
	}
	if d.Page > 1 && d.Page <= d.Pages+1 {
		d.Prev = pageURL(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.Next = pageURL(d.Page + 1)
	}
	if d.Query != "" {
		title = d.Query + " · " + title
	}
	wp.s.renderPage(w, r, http.StatusOK, "search", title, d)
}

// runSearch returns the page of results d asks for and the number of
// matches, from the catalog (see catalogSnapshot.find).
func (wp *webPages) runSearch(ctx context.Context, p *principal, d *searchData) ([]store.PackageSummary, int, error) {
	snap, orgs, err := wp.snapshotFor(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	page, total := snap.find(catalogQuery{
		orgs: orgs, text: d.Query, org: d.Org, keyword: d.Keyword, order: d.Sort,
		offset: (d.Page - 1) * searchPageSize, limit: searchPageSize,
	})
	return page, total, nil
}

// org answers GET /<org>: the org's packages the viewer may see, and those
// whose every visible version is deprecated (which searches leave out).
func (wp *webPages) org(w http.ResponseWriter, r *http.Request) {
	p, ok := wp.viewer(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org")
	if reservedTopLevel[org] || manifest.CheckOrg(org) != nil {
		wp.noPage(w, r)
		return
	}
	ctx := r.Context()
	snap, orgs, err := wp.snapshotFor(ctx, p)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	d := orgPageData{Org: org}
	listed := map[string]bool{}
	pkgs, _ := snap.find(catalogQuery{orgs: orgs, org: org})
	for _, ps := range pkgs {
		d.Packages = append(d.Packages, cardOf(ps))
		listed[ps.Name] = true
	}
	names, err := wp.s.storage.Meta.PackagesOfOrg(ctx, org)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	looked := 0
	for _, name := range names {
		if listed[name] || looked == maxOrgExtra {
			continue
		}
		looked++
		card, ok, err := wp.deprecatedCard(ctx, p, org, name)
		if err != nil {
			wp.internalPageError(w, r, err)
			return
		}
		if ok {
			d.Deprecated = append(d.Deprecated, card)
		}
	}
	if len(d.Packages)+len(d.Deprecated) == 0 {
		if _, err := wp.s.storage.Meta.Org(ctx, org); errors.Is(err, store.ErrNotFound) {
			wp.notFound(w, r)
			return
		} else if err != nil {
			wp.internalPageError(w, r, err)
			return
		}
	}
	wp.s.renderPage(w, r, http.StatusOK, "org", org, d)
}

// deprecatedCard returns the card of a package missing from the catalog:
// its latest visible version, when it has one (then every visible version
// is deprecated, or it was published after the snapshot).
func (wp *webPages) deprecatedCard(ctx context.Context, p *principal, org, name string) (pkgCard, bool, error) {
	vs, err := wp.s.visibleVersions(ctx, p, org, name)
	if err != nil || len(vs) == 0 {
		return pkgCard{}, false, err
	}
	v, _ := latestOf(vs)
	pv, err := wp.s.storage.Meta.Version(ctx, org, name, v.Version)
	if errors.Is(err, store.ErrNotFound) {
		return pkgCard{}, false, nil
	}
	if err != nil {
		return pkgCard{}, false, err
	}
	c := cardOf(store.PackageSummary{
		Org: org, Name: name, Version: pv.Version, Summary: pv.Summary, Keywords: pv.Keywords,
		CreatedAt: pv.CreatedAt, PullCount: pv.PullCount, Visibility: pv.Visibility,
	})
	c.Deprecated = pv.Deprecated
	return c, true, nil
}

// ---------------------------------------------------------------------------
// Package pages

// validPackagePath reports whether org and name could name a package; the
// pages answer not found without asking the store otherwise.
func validPackagePath(org, name string) bool {
	return !reservedTopLevel[org] && manifest.CheckPackage(org, name) == nil
}

// latest answers GET /<org>/<name>: the page of the latest version the
// viewer may see (a non-deprecated release if there is one, see latestOf).
func (wp *webPages) latest(w http.ResponseWriter, r *http.Request) {
	p, ok := wp.viewer(w, r)
	if !ok {
		return
	}
	org, name := r.PathValue("org"), r.PathValue("name")
	if !validPackagePath(org, name) {
		wp.noPage(w, r)
		return
	}
	ctx := r.Context()
	vs, err := wp.s.visibleVersions(ctx, p, org, name)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	v, ok := latestOf(vs)
	if !ok {
		wp.notFound(w, r)
		return
	}
	pv, err := wp.s.storage.Meta.Version(ctx, org, name, v.Version)
	if errors.Is(err, store.ErrNotFound) {
		wp.notFound(w, r)
		return
	}
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	wp.packagePage(w, r, p, pv, vs)
}

// version answers GET /<org>/<name>/<version>.
func (wp *webPages) version(w http.ResponseWriter, r *http.Request) {
	p, pv, ok := wp.findVersion(w, r)
	if !ok {
		return
	}
	vs, err := wp.s.visibleVersions(r.Context(), p, pv.Org, pv.Name)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	wp.packagePage(w, r, p, pv, vs)
}

// findVersion finds the version a page's path names and the viewer may
// see, or answers (not found, or an error) and returns false.
func (wp *webPages) findVersion(w http.ResponseWriter, r *http.Request) (*principal, *store.PackageVersion, bool) {
	p, ok := wp.viewer(w, r)
	if !ok {
		return nil, nil, false
	}
	org, name, ver := r.PathValue("org"), r.PathValue("name"), r.PathValue("version")
	if !validPackagePath(org, name) {
		wp.noPage(w, r)
		return nil, nil, false
	}
	if _, err := version.Parse(ver); err != nil {
		wp.noPage(w, r)
		return nil, nil, false
	}
	ctx := r.Context()
	pv, err := wp.s.storage.Meta.Version(ctx, org, name, ver)
	if errors.Is(err, store.ErrNotFound) {
		wp.notFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		wp.internalPageError(w, r, err)
		return nil, nil, false
	}
	visible, err := wp.s.canSee(ctx, p, org, pv.Visibility)
	if err != nil {
		wp.internalPageError(w, r, err)
		return nil, nil, false
	}
	if !visible {
		wp.notFound(w, r)
		return nil, nil, false
	}
	return p, pv, true
}

// versionPath is the page of a version.
func versionPath(org, name, ver string) string { return "/" + org + "/" + name + "/" + ver }

// filePath is the URL of a file inside a version's bala.
func filePath(pv *store.PackageVersion, name string) string {
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return versionPath(pv.Org, pv.Name, pv.Version) + "/files/" + strings.Join(segs, "/")
}

// packagePage renders the page of pv; vs are the versions the viewer may
// see, in ascending order.
func (wp *webPages) packagePage(w http.ResponseWriter, r *http.Request, p *principal, pv *store.PackageVersion, vs []store.VersionInfo) {
	ctx := r.Context()
	d := packageData{
		Org: pv.Org, Name: pv.Name, Version: pv.Version,
		Summary:            pv.Summary,
		Deprecated:         pv.Deprecated,
		DeprecationMessage: pv.DeprecationMessage,
		PreRelease:         isPreRelease(pv.Version),
		Private:            pv.Visibility == store.Private,
		Licenses:           pv.Licenses,
		Authors:            pv.Authors,
		Keywords:           pv.Keywords,
		Repository:         webURL(pv.SourceRepository),
		Platform:           pv.Platform,
		Distribution:       pv.BallerinaVersion,
		Created:            pv.CreatedAt,
		Pulls:              pv.PullCount,
		VersionCount:       len(vs),
		ImportSnippet:      "import " + pv.Org + "/" + pv.Name + ";",
		TomlSnippet:        fmt.Sprintf("[[dependency]]\norg = %q\nname = %q\nversion = %q", pv.Org, pv.Name, pv.Version),
	}
	if latest, ok := latestOf(vs); ok {
		d.Latest = latest.Version
		d.IsLatest = latest.Version == pv.Version
	}
	if pv.Icon != "" && validBalaPath(pv.Icon) {
		d.Icon = filePath(pv, pv.Icon)
	}
	d.Readme = wp.readme(pv)
	for _, m := range pv.Modules {
		d.Modules = append(d.Modules, moduleLink{Name: m.Name, Summary: m.Summary, URL: versionPath(pv.Org, pv.Name, pv.Version) + "/api/" + url.PathEscape(m.Name)})
	}

	shown := vs[max(0, len(vs)-packageVersions):]
	rows, err := wp.versionRows(ctx, pv, shown, d.Latest)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	d.Versions = rows
	d.MoreVersions = len(vs) - len(shown)

	for _, dep := range directDependencies(pv) {
		d.Dependencies = append(d.Dependencies, depRow{Org: dep.Org, Name: dep.Name, Version: dep.Version, URL: versionPath(dep.Org, dep.Name, dep.Version)})
	}
	snap, orgs, err := wp.snapshotFor(ctx, p)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	dependents := snap.dependentsOf(pv.Org, pv.Name, orgs)
	if len(dependents) > maxDependents {
		d.MoreDependents = len(dependents) - maxDependents
		dependents = dependents[:maxDependents]
	}
	for _, ps := range dependents {
		d.Dependents = append(d.Dependents, depRow{Org: ps.Org, Name: ps.Name, Version: ps.Version, URL: versionPath(ps.Org, ps.Name, ps.Version)})
	}
	wp.s.renderPage(w, r, http.StatusOK, "package", pv.Org+"/"+pv.Name+" "+pv.Version, d)
}

// versionRows lists versions (ascending) newest first, with their download
// counts; cur is the version of the page.
func (wp *webPages) versionRows(ctx context.Context, cur *store.PackageVersion, vs []store.VersionInfo, latest string) ([]versionRow, error) {
	rows := make([]versionRow, 0, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		row := versionRow{
			Version: v.Version, URL: versionPath(cur.Org, cur.Name, v.Version), Created: v.CreatedAt,
			PreRelease: isPreRelease(v.Version), Deprecated: v.Deprecated, DeprecationMessage: v.DeprecationMessage,
			Current: v.Version == cur.Version, Latest: v.Version == latest,
		}
		switch {
		case row.Current:
			row.Pulls, row.HasPulls = cur.PullCount, true
		case len(rows) < maxListedVersion:
			pv, err := wp.s.storage.Meta.Version(ctx, cur.Org, cur.Name, v.Version)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			if err == nil {
				row.Pulls, row.HasPulls = pv.PullCount, true
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// versions answers GET /<org>/<name>/versions: every version the viewer
// may see.
func (wp *webPages) versions(w http.ResponseWriter, r *http.Request) {
	p, ok := wp.viewer(w, r)
	if !ok {
		return
	}
	org, name := r.PathValue("org"), r.PathValue("name")
	if !validPackagePath(org, name) {
		wp.noPage(w, r)
		return
	}
	ctx := r.Context()
	vs, err := wp.s.visibleVersions(ctx, p, org, name)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	latest, ok := latestOf(vs)
	if !ok {
		wp.notFound(w, r)
		return
	}
	rows, err := wp.versionRows(ctx, &store.PackageVersion{Org: org, Name: name}, vs, latest.Version)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	wp.s.renderPage(w, r, http.StatusOK, "versions", "Versions of "+org+"/"+name, versionsData{Org: org, Name: name, Versions: rows})
}

// webURL returns s when it is an absolute http or https URL, else "": a
// package's repository link must not be javascript: or data:.
func webURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// readme returns the rendered README of pv, cached by digest. Relative
// links and images point to the files of the bala (see file).
func (wp *webPages) readme(pv *store.PackageVersion) template.HTML {
	if strings.TrimSpace(pv.Readme) == "" {
		return ""
	}
	if h, ok := wp.readmes.get(pv.Digest); ok {
		return h
	}
	ui, err := loadWebUI()
	if err != nil {
		return ""
	}
	h := ui.Markdown().Render(pv.Readme, web.Document{
		FileURL:      func(name string) string { return filePath(pv, name) },
		HeadingShift: 1,
	})
	wp.readmes.put(pv.Digest, h)
	return h
}

// ---------------------------------------------------------------------------
// API docs and files

// apiDocs answers GET /<org>/<name>/<version>/api/<module>: the module's
// public API, documented from its sources in the bala.
func (wp *webPages) apiDocs(w http.ResponseWriter, r *http.Request) {
	p, pv, ok := wp.findVersion(w, r)
	if !ok {
		return
	}
	module := r.PathValue("module")
	if !slices.ContainsFunc(pv.Modules, func(m store.Module) bool { return m.Name == module }) {
		wp.notFound(w, r)
		return
	}
	ctx := r.Context()
	page, err := wp.moduleDoc(ctx, pv, module)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	vs, err := wp.s.visibleVersions(ctx, p, pv.Org, pv.Name)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	d := apiDocsData{
		Org: pv.Org, Name: pv.Name, Version: pv.Version, Module: module,
		Import:     "import " + pv.Org + "/" + module + ";",
		Readme:     page.readme,
		Doc:        page.doc,
		Deprecated: pv.Deprecated, DeprecationMessage: pv.DeprecationMessage,
	}
	if latest, ok := latestOf(vs); ok {
		d.Latest = latest.Version
	}
	for _, m := range pv.Modules {
		d.Modules = append(d.Modules, moduleLink{Name: m.Name, Summary: m.Summary, Current: m.Name == module,
			URL: versionPath(pv.Org, pv.Name, pv.Version) + "/api/" + url.PathEscape(m.Name)})
	}
	wp.s.renderPage(w, r, http.StatusOK, "apidocs", module+" API docs", d)
}

// moduleDoc returns the documentation of a module of pv, built from the
// bala and cached by digest and module.
func (wp *webPages) moduleDoc(ctx context.Context, pv *store.PackageVersion, module string) (*moduleDocPage, error) {
	key := pv.Digest + "/" + module
	if d, ok := wp.docs.get(key); ok {
		return d, nil
	}
	ui, err := loadWebUI()
	if err != nil {
		return nil, err
	}
	a, err := wp.openBala(ctx, pv)
	if err != nil {
		return nil, err
	}
	defer a.close()
	dir := "modules/" + module + "/"
	var files []web.SourceFile
	var cost int64
	for _, name := range a.Files {
		rest, ok := strings.CutPrefix(name, dir)
		if !ok || strings.Contains(rest, "/") || !strings.HasSuffix(rest, ".bal") {
			continue
		}
		src, err := a.ReadFile(name)
		if err != nil {
			return nil, err
		}
		files = append(files, web.SourceFile{Name: name, Src: src})
		cost += int64(len(src))
	}
	page := &moduleDocPage{doc: web.BuildModuleDoc(module, files, ui.Markdown())}
	if readme, ok := moduleReadme(a.Archive, module); ok {
		page.readme = ui.Markdown().Render(readme, web.Document{
			Dir:          "modules/" + module,
			FileURL:      func(name string) string { return filePath(pv, name) },
			HeadingShift: 1,
		})
	}
	// The rendered page is a few times the size of its sources.
	page.cost = 4*cost + int64(len(page.readme)) + 1024
	wp.docs.put(key, page)
	return page, nil
}

// moduleReadme returns a module's README: the file package.json names for
// it, else docs/modules/<module>/README.md or Module.md. The default
// module has none of its own (its README is the package's).
func moduleReadme(a *bala.Archive, module string) (string, bool) {
	var candidates []string
	for _, m := range a.Package.Modules {
		if m.Name == module && m.Readme != "" {
			candidates = append(candidates, m.Readme)
		}
	}
	candidates = append(candidates, "docs/modules/"+module+"/README.md", "docs/modules/"+module+"/Module.md")
	for _, c := range candidates {
		if !slices.Contains(a.Files, c) {
			continue
		}
		data, err := a.ReadFile(c)
		if err != nil || len(data) > maxReadmeSize || strings.TrimSpace(string(data)) == "" {
			continue
		}
		return string(data), true
	}
	return "", false
}

// openedBala is a bala opened from the blob store.
type openedBala struct {
	*bala.Archive
	// sizes are the uncompressed sizes of the file entries.
	sizes map[string]int64
	close func() error
}

// openBala opens the bala of pv from the blob store. The caller calls
// close after its last use of the archive.
func (wp *webPages) openBala(ctx context.Context, pv *store.PackageVersion) (*openedBala, error) {
	rc, info, err := wp.s.storage.Blobs.Open(ctx, pv.Digest)
	if err != nil {
		return nil, fmt.Errorf("opening the bala of %s/%s:%s: %w", pv.Org, pv.Name, pv.Version, err)
	}
	size, closeFn := info.Size, rc.Close
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		// A backend whose blobs cannot be read at offsets: read it whole
		// (balas are bounded by the upload limit).
		data, err := io.ReadAll(io.LimitReader(rc, wp.s.cfg.MaxUploadSize+1))
		rc.Close()
		if err != nil {
			return nil, err
		}
		ra, size, closeFn = bytes.NewReader(data), int64(len(data)), func() error { return nil }
	}
	a, err := bala.Open(ra, size, bala.DefaultLimits)
	if err != nil {
		closeFn()
		return nil, fmt.Errorf("reading the bala of %s/%s:%s: %w", pv.Org, pv.Name, pv.Version, err)
	}
	ob := &openedBala{Archive: a, sizes: map[string]int64{}, close: closeFn}
	// bala.Open checked the archive; its central directory gives the
	// sizes.
	if zr, err := zip.NewReader(ra, size); err == nil || errors.Is(err, zip.ErrInsecurePath) {
		for _, f := range zr.File {
			ob.sizes[f.Name] = int64(f.UncompressedSize64)
		}
	}
	return ob, nil
}

// validBalaPath reports whether p can name a file entry of a bala: a clean
// relative slash-separated path.
func validBalaPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != "." && !strings.HasPrefix(p, "../") &&
		!strings.Contains(p, "\\") && utf8.ValidString(p)
}

// file answers GET /<org>/<name>/<version>/files/<path>: a file of the
// bala, for README links and images. A path is looked up as given, then
// under docs/ (where bal pack puts the README and the icon, which READMEs
// link from the package root). Nothing is served as HTML: images get their
// image type (SVG in a sandbox), other text is text/plain, anything else
// an attachment.
func (wp *webPages) file(w http.ResponseWriter, r *http.Request) {
	_, pv, ok := wp.findVersion(w, r)
	if !ok {
		return
	}
	name := r.PathValue("path")
	if !validBalaPath(name) {
		wp.notFound(w, r)
		return
	}
	ctx := r.Context()
	ix, err := wp.balaIndex(ctx, pv)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	if _, ok := ix[name]; !ok {
		name = "docs/" + name
	}
	size, ok := ix[name]
	if !ok || size > maxServedFile {
		wp.notFound(w, r)
		return
	}
	data, err := wp.balaFile(ctx, pv, name)
	if err != nil {
		wp.internalPageError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	// Even an image opened on its own runs no script and loads nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox")
	h.Set("Referrer-Policy", "no-referrer")
	if pv.Visibility == store.Private {
		// Revalidated on every use, like the pages: once signed out, a
		// browser must not show it from its cache.
		h.Set("Cache-Control", "private, no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	ct, attachment := fileContentType(name, data)
	h.Set("Content-Type", ct)
	if attachment {
		h.Set("Content-Disposition", "attachment; filename="+strconv.Quote(path.Base(name)))
	}
	http.ServeContent(w, r, "", pv.CreatedAt, bytes.NewReader(data))
}

// imageTypes are the image formats served as images, by extension.
var imageTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".bmp": "image/bmp",
	".svg": "image/svg+xml",
}

// fileContentType chooses how a bala file is served: images by their
// extension, valid UTF-8 text as text/plain, the rest as an attachment.
func fileContentType(name string, data []byte) (ct string, attachment bool) {
	if t, ok := imageTypes[strings.ToLower(path.Ext(name))]; ok {
		return t, false
	}
	if utf8.Valid(data) && !bytes.ContainsRune(data, 0) {
		return "text/plain; charset=utf-8", false
	}
	return "application/octet-stream", true
}

// balaIndex returns the files of pv's bala and their sizes, cached.
func (wp *webPages) balaIndex(ctx context.Context, pv *store.PackageVersion) (balaIndex, error) {
	if ix, ok := wp.indexes.get(pv.Digest); ok {
		return ix, nil
	}
	a, err := wp.openBala(ctx, pv)
	if err != nil {
		return nil, err
	}
	defer a.close()
	ix := balaIndex{}
	for _, name := range a.Files {
		ix[name] = a.sizes[name]
	}
	wp.indexes.put(pv.Digest, ix)
	return ix, nil
}

// balaFile returns a file of pv's bala, cached.
func (wp *webPages) balaFile(ctx context.Context, pv *store.PackageVersion, name string) ([]byte, error) {
	key := pv.Digest + "\x00" + name
	if data, ok := wp.files.get(key); ok {
		return data, nil
	}
	a, err := wp.openBala(ctx, pv)
	if err != nil {
		return nil, err
	}
	defer a.close()
	data, err := a.ReadFile(name)
	if err != nil {
		return nil, err
	}
	wp.files.put(key, data)
	return data, nil
}
