package search

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestPhraseChecksBounded: a phrase whose words many documents hold checks at most
// maxPhraseChecks of them; the result says it stopped (Capped) and Total counts the matches
// among those checked.
func TestPhraseChecksBounded(t *testing.T) {
	ix := openWith(t, 40, func(n int) string {
		if n%4 == 0 {
			return "Bescheid Frist"
		}
		return "Frist und Bescheid" // the words, not the phrase
	})
	ctx := context.Background()
	search := func() *Result {
		res, err := ix.Search(ctx, Request{Query: `"Bescheid Frist"`, Role: Clerk})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := search(); res.Capped || res.Total != 10 {
		t.Fatalf("unbounded: capped %v, total %d, want 10 of 40 candidates", res.Capped, res.Total)
	}
	defer func(n int) { maxPhraseChecks = n }(maxPhraseChecks)
	maxPhraseChecks = 20
	res := search()
	if !res.Capped || res.Total < 1 || res.Total > 10 {
		t.Errorf("20 checks of 40 candidates: capped %v, total %d, want capped and 1–10 (those checked that hold it)", res.Capped, res.Total)
	}
	for _, h := range res.Hits {
		var n int
		fmt.Sscanf(h.ID, "01J%d", &n)
		if n%4 != 0 {
			t.Errorf("hit %s does not hold the phrase", h.ID)
		}
	}
}

// TestPhraseBestFirst: without facets only the best candidates are checked; when none of them
// hold the phrase the search checks every candidate and still finds those that do.
func TestPhraseBestFirst(t *testing.T) {
	ix := openWith(t, 200, func(n int) string {
		if n%40 == 7 {
			return "Bescheid Frist liegt vor und wird heute am Schalter im Rathaus der Stadt bearbeitet" // once, long: scores lower
		}
		return "Bescheid und Frist, Bescheid und Frist, Bescheid und Frist" // scores higher, never adjacent
	})
	ctx := context.Background()
	// The five score below the others (checked: they come last for the words alone).
	words, err := ix.Search(ctx, Request{Query: "Bescheid Frist", Role: Clerk, Size: 100, From: 100})
	if err != nil {
		t.Fatal(err)
	}
	last := 0
	for _, h := range words.Hits {
		var n int
		fmt.Sscanf(h.ID, "01J%d", &n)
		if n%40 == 7 {
			last++
		}
	}
	if last != 5 {
		t.Fatalf("%d of the 5 long documents rank among the last 100 for the words: the test needs them last", last)
	}
	for _, facets := range []bool{false, true} {
		res, err := ix.Search(ctx, Request{Query: `"Bescheid Frist"`, Role: Clerk, Facets: facets})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 || res.Capped || len(res.Hits) != 5 {
			t.Errorf("facets %v: total %d, capped %v, %d hits; want the 5 documents holding the phrase", facets, res.Total, res.Capped, len(res.Hits))
		}
	}
	// Few candidates, all checked: the total is exact, and the page still its size.
	for _, pg := range []struct{ from, size, hits int }{{0, 2, 2}, {4, 2, 1}, {0, 20, 5}} {
		res, err := ix.Search(ctx, Request{Query: `"Frist liegt"`, Role: Clerk, From: pg.from, Size: pg.size})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 || res.Capped || len(res.Hits) != pg.hits {
			t.Errorf("from %d, size %d: total %d, capped %v, %d hits; want 5, not capped, %d hits", pg.from, pg.size, res.Total, res.Capped, len(res.Hits), pg.hits)
		}
	}
	// Words the best candidates hold: the page is full from them, Total a lower bound.
	res, err := ix.Search(ctx, Request{Query: `"und Frist"`, Role: Clerk, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 10 || !res.Capped || res.Total < 10 || res.Total > 195 {
		t.Errorf(`"und Frist": total %d, capped %v, %d hits; want a full page, capped`, res.Total, res.Capped, len(res.Hits))
	}
}

// openWith opens a fresh index holding documents 0..n-1 with the given body texts.
func openWith(t *testing.T, n int, text func(n int) string) *Index {
	t.Helper()
	ix, err := Open(t.TempDir()+"/index", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	for i := range n {
		d := Doc{ID: fmt.Sprintf("01J%023d", i), Citizen: "C1", Class: "tax", Source: "portal", Status: StatusActive,
			Title: "Vorgang", Text: text(i), Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := ix.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestPhraseWordIs: the phrase check's quick comparison of a stored word with a phrase's token
// agrees with the exact analysis for words with umlauts, ß, capitals, combining marks,
// ligatures and letters of other scripts, against every token of the set and a few near ones.
func TestPhraseWordIs(t *testing.T) {
	ix := openWith(t, 1, func(int) string { return "Bescheid" })
	words := []string{"Müller", "MÜLLER", "Mu\u0308ller", "Mueller", "Müll", "Über", "über", "ueber", "Weiß",
		"WEISS", "weiss", "Straße", "Café", "cafe", "ﬁnden", "finden", "Ærø", "naïve", "Ölsen", "Øre", "Δέλτα",
		"Zoë", "a", "ä", "ß", "15.02.2024", "Müller's", "İstanbul"}
	wants := map[string]bool{"muel": true, "muellerx": true, "ue": true, "": true}
	for _, w := range words {
		for _, tok := range ix.exact.Analyze([]byte(w)) {
			wants[string(tok.Term)] = true
		}
	}
	pc := &phraseChecker{ix: ix, analysed: map[string]string{}}
	for _, w := range words {
		toks := ix.exact.Analyze([]byte(w))
		for want := range wants {
			exp := len(toks) == 1 && string(toks[0].Term) == want
			for range 2 { // the second time from the checker's cache
				if got := pc.is([]byte(w), want); got != exp {
					t.Errorf("is(%q, %q) = %v, the analysis says %v", w, want, got, exp)
				}
			}
		}
	}
}
