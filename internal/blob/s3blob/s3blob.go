// Package s3blob is the object-storage backend of [blob.Store]: one object
// per blob in a bucket of any S3-compatible service (Amazon S3, MinIO, Ceph
// RGW, Garage, Cloudflare R2...), reached with minio-go. Several registry
// replicas can share one bucket.
//
// # Layout
//
//	<prefix>sha256/ab/cd/abcd…   a blob: the object named by its full digest,
//	                             under the same two-level prefix as fsblob,
//	                             so that listings and consoles stay readable
//	<prefix>tmp/put-<random>     uploads in progress
//
// The prefix (Options.Prefix) lets the registry share a bucket with other
// data; it is empty by default.
//
// # Writing
//
// The digest is known only once the whole content has been read, so Put
// cannot write to the final key directly. It streams the content to a
// temporary object under tmp/ while hashing it: a single PUT when the
// content fits in one part, else a multipart upload in parts of
// Options.PartSize, so memory stays bounded (at most two part-size buffers
// per Put in progress, one here and one in minio-go, whatever the blob's
// size). Then it checks the size, copies the temporary object to its final
// key on the server side (no byte goes through the registry again) and
// deletes the temporary object. An S3 PUT or COPY makes an object visible
// only complete, so a key under sha256/ exists only with its full content.
//
// A crash, a kill or a lost connection at any moment leaves at worst an
// object under tmp/ or an incomplete multipart upload there; nothing reads
// tmp/ except [Store.Clean], which removes both. Incomplete multipart uploads
// cost storage until they are aborted: besides Clean, a bucket lifecycle
// rule ("abort incomplete multipart uploads after 1 day") is a good
// safety net on Amazon S3; MinIO aborts them by itself after 24 hours.
//
// Once the last check of ctx has passed, the copy, the renewal and the
// removal of the temporary object run on a context detached from the
// caller's, as fsblob's rename is not interruptible either: a Put that
// reports an error has stored nothing, and one that gives up after the
// copy cannot report a failure for a blob that is there.
//
// # Existing content
//
// When the final key already holds an object of the same size, Put does not
// copy the content again: it renews the object's Last-Modified time with a
// copy of the object onto itself that replaces its metadata (S3's
// x-amz-metadata-directive: REPLACE; a metadata-only operation on MinIO, a
// server-side rewrite on Amazon S3) and records the time in the user
// metadata field Renewed. That gives garbage collection the grace period
// package blob describes (see "Deleting" there). The renewal is
// conditional on the ETag Put saw, so a concurrent Delete or replacement
// makes Put copy its own content instead. An object of another size, which
// only damage can cause, is replaced.
//
// # Times
//
// Object stores report Last-Modified with one-second resolution in HEAD and
// GET responses (an HTTP date) and finer in listings and copy results, so
// the Info.ModTime of every method is truncated to whole seconds: the same
// blob has the same ModTime whichever method reports it.
//
// # Deleting
//
// An S3 DELETE of a missing key succeeds, so Delete checks that the blob is
// there first (a HEAD) to keep the contract's ErrNotFound. A reader that
// opened a blob may fail after it is deleted: its reads are ranged GETs.
// Versioned buckets keep deleted blobs as noncurrent versions; that is the
// bucket's policy, not this package's.
//
// # Direct downloads
//
// [Store.PresignGet] returns a time-limited URL that lets a client download
// a blob straight from the object store, so the registry can redirect a
// pull instead of streaming it. Options.PresignEndpoint sets the address
// those URLs use when clients reach the store by another name than the
// registry does.
package s3blob

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/balcentral/balcentral/internal/blob"
)

// Key prefixes under Options.Prefix.
const (
	blobDir = "sha256/"
	tmpDir  = "tmp/"
	// tmpPrefix starts the name of every upload in progress under tmpDir.
	tmpPrefix = "put-"
)

// Part sizes of multipart uploads.
const (
	// DefaultPartSize is the part size when Options.PartSize is zero: each
	// Put in progress holds up to two buffers of this size.
	DefaultPartSize = 16 << 20
	// MinPartSize is S3's smallest part (except the last one of an upload).
	MinPartSize = 5 << 20
	// maxParts is S3's largest number of parts in one upload.
	maxParts = 10000
	// maxCopySize is the largest object one S3 CopyObject request copies.
	maxCopySize = 5 << 30
)

// DefaultRegion is the region used when Options.Region is empty. MinIO and
// most S3-compatible services accept it whatever their own setting.
const DefaultRegion = "us-east-1"

// Addressing says how requests name the bucket.
type Addressing string

const (
	// AddressingAuto uses virtual-host style for Amazon S3 and Google Cloud
	// Storage endpoints and path style for every other endpoint (minio-go's
	// default).
	AddressingAuto Addressing = ""
	// PathStyle puts the bucket in the path: https://host/bucket/key. MinIO
	// and most self-hosted services expect it.
	PathStyle Addressing = "path"
	// VirtualHostStyle puts the bucket in the host name:
	// https://bucket.host/key. Amazon S3 requires it for new buckets; the
	// bucket's name must then resolve in DNS (and, with TLS, be covered by
	// the certificate).
	VirtualHostStyle Addressing = "virtual-host"
)

// Options configure a Store.
type Options struct {
	// Endpoint is the URL of the S3 service: "https://s3.eu-west-1.amazonaws.com",
	// "http://127.0.0.1:9000". The scheme says whether requests use TLS; a
	// path is not allowed.
	Endpoint string
	// Region is the bucket's region, DefaultRegion if empty. It is needed to
	// sign requests; setting it saves a bucket-location request.
	Region string
	// Bucket is the name of the bucket, which must exist.
	Bucket string
	// Prefix is prepended to every key, so that the registry can share a
	// bucket ("central/"). A slash is added if it does not end with one.
	Prefix string
	// AccessKey and SecretKey are static credentials, and SessionToken the
	// token that goes with temporary ones. When AccessKey is empty the
	// credentials come from the environment (AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY, or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD)
	// or, failing that, from the instance's IAM role.
	AccessKey    string
	SecretKey    string
	SessionToken string
	// Addressing is path or virtual-host style; AddressingAuto by default.
	Addressing Addressing
	// RootCAs are the certificate authorities trusted for an https
	// Endpoint, the system's if nil. Ignored when Transport is set.
	RootCAs *x509.CertPool
	// Transport carries the requests, minio-go's default transport if nil.
	Transport http.RoundTripper
	// MaxSize is the largest blob Put accepts, in bytes. It must be
	// positive and at most 5 GiB, the largest object one S3 copy request
	// can copy.
	MaxSize int64
	// PartSize is the size of the parts of a multipart upload, and the
	// largest content uploaded with a single PUT: DefaultPartSize if zero,
	// at least MinPartSize. Each Put in progress holds up to two buffers of
	// this size.
	PartSize int64
	// PresignEndpoint is the URL that presigned download URLs use, when
	// clients reach the store by another address than the registry (an
	// internal host name, say); Endpoint if empty. It must name the same
	// service: the signature covers the host.
	PresignEndpoint string
}

// Store is a blob store in a bucket. It is safe for concurrent use by many
// goroutines and by several processes (registry replicas) sharing the
// bucket and prefix, as long as [Store.Clean] is given a time before any
// upload still in progress started.
type Store struct {
	client    *minio.Client
	presigner *minio.Client
	bucket    string
	prefix    string
	maxSize   int64
	partSize  int64
	// buffers holds part-size buffers for Puts of unknown length.
	buffers sync.Pool
}

var _ blob.Store = (*Store)(nil)

// Open returns the store described by opts. It checks that the bucket
// exists, which needs one request, so a wrong endpoint, bucket or
// credentials fail here rather than on the first push.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s, err := newStore(opts)
	if err != nil {
		return nil, fmt.Errorf("open blob store s3 %s: %w", describe(opts), err)
	}
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return nil, fmt.Errorf("open blob store s3 %s: checking the bucket: %w", describe(opts), err)
	}
	if !ok {
		return nil, fmt.Errorf("open blob store s3 %s: bucket %q does not exist: create it first", describe(opts), s.bucket)
	}
	return s, nil
}

// describe names the store in error messages, without any credentials
// the endpoint may hold by mistake.
func describe(opts Options) string {
	return strings.TrimSuffix(redact(opts.Endpoint), "/") + "/" + opts.Bucket + "/" + opts.Prefix
}

// redact returns endpoint without the user information it may hold by
// mistake, for error messages.
func redact(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return endpoint
}

func newStore(opts Options) (*Store, error) {
	if opts.MaxSize <= 0 || opts.MaxSize > maxCopySize {
		return nil, fmt.Errorf("maximum blob size %d: must be positive and at most %d (5 GiB)", opts.MaxSize, int64(maxCopySize))
	}
	partSize := opts.PartSize
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	if partSize < MinPartSize {
		return nil, fmt.Errorf("part size %d: must be at least %d (5 MiB), S3's smallest part", partSize, MinPartSize)
	}
	if partSize*maxParts < opts.MaxSize {
		return nil, fmt.Errorf("part size %d: too small for blobs of %d bytes in at most %d parts", partSize, opts.MaxSize, maxParts)
	}
	if opts.Bucket == "" {
		return nil, errors.New("no bucket given")
	}
	prefix := opts.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if strings.HasPrefix(prefix, "/") {
		return nil, fmt.Errorf("prefix %q: must not start with a slash", opts.Prefix)
	}
	client, err := newClient(opts, opts.Endpoint)
	if err != nil {
		return nil, err
	}
	presigner := client
	if opts.PresignEndpoint != "" {
		if presigner, err = newClient(opts, opts.PresignEndpoint); err != nil {
			return nil, fmt.Errorf("presign endpoint: %w", err)
		}
	}
	s := &Store{
		client:    client,
		presigner: presigner,
		bucket:    opts.Bucket,
		prefix:    prefix,
		maxSize:   opts.MaxSize,
		partSize:  partSize,
	}
	// A Put of unknown length reads at most one part before it knows
	// whether it needs a multipart upload, and at most one byte over the
	// limit before it fails.
	bufSize := min(partSize, opts.MaxSize+1)
	s.buffers.New = func() any {
		b := make([]byte, bufSize)
		return &b
	}
	return s, nil
}

// newClient returns a minio-go client for endpoint, a URL.
func newClient(opts Options, endpoint string) (*minio.Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: want a URL like https://host[:port]", redact(endpoint))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q: want only a scheme, a host and a port; put the bucket in Bucket and any key prefix in Prefix", redact(endpoint))
	}
	lookup := minio.BucketLookupAuto
	switch opts.Addressing {
	case AddressingAuto:
	case PathStyle:
		lookup = minio.BucketLookupPath
	case VirtualHostStyle:
		lookup = minio.BucketLookupDNS
	default:
		return nil, fmt.Errorf("addressing %q: want %q or %q (or empty for automatic)", opts.Addressing, PathStyle, VirtualHostStyle)
	}
	region := opts.Region
	if region == "" {
		region = DefaultRegion
	}
	var creds *credentials.Credentials
	if opts.AccessKey != "" {
		creds = credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, opts.SessionToken)
	} else {
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{},
			&credentials.EnvMinio{},
			&credentials.IAM{},
		})
	}
	transport := opts.Transport
	secure := u.Scheme == "https"
	if transport == nil && opts.RootCAs != nil && secure {
		t, err := minio.DefaultTransport(true)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig.RootCAs = opts.RootCAs
		transport = t
	}
	return minio.New(u.Host, &minio.Options{
		Creds:        creds,
		Secure:       secure,
		Transport:    transport,
		Region:       region,
		BucketLookup: lookup,
	})
}

// MaxSize returns the largest blob the store accepts.
func (s *Store) MaxSize() int64 { return s.maxSize }

// Bucket returns the name of the store's bucket.
func (s *Store) Bucket() string { return s.bucket }

// Prefix returns the prefix of every key the store uses, empty or ending
// with a slash.
func (s *Store) Prefix() string { return s.prefix }

// Key returns the object key of the blob with a valid digest.
func (s *Store) Key(digest string) string {
	return s.prefix + blobDir + digest[0:2] + "/" + digest[2:4] + "/" + digest
}

// checkDigest validates digest for op and checks ctx, in that order, before
// any request.
func checkDigest(ctx context.Context, op, digest string) error {
	if err := blob.CheckDigest(digest); err != nil {
		return &blob.Error{Op: op, Digest: digest, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return &blob.Error{Op: op, Digest: digest, Err: err}
	}
	return nil
}

// isNotFound reports whether err says that the key does not exist (and not
// that the bucket does not).
func isNotFound(err error) bool {
	return minio.ToErrorResponse(err).Code == minio.NoSuchKey
}

// notFound turns a missing key into blob.ErrNotFound and keeps every other
// error as it is.
func notFound(err error) error {
	if isNotFound(err) {
		return blob.ErrNotFound
	}
	return err
}

// modTime returns t at the resolution every method reports (see "Times"
// in the package documentation).
func modTime(t time.Time) time.Time {
	return t.Truncate(time.Second)
}

// detached returns a context for work that must finish once started
// whatever happens to ctx, bounded by a generous timeout.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
}
