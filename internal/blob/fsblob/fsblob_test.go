package fsblob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/blob"
	"github.com/balcentral/balcentral/internal/blob/blobtest"
)

// newStore opens a store in a fresh directory and, when the test ends,
// checks that no upload left a temporary file behind.
func newStore(t testing.TB) blob.Store {
	return openStore(t)
}

func openStore(t testing.TB) *Store {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{MaxSize: blobtest.MaxSize})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		ents, err := os.ReadDir(filepath.Join(dir, tmpDir))
		if err != nil {
			t.Errorf("reading tmp/: %v", err)
			return
		}
		for _, e := range ents {
			t.Errorf("temporary file left behind: tmp/%s", e.Name())
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, newStore)
}

func BenchmarkStore(b *testing.B) {
	blobtest.RunBenchmarks(b, newStore)
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func put(t *testing.T, s *Store, data []byte) blob.Info {
	t.Helper()
	info, err := s.Put(context.Background(), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return info
}

func TestLayoutAndModes(t *testing.T) {
	s := openStore(t)
	info := put(t, s, []byte("abc"))
	d := info.Digest
	want := filepath.Join(s.Root(), "sha256", "ba", "78", d)
	fi, err := os.Lstat(want)
	if err != nil {
		t.Fatalf("blob not at %s: %v", want, err)
	}
	if got := fi.Mode(); got != BlobMode {
		t.Errorf("blob file mode = %v, want %v", got, BlobMode)
	}
	for _, dir := range []string{s.Root(), filepath.Join(s.Root(), "sha256"), filepath.Join(s.Root(), "sha256", "ba"), filepath.Join(s.Root(), "sha256", "ba", "78"), filepath.Join(s.Root(), "tmp")} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		// The umask may remove bits from 0755, never add them.
		if m := fi.Mode(); !m.IsDir() || m.Perm()&^DirMode != 0 || m.Perm()&0o700 != 0o700 {
			t.Errorf("%s mode = %v, want a directory within %v", dir, m, DirMode)
		}
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	for _, max := range []int64{0, -1} {
		_, err := Open(t.TempDir(), Options{MaxSize: max})
		if err == nil || !strings.Contains(err.Error(), "must be positive") {
			t.Errorf("Open with MaxSize %d: error = %v, want \"must be positive\"", max, err)
		}
	}
}

func TestOpenOnAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f, Options{MaxSize: 1}); err == nil {
		t.Fatalf("Open(%s), a regular file, succeeded", f)
	}
}

func TestOpenCreatesNestedRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "data", "blobs")
	s, err := Open(root, Options{MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, []byte("hello"))
	// Opening again keeps what is there.
	s2, err := Open(root, Options{MaxSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Stat(context.Background(), digestOf([]byte("hello"))); err != nil {
		t.Errorf("Stat after reopening: %v", err)
	}
}

// TestCrashLeftovers simulates an upload killed before its rename: a
// temporary file in tmp/, complete or not, is invisible and Clean removes it.
func TestCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{MaxSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	kept := put(t, s, []byte("kept"))
	content := []byte("half-written upload")
	old := filepath.Join(dir, "tmp", "put-123456")
	if err := os.WriteFile(old, content, 0o600); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	recent := filepath.Join(dir, "tmp", "put-789")
	if err := os.WriteFile(recent, []byte("in progress"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	infos, err := blob.List(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Digest != kept.Digest {
		t.Errorf("List with leftovers in tmp/ = %v, want only %s", infos, kept.Digest)
	}
	if _, err := s.Stat(ctx, digestOf(content)); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of the leftover's content: error = %v, want ErrNotFound", err)
	}

	n, err := s.Clean(ctx, time.Now().Add(-time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Clean(an hour ago) = %d, %v; want 1, nil", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old leftover still there after Clean: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("Clean(an hour ago) removed a recent upload: %v", err)
	}
	n, err = s.Clean(ctx, time.Now().Add(time.Second))
	if err != nil || n != 1 {
		t.Fatalf("Clean(now) = %d, %v; want 1, nil", n, err)
	}
	if got := readTmp(t, dir); len(got) != 0 {
		t.Errorf("tmp/ holds %v after Clean(now)", got)
	}
	if _, err := s.Stat(ctx, kept.Digest); err != nil {
		t.Errorf("Clean touched a stored blob: %v", err)
	}
}

func readTmp(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestStrayFilesIgnored: files under sha256/ that are not blobs at their
// place are invisible to Walk and cannot be opened.
func TestStrayFilesIgnored(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	kept := put(t, s, []byte("abc"))
	other := digestOf([]byte("elsewhere"))
	top := filepath.Join(s.Root(), "sha256")
	strays := []string{
		filepath.Join(top, "ba", "78", "notes.txt"),
		filepath.Join(top, "ba", "78", strings.ToUpper(kept.Digest)),
		filepath.Join(top, "ba", "78", other),       // right name, wrong directory
		filepath.Join(top, "ba", "79", "x"),         // unknown content
		filepath.Join(top, "zz", "00", kept.Digest), // not a prefix directory
		filepath.Join(top, "README"),
	}
	for _, p := range strays {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("stray"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := blob.List(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Digest != kept.Digest {
		t.Errorf("List with stray files = %v, want only %s", infos, kept.Digest)
	}
	if _, err := s.Stat(ctx, other); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of a digest stored under the wrong prefix: %v, want ErrNotFound", err)
	}
}

// TestPutRenewsExisting: storing content that is there already renews its
// modification time, so a garbage collector's grace period starts again.
func TestPutRenewsExisting(t *testing.T) {
	s := openStore(t)
	info := put(t, s, []byte("reused"))
	path := s.path(info.Digest)
	past := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	again := put(t, s, []byte("reused"))
	if time.Since(again.ModTime) > time.Minute {
		t.Errorf("ModTime after storing existing content = %v, want about now", again.ModTime)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(again.ModTime) {
		t.Errorf("file time %v, Put reported %v", fi.ModTime(), again.ModTime)
	}
}

// TestPutRepairsDamagedBlob: an existing file of the wrong size (damage)
// is replaced by the fresh upload.
func TestPutRepairsDamagedBlob(t *testing.T) {
	s := openStore(t)
	data := []byte("the whole content")
	info := put(t, s, data)
	path := s.path(info.Digest)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:5], 0o644); err != nil {
		t.Fatal(err)
	}
	put(t, s, data)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("after Put over a truncated blob the file holds %q, want %q", got, data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != BlobMode {
		t.Errorf("repaired blob mode = %v, want %v", fi.Mode(), BlobMode)
	}
}

// TestOpenDoesNotCallDamageNotFound: a failure other than a missing file is
// not reported as ErrNotFound (one of Athens' bugs).
func TestOpenDoesNotCallDamageNotFound(t *testing.T) {
	s := openStore(t)
	d := digestOf([]byte("damaged"))
	// A regular file where the first prefix directory should be makes the
	// path unreachable (ENOTDIR), which is damage, not absence.
	if err := os.WriteFile(filepath.Join(s.Root(), "sha256", d[:2]), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Open(context.Background(), d)
	if err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open through a damaged tree: error = %v, want a failure other than ErrNotFound", err)
	}
	// A directory where the blob should be.
	d2 := digestOf([]byte("directory"))
	if err := os.MkdirAll(s.path(d2), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(context.Background(), d2); err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open of a directory: error = %v, want a failure other than ErrNotFound", err)
	}
	if _, err := s.Stat(context.Background(), d2); err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of a directory: error = %v, want a failure other than ErrNotFound", err)
	}
}
