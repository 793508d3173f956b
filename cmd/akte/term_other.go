//go:build !linux

package main

import (
	"errors"
	"os"
)

// Elsewhere passwords come from --password-file or standard input.
func isTerminal(*os.File) bool { return false }

func readNoEcho(*os.File) (string, error) {
	return "", errors.New("no terminal support on this system")
}
