package bala

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func openTestBala(t *testing.T, data []byte) *Archive {
	t.Helper()
	a, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return a
}

func TestExtractTo(t *testing.T) {
	old := setUmask(0o077) // modes must not depend on the umask
	defer setUmask(old)

	a := openTestBala(t, writeTestBala(t))
	parent := t.TempDir()
	dest := filepath.Join(parent, "hello")
	if err := a.ExtractTo(dest); err != nil {
		t.Fatalf("ExtractTo: %v", err)
	}
	if got := listDir(t, parent); !slices.Equal(got[:1], []string{"hello/"}) || slices.ContainsFunc(got, func(s string) bool { return s[0] == '.' }) {
		t.Errorf("parent holds %q, want only hello/ (a temporary directory left?)", got)
	}
	want := map[string][]byte{}
	for _, e := range testEntries() {
		want[e.Name] = e.Data
	}
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if fi.Mode().Perm() != 0o755 {
				t.Errorf("directory %s has mode %v, want 0755", rel, fi.Mode())
			}
			return nil
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
			t.Errorf("file %s has mode %v, want 0644", rel, fi.Mode())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		wantData, ok := want[rel]
		if !ok {
			t.Errorf("unexpected file %s", rel)
		} else if !bytes.Equal(data, wantData) {
			t.Errorf("file %s = %q, want %q", rel, data, wantData)
		}
		delete(want, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		t.Errorf("file %s not extracted", name)
	}
}

func TestExtractToExisting(t *testing.T) {
	a := openTestBala(t, writeTestBala(t))
	for _, kind := range []string{"empty-dir", "dir", "file"} {
		t.Run(kind, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "hello")
			switch kind {
			case "empty-dir":
				os.Mkdir(dest, 0o755)
			case "dir":
				os.Mkdir(dest, 0o755)
				os.WriteFile(filepath.Join(dest, "bala.json"), []byte("mine"), 0o644)
			case "file":
				os.WriteFile(dest, []byte("mine"), 0o644)
			}
			before := listDir(t, parent)
			if err := a.ExtractTo(dest); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("ExtractTo an existing %s: %v, want fs.ErrExist", kind, err)
			}
			if after := listDir(t, parent); !slices.Equal(before, after) {
				t.Errorf("parent changed from %q to %q", before, after)
			}
			if kind == "dir" {
				if data, _ := os.ReadFile(filepath.Join(dest, "bala.json")); string(data) != "mine" {
					t.Errorf("existing file overwritten: %q", data)
				}
			}
		})
	}
}

func TestExtractToMissingParent(t *testing.T) {
	a := openTestBala(t, writeTestBala(t))
	parent := t.TempDir()
	if err := a.ExtractTo(filepath.Join(parent, "no", "such", "dir")); err == nil {
		t.Fatal("ExtractTo under a missing parent succeeded")
	}
	if got := listDir(t, parent); len(got) != 0 {
		t.Errorf("parent holds %q", got)
	}
}

func TestExtractToFailureLeavesNothing(t *testing.T) {
	a := openTestBala(t, writeTestBala(t))
	boom := errors.New("disk full")
	for _, failAt := range []int{1, 2, len(a.Files)} {
		parent := t.TempDir()
		n := 0
		a.afterFile = func(string) error {
			if n++; n == failAt {
				return boom
			}
			return nil
		}
		if err := a.ExtractTo(filepath.Join(parent, "hello")); !errors.Is(err, boom) {
			t.Fatalf("ExtractTo failing after file %d: %v, want %v", failAt, err, boom)
		}
		if got := listDir(t, parent); len(got) != 0 {
			t.Errorf("failure after file %d left %q", failAt, got)
		}
	}
	a.afterFile = nil
}

// TestExtractToRecheck changes the archive's bytes after Open, as a file
// rewritten on disk would be: ExtractTo checks every entry again and leaves
// nothing behind.
func TestExtractToRecheck(t *testing.T) {
	data := writeTestBala(t)
	mutable := bytes.Clone(data)
	a, err := Open(bytes.NewReader(mutable), int64(len(mutable)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	// Damage the data of the third file (docs/modules/hello.util/README.md).
	off, err := a.files[2].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	mutable[off+1] ^= 0xff
	parent := t.TempDir()
	err = a.ExtractTo(filepath.Join(parent, "hello"))
	var ce *CheckError
	if !errors.Is(err, ErrFormat) || !errors.As(err, &ce) || ce.Name != a.Files[2] {
		t.Fatalf("ExtractTo of a damaged entry: %v, want ErrFormat for %s", err, a.Files[2])
	}
	if got := listDir(t, parent); len(got) != 0 {
		t.Errorf("failed extraction left %q", got)
	}
	if _, err := a.ReadFile(a.Files[2]); !errors.Is(err, ErrFormat) {
		t.Errorf("ReadFile of the damaged entry: %v, want ErrFormat", err)
	}
}

func TestExtractToRelative(t *testing.T) {
	a := openTestBala(t, writeTestBala(t))
	t.Chdir(t.TempDir())
	if err := os.Mkdir("repo", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{"hello", "repo/hello", "./repo/../repo/again"} {
		if err := a.ExtractTo(dest); err != nil {
			t.Fatalf("ExtractTo(%q): %v", dest, err)
		}
		if _, err := os.Stat(filepath.Join(dest, "modules", "hello", "hello.bal")); err != nil {
			t.Errorf("ExtractTo(%q): %v", dest, err)
		}
	}
	if got := listDir(t, "."); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, ".tmp-") }) {
		t.Errorf("temporary directories left: %q", got)
	}
}
