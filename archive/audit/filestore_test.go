package audit_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"akte/archive/audit"
	"akte/archive/store"
	"akte/archive/store/filestore"
)

// TestWithFilestore runs the log against the real embedded backend: sealed
// segments are locked, survive a reopen, and verify.
func TestWithFilestore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(dir, "audit.jsonl")
	opts := &audit.Options{SealEvery: 1 << 20, SealInterval: 1000 * time.Hour}

	l, err := audit.Open(ctx, path, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	add := func(n int) {
		for i := range n {
			if _, err := l.Append(ctx, audit.Event{Actor: fmt.Sprint("u", i), Role: "clerk", Action: "record.read", Purpose: "test"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(10)
	if err := l.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	add(2)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	key := audit.SegmentKey(1, 10)
	info, err := st.Stat(ctx, key, "")
	if err != nil {
		t.Fatal(err)
	}
	if info.Retention.Mode != store.Compliance || !info.Retention.Active(time.Now().AddDate(9, 0, 0)) {
		t.Fatalf("segment lock %+v, want COMPLIANCE for ten years", info.Retention)
	}
	if err := st.Delete(ctx, key, ""); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete sealed segment: %v, want ErrLocked", err)
	}

	l, err = audit.Open(ctx, path, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.SealedThrough(); got != 10 {
		t.Fatalf("sealed through %d after reopen, want 10", got)
	}
	if err := l.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := audit.Verify(ctx, path, st)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Entries != 12 || r.Segments != 2 || r.SealedEntries != 12 {
		t.Fatalf("verify: %+v", r)
	}
}
