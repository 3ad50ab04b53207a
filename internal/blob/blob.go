// Package blob stores immutable byte sequences under the SHA-256 digest of
// their content. The registry keeps every .bala it accepts in a blob store
// and records only the digest in its metadata store (internal/store), so a
// package version's archive is named by what it contains.
//
// The contract is the same for every backend (the directory tree of
// [github.com/balcentral/balcentral/internal/blob/fsblob] today, object
// storage later) and is checked by the conformance suite in
// [github.com/balcentral/balcentral/internal/blob/blobtest]:
//
//   - A digest is the lowercase hexadecimal SHA-256 of the content: exactly
//     64 characters from [0-9a-f], nothing else (no "sha256:" prefix, no
//     uppercase). Every method that takes a digest checks it with
//     [CheckDigest] before it touches storage and fails with
//     [ErrInvalidDigest], so a digest can never name anything but a blob.
//   - [Putter.Put] streams: it computes the digest while it writes and does
//     not hold the content in memory. A blob becomes visible to Open, Stat
//     and Walk only once it is complete and durable; a Put that fails for
//     any reason (the reader's error, a cancelled context, [ErrTooLarge],
//     [ErrSizeMismatch], a full disk) leaves nothing behind that a reader
//     can see.
//   - Put is idempotent: storing content that is already there succeeds and
//     returns the same digest and size. Any number of concurrent Puts of the
//     same content give one blob.
//   - Every store has a maximum blob size, set when it is opened. Put fails
//     with ErrTooLarge for a larger blob and with ErrSizeMismatch when the
//     content is not as long as the caller declared.
//   - [Opener.Open], [Statter.Stat] and [Deleter.Delete] fail with
//     [ErrNotFound] for a digest the store does not hold, and only then:
//     any other failure is reported as itself, never as "not found".
//   - [Walker.Walk] visits every complete blob once, in ascending digest
//     order.
//
// Errors are [*Error] values that name the operation and the digest and
// wrap the cause, so callers test them with [errors.Is] against the
// sentinels below.
//
// # Deleting
//
// Published versions are immutable, so the publish path never deletes. Delete
// exists for administrators and for a garbage collector that removes blobs
// no metadata refers to. Because a push stores its blob before it commits the
// metadata, a blob may be unreferenced for the length of one push; a
// collector must therefore spare blobs whose [Info.ModTime] is recent. Put
// renews ModTime when it finds its content already stored, so a push that
// reuses an old unreferenced blob is protected in the same way.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DigestLength is the length of a digest string: a SHA-256 sum (32 bytes) in
// hexadecimal.
const DigestLength = 64

// Sentinel errors, wrapped by the [*Error] values stores return.
var (
	// ErrNotFound means the store holds no blob with the digest.
	ErrNotFound = errors.New("blob not found")
	// ErrTooLarge means the content is larger than the store's maximum blob
	// size (declared so, or found so while reading).
	ErrTooLarge = errors.New("blob too large")
	// ErrSizeMismatch means the content is not as long as the size the
	// caller declared.
	ErrSizeMismatch = errors.New("blob size mismatch")
	// ErrInvalidDigest means a digest is not 64 lowercase hexadecimal
	// characters.
	ErrInvalidDigest = errors.New("invalid blob digest")
)

// Info describes one stored blob.
type Info struct {
	// Digest is the lowercase hexadecimal SHA-256 of the content.
	Digest string
	// Size is the length of the content in bytes.
	Size int64
	// ModTime is when the blob was last stored: its first Put, or a later
	// Put of the same content. Garbage collection uses it as a grace period.
	ModTime time.Time
}

// Putter stores content.
type Putter interface {
	// Put reads r to EOF and stores what it read under its digest.
	// expectedSize is the length the caller declares (from a
	// Content-Length, say), or -1 when it is unknown; content of another
	// length fails with ErrSizeMismatch and a declared or actual length
	// over the store's limit with ErrTooLarge. Put fails with the reader's
	// error, wrapped, if reading fails, and with ctx.Err() if ctx is done
	// before the blob is complete. On any error nothing is stored.
	Put(ctx context.Context, r io.Reader, expectedSize int64) (Info, error)
}

// Opener reads content back.
type Opener interface {
	// Open returns the content stored under digest, which the caller must
	// close, and its Info.
	Open(ctx context.Context, digest string) (io.ReadSeekCloser, Info, error)
}

// Statter describes a stored blob without reading it.
type Statter interface {
	// Stat returns the Info of the blob stored under digest.
	Stat(ctx context.Context, digest string) (Info, error)
}

// Deleter removes blobs. See "Deleting" in the package documentation.
type Deleter interface {
	// Delete removes the blob stored under digest. A reader that opened it
	// before may or may not be able to finish, depending on the backend.
	Delete(ctx context.Context, digest string) error
}

// Walker enumerates the stored blobs, for garbage collection and
// consistency checks.
type Walker interface {
	// Walk calls fn with the Info of every complete blob, in ascending
	// digest order. It stops at the first error fn returns and returns it;
	// it also stops when ctx is done. A blob stored or deleted during the
	// walk may or may not be visited.
	Walk(ctx context.Context, fn func(Info) error) error
}

// Store is the whole contract a backend implements; code that needs only
// one role should accept the role interface instead.
type Store interface {
	Putter
	Opener
	Statter
	Deleter
	Walker
}

// List returns the Info of every blob w holds, in ascending digest order.
func List(ctx context.Context, w Walker) ([]Info, error) {
	var infos []Info
	err := w.Walk(ctx, func(i Info) error {
		infos = append(infos, i)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Walk promises the order; sorting again costs little and keeps a
	// backend's slip from reaching callers that rely on it.
	slices.SortFunc(infos, func(a, b Info) int { return strings.Compare(a.Digest, b.Digest) })
	return infos, nil
}

// CheckDigest reports whether d is a valid digest: nil if it is, else an
// error wrapping ErrInvalidDigest that says what is wrong.
func CheckDigest(d string) error {
	if len(d) != DigestLength {
		return fmt.Errorf("%w: length %d, want %d", ErrInvalidDigest, len(d), DigestLength)
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("%w: byte %q at offset %d is not a lowercase hexadecimal digit", ErrInvalidDigest, c, i)
		}
	}
	return nil
}

// Error is the error stores return: the operation, the digest it concerned
// (empty for Put and Walk) and the cause.
type Error struct {
	Op     string // "put", "open", "stat", "delete", "walk"
	Digest string
	Err    error
}

func (e *Error) Error() string {
	if e.Digest == "" {
		return "blob " + e.Op + ": " + e.Err.Error()
	}
	d := e.Digest
	if CheckDigest(d) != nil {
		// Quoted, because it may hold anything a client sent.
		d = strconv.Quote(d)
	}
	return "blob " + e.Op + " " + d + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
