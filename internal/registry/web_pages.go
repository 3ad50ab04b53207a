package registry

// registerWebPageRoutes adds the public pages.
func (s *Server) registerWebPageRoutes() {}
