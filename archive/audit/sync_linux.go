package audit

import (
	"os"
	"syscall"
)

// syncData makes f's written data durable. On Linux fdatasync suffices for
// an append-only file: it also flushes the file size, which later reads
// need, and skips only timestamps.
func syncData(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
