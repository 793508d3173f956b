//go:build !linux

package pdfa

// limitSelf is a no-op where rlimits are not available; the budget and the
// parent's deadline still apply.
func limitSelf(addrSpace, cpuSeconds uint64) {}
