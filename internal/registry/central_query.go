package registry

// registerQueryRoutes adds search and resolution.
func (s *Server) registerQueryRoutes() {}
