package s3store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"akte/archive/store"
)

// Errors New returns for a bucket that cannot keep Akte's guarantees.
var (
	// ErrNoBucket: the bucket does not exist and Config.CreateBucket is off.
	ErrNoBucket = errors.New("bucket does not exist")
	// ErrNoObjectLock: the bucket lacks versioning or Object Lock.
	ErrNoObjectLock = errors.New("bucket has no object lock")
	// ErrDefaultRetention: the bucket locks new objects by a default rule,
	// which would lock objects Akte stores unlocked and could keep documents
	// past their lawful deletion date.
	ErrDefaultRetention = errors.New("bucket has a default retention rule")
)

// Error codes S3 services send, as far as this package tells them apart.
const (
	codeNoSuchBucket       = "NoSuchBucket"
	codeNoSuchKey          = "NoSuchKey"
	codeNoSuchVersion      = "NoSuchVersion"
	codePreconditionFailed = "PreconditionFailed"
	codeAccessDenied       = "AccessDenied"
	codeInvalidRequest     = "InvalidRequest"
	codeInvalidArgument    = "InvalidArgument"
	codeBadDigest          = "BadDigest"
	codeInvalidDigest      = "InvalidDigest"
	codeChecksumMismatch   = "XAmzContentChecksumMismatch"
	codeIncompleteBody     = "IncompleteBody"
	codeLockConfigNotFound = "ObjectLockConfigurationNotFoundError"
	codeBucketOwned        = "BucketAlreadyOwnedByYou"
)

// s3Error extracts the S3 error response from err, if it is one.
func s3Error(err error) (minio.ErrorResponse, bool) {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er, true
	}
	var perr *minio.ErrorResponse
	if errors.As(err, &perr) && perr != nil {
		return *perr, true
	}
	return minio.ErrorResponse{}, false
}

// kindOf maps an S3 error response to a store error kind, or nil.
func kindOf(er minio.ErrorResponse) error {
	msg := strings.ToLower(er.Message)
	switch {
	case er.Code == codeNoSuchBucket:
		// A missing bucket is an outage, not a missing object.
		return nil
	case er.Code == codeNoSuchKey || er.Code == codeNoSuchVersion || er.StatusCode == http.StatusNotFound:
		return store.ErrNotFound
	case er.StatusCode == http.StatusMethodNotAllowed:
		// HEAD or GET of a version that is a delete marker.
		return store.ErrNotFound
	case er.Code == codeInvalidArgument && strings.Contains(msg, "version id"):
		// A malformed version ID names no version.
		return store.ErrNotFound
	case er.Code == codePreconditionFailed || er.StatusCode == http.StatusPreconditionFailed:
		return store.ErrExists
	case er.Code == codeInvalidRequest && strings.Contains(msg, "worm"),
		er.Code == codeAccessDenied && strings.Contains(msg, "object lock"):
		return store.ErrLocked
	case er.Code == codeBadDigest, er.Code == codeInvalidDigest, er.Code == codeChecksumMismatch,
		er.Code == codeIncompleteBody, er.Code == codeInvalidRequest, er.Code == codeInvalidArgument:
		return store.ErrInvalid
	}
	return nil
}

// fail wraps err from operation op on key once: a cancelled ctx as ctx.Err(),
// an S3 error response as a store kind (its code and message as text, never
// the SDK value), anything else (network errors) as is.
func fail(ctx context.Context, op, key string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s %s: %w", op, key, cerr)
	}
	er, ok := s3Error(err)
	if !ok {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	if kind := kindOf(er); kind != nil {
		return fmt.Errorf("%s %s: %w (s3 %s: %s)", op, key, kind, er.Code, er.Message)
	}
	return fmt.Errorf("%s %s: s3 %s (HTTP %d): %s", op, key, er.Code, er.StatusCode, er.Message)
}

// failLocked is fail for operations refused by a lock: a 403 AccessDenied
// (how AWS refuses them) counts as ErrLocked when the version was locked when
// we looked, and stays a permission error otherwise.
func failLocked(ctx context.Context, op, key string, err error, cur store.ObjectInfo) error {
	er, ok := s3Error(err)
	lockedNow := cur.LegalHold || cur.Retention.Active(time.Now())
	if ok && ctx.Err() == nil && er.Code == codeAccessDenied && lockedNow {
		return fmt.Errorf("%s %s: %w (s3 %s: %s)", op, key, store.ErrLocked, er.Code, er.Message)
	}
	return fail(ctx, op, key, err)
}

// invalid wraps a refusal of our own as ErrInvalid.
func invalid(op, key, format string, args ...any) error {
	return fmt.Errorf("%s %s: %w: %s", op, key, store.ErrInvalid, fmt.Sprintf(format, args...))
}

// lockedErr wraps a refusal of our own as ErrLocked.
func lockedErr(op, key, format string, args ...any) error {
	return fmt.Errorf("%s %s: %w: %s", op, key, store.ErrLocked, fmt.Sprintf(format, args...))
}
