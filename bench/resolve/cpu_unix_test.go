//go:build unix

package resolvebench

import (
	"syscall"
	"time"
)

// cpuTime returns the user plus system CPU time of this process (self) or
// of its terminated, waited-for children and their descendants (children).
func cpuTime(children bool) (time.Duration, bool) {
	who := syscall.RUSAGE_SELF
	if children {
		who = syscall.RUSAGE_CHILDREN
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
