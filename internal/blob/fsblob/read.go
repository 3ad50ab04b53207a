package fsblob

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/balcentral/balcentral/internal/blob"
)

// Open implements [blob.Opener]. The returned reader is an *os.File.
func (s *Store) Open(ctx context.Context, digest string) (io.ReadSeekCloser, blob.Info, error) {
	if err := checkDigest(ctx, "open", digest); err != nil {
		return nil, blob.Info{}, err
	}
	f, err := os.Open(s.path(digest))
	if err != nil {
		return nil, blob.Info{}, &blob.Error{Op: "open", Digest: digest, Err: notFound(err)}
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", f.Name())
	}
	if err != nil {
		f.Close()
		return nil, blob.Info{}, &blob.Error{Op: "open", Digest: digest, Err: err}
	}
	return f, blob.Info{Digest: digest, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Stat implements [blob.Statter].
func (s *Store) Stat(ctx context.Context, digest string) (blob.Info, error) {
	if err := checkDigest(ctx, "stat", digest); err != nil {
		return blob.Info{}, err
	}
	fi, err := os.Stat(s.path(digest))
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", s.path(digest))
	}
	if err != nil {
		return blob.Info{}, &blob.Error{Op: "stat", Digest: digest, Err: notFound(err)}
	}
	return blob.Info{Digest: digest, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}
