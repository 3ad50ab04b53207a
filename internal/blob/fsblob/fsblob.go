// Package fsblob is the file-system backend of [blob.Store]: one file per
// blob under a root directory. It is the registry's default blob store
// (`<data>/blobs`).
//
// # Layout
//
//	<root>/sha256/ab/cd/abcd…   a blob: the file named by its full digest,
//	                            under two levels of two-hex-digit directories
//	                            (65,536 leaves at most, so no directory grows
//	                            huge)
//	<root>/tmp/put-*            uploads in progress
//
// # Writing
//
// Put streams the content into a new file under tmp/ while hashing it,
// checks the size, syncs the file, makes it read-only and renames it to its
// final name, then syncs the directory. tmp/ and sha256/ are on the same file
// system, so the rename is atomic: a blob's path exists only with its full
// content, and a crash at any moment leaves at worst a file in tmp/. Nothing
// reads tmp/ except [Store.Clean], which the server calls at startup to
// remove such leftovers. A file under sha256/ whose name is not a digest, or
// that sits under the wrong prefix directories, is ignored by every method.
//
// One corner is left: if syncing the directory fails after the rename, Put
// reports the error although the blob is stored. The blob is complete and
// correct all the same (its name is its hash), and garbage collection
// treats it like any blob nothing refers to.
//
// When the blob already exists Put discards its copy and renews the
// existing file's modification time (see "Deleting" in package blob). If the
// existing file has another size than the new content, which only damage
// can cause, the new copy replaces it.
//
// # Permissions
//
// Directories are created with mode 0755 (less what the process umask
// removes) and blob files are set to 0444 with chmod, so the umask does not
// apply: a blob is immutable, and a read-only file guards it against a stray
// write by an administrator or another program. Deleting a blob
// needs only write permission on its directory. The registry keeps the root
// inside its data directory, which it creates 0700, so other users cannot
// reach the blobs anyway.
package fsblob

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/balcentral/balcentral/internal/blob"
)

// Modes of what the store creates.
const (
	DirMode  os.FileMode = 0o755
	BlobMode os.FileMode = 0o444
)

// Names of the directories under the root.
const (
	blobDir = "sha256"
	tmpDir  = "tmp"
	// tmpPrefix starts the name of every upload in progress.
	tmpPrefix = "put-"
)

// Options configure a Store.
type Options struct {
	// MaxSize is the largest blob Put accepts, in bytes. It must be
	// positive.
	MaxSize int64
}

// Store is a blob store in a directory. It is safe for concurrent use by
// many goroutines, and by several processes sharing the directory as long
// as [Store.Clean] is not called while another one is uploading.
type Store struct {
	root    string
	maxSize int64
}

var _ blob.Store = (*Store)(nil)

// Open returns the store rooted at dir, creating dir and its
// subdirectories (mode 0755) if needed.
func Open(dir string, opts Options) (*Store, error) {
	if opts.MaxSize <= 0 {
		return nil, fmt.Errorf("open blob store %s: maximum blob size %d: must be positive", dir, opts.MaxSize)
	}
	for _, d := range []string{dir, filepath.Join(dir, blobDir), filepath.Join(dir, tmpDir)} {
		if err := os.MkdirAll(d, DirMode); err != nil {
			return nil, fmt.Errorf("open blob store %s: %w", dir, err)
		}
	}
	return &Store{root: dir, maxSize: opts.MaxSize}, nil
}

// Root returns the directory the store lives in.
func (s *Store) Root() string { return s.root }

// MaxSize returns the largest blob the store accepts.
func (s *Store) MaxSize() int64 { return s.maxSize }

// path returns the file of a valid digest.
func (s *Store) path(digest string) string {
	return filepath.Join(s.root, blobDir, digest[0:2], digest[2:4], digest)
}

// checkDigest validates digest for op and checks ctx, in that order, before
// any file system access.
func checkDigest(ctx context.Context, op, digest string) error {
	if err := blob.CheckDigest(digest); err != nil {
		return &blob.Error{Op: op, Digest: digest, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return &blob.Error{Op: op, Digest: digest, Err: err}
	}
	return nil
}

// notFound turns a missing file into blob.ErrNotFound and keeps every other
// error as it is.
func notFound(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return blob.ErrNotFound
	}
	return err
}
