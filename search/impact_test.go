package search

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// TestImpactsAgree: a search answered from the impact lists returns what Bleve's own search
// finds with no scan limit — the same hits in the same order, the same scores (to rounding),
// the same total — for frequent and rare words, several words, names, excluded words, every
// kind of filter, dates that cut years, pages further down, hidden statuses and deleted
// documents, over several segments; also when the lists are cut short (most searches then
// fall back) and when many documents tie. And the lists answered most of the searches, so
// the comparison is not between two runs of the same code.
func TestImpactsAgree(t *testing.T) {
	ix := mixedIndex(t, &Options{ScanLimit: 1 << 30}, 11)
	ctx := context.Background()
	// Documents alike in all but their ID: their scores tie, within segments and across them.
	// The third segment starts with five that score higher, so that it is walked first and
	// meets its own tied documents before those of the earlier segments, which rank first.
	for n := range 65 {
		text := "Bescheid über die Hundesteuer"
		if n >= 40 && n < 45 {
			text = "Hundesteuer Hundesteuer"
		}
		d := Doc{ID: fmt.Sprintf("01K%023d", n), Citizen: "C9", Class: "tax", Source: "scan", Status: StatusActive,
			Title: "Bescheid", Text: text, Date: time.Date(2021, 5, 5, 0, 0, 0, 0, time.UTC),
			Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		switch n % 3 { // a name, and its words apart
		case 0:
			d.Names = []string{"Anna Weiß"}
		case 1:
			d.Text += " Weiß und Anna"
		}
		if err := ix.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		if n == 19 || n == 39 || n == 64 {
			if err := ix.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	settle(t, ix)
	if err := ix.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	queries := []Request{
		{Query: "Antrag"}, {Query: "antrag"}, {Query: "Reisepässe"}, {Query: "Antrag Bescheid"},
		{Query: "Reisepässe Frist Mahnung"}, {Query: "Antrag -Bescheid"}, {Query: "Bescheid -Müller -Frist"},
		{Query: "Müller"}, {Query: "Mueller"}, {Query: "Mueller Anschrift"}, {Query: "Weiß Schmidt"},
		{Query: "Antrag klasse:tax"}, {Query: "Bescheid von:2018-03-01 bis:2020-12-31"},
		{Query: "Bescheid bis:2019-06-30"}, {Query: "Frist von:2021-01-01"}, {Query: "Frist von:2030-01-01"},
		{Query: "Gebühr", Class: []string{"tax", "registration"}}, {Query: "Gebühr", Source: []string{"portal"}},
		{Query: "Widerspruch bürger:C7"}, {Query: "Grundsteuer", Citizen: []string{"C9", "C3"}},
		{Query: "Standesamt Grundsteuer Vollmacht Termin"}, {Query: "Bescheid", Role: RecordsOfficer},
		{Query: "Bescheid", Role: RecordsOfficer, Status: []string{StatusRestricted}},
		{Query: "Antrag", From: 100, Size: 60}, {Query: "Bescheid", Size: 100}, {Query: "Grundsteuer", Size: 7, From: 3},
		{Query: "Hundesteuer", Size: 10}, {Query: "Hundesteuer", Size: 7, From: 3}, {Query: "Hundesteuer", Size: 30},
		{Query: "nichtda Antrag"}, {Query: "Straße", DateFrom: time.Date(2017, 2, 3, 0, 0, 0, 0, time.UTC),
			DateTo: time.Date(2017, 11, 30, 0, 0, 0, 0, time.UTC)},
		{Query: "der die das"}, {Query: "Antrag Antrag"}, {Query: "Reisepässe bürger:C7", Size: 100},
		// Phrases: matches must hold the words in order, checked on the stored text.
		{Query: `"der Antrag"`}, {Query: `"freundlichen Grüßen"`}, {Query: `"die Frist" Bescheid`},
		{Query: `"Antrag Bescheid" klasse:tax`}, {Query: `"der Antrag"`, Size: 50, From: 20}, {Query: `"Anna Weiß"`},
		{Query: `Hundesteuer -"Anna Weiß"`}, {Query: `"Bescheid über" -Frist`}, {Query: `"der die"`, Size: 5},
	}
	full, few, eager, walkMin, perStep, late := maxImpacts, maxScoreAll, eagerAfter, minWalkSteps, scoresPerStep, maxScoreAllLate
	defer func() {
		maxImpacts, maxScoreAll, eagerAfter, minWalkSteps, scoresPerStep, maxScoreAllLate = full, few, eager, walkMin, perStep, late
	}()
	// The lists whole and cut short; a search of few matches scoring them all, and walking
	// the lists as one of many would, completing the scores of what it meets late or at once;
	// the walk on its own (walk steps 0), or given one step before it scores all.
	for _, limit := range [][4]int{{full, few, eager, walkMin}, {12, few, eager, walkMin}, {full, 0, eager, 0},
		{12, 0, eager, 0}, {full, 0, 0, 0}, {12, 0, 0, 0}, {12, 0, 0, walkMin}, {full, 0, eager, 1}, {12, 0, 0, 1}} {
		maxImpacts, maxScoreAll, eagerAfter = limit[0], limit[1], limit[2]
		minWalkSteps, scoresPerStep, maxScoreAllLate = walkMin, perStep, late
		switch limit[3] {
		case 0:
			maxScoreAllLate = 0
		case 1:
			minWalkSteps, scoresPerStep = 1, math.MaxInt
		}
		ix.impacts = newImpacts(impactsBudget)
		var answered int
		lates := lateScored.Load()
		for _, req := range queries {
			before := topAnswered.Load()
			want, got := searchBothWays(t, ix, req, &useImpacts)
			if topAnswered.Load() > before {
				answered++
			}
			if want.Total == 0 && req.Query != "nichtda Antrag" && req.Query != "Frist von:2030-01-01" {
				t.Errorf("%q matches nothing: the test corpus does not exercise it", req.Query)
			}
			total := got.Total == want.Total && got.Capped == want.Capped
			if got.Capped && strings.Contains(req.Query, `"`) {
				// Only some candidates were checked for the phrase, by either search, and not the
				// same ones: a lower bound, at most what Bleve counted if it checked them all.
				total = got.Total >= len(got.Hits) && (want.Capped || got.Total <= want.Total)
			}
			if !total || len(got.Hits) != len(want.Hits) {
				t.Errorf("lists of %v, %+v: %d hits of %d (capped %v), Bleve %d of %d (capped %v)", limit, req,
					len(got.Hits), got.Total, got.Capped, len(want.Hits), want.Total, want.Capped)
				continue
			}
			for i, h := range got.Hits {
				w := want.Hits[i]
				if h.ID != w.ID || math.Abs(h.Score-w.Score) > 1e-9*w.Score || h.Title != w.Title || !h.Date.Equal(w.Date) {
					t.Errorf("lists of %v, %q: hit %d is %s (%.12g), Bleve %s (%.12g)", limit, req.Query, i, h.ID, h.Score, w.ID, w.Score)
					break
				}
			}
		}
		lates = lateScored.Load() - lates
		t.Logf("lists of %v: %d of %d searches answered from them, %d by scoring all after the walk", limit, answered, len(queries), lates)
		if limit[3] == 1 && lates < 10 {
			t.Errorf("lists of %v: only %d searches scored all after the walk gave up", limit, lates)
		}
		if limit[0] == full && answered < len(queries)-3 {
			t.Errorf("lists of %v answered only %d of %d searches", limit, answered, len(queries))
		}
	}
}

// TestImpactsBudget: the cache of lists stays within its budget, dropping the least recently
// used, and a list dropped is built again when asked for.
func TestImpactsBudget(t *testing.T) {
	ix := mixedIndex(t, nil, 3)
	ctx := context.Background()
	ix.impacts = newImpacts(20 << 10)
	for _, q := range []string{"Antrag", "Bescheid", "Frist", "Gebühr", "Mahnung", "Antrag"} {
		if _, err := ix.Search(ctx, Request{Query: q, Role: Clerk}); err != nil {
			t.Fatal(err)
		}
		c := ix.impacts
		c.mu.Lock()
		bytes, n := c.bytes, len(c.lists)
		c.mu.Unlock()
		if bytes > c.budget && n > 1 {
			t.Fatalf("after %q: %d bytes in %d lists, budget %d", q, bytes, n, c.budget)
		}
		if n == 0 {
			t.Fatalf("after %q: no list kept", q)
		}
	}
}

// TestImpactsWholeBudget: the impacts read whole stay within their own budget, the least
// recently used dropped first, and leave the lists in place; searches that read them again
// still agree with Bleve.
func TestImpactsWholeBudget(t *testing.T) {
	ix := mixedIndex(t, nil, 3)
	cut, few := maxImpacts, maxScoreAll
	defer func() { maxImpacts, maxScoreAll = cut, few }()
	maxImpacts, maxScoreAll = 12, 1<<20 // every list cut short, every search scoring all
	ix.impacts = newImpacts(impactsBudget)
	ix.impacts.fullBudget = 6 << 10
	queries := []string{"Antrag", "Bescheid", "Frist", "Gebühr", "Mahnung", "Antrag Bescheid", "Antrag"}
	for _, q := range queries {
		want, got := searchBothWays(t, ix, Request{Query: q, Role: Clerk}, &useImpacts)
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) || len(got.Hits) > 0 && got.Hits[0].ID != want.Hits[0].ID {
			t.Errorf("%q: %d hits of %d, Bleve %d of %d", q, len(got.Hits), got.Total, len(want.Hits), want.Total)
		}
		c := ix.impacts
		c.mu.Lock()
		whole, n, lists := c.fullBytes, c.fulls.Len(), len(c.lists)
		c.mu.Unlock()
		if whole > c.fullBudget && n > 1 {
			t.Fatalf("after %q: %d bytes of whole impacts in %d lists, budget %d", q, whole, n, c.fullBudget)
		}
		if n == 0 || lists < n {
			t.Fatalf("after %q: %d whole impacts kept, %d lists", q, n, lists)
		}
	}
	var dropped int
	for _, l := range ix.impacts.lists {
		if l.rest > 0 && l.full.Load() == nil {
			dropped++
		}
	}
	if dropped == 0 {
		t.Error("no whole impacts were dropped: the budget was not exercised")
	}
}

// TestImpactsPrime: Warm builds the lists of the big segments' frequent terms; a segment a
// merge makes gets the lists of the words in use built in the background, before a search of
// those words meets it.
func TestImpactsPrime(t *testing.T) {
	// Restored after the index has closed (cleanups run last first): its builds ahead read them.
	b, m := bigSegment, primeMinDocs
	t.Cleanup(func() { bigSegment, primeMinDocs = b, m })
	bigSegment, primeMinDocs = 300, 50
	ix := mixedIndex(t, nil, 5)
	ctx := context.Background()
	cached := func(seg uint64, field, term string) bool {
		c := ix.impacts
		c.mu.Lock()
		l := c.lists[impactKey{seg, field, term}]
		c.mu.Unlock()
		if l == nil {
			return false
		}
		select {
		case <-l.ready:
			return l.err == nil
		default:
			return false
		}
	}
	big := func() map[uint64]bool {
		r, err := ix.reader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		ids := map[uint64]bool{}
		for _, ss := range r.(*scorch.IndexSnapshot).Segments() {
			if ss.Count() > uint64(bigSegment) {
				ids[ss.Id()] = true
			}
		}
		return ids
	}
	before := primedLists.Load()
	if err := ix.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	old := big()
	if len(old) == 0 {
		t.Fatal("no big segment: the test needs one")
	}
	for id := range old {
		if !cached(id, fieldText, "antrag") || !cached(id, fieldExact, "antrag") {
			t.Errorf("after Warm, segment %d has no list of antrag", id)
		}
	}
	if primedLists.Load() == before {
		t.Error("Warm built no lists ahead")
	}
	for _, q := range []string{"Grundsteuer", "Vollmacht"} {
		if _, err := ix.Search(ctx, Request{Query: q, Role: Clerk}); err != nil {
			t.Fatal(err)
		}
	}
	for n := range 100 { // a segment to merge with the others
		d := Doc{ID: fmt.Sprintf("01N%023d", n), Citizen: "C1", Class: "tax", Source: "portal", Status: StatusActive,
			Title: "Grundsteuer", Text: "Bescheid über die Grundsteuer", Date: time.Date(2022, 2, 2, 0, 0, 0, 0, time.UTC),
			Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := ix.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	adv, err := ix.b.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	opts := mergeplan.SingleSegmentMergePlanOptions
	if err := adv.(*scorch.Scorch).ForceMerge(ctx, &opts); err != nil {
		t.Fatal(err)
	}
	settle(t, ix)
	var fresh uint64
	for id := range big() {
		if !old[id] {
			fresh = id
		}
	}
	if fresh == 0 {
		t.Fatal("the merge made no new big segment")
	}
	if _, err := ix.Search(ctx, Request{Query: "Bescheid", Role: Clerk}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !cached(fresh, fieldExact, "grundsteuer") || !cached(fresh, fieldText, "vollmacht") {
		if time.Now().After(deadline) {
			t.Fatal("the new segment's lists of the words in use were not built ahead")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWarmLeavesRoom: Warm fills warmPart of a budget too small for all frequent terms, the
// lists of most documents first, whatever their segment, and leaves those the most recently
// used, so that lists searches build push out the cheapest to build again first.
func TestWarmLeavesRoom(t *testing.T) {
	m := primeMinDocs
	t.Cleanup(func() { primeMinDocs = m })
	primeMinDocs = 20
	const budget = 300 << 10
	ix := mixedIndex(t, &Options{ImpactBytes: budget}, 7)
	if err := ix.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := ix.impacts
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.order.Len() < 10 {
		t.Fatalf("Warm built %d lists", c.order.Len())
	}
	var largest int
	docs := func(e *list.Element) uint64 { return c.lists[e.Value.(impactKey)].all.GetCardinality() }
	least := docs(c.order.Front())
	for e := c.order.Front(); e != nil; e = e.Next() {
		l := c.lists[e.Value.(impactKey)]
		largest = max(largest, l.size)
		if n := docs(e); n > least {
			t.Errorf("list %v of %d documents is used less recently than one of %d", e.Value, n, least)
		} else {
			least = n
		}
	}
	if limit := int(warmPart*budget) + largest; c.bytes > limit {
		t.Errorf("Warm filled %d bytes of %d, more than warmPart and a list (%d)", c.bytes, budget, limit)
	}
	if c.bytes < int(warmPart*budget)/2 {
		t.Errorf("Warm filled only %d bytes of %d", c.bytes, budget)
	}
}
