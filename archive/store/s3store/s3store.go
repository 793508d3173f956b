package s3store

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"akte/archive/store"
)

// MaxObjectSize is the largest object Put accepts: the single-PUT limit of
// AWS S3. Larger objects would need multipart uploads, whose checksums are
// composites rather than the SHA-256 of the content.
const MaxObjectSize int64 = 5 << 30

// metaSHA256 is the user-metadata key (x-amz-meta-akte-sha256) holding the
// hex SHA-256 of the content.
const metaSHA256 = "Akte-Sha256"

// S3 headers of the object lock, as HEAD and GET return them.
const (
	headerLockMode  = "X-Amz-Object-Lock-Mode"
	headerLockUntil = "X-Amz-Object-Lock-Retain-Until-Date"
	headerLegalHold = "X-Amz-Object-Lock-Legal-Hold"
	headerChecksum  = "x-amz-checksum-sha256"
)

// Log attribute keys.
const (
	logBucket   = "bucket"
	logEndpoint = "endpoint"
	logMode     = "mode"
)

// Store is a store.Store on one S3 bucket with Object Lock. It is safe for
// concurrent use.
type Store struct {
	client *minio.Client
	bucket string
	mode   store.Mode
	log    *slog.Logger
	// spoolMemory is the in-memory spool limit of Put (see prepareBody).
	spoolMemory int64
}

var _ store.Store = (*Store)(nil)

// New connects to the bucket cfg names and checks that it can keep the WORM
// guarantees: it exists (or is created, with Object Lock, when
// cfg.CreateBucket is set), has versioning and Object Lock enabled, and has no
// default retention rule. It returns an error wrapping ErrNoBucket,
// ErrNoObjectLock or ErrDefaultRetention otherwise, naming the bucket and the
// fix. A nil logger discards logs.
func New(ctx context.Context, cfg Config, logger *slog.Logger) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:           credentials.NewStaticV4(cfg.AccessKey, string(cfg.SecretKey), ""),
		Secure:          cfg.Secure,
		Region:          cfg.Region,
		TrailingHeaders: true, // lets PutObject send x-amz-checksum-sha256
	})
	if err != nil {
		return nil, fmt.Errorf("open s3 endpoint %s: %v", cfg.Endpoint, err)
	}
	s := &Store{client: client, bucket: cfg.Bucket, mode: cfg.mode(), log: logger, spoolMemory: spoolMemory}
	if err := s.ensureBucket(ctx, cfg.Region, cfg.CreateBucket); err != nil {
		return nil, err
	}
	if err := s.checkLock(ctx); err != nil {
		return nil, err
	}
	logger.Info("s3 store ready", logEndpoint, cfg.Endpoint, logBucket, cfg.Bucket, logMode, string(s.mode))
	return s, nil
}

// ensureBucket checks that the bucket exists, creating it with Object Lock
// when create is set.
func (s *Store) ensureBucket(ctx context.Context, region string, create bool) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fail(ctx, "open bucket", s.bucket, err)
	}
	if ok {
		return nil
	}
	if !create {
		return fmt.Errorf("open bucket %s: %w: create it with object lock enabled (mc mb --with-lock ALIAS/%s) or let Akte create it (create_bucket)",
			s.bucket, ErrNoBucket, s.bucket)
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region, ObjectLocking: true})
	if er, isS3 := s3Error(err); err != nil && !(isS3 && er.Code == codeBucketOwned) {
		return fail(ctx, "create bucket", s.bucket, err)
	}
	s.log.Info("created bucket with object lock", logBucket, s.bucket)
	return nil
}

// checkLock refuses a bucket without versioning and Object Lock, or with a
// default retention rule.
func (s *Store) checkLock(ctx context.Context) error {
	noLock := fmt.Errorf("open bucket %s: %w: create it with object lock enabled (mc mb --with-lock ALIAS/%s); "+
		"object lock cannot be switched on for an existing bucket on many S3 services", s.bucket, ErrNoObjectLock, s.bucket)
	vc, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err != nil {
		return fail(ctx, "open bucket", s.bucket, err)
	}
	if !vc.Enabled() {
		return noLock
	}
	enabled, mode, validity, unit, err := s.client.GetObjectLockConfig(ctx, s.bucket)
	if er, isS3 := s3Error(err); isS3 && er.Code == codeLockConfigNotFound {
		return noLock
	}
	if err != nil {
		return fail(ctx, "open bucket", s.bucket, err)
	}
	if enabled != "Enabled" {
		return noLock
	}
	if mode != nil || validity != nil {
		return fmt.Errorf("open bucket %s: %w (%v %v %v): remove it (mc retention clear --default ALIAS/%s); Akte sets each object's retention itself",
			s.bucket, ErrDefaultRetention, deref(mode), deref(validity), deref(unit), s.bucket)
	}
	return nil
}

func deref[T any](p *T) any {
	if p == nil {
		return "-"
	}
	return *p
}

// Put implements store.Store. See the package doc for how the content is
// checked before it is stored.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	ret, err := s.checkPut(key, size, opts)
	if err != nil {
		return store.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	b, err := prepareBody(ctx, r, size, opts.SHA256, s.spoolMemory)
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	defer b.remove()
	po := minio.PutObjectOptions{
		ContentType:      opts.ContentType,
		DisableMultipart: true,
		UserMetadata: map[string]string{
			metaSHA256:     b.hexSum(),
			headerChecksum: base64.StdEncoding.EncodeToString(b.sum),
		},
	}
	po.SetMatchETagExcept("*")
	if !ret.Until.IsZero() {
		po.Mode = minio.RetentionMode(ret.Mode)
		po.RetainUntilDate = ret.Until
	}
	if opts.LegalHold {
		po.LegalHold = minio.LegalHoldEnabled
	}
	up, err := s.client.PutObject(ctx, s.bucket, key, b.r, size, po)
	if berr := b.r.Err(); berr != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, berr)
	}
	if err != nil {
		return store.ObjectInfo{}, fail(ctx, "put", key, err)
	}
	return store.ObjectInfo{
		Key:       key,
		VersionID: up.VersionID,
		Size:      size,
		SHA256:    b.hexSum(),
		Created:   time.Now().UTC().Truncate(time.Second),
		Retention: ret,
		LegalHold: opts.LegalHold,
	}, nil
}

// checkPut validates a Put's arguments and returns the retention to set.
func (s *Store) checkPut(key string, size int64, opts store.PutOptions) (store.Retention, error) {
	switch {
	case !store.ValidKey(key):
		return store.Retention{}, invalid("put", key, "bad key")
	case size < 0 || size > MaxObjectSize:
		return store.Retention{}, invalid("put", key, "size %d outside 0..%d", size, MaxObjectSize)
	case opts.SHA256 != nil && len(opts.SHA256) != 32:
		return store.Retention{}, invalid("put", key, "SHA-256 has %d bytes, want 32", len(opts.SHA256))
	case opts.Retention.Mode != "" && !opts.Retention.Mode.Valid():
		return store.Retention{}, invalid("put", key, "unknown retention mode %q", opts.Retention.Mode)
	}
	if opts.Retention.Until.IsZero() {
		return store.Retention{}, nil
	}
	return store.Retention{Mode: s.modeOr(opts.Retention.Mode), Until: ceilSecond(opts.Retention.Until)}, nil
}

// modeOr returns m, or the configured default when m is empty.
func (s *Store) modeOr(m store.Mode) store.Mode {
	if m == "" {
		return s.mode
	}
	return m
}

// ceilSecond rounds t up to a whole second, the precision of S3 retention
// dates, so a lock never ends earlier than asked.
func ceilSecond(t time.Time) time.Time {
	if c := t.Truncate(time.Second); !c.Equal(t) {
		return c.Add(time.Second).UTC()
	}
	return t.UTC()
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key, versionID string) (io.ReadCloser, store.ObjectInfo, error) {
	if !store.ValidKey(key) {
		return nil, store.ObjectInfo{}, invalid("get", key, "bad key")
	}
	core := minio.Core{Client: s.client}
	rc, oi, h, err := core.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{VersionID: versionID})
	if err != nil {
		return nil, store.ObjectInfo{}, fail(ctx, "get", key, err)
	}
	return rc, objectInfo(key, oi, h), nil
}

// Stat implements store.Store.
func (s *Store) Stat(ctx context.Context, key, versionID string) (store.ObjectInfo, error) {
	if !store.ValidKey(key) {
		return store.ObjectInfo{}, invalid("stat", key, "bad key")
	}
	return s.stat(ctx, "stat", key, versionID)
}

// stat returns the info of a version (empty: the current one) for operation
// op. A delete marker is ErrNotFound. The returned VersionID is never empty.
func (s *Store) stat(ctx context.Context, op, key, versionID string) (store.ObjectInfo, error) {
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{VersionID: versionID})
	if err != nil {
		return store.ObjectInfo{}, fail(ctx, op, key, err)
	}
	info := objectInfo(key, oi, oi.Headers)
	if info.VersionID == "" {
		return store.ObjectInfo{}, fmt.Errorf("%s %s: bucket %s returned no version ID: is versioning off?", op, key, s.bucket)
	}
	return info, nil
}

// objectInfo converts a HEAD or GET response.
func objectInfo(key string, oi minio.ObjectInfo, h http.Header) store.ObjectInfo {
	info := store.ObjectInfo{
		Key:       key,
		VersionID: oi.VersionID,
		Size:      oi.Size,
		Created:   oi.LastModified,
		LegalHold: strings.EqualFold(h.Get(headerLegalHold), "ON"),
	}
	for k, v := range oi.UserMetadata {
		if strings.EqualFold(k, metaSHA256) {
			info.SHA256 = v
		}
	}
	if until, err := time.Parse(time.RFC3339, h.Get(headerLockUntil)); err == nil {
		info.Retention = store.Retention{Mode: store.Mode(strings.ToUpper(h.Get(headerLockMode))), Until: until}
	}
	return info
}

// List implements store.Store. It lists object versions and yields, for
// each key, the newest version that is not a delete marker, with its
// VersionID; SHA256, Retention and LegalHold stay empty.
func (s *Store) List(ctx context.Context, prefix, after string) iter.Seq2[store.ObjectInfo, error] {
	return func(yield func(store.ObjectInfo, error) bool) {
		lctx, cancel := context.WithCancel(ctx) // stops the lister when we stop early
		defer cancel()
		opts := minio.ListObjectsOptions{Prefix: prefix, StartAfter: after, Recursive: true, WithVersions: true}
		// Versions of a key come newest first. The newest version that is
		// not a delete marker is the object: Akte reads by version ID, so
		// a delete marker set outside Akte hides nothing from it.
		last := ""
		for oi := range s.client.ListObjects(lctx, s.bucket, opts) {
			if oi.Err != nil {
				yield(store.ObjectInfo{}, fail(ctx, "list", strconv.Quote(prefix), oi.Err))
				return
			}
			if oi.IsDeleteMarker || oi.Key == last {
				continue
			}
			last = oi.Key
			info := store.ObjectInfo{Key: oi.Key, VersionID: oi.VersionID, Size: oi.Size, Created: oi.LastModified}
			if !yield(info, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(store.ObjectInfo{}, fmt.Errorf("list %q: %w", prefix, err))
		}
	}
}

// Delete implements store.Store. It deletes exactly one version, resolved by
// Stat when versionID is empty; it never creates a delete marker.
func (s *Store) Delete(ctx context.Context, key, versionID string) error {
	if !store.ValidKey(key) {
		return invalid("delete", key, "bad key")
	}
	cur, err := s.stat(ctx, "delete", key, versionID)
	if err != nil {
		return err
	}
	err = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: cur.VersionID})
	if err != nil {
		return failLocked(ctx, "delete", key, err, cur)
	}
	return nil
}

// SetRetention implements store.Store. It refuses to shorten an active
// retention or change its mode itself, and maps the server's refusals too.
func (s *Store) SetRetention(ctx context.Context, key, versionID string, r store.Retention) error {
	if !store.ValidKey(key) {
		return invalid("retain", key, "bad key")
	}
	if r.Mode != "" && !r.Mode.Valid() {
		return invalid("retain", key, "unknown retention mode %q", r.Mode)
	}
	cur, err := s.stat(ctx, "retain", key, versionID)
	if err != nil {
		return err
	}
	want := store.Retention{Mode: r.Mode, Until: r.Until}
	if want.Mode == "" {
		want.Mode = s.modeOr(cur.Retention.Mode)
	}
	if !want.Until.IsZero() {
		want.Until = ceilSecond(want.Until)
	}
	set, err := retentionChange(cur.Retention, want, time.Now())
	if err != nil {
		return lockedErr("retain", key, "%v", err)
	}
	if !set {
		return nil
	}
	mode := minio.RetentionMode(want.Mode)
	err = s.client.PutObjectRetention(ctx, s.bucket, key, minio.PutObjectRetentionOptions{
		VersionID:       cur.VersionID,
		Mode:            &mode,
		RetainUntilDate: &want.Until,
	})
	if err != nil {
		return failLocked(ctx, "retain", key, err, cur)
	}
	return nil
}

// retentionChange decides whether moving from retention cur to want at now
// needs a request (set), is a no-op, or is refused (err: it would shorten an
// active retention or change its mode).
func retentionChange(cur, want store.Retention, now time.Time) (set bool, err error) {
	switch {
	case want.Mode == cur.Mode && want.Until.Equal(cur.Until):
		return false, nil
	case !cur.Active(now):
		return !want.Until.IsZero(), nil
	case want.Mode != cur.Mode:
		return false, fmt.Errorf("cannot change mode %s to %s while retained until %s", cur.Mode, want.Mode, cur.Until.Format(time.RFC3339))
	case want.Until.Before(cur.Until):
		return false, fmt.Errorf("cannot shorten retention from %s to %s", cur.Until.Format(time.RFC3339), want.Until.Format(time.RFC3339))
	}
	return true, nil
}

// SetLegalHold implements store.Store.
func (s *Store) SetLegalHold(ctx context.Context, key, versionID string, on bool) error {
	if !store.ValidKey(key) {
		return invalid("hold", key, "bad key")
	}
	cur, err := s.stat(ctx, "hold", key, versionID)
	if err != nil {
		return err
	}
	if cur.LegalHold == on {
		return nil
	}
	status := minio.LegalHoldDisabled
	if on {
		status = minio.LegalHoldEnabled
	}
	err = s.client.PutObjectLegalHold(ctx, s.bucket, key, minio.PutObjectLegalHoldOptions{VersionID: cur.VersionID, Status: &status})
	if err != nil {
		return failLocked(ctx, "hold", key, err, cur)
	}
	return nil
}
