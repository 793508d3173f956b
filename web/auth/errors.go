package auth

import (
	"errors"
	"fmt"
	"time"
)

// Error kinds; test with errors.Is.
var (
	// ErrUnauthenticated: no credentials, or credentials that are unknown,
	// expired, revoked or belong to a disabled user.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrBadCredentials: the user name or the password is wrong (which one
	// is never said).
	ErrBadCredentials = errors.New("wrong user name or password")
	// ErrRateLimited: too many failed logins; see RateLimitError.RetryAfter.
	ErrRateLimited = errors.New("too many failed logins")
	// ErrCSRF: a cookie-authenticated request that changes something came
	// without the session's CSRF token.
	ErrCSRF = errors.New("missing or wrong CSRF token")
	// ErrExists: a user of that name exists.
	ErrExists = errors.New("already exists")
	// ErrNotFound: no such user or token.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: a bad name, role, password or expiry.
	ErrInvalid = errors.New("invalid")
	// ErrBusy: another process (a running server) holds the auth database.
	ErrBusy = errors.New("auth database in use by another process")
)

// RateLimitError is ErrRateLimited with the time to wait.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%v: try again in %s", ErrRateLimited, e.RetryAfter.Round(time.Second))
}

func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
