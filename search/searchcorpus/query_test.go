package searchcorpus_test

import (
	"context"
	"sync"
	"testing"

	"akte/search"
	"akte/search/searchcorpus"
)

const queryMix = 1000 // queries in the benchmark mix

func TestQueryMix(t *testing.T) {
	g := searchcorpus.New(searchcorpus.Options{Seed: 1})
	counts := map[string]int{}
	for i := range queryMix {
		q := g.Query(i)
		counts[q.Class]++
		if _, err := search.ParseQuery(q.Query); err != nil {
			t.Errorf("query %d %+v: %v", i, q, err)
		}
		if q.Query == "" && len(q.Citizen) == 0 {
			t.Errorf("query %d %+v asks for nothing", i, q)
		}
		if (q.Class == searchcorpus.QueryFacets) != (q.Facets && q.Highlight) {
			t.Errorf("query %d %+v: facets and highlights belong to the facets class", i, q)
		}
	}
	want := map[string]int{searchcorpus.QueryCitizen: 250, searchcorpus.QueryName: 150,
		searchcorpus.QueryTerm: 200, searchcorpus.QueryPhrase: 150, searchcorpus.QueryFiltered: 150,
		searchcorpus.QueryFacets: 100}
	for c, n := range want {
		if counts[c] != n {
			t.Errorf("%d %s queries, want %d", counts[c], c, n)
		}
	}
	if len(counts) != len(want) {
		t.Errorf("classes %v, want %v", counts, want)
	}
}

// TestIndex puts the first 5,000 documents into a real index (2,000 under the race
// detector): every one must pass the index's validation and be committed. Then it runs the
// query mix drawn from them as a clerk: nearly every query must find something. (Misses are
// citizens whose documents are all restricted, which a clerk does not see.)
func TestIndex(t *testing.T) {
	docs := 5000
	if raceEnabled {
		docs = 2000
	}
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: docs})
	ix, err := search.Open(t.TempDir()+"/index", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	citizens := map[string]int{}
	for _, d := range generate(g, docs) {
		if err := ix.Put(ctx, d); err != nil {
			t.Fatalf("put %s (%s): %v", d.ID, d.Title, err)
		}
		citizens[d.Citizen]++
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	// A citizen lookup as a records officer finds all of the citizen's documents.
	c := g.Doc(0).Citizen
	res, err := ix.Search(ctx, search.Request{Query: "bürger:" + c, Role: search.RecordsOfficer, Size: search.MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != citizens[c] {
		t.Errorf("bürger:%s: %d hits, want %d", c, res.Total, citizens[c])
	}

	var mu sync.Mutex
	n, hit := map[string]int{}, map[string]int{}
	misses := 0
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < queryMix; i += 2 {
				q := g.Query(i)
				res, err := ix.Search(ctx, q.Request(search.Clerk))
				mu.Lock()
				switch {
				case err != nil:
					t.Errorf("query %d %+v: %v", i, q, err)
				case q.Facets && res.Facets == nil:
					t.Errorf("query %d %+v: no facets", i, q)
				case res.Total > 0:
					hit[q.Class]++
				default:
					if misses++; misses <= 10 {
						t.Logf("no hits: query %d %q %v", i, q.Query, q.Citizen)
					}
				}
				n[q.Class]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	total := 0
	for c, k := range n {
		total += hit[c]
		t.Logf("%-8s %3d of %3d queries find something", c, hit[c], k)
		if hit[c] < k*85/100 {
			t.Errorf("%s: only %d of %d queries find something", c, hit[c], k)
		}
	}
	if total < queryMix*95/100 {
		t.Errorf("only %d of %d queries find something", total, queryMix)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}
