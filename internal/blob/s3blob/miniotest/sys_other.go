//go:build !linux

package miniotest

import "os/exec"

// lockFile does not lock where flock(2) is not known to work: concurrent
// installs then build twice, and the last rename wins.
func lockFile(path string) (unlock func(), err error) {
	return func() {}, nil
}

// dieWithParent does nothing outside Linux: stop the server with Main.
func dieWithParent(cmd *exec.Cmd) {}

// processAlive reports true: without a portable check, no directory is
// taken for stale.
func processAlive(pid int) bool { return true }
