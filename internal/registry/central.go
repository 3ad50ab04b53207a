package registry

// registerCentralRoutes adds the Central API under /2.0/registry: the
// package routes (central_packages.go: versions, metadata, pull, download,
// push, deprecation) and the query routes (central_query.go: search,
// resolve-dependencies, resolve-modules, and the empty connector, trigger
// and tool listings). Anything else under the prefix gets a JSON 404 or
// 405: the bal client reads error bodies only when they are JSON.
func (s *Server) registerCentralRoutes() {
	s.registerPackageRoutes()
	s.registerQueryRoutes()
	s.handle(centralPrefix+"/", routeRead, s.unmatched(centralPrefix+"/", "no Central API route %s %s"))
}
