package bala

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// syncCounts replaces syncFile and syncFS for the test with counting
// wrappers (fs, when not nil, stands in for the file-system sync) and
// returns the counters.
func syncCounts(t *testing.T, fs func(dir string) error) (files, whole *atomic.Int32) {
	t.Helper()
	oldFile, oldFS := syncFile, syncFS
	t.Cleanup(func() { syncFile, syncFS = oldFile, oldFS })
	files, whole = new(atomic.Int32), new(atomic.Int32)
	syncFile = func(f *os.File) error {
		files.Add(1)
		return oldFile(f)
	}
	if fs == nil {
		syncFS = nil
		return files, whole
	}
	syncFS = func(dir string) error {
		whole.Add(1)
		return fs(dir)
	}
	return files, whole
}

// extractedDirs counts the directories ExtractTo creates for a: the
// parents of its files, the top one included.
func extractedDirs(a *Archive) int {
	dirs := map[string]bool{"": true}
	for _, name := range a.Files {
		for i := range len(name) {
			if name[i] == '/' {
				dirs[name[:i]] = true
			}
		}
	}
	return len(dirs)
}

// On Linux an extraction syncs the file system once, after every file is
// written and before the rename, instead of syncing each file and
// directory.
func TestExtractToSyncsFileSystemOnce(t *testing.T) {
	if syncFileSystem == nil {
		t.Skipf("no syncfs on %s", runtime.GOOS)
	}
	a := openTestBala(t, writeTestBala(t))
	parent := t.TempDir()
	dest := filepath.Join(parent, "hello")
	var seen []string
	files, whole := syncCounts(t, func(dir string) error {
		// Everything is written, nothing is in place yet.
		if _, err := os.Lstat(dest); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("destination exists when the file system is synced: %v", err)
		}
		if filepath.Dir(dir) != parent || !strings.HasPrefix(filepath.Base(dir), ".hello.tmp-") {
			t.Errorf("synced %s, want the temporary directory in %s", dir, parent)
		}
		for _, name := range listDir(t, dir) {
			if !strings.HasSuffix(name, "/") {
				seen = append(seen, name)
			}
		}
		return syncFileSystem(dir)
	})
	if err := a.ExtractTo(dest); err != nil {
		t.Fatal(err)
	}
	if whole.Load() != 1 || files.Load() != 0 {
		t.Errorf("%d file-system syncs and %d file or directory syncs, want 1 and 0", whole.Load(), files.Load())
	}
	if want := slices.Sorted(slices.Values(a.Files)); !slices.Equal(seen, want) {
		t.Errorf("files written before the sync: %q, want %q", seen, want)
	}
}

// Without syncfs (another system, or a sandbox refusing it) every file and
// directory is synced before the rename.
func TestExtractToSyncsEachFileWithoutSyncfs(t *testing.T) {
	a := openTestBala(t, writeTestBala(t))
	want := int32(len(a.Files) + extractedDirs(a))
	for _, c := range []struct {
		name string
		fs   func(string) error
		runs int32
	}{
		{"no syncfs", nil, 0},
		{"syncfs not permitted", func(string) error { return &os.PathError{Op: "syncfs", Err: syscall.EPERM} }, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.fs != nil && runtime.GOOS != "linux" {
				t.Skip("the fallback is Linux's")
			}
			files, whole := syncCounts(t, c.fs)
			dest := filepath.Join(t.TempDir(), "hello")
			if err := a.ExtractTo(dest); err != nil {
				t.Fatal(err)
			}
			if whole.Load() != c.runs || files.Load() != want {
				t.Errorf("%d file-system syncs and %d file or directory syncs, want %d and %d (%d files, %d directories)",
					whole.Load(), files.Load(), c.runs, want, len(a.Files), extractedDirs(a))
			}
			if _, err := os.Stat(filepath.Join(dest, "modules", "hello", "hello.bal")); err != nil {
				t.Error(err)
			}
		})
	}
}

// A failing file-system sync fails the extraction and leaves nothing.
func TestExtractToSyncFailure(t *testing.T) {
	if syncFileSystem == nil {
		t.Skipf("no syncfs on %s", runtime.GOOS)
	}
	boom := &os.PathError{Op: "syncfs", Err: syscall.EIO}
	syncCounts(t, func(string) error { return boom })
	a := openTestBala(t, writeTestBala(t))
	parent := t.TempDir()
	if err := a.ExtractTo(filepath.Join(parent, "hello")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("ExtractTo with a failing syncfs: %v, want EIO", err)
	}
	if got := listDir(t, parent); len(got) != 0 {
		t.Errorf("failed extraction left %q", got)
	}
}

// countOpens counts, for the test, the entries whose data is read
// (decompressed), by name.
func countOpens(t *testing.T) func() map[string]int {
	t.Helper()
	var mu sync.Mutex
	n := map[string]int{}
	entryOpened = func(name string) {
		mu.Lock()
		n[name]++
		mu.Unlock()
	}
	t.Cleanup(func() { entryOpened = nil })
	return func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := n
		n = map[string]int{}
		return out
	}
}

// OpenToExtract and ExtractTo decompress each entry once; Open and
// ExtractTo decompress every entry but the metadata twice.
func TestOpenToExtractDecompressesOnce(t *testing.T) {
	data := writeTestBala(t)
	opens := countOpens(t)
	for _, c := range []struct {
		name  string
		open  func(*bytes.Reader, int64, Limits) (*Archive, error)
		times int // for entries other than metadata
	}{
		{"OpenToExtract", func(r *bytes.Reader, n int64, l Limits) (*Archive, error) { return OpenToExtract(r, n, l) }, 1},
		{"Open", func(r *bytes.Reader, n int64, l Limits) (*Archive, error) { return Open(r, n, l) }, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := c.open(bytes.NewReader(data), int64(len(data)), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.ExtractTo(filepath.Join(t.TempDir(), "hello")); err != nil {
				t.Fatal(err)
			}
			got := opens()
			for _, name := range a.Files {
				want := c.times
				if name == BalaJSONFile || name == PackageJSONFile || name == DependencyGraphJSONFile {
					want = 1
				}
				if got[name] != want {
					t.Errorf("%s decompressed %d times, want %d", name, got[name], want)
				}
			}
		})
	}
}

// Every hostile archive is refused by OpenToExtract with the kind Open
// reports, or, when the problem is in data OpenToExtract leaves to the
// extraction, by ExtractTo, which then leaves nothing behind; bombs are
// not inflated either way.
func TestOpenToExtractHostileArchives(t *testing.T) {
	deferred := 0
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			r := &countingReaderAt{r: bytes.NewReader(data)}
			a, err := OpenToExtract(r, int64(len(data)), DefaultLimits)
			parent := t.TempDir()
			if err == nil {
				deferred++
				err = a.ExtractTo(filepath.Join(parent, "x"))
				if err == nil {
					t.Fatalf("OpenToExtract and ExtractTo accepted it")
				}
				if got := listDir(t, parent); len(got) != 0 {
					t.Errorf("failed extraction left %q", got)
				}
			}
			var ce *CheckError
			if !errors.Is(err, tc.want) || !errors.As(err, &ce) {
				t.Fatalf("error = %v, want a *CheckError wrapping %q", err, tc.want)
			}
			if tc.entry != "" && ce.Name != tc.entry {
				t.Errorf("CheckError.Name = %q, want %q", ce.Name, tc.entry)
			}
			if strings.Contains(tc.name, "bomb") {
				if n := r.n.Load(); n > 16<<10 || len(data) < 32<<10 {
					t.Errorf("read %d bytes of a %d-byte bomb", n, len(data))
				}
			}
			p := writeTemp(t, data)
			if a, f, err := OpenFileToExtract(p, DefaultLimits); err == nil {
				err := a.ExtractTo(filepath.Join(parent, "y"))
				f.Close()
				if !errors.Is(err, tc.want) || errors.Is(err, os.ErrClosed) {
					t.Errorf("OpenFileToExtract, ExtractTo: %v, want %q", err, tc.want)
				}
			} else if !errors.Is(err, tc.want) || a != nil || f != nil {
				t.Errorf("OpenFileToExtract = %v, %v, %v; want nil, nil and %q", a, f, err, tc.want)
			}
		})
	}
	// The data problems (checksums, sizes) are the extraction's.
	if deferred != 5 {
		t.Errorf("%d cases reached the extraction, want 5 (size lies and checksums)", deferred)
	}
}
