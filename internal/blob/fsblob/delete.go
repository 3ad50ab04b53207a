package fsblob

import (
	"context"
	"os"
	"path/filepath"

	"github.com/balcentral/balcentral/internal/atomicfile"
	"github.com/balcentral/balcentral/internal/blob"
)

// Delete implements [blob.Deleter]. A reader that opened the blob before
// keeps reading it to the end (POSIX unlink semantics). The prefix
// directories stay, so that a concurrent Put never finds its parent gone.
func (s *Store) Delete(ctx context.Context, digest string) error {
	if err := checkDigest(ctx, "delete", digest); err != nil {
		return err
	}
	p := s.path(digest)
	if err := os.Remove(p); err != nil {
		return &blob.Error{Op: "delete", Digest: digest, Err: notFound(err)}
	}
	if err := atomicfile.SyncDir(filepath.Dir(p)); err != nil {
		return &blob.Error{Op: "delete", Digest: digest, Err: err}
	}
	return nil
}
