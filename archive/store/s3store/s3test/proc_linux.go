package s3test

import "syscall"

// sysProcAttr makes the kernel kill the server when the thread that started
// it (see server.run) dies, that is when the test binary exits or crashes.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
