package fsblob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/balcentral/balcentral/internal/atomicfile"
	"github.com/balcentral/balcentral/internal/blob"
)

// copyBufferSize is the chunk Put reads and writes at a time.
const copyBufferSize = 256 << 10

// Put implements [blob.Putter]. See the package documentation for how it
// writes.
func (s *Store) Put(ctx context.Context, r io.Reader, expectedSize int64) (info blob.Info, err error) {
	defer func() {
		if err != nil {
			err = &blob.Error{Op: "put", Digest: info.Digest, Err: err}
			info = blob.Info{}
		}
	}()
	switch {
	case expectedSize < -1:
		return blob.Info{}, fmt.Errorf("declared size %d: want -1 (unknown) or a length", expectedSize)
	case expectedSize > s.maxSize:
		return blob.Info{}, fmt.Errorf("%w: declared %d bytes, limit %d", blob.ErrTooLarge, expectedSize, s.maxSize)
	}
	if err := ctx.Err(); err != nil {
		return blob.Info{}, err
	}

	tmp, err := os.CreateTemp(filepath.Join(s.root, tmpDir), tmpPrefix+"*")
	if err != nil {
		return blob.Info{}, err
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	// Read one byte more than may be stored, to tell "exactly at the
	// limit" from "over it" without trusting the reader.
	limit := s.maxSize
	if expectedSize >= 0 {
		limit = expectedSize
	}
	var src io.Reader = &ctxReader{ctx: ctx, r: r}
	if limit < math.MaxInt64 {
		src = io.LimitReader(src, limit+1)
	}
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(tmp, h), src, make([]byte, copyBufferSize))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return blob.Info{}, ctxErr
		}
		return blob.Info{}, fmt.Errorf("stopped after %d bytes: %w", n, err)
	}
	switch {
	case n > limit && expectedSize < 0:
		return blob.Info{}, fmt.Errorf("%w: more than %d bytes", blob.ErrTooLarge, s.maxSize)
	case n > limit:
		return blob.Info{}, fmt.Errorf("%w: declared %d bytes, got more", blob.ErrSizeMismatch, expectedSize)
	case expectedSize >= 0 && n != expectedSize:
		return blob.Info{}, fmt.Errorf("%w: declared %d bytes, got %d", blob.ErrSizeMismatch, expectedSize, n)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	info = blob.Info{Digest: digest, Size: n}

	final := s.path(digest)
	if mtime, ok, err := renew(final, n); err != nil {
		return info, err
	} else if ok {
		info.ModTime = mtime
		return info, nil
	}

	if err := tmp.Chmod(BlobMode); err != nil {
		return info, err
	}
	if err := tmp.Sync(); err != nil {
		return info, err
	}
	fi, err := tmp.Stat() // renaming keeps the modification time
	if err != nil {
		return info, err
	}
	if err := tmp.Close(); err != nil {
		return info, err
	}
	// The last chance to give up: once renamed, the blob is stored.
	if err := ctx.Err(); err != nil {
		return info, err
	}
	if err := s.makeParents(digest); err != nil {
		return info, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return info, err
	}
	committed = true
	if err := atomicfile.SyncDir(filepath.Dir(final)); err != nil {
		return info, err
	}
	info.ModTime = fi.ModTime()
	return info, nil
}

// renew reports whether path already holds a blob of the given size and if
// so sets its modification time to now, so that a garbage collector spares
// it while the caller records it. A blob deleted meanwhile counts as absent.
func renew(path string, size int64) (time.Time, bool, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	if !fi.Mode().IsRegular() || fi.Size() != size {
		// Damaged: the caller's fresh copy replaces it.
		return time.Time{}, false, nil
	}
	now := time.Now()
	if err := os.Chtimes(path, now, now); errors.Is(err, os.ErrNotExist) {
		return time.Time{}, false, nil
	} else if err != nil {
		return time.Time{}, false, err
	}
	if fi, err = os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return time.Time{}, false, nil
	} else if err != nil {
		return time.Time{}, false, err
	}
	return fi.ModTime(), true, nil
}

// makeParents creates the two prefix directories of digest, syncing the
// parent of each one it creates so that the new entry survives a crash.
func (s *Store) makeParents(digest string) error {
	dir := filepath.Join(s.root, blobDir)
	for _, name := range []string{digest[0:2], digest[2:4]} {
		sub := filepath.Join(dir, name)
		switch err := os.Mkdir(sub, DirMode); {
		case err == nil:
			if err := atomicfile.SyncDir(dir); err != nil {
				return err
			}
		case !errors.Is(err, os.ErrExist):
			return err
		}
		dir = sub
	}
	return nil
}

// ctxReader fails reads once ctx is done, so that a cancelled request stops
// an upload between two chunks.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
