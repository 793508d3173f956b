package main

import (
	"os"
	"path/filepath"

	"akte/web/auth"
)

// authFile is the auth database under the data directory.
const authFile = "auth.db"

// openAuth opens DATA/auth.db (users, API tokens, sessions), creating the
// data directory if needed. A running server holds it: then ErrBusy.
func openAuth(cfg *Config) (*auth.Store, error) {
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return nil, configError{err}
	}
	return auth.Open(filepath.Join(cfg.Data, authFile), nil)
}
