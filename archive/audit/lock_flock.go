//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package audit

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive, non-blocking flock on f, so that a second
// Open of the same file (from this or another process) fails instead of
// forking the chain. Closing f releases it.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errors.New("in use by another open audit log (is another akte running on this data directory?)")
	}
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}
