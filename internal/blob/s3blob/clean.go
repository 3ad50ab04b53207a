package s3blob

import (
	"context"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/balcentral/balcentral/internal/blob"
)

// Clean removes what uploads left under tmp/ before the given time, and
// returns how many things it removed: temporary objects last modified
// before it, and incomplete multipart uploads initiated before it. They
// are the remains of uploads a crash or a kill interrupted; Walk, Open and
// Stat never look at them, so they cost only storage. Several replicas
// share the bucket, so unlike fsblob's, a replica cannot know at startup
// that no upload is in progress: pass a time well before the oldest upload
// still running could have started (an hour before now is ample for any
// upload the server's timeouts let live).
//
// Some services list incomplete multipart uploads only by their exact key
// (MinIO does); there Clean cannot find them, and the service's own expiry
// (MinIO: 24 hours) or a bucket lifecycle rule removes them.
func (s *Store) Clean(ctx context.Context, before time.Time) (int, error) {
	removed, err := s.clean(ctx, before)
	if err != nil {
		return removed, &blob.Error{Op: "clean", Err: err}
	}
	return removed, nil
}

func (s *Store) clean(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	dir := s.prefix + tmpDir
	removed := 0
	for obj := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: dir, Recursive: true}) {
		if obj.Err != nil {
			if err := ctx.Err(); err != nil {
				return removed, err
			}
			return removed, obj.Err
		}
		if !obj.LastModified.Before(before) {
			continue
		}
		if err := s.client.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil && !isNotFound(err) {
			return removed, err
		}
		removed++
	}
	for up := range s.client.ListIncompleteUploads(ctx, s.bucket, dir, true) {
		if up.Err != nil {
			if err := ctx.Err(); err != nil {
				return removed, err
			}
			return removed, up.Err
		}
		if !up.Initiated.Before(before) {
			continue
		}
		if err := s.client.RemoveIncompleteUpload(ctx, s.bucket, up.Key); err != nil && !isNotFound(err) {
			return removed, err
		}
		removed++
	}
	return removed, ctx.Err()
}
