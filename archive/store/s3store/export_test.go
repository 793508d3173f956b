package s3store

// SetSpoolMemory sets the in-memory spool limit of s's Puts, so a test can
// reach the temporary-file path with small bodies. Call it before using s.
func SetSpoolMemory(s *Store, n int64) { s.spoolMemory = n }
