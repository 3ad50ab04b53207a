package bala

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FileName returns the conventional file name of a bala,
// "<org>-<name>-<platform>-<version>.bala", with platform "any" when it is
// empty.
func FileName(org, name, platform, version string) string {
	if platform == "" {
		platform = AnyPlatform
	}
	return org + "-" + name + "-" + platform + "-" + version + ".bala"
}

// Entry is one file of a bala.
type Entry struct {
	Name string // slash-separated path inside the archive, e.g. "modules/hello/hello.bal"
	Data []byte
}

// Kinds of problems, wrapped by every error of this package's archive
// functions; test for them with [errors.Is]. [ErrTooLarge] (declared with the
// metadata readers) is also one of them.
var (
	// ErrFormat: not a zip archive, or a damaged or forged one (truncated
	// data, an entry whose data does not match its declared size or
	// checksum, overlapping entries, inconsistent headers).
	ErrFormat = errors.New("not a valid zip archive")
	// ErrInsecurePath: an entry name breaking the name rules.
	ErrInsecurePath = errors.New("insecure path")
	// ErrDuplicate: two entries with the same name, names equal under case
	// folding, or a file whose name is also used as a directory.
	ErrDuplicate = errors.New("duplicate entry")
	// ErrSymlink: an entry marked as a symbolic link.
	ErrSymlink = errors.New("symbolic link")
	// ErrNotRegular: an entry that is neither a regular file nor an empty
	// directory entry (device, pipe, socket, directory entry with data).
	ErrNotRegular = errors.New("not a regular file")
	// ErrUnsupported: an encrypted entry or a compression method other
	// than Store and Deflate.
	ErrUnsupported = errors.New("unsupported zip feature")
	// ErrTooManyEntries: more entries than Limits.MaxEntries.
	ErrTooManyEntries = errors.New("too many entries")
	// ErrCompressionRatio: an entry compressed beyond
	// Limits.MaxCompressionRatio.
	ErrCompressionRatio = errors.New("compression ratio too high")
	// ErrMissingMetadata: no bala.json or no package.json.
	ErrMissingMetadata = errors.New("required metadata file missing")
	// ErrInvalidMetadata: a metadata file that the Read functions reject;
	// the error also wraps their *[MetadataError].
	ErrInvalidMetadata = errors.New("invalid metadata")
)

// A CheckError reports the first problem found in an archive.
type CheckError struct {
	Name string // the entry concerned, "" for the archive as a whole
	Err  error  // wraps one of the Err kinds
}

// Error returns `entry "<name>": <problem>`, or the problem alone when no
// entry is concerned. Names are quoted: they come from untrusted archives
// and may hold anything.
func (e *CheckError) Error() string {
	if e.Name == "" {
		return e.Err.Error()
	}
	return "entry " + strconv.Quote(e.Name) + ": " + e.Err.Error()
}

// Unwrap returns e.Err.
func (e *CheckError) Unwrap() error { return e.Err }

// kindError is a problem of a given kind with details.
func kindError(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)
}

// metadataError wraps a *MetadataError as ErrInvalidMetadata without
// repeating the file name, which the CheckError carries.
type metadataError struct{ err *MetadataError }

func (e *metadataError) Error() string {
	msg := ErrInvalidMetadata.Error() + ": "
	if e.err.Field != "" {
		msg += e.err.Field + ": "
	}
	return msg + e.err.Err.Error()
}

func (e *metadataError) Unwrap() []error { return []error{ErrInvalidMetadata, e.err} }

// wrapMetadataError turns an error of a Read function into an
// ErrInvalidMetadata error.
func wrapMetadataError(err error) error {
	var me *MetadataError
	if errors.As(err, &me) {
		return &metadataError{me}
	}
	return fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
}

// ---------------------------------------------------------------------------
// Entry names

// checkName reports whether name obeys the name rules of the package
// documentation. Directory entries are checked without their trailing slash.
func checkName(name string, maxLen int) error {
	switch {
	case name == "":
		return kindError(ErrInsecurePath, "empty name")
	case len(name) > maxLen:
		return kindError(ErrInsecurePath, "name of %d bytes, limit %d", len(name), maxLen)
	case !utf8.ValidString(name):
		return kindError(ErrInsecurePath, "name is not valid UTF-8")
	case name[0] == '/':
		return kindError(ErrInsecurePath, "absolute path")
	}
	for _, r := range name {
		switch {
		case r == '\\':
			return kindError(ErrInsecurePath, "backslash in name")
		case r == ':':
			return kindError(ErrInsecurePath, "colon in name (drive letter or alternate data stream)")
		case strings.ContainsRune(`<>"|?*`, r):
			return kindError(ErrInsecurePath, "character %q not allowed in Windows file names", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return kindError(ErrInsecurePath, "control or format character %U in name", r)
		}
	}
	for elem := range strings.SplitSeq(name, "/") {
		switch {
		case elem == "":
			return kindError(ErrInsecurePath, "empty path element")
		case elem == "." || elem == "..":
			return kindError(ErrInsecurePath, "%q path element", elem)
		case strings.HasSuffix(elem, ".") || strings.HasSuffix(elem, " "):
			return kindError(ErrInsecurePath, "path element %q ends with a dot or space", elem)
		case isWindowsReserved(elem):
			return kindError(ErrInsecurePath, "path element %q is a reserved Windows device name", elem)
		}
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return kindError(ErrInsecurePath, "not a local path")
	}
	return nil
}

// isWindowsReserved reports whether a path element names a Windows device
// (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$), with or without
// an extension, in any case.
func isWindowsReserved(elem string) bool {
	base, _, _ := strings.Cut(elem, ".")
	base = strings.TrimRight(base, " ")
	switch strings.ToUpper(base) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) >= 4 {
		prefix := strings.ToUpper(base[:3])
		if prefix == "COM" || prefix == "LPT" {
			switch suffix := base[3:]; suffix {
			case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
				return true
			}
		}
	}
	return false
}

// foldKey maps s to a key shared by exactly the strings equal to s under
// strings.EqualFold: every rune is replaced by the smallest rune of its
// simple case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}

// collisions detects entries that would land on the same path of a
// case-insensitive file system, and files used as directories.
type collisions struct {
	files    map[string]string // fold key → file name
	dirs     map[string]string // fold key → directory name (explicit or implied)
	explicit map[string]string // fold key → explicit directory entry
}

func newCollisions() *collisions {
	return &collisions{files: map[string]string{}, dirs: map[string]string{}, explicit: map[string]string{}}
}

// addParents records the directories implied by name.
func (c *collisions) addParents(name string) error {
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		dir := name[:i]
		k := foldKey(dir)
		if prev, ok := c.files[k]; ok {
			return kindError(ErrDuplicate, "file %q is used as a directory", prev)
		}
		if prev, ok := c.dirs[k]; !ok {
			c.dirs[k] = dir
		} else if prev != dir {
			return kindError(ErrDuplicate, "directory %q differs only in case from %q", dir, prev)
		}
	}
	return nil
}

// addFile records a file entry.
func (c *collisions) addFile(name string) error {
	k := foldKey(name)
	if prev, ok := c.files[k]; ok {
		if prev == name {
			return kindError(ErrDuplicate, "name appears twice")
		}
		return kindError(ErrDuplicate, "name differs only in case from %q", prev)
	}
	if prev, ok := c.dirs[k]; ok {
		return kindError(ErrDuplicate, "name is also used as directory %q", prev)
	}
	if err := c.addParents(name); err != nil {
		return err
	}
	c.files[k] = name
	return nil
}

// addDir records an explicit directory entry; dir has no trailing slash.
func (c *collisions) addDir(dir string) error {
	k := foldKey(dir)
	if prev, ok := c.files[k]; ok {
		return kindError(ErrDuplicate, "directory has the name of file %q", prev)
	}
	if prev, ok := c.explicit[k]; ok {
		if prev == dir {
			return kindError(ErrDuplicate, "directory entry appears twice")
		}
		return kindError(ErrDuplicate, "directory differs only in case from %q", prev)
	}
	if prev, ok := c.dirs[k]; ok && prev != dir {
		return kindError(ErrDuplicate, "directory differs only in case from %q", prev)
	}
	if err := c.addParents(dir + "/"); err != nil {
		return err
	}
	c.explicit[k] = dir
	return nil
}

// ---------------------------------------------------------------------------
// Entry order

// category returns the rank of name in the reference writer's entry order.
func category(name string) int {
	switch {
	case name == BalaJSONFile:
		return 0
	case strings.HasPrefix(name, "docs/"):
		return 1
	case strings.HasPrefix(name, "modules/"):
		return 2
	case strings.HasPrefix(name, "resources/"):
		return 3
	case strings.HasPrefix(name, "platform/"):
		return 5
	case name == PackageJSONFile:
		return 6
	case strings.HasPrefix(name, "compiler-plugin/"):
		return 7
	case strings.HasPrefix(name, "tool/"):
		return 8
	case name == DependencyGraphJSONFile:
		return 9
	}
	return 4 // include files
}
