//go:build !linux

package filestore

import "os"

func startWriteback(*os.File) {}

func fdatasync(f *os.File) error { return f.Sync() }
