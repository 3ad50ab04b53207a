package s3blob

import (
	"context"
	"fmt"
	"time"

	"github.com/balcentral/balcentral/internal/blob"
)

// Limits of a presigned URL's lifetime (Signature Version 4).
const (
	MinPresignExpiry = time.Second
	MaxPresignExpiry = 7 * 24 * time.Hour
)

// PresignGet returns a URL that downloads the blob with a plain GET, with
// no credentials, until expiry has passed, so that the registry can redirect
// a pull to the object store. The URL uses Options.PresignEndpoint if set.
// Signing needs no request, so PresignGet does not check that the blob
// exists: a URL for a missing blob fails when used, with 404. expiry must be
// between MinPresignExpiry and MaxPresignExpiry.
func (s *Store) PresignGet(ctx context.Context, digest string, expiry time.Duration) (string, error) {
	if err := checkDigest(ctx, "presign", digest); err != nil {
		return "", err
	}
	if expiry < MinPresignExpiry || expiry > MaxPresignExpiry {
		return "", &blob.Error{Op: "presign", Digest: digest, Err: fmt.Errorf("expiry %v: must be between %v and %v", expiry, MinPresignExpiry, MaxPresignExpiry)}
	}
	u, err := s.presigner.PresignedGetObject(ctx, s.bucket, s.Key(digest), expiry, nil)
	if err != nil {
		return "", &blob.Error{Op: "presign", Digest: digest, Err: err}
	}
	return u.String(), nil
}
