//go:build !linux

package pgtest

import "syscall"

// bindToParent does nothing where there is no parent-death signal: a test
// process that dies without stopping its cluster leaves the server running.
func bindToParent(*syscall.SysProcAttr) {}
