package bala

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
)

// Metadata of the test packages.
const (
	testBalaJSON    = "{\n  \"bala_version\": \"3.0.0\",\n  \"built_by\": \"WSO2\"\n}"
	testPackageJSON = `{
  "organization": "balc",
  "name": "hello",
  "version": "1.2.0",
  "ballerina_version": "2201.10.0",
  "implementation_vendor": "WSO2",
  "language_spec_version": "2024R1",
  "platform": "any",
  "template": false,
  "readme": "docs/README.md"
}`
	testGraphJSON = `{
  "packages": [
    {"org": "balc", "name": "hello", "version": "1.2.0", "dependencies": [{"org": "ballerina", "name": "io", "version": "1.6.0"}]},
    {"org": "ballerina", "name": "io", "version": "1.6.0"}
  ],
  "modules": [
    {"org": "balc", "package_name": "hello", "version": "1.2.0", "module_name": "hello",
     "dependencies": [{"org": "ballerina", "package_name": "io", "version": "1.6.0", "module_name": "io"}]}
  ]
}`
)

// testEntries returns the entries of a small but complete package, in no
// particular order.
func testEntries() []Entry {
	return []Entry{
		{Name: "modules/hello.util/util.bal", Data: []byte("public function twice(int x) returns int => 2 * x;\n")},
		{Name: PackageJSONFile, Data: []byte(testPackageJSON)},
		{Name: "docs/README.md", Data: []byte("# hello\n\nSays hello.\n")},
		{Name: "modules/hello/hello.bal", Data: []byte("import ballerina/io;\n\npublic function main() {\n    io:println(\"Hello\");\n}\n")},
		{Name: DependencyGraphJSONFile, Data: []byte(testGraphJSON)},
		{Name: "resources/data.json", Data: []byte(`{"greeting": "hello"}`)},
		{Name: "docs/modules/hello.util/README.md", Data: []byte("# util\n")},
		{Name: BalaJSONFile, Data: []byte(testBalaJSON)},
		{Name: "platform/java21/lib.jar", Data: bytes.Repeat([]byte("PK\x03\x04 not really a jar "), 40)},
		{Name: "LICENSE", Data: []byte("Apache-2.0\n")},
		{Name: "modules/hello/empty.bal", Data: nil},
	}
}

// writeTestBala returns the test package written by Write.
func writeTestBala(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, testEntries()); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// rawEntry describes an entry for buildZip, which writes exactly what it is
// told, forged sizes and all.
type rawEntry struct {
	name   string
	data   []byte      // the content; compressed unless raw is set
	method uint16      // zip.Deflate unless store is set
	store  bool        // use zip.Store
	raw    []byte      // the bytes to store as the entry's data, as is
	mode   fs.FileMode // 0644 when zero
	flags  uint16
	size   *uint64 // declared uncompressed size, default len(data)
	crc    *uint32 // declared checksum, default that of data
	rename string  // a name of the same length to put in both headers after writing
}

func u64(v uint64) *uint64 { return &v }
func u32(v uint32) *uint32 { return &v }

// metaEntries returns valid bala.json and package.json raw entries.
func metaEntries() []rawEntry {
	return []rawEntry{
		{name: BalaJSONFile, data: []byte(testBalaJSON)},
		{name: PackageJSONFile, data: []byte(testPackageJSON)},
	}
}

// withMeta returns the metadata entries followed by entries.
func withMeta(entries ...rawEntry) []rawEntry {
	return append(metaEntries(), entries...)
}

// buildZip writes a zip archive of entries with archive/zip's raw writer.
func buildZip(t testing.TB, entries []rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Flags: e.flags, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		fh.SetMode(mode)
		data := e.raw
		switch {
		case e.raw != nil:
			fh.Method = e.method
		case e.store:
			fh.Method = zip.Store
			data = e.data
		default:
			data = deflate(t, e.data)
		}
		fh.CRC32 = crc32.ChecksumIEEE(e.data)
		if e.crc != nil {
			fh.CRC32 = *e.crc
		}
		fh.UncompressedSize64 = uint64(len(e.data))
		if e.size != nil {
			fh.UncompressedSize64 = *e.size
		}
		fh.CompressedSize64 = uint64(len(data))
		w, err := zw.CreateRaw(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for _, e := range entries {
		if e.rename != "" {
			if len(e.rename) != len(e.name) || bytes.Count(data, []byte(e.name)) != 2 {
				t.Fatalf("cannot rename %q to %q", e.name, e.rename)
			}
			data = bytes.ReplaceAll(data, []byte(e.name), []byte(e.rename))
		}
	}
	return data
}

// deflate compresses data at the best level.
func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflatedZeros returns a Deflate stream of n MiB of zero bytes without
// compressing them all: a flushed, non-final stream of one MiB, which refers
// to nothing before itself, repeated n times, then an empty final block.
func deflatedZeros(t testing.TB, mib int) []byte {
	t.Helper()
	var chunk bytes.Buffer
	fw, err := flate.NewWriter(&chunk, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(make([]byte, 1<<20))
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	out := bytes.Repeat(chunk.Bytes(), mib)
	return append(out, 0x03, 0x00) // final fixed-Huffman block holding only end-of-block
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// listDir returns the names under dir, recursively, with "/" appended to
// directories.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		names = append(names, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// writeTemp writes data to a new file and returns its path.
func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.bala")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
