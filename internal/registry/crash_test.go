package registry

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binaries builds cmd/central and cmd/bal once per test binary run, into
// one directory, and returns it.
var binaries = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "balcentral-bin-")
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/central", "./cmd/bal")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/central ./cmd/bal: %v\n%s", err, out)
	}
	return dir, nil
})

// centralBinary returns the path of a built central.
func centralBinary() (string, error) {
	dir, err := binaries()
	return filepath.Join(dir, "central"), err
}

// crashServer is a central process.
type crashServer struct {
	cmd *exec.Cmd
	url string
}

// crashBootstrapToken is the administrator token of the crash test's
// server, set through CENTRAL_BOOTSTRAP_TOKEN.
const crashBootstrapToken = "bct_crash-test-bootstrap-token-0123456789"

// startCentral starts central on data and waits for its listening line.
func startCentral(t *testing.T, bin, data string) *crashServer {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn")
	cmd.Env = append(os.Environ(), EnvBootstrapToken+"="+crashBootstrapToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				urlc <- u
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urlc:
		return &crashServer{cmd: cmd, url: u}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("central did not start; stderr:\n%s", stderr.String())
	}
	return nil
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (c *crashServer) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
}

// crashPush pushes one version; it reports the HTTP status, or 0 when the
// connection broke.
func crashPush(client *http.Client, base string, data []byte, file string) int {
	var body bytes.Buffer
	boundary := "crashboundary"
	fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"bala-file\"; filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n", boundary, file)
	body.Write(data)
	fmt.Fprintf(&body, "\r\n--%s--\r\n", boundary)
	req, _ := http.NewRequest(http.MethodPost, base+centralPrefix+"/packages", &body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Authorization", "Bearer "+crashBootstrapToken)
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestCrashDuringPushes kills the server with SIGKILL at random moments
// while clients push, restarts it on the same data, and checks that the
// store never shows a version it cannot serve: every listed version
// downloads, with the digest of the bala that was pushed for it, and every
// push that got its 204 survived the kill.
func TestCrashDuringPushes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills central processes")
	}
	bin, err := centralBinary()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	srv := startCentral(t, bin, data)
	req, _ := http.NewRequest(http.MethodPost, srv.url+"/api/v1/orgs", strings.NewReader(`{"name":"crash"}`))
	req.Header.Set("Authorization", "Bearer "+crashBootstrapToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating org: %d %s", resp.StatusCode, b)
	}
	resp.Body.Close()

	// pushed maps "name:version" to the digest of the bala sent for it;
	// acked holds the versions whose push got 204.
	var mu sync.Mutex
	pushed := map[string]string{}
	acked := map[string]bool{}
	const rounds, writers = 6, 6
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range rounds {
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("pkg%d", w%3)
					ver := fmt.Sprintf("%d.%d.%d", round+1, w, i)
					spec := balaSpec{Org: "crash", Name: name, Version: ver, Readme: fmt.Sprintf("# %s\n\n%s\n", name, strings.Repeat("padding ", 2000+i))}
					b := testBala(t, spec)
					sum := sha256.Sum256(b)
					mu.Lock()
					pushed[name+":"+ver] = hex.EncodeToString(sum[:])
					mu.Unlock()
					if crashPush(client, srv.url, b, "crash-"+name+"-any-"+ver+".bala") == http.StatusNoContent {
						mu.Lock()
						acked[name+":"+ver] = true
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
		srv = startCentral(t, bin, data)
		checkEveryVersion(t, client, srv.url, pushed, acked)
	}
	srv.kill()
	if len(acked) == 0 {
		t.Fatal("no push succeeded: the test did not exercise anything")
	}
	t.Logf("%d pushes acknowledged across %d kills", len(acked), rounds)
}

// checkEveryVersion lists every package of org crash and downloads each
// listed version.
func checkEveryVersion(t *testing.T, client *http.Client, base string, pushed map[string]string, acked map[string]bool) {
	t.Helper()
	listed := map[string]bool{}
	for _, name := range []string{"pkg0", "pkg1", "pkg2"} {
		resp, err := client.Get(base + centralPrefix + "/packages/crash/" + name)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			continue
		}
		var versions []string
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &versions) != nil {
			t.Fatalf("versions of %s: %d %s", name, resp.StatusCode, body)
		}
		for _, v := range versions {
			key := name + ":" + v
			listed[key] = true
			want, ok := pushed[key]
			if !ok {
				t.Errorf("%s is listed but was never pushed", key)
				continue
			}
			got := downloadDigest(t, client, base, name, v)
			if got != want {
				t.Errorf("%s downloads with sha256 %s, pushed %s", key, got, want)
			}
		}
	}
	for key := range acked {
		if !listed[key] {
			t.Errorf("%s was acknowledged with 204 but is not listed after the crash", key)
		}
	}
}

// downloadDigest pulls a version with the 302 protocol and returns the
// SHA-256 of the downloaded bytes, checking the digest header on the way.
func downloadDigest(t *testing.T, client *http.Client, base, name, ver string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+centralPrefix+"/packages/crash/"+name+"/"+ver, nil)
	req.Header.Set("Accept", "application/octet-stream")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("pull %s:%s: status %d, want 302", name, ver, resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	dl, err := client.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	if err != nil || dl.StatusCode != http.StatusOK {
		t.Fatalf("download %s: %d %v", loc, dl.StatusCode, err)
	}
	sum := sha256.Sum256(b)
	got := hex.EncodeToString(sum[:])
	if d := resp.Header.Get("digest"); d != "sha-256="+strings.TrimLeft(got, "0") {
		t.Errorf("pull %s:%s: digest header %q does not match the downloaded bytes (sha256 %s)", name, ver, d, got)
	}
	return got
}
