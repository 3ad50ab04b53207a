package balabench

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
)

// TestGeneratedPackage checks the generator: 1,000 entries, deterministic,
// and accepted by Write and Open, so the benchmarks measure the normal path.
func TestGeneratedPackage(t *testing.T) {
	entries := GeneratePackage(1)
	if len(entries) != 1000 {
		t.Fatalf("GeneratePackage: %d entries, want 1000", len(entries))
	}
	var first, second bytes.Buffer
	if err := bala.Write(&first, entries); err != nil {
		t.Fatal(err)
	}
	if err := bala.Write(&second, GeneratePackage(1)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("GeneratePackage or Write is not deterministic")
	}
	a, err := bala.Open(bytes.NewReader(first.Bytes()), int64(first.Len()), bala.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != 1000 {
		t.Fatalf("Open: %d files, want 1000", len(a.Files))
	}
	t.Logf("%d bytes uncompressed, %d bytes archived", totalSize(entries), first.Len())
}

func totalSize(entries []bala.Entry) int64 {
	var n int64
	for _, e := range entries {
		n += int64(len(e.Data))
	}
	return n
}

// BenchmarkWrite1000 writes the 1,000-file package to io.Discard. Goal:
// under 200 ms. Throughput counts uncompressed bytes.
func BenchmarkWrite1000(b *testing.B) {
	entries := GeneratePackage(1)
	b.SetBytes(totalSize(entries))
	b.ReportAllocs()
	for b.Loop() {
		if err := bala.Write(io.Discard, entries); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenAndExtract1000 opens the written package from a file (every
// entry checked and decompressed once), then extracts it into a fresh
// directory (every entry decompressed again, written, synced). Throughput
// counts uncompressed bytes.
func BenchmarkOpenAndExtract1000(b *testing.B) {
	entries := GeneratePackage(1)
	dir := b.TempDir()
	path := filepath.Join(dir, "bench.bala")
	if err := bala.WriteFile(path, entries); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(totalSize(entries))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a, f, err := bala.OpenFile(path, bala.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		i++
		dest := filepath.Join(dir, "x", filepath.Base(b.Name())+"-"+strconv.Itoa(i))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := a.ExtractTo(dest); err != nil {
			b.Fatal(err)
		}
		f.Close()
		b.StopTimer()
		os.RemoveAll(dest)
		b.StartTimer()
	}
}

// BenchmarkOpen1000 is the check alone, what a registry runs on upload.
func BenchmarkOpen1000(b *testing.B) {
	entries := GeneratePackage(1)
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(totalSize(entries))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bala.Open(bytes.NewReader(data), int64(len(data)), bala.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}
