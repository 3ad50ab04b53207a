package s3blob

import (
	"context"
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/balcentral/balcentral/internal/blob"
)

// Open implements [blob.Opener]. The returned reader is a *minio.Object:
// it reads with ranged GETs on the context given to Open, so it stops when
// that context is done, and it seeks without a request.
func (s *Store) Open(ctx context.Context, digest string) (io.ReadSeekCloser, blob.Info, error) {
	if err := checkDigest(ctx, "open", digest); err != nil {
		return nil, blob.Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.Key(digest), minio.GetObjectOptions{})
	if err != nil {
		return nil, blob.Info{}, &blob.Error{Op: "open", Digest: digest, Err: notFound(err)}
	}
	// GetObject sends nothing; Stat sends the GET and reads its headers,
	// so a missing blob is found here rather than at the first Read.
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, blob.Info{}, &blob.Error{Op: "open", Digest: digest, Err: notFound(err)}
	}
	return obj, blob.Info{Digest: digest, Size: st.Size, ModTime: modTime(st.LastModified)}, nil
}

// Stat implements [blob.Statter] with a HEAD request.
func (s *Store) Stat(ctx context.Context, digest string) (blob.Info, error) {
	if err := checkDigest(ctx, "stat", digest); err != nil {
		return blob.Info{}, err
	}
	st, err := s.client.StatObject(ctx, s.bucket, s.Key(digest), minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, &blob.Error{Op: "stat", Digest: digest, Err: notFound(err)}
	}
	return blob.Info{Digest: digest, Size: st.Size, ModTime: modTime(st.LastModified)}, nil
}
