package filestore

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback begins writing f's dirty pages (and allocating their
// blocks) without waiting, so the batch's syncs overlap.
func startWriteback(f *os.File) {
	unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}

func fdatasync(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }

// wholeFSSync reports whether syncFS is available.
const wholeFSSync = true

// syncFS flushes every dirty page and the journal of the filesystem that
// holds f (syncfs(2); it reports writeback errors since Linux 5.8).
func syncFS(f *os.File) error { return unix.Syncfs(int(f.Fd())) }
