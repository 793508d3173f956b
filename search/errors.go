package search

import (
	"errors"
	"fmt"
)

// Error kinds. Callers test them with errors.Is; the messages returned wrap them with detail.
var (
	// ErrRebuild: the index directory cannot be used as it is — it fails to open, is incomplete,
	// or has another schema version. The fix is to move it aside and rebuild it from the bucket
	// (akte reindex); OpenOrRecreate does the moving.
	ErrRebuild = errors.New("search index must be rebuilt (move it aside and run akte reindex)")
	// ErrLocked: another Index (in this process or another) has the directory open.
	ErrLocked = errors.New("search index is in use by another process")
	// ErrClosed: the Index has been closed.
	ErrClosed = errors.New("search index is closed")
	// ErrInvalid: a Doc or Request is malformed. A *QueryError is also ErrInvalid.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden: the Role may not search.
	ErrForbidden = errors.New("forbidden")
)

// QueryError reports a query a clerk typed that cannot be run. Pos is the 0-based position, in
// characters (runes), of the offending part; Msg says what is wrong in words a clerk
// understands. errors.Is(err, ErrInvalid) is true for a *QueryError.
type QueryError struct {
	Pos int
	Msg string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query at position %d: %s", e.Pos, e.Msg)
}

// Is makes a *QueryError match ErrInvalid.
func (e *QueryError) Is(target error) bool { return target == ErrInvalid }

// maxReportedIDs bounds WriteError.IDs.
const maxReportedIDs = 10000

// WriteError reports that the writer failed to commit a batch: the documents with IDs (puts and
// deletes) are not in the index as requested and must be written again (the caller marks them
// as lagging; reconciliation re-indexes them). Omitted counts IDs left out of IDs to keep it
// bounded; if it is not zero the caller should rebuild.
type WriteError struct {
	IDs     []string
	Omitted int
	Err     error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("write search index: %d documents not written: %v", len(e.IDs)+e.Omitted, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// add records a failed batch.
func (e *WriteError) add(ids []string, err error) {
	if e.Err == nil {
		e.Err = err
	}
	room := max(maxReportedIDs-len(e.IDs), 0)
	if len(ids) > room {
		e.Omitted += len(ids) - room
		ids = ids[:room]
	}
	e.IDs = append(e.IDs, ids...)
}
