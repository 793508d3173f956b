// Package storetest is the one conformance suite every store backend must
// pass: create-only puts, no overwrite, no delete before retain-until or under
// legal hold, extend-never-shorten, no mode change, not-found kinds, listing
// and cancellation.
//
// Each refusal is checked twice: the error kind, and that the object version
// is unchanged afterwards (same bytes, same SHA-256, same lock).
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive/store"
)

// NewStore returns a fresh, empty store for one subtest. It registers its own
// cleanup with t.
type NewStore func(t *testing.T) store.Store

// Run runs the conformance suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"PutGet", testPutGet},
		{"NoOverwrite", testNoOverwrite},
		{"ConcurrentCreateOnlyOneWins", testConcurrentCreate},
		{"ChecksumMismatchStoresNothing", testChecksumMismatch},
		{"SizeMismatchStoresNothing", testSizeMismatch},
		{"InvalidKeys", testInvalidKeys},
		{"NotFound", testNotFound},
		{"DeleteUnlocked", testDeleteUnlocked},
		{"DeleteLockedRefused", testDeleteLocked},
		{"ExtendNeverShorten", testExtendNeverShorten},
		{"ModeChangeRefused", testModeChange},
		{"LegalHold", testLegalHold},
		{"RetentionExpires", testRetentionExpires},
		{"List", testList},
		{"Cancellation", testCancellation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func sum(b []byte) string {
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

func locked(d time.Duration) store.PutOptions {
	return store.PutOptions{Retention: store.Retention{Mode: store.Compliance, Until: time.Now().Add(d).Truncate(time.Second)}}
}

// mustBeIntact checks that the version still holds data and the lock want.
func mustBeIntact(t *testing.T, s store.Store, key, version string, data []byte, want store.ObjectInfo) {
	t.Helper()
	rc, _, err := s.Get(ctxT(t), key, version)
	if err != nil {
		t.Fatalf("get %s@%s after refused operation: %v", key, version, err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if !bytes.Equal(got, data) || sum(got) != sum(data) {
		t.Fatalf("%s content changed: got %d bytes sha %s, want %d bytes sha %s", key, len(got), sum(got), len(data), sum(data))
	}
	st, err := s.Stat(ctxT(t), key, version)
	if err != nil {
		t.Fatalf("stat %s: %v", key, err)
	}
	if st.SHA256 != sum(data) || st.Size != int64(len(data)) {
		t.Fatalf("%s stat changed: %+v", key, st)
	}
	if !st.Retention.Until.Equal(want.Retention.Until) || st.LegalHold != want.LegalHold {
		t.Fatalf("%s lock changed: got until=%v hold=%v, want until=%v hold=%v",
			key, st.Retention.Until, st.LegalHold, want.Retention.Until, want.LegalHold)
	}
}

func testPutGet(t *testing.T, s store.Store) {
	data := []byte("%PDF-1.7 hello Akte\n")
	opts := locked(time.Hour)
	info := put(t, s, "records/01ABC/v1/original", data, opts)
	if info.Key != "records/01ABC/v1/original" || info.Size != int64(len(data)) || info.SHA256 != sum(data) {
		t.Fatalf("put returned %+v", info)
	}
	if !info.Retention.Until.Equal(opts.Retention.Until) || info.Retention.Mode != store.Compliance {
		t.Fatalf("put retention %+v, want %+v", info.Retention, opts.Retention)
	}
	for _, v := range []string{info.VersionID, ""} {
		mustBeIntact(t, s, info.Key, v, data, info)
	}
	// Empty objects are legal objects.
	e := put(t, s, "records/01ABC/v1/text.txt", nil, store.PutOptions{})
	mustBeIntact(t, s, e.Key, e.VersionID, nil, e)
}

func testNoOverwrite(t *testing.T, s store.Store) {
	data := []byte("first")
	for _, opts := range []store.PutOptions{{}, locked(time.Hour)} {
		key := fmt.Sprintf("k/overwrite-%v", !opts.Retention.Until.IsZero())
		info := put(t, s, key, data, opts)
		_, err := s.Put(ctxT(t), key, strings.NewReader("second!"), 7, opts)
		if !errors.Is(err, store.ErrExists) {
			t.Fatalf("overwrite of %s: got %v, want ErrExists", key, err)
		}
		mustBeIntact(t, s, key, info.VersionID, data, info)
		mustBeIntact(t, s, key, "", data, info)
	}
}

func testConcurrentCreate(t *testing.T, s store.Store) {
	const n = 8
	var wins atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := []byte(fmt.Sprintf("writer %d", i))
			_, err := s.Put(ctxT(t), "k/race", bytes.NewReader(b), int64(len(b)), store.PutOptions{})
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, store.ErrExists):
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent put: unexpected error %v", err)
	}
	if wins.Load() != 1 {
		t.Fatalf("%d concurrent creates of one key succeeded, want exactly 1", wins.Load())
	}
}

func testChecksumMismatch(t *testing.T, s store.Store) {
	data := []byte("the real content")
	wrong := sha256.Sum256([]byte("something else"))
	_, err := s.Put(ctxT(t), "k/sum", bytes.NewReader(data), int64(len(data)), store.PutOptions{SHA256: wrong[:]})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("put with wrong sha256: got %v, want ErrInvalid", err)
	}
	if _, err := s.Stat(ctxT(t), "k/sum", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after refused put: stat got %v, want ErrNotFound", err)
	}
	right := sha256.Sum256(data)
	info := put(t, s, "k/sum", data, store.PutOptions{SHA256: right[:]})
	mustBeIntact(t, s, "k/sum", info.VersionID, data, info)
}

func testSizeMismatch(t *testing.T, s store.Store) {
	data := []byte("twelve bytes")
	_, err := s.Put(ctxT(t), "k/size", bytes.NewReader(data), int64(len(data))+5, store.PutOptions{})
	if err == nil {
		t.Fatal("put with a short reader succeeded")
	}
	if _, err := s.Stat(ctxT(t), "k/size", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after refused put: stat got %v, want ErrNotFound", err)
	}
}

func testInvalidKeys(t *testing.T, s store.Store) {
	for _, key := range []string{"", "/abs", "a//b", "a/../b", "a/./b", ".hidden", "a/.tmp", "sp ace", "ümlaut", strings.Repeat("x", store.MaxKeyLen+1)} {
		_, err := s.Put(ctxT(t), key, strings.NewReader("x"), 1, store.PutOptions{})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("put %q: got %v, want ErrInvalid", key, err)
		}
	}
	_, err := s.Put(ctxT(t), "k/mode", strings.NewReader("x"), 1, store.PutOptions{Retention: store.Retention{Mode: "FOREVER", Until: time.Now().Add(time.Hour)}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("put with unknown mode: got %v, want ErrInvalid", err)
	}
	_, err = s.Put(ctxT(t), "k/past", strings.NewReader("x"), 1, store.PutOptions{Retention: store.Retention{Until: time.Now().Add(-time.Hour)}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("put with a past retain-until: got %v, want ErrInvalid", err)
	}
	for _, k := range []string{"k/mode", "k/past"} {
		if _, err := s.Stat(ctxT(t), k, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("refused put %s stored something: %v", k, err)
		}
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := ctxT(t)
	if _, _, err := s.Get(ctx, "k/missing", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
	if _, err := s.Stat(ctx, "k/missing", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stat missing: %v", err)
	}
	if err := s.Delete(ctx, "k/missing", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete missing: %v", err)
	}
	if err := s.SetLegalHold(ctx, "k/missing", "", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("hold missing: %v", err)
	}
	if err := s.SetRetention(ctx, "k/missing", "", store.Retention{Until: time.Now().Add(time.Hour)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("retain missing: %v", err)
	}
	info := put(t, s, "k/present", []byte("x"), store.PutOptions{})
	bogus := "00000000-0000-0000-0000-000000000000"
	if info.VersionID == bogus {
		bogus = "11111111-1111-1111-1111-111111111111"
	}
	if _, _, err := s.Get(ctx, "k/present", bogus); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get unknown version: %v", err)
	}
}

func testDeleteUnlocked(t *testing.T, s store.Store) {
	info := put(t, s, "k/free", []byte("free"), store.PutOptions{})
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); err != nil {
		t.Fatalf("delete unlocked: %v", err)
	}
	if _, err := s.Stat(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat after delete: %v", err)
	}
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: got %v, want ErrNotFound", err)
	}
}

func testDeleteLocked(t *testing.T, s store.Store) {
	data := []byte("locked content")
	for _, mode := range []store.Mode{store.Compliance, store.Governance} {
		key := "k/locked-" + strings.ToLower(string(mode))
		opts := locked(time.Hour)
		opts.Retention.Mode = mode
		info := put(t, s, key, data, opts)
		if info.Retention.Mode != mode {
			t.Fatalf("put mode %s: stored %s", mode, info.Retention.Mode)
		}
		for _, v := range []string{info.VersionID, ""} {
			if err := s.Delete(ctxT(t), key, v); !errors.Is(err, store.ErrLocked) {
				t.Fatalf("delete locked %s (version %q): got %v, want ErrLocked", key, v, err)
			}
			// Reading by version and by key both still work.
			mustBeIntact(t, s, key, info.VersionID, data, info)
			mustBeIntact(t, s, key, "", data, info)
		}
	}
}

func testExtendNeverShorten(t *testing.T, s store.Store) {
	data := []byte("retained")
	opts := locked(time.Hour)
	info := put(t, s, "k/extend", data, opts)
	shorter := store.Retention{Mode: store.Compliance, Until: opts.Retention.Until.Add(-30 * time.Minute)}
	if err := s.SetRetention(ctxT(t), info.Key, info.VersionID, shorter); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("shorten: got %v, want ErrLocked", err)
	}
	mustBeIntact(t, s, info.Key, info.VersionID, data, info)
	// Same retention again: a no-op.
	if err := s.SetRetention(ctxT(t), info.Key, info.VersionID, opts.Retention); err != nil {
		t.Fatalf("set same retention: %v", err)
	}
	longer := store.Retention{Until: opts.Retention.Until.Add(24 * time.Hour)}
	if err := s.SetRetention(ctxT(t), info.Key, info.VersionID, longer); err != nil {
		t.Fatalf("extend: %v", err)
	}
	info.Retention = store.Retention{Mode: store.Compliance, Until: longer.Until}
	mustBeIntact(t, s, info.Key, info.VersionID, data, info)
	st, _ := s.Stat(ctxT(t), info.Key, info.VersionID)
	if st.Retention.Mode != store.Compliance {
		t.Fatalf("extend with empty mode changed mode to %q", st.Retention.Mode)
	}
	// Unlocked objects can be locked later.
	free := put(t, s, "k/lock-later", data, store.PutOptions{})
	if err := s.SetRetention(ctxT(t), free.Key, free.VersionID, opts.Retention); err != nil {
		t.Fatalf("lock an unlocked object: %v", err)
	}
	if err := s.Delete(ctxT(t), free.Key, free.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete after late lock: got %v, want ErrLocked", err)
	}
}

func testModeChange(t *testing.T, s store.Store) {
	data := []byte("mode")
	for _, from := range []store.Mode{store.Compliance, store.Governance} {
		to := store.Governance
		if from == store.Governance {
			to = store.Compliance
		}
		opts := locked(time.Hour)
		opts.Retention.Mode = from
		key := "k/mode-" + strings.ToLower(string(from))
		info := put(t, s, key, data, opts)
		later := store.Retention{Mode: to, Until: opts.Retention.Until.Add(time.Hour)}
		if err := s.SetRetention(ctxT(t), key, info.VersionID, later); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("mode change %s→%s: got %v, want ErrLocked", from, to, err)
		}
		mustBeIntact(t, s, key, info.VersionID, data, info)
		if st, _ := s.Stat(ctxT(t), key, info.VersionID); st.Retention.Mode != from {
			t.Fatalf("mode changed to %s", st.Retention.Mode)
		}
	}
}

func testLegalHold(t *testing.T, s store.Store) {
	data := []byte("held")
	info := put(t, s, "k/hold", data, store.PutOptions{LegalHold: true})
	if !info.LegalHold {
		t.Fatal("put with legal hold: info says no hold")
	}
	for _, v := range []string{info.VersionID, ""} {
		if err := s.Delete(ctxT(t), info.Key, v); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("delete under hold: got %v, want ErrLocked", err)
		}
	}
	mustBeIntact(t, s, info.Key, info.VersionID, data, info)
	// Idempotent set; then clear; then delete works.
	if err := s.SetLegalHold(ctxT(t), info.Key, info.VersionID, true); err != nil {
		t.Fatalf("set hold again: %v", err)
	}
	if err := s.SetLegalHold(ctxT(t), info.Key, info.VersionID, false); err != nil {
		t.Fatalf("clear hold: %v", err)
	}
	if st, _ := s.Stat(ctxT(t), info.Key, info.VersionID); st.LegalHold {
		t.Fatal("hold still set after clear")
	}
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); err != nil {
		t.Fatalf("delete after hold cleared: %v", err)
	}
	// A hold set later also blocks delete.
	late := put(t, s, "k/hold-later", data, store.PutOptions{})
	if err := s.SetLegalHold(ctxT(t), late.Key, late.VersionID, true); err != nil {
		t.Fatalf("set hold: %v", err)
	}
	if err := s.Delete(ctxT(t), late.Key, late.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete after late hold: got %v, want ErrLocked", err)
	}
	late.LegalHold = true
	mustBeIntact(t, s, late.Key, late.VersionID, data, late)
}

func testRetentionExpires(t *testing.T, s store.Store) {
	until := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second)
	info := put(t, s, "k/expire", []byte("soon gone"), store.PutOptions{Retention: store.Retention{Until: until}})
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete before expiry: got %v, want ErrLocked", err)
	}
	time.Sleep(time.Until(until) + 500*time.Millisecond)
	if err := s.Delete(ctxT(t), info.Key, info.VersionID); err != nil {
		t.Fatalf("delete after expiry: %v", err)
	}
	if _, err := s.Stat(ctxT(t), info.Key, info.VersionID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat after delete: %v", err)
	}
}

func testList(t *testing.T, s store.Store) {
	keys := []string{"a/1", "a/2/x", "a/3", "b/1", "ab/1"}
	for _, k := range keys {
		put(t, s, k, []byte(k), store.PutOptions{})
	}
	list := func(prefix, after string) []string {
		var got []string
		for info, err := range s.List(ctxT(t), prefix, after) {
			if err != nil {
				t.Fatalf("list %q after %q: %v", prefix, after, err)
			}
			if info.Size != int64(len(info.Key)) {
				t.Fatalf("list %s: size %d", info.Key, info.Size)
			}
			got = append(got, info.Key)
		}
		return got
	}
	// store.ListKeys lists the same keys, by the backend's KeyLister if it
	// has one.
	listKeys := func(prefix, after string) []string {
		var got []string
		for info, err := range store.ListKeys(ctxT(t), s, prefix, after) {
			if err != nil {
				t.Fatalf("list keys %q after %q: %v", prefix, after, err)
			}
			got = append(got, info.Key)
		}
		return got
	}
	check := func(prefix, after string, want ...string) {
		t.Helper()
		for name, list := range map[string]func(string, string) []string{"list": list, "list keys": listKeys} {
			got := list(prefix, after)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%s %q after %q = %v, want %v", name, prefix, after, got, want)
			}
		}
	}
	check("a/", "", "a/1", "a/2/x", "a/3")
	check("a/", "a/1", "a/2/x", "a/3")
	check("a/", "a/2/x", "a/3")
	check("", "", "a/1", "a/2/x", "a/3", "ab/1", "b/1")
	check("c/", "")
	// Stopping early is allowed.
	for range s.List(ctxT(t), "", "") {
		break
	}
}

func testCancellation(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Put(ctx, "k/cancelled", strings.NewReader("x"), 1, store.PutOptions{})
	if err == nil {
		t.Fatal("put with cancelled context succeeded")
	}
	// Cancel halfway through a body.
	ctx2, cancel2 := context.WithCancel(context.Background())
	body := io.MultiReader(strings.NewReader("first half "), readerFunc(func(p []byte) (int, error) {
		cancel2()
		return 0, context.Canceled
	}))
	_, err = s.Put(ctx2, "k/cancelled-mid", body, 100, store.PutOptions{})
	if err == nil {
		t.Fatal("put whose body failed midway succeeded")
	}
	for _, k := range []string{"k/cancelled", "k/cancelled-mid"} {
		if _, err := s.Stat(ctxT(t), k, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after cancelled put: stat %s got %v, want ErrNotFound", k, err)
		}
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
