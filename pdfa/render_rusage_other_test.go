//go:build !unix

package pdfa

import "time"

func renderCPUTime(children bool) (time.Duration, bool) { return 0, false }
