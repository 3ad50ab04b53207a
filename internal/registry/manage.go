package registry

// registerManagementRoutes adds the management API under /api/v1.
func (s *Server) registerManagementRoutes() {}
