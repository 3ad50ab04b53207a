package bala

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// goldenSHA256 is the digest of writeTestBala's output. A change means the
// byte format of written archives changed: update it only on purpose.
const goldenSHA256 = "a1f1f6618b508d12b1caaf6523a80ab29332dea57a27a70b56fea2718626527c"

func TestFileName(t *testing.T) {
	tests := []struct{ org, name, platform, version, want string }{
		{"foo", "winery", "java21", "0.1.0", "foo-winery-java21-0.1.0.bala"},
		{"bar", "winery", "any", "0.1.0", "bar-winery-any-0.1.0.bala"},
		{"user", "hello", "", "0.1.0", "user-hello-any-0.1.0.bala"},
	}
	for _, tt := range tests {
		if got := FileName(tt.org, tt.name, tt.platform, tt.version); got != tt.want {
			t.Errorf("FileName(%q, %q, %q, %q) = %q, want %q", tt.org, tt.name, tt.platform, tt.version, got, tt.want)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	data := writeTestBala(t)
	a, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if err != nil {
		t.Fatalf("Open(Write(entries)): %v", err)
	}
	want := map[string][]byte{}
	for _, e := range testEntries() {
		want[e.Name] = e.Data
	}
	if len(a.Files) != len(want) {
		t.Fatalf("Files = %q, want the %d entries written", a.Files, len(want))
	}
	for _, name := range a.Files {
		got, err := a.ReadFile(name)
		if err != nil {
			t.Fatalf("ReadFile(%q): %v", name, err)
		}
		if !bytes.Equal(got, want[name]) {
			t.Errorf("ReadFile(%q) = %q, want %q", name, got, want[name])
		}
	}
	if a.Bala.BalaVersion != "3.0.0" || a.Package.Organization != "balc" || a.Package.Name != "hello" ||
		a.Package.Version != "1.2.0" || a.Package.Readme != "docs/README.md" {
		t.Errorf("metadata = %+v, %+v", a.Bala, a.Package)
	}
	if a.Graph == nil || len(a.Graph.Packages) != 2 || a.Graph.Modules[0].Dependencies[0].ModuleName != "io" {
		t.Errorf("Graph = %+v", a.Graph)
	}
}

func TestWriteOrderAndHeaders(t *testing.T) {
	data := writeTestBala(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Deflate {
			t.Errorf("%s: method %d, want Deflate", f.Name, f.Method)
		}
		if f.Mode() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", f.Name, f.Mode())
		}
		if len(f.Extra) != 0 || f.Comment != "" {
			t.Errorf("%s: extra %x, comment %q; want none", f.Name, f.Extra, f.Comment)
		}
		if f.ModifiedDate != dosEpochDate || f.ModifiedTime != 0 {
			t.Errorf("%s: DOS date/time %#x/%#x, want 1980-01-01 00:00", f.Name, f.ModifiedDate, f.ModifiedTime)
		}
		if f.Flags&0x8 != 0 {
			t.Errorf("%s: has a data descriptor", f.Name)
		}
	}
	want := []string{
		"bala.json",
		"docs/README.md",
		"docs/modules/hello.util/README.md",
		"modules/hello.util/util.bal",
		"modules/hello/empty.bal",
		"modules/hello/hello.bal",
		"resources/data.json",
		"LICENSE",
		"platform/java21/lib.jar",
		"package.json",
		"dependency-graph.json",
	}
	if !slices.Equal(names, want) {
		t.Errorf("entry order:\n got %q\nwant %q", names, want)
	}
	if zr.Comment != "" {
		t.Errorf("archive comment %q", zr.Comment)
	}
}

func TestWriteCategoryOrder(t *testing.T) {
	names := []string{"dependency-graph.json", "tool/bal-tool.json", "compiler-plugin/libs/a.jar", "package.json",
		"platform/java21/a.jar", "Config.toml", "resources/r", "modules/p/a.bal", "docs/Package.md", "bala.json"}
	for i := 1; i < len(names); i++ {
		if category(names[i]) >= category(names[i-1]) {
			t.Errorf("category(%q) = %d, not before category(%q) = %d", names[i], category(names[i]), names[i-1], category(names[i-1]))
		}
	}
}

func TestWriteReproducible(t *testing.T) {
	first := writeTestBala(t)
	if again := writeTestBala(t); !bytes.Equal(first, again) {
		t.Fatal("two writes of the same entries differ")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5 {
		entries := testEntries()
		rng.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
		var buf bytes.Buffer
		if err := Write(&buf, entries); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), first) {
			t.Fatalf("shuffle %d: output differs from the unshuffled write", i)
		}
	}
	sum := sha256.Sum256(first)
	if got := hex.EncodeToString(sum[:]); got != goldenSHA256 {
		t.Errorf("sha256 of the written test bala = %s, want %s (the byte format changed: update goldenSHA256 if on purpose)", got, goldenSHA256)
	}
}

func TestWriteStoresWhatCompressesTooWell(t *testing.T) {
	entries := append(testEntries(), Entry{Name: "resources/zeros.bin", Data: make([]byte, 4<<20)})
	var buf bytes.Buffer
	if err := Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "resources/zeros.bin" && f.Method != zip.Store {
			t.Errorf("4 MiB of zeros written with method %d, want Store", f.Method)
		}
	}
	if _, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits); err != nil {
		t.Fatalf("Open: %v", err)
	}
}

func TestWriteRejects(t *testing.T) {
	tests := []struct {
		name  string
		extra []Entry
		drop  string
		want  error
	}{
		{"dot-dot", []Entry{{Name: "../evil"}}, "", ErrInsecurePath},
		{"absolute", []Entry{{Name: "/etc/passwd"}}, "", ErrInsecurePath},
		{"backslash", []Entry{{Name: `modules\x.bal`}}, "", ErrInsecurePath},
		{"directory", []Entry{{Name: "modules/"}}, "", ErrInsecurePath},
		{"duplicate", []Entry{{Name: "LICENSE"}}, "", ErrDuplicate},
		{"case-fold", []Entry{{Name: "license"}}, "", ErrDuplicate},
		{"file-as-dir", []Entry{{Name: "LICENSE/x"}}, "", ErrDuplicate},
		{"too-large", []Entry{{Name: "big", Data: make([]byte, MaxEntrySize+1)}}, "", ErrTooLarge},
		{"no-package-json", nil, PackageJSONFile, ErrMissingMetadata},
		{"no-bala-json", nil, BalaJSONFile, ErrMissingMetadata},
		{"bad-package-json", []Entry{{Name: PackageJSONFile, Data: []byte(`{"organization": 1}`)}}, PackageJSONFile, ErrInvalidMetadata},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var entries []Entry
			for _, e := range testEntries() {
				if e.Name != tt.drop {
					entries = append(entries, e)
				}
			}
			entries = append(entries, tt.extra...)
			var buf bytes.Buffer
			err := Write(&buf, entries)
			var ce *CheckError
			if !errors.Is(err, tt.want) || !errors.As(err, &ce) {
				t.Fatalf("Write error = %v, want a *CheckError wrapping %v", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestWriteTooManyEntries(t *testing.T) {
	entries := testEntries()
	for i := len(entries); i <= MaxEntries; i++ {
		entries = append(entries, Entry{Name: "resources/f" + strconv.Itoa(i)})
	}
	if err := Write(&bytes.Buffer{}, entries); !errors.Is(err, ErrTooManyEntries) {
		t.Fatalf("Write of %d entries: %v, want ErrTooManyEntries", len(entries), err)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName("balc", "hello", "", "1.2.0"))
	if err := WriteFile(p, testEntries()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, writeTestBala(t)) {
		t.Error("WriteFile wrote other bytes than Write")
	}
	if err := WriteFile(p, append(testEntries(), Entry{Name: "../x"})); !errors.Is(err, ErrInsecurePath) {
		t.Fatalf("WriteFile with a bad name: %v", err)
	}
	if names := listDir(t, dir); !slices.Equal(names, []string{"balc-hello-any-1.2.0.bala"}) {
		t.Errorf("directory holds %q after a failed WriteFile, want only the first file", names)
	}
	if again, _ := os.ReadFile(p); !bytes.Equal(again, got) {
		t.Error("failed WriteFile changed the existing file")
	}
}
