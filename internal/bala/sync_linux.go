//go:build linux

package bala

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// syncFileSystem makes everything written to the file system holding dir
// durable: syncfs(2), one call for a whole extraction (see
// [Archive.ExtractTo] for the trade-off).
var syncFileSystem = func(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return &os.PathError{Op: "syncfs", Path: dir, Err: err}
	}
	return nil
}

// syncFSUnsupported reports whether err says that syncfs cannot be used
// here (a seccomp filter or an old kernel), rather than that it failed.
func syncFSUnsupported(err error) bool {
	return errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)
}
