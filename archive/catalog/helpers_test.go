package catalog

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// openTest opens a fresh catalog in a temporary directory and closes it (and
// checks its indexes) at cleanup.
func openTest(t testing.TB) (*Catalog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.db")
	c, err := Open(path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if !c.isClosed() {
			checkConsistency(t, c)
		}
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c, path
}

// testID returns the i-th record ID; IDs sort by i.
func testID(i int) string { return fmt.Sprintf("01J%023d", i) }

var day0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// testEntry is a complete entry derived from i alone, so a crashed writer's
// acknowledged entries can be checked byte for byte.
func testEntry(i, version int) Entry {
	id := testID(i)
	return Entry{
		ID:              id,
		Citizen:         fmt.Sprintf("P%06d", i%97),
		Class:           "passport-application",
		Status:          "active",
		Next:            day0.AddDate(0, 0, (i*7+version)%3650),
		Version:         version,
		ManifestKey:     fmt.Sprintf("records/%s/v%d/manifest.json", id, version),
		ManifestVersion: fmt.Sprintf("mv-%d-%d", i, version),
		Manifest:        fmt.Appendf(nil, `{"id":%q,"version":%d,"title":"Antrag Reisepass","pad":%q}`, id, version, bytes.Repeat([]byte("x"), 900)),
		IdempotencyKeys: []string{fmt.Sprintf("idem-%d", i)},
		ContentKey:      fmt.Sprintf("content-%d", i),
	}
}

func mustPut(t testing.TB, c *Catalog, entries ...Entry) {
	t.Helper()
	for _, e := range entries {
		if err := c.Put(context.Background(), e); err != nil {
			t.Fatalf("Put(%s): %v", e.ID, err)
		}
	}
}

// equalEntry compares entries, times by instant.
func equalEntry(a, b Entry) bool {
	return a.ID == b.ID && a.Citizen == b.Citizen && a.Class == b.Class && a.Status == b.Status &&
		a.Next.Equal(b.Next) && a.Version == b.Version &&
		a.ManifestKey == b.ManifestKey && a.ManifestVersion == b.ManifestVersion &&
		bytes.Equal(a.Manifest, b.Manifest) && slices.Equal(a.IdempotencyKeys, b.IdempotencyKeys) &&
		a.ContentKey == b.ContentKey && a.Indexed == b.Indexed && bytes.Equal(a.State, b.State)
}

// checkConsistency verifies the invariant of doc.go: every index holds
// exactly the rows the entries call for, and the counter counts them.
func checkConsistency(t testing.TB, c *Catalog) {
	t.Helper()
	err := c.db.View(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx)
		if err != nil {
			return err
		}
		want := map[string]map[string]string{
			"by_citizen": {}, "by_date": {}, "idem": {}, "content": {}, "unindexed": {},
		}
		n := 0
		err = b.records.ForEach(func(k, v []byte) error {
			e, err := decodeEntry(string(k), v)
			if err != nil {
				return err
			}
			if e.Status == StatusDisposed {
				return nil // a tombstone is in no index and not counted
			}
			n++
			want["by_citizen"][string(citizenKey(e.Citizen, e.ID))] = ""
			if !e.Next.IsZero() {
				want["by_date"][string(dateKey(e.Next, e.ID))] = ""
			}
			for _, key := range e.IdempotencyKeys {
				if other, ok := want["idem"][key]; ok && other != e.ID {
					return fmt.Errorf("idempotency key listed by %s and %s", other, e.ID)
				}
				want["idem"][key] = e.ID
			}
			if e.ContentKey != "" {
				if other, ok := want["content"][e.ContentKey]; ok && other != e.ID {
					return fmt.Errorf("content key listed by %s and %s", other, e.ID)
				}
				want["content"][e.ContentKey] = e.ID
			}
			if !e.Indexed {
				want["unindexed"][e.ID] = ""
			}
			return nil
		})
		if err != nil {
			return err
		}
		for name, bk := range map[string]*bolt.Bucket{
			"by_citizen": b.citizen, "by_date": b.date, "idem": b.idem, "content": b.content, "unindexed": b.unindexed,
		} {
			got := map[string]string{}
			if err := bk.ForEach(func(k, v []byte) error {
				got[string(k)] = string(v)
				return nil
			}); err != nil {
				return err
			}
			if !maps.Equal(got, want[name]) {
				return fmt.Errorf("index %s: got %d rows %q, want %d rows %q", name, len(got), got, len(want[name]), want[name])
			}
		}
		count, err := getCount(b.meta)
		if err != nil {
			return err
		}
		if int(count) != n {
			return fmt.Errorf("count %d, records %d", count, n)
		}
		return nil
	})
	if err != nil {
		t.Errorf("catalog inconsistent: %v", err)
	}
}

// collect drains a sequence, failing on the first error.
func collect[V any](t testing.TB, seq func(func(V, error) bool)) []V {
	t.Helper()
	var out []V
	for v, err := range seq {
		if err != nil {
			t.Fatalf("iterate: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// lastTxID returns the ID of the last committed transaction.
func lastTxID(t testing.TB, c *Catalog) int {
	t.Helper()
	var id int
	if err := c.db.View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}
