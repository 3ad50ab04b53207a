package centralclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
)

// Push uploads a bala (POST /packages, multipart part "bala-file", as the
// Java client). The caller has made the pre-check (Package → ErrNotFound).
//
// The body is multipart/form-data with one part, name "bala-file",
// filename the base name of balaPath, Content-Type
// application/octet-stream. It is streamed from the file, never held in
// memory, with an exact Content-Length (the multipart framing around the
// file is computed first), and progress reports the bytes of the file sent
// (total: the file's size).
//
// Any 2xx answer (the registry's is 204) is success. Failures are *Error
// values with Op "push": ErrExists for a 400 whose message contains
// "already exists", ErrUnauthorized for a 401 (and for the server text
// "subject claims missing …"), else the status and message. A push is not
// repeated once any of its body was sent, since the registry may have
// stored it (a repeat would then read "already exists"): transport
// failures are retried only when nothing was sent, and answers only when
// they are 502, 503 or 504.
func (c *Client) Push(ctx context.Context, balaPath string, progress Progress) error {
	fi, err := os.Stat(balaPath)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", balaPath)
	}
	size := fi.Size()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	ph := make(textproto.MIMEHeader)
	ph.Set("Content-Disposition", multipart.FileContentDisposition("bala-file", filepath.Base(balaPath)))
	ph.Set("Content-Type", "application/octet-stream")
	if _, err := mw.CreatePart(ph); err != nil {
		return err
	}
	headLen := head.Len()
	if err := mw.Close(); err != nil {
		return err
	}
	prefix := head.Bytes()[:headLen]
	suffix := head.Bytes()[headLen:]

	body := func() (io.ReadCloser, int64, error) {
		f, err := os.Open(balaPath)
		if err != nil {
			return nil, 0, err
		}
		var file io.Reader = &exactReader{r: f, left: size, name: balaPath}
		if progress != nil {
			progress(0, size)
			file = &progressReader{r: file, total: size, fn: progress}
		}
		r := io.MultiReader(bytes.NewReader(prefix), file, bytes.NewReader(suffix))
		return readCloser{Reader: r, Closer: f}, int64(len(prefix)) + size + int64(len(suffix)), nil
	}
	r := &request{op: opPush, method: http.MethodPost, url: c.opts.BaseURL + "/packages",
		platforms: c.opts.Platforms[0], contentType: mw.FormDataContentType(), accept: "application/json",
		body: body, unsafe: true, read: true}
	resp, data, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return statusError(r.op, r.method, r.url, resp, data)
}

type readCloser struct {
	io.Reader
	io.Closer
}

// exactReader reads exactly left bytes from r: a file that shrinks while
// it is sent is an error rather than a short body.
type exactReader struct {
	r    io.Reader
	left int64
	name string
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF && e.left > 0 {
		return n, fmt.Errorf("%s changed while it was being sent: %w", e.name, io.ErrUnexpectedEOF)
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

// progressReader reports the bytes read through it.
type progressReader struct {
	r     io.Reader
	done  int64
	total int64
	fn    Progress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		p.fn(p.done, p.total)
	}
	return n, err
}
