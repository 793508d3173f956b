//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package audit

import "os"

// lockFile is a no-op where flock is not available: only one Log may be
// open per file, which the caller must ensure.
func lockFile(*os.File) error { return nil }
