package bala

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

func TestOpenSample(t *testing.T) {
	a, f, err := OpenFile(handout.Path(t, "conformance", "bala", "sf-any.bala"), DefaultLimits)
	if err != nil {
		t.Fatalf("OpenFile(sf-any.bala): %v", err)
	}
	defer f.Close()

	// Metadata as the sample's README describes it.
	if a.Bala.BalaVersion != "2.0.0" || a.Bala.BuiltBy != "WSO2" {
		t.Errorf("bala.json = %+v, want balo_version 2.0.0 built by WSO2", a.Bala)
	}
	p := a.Package
	if p.Organization != "foo" || p.Name != "winery" || p.Version != "0.1.0" || p.BallerinaVersion != "Ballerina 2.0.0" ||
		p.ImplementationVendor != "WSO2" || p.LanguageSpecVersion != "2020r2" || p.Platform != "any" || p.Template {
		t.Errorf("package.json = %+v", p)
	}
	if a.Graph == nil {
		t.Fatal("Graph = nil, want the sample's dependency graph")
	}
	var pkgs []string
	for _, gp := range a.Graph.Packages {
		pkgs = append(pkgs, gp.Org+"/"+gp.Name+":"+gp.Version)
	}
	if want := []string{"samjs/package_c:0.1.0", "samjs/package_b:0.1.0", "samjs/package_missing:1.0.0"}; !slices.Equal(pkgs, want) {
		t.Errorf("graph packages = %q, want %q", pkgs, want)
	}
	if len(a.Graph.Modules) != 3 || a.Graph.Modules[0].ModuleName != "package_b" || len(a.Graph.Modules[0].Dependencies) != 2 {
		t.Errorf("graph modules = %+v", a.Graph.Modules)
	}

	// Files: the file entries in archive order; the two directory entries
	// are skipped.
	wantFiles := []string{"dependency-graph.json", "package.json", "bala.json", "modules/winery/main.bal"}
	if !slices.Equal(a.Files, wantFiles) {
		t.Errorf("Files = %q, want %q", a.Files, wantFiles)
	}
	sizes := map[string]int{"dependency-graph.json": 2308, "package.json": 226, "bala.json": 51, "modules/winery/main.bal": 128}
	for name, size := range sizes {
		data, err := a.ReadFile(name)
		if err != nil || len(data) != size {
			t.Errorf("ReadFile(%q) = %d bytes, %v; want %d bytes", name, len(data), err, size)
		}
	}
	src, _ := a.ReadFile("modules/winery/main.bal")
	if !bytes.Contains(src, []byte("public function main()")) || !bytes.Contains(src, []byte("mod_k1:func1()")) {
		t.Errorf("main.bal = %q", src)
	}

	// Check lists every entry in archive order.
	fi, _ := f.Stat()
	report, err := Check(f, fi.Size(), DefaultLimits)
	if err != nil || report.Err() != nil {
		t.Fatalf("Check: %v, %v", err, report.Err())
	}
	var omitted []string
	for _, o := range report.Omitted {
		omitted = append(omitted, o.Path)
	}
	if !slices.Equal(omitted, []string{"modules/", "modules/winery/"}) || !slices.Equal(report.Valid, wantFiles) {
		t.Errorf("Check: valid %q, omitted %q", report.Valid, omitted)
	}

	// Extraction gives the files and their directories.
	dest := filepath.Join(t.TempDir(), "foo", "winery", "0.1.0", "any")
	os.MkdirAll(filepath.Dir(dest), 0o755)
	if err := a.ExtractTo(dest); err != nil {
		t.Fatalf("ExtractTo: %v", err)
	}
	want := []string{"bala.json", "dependency-graph.json", "modules/", "modules/winery/", "modules/winery/main.bal", "package.json"}
	if got := listDir(t, dest); !slices.Equal(got, want) {
		t.Errorf("extracted %q, want %q", got, want)
	}
}

// hostileCase is an archive Open must refuse.
type hostileCase struct {
	name  string
	data  func(t testing.TB) []byte
	want  error  // the kind Open and Check report
	entry string // the entry Check lists as invalid; "" when Check fails as a whole
}

func entries(es ...rawEntry) func(t testing.TB) []byte {
	return func(t testing.TB) []byte { return buildZip(t, withMeta(es...)) }
}

func hostileCases() []hostileCase {
	src := []byte("public function main() {}\n")
	return []hostileCase{
		{"zip-slip", entries(rawEntry{name: "../evil", data: src}), ErrInsecurePath, "../evil"},
		{"zip-slip-nested", entries(rawEntry{name: "modules/a/../../../evil", data: src}), ErrInsecurePath, "modules/a/../../../evil"},
		{"absolute", entries(rawEntry{name: "/etc/x", data: src}), ErrInsecurePath, "/etc/x"},
		{"drive-letter", entries(rawEntry{name: `C:\x`, data: src}), ErrInsecurePath, `C:\x`},
		{"drive-letter-slash", entries(rawEntry{name: "C:/x", data: src}), ErrInsecurePath, "C:/x"},
		{"backslash", entries(rawEntry{name: `modules\a\x.bal`, data: src}), ErrInsecurePath, `modules\a\x.bal`},
		{"dot-element", entries(rawEntry{name: "modules/./x.bal", data: src}), ErrInsecurePath, "modules/./x.bal"},
		{"empty-element", entries(rawEntry{name: "modules//x.bal", data: src}), ErrInsecurePath, "modules//x.bal"},
		{"nul-in-name", entries(rawEntry{name: "modules/x.bal\x00.txt", data: src}), ErrInsecurePath, "modules/x.bal\x00.txt"},
		{"newline-in-name", entries(rawEntry{name: "modules/x\n.bal", data: src}), ErrInsecurePath, "modules/x\n.bal"},
		{"bidi-override", entries(rawEntry{name: "modules/x\u202elab.txt", data: src}), ErrInsecurePath, "modules/x\u202elab.txt"},
		{"invalid-utf8", entries(rawEntry{name: "modules/\xff.bal", data: src}), ErrInsecurePath, "modules/\xff.bal"},
		{"windows-device", entries(rawEntry{name: "resources/aux.json", data: src}), ErrInsecurePath, "resources/aux.json"},
		{"trailing-dot", entries(rawEntry{name: "resources/x.", data: src}), ErrInsecurePath, "resources/x."},
		{"over-long-path", entries(rawEntry{name: "resources/" + strings.Repeat("a", MaxPathLength), data: src}), ErrInsecurePath, "resources/" + strings.Repeat("a", MaxPathLength)},
		{"symlink", entries(rawEntry{name: "modules/hello/link.bal", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}), ErrSymlink, "modules/hello/link.bal"},
		{"device", entries(rawEntry{name: "modules/hello/dev", mode: fs.ModeDevice | 0o644}), ErrNotRegular, "modules/hello/dev"},
		{"fifo", entries(rawEntry{name: "modules/hello/fifo", mode: fs.ModeNamedPipe | 0o644}), ErrNotRegular, "modules/hello/fifo"},
		{"directory-with-data", entries(rawEntry{name: "modules/hello_", rename: "modules/hello/", data: src, store: true, mode: fs.ModeDir | 0o755}), ErrNotRegular, "modules/hello/"},
		{"duplicate", entries(rawEntry{name: "modules/hello/a.bal", data: src}, rawEntry{name: "modules/hello/a.bal", data: src}), ErrDuplicate, "modules/hello/a.bal"},
		{"duplicate-metadata", entries(rawEntry{name: PackageJSONFile, data: []byte(testPackageJSON)}), ErrDuplicate, PackageJSONFile},
		{"case-fold", entries(rawEntry{name: "modules/hello/A.bal", data: src}, rawEntry{name: "modules/hello/a.bal", data: src}), ErrDuplicate, "modules/hello/a.bal"},
		{"case-fold-unicode", entries(rawEntry{name: "resources/\u212a", data: src}, rawEntry{name: "resources/k", data: src}), ErrDuplicate, "resources/k"},
		{"case-fold-directory", entries(rawEntry{name: "Modules/hello/a.bal", data: src}, rawEntry{name: "modules", data: src}), ErrDuplicate, "modules"},
		{"case-fold-parents", entries(rawEntry{name: "modules/Hello/a.bal", data: src}, rawEntry{name: "modules/hello/b.bal", data: src}), ErrDuplicate, "modules/hello/b.bal"},
		{"file-then-directory", entries(rawEntry{name: "modules/hello", data: src}, rawEntry{name: "modules/hello/a.bal", data: src}), ErrDuplicate, "modules/hello/a.bal"},
		{"directory-then-file", entries(rawEntry{name: "modules/hello/a.bal", data: src}, rawEntry{name: "modules/hello", data: src}), ErrDuplicate, "modules/hello"},
		{"directory-entry-and-file", entries(rawEntry{name: "modules/hello/", store: true, mode: fs.ModeDir | 0o755}, rawEntry{name: "modules/hello", data: src}), ErrDuplicate, "modules/hello"},
		{"zip-bomb", bomb(1024, nil), ErrTooLarge, "resources/zeros"},
		{"ratio-bomb", bomb(60, nil), ErrCompressionRatio, "resources/zeros"},
		{"size-lie", bomb(10, u64(10)), ErrFormat, "resources/zeros"},
		{"size-lie-bomb", bomb(1024, u64(100)), ErrFormat, "resources/zeros"},
		{"size-lie-short", entries(rawEntry{name: "resources/r", data: src, size: u64(1000)}), ErrFormat, "resources/r"},
		{"checksum", entries(rawEntry{name: "resources/r", data: src, crc: u32(12345)}), ErrFormat, "resources/r"},
		{"checksum-zero", entries(rawEntry{name: "resources/r", data: src, crc: new(uint32)}), ErrFormat, "resources/r"}, // archive/zip skips a zero checksum
		{"stored-size-mismatch", entries(rawEntry{name: "resources/r", raw: src, method: zip.Store, size: u64(5)}), ErrFormat, "resources/r"},
		{"truncated", truncated, ErrFormat, ""},
		{"truncated-data", truncatedData, ErrFormat, ""},
		{"not-a-zip", func(testing.TB) []byte { return []byte("#!/bin/sh\necho not a bala\n") }, ErrFormat, ""},
		{"empty-file", func(testing.TB) []byte { return nil }, ErrFormat, ""},
		{"encrypted", entries(rawEntry{name: "resources/secret", data: src, flags: 0x1}), ErrUnsupported, "resources/secret"},
		{"unsupported-method", entries(rawEntry{name: "resources/r.bz2", raw: []byte("BZh91AY&SY"), method: 12}), ErrUnsupported, "resources/r.bz2"},
		{"local-name-mismatch", localNameMismatch, ErrFormat, "modules/hello/a.bal"},
		{"overlapping-entries", overlapping, ErrFormat, "resources/b"},
		{"missing-package-json", func(t testing.TB) []byte {
			return buildZip(t, []rawEntry{{name: BalaJSONFile, data: []byte(testBalaJSON)}, {name: "modules/hello/a.bal", data: src}})
		}, ErrMissingMetadata, PackageJSONFile},
		{"missing-bala-json", func(t testing.TB) []byte {
			return buildZip(t, []rawEntry{{name: PackageJSONFile, data: []byte(testPackageJSON)}})
		}, ErrMissingMetadata, BalaJSONFile},
		{"package-json-wrong-types", metaWith(PackageJSONFile, `{"organization": "balc", "name": ["hello"], "version": 1}`), ErrInvalidMetadata, PackageJSONFile},
		{"package-json-not-json", metaWith(PackageJSONFile, `{"organization": "balc",`), ErrInvalidMetadata, PackageJSONFile},
		{"invalid-org", metaWith(PackageJSONFile, `{"organization": "bal-c", "name": "hello", "version": "1.0.0"}`), ErrInvalidMetadata, PackageJSONFile},
		{"invalid-name", metaWith(PackageJSONFile, `{"organization": "balc", "name": "../hello", "version": "1.0.0"}`), ErrInvalidMetadata, PackageJSONFile},
		{"invalid-version", metaWith(PackageJSONFile, `{"organization": "balc", "name": "hello", "version": "1.0"}`), ErrInvalidMetadata, PackageJSONFile},
		{"invalid-platform", metaWith(PackageJSONFile, `{"organization": "balc", "name": "hello", "version": "1.0.0", "platform": "../java"}`), ErrInvalidMetadata, PackageJSONFile},
		{"bala-json-no-version", metaWith(BalaJSONFile, `{"built_by": "WSO2"}`), ErrInvalidMetadata, BalaJSONFile},
		{"invalid-graph", metaWith(DependencyGraphJSONFile, `{"packages": [{"org": "x"}]}`), ErrInvalidMetadata, DependencyGraphJSONFile},
		{"huge-package-json", func(t testing.TB) []byte {
			big := `{"organization": "balc", "name": "hello", "version": "1.0.0", "description": "` + strings.Repeat("a", MaxMetadataFile) + `"}`
			return buildZip(t, []rawEntry{{name: BalaJSONFile, data: []byte(testBalaJSON)}, {name: PackageJSONFile, data: []byte(big), store: true}})
		}, ErrInvalidMetadata, PackageJSONFile},
		{"too-many-entries", tooManyEntries, ErrTooManyEntries, "resources/10000"},
		{"too-large-in-total", func(t testing.TB) []byte {
			var es []rawEntry
			for i := range MaxTotalSize/MaxEntrySize + 1 {
				es = append(es, rawEntry{name: "resources/" + strconv.Itoa(i), raw: bytes.Repeat([]byte{0x55}, MaxEntrySize/MaxCompressionRatio+1), method: zip.Deflate, size: u64(MaxEntrySize)})
			}
			return buildZip(t, withMeta(es...))
		}, ErrTooLarge, "resources/7"}, // the metadata's bytes make the eighth 64 MiB entry one too many
	}
}

// metaWith returns a builder of the metadata entries with one replaced or
// added.
func metaWith(name, content string) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		var es []rawEntry
		for _, e := range metaEntries() {
			if e.name != name {
				es = append(es, e)
			}
		}
		return buildZip(t, append(es, rawEntry{name: name, data: []byte(content)}))
	}
}

// bomb returns a builder of an archive holding mib MiB of zeros as
// "resources/zeros", its declared size replaced by size when set.
func bomb(mib int, size *uint64) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		declared := uint64(mib) << 20
		if size != nil {
			declared = *size
		}
		return buildZip(t, withMeta(rawEntry{name: "resources/zeros", raw: deflatedZeros(t, mib), method: zip.Deflate, size: u64(declared), crc: new(uint32)}))
	}
}

func truncated(t testing.TB) []byte {
	data := writeTestBala(t)
	return data[:len(data)-30] // inside the end-of-directory record
}

func truncatedData(t testing.TB) []byte {
	data := writeTestBala(t)
	return data[:len(data)/2]
}

// localNameMismatch renames an entry in its local header only: readers that
// trust local headers would see "Modules/hello/a.bal".
func localNameMismatch(t testing.TB) []byte {
	data := buildZip(t, withMeta(rawEntry{name: "modules/hello/a.bal", data: []byte("x")}))
	i := bytes.Index(data, []byte("modules/hello/a.bal"))
	if i < 0 || bytes.LastIndex(data, []byte("modules/hello/a.bal")) == i {
		t.Fatal("name not found twice")
	}
	data[i] = 'M'
	return data
}

// overlapping makes the second entry's central record point at the first
// entry's local header, so both share one body (the overlapping-file bomb
// technique).
func overlapping(t testing.TB) []byte {
	data := buildZip(t, withMeta(rawEntry{name: "resources/a", data: []byte("aaaa")}, rawEntry{name: "resources/b", data: []byte("aaaa")}))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	offA, _ := zr.File[2].DataOffset()
	headerA := offA - localHeaderLen - int64(len("resources/a"))
	// The central record of resources/b: point its local header offset at
	// resources/a's header. The names differ, but archive/zip reads only
	// the body offset from the local header, and both bodies are equal.
	cd := bytes.LastIndex(data, []byte("resources/b")) - centralHeaderLen
	if le32(data[cd:]) != sigCentralHeader {
		t.Fatal("central record not found")
	}
	data[cd+42] = byte(headerA)
	data[cd+43] = byte(headerA >> 8)
	data[cd+44] = byte(headerA >> 16)
	data[cd+45] = byte(headerA >> 24)
	return data
}

// tooManyEntries returns an archive of MaxEntries+1 entries, the metadata
// included.
func tooManyEntries(t testing.TB) []byte {
	es := metaEntries()
	for i := len(es); i <= MaxEntries; i++ {
		es = append(es, rawEntry{name: "resources/" + strconv.Itoa(i), store: true})
	}
	return buildZip(t, es)
}

func TestHostileArchives(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			r := &countingReaderAt{r: bytes.NewReader(data)}

			// Open fails with the case's own kind, as a *CheckError.
			a, err := Open(r, int64(len(data)), DefaultLimits)
			var ce *CheckError
			if !errors.Is(err, tc.want) || !errors.As(err, &ce) {
				t.Fatalf("Open error = %v, want a *CheckError wrapping %q", err, tc.want)
			}
			if ce.Name != tc.entry {
				t.Errorf("CheckError.Name = %q, want %q", ce.Name, tc.entry)
			}
			if strings.ContainsAny(err.Error(), "\x00\n\u202e") {
				t.Errorf("error message holds raw control characters: %q", err.Error())
			}
			// Bombs are refused without inflating them: the bytes read stay
			// far below the compressed size, let alone the declared one.
			if strings.Contains(tc.name, "bomb") {
				if n := r.n.Load(); n > 16<<10 || len(data) < 32<<10 {
					t.Errorf("Open read %d bytes of a %d-byte bomb", n, len(data))
				}
			}

			// Nothing reaches the file system.
			parent := t.TempDir()
			before := listDir(t, parent)
			if a != nil {
				a.ExtractTo(filepath.Join(parent, "x"))
			}
			if after := listDir(t, parent); !slices.Equal(before, after) {
				t.Errorf("parent directory changed: %q", after)
			}
			p := writeTemp(t, data)
			if a, f, err := OpenFile(p, DefaultLimits); !errors.Is(err, tc.want) || a != nil || f != nil {
				t.Errorf("OpenFile = %v, %v, %v; want nil, nil and %q", a, f, err, tc.want)
			}

			// Check lists the offending entry with the same kind.
			report, err := Check(bytes.NewReader(data), int64(len(data)), DefaultLimits)
			if tc.entry == "" {
				if !errors.Is(err, tc.want) || !errors.As(err, &ce) {
					t.Fatalf("Check error = %v, want a *CheckError wrapping %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check error = %v, want a report", err)
			}
			found := false
			for _, fe := range report.Invalid {
				if fe.Path == tc.entry && errors.Is(fe.Err, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("Check did not list %q as %q: %v", tc.entry, tc.want, report.Invalid)
			}
			if tc.want != ErrDuplicate && slices.Contains(report.Valid, tc.entry) {
				t.Errorf("Check lists %q as valid", tc.entry)
			}
			if rerr := report.Err(); rerr == nil || rerr.Error() != ce.Error() {
				t.Errorf("Check.Err() = %v, want Open's error %v", rerr, ce)
			}
		})
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	src := []byte("x")
	data := buildZip(t, []rawEntry{
		{name: "modules/", store: true, mode: fs.ModeDir | 0o755},
		{name: "../a", data: src},
		{name: "modules/hello/ok.bal", data: src},
		{name: "link", data: src, mode: fs.ModeSymlink | 0o777},
		{name: "README.md", data: src},
		{name: "readme.md", data: src},
		{name: BalaJSONFile, data: []byte(testBalaJSON)},
		{name: "resources/lie", data: src, size: u64(2)},
	})
	report, err := Check(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		path string
		kind error
	}{
		{"../a", ErrInsecurePath},
		{"link", ErrSymlink},
		{"readme.md", ErrDuplicate},
		{PackageJSONFile, ErrMissingMetadata},
		{"resources/lie", ErrFormat},
	}
	if len(report.Invalid) != len(want) {
		t.Fatalf("Invalid = %v, want %d problems", report.Invalid, len(want))
	}
	for i, w := range want {
		if got := report.Invalid[i]; got.Path != w.path || !errors.Is(got.Err, w.kind) {
			t.Errorf("Invalid[%d] = %v, want %q: %v", i, got, w.path, w.kind)
		}
	}
	if wantValid := []string{"modules/hello/ok.bal", "README.md", BalaJSONFile}; !slices.Equal(report.Valid, wantValid) {
		t.Errorf("Valid = %q, want %q", report.Valid, wantValid)
	}
	if len(report.Omitted) != 1 || report.Omitted[0].Path != "modules/" {
		t.Errorf("Omitted = %v", report.Omitted)
	}
	var ce *CheckError
	if err := report.Err(); !errors.As(err, &ce) || ce.Name != "../a" || !errors.Is(err, ErrInsecurePath) {
		t.Errorf("Err() = %v", err)
	}
	if got := report.Err().Error(); got != `entry "../a": insecure path: ".." path element` {
		t.Errorf("Err().Error() = %q", got)
	}
}

func TestOpenOldLayout(t *testing.T) {
	// The oldest layout: balo_version, docs/Package.md, Module.md per module,
	// resources inside modules, directory entries, a data descriptor per
	// entry (as Java's ZipOutputStream writes), no dependency graph.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct{ name, content string }{
		{"bala.json", `{"balo_version": "1.0.0", "built_by": "WSO2"}`},
		{"docs/", ""},
		{"docs/Package.md", "# winery\n"},
		{"docs/modules/winery/Module.md", "# module\n"},
		{"docs/modules/winery.cellar/Module.md", "# cellar\n"},
		{"modules/winery/main.bal", "public function main() {}\n"},
		{"modules/winery/resources/wine.json", "{}\n"},
		{"package.json", `{"organization": "foo", "name": "winery", "version": "0.1.0", "ballerina_version": "slbeta6", "platform": "any"}`},
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.content))
	}
	zw.Close()
	data := buf.Bytes()
	a, err := Open(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if a.Bala.BalaVersion != "1.0.0" || a.Graph != nil || len(a.Files) != 7 || a.Package.BallerinaVersion != "slbeta6" {
		t.Errorf("Archive = %+v, %+v, Graph %v", a.Bala, a.Package, a.Graph)
	}
}

func TestLimits(t *testing.T) {
	if got := (Limits{}).normalized(); got != DefaultLimits {
		t.Errorf("Limits{}.normalized() = %+v, want DefaultLimits", got)
	}
	if got := (Limits{MaxEntries: -1, MaxPathLength: 7}).normalized(); got.MaxEntries != MaxEntries || got.MaxPathLength != 7 {
		t.Errorf("normalized = %+v", got)
	}
	l := DefaultLimits
	tests := []struct {
		u, c uint64
		want bool
	}{
		{RatioCheckThreshold, 1, false}, // small entries are never refused
		{RatioCheckThreshold + 1, 0, true},
		{200 << 20, 1 << 20, false}, // exactly 200:1
		{200<<20 + 1, 1 << 20, true},
		{64 << 20, 1 << 20, false},
	}
	for _, tt := range tests {
		if got := l.ratioExceeded(tt.u, tt.c); got != tt.want {
			t.Errorf("ratioExceeded(%d, %d) = %v, want %v", tt.u, tt.c, got, tt.want)
		}
	}
	// Tighter limits apply.
	data := writeTestBala(t)
	if _, err := Open(bytes.NewReader(data), int64(len(data)), Limits{MaxEntries: 5}); !errors.Is(err, ErrTooManyEntries) {
		t.Errorf("Open with MaxEntries 5: %v", err)
	}
	if _, err := Open(bytes.NewReader(data), int64(len(data)), Limits{MaxEntrySize: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Open with MaxEntrySize 100: %v", err)
	}
	if _, err := Open(bytes.NewReader(data), int64(len(data)), Limits{MaxTotalSize: 1000}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Open with MaxTotalSize 1000: %v", err)
	}
	if _, err := Open(bytes.NewReader(data), int64(len(data)), Limits{MaxPathLength: 10}); !errors.Is(err, ErrInsecurePath) {
		t.Errorf("Open with MaxPathLength 10: %v", err)
	}
}

func TestCheckName(t *testing.T) {
	good := []string{"bala.json", "modules/hello.util/util.bal", "docs/modules/hello/Module.md", "resources/a b/c-d_e+f.json",
		"resources/été.txt", "resources/.hidden", "resources/console.json", "resources/com10", "resources/lpt", "x/y/z/..a", "a..b"}
	for _, name := range good {
		if err := checkName(name, MaxPathLength); err != nil {
			t.Errorf("checkName(%q) = %v, want nil", name, err)
		}
	}
	bad := []string{"", "/a", "a/", "./a", "a/./b", "a/../b", "..", ".", "a//b", `a\b`, "C:x", "a:b", "a\x00b", "a\tb", "a\x7fb",
		"a\u200bb", "a\xc3", "a<b", "a>b", `a"b`, "a|b", "a?b", "a*b", "CON", "con.txt", "x/Nul.json", "COM1", "lpt9.x", "COM¹",
		"conin$", "a /b", "a./b", strings.Repeat("a", MaxPathLength+1)}
	for _, name := range bad {
		if err := checkName(name, MaxPathLength); !errors.Is(err, ErrInsecurePath) {
			t.Errorf("checkName(%q) = %v, want ErrInsecurePath", name, err)
		}
	}
}

func TestFoldKey(t *testing.T) {
	same := [][2]string{{"abc", "ABC"}, {"k", "\u212a"}, {"ß", "ẞ"}, {"σ", "Σ"}, {"ς", "Σ"}, {"Straße", "STRAẞE"}}
	for _, p := range same {
		if strings.EqualFold(p[0], p[1]) != (foldKey(p[0]) == foldKey(p[1])) {
			t.Errorf("foldKey(%q) = %q, foldKey(%q) = %q; EqualFold = %v", p[0], foldKey(p[0]), p[1], foldKey(p[1]), strings.EqualFold(p[0], p[1]))
		}
	}
	if foldKey("a") == foldKey("b") {
		t.Error("foldKey(a) == foldKey(b)")
	}
}

func TestReadFileUnknown(t *testing.T) {
	data := writeTestBala(t)
	a, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ReadFile("modules/"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing name: %v", err)
	}
}

// TestArchiveRatio: many entries just under the per-entry ratio threshold,
// each compressed a thousandfold, must not add up to a bomb; Write stores
// such entries, so what it writes is still accepted.
func TestArchiveRatio(t *testing.T) {
	var es []rawEntry
	var entries []Entry
	for i := range 20 {
		name := "resources/z" + strconv.Itoa(i)
		es = append(es, rawEntry{name: name, data: make([]byte, RatioCheckThreshold)})
		entries = append(entries, Entry{Name: name, Data: make([]byte, RatioCheckThreshold)})
	}
	data := buildZip(t, withMeta(es...))
	_, err := Open(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	var ce *CheckError
	if !errors.Is(err, ErrCompressionRatio) || !errors.As(err, &ce) || !strings.HasPrefix(ce.Name, "resources/z") {
		t.Fatalf("Open of 20 MiB of zeros in %d bytes: %v, want ErrCompressionRatio", len(data), err)
	}
	report, _ := Check(bytes.NewReader(data), int64(len(data)), DefaultLimits)
	if len(report.Invalid) == 0 || !errors.Is(report.Invalid[0].Err, ErrCompressionRatio) {
		t.Errorf("Check: %v", report.Invalid)
	}

	var buf bytes.Buffer
	if err := Write(&buf, append(entries, Entry{Name: BalaJSONFile, Data: []byte(testBalaJSON)}, Entry{Name: PackageJSONFile, Data: []byte(testPackageJSON)})); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), DefaultLimits); err != nil {
		t.Errorf("Open of what Write made of them: %v", err)
	}
}
