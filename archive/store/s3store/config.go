package s3store

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/minio/minio-go/v7/pkg/s3utils"

	"akte/archive/store"
)

// Secret is a credential. It prints, marshals and logs as "***" so that a
// Config can be printed or logged without leaking it; use string(s) only where
// the value is needed.
type Secret string

const redacted = "***"

// String returns "***".
func (Secret) String() string { return redacted }

// GoString returns "***", so %#v does not leak the secret either.
func (Secret) GoString() string { return redacted }

// MarshalText returns "***", so JSON, YAML and slog's text output redact it.
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Format prints "***" for every verb, so not even %d or %x leak the secret.
func (Secret) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// LogValue redacts the secret in every slog handler.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Config describes the bucket an S3 store uses.
type Config struct {
	// Endpoint is host[:port] of the S3 API, without scheme ("s3.example.org",
	// "127.0.0.1:9000").
	Endpoint string
	// Bucket holds every object of this archive.
	Bucket string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
	// AccessKey and SecretKey are static credentials.
	AccessKey string
	SecretKey Secret
	// Secure selects HTTPS.
	Secure bool
	// Mode is the retention mode used when a Put or SetRetention names none.
	// Empty means store.Compliance.
	Mode store.Mode
	// CreateBucket makes New create a missing bucket, with Object Lock.
	CreateBucket bool
}

// Validate reports the first bad field of c, by its configuration name.
func (c Config) Validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("s3 config: endpoint is empty")
	case strings.Contains(c.Endpoint, "://") || strings.ContainsAny(c.Endpoint, "/?# "):
		return fmt.Errorf("s3 config: endpoint %q: want host[:port] without scheme or path (use secure for https)", c.Endpoint)
	case c.Bucket == "":
		return errors.New("s3 config: bucket is empty")
	case s3utils.CheckValidBucketNameStrict(c.Bucket) != nil:
		return fmt.Errorf("s3 config: bucket %q is not a valid S3 bucket name (3-63 characters of a-z, 0-9, '.', '-')", c.Bucket)
	case c.AccessKey == "":
		return errors.New("s3 config: access_key is empty")
	case c.SecretKey == "":
		return errors.New("s3 config: secret_key is empty")
	case c.Mode != "" && !c.Mode.Valid():
		return fmt.Errorf("s3 config: mode %q: want %s or %s", c.Mode, store.Compliance, store.Governance)
	}
	return nil
}

// mode returns the configured default retention mode.
func (c Config) mode() store.Mode {
	if c.Mode == "" {
		return store.Compliance
	}
	return c.Mode
}
