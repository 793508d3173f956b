package search

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// TestColumns checks the decoded facet and date columns against what the documents say: over
// several segments, with replaced and deleted documents, facets count exactly the visible
// documents and date order is exact — whether the columns are ready or a search falls back to
// Bleve's doc values for a segment still being built.
func TestColumns(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", &Options{FlushDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	classes := []string{"tax", "passport-application", "registration", "correspondence", "civil-register"}
	sources := []string{"portal", "counter", "scan"}
	statuses := []string{StatusActive, StatusActive, StatusRestricted, StatusDisposed}
	live := map[string]Doc{}
	mk := func(n, v int) Doc {
		return Doc{ID: fmt.Sprintf("01J%023d", n), Citizen: fmt.Sprintf("C%d", n%17),
			Class: classes[(n+v)%len(classes)], Source: sources[(n*7+v)%len(sources)],
			Status: statuses[(n*3+v)%len(statuses)], Title: "Vorgang", Text: fmt.Sprintf("Bescheid Nummer %d", n),
			Date:    time.Date(1990+(n*13+v)%35, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC),
			Created: time.Date(2025, 1, 1, 0, 0, n, 0, time.UTC)}
	}
	// Six segments (one flush each); later ones replace and delete documents of earlier ones.
	for seg := range 6 {
		for n := seg * 50; n < seg*50+50; n++ {
			d := mk(n, 0)
			if seg > 0 && n%5 == 0 { // a new version of an earlier document
				d = mk(n-40, seg)
			}
			if err := ix.Put(ctx, d); err != nil {
				t.Fatal(err)
			}
			live[d.ID] = d
		}
		if seg > 1 {
			gone := fmt.Sprintf("01J%023d", seg*50-77)
			if err := ix.Delete(ctx, gone); err != nil {
				t.Fatal(err)
			}
			delete(live, gone)
		}
		if err := ix.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}

	want := map[string]map[string]int{}
	for _, f := range facetFields {
		want[f] = map[string]int{}
	}
	var visible []Doc
	for _, d := range live {
		if d.Status == StatusDisposed {
			continue
		}
		visible = append(visible, d)
		want[fieldClass][d.Class]++
		want[fieldSource][d.Source]++
		want[fieldStatus][d.Status]++
		want[fieldYear][fmt.Sprint(d.Date.Year())]++
	}
	slices.SortStableFunc(visible, func(a, b Doc) int { return b.Date.Compare(a.Date) })

	check := func(stage string) {
		t.Helper()
		res, err := ix.Search(ctx, Request{Role: RecordsOfficer, Facets: true, Sort: SortDate, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != len(visible) {
			t.Fatalf("%s: %d matches, want %d", stage, res.Total, len(visible))
		}
		got := map[string]map[string]int{}
		for f, facet := range res.Facets {
			got[f] = map[string]int{}
			for _, ft := range facet.Terms {
				got[f][ft.Value] = ft.Count
			}
			if facet.Other != 0 {
				t.Errorf("%s: %s: %d others", stage, f, facet.Other)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: facets\n got %v\nwant %v", stage, got, want)
		}
		for i, h := range res.Hits {
			if !h.Date.Equal(visible[i].Date) {
				t.Fatalf("%s: hit %d dated %v, want %v (%s)", stage, i, h.Date, visible[i].Date, visible[i].ID)
			}
		}
	}
	// segments counts the columns of the index's segments now that a search or Warm has met:
	// columns of segments merged away since may still be building, and a segment merged
	// since has none yet; neither is counted.
	segments := func() (ready, all int) {
		r, err := ix.reader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		ix.cols.mu.Lock()
		defer ix.cols.mu.Unlock()
		for _, ss := range r.(*scorch.IndexSnapshot).Segments() {
			c := ix.cols.segs[ss.Id()]
			if c == nil {
				continue
			}
			select {
			case <-c.ready:
				if c.ok {
					ready++
				}
			default:
			}
			all++
		}
		return ready, all
	}

	// Every segment counts as big: the first search reads doc values while the columns build.
	defer func(n int) { bigSegment = n }(bigSegment)
	bigSegment = 0
	hold := make(chan struct{})
	backgroundHook = func() { <-hold }
	defer func() { backgroundHook = nil }()
	check("doc values")
	if ready, all := segments(); ready == all {
		t.Fatalf("all %d segments' columns were ready at once: the doc values path was not tested", all)
	}
	close(hold)
	if err := ix.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if ready, all := segments(); ready < all {
		t.Fatalf("after Warm %d of %d segments' columns built", ready, all)
	}
	if _, all := segments(); all < 2 {
		t.Fatalf("%d segments: the test needs several", all)
	}
	check("columns")
	// Small segments are built by the search that meets them first.
	bigSegment = 1 << 30
	ix.cols = newColumns()
	check("columns built inline")
	if ready, all := segments(); ready != all {
		t.Errorf("%d of %d segments' columns built inline", ready, all)
	}
}
