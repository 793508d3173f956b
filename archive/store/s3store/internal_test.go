package s3store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"akte/archive/store"
)

func TestKindOf(t *testing.T) {
	cases := []struct {
		er   minio.ErrorResponse
		want error
	}{
		{minio.ErrorResponse{Code: "NoSuchKey", StatusCode: 404}, store.ErrNotFound},
		{minio.ErrorResponse{Code: "NoSuchVersion", StatusCode: 404}, store.ErrNotFound},
		{minio.ErrorResponse{Code: "", StatusCode: 404}, store.ErrNotFound},
		{minio.ErrorResponse{Code: "MethodNotAllowed", StatusCode: 405}, store.ErrNotFound},
		{minio.ErrorResponse{Code: "InvalidArgument", StatusCode: 400, Message: "Invalid version id specified"}, store.ErrNotFound},
		{minio.ErrorResponse{Code: "NoSuchBucket", StatusCode: 404}, nil},
		{minio.ErrorResponse{Code: "PreconditionFailed", StatusCode: 412}, store.ErrExists},
		{minio.ErrorResponse{Code: "InvalidRequest", StatusCode: 400, Message: "Object is WORM protected and cannot be overwritten"}, store.ErrLocked},
		{minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403, Message: "Access Denied because object protected by object lock."}, store.ErrLocked},
		{minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403, Message: "Access Denied."}, nil},
		{minio.ErrorResponse{Code: "InvalidRequest", StatusCode: 400, Message: "the retain until date must be in the future"}, store.ErrInvalid},
		{minio.ErrorResponse{Code: "XAmzContentChecksumMismatch", StatusCode: 400}, store.ErrInvalid},
		{minio.ErrorResponse{Code: "BadDigest", StatusCode: 400}, store.ErrInvalid},
		{minio.ErrorResponse{Code: "InternalError", StatusCode: 500}, nil},
		{minio.ErrorResponse{Code: "SlowDown", StatusCode: 503}, nil},
	}
	for _, tc := range cases {
		if got := kindOf(tc.er); got != tc.want {
			t.Errorf("%s %d %q: got %v, want %v", tc.er.Code, tc.er.StatusCode, tc.er.Message, got, tc.want)
		}
	}
}

func TestFailHidesSDKTypes(t *testing.T) {
	ctx := context.Background()
	for _, er := range []minio.ErrorResponse{
		{Code: "NoSuchKey", StatusCode: 404, Message: "gone"},
		{Code: "InternalError", StatusCode: 500, Message: "boom"},
	} {
		err := fail(ctx, "get", "k/x", er)
		var leaked minio.ErrorResponse
		if errors.As(err, &leaked) {
			t.Errorf("%v: minio.ErrorResponse reachable through errors.As", err)
		}
		if !strings.HasPrefix(err.Error(), "get k/x: ") || !strings.Contains(err.Error(), er.Message) {
			t.Errorf("error %q lacks op, key or server message", err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := fail(cancelled, "put", "k/x", errors.New("transport: whatever")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestFailLockedAccessDenied(t *testing.T) {
	denied := minio.ErrorResponse{Code: "AccessDenied", StatusCode: http.StatusForbidden, Message: "Access Denied."}
	ctx := context.Background()
	lockedNow := store.ObjectInfo{Retention: store.Retention{Mode: store.Compliance, Until: time.Now().Add(time.Hour)}}
	if err := failLocked(ctx, "delete", "k", denied, lockedNow); !errors.Is(err, store.ErrLocked) {
		t.Errorf("denied on a locked version: %v, want ErrLocked", err)
	}
	if err := failLocked(ctx, "delete", "k", denied, store.ObjectInfo{LegalHold: true}); !errors.Is(err, store.ErrLocked) {
		t.Errorf("denied on a held version: %v, want ErrLocked", err)
	}
	if err := failLocked(ctx, "delete", "k", denied, store.ObjectInfo{}); errors.Is(err, store.ErrLocked) {
		t.Errorf("denied on an unlocked version is a permission problem, got %v", err)
	}
}

func TestRetentionChange(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := store.Compliance
	g := store.Governance
	active := store.Retention{Mode: c, Until: now.Add(time.Hour)}
	expired := store.Retention{Mode: c, Until: now.Add(-time.Hour)}
	cases := []struct {
		name      string
		cur, want store.Retention
		set, err  bool
	}{
		{"same", active, active, false, false},
		{"extend", active, store.Retention{Mode: c, Until: now.Add(2 * time.Hour)}, true, false},
		{"shorten", active, store.Retention{Mode: c, Until: now.Add(time.Minute)}, false, true},
		{"remove", active, store.Retention{Mode: c}, false, true},
		{"mode change", active, store.Retention{Mode: g, Until: now.Add(2 * time.Hour)}, false, true},
		{"lock unlocked", store.Retention{}, active, true, false},
		{"nothing to nothing", store.Retention{}, store.Retention{Mode: c}, false, false},
		{"after expiry any mode", expired, store.Retention{Mode: g, Until: now.Add(time.Hour)}, true, false},
		{"same expired", expired, expired, false, false},
	}
	for _, tc := range cases {
		set, err := retentionChange(tc.cur, tc.want, now)
		if set != tc.set || (err != nil) != tc.err {
			t.Errorf("%s: set=%v err=%v, want set=%v err=%v", tc.name, set, err, tc.set, tc.err)
		}
	}
}

func TestCeilSecond(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 7, 0, time.UTC)
	for in, want := range map[time.Time]time.Time{
		base:                             base,
		base.Add(1):                      base.Add(time.Second),
		base.Add(999 * time.Millisecond): base.Add(time.Second),
	} {
		if got := ceilSecond(in); !got.Equal(want) {
			t.Errorf("ceilSecond(%v) = %v, want %v", in, got, want)
		}
	}
}

// The exact reader must refuse a bad body before it hands out the last byte,
// so an HTTP request reading it never completes.
func TestExactReaderWithholdsLastBytes(t *testing.T) {
	data := []byte("0123456789")
	right := sha256.Sum256(data)
	wrong := sha256.Sum256([]byte("x"))
	ctx := context.Background()
	cases := []struct {
		name string
		src  io.Reader
		size int64
		want []byte
		ok   bool
	}{
		{"exact", bytes.NewReader(data), 10, right[:], true},
		{"exact no sum", bytes.NewReader(data), 10, nil, true},
		{"wrong sum", bytes.NewReader(data), 10, wrong[:], false},
		{"longer", bytes.NewReader(data), 9, nil, false},
		{"shorter", bytes.NewReader(data), 11, nil, false},
		{"empty", bytes.NewReader(nil), 0, nil, true},
		{"empty but data", bytes.NewReader(data), 0, nil, false},
	}
	for _, tc := range cases {
		r := newExactReader(ctx, tc.src, tc.size, tc.want)
		got, err := io.ReadAll(r)
		if tc.ok {
			if err != nil || !bytes.Equal(got, data[:tc.size]) {
				t.Errorf("%s: %q %v", tc.name, got, err)
			}
			continue
		}
		if !errors.Is(err, store.ErrInvalid) || r.Err() == nil {
			t.Errorf("%s: got %v, want ErrInvalid", tc.name, err)
		}
		if int64(len(got)) >= tc.size && tc.size > 0 {
			t.Errorf("%s: handed out all %d bytes before refusing", tc.name, len(got))
		}
	}
}

func TestExactReaderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := newExactReader(ctx, strings.NewReader("data"), 4, nil)
	cancel()
	if _, err := io.ReadAll(r); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
