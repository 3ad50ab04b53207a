package bala

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Archive is an opened bala that passed every check of [Open].
type Archive struct {
	Bala    *BalaJSON
	Package *PackageJSON
	Graph   *DependencyGraph // nil when the archive has no dependency-graph.json (old archives)
	// Files lists the file entries in archive order. Directory entries,
	// which old writers added and which are skipped, are not listed.
	Files []string

	files  []*zip.File          // the entries of Files, same order
	byName map[string]*zip.File // the entries of Files by name
	meta   map[string][]byte    // the metadata files' verified contents, by name

	// afterFile, when set (by tests), is called by ExtractTo after each
	// extracted file; an error stops the extraction.
	afterFile func(name string) error
}

// FileError is a problem with one entry, or a note on an omitted one.
type FileError struct {
	Path string
	Err  error
}

// Error returns `"<path>": <problem>`.
func (e FileError) Error() string { return strconv.Quote(e.Path) + ": " + e.Err.Error() }

// Unwrap returns e.Err.
func (e FileError) Unwrap() error { return e.Err }

// CheckedArchive is the report of [Check].
type CheckedArchive struct {
	// Valid lists the file entries that passed every check, in archive
	// order.
	Valid []string
	// Omitted lists the entries skipped without being an error: directory
	// entries.
	Omitted []FileError
	// Invalid lists the problems, in the order Open meets them: first the
	// problems seen in the headers, in archive order, then missing
	// metadata (Path names the missing file), then problems found reading
	// the data. An entry appears once, with its first problem.
	Invalid []FileError
}

// Err returns the problem [Open] would report, as a *[CheckError]: the first
// of Invalid, or nil when there is none.
func (c CheckedArchive) Err() error {
	if len(c.Invalid) == 0 {
		return nil
	}
	return &CheckError{Name: c.Invalid[0].Path, Err: c.Invalid[0].Err}
}

// Open reads and checks the bala of size bytes held by r, and returns its
// first problem as a *[CheckError]. The checks are those of the package
// documentation; every entry is decompressed once to verify its size and
// checksum, within limits, so a bomb costs no more than limits allow.
// A zero field of limits means the default.
func Open(r io.ReaderAt, size int64, limits Limits) (*Archive, error) {
	c := &checker{limits: limits.normalized(), size: size, failFast: true}
	a, err := c.run(r, size)
	if err != nil {
		return nil, err
	}
	if len(c.report.Invalid) > 0 {
		return nil, c.report.Err()
	}
	return a, nil
}

// OpenToExtract checks the bala of size bytes held by r like [Open], except
// that it does not decompress the entries other than the metadata files:
// [Archive.ExtractTo] verifies each of them (size and checksum, through the
// same reader bounded by the declared size) as it writes it, and fails on
// the first one that does not match, leaving nothing behind; ReadFile
// verifies what it reads. Every other check is made here, as by Open:
// names, types, duplicates, declared sizes and compression ratios against
// limits, the layout of the local headers, the presence and validity of
// the metadata, so that a forged archive or a bomb is refused before
// anything is written, and a bomb whose declared size lies is cut off at
// that size during the extraction. Files lists the entries that passed
// these checks. A caller that extracts the archive at once saves
// decompressing each entry twice.
func OpenToExtract(r io.ReaderAt, size int64, limits Limits) (*Archive, error) {
	c := &checker{limits: limits.normalized(), size: size, failFast: true, deferData: true}
	a, err := c.run(r, size)
	if err != nil {
		return nil, err
	}
	if len(c.report.Invalid) > 0 {
		return nil, c.report.Err()
	}
	return a, nil
}

// OpenFile opens the bala at path with [Open]. The returned file backs the
// archive: keep it open while using the Archive (ReadFile, ExtractTo) and
// close it afterwards. On error the file is already closed.
func OpenFile(path string, limits Limits) (*Archive, *os.File, error) {
	return openFile(path, limits, Open)
}

// OpenFileToExtract opens the bala at path with [OpenToExtract], as
// [OpenFile] does with Open.
func OpenFileToExtract(path string, limits Limits) (*Archive, *os.File, error) {
	return openFile(path, limits, OpenToExtract)
}

func openFile(path string, limits Limits, open func(io.ReaderAt, int64, Limits) (*Archive, error)) (*Archive, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &CheckError{Err: kindError(ErrNotRegular, "%s is not a regular file", path)}
	}
	a, err := open(f, fi.Size(), limits)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return a, f, nil
}

// Check reads and checks a bala like [Open], but goes on after a problem to
// report every entry. The error is non-nil, a *[CheckError] wrapping
// [ErrFormat], only when r does not hold a readable zip archive at all; the
// problems with entries are in the report (see [CheckedArchive.Err]).
func Check(r io.ReaderAt, size int64, limits Limits) (CheckedArchive, error) {
	c := &checker{limits: limits.normalized(), size: size}
	_, err := c.run(r, size)
	return c.report, err
}

// ReadFile returns the content of the file entry name, read again from the
// archive and checked again against its declared size and checksum.
func (a *Archive) ReadFile(name string) ([]byte, error) {
	f, ok := a.byName[name]
	if !ok {
		return nil, &CheckError{Name: name, Err: fs.ErrNotExist}
	}
	data, err := readEntry(f)
	if err != nil {
		return nil, &CheckError{Name: name, Err: err}
	}
	return data, nil
}

// errDirectoryEntry is the reason given for omitted entries.
var errDirectoryEntry = errors.New("directory entry")

// checker runs the checks of Open, OpenToExtract and Check.
type checker struct {
	limits    Limits
	size      int64 // of the archive
	failFast  bool  // stop at the first problem (Open)
	deferData bool  // leave the data of entries other than metadata to ExtractTo (OpenToExtract)
	report    CheckedArchive
}

// invalid records a problem and reports whether to stop.
func (c *checker) invalid(name string, err error) bool {
	c.report.Invalid = append(c.report.Invalid, FileError{Path: name, Err: err})
	return c.failFast
}

// run checks the archive. It returns an error only for an unreadable
// archive, and an Archive only when there is no problem.
func (c *checker) run(r io.ReaderAt, size int64) (*Archive, error) {
	if size < 0 {
		return nil, &CheckError{Err: kindError(ErrFormat, "negative size")}
	}
	// Count the entries before archive/zip loads the whole directory into
	// memory.
	if count, dirOffset, ok := directoryEnd(r, size); ok && count > uint64(c.limits.MaxEntries) {
		name := entryName(r, size, dirOffset, c.limits.MaxEntries)
		c.invalid(name, kindError(ErrTooManyEntries, "archive has %d entries, limit %d", count, c.limits.MaxEntries))
		return nil, nil
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &CheckError{Err: formatError(err)}
	}

	// Header checks.
	entries := zr.File
	if len(entries) > c.limits.MaxEntries {
		extra := entries[c.limits.MaxEntries]
		if c.invalid(extra.Name, kindError(ErrTooManyEntries, "archive has %d entries, limit %d", len(entries), c.limits.MaxEntries)) {
			return nil, nil
		}
		entries = entries[:c.limits.MaxEntries]
	}
	coll := newCollisions()
	var total uint64
	var files []*zip.File
	walk := &layoutWalker{r: r, size: size}
	for i, f := range entries {
		isDir, err := c.checkHeader(f, coll, &total)
		if lerr := walk.next(f, i == len(entries)-1); err == nil {
			err = lerr
		}
		if err != nil {
			if c.invalid(f.Name, err) {
				return nil, nil
			}
			continue
		}
		if isDir {
			c.report.Omitted = append(c.report.Omitted, FileError{Path: f.Name, Err: errDirectoryEntry})
			continue
		}
		files = append(files, f)
	}

	// Metadata presence.
	byName := make(map[string]*zip.File, len(files))
	for _, f := range files {
		byName[f.Name] = f
	}
	for _, name := range []string{BalaJSONFile, PackageJSONFile} {
		if byName[name] == nil && !c.listed(name) {
			if c.invalid(name, ErrMissingMetadata) {
				return nil, nil
			}
		}
	}

	// Data checks.
	a := &Archive{byName: byName, meta: make(map[string][]byte, 3)}
	for _, f := range files {
		if err := c.checkData(a, f); err != nil {
			delete(byName, f.Name)
			if c.invalid(f.Name, err) {
				return nil, nil
			}
			continue
		}
		a.files = append(a.files, f)
		a.Files = append(a.Files, f.Name)
	}
	c.report.Valid = a.Files
	if len(c.report.Invalid) > 0 {
		return nil, nil
	}
	return a, nil
}

// listed reports whether name already has a problem reported.
func (c *checker) listed(name string) bool {
	for _, fe := range c.report.Invalid {
		if fe.Path == name {
			return true
		}
	}
	return false
}

// checkHeader checks an entry's name, type and declared sizes, and reports
// whether it is a directory entry.
func (c *checker) checkHeader(f *zip.File, coll *collisions, total *uint64) (isDir bool, err error) {
	name := f.Name
	mode := f.Mode()
	if mode&fs.ModeSymlink != 0 {
		return false, kindError(ErrSymlink, "entry is a symbolic link")
	}
	if mode&(fs.ModeNamedPipe|fs.ModeSocket|fs.ModeDevice|fs.ModeCharDevice|fs.ModeIrregular) != 0 {
		return false, kindError(ErrNotRegular, "entry has file type %v", mode.Type())
	}
	if dir, ok := strings.CutSuffix(name, "/"); ok {
		if err := checkName(dir, c.limits.MaxPathLength); err != nil {
			return false, err
		}
		if f.UncompressedSize64 != 0 || f.CompressedSize64 > 2 {
			return false, kindError(ErrNotRegular, "directory entry with data")
		}
		if err := coll.addDir(dir); err != nil {
			return false, err
		}
		return true, nil
	}
	if mode.IsDir() {
		return false, kindError(ErrNotRegular, "directory attributes on a file name")
	}
	if err := checkName(name, c.limits.MaxPathLength); err != nil {
		return false, err
	}
	if f.Flags&0x41 != 0 {
		return false, kindError(ErrUnsupported, "encrypted entry")
	}
	switch f.Method {
	case zip.Store:
		if f.CompressedSize64 != f.UncompressedSize64 {
			return false, kindError(ErrFormat, "stored entry with compressed size %d and size %d", f.CompressedSize64, f.UncompressedSize64)
		}
	case zip.Deflate:
	default:
		return false, kindError(ErrUnsupported, "compression method %d", f.Method)
	}
	if f.UncompressedSize64 > uint64(c.limits.MaxEntrySize) {
		return false, kindError(ErrTooLarge, "size %d bytes, limit %d", f.UncompressedSize64, c.limits.MaxEntrySize)
	}
	*total += f.UncompressedSize64
	if *total > uint64(c.limits.MaxTotalSize) {
		return false, kindError(ErrTooLarge, "total size of entries exceeds %d bytes", c.limits.MaxTotalSize)
	}
	if c.limits.ratioExceeded(f.UncompressedSize64, f.CompressedSize64) {
		return false, kindError(ErrCompressionRatio, "%d bytes compressed to %d, limit %d:1", f.UncompressedSize64, f.CompressedSize64, c.limits.MaxCompressionRatio)
	}
	if c.limits.ratioExceeded(*total, uint64(c.size)) {
		return false, kindError(ErrCompressionRatio, "entries so far expand to %d bytes from a %d-byte archive, limit %d:1", *total, c.size, c.limits.MaxCompressionRatio)
	}
	if err := coll.addFile(name); err != nil {
		return false, err
	}
	return false, nil
}

// checkData reads an entry, verifying its size and checksum, and parses
// the metadata files into a.
func (c *checker) checkData(a *Archive, f *zip.File) error {
	isMeta := f.Name == BalaJSONFile || f.Name == PackageJSONFile || f.Name == DependencyGraphJSONFile
	switch {
	case !isMeta && c.deferData:
		return nil
	case !isMeta:
		return verifyEntry(f)
	}
	if f.UncompressedSize64 > MaxMetadataFile {
		return &metadataError{&MetadataError{File: f.Name, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, f.UncompressedSize64, MaxMetadataFile)}}
	}
	data, err := readEntry(f)
	if err != nil {
		return err
	}
	switch f.Name {
	case BalaJSONFile:
		a.Bala, err = ReadBalaJSON(f.Name, data)
	case PackageJSONFile:
		a.Package, err = ReadPackageJSON(f.Name, data)
	case DependencyGraphJSONFile:
		a.Graph, err = ReadDependencyGraphJSON(f.Name, data)
	}
	if err != nil {
		return wrapMetadataError(err)
	}
	a.meta[f.Name] = data
	return nil
}

// entryOpened, when set (by tests), is told of each entry whose data is
// read: each read decompresses it.
var entryOpened func(name string)

// openEntry opens an entry's data for reading, bounded to its declared size
// plus one byte so that a longer stream shows as a size lie.
func openEntry(f *zip.File) (io.ReadCloser, error) {
	if entryOpened != nil {
		entryOpened(f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, formatError(err)
	}
	return rc, nil
}

// copyEntry copies an entry's data to w and checks it against the declared
// size and checksum.
func copyEntry(w io.Writer, f *zip.File) error {
	rc, err := openEntry(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: int64(f.UncompressedSize64) + 1}
	crc := crc32.NewIEEE()
	n, err := io.Copy(io.MultiWriter(w, crc), lr)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			// archive/zip's own check of the declared size.
			return kindError(ErrFormat, "data longer than the declared %d bytes", f.UncompressedSize64)
		}
		return formatError(err)
	}
	if uint64(n) != f.UncompressedSize64 {
		if uint64(n) > f.UncompressedSize64 {
			return kindError(ErrFormat, "data longer than the declared %d bytes", f.UncompressedSize64)
		}
		return kindError(ErrFormat, "data of %d bytes, declared %d", n, f.UncompressedSize64)
	}
	// archive/zip skips the comparison when the declared checksum is 0.
	if crc.Sum32() != f.CRC32 {
		return kindError(ErrFormat, "checksum mismatch")
	}
	return nil
}

// verifyEntry reads an entry to the end, checking size and checksum.
func verifyEntry(f *zip.File) error { return copyEntry(io.Discard, f) }

// readEntry returns an entry's data, checking size and checksum.
func readEntry(f *zip.File) ([]byte, error) {
	buf := &fixedBuffer{b: make([]byte, 0, f.UncompressedSize64+1)}
	if err := copyEntry(buf, f); err != nil {
		return nil, err
	}
	return buf.b, nil
}

// fixedBuffer collects at most cap(b) bytes, whatever it is given.
type fixedBuffer struct{ b []byte }

func (w *fixedBuffer) Write(p []byte) (int, error) {
	if len(p) > cap(w.b)-len(w.b) {
		p = p[:cap(w.b)-len(w.b)]
		w.b = append(w.b, p...)
		return len(p), io.ErrShortWrite
	}
	w.b = append(w.b, p...)
	return len(p), nil
}

// formatError wraps an error of archive/zip or compress/flate as ErrFormat.
func formatError(err error) error {
	if errors.Is(err, ErrFormat) {
		return err
	}
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return kindError(ErrFormat, "checksum mismatch")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return kindError(ErrFormat, "truncated data")
	}
	return kindError(ErrFormat, "%v", err)
}

// ---------------------------------------------------------------------------
// Raw zip structure
//
// archive/zip reads the central directory and trusts the local headers
// only for the position of the data. The functions below check what it
// does not: the number of entries before it loads them all, and that the
// local headers agree with the central directory and follow each other
// without gaps or overlaps, as every real writer lays them out. Archives
// whose parts are shared, hidden or disagree can mean different things to
// different readers.

const (
	sigLocalHeader      = 0x04034b50
	sigCentralHeader    = 0x02014b50
	sigDirectoryEnd     = 0x06054b50
	sigDirectory64Loc   = 0x07064b50
	sigDirectory64End   = 0x06064b50
	sigDataDescriptor   = 0x08074b50
	localHeaderLen      = 30
	centralHeaderLen    = 46
	directoryEndLen     = 22
	directory64LocLen   = 20
	directory64EndLen   = 56
	maxDirectoryComment = 0xffff
)

func le16(b []byte) uint64 { return uint64(b[0]) | uint64(b[1])<<8 }
func le32(b []byte) uint64 { return le16(b) | le16(b[2:])<<16 }
func le64(b []byte) uint64 { return le32(b) | le32(b[4:])<<32 }

// directoryEnd finds the end-of-central-directory record as archive/zip
// does (the last signature whose comment fits) and returns the number of
// entries and the directory's offset, from the zip64 record when present.
func directoryEnd(r io.ReaderAt, size int64) (count uint64, dirOffset int64, ok bool) {
	var buf []byte
	i := -1
	// Most archives have no comment: look in the last kilobyte first.
	for _, n := range []int64{min(size, 1024), min(size, directoryEndLen+maxDirectoryComment)} {
		if n < directoryEndLen {
			return 0, 0, false
		}
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return 0, 0, false
		}
		for i = len(buf) - directoryEndLen; i >= 0; i-- {
			if le32(buf[i:]) == sigDirectoryEnd && i+directoryEndLen+int(le16(buf[i+20:])) <= len(buf) {
				break
			}
		}
		if i >= 0 || n == size {
			break
		}
	}
	if i < 0 {
		return 0, 0, false
	}
	end := buf[i:]
	count, dirOffset = le16(end[10:]), int64(le32(end[16:]))
	if count != 0xffff && dirOffset != 0xffffffff {
		return count, dirOffset, true
	}
	locOff := size - int64(len(buf)) + int64(i) - directory64LocLen
	if locOff < 0 {
		return count, dirOffset, true
	}
	loc := make([]byte, directory64LocLen)
	if _, err := r.ReadAt(loc, locOff); err != nil || le32(loc) != sigDirectory64Loc {
		return count, dirOffset, true
	}
	recOff := le64(loc[8:])
	if recOff > uint64(size) {
		return 0, 0, false
	}
	rec := make([]byte, directory64EndLen)
	if _, err := r.ReadAt(rec, int64(recOff)); err != nil || le32(rec) != sigDirectory64End {
		return 0, 0, false
	}
	return le64(rec[32:]), int64(min(le64(rec[48:]), uint64(size))), true
}

// entryName returns the name of the entry of the given index in the
// central directory at dirOffset, or "" when it cannot be read.
func entryName(r io.ReaderAt, size, dirOffset int64, index int) string {
	if dirOffset < 0 || dirOffset > size {
		return ""
	}
	br := bufio.NewReader(io.NewSectionReader(r, dirOffset, size-dirOffset))
	hdr := make([]byte, centralHeaderLen)
	for i := 0; ; i++ {
		if _, err := io.ReadFull(br, hdr); err != nil || le32(hdr) != sigCentralHeader {
			return ""
		}
		nameLen := int(le16(hdr[28:]))
		if i == index {
			name := make([]byte, nameLen)
			if _, err := io.ReadFull(br, name); err != nil {
				return ""
			}
			return string(name)
		}
		if _, err := br.Discard(nameLen + int(le16(hdr[30:])) + int(le16(hdr[32:]))); err != nil {
			return ""
		}
	}
}

// layoutWalker follows the local headers from the start of the archive,
// one entry after the other, checking each against the central directory.
type layoutWalker struct {
	r      io.ReaderAt
	size   int64
	off    int64 // where the next local header must start
	broken bool  // a problem was reported; later entries are not checked
}

// next checks the local header and data of f, the next entry of the
// central directory; last is set for the final entry, which the central
// directory must follow.
func (w *layoutWalker) next(f *zip.File, last bool) error {
	if w.broken {
		return nil
	}
	err := w.check(f, last)
	if err != nil {
		w.broken = true
	}
	return err
}

func (w *layoutWalker) check(f *zip.File, last bool) error {
	var hdr [localHeaderLen]byte
	if _, err := w.r.ReadAt(hdr[:], w.off); err != nil || le32(hdr[:]) != sigLocalHeader {
		return kindError(ErrFormat, "no local header at offset %d where the entry should start (gap, overlap or reordered entries)", w.off)
	}
	flags, method := uint16(le16(hdr[6:])), uint16(le16(hdr[8:]))
	nameLen, extraLen := int64(le16(hdr[26:])), int64(le16(hdr[28:]))
	name := make([]byte, nameLen)
	if _, err := w.r.ReadAt(name, w.off+localHeaderLen); err != nil {
		return kindError(ErrFormat, "truncated local header")
	}
	switch {
	case string(name) != f.Name:
		return kindError(ErrFormat, "local header names the entry %q", name)
	case method != f.Method:
		return kindError(ErrFormat, "local header has compression method %d, central directory %d", method, f.Method)
	case flags&0x41 != f.Flags&0x41:
		return kindError(ErrFormat, "local header and central directory disagree on encryption")
	}
	dataOff := w.off + localHeaderLen + nameLen + extraLen
	if got, err := f.DataOffset(); err != nil || got != dataOff {
		return kindError(ErrFormat, "inconsistent local header")
	}
	if flags&0x8 == 0 && le32(hdr[18:]) != 0xffffffff && le32(hdr[22:]) != 0xffffffff {
		if uint32(le32(hdr[14:])) != f.CRC32 || le32(hdr[18:]) != f.CompressedSize64 || le32(hdr[22:]) != f.UncompressedSize64 {
			return kindError(ErrFormat, "local header and central directory disagree on checksum or sizes")
		}
	}
	if f.CompressedSize64 > uint64(w.size-dataOff) {
		return kindError(ErrFormat, "data extends past the end of the archive")
	}
	end := dataOff + int64(f.CompressedSize64)
	if flags&0x8 != 0 {
		n, err := w.descriptorLen(f, end)
		if err != nil {
			return err
		}
		end += n
	}
	w.off = end
	if last {
		var sig [4]byte
		if _, err := w.r.ReadAt(sig[:], end); err != nil || le32(sig[:]) != sigCentralHeader {
			return kindError(ErrFormat, "the central directory does not follow the last entry")
		}
	}
	return nil
}

// descriptorLen returns the length of the data descriptor at off: with or
// without its optional signature, with 4- or 8-byte sizes, whichever is
// followed by a header and carries the entry's checksum.
func (w *layoutWalker) descriptorLen(f *zip.File, off int64) (int64, error) {
	var buf [28]byte
	n, _ := w.r.ReadAt(buf[:], off)
	b := buf[:n]
	for _, l := range []int{16, 24, 12, 20} {
		crcAt := 0
		if l == 16 || l == 24 {
			if len(b) < 4 || le32(b) != sigDataDescriptor {
				continue
			}
			crcAt = 4
		}
		if len(b) < l+4 || uint32(le32(b[crcAt:])) != f.CRC32 {
			continue
		}
		if next := le32(b[l:]); next == sigLocalHeader || next == sigCentralHeader {
			return int64(l), nil
		}
	}
	return 0, kindError(ErrFormat, "no valid data descriptor after the entry data")
}
