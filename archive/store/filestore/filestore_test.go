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
// filesystem (the default where there is one) and syncing each file.
func TestConformance(t *testing.T) {
	for _, eachFile := range []bool{false, true} {
		t.Run(fmt.Sprintf("SyncEachFile=%v", eachFile), func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store {
				s, err := filestore.Open(t.TempDir(), &filestore.Options{SyncEachFile: eachFile})
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

// A crash can leave a temporary file, or one half of a put whose directory
// was never synced; Open removes them and never shows such an object.
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
		".tmp-123":          "half written",
		"archive.pdf":       "content without metadata",
		".text.txt.lock":    `{"format":1}`,
		"../.tmp-elsewhere": "x",
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
	if len(s.Recovered) != 4 {
		t.Fatalf("recovered %v, want 4 leftovers", s.Recovered)
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
	if _, err := s.Stat(ctx, "records/A/v1/archive.pdf", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("lone content file visible: %v", err)
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
