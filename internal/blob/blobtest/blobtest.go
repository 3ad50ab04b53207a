// Package blobtest checks that a [blob.Store] keeps the contract written in
// package blob. Every backend's tests run the one suite:
//
//	func TestConformance(t *testing.T) {
//		blobtest.Run(t, func(t testing.TB) blob.Store {
//			s, err := fsblob.Open(t.TempDir(), fsblob.Options{MaxSize: blobtest.MaxSize})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Each check is a subtest with a store of its own, so checks neither see
// nor depend on one another and any one of them can run alone
// (go test -run 'TestConformance/RoundTrip'). A backend may add checks of
// its own state in the factory, with t.Cleanup (fsblob checks there that no
// temporary file survives any check).
//
// The checks that stream [MaxSize] bytes are skipped under -short.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/blob"
)

// MaxSize is the maximum blob size the stores under test must be opened
// with. It is also the size of the suite's large object, so the limit is
// checked at exactly its value and one byte over.
const MaxSize = 64 << 20

// NewStoreFunc returns a new, empty store whose maximum blob size is
// [MaxSize]. It is called once per check; it should release what it
// creates with t.Cleanup (t.TempDir does).
type NewStoreFunc func(t testing.TB) blob.Store

// Well-known SHA-256 digests, so that the suite does not only compare the
// store against the hash function it may itself be using.
const (
	digestEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	digestABC   = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
)

// Run runs every conformance check against stores made by newStore.
func Run(t *testing.T, newStore NewStoreFunc) {
	checks := []struct {
		name string
		fn   func(*testing.T, blob.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"KnownDigests", testKnownDigests},
		{"DigestIsSHA256", testDigestIsSHA256},
		{"Seek", testSeek},
		{"PutIdempotent", testPutIdempotent},
		{"PutRenewsModTime", testPutRenewsModTime},
		{"ConcurrentPutSameContent", testConcurrentPutSameContent},
		{"ConcurrentPutDifferentContent", testConcurrentPutDifferentContent},
		{"NoPartialBlobVisible", testNoPartialBlobVisible},
		{"DeclaredSize", testDeclaredSize},
		{"SizeMismatchShort", testSizeMismatchShort},
		{"SizeMismatchLong", testSizeMismatchLong},
		{"InvalidDeclaredSize", testInvalidDeclaredSize},
		{"TooLargeDeclared", testTooLargeDeclared},
		{"TooLargeStreamed", testTooLargeStreamed},
		{"LargeObjectAtLimit", testLargeObjectAtLimit},
		{"FailingReader", testFailingReader},
		{"CancelledBeforePut", testCancelledBeforePut},
		{"CancelledDuringPut", testCancelledDuringPut},
		{"NotFound", testNotFound},
		{"InvalidDigest", testInvalidDigest},
		{"DeleteThenOpen", testDeleteThenOpen},
		{"DeleteKeepsOthers", testDeleteKeepsOthers},
		{"PutAfterDelete", testPutAfterDelete},
		{"WalkOrder", testWalkOrder},
		{"WalkStops", testWalkStops},
		{"WalkCancelled", testWalkCancelled},
		{"ErrorsNameOperation", testErrorsNameOperation},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			c.fn(t, s)
		})
	}
}

// --- fixtures and helpers ---

// randomBytes returns n pseudo-random bytes, the same for the same seed.
func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	// ChaCha8.Read never fails.
	_, _ = rand.NewChaCha8(seedOf(seed)).Read(b)
	return b
}

// generator returns a reader of n pseudo-random bytes that are never all
// in memory at once.
func generator(seed uint64, n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8(seedOf(seed)), n)
}

func seedOf(seed uint64) [32]byte {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return s
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// put stores data with its declared size and checks the Info.
func put(t *testing.T, s blob.Store, data []byte) blob.Info {
	t.Helper()
	info, err := s.Put(context.Background(), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Put(%d bytes) error: %v", len(data), err)
	}
	if want := digestOf(data); info.Digest != want || info.Size != int64(len(data)) {
		t.Fatalf("Put(%d bytes) = {%s, %d}, want {%s, %d}", len(data), info.Digest, info.Size, want, len(data))
	}
	return info
}

// read returns the content stored under digest and checks Open's Info.
func read(t *testing.T, s blob.Store, digest string) []byte {
	t.Helper()
	rc, info, err := s.Open(context.Background(), digest)
	if err != nil {
		t.Fatalf("Open(%s) error: %v", digest, err)
	}
	defer func() {
		if err := rc.Close(); err != nil {
			t.Errorf("Close after Open(%s): %v", digest, err)
		}
	}()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", digest, err)
	}
	if info.Digest != digest || info.Size != int64(len(data)) {
		t.Errorf("Open(%s) Info = {%s, %d}, want {%s, %d}", digest, info.Digest, info.Size, digest, len(data))
	}
	return data
}

func list(t *testing.T, s blob.Store) []blob.Info {
	t.Helper()
	infos, err := blob.List(context.Background(), s)
	if err != nil {
		t.Fatalf("List error: %v", err)
	}
	return infos
}

// assertEmpty checks that the store holds nothing, and in particular not
// the blob digest (the content a failed Put was given).
func assertEmpty(t *testing.T, s blob.Store, digest string) {
	t.Helper()
	if infos := list(t, s); len(infos) != 0 {
		t.Errorf("store holds %d blobs (first %s, %d bytes), want none", len(infos), infos[0].Digest, infos[0].Size)
	}
	if digest == "" {
		return
	}
	if _, err := s.Stat(context.Background(), digest); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat(%s) error = %v, want ErrNotFound", digest, err)
	}
}

func assertNotFound(t *testing.T, s blob.Store, digest string) {
	t.Helper()
	ctx := context.Background()
	if rc, _, err := s.Open(ctx, digest); !errors.Is(err, blob.ErrNotFound) {
		if err == nil {
			rc.Close()
		}
		t.Errorf("Open(%s) error = %v, want ErrNotFound", digest, err)
	}
	if _, err := s.Stat(ctx, digest); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat(%s) error = %v, want ErrNotFound", digest, err)
	}
}

// --- checks ---

func testRoundTrip(t *testing.T, s blob.Store) {
	for i, n := range []int{0, 1, 4095, 4096, 4097, 1<<20 + 3} {
		data := randomBytes(uint64(i), n)
		info := put(t, s, data)
		if got := read(t, s, info.Digest); !bytes.Equal(got, data) {
			t.Errorf("content of %d-byte blob differs after round trip (got %d bytes)", n, len(got))
		}
		st, err := s.Stat(context.Background(), info.Digest)
		if err != nil {
			t.Fatalf("Stat(%s) error: %v", info.Digest, err)
		}
		if st.Digest != info.Digest || st.Size != info.Size {
			t.Errorf("Stat(%s) = {%s, %d}, want {%s, %d}", info.Digest, st.Digest, st.Size, info.Digest, info.Size)
		}
		if info.ModTime.IsZero() || st.ModTime.IsZero() {
			t.Errorf("ModTime of %s: Put %v, Stat %v; want both set", info.Digest, info.ModTime, st.ModTime)
		}
		if d := st.ModTime.Sub(info.ModTime).Abs(); d > 2*time.Second {
			t.Errorf("ModTime of %s: Put %v, Stat %v; want them equal", info.Digest, info.ModTime, st.ModTime)
		}
	}
}

func testKnownDigests(t *testing.T, s blob.Store) {
	for _, tc := range []struct{ data, digest string }{
		{"", digestEmpty},
		{"abc", digestABC},
	} {
		info, err := s.Put(context.Background(), strings.NewReader(tc.data), -1)
		if err != nil {
			t.Fatalf("Put(%q) error: %v", tc.data, err)
		}
		if info.Digest != tc.digest || info.Size != int64(len(tc.data)) {
			t.Errorf("Put(%q) = {%s, %d}, want {%s, %d}", tc.data, info.Digest, info.Size, tc.digest, len(tc.data))
		}
	}
}

func testDigestIsSHA256(t *testing.T, s blob.Store) {
	for i := range 8 {
		data := randomBytes(100+uint64(i), 1000*i+7)
		info, err := s.Put(context.Background(), bytes.NewReader(data), -1)
		if err != nil {
			t.Fatalf("Put error: %v", err)
		}
		if want := digestOf(data); info.Digest != want {
			t.Errorf("Put(%d bytes) digest = %s, want sha256 %s", len(data), info.Digest, want)
		}
		if err := blob.CheckDigest(info.Digest); err != nil {
			t.Errorf("Put returned digest %q: %v", info.Digest, err)
		}
	}
}

func testSeek(t *testing.T, s blob.Store) {
	data := randomBytes(7, 10000)
	info := put(t, s, data)
	rc, _, err := s.Open(context.Background(), info.Digest)
	if err != nil {
		t.Fatalf("Open error: %v", err)
	}
	defer rc.Close()
	if off, err := rc.Seek(6000, io.SeekStart); err != nil || off != 6000 {
		t.Fatalf("Seek(6000, SeekStart) = %d, %v; want 6000, nil", off, err)
	}
	tail, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read after Seek: %v", err)
	}
	if !bytes.Equal(tail, data[6000:]) {
		t.Errorf("read after Seek(6000) gave %d bytes, want the last 4000", len(tail))
	}
	if end, err := rc.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
		t.Errorf("Seek(0, SeekEnd) = %d, %v; want %d, nil", end, err, len(data))
	}
}

func testPutIdempotent(t *testing.T, s blob.Store) {
	data := randomBytes(1, 5000)
	first := put(t, s, data)
	second := put(t, s, data)
	if first.Digest != second.Digest || first.Size != second.Size {
		t.Errorf("second Put = {%s, %d}, want {%s, %d}", second.Digest, second.Size, first.Digest, first.Size)
	}
	infos := list(t, s)
	if len(infos) != 1 || infos[0].Digest != first.Digest || infos[0].Size != first.Size {
		t.Errorf("List after two identical Puts = %v, want the one blob %s", infos, first.Digest)
	}
	if got := read(t, s, first.Digest); !bytes.Equal(got, data) {
		t.Error("content differs after the second Put")
	}
}

func testPutRenewsModTime(t *testing.T, s blob.Store) {
	data := randomBytes(2, 100)
	first := put(t, s, data)
	second := put(t, s, data)
	if second.ModTime.Before(first.ModTime) {
		t.Errorf("second Put ModTime %v is before the first's %v", second.ModTime, first.ModTime)
	}
	st, err := s.Stat(context.Background(), first.Digest)
	if err != nil {
		t.Fatalf("Stat error: %v", err)
	}
	if st.ModTime.Before(first.ModTime) {
		t.Errorf("Stat ModTime %v is before the first Put's %v", st.ModTime, first.ModTime)
	}
}

func testConcurrentPutSameContent(t *testing.T, s blob.Store) {
	const n = 50
	data := randomBytes(3, 64<<10)
	want := digestOf(data)
	var wg sync.WaitGroup
	infos := make([]blob.Info, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			infos[i], errs[i] = s.Put(context.Background(), bytes.NewReader(data), int64(len(data)))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Put #%d error: %v", i, errs[i])
		} else if infos[i].Digest != want || infos[i].Size != int64(len(data)) {
			t.Errorf("Put #%d = {%s, %d}, want {%s, %d}", i, infos[i].Digest, infos[i].Size, want, len(data))
		}
	}
	if got := list(t, s); len(got) != 1 || got[0].Digest != want {
		t.Errorf("List after %d concurrent Puts of one content = %v, want only %s", n, got, want)
	}
	if got := read(t, s, want); !bytes.Equal(got, data) {
		t.Error("content differs after concurrent Puts")
	}
}

func testConcurrentPutDifferentContent(t *testing.T, s blob.Store) {
	const n = 20
	datas := make([][]byte, n)
	for i := range datas {
		datas[i] = randomBytes(1000+uint64(i), 10000+i)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.Put(context.Background(), bytes.NewReader(datas[i]), -1)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put #%d error: %v", i, err)
		}
	}
	if got := list(t, s); len(got) != n {
		t.Errorf("List after %d concurrent Puts of different contents has %d blobs", n, len(got))
	}
	for _, d := range datas {
		if got := read(t, s, digestOf(d)); !bytes.Equal(got, d) {
			t.Errorf("content of %s differs", digestOf(d))
		}
	}
}

// slowReader hands out its data in small pieces with a pause before each.
type slowReader struct {
	data  []byte
	chunk int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(p[:min(len(p), r.chunk)], r.data)
	r.data = r.data[n:]
	return n, nil
}

func testNoPartialBlobVisible(t *testing.T, s blob.Store) {
	data := randomBytes(4, 256<<10)
	digest := digestOf(data)
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		_, err := s.Put(ctx, &slowReader{data: data, chunk: 16 << 10, pause: 2 * time.Millisecond}, -1)
		done <- err
	}()
	var seen []string
	observe := func() {
		if info, err := s.Stat(ctx, digest); err == nil && info.Size != int64(len(data)) {
			seen = append(seen, fmt.Sprintf("Stat saw %d of %d bytes", info.Size, len(data)))
		} else if err != nil && !errors.Is(err, blob.ErrNotFound) {
			seen = append(seen, fmt.Sprintf("Stat error: %v", err))
		}
		rc, _, err := s.Open(ctx, digest)
		if errors.Is(err, blob.ErrNotFound) {
			return
		}
		if err != nil {
			seen = append(seen, fmt.Sprintf("Open error: %v", err))
			return
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			seen = append(seen, fmt.Sprintf("Open read %d of %d bytes (err %v)", len(got), len(data), err))
		}
		if err := s.Walk(ctx, func(i blob.Info) error {
			if i.Digest == digest && i.Size != int64(len(data)) {
				seen = append(seen, fmt.Sprintf("Walk saw %d of %d bytes", i.Size, len(data)))
			}
			return nil
		}); err != nil {
			seen = append(seen, fmt.Sprintf("Walk error: %v", err))
		}
	}
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Put error: %v", err)
			}
			observe()
			for _, msg := range seen {
				t.Error(msg)
			}
			return
		default:
			observe()
			time.Sleep(time.Millisecond)
		}
	}
}

func testDeclaredSize(t *testing.T, s blob.Store) {
	data := randomBytes(5, 3000)
	for _, size := range []int64{int64(len(data)), -1} {
		info, err := s.Put(context.Background(), bytes.NewReader(data), size)
		if err != nil {
			t.Fatalf("Put(%d bytes, declared %d) error: %v", len(data), size, err)
		}
		if info.Size != int64(len(data)) {
			t.Errorf("Put(%d bytes, declared %d) size = %d", len(data), size, info.Size)
		}
	}
}

func testSizeMismatchShort(t *testing.T, s blob.Store) {
	data := randomBytes(6, 99)
	_, err := s.Put(context.Background(), bytes.NewReader(data), 100)
	if !errors.Is(err, blob.ErrSizeMismatch) {
		t.Fatalf("Put(99 bytes, declared 100) error = %v, want ErrSizeMismatch", err)
	}
	assertEmpty(t, s, digestOf(data))
}

func testSizeMismatchLong(t *testing.T, s blob.Store) {
	data := randomBytes(6, 101)
	_, err := s.Put(context.Background(), bytes.NewReader(data), 100)
	if !errors.Is(err, blob.ErrSizeMismatch) {
		t.Fatalf("Put(101 bytes, declared 100) error = %v, want ErrSizeMismatch", err)
	}
	assertEmpty(t, s, digestOf(data))
	assertEmpty(t, s, digestOf(data[:100]))
}

func testInvalidDeclaredSize(t *testing.T, s blob.Store) {
	_, err := s.Put(context.Background(), strings.NewReader("abc"), -2)
	if err == nil {
		t.Fatal("Put(declared -2) succeeded, want an error")
	}
	assertEmpty(t, s, digestABC)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func testTooLargeDeclared(t *testing.T, s blob.Store) {
	r := &countingReader{r: generator(8, MaxSize+1)}
	_, err := s.Put(context.Background(), r, MaxSize+1)
	if !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("Put(declared MaxSize+1) error = %v, want ErrTooLarge", err)
	}
	if r.n > 0 {
		t.Logf("the store read %d bytes of a declared-too-large blob before refusing it", r.n)
	}
	assertEmpty(t, s, "")
}

func testTooLargeStreamed(t *testing.T, s blob.Store) {
	if testing.Short() {
		t.Skipf("streams %d MiB; skipped in -short mode", MaxSize>>20)
	}
	_, err := s.Put(context.Background(), generator(9, MaxSize+1), -1)
	if !errors.Is(err, blob.ErrTooLarge) {
		t.Fatalf("Put(MaxSize+1 bytes, size unknown) error = %v, want ErrTooLarge", err)
	}
	assertEmpty(t, s, "")
}

func testLargeObjectAtLimit(t *testing.T, s blob.Store) {
	if testing.Short() {
		t.Skipf("streams %d MiB; skipped in -short mode", MaxSize>>20)
	}
	ctx := context.Background()
	h := sha256.New()
	info, err := s.Put(ctx, io.TeeReader(generator(10, MaxSize), h), -1)
	if err != nil {
		t.Fatalf("Put(MaxSize bytes) error: %v", err)
	}
	want := hex.EncodeToString(h.Sum(nil))
	if info.Digest != want || info.Size != MaxSize {
		t.Fatalf("Put(MaxSize bytes) = {%s, %d}, want {%s, %d}", info.Digest, info.Size, want, MaxSize)
	}
	rc, oi, err := s.Open(ctx, info.Digest)
	if err != nil {
		t.Fatalf("Open error: %v", err)
	}
	defer rc.Close()
	h.Reset()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("reading the large blob: %v", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want || n != MaxSize || oi.Size != MaxSize {
		t.Errorf("large blob read back: %d bytes (Info %d), sha256 %s; want %d bytes, %s", n, oi.Size, got, MaxSize, want)
	}
}

// failingReader returns its data, then err instead of EOF.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func testFailingReader(t *testing.T, s blob.Store) {
	boom := errors.New("connection reset by peer")
	data := randomBytes(11, 300<<10)
	for _, size := range []int64{-1, 400 << 10} {
		_, err := s.Put(context.Background(), &failingReader{data: data, err: boom}, size)
		if !errors.Is(err, boom) {
			t.Fatalf("Put(reader failing after %d bytes, declared %d) error = %v, want it to wrap %q", len(data), size, err, boom)
		}
		assertEmpty(t, s, digestOf(data))
	}
}

func testCancelledBeforePut(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Put(ctx, strings.NewReader("abc"), 3)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context: error = %v, want context.Canceled", err)
	}
	assertEmpty(t, s, digestABC)
}

// cancellingReader cancels its context once it has handed out after bytes.
type cancellingReader struct {
	r      io.Reader
	after  int64
	n      int64
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 4096)])
	c.n += int64(n)
	if c.n >= c.after {
		c.cancel()
	}
	return n, err
}

func testCancelledDuringPut(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := randomBytes(12, 1<<20)
	_, err := s.Put(ctx, &cancellingReader{r: bytes.NewReader(data), after: 64 << 10, cancel: cancel}, int64(len(data)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put cancelled after 64 KiB: error = %v, want context.Canceled", err)
	}
	assertEmpty(t, s, digestOf(data))
}

func testNotFound(t *testing.T, s blob.Store) {
	put(t, s, []byte("something else"))
	missing := digestOf([]byte("never stored"))
	assertNotFound(t, s, missing)
	if err := s.Delete(context.Background(), missing); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Delete(%s) error = %v, want ErrNotFound", missing, err)
	}
}

// invalidDigests are strings that must never reach storage as a name.
func invalidDigests() map[string]string {
	valid := digestABC
	return map[string]string{
		"empty":                "",
		"uppercase":            strings.ToUpper(valid),
		"one uppercase digit":  valid[:10] + "A" + valid[11:],
		"short":                valid[:63],
		"long":                 valid + "0",
		"dot dot slash":        "../" + valid[3:],
		"slash inside":         valid[:32] + "/" + valid[33:],
		"backslash inside":     valid[:32] + `\` + valid[33:],
		"path traversal":       "../../../../../../../../etc/passwd",
		"algorithm prefix":     "sha256:" + valid[:57],
		"not hex":              strings.Repeat("g", 64),
		"NUL byte":             valid[:63] + "\x00",
		"space":                " " + valid[1:],
		"non-ASCII":            valid[:62] + "é",
		"sha512-length digest": valid + valid,
	}
}

func testInvalidDigest(t *testing.T, s blob.Store) {
	put(t, s, []byte("abc"))
	ctx := context.Background()
	for name, d := range invalidDigests() {
		t.Run(name, func(t *testing.T) {
			rc, _, err := s.Open(ctx, d)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, blob.ErrInvalidDigest) || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Open(%q) error = %v, want ErrInvalidDigest", d, err)
			}
			if _, err := s.Stat(ctx, d); !errors.Is(err, blob.ErrInvalidDigest) || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat(%q) error = %v, want ErrInvalidDigest", d, err)
			}
			if err := s.Delete(ctx, d); !errors.Is(err, blob.ErrInvalidDigest) || errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Delete(%q) error = %v, want ErrInvalidDigest", d, err)
			}
		})
	}
	if infos := list(t, s); len(infos) != 1 || infos[0].Digest != digestABC {
		t.Errorf("after the invalid digests the store holds %v, want only %s", infos, digestABC)
	}
}

func testDeleteThenOpen(t *testing.T, s blob.Store) {
	info := put(t, s, randomBytes(13, 2048))
	if err := s.Delete(context.Background(), info.Digest); err != nil {
		t.Fatalf("Delete(%s) error: %v", info.Digest, err)
	}
	assertNotFound(t, s, info.Digest)
	assertEmpty(t, s, info.Digest)
	if err := s.Delete(context.Background(), info.Digest); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("second Delete(%s) error = %v, want ErrNotFound", info.Digest, err)
	}
}

func testDeleteKeepsOthers(t *testing.T, s blob.Store) {
	a := put(t, s, randomBytes(14, 100))
	bData := randomBytes(15, 200)
	b := put(t, s, bData)
	if err := s.Delete(context.Background(), a.Digest); err != nil {
		t.Fatalf("Delete(%s) error: %v", a.Digest, err)
	}
	if got := read(t, s, b.Digest); !bytes.Equal(got, bData) {
		t.Errorf("content of %s changed after deleting %s", b.Digest, a.Digest)
	}
	if infos := list(t, s); len(infos) != 1 || infos[0].Digest != b.Digest {
		t.Errorf("List = %v, want only %s", infos, b.Digest)
	}
}

func testPutAfterDelete(t *testing.T, s blob.Store) {
	data := randomBytes(16, 4321)
	info := put(t, s, data)
	if err := s.Delete(context.Background(), info.Digest); err != nil {
		t.Fatalf("Delete error: %v", err)
	}
	put(t, s, data)
	if got := read(t, s, info.Digest); !bytes.Equal(got, data) {
		t.Error("content differs after Put, Delete, Put")
	}
}

func testWalkOrder(t *testing.T, s blob.Store) {
	infos := list(t, s)
	if len(infos) != 0 {
		t.Fatalf("a new store lists %d blobs, want none", len(infos))
	}
	want := map[string]int64{}
	for i := range 40 {
		data := randomBytes(200+uint64(i), i*13)
		want[digestOf(data)] = int64(len(data))
		put(t, s, data)
	}
	var walked []blob.Info
	if err := s.Walk(context.Background(), func(i blob.Info) error {
		walked = append(walked, i)
		return nil
	}); err != nil {
		t.Fatalf("Walk error: %v", err)
	}
	if len(walked) != len(want) {
		t.Errorf("Walk visited %d blobs, want %d", len(walked), len(want))
	}
	for i, info := range walked {
		if size, ok := want[info.Digest]; !ok || size != info.Size {
			t.Errorf("Walk visited {%s, %d}, which was not stored with that size", info.Digest, info.Size)
		}
		delete(want, info.Digest)
		if i > 0 && walked[i-1].Digest >= info.Digest {
			t.Errorf("Walk order: %s before %s", walked[i-1].Digest, info.Digest)
		}
	}
	for d := range want {
		t.Errorf("Walk missed %s", d)
	}
}

func testWalkStops(t *testing.T, s blob.Store) {
	for i := range 3 {
		put(t, s, randomBytes(300+uint64(i), 10))
	}
	stop := errors.New("stop here")
	calls := 0
	err := s.Walk(context.Background(), func(blob.Info) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("Walk error = %v, want the callback's %q", err, stop)
	}
	if calls != 1 {
		t.Errorf("Walk called the callback %d times after it failed, want once", calls)
	}
}

func testWalkCancelled(t *testing.T, s blob.Store) {
	put(t, s, []byte("abc"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Walk(ctx, func(blob.Info) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func testErrorsNameOperation(t *testing.T, s blob.Store) {
	ctx := context.Background()
	missing := digestOf([]byte("missing"))
	_, err := s.Stat(ctx, missing)
	var be *blob.Error
	if !errors.As(err, &be) || be.Op != "stat" || be.Digest != missing {
		t.Errorf("Stat(%s) error = %#v, want a *blob.Error for op stat and that digest", missing, err)
	}
	_, err = s.Put(ctx, strings.NewReader("abcd"), 3)
	if !errors.As(err, &be) || be.Op != "put" {
		t.Errorf("Put size mismatch error = %#v, want a *blob.Error for op put", err)
	}
}
