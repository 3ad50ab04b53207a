package bala

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/balcentral/balcentral/internal/atomicfile"
)

// The fixed header values of written entries.
const (
	// CompressionLevel is the Deflate level of written entries.
	CompressionLevel = 6

	// dosEpochDate is 1980-01-01 in MS-DOS date format ((year-1980)<<9 |
	// month<<5 | day), the earliest date a zip header can hold; the time
	// field is 0 (00:00:00).
	dosEpochDate = 0<<9 | 1<<5 | 1

	zipVersion20 = 20       // "version needed to extract": Deflate
	creatorUnix  = 3 << 8   // "version made by" high byte: Unix attributes
	flagUTF8     = 0x800    // general purpose flag bit 11: names are UTF-8
	fileMode     = 0o644    // mode of written entries and extracted files
	unixRegular  = 0o100000 // S_IFREG
)

var flateWriters = sync.Pool{New: func() any {
	w, err := flate.NewWriter(io.Discard, CompressionLevel)
	if err != nil {
		panic(err) // CompressionLevel is a valid level
	}
	return w
}}

// Write writes a bala holding entries to w. The output depends only on the
// set of entries, not on their order in the slice: see "Writing archives" in
// the package documentation. Entries are checked against the name rules and
// [DefaultLimits] first, so that nothing is written that [Open] would refuse;
// errors are *[CheckError] values.
func Write(w io.Writer, entries []Entry) error {
	sorted, err := checkEntries(entries)
	if err != nil {
		return err
	}
	compressed := compressAll(sorted)
	zw := zip.NewWriter(w)
	for i, e := range sorted {
		fh := &zip.FileHeader{
			Name:               e.Name,
			CreatorVersion:     creatorUnix | zipVersion20,
			ReaderVersion:      zipVersion20,
			Flags:              flagUTF8,
			Method:             zip.Deflate,
			ModifiedDate:       dosEpochDate,
			CRC32:              crc32.ChecksumIEEE(e.Data),
			CompressedSize64:   uint64(len(compressed[i])),
			UncompressedSize64: uint64(len(e.Data)),
			ExternalAttrs:      (unixRegular | fileMode) << 16,
		}
		data := compressed[i]
		if exceedsRatio(fh.UncompressedSize64, fh.CompressedSize64, MaxCompressionRatio) {
			// Store what compresses too well for a reader to accept, whatever
			// its size, so that the archive as a whole stays within the
			// ratio too.
			fh.Method = zip.Store
			fh.ReaderVersion = 10
			fh.CompressedSize64 = fh.UncompressedSize64
			data = e.Data
		}
		out, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		if _, err := out.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// compressAll deflates every entry, on up to GOMAXPROCS goroutines. Each
// entry is compressed on its own, so the result does not depend on the
// scheduling.
func compressAll(entries []Entry) [][]byte {
	out := make([][]byte, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Go(func() {
			fw := flateWriters.Get().(*flate.Writer)
			defer flateWriters.Put(fw)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(entries) {
					return
				}
				var buf bytes.Buffer
				buf.Grow(len(entries[i].Data)/2 + 64)
				fw.Reset(&buf)
				// Writes to a bytes.Buffer cannot fail.
				fw.Write(entries[i].Data)
				fw.Close()
				out[i] = buf.Bytes()
			}
		})
	}
	wg.Wait()
	return out
}

// WriteFile writes a bala holding entries to the file path, atomically: the
// file appears complete or not at all (see package atomicfile).
func WriteFile(path string, entries []Entry) error {
	if _, err := checkEntries(entries); err != nil {
		return err
	}
	return atomicfile.Write(path, fileMode, func(w io.Writer) error {
		return Write(w, entries)
	})
}

// checkEntries validates entries and returns them in archive order.
func checkEntries(entries []Entry) ([]Entry, error) {
	l := DefaultLimits
	if len(entries) > l.MaxEntries {
		return nil, &CheckError{Err: kindError(ErrTooManyEntries, "%d entries, limit %d", len(entries), l.MaxEntries)}
	}
	coll := newCollisions()
	var total int64
	for _, e := range entries {
		if err := checkName(e.Name, l.MaxPathLength); err != nil {
			return nil, &CheckError{Name: e.Name, Err: err}
		}
		if err := coll.addFile(e.Name); err != nil {
			return nil, &CheckError{Name: e.Name, Err: err}
		}
		size := int64(len(e.Data))
		if size > l.MaxEntrySize {
			return nil, &CheckError{Name: e.Name, Err: kindError(ErrTooLarge, "%d bytes, limit %d", size, l.MaxEntrySize)}
		}
		total += size
		if total > l.MaxTotalSize {
			return nil, &CheckError{Name: e.Name, Err: kindError(ErrTooLarge, "total size exceeds %d bytes", l.MaxTotalSize)}
		}
	}
	if err := checkEntryMetadata(entries); err != nil {
		return nil, err
	}
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b Entry) int {
		if c := cmp.Compare(category(a.Name), category(b.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return sorted, nil
}

// checkEntryMetadata checks that the metadata files are present and
// readable.
func checkEntryMetadata(entries []Entry) error {
	found := map[string]bool{}
	for _, e := range entries {
		var err error
		switch e.Name {
		case BalaJSONFile:
			_, err = ReadBalaJSON(e.Name, e.Data)
		case PackageJSONFile:
			_, err = ReadPackageJSON(e.Name, e.Data)
		case DependencyGraphJSONFile:
			_, err = ReadDependencyGraphJSON(e.Name, e.Data)
		default:
			continue
		}
		if err != nil {
			return &CheckError{Name: e.Name, Err: wrapMetadataError(err)}
		}
		found[e.Name] = true
	}
	for _, name := range []string{BalaJSONFile, PackageJSONFile} {
		if !found[name] {
			return &CheckError{Name: name, Err: ErrMissingMetadata}
		}
	}
	return nil
}

// fileMode as an os.FileMode, for extraction.
const filePerm os.FileMode = fileMode
