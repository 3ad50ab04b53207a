//go:build !unix

package bala

// setUmask does nothing where there is no umask.
func setUmask(mask int) int { return 0 }
