package blobtest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/balcentral/balcentral/internal/blob"
)

// benchSizes are the blob sizes the benchmarks use: a typical library bala
// and a large one with platform jars.
var benchSizes = []int{1 << 20, 32 << 20}

// RunBenchmarks measures Put of new content and Open of stored content at
// each of the sizes, with a fresh store per benchmark from newStore.
//
//	func BenchmarkStore(b *testing.B) { blobtest.RunBenchmarks(b, newStore) }
func RunBenchmarks(b *testing.B, newStore NewStoreFunc) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("Put/%dMiB", size>>20), func(b *testing.B) { benchPut(b, newStore(b), size) })
		b.Run(fmt.Sprintf("PutExisting/%dMiB", size>>20), func(b *testing.B) { benchPutExisting(b, newStore(b), size) })
		b.Run(fmt.Sprintf("Open/%dMiB", size>>20), func(b *testing.B) { benchOpen(b, newStore(b), size) })
	}
}

// benchPut stores new content each time (the first bytes are the
// iteration number) and deletes it again outside the timer, so the store
// does not grow with b.N.
func benchPut(b *testing.B, s blob.Store, size int) {
	ctx := context.Background()
	data := randomBytes(1, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		binary.LittleEndian.PutUint64(data, uint64(i))
		info, err := s.Put(ctx, bytes.NewReader(data), int64(size))
		if err != nil {
			b.Fatalf("Put error: %v", err)
		}
		b.StopTimer()
		if err := s.Delete(ctx, info.Digest); err != nil {
			b.Fatalf("Delete error: %v", err)
		}
		b.StartTimer()
	}
}

// benchPutExisting stores content that is already there: what a retried
// push costs.
func benchPutExisting(b *testing.B, s blob.Store, size int) {
	ctx := context.Background()
	data := randomBytes(2, size)
	if _, err := s.Put(ctx, bytes.NewReader(data), int64(size)); err != nil {
		b.Fatalf("Put error: %v", err)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Put(ctx, bytes.NewReader(data), int64(size)); err != nil {
			b.Fatalf("Put error: %v", err)
		}
	}
}

// benchOpen opens a stored blob and reads it to the end, as a download
// does.
func benchOpen(b *testing.B, s blob.Store, size int) {
	ctx := context.Background()
	info, err := s.Put(ctx, bytes.NewReader(randomBytes(3, size)), int64(size))
	if err != nil {
		b.Fatalf("Put error: %v", err)
	}
	buf := make([]byte, 256<<10)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rc, _, err := s.Open(ctx, info.Digest)
		if err != nil {
			b.Fatalf("Open error: %v", err)
		}
		n, err := io.CopyBuffer(io.Discard, rc, buf)
		if cerr := rc.Close(); err == nil {
			err = cerr
		}
		if err != nil || n != int64(size) {
			b.Fatalf("read %d of %d bytes: %v", n, size, err)
		}
	}
}
