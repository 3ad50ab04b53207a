package registry

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// A readPath is one way of reading a package through the Central API.
type readPath struct {
	name string
	// send makes the request for org/name (version 1.0.0, module <name>).
	send func(e *testEnv, token, org, name string) *http.Response
	// visible reports whether the response shows the package, given that
	// the request itself succeeded.
	visible func(t *testing.T, status int, body, name string) bool
}

func withToken(token string, hdr ...string) []string {
	if token != "" {
		hdr = append(hdr, "Authorization", "Bearer "+token)
	}
	return hdr
}

// statusOK is the visibility test of paths that answer 404 for what the
// caller may not see.
func statusOK(want int) func(*testing.T, int, string, string) bool {
	return func(t *testing.T, status int, body, _ string) bool {
		switch status {
		case want:
			return true
		case http.StatusNotFound:
			return false
		}
		t.Errorf("status %d, want %d or 404; body %s", status, want, body)
		return false
	}
}

// readPaths lists every read path of the Central API.
var readPaths = []readPath{
	{"versions", func(e *testEnv, tok, org, name string) *http.Response {
		return e.request("GET", centralPrefix+"/packages/"+org+"/"+name, nil, withToken(tok, "Ballerina-Platform", "java21,java17,java11", "User-Agent", "2201.10.3")...)
	}, statusOK(200)},
	{"metadata", func(e *testEnv, tok, org, name string) *http.Response {
		return e.request("GET", centralPrefix+"/packages/"+org+"/"+name+"/1.0.0", nil, withToken(tok, "Accept", "application/json", "Ballerina-Platform", "java21,java17,java11")...)
	}, statusOK(200)},
	{"metadata latest", func(e *testEnv, tok, org, name string) *http.Response {
		return e.request("GET", centralPrefix+"/packages/"+org+"/"+name+"/*", nil, withToken(tok, "Accept", "application/json")...)
	}, statusOK(200)},
	{"pull", func(e *testEnv, tok, org, name string) *http.Response {
		return e.request("GET", centralPrefix+"/packages/"+org+"/"+name+"/1.0.0", nil, withToken(tok, "Accept", "application/octet-stream", "Accept-Encoding", "identity", "Ballerina-Platform", "java21,java17,java11")...)
	}, statusOK(302)},
	{"download", func(e *testEnv, tok, org, name string) *http.Response {
		path := downloadPath(&store.PackageVersion{Org: org, Name: name, Version: "1.0.0", Platform: "any"})
		return e.request("GET", path, nil, withToken(tok, "Accept-Encoding", "identity")...)
	}, statusOK(200)},
	{"search", func(e *testEnv, tok, org, name string) *http.Response {
		return e.request("GET", centralPrefix+"/packages/?q="+name, nil, withToken(tok, "Ballerina-Platform", "java21,java17,java11")...)
	}, func(t *testing.T, status int, body, name string) bool {
		if status != 200 {
			t.Errorf("search: status %d; body %s", status, body)
			return false
		}
		return strings.Contains(body, `"name":"`+name+`"`)
	}},
	{"package list", func(e *testEnv, tok, org, name string) *http.Response {
		return e.request("GET", centralPrefix+"/packages?org="+org+"&q="+name, nil, withToken(tok)...)
	}, func(t *testing.T, status int, body, name string) bool {
		if status != 200 {
			t.Errorf("package list: status %d; body %s", status, body)
			return false
		}
		return strings.Contains(body, `"name":"`+name+`"`)
	}},
	{"resolve-dependencies", func(e *testEnv, tok, org, name string) *http.Response {
		body := `{"packages":[{"orgName":"` + org + `","name":"` + name + `","version":null,"mode":"soft"}]}`
		return e.request("POST", centralPrefix+"/packages/resolve-dependencies", strings.NewReader(body),
			withToken(tok, "Content-Type", "application/json; charset=utf-8", "Accept", "application/json", "Ballerina-Platform", "java17")...)
	}, func(t *testing.T, status int, body, name string) bool {
		var resp struct{ Resolved []struct{ Name string } }
		if status != 200 || json.Unmarshal([]byte(body), &resp) != nil {
			t.Errorf("resolve-dependencies: status %d; body %s", status, body)
			return false
		}
		return len(resp.Resolved) == 1 && resp.Resolved[0].Name == name
	}},
	{"resolve-modules", func(e *testEnv, tok, org, name string) *http.Response {
		body := `{"modules":[{"organization":"` + org + `","moduleName":"` + name + `"}]}`
		return e.request("POST", centralPrefix+"/packages/resolve-modules", strings.NewReader(body),
			withToken(tok, "Content-Type", "application/json; charset=utf-8", "Accept", "application/json")...)
	}, func(t *testing.T, status int, body, name string) bool {
		var resp struct {
			ResolvedModules []struct{ PackageName string }
		}
		if status != 200 || json.Unmarshal([]byte(body), &resp) != nil {
			t.Errorf("resolve-modules: status %d; body %s", status, body)
			return false
		}
		return len(resp.ResolvedModules) == 1 && resp.ResolvedModules[0].PackageName == name
	}},
}

// TestAuthorizationMatrix reads a public and a private package through
// every read path as every kind of caller, and checks that the private one
// is seen by org members with a read-scoped token only, that bad tokens are
// refused outright, and that what an outsider gets for the private package
// is exactly what it gets for a package that does not exist: no status,
// header or body difference to learn from.
func TestAuthorizationMatrix(t *testing.T) {
	e := newTestEnv(t)
	owner := e.user("owner", false)
	member := e.user("member", false)
	outsider := e.user("outsider", false)
	e.org("acme", owner, map[*store.User]store.Role{member: store.RoleMember})
	ownerTok := e.token(owner)
	for _, spec := range []balaSpec{
		{Org: "acme", Name: "open", Version: "1.0.0"},
		{Org: "acme", Name: "secret", Version: "1.0.0", Visibility: "private"},
	} {
		resp := e.push(ownerTok, testBala(t, spec), "acme-"+spec.Name+"-any-1.0.0.bala")
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("push %s: %d %s", spec.Name, resp.StatusCode, readBody(t, resp))
		}
		resp.Body.Close()
	}

	callers := []struct {
		name        string
		token       string
		seesPrivate bool
		refused     bool // every request gets 401
	}{
		{"anonymous", "", false, false},
		{"non-member", e.token(outsider), false, false},
		{"member", e.token(member, ScopeRead), true, false},
		{"owner", ownerTok, true, false},
		{"member, token without read scope", e.token(member, ScopePublish, ScopeDeprecate), false, false},
		{"member, expired token", e.tokenWith(member, tokenOpts{expires: time.Now().Add(-time.Hour)}), false, true},
		{"member, revoked token", e.tokenWith(member, tokenOpts{revoked: true}), false, true},
		{"unknown token", "bct_this-token-was-never-issued-by-the-server", false, true},
	}
	for _, c := range callers {
		for _, p := range readPaths {
			for _, pkg := range []string{"open", "secret"} {
				t.Run(c.name+"/"+p.name+"/"+pkg, func(t *testing.T) {
					resp := p.send(e, c.token, "acme", pkg)
					body := readBody(t, resp)
					if c.refused {
						if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
							t.Fatalf("status %d (%s), want 401 JSON", resp.StatusCode, body)
						}
						return
					}
					want := pkg == "open" || c.seesPrivate
					if got := p.visible(t, resp.StatusCode, body, pkg); got != want {
						t.Fatalf("package visible = %v, want %v; status %d, body %s", got, want, resp.StatusCode, body)
					}
					if want {
						return
					}
					// No leak: the answer for the hidden package is the answer
					// for a package that never existed, name aside.
					ghost := p.send(e, c.token, "acme", "ghost")
					ghostBody := strings.ReplaceAll(readBody(t, ghost), "ghost", pkg)
					if ghost.StatusCode != resp.StatusCode || ghostBody != body {
						t.Errorf("hidden package answer differs from a missing package's:\n hidden: %d %s\n missing: %d %s", resp.StatusCode, body, ghost.StatusCode, ghostBody)
					}
					for _, h := range []string{"Location", "Content-Disposition", "Digest", "Isdeprecated", "Content-Type"} {
						if resp.Header.Get(h) != ghost.Header.Get(h) {
							t.Errorf("header %s: hidden %q, missing %q", h, resp.Header.Get(h), ghost.Header.Get(h))
						}
					}
				})
			}
		}
	}
}

// TestPrivatePackageWrites checks that outsiders cannot deprecate a
// private package and learn nothing from trying: 404, as for a missing
// one.
func TestPrivatePackageWrites(t *testing.T) {
	e := newTestEnv(t)
	owner := e.user("owner", false)
	outsider := e.user("outsider", false)
	e.org("acme", owner, nil)
	e.org("other", outsider, nil)
	resp := e.push(e.token(owner), testBala(t, balaSpec{Org: "acme", Name: "secret", Version: "1.0.0", Visibility: "private"}), "acme-secret-any-1.0.0.bala")
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("push: %d %s", resp.StatusCode, readBody(t, resp))
	}
	resp.Body.Close()
	tok := e.token(outsider)
	for _, pkg := range []string{"secret", "ghost"} {
		resp := e.request("PUT", centralPrefix+"/packages/deprecate/acme/"+pkg+"/1.0.0", strings.NewReader(`{"message": "null"}`),
			"Authorization", "Bearer "+tok, "Content-Type", "application/json")
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("deprecate %s as outsider: %d %s", pkg, resp.StatusCode, readBody(t, resp))
			continue
		}
		if pkg == "secret" && resp.StatusCode != http.StatusNotFound {
			t.Errorf("deprecate a private package as outsider: %d, want 404", resp.StatusCode)
		}
		resp.Body.Close()
	}
	pv, err := e.meta.Version(context.Background(), "acme", "secret", "1.0.0")
	if err != nil || pv.Deprecated {
		t.Errorf("private version after outsider's deprecation: %+v, %v", pv, err)
	}
}
