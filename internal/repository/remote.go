package repository

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/balcentral/balcentral/internal/atomicfile"
	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
	"github.com/balcentral/balcentral/internal/version"
)

// DefaultRemoteWorkers is how many requests a [Remote] has in flight at
// once, downloads and metadata requests alike, when RemoteOptions.Workers
// is 0.
const DefaultRemoteWorkers = 8

// maxResolveBatch is how many versions one resolve-dependencies request
// asks for; the registry refuses more than 1000.
const maxResolveBatch = 500

// maxResolveSenders is how many resolve-dependencies requests are in flight
// at once: more wait less behind a request in flight, fewer batch more.
const maxResolveSenders = 2

// RemoteOptions configure [NewRemote].
type RemoteOptions struct {
	// Workers bounds the requests in flight at once; 0 means
	// DefaultRemoteWorkers.
	Workers int
	// Warn, if not nil, receives the one warning of a build that could not
	// reach the registry and fell back to the cache.
	Warn func(msg string)
	// Pulled, if not nil, is told of each version downloaded into the
	// cache, once it is complete there; commands print the upstream
	// "<org>/<name>:<version> pulled from central successfully". Calls
	// are serialized but come in the order the downloads finish.
	Pulled func(org, name, version string)
}

// Fetcher is implemented by repositories that can make the versions a
// resolution chose available on disk: Build calls Fetch with the Central
// packages of the final graph before it records anything.
type Fetcher interface {
	Fetch(ctx context.Context, refs []NodeRef) error
}

// Remote is the Central repository of an online build: a registry reached
// through a centralclient.Client in front of that registry's cache on
// disk (see [NewRemote]).
//
// # Design: resolve from metadata, download the final graph in parallel
//
// Resolution (internal/resolve) reads the metadata of every version a
// Central repository lists (for the distribution filter and to avoid
// deprecated versions), and uses few of them. Downloading each version a
// Package call names would fetch every release of every package, so
// Remote answers from the registry's metadata instead and downloads only
// what the resolution chose:
//
//   - Versions lists the registry's versions of a package (GET
//     /packages/{org}/{name}, already filtered by the registry for the
//     platforms and the distribution of the client), merged with the
//     cache's. The first time a package is listed, Remote learns the
//     dependency graph and deprecation of every listed version from
//     resolve-dependencies (HARD, one entry per exact version). These
//     entries are batched: the packages listed while a resolve-dependencies
//     request is in flight (or waiting for a request slot) go together in
//     the next one, up to 500 entries a request (the registry accepts
//     1000), so a build sends a few such requests rather than one per
//     package. Listing a package also starts listing, in the background,
//     the packages of the dependency graph of its newest listed version,
//     which the resolution (one package after the other) asks for next: a
//     registry's latency is then paid many requests at a time, and their
//     resolve-dependencies entries share requests.
//   - Package answers a cached version from the cache, with the
//     registry's current deprecation (a changed one is also written to
//     the cache's deprecated.txt, as `bal pull` does). A version only the
//     registry has is answered from its resolve-dependencies entry, without
//     downloading and without a request of its own: its graph and
//     deprecation are the registry's; Platform and BallerinaVersion are ""
//     (unknown: the registry's list holds only versions the client can use,
//     which is what the distribution filter checks; a warning that reads
//     them, such as the one about packages built before Update 12, sees
//     them once the version is in the cache); Modules holds the default
//     module, and [Package.HasModule] asks the registry (GET
//     /packages/{org}/{name}/{version}, once per version) only for another
//     module of the package, which only a hierarchical import such as
//     "org/name.sub" makes the resolution look for. resolve-modules cannot
//     stand in for that request: it names the version the registry would
//     choose for a module, not whether a given version holds it, which is
//     what the resolution asks of each candidate version.
//   - Fetch (the [Fetcher] interface), called by the build with the
//     final graph, downloads the versions that are not cached into the
//     cache with centralclient.Client.Pull (temporary directory, digest
//     check, extraction, rename: a failed download leaves nothing), in
//     parallel. Each completed download is reported to Pulled.
//
// Whether a version is cached is asked of the cache with
// [FileSystem.Has], which reads a version's package.json once per build.
//
// All requests, metadata and downloads alike, share Workers slots: at
// most Workers are in flight at once. Concurrent requests for one
// package's list or one version's download share one call
// (single-flight), whose result is kept for the Remote's lifetime; a
// failed call is not kept.
//
// Built-in packages (see [IsBuiltIn]) never go remote: they are answered
// by the cache alone (which has none: the distribution serves them).
//
// # Connection failures
//
// A registry that cannot be reached (an error wrapping
// centralclient.ErrConnection, after the client's retries) is not a build
// error, as in the reference client, which ignores connection-type errors
// during builds: Remote warns once through Warn and answers from the cache
// from then on, without trying the network again. [RemoteFailure] then
// returns an *[UnreachableError], for the build to say why imports could
// not be resolved. Other failures (unauthorized token, server errors) are
// errors, except in HasModule, which cannot return one: it answers false
// and RemoteFailure reports the failure. A download that fails, for
// whatever reason, is an error of Fetch: the resolution chose a version
// the cache does not have.
//
// A Remote is meant for one build. It caches what the registry said and
// is safe for concurrent use.
type Remote struct {
	client  *centralclient.Client
	cache   *FileSystem
	workers int
	slots   chan struct{} // one per request in flight
	warn    func(string)
	pulled  func(org, name, version string)

	mu   sync.Mutex
	down error // the connection failure that took the registry offline

	lists    flights[pkgKey, *remoteList]
	pulls    flights[verKey, struct{}]
	modules  flights[verKey, []string]
	resolves resolveQueue

	// failed is the first failure HasModule could not return.
	failed error

	reportMu sync.Mutex
}

// NewRemote returns the repository of the registry client talks to, over
// cache, the registry's cache on disk (see [NewCentralCache]: for the
// default registry the cache named central.ballerina.io, for another the
// one named after its host; NewCentralCache(layout, client.Host(), dist)).
// The repository has the cache's name and KindCentral; versions are
// downloaded into cache.Root(). See [Remote] for how it answers.
func NewRemote(client *centralclient.Client, cache *FileSystem, opts RemoteOptions) (*Remote, error) {
	if client == nil || cache == nil {
		return nil, errors.New("remote repository: a client and a cache are required")
	}
	if cache.Root() == "" {
		return nil, errors.New("remote repository: the cache has no directory")
	}
	w := opts.Workers
	if w <= 0 {
		w = DefaultRemoteWorkers
	}
	return &Remote{client: client, cache: cache, workers: w, slots: make(chan struct{}, w),
		warn: opts.Warn, pulled: opts.Pulled}, nil
}

// Name implements Repository: the cache's name.
func (r *Remote) Name() string { return r.cache.Name() }

// Kind implements Repository.
func (r *Remote) Kind() Kind { return KindCentral }

type pkgKey struct{ org, name string }

// remoteList is what the registry said about one package.
type remoteList struct {
	versions []version.Version // listed by the registry and usable
	meta     map[version.Version]*remoteMeta
}

// remoteMeta is the registry's metadata of one version.
type remoteMeta struct {
	deprecated bool
	message    string
	// pkg is the metadata of a version that was not cached when the
	// package was listed, from its resolve-dependencies entry; nil for a
	// cached one.
	pkg *Package
}

// Versions implements Repository: the registry's versions merged with the
// cache's, sorted in ascending order.
func (r *Remote) Versions(ctx context.Context, org, name string) ([]version.Version, error) {
	cached, err := r.cache.Versions(ctx, org, name)
	if err != nil || IsBuiltIn(org, name) {
		return cached, err
	}
	l, err := r.list(ctx, org, name)
	if err != nil || l == nil {
		return cached, err
	}
	out := append([]version.Version(nil), cached...)
	for _, v := range l.versions {
		if !containsVersion(out, v) {
			out = append(out, v)
		}
	}
	version.Sort(out)
	return out, nil
}

// Package implements Repository.
func (r *Remote) Package(ctx context.Context, org, name string, v version.Version) (*Package, error) {
	p, err := r.cache.Package(ctx, org, name, v)
	if IsBuiltIn(org, name) || err != nil && !errors.Is(err, ErrNotFound) {
		return p, err
	}
	l, lerr := r.list(ctx, org, name)
	if lerr != nil {
		return nil, lerr
	}
	var m *remoteMeta
	if l != nil {
		m = l.meta[v]
	}
	if err == nil {
		if m != nil && (m.deprecated != p.Deprecated || m.deprecated && m.message != p.DeprecationMessage) {
			p.Deprecated, p.DeprecationMessage = m.deprecated, m.message
			r.syncDeprecation(p)
		}
		return p, nil
	}
	if m == nil || m.pkg == nil {
		return nil, err
	}
	return clonePackage(m.pkg), nil
}

// Fetch implements Fetcher: it downloads the versions of refs that are not
// in the cache, in parallel. Built-in packages are skipped. The error
// names every version that could not be downloaded.
func (r *Remote) Fetch(ctx context.Context, refs []NodeRef) error {
	var todo []NodeRef
	for _, ref := range refs {
		if IsBuiltIn(ref.Org, ref.Name) || r.cache.Has(ctx, ref.Org, ref.Name, ref.Version) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		todo = append(todo, ref)
	}
	if len(todo) == 0 {
		return nil
	}
	if down := r.offline(); down != nil {
		return fmt.Errorf("cannot download %s from %s: %w", todo[0], r.Name(), down)
	}
	errs := make([]error, len(todo))
	parallel(len(todo), r.workers, func(i int) {
		ref := todo[i]
		_, errs[i] = r.pulls.do(ctx, verKey{ref.Org, ref.Name, ref.Version}, func() (struct{}, error) {
			return struct{}{}, r.pull(ctx, ref)
		})
	})
	return errors.Join(errs...)
}

// pull downloads one version into the cache and reports it.
func (r *Remote) pull(ctx context.Context, ref NodeRef) error {
	release, err := r.acquire(ctx)
	if err != nil {
		return err
	}
	res, err := r.client.Pull(ctx, centralclient.PullRequest{
		Org: ref.Org, Name: ref.Name, Version: ref.Version.String(), RepoDir: r.cache.Root(),
	})
	release()
	switch {
	case errors.Is(err, centralclient.ErrExists):
		return nil // another bal got there first
	case err != nil:
		return upstreamError(err, ref.Org, fmt.Sprintf("failed to pull the package: '%s' from the remote repository '%s'.", ref, r.client.BaseURL()))
	}
	if _, err := r.cache.Package(ctx, ref.Org, ref.Name, ref.Version); err != nil {
		return fmt.Errorf("%s was downloaded from %s but cannot be used: %w", ref, r.Name(), err)
	}
	if r.pulled != nil {
		v := ref.Version.String()
		if res != nil && res.Version != "" {
			v = res.Version
		}
		r.reportMu.Lock()
		r.pulled(ref.Org, ref.Name, v)
		r.reportMu.Unlock()
	}
	return nil
}

// offline returns the connection failure that took the registry offline,
// nil while it is reachable.
func (r *Remote) offline() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.down
}

// fallBack records a connection failure: the first one is reported
// through warn, and the registry is not asked again.
func (r *Remote) fallBack(err error) {
	r.mu.Lock()
	first := r.down == nil
	if first {
		r.down = err
	}
	r.mu.Unlock()
	if first && r.warn != nil {
		r.warn(fmt.Sprintf("cannot reach %s (%s): %s; using the packages in the cache only",
			r.Name(), r.client.BaseURL(), connectionReason(err)))
	}
}

// fail records the first failure that HasModule could not return.
func (r *Remote) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		r.failed = err
	}
}

// UnreachableError is the failure of a registry that could not be reached
// during a build (see [Remote]), as [RemoteFailure] returns it. Its
// message is meant for a build whose imports could not all be resolved:
// it names the registry, its URL and the cause, says that the cache did
// not have what was missing and what to do.
type UnreachableError struct {
	Name string // the repository's name: the registry's host
	URL  string // the registry's API base URL
	Err  error  // the client's error, wrapping centralclient.ErrConnection
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the registry %s (%s): %s; the Central cache does not have the packages "+
		"of the unresolved imports. Check the network connection and the registry URL "+
		"(BALLERINA_CENTRAL_URL, or url under [central] in Settings.toml), or build with --offline "+
		"to use the packages in the cache without trying the registry",
		e.Name, e.URL, connectionReason(e.Err))
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// connectionReason is the cause of a connection failure, without the
// client's wording around it.
func connectionReason(err error) string {
	var ce *centralclient.Error
	if errors.As(err, &ce) && ce.Cause != nil {
		return ce.Cause.Error()
	}
	return err.Error()
}

// RemoteFailure returns, for the Central repository of a build (a Remote,
// possibly wrapped by [PreferCache]), why some of its answers came from
// the cache alone or were incomplete: an *[UnreachableError] when the
// registry could not be reached and the build went on with the cache, or
// the failure of a request HasModule made; nil when there was none, and
// for any other repository. A build that could not resolve an import
// reports it: the cache, not the registry, did not have the package.
func RemoteFailure(repo Repository) error {
	switch x := repo.(type) {
	case *Remote:
		x.mu.Lock()
		defer x.mu.Unlock()
		if x.down != nil {
			return &UnreachableError{Name: x.Name(), URL: x.client.BaseURL(), Err: x.down}
		}
		return x.failed
	case *preferCache:
		return RemoteFailure(x.remote)
	}
	return nil
}

// list returns what the registry says about org/name, asking it the first
// time; nil when the registry is offline or the package is built in.
func (r *Remote) list(ctx context.Context, org, name string) (*remoteList, error) {
	if IsBuiltIn(org, name) || r.offline() != nil {
		return nil, nil
	}
	if err := checkNames(org, name); err != nil {
		return nil, fmt.Errorf("%s repository: %w", r.Name(), err)
	}
	l, err := r.lists.do(ctx, pkgKey{org, name}, func() (*remoteList, error) {
		return r.fetchList(ctx, org, name)
	})
	if errors.Is(err, centralclient.ErrConnection) {
		r.fallBack(err)
		return nil, nil
	}
	return l, err
}

// fetchList asks the registry for the versions of org/name and their
// metadata (see Remote).
func (r *Remote) fetchList(ctx context.Context, org, name string) (*remoteList, error) {
	release, err := r.acquire(ctx)
	if err != nil {
		return nil, err
	}
	texts, err := r.client.Versions(ctx, org, name)
	release()
	if err != nil {
		return nil, upstreamError(err, org, "could not connect to remote repository to find versions for: "+org+"/"+name)
	}
	l := &remoteList{meta: make(map[version.Version]*remoteMeta)}
	var listed []version.Version
	for _, t := range texts {
		v, err := version.Parse(t)
		if err != nil || containsVersion(listed, v) {
			continue // not a version this client can use
		}
		listed = append(listed, v)
	}
	if len(listed) == 0 {
		return l, nil
	}

	// Graphs and deprecation of every listed version.
	resolved, err := r.resolve(ctx, org, name, listed)
	if err != nil {
		return nil, err
	}
	r.prefetch(ctx, graphPackages(listed, resolved))
	for _, v := range listed {
		rp := resolved[v]
		if rp == nil {
			continue // the registry will not resolve it for this client
		}
		if r.cache.Has(ctx, org, name, v) {
			l.meta[v] = &remoteMeta{deprecated: rp.IsDeprecated, message: rp.DeprecateMessage}
			l.versions = append(l.versions, v)
			continue
		}
		p, err := remotePackage(org, name, v, rp)
		if err != nil {
			return nil, fmt.Errorf("%s repository: %s/%s:%s: %w", r.Name(), org, name, v, err)
		}
		p.moreModules = r.moduleLookup(ctx, org, name, v)
		l.meta[v] = &remoteMeta{deprecated: p.Deprecated, message: p.DeprecationMessage, pkg: p}
		l.versions = append(l.versions, v)
	}
	return l, nil
}

// moduleLookup returns the HasModule fallback of org/name:v, a version
// answered from its resolve-dependencies entry: a module other than the
// default one is looked for in the version's metadata (GET
// /packages/{org}/{name}/{version}, once per version).
func (r *Remote) moduleLookup(ctx context.Context, org, name string, v version.Version) func(string) bool {
	return func(module string) bool {
		if !strings.HasPrefix(module, name+".") || r.offline() != nil {
			return false // not a module of this package, or answering from the cache
		}
		mods, err := r.modules.do(ctx, verKey{org, name, v}, func() ([]string, error) {
			return r.fetchModules(ctx, org, name, v)
		})
		switch {
		case errors.Is(err, centralclient.ErrConnection):
			r.fallBack(err)
			return false
		case err != nil:
			r.fail(err)
			return false
		}
		return slices.Contains(mods, module)
	}
}

// fetchModules asks the registry for the modules of org/name:v.
func (r *Remote) fetchModules(ctx context.Context, org, name string, v version.Version) ([]string, error) {
	release, err := r.acquire(ctx)
	if err != nil {
		return nil, err
	}
	obj, err := r.client.Package(ctx, org, name, v.String())
	release()
	if errors.Is(err, centralclient.ErrNotFound) {
		return nil, nil // gone since it was listed
	}
	if err != nil {
		return nil, upstreamError(err, org, fmt.Sprintf("could not connect to remote repository to find package: %s/%s:%s", org, name, v))
	}
	var out []string
	for _, m := range obj.Modules {
		if m.Name != "" && !slices.Contains(out, m.Name) {
			out = append(out, m.Name)
		}
	}
	return out, nil
}

// resolveQueue batches the resolve-dependencies entries of the packages
// being listed: a caller queues its entries and waits; one sender at a time
// takes a request slot, then everything queued (up to maxResolveBatch
// entries a request) and sends it, until the queue is empty.
type resolveQueue struct {
	mu      sync.Mutex
	pending []*resolveCall
	senders int // sendResolves goroutines running
	sent    int // requests sent, for tests
}

// resolveCall is one package's entries, at most maxResolveBatch.
type resolveCall struct {
	org, name string
	versions  []version.Version
	done      chan struct{}
	resolved  map[version.Version]*centralclient.ResolvedPackage
	err       error
}

// resolve returns the resolve-dependencies answers for the listed versions
// of org/name (HARD, one entry per version), keyed by version; a version
// the registry did not resolve is absent.
func (r *Remote) resolve(ctx context.Context, org, name string, listed []version.Version) (map[version.Version]*centralclient.ResolvedPackage, error) {
	var calls []*resolveCall
	for start := 0; start < len(listed); start += maxResolveBatch {
		calls = append(calls, &resolveCall{org: org, name: name, versions: listed[start:min(start+maxResolveBatch, len(listed))],
			done: make(chan struct{})})
	}
	q := &r.resolves
	q.mu.Lock()
	q.pending = append(q.pending, calls...)
	start := q.senders < maxResolveSenders
	if start {
		q.senders++
	}
	q.mu.Unlock()
	if start {
		go r.sendResolves(ctx)
	}
	out := make(map[version.Version]*centralclient.ResolvedPackage)
	for _, c := range calls {
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if c.err != nil {
			return nil, c.err
		}
		maps.Copy(out, c.resolved)
	}
	return out, nil
}

// sendResolves sends the queued resolve-dependencies entries until none is
// left.
func (r *Remote) sendResolves(ctx context.Context) {
	q := &r.resolves
	for {
		release, err := r.acquire(ctx)
		q.mu.Lock()
		var batch []*resolveCall
		n := 0
		for len(q.pending) > 0 && (len(batch) == 0 || n+len(q.pending[0].versions) <= maxResolveBatch) {
			batch = append(batch, q.pending[0])
			n += len(q.pending[0].versions)
			q.pending = q.pending[1:]
		}
		if len(batch) == 0 {
			q.senders--
			q.mu.Unlock()
			if release != nil {
				release()
			}
			return
		}
		if err == nil {
			q.sent++
		}
		q.mu.Unlock()
		var ans *centralclient.DependencyResolution
		if err == nil {
			reqs := make([]centralclient.DependencyRequest, 0, n)
			for _, c := range batch {
				for _, v := range c.versions {
					reqs = append(reqs, centralclient.DependencyRequest{Org: c.org, Name: c.name, Version: v.String(), Mode: "hard"})
				}
			}
			ans, err = r.client.ResolveDependencies(ctx, reqs)
			release()
			if err != nil {
				err = upstreamError(err, "", "while connecting to central:")
			}
		}
		for _, c := range batch {
			c.err = err
			if err == nil {
				c.resolved = make(map[version.Version]*centralclient.ResolvedPackage, len(c.versions))
				for i := range ans.Resolved {
					rp := &ans.Resolved[i]
					if rp.Org != c.org || rp.Name != c.name {
						continue
					}
					if v, err := version.Parse(rp.Version); err == nil && slices.Contains(c.versions, v) {
						c.resolved[v] = rp
					}
				}
			}
			close(c.done)
		}
	}
}

// acquire waits for a request slot: at most Workers requests are in flight
// at once, whoever makes them.
func (r *Remote) acquire(ctx context.Context) (release func(), err error) {
	select {
	case r.slots <- struct{}{}:
		return func() { <-r.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// prefetch lists, in the background, the packages a resolution is about
// to ask for, so that the registry's latency is paid Workers requests at
// a time rather than one package after the other. The results are kept
// as if the resolution had asked (a failure is forgotten, and asked again
// when the resolution needs the package).
func (r *Remote) prefetch(ctx context.Context, keys []pkgKey) {
	if r.offline() != nil {
		return
	}
	for _, k := range keys {
		if IsBuiltIn(k.org, k.name) || checkNames(k.org, k.name) != nil {
			continue
		}
		r.lists.start(k, func() (*remoteList, error) {
			return r.fetchList(ctx, k.org, k.name)
		})
	}
}

// graphPackages returns the packages of the dependency graph of the
// version a resolution most likely chooses: the newest one that is not
// deprecated (else the newest).
func graphPackages(listed []version.Version, resolved map[version.Version]*centralclient.ResolvedPackage) []pkgKey {
	var best *centralclient.ResolvedPackage
	var bestV version.Version
	for _, v := range listed {
		rp := resolved[v]
		if rp == nil {
			continue
		}
		if best == nil || best.IsDeprecated && !rp.IsDeprecated ||
			best.IsDeprecated == rp.IsDeprecated && version.IsNewer(v, bestV) {
			best, bestV = rp, v
		}
	}
	if best == nil {
		return nil
	}
	var out []pkgKey
	for _, gd := range best.DependencyGraph {
		if gd.Org == best.Org && gd.Name == best.Name {
			continue
		}
		out = append(out, pkgKey{gd.Org, gd.Name})
	}
	return out
}

// remoteErr is a failure of the registry in the words of the reference
// client, wrapping the client's error.
type remoteErr struct {
	msg string
	err error
}

func (e *remoteErr) Error() string { return e.msg }
func (e *remoteErr) Unwrap() error { return e.err }

// upstreamError words err as the reference client does (central-api.md
// §4): the unauthorized message naming org ("" for requests without one),
// else prefix followed by " reason: " and the registry's message (or the
// failure). A cancelled context is returned as it is.
func upstreamError(err error, org, prefix string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *centralclient.Error
	reason := err.Error()
	if errors.As(err, &ce) {
		switch {
		case ce.Message != "":
			reason = ce.Message
		case ce.Err != nil && ce.Cause != nil:
			reason = ce.Err.Error() + ": " + ce.Cause.Error()
		}
	}
	if errors.Is(err, centralclient.ErrUnauthorized) {
		msg := "unauthorized access token. check access token set in 'Settings.toml' file."
		if org != "" {
			msg = fmt.Sprintf("unauthorized access token for organization: '%s'. check access token set in 'Settings.toml' file.", org)
		}
		if ce != nil && ce.Message != "" {
			msg += " reason: " + ce.Message
		}
		return &remoteErr{msg: msg, err: err}
	}
	return &remoteErr{msg: prefix + " reason: " + reason, err: err}
}

// remotePackage builds the metadata of a version the cache lacks from its
// resolve-dependencies entry, as FileSystem would read it from the
// extracted bala as far as the entry tells: the graph and the deprecation,
// the default module (see Remote for the others), no platform and no
// distribution.
func remotePackage(org, name string, v version.Version, rp *centralclient.ResolvedPackage) (*Package, error) {
	p := &Package{
		Org: org, Name: name, Version: v,
		Modules:            []string{name},
		Deprecated:         rp.IsDeprecated,
		DeprecationMessage: strings.TrimSpace(rp.DeprecateMessage),
	}
	g := &bala.DependencyGraph{}
	for _, gd := range rp.DependencyGraph {
		gp := bala.GraphPackage{Org: gd.Org, Name: gd.Name, Version: gd.Version}
		for _, d := range gd.Dependencies {
			gp.Dependencies = append(gp.Dependencies, bala.PackageRef{Org: d.Org, Name: d.Name, Version: d.Version})
		}
		g.Packages = append(g.Packages, gp)
	}
	var err error
	p.Graph, err = packageGraph(NodeRef{Org: org, Name: name, Version: v}, g, "the registry's dependency graph")
	if err != nil {
		return nil, err
	}
	return p, nil
}

// syncDeprecation brings the deprecated.txt of a cached version in line
// with the registry, as `bal pull` does for a version it already has, so
// that offline builds warn too. A failure is not a build error: the
// warning comes from the registry's answer anyway.
func (r *Remote) syncDeprecation(p *Package) {
	dir := filepath.Join(r.cache.Root(), BalaDirName, p.Org, p.Name, p.Version.String(), p.Platform)
	file := filepath.Join(dir, DeprecatedFileName)
	defer r.cache.forget(p.Org, p.Name, p.Version)
	if p.Deprecated {
		_ = atomicfile.WriteFile(file, []byte(p.DeprecationMessage), 0o644)
		return
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
}

// clonePackage copies p so that callers cannot change the Remote's copy.
func clonePackage(p *Package) *Package {
	c := *p
	c.Modules = append([]string(nil), p.Modules...)
	c.Graph = make([]GraphNode, len(p.Graph))
	for i, n := range p.Graph {
		c.Graph[i] = n
		c.Graph[i].Dependencies = append([]NodeRef(nil), n.Dependencies...)
	}
	return &c
}

func containsVersion(vs []version.Version, v version.Version) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// parallel runs f(0) … f(n-1) on at most workers goroutines and waits for
// them.
func parallel(n, workers int, f func(i int)) {
	if n == 0 {
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// flights runs one call per key at a time and keeps successful results
// (a single-flight group with memory): a caller asking for a key in
// flight waits for it, or for its own context; an error is returned to
// the callers waiting for that call and forgotten, so that the next call
// tries again.
type flights[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*flight[V]
}

// start runs fn for key in a new goroutine, unless key has a call in
// flight or a kept result.
func (g *flights[K, V]) start(key K, fn func() (V, error)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = make(map[K]*flight[V])
	}
	if _, ok := g.m[key]; ok {
		return
	}
	f := &flight[V]{done: make(chan struct{})}
	g.m[key] = f
	go g.run(key, f, fn)
}

// run makes the call of f and publishes its result.
func (g *flights[K, V]) run(key K, f *flight[V], fn func() (V, error)) {
	f.val, f.err = fn()
	if f.err != nil {
		g.mu.Lock()
		delete(g.m, key)
		g.mu.Unlock()
	}
	close(f.done)
}

type flight[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func (g *flights[K, V]) do(ctx context.Context, key K, fn func() (V, error)) (V, error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[K]*flight[V])
	}
	f, ok := g.m[key]
	if !ok {
		f = &flight[V]{done: make(chan struct{})}
		g.m[key] = f
		g.mu.Unlock()
		g.run(key, f, fn)
		return f.val, f.err
	}
	g.mu.Unlock()
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// PreferCache returns the Central repository of a build that keeps the
// versions of a complete lock file (a HARD build inside the 24-hour
// window): every package of locked whose locked version the cache holds
// is answered by the cache alone, so such a build makes no remote call;
// any other package, or a locked version missing from the cache, is
// answered by remote. Fetch is passed on to remote when it is a Fetcher.
func PreferCache(cache, remote Repository, locked []NodeRef) Repository {
	m := make(map[pkgKey]version.Version, len(locked))
	for _, l := range locked {
		m[pkgKey{l.Org, l.Name}] = l.Version
	}
	return &preferCache{cache: cache, remote: remote, locked: m}
}

type preferCache struct {
	cache, remote Repository
	locked        map[pkgKey]version.Version
}

func (p *preferCache) Name() string { return p.remote.Name() }
func (p *preferCache) Kind() Kind   { return p.remote.Kind() }

// cached reports whether the cache answers for org/name: whether it holds
// the locked version, asked with FileSystem.Has when the cache is a
// FileSystem (which reads the version's package.json once per build).
func (p *preferCache) cached(ctx context.Context, org, name string) bool {
	v, ok := p.locked[pkgKey{org, name}]
	if !ok {
		return false
	}
	if fs, ok := p.cache.(*FileSystem); ok {
		return fs.Has(ctx, org, name, v)
	}
	_, err := p.cache.Package(ctx, org, name, v)
	return err == nil
}

func (p *preferCache) Versions(ctx context.Context, org, name string) ([]version.Version, error) {
	if p.cached(ctx, org, name) {
		return p.cache.Versions(ctx, org, name)
	}
	return p.remote.Versions(ctx, org, name)
}

func (p *preferCache) Package(ctx context.Context, org, name string, v version.Version) (*Package, error) {
	if p.cached(ctx, org, name) {
		return p.cache.Package(ctx, org, name, v)
	}
	return p.remote.Package(ctx, org, name, v)
}

func (p *preferCache) Fetch(ctx context.Context, refs []NodeRef) error {
	if f, ok := p.remote.(Fetcher); ok {
		return f.Fetch(ctx, refs)
	}
	return nil
}

// verKey names one version of a package.
type verKey struct {
	org, name string
	v         version.Version
}
