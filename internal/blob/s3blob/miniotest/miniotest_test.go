package miniotest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

func TestMain(m *testing.M) { Main(m) }

// TestBucketsAreFreshAndRemoved: every Start gets its own empty bucket on
// the one server, and the bucket is gone once its test ends.
func TestBucketsAreFreshAndRemoved(t *testing.T) {
	var first, second Endpoint
	t.Run("first", func(t *testing.T) {
		first = Start(t)
		c, err := first.Client()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutObject(context.Background(), first.Bucket, "k", strings.NewReader("v"), 1, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	second = Start(t)
	if second.Addr != first.Addr {
		t.Errorf("second Start on %s, first on %s: want one server", second.Addr, first.Addr)
	}
	if second.Bucket == first.Bucket {
		t.Errorf("both Starts got bucket %s", first.Bucket)
	}
	c, err := second.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := c.BucketExists(ctx, first.Bucket); err != nil || ok {
		t.Errorf("bucket of the ended test: exists = %v, %v; want false", ok, err)
	}
	for obj := range c.ListObjectsIter(ctx, second.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		t.Errorf("new bucket holds %s (err %v)", obj.Key, obj.Err)
	}
}

// TestVirtualHostRequests: the server answers requests that name the
// bucket in the host name, reached through Endpoint.Transport.
func TestVirtualHostRequests(t *testing.T) {
	for name, start := range map[string]func(testing.TB) Endpoint{"http": Start, "https": StartTLS} {
		t.Run(name, func(t *testing.T) {
			ep := start(t)
			c, err := minio.New(strings.TrimPrefix(strings.TrimPrefix(ep.VirtualHostURL, "http://"), "https://"), &minio.Options{
				Creds:        ep.credentials(),
				Secure:       ep.RootCAs != nil,
				Transport:    ep.Transport(),
				Region:       ep.Region,
				BucketLookup: minio.BucketLookupDNS,
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := c.PutObject(ctx, ep.Bucket, "k", strings.NewReader("value"), 5, minio.PutObjectOptions{}); err != nil {
				t.Fatalf("PutObject in virtual-host style: %v", err)
			}
			u, err := c.PresignedGetObject(ctx, ep.Bucket, "k", time.Minute, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.Host, ep.Bucket+"."+Domain+":") {
				t.Errorf("presigned URL host %s, want the bucket under %s", u.Host, Domain)
			}
			resp, err := (&http.Client{Transport: ep.Transport()}).Get(u.String())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.ContentLength != 5 {
				t.Errorf("GET %s: %s, %d bytes; want 200 and 5 bytes", u, resp.Status, resp.ContentLength)
			}
		})
	}
}
