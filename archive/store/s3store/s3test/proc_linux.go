package s3test

import (
	"errors"
	"syscall"
)

// sysProcAttr makes the kernel kill the server when the thread that started
// it (see server.run) dies, that is when the test binary exits or crashes.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
