package search_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"akte/search"
)

// TestFindableWithinOneSecond is the near-real-time requirement: a document is found less than a
// second after Put returns, without Flush. It is the package's only timing assertion.
func TestFindableWithinOneSecond(t *testing.T) {
	ix, _ := open(t, nil)
	ctx := context.Background()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		start := time.Now()
		for !cond() {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("%s: not after 5 s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if took := time.Since(start); took >= time.Second {
			t.Errorf("%s took %v, want < 1 s", what, took)
		} else {
			t.Logf("%s after %v", what, took)
		}
	}
	if err := ix.Put(ctx, doc(1, "Antrag", "Reisepass")); err != nil {
		t.Fatal(err)
	}
	waitFor("findable", func() bool { return len(find(t, ix, search.Request{Query: "Reisepass"})) == 1 })
	if err := ix.Delete(ctx, id(1)); err != nil {
		t.Fatal(err)
	}
	waitFor("gone", func() bool { return len(find(t, ix, search.Request{Query: "Reisepass"})) == 0 })
}

func TestDelete(t *testing.T) {
	ix, _ := open(t, nil)
	ctx := context.Background()
	fill(t, ix, corpus()...)
	for _, n := range []int{20, 21} {
		if err := ix.Delete(ctx, id(n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Delete(ctx, id(999)); err != nil { // absent: fine
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find(t, ix, search.Request{Query: "Reisepass"}); !sameSet(got, ids(1)) {
		t.Errorf("after delete: %v, want [1]", names(got))
	}
	// A put and a delete of one ID in one batch: the later wins.
	if err := ix.Put(ctx, doc(20, "Reisepass", "Reisepass")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, id(20)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, doc(21, "Reisepass", "Reisepass")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := find(t, ix, search.Request{Query: "Reisepass"}); !sameSet(got, ids(1, 21)) {
		t.Errorf("after put, delete, put: %v, want [1 21]", names(got))
	}
	if err := ix.Delete(ctx, "not-a-ulid"); !errors.Is(err, search.ErrInvalid) {
		t.Errorf("delete of a bad ID: %v, want ErrInvalid", err)
	}
}

func TestInvalidDocs(t *testing.T) {
	ix, _ := open(t, nil)
	for name, mutate := range map[string]func(*search.Doc){
		"id":           func(d *search.Doc) { d.ID = "42" },
		"id letter U":  func(d *search.Doc) { d.ID = "01J0000000000000000000000U" },
		"citizen":      func(d *search.Doc) { d.Citizen = "Max Mustermann" },
		"empty class":  func(d *search.Doc) { d.Class = "" },
		"source":       func(d *search.Doc) { d.Source = "portal/1" },
		"status":       func(d *search.Doc) { d.Status = "archived" },
		"no created":   func(d *search.Doc) { d.Created = time.Time{} },
		"created 1600": func(d *search.Doc) { d.Created = day(1600, 1, 1) },
	} {
		d := doc(1, "Titel", "Text")
		mutate(&d)
		if err := ix.Put(context.Background(), d); !errors.Is(err, search.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	// A document date the index cannot hold is replaced by Created, not refused.
	d := doc(2, "Kirchenbuch", "Taufe")
	d.Date = day(1650, 1, 1)
	fill(t, ix, d)
	if res := run(t, ix, search.Request{Query: "Taufe"}); len(res.Hits) != 1 || !res.Hits[0].Date.Equal(created) {
		t.Errorf("date 1650: %+v", res.Hits)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir() + "/index"
	ix, err := search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, ix, corpus()...)
	ctx := context.Background()
	if err := ix.Put(ctx, doc(40, "Nachzügler", "Zuletzt geschrieben, nie geflusht.")); err != nil {
		t.Fatal(err)
	}
	queries := []search.Request{
		{Query: "Reisepässe", Highlight: true}, {Query: "Müller"}, {Query: `"Antrag auf Reisepass"`},
		{Query: "Antrag -verloren", Facets: true}, {Sort: search.SortDate, Size: 5}, {Query: "Nachzügler"},
	}
	if err := ix.Close(); err != nil { // commits the pending put
		t.Fatal(err)
	}
	ix, err = search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var before []*search.Result
	for _, q := range queries {
		before = append(before, run(t, ix, q))
	}
	if len(before[5].Hits) != 1 {
		t.Errorf("the put before Close is lost")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i, q := range queries {
		after := run(t, ix, q)
		after.Took, before[i].Took = 0, 0
		if !equalResults(before[i], after) {
			t.Errorf("%+v: after reopening\n got %+v\nwant %+v", q, after, before[i])
		}
	}
}

func equalResults(a, b *search.Result) bool {
	if a.Total != b.Total || len(a.Hits) != len(b.Hits) || len(a.Facets) != len(b.Facets) {
		return false
	}
	for i := range a.Hits {
		x, y := a.Hits[i], b.Hits[i]
		if x.ID != y.ID || x.Title != y.Title || !x.Date.Equal(y.Date) || len(x.Fragments) != len(y.Fragments) {
			return false
		}
		for k := range x.Fragments {
			if x.Fragments[k].HTML() != y.Fragments[k].HTML() {
				return false
			}
		}
	}
	for k, f := range a.Facets {
		if !slices.Equal(f.Terms, b.Facets[k].Terms) {
			return false
		}
	}
	return true
}

func TestSchemaAndRecreate(t *testing.T) {
	base := t.TempDir()
	now := time.Unix(1_750_000_000, 0)
	opts := &search.Options{Now: func() time.Time { return now }}
	mk := func(name string) string {
		dir := filepath.Join(base, name)
		ix, err := search.Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		fill(t, ix, corpus()...)
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, tc := range []struct {
		name  string
		spoil func(dir string) error
	}{
		{"other version", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "schema.json"), []byte(`{"schema":0}`), 0o600)
		}},
		{"no schema file", func(dir string) error { return os.Remove(filepath.Join(dir, "schema.json")) }},
		{"bad schema file", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "schema.json"), []byte(`{`), 0o600)
		}},
		{"bleve meta broken", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "bleve", "index_meta.json"), []byte(`x`), 0o600)
		}},
		{"bleve gone", func(dir string) error { return os.RemoveAll(filepath.Join(dir, "bleve")) }},
		{"something else", func(dir string) error {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			return os.MkdirAll(filepath.Join(dir, "photos"), 0o700)
		}},
	} {
		dir := mk(tc.name)
		if err := tc.spoil(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := search.Open(dir, nil); !errors.Is(err, search.ErrRebuild) {
			t.Errorf("%s: Open: %v, want ErrRebuild", tc.name, err)
			continue
		}
		ix, rec, err := search.OpenOrRecreate(dir, opts)
		if err != nil {
			t.Errorf("%s: OpenOrRecreate: %v", tc.name, err)
			continue
		}
		moved := dir + ".broken-1750000000"
		if rec == nil || rec.MovedTo != moved || !errors.Is(rec.Cause, search.ErrRebuild) {
			t.Errorf("%s: recreated %+v, want moved to %s", tc.name, rec, moved)
		}
		if _, err := os.Stat(moved); err != nil {
			t.Errorf("%s: moved-aside index: %v", tc.name, err)
		}
		if res := run(t, ix, search.Request{}); res.Total != 0 {
			t.Errorf("%s: recreated index holds %d documents", tc.name, res.Total)
		}
		fill(t, ix, doc(1, "Neu", "Neu"))
		ix.Close()
		// The new index opens normally now.
		ix, rec, err = search.OpenOrRecreate(dir, opts)
		if err != nil || rec != nil {
			t.Errorf("%s: reopening: %+v, %v", tc.name, rec, err)
		} else {
			ix.Close()
		}
	}
	// A second breakage in the same second gets its own name.
	dir := mk("twice")
	os.Remove(filepath.Join(dir, "schema.json"))
	os.Mkdir(dir+".broken-1750000000", 0o700)
	if ix, rec, err := search.OpenOrRecreate(dir, opts); err != nil || rec == nil || rec.MovedTo != dir+".broken-1750000000-2" {
		t.Errorf("twice: %+v, %v", rec, err)
	} else {
		ix.Close()
	}
	// A new directory: created, and the caller is told to fill it.
	ix, rec, err := search.OpenOrRecreate(filepath.Join(base, "new"), opts)
	if err != nil || rec == nil || rec.MovedTo != "" || rec.Cause != nil {
		t.Fatalf("new: %+v, %v", rec, err)
	}
	ix.Close()
}

func TestSecondOpen(t *testing.T) {
	ix, dir := open(t, nil)
	fill(t, ix, doc(1, "Antrag", "Reisepass"))
	opts := &search.Options{LockTimeout: 200 * time.Millisecond}
	done := make(chan error, 2)
	go func() {
		_, err := search.Open(dir, opts)
		done <- err
	}()
	go func() {
		_, _, err := search.OpenOrRecreate(dir, opts)
		done <- err
	}()
	for range 2 {
		select {
		case err := <-done:
			if !errors.Is(err, search.ErrLocked) {
				t.Errorf("second open: %v, want ErrLocked", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("second open blocks")
		}
	}
	// Nothing was moved aside, and the first index still works.
	if matches, _ := filepath.Glob(dir + ".broken-*"); len(matches) != 0 {
		t.Errorf("moved aside: %v", matches)
	}
	if got := find(t, ix, search.Request{Query: "Reisepass"}); len(got) != 1 {
		t.Errorf("first index after the second open: %v", got)
	}
}

func TestClosed(t *testing.T) {
	ix, err := search.Open(t.TempDir()+"/index", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"put":    ix.Put(ctx, doc(1, "a", "b")),
		"delete": ix.Delete(ctx, id(1)),
		"flush":  ix.Flush(ctx),
		"close":  ix.Close(),
	} {
		if !errors.Is(err, search.ErrClosed) {
			t.Errorf("%s after close: %v, want ErrClosed", name, err)
		}
	}
	if _, err := ix.Search(ctx, search.Request{Role: search.Clerk}); !errors.Is(err, search.ErrClosed) {
		t.Errorf("search after close: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ix2, _ := open(t, nil)
	if err := ix2.Put(cctx, doc(1, "a", "b")); !errors.Is(err, context.Canceled) {
		t.Errorf("put with a cancelled context: %v", err)
	}
	if _, err := ix2.Search(cctx, search.Request{Query: "a", Role: search.Clerk}); !errors.Is(err, context.Canceled) {
		t.Errorf("search with a cancelled context: %v", err)
	}
}

// TestConcurrent runs writers, searches and flushes at once (meant for -race), with small
// batches so that many commits happen.
func TestConcurrent(t *testing.T) {
	ix, _ := open(t, &search.Options{BatchSize: 16, QueueSize: 8, FlushDelay: time.Millisecond})
	ctx := context.Background()
	const writers, each = 4, 100
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+100)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := ix.Put(ctx, doc(w*each+i, "Bescheid", "Bescheid Nummer")); err != nil {
					errs <- err
				}
				if i%25 == 0 {
					if err := ix.Flush(ctx); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 20 {
				if _, err := ix.Search(ctx, search.Request{Query: "Bescheid", Role: search.Clerk, Facets: true, Highlight: true}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if res := run(t, ix, search.Request{Query: "Bescheid"}); res.Total != writers*each {
		t.Errorf("total %d, want %d", res.Total, writers*each)
	}
}

// TestLaterOperationWins: with small batches committed concurrently, the last Put or Delete
// of an ID decides what the index holds, however the operations fall into batches.
func TestLaterOperationWins(t *testing.T) {
	ix, _ := open(t, &search.Options{BatchSize: 2})
	ctx := context.Background()
	last := map[int]string{}    // document → its last word; "" if deleted last
	words := map[int][]string{} // document → every word it was put with
	put := func(n int, w, text string) {
		if err := ix.Put(ctx, doc(n, "Titel", text)); err != nil {
			t.Fatal(err)
		}
		last[n] = w
		words[n] = append(words[n], w)
	}
	// Each round: a slow batch with document n, then a quick one changing n again, which
	// could overtake it.
	for r := range 60 {
		n := 1 + r%6
		w := fmt.Sprintf("wort%d", r)
		put(n, w, w+strings.Repeat(" Füllwort", 20000))
		put(100+r, "x", "x")
		if r%3 == 2 {
			if err := ix.Delete(ctx, id(n)); err != nil {
				t.Fatal(err)
			}
			last[n] = ""
		} else {
			put(n, w+"b", w+"b")
		}
		put(200+r, "y", "y")
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for n, ws := range words {
		for _, w := range ws {
			got := find(t, ix, search.Request{Query: w, Size: search.MaxSize})
			if want := w == last[n]; want != slices.Contains(got, id(n)) {
				t.Errorf("document %d, word %s: found %v, want %v (last word %q)", n, w, !want, want, last[n])
			}
		}
	}
}

// TestDisposalRemovesHits: what the sweeper does on disposal — Delete, or a last Put with the
// status disposed — leaves no trace for any role and any kind of query: words, phrases,
// names, citizen lookups, facets.
func TestDisposalRemovesHits(t *testing.T) {
	ix, _ := open(t, nil)
	ctx := context.Background()
	a, b, other := doc(1, "Antrag auf Reisepass", "Antrag auf Reisepass von Frau Anna Müller"),
		doc(2, "Antrag auf Reisepass", "Antrag auf Reisepass von Frau Anna Müller"),
		doc(3, "Meldebescheinigung", "Meldebescheinigung für Herrn Weber")
	for _, d := range []*search.Doc{&a, &b} {
		d.Citizen, d.Names = "C42", []string{"Anna Müller"}
	}
	fill(t, ix, a, b, other)
	queries := []search.Request{
		{Query: "Reisepass"}, {Query: `"Antrag auf Reisepass"`}, {Query: "Müller"}, {Query: "Mueller"},
		{Citizen: []string{"C42"}}, {Query: "bürger:C42"}, {Query: "Reisepass", Facets: true, Highlight: true},
	}
	for _, q := range queries {
		if got := find(t, ix, q); !sameSet(got, ids(1, 2)) {
			t.Fatalf("before disposal, %+v: %v", q, names(got))
		}
	}
	if err := ix.Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	b.Status = search.StatusDisposed
	if err := ix.Put(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, role := range []search.Role{search.Clerk, search.RecordsOfficer, search.Auditor} {
		for _, q := range queries {
			q.Role = role
			res := run(t, ix, q)
			if len(res.Hits) != 0 || res.Total != 0 {
				t.Errorf("after disposal, %s %+v: %d hits, total %d", role, q, len(res.Hits), res.Total)
			}
			for name, f := range res.Facets {
				if len(f.Terms) != 0 {
					t.Errorf("after disposal, %s facet %s counts %+v", role, name, f.Terms)
				}
			}
		}
	}
	if got := find(t, ix, search.Request{Query: "Meldebescheinigung"}); !sameSet(got, ids(3)) {
		t.Errorf("the other record: %v", names(got))
	}
}

// TestStats: the figures follow the writes, and the merger folds the many small segments of
// near-real-time commits together (each flush below commits one).
func TestStats(t *testing.T) {
	ix, dir := open(t, nil)
	const n = 40
	for i := range n {
		fill(t, ix, doc(i, "Meldebescheinigung", "Anmeldung einer Wohnung"))
	}
	st, err := ix.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Docs != n || st.Bytes == 0 || st.Segments < 1 {
		t.Fatalf("after %d puts: %+v", n, st)
	}
	deadline := time.Now().Add(30 * time.Second)
	for st.Segments > 10 || st.Busy {
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s still %d segments (busy %v): the merger does not keep up", st.Segments, st.Busy)
		}
		time.Sleep(50 * time.Millisecond)
		if st, err = ix.Stats(); err != nil {
			t.Fatal(err)
		}
	}
	if st.Docs != n {
		t.Errorf("after merging: %d docs, want %d", st.Docs, n)
	}
	ix.Close()
	if _, err := ix.Stats(); !errors.Is(err, search.ErrClosed) {
		t.Errorf("Stats after Close: %v, want ErrClosed", err)
	}
	// Reopened without a write, the index settles too (Bleve's own flag stays set until the
	// first write: a benchmark waiting for it hung).
	ix, err = search.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if st, err = ix.Stats(); err != nil || st.Busy || st.Docs != n {
			t.Fatalf("reopened, nothing written: %+v, %v", st, err)
		}
	}
}
