package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
)

// seedVersion publishes the bala of spec straight through the stores, as a
// push does (blob first, then reservation and publication), so that the
// query routes can be tested on their own. The metadata is read back from
// the bala: package.json, dependency-graph.json and the README.
func seedVersion(t *testing.T, e *testEnv, spec balaSpec) *store.PackageVersion {
	t.Helper()
	ctx := context.Background()
	data := testBala(t, spec)
	info, err := e.blobs.Put(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := bala.Open(bytes.NewReader(data), int64(len(data)), bala.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	pjBytes, err := a.ReadFile(bala.PackageJSONFile)
	if err != nil {
		t.Fatal(err)
	}
	pj, err := bala.ReadPackageJSON(bala.PackageJSONFile, pjBytes)
	if err != nil {
		t.Fatal(err)
	}
	graph, err := a.ReadFile(bala.DependencyGraphJSONFile)
	if err != nil {
		t.Fatal(err)
	}
	var readme string
	if pj.Readme != "" {
		b, err := a.ReadFile(pj.Readme)
		if err != nil {
			t.Fatal(err)
		}
		readme = string(b)
	}
	summary := pj.Description
	if summary == "" {
		summary, _, _ = strings.Cut(readme, "\n")
	}
	pv := &store.PackageVersion{
		Org: pj.Organization, Name: pj.Name, Version: pj.Version, Platform: pj.Platform,
		Digest: info.Digest, Size: info.Size, BlobKey: info.Digest,
		PackageJSON: pjBytes, DependencyGraph: graph, Readme: readme,
		Summary: summary, Keywords: pj.Keywords, Authors: pj.Authors, Licenses: pj.Licenses,
		BallerinaVersion: pj.BallerinaVersion, Visibility: store.Public,
	}
	if pj.Visibility == "private" {
		pv.Visibility = store.Private
	}
	for _, m := range pj.Modules {
		pv.Modules = append(pv.Modules, store.Module{Name: m.Name, Summary: m.Description})
	}
	if err := e.meta.ReserveVersion(ctx, pv.Org, pv.Name, pv.Version, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.meta.PublishVersion(ctx, pv); err != nil {
		t.Fatal(err)
	}
	return pv
}

// seedDeprecated marks org/name:ver (or every version, "*") deprecated.
func seedDeprecated(t *testing.T, e *testEnv, org, name, ver, message string) {
	t.Helper()
	if err := e.meta.SetDeprecated(context.Background(), org, name, ver, true, message); err != nil {
		t.Fatal(err)
	}
}

// queryCallers are the callers of the visibility tests: org "acme" is
// owned by alice, bob is a member, carol belongs to no org.
type queryCallers struct {
	memberRead    string // bob, default scopes (read included)
	memberNoRead  string // bob, publish scope only
	nonMember     string // carol, default scopes
	ownerReadOnly string // alice, read scope only
}

func newQueryCallers(t *testing.T, e *testEnv) queryCallers {
	t.Helper()
	alice, bob, carol := e.user("alice", false), e.user("bob", false), e.user("carol", false)
	e.org("acme", alice, map[*store.User]store.Role{bob: store.RoleMember})
	return queryCallers{
		memberRead:    e.token(bob),
		memberNoRead:  e.token(bob, ScopePublish),
		nonMember:     e.token(carol),
		ownerReadOnly: e.token(alice, ScopeRead),
	}
}

// getJSON sends a GET with the given headers and decodes a 200 JSON answer
// into v.
func getJSON(t *testing.T, e *testEnv, path string, v any, headers ...string) {
	t.Helper()
	resp := e.request(http.MethodGet, path, nil, headers...)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v; body %s", path, err, body)
	}
}

// bearer returns the Authorization header arguments of e.request for
// token, or none for "".
func bearer(token string, more ...string) []string {
	if token == "" {
		return more
	}
	return append([]string{"Authorization", "Bearer " + token}, more...)
}

// searchAnswer is a search response as the client reads it.
type searchAnswer struct {
	Packages []struct {
		Organization string   `json:"organization"`
		Name         string   `json:"name"`
		Version      string   `json:"version"`
		Summary      *string  `json:"summary"`
		IsDeprecated *bool    `json:"isDeprecated"`
		Keywords     []string `json:"keywords"`
		BalaURL      string   `json:"balaURL"`
		URL          string   `json:"URL"`
	} `json:"packages"`
	Count *int `json:"count"`
}

// refs lists the org/name:version of the answer's packages.
func (a searchAnswer) refs() []string {
	out := []string{}
	for _, p := range a.Packages {
		out = append(out, p.Organization+"/"+p.Name+":"+p.Version)
	}
	return out
}

func seedSearchData(t *testing.T, e *testEnv) {
	t.Helper()
	for _, s := range []balaSpec{
		{Org: "foo", Name: "winery", Version: "1.0.0", Description: "Connects to the winery", Keywords: []string{"drinks"}},
		{Org: "foo", Name: "winery", Version: "1.3.5", Description: "Connects to the winery", Keywords: []string{"drinks"}},
		{Org: "baz", Name: "wine", Version: "0.1.0", Description: "Wine cellar"},
		{Org: "bar", Name: "http_client", Version: "2.0.0", Description: "An HTTP client"},
		{Org: "foo", Name: "olddep", Version: "1.0.0", Description: "old wine tools"},
		{Org: "foo", Name: "partdep", Version: "1.0.0", Description: "partly deprecated wine"},
		{Org: "foo", Name: "partdep", Version: "1.1.0", Description: "partly deprecated wine"},
		{Org: "acme", Name: "secretwine", Version: "1.0.0", Visibility: "private", Description: "private wine"},
		{Org: "foo", Name: "javawine", Version: "1.0.0", Platform: "java21", Description: "wine for java21"},
		{Org: "foo", Name: "newwine", Version: "1.0.0", BallerinaVersion: "2201.12.0", Description: "wine from the future"},
	} {
		seedVersion(t, e, s)
	}
	seedDeprecated(t, e, "foo", "olddep", "*", "gone")
	seedDeprecated(t, e, "foo", "partdep", "1.1.0", "")
}

func TestSearch(t *testing.T) {
	e := newTestEnv(t)
	callers := newQueryCallers(t, e)
	seedSearchData(t, e)
	java17 := []string{"Ballerina-Platform", "java17,java11", "User-Agent", "2201.10.3"}

	tests := []struct {
		name    string
		path    string
		headers []string
		want    []string
		count   int
	}{
		{
			name: "exact name first, deprecated and private left out",
			path: "/packages/?q=wine",
			want: []string{"baz/wine:0.1.0", "foo/javawine:1.0.0", "foo/newwine:1.0.0", "foo/partdep:1.0.0", "foo/winery:1.3.5"},
			// olddep: every version deprecated; partdep: its latest that is
			// not deprecated; secretwine: private.
			count: 5,
		},
		{
			name:    "member with read scope sees private",
			path:    "/packages/?q=wine",
			headers: bearer(callers.memberRead),
			want:    []string{"baz/wine:0.1.0", "acme/secretwine:1.0.0", "foo/javawine:1.0.0", "foo/newwine:1.0.0", "foo/partdep:1.0.0", "foo/winery:1.3.5"},
			count:   6,
		},
		{
			name:    "owner with read-only token sees private",
			path:    "/packages/?q=secretwine",
			headers: bearer(callers.ownerReadOnly),
			want:    []string{"acme/secretwine:1.0.0"},
			count:   1,
		},
		{name: "member without read scope", path: "/packages/?q=secretwine", headers: bearer(callers.memberNoRead), want: []string{}, count: 0},
		{name: "non-member", path: "/packages/?q=secretwine", headers: bearer(callers.nonMember), want: []string{}, count: 0},
		{name: "anonymous", path: "/packages/?q=secretwine", want: []string{}, count: 0},
		{
			name:    "platform and distribution filters",
			path:    "/packages/?q=wine",
			headers: java17,
			want:    []string{"baz/wine:0.1.0", "foo/partdep:1.0.0", "foo/winery:1.3.5"},
			count:   3,
		},
		{
			name:    "filters with a page",
			path:    "/packages?q=wine&offset=1&limit=1",
			headers: java17,
			want:    []string{"foo/partdep:1.0.0"},
			count:   3,
		},
		{
			name:    "any platform filters nothing",
			path:    "/packages/?q=javawine",
			headers: []string{"Ballerina-Platform", "any"},
			want:    []string{"foo/javawine:1.0.0"},
			count:   1,
		},
		{name: "keyword prefix", path: "/packages/?q=drin", want: []string{"foo/winery:1.3.5"}, count: 1},
		{name: "case-insensitive org and name", path: "/packages/?q=BAR%20HTTP", want: []string{"bar/http_client:2.0.0"}, count: 1},
		{name: "no match", path: "/packages/?q=beer", want: []string{}, count: 0},
		{
			name:  "empty text lists everything",
			path:  "/packages/?q=",
			want:  []string{"bar/http_client:2.0.0", "baz/wine:0.1.0", "foo/javawine:1.0.0", "foo/newwine:1.0.0", "foo/partdep:1.0.0", "foo/winery:1.3.5"},
			count: 6,
		},
		{
			name:  "list form: default page of 10",
			path:  "/packages?q=wine",
			want:  []string{"baz/wine:0.1.0", "foo/javawine:1.0.0", "foo/newwine:1.0.0", "foo/partdep:1.0.0", "foo/winery:1.3.5"},
			count: 5,
		},
		{name: "list form: offset and limit", path: "/packages?q=wine&offset=1&limit=2", want: []string{"foo/javawine:1.0.0", "foo/newwine:1.0.0"}, count: 5},
		{name: "list form: offset past the end", path: "/packages?q=wine&offset=50", want: []string{}, count: 5},
		{name: "filters with the largest offset", path: "/packages?q=wine&offset=9223372036854775807", headers: java17, want: []string{}, count: 3},
		{name: "largest offset", path: "/packages/?q=wine&offset=9223372036854775807&limit=1000", want: []string{}, count: 5},
		{name: "list form: org", path: "/packages?org=baz&q=", want: []string{"baz/wine:0.1.0"}, count: 1},
		{name: "list form: limit above the maximum is lowered", path: "/packages?q=wine&limit=100000", want: []string{"baz/wine:0.1.0", "foo/javawine:1.0.0", "foo/newwine:1.0.0", "foo/partdep:1.0.0", "foo/winery:1.3.5"}, count: 5},
		{name: "list form: readme ignored", path: "/packages?org=foo&q=winery&offset=0&limit=10&readme=false", want: []string{"foo/winery:1.3.5"}, count: 1},
		{name: "slash form also pages", path: "/packages/?q=wine&limit=2", want: []string{"baz/wine:0.1.0", "foo/javawine:1.0.0"}, count: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got searchAnswer
			getJSON(t, e, centralPrefix+tc.path, &got, tc.headers...)
			if got.Count == nil {
				t.Fatal("count missing")
			}
			if *got.Count != tc.count {
				t.Errorf("count = %d, want %d", *got.Count, tc.count)
			}
			if g := got.refs(); fmt.Sprint(g) != fmt.Sprint(tc.want) {
				t.Errorf("packages = %v, want %v", g, tc.want)
			}
		})
	}
}

func TestSearchPackageObject(t *testing.T) {
	e := newTestEnv(t)
	seedSearchData(t, e)
	resp := e.request(http.MethodGet, centralPrefix+"/packages/?q=winery", nil)
	body := readBody(t, resp)
	var got struct {
		Packages []map[string]any `json:"packages"`
		Count    int              `json:"count"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Count != 1 || len(got.Packages) != 1 {
		t.Fatalf("body %s: want one package", body)
	}
	p := got.Packages[0]
	want := map[string]any{
		"organization": "foo", "name": "winery", "version": "1.3.5", "platform": "any",
		"summary": "Connects to the winery", "isDeprecated": false, "URL": "/foo/winery/1.3.5",
		"keywords": []any{"drinks"}, "authors": []any{"tester"}, "licenses": []any{"Apache-2.0"},
		"ballerinaVersion": "2201.10.0",
		"balaURL":          e.url + centralPrefix + "/download/foo/winery/1.3.5/foo-winery-any-1.3.5.bala",
	}
	for k, v := range want {
		if fmt.Sprint(p[k]) != fmt.Sprint(v) {
			t.Errorf("%s = %#v, want %#v", k, p[k], v)
		}
	}
	if cd, ok := p["createdDate"].(float64); !ok || cd <= 0 {
		t.Errorf("createdDate = %#v, want epoch milliseconds", p["createdDate"])
	}
}

func TestSearchErrors(t *testing.T) {
	e := newTestEnv(t)
	seedSearchData(t, e)
	tests := []struct {
		path    string
		headers []string
		status  int
		msg     string
	}{
		{"/packages?q=wine&offset=-1", nil, 400, `invalid offset "-1": want a whole number, 0 or more`},
		{"/packages?q=wine&offset=x", nil, 400, `invalid offset "x": want a whole number, 0 or more`},
		{"/packages?q=wine&limit=0", nil, 400, `invalid limit "0": want a whole number from 1 to 100`},
		{"/packages?q=wine&limit=ten", nil, 400, `invalid limit "ten": want a whole number from 1 to 100`},
		{"/packages/?q=wine&limit=-3", nil, 400, `invalid limit "-3": want a whole number from 1 to 1000`},
		{"/packages/?q=" + strings.Repeat("w%20", 33), nil, 400, "search text has 33 words; use at most 32"},
		{"/packages/?q=wine", []string{"Authorization", "Bearer bct_nosuchtoken"}, 401, "invalid access token"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got := errorMessage(t, e.request(http.MethodGet, centralPrefix+tc.path, nil, tc.headers...), tc.status)
			if got != tc.msg {
				t.Errorf("message %q, want %q", got, tc.msg)
			}
		})
	}
}

// rawGet sends requestURI on a bare connection, byte for byte as given, the
// way a client that does not encode its URL does, and returns the status
// and body.
func rawGet(t *testing.T, e *testEnv, requestURI string) (int, string) {
	t.Helper()
	u, err := url.Parse(e.url)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nConnection: close\r\n\r\n", requestURI, u.Host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, readBody(t, resp)
}

// TestSearchUnencodedQuery sends the text the way `bal search` does: the
// Java client appends it to "?q=" unencoded, and its HTTP library encodes
// only what cannot be sent (a space becomes %20), so "&", "#" and "%"
// arrive as they are. The packages are chosen so that a text cut at "&" or
// at "#" matches more of them.
func TestSearchUnencodedQuery(t *testing.T) {
	e := newTestEnv(t)
	for _, s := range []balaSpec{
		{Org: "unenc", Name: "alpha", Version: "1.0.0", Description: "bravo charlie delta"},
		{Org: "unenc", Name: "alpha_b", Version: "1.0.0", Description: "bravo"},
		{Org: "unenc", Name: "alpha_c", Version: "1.0.0", Description: "bravo charlie"},
		{Org: "unenc", Name: "rock", Version: "1.0.0", Description: "rock&roll music"},
	} {
		seedVersion(t, e, s)
	}
	tests := []struct {
		uri  string
		want []string
	}{
		{"/packages/?q=a%20b&c#d", []string{"unenc/alpha:1.0.0"}},
		{"/packages/?q=a+b&c#d", []string{"unenc/alpha:1.0.0"}},
		{"/packages/?q=a%20b&c", []string{"unenc/alpha:1.0.0", "unenc/alpha_c:1.0.0"}},
		{"/packages/?q=a%20b", []string{"unenc/alpha:1.0.0", "unenc/alpha_b:1.0.0", "unenc/alpha_c:1.0.0"}},
		{"/packages/?q=rock&roll", []string{"unenc/rock:1.0.0"}},
		{"/packages/?q=roll&rock", []string{"unenc/rock:1.0.0"}},
		{"/packages/?q=100%&unenc", []string{}},
		{"/packages/?q=%23delta", []string{"unenc/alpha:1.0.0"}},
		{"/packages?q=a%20b&c#d&limit=1", []string{"unenc/alpha:1.0.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.uri, func(t *testing.T) {
			status, body := rawGet(t, e, centralPrefix+tc.uri)
			if status != http.StatusOK {
				t.Fatalf("status %d, body %s", status, body)
			}
			var got searchAnswer
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if g := got.refs(); fmt.Sprint(g) != fmt.Sprint(tc.want) || *got.Count != len(tc.want) {
				t.Errorf("packages = %v (count %d), want %v", g, *got.Count, tc.want)
			}
		})
	}
}

func TestParseSearchQuery(t *testing.T) {
	tests := []struct {
		raw  string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"q=", map[string]string{"q": ""}},
		{"q=http", map[string]string{"q": "http"}},
		{"q=a+b", map[string]string{"q": "a b"}},
		{"q=a%20b&c#d", map[string]string{"q": "a b&c#d"}},
		{"q=rock&roll", map[string]string{"q": "rock&roll"}},
		{"q=a=b", map[string]string{"q": "a=b"}},
		{"q=100%", map[string]string{"q": "100%"}},
		{"q=100%&x", map[string]string{"q": "100%&x"}},
		{"q=http&limit=5&offset=10", map[string]string{"q": "http", "limit": "5", "offset": "10"}},
		{"org=foo&q=x&readme=false", map[string]string{"org": "foo", "q": "x", "readme": "false"}},
		{"junk&q=x", map[string]string{"q": "x"}},
		{"q=a&q=b", map[string]string{"q": "b"}},
	}
	for _, tc := range tests {
		if got := parseSearchQuery(tc.raw); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("parseSearchQuery(%q) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

// TestEmptyAnswers checks the connector, trigger and tool routes, which
// this registry answers with nothing.
func TestEmptyAnswers(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/connectors?q=winery", "", 200, `{"connectors":[],"count":0}`},
		{"GET", "/connectors/?q=winery", "", 200, `{"connectors":[],"count":0}`},
		{"GET", "/connectors/123", "", 404, `{"message":"connector not found: 123; this registry does not index connectors"}`},
		{"GET", "/connectors/foo/winery/1.3.5/winery/Client", "", 404, `{"message":"connector not found: foo/winery/1.3.5/winery/Client; this registry does not index connectors"}`},
		{"GET", "/triggers?q=http", "", 200, `{"triggers":[],"count":0}`},
		{"GET", "/triggers/456", "", 404, `{"message":"trigger not found: 456; this registry does not index triggers"}`},
		{"GET", "/tools?q=health", "", 200, `{"tools":[]}`},
		{"GET", "/tools/?q=foo", "", 200, `{"tools":[]}`},
		{"GET", "/tools/health", "", 404, `{"message":"tool not found: health; this registry hosts no bal tools"}`},
		{"GET", "/tools/health/2.1.1", "", 404, `{"message":"tool not found: health:2.1.1; this registry hosts no bal tools"}`},
		{
			"POST", "/tools/resolve-dependencies",
			`{"tools":[{"id":"health","version":"2.1.1","mode":"soft"},{"id":"blah","version":""}]}`, 200,
			`{"resolved":[],"unresolved":[{"id":"health","version":"2.1.1","reason":"tool not found"},{"id":"blah","version":null,"reason":"tool not found"}]}`,
		},
		{"POST", "/tools/resolve-dependencies", `{}`, 200, `{"resolved":[],"unresolved":[]}`},
		{"POST", "/tools/resolve-dependencies", `{"tools":`, 400, `{"message":"invalid JSON body: unexpected EOF"}`},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp := e.request(tc.method, centralPrefix+tc.path, strings.NewReader(tc.body), "Content-Type", "application/json")
			got := readBody(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, got)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if strings.TrimSpace(got) != tc.want {
				t.Errorf("body %s\nwant %s", strings.TrimSpace(got), tc.want)
			}
		})
	}
}

// TestCentralUnmatchedIsJSON checks that requests no Central API route
// matches get JSON errors, which the bal client can print.
func TestCentralUnmatchedIsJSON(t *testing.T) {
	e := newTestEnv(t)
	msg := errorMessage(t, e.request("GET", centralPrefix+"/nothing/here", nil), http.StatusNotFound)
	if msg != "no Central API route GET /2.0/registry/nothing/here" {
		t.Errorf("404 message %q", msg)
	}
	resp := e.request("DELETE", centralPrefix+"/packages/acme/winery", nil)
	if allow := resp.Header.Get("Allow"); allow != "GET" {
		t.Errorf("Allow = %q, want GET", allow)
	}
	if msg := errorMessage(t, resp, http.StatusMethodNotAllowed); !strings.Contains(msg, "use GET") {
		t.Errorf("405 message %q", msg)
	}
}
