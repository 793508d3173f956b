package pdfa

import "golang.org/x/sys/unix"

// limitSelf caps this process's address space and CPU seconds.
func limitSelf(addrSpace, cpuSeconds uint64) {
	_ = unix.Setrlimit(unix.RLIMIT_AS, &unix.Rlimit{Cur: addrSpace, Max: addrSpace})
	_ = unix.Setrlimit(unix.RLIMIT_CPU, &unix.Rlimit{Cur: cpuSeconds, Max: cpuSeconds + 1})
}
