package s3blob

import (
	"context"

	"github.com/minio/minio-go/v7"

	"github.com/balcentral/balcentral/internal/blob"
)

// Delete implements [blob.Deleter]. S3 reports success for the deletion of
// a missing key, so Delete looks for the blob first (a HEAD) to report
// ErrNotFound; a concurrent Delete of the same blob may therefore both
// succeed.
func (s *Store) Delete(ctx context.Context, digest string) error {
	if err := checkDigest(ctx, "delete", digest); err != nil {
		return err
	}
	key := s.Key(digest)
	if _, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err != nil {
		return &blob.Error{Op: "delete", Digest: digest, Err: notFound(err)}
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return &blob.Error{Op: "delete", Digest: digest, Err: notFound(err)}
	}
	return nil
}
