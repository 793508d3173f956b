package archive

import (
	"errors"
	"fmt"
)

// Error kinds callers test with errors.Is. The command line maps them to
// exit codes and the HTTP API to status codes, each in one place.
var (
	// ErrInvalid: a request field is malformed or unknown (citizen ID,
	// class, date, fact, title).
	ErrInvalid = errors.New("invalid request")
	// ErrRefused: the document itself is refused: empty, too large, not a
	// supported type, or damaged.
	ErrRefused = errors.New("document refused")
	// ErrNotFound: no such record (or version).
	ErrNotFound = errors.New("record not found")
	// ErrConflict: the request contradicts the record's state: an
	// idempotency key reused for a different document, a hold on a record
	// already held, an approval of a record not due for review.
	ErrConflict = errors.New("conflict")
	// ErrCorrupt: stored bytes do not match their recorded SHA-256, or a
	// manifest is unreadable. Nothing corrupt is ever returned to a reader.
	ErrCorrupt = errors.New("stored object corrupt")
	// ErrUnavailable: a service ingest depends on (the timestamp
	// authority) did not answer; nothing was stored, retry later.
	ErrUnavailable = errors.New("a required service is unavailable")
	// ErrForbidden: the caller's role may not do this.
	ErrForbidden = errors.New("forbidden for this role")
	// ErrTooLarge: the document is larger than the size limit; a kind of
	// ErrRefused.
	ErrTooLarge = fmt.Errorf("%w: too large", ErrRefused)
)

// FieldError is a refusal that names the field (or input) at fault.
type FieldError struct {
	Kind   error  // ErrInvalid or ErrRefused
	Field  string // "citizen", "class", "document", …
	Reason string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

// Unwrap returns the kind.
func (e *FieldError) Unwrap() error { return e.Kind }

func invalid(field, format string, args ...any) error {
	return &FieldError{Kind: ErrInvalid, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func refused(format string, args ...any) error {
	return &FieldError{Kind: ErrRefused, Field: "document", Reason: fmt.Sprintf(format, args...)}
}
