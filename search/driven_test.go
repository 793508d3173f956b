package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDrivenEqualsScan: a scored search driven by its unscored twin returns exactly what the
// scored searcher finds alone — hits, scores, order, totals, the cap and facets — for words,
// several words, phrases, exclusions, names and filters, over several segments with deleted
// documents and a low scan limit.
func TestDrivenEqualsScan(t *testing.T) {
	ix := mixedIndex(t, &Options{ScanLimit: 150}, 7)
	queries := []Request{
		{Query: "Antrag"}, {Query: "Antrag Bescheid"}, {Query: "Reisepässe Frist Mahnung"},
		{Query: `"mit freundlichen Grüßen"`}, {Query: `"der Antrag" Frist`}, {Query: "Antrag -Bescheid"},
		{Query: "Müller"}, {Query: "Mueller Anschrift"}, {Query: "Antrag klasse:tax"},
		{Query: "Bescheid von:2018-03-01 bis:2020-12-31"}, {Query: "Gebühr", Class: []string{"tax", "registration"}},
		{Query: "Standesamt Grundsteuer Vollmacht Termin"}, {Query: "Bescheid", Role: RecordsOfficer, Facets: true},
		{Query: "Antrag Frist", Sort: SortDate, Size: 50}, {Query: "Antrag", From: 100, Size: 60},
		{Query: "Widerspruch bürger:C7"}, {Query: "nichtda Antrag"},
	}
	for _, req := range queries {
		req.Facets = true
		want, got := searchBothWays(t, ix, req, &driveScored)
		want.Took, got.Took = 0, 0
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v:\n driven %d hits of %d (capped %v)\n   scan %d hits of %d (capped %v)", req, len(got.Hits), got.Total, got.Capped,
				len(want.Hits), want.Total, want.Capped)
		}
		if want.Total == 0 && req.Query != "nichtda Antrag" {
			t.Errorf("%q matches nothing: the test corpus does not exercise it", req.Query)
		}
	}
}

// searchBothWays runs req (as a clerk, if it names no role) with the switch *on false, then
// true, and returns both results.
func searchBothWays(t *testing.T, ix *Index, req Request, on *bool) (off, with *Result) {
	t.Helper()
	if req.Role == "" {
		req.Role = Clerk
	}
	*on = false
	off, err := ix.Search(context.Background(), req)
	*on = true
	if err != nil {
		t.Fatal(err)
	}
	if with, err = ix.Search(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return off, with
}

// mixedIndex opens a fresh index with opts, closed when the test ends, and fills it with 2,000
// documents of common words, names, classes, statuses and dates in five flushed batches
// (segments), deleting some of the earlier ones after each; it returns once merging has
// stopped.
func mixedIndex(t *testing.T, opts *Options, seed uint64) *Index {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	words := strings.Fields(`Antrag Bescheid Gebühr Frist Widerspruch Reisepass Reisepässe Anmeldung Wohnung
		Mahnung Grundsteuer Standesamt Geburtsurkunde Unterlagen Anschrift Termin Vollmacht Erinnerung
		mit freundlichen Grüßen der die das auf für Müller Müll Weiß Schmidt Straße`)
	classes := []string{"tax", "registration", "passport-application", "correspondence"}
	rng := rand.New(rand.NewPCG(seed, seed))
	for seg := range 5 {
		for i := range 400 {
			n := seg*400 + i
			text := make([]string, 5+rng.IntN(30))
			for j := range text {
				text[j] = words[rng.IntN(len(words))]
			}
			d := Doc{ID: fmt.Sprintf("01J%023d", n), Citizen: fmt.Sprintf("C%d", n%50), Class: classes[rng.IntN(len(classes))],
				Source: "portal", Status: []string{StatusActive, StatusActive, StatusRestricted}[rng.IntN(3)],
				Title: words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))], Text: strings.Join(text, " "),
				Date:    time.Date(2015+rng.IntN(10), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC),
				Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Names: []string{words[len(words)-5+rng.IntN(4)]}}
			if err := ix.Put(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if seg > 0 {
			for range 40 {
				if err := ix.Delete(ctx, fmt.Sprintf("01J%023d", rng.IntN(seg*400))); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := ix.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Both runs must see the same segments: with the scan limit, merging in between would
	// change which 150 documents come first.
	settle(t, ix)
	return ix
}

// settle waits until ix merges no more: searches compared must see the same segments (a merge
// changes the index order, which breaks ties).
func settle(t *testing.T, ix *Index) {
	t.Helper()
	for st, err := ix.Stats(); st.Busy; st, err = ix.Stats() {
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
