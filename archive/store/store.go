// Package store defines the write-once object store that is Akte's system of
// record, and the error kinds every backend reports.
//
// A Store holds immutable objects under string keys. Each object carries a
// lock: a retention mode and a retain-until date, and an independent legal
// hold. The contract every backend keeps (and storetest.Run checks):
//
//   - Put is create-only: a key that already holds an object is refused with
//     ErrExists, and the existing object stays unchanged.
//   - An object cannot be deleted before its retain-until date, nor while a
//     legal hold is set: ErrLocked.
//   - Retention can be extended, never shortened, and its mode cannot be
//     changed while it is in force: ErrLocked.
//   - Reads name a version. Backends that keep several versions of a key (S3)
//     return the version ID from Put; reading by that ID keeps working even if
//     somebody hides the key behind a delete marker outside Akte.
//
// Errors are wrapped; callers test them with errors.Is against ErrNotFound,
// ErrExists, ErrLocked and ErrInvalid. Backend SDK errors never leak past a
// backend unwrapped into these kinds.
//
// This package must never import a backend; backends import it.
package store

import (
	"context"
	"errors"
	"io"
	"iter"
	"strings"
	"time"
)

// Error kinds. Backends wrap them with context ("put records/x: %w").
var (
	// ErrNotFound: no object (or no such version) under the key.
	ErrNotFound = errors.New("object not found")
	// ErrExists: Put on a key that already holds an object.
	ErrExists = errors.New("object already exists")
	// ErrLocked: the operation would delete, shorten or weaken a lock that
	// is in force (retention or legal hold).
	ErrLocked = errors.New("object is locked")
	// ErrInvalid: a malformed key, option or content (checksum mismatch,
	// size mismatch, unknown mode).
	ErrInvalid = errors.New("invalid request")
)

// Mode is a retention mode, named as in S3 Object Lock.
type Mode string

const (
	// Compliance: nobody, not even an administrator, can shorten or remove
	// the lock before it expires.
	Compliance Mode = "COMPLIANCE"
	// Governance: privileged users can bypass the lock in S3; Akte never
	// asks for bypass, so to Akte it behaves like Compliance.
	Governance Mode = "GOVERNANCE"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == Compliance || m == Governance }

// Retention is a retention lock: the object may not be deleted before Until.
// A zero Until means no retention.
type Retention struct {
	Mode  Mode
	Until time.Time
}

// Active reports whether the retention is in force at now.
func (r Retention) Active(now time.Time) bool {
	return !r.Until.IsZero() && now.Before(r.Until)
}

// PutOptions configure a Put.
type PutOptions struct {
	// Retention locks the new object. A zero Until stores it unlocked; an
	// empty Mode means the backend's configured default.
	Retention Retention
	// LegalHold sets a legal hold on the new object.
	LegalHold bool
	// SHA256, when not nil, is the expected SHA-256 of the content; the
	// backend refuses the Put with ErrInvalid on a mismatch and stores
	// nothing.
	SHA256 []byte
	// ContentType is informational.
	ContentType string
}

// ObjectInfo describes one stored object version.
type ObjectInfo struct {
	Key       string
	VersionID string
	Size      int64
	// SHA256 of the content as computed at Put (hex).
	SHA256    string
	Created   time.Time
	Retention Retention
	LegalHold bool
}

// Store is a write-once object store with retention locks.
//
// Implementations are safe for concurrent use. Every method honours ctx:
// cancellation aborts the call and returns an error wrapping ctx.Err(); a
// cancelled Put stores nothing.
type Store interface {
	// Put stores the size bytes read from r under key, create-only. It returns
	// ErrExists if key holds an object, ErrInvalid for a bad key, option
	// (an unknown mode, a retain-until date already past), a size that does
	// not match or a checksum mismatch. On success the object
	// is durable. Not idempotent: a second Put of the same key fails with
	// ErrExists.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)

	// Get opens an object version for reading. An empty versionID means the
	// current version. ErrNotFound if there is none. The caller closes the
	// reader. The backend does not verify content; callers check SHA256.
	Get(ctx context.Context, key, versionID string) (io.ReadCloser, ObjectInfo, error)

	// Stat returns an object version's info, including its current lock.
	Stat(ctx context.Context, key, versionID string) (ObjectInfo, error)

	// List yields one entry per key that starts with prefix and sorts
	// strictly after after (empty: from the start), in key order: the
	// newest version that is not a delete marker, so an object hidden
	// behind a delete marker outside Akte is still listed (and readable by
	// its version ID). Listings carry Key, VersionID, Size and Created;
	// SHA256, Retention and LegalHold may be empty (Stat has them).
	// Iteration stops at the first error, which is yielded.
	List(ctx context.Context, prefix, after string) iter.Seq2[ObjectInfo, error]

	// Delete removes an object version permanently. An empty versionID means
	// the current version (never a delete marker). ErrLocked while its
	// retention is active or a legal hold is set; ErrNotFound if absent.
	Delete(ctx context.Context, key, versionID string) error

	// SetRetention extends an object version's retention. Shortening an
	// active retention, or changing its mode, is refused with ErrLocked and
	// changes nothing. Setting the same retention again is a no-op
	// (idempotent). An empty Mode keeps the current mode (or the backend
	// default if there was none).
	SetRetention(ctx context.Context, key, versionID string, r Retention) error

	// SetLegalHold sets or clears the legal hold on an object version.
	// Idempotent.
	SetLegalHold(ctx context.Context, key, versionID string, on bool) error
}

// KeyLister is implemented by backends that can list keys more cheaply
// than List lists objects (filestore: without reading each object's
// metadata file).
type KeyLister interface {
	// ListKeys yields the keys List would yield, in the same order.
	ListKeys(ctx context.Context, prefix, after string) iter.Seq2[string, error]
}

// ListKeys lists like s.List, but only what the backend has at no extra
// cost: every ObjectInfo carries its Key, and its VersionID where List has
// it for free (S3), else none — the current version is meant, and Get or
// Stat give the rest. For listings of a whole bucket that read few of the
// objects they list.
func ListKeys(ctx context.Context, s Store, prefix, after string) iter.Seq2[ObjectInfo, error] {
	kl, ok := s.(KeyLister)
	if !ok {
		return s.List(ctx, prefix, after)
	}
	return func(yield func(ObjectInfo, error) bool) {
		for key, err := range kl.ListKeys(ctx, prefix, after) {
			if !yield(ObjectInfo{Key: key}, err) || err != nil {
				return
			}
		}
	}
}

// MaxKeyLen is the longest key a backend must accept.
const MaxKeyLen = 512

// ValidKey reports whether key is acceptable to every backend: a relative
// slash-separated path of non-empty segments of [A-Za-z0-9._-], no segment
// "." or "..", none starting with ".", at most MaxKeyLen bytes. Keys hold
// opaque IDs only, never names or other personal data.
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyLen {
		return false
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
			if !ok {
				return false
			}
		}
	}
	return true
}

// ReadAll reads a whole object version into memory (for small objects such
// as manifests) and returns it with its info.
func ReadAll(ctx context.Context, s Store, key, versionID string) ([]byte, ObjectInfo, error) {
	rc, info, err := s.Get(ctx, key, versionID)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	return b, info, nil
}
