package registry

import (
	"net/http"
	"strings"
)

// registerQueryRoutes adds the Central API's read-only queries: search
// (central_search.go), resolve-dependencies and resolve-modules
// (central_resolve.go), and the connector, trigger and tool routes, which
// this registry answers with empty results (reference central-api.md §3
// rows 11–15: the language server and `bal tool` use them, `bal build` and
// `bal push` do not).
func (s *Server) registerQueryRoutes() {
	// `bal search` sends GET /packages/?q=<text>: the slash before the
	// query matters, and "{$}" keeps the pattern from swallowing
	// /packages/{org}/... of the package routes.
	s.handle("GET "+centralPrefix+"/packages/{$}", routeRead, s.handleSearch)
	s.handle("GET "+centralPrefix+"/packages", routeRead, s.handlePackageList)
	s.handle("POST "+centralPrefix+"/packages/resolve-dependencies", routeRead, s.handleResolveDependencies)
	s.handle("POST "+centralPrefix+"/packages/resolve-modules", routeRead, s.handleResolveModules)

	s.handle("GET "+centralPrefix+"/connectors", routeRead, s.handleConnectors)
	s.handle("GET "+centralPrefix+"/connectors/{rest...}", routeRead, s.handleConnectors)
	s.handle("GET "+centralPrefix+"/triggers", routeRead, s.handleTriggers)
	s.handle("GET "+centralPrefix+"/triggers/{rest...}", routeRead, s.handleTriggers)
	s.handle("GET "+centralPrefix+"/tools", routeRead, s.handleTools)
	s.handle("GET "+centralPrefix+"/tools/{rest...}", routeRead, s.handleTools)
	s.handle("POST "+centralPrefix+"/tools/resolve-dependencies", routeRead, s.handleResolveTools)
}

// connectorList, triggerList and toolList are the list answers of the
// routes this registry has nothing for, in the shapes Central uses. The
// lists are non-nil so that they encode as [].
type connectorList struct {
	Connectors []struct{} `json:"connectors"`
	Count      int        `json:"count"`
}

type triggerList struct {
	Triggers []struct{} `json:"triggers"`
	Count    int        `json:"count"`
}

type toolList struct {
	Tools []struct{} `json:"tools"`
}

// handleConnectors answers GET /connectors?... (and /connectors/?...) with
// an empty list and every single-connector lookup (/connectors/{id},
// /connectors/{org}/{pkg}/{ver}/{module}/{name}) with 404: this registry
// does not index connectors.
func (s *Server) handleConnectors(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	if id := r.PathValue("rest"); id != "" {
		writeErrorf(w, http.StatusNotFound, "connector not found: %s; this registry does not index connectors", id)
		return
	}
	writeJSON(w, http.StatusOK, connectorList{Connectors: []struct{}{}})
}

// handleTriggers answers GET /triggers?... with an empty list and
// /triggers/{id} with 404, as handleConnectors does for connectors.
func (s *Server) handleTriggers(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	if id := r.PathValue("rest"); id != "" {
		writeErrorf(w, http.StatusNotFound, "trigger not found: %s; this registry does not index triggers", id)
		return
	}
	writeJSON(w, http.StatusOK, triggerList{Triggers: []struct{}{}})
}

// handleTools answers the tool search (GET /tools?q=..., which the Java
// client's tests also send as /tools/?q=...) with an empty list and the
// tool lookup GET /tools/{id}[/{version}] with 404: this registry hosts no
// `bal tool` tools.
func (s *Server) handleTools(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	if rest := r.PathValue("rest"); rest != "" {
		id, ver, _ := strings.Cut(rest, "/")
		if ver != "" {
			id += ":" + ver
		}
		writeErrorf(w, http.StatusNotFound, "tool not found: %s; this registry hosts no bal tools", id)
		return
	}
	writeJSON(w, http.StatusOK, toolList{Tools: []struct{}{}})
}

// toolResolveRequest is the body of POST /tools/resolve-dependencies. Its
// exact shape is not documented (central-api.md §3 row 15); the tools are
// read from "tools" or, failing that, "packages", each named by "id" (or
// "name").
type toolResolveRequest struct {
	Tools    []toolRequest `json:"tools"`
	Packages []toolRequest `json:"packages"`
}

type toolRequest struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Version *string `json:"version"`
}

// toolResolveResponse is the answer to a tool resolution.
type toolResolveResponse struct {
	Resolved   []struct{}       `json:"resolved"`
	Unresolved []unresolvedTool `json:"unresolved"`
}

type unresolvedTool struct {
	ID      string  `json:"id"`
	Version *string `json:"version"`
	Reason  string  `json:"reason"`
}

// handleResolveTools answers POST /tools/resolve-dependencies: every tool
// asked for is unresolved, since this registry hosts none.
func (s *Server) handleResolveTools(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	var req toolResolveRequest
	if !decodeJSON(w, r, &req, false) {
		return
	}
	tools := req.Tools
	if tools == nil {
		tools = req.Packages
	}
	resp := toolResolveResponse{Resolved: []struct{}{}, Unresolved: make([]unresolvedTool, 0, len(tools))}
	for _, t := range tools {
		id := t.ID
		if id == "" {
			id = t.Name
		}
		ver := t.Version
		if ver != nil && *ver == "" {
			ver = nil
		}
		resp.Unresolved = append(resp.Unresolved, unresolvedTool{ID: id, Version: ver, Reason: "tool not found"})
	}
	writeJSON(w, http.StatusOK, resp)
}
