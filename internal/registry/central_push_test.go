package registry

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/blob"
	"github.com/balcentral/balcentral/internal/store"
)

// pushRaw uploads b as the raw body, as the Go port does.
func (e *testEnv) pushRaw(token string, b []byte, extra ...string) *http.Response {
	e.t.Helper()
	h := hdr(token, append([]string{"Content-Type", "application/octet-stream", "User-Agent", "2201.10.3",
		"Content-Disposition", "attachment; filename=x.bala"}, extra...)...)
	return e.request(http.MethodPost, centralPrefix+"/packages", bytes.NewReader(b), h...)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// balaWithout returns a bala for spec minus the named entries.
func balaWithout(t *testing.T, spec balaSpec, drop ...string) []byte {
	t.Helper()
	a, err := bala.Open(bytes.NewReader(testBala(t, spec)), int64(len(testBala(t, spec))), bala.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var entries []bala.Entry
	for _, name := range a.Files {
		if contains(drop, name) {
			continue
		}
		data, err := a.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, bala.Entry{Name: name, Data: data})
	}
	// bala.Write insists on package.json, so write the zip by hand when
	// the test drops it.
	var buf bytes.Buffer
	if contains(drop, bala.PackageJSONFile) {
		writeZip(t, &buf, entries)
	} else if err := bala.Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCentralPush(t *testing.T) {
	f := newPkgFixture(t)
	f.org("lonely", f.dave, nil)
	spec := func(name, ver string) balaSpec { return balaSpec{Org: "acme", Name: name, Version: ver} }
	good := testBala(t, spec("winery", "1.0.0"))
	goodDigest := sha256Hex(good)

	tests := []struct {
		name    string
		send    func() *http.Response
		status  int
		message string // exact, or a prefix when it ends in "…"
		// published is the version that must exist afterwards, reserved
		// one that must be burned without being published.
		published, reserved string
	}{
		{"multipart", func() *http.Response { return f.push(f.aliceTok, good, "acme-winery-any-1.0.0.bala") },
			204, "", "winery:1.0.0", ""},
		{"multipart, file name ignored", func() *http.Response {
			return f.push(f.bobTok, testBala(t, spec("winery", "1.0.1")), "other-thing-any-9.9.9.bala")
		}, 204, "", "winery:1.0.1", ""},
		{"raw", func() *http.Response { return f.pushRaw(f.aliceTok, testBala(t, spec("raw", "1.0.0"))) },
			204, "", "raw:1.0.0", ""},
		{"raw with digest", func() *http.Response {
			b := testBala(t, spec("raw", "1.1.0"))
			return f.pushRaw(f.aliceTok, b, "digest", "sha-256="+sha256Hex(b))
		}, 204, "", "raw:1.1.0", ""},
		{"raw with Java-style digest", func() *http.Response {
			b := testBala(t, spec("raw", "1.2.0"))
			return f.pushRaw(f.aliceTok, b, "digest", "sha-256="+javaDigest(sha256Hex(b)))
		}, 204, "", "raw:1.2.0", ""},
		{"digest mismatch", func() *http.Response {
			return f.pushRaw(f.aliceTok, testBala(t, spec("raw", "2.0.0")), "digest", "sha-256="+goodDigest)
		}, 400, "digest mismatch: the digest header says sha-256=" + goodDigest + "…", "", ""},
		{"malformed digest", func() *http.Response {
			return f.pushRaw(f.aliceTok, testBala(t, spec("raw", "2.0.0")), "digest", "md5=abc")
		}, 400, `invalid digest header "md5=abc": want sha-256=<hexadecimal SHA-256 of the bala>`, "", ""},
		{"already exists", func() *http.Response { return f.push(f.aliceTok, good, "x.bala") },
			400, "package already exists: acme/winery:1.0.0", "winery:1.0.0", ""},
		{"already exists, other content", func() *http.Response {
			return f.push(f.aliceTok, testBala(t, balaSpec{Org: "acme", Name: "winery", Version: "1.0.0", Description: "new"}), "x.bala")
		}, 400, "package already exists: acme/winery:1.0.0", "winery:1.0.0", ""},
		{"not a zip", func() *http.Response { return f.push(f.aliceTok, []byte("this is not a zip archive"), "x.bala") },
			400, "invalid bala: …", "", ""},
		{"no package.json", func() *http.Response {
			return f.push(f.aliceTok, balaWithout(t, spec("nopj", "1.0.0"), bala.PackageJSONFile), "x.bala")
		}, 400, "invalid bala: …", "", ""},
		{"no README", func() *http.Response {
			return f.push(f.aliceTok, testBala(t, balaSpec{Org: "acme", Name: "noreadme", Version: "1.0.0", Readme: "-"}), "x.bala")
		}, 400, "acme/noreadme:1.0.0: README.md is missing in the bala; …", "", ""},
		{"empty README", func() *http.Response {
			return f.push(f.aliceTok, testBala(t, balaSpec{Org: "acme", Name: "emptyreadme", Version: "1.0.0", Readme: " \n\n"}), "x.bala")
		}, 400, "acme/emptyreadme:1.0.0: docs/README.md cannot be empty; describe the package in it and run bal pack again", "", ""},
		{"README named in package.json missing", func() *http.Response {
			return f.push(f.aliceTok, balaWithout(t, spec("lostreadme", "1.0.0"), "docs/README.md"), "x.bala")
		}, 400, `acme/lostreadme:1.0.0: the README "docs/README.md" named in package.json is missing from the bala; run bal pack again`, "", ""},
		{"unknown org", func() *http.Response {
			return f.push(f.aliceTok, testBala(t, balaSpec{Org: "ghost", Name: "x", Version: "1.0.0"}), "x.bala")
		}, 400, "organization 'ghost' does not exist; an administrator or the web UI can create it", "", ""},
		{"non-member", func() *http.Response { return f.push(f.daveTok, testBala(t, spec("dave", "1.0.0")), "x.bala") },
			403, "you may not publish to organization 'acme': only its owners and publishers may; ask an owner to make you a publisher", "", ""},
		{"member role", func() *http.Response { return f.push(f.carolTok, testBala(t, spec("carol", "1.0.0")), "x.bala") },
			403, "you may not publish to organization 'acme': only its owners and publishers may; ask an owner to make you a publisher", "", ""},
		{"owner of another org", func() *http.Response {
			return f.push(f.daveTok, testBala(t, balaSpec{Org: "acme", Name: "lonely", Version: "1.0.0"}), "lonely-lonely-any-1.0.0.bala")
		}, 403, "you may not publish to organization 'acme': …", "", ""},
		{"wrong scope", func() *http.Response { return f.push(f.aliceReadOnly, testBala(t, spec("scope", "1.0.0")), "x.bala") },
			403, `this access token lacks the "publish" scope; create a token with it`, "", ""},
		{"anonymous", func() *http.Response { return f.push("", testBala(t, spec("anon", "1.0.0")), "x.bala") },
			401, `access token required: send "Authorization: Bearer <access token>"`, "", ""},
		{"invalid token", func() *http.Response { return f.push("bct_forged", testBala(t, spec("anon", "1.0.0")), "x.bala") },
			401, "invalid access token", "", ""},
		{"multipart without bala-file", func() *http.Response {
			body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bala\"\r\n\r\nxyz\r\n--b--\r\n"
			return f.request("POST", centralPrefix+"/packages", strings.NewReader(body),
				hdr(f.aliceTok, "Content-Type", "multipart/form-data; boundary=b")...)
		}, 400, `the multipart body has no "bala-file" part; send the bala in a form field named "bala-file"`, "", ""},
		{"other content type", func() *http.Response {
			return f.request("POST", centralPrefix+"/packages", bytes.NewReader(good), hdr(f.aliceTok, "Content-Type", "application/zip")...)
		}, 415, `unsupported Content-Type "application/zip": …`, "", ""},
		{"empty body", func() *http.Response { return f.pushRaw(f.aliceTok, nil) },
			400, "empty upload: send the bala file", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.send()
			if tt.status == 204 {
				if body := readBody(t, resp); resp.StatusCode != 204 || body != "" {
					t.Fatalf("status %d, body %q; want 204 and no body", resp.StatusCode, body)
				}
			} else {
				msg := errorMessage(t, resp, tt.status)
				if prefix, ok := strings.CutSuffix(tt.message, "…"); ok {
					if !strings.HasPrefix(msg, prefix) {
						t.Errorf("message %q, want it to start with %q", msg, prefix)
					}
				} else if msg != tt.message {
					t.Errorf("message %q, want %q", msg, tt.message)
				}
			}
			if tt.published != "" {
				name, ver, _ := strings.Cut(tt.published, ":")
				if _, err := f.meta.Version(context.Background(), "acme", name, ver); err != nil {
					t.Errorf("acme/%s not published: %v", tt.published, err)
				}
			}
		})
	}

	t.Run("nothing reserved by refused pushes", func(t *testing.T) {
		for _, ref := range [][2]string{{"raw", "2.0.0"}, {"noreadme", "1.0.0"}, {"dave", "1.0.0"}, {"carol", "1.0.0"}, {"scope", "1.0.0"}, {"anon", "1.0.0"}} {
			if _, err := f.meta.Reservation(context.Background(), "acme", ref[0], ref[1]); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("acme/%s:%s: reservation %v, want none", ref[0], ref[1], err)
			}
		}
	})

	t.Run("metadata", func(t *testing.T) {
		b := testBala(t, balaSpec{Org: "acme", Name: "meta", Version: "1.0.0", Platform: "java17", Visibility: "private",
			Keywords: []string{"k1", "k2"}, Modules: []string{"util"}, Deps: [][3]string{{"ballerina", "io", "1.6.0"}},
			Readme: "Meta\n====\n\n[![build](b.svg)](x)\nMeta does things.\n"})
		f.publish(balaSpecFromBytes(t, b))
		pv, err := f.meta.Version(context.Background(), "acme", "meta", "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		a, err := bala.Open(bytes.NewReader(b), int64(len(b)), bala.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		pj, _ := a.ReadFile(bala.PackageJSONFile)
		graph, _ := a.ReadFile(bala.DependencyGraphJSONFile)
		checks := []struct {
			field     string
			got, want any
		}{
			{"platform", pv.Platform, "java17"},
			{"visibility", pv.Visibility, store.Private},
			{"summary", pv.Summary, "Meta does things."},
			{"keywords", pv.Keywords, []string{"k1", "k2"}},
			{"authors", pv.Authors, []string{"tester"}},
			{"licenses", pv.Licenses, []string{"Apache-2.0"}},
			{"ballerina version", pv.BallerinaVersion, "2201.10.0"},
			{"readme", pv.Readme, "Meta\n====\n\n[![build](b.svg)](x)\nMeta does things.\n"},
			{"modules", pv.Modules, []store.Module{{Name: "meta"}, {Name: "meta.util"}}},
			{"digest", pv.Digest, sha256Hex(b)},
			{"size", pv.Size, int64(len(b))},
			{"package.json", string(pv.PackageJSON), string(pj)},
			{"dependency graph", string(pv.DependencyGraph), string(graph)},
			{"published by", pv.PublishedBy, f.alice.ID},
		}
		for _, c := range checks {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
			}
		}
		evs, err := f.meta.ListAudit(context.Background(), store.AuditFilter{Action: "publish", Subject: "acme/meta:1.0.0"}, 0)
		if err != nil || len(evs) != 1 || evs[0].Actor != "alice" {
			t.Errorf("audit events %+v, %v; want one publish by alice", evs, err)
		}
	})

	t.Run("module summaries", func(t *testing.T) {
		pj := &bala.PackageJSON{Organization: "acme", Name: "mods", Version: "1.0.0", Readme: "docs/README.md",
			Modules: []bala.ModuleJSON{
				{Name: "mods", Export: true, Description: "The root module."},
				{Name: "mods.a", Export: true, Readme: "docs/modules/mods.a/README.md"},
				{Name: "mods.b", Export: true},
			}}
		b := buildBala(t, pj, map[string]string{
			"docs/README.md":                "# Mods\nMany modules.\n",
			"docs/modules/mods.a/README.md": "# A\n\nModule A.\n",
			"docs/modules/mods.b/Module.md": "Module B, legacy.\n",
			"modules/mods/m.bal":            "",
		})
		if resp := f.push(f.aliceTok, b, "x.bala"); resp.StatusCode != 204 {
			t.Fatalf("push: %d %s", resp.StatusCode, readBody(t, resp))
		}
		pv, err := f.meta.Version(context.Background(), "acme", "mods", "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		want := []store.Module{{Name: "mods", Summary: "The root module."}, {Name: "mods.a", Summary: "Module A."},
			{Name: "mods.b", Summary: "Module B, legacy."}}
		if !reflect.DeepEqual(pv.Modules, want) || pv.Summary != "Many modules." || pv.Platform != "any" {
			t.Errorf("modules %+v, summary %q, platform %q", pv.Modules, pv.Summary, pv.Platform)
		}
	})

	t.Run("a failed reservation keeps its number", func(t *testing.T) {
		ctx := context.Background()
		if err := f.meta.ReserveVersion(ctx, "acme", "burned", "1.0.0", f.alice.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.meta.FailReservation(ctx, "acme", "burned", "1.0.0"); err != nil {
			t.Fatal(err)
		}
		resp := f.push(f.aliceTok, testBala(t, spec("burned", "1.0.0")), "x.bala")
		if msg := errorMessage(t, resp, 400); msg != "package already exists: acme/burned:1.0.0" {
			t.Errorf("message %q", msg)
		}
	})

	t.Run("spool files are gone", func(t *testing.T) {
		entries, err := readDirNames(f.srv.cfg.DataDir + "/" + uploadDir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			t.Errorf("left in the upload directory: %q", entries)
		}
	})
}

// balaSpecFromBytes lets publish push prepared bytes: it returns the spec
// after checking that testBala reproduces b from it.
func balaSpecFromBytes(t *testing.T, b []byte) balaSpec {
	t.Helper()
	a, err := bala.Open(bytes.NewReader(b), int64(len(b)), bala.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	pj := a.Package
	readme, _ := a.ReadFile("docs/README.md")
	var mods []string
	for _, m := range pj.Modules[1:] {
		mods = append(mods, strings.TrimPrefix(m.Name, pj.Name+"."))
	}
	var deps [][3]string
	for _, d := range a.Graph.Packages[0].Dependencies {
		deps = append(deps, [3]string{d.Org, d.Name, d.Version})
	}
	spec := balaSpec{Org: pj.Organization, Name: pj.Name, Version: pj.Version, Platform: pj.Platform, Visibility: pj.Visibility,
		Readme: string(readme), Description: pj.Description, Keywords: pj.Keywords, Modules: mods, Deps: deps,
		BallerinaVersion: pj.BallerinaVersion}
	if !bytes.Equal(testBala(t, spec), b) {
		t.Fatal("testBala is not reproducible from the spec")
	}
	return spec
}

// buildBala writes a bala with the given package.json and files.
func buildBala(t *testing.T, pj *bala.PackageJSON, files map[string]string) []byte {
	t.Helper()
	pjBytes, err := bala.MarshalPackageJSON(pj)
	if err != nil {
		t.Fatal(err)
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		t.Fatal(err)
	}
	entries := []bala.Entry{{Name: bala.PackageJSONFile, Data: pjBytes}, {Name: bala.BalaJSONFile, Data: bj}}
	for name, data := range files {
		entries = append(entries, bala.Entry{Name: name, Data: []byte(data)})
	}
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCentralPushTooLarge(t *testing.T) {
	b := testBala(t, balaSpec{Org: "acme", Name: "big", Version: "1.0.0"})
	limit := int64(len(b) - 1)
	f := newPkgFixture(t, func(c *Config) { c.MaxUploadSize = limit })
	want := fmt.Sprintf("package archive too large: this registry accepts at most %d bytes (max_upload_size)", limit)
	chunked := func(r io.Reader) io.Reader { return struct{ io.Reader }{r} } // hides the length: no Content-Length
	tests := []struct {
		name string
		send func() *http.Response
	}{
		{"multipart", func() *http.Response { return f.push(f.aliceTok, b, "x.bala") }},
		{"raw", func() *http.Response { return f.pushRaw(f.aliceTok, b) }},
		{"raw without Content-Length", func() *http.Response {
			return f.request("POST", centralPrefix+"/packages", chunked(bytes.NewReader(b)),
				hdr(f.aliceTok, "Content-Type", "application/octet-stream")...)
		}},
		{"multipart without Content-Length", func() *http.Response {
			body, ct := multipartBody(t, "bala-file", "x.bala", b)
			return f.request("POST", centralPrefix+"/packages", chunked(bytes.NewReader(body)), hdr(f.aliceTok, "Content-Type", ct)...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := errorMessage(t, tt.send(), http.StatusRequestEntityTooLarge); msg != want {
				t.Errorf("message %q, want %q", msg, want)
			}
		})
	}
	if _, err := f.meta.Reservation(context.Background(), "acme", "big", "1.0.0"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reservation after refused pushes: %v, want none", err)
	}
	// One byte less than the limit is fine.
	small := testBala(t, balaSpec{Org: "acme", Name: "b", Version: "1.0.0"})
	if int64(len(small)) > limit {
		t.Fatalf("test bala of %d bytes over the limit %d", len(small), limit)
	}
	if resp := f.pushRaw(f.aliceTok, small); resp.StatusCode != 204 {
		t.Errorf("push under the limit: %d %s", resp.StatusCode, readBody(t, resp))
	}
}

// multipartBody builds a multipart/form-data body with one file part, the
// way the Java client's HTTP library writes it, and its Content-Type.
func multipartBody(t *testing.T, field, fileName string, data []byte) ([]byte, string) {
	t.Helper()
	const boundary = "d6b2c2a7-3b47-4a8b-9c0f-6a2d8e9f1b3c"
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "--%s\r\nContent-Disposition: form-data; name=%q; filename=%q\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n",
		boundary, field, fileName, len(data))
	buf.Write(data)
	fmt.Fprintf(&buf, "\r\n--%s--\r\n", boundary)
	return buf.Bytes(), "multipart/form-data; boundary=" + boundary
}

// TestCentralPushAuthBeforeBody checks that a push without a valid token is
// refused without reading the upload.
func TestCentralPushAuthBeforeBody(t *testing.T) {
	f := newPkgFixture(t)
	for _, tc := range []struct {
		name, token string
		status      int
	}{
		{"anonymous", "", 401},
		{"invalid token", "bct_forged", 401},
		{"read-only token", f.aliceReadOnly, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &readTracker{}
			req := httptest.NewRequest("POST", centralPrefix+"/packages", body)
			req.Header.Set("Content-Type", "application/octet-stream")
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			rec := httptest.NewRecorder()
			f.srv.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
			if body.read {
				t.Error("the body was read before the token was checked")
			}
		})
	}
}

// readTracker is a request body that records whether it was read.
type readTracker struct{ read bool }

func (r *readTracker) Read(p []byte) (int, error) {
	r.read = true
	return 0, io.EOF
}

// TestCentralPushConcurrent pushes one version 100 times at once: exactly
// one push wins, the others are told the package exists, and the winner's
// content is what downloads.
func TestCentralPushConcurrent(t *testing.T) {
	f := newPkgFixture(t, func(c *Config) { c.RateLimit = Rate{} })
	const n = 100
	b := testBala(t, balaSpec{Org: "acme", Name: "race", Version: "1.0.0"})
	statuses := make([]int, n)
	messages := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp := f.push(f.aliceTok, b, "acme-race-any-1.0.0.bala")
			body := readBody(t, resp)
			statuses[i] = resp.StatusCode
			messages[i] = body
		})
	}
	wg.Wait()
	created, exists := 0, 0
	for i, st := range statuses {
		switch {
		case st == 204:
			created++
		case st == 400 && strings.Contains(messages[i], `"package already exists: acme/race:1.0.0"`):
			exists++
		default:
			t.Errorf("push %d: status %d, body %s", i, st, messages[i])
		}
	}
	if created != 1 || exists != n-1 {
		t.Errorf("%d × 204 and %d × already exists; want 1 and %d", created, exists, n-1)
	}
	infos, err := blob.List(context.Background(), f.blobs)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Digest != sha256Hex(b) {
		t.Errorf("blobs %+v, want exactly the pushed bala", infos)
	}
	resp := f.request("GET", centralPrefix+"/packages/acme/race/1.0.0", nil, "Accept", "application/octet-stream")
	readBody(t, resp)
	if got, want := resp.Header.Get("digest"), "sha-256="+javaDigest(sha256Hex(b)); got != want {
		t.Errorf("digest %q, want %q", got, want)
	}
	dl := f.request("GET", strings.TrimPrefix(resp.Header.Get("Location"), f.url), nil)
	if body := readBody(t, dl); dl.StatusCode != 200 || sha256Hex([]byte(body)) != sha256Hex(b) {
		t.Errorf("download: status %d, digest %s", dl.StatusCode, sha256Hex([]byte(body)))
	}
}

// failingBlobs is a blob store whose Put fails.
type failingBlobs struct{ blob.Store }

var errDiskFull = errors.New("no space left on device")

func (failingBlobs) Put(context.Context, io.Reader, int64) (blob.Info, error) {
	return blob.Info{}, &blob.Error{Op: "put", Err: errDiskFull}
}

// TestCentralPushBlobFirst makes the blob store fail: the push is a 500,
// no metadata appears, and the version number stays used.
func TestCentralPushBlobFirst(t *testing.T) {
	f := newPkgFixture(t)
	f.srv.storage.Blobs = failingBlobs{f.blobs}
	b := testBala(t, balaSpec{Org: "acme", Name: "fragile", Version: "1.0.0"})
	msg := errorMessage(t, f.push(f.aliceTok, b, "x.bala"), 500)
	if !strings.HasPrefix(msg, "internal server error") || strings.Contains(msg, errDiskFull.Error()) {
		t.Errorf("message %q: want the generic internal error without the cause", msg)
	}
	if !strings.Contains(f.logs.String(), errDiskFull.Error()) {
		t.Error("the cause is not in the server log")
	}
	errorMessage(t, f.request("GET", centralPrefix+"/packages/acme/fragile", nil), 404)
	errorMessage(t, f.request("GET", centralPrefix+"/packages/acme/fragile/1.0.0", nil), 404)
	r, err := f.meta.Reservation(context.Background(), "acme", "fragile", "1.0.0")
	if err != nil || r.State != store.StateFailed {
		t.Fatalf("reservation %+v, %v; want state failed", r, err)
	}
	f.srv.storage.Blobs = f.blobs
	if msg := errorMessage(t, f.push(f.aliceTok, b, "x.bala"), 400); msg != "package already exists: acme/fragile:1.0.0" {
		t.Errorf("second push: %q", msg)
	}
}

// writeZip writes entries as a plain zip archive, for balas bala.Write
// refuses to produce.
func writeZip(t *testing.T, w io.Writer, entries []bala.Entry) {
	t.Helper()
	zw := zip.NewWriter(w)
	for _, e := range entries {
		fw, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(e.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// readDirNames lists a directory; a missing one is empty.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}

func TestSummaryOf(t *testing.T) {
	tests := []struct{ md, want string }{
		{"# Title\n\nFirst line.\nSecond line.\n", "First line."},
		{"Title\n=====\n\nText after a setext heading.", "Text after a setext heading."},
		{"Sub\n---\nBody", "Body"},
		{"[![CI](b.svg)](x)\n![logo](l.png)\n<!-- note -->\n  Indented text.  \n", "Indented text."},
		{"## Only headings\n### More\n", ""},
		{"", ""},
		{strings.Repeat("é", 400), strings.Repeat("é", 256)},
	}
	for _, tt := range tests {
		if got := summaryOf(tt.md); got != tt.want {
			t.Errorf("summaryOf(%q) = %q, want %q", tt.md, got, tt.want)
		}
	}
}
