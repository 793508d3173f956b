package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// state is what the indexes should answer after a sequence of puts.
type state struct {
	citizens  map[string][]string // citizen → record IDs
	due       []string            // DueBefore(far future)
	idem      map[string]string   // key → record ID, "" for unmapped
	content   map[string]string   // key → record ID, "" for unmapped
	unindexed []string
	count     int
}

func TestPutMaintainsIndexes(t *testing.T) {
	a := Entry{
		ID: testID(1), Citizen: "P1", Class: "registration", Status: "active",
		Next: day0, Version: 1, ManifestKey: "records/a/v1/manifest.json", ManifestVersion: "v1",
		Manifest: []byte(`{"a":1}`), IdempotencyKeys: []string{"k1"}, ContentKey: "c1",
	}
	b := Entry{ID: testID(2), Citizen: "P1", Version: 1, Next: day0.AddDate(0, 0, -1), ContentKey: "c2"}
	c := Entry{ID: testID(3), Citizen: "P2", Version: 1}
	with := func(e Entry, f func(*Entry)) Entry { f(&e); return e }

	tests := []struct {
		name string
		puts []Entry
		want state
	}{
		{
			name: "insert",
			puts: []Entry{a, b, c},
			want: state{
				citizens:  map[string][]string{"P1": {a.ID, b.ID}, "P2": {c.ID}, "P3": nil},
				due:       []string{b.ID, a.ID},
				idem:      map[string]string{"k1": a.ID, "k2": ""},
				content:   map[string]string{"c1": a.ID, "c2": b.ID, "c3": ""},
				unindexed: []string{a.ID, b.ID, c.ID},
				count:     3,
			},
		},
		{
			name: "same entry twice",
			puts: []Entry{a, a},
			want: state{
				citizens: map[string][]string{"P1": {a.ID}}, due: []string{a.ID},
				idem: map[string]string{"k1": a.ID}, content: map[string]string{"c1": a.ID},
				unindexed: []string{a.ID}, count: 1,
			},
		},
		{
			name: "disposal date moves",
			puts: []Entry{a, b, with(a, func(e *Entry) { e.Version = 2; e.Next = day0.AddDate(0, 0, -2) })},
			want: state{
				citizens: map[string][]string{"P1": {a.ID, b.ID}}, due: []string{a.ID, b.ID},
				idem: map[string]string{"k1": a.ID}, content: map[string]string{"c1": a.ID, "c2": b.ID},
				unindexed: []string{a.ID, b.ID}, count: 2,
			},
		},
		{
			name: "disposal date cleared, status restricted",
			puts: []Entry{a, with(a, func(e *Entry) { e.Next = time.Time{}; e.Status = "restricted" })},
			want: state{
				citizens: map[string][]string{"P1": {a.ID}}, due: nil,
				idem: map[string]string{"k1": a.ID}, content: map[string]string{"c1": a.ID},
				unindexed: []string{a.ID}, count: 1,
			},
		},
		{
			name: "indexed leaves the unindexed set, new version rejoins it",
			puts: []Entry{
				with(a, func(e *Entry) { e.Indexed = true }), with(b, func(e *Entry) { e.Indexed = true }),
				with(b, func(e *Entry) { e.Version = 2 }),
			},
			want: state{
				citizens: map[string][]string{"P1": {a.ID, b.ID}}, due: []string{b.ID, a.ID},
				idem: map[string]string{"k1": a.ID}, content: map[string]string{"c1": a.ID, "c2": b.ID},
				unindexed: []string{b.ID}, count: 2,
			},
		},
		{
			name: "keys replaced",
			puts: []Entry{a, with(a, func(e *Entry) { e.IdempotencyKeys = []string{"k2", "k3"}; e.ContentKey = "c9" })},
			want: state{
				citizens: map[string][]string{"P1": {a.ID}}, due: []string{a.ID},
				idem:      map[string]string{"k1": "", "k2": a.ID, "k3": a.ID},
				content:   map[string]string{"c1": "", "c9": a.ID},
				unindexed: []string{a.ID}, count: 1,
			},
		},
		{
			name: "freed key taken by another record",
			puts: []Entry{
				a, with(a, func(e *Entry) { e.IdempotencyKeys = nil; e.ContentKey = "" }),
				with(c, func(e *Entry) { e.IdempotencyKeys = []string{"k1"}; e.ContentKey = "c1" }),
			},
			want: state{
				citizens: map[string][]string{"P1": {a.ID}, "P2": {c.ID}}, due: []string{a.ID},
				idem: map[string]string{"k1": c.ID}, content: map[string]string{"c1": c.ID},
				unindexed: []string{a.ID, c.ID}, count: 2,
			},
		},
		{
			// A record's citizen never changes in Akte; if it did, the
			// index must still follow.
			name: "citizen changes",
			puts: []Entry{a, with(a, func(e *Entry) { e.Citizen = "P2" })},
			want: state{
				citizens: map[string][]string{"P1": nil, "P2": {a.ID}}, due: []string{a.ID},
				idem: map[string]string{"k1": a.ID}, content: map[string]string{"c1": a.ID},
				unindexed: []string{a.ID}, count: 1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cat, _ := openTest(t)
			mustPut(t, cat, tt.puts...)

			last := map[string]Entry{}
			for _, e := range tt.puts {
				last[e.ID] = e
			}
			for id, want := range last {
				got, err := cat.Get(ctx, id)
				if err != nil {
					t.Fatalf("Get(%s): %v", id, err)
				}
				if !equalEntry(got, want) {
					t.Errorf("Get(%s) = %+v, want %+v", id, got, want)
				}
			}
			for citizen, want := range tt.want.citizens {
				got, err := cat.Citizen(ctx, citizen)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("Citizen(%s) = %q, %v; want %q", citizen, got, err, want)
				}
			}
			if got := collect(t, cat.DueBefore(ctx, day0.AddDate(100, 0, 0))); !slices.Equal(got, tt.want.due) {
				t.Errorf("DueBefore = %q, want %q", got, tt.want.due)
			}
			for key, want := range tt.want.idem {
				got, ok, err := cat.LookupIdempotencyKey(ctx, key)
				if err != nil || got != want || ok != (want != "") {
					t.Errorf("LookupIdempotencyKey(%s) = %q, %v, %v; want %q", key, got, ok, err, want)
				}
			}
			for key, want := range tt.want.content {
				got, ok, err := cat.LookupContent(ctx, key)
				if err != nil || got != want || ok != (want != "") {
					t.Errorf("LookupContent(%s) = %q, %v, %v; want %q", key, got, ok, err, want)
				}
			}
			if got, err := cat.Unindexed(ctx); err != nil || !slices.Equal(got, tt.want.unindexed) {
				t.Errorf("Unindexed = %q, %v; want %q", got, err, tt.want.unindexed)
			}
			if got, err := cat.Count(ctx); err != nil || got != tt.want.count {
				t.Errorf("Count = %d, %v; want %d", got, err, tt.want.count)
			}
			checkConsistency(t, cat)
		})
	}
}

func TestPutRefused(t *testing.T) {
	a := Entry{ID: testID(1), Citizen: "P1", Version: 2, IdempotencyKeys: []string{"k1"}, ContentKey: "c1", Status: "active"}
	b := Entry{ID: testID(2), Citizen: "P2", Version: 1}
	with := func(e Entry, f func(*Entry)) Entry { f(&e); return e }

	tests := []struct {
		name string
		put  Entry
		want error
	}{
		{"idempotency key of another record", with(b, func(e *Entry) { e.IdempotencyKeys = []string{"x", "k1"} }), ErrConflict},
		{"content key of another record", with(b, func(e *Entry) { e.ContentKey = "c1" }), ErrConflict},
		{"older version", with(a, func(e *Entry) { e.Version = 1; e.Status = "disposed" }), ErrConflict},
		{"empty ID", with(b, func(e *Entry) { e.ID = "" }), ErrInvalid},
		{"empty citizen", with(b, func(e *Entry) { e.Citizen = "" }), ErrInvalid},
		{"NUL in citizen", with(b, func(e *Entry) { e.Citizen = "P\x00" }), ErrInvalid},
		{"version 0", with(b, func(e *Entry) { e.Version = 0 }), ErrInvalid},
		{"empty idempotency key", with(b, func(e *Entry) { e.IdempotencyKeys = []string{""} }), ErrInvalid},
		{"content key too long", with(b, func(e *Entry) { e.ContentKey = strings.Repeat("c", MaxKeyLen+1) }), ErrInvalid},
		{"ID too long", with(b, func(e *Entry) { e.ID = strings.Repeat("1", MaxKeyLen+1) }), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cat, _ := openTest(t)
			mustPut(t, cat, a)
			before := lastTxID(t, cat)

			err := cat.Put(ctx, tt.put)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Put = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "k1") || strings.Contains(err.Error(), "c1") {
				t.Errorf("error %q names a key", err)
			}
			if got := lastTxID(t, cat); got != before {
				t.Errorf("refused Put committed a transaction (tx %d → %d)", before, got)
			}
			got, err := cat.Get(ctx, a.ID)
			if err != nil || !equalEntry(got, a) {
				t.Errorf("Get(a) = %+v, %v; want unchanged %+v", got, err, a)
			}
			if _, err := cat.Get(ctx, b.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(b) = %v, want ErrNotFound", err)
			}
			// The same refusal inside PutMany stores nothing of the batch.
			if tt.put.ID != "" {
				err = cat.PutMany(ctx, []Entry{{ID: testID(9), Citizen: "P9", Version: 1}, tt.put})
				if !errors.Is(err, tt.want) {
					t.Fatalf("PutMany = %v, want %v", err, tt.want)
				}
				if _, err := cat.Get(ctx, testID(9)); !errors.Is(err, ErrNotFound) {
					t.Errorf("PutMany stored part of a refused batch: Get = %v", err)
				}
			}
		})
	}
}

// TestBatchIsolation drives one group commit directly: a refused write fails
// only its caller, an unexpected error fails the whole batch and stores
// nothing.
func TestBatchIsolation(t *testing.T) {
	ctx := context.Background()
	cat, _ := openTest(t)
	mustPut(t, cat, Entry{ID: testID(1), Citizen: "P1", Version: 1, IdempotencyKeys: []string{"k"}})

	put := func(e Entry) *request {
		p, err := prepare(e)
		if err != nil {
			t.Fatal(err)
		}
		return &request{ctx: ctx, done: make(chan error, 1), apply: func(tx *bolt.Tx) (bool, error) {
			b, err := openBuckets(tx)
			if err != nil {
				return false, err
			}
			return putEntry(b, &p)
		}}
	}
	broken := &request{ctx: ctx, done: make(chan error, 1), apply: func(*bolt.Tx) (bool, error) {
		return false, errors.New("disk on fire")
	}}

	errs, err := cat.commitTx([]*request{
		put(Entry{ID: testID(2), Citizen: "P2", Version: 1}),
		put(Entry{ID: testID(3), Citizen: "P3", Version: 1, IdempotencyKeys: []string{"k"}}),
		put(Entry{ID: testID(4), Citizen: "P4", Version: 1}),
	})
	if err != nil {
		t.Fatalf("commitTx: %v", err)
	}
	if errs[0] != nil || !errors.Is(errs[1], ErrConflict) || errs[2] != nil {
		t.Fatalf("errs = %v, want [nil ErrConflict nil]", errs)
	}
	for id, want := range map[string]error{testID(2): nil, testID(3): ErrNotFound, testID(4): nil} {
		if _, err := cat.Get(ctx, id); !errors.Is(err, want) {
			t.Errorf("Get(%s) = %v, want %v", id, err, want)
		}
	}

	_, err = cat.commitTx([]*request{put(Entry{ID: testID(5), Citizen: "P5", Version: 1}), broken})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("commitTx with a failing write = %v, want the failure", err)
	}
	if _, err := cat.Get(ctx, testID(5)); !errors.Is(err, ErrNotFound) {
		t.Errorf("write of a failed batch is visible: Get = %v", err)
	}
}

func TestPutIdempotentNoCommit(t *testing.T) {
	ctx := context.Background()
	cat, _ := openTest(t)
	e := testEntry(1, 1)
	mustPut(t, cat, e)
	before := lastTxID(t, cat)
	mustPut(t, cat, e)
	if err := cat.MarkIndexed(ctx, Ref{ID: "unknown", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if err := cat.MarkAllUnindexed(ctx); err != nil { // e is not indexed yet
		t.Fatal(err)
	}
	if got := lastTxID(t, cat); got != before {
		t.Errorf("no-op writes committed transactions: tx %d → %d", before, got)
	}
}

func TestMarkIndexed(t *testing.T) {
	ctx := context.Background()
	cat, _ := openTest(t)
	e1, e2 := testEntry(1, 1), testEntry(2, 1)
	mustPut(t, cat, e1, e2)

	if err := cat.MarkIndexed(ctx, Ref{e1.ID, 1}, Ref{e2.ID, 7}, Ref{"unknown", 1}); err != nil {
		t.Fatalf("MarkIndexed: %v", err)
	}
	if got, _ := cat.Unindexed(ctx); !slices.Equal(got, []string{e2.ID}) {
		t.Errorf("Unindexed = %q, want [%s] (wrong version is not marked)", got, e2.ID)
	}
	if got, _ := cat.Get(ctx, e1.ID); !got.Indexed || !equalEntry(got, func() Entry { e := e1; e.Indexed = true; return e }()) {
		t.Errorf("Get after MarkIndexed = %+v", got)
	}

	// A new version needs indexing again; marking the old one does not help.
	mustPut(t, cat, testEntry(1, 2))
	if err := cat.MarkIndexed(ctx, Ref{e1.ID, 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := cat.Unindexed(ctx); !slices.Equal(got, []string{e1.ID, e2.ID}) {
		t.Errorf("Unindexed = %q, want both", got)
	}
	if err := cat.MarkIndexed(ctx, Ref{e1.ID, 2}, Ref{e2.ID, 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := cat.Unindexed(ctx); len(got) != 0 {
		t.Errorf("Unindexed = %q, want none", got)
	}

	// A new index lacks everything.
	if err := cat.MarkAllUnindexed(ctx); err != nil {
		t.Fatalf("MarkAllUnindexed: %v", err)
	}
	if got, _ := cat.Unindexed(ctx); !slices.Equal(got, []string{e1.ID, e2.ID}) {
		t.Errorf("Unindexed after MarkAllUnindexed = %q, want both", got)
	}
	if got, _ := cat.Get(ctx, e2.ID); got.Indexed || !equalEntry(got, e2) {
		t.Errorf("Get after MarkAllUnindexed = %+v, want %+v", got, e2)
	}
}

func TestSchemaMismatch(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(tx *bolt.Tx) error
		message string
	}{
		{"newer version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(metaSchema, []byte("2"))
		}, "catalog schema v2, want v1: run `akte reindex` to rebuild it from the bucket"},
		{"unreadable version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(metaSchema, []byte("two"))
		}, "catalog schema unknown, want v1: run `akte reindex`"},
		{"no schema marker", func(tx *bolt.Tx) error {
			return tx.DeleteBucket(bucketMeta)
		}, "catalog schema unknown, want v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "catalog.db")
			c, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			mustPut(t, c, testEntry(1, 1))
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(tt.tamper); err != nil {
				t.Fatal(err)
			}
			db.Close()

			_, err = Open(path, nil)
			if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Open = %v, want ErrSchema saying %q", err, tt.message)
			}
			var se *SchemaError
			if !errors.As(err, &se) || se.Want != SchemaVersion {
				t.Errorf("Open error %v is no *SchemaError", err)
			}
			// The refused file is untouched, and Recreate starts afresh.
			c, err = Open(path, &Options{Recreate: true})
			if err != nil {
				t.Fatalf("Open with Recreate: %v", err)
			}
			if n, err := c.Count(ctx); err != nil || n != 0 {
				t.Errorf("Count after Recreate = %d, %v; want 0", n, err)
			}
			mustPut(t, c, testEntry(1, 1))
			checkConsistency(t, c)
			c.Close()
			c, err = Open(path, nil)
			if err != nil {
				t.Fatalf("reopen after Recreate: %v", err)
			}
			c.Close()
		})
	}
}

func TestOpenBusy(t *testing.T) {
	c, path := openTest(t)
	start := time.Now()
	_, err := Open(path, &Options{Timeout: 150 * time.Millisecond})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "another akte process") {
		t.Fatalf("second Open = %v, want ErrBusy naming another akte process", err)
	}
	// bbolt polls the lock every 50 ms and gives up up to one poll early.
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("second Open gave up after %v, well before its timeout", d)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(path, &Options{Timeout: 150 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	c2.Close()
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	mustPut(t, c, testEntry(1, 1))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	calls := map[string]error{
		"Put":         c.Put(ctx, testEntry(2, 1)),
		"PutMany":     c.PutMany(ctx, []Entry{testEntry(2, 1)}),
		"MarkIndexed": c.MarkIndexed(ctx, Ref{testID(1), 1}),
		"Reset":       c.Reset(ctx),
	}
	_, err := c.Get(ctx, testID(1))
	calls["Get"] = err
	_, _, err = c.LookupIdempotencyKey(ctx, "idem-1")
	calls["LookupIdempotencyKey"] = err
	_, err = c.Citizen(ctx, "P000001")
	calls["Citizen"] = err
	_, err = c.Count(ctx)
	calls["Count"] = err
	for _, err := range c.All(ctx) {
		calls["All"] = err
	}
	for _, err := range c.DueBefore(ctx, day0) {
		calls["DueBefore"] = err
	}
	for name, err := range calls {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
}

// TestCloseDrains closes while writers are busy: every write is either
// refused with ErrClosed or durable.
func TestCloseDrains(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked []int
	)
	started := make(chan struct{}, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w * 10000; ; i++ {
				err := c.Put(ctx, testEntry(i, 1))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, i)
				mu.Unlock()
				select {
				case started <- struct{}{}:
				default:
				}
			}
		})
	}
	for range 8 {
		<-started
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	c, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, i := range acked {
		if _, err := c.Get(ctx, testID(i)); err != nil {
			t.Fatalf("acknowledged record %d lost: %v", i, err)
		}
	}
	if n, _ := c.Count(ctx); n != len(acked) {
		t.Errorf("Count = %d, acknowledged %d", n, len(acked))
	}
	checkConsistency(t, c)
}

func TestConcurrentPutsDurable(t *testing.T) {
	const writers, perWriter = 16, 40
	ctx := context.Background()
	c, path := openTest(t)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for j := range perWriter {
				i := w*perWriter + j
				if err := c.Put(ctx, testEntry(i, 1)); err != nil {
					t.Errorf("Put(%d): %v", i, err)
				}
				if j%4 == 0 { // updates and readers mixed in
					if err := c.Put(ctx, testEntry(i, 2)); err != nil {
						t.Errorf("Put(%d v2): %v", i, err)
					}
					if _, err := c.Citizen(ctx, testEntry(i, 1).Citizen); err != nil {
						t.Errorf("Citizen: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range writers * perWriter {
		want := testEntry(i, 1)
		if i%perWriter%4 == 0 {
			want = testEntry(i, 2)
		}
		got, err := c.Get(ctx, want.ID)
		if err != nil || !equalEntry(got, want) {
			t.Fatalf("after reopen Get(%d) = %+v, %v; want %+v", i, got, err, want)
		}
	}
	if n, _ := c.Count(ctx); n != writers*perWriter {
		t.Errorf("Count = %d, want %d", n, writers*perWriter)
	}
	checkConsistency(t, c)
}

func TestAllPaging(t *testing.T) {
	for _, n := range []int{0, 1, pageSize, pageSize + 1, 1100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ctx := context.Background()
			c, _ := openTest(t)
			entries := make([]Entry, n)
			for i := range n {
				entries[n-1-i] = testEntry(i, 1) // insertion order differs from ID order
			}
			if err := c.PutMany(ctx, entries); err != nil {
				t.Fatal(err)
			}
			got := collect(t, c.All(ctx))
			if len(got) != n {
				t.Fatalf("All yielded %d entries, want %d", len(got), n)
			}
			for i, e := range got {
				if want := testEntry(i, 1); !equalEntry(e, want) {
					t.Fatalf("All[%d] = %s, want %s", i, e.ID, want.ID)
				}
			}
		})
	}
}

// TestAllWritesInsideLoop: a caller may write while iterating (no read
// transaction is held across a yield), and may stop early.
func TestAllWritesInsideLoop(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	var entries []Entry
	for i := range 600 {
		entries = append(entries, testEntry(i, 1))
	}
	if err := c.PutMany(ctx, entries); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for e, err := range c.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		e.Indexed = true
		if err := c.Put(ctx, e); err != nil {
			t.Fatalf("Put inside All: %v", err)
		}
		if seen++; seen == 500 {
			break
		}
	}
	if got, _ := c.Unindexed(ctx); len(got) != 100 {
		t.Errorf("Unindexed = %d records, want 100", len(got))
	}
}

func TestDueBefore(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	dates := []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), // before the epoch
		day0,
		day0.Add(time.Nanosecond),
		day0.AddDate(5, 0, 0).In(time.FixedZone("CET", 3600)),
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), // beyond UnixNano
	}
	// 300 records per date, put in scrambled order, some with no date.
	var entries []Entry
	for i := range 1600 {
		e := Entry{ID: testID((i * 7919) % 1600), Citizen: "P", Version: 1}
		if k := (i * 7919) % 1600; k < 1500 {
			e.Next = dates[k%len(dates)]
		}
		entries = append(entries, e)
	}
	if err := c.PutMany(ctx, entries); err != nil {
		t.Fatal(err)
	}
	wantBefore := func(t time.Time) []string {
		var due []Entry
		for _, e := range entries {
			if !e.Next.IsZero() && !e.Next.After(t) {
				due = append(due, e)
			}
		}
		slices.SortFunc(due, func(a, b Entry) int {
			if c := a.Next.Compare(b.Next); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		var ids []string
		for _, e := range due {
			ids = append(ids, e.ID)
		}
		return ids
	}
	for _, tt := range []struct {
		name string
		t    time.Time
		n    int
	}{
		{"before everything", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"epoch edge", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), 300},
		{"inclusive", day0, 600},
		{"nanosecond later", day0.Add(time.Nanosecond), 900},
		{"other zone, same instant", day0.AddDate(5, 0, 0), 1200},
		{"everything", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 1500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(t, c.DueBefore(ctx, tt.t))
			if want := wantBefore(tt.t); len(got) != tt.n || !slices.Equal(got, want) {
				t.Errorf("DueBefore = %d IDs, want %d in date order (equal: %v)", len(got), tt.n, slices.Equal(got, want))
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	c, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Put(ctx, testEntry(1, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Put = %v, want context.Canceled", err)
	}
	if _, err := c.Get(ctx, testID(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Get = %v, want context.Canceled", err)
	}
	if n, _ := c.Count(context.Background()); n != 0 {
		t.Errorf("Count = %d, want 0 (a cancelled Put is not queued)", n)
	}
}

func TestReset(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	for i := range 50 {
		mustPut(t, c, testEntry(i, 1))
	}
	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Count(ctx); n != 0 {
		t.Errorf("Count after Reset = %d", n)
	}
	if _, ok, _ := c.LookupIdempotencyKey(ctx, "idem-1"); ok {
		t.Error("idempotency key survives Reset")
	}
	if got := collect(t, c.All(ctx)); len(got) != 0 {
		t.Errorf("All after Reset yields %d entries", len(got))
	}
	checkConsistency(t, c)
	mustPut(t, c, testEntry(1, 1))
	c.Close()
	c, err := Open(path, nil)
	if err != nil {
		t.Fatalf("reopen after Reset: %v", err)
	}
	defer c.Close()
	if n, _ := c.Count(ctx); n != 1 {
		t.Errorf("Count after reopen = %d, want 1", n)
	}
}

func TestGetCopiesOut(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	e := testEntry(1, 1)
	mustPut(t, c, e)
	got, _ := c.Get(ctx, e.ID)
	mustPut(t, c, testEntry(1, 2)) // rewrites the pages the old value lived in
	for i := range 200 {
		mustPut(t, c, testEntry(i+10, 1))
	}
	if !equalEntry(got, e) {
		t.Error("entry returned by Get changed after later writes")
	}
}

func TestCitizenInvalid(t *testing.T) {
	c, _ := openTest(t)
	for _, citizen := range []string{"", "P\x00", strings.Repeat("p", MaxKeyLen+1)} {
		if _, err := c.Citizen(context.Background(), citizen); !errors.Is(err, ErrInvalid) {
			t.Errorf("Citizen(%q) = %v, want ErrInvalid", citizen, err)
		}
	}
}

// TestCancelWhileQueued: a Put whose context ends while it waits returns
// ctx.Err() at once; the writer then skips it, since it had not started.
func TestCancelWhileQueued(t *testing.T) {
	c, _ := openTest(t)
	release := make(chan struct{})
	blocked := make(chan struct{})
	go c.submit(context.Background(), "block writer", true, func(*bolt.Tx) (bool, error) {
		close(blocked)
		<-release
		return false, nil
	})
	<-blocked

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Put(ctx, testEntry(1, 1)) }()
	for {
		c.mu.Lock()
		queued := len(c.queue)
		c.mu.Unlock()
		if queued == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Put = %v, want context.Canceled", err)
	}
	close(release)
	mustPut(t, c, testEntry(2, 1)) // the writer has moved past the cancelled Put
	if _, err := c.Get(context.Background(), testID(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("cancelled, never started Put was stored: Get = %v", err)
	}
}

// The clean mark survives a close and is taken once: TakeClean clears it
// durably, so a crash after an open never finds it; a reset drops it.
func TestCleanMarkTakenOnce(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	if clean, err := c.TakeClean(ctx); err != nil || clean {
		t.Fatalf("new catalog: clean %v, %v", clean, err)
	}
	if err := c.MarkClean(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for i, want := range []bool{true, false} {
		c, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		clean, err := c.TakeClean(ctx)
		c.Close() // without a mark: as a crash would leave it
		if err != nil || clean != want {
			t.Fatalf("open %d: clean %v, %v; want %v", i+1, clean, err, want)
		}
	}
	c, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.MarkClean(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if clean, err := c.TakeClean(ctx); err != nil || clean {
		t.Fatalf("after a reset: clean %v, %v", clean, err)
	}
}
