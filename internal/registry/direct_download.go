package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/blob/s3blob"
	"github.com/balcentral/balcentral/internal/store"
)

// This file is redirect_downloads: pulls that skip the registry and
// download straight from the object store.
//
// A pull is a 302 whose Location the client then GETs (reference
// central-api.md §7), and both the Java client and ours read the version
// from the second-to-last path segment of that Location. A presigned URL's
// path is its object's key, and a blob's key ends in its digest
// (sha256/ab/cd/<digest>), which no client can read a version from. So the
// registry presigns a download object instead: a server-side copy of the
// blob at
//
//	<prefix>downloads/<org>/<name>/<version>/<org>-<name>-<platform>-<version>.bala
//
// made on the first redirected pull of the version. Versions never change
// and their numbers are never reused, so the copy never goes stale; it
// costs the bala's size again in the bucket. Blob garbage collection and
// upload cleaning look only under sha256/ and tmp/, and leave it alone.
//
// Only public versions pulled without credentials are redirected. The
// clients send the pull's Authorization header again to the Location, and
// object stores refuse a request that carries both an Authorization header
// and a presigned signature; a private version's content must not be
// reachable by a URL that outlives the check of the requester's rights.

// directDownloadExpiry is how long a presigned download URL is valid: long
// enough for a slow client to start the download, short enough that a
// copied URL soon stops working.
const directDownloadExpiry = 15 * time.Minute

// downloadsDir holds the download objects, under the store's prefix.
const downloadsDir = "downloads/"

// directDownloads presigns download URLs of the bucket of an s3blob store.
type directDownloads struct {
	blobs  *s3blob.Store
	client *minio.Client
	// made holds the keys of download objects known to exist, so that a
	// version's later pulls cost no request to the store.
	made sync.Map
}

// newDirectDownloads returns the direct downloads of the bucket of blobs,
// reached with cfg's endpoint and credentials.
func newDirectDownloads(cfg Config, blobs *s3blob.Store) (*directDownloads, error) {
	u, err := url.Parse(cfg.S3.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("s3_endpoint: %w", err)
	}
	lookup := minio.BucketLookupAuto
	switch cfg.S3.Addressing {
	case "path":
		lookup = minio.BucketLookupPath
	case "virtual-host":
		lookup = minio.BucketLookupDNS
	}
	region := cfg.S3.Region
	if region == "" {
		region = s3blob.DefaultRegion
	}
	// The same credentials as s3blob's, in the same order.
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{}, &credentials.EnvMinio{}, &credentials.IAM{},
	})
	if cfg.S3.AccessKey != "" {
		creds = credentials.NewStaticV4(cfg.S3.AccessKey, cfg.S3.SecretKey, "")
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds: creds, Secure: u.Scheme == "https", Region: region, BucketLookup: lookup,
	})
	if err != nil {
		return nil, err
	}
	return &directDownloads{blobs: blobs, client: client}, nil
}

// key returns the key of pv's download object.
func (d *directDownloads) key(pv *store.PackageVersion) string {
	return d.blobs.Prefix() + downloadsDir + pv.Org + "/" + pv.Name + "/" + pv.Version + "/" +
		bala.FileName(pv.Org, pv.Name, pv.Platform, pv.Version)
}

// url returns a presigned URL of pv's download object, copying the blob
// there first if needed.
func (d *directDownloads) url(ctx context.Context, pv *store.PackageVersion) (string, error) {
	key := d.key(pv)
	if _, ok := d.made.Load(key); !ok {
		bucket := d.blobs.Bucket()
		st, err := d.client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
		switch {
		case err == nil && st.Size == pv.Size:
		case err == nil || minio.ToErrorResponse(err).Code == minio.NoSuchKey:
			// Missing (or damaged, which only a hand in the bucket can
			// do): copy the blob, on the store's side.
			_, err = d.client.CopyObject(ctx,
				minio.CopyDestOptions{Bucket: bucket, Object: key},
				minio.CopySrcOptions{Bucket: bucket, Object: d.blobs.Key(pv.Digest)})
			if err != nil {
				return "", fmt.Errorf("copying %s to its download object: %w", pv.Digest, err)
			}
		default:
			return "", err
		}
		d.made.Store(key, true)
	}
	u, err := d.client.PresignedGetObject(ctx, d.blobs.Bucket(), key, directDownloadExpiry, nil)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// directDownloadURL returns where the pull r of pv may be redirected to
// instead of the registry's download URL, or "" when it must go through
// the registry: redirect_downloads is off, the version is private, or the
// client sends credentials (see the top of this file). A failure of the
// object store is logged and falls back to the registry, which streams.
func (s *Server) directDownloadURL(r *http.Request, pv *store.PackageVersion) string {
	d := s.storage.Direct
	if d == nil || pv.Visibility != store.Public || r.Header.Get("Authorization") != "" {
		return ""
	}
	loc, err := d.url(r.Context(), pv)
	if err != nil {
		s.log.Warn("cannot redirect a pull to the object store; streaming it", "version", pv.Org+"/"+pv.Name+":"+pv.Version,
			"err", err, "request_id", requestIDFrom(r.Context()))
		return ""
	}
	// The second-to-last segment is the version: the clients parse it.
	if p, _ := url.Parse(loc); p == nil || !strings.HasSuffix(p.Path, "/"+pv.Version+"/"+bala.FileName(pv.Org, pv.Name, pv.Platform, pv.Version)) {
		return ""
	}
	return loc
}
