package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"akte/search"
)

// id returns a deterministic ULID-shaped record ID for n.
func id(n int) string { return fmt.Sprintf("01J%023d", n) }

// day returns midnight UTC of the given date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var created = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

// doc returns an active document with defaults for the fields a test does not care about.
func doc(n int, title, text string) search.Doc {
	return search.Doc{
		ID: id(n), Citizen: "C1", Class: "correspondence", Source: "portal",
		Status: search.StatusActive, Title: title, Text: text,
		Date: day(2024, 3, 1), Created: created,
	}
}

// open opens an index in a fresh directory and closes it at the end of the test.
func open(t testing.TB, opts *search.Options) (*search.Index, string) {
	t.Helper()
	dir := t.TempDir() + "/index"
	ix, err := search.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, dir
}

// fill puts docs and flushes.
func fill(t testing.TB, ix *search.Index, docs ...search.Doc) {
	t.Helper()
	ctx := context.Background()
	for _, d := range docs {
		if err := ix.Put(ctx, d); err != nil {
			t.Fatalf("put %s: %v", d.ID, err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// find runs req (as a clerk unless req.Role is set) and returns the hit IDs in order.
func find(t testing.TB, ix *search.Index, req search.Request) []string {
	t.Helper()
	res := run(t, ix, req)
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func run(t testing.TB, ix *search.Index, req search.Request) *search.Result {
	t.Helper()
	if req.Role == "" {
		req.Role = search.Clerk
	}
	if req.Size == 0 {
		req.Size = search.MaxSize
	}
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("search %+v: %v", req, err)
	}
	return res
}

// ids returns the IDs of the numbered documents.
func ids(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = id(n)
	}
	return out
}

// sameSet reports whether a and b hold the same IDs, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// names turns IDs back into document numbers for readable failures.
func names(ids []string) []string {
	out := make([]string, len(ids))
	for i, s := range ids {
		var n int
		fmt.Sscanf(s[3:], "%d", &n)
		out[i] = fmt.Sprint(n)
	}
	return out
}
