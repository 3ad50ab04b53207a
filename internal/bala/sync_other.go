//go:build !linux

package bala

// syncFileSystem is nil: without syncfs(2), ExtractTo syncs each file.
var syncFileSystem func(dir string) error

func syncFSUnsupported(error) bool { return false }
