package bala

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

// fuzzLimits keep each fuzz input cheap.
var fuzzLimits = Limits{MaxEntries: 64, MaxEntrySize: 1 << 20, MaxTotalSize: 4 << 20, MaxPathLength: 256}

// FuzzOpen checks the invariants of checkOpen on arbitrary input. Seeds:
// testdata/fuzz/FuzzOpen (archives written by Write), the sample archive of
// the conformance data (read in place) and the archives built here.
func FuzzOpen(f *testing.F) {
	f.Add(writeTestBala(f))
	f.Add(handout.ReadFile(f, "conformance", "bala", "sf-any.bala"))
	f.Add(buildZip(f, withMeta(rawEntry{name: "modules/", store: true, mode: 0o755 | os.ModeDir}, rawEntry{name: "modules/a/b.bal", data: []byte("x")})))
	f.Fuzz(func(t *testing.T, data []byte) { checkOpen(t, data, true) })
}

// TestOpenCorruptions runs checkOpen on every single-byte corruption and
// every truncation of a small archive and of the sample: each is refused
// with a *CheckError or keeps every invariant. The corruptions accepted are
// of fields nothing relies on (timestamps, extra fields, version fields);
// a few of them are extracted (extraction syncs, which is slow).
func TestOpenCorruptions(t *testing.T) {
	var small bytes.Buffer
	err := Write(&small, []Entry{
		{Name: BalaJSONFile, Data: []byte(testBalaJSON)},
		{Name: PackageJSONFile, Data: []byte(`{"organization": "a", "name": "b", "version": "0.1.0"}`)},
		{Name: "modules/b/main.bal", Data: []byte("public function main() {}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range [][]byte{small.Bytes(), handout.ReadFile(t, "conformance", "bala", "sf-any.bala")} {
		accepted := 0
		for i := range seed {
			data := bytes.Clone(seed)
			data[i] ^= 0xff
			if checkOpen(t, data, accepted < 8) {
				accepted++
			}
			if checkOpen(t, seed[:i], false) {
				t.Fatalf("truncation to %d bytes accepted", i)
			}
		}
		t.Logf("%d-byte archive: %d of %d corruptions accepted", len(seed), accepted, len(seed))
	}
}

// checkOpen checks that Open does not panic, that its error is a
// *CheckError agreeing with Check, and that an archive it accepts writes
// back into an archive it accepts again and, if extract is set, extracts
// into exactly its Files with ReadFile's contents. It reports whether Open
// accepted data.
func checkOpen(t *testing.T, data []byte, extract bool) bool {
	t.Helper()
	a, err := Open(bytes.NewReader(data), int64(len(data)), fuzzLimits)
	report, cerr := Check(bytes.NewReader(data), int64(len(data)), fuzzLimits)
	checkOpenToExtract(t, data, a, err, extract)
	if err != nil {
		var ce *CheckError
		if !errors.As(err, &ce) {
			t.Fatalf("Open error %v (%T) is not a *CheckError", err, err)
		}
		other := cerr
		if other == nil {
			other = report.Err()
		}
		if other == nil || other.Error() != err.Error() {
			t.Fatalf("Open: %v; Check: %v", err, other)
		}
		return false
	}
	if cerr != nil || report.Err() != nil || !slices.Equal(report.Valid, a.Files) {
		t.Fatalf("Open accepted what Check reports as %v, %v (valid %q, files %q)", cerr, report.Err(), report.Valid, a.Files)
	}
	if a.Bala == nil || a.Package == nil {
		t.Fatal("accepted archive without metadata")
	}

	var entries []Entry
	for _, name := range a.Files {
		content, err := a.ReadFile(name)
		if err != nil {
			t.Fatalf("ReadFile(%q): %v", name, err)
		}
		entries = append(entries, Entry{Name: name, Data: content})
	}
	want := slices.Sorted(slices.Values(a.Files))
	if extract {
		dest := filepath.Join(t.TempDir(), "x")
		if err := a.ExtractTo(dest); err != nil {
			t.Fatalf("ExtractTo: %v", err)
		}
		var files []string
		for _, name := range listDir(t, dest) {
			if name[len(name)-1] != '/' {
				files = append(files, name)
			}
		}
		if !slices.Equal(files, want) {
			t.Fatalf("extracted %q, want %q", files, want)
		}
		for _, e := range entries {
			if onDisk, _ := os.ReadFile(filepath.Join(dest, filepath.FromSlash(e.Name))); !bytes.Equal(onDisk, e.Data) {
				t.Fatalf("extracted %q differs from ReadFile", e.Name)
			}
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, entries); err != nil {
		t.Fatalf("Write of an accepted archive's entries: %v", err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), fuzzLimits)
	if err != nil {
		t.Fatalf("Open of the rewritten archive: %v", err)
	}
	if !slices.Equal(slices.Sorted(slices.Values(b.Files)), want) {
		t.Fatalf("rewritten archive holds %q, want %q", b.Files, want)
	}
	return true
}

// checkOpenToExtract checks OpenToExtract against Open's answer (a, err):
// it accepts what Open accepts, with the same files and, if extract is
// set, the same extraction; what Open refuses it refuses too, with a
// *CheckError, or leaves to ExtractTo, which must then fail with a
// *CheckError and leave nothing behind.
func checkOpenToExtract(t *testing.T, data []byte, a *Archive, err error, extract bool) {
	t.Helper()
	b, berr := OpenToExtract(bytes.NewReader(data), int64(len(data)), fuzzLimits)
	var ce *CheckError
	switch {
	case err == nil && berr != nil:
		t.Fatalf("OpenToExtract refused what Open accepts: %v", berr)
	case err == nil:
		if !slices.Equal(a.Files, b.Files) {
			t.Fatalf("OpenToExtract lists %q, Open %q", b.Files, a.Files)
		}
		if !extract {
			return
		}
		dest := filepath.Join(t.TempDir(), "x")
		if err := b.ExtractTo(dest); err != nil {
			t.Fatalf("ExtractTo after OpenToExtract: %v", err)
		}
		for _, name := range b.Files {
			want, _ := a.ReadFile(name)
			if onDisk, _ := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name))); !bytes.Equal(onDisk, want) {
				t.Fatalf("extracted %q differs from ReadFile", name)
			}
		}
	case berr != nil:
		if !errors.As(berr, &ce) {
			t.Fatalf("OpenToExtract error %v (%T) is not a *CheckError", berr, berr)
		}
	default:
		parent := t.TempDir()
		xerr := b.ExtractTo(filepath.Join(parent, "x"))
		if !errors.As(xerr, &ce) {
			t.Fatalf("Open: %v; OpenToExtract accepted it and ExtractTo gave %v, want a *CheckError", err, xerr)
		}
		if got := listDir(t, parent); len(got) != 0 {
			t.Fatalf("failed extraction left %q", got)
		}
	}
}
