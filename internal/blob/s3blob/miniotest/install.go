package miniotest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Module and Version name the MinIO server the tests run. MinIO publishes
// no semantic versions of its server module, so Version is the
// pseudo-version of a commit of its main branch; it builds with the Go
// release this module requires. Change it with care: the first install of a
// new version compiles MinIO (several minutes on two cores).
const (
	Module  = "github.com/minio/minio"
	Version = "v0.0.0-20260212201848-7aac2a2c5b7c"
)

// BinaryEnv is the environment variable that, when set, names a MinIO
// server binary to use instead of the installed one.
const BinaryEnv = "BALCENTRAL_MINIO"

// CacheDir returns the directory the pinned MinIO binary is installed in:
// balcentral-minio/<Version> under the user's cache directory, shared by
// every checkout and kept between runs.
func CacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory for MinIO: %w", err)
	}
	return filepath.Join(dir, "balcentral-minio", Version), nil
}

// Binary returns the MinIO server binary to run: the one $BALCENTRAL_MINIO
// names, else the installed pinned version, installing it first if it is
// missing (with `go install`, which needs the Go module proxy and, the first
// time, several minutes). logf, if not nil, tells about an install.
func Binary(ctx context.Context, logf func(format string, args ...any)) (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$%s: %w", BinaryEnv, err)
		}
		return p, nil
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "minio")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	return bin, install(ctx, dir, logf)
}

// install builds the pinned MinIO into dir/minio. Test binaries of several
// packages may start at once, so one builds while the others wait on a
// lock file, and the binary appears under its final name only complete.
func install(ctx context.Context, dir string, logf func(string, ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("installing MinIO: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, ".lock"))
	if err != nil {
		return fmt.Errorf("installing MinIO: %w", err)
	}
	defer unlock()
	bin := filepath.Join(dir, "minio")
	if _, err := os.Stat(bin); err == nil {
		return nil // another process installed it while this one waited
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	gobin, err := os.MkdirTemp(dir, "gobin-")
	if err != nil {
		return fmt.Errorf("installing MinIO: %w", err)
	}
	defer os.RemoveAll(gobin)

	logf("miniotest: installing %s@%s into %s (the first time takes several minutes)", Module, Version, dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, goTool, "install", Module+"@"+Version)
	// Outside any module, with none of this module's flags: `go install
	// pkg@version` builds the module as its own main module.
	cmd.Dir = gobin
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off")
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("installing MinIO: go install %s@%s: %w\n%s", Module, Version, err, tail(out.String(), 4000))
	}
	if err := os.Rename(filepath.Join(gobin, "minio"), bin); err != nil {
		return fmt.Errorf("installing MinIO: %w", err)
	}
	logf("miniotest: installed MinIO in %v", time.Since(start).Round(time.Second))
	return nil
}

// tail returns the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
