//go:build !linux

package pdfa

import "os/exec"

// startLowPriority starts cmd at the caller's priority: lowering a child's
// priority is implemented for Linux only.
func startLowPriority(cmd *exec.Cmd) error { return cmd.Start() }
