package registry

// registerCentralRoutes adds the Central API under /2.0/registry.
func (s *Server) registerCentralRoutes() {}
