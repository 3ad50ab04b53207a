package centralclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func writeBalaFile(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "acme-hello-any-1.2.3.bala")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPushMultipartAsTheServerSeesIt(t *testing.T) {
	data := bytes.Repeat([]byte("bala bytes "), 50000) // ~550 KB, several reads
	type seen struct {
		contentLength    int64
		transferEncoding []string
		parts            int
		name, filename   string
		partType         string
		content          []byte
	}
	var mu sync.Mutex
	var got seen
	srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		s := seen{contentLength: r.ContentLength, transferEncoding: r.TransferEncoding}
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			http.Error(w, "not multipart", 400)
			return
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			s.parts++
			s.name, s.filename, s.partType = p.FormName(), p.FileName(), p.Header.Get("Content-Type")
			s.content, _ = io.ReadAll(p)
		}
		mu.Lock()
		got = s
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	c, _ := newTestClient(t, srv.URL+"/2.0/registry")
	var last, total int64
	calls := 0
	err := c.Push(context.Background(), writeBalaFile(t, data), func(done, tot int64) {
		if done < last {
			t.Errorf("progress went back")
		}
		last, total = done, tot
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got.parts != 1 || got.name != "bala-file" || got.filename != "acme-hello-any-1.2.3.bala" ||
		got.partType != "application/octet-stream" || !bytes.Equal(got.content, data) {
		t.Errorf("server saw %d parts, name %q filename %q type %q, %d bytes", got.parts, got.name, got.filename, got.partType, len(got.content))
	}
	if got.contentLength <= int64(len(data)) || len(got.transferEncoding) != 0 {
		t.Errorf("Content-Length %d, Transfer-Encoding %v: want an exact length", got.contentLength, got.transferEncoding)
	}
	if last != int64(len(data)) || total != int64(len(data)) || calls < 3 {
		t.Errorf("progress ended at %d/%d after %d calls", last, total, calls)
	}
}

func TestPushAnswers(t *testing.T) {
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		err    error
		status int
		msg    string
	}{
		{"204", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, nil, 0, ""},
		{"exists", jsonAnswer(400, `{"message": "package already exists: acme/hello:1.2.3_2024r1_any"}`), ErrExists, 400,
			"package already exists: acme/hello:1.2.3_2024r1_any"},
		{"invalid bala", jsonAnswer(400, `{"message": "invalid bala: no package.json"}`), nil, 400, "invalid bala: no package.json"},
		{"401", jsonAnswer(401, `{"message": "token expired"}`), ErrUnauthorized, 401, "token expired"},
		{"subject claims", jsonAnswer(400, `{"message": "subject claims missing in the user info repsonse"}`), ErrUnauthorized, 400,
			"subject claims missing in the user info repsonse"},
		{"500 not retried", jsonAnswer(500, `{"message": "boom"}`), nil, 500, "boom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, tc.answer, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
			c, _ := newTestClient(t, rec.base())
			err := c.Push(context.Background(), writeBalaFile(t, []byte("zip")), nil)
			if tc.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				var e *Error
				if !errors.As(err, &e) || e.Op != "push" || e.Err != tc.err || e.Status != tc.status || e.Message != tc.msg {
					t.Fatalf("err = %#v", err)
				}
			}
			if n := len(rec.requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestPushRetryPolicy(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }
	// A 503 before anything was stored is retried, with the whole body again.
	rec := newRecorder(t, jsonAnswer(503, `{"message":"busy"}`), ok)
	c, log := newTestClient(t, rec.base())
	if err := c.Push(context.Background(), writeBalaFile(t, []byte("zip bytes")), nil); err != nil {
		t.Fatal(err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 || !bytes.Equal(reqs[0].body, reqs[1].body) || !bytes.Contains(reqs[1].body, []byte("zip bytes")) {
		t.Errorf("requests %d, bodies differ or lack the bala", len(reqs))
	}
	if _, retries := log.get(); !reflect.DeepEqual(retries, []string{rec.base() + "/packages status=503 attempt=1 err=false"}) {
		t.Errorf("retries %v", retries)
	}

	// A connection broken after the body was read is not: the registry
	// may have stored the package.
	rec = newRecorder(t, func(w http.ResponseWriter, r *http.Request) { resetConn(w) }, ok)
	c, log = newTestClient(t, rec.base(), func(o *Options) { o.MaxRetries = 3 })
	err := c.Push(context.Background(), writeBalaFile(t, []byte("zip bytes")), nil)
	if !errors.Is(err, ErrConnection) {
		t.Fatalf("err = %v", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if _, retries := log.get(); len(retries) != 0 {
		t.Errorf("retries %v", retries)
	}
}

func TestPushMissingFile(t *testing.T) {
	c, _ := newTestClient(t, "http://127.0.0.1:1/2.0/registry")
	err := c.Push(context.Background(), filepath.Join(t.TempDir(), "none.bala"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "cannot connect") {
		t.Errorf("err = %v", err)
	}
}
