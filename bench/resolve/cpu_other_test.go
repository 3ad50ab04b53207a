//go:build !unix

package resolvebench

import "time"

// cpuTime is not measured on this platform.
func cpuTime(children bool) (time.Duration, bool) { return 0, false }
