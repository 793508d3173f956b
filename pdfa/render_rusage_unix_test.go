//go:build unix

package pdfa

import (
	"syscall"
	"time"
)

// renderCPUTime returns the user+system CPU time used so far by this
// process (children false) or by its finished child processes.
func renderCPUTime(children bool) (time.Duration, bool) {
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
