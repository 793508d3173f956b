package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"akte/archive/store"
	"akte/archive/store/s3store"
	"akte/archive/store/s3store/s3test"
	"akte/archive/store/storetest"
)

func TestMain(m *testing.M) { s3test.Main(m) }

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// open returns a Store on a new bucket with Object Lock and its config.
func open(t *testing.T) (*s3store.Store, s3store.Config) {
	t.Helper()
	cfg := s3test.Start(t)
	s, err := s3store.New(ctxT(t), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	return s, cfg
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := open(t)
		return s
	})
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func put(t *testing.T, s store.Store, key string, data []byte, opts store.PutOptions) store.ObjectInfo {
	t.Helper()
	info, err := s.Put(ctxT(t), key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	return info
}

// versions lists every version and delete marker of key behind the store's
// back.
func versions(t *testing.T, cfg s3store.Config, key string) []minio.ObjectInfo {
	t.Helper()
	var out []minio.ObjectInfo
	opts := minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}
	for oi := range s3test.Client(t, cfg).ListObjects(ctxT(t), cfg.Bucket, opts) {
		if oi.Err != nil {
			t.Fatalf("list versions: %v", oi.Err)
		}
		if oi.Key == key {
			out = append(out, oi)
		}
	}
	return out
}

// A delete without version ID outside Akte hides a key behind a delete
// marker; reads by version ID must keep working, and the key counts as absent
// for everything that names no version.
func TestReadByVersionBehindDeleteMarker(t *testing.T) {
	t.Parallel()
	s, cfg := open(t)
	data := []byte("%PDF-1.7 manifest")
	until := time.Now().Add(time.Hour).Truncate(time.Second)
	info := put(t, s, "records/01X/v1/manifest.json", data, store.PutOptions{Retention: store.Retention{Until: until}})

	raw := s3test.Client(t, cfg)
	if err := raw.RemoveObject(ctxT(t), cfg.Bucket, info.Key, minio.RemoveObjectOptions{}); err != nil {
		t.Fatalf("raw delete without version: %v", err)
	}
	if vs := versions(t, cfg, info.Key); len(vs) != 2 || !vs[0].IsDeleteMarker {
		t.Fatalf("want a delete marker over one version, got %+v", vs)
	}

	got, st, err := store.ReadAll(ctxT(t), s, info.Key, info.VersionID)
	if err != nil {
		t.Fatalf("get by version behind delete marker: %v", err)
	}
	if !bytes.Equal(got, data) || st.SHA256 != hexSum(data) || !st.Retention.Until.Equal(until) {
		t.Fatalf("get by version: %q %+v", got, st)
	}
	if st, err := s.Stat(ctxT(t), info.Key, info.VersionID); err != nil || st.SHA256 != hexSum(data) {
		t.Fatalf("stat by version: %+v %v", st, err)
	}
	if _, err := s.Stat(ctxT(t), info.Key, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat current (a delete marker): got %v, want ErrNotFound", err)
	}
	if _, _, err := s.Get(ctxT(t), info.Key, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get current (a delete marker): got %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctxT(t), info.Key, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete current (a delete marker): got %v, want ErrNotFound", err)
	}
	// The marker's own version ID names no object either.
	marker := versions(t, cfg, info.Key)[0].VersionID
	if _, err := s.Stat(ctxT(t), info.Key, marker); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat of the delete marker's version: got %v, want ErrNotFound", err)
	}
	// Listing still finds the hidden object, with the version that reads
	// it, so reconciliation and reindex never lose a record to a marker.
	var listed []store.ObjectInfo
	for got, err := range s.List(ctxT(t), "records/", "") {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, got)
	}
	if len(listed) != 1 || listed[0].Key != info.Key || listed[0].VersionID != info.VersionID {
		t.Fatalf("list behind a delete marker = %+v, want %s@%s", listed, info.Key, info.VersionID)
	}
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete locked version behind marker: got %v, want ErrLocked", err)
	}
	if err := s.SetLegalHold(ctxT(t), info.Key, info.VersionID, true); err != nil {
		t.Fatalf("hold by version behind marker: %v", err)
	}
	// The hidden key holds no current object, so a Put makes a new version
	// beside the old one, which stays readable.
	again := put(t, s, info.Key, []byte("new"), store.PutOptions{})
	if again.VersionID == info.VersionID {
		t.Fatal("put over a delete marker reused the version ID")
	}
	if got, _, err := store.ReadAll(ctxT(t), s, info.Key, info.VersionID); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("old version after new put: %q %v", got, err)
	}
}

func TestMalformedVersionIDIsNotFound(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	info := put(t, s, "k/v", []byte("x"), store.PutOptions{})
	for _, v := range []string{"garbage", "null", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo"} {
		if _, _, err := s.Get(ctxT(t), info.Key, v); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("get version %q: got %v, want ErrNotFound", v, err)
		}
		if _, err := s.Stat(ctxT(t), info.Key, v); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("stat version %q: got %v, want ErrNotFound", v, err)
		}
		if err := s.Delete(ctxT(t), info.Key, v); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("delete version %q: got %v, want ErrNotFound", v, err)
		}
	}
}

func TestDeleteLeavesNoDeleteMarker(t *testing.T) {
	t.Parallel()
	s, cfg := open(t)
	info := put(t, s, "k/gone", []byte("x"), store.PutOptions{})
	if err := s.Delete(ctxT(t), info.Key, ""); err != nil {
		t.Fatalf("delete current: %v", err)
	}
	if vs := versions(t, cfg, info.Key); len(vs) != 0 {
		t.Fatalf("after delete the bucket still has %d versions or markers of %s: %+v", len(vs), info.Key, vs)
	}
}

func TestListVersionIDs(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	want := map[string]string{}
	for _, k := range []string{"records/a/v1/manifest.json", "records/b/v1/manifest.json"} {
		want[k] = put(t, s, k, []byte(k), store.PutOptions{}).VersionID
	}
	n := 0
	for info, err := range s.List(ctxT(t), "records/", "") {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if info.VersionID == "" || info.VersionID != want[info.Key] {
			t.Errorf("list %s: version %q, put returned %q", info.Key, info.VersionID, want[info.Key])
		}
		n++
	}
	if n != len(want) {
		t.Fatalf("listed %d objects, want %d", n, len(want))
	}
}

func TestListCancelled(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	put(t, s, "k/1", []byte("1"), store.PutOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var last error
	for _, err := range s.List(ctx, "", "") {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("list with cancelled ctx ended with %v, want context.Canceled", last)
	}
}

// onlyReader hides every method but Read, so Put cannot seek.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// Put takes three paths to a known SHA-256 when none is given (rewind a
// ReadSeeker, spool to memory, spool to a file) and one when it is; each must
// store exact bytes with their SHA-256 and refuse a wrong size or sum.
func TestPutBodies(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	s3store.SetSpoolMemory(s, 16)
	data := []byte("0123456789abcdefghijklmnopqrstuvwxyz") // longer than the 16-byte spool limit
	small := data[:10]
	offset := func(b []byte) io.Reader {
		r := bytes.NewReader(append([]byte("skip"), b...))
		r.Seek(4, io.SeekStart)
		return r
	}
	stream := func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} }
	cases := []struct {
		name string
		data []byte
		r    func([]byte) io.Reader
	}{
		{"empty-seeker", nil, offset},
		{"empty-stream", nil, stream},
		{"seeker-at-offset", data, offset},
		{"stream-memory", small, stream},
		{"stream-file", data, stream},
	}
	for _, tc := range cases {
		for _, withSum := range []bool{false, true} {
			key := fmt.Sprintf("k/%s-%v", tc.name, withSum)
			var opts store.PutOptions
			right := sha256.Sum256(tc.data)
			if withSum {
				opts.SHA256 = right[:]
			}
			info, err := s.Put(ctxT(t), key, tc.r(tc.data), int64(len(tc.data)), opts)
			if err != nil {
				t.Fatalf("%s: put: %v", key, err)
			}
			got, st, err := store.ReadAll(ctxT(t), s, key, info.VersionID)
			if err != nil || !bytes.Equal(got, tc.data) || st.SHA256 != hexSum(tc.data) || info.SHA256 != st.SHA256 {
				t.Fatalf("%s: read back %q %+v %v", key, got, st, err)
			}
			refused := map[string]func() error{
				"longer": func() error {
					long := append(bytes.Clone(tc.data), 'x')
					_, err := s.Put(ctxT(t), key+"-long", tc.r(long), int64(len(tc.data)), opts)
					return err
				},
				"shorter": func() error {
					_, err := s.Put(ctxT(t), key+"-short", tc.r(tc.data), int64(len(tc.data))+1, opts)
					return err
				},
				"wrong-sum": func() error {
					wrong := sha256.Sum256(append(tc.data, '!'))
					_, err := s.Put(ctxT(t), key+"-sum", tc.r(tc.data), int64(len(tc.data)), store.PutOptions{SHA256: wrong[:]})
					return err
				},
			}
			for how, fn := range refused {
				if err := fn(); !errors.Is(err, store.ErrInvalid) {
					t.Errorf("%s %s: got %v, want ErrInvalid", key, how, err)
				}
			}
			for _, suffix := range []string{"-long", "-short", "-sum"} {
				if _, err := s.Stat(ctxT(t), key+suffix, ""); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s%s: refused put stored something: %v", key, suffix, err)
				}
			}
		}
	}
}

// S3 keeps retention in whole seconds; Put rounds up and reports what Stat
// will report.
func TestRetentionRoundsUpToSeconds(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	until := time.Now().Add(time.Hour).Truncate(time.Second).Add(300 * time.Millisecond)
	info := put(t, s, "k/round", []byte("x"), store.PutOptions{Retention: store.Retention{Until: until}})
	st, err := s.Stat(ctxT(t), info.Key, info.VersionID)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	want := until.Truncate(time.Second).Add(time.Second)
	if !info.Retention.Until.Equal(want) || !st.Retention.Until.Equal(want) || st.Retention.Mode != store.Compliance {
		t.Fatalf("until %v: put says %v, stat says %+v, want %v", until, info.Retention.Until, st.Retention, want)
	}
	// Asking again for the unrounded value is the same retention: a no-op.
	if err := s.SetRetention(ctxT(t), info.Key, info.VersionID, store.Retention{Until: until}); err != nil {
		t.Fatalf("set same retention unrounded: %v", err)
	}
}

func TestConfiguredDefaultMode(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	cfg.Mode = store.Governance
	s, err := s3store.New(ctxT(t), cfg, nil)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	info := put(t, s, "k/gov", []byte("x"), store.PutOptions{Retention: store.Retention{Until: time.Now().Add(time.Hour)}})
	if st, err := s.Stat(ctxT(t), info.Key, info.VersionID); err != nil || st.Retention.Mode != store.Governance {
		t.Fatalf("stat: %+v %v, want GOVERNANCE", st.Retention, err)
	}
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete governance-locked: got %v, want ErrLocked (no bypass)", err)
	}
	// Extending a governance retention needs no bypass and keeps the mode.
	later := info.Retention.Until.Add(time.Hour)
	if err := s.SetRetention(ctxT(t), info.Key, info.VersionID, store.Retention{Until: later}); err != nil {
		t.Fatalf("extend governance retention: %v", err)
	}
	if st, err := s.Stat(ctxT(t), info.Key, info.VersionID); err != nil || st.Retention.Mode != store.Governance || !st.Retention.Until.Equal(later) {
		t.Fatalf("after extend: %+v %v", st.Retention, err)
	}
}

func TestNewRefusesBucketWithoutObjectLock(t *testing.T) {
	t.Parallel()
	plain := s3test.StartNoLock(t)
	versioned := s3test.StartNoLock(t)
	if err := s3test.Client(t, versioned).EnableVersioning(ctxT(t), versioned.Bucket); err != nil {
		t.Fatalf("enable versioning: %v", err)
	}
	for name, cfg := range map[string]s3store.Config{"plain": plain, "versioned": versioned} {
		_, err := s3store.New(ctxT(t), cfg, nil)
		if !errors.Is(err, s3store.ErrNoObjectLock) {
			t.Fatalf("%s bucket: got %v, want ErrNoObjectLock", name, err)
		}
		if msg := err.Error(); !strings.Contains(msg, cfg.Bucket) || !strings.Contains(msg, "--with-lock") {
			t.Fatalf("%s bucket: error %q does not name the bucket and the fix", name, msg)
		}
	}
}

func TestNewRefusesDefaultRetention(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	mode, validity, unit := minio.Governance, uint(1), minio.Days
	if err := s3test.Client(t, cfg).SetObjectLockConfig(ctxT(t), cfg.Bucket, &mode, &validity, &unit); err != nil {
		t.Fatalf("set default retention: %v", err)
	}
	_, err := s3store.New(ctxT(t), cfg, nil)
	if !errors.Is(err, s3store.ErrDefaultRetention) || !strings.Contains(err.Error(), cfg.Bucket) {
		t.Fatalf("got %v, want ErrDefaultRetention naming %s", err, cfg.Bucket)
	}
}

func TestNewMissingBucket(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	cfg.Bucket += "-missing"
	_, err := s3store.New(ctxT(t), cfg, nil)
	if !errors.Is(err, s3store.ErrNoBucket) || !strings.Contains(err.Error(), cfg.Bucket) {
		t.Fatalf("got %v, want ErrNoBucket naming %s", err, cfg.Bucket)
	}

	cfg.CreateBucket = true
	s, err := s3store.New(ctxT(t), cfg, nil)
	if err != nil {
		t.Fatalf("new with create: %v", err)
	}
	lock, _, _, _, err := s3test.Client(t, cfg).GetObjectLockConfig(ctxT(t), cfg.Bucket)
	if err != nil || lock != "Enabled" {
		t.Fatalf("created bucket: object lock %q, %v", lock, err)
	}
	info := put(t, s, "k/x", []byte("x"), store.PutOptions{Retention: store.Retention{Until: time.Now().Add(time.Hour)}})
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete in created bucket: got %v, want ErrLocked", err)
	}
	// Opening again, with CreateBucket still set, keeps the bucket.
	if _, err := s3store.New(ctxT(t), cfg, nil); err != nil {
		t.Fatalf("reopen: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := s3store.Config{Endpoint: "127.0.0.1:9000", Bucket: "akte", AccessKey: "a", SecretKey: "s"}
	if err := good.Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	cases := []struct {
		field string
		edit  func(*s3store.Config)
	}{
		{"endpoint", func(c *s3store.Config) { c.Endpoint = "" }},
		{"endpoint", func(c *s3store.Config) { c.Endpoint = "https://s3.example.org" }},
		{"endpoint", func(c *s3store.Config) { c.Endpoint = "s3.example.org/path" }},
		{"bucket", func(c *s3store.Config) { c.Bucket = "" }},
		{"bucket", func(c *s3store.Config) { c.Bucket = "Upper_Case" }},
		{"access_key", func(c *s3store.Config) { c.AccessKey = "" }},
		{"secret_key", func(c *s3store.Config) { c.SecretKey = "" }},
		{"mode", func(c *s3store.Config) { c.Mode = "FOREVER" }},
	}
	for _, tc := range cases {
		c := good
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%+v: got %v, want an error naming %s", c, err, tc.field)
		}
		if _, err := s3store.New(context.Background(), c, nil); err == nil {
			t.Errorf("New accepted %+v", c)
		}
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	const secret = "hunter2-very-secret"
	cfg := s3store.Config{Endpoint: "127.0.0.1:9000", Bucket: "akte", AccessKey: "a", SecretKey: secret}
	var outs []string
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(format, cfg), fmt.Sprintf(format, &cfg), fmt.Sprintf(format, cfg.SecretKey))
	}
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(j))
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Info("config", "cfg", cfg, "secret", cfg.SecretKey)
	}
	outs = append(outs, logs.String())
	for _, out := range outs {
		if strings.Contains(out, secret) || strings.Contains(out, hex.EncodeToString([]byte(secret))) {
			t.Errorf("secret leaked: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprint(cfg), "***") || !strings.Contains(string(j), `"SecretKey":"***"`) {
		t.Errorf("secret not shown as ***: %v / %s", cfg, j)
	}
	if string(cfg.SecretKey) != secret {
		t.Error("the value itself changed")
	}
}
