//go:build !linux

package filestore

import "os"

func startWriteback(*os.File) {}

func fdatasync(f *os.File) error { return f.Sync() }

const wholeFSSync = false

func syncFS(*os.File) error { return nil }
