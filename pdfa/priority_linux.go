package pdfa

import (
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// startLowPriority starts cmd from an OS thread of its own whose nice value
// it first raises by childNice: on Linux the nice value belongs to a thread
// and a child inherits the forking thread's, so the program never runs at
// the caller's priority (a renice after Start would race with a short
// program). Lowering the thread back would need privilege, so it is not
// lowered back: its goroutine ends locked to it, and the Go runtime then
// ends the thread; the runtime makes new threads from a clean template
// thread, never from a locked one. Making a thread nicer needs no
// privilege; if the system refuses anyway (a seccomp filter), the program
// runs at the caller's priority: still correct, only not deferred to the
// server's work, so that is not reported. Under autogroup scheduling the
// child stays in the caller's group (same session), where nice values take
// effect.
func startLowPriority(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the niced thread ends here
		// The raw getpriority system call returns 20 - nice (1…40); who 0
		// is the calling thread.
		if prio, err := unix.Getpriority(unix.PRIO_PROCESS, 0); err == nil {
			_ = unix.Setpriority(unix.PRIO_PROCESS, 0, min(20-prio+childNice, 19))
		}
		errc <- cmd.Start()
	}()
	return <-errc
}
