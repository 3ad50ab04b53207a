package repository

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

// ErrInvalidName is wrapped by the errors FileSystem returns for an
// organization or package name that is not a valid name: such a request is
// refused before the file system is touched, so that a name like "../x"
// cannot reach outside the repository.
var ErrInvalidName = errors.New("invalid package name")

// platformOrder is the order in which a version directory's platform
// directories are tried: "any" first, then the JVM targets from the newest,
// as the reference implementation does ("any", then JvmTarget.values(),
// which lists the newest target first).
var platformOrder = []string{bala.AnyPlatform, "java25", "java21", "java17", "java11"}

// FileSystem is a Repository over a tree of extracted balas:
//
//	<root>/bala/<org>/<name>/<version>/<platform>/package.json
//	                                             /dependency-graph.json
//	                                             /deprecated.txt      (optional: the deprecation message)
//	                                             /modules/<module>/...
//
// It serves the local repository, the Central cache, the distribution's
// repository and custom file-system repositories.
//
// # Versions
//
// A version is listed when its directory name is a valid version and one of
// its platform directories exists: "any", "java25", "java21", "java17" or
// "java11", the first one found in that order being the version's bala.
// Its package.json must be readable, valid and name the same organization,
// package and version as the path. A version directory that fails these
// checks is skipped and reported through the warning hook (see [WithWarn]),
// so one corrupt entry does not hide the others. Names starting with "."
// are skipped silently: an extraction in progress writes into such a hidden
// directory and renames it into place when complete, so a half-written bala
// is never listed. So are the reference client's "<version>_temp"
// directories.
//
// # Package
//
// Package reads the version's package.json, dependency-graph.json and
// deprecated.txt. The graph is the package's own node followed by the nodes
// reachable from it, in file order; a missing dependency-graph.json gives a
// graph of the package's node alone, without dependencies. Built-in
// packages (see [IsBuiltIn]) are always at version 0.0.0 in the graph,
// whatever the file says. The modules come from package.json "modules";
// failing that, from the package's entries in the graph file's "modules";
// failing that, from the names of the directories under modules/; failing
// that, the package has its default module only. A present deprecated.txt
// makes the version deprecated, with the file's trimmed content as the
// message.
//
// An absent version gives an error wrapping [ErrNotFound]. A present but
// unusable one (unreadable or invalid files, an identity that does not match
// the path) gives an error naming the file.
//
// # Central cache compatibility
//
// A Central cache created with [NewCentralCache] only offers packages built
// by a compatible distribution: package.json "ballerina_version" must parse
// as a version with the same major number as the running distribution and
// either the same minor number (any patch of the same Update) or a lower
// precedence. With 2201.13.0, packages built by 2201.10.0 or 2201.13.1 are
// used, those built by 2201.14.0 or 2301.0.0 are not. This is the newer
// isCompatible of the reference implementation (the Maven repository's and
// the tool resolution's); FileSystemRepository's older one compared by
// precedence only, refusing 2201.13.1 on 2201.13.0. A value that is not a
// version, such as
// "Ballerina 2.0.0" of pre-Swan Lake archives or a missing value, makes the
// package incompatible, as in the reference implementation; so do the
// "slbeta" betas, which an early reference version still accepted. An
// incompatible version is skipped without a warning, and Package reports it
// as not found.
//
// # What a FileSystem remembers
//
// A build asks about the same versions many times (is the locked version
// cached? which versions are there? what does this one contain? is it
// still to download?), so a FileSystem remembers, for its lifetime, what
// it has read of each version: the package.json, and once Package has
// been asked for it, the whole Package. Every call still looks the
// version up on disk (a stat of its directory and of its platform
// directory), and what was remembered is used only while the platform
// directory is the same directory (device and inode) with the same
// modification time: a version removed, replaced by a rename (as
// [InstallLocal], a pull or another process installs one) or whose
// directory gained or lost a file (deprecated.txt is written by a rename)
// is read again. A file rewritten in place, without a change to its
// directory, is not noticed by the same FileSystem; the commands open
// their repositories anew for each run. Versions reads the package's
// directory at every call, so new versions are seen at once, and nothing
// is remembered of a version that could not be read. Concurrent use is
// safe.
type FileSystem struct {
	name    string
	kind    Kind
	root    string           // the directory holding bala/; "" for none
	dist    *version.Version // the running distribution, for the compatibility filter; nil for none
	warn    func(msg string)
	builtin *Memory // fallback for built-in packages; nil for none

	mu    sync.Mutex
	known map[verKey]*knownBala

	// Reads of package.json and dependency-graph.json, for tests.
	pkgReads, graphReads atomic.Int64
}

// knownBala is what a FileSystem remembers of one version.
type knownBala struct {
	dir string      // the platform directory
	fi  os.FileInfo // its stat when it was read
	pj  *bala.PackageJSON
	pkg *Package // the whole Package, once loaded; never handed out (see loadPackage)
}

// same reports whether the platform directory dir, of stat fi, is still
// the one k was read from.
func (k *knownBala) same(dir string, fi os.FileInfo) bool {
	return k.dir == dir && os.SameFile(k.fi, fi) && k.fi.ModTime().Equal(fi.ModTime())
}

// remembered returns what is remembered of key while its platform
// directory is dir of stat fi, else nil.
func (r *FileSystem) remembered(key verKey, dir string, fi os.FileInfo) *knownBala {
	r.mu.Lock()
	defer r.mu.Unlock()
	if k := r.known[key]; k != nil && k.same(dir, fi) {
		return k
	}
	return nil
}

// remember records k for key, replacing what was remembered.
func (r *FileSystem) remember(key verKey, k *knownBala) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known == nil {
		r.known = make(map[verKey]*knownBala)
	}
	r.known[key] = k
}

// rememberPackage records the loaded Package of k, if k is still what is
// remembered of key.
func (r *FileSystem) rememberPackage(key verKey, k *knownBala, p *Package) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known[key] == k {
		k.pkg = p
	}
}

// forget drops what is remembered of org/name:v, for a change made through
// the FileSystem's owner (a Remote writing deprecated.txt) that the
// directory's modification time may not show.
func (r *FileSystem) forget(org, name string, v version.Version) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.known, verKey{org, name, v})
}

// An FSOption configures a FileSystem.
type FSOption func(*FileSystem)

// WithWarn sets the hook that receives a message for each entry skipped as
// unusable, e.g. a version whose package.json cannot be read. Without it
// such entries are skipped silently.
func WithWarn(warn func(msg string)) FSOption {
	return func(r *FileSystem) { r.warn = warn }
}

// NewFileSystem returns a repository named name over the extracted balas
// under root/bala, for custom repositories and tests.
func NewFileSystem(name string, kind Kind, root string, opts ...FSOption) *FileSystem {
	r := &FileSystem{name: name, kind: kind, root: root}
	for _, o := range opts {
		o(r)
	}
	return r
}

// NewLocal returns the local repository, <home>/repositories/local, named
// "local".
func NewLocal(layout Layout, opts ...FSOption) *FileSystem {
	return NewFileSystem(LocalRepositoryName, KindLocal, layout.LocalDir(), opts...)
}

// NewCentralCache returns the cache of the registry at host (see
// [Layout.CentralCacheDir]; "" is Central), named after the host, offering
// only the packages compatible with distribution, the running
// distribution's short version (e.g. "2201.13.0"; "" means
// version.DistributionShort).
func NewCentralCache(layout Layout, host, distribution string, opts ...FSOption) (*FileSystem, error) {
	dir, err := layout.CentralCacheDir(host)
	if err != nil {
		return nil, err
	}
	if distribution == "" {
		distribution = version.DistributionShort
	}
	dist, err := version.Parse(distribution)
	if err != nil {
		return nil, fmt.Errorf("distribution version: %w", err)
	}
	name := strings.ToLower(host)
	if filepath.Base(dir) == DefaultCentralHost {
		name = DefaultCentralHost
	}
	r := NewFileSystem(name, KindCentral, dir, opts...)
	r.dist = &dist
	return r, nil
}

// NewDistribution returns the repository of the distribution installed at
// dl.BallerinaHome, named "distribution". Built-in packages it lacks, or
// holds in an unusable state (reported through the warning hook), are
// served from the built-in table (see [NewBuiltIn]); with an empty
// BallerinaHome, no distribution is installed and the repository holds the
// built-in packages only.
func NewDistribution(dl DistributionLayout, opts ...FSOption) *FileSystem {
	root := ""
	if dl.BallerinaHome != "" {
		root = dl.RepoDir()
	}
	r := NewFileSystem("distribution", KindDistribution, root, opts...)
	r.builtin = NewBuiltIn(version.DistributionShort)
	return r
}

// Name implements Repository.
func (r *FileSystem) Name() string { return r.name }

// Kind implements Repository.
func (r *FileSystem) Kind() Kind { return r.kind }

// Root returns the directory holding the repository's bala directory, ""
// when it has none.
func (r *FileSystem) Root() string { return r.root }

// Versions implements Repository. The versions are sorted in ascending
// order.
func (r *FileSystem) Versions(ctx context.Context, org, name string) ([]version.Version, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkNames(org, name); err != nil {
		return nil, fmt.Errorf("%s repository: %w", r.name, err)
	}
	var out []version.Version
	seen := make(map[string]bool)
	if r.root != "" {
		pkgDir := filepath.Join(r.root, BalaDirName, org, name)
		entries, err := os.ReadDir(pkgDir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			if fi, serr := os.Stat(pkgDir); serr == nil && !fi.IsDir() {
				r.warnf("%s repository: ignoring %s: not a directory", r.name, pkgDir)
			} else {
				return nil, fmt.Errorf("%s repository: %w", r.name, err)
			}
		}
		for _, e := range entries {
			v, ok := r.usableVersion(pkgDir, e.Name(), org, name)
			if ok && !seen[v.String()] {
				seen[v.String()] = true
				out = append(out, v)
			}
		}
	}
	if r.builtin != nil && IsBuiltIn(org, name) {
		bvs, err := r.builtin.Versions(ctx, org, name)
		if err != nil {
			return nil, err
		}
		for _, v := range bvs {
			if !seen[v.String()] {
				seen[v.String()] = true
				out = append(out, v)
			}
		}
	}
	version.Sort(out)
	return out, nil
}

// usableVersion reports whether the entry named entry of pkgDir is a usable
// version directory, warning about unusable ones.
func (r *FileSystem) usableVersion(pkgDir, entry, org, name string) (version.Version, bool) {
	if strings.HasPrefix(entry, ".") {
		return version.Version{}, false
	}
	path := filepath.Join(pkgDir, entry)
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		return version.Version{}, false
	}
	v, err := version.Parse(entry)
	if err != nil {
		if !strings.HasSuffix(entry, "_temp") {
			r.warnf("%s repository: ignoring %s: not a version", r.name, path)
		}
		return version.Version{}, false
	}
	if _, err := r.readBala(org, name, v); err != nil {
		if !errors.Is(err, errIncompatible) {
			r.warnf("%s repository: ignoring %s/%s:%s: %v", r.name, org, name, v, err)
		}
		return version.Version{}, false
	}
	return v, true
}

// Has reports whether the repository's directory holds a usable
// org/name:v: the version's directory, a platform directory, and a
// package.json that names it and, for a Central cache, was written by a
// compatible distribution; the test a build makes to know whether a version
// is cached. Only the package.json is read, and only the first time (see
// "What a FileSystem remembers"). The built-in table of a distribution
// repository is not consulted; an invalid name is not held.
func (r *FileSystem) Has(ctx context.Context, org, name string, v version.Version) bool {
	if ctx.Err() != nil || r.root == "" || checkNames(org, name) != nil {
		return false
	}
	_, err := r.readBala(org, name, v)
	return err == nil
}

// errIncompatible is wrapped, together with ErrNotFound, by the error for a
// Central cache entry built by an incompatible distribution.
var errIncompatible = errors.New("built by an incompatible distribution")

// Package implements Repository.
func (r *FileSystem) Package(ctx context.Context, org, name string, v version.Version) (*Package, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkNames(org, name); err != nil {
		return nil, fmt.Errorf("%s repository: %w", r.name, err)
	}
	var diskErr error
	if r.root != "" {
		p, err := r.loadPackage(org, name, v)
		if err == nil {
			return p, nil
		}
		diskErr = err
		if !errors.Is(err, ErrNotFound) && (r.builtin == nil || !IsBuiltIn(org, name)) {
			return nil, err
		}
	}
	if r.builtin != nil && IsBuiltIn(org, name) {
		if diskErr != nil && !errors.Is(diskErr, ErrNotFound) {
			// Versions listed the table's version instead; be consistent.
			r.warnf("%s repository: using the built-in table for %s/%s: %v", r.name, org, name, diskErr)
		}
		return r.builtin.Package(ctx, org, name, v)
	}
	if diskErr != nil {
		return nil, diskErr
	}
	return nil, fmt.Errorf("%s/%s:%s in %s repository: %w", org, name, v, r.name, ErrNotFound)
}

// readBala locates the bala of org/name:v and reads its package.json
// (or takes what is remembered of it), checking it against the path and,
// for a Central cache, the distribution.
func (r *FileSystem) readBala(org, name string, v version.Version) (*knownBala, error) {
	id := org + "/" + name + ":" + v.String()
	verDir := filepath.Join(r.root, BalaDirName, org, name, v.String())
	fi, err := os.Stat(verDir)
	if err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s in %s repository: %w", id, r.name, ErrNotFound)
	}
	dir := ""
	var dirInfo os.FileInfo
	for _, p := range platformOrder {
		if fi, err := os.Stat(filepath.Join(verDir, p)); err == nil && fi.IsDir() {
			dir, dirInfo = filepath.Join(verDir, p), fi
			break
		}
	}
	if dir == "" {
		return nil, fmt.Errorf("%s in %s repository: no platform directory (%s) in %s: %w",
			id, r.name, strings.Join(platformOrder, ", "), verDir, ErrNotFound)
	}
	key := verKey{org, name, v}
	k := r.remembered(key, dir, dirInfo)
	file := filepath.Join(dir, bala.PackageJSONFile)
	if k == nil {
		r.pkgReads.Add(1)
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		pj, err := bala.ReadPackageJSON(file, data)
		if err != nil {
			return nil, err
		}
		k = &knownBala{dir: dir, fi: dirInfo, pj: pj}
		r.remember(key, k)
	}
	pj := k.pj
	switch {
	case pj.Organization != org:
		return nil, fmt.Errorf("%s: organization %q does not match the directory %q", file, pj.Organization, org)
	case pj.Name != name:
		return nil, fmt.Errorf("%s: name %q does not match the directory %q", file, pj.Name, name)
	case pj.Version != v.String():
		return nil, fmt.Errorf("%s: version %q does not match the directory %q", file, pj.Version, v)
	}
	if r.dist != nil && !compatibleDistribution(pj.BallerinaVersion, *r.dist) {
		return nil, fmt.Errorf("%s in %s repository: %w (ballerina_version %q, running %s): %w",
			id, r.name, errIncompatible, pj.BallerinaVersion, r.dist, ErrNotFound)
	}
	if pj.Platform != "" && pj.Platform != filepath.Base(dir) {
		r.warnf("%s: platform %q, but the bala is in directory %q", file, pj.Platform, filepath.Base(dir))
	}
	return k, nil
}

// loadPackage reads org/name:v from the disk, or takes what is remembered
// of it. The caller gets its own copy.
func (r *FileSystem) loadPackage(org, name string, v version.Version) (*Package, error) {
	k, err := r.readBala(org, name, v)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	known := k.pkg
	r.mu.Unlock()
	if known != nil {
		return clonePackage(known), nil
	}
	p, err := r.readPackage(org, name, v, k.dir, k.pj)
	if err != nil {
		return nil, err
	}
	r.rememberPackage(verKey{org, name, v}, k, p)
	return clonePackage(p), nil
}

// readPackage reads the rest of the bala in dir whose package.json is pj.
func (r *FileSystem) readPackage(org, name string, v version.Version, dir string, pj *bala.PackageJSON) (*Package, error) {
	p := &Package{
		Org: org, Name: name, Version: v,
		Platform:         filepath.Base(dir),
		BallerinaVersion: pj.BallerinaVersion,
	}
	if IsBuiltIn(org, name) {
		p.Version = version.MustParse(BuiltInVersion)
	}

	var graph *bala.DependencyGraph
	graphFile := filepath.Join(dir, bala.DependencyGraphJSONFile)
	r.graphReads.Add(1)
	data, err := os.ReadFile(graphFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if graph, err = bala.ReadDependencyGraphJSON(graphFile, data); err != nil {
			return nil, err
		}
	}
	if p.Graph, err = packageGraph(NodeRef{Org: org, Name: name, Version: p.Version}, graph, graphFile); err != nil {
		return nil, err
	}
	if p.Modules, err = packageModules(dir, pj, graph); err != nil {
		return nil, err
	}

	msg, err := os.ReadFile(filepath.Join(dir, DeprecatedFileName))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		p.Deprecated = true
		p.DeprecationMessage = strings.TrimSpace(string(msg))
	}
	return p, nil
}

// packageGraph returns the graph of self: its node first, then every node
// of g reachable from it, in g's order. Built-in packages get version 0.0.0.
// A nil g gives self's node alone.
func packageGraph(self NodeRef, g *bala.DependencyGraph, file string) ([]GraphNode, error) {
	type entry struct {
		node  GraphNode
		order int
	}
	nodes := make(map[string]*entry)
	selfKey := self.Org + "/" + self.Name
	nodes[selfKey] = &entry{node: GraphNode{Org: self.Org, Name: self.Name, Version: self.Version}, order: -1}
	selfListed := false
	if g != nil {
		for i, gp := range g.Packages {
			key := gp.Org + "/" + gp.Name
			v, err := graphVersion(gp.Org, gp.Name, gp.Version)
			if err != nil {
				return nil, fmt.Errorf("%s: packages[%d]: %w", file, i, err)
			}
			e := nodes[key]
			switch {
			case e == nil:
				e = &entry{node: GraphNode{Org: gp.Org, Name: gp.Name, Version: v}, order: i}
				nodes[key] = e
			case key == selfKey && !selfListed:
				if v != self.Version {
					return nil, fmt.Errorf("%s: lists %s at %s, but the package is %s", file, key, v, self.Version)
				}
				selfListed = true
			case e.node.Version != v:
				return nil, fmt.Errorf("%s: lists %s at both %s and %s", file, key, e.node.Version, v)
			}
			for j, d := range gp.Dependencies {
				dv, err := graphVersion(d.Org, d.Name, d.Version)
				if err != nil {
					return nil, fmt.Errorf("%s: packages[%d].dependencies[%d]: %w", file, i, j, err)
				}
				dkey := d.Org + "/" + d.Name
				if dkey == key || hasDependency(e.node.Dependencies, d.Org, d.Name) {
					continue
				}
				e.node.Dependencies = append(e.node.Dependencies, NodeRef{Org: d.Org, Name: d.Name, Version: dv})
			}
		}
	}
	// Keep the nodes reachable from self.
	reached := map[string]bool{selfKey: true}
	queue := []string{selfKey}
	for len(queue) > 0 {
		e := nodes[queue[0]]
		queue = queue[1:]
		for _, d := range e.node.Dependencies {
			k := d.Org + "/" + d.Name
			if !reached[k] && nodes[k] != nil {
				reached[k] = true
				queue = append(queue, k)
			}
		}
	}
	kept := make([]*entry, 0, len(reached))
	for k := range reached {
		kept = append(kept, nodes[k])
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].order < kept[j].order })
	out := make([]GraphNode, len(kept))
	for i, e := range kept {
		out[i] = e.node
	}
	return out, nil
}

// graphVersion parses the version of a graph entry, 0.0.0 for a built-in
// package.
func graphVersion(org, name, v string) (version.Version, error) {
	if IsBuiltIn(org, name) {
		return version.MustParse(BuiltInVersion), nil
	}
	return version.Parse(v)
}

func hasDependency(refs []NodeRef, org, name string) bool {
	for _, r := range refs {
		if r.Org == org && r.Name == name {
			return true
		}
	}
	return false
}

// packageModules returns the full module names of the package in dir (see
// the FileSystem documentation for the sources tried).
func packageModules(dir string, pj *bala.PackageJSON, g *bala.DependencyGraph) ([]string, error) {
	var out []string
	add := func(m string) {
		for _, o := range out {
			if o == m {
				return
			}
		}
		out = append(out, m)
	}
	for _, m := range pj.Modules {
		add(m.Name)
	}
	if len(out) > 0 {
		return out, nil
	}
	if g != nil {
		for _, m := range g.Modules {
			if m.Org == pj.Organization && m.PackageName == pj.Name {
				add(m.ModuleName)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "modules"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries { // sorted by name
		n := e.Name()
		if e.IsDir() && (n == pj.Name || strings.HasPrefix(n, pj.Name+".") && len(n) > len(pj.Name)+1) {
			add(n)
		}
	}
	if len(out) == 0 {
		add(pj.Name)
	}
	return out, nil
}

// compatibleDistribution reports whether a package built by the
// distribution pkgDist (package.json ballerina_version) may be used with
// the running distribution dist.
func compatibleDistribution(pkgDist string, dist version.Version) bool {
	pv, err := version.Parse(pkgDist)
	if err != nil {
		return false
	}
	if pv.Major() != dist.Major() {
		return false
	}
	return pv.Minor() == dist.Minor() || !pv.GreaterThan(dist)
}

// checkNames refuses an organization or package name that is not valid,
// or that would name a hidden directory, before it is used in a path.
func checkNames(org, name string) error {
	if err := manifest.CheckPackage(org, name); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidName, err)
	}
	if strings.HasPrefix(name, ".") {
		return fmt.Errorf("%w: package name %q starts with a period", ErrInvalidName, name)
	}
	return nil
}

func (r *FileSystem) warnf(format string, args ...any) {
	if r.warn != nil {
		r.warn(fmt.Sprintf(format, args...))
	}
}
