package repository

// Hooks for the tests of package repository_test.

// MaxResolveSenders is maxResolveSenders.
const MaxResolveSenders = maxResolveSenders

// ReadCounts returns how many times r has read a package.json and a
// dependency-graph.json.
func ReadCounts(r *FileSystem) (pkg, graph int64) {
	return r.pkgReads.Load(), r.graphReads.Load()
}

// ResolveRequests returns how many resolve-dependencies requests r has
// sent, and how many packages' entries are queued for the next one.
func ResolveRequests(r *Remote) (sent, queued int) {
	r.resolves.mu.Lock()
	defer r.resolves.mu.Unlock()
	return r.resolves.sent, len(r.resolves.pending)
}
