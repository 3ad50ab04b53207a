package registry

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
)

// The web catalog answers what the store has no query for, and the
// searches of the web pages fast: every package's listed version sorted by
// name, publication time or downloads (home page, search page with its
// sorts and filters, org pages) and dependents (reverse dependencies). It
// is an in-memory snapshot of two store searches:
//
//   - public: each package's latest public, non-deprecated version, what a
//     visitor sees;
//   - all: each package's latest non-deprecated version of any visibility,
//     what a member of the package's org sees.
//
// A viewer's listing takes a package from all when the viewer may see its
// org's private packages, else from public, which is exactly what
// store.Search lists for that viewer, so visibility is decided by the same
// rule (visibleOrgs, from auth.go) as everywhere else. Dependents come from
// the dependency graphs of the listed versions (read once per version:
// versions are immutable) and are filtered the same way: a package is
// shown as a dependent only when the version the viewer's listing holds
// depends on the package. Text searches apply store.Search's rule to the
// same listed versions, through a word index, so they find what the store
// finds (TestWebCatalogSearchMatchesStore compares them).
//
// The snapshot is rebuilt when the audit log shows a publication,
// deprecation or other change to versions since it was built (one cheap
// query per use), and refreshed in the background after catalogMaxAge so
// that download counts move. A store query for these lists would do better
// at scale (see bench/README.md); this scan is the stand-in.

// catalogMaxAge is how old a snapshot may get before it is refreshed in
// the background.
const catalogMaxAge = time.Minute

// maxAuditLookback is how many audit events a catalog examines to decide
// whether anything relevant happened; more than that rebuilds at once.
const maxAuditLookback = 200

// orgsPerSearch bounds the org names of one store search, below SQLite's
// limit on query parameters.
const orgsPerSearch = 5000

// webCatalog holds the current snapshot. Readers take the snapshot under
// mu, briefly; builds run under buildMu, one at a time, without holding
// mu, so that a background refresh never makes a page wait.
type webCatalog struct {
	s *Server

	mu         sync.Mutex
	snap       *catalogSnapshot
	refreshing bool

	buildMu sync.Mutex
	graphs  map[string][]bala.PackageRef // "org/name:version" -> direct dependencies; under buildMu
}

func newWebCatalog(s *Server) *webCatalog {
	return &webCatalog{s: s, graphs: map[string][]bala.PackageRef{}}
}

// current returns an up-to-date snapshot: rebuilt first when the audit log
// shows a change to versions, refreshed in the background when only old.
func (c *webCatalog) current(ctx context.Context) (*catalogSnapshot, error) {
	head, err := c.auditHead(ctx)
	if err != nil {
		return nil, err
	}
	snap := c.load()
	if snap != nil && snap.gen != head {
		relevant, err := c.changedSince(ctx, snap.gen, head)
		if err != nil {
			return nil, err
		}
		if !relevant {
			c.mu.Lock()
			if c.snap == snap {
				snap.gen = head
			}
			c.mu.Unlock()
		}
	}
	if snap == nil || snap.gen != head {
		return c.rebuild(ctx, head)
	}
	if c.s.now().Sub(snap.built) > catalogMaxAge {
		c.mu.Lock()
		start := !c.refreshing
		c.refreshing = true
		c.mu.Unlock()
		if start {
			go c.refresh()
		}
	}
	return snap, nil
}

// load returns the current snapshot, nil before the first build.
func (c *webCatalog) load() *catalogSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}

// rebuild builds a snapshot for the audit log's event head, unless
// another request built one for it (or later) meanwhile.
func (c *webCatalog) rebuild(ctx context.Context, head int64) (*catalogSnapshot, error) {
	c.buildMu.Lock()
	defer c.buildMu.Unlock()
	if snap := c.load(); snap != nil && snap.gen >= head && c.s.now().Sub(snap.built) <= catalogMaxAge {
		return snap, nil
	}
	snap, err := c.build(ctx, head)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.snap = snap
	c.mu.Unlock()
	return snap, nil
}

// refresh rebuilds the snapshot in the background.
func (c *webCatalog) refresh() {
	defer func() {
		c.mu.Lock()
		c.refreshing = false
		c.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	head, err := c.auditHead(ctx)
	if err == nil {
		_, err = c.rebuild(ctx, head)
	}
	if err != nil {
		c.s.log.Warn("refreshing the web catalog", "err", err)
	}
}

// catalogSnapshot is one build of the catalog.
type catalogSnapshot struct {
	gen   int64 // the audit log's last event ID when built
	built time.Time
	// entries are the versions of public, then those of all; public and
	// all are each sorted by org and name.
	entries []catalogEntry
	// byName, byRecent and byPulls order every entry: by org and name,
	// newest first and most downloaded first.
	byName, byRecent, byPulls []int32
	// dependents maps "org/name" to the entries that depend on it.
	dependents map[string][]int32
	// index finds entries by words.
	index *wordIndex
}

// catalogEntry is a listed version.
type catalogEntry struct {
	store.PackageSummary
	fromAll   bool   // listed in all (else in public)
	lowerName string // Name in lower case
}

// visibleTo reports whether the entry is the version the listing of a
// viewer who may see the private packages of orgs holds.
func (e *catalogEntry) visibleTo(orgs []string) bool {
	return e.fromAll == slices.Contains(orgs, e.Org)
}

// auditHead returns the ID of the last audit event, 0 for none.
func (c *webCatalog) auditHead(ctx context.Context) (int64, error) {
	evs, err := c.s.storage.Meta.ListAudit(ctx, store.AuditFilter{}, 1)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return evs[0].ID, nil
}

// catalogNeutralActions are the audit actions that change no package
// version; any other action (publish, deprecate, undeprecate, deletions,
// actions added later) rebuilds the catalog.
var catalogNeutralActions = map[string]bool{
	"session.create": true, "token.create": true, "token.revoke": true, "password.change": true,
	"user.create": true, "org.create": true, "member.set": true, "member.remove": true,
}

// changedSince reports whether an event after ID from, up to head, may
// have changed a package version.
func (c *webCatalog) changedSince(ctx context.Context, from, head int64) (bool, error) {
	if head < from || head-from > maxAuditLookback {
		return true, nil
	}
	evs, err := c.s.storage.Meta.ListAudit(ctx, store.AuditFilter{BeforeID: head + 1}, int(head-from))
	if err != nil {
		return false, err
	}
	for _, e := range evs {
		if e.ID > from && !catalogNeutralActions[e.Action] {
			return true, nil
		}
	}
	return false, nil
}

// build makes a snapshot. The caller holds c.buildMu.
func (c *webCatalog) build(ctx context.Context, gen int64) (*catalogSnapshot, error) {
	meta := c.s.storage.Meta
	// The two listings are independent reads: run them side by side.
	type listing struct {
		l   []store.PackageSummary
		err error
	}
	publicc := make(chan listing, 1)
	go func() {
		res, err := meta.Search(ctx, store.SearchQuery{})
		if err != nil {
			publicc <- listing{err: err}
			return
		}
		publicc <- listing{l: res.Packages}
	}()
	all, allOrgs, err := c.listAll(ctx)
	pub := <-publicc
	if err == nil {
		err = pub.err
	}
	if err != nil {
		return nil, err
	}
	public := pub.l
	// Packages of orgs without an org record (none in practice) are only
	// public ones.
	var orphans []store.PackageSummary
	for _, ps := range public {
		if !allOrgs[ps.Org] {
			orphans = append(orphans, ps)
		}
	}
	if len(orphans) > 0 {
		all = append(all, orphans...)
		slices.SortFunc(all, comparePackages)
	}

	snap := &catalogSnapshot{gen: gen, built: c.s.now(), dependents: map[string][]int32{}}
	snap.entries = make([]catalogEntry, 0, len(public)+len(all))
	for _, ps := range public {
		snap.entries = append(snap.entries, catalogEntry{PackageSummary: ps, lowerName: strings.ToLower(ps.Name)})
	}
	for _, ps := range all {
		snap.entries = append(snap.entries, catalogEntry{PackageSummary: ps, fromAll: true, lowerName: strings.ToLower(ps.Name)})
	}
	if err := c.readGraphs(ctx, snap.entries); err != nil {
		return nil, err
	}
	for i := range snap.entries {
		e := &snap.entries[i]
		for _, d := range c.graphs[catalogKey(e.Org, e.Name, e.Version)] {
			key := d.Org + "/" + d.Name
			snap.dependents[key] = append(snap.dependents[key], int32(i))
		}
	}
	snap.byName = mergeByName(snap.entries, len(public))
	snap.byRecent = orderBy(snap.entries, func(e *catalogEntry) int64 { return e.CreatedAt.UnixMicro() })
	snap.byPulls = orderBy(snap.entries, func(e *catalogEntry) int64 { return e.PullCount })
	snap.index = newWordIndex(snap.entries)
	return snap, nil
}

// listAll lists each package's latest non-deprecated version of any
// visibility, sorted by org and name, and returns the orgs it asked
// about. Each chunk of orgs sees its own private versions; only its own
// orgs' packages are kept from a chunk's answer.
func (c *webCatalog) listAll(ctx context.Context) ([]store.PackageSummary, map[string]bool, error) {
	orgs, err := c.s.storage.Meta.ListOrgs(ctx)
	if err != nil {
		return nil, nil, err
	}
	var all []store.PackageSummary
	asked := make(map[string]bool, len(orgs))
	for chunk := range slices.Chunk(orgs, orgsPerSearch) {
		names := make([]string, len(chunk))
		inChunk := make(map[string]bool, len(chunk))
		for i, o := range chunk {
			names[i] = o.Name
			inChunk[o.Name] = true
			asked[o.Name] = true
		}
		res, err := c.s.storage.Meta.Search(ctx, store.SearchQuery{Orgs: names})
		if err != nil {
			return nil, nil, err
		}
		for _, ps := range res.Packages {
			if inChunk[ps.Org] {
				all = append(all, ps)
			}
		}
	}
	if len(orgs) > orgsPerSearch {
		slices.SortFunc(all, comparePackages)
	}
	return all, asked, nil
}

// catalogKey is the key of a version in webCatalog.graphs.
func catalogKey(org, name, version string) string { return org + "/" + name + ":" + version }

// graphReaders is how many versions' dependency graphs a build reads at
// once.
const graphReaders = 4

// readGraphs makes sure c.graphs holds the direct dependencies of every
// entry, reading the graphs it lacks from the store (versions are
// immutable, so each is read once). The caller holds c.buildMu.
func (c *webCatalog) readGraphs(ctx context.Context, entries []catalogEntry) error {
	var missing []string
	for i := range entries {
		e := &entries[i]
		key := catalogKey(e.Org, e.Name, e.Version)
		if _, ok := c.graphs[key]; !ok {
			c.graphs[key] = nil // once, even when listed twice
			missing = append(missing, key)
		}
	}
	deps := make([][]bala.PackageRef, len(missing))
	errs := make([]error, len(missing))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(graphReaders, len(missing)) {
		wg.Go(func() {
			for i := range next {
				deps[i], errs[i] = c.readDependencies(ctx, missing[i])
			}
		})
	}
	for i := range missing {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, key := range missing {
		if errs[i] != nil {
			for _, k := range missing {
				delete(c.graphs, k)
			}
			return errs[i]
		}
		c.graphs[key] = deps[i]
	}
	return nil
}

// readDependencies reads the direct dependencies of the version
// catalogKey names.
func (c *webCatalog) readDependencies(ctx context.Context, key string) ([]bala.PackageRef, error) {
	ref, ver, _ := strings.Cut(key, ":")
	org, name, _ := strings.Cut(ref, "/")
	pv, err := c.s.storage.Meta.Version(ctx, org, name, ver)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	return directDependencies(pv), nil
}

// mergeByName orders entries by org and name, given that entries[:n] and
// entries[n:] are each so ordered; of equal names, the first list's entry
// comes first.
func mergeByName(entries []catalogEntry, n int) []int32 {
	out := make([]int32, 0, len(entries))
	i, j := 0, n
	for i < n || j < len(entries) {
		if j == len(entries) || i < n && comparePackages(entries[i].PackageSummary, entries[j].PackageSummary) <= 0 {
			out = append(out, int32(i))
			i++
		} else {
			out = append(out, int32(j))
			j++
		}
	}
	return out
}

// orderBy orders entries by key, highest first, then by org and name,
// then by position: a total order, so the sort needs no stability.
func orderBy(entries []catalogEntry, key func(*catalogEntry) int64) []int32 {
	keys := make([]int64, len(entries))
	ids := make([]int32, len(entries))
	for i := range entries {
		keys[i], ids[i] = key(&entries[i]), int32(i)
	}
	slices.SortFunc(ids, func(a, b int32) int {
		return cmp.Or(cmp.Compare(keys[b], keys[a]), comparePackages(entries[a].PackageSummary, entries[b].PackageSummary), cmp.Compare(a, b))
	})
	return ids
}

// directDependencies reads a version's direct dependencies from its
// dependency graph; a missing or unreadable graph has none.
func directDependencies(pv *store.PackageVersion) []bala.PackageRef {
	if len(pv.DependencyGraph) == 0 {
		return nil
	}
	g, err := bala.ReadDependencyGraphJSON(bala.DependencyGraphJSONFile, pv.DependencyGraph)
	if err != nil {
		return nil
	}
	for _, p := range g.Packages {
		if p.Org == pv.Org && p.Name == pv.Name && p.Version == pv.Version {
			return p.Dependencies
		}
	}
	return nil
}

// A catalogQuery selects entries of a snapshot.
type catalogQuery struct {
	// orgs are the orgs whose private packages the viewer may see.
	orgs []string
	// text, when it has words, keeps the entries that match it by the
	// rule of store.Search.
	text string
	// org and keyword, when set, keep the packages of that org, and those
	// with that keyword (ignoring case).
	org, keyword string
	// order is sortRelevance (exact name matches first, then by org and
	// name, as store.Search orders), sortRecent or sortDownloads.
	order string
	// offset and limit select the page; limit 0 is every entry.
	offset, limit int
}

// find returns the page of entries q selects and the number of entries it
// selects. It scans the presorted orders, so it costs one pass over the
// catalog, whatever the query.
func (snap *catalogSnapshot) find(q catalogQuery) ([]store.PackageSummary, int) {
	var hits []uint64
	if words := store.Words(q.text); len(words) > 0 {
		hits = snap.index.match(words)
	}
	keep := func(id int32) bool {
		e := &snap.entries[id]
		return (hits == nil || hits[id/64]&(1<<(id%64)) != 0) && e.visibleTo(q.orgs) &&
			(q.org == "" || e.Org == q.org) &&
			(q.keyword == "" || slices.ContainsFunc(e.Keywords, func(k string) bool { return strings.EqualFold(k, q.keyword) }))
	}
	var page []store.PackageSummary
	total := 0
	take := func(id int32) {
		if total >= q.offset && (q.limit == 0 || len(page) < q.limit) {
			page = append(page, snap.entries[id].PackageSummary)
		}
		total++
	}
	switch q.order {
	case sortRecent:
		for _, id := range snap.byRecent {
			if keep(id) {
				take(id)
			}
		}
	case sortDownloads:
		for _, id := range snap.byPulls {
			if keep(id) {
				take(id)
			}
		}
	default:
		// Relevance: the packages named as the text first.
		// Package names are ASCII, so lower-casing the text compares as
		// the store's lower(name) = lower(text) does.
		exact := strings.ToLower(strings.TrimSpace(q.text))
		isExact := func(id int32) bool { return exact != "" && snap.entries[id].lowerName == exact }
		for _, id := range snap.byName {
			if isExact(id) && keep(id) {
				take(id)
			}
		}
		for _, id := range snap.byName {
			if !isExact(id) && keep(id) {
				take(id)
			}
		}
	}
	return page, total
}

// dependentsOf returns the packages of the viewer's listing that depend on
// org/name, sorted by org and name.
func (snap *catalogSnapshot) dependentsOf(org, name string, orgs []string) []store.PackageSummary {
	var out []store.PackageSummary
	seen := map[string]bool{}
	for _, id := range snap.dependents[org+"/"+name] {
		e := &snap.entries[id]
		if !e.visibleTo(orgs) {
			continue // the viewer's listing holds the other list's version
		}
		key := e.Org + "/" + e.Name
		if seen[key] || (e.Org == org && e.Name == name) {
			continue
		}
		seen[key] = true
		out = append(out, e.PackageSummary)
	}
	slices.SortFunc(out, comparePackages)
	return out
}

// wordIndex is an inverted index of catalog entries by the words of their
// org, name, keywords and summary.
type wordIndex struct {
	n        int      // entries
	vocab    []string // every word, sorted
	postings [][]int32
}

func newWordIndex(entries []catalogEntry) *wordIndex {
	ix := &wordIndex{n: len(entries)}
	byWord := map[string][]int32{}
	// A version listed in both lists has the same words: split them once.
	wordsOf := map[string][]string{}
	for i := range entries {
		e := &entries[i]
		id := int32(i)
		key := catalogKey(e.Org, e.Name, e.Version)
		words, ok := wordsOf[key]
		if !ok {
			words = store.Words(e.Org + " " + e.Name + " " + strings.Join(e.Keywords, " ") + " " + e.Summary)
			for j, w := range words {
				words[j] = foldDiacritics(w)
			}
			wordsOf[key] = words
		}
		for _, w := range words {
			if p := byWord[w]; len(p) == 0 || p[len(p)-1] != id {
				byWord[w] = append(p, id)
			}
		}
	}
	ix.vocab = make([]string, 0, len(byWord))
	for w := range byWord {
		ix.vocab = append(ix.vocab, w)
	}
	slices.Sort(ix.vocab)
	ix.postings = make([][]int32, len(ix.vocab))
	for i, w := range ix.vocab {
		ix.postings[i] = byWord[w]
	}
	return ix
}

// match returns a bit set of the entries that have, for every word, a
// word it is a prefix of.
func (ix *wordIndex) match(words []string) []uint64 {
	n := (ix.n + 63) / 64
	var all []uint64
	for k, w := range words {
		w = foldDiacritics(w)
		set := make([]uint64, n)
		i, _ := slices.BinarySearch(ix.vocab, w)
		for ; i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], w); i++ {
			for _, id := range ix.postings[i] {
				set[id/64] |= 1 << (id % 64)
			}
		}
		if k == 0 {
			all = set
			continue
		}
		for j := range all {
			all[j] &= set[j]
		}
	}
	return all
}

// foldDiacritics removes the diacritics of a word ("über" is "uber"), as
// the SQLite store's full-text index does (unicode61 remove_diacritics),
// so that both find the same packages.
func foldDiacritics(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// comparePackages orders packages by org, then name.
func comparePackages(a, b store.PackageSummary) int {
	return cmp.Or(strings.Compare(a.Org, b.Org), strings.Compare(a.Name, b.Name))
}

// newerFirst orders packages by publication time, newest first.
func newerFirst(a, b store.PackageSummary) int {
	return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), comparePackages(a, b))
}

// morePulledFirst orders packages by downloads (of the listed version),
// most first.
func morePulledFirst(a, b store.PackageSummary) int {
	return cmp.Or(cmp.Compare(b.PullCount, a.PullCount), comparePackages(a, b))
}
