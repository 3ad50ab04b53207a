package s3blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/balcentral/balcentral/internal/blob"
)

// contentType is the Content-Type of every object the store writes, which
// a presigned download passes on to the client.
const contentType = "application/octet-stream"

// renewedKey is the user metadata field a renewal sets (see "Existing
// content" in the package documentation).
const renewedKey = "Renewed"

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

	tmpKey, err := s.tmpKey()
	if err != nil {
		return blob.Info{}, err
	}
	uploadStarted := false
	defer func() {
		if uploadStarted {
			// Whatever happened, the temporary object has served: the
			// blob is now under its final key, or nothing is stored. The
			// removal must happen even when ctx is cancelled.
			dctx, cancel := detached(ctx)
			defer cancel()
			// A failure leaves an object under tmp/ that Clean removes; it
			// is no reason to fail a Put whose blob is stored.
			_ = s.client.RemoveObject(dctx, s.bucket, tmpKey, minio.RemoveObjectOptions{})
		}
	}()

	src := &source{ctx: ctx, r: r, h: sha256.New(), expected: expectedSize, maxSize: s.maxSize}
	size := expectedSize
	var body io.Reader = src
	if size < 0 {
		// The length is unknown: read up to one part to tell a small
		// blob, uploaded with one PUT of known length, from a large one,
		// which needs a multipart upload. A multipart upload of a small
		// blob would cost three requests instead of one.
		bufp := s.buffers.Get().(*[]byte)
		defer s.buffers.Put(bufp)
		buf := *bufp
		n, rerr := io.ReadFull(src, buf)
		switch {
		case errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF):
			size = int64(n)
			body = bytes.NewReader(buf[:n])
		case rerr == nil:
			body = io.MultiReader(bytes.NewReader(buf), src)
		default:
			return blob.Info{}, s.failure(ctx, src, rerr)
		}
	}

	uploadStarted = true
	up, err := s.client.PutObject(ctx, s.bucket, tmpKey, body, size, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    uint64(s.partSize),
	})
	if err != nil {
		return blob.Info{}, s.failure(ctx, src, err)
	}
	if err := src.finish(); err != nil {
		return blob.Info{}, s.failure(ctx, src, err)
	}
	if up.Size != src.n {
		return blob.Info{}, fmt.Errorf("the object store received %d bytes, %d were sent", up.Size, src.n)
	}
	info = blob.Info{Digest: hex.EncodeToString(src.h.Sum(nil)), Size: src.n}

	// The last chance to give up: once copied, the blob is stored.
	if err := ctx.Err(); err != nil {
		return info, err
	}
	dctx, cancel := detached(ctx)
	defer cancel()
	mtime, err := s.commit(dctx, tmpKey, info)
	if err != nil {
		return info, err
	}
	info.ModTime = modTime(mtime)
	return info, nil
}

// commit stores the uploaded temporary object under its final key, or
// renews the object already there, and returns the blob's modification
// time.
func (s *Store) commit(ctx context.Context, tmpKey string, info blob.Info) (time.Time, error) {
	final := s.Key(info.Digest)
	st, err := s.client.StatObject(ctx, s.bucket, final, minio.StatObjectOptions{})
	switch {
	case err == nil && st.Size == info.Size:
		up, err := s.client.CopyObject(ctx, minio.CopyDestOptions{
			Bucket:          s.bucket,
			Object:          final,
			ContentType:     contentType,
			ReplaceMetadata: true,
			UserMetadata:    map[string]string{renewedKey: time.Now().UTC().Format(time.RFC3339Nano)},
		}, minio.CopySrcOptions{Bucket: s.bucket, Object: final, MatchETag: st.ETag})
		if err == nil {
			return up.LastModified, nil
		}
		// Deleted or replaced since the Stat: store this copy instead.
		if code := minio.ToErrorResponse(err).Code; code != minio.NoSuchKey && code != minio.PreconditionFailed {
			return time.Time{}, fmt.Errorf("renewing the stored blob: %w", err)
		}
	case err != nil && !isNotFound(err):
		return time.Time{}, fmt.Errorf("looking for the blob: %w", err)
	}
	// Absent, or damaged (another size): the fresh upload takes its place.
	up, err := s.client.CopyObject(ctx, minio.CopyDestOptions{
		Bucket:          s.bucket,
		Object:          final,
		ContentType:     contentType,
		ReplaceMetadata: true,
	}, minio.CopySrcOptions{Bucket: s.bucket, Object: tmpKey})
	if err != nil {
		return time.Time{}, fmt.Errorf("copying the upload to its final key: %w", err)
	}
	return up.LastModified, nil
}

// failure returns the error a Put reports when the upload stopped with
// err: what went wrong with the content first (it explains the rest), then
// the caller's context, then err itself.
func (s *Store) failure(ctx context.Context, src *source, err error) error {
	if src.err != nil {
		return src.err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return err
}

// tmpKey returns a new, unique key for an upload.
func (s *Store) tmpKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return s.prefix + tmpDir + tmpPrefix + hex.EncodeToString(b[:]), nil
}

// source reads the content of a Put: it hashes and counts what it hands
// on, enforces the declared or the maximum size, stops once ctx is done and
// remembers the first failure, so that Put reports it rather than the
// error minio-go made of it.
type source struct {
	ctx      context.Context
	r        io.Reader
	h        hash.Hash
	n        int64
	expected int64 // the declared size, or -1
	maxSize  int64
	err      error
}

func (s *source) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return 0, err
	}
	// Read at most up to the declared size (finish looks for more), or
	// one byte over the limit, to tell "exactly at the limit" from "over
	// it" without trusting the reader.
	var left int64
	if s.expected >= 0 {
		left = s.expected - s.n
		if left == 0 {
			return 0, io.EOF
		}
	} else {
		left = s.maxSize + 1 - s.n
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	switch {
	case s.expected < 0 && s.n > s.maxSize:
		s.err = fmt.Errorf("%w: more than %d bytes", blob.ErrTooLarge, s.maxSize)
		return 0, s.err
	case err == io.EOF && s.expected >= 0 && s.n < s.expected:
		s.err = fmt.Errorf("%w: declared %d bytes, got %d", blob.ErrSizeMismatch, s.expected, s.n)
		return n, s.err
	case err != nil && err != io.EOF:
		if ctxErr := s.ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			s.err = ctxErr
		} else {
			s.err = fmt.Errorf("stopped after %d bytes: %w", s.n, err)
		}
		return n, s.err
	}
	return n, err
}

// finish checks, once the upload is complete, that the reader holds no
// more than the declared size.
func (s *source) finish() error {
	if s.err != nil {
		return s.err
	}
	if s.expected < 0 {
		return nil
	}
	if s.n != s.expected {
		// The upload took fewer bytes than declared without an error.
		s.err = fmt.Errorf("%w: declared %d bytes, got %d", blob.ErrSizeMismatch, s.expected, s.n)
		return s.err
	}
	var b [1]byte
	for {
		n, err := s.r.Read(b[:])
		switch {
		case n > 0:
			s.err = fmt.Errorf("%w: declared %d bytes, got more", blob.ErrSizeMismatch, s.expected)
			return s.err
		case err == io.EOF:
			return nil
		case err != nil:
			s.err = fmt.Errorf("stopped after %d bytes: %w", s.n, err)
			return s.err
		}
	}
}
