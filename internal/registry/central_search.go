package registry

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/balcentral/balcentral/internal/store"
)

// Search answers two routes with the same semantics (reference
// central-api.md §10): a package matches when every word of the text is a
// prefix of a word of its org, name, keywords or summary, ignoring case;
// each package appears once, as its latest version that is published, not
// deprecated and visible to the caller (private packages only to members
// whose token has the read scope); packages whose name equals the text come
// first, then the others by org and name. The answer is
// {"packages": [Package...], "count": N}, N counting every match, not just
// the page.
//
//   - GET /packages/?q=<text> is what `bal search` sends. It returns every
//     match, up to searchMaxResults.
//   - GET /packages?q=&org=&offset=&limit= is the public list of
//     central.ballerina.io (used by the language server): pages of
//     searchDefaultLimit packages unless limit says otherwise (at most
//     searchMaxLimit; larger values are lowered to it).
//
// Both also accept org, offset and limit. Platform and distribution
// filtering (clientFilter) applies to the version a package is listed
// with: a package whose latest version the client cannot use is left out,
// even if an older version would suit it, since the store lists one
// version per package.
const (
	searchDefaultLimit = 10
	searchMaxLimit     = 100
	searchMaxResults   = 1000
	// searchMaxScan bounds how many matches are read when results must be
	// filtered for the client before they are counted and paged; matches
	// past it are counted (from the store's total) but cannot be paged to.
	searchMaxScan = 10000
)

// searchResponse is the body of a search answer.
type searchResponse struct {
	Packages []packageObject `json:"packages"`
	Count    int             `json:"count"`
}

// handleSearch answers GET /packages/?q=<text>.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	s.search(w, r, searchMaxResults, searchMaxResults)
}

// handlePackageList answers GET /packages?q=&org=&offset=&limit=.
func (s *Server) handlePackageList(w http.ResponseWriter, r *http.Request) {
	s.search(w, r, searchDefaultLimit, searchMaxLimit)
}

// search runs a search whose page size is defaultLimit unless the request
// gives a limit, which is lowered to maxLimit.
func (s *Server) search(w http.ResponseWriter, r *http.Request, defaultLimit, maxLimit int) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	params := parseSearchQuery(r.URL.RawQuery)
	offset, limit := 0, defaultLimit
	if v, ok := params["offset"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeErrorf(w, http.StatusBadRequest, "invalid offset %q: want a whole number, 0 or more", v)
			return
		}
		offset = n
	}
	if v, ok := params["limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErrorf(w, http.StatusBadRequest, "invalid limit %q: want a whole number from 1 to %d", v, maxLimit)
			return
		}
		limit = min(n, maxLimit)
	}
	text := params["q"]
	if n := len(store.Words(text)); n > store.MaxSearchWords {
		writeErrorf(w, http.StatusBadRequest, "search text has %d words; use at most %d", n, store.MaxSearchWords)
		return
	}
	ctx := r.Context()
	orgs, err := s.visibleOrgs(ctx, p)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	q := store.SearchQuery{Text: text, Org: params["org"], Orgs: orgs, Limit: limit, Offset: offset}
	f := clientFilterOf(r)
	filtering := f.platforms != nil || f.distribution != nil
	if filtering {
		// Which matches the client can use is known only after reading
		// them, so read them all (up to searchMaxScan), then count and
		// page here.
		q.Limit, q.Offset = searchMaxScan, 0
	}
	res, err := s.storage.Meta.Search(ctx, q)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	found, total := res.Packages, res.Total
	if filtering {
		usable := found[:0:0]
		for _, ps := range found {
			if f.allows(ps.Platform, ps.BallerinaVersion) {
				usable = append(usable, ps)
			}
		}
		total -= len(found) - len(usable)
		start := min(offset, len(usable))
		found = usable[start : start+min(limit, len(usable)-start)]
	}
	base := s.baseURL(r)
	resp := searchResponse{Packages: make([]packageObject, 0, len(found)), Count: total}
	for i := range found {
		resp.Packages = append(resp.Packages, packageObjectOfSummary(&found[i], base))
	}
	writeJSON(w, http.StatusOK, resp)
}

// isSearchParam reports whether key is a parameter of the search routes.
// readme (sent by central.ballerina.io's web client) is accepted and
// ignored: results never carry a README.
func isSearchParam(key string) bool {
	switch key {
	case "q", "org", "offset", "limit", "readme":
		return true
	}
	return false
}

// parseSearchQuery reads the parameters of a search from the raw query
// string. `bal search` appends its text to "?q=" without encoding it
// (central-api.md §10), so the text may hold "&", "#", "=" or "%" that
// are not query syntax: the query is split at "&", and a piece that does
// not start a known parameter ("<name>=" or "<name>") is part of the value
// before it, "&" included. So "q=rock&roll" searches for "rock&roll" and
// "q=a%20b&c#d" for "a b&c#d", while "q=http&limit=5" still pages. Values
// are decoded as a query string is ("+" and %XX); a value that is not
// valid encoding ("100%") is taken as it is. Of a repeated parameter the
// last wins.
func parseSearchQuery(raw string) map[string]string {
	params := map[string]string{}
	last := ""
	for piece := range strings.SplitSeq(raw, "&") {
		key, val, _ := strings.Cut(piece, "=")
		if isSearchParam(key) {
			params[key] = val
			last = key
			continue
		}
		if last != "" {
			params[last] += "&" + piece
		}
	}
	for k, v := range params {
		if d, err := url.QueryUnescape(v); err == nil {
			params[k] = d
		}
	}
	return params
}
