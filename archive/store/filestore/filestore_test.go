package filestore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"akte/archive/store"
	"akte/archive/store/filestore"
	"akte/archive/store/storetest"
)

// The suite runs with both ways of making puts durable: flushing the whole
// filesystem (the default where there is one) and syncing each file; and
// with the metadata cache on (the default) and off.
func TestConformance(t *testing.T) {
	for _, o := range []filestore.Options{{}, {SyncEachFile: true}, {MetaCache: -1}} {
		t.Run(fmt.Sprintf("SyncEachFile=%v,MetaCache=%d", o.SyncEachFile, o.MetaCache), func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store {
				s, err := filestore.Open(t.TempDir(), &o)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}

func TestSecondOpenRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := filestore.Open(dir, nil); err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("second open: got %v, want a lock error", err)
	}
}

// A crash can leave temporary files in tmp/, or one half of a put or delete
// interrupted between its two renames or removes. Open empties tmp/ (and
// reads nothing else); a lone half is never shown, and a put of its key
// replaces it.
func TestRecoverRemovesPartialPuts(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Put(ctx, "records/A/v1/original", strings.NewReader("kept"), 4, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	vdir := filepath.Join(dir, "objects", "records", "A", "v1")
	for name, content := range map[string]string{
		"../../../../tmp/.tmp-123": "half written",
		"../../../../tmp/.tmp-456": "x",
		"archive.pdf":              "content without metadata",
		".text.txt.lock":           `{"format":1,"version_id":"lone"}`,
	} {
		if err := os.WriteFile(filepath.Join(vdir, name), []byte(content), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	s, err = filestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Recovered) != 2 {
		t.Fatalf("recovered %v, want the 2 temporary files", s.Recovered)
	}
	if left, err := os.ReadDir(filepath.Join(dir, "tmp")); err != nil || len(left) != 0 {
		t.Fatalf("tmp/ after open: %v, %v", left, err)
	}
	var keys []string
	for info, err := range s.List(ctx, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, info.Key)
	}
	if strings.Join(keys, ",") != "records/A/v1/original" {
		t.Fatalf("after recovery list = %v", keys)
	}
	for _, key := range []string{"records/A/v1/archive.pdf", "records/A/v1/text.txt"} {
		if _, err := s.Stat(ctx, key, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("lone half %s visible: %v", key, err)
		}
		if _, err := s.Put(ctx, key, strings.NewReader("new"), 3, store.PutOptions{}); err != nil {
			t.Fatalf("put over the lone half %s: %v", key, err)
		}
		b, _, err := store.ReadAll(ctx, s, key, "")
		if err != nil || string(b) != "new" {
			t.Fatalf("%s after the put: %q, %v", key, b, err)
		}
	}
	if _, err := s.Put(ctx, "records/A/v1/original", strings.NewReader("again"), 5, store.PutOptions{}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("put over a whole object: %v, want ErrExists", err)
	}
}

// The injected clock decides when a retention expires.
func TestClockDecidesExpiry(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := filestore.Open(t.TempDir(), &filestore.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	info, err := s.Put(ctx, "k", bytes.NewReader([]byte("x")), 1, store.PutOptions{Retention: store.Retention{Until: now.AddDate(5, 0, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Retention.Mode != store.Compliance {
		t.Fatalf("default mode %q", info.Retention.Mode)
	}
	if err := s.Delete(ctx, "k", ""); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete in 2030: %v", err)
	}
	now = now.AddDate(5, 0, 1)
	// Five years and a day later the retention has expired.
	if err := s.Delete(ctx, "k", ""); err != nil {
		t.Fatalf("delete in 2035: %v", err)
	}
}

func TestKeyUnderObjectRefused(t *testing.T) {
	s, err := filestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Put(ctx, "a", strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "a/b", strings.NewReader("x"), 1, store.PutOptions{}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("put under an object: %v", err)
	}
}

// The metadata cache serves repeated reads without the metadata file and
// follows every change made through the store: a hold set and cleared
// while readers run, a delete, and a new object put under the same key.
func TestMetaCacheFollowsChanges(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.Open(dir, &filestore.Options{MetaCache: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	ctx := context.Background()
	put := func(key, content string) store.ObjectInfo {
		t.Helper()
		info, err := s.Put(ctx, key, strings.NewReader(content), int64(len(content)), store.PutOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	info := put("records/A/v1/archive.pdf", "first")
	// More keys than the cache holds, read over and over: evictions.
	for i := range 10 {
		put(fmt.Sprintf("records/B/v1/f%d", i), "x")
	}
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(readErr)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.Stat(ctx, fmt.Sprintf("records/B/v1/f%d", i%10), ""); err != nil {
				readErr <- err
				return
			}
			if _, err := s.Stat(ctx, info.Key, info.VersionID); err != nil {
				readErr <- err
				return
			}
		}
	}()
	for i := range 50 {
		on := i%2 == 0
		if err := s.SetLegalHold(ctx, info.Key, info.VersionID, on); err != nil {
			t.Fatal(err)
		}
		if st, err := s.Stat(ctx, info.Key, info.VersionID); err != nil || st.LegalHold != on {
			t.Fatalf("after setting the hold to %v: stat says %v (%v)", on, st.LegalHold, err)
		}
	}
	close(stop)
	if err := <-readErr; err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, info.Key, info.VersionID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, info.Key, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	again := put(info.Key, "second")
	if _, _, err := s.Get(ctx, info.Key, info.VersionID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get of the deleted version: %v", err)
	}
	rc, got, err := s.Get(ctx, info.Key, again.VersionID)
	if err != nil || got.VersionID != again.VersionID {
		t.Fatalf("get of the new version: %+v, %v", got, err)
	}
	rc.Close()

	// A cached read does not open the metadata file: the same Store still
	// serves the object after the file went behind its back; a reopened
	// Store no longer does.
	meta := filepath.Join(dir, "objects", "records", "A", "v1", ".archive.pdf.lock")
	if err := os.Rename(meta, meta+".away"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, info.Key, again.VersionID); err != nil {
		t.Fatalf("cached stat: %v", err)
	}
	s.Close()
	if s, err = filestore.Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, info.Key, again.VersionID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stat after reopen without the metadata file: %v", err)
	}
}
