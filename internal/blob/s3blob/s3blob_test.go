package s3blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/balcentral/balcentral/internal/blob"
	"github.com/balcentral/balcentral/internal/blob/blobtest"
	"github.com/balcentral/balcentral/internal/blob/s3blob/miniotest"
)

func TestMain(m *testing.M) { miniotest.Main(m) }

// options returns the options of a store in ep's bucket.
func options(ep miniotest.Endpoint) Options {
	return Options{
		Endpoint:   ep.URL,
		Region:     ep.Region,
		Bucket:     ep.Bucket,
		AccessKey:  ep.AccessKey,
		SecretKey:  ep.SecretKey,
		Addressing: PathStyle,
		MaxSize:    blobtest.MaxSize,
	}
}

// openStore opens a store with opts and, when the test ends, checks that
// no upload left anything under tmp/.
func openStore(t testing.TB, ep miniotest.Endpoint, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	client := mustClient(t, ep)
	t.Cleanup(func() {
		ctx := context.Background()
		for obj := range client.ListObjectsIter(ctx, ep.Bucket, minio.ListObjectsOptions{Prefix: s.prefix + tmpDir, Recursive: true}) {
			if obj.Err != nil {
				t.Errorf("listing tmp/: %v", obj.Err)
				return
			}
			t.Errorf("temporary object left behind: %s", obj.Key)
		}
	})
	return s
}

func mustClient(t testing.TB, ep miniotest.Endpoint) *minio.Client {
	t.Helper()
	c, err := ep.Client()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestConformance runs the blob suite with path-style requests, a key
// prefix and the smallest part size, so that the suite's large blobs go
// through multipart uploads.
func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t testing.TB) blob.Store {
		ep := miniotest.Start(t)
		opts := options(ep)
		opts.Prefix = "central/blobs"
		opts.PartSize = MinPartSize
		return openStore(t, ep, opts)
	})
}

// TestConformanceVirtualHostTLS runs the suite again over HTTPS, with
// virtual-host-style requests and the default part size.
func TestConformanceVirtualHostTLS(t *testing.T) {
	blobtest.Run(t, func(t testing.TB) blob.Store {
		ep := miniotest.StartTLS(t)
		opts := options(ep)
		opts.Endpoint = ep.VirtualHostURL
		opts.Addressing = VirtualHostStyle
		opts.Transport = ep.Transport()
		return openStore(t, ep, opts)
	})
}

func BenchmarkStore(b *testing.B) {
	blobtest.RunBenchmarks(b, func(b testing.TB) blob.Store {
		ep := miniotest.Start(b)
		return openStore(b, ep, options(ep))
	})
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// pattern returns n bytes that differ from those of another seed.
func pattern(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>13)
	}
	return b
}

func put(t *testing.T, s *Store, data []byte, declared int64) blob.Info {
	t.Helper()
	info, err := s.Put(context.Background(), bytes.NewReader(data), declared)
	if err != nil {
		t.Fatalf("Put(%d bytes, declared %d): %v", len(data), declared, err)
	}
	if info.Digest != digestOf(data) || info.Size != int64(len(data)) {
		t.Fatalf("Put = {%s, %d}, want {%s, %d}", info.Digest, info.Size, digestOf(data), len(data))
	}
	return info
}

func readAll(t *testing.T, s *Store, digest string) []byte {
	t.Helper()
	rc, _, err := s.Open(context.Background(), digest)
	if err != nil {
		t.Fatalf("Open(%s): %v", digest, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", digest, err)
	}
	return b
}

// recorder is a transport that records the requests it carries.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(context.Background()))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// take returns the requests recorded since the last call.
func (r *recorder) take() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	reqs := r.reqs
	r.reqs = nil
	return reqs
}

// TestMultipartUpload: a blob larger than a part goes up in parts, with
// memory bounded by the part size, whether its length is declared or not;
// a smaller one goes up in one PUT.
func TestMultipartUpload(t *testing.T) {
	ep := miniotest.Start(t)
	rec := &recorder{next: ep.Transport()}
	opts := options(ep)
	opts.PartSize = MinPartSize
	opts.Transport = rec
	s := openStore(t, ep, opts)
	large := pattern(1, 2*MinPartSize+12345) // three parts
	small := pattern(2, MinPartSize-1)
	tests := []struct {
		name      string
		data      []byte
		declared  int64
		wantParts int // 0: a single PUT
	}{
		{"large declared", large, int64(len(large)), 3},
		{"large unknown length", large, -1, 3},
		{"small declared", small, int64(len(small)), 0},
		{"small unknown length", small, -1, 0},
		{"exactly one part, unknown length", large[:MinPartSize], -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec.take()
			info := put(t, s, tt.data, tt.declared)
			parts, initiated, puts := 0, 0, 0
			for _, req := range rec.take() {
				q := req.URL.Query()
				switch {
				case req.Method == http.MethodPost && q.Has("uploads"):
					initiated++
				case req.Method == http.MethodPut && q.Has("partNumber"):
					parts++
				case req.Method == http.MethodPut && req.Header.Get("X-Amz-Copy-Source") == "":
					puts++
				}
			}
			if tt.wantParts > 0 && (initiated != 1 || parts != tt.wantParts || puts != 0) {
				t.Errorf("upload: %d multipart uploads of %d parts and %d single PUTs; want 1 of %d parts", initiated, parts, puts, tt.wantParts)
			}
			if tt.wantParts == 0 && (initiated != 0 || parts != 0 || puts != 1) {
				t.Errorf("upload: %d multipart uploads of %d parts and %d single PUTs; want one single PUT", initiated, parts, puts)
			}
			if got := readAll(t, s, info.Digest); !bytes.Equal(got, tt.data) {
				t.Errorf("read back %d bytes, not the %d stored", len(got), len(tt.data))
			}
		})
	}
}

// TestCleanRemovesLeftovers: what a killed upload leaves under tmp/, an
// object or an incomplete multipart upload, is invisible and Clean
// removes it, and only it.
func TestCleanRemovesLeftovers(t *testing.T) {
	ep := miniotest.Start(t)
	opts := options(ep)
	opts.Prefix = "p"
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	kept := put(t, s, []byte("kept"), -1)
	client := mustClient(t, ep)
	leftover := []byte("half-written upload")
	leftoverKey := s.prefix + tmpDir + tmpPrefix + "0123456789abcdef"
	if _, err := client.PutObject(ctx, ep.Bucket, leftoverKey, bytes.NewReader(leftover), int64(len(leftover)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	core := &minio.Core{Client: client}
	mpKey := s.prefix + tmpDir + tmpPrefix + "multipart"
	uploadID, err := core.NewMultipartUpload(ctx, ep.Bucket, mpKey, minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	part := pattern(3, MinPartSize)
	if _, err := core.PutObjectPart(ctx, ep.Bucket, mpKey, uploadID, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		t.Fatal(err)
	}

	infos, err := blob.List(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Digest != kept.Digest {
		t.Errorf("List with leftovers under tmp/ = %v, want only %s", infos, kept.Digest)
	}
	if _, err := s.Stat(ctx, digestOf(leftover)); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of the leftover's content: error = %v, want ErrNotFound", err)
	}

	// Everything here is younger than an hour.
	if n, err := s.Clean(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("Clean(an hour ago) = %d, %v; want 0, nil", n, err)
	}
	if _, err := client.StatObject(ctx, ep.Bucket, leftoverKey, minio.StatObjectOptions{}); err != nil {
		t.Errorf("Clean(an hour ago) removed a recent upload: %v", err)
	}
	n, err := s.Clean(ctx, time.Now().Add(2*time.Second))
	if err != nil {
		t.Fatalf("Clean(now): %v", err)
	}
	if _, err := client.StatObject(ctx, ep.Bucket, leftoverKey, minio.StatObjectOptions{}); !isNotFound(err) {
		t.Errorf("leftover object after Clean(now): Stat error %v, want NoSuchKey", err)
	}
	var pending []string
	for up := range client.ListIncompleteUploads(ctx, ep.Bucket, mpKey, true) {
		if up.Err != nil {
			t.Fatal(up.Err)
		}
		pending = append(pending, up.UploadID)
	}
	switch {
	case len(pending) == 0 && n != 2:
		t.Errorf("Clean(now) = %d, want 2 (an object and a multipart upload)", n)
	case len(pending) > 0:
		// The service does not list incomplete uploads by prefix (see
		// Clean); its own expiry must remove them.
		t.Logf("the incomplete multipart upload survives Clean: the service does not list it by prefix (Clean = %d)", n)
		if n != 1 {
			t.Errorf("Clean(now) = %d, want 1 (the object)", n)
		}
		core.AbortMultipartUpload(ctx, ep.Bucket, mpKey, uploadID)
	}
	if _, err := s.Stat(ctx, kept.Digest); err != nil {
		t.Errorf("Clean touched a stored blob: %v", err)
	}
}

// TestPresignGet: a presigned URL downloads the blob with a plain GET and
// no credentials, and only that blob.
func TestPresignGet(t *testing.T) {
	ep := miniotest.Start(t)
	s := openStore(t, ep, options(ep))
	ctx := context.Background()
	data := pattern(4, 300<<10)
	info := put(t, s, data, int64(len(data)))

	u, err := s.PresignGet(ctx, info.Digest, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, ep.URL+"/"+ep.Bucket+"/"+s.Key(info.Digest)+"?") {
		t.Errorf("presigned URL %s does not name the blob's key at the endpoint", u)
	}
	status, body, header := get(t, http.DefaultClient, u)
	if status != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET presigned URL: %d, %d bytes; want 200 and the %d bytes of the blob", status, len(body), len(data))
	}
	if ct := header.Get("Content-Type"); ct != contentType {
		t.Errorf("Content-Type = %q, want %q", ct, contentType)
	}

	// The signature covers the key: another blob's URL made by hand fails.
	other := put(t, s, []byte("other"), -1)
	forged := strings.Replace(u, info.Digest, other.Digest, 2)
	if status, _, _ := get(t, http.DefaultClient, forged); status != http.StatusForbidden {
		t.Errorf("GET of a URL with another digest: %d, want 403", status)
	}
	// A URL for a missing blob is made (signing sends nothing) but fails.
	missing := digestOf([]byte("missing"))
	mu, err := s.PresignGet(ctx, missing, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := get(t, http.DefaultClient, mu); status != http.StatusNotFound {
		t.Errorf("GET presigned URL of a missing blob: %d, want 404", status)
	}

	for _, tt := range []struct {
		digest  string
		expiry  time.Duration
		wantErr error
		wantMsg string
	}{
		{"../etc/passwd", time.Minute, blob.ErrInvalidDigest, "invalid blob digest"},
		{info.Digest, 0, nil, "expiry 0s: must be between 1s and 168h0m0s"},
		{info.Digest, 8 * 24 * time.Hour, nil, "expiry 192h0m0s: must be between 1s and 168h0m0s"},
	} {
		_, err := s.PresignGet(ctx, tt.digest, tt.expiry)
		if err == nil || !strings.Contains(err.Error(), tt.wantMsg) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
			t.Errorf("PresignGet(%q, %v) error = %v, want %q", tt.digest, tt.expiry, err, tt.wantMsg)
		}
	}
}

// TestPresignEndpoint: presigned URLs use PresignEndpoint, the address
// clients know the store by.
func TestPresignEndpoint(t *testing.T) {
	ep := miniotest.Start(t)
	opts := options(ep)
	opts.PresignEndpoint = ep.VirtualHostURL // another name of the same server
	s := openStore(t, ep, opts)
	data := pattern(5, 1000)
	info := put(t, s, data, -1)
	u, err := s.PresignGet(context.Background(), info.Digest, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, ep.VirtualHostURL+"/"+ep.Bucket+"/") {
		t.Errorf("presigned URL %s, want one at %s", u, ep.VirtualHostURL)
	}
	status, body, _ := get(t, &http.Client{Transport: ep.Transport()}, u)
	if status != http.StatusOK || !bytes.Equal(body, data) {
		t.Errorf("GET presigned URL: %d, %d bytes; want 200 and the %d bytes of the blob", status, len(body), len(data))
	}
}

func get(t *testing.T, c *http.Client, url string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body, resp.Header
}

// TestAddressing: path style puts the bucket in the path, virtual-host
// style in the host name, for every operation including presigned URLs.
func TestAddressing(t *testing.T) {
	ep := miniotest.Start(t)
	tests := []struct {
		name       string
		addressing Addressing
		endpoint   string
		wantHost   string
		wantPath   string // prefix of every request's path
	}{
		{"path", PathStyle, ep.URL, ep.Addr, "/" + ep.Bucket + "/"},
		{"auto is path for MinIO", AddressingAuto, ep.URL, ep.Addr, "/" + ep.Bucket + "/"},
		{"virtual host", VirtualHostStyle, ep.VirtualHostURL, ep.Bucket + "." + strings.TrimPrefix(ep.VirtualHostURL, "http://"), "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{next: ep.Transport()}
			opts := options(ep)
			opts.Endpoint = tt.endpoint
			opts.Addressing = tt.addressing
			opts.Transport = rec
			opts.Prefix = tt.name // each its own keys in the one bucket
			s := openStore(t, ep, opts)
			ctx := context.Background()
			data := pattern(6, 5000)
			info := put(t, s, data, -1)
			if got := readAll(t, s, info.Digest); !bytes.Equal(got, data) {
				t.Error("content differs after a round trip")
			}
			if infos, err := blob.List(ctx, s); err != nil || len(infos) != 1 {
				t.Errorf("List = %v, %v; want the one blob", infos, err)
			}
			u, err := s.PresignGet(ctx, info.Digest, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if status, body, _ := get(t, &http.Client{Transport: rec}, u); status != http.StatusOK || !bytes.Equal(body, data) {
				t.Errorf("GET presigned URL: %d, %d bytes", status, len(body))
			}
			if err := s.Delete(ctx, info.Digest); err != nil {
				t.Fatal(err)
			}
			reqs := rec.take()
			if len(reqs) < 6 {
				t.Fatalf("recorded %d requests, want at least 6", len(reqs))
			}
			for _, req := range reqs {
				if req.URL.Host != tt.wantHost || !strings.HasPrefix(req.URL.Path, tt.wantPath) {
					t.Errorf("%s %s%s: want host %s and a path under %s", req.Method, req.URL.Host, req.URL.Path, tt.wantHost, tt.wantPath)
				}
			}
		})
	}
}

// TestPutRenewsModTime: storing content that is there already renews the
// object's Last-Modified, without a second object.
func TestPutRenewsModTime(t *testing.T) {
	ep := miniotest.Start(t)
	s := openStore(t, ep, options(ep))
	ctx := context.Background()
	data := []byte("reused")
	first := put(t, s, data, -1)
	// Times have one-second resolution: let one pass.
	time.Sleep(time.Until(first.ModTime.Add(1100 * time.Millisecond)))
	again := put(t, s, data, int64(len(data)))
	if !again.ModTime.After(first.ModTime) {
		t.Errorf("ModTime after storing existing content = %v, want after the first Put's %v", again.ModTime, first.ModTime)
	}
	st, err := s.Stat(ctx, first.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ModTime.Equal(again.ModTime) {
		t.Errorf("Stat ModTime %v, Put reported %v", st.ModTime, again.ModTime)
	}
	oi, err := mustClient(t, ep).StatObject(ctx, ep.Bucket, s.Key(first.Digest), minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if oi.UserMetadata[renewedKey] == "" || oi.ContentType != contentType {
		t.Errorf("renewed object: metadata %v, Content-Type %q; want %s set and %q", oi.UserMetadata, oi.ContentType, renewedKey, contentType)
	}
	if got := readAll(t, s, first.Digest); !bytes.Equal(got, data) {
		t.Errorf("content after renewal = %q, want %q", got, data)
	}
}

// TestPutRepairsDamagedBlob: an object of the wrong size under a blob's
// key (damage) is replaced by the fresh upload.
func TestPutRepairsDamagedBlob(t *testing.T) {
	ep := miniotest.Start(t)
	s := openStore(t, ep, options(ep))
	ctx := context.Background()
	data := []byte("the whole content")
	key := s.Key(digestOf(data))
	if _, err := mustClient(t, ep).PutObject(ctx, ep.Bucket, key, bytes.NewReader(data[:5]), 5, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	put(t, s, data, -1)
	if got := readAll(t, s, digestOf(data)); !bytes.Equal(got, data) {
		t.Errorf("after Put over a truncated blob the object holds %q, want %q", got, data)
	}
}

// TestStrayKeysIgnored: objects under sha256/ that are not blobs at their
// place are invisible to Walk and cannot be opened.
func TestStrayKeysIgnored(t *testing.T) {
	ep := miniotest.Start(t)
	s := openStore(t, ep, options(ep))
	ctx := context.Background()
	kept := put(t, s, []byte("abc"), 3)
	other := digestOf([]byte("elsewhere"))
	d := kept.Digest
	strays := []string{
		"sha256/ba/78/notes.txt",
		"sha256/ba/78/" + strings.ToUpper(d),
		"sha256/ba/78/" + other, // right name, wrong place
		"sha256/ba/79/x",
		"sha256/zz/00/" + d,
		"sha256/ba78/" + d,
		"sha256/ba/78/" + d + "/x",
		"sha256/README",
		"other/" + d,
	}
	client := mustClient(t, ep)
	for _, k := range strays {
		if _, err := client.PutObject(ctx, ep.Bucket, k, strings.NewReader("stray"), 5, minio.PutObjectOptions{}); err != nil {
			t.Fatalf("PutObject(%s): %v", k, err)
		}
	}
	infos, err := blob.List(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Digest != d || infos[0].Size != 3 {
		t.Errorf("List with stray keys = %v, want only {%s, 3}", infos, d)
	}
	if _, err := s.Stat(ctx, other); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of a digest stored at the wrong place: %v, want ErrNotFound", err)
	}
}

// TestFailuresAreNotNotFound: a missing bucket or refused credentials are
// reported as themselves, never as ErrNotFound.
func TestFailuresAreNotNotFound(t *testing.T) {
	ep := miniotest.Start(t)
	ctx := context.Background()
	noBucket := options(ep)
	noBucket.Bucket = "no-such-bucket"
	badKey := options(ep)
	badKey.SecretKey = "wrong secret"
	for name, opts := range map[string]Options{"missing bucket": noBucket, "wrong secret key": badKey} {
		t.Run(name, func(t *testing.T) {
			s, err := newStore(opts) // skips Open's bucket check
			if err != nil {
				t.Fatal(err)
			}
			d := digestOf([]byte("x"))
			if _, err := s.Stat(ctx, d); err == nil || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat: error = %v, want a failure other than ErrNotFound", err)
			}
			if _, _, err := s.Open(ctx, d); err == nil || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Open: error = %v, want a failure other than ErrNotFound", err)
			}
			if err := s.Delete(ctx, d); err == nil || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Delete: error = %v, want a failure other than ErrNotFound", err)
			}
			if _, err := s.Put(ctx, strings.NewReader("x"), 1); err == nil {
				t.Error("Put succeeded")
			}
			if err := s.Walk(ctx, func(blob.Info) error { return nil }); err == nil {
				t.Error("Walk succeeded")
			}
			if _, err := Open(ctx, opts); err == nil {
				t.Error("Open succeeded")
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ep := miniotest.Start(t)
	ok := options(ep)
	with := func(f func(*Options)) Options {
		o := ok
		f(&o)
		return o
	}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"missing bucket", with(func(o *Options) { o.Bucket = "absent" }), `bucket "absent" does not exist: create it first`},
		{"no bucket", with(func(o *Options) { o.Bucket = "" }), "no bucket given"},
		{"zero max size", with(func(o *Options) { o.MaxSize = 0 }), "maximum blob size 0: must be positive"},
		{"max size over 5 GiB", with(func(o *Options) { o.MaxSize = 6 << 30 }), "at most 5368709120 (5 GiB)"},
		{"small parts", with(func(o *Options) { o.PartSize = 1 << 20 }), "part size 1048576: must be at least 5242880"},
		{"endpoint without scheme", with(func(o *Options) { o.Endpoint = ep.Addr }), "want a URL like https://host[:port]"},
		{"endpoint with bucket path", with(func(o *Options) { o.Endpoint = ep.URL + "/" + ep.Bucket }), "put the bucket in Bucket"},
		{"endpoint with credentials", with(func(o *Options) { o.Endpoint = "http://user:secret@" + ep.Addr }), "want only a scheme, a host and a port"},
		{"bad addressing", with(func(o *Options) { o.Addressing = "dns" }), `addressing "dns": want "path" or "virtual-host"`},
		{"absolute prefix", with(func(o *Options) { o.Prefix = "/blobs" }), "must not start with a slash"},
		{"bad presign endpoint", with(func(o *Options) { o.PresignEndpoint = "ftp://x" }), "presign endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open error = %v, want it to contain %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("Open error %q shows a secret", err)
			}
		})
	}
	if _, err := Open(context.Background(), ok); err != nil {
		t.Errorf("Open with valid options: %v", err)
	}
}

// TestTLS: an https endpoint is reached with TLS, trusting RootCAs; a
// store that does not trust the server's certificate cannot open.
func TestTLS(t *testing.T) {
	ep := miniotest.StartTLS(t)
	if !strings.HasPrefix(ep.URL, "https://") {
		t.Fatalf("StartTLS endpoint %s is not https", ep.URL)
	}
	opts := options(ep)
	opts.RootCAs = ep.RootCAs
	s := openStore(t, ep, opts)
	ctx := context.Background()
	data := pattern(7, 70000)
	info := put(t, s, data, -1)
	if got := readAll(t, s, info.Digest); !bytes.Equal(got, data) {
		t.Error("content differs after a round trip over TLS")
	}
	u, err := s.PresignGet(ctx, info.Digest, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "https://") {
		t.Errorf("presigned URL %s is not https", u)
	}
	client := &http.Client{Transport: ep.Transport()}
	if status, body, _ := get(t, client, u); status != http.StatusOK || !bytes.Equal(body, data) {
		t.Errorf("GET presigned URL: %d, %d bytes; want 200 and the blob", status, len(body))
	}

	untrusting := options(ep)
	if _, err := Open(ctx, untrusting); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Open without trusting the server's certificate: error = %v, want a certificate error", err)
	}
	plain := options(ep)
	plain.Endpoint = strings.Replace(ep.URL, "https://", "http://", 1)
	if _, err := Open(ctx, plain); err == nil {
		t.Error("Open with http:// on a TLS server succeeded")
	}
}
