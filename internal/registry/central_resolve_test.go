package registry

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// postJSON posts body and returns the status and the compacted response
// body.
func postJSON(t *testing.T, e *testEnv, path, body string, headers ...string) (int, string) {
	t.Helper()
	hdr := append([]string{"Content-Type", "application/json; charset=utf-8", "Accept", "application/json"}, headers...)
	resp := e.request(http.MethodPost, centralPrefix+path, strings.NewReader(body), hdr...)
	got := readBody(t, resp)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("POST %s: Content-Type %q, want application/json", path, ct)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(got)); err != nil {
		t.Fatalf("POST %s: body %q is not JSON: %v", path, got, err)
	}
	return resp.StatusCode, buf.String()
}

// compactJSON compacts a literal expected body.
func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("bad expected JSON %s: %v", s, err)
	}
	return buf.String()
}

// seedResolveData publishes the packages of the resolution tests.
func seedResolveData(t *testing.T, e *testEnv) {
	t.Helper()
	specs := []balaSpec{
		{Org: "foo", Name: "zero", Version: "0.1.0"},
		{Org: "foo", Name: "zero", Version: "0.1.3"},
		{Org: "foo", Name: "zero", Version: "0.2.0"},
		{Org: "foo", Name: "zero", Version: "0.2.1"},
		{Org: "foo", Name: "pre", Version: "1.0.0-alpha"},
		{Org: "foo", Name: "pre", Version: "1.0.0-beta"},
		{Org: "foo", Name: "alldep", Version: "1.0.0"},
		{Org: "foo", Name: "alldep", Version: "1.1.0"},
		{Org: "acme", Name: "secret", Version: "1.0.0", Visibility: "private"},
		{Org: "acme", Name: "mixed", Version: "1.0.0"},
		{Org: "acme", Name: "mixed", Version: "1.1.0", Visibility: "private"},
		{Org: "foo", Name: "plat", Version: "1.0.0", BallerinaVersion: "2201.8.0"},
		{Org: "foo", Name: "plat", Version: "1.1.0", Platform: "java17", BallerinaVersion: "2201.8.0"},
		{Org: "foo", Name: "plat", Version: "1.2.0", Platform: "java21", BallerinaVersion: "2201.10.0"},
		{Org: "foo", Name: "plat", Version: "1.3.0", BallerinaVersion: "2201.12.0"},
		{Org: "foo", Name: "j21", Version: "1.0.0", Platform: "java21"},
		{Org: "foo", Name: "app", Version: "1.0.0", Deps: [][3]string{{"foo", "lib", "1.1.0"}, {"ballerina", "io", "1.2.0"}}},
	}
	// foo/lib is published out of version order, as patches of old lines
	// are.
	for _, v := range []string{"1.0.0", "2.0.0", "1.0.5", "1.1.0", "1.2.0", "2.1.0-beta.1", "3.0.0-alpha.1"} {
		specs = append(specs, balaSpec{Org: "foo", Name: "lib", Version: v})
	}
	for _, s := range specs {
		seedVersion(t, e, s)
	}
	seedDeprecated(t, e, "foo", "lib", "1.2.0", "use 1.1.0")
	seedDeprecated(t, e, "foo", "zero", "0.2.1", "broken")
	seedDeprecated(t, e, "foo", "alldep", "*", "retired")
}

// resolveAnswer is a resolve-dependencies response as the client reads it.
type resolveAnswer struct {
	Resolved []struct {
		Org              string `json:"org"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		IsDeprecated     bool   `json:"isDeprecated"`
		DeprecateMessage string `json:"deprecateMessage"`
	} `json:"resolved"`
	Unresolved []struct {
		Org     string  `json:"org"`
		Name    string  `json:"name"`
		Version *string `json:"version"`
		Reason  string  `json:"reason"`
	} `json:"unresolved"`
}

func TestResolveDependencies(t *testing.T) {
	e := newTestEnv(t)
	callers := newQueryCallers(t, e)
	seedResolveData(t, e)

	tests := []struct {
		name    string
		pkg     string // one entry of "packages"
		headers []string
		// The answer: a version (with "!" appended when it is deprecated),
		// or the reason it is unresolved.
		version, reason string
	}{
		// Modes.
		{name: "no version: newest stable", pkg: `{"orgName":"foo","name":"lib","version":null,"mode":"soft"}`, version: "2.0.0"},
		{name: "empty version is none", pkg: `{"orgName":"foo","name":"lib","version":"","mode":"hard"}`, version: "2.0.0"},
		{name: "version key absent", pkg: `{"orgName":"foo","name":"lib","mode":"medium"}`, version: "2.0.0"},
		{name: "soft: same major, deprecated 1.2.0 skipped", pkg: `{"orgName":"foo","name":"lib","version":"1.0.0","mode":"soft"}`, version: "1.1.0"},
		{name: "no mode is soft", pkg: `{"orgName":"foo","name":"lib","version":"1.0.0"}`, version: "1.1.0"},
		{name: "medium: same minor", pkg: `{"orgName":"foo","name":"lib","version":"1.0.0","mode":"medium"}`, version: "1.0.5"},
		{name: "mode ignores case", pkg: `{"orgName":"foo","name":"lib","version":"1.0.0","mode":"MEDIUM"}`, version: "1.0.5"},
		{name: "hard: exact", pkg: `{"orgName":"foo","name":"lib","version":"1.0.0","mode":"hard"}`, version: "1.0.0"},
		{name: "locked: exact", pkg: `{"orgName":"foo","name":"lib","version":"1.0.5","mode":"locked"}`, version: "1.0.5"},
		{name: "hard: exact deprecated is kept", pkg: `{"orgName":"foo","name":"lib","version":"1.2.0","mode":"hard"}`, version: "1.2.0!"},
		{name: "medium: only a deprecated version fits", pkg: `{"orgName":"foo","name":"lib","version":"1.2.0","mode":"medium"}`, version: "1.2.0!"},
		{name: "soft: only a deprecated version fits", pkg: `{"orgName":"foo","name":"lib","version":"1.1.1","mode":"soft"}`, version: "1.2.0!"},
		{name: "soft: release beats pre-release", pkg: `{"orgName":"foo","name":"lib","version":"2.0.0","mode":"soft"}`, version: "2.0.0"},
		{name: "soft: pre-release when nothing else fits", pkg: `{"orgName":"foo","name":"lib","version":"2.1.0-alpha","mode":"soft"}`, version: "2.1.0-beta.1"},
		{name: "hard: pre-release", pkg: `{"orgName":"foo","name":"lib","version":"3.0.0-alpha.1","mode":"hard"}`, version: "3.0.0-alpha.1"},
		{name: "soft: major with only a pre-release", pkg: `{"orgName":"foo","name":"lib","version":"3.0.0-alpha.0","mode":"soft"}`, version: "3.0.0-alpha.1"},
		{name: "hard: missing version", pkg: `{"orgName":"foo","name":"lib","version":"1.5.0","mode":"hard"}`, reason: "no version of foo/lib satisfies EXACT 1.5.0 (mode hard); the latest available is 2.0.0"},
		{name: "soft: no version in major", pkg: `{"orgName":"foo","name":"lib","version":"4.0.0","mode":"soft"}`, reason: "no version of foo/lib satisfies LOCK_MAJOR 4.0.0 (mode soft); the latest available is 2.0.0"},
		{name: "medium: no newer version in minor", pkg: `{"orgName":"foo","name":"lib","version":"1.0.6","mode":"medium"}`, reason: "no version of foo/lib satisfies LOCK_MINOR 1.0.6 (mode medium); the latest available is 2.0.0"},

		// 0.x: the minor is the major.
		{name: "0.x soft locks the minor", pkg: `{"orgName":"foo","name":"zero","version":"0.1.0","mode":"soft"}`, version: "0.1.3"},
		{name: "0.x medium locks the minor", pkg: `{"orgName":"foo","name":"zero","version":"0.1.0","mode":"medium"}`, version: "0.1.3"},
		{name: "0.x hard is exact", pkg: `{"orgName":"foo","name":"zero","version":"0.1.0","mode":"hard"}`, version: "0.1.0"},
		{name: "0.x latest skips deprecated", pkg: `{"orgName":"foo","name":"zero","version":null,"mode":"soft"}`, version: "0.2.0"},
		{name: "0.x soft up to deprecated", pkg: `{"orgName":"foo","name":"zero","version":"0.2.1","mode":"soft"}`, version: "0.2.1!"},

		// Pre-releases and deprecation.
		{name: "only pre-releases: newest", pkg: `{"orgName":"foo","name":"pre","version":null,"mode":"soft"}`, version: "1.0.0-beta"},
		{name: "all deprecated: newest deprecated", pkg: `{"orgName":"foo","name":"alldep","version":null,"mode":"soft"}`, version: "1.1.0!"},

		// Request keys.
		{name: "org instead of orgName", pkg: `{"org":"foo","name":"lib","version":"1.0.0","mode":"medium"}`, version: "1.0.5"},
		{name: "unknown fields ignored", pkg: `{"orgName":"foo","name":"lib","version":"1.0.0","mode":"hard","repository":"central","x":[1]}`, version: "1.0.0"},
		{name: "unknown package", pkg: `{"orgName":"foo","name":"nope","version":null,"mode":"soft"}`, reason: "package not found: foo/nope"},
		{name: "unknown org", pkg: `{"orgName":"nobody","name":"lib","version":"1.0.0","mode":"soft"}`, reason: "package not found: nobody/lib"},
		{name: "no name", pkg: `{"orgName":"foo","version":"1.0.0","mode":"soft"}`, reason: `invalid request: a package needs "orgName" (or "org") and "name"`},
		{name: "invalid version", pkg: `{"orgName":"foo","name":"lib","version":"1.0","mode":"soft"}`, reason: `invalid version "1.0": Invalid version: '1.0'. Unexpected character 'EOI(null)' at position '3', expecting '[DOT]'`},

		// Visibility.
		{name: "private: anonymous", pkg: `{"orgName":"acme","name":"secret","version":null,"mode":"soft"}`, reason: "package not found: acme/secret"},
		{name: "private: non-member", pkg: `{"orgName":"acme","name":"secret","version":null,"mode":"soft"}`, headers: bearer(callers.nonMember), reason: "package not found: acme/secret"},
		{name: "private: member without read scope", pkg: `{"orgName":"acme","name":"secret","version":"1.0.0","mode":"hard"}`, headers: bearer(callers.memberNoRead), reason: "package not found: acme/secret"},
		{name: "private: member with read scope", pkg: `{"orgName":"acme","name":"secret","version":null,"mode":"soft"}`, headers: bearer(callers.memberRead), version: "1.0.0"},
		{name: "private: owner with read-only token", pkg: `{"orgName":"acme","name":"secret","version":"1.0.0","mode":"hard"}`, headers: bearer(callers.ownerReadOnly), version: "1.0.0"},
		{name: "private version hidden from anonymous", pkg: `{"orgName":"acme","name":"mixed","version":"1.0.0","mode":"soft"}`, version: "1.0.0"},
		{name: "private version hidden from non-member", pkg: `{"orgName":"acme","name":"mixed","version":"1.1.0","mode":"hard"}`, headers: bearer(callers.nonMember), reason: "no version of acme/mixed satisfies EXACT 1.1.0 (mode hard); the latest available is 1.0.0"},
		{name: "private version shown to member", pkg: `{"orgName":"acme","name":"mixed","version":"1.0.0","mode":"soft"}`, headers: bearer(callers.memberRead), version: "1.1.0"},

		// Platform and distribution.
		{name: "no client headers: everything", pkg: `{"orgName":"foo","name":"plat","version":null,"mode":"soft"}`, version: "1.3.0"},
		{name: "java17 on 2201.10", pkg: `{"orgName":"foo","name":"plat","version":null,"mode":"soft"}`, headers: []string{"Ballerina-Platform", "java17", "User-Agent", "2201.10.3"}, version: "1.1.0"},
		{name: "platform list on 2201.10", pkg: `{"orgName":"foo","name":"plat","version":"1.0.0","mode":"soft"}`, headers: []string{"Ballerina-Platform", "java21,java17,java11", "User-Agent", "2201.10.0"}, version: "1.2.0"},
		{name: "java11 on 2201.8", pkg: `{"orgName":"foo","name":"plat","version":null,"mode":"soft"}`, headers: []string{"Ballerina-Platform", "java11", "User-Agent", "2201.8.0"}, version: "1.0.0"},
		{name: "nightly distribution", pkg: `{"orgName":"foo","name":"plat","version":null,"mode":"soft"}`, headers: []string{"Ballerina-Platform", "java21", "User-Agent", "2201.12.0-SNAPSHOT"}, version: "1.3.0"},
		{name: "platform any", pkg: `{"orgName":"foo","name":"j21","version":null,"mode":"soft"}`, headers: []string{"Ballerina-Platform", "any"}, version: "1.0.0"},
		{name: "exact version for another platform", pkg: `{"orgName":"foo","name":"plat","version":"1.2.0","mode":"hard"}`, headers: []string{"Ballerina-Platform", "java17", "User-Agent", "2201.10.3"}, reason: "no version of foo/plat satisfies EXACT 1.2.0 (mode hard); the latest available is 1.1.0"},
		{name: "no version for the platform", pkg: `{"orgName":"foo","name":"j21","version":null,"mode":"soft"}`, headers: []string{"Ballerina-Platform", "java17", "User-Agent", "2201.10.3"}, reason: "no version of foo/j21 is available for platform java17 and distribution 2201.10.3"},
		{name: "no version for the platform, no distribution", pkg: `{"orgName":"foo","name":"j21","version":null,"mode":"soft"}`, headers: []string{"Ballerina-Platform", "java17, java11", "User-Agent", "curl/8.0"}, reason: "no version of foo/j21 is available for platform java17,java11"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, e, "/packages/resolve-dependencies", `{"packages":[`+tc.pkg+`]}`, tc.headers...)
			if status != http.StatusOK {
				t.Fatalf("status %d, body %s", status, body)
			}
			var got resolveAnswer
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if tc.version != "" {
				if len(got.Resolved) != 1 || len(got.Unresolved) != 0 {
					t.Fatalf("body %s: want one resolved package", body)
				}
				v := got.Resolved[0].Version
				if got.Resolved[0].IsDeprecated {
					v += "!"
				}
				if v != tc.version {
					t.Errorf("resolved %s, want %s; body %s", v, tc.version, body)
				}
				return
			}
			if len(got.Resolved) != 0 || len(got.Unresolved) != 1 {
				t.Fatalf("body %s: want one unresolved package", body)
			}
			if r := got.Unresolved[0].Reason; r != tc.reason {
				t.Errorf("reason %q\nwant   %q", r, tc.reason)
			}
		})
	}
}

// TestResolveDependenciesBody checks a whole answer: order, the graph from
// dependency-graph.json, deprecation fields, and how unresolved requests
// are echoed.
func TestResolveDependenciesBody(t *testing.T) {
	e := newTestEnv(t)
	seedResolveData(t, e)
	status, body := postJSON(t, e, "/packages/resolve-dependencies", `{"packages":[
		{"orgName":"foo","name":"app","version":"1.0.0","mode":"medium"},
		{"org":"foo","name":"lib","version":"1.2.0","mode":"hard"},
		{"orgName":"foo","name":"nope","version":"1.0.0","mode":"soft"},
		{"orgName":"foo","name":"gone","version":null,"mode":"soft"},
		{"orgName":"foo","name":"zero","version":"","mode":"soft"}
	]}`, "Ballerina-Platform", "java17", "User-Agent", "2201.10.3")
	want := compactJSON(t, `{
		"resolved": [
			{"org":"foo","name":"app","version":"1.0.0",
			 "dependencyGraph":[
				{"org":"foo","name":"app","version":"1.0.0","dependencies":[
					{"org":"foo","name":"lib","version":"1.1.0"},
					{"org":"ballerina","name":"io","version":"1.2.0"}]},
				{"org":"foo","name":"lib","version":"1.1.0","dependencies":[]},
				{"org":"ballerina","name":"io","version":"1.2.0","dependencies":[]}],
			 "isDeprecated":false,"deprecateMessage":""},
			{"org":"foo","name":"lib","version":"1.2.0",
			 "dependencyGraph":[{"org":"foo","name":"lib","version":"1.2.0","dependencies":[]}],
			 "isDeprecated":true,"deprecateMessage":"use 1.1.0"},
			{"org":"foo","name":"zero","version":"0.2.0",
			 "dependencyGraph":[{"org":"foo","name":"zero","version":"0.2.0","dependencies":[]}],
			 "isDeprecated":false,"deprecateMessage":""}
		],
		"unresolved": [
			{"org":"foo","name":"nope","version":"1.0.0","reason":"package not found: foo/nope"},
			{"org":"foo","name":"gone","version":null,"reason":"package not found: foo/gone"}
		]}`)
	if status != http.StatusOK || body != want {
		t.Errorf("status %d, body\n%s\nwant\n%s", status, body, want)
	}
}

func TestResolveDependenciesErrors(t *testing.T) {
	e := newTestEnv(t)
	seedResolveData(t, e)
	tests := []struct {
		name, body string
		headers    []string
		status     int
		want       string
	}{
		{name: "empty list", body: `{"packages":[]}`, status: 200, want: `{"resolved":[],"unresolved":[]}`},
		{name: "no list", body: `{}`, status: 200, want: `{"resolved":[],"unresolved":[]}`},
		{name: "not JSON", body: `packages`, status: 400, want: `{"message":"invalid JSON body: invalid character 'p' looking for beginning of value"}`},
		{name: "empty body", body: ``, status: 400, want: `{"message":"invalid JSON body: empty body; send a JSON object"}`},
		{name: "wrong type", body: `{"packages":{"orgName":"foo"}}`, status: 400, want: `{"message":"invalid JSON body: field \"packages\" must be an array, not object"}`},
		{name: "two values", body: `{"packages":[]} {}`, status: 400, want: `{"message":"invalid JSON body: more than one value"}`},
		{name: "unknown mode", body: `{"packages":[{"orgName":"foo","name":"lib","version":"1.0.0","mode":"loose"}]}`, status: 400, want: `{"message":"packages[0]: unknown mode \"loose\": use soft, medium, hard or locked"}`},
		{name: "bad token", body: `{"packages":[]}`, headers: []string{"Authorization", "Bearer bct_nosuchtoken"}, status: 401, want: `{"message":"invalid access token"}`},
		{name: "too many", body: `{"packages":[` + strings.TrimSuffix(strings.Repeat(`{"orgName":"foo","name":"lib"},`, maxResolveItems+1), ",") + `]}`, status: 400, want: `{"message":"too many packages: 1001; ask for at most 1000 at a time"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, e, "/packages/resolve-dependencies", tc.body, tc.headers...)
			if status != tc.status || body != tc.want {
				t.Errorf("status %d, body %s\nwant %d, %s", status, body, tc.status, tc.want)
			}
		})
	}
}

// seedModuleData publishes the packages of the module tests. Module a.b.c
// is in a:1.0.0 (not in a:1.1.0), in every version of a.b, and is the
// default module of a.b.c.
func seedModuleData(t *testing.T, e *testEnv) {
	t.Helper()
	for _, s := range []balaSpec{
		{Org: "mod", Name: "a", Version: "1.0.0", Modules: []string{"b.c"}},
		{Org: "mod", Name: "a", Version: "1.1.0"},
		{Org: "mod", Name: "a.b", Version: "1.0.0", Modules: []string{"c"}},
		{Org: "mod", Name: "a.b", Version: "1.5.0", Modules: []string{"c"}},
		{Org: "mod", Name: "a.b", Version: "2.0.0", Modules: []string{"c"}},
		{Org: "mod", Name: "a.b.c", Version: "1.0.0"},
		{Org: "mod", Name: "x.y", Version: "1.0.0", Modules: []string{"z"}},
		{Org: "mod", Name: "d", Version: "1.0.0", Modules: []string{"x"}},
		{Org: "mod", Name: "d", Version: "1.1.0", Modules: []string{"x"}},
		{Org: "mod", Name: "e", Version: "1.0.0", Modules: []string{"x"}},
		{Org: "mod", Name: "j", Version: "1.0.0", Platform: "java21", Modules: []string{"k"}},
		{Org: "acme", Name: "p", Version: "1.0.0", Visibility: "private", Modules: []string{"q"}},
	} {
		seedVersion(t, e, s)
	}
	seedDeprecated(t, e, "mod", "d", "1.1.0", "")
	seedDeprecated(t, e, "mod", "e", "1.0.0", "")
}

func TestResolveModules(t *testing.T) {
	e := newTestEnv(t)
	callers := newQueryCallers(t, e)
	seedModuleData(t, e)
	tests := []struct {
		name    string
		module  string // one entry of "modules"
		headers []string
		want    string // "package:version", or the reason it is unresolved
	}{
		{name: "oldest form: shortest candidate first", module: `{"organization":"mod","moduleName":"a.b.c"}`, want: "a:1.0.0"},
		{name: "no locked candidates", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[],"mode":"soft"}`, want: "a:1.0.0"},
		{name: "locked candidate first", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b.c","version":"1.0.0"}],"mode":"medium"}`, want: "a.b.c:1.0.0"},
		{name: "locked, soft range", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b","version":"1.0.0"}],"mode":"soft"}`, want: "a.b:1.5.0"},
		{name: "locked, medium range", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b","version":"1.0.0"}],"mode":"medium"}`, want: "a.b:1.0.0"},
		{name: "locked, hard range", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b","version":"1.5.0"}],"mode":"hard"}`, want: "a.b:1.5.0"},
		{name: "locked without version: latest", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b","version":null}],"mode":"hard"}`, want: "a.b:2.0.0"},
		{name: "locked with orgName key", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"orgName":"mod","name":"a.b.c","version":"1.0.0"}],"mode":"soft"}`, want: "a.b.c:1.0.0"},
		{name: "locked out of range: next candidates", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b.c","version":"9.0.0"}],"mode":"hard"}`, want: "a:1.0.0"},
		{name: "locked candidates in the given order", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b.c","version":"1.0.0"},{"org":"mod","name":"a.b","version":"1.0.0"}],"mode":"soft"}`, want: "a.b.c:1.0.0"},
		{name: "locked package of another org ignored", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"other","name":"a.b.c","version":"1.0.0"}],"mode":"soft"}`, want: "a:1.0.0"},
		{name: "locked package that cannot hold the module ignored", module: `{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"x.y","version":"1.0.0"}],"mode":"soft"}`, want: "a:1.0.0"},
		{name: "module in a longer package", module: `{"organization":"mod","moduleName":"x.y.z"}`, want: "x.y:1.0.0"},
		{name: "default module: latest", module: `{"organization":"mod","moduleName":"a","mode":"soft"}`, want: "a:1.1.0"},
		{name: "deprecated version skipped", module: `{"organization":"mod","moduleName":"d.x"}`, want: "d:1.0.0"},
		{name: "only deprecated versions", module: `{"organization":"mod","moduleName":"e.x"}`, want: "e:1.0.0"},
		{name: "unknown module", module: `{"organization":"mod","moduleName":"nope.sub"}`, want: "package not found: no package of mod that this client can use contains module mod/nope.sub"},
		{name: "module of a package missing from it", module: `{"organization":"mod","moduleName":"x.q"}`, want: "package not found: no package of mod that this client can use contains module mod/x.q"},
		{name: "no organization", module: `{"moduleName":"a"}`, want: `invalid request: a module needs "organization" and "moduleName"`},
		{name: "private: anonymous", module: `{"organization":"acme","moduleName":"p.q"}`, want: "package not found: no package of acme that this client can use contains module acme/p.q"},
		{name: "private: non-member", module: `{"organization":"acme","moduleName":"p.q"}`, headers: bearer(callers.nonMember), want: "package not found: no package of acme that this client can use contains module acme/p.q"},
		{name: "private: member without read scope", module: `{"organization":"acme","moduleName":"p.q"}`, headers: bearer(callers.memberNoRead), want: "package not found: no package of acme that this client can use contains module acme/p.q"},
		{name: "private: member", module: `{"organization":"acme","moduleName":"p.q"}`, headers: bearer(callers.memberRead), want: "p:1.0.0"},
		{name: "platform filtered", module: `{"organization":"mod","moduleName":"j.k"}`, headers: []string{"Ballerina-Platform", "java17", "User-Agent", "2201.10.3"}, want: "package not found: no package of mod that this client can use contains module mod/j.k"},
		{name: "platform matches", module: `{"organization":"mod","moduleName":"j.k"}`, headers: []string{"Ballerina-Platform", "java21,java17", "User-Agent", "2201.10.3"}, want: "j:1.0.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, e, "/packages/resolve-modules", `{"modules":[`+tc.module+`]}`, tc.headers...)
			if status != http.StatusOK {
				t.Fatalf("status %d, body %s", status, body)
			}
			var got struct {
				Resolved []struct {
					Organization, ModuleName, Version, PackageName string
				} `json:"resolvedModules"`
				Unresolved []struct {
					Organization, ModuleName string
					Version                  *string
					Reason                   string
				} `json:"unresolvedModules"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			var g string
			switch {
			case len(got.Resolved) == 1 && len(got.Unresolved) == 0:
				g = got.Resolved[0].PackageName + ":" + got.Resolved[0].Version
			case len(got.Resolved) == 0 && len(got.Unresolved) == 1:
				g = got.Unresolved[0].Reason
				if got.Unresolved[0].Version != nil {
					t.Errorf("unresolved version %q, want null", *got.Unresolved[0].Version)
				}
			default:
				t.Fatalf("body %s: want one module", body)
			}
			if g != tc.want {
				t.Errorf("got %q\nwant %q", g, tc.want)
			}
		})
	}
}

func TestResolveModulesBody(t *testing.T) {
	e := newTestEnv(t)
	seedModuleData(t, e)
	status, body := postJSON(t, e, "/packages/resolve-modules", `{"modules":[
		{"organization":"mod","moduleName":"a.b.c","possiblePackages":[{"org":"mod","name":"a.b","version":"1.0.0"}],"mode":"medium"},
		{"organization":"hevayo","moduleName":"fb","possiblePackages":[],"mode":"medium"},
		{"organization":"mod","moduleName":"x.y.z"}
	]}`)
	want := compactJSON(t, `{
		"resolvedModules":[
			{"organization":"mod","moduleName":"a.b.c","version":"1.0.0","packageName":"a.b"},
			{"organization":"mod","moduleName":"x.y.z","version":"1.0.0","packageName":"x.y"}],
		"unresolvedModules":[
			{"organization":"hevayo","moduleName":"fb","version":null,"reason":"package not found: no package of hevayo that this client can use contains module hevayo/fb"}]}`)
	if status != http.StatusOK || body != want {
		t.Errorf("status %d, body\n%s\nwant\n%s", status, body, want)
	}

	for _, tc := range []struct{ body, want string }{
		{`{"modules":[{"organization":"mod","moduleName":"a","mode":"tight"}]}`, `{"message":"modules[0]: unknown mode \"tight\": use soft, medium, hard or locked"}`},
		{`{"modules":"a"}`, `{"message":"invalid JSON body: field \"modules\" must be an array, not string"}`},
	} {
		status, body := postJSON(t, e, "/packages/resolve-modules", tc.body)
		if status != http.StatusBadRequest || body != tc.want {
			t.Errorf("%s: status %d, body %s\nwant 400, %s", tc.body, status, body, tc.want)
		}
	}
}

func TestPossiblePackageNames(t *testing.T) {
	for _, tc := range []struct{ module, want string }{
		{"a", "[a]"},
		{"a.b", "[a a.b]"},
		{"googleapis.gmail.v1", "[googleapis googleapis.gmail googleapis.gmail.v1]"},
	} {
		if got := possiblePackageNames(tc.module); strings.Join(got, " ") != strings.Trim(tc.want, "[]") {
			t.Errorf("possiblePackageNames(%q) = %v, want %s", tc.module, got, tc.want)
		}
	}
}

// TestQueriesAfterPush runs search and both resolutions on versions pushed
// over HTTP, so that what push stores is what the queries read.
func TestQueriesAfterPush(t *testing.T) {
	e := newTestEnv(t)
	owner := e.user("owner", false)
	e.org("pushed", owner, nil)
	tok := e.token(owner)
	for _, s := range []balaSpec{
		{Org: "pushed", Name: "kit", Version: "1.0.0", Description: "A tool kit", Modules: []string{"util"}},
		{Org: "pushed", Name: "kit", Version: "1.1.0", Description: "A tool kit", Modules: []string{"util"}, Deps: [][3]string{{"ballerina", "io", "1.6.1"}}},
	} {
		resp := e.push(tok, testBala(t, s), "pushed-kit-any-"+s.Version+".bala")
		if body := readBody(t, resp); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("push %s: status %d, body %s", s.Version, resp.StatusCode, body)
		}
	}

	var found searchAnswer
	getJSON(t, e, centralPrefix+"/packages/?q=kit", &found)
	if got := found.refs(); len(got) != 1 || got[0] != "pushed/kit:1.1.0" || *found.Count != 1 || *found.Packages[0].Summary != "A tool kit" {
		t.Errorf("search: %+v", found)
	}

	status, body := postJSON(t, e, "/packages/resolve-dependencies", `{"packages":[{"orgName":"pushed","name":"kit","version":"1.0.0","mode":"soft"}]}`)
	want := compactJSON(t, `{"resolved":[{"org":"pushed","name":"kit","version":"1.1.0","dependencyGraph":[
		{"org":"pushed","name":"kit","version":"1.1.0","dependencies":[{"org":"ballerina","name":"io","version":"1.6.1"}]},
		{"org":"ballerina","name":"io","version":"1.6.1","dependencies":[]}],
		"isDeprecated":false,"deprecateMessage":""}],"unresolved":[]}`)
	if status != http.StatusOK || body != want {
		t.Errorf("resolve-dependencies: status %d, body\n%s\nwant\n%s", status, body, want)
	}

	status, body = postJSON(t, e, "/packages/resolve-modules", `{"modules":[{"organization":"pushed","moduleName":"kit.util","possiblePackages":[{"org":"pushed","name":"kit","version":"1.0.0"}],"mode":"hard"}]}`)
	want = `{"resolvedModules":[{"organization":"pushed","moduleName":"kit.util","version":"1.0.0","packageName":"kit"}],"unresolvedModules":[]}`
	if status != http.StatusOK || body != want {
		t.Errorf("resolve-modules: status %d, body %s\nwant %s", status, body, want)
	}
}
