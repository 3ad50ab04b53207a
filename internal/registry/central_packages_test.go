package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// pkgFixture is a registry with the accounts the package route tests use:
// org acme owned by alice, with bob as publisher and carol as member;
// dave belongs to no org.
type pkgFixture struct {
	*testEnv
	alice, bob, carol, dave *store.User
	// Tokens with DefaultTokenScopes, except where named otherwise.
	aliceTok, bobTok, carolTok, daveTok string
	carolNoRead                         string // carol with only the publish scope
	aliceReadOnly                       string // alice with only the read scope
}

func newPkgFixture(t *testing.T, configure ...func(*Config)) *pkgFixture {
	t.Helper()
	f := &pkgFixture{testEnv: newTestEnv(t, configure...)}
	f.alice = f.user("alice", false)
	f.bob = f.user("bob", false)
	f.carol = f.user("carol", false)
	f.dave = f.user("dave", false)
	f.org("acme", f.alice, map[*store.User]store.Role{f.bob: store.RolePublisher, f.carol: store.RoleMember})
	f.aliceTok = f.token(f.alice)
	f.bobTok = f.token(f.bob)
	f.carolTok = f.token(f.carol)
	f.daveTok = f.token(f.dave)
	f.carolNoRead = f.token(f.carol, ScopePublish)
	f.aliceReadOnly = f.token(f.alice, ScopeRead)
	return f
}

// publish pushes a bala for spec as alice and fails the test unless the
// answer is 204. It returns the bala.
func (f *pkgFixture) publish(spec balaSpec) []byte {
	f.t.Helper()
	if spec.Org == "" {
		spec.Org = "acme"
	}
	b := testBala(f.t, spec)
	resp := f.push(f.aliceTok, b, "x.bala")
	if body := readBody(f.t, resp); resp.StatusCode != http.StatusNoContent {
		f.t.Fatalf("push %s/%s:%s: status %d, body %s", spec.Org, spec.Name, spec.Version, resp.StatusCode, body)
	}
	return b
}

func (f *pkgFixture) deprecate(org, name, ver, msg string) {
	f.t.Helper()
	if err := f.meta.SetDeprecated(context.Background(), org, name, ver, true, msg); err != nil {
		f.t.Fatal(err)
	}
}

// hdr builds a request header list: a token (if any) and more pairs.
func hdr(token string, pairs ...string) []string {
	if token != "" {
		pairs = append(pairs, "Authorization", "Bearer "+token)
	}
	return pairs
}

const javaPlatforms = "java21,java17,java11"

func TestCentralVersions(t *testing.T) {
	f := newPkgFixture(t)
	for _, v := range []string{"1.0.0", "1.10.0", "1.2.0", "2.0.0-beta.1"} {
		f.publish(balaSpec{Name: "winery", Version: v})
	}
	f.publish(balaSpec{Name: "plat", Version: "1.0.0"})
	f.publish(balaSpec{Name: "plat", Version: "1.1.0", Platform: "java17"})
	f.publish(balaSpec{Name: "plat", Version: "1.2.0", Platform: "java21"})
	f.publish(balaSpec{Name: "dist", Version: "1.0.0", BallerinaVersion: "2201.8.0"})
	f.publish(balaSpec{Name: "dist", Version: "1.1.0", BallerinaVersion: "2201.10.0"})
	f.publish(balaSpec{Name: "secret", Version: "0.1.0", Visibility: "private"})
	f.deprecate("acme", "winery", "1.2.0", "old")

	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		want    []string // on 200
		message string   // on errors
	}{
		{"newest first, deprecated included", "acme/winery", hdr("", "Ballerina-Platform", javaPlatforms, "User-Agent", "2201.10.3"),
			200, []string{"2.0.0-beta.1", "1.10.0", "1.2.0", "1.0.0"}, ""},
		{"no headers", "acme/winery", nil, 200, []string{"2.0.0-beta.1", "1.10.0", "1.2.0", "1.0.0"}, ""},
		{"platform java17 hides java21", "acme/plat", hdr("", "Ballerina-Platform", "java17"), 200, []string{"1.1.0", "1.0.0"}, ""},
		{"platform java21 hides java17", "acme/plat", hdr("", "Ballerina-Platform", "java21"), 200, []string{"1.2.0", "1.0.0"}, ""},
		{"platform list", "acme/plat", hdr("", "Ballerina-Platform", javaPlatforms), 200, []string{"1.2.0", "1.1.0", "1.0.0"}, ""},
		{"platform any", "acme/plat", hdr("", "Ballerina-Platform", "any"), 200, []string{"1.2.0", "1.1.0", "1.0.0"}, ""},
		{"older distribution hides newer builds", "acme/dist", hdr("", "User-Agent", "2201.8.0"), 200, []string{"1.0.0"}, ""},
		{"nightly of the older distribution", "acme/dist", hdr("", "User-Agent", "2201.8.0-SNAPSHOT"), 200, []string{"1.0.0"}, ""},
		{"newer distribution sees all", "acme/dist", hdr("", "User-Agent", "2201.10.3"), 200, []string{"1.1.0", "1.0.0"}, ""},
		{"not a bal user agent", "acme/dist", hdr("", "User-Agent", "curl/8.5.0"), 200, []string{"1.1.0", "1.0.0"}, ""},
		{"unknown package", "acme/nope", hdr("", "Ballerina-Platform", javaPlatforms), 404, nil, "package not found: acme/nope:*_" + javaPlatforms},
		{"unknown org", "nobody/winery", nil, 404, nil, "package not found: nobody/winery:*_any"},
		{"filtered to nothing", "acme/dist", hdr("", "User-Agent", "2201.7.0", "Ballerina-Platform", "java17"), 404, nil, "package not found: acme/dist:*_java17"},
		{"private, anonymous", "acme/secret", nil, 404, nil, "package not found: acme/secret:*_any"},
		{"private, outsider", "acme/secret", hdr(f.daveTok), 404, nil, "package not found: acme/secret:*_any"},
		{"private, member without read scope", "acme/secret", hdr(f.carolNoRead), 404, nil, "package not found: acme/secret:*_any"},
		{"private, member", "acme/secret", hdr(f.carolTok), 200, []string{"0.1.0"}, ""},
		{"invalid token", "acme/winery", hdr("bct_not-a-real-token"), 401, nil, "invalid access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.request("GET", centralPrefix+"/packages/"+tt.path, nil, tt.headers...)
			if tt.status != 200 {
				if msg := errorMessage(t, resp, tt.status); msg != tt.message {
					t.Errorf("message %q, want %q", msg, tt.message)
				}
				return
			}
			body := readBody(t, resp)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, Content-Type %q, body %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			var got []string
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("versions %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCentralPackageObject(t *testing.T) {
	f := newPkgFixture(t)
	f.publish(balaSpec{Name: "winery", Version: "1.0.0", Description: "Wine for everyone.", Keywords: []string{"wine", "cellar"}, Modules: []string{"util"}})
	f.publish(balaSpec{Name: "winery", Version: "1.1.0", Readme: "# Winery\n\n![badge](x.png)\nConnects to winery.\nMore text.\n"})
	f.publish(balaSpec{Name: "winery", Version: "2.0.0-beta.1"})
	f.publish(balaSpec{Name: "old", Version: "1.0.0"})
	f.publish(balaSpec{Name: "old", Version: "1.1.0"})
	f.deprecate("acme", "old", "*", "use acme/winery")
	f.publish(balaSpec{Name: "half", Version: "1.0.0"})
	f.publish(balaSpec{Name: "half", Version: "1.1.0"})
	f.deprecate("acme", "half", "1.1.0", "")
	f.publish(balaSpec{Name: "pre", Version: "0.1.0-alpha"})
	f.publish(balaSpec{Name: "pre", Version: "0.1.0-beta"})
	f.publish(balaSpec{Name: "j21", Version: "1.0.0", Platform: "java21"})
	f.publish(balaSpec{Name: "dist", Version: "1.0.0", BallerinaVersion: "2201.8.0"})
	f.publish(balaSpec{Name: "dist", Version: "1.1.0", BallerinaVersion: "2201.10.0"})
	f.publish(balaSpec{Name: "secret", Version: "1.0.0", Visibility: "private"})

	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
		fields  map[string]any // on 200: fields of the Package object
		message string
	}{
		{"exact version", "acme/winery/1.0.0", hdr("", "Ballerina-Platform", javaPlatforms, "User-Agent", "2201.10.3"), 200,
			map[string]any{"organization": "acme", "name": "winery", "version": "1.0.0", "platform": "any",
				"isDeprecated": false, "deprecateMessage": "", "summary": "Wine for everyone.",
				"keywords": []any{"wine", "cellar"}, "URL": "/acme/winery/1.0.0", "languageSpecificationVersion": "2024R1",
				"balaURL":          f.url + centralPrefix + "/download/acme/winery/1.0.0/acme-winery-any-1.0.0.bala",
				"ballerinaVersion": "2201.10.0", "visibility": "public"}, ""},
		{"summary from the README", "acme/winery/1.1.0", nil, 200, map[string]any{"summary": "Connects to winery."}, ""},
		{"Accept application/json", "acme/winery/1.0.0", hdr("", "Accept", "application/json"), 200, map[string]any{"version": "1.0.0"}, ""},
		{"Accept */*", "acme/winery/1.0.0", hdr("", "Accept", "*/*"), 200, map[string]any{"version": "1.0.0"}, ""},
		{"latest: release beats pre-release", "acme/winery/*", nil, 200, map[string]any{"version": "1.1.0"}, ""},
		{"latest: skips deprecated", "acme/half/*", nil, 200, map[string]any{"version": "1.0.0", "isDeprecated": false}, ""},
		{"latest: all deprecated gives the newest", "acme/old/*", nil, 200,
			map[string]any{"version": "1.1.0", "isDeprecated": true, "deprecateMessage": "use acme/winery"}, ""},
		{"latest: only pre-releases", "acme/pre/*", nil, 200, map[string]any{"version": "0.1.0-beta"}, ""},
		{"latest: older distribution", "acme/dist/*", hdr("", "User-Agent", "2201.8.0"), 200, map[string]any{"version": "1.0.0"}, ""},
		{"latest: newer distribution", "acme/dist/*", hdr("", "User-Agent", "2201.10.3"), 200, map[string]any{"version": "1.1.0"}, ""},
		{"older distribution, exact newer build", "acme/dist/1.1.0", hdr("", "User-Agent", "2201.8.0"), 404, nil,
			"package not found for: acme/dist:1.1.0_any"},
		{"java21 package for java17", "acme/j21/1.0.0", hdr("", "Ballerina-Platform", "java17"), 404, nil,
			"package not found for: acme/j21:1.0.0_java17"},
		{"java21 package for the list", "acme/j21/1.0.0", hdr("", "Ballerina-Platform", javaPlatforms), 200, map[string]any{"platform": "java21"}, ""},
		{"latest java21 package for java17", "acme/j21/*", hdr("", "Ballerina-Platform", "java17"), 404, nil,
			"package not found for: acme/j21:*_java17"},
		{"unknown version", "acme/winery/9.9.9", hdr("", "Ballerina-Platform", javaPlatforms), 404, nil,
			"package not found for: acme/winery:9.9.9_" + javaPlatforms},
		{"unknown package", "acme/nope/*", nil, 404, nil, "package not found for: acme/nope:*_any"},
		{"private, anonymous", "acme/secret/1.0.0", nil, 404, nil, "package not found for: acme/secret:1.0.0_any"},
		{"private, outsider", "acme/secret/*", hdr(f.daveTok), 404, nil, "package not found for: acme/secret:*_any"},
		{"private, member", "acme/secret/1.0.0", hdr(f.carolTok), 200, map[string]any{"visibility": "private"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.request("GET", centralPrefix+"/packages/"+tt.path, nil, tt.headers...)
			if tt.status != 200 {
				if msg := errorMessage(t, resp, tt.status); msg != tt.message {
					t.Errorf("message %q, want %q", msg, tt.message)
				}
				return
			}
			obj := decodeObject(t, resp)
			for k, want := range tt.fields {
				if got := obj[k]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}

	t.Run("modules and always-present fields", func(t *testing.T) {
		obj := decodeObject(t, f.request("GET", centralPrefix+"/packages/acme/winery/1.0.0", nil))
		for _, k := range []string{"isDeprecated", "summary", "readme", "modules", "createdDate", "licenses", "authors"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("field %q missing", k)
			}
		}
		mods, _ := obj["modules"].([]any)
		var names []string
		for _, m := range mods {
			names = append(names, m.(map[string]any)["name"].(string))
		}
		if !reflect.DeepEqual(names, []string{"winery", "winery.util"}) {
			t.Errorf("modules %q", names)
		}
		if !strings.Contains(obj["readme"].(string), "\n") {
			t.Errorf("readme %q has no newline", obj["readme"])
		}
	})

	t.Run("invalid version", func(t *testing.T) {
		msg := errorMessage(t, f.request("GET", centralPrefix+"/packages/acme/winery/v2", nil), 400)
		if !strings.Contains(msg, `invalid version "v2"`) || !strings.Contains(msg, "* for the latest") {
			t.Errorf("message %q", msg)
		}
	})
}

// decodeObject checks a 200 JSON response and returns its object.
func decodeObject(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q, body %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return obj
}

func TestCentralPull(t *testing.T) {
	f := newPkgFixture(t)
	winery := f.publish(balaSpec{Name: "winery", Version: "1.0.0"})
	winery11 := f.publish(balaSpec{Name: "winery", Version: "1.1.0", Platform: "java17"})
	f.publish(balaSpec{Name: "old", Version: "1.0.0"})
	f.deprecate("acme", "old", "1.0.0", `use "acme/winery" instead`)
	secret := f.publish(balaSpec{Name: "secret", Version: "1.0.0", Visibility: "private"})
	pullHeaders := func(token string) []string {
		return hdr(token, "Accept", "application/octet-stream", "Accept-Encoding", "identity",
			"Ballerina-Platform", javaPlatforms, "User-Agent", "2201.10.3")
	}
	digestOf := func(b []byte) string {
		sum := sha256.Sum256(b)
		return "sha-256=" + new(big.Int).SetBytes(sum[:]).Text(16)
	}
	dl := f.url + centralPrefix + "/download/acme/"

	tests := []struct {
		name    string
		path    string
		token   string
		status  int
		headers map[string]string // exact values; "" means absent
		message string
	}{
		{"exact version", "acme/winery/1.0.0", "", 302, map[string]string{
			"Location":            dl + "winery/1.0.0/acme-winery-any-1.0.0.bala",
			"Content-Disposition": "attachment; filename=acme-winery-any-1.0.0.bala",
			"digest":              digestOf(winery),
			"isdeprecated":        "", "deprecatemessage": "", "Is-Deprecated": "", "Deprecate-Message": "",
		}, ""},
		{"latest", "acme/winery/*", "", 302, map[string]string{
			"Location":            dl + "winery/1.1.0/acme-winery-java17-1.1.0.bala",
			"Content-Disposition": "attachment; filename=acme-winery-java17-1.1.0.bala",
			"digest":              digestOf(winery11),
		}, ""},
		{"deprecated", "acme/old/1.0.0", "", 302, map[string]string{
			"isdeprecated": "true", "deprecatemessage": `use "acme/winery" instead`,
			"Is-Deprecated": "true", "Deprecate-Message": `use "acme/winery" instead`,
		}, ""},
		{"private, member", "acme/secret/1.0.0", f.carolTok, 302, map[string]string{"digest": digestOf(secret)}, ""},
		{"private, anonymous", "acme/secret/1.0.0", "", 404, nil, "package not found for: acme/secret:1.0.0_" + javaPlatforms},
		{"private, outsider", "acme/secret/*", f.daveTok, 404, nil, "package not found for: acme/secret:*_" + javaPlatforms},
		{"unknown", "acme/winery/3.0.0", "", 404, nil, "package not found for: acme/winery:3.0.0_" + javaPlatforms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.request("GET", centralPrefix+"/packages/"+tt.path, nil, pullHeaders(tt.token)...)
			if tt.status != 302 {
				if msg := errorMessage(t, resp, tt.status); msg != tt.message {
					t.Errorf("message %q, want %q", msg, tt.message)
				}
				return
			}
			if body := readBody(t, resp); resp.StatusCode != 302 || body != "" {
				t.Fatalf("status %d, body %q", resp.StatusCode, body)
			}
			for k, want := range tt.headers {
				vals := resp.Header.Values(k)
				if want == "" && len(vals) > 0 || want != "" && (len(vals) != 1 || vals[0] != want) {
					t.Errorf("%s: %q, want %q", k, vals, want)
				}
			}
			// The Java client parses the version from the second-to-last
			// segment of Location.
			seg := strings.Split(resp.Header.Get("Location"), "/")
			if got, want := seg[len(seg)-2], strings.Split(tt.path, "/")[2]; want != "*" && got != want {
				t.Errorf("Location's second-to-last segment %q, want %q", got, want)
			}
		})
	}

	t.Run("download", func(t *testing.T) {
		path := "/download/acme/winery/1.0.0/acme-winery-any-1.0.0.bala"
		for range 3 {
			resp := f.request("GET", centralPrefix+path, nil, hdr(f.aliceTok, "Accept-Encoding", "identity",
				"Content-Disposition", "attachment; filename=acme-winery-any-1.0.0.bala")...)
			body := readBody(t, resp)
			if resp.StatusCode != 200 || body != string(winery) {
				t.Fatalf("status %d, %d bytes, want 200 and the %d bytes of the bala", resp.StatusCode, len(body), len(winery))
			}
			if got := resp.Header.Get("Content-Type"); got != "application/octet-stream" {
				t.Errorf("Content-Type %q", got)
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(winery)) || resp.ContentLength != int64(len(winery)) {
				t.Errorf("Content-Length %q (%d), want %d", got, resp.ContentLength, len(winery))
			}
			if len(resp.TransferEncoding) != 0 {
				t.Errorf("Transfer-Encoding %q, want none", resp.TransferEncoding)
			}
		}
		// HEAD does not count as a pull.
		readBody(t, f.request("HEAD", centralPrefix+path, nil))
		if err := f.srv.pulls.flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		pv, err := f.meta.Version(context.Background(), "acme", "winery", "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if pv.PullCount != 3 {
			t.Errorf("pull count %d, want 3", pv.PullCount)
		}
	})

	downloads := []struct {
		name, path, token string
		status            int
	}{
		{"private, member", "secret/1.0.0/acme-secret-any-1.0.0.bala", f.carolTok, 200},
		{"private, anonymous", "secret/1.0.0/acme-secret-any-1.0.0.bala", "", 404},
		{"private, outsider", "secret/1.0.0/acme-secret-any-1.0.0.bala", f.daveTok, 404},
		{"wrong file name", "winery/1.0.0/acme-winery-java17-1.0.0.bala", "", 404},
		{"unknown version", "winery/9.0.0/acme-winery-any-9.0.0.bala", "", 404},
		{"invalid token", "winery/1.0.0/acme-winery-any-1.0.0.bala", "bct_nope", 401},
	}
	for _, tt := range downloads {
		t.Run("download "+tt.name, func(t *testing.T) {
			resp := f.request("GET", centralPrefix+"/download/acme/"+tt.path, nil, hdr(tt.token)...)
			if tt.status == 200 {
				if body := readBody(t, resp); resp.StatusCode != 200 || body != string(secret) {
					t.Fatalf("status %d, %d bytes", resp.StatusCode, len(body))
				}
				return
			}
			errorMessage(t, resp, tt.status)
		})
	}
}

func TestJavaDigest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a3f1", "a3f1"},
		{"00000abc", "abc"},
		{"0" + strings.Repeat("f", 63), strings.Repeat("f", 63)},
		{strings.Repeat("0", 64), "0"},
		{"ABC", "abc"},
	}
	for _, tt := range tests {
		if got := javaDigest(tt.in); got != tt.want {
			t.Errorf("javaDigest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Against what the Java client computes, new BigInteger(1,
	// sum).toString(16), for contents whose sums start with zeros.
	found := 0
	for i := 0; found < 3; i++ {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		h := hex.EncodeToString(sum[:])
		if h[0] != '0' {
			continue
		}
		found++
		if got, want := javaDigest(h), new(big.Int).SetBytes(sum[:]).Text(16); got != want {
			t.Errorf("javaDigest(%s) = %s, want %s", h, got, want)
		}
		if !sameDigest(h, javaDigest(h)) {
			t.Errorf("sameDigest(%s, stripped) = false", h)
		}
	}
}

// TestCentralPullLeadingZeroDigest pushes a bala whose SHA-256 starts with
// a zero and checks the digest header of its pull.
func TestCentralPullLeadingZeroDigest(t *testing.T) {
	f := newPkgFixture(t)
	var b []byte
	var spec balaSpec
	for i := 0; ; i++ {
		spec = balaSpec{Org: "acme", Name: "zero", Version: "1.0.0", Description: fmt.Sprintf("attempt %d", i)}
		b = testBala(t, spec)
		if sum := sha256.Sum256(b); sum[0]>>4 == 0 {
			break
		}
	}
	f.publish(spec)
	sum := sha256.Sum256(b)
	resp := f.request("GET", centralPrefix+"/packages/acme/zero/1.0.0", nil, "Accept", "application/octet-stream")
	readBody(t, resp)
	want := "sha-256=" + new(big.Int).SetBytes(sum[:]).Text(16)
	if got := resp.Header.Get("digest"); got != want || strings.HasPrefix(got, "sha-256=0") {
		t.Errorf("digest %q, want %q (full: %x)", got, want, sum)
	}
}

func TestCentralDeprecate(t *testing.T) {
	f := newPkgFixture(t)
	f.publish(balaSpec{Name: "winery", Version: "1.0.0"})
	f.publish(balaSpec{Name: "winery", Version: "1.1.0"})
	f.publish(balaSpec{Name: "secret", Version: "1.0.0", Visibility: "private"})
	put := func(kind, path, token, body string) *http.Response {
		return f.request("PUT", centralPrefix+"/packages/"+kind+"/"+path, strings.NewReader(body),
			hdr(token, "Content-Type", "application/json; charset=utf-8", "Accept", "application/json",
				"Accept-Encoding", "identity", "Ballerina-Platform", "java17", "User-Agent", "2201.10.3")...)
	}
	state := func(ver string) (bool, string) {
		pv, err := f.meta.Version(context.Background(), "acme", "winery", ver)
		if err != nil {
			t.Fatal(err)
		}
		return pv.Deprecated, pv.DeprecationMessage
	}

	steps := []struct {
		name     string
		kind     string // deprecate or undeprecate
		path     string
		token    string
		body     string
		status   int
		version  string // of the answer, on 200
		msg      string // deprecateMessage of the answer, or the error message
		after    map[string]string
		unchange bool
	}{
		{"without message", "deprecate", "winery/1.0.0", f.aliceTok, `{"message": "null"}`, 200, "1.0.0", "",
			map[string]string{"1.0.0": "deprecated:", "1.1.0": "active"}, false},
		{"with message by a publisher", "deprecate", "winery/1.0.0", f.bobTok, `{"message": "use 1.1.0"}`, 200, "1.0.0", "use 1.1.0",
			map[string]string{"1.0.0": "deprecated:use 1.1.0"}, false},
		{"unescaped quotes", "deprecate", "winery/1.0.0", f.aliceTok, `{"message": "use "winery" 1.1.0"}`, 200, "1.0.0", `use "winery" 1.1.0`,
			map[string]string{"1.0.0": `deprecated:use "winery" 1.1.0`}, false},
		{"escaped JSON", "deprecate", "winery/1.0.0", f.aliceTok, `{"message":"caf\u00e9 \"x\""}`, 200, "1.0.0", `café "x"`, nil, false},
		{"tab", "deprecate", "winery/1.0.0", f.aliceTok, `{"message": "a\tb"}`, 400, "",
			"invalid deprecation message. The message cannot contain non-space whitespace or back slash characters.", nil, true},
		{"backslash", "deprecate", "winery/1.0.0", f.aliceTok, `{"message": "a\\b"}`, 400, "",
			"invalid deprecation message. The message cannot contain non-space whitespace or back slash characters.", nil, true},
		{"not a body", "deprecate", "winery/1.0.0", f.aliceTok, `message=x`, 400, "", `invalid request body: want {"message": "<deprecation message>"}`, nil, true},
		{"all versions", "deprecate", "winery/*", f.aliceTok, `{"message": "gone"}`, 200, "1.1.0", "gone",
			map[string]string{"1.0.0": "deprecated:gone", "1.1.0": "deprecated:gone"}, false},
		{"undo one", "undeprecate", "winery/1.1.0", f.aliceTok, `{}`, 200, "1.1.0", "",
			map[string]string{"1.0.0": "deprecated:gone", "1.1.0": "active"}, false},
		{"undo all", "undeprecate", "winery/*", f.aliceTok, `{}`, 200, "1.1.0", "",
			map[string]string{"1.0.0": "active", "1.1.0": "active"}, false},
		{"anonymous", "deprecate", "winery/1.0.0", "", `{"message": "x"}`, 401, "",
			`access token required: send "Authorization: Bearer <access token>"`, nil, true},
		{"read-only token", "deprecate", "winery/1.0.0", f.aliceReadOnly, `{"message": "x"}`, 403, "",
			`this access token lacks the "deprecate" scope; create a token with it`, nil, true},
		{"member role", "deprecate", "winery/1.0.0", f.carolTok, `{"message": "x"}`, 403, "",
			"you may not change the deprecation of packages of organization 'acme': only its owners and publishers may", nil, true},
		{"outsider, public", "deprecate", "winery/1.0.0", f.daveTok, `{"message": "x"}`, 403, "",
			"you may not change the deprecation of packages of organization 'acme': only its owners and publishers may", nil, true},
		{"outsider, private", "deprecate", "secret/1.0.0", f.daveTok, `{"message": "x"}`, 404, "",
			"package not found for: acme/secret:1.0.0", nil, true},
		{"unknown version", "deprecate", "winery/2.0.0", f.aliceTok, `{"message": "x"}`, 404, "",
			"package not found for: acme/winery:2.0.0", nil, true},
		{"unknown package", "undeprecate", "nope/*", f.aliceTok, `{}`, 404, "", "package not found for: acme/nope:*", nil, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := map[string]string{}
			for _, v := range []string{"1.0.0", "1.1.0"} {
				d, m := state(v)
				before[v] = fmt.Sprint(d, m)
			}
			resp := put(st.kind, "acme/"+st.path, st.token, st.body)
			if st.status != 200 {
				if msg := errorMessage(t, resp, st.status); msg != st.msg {
					t.Errorf("message %q, want %q", msg, st.msg)
				}
			} else {
				obj := decodeObject(t, resp)
				if obj["version"] != st.version || obj["deprecateMessage"] != st.msg || obj["isDeprecated"] != (st.kind == "deprecate") {
					t.Errorf("answer version %v isDeprecated %v deprecateMessage %q; want %s %v %q",
						obj["version"], obj["isDeprecated"], obj["deprecateMessage"], st.version, st.kind == "deprecate", st.msg)
				}
			}
			for v, want := range st.after {
				d, m := state(v)
				got := "active"
				if d {
					got = "deprecated:" + m
				}
				if got != want {
					t.Errorf("%s: %s, want %s", v, got, want)
				}
			}
			if st.unchange {
				for _, v := range []string{"1.0.0", "1.1.0"} {
					if d, m := state(v); fmt.Sprint(d, m) != before[v] {
						t.Errorf("%s changed to %v %q", v, d, m)
					}
				}
			}
		})
	}

	t.Run("audit", func(t *testing.T) {
		evs, err := f.meta.ListAudit(context.Background(), store.AuditFilter{Subject: "acme/winery:*"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range evs {
			got = append(got, e.Actor+" "+e.Action)
		}
		if want := []string{"alice undeprecate", "alice deprecate"}; !reflect.DeepEqual(got, want) {
			t.Errorf("audit %q, want %q", got, want)
		}
	})
}

func TestDeprecationMessage(t *testing.T) {
	tests := []struct {
		body string
		msg  string
		ok   bool
	}{
		{``, "", true},
		{`{}`, "", true},
		{`{"message": "null"}`, "", true},
		{`{"message": null}`, "", true},
		{`{"message": "use bar"}`, "use bar", true},
		{`{"message": "say "hi" now"}`, `say "hi" now`, true},
		{`{"message": ""}`, "", true},
		{` {"message" : "x"} `, "x", true},
		{`{"message": "a \"b\""}`, `a "b"`, true},
		{`{"message": "}"}`, "}", true},
		{`{"message": "x"`, "", false},
		{`{"msg": "x" "y"}`, "", false},
		{`["x"]`, "", false},
		{`message`, "", false},
		{`{"message": x}`, "", false},
	}
	for _, tt := range tests {
		msg, ok := deprecationMessage([]byte(tt.body))
		if msg != tt.msg || ok != tt.ok {
			t.Errorf("deprecationMessage(%s) = %q, %v; want %q, %v", tt.body, msg, ok, tt.msg, tt.ok)
		}
	}
}

// fakePullStore records IncrementPullCount calls and fails for chosen
// versions.
type fakePullStore struct {
	mu     sync.Mutex
	counts map[string]int64
	calls  int
	fail   map[string]error
}

func (s *fakePullStore) IncrementPullCount(_ context.Context, org, name, version string, n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	k := org + "/" + name + ":" + version
	if err := s.fail[k]; err != nil {
		return err
	}
	s.counts[k] += n
	return nil
}

func TestPullCounter(t *testing.T) {
	st := &fakePullStore{counts: map[string]int64{}, fail: map[string]error{
		"a/gone:1.0.0": fmt.Errorf("version: %w", store.ErrNotFound),
		"a/busy:1.0.0": errors.New("database is locked"),
	}}
	c := newPullCounter(st, testLogger(), 1<<40) // the timer never fires during the test
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { c.add("a", "x", "1.0.0") })
	}
	wg.Wait()
	c.add("a", "y", "2.0.0")
	c.add("a", "gone", "1.0.0")
	c.add("a", "busy", "1.0.0")
	if st.calls != 0 {
		t.Fatalf("%d store writes before a flush; downloads must not write", st.calls)
	}
	err := c.flush(context.Background())
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("flush error %v, want the busy version's", err)
	}
	want := map[string]int64{"a/x:1.0.0": 50, "a/y:2.0.0": 1}
	if !reflect.DeepEqual(st.counts, want) {
		t.Errorf("counts %v, want %v", st.counts, want)
	}
	// The failed count is kept, the vanished version's dropped.
	delete(st.fail, "a/busy:1.0.0")
	st.calls = 0
	if err := c.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.calls != 1 || st.counts["a/busy:1.0.0"] != 1 {
		t.Errorf("after close: %d calls, counts %v", st.calls, st.counts)
	}
	if err := c.flush(context.Background()); err != nil || st.calls != 1 {
		t.Errorf("an empty flush wrote (%d calls, err %v)", st.calls, err)
	}
}

// TestPullCounterScheduled checks that counts reach the store without an
// explicit flush.
func TestPullCounterScheduled(t *testing.T) {
	st := &fakePullStore{counts: map[string]int64{}}
	c := newPullCounter(st, testLogger(), 1)
	c.add("a", "x", "1.0.0")
	for {
		st.mu.Lock()
		n := st.counts["a/x:1.0.0"]
		st.mu.Unlock()
		if n == 1 {
			break
		}
		// Wait for the timer; the test fails by timing out if it never
		// fires.
		time.Sleep(time.Millisecond)
	}
	if err := c.close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestPullCountFlushedAtShutdown checks that Serve writes the pull counts
// still in memory when it stops.
func TestPullCountFlushedAtShutdown(t *testing.T) {
	f := newPkgFixture(t)
	f.publish(balaSpec{Name: "winery", Version: "1.0.0"})
	for range 2 {
		resp := f.request("GET", centralPrefix+"/download/acme/winery/1.0.0/acme-winery-any-1.0.0.bala", nil)
		if body := readBody(t, resp); resp.StatusCode != 200 {
			t.Fatalf("download: %d %s", resp.StatusCode, body)
		}
	}
	pv, err := f.meta.Version(context.Background(), "acme", "winery", "1.0.0")
	if err != nil || pv.PullCount != 0 {
		t.Fatalf("pull count before shutdown %d (%v); want 0: downloads must not write", pv.PullCount, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.srv.Serve(ctx, ln); err != nil {
		t.Fatal(err)
	}
	if pv, err = f.meta.Version(context.Background(), "acme", "winery", "1.0.0"); err != nil || pv.PullCount != 2 {
		t.Errorf("pull count after shutdown %d (%v), want 2", pv.PullCount, err)
	}
}
