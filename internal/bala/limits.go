package bala

// Default limits. Every one is far above what a real package needs and far
// below what would let one upload exhaust a registry's memory, disk or CPU.
const (
	// MaxEntries is the default limit on the number of entries (files and
	// directory entries) in an archive. The largest packages on Central
	// (generated connectors) hold a few hundred source files plus their
	// documentation; ten thousand leaves an order of magnitude of room.
	MaxEntries = 10_000

	// MaxEntrySize is the default limit on one entry's uncompressed size.
	// The largest members of real archives are platform libraries (jars) of
	// a few megabytes, rarely tens.
	MaxEntrySize = 64 << 20

	// MaxTotalSize is the default limit on the sum of the uncompressed
	// sizes of all entries: what extracting the archive writes to disk. It
	// matches crates.io's limit on an unpacked crate.
	MaxTotalSize = 512 << 20

	// MaxCompressionRatio is the default limit on an entry's uncompressed
	// size divided by its compressed size. Source text, JSON and jars
	// compress between 1:1 and about 20:1; Deflate's ceiling is about
	// 1032:1, reached only by degenerate input such as runs of zeros, the
	// stuff of zip bombs. The ratio is checked only for entries larger than
	// [RatioCheckThreshold], so small files are never refused for it, and
	// for the archive as a whole (the sum of the uncompressed sizes against
	// the archive's size), so many small files cannot add up to a bomb.
	MaxCompressionRatio = 200

	// MaxPathLength is the default limit on the length of an entry name in
	// bytes. Real names are under a hundred bytes; Windows without long
	// path support stops at 260 for the whole path.
	MaxPathLength = 1024
)

// RatioCheckThreshold is the uncompressed size above which the compression
// ratio of an entry, or of the whole archive, is checked: 1 MiB cannot
// amplify much however well it compresses. It is not configurable.
const RatioCheckThreshold = 1 << 20

// Limits bound what [Open], [Check] and [Archive.ExtractTo] accept. A zero
// or negative field stands for the default of the same name, so a partly
// filled Limits never means "unlimited"; to lift a limit set it to a very
// large value.
type Limits struct {
	MaxEntries          int   // entries, directory entries included
	MaxEntrySize        int64 // uncompressed bytes per entry
	MaxTotalSize        int64 // uncompressed bytes over all entries
	MaxCompressionRatio int64 // uncompressed/compressed per entry above RatioCheckThreshold
	MaxPathLength       int   // bytes per entry name
}

// DefaultLimits holds the default of every limit (see [MaxEntries] and the
// other constants for the reasons behind the numbers).
var DefaultLimits = Limits{
	MaxEntries:          MaxEntries,
	MaxEntrySize:        MaxEntrySize,
	MaxTotalSize:        MaxTotalSize,
	MaxCompressionRatio: MaxCompressionRatio,
	MaxPathLength:       MaxPathLength,
}

// normalized returns l with every unset field replaced by its default.
func (l Limits) normalized() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = MaxEntries
	}
	if l.MaxEntrySize <= 0 {
		l.MaxEntrySize = MaxEntrySize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = MaxTotalSize
	}
	if l.MaxCompressionRatio <= 0 {
		l.MaxCompressionRatio = MaxCompressionRatio
	}
	if l.MaxPathLength <= 0 {
		l.MaxPathLength = MaxPathLength
	}
	return l
}

// ratioExceeded reports whether an entry of the given sizes breaks the
// compression ratio limit.
func (l Limits) ratioExceeded(uncompressed, compressed uint64) bool {
	return uncompressed > RatioCheckThreshold && exceedsRatio(uncompressed, compressed, uint64(l.MaxCompressionRatio))
}

// exceedsRatio reports whether uncompressed > compressed*ratio, without
// overflow.
func exceedsRatio(uncompressed, compressed, ratio uint64) bool {
	if compressed == 0 {
		return uncompressed > 0
	}
	q := uncompressed / compressed
	return q > ratio || q == ratio && uncompressed%compressed != 0
}
