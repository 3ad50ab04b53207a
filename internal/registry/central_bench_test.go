package registry

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/balcentral/balcentral/internal/store"
)

// BenchmarkCentralReads measures the server side of the Central API's hot
// reads without the network: the package JSON of "*", the version list,
// the 302 of a pull and a 100 KB download, as bench/registry drives them
// with wrk. Access logging is on (at Info, to a buffer), as in production.
func BenchmarkCentralReads(b *testing.B) {
	e := newTestEnv(b)
	owner := e.user("owner", false)
	e.org("bench", owner, nil)
	tok := e.token(owner)
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
		spec := balaSpec{Org: "bench", Name: "pkg1", Version: v, Readme: "# pkg1\n\nA package for benchmarks.\n"}
		resp := e.push(tok, testBala(b, spec), "bench-pkg1-any-"+v+".bala")
		if resp.StatusCode != http.StatusNoContent {
			b.Fatalf("push: %d %s", resp.StatusCode, readBody(b, resp))
		}
		resp.Body.Close()
	}
	// As openStorage does for a real server.
	e.srv.storage.Meta = store.NewCached(e.meta, metadataCacheTTL)
	platform := []string{"Ballerina-Platform", "java21,java17,java11", "User-Agent", "2201.10.3"}
	b.Run("package JSON latest", func(b *testing.B) {
		benchmarkRead(b, e, centralPrefix+"/packages/bench/pkg1/*", append(platform, "Accept", "application/json")...)
	})
	b.Run("versions", func(b *testing.B) {
		benchmarkRead(b, e, centralPrefix+"/packages/bench/pkg1", platform...)
	})
	b.Run("pull 302", func(b *testing.B) {
		benchmarkRead(b, e, centralPrefix+"/packages/bench/pkg1/1.2.0", append(platform, "Accept", "application/octet-stream")...)
	})
	b.Run("download", func(b *testing.B) {
		benchmarkRead(b, e, centralPrefix+"/download/bench/pkg1/1.2.0/bench-pkg1-any-1.2.0.bala")
	})
}

func benchmarkRead(b *testing.B, e *testEnv, path string, hdr ...string) {
	h := e.srv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 400 {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
		}
	}
}
