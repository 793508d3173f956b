package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDrivenEqualsScan: a scored search driven by its unscored twin returns exactly what the
// scored searcher finds alone — hits, scores, order, totals, the cap and facets — for words,
// several words, phrases, exclusions, names and filters, over several segments with deleted
// documents and a low scan limit.
func TestDrivenEqualsScan(t *testing.T) {
	ix := drivenIndex(t, 150)
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
		if req.Role == "" {
			req.Role = Clerk
		}
		req.Facets = true
		want, got := searchBoth(t, ix, req, &driveScored)
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

// TestRowFiltersEqualPostings: class, source and date filters checked on the columns find
// the same documents as the same filters intersected as postings lists — totals, the cap,
// facets, the hits (as a set: a date range as postings adds a score that differs from
// document to document), and the order when sorted by date — with and without the scan
// limit, with the unscored pass and without, and over segments with deleted documents.
func TestRowFiltersEqualPostings(t *testing.T) {
	queries := []Request{
		{Query: "Antrag klasse:tax"}, {Query: "Bescheid von:2018-03-01 bis:2020-12-31"},
		{Query: "Gebühr", Class: []string{"tax", "registration"}}, {Query: "Antrag klasse:tax", Class: []string{"registration"}},
		{Query: "Antrag klasse:tax", Class: []string{"tax", "registration"}}, {Query: "Frist", Source: []string{"portal"}},
		{Query: "Frist", Source: []string{"scan"}}, {Query: "Antrag bis:2016-06-30", Sort: SortDate, Size: 50},
		{Query: "Antrag von:2019-01-01", DateTo: time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC), Class: []string{"tax"}},
		{Query: "Widerspruch bürger:C7 klasse:registration"}, {Query: "Mueller von:2017-05-01 bis:2017-08-31"},
		{Query: `"mit freundlichen Grüßen" klasse:correspondence`}, {Query: "Antrag -Bescheid klasse:tax", Role: RecordsOfficer},
		{Query: "Standesamt Grundsteuer klasse:tax von:2016-01-01"}, {Query: "Antrag klasse:unbekannt"},
	}
	for _, limit := range []int{150, 100000} {
		ix := drivenIndex(t, limit)
		for _, drive := range []bool{false, true} {
			driveScored = drive
			for _, req := range queries {
				if req.Role == "" {
					req.Role = Clerk
				}
				req.Facets = true
				if req.Size == 0 {
					req.Size = MaxSize
				}
				r, err := ix.reader()
				if err != nil {
					t.Fatal(err)
				}
				p, err := ix.plan(r, req)
				r.Close()
				if err != nil {
					t.Fatal(err)
				}
				if p != nil && p.rows == nil {
					t.Errorf("%+v: the filters are not checked on the columns", req)
				}
				want, got := searchBoth(t, ix, req, &rowFilters)
				if got.Total != want.Total || got.Capped != want.Capped || !reflect.DeepEqual(got.Facets, want.Facets) {
					t.Errorf("limit %d, driven %v, %+v:\n columns: %d hits (capped %v), facets %v\npostings: %d hits (capped %v), facets %v",
						limit, drive, req, got.Total, got.Capped, got.Facets, want.Total, want.Capped, want.Facets)
					continue
				}
				if req.Sort != SortDate && got.Total > len(got.Hits) {
					continue // the page is the best of the matches, by scores that differ
				}
				g, w := hitIDs(got.Hits), hitIDs(want.Hits)
				if req.Sort != SortDate {
					slices.Sort(g)
					slices.Sort(w)
				}
				if !slices.Equal(g, w) {
					t.Errorf("limit %d, driven %v, %q %v %v: hits differ\n columns: %v\npostings: %v", limit, drive, req.Query, req.Class, req.Source, g, w)
				}
				if want.Total == 0 && !strings.Contains(req.Query, "unbekannt") && !slices.Contains(req.Source, "scan") && !slices.Contains(req.Class, "registration") {
					t.Errorf("%+v matches nothing: the test corpus does not exercise it", req)
				}
			}
		}
	}
	driveScored = true
}

// searchBoth runs req with the switch off (without) and on (with); the switch is on after.
func searchBoth(t *testing.T, ix *Index, req Request, on *bool) (without, with *Result) {
	t.Helper()
	*on = false
	without, err := ix.Search(context.Background(), req)
	*on = true
	if err != nil {
		t.Fatal(err)
	}
	if with, err = ix.Search(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return without, with
}

func hitIDs(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// drivenIndex is five segments of 400 documents of words from a small vocabulary, 40
// documents deleted after each but the first, merging done.
func drivenIndex(t *testing.T, scanLimit int) *Index {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", &Options{ScanLimit: scanLimit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	words := strings.Fields(`Antrag Bescheid Gebühr Frist Widerspruch Reisepass Reisepässe Anmeldung Wohnung
		Mahnung Grundsteuer Standesamt Geburtsurkunde Unterlagen Anschrift Termin Vollmacht Erinnerung
		mit freundlichen Grüßen der die das auf für Müller Müll Weiß Schmidt Straße`)
	classes := []string{"tax", "registration", "passport-application", "correspondence"}
	rng := rand.New(rand.NewPCG(7, 7))
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
	// change which documents come first.
	for st, err := ix.Stats(); st.Busy; st, err = ix.Stats() {
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ix
}
