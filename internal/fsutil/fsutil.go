// Package fsutil writes small files durably: so that a crash leaves a
// file's old content or its new, never a part, and a file reported written
// is on disk.
package fsutil

import (
	"errors"
	"os"
	"path/filepath"
)

// WriteAtomic replaces path's content with data (creating it with perm):
// written to a temporary file beside it, synced, renamed over it, and the
// folder synced. A reader, or the next start after a crash, sees the old
// content or the new. Concurrent writers of one path each write whole.
func WriteAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return SyncPath(filepath.Dir(path))
}

// WriteNew creates path with data and perm, synced; it never overwrites
// (an existing path is an error satisfying errors.Is(err, fs.ErrExist)),
// and removes what it created when writing fails.
func WriteNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(path)
	}
	return err
}

// SyncPath flushes a file, or a folder's entries, to disk.
func SyncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
