package s3blob

import (
	"context"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/balcentral/balcentral/internal/blob"
)

// Walk implements [blob.Walker]. It lists the keys under sha256/, which S3
// returns in ascending UTF-8 order: digest order, since every blob key is
// its digest under prefixes made of the digest's own first characters.
// Keys that are not a blob at its proper place are skipped.
func (s *Store) Walk(ctx context.Context, fn func(blob.Info) error) error {
	if err := s.walk(ctx, fn); err != nil {
		return &blob.Error{Op: "walk", Err: err}
	}
	return nil
}

func (s *Store) walk(ctx context.Context, fn func(blob.Info) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	top := s.prefix + blobDir
	for obj := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: top, Recursive: true}) {
		if obj.Err != nil {
			if err := ctx.Err(); err != nil {
				return err
			}
			return obj.Err
		}
		digest, ok := s.digestOfKey(obj.Key)
		if !ok {
			continue
		}
		if err := fn(blob.Info{Digest: digest, Size: obj.Size, ModTime: modTime(obj.LastModified)}); err != nil {
			return err
		}
	}
	// The listing may end early without an error when ctx is done.
	return ctx.Err()
}

// digestOfKey returns the digest of the blob stored under key, if key is
// one, that is if it equals s.Key(digest).
func (s *Store) digestOfKey(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, s.prefix+blobDir)
	// ab/cd/ + 64 digits
	if !ok || len(rest) != 6+blob.DigestLength {
		return "", false
	}
	digest := rest[6:]
	if blob.CheckDigest(digest) != nil || rest[:6] != digest[0:2]+"/"+digest[2:4]+"/" {
		return "", false
	}
	return digest, true
}
