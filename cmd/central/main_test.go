package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// When the test binary is started with this variable set, it is central:
// TestMain runs main instead of the tests, so the process test exercises
// this package's main without a separate go build.
const runMainEnv = "BALCENTRAL_TEST_RUN_CENTRAL_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestProcessStopsOnSIGTERM starts central as a process on a free port,
// reads the listening line, gets /healthz, sends SIGTERM and expects exit
// status 0.
func TestProcessStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process; skipped in -short mode")
	}
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--data", data)
	cmd.Env = []string{runMainEnv + "=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CENTRAL_") && !strings.HasPrefix(kv, runMainEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})

	lines := bufio.NewScanner(stdout)
	// The first start on a data directory prints the administrator's
	// token before the listening line.
	var before []string
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "listening on ") {
		before = append(before, lines.Text())
	}
	if lines.Err() != nil || !strings.HasPrefix(lines.Text(), "listening on ") {
		cmd.Wait()
		t.Fatalf("central printed no listening line; stdout %q, stderr:\n%s", before, stderr.String())
	}
	if !slices.ContainsFunc(before, regexp.MustCompile(`^admin token \(shown once\): bct_\S+$`).MatchString) {
		t.Errorf("the first start printed no admin token before the listening line: %q", before)
	}
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("first line = %q, want \"listening on http://127.0.0.1:<port>\"", lines.Text())
	}
	resp, err := http.Get(m[1] + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("GET /healthz = %d %q, %v", resp.StatusCode, body, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Wait only after stdout is read to its end, as os/exec requires.
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("central after SIGTERM: %v, want exit status 0; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("central did not exit within 15s of SIGTERM; stderr:\n%s", stderr.String())
	}
	if len(rest) != 0 {
		t.Errorf("stdout after the listening line: %q", rest)
	}
	if !strings.Contains(stderr.String(), "central stopped") {
		t.Errorf("stderr has no stop record:\n%s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(data, "blobs")); err != nil {
		t.Errorf("data directory not prepared: %v", err)
	}
}
