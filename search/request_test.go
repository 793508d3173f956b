package search_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"akte/search"
)

// registry is a set of documents with varied keyword fields and dates, all containing
// "Bescheid".
func registry() []search.Doc {
	mk := func(n int, citizen, class, source, status string, date time.Time) search.Doc {
		d := doc(n, fmt.Sprintf("Bescheid %d", n), "Bescheid über die Sache.")
		d.Citizen, d.Class, d.Source, d.Status, d.Date = citizen, class, source, status, date
		return d
	}
	undated := mk(9, "C3", "scan-unclassified", "scan", search.StatusActive, time.Time{})
	undated.Created = time.Date(2023, 5, 5, 8, 0, 0, 0, time.UTC)
	return []search.Doc{
		mk(1, "C1", "tax", "portal", search.StatusActive, day(2022, 1, 10)),
		mk(2, "C1", "tax", "counter", search.StatusActive, day(2023, 2, 11)),
		mk(3, "C1", "registration", "portal", search.StatusActive, day(2024, 3, 12)),
		mk(4, "C2", "registration", "portal", search.StatusActive, day(2024, 12, 31)),
		mk(5, "C2", "passport-application", "counter", search.StatusActive, day(2025, 1, 1)),
		mk(6, "C2", "tax", "scan", search.StatusRestricted, day(2021, 6, 1)),
		mk(7, "C3", "tax", "scan", search.StatusDisposed, day(2020, 6, 1)),
		mk(8, "C3", "civil-register", "import", search.StatusRestricted, day(1950, 4, 2)),
		undated,
	}
}

func TestFilters(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix, registry()...)
	officer := search.RecordsOfficer
	for _, tc := range []struct {
		name string
		req  search.Request
		want []int
	}{
		{"citizen", search.Request{Query: "bürger:C1"}, []int{1, 2, 3}},
		{"citizen alias", search.Request{Query: "buerger:C2"}, []int{4, 5}},
		{"citizen english", search.Request{Query: "Bescheid citizen:C2"}, []int{4, 5}},
		{"citizens any", search.Request{Query: "bürger:C1 bürger:C3"}, []int{1, 2, 3, 9}},
		{"class", search.Request{Query: "klasse:tax"}, []int{1, 2}},
		{"class alias", search.Request{Query: "Bescheid class:registration"}, []int{3, 4}},
		{"citizen and class", search.Request{Query: "bürger:C1 klasse:tax"}, []int{1, 2}},
		{"from", search.Request{Query: "von:2024-03-12"}, []int{3, 4, 5}},
		{"to", search.Request{Query: "bis:2022-01-10"}, []int{1}},
		{"from to inclusive", search.Request{Query: "from:2024-03-12 to:2024-12-31"}, []int{3, 4}},
		{"one day", search.Request{Query: "von:2024-12-31 bis:2024-12-31"}, []int{4}},
		{"undated uses created", search.Request{Query: "von:2023-05-05 bis:2023-05-05"}, []int{9}},
		{"unknown field is a word", search.Request{Query: "Bescheid farbe:rot"}, nil},
		{"api citizen", search.Request{Citizen: []string{"C1", "C2"}}, []int{1, 2, 3, 4, 5}},
		{"api class", search.Request{Class: []string{"registration"}}, []int{3, 4}},
		{"api source", search.Request{Source: []string{"counter", "scan"}}, []int{2, 5, 9}},
		{"api dates", search.Request{DateFrom: day(2024, 1, 1), DateTo: time.Date(2024, 12, 31, 15, 0, 0, 0, time.UTC)}, []int{3, 4}},
		{"api and query both hold", search.Request{Query: "bürger:C1", Class: []string{"tax"}}, []int{1, 2}},
		{"api and query dates intersect", search.Request{Query: "von:2023-01-01", DateTo: day(2024, 3, 12)}, []int{2, 3, 9}},
		{"empty intersection", search.Request{Query: "von:2024-01-01", DateTo: day(2023, 1, 1)}, nil},
		{"officer sees restricted", search.Request{Query: "bürger:C2", Role: officer}, []int{4, 5, 6}},
		{"status narrows", search.Request{Query: "Bescheid", Role: officer, Status: []string{"restricted"}}, []int{6, 8}},
		{"old dates", search.Request{Query: "bis:1999-12-31", Role: officer}, []int{8}},
	} {
		got := find(t, ix, tc.req)
		if !sameSet(got, ids(tc.want...)) {
			t.Errorf("%s %+v: hits %v, want %v", tc.name, tc.req, names(got), tc.want)
		}
	}
}

func TestRoles(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix, registry()...)
	active := []int{1, 2, 3, 4, 5, 9}
	for _, tc := range []struct {
		role   search.Role
		status []string
		want   []int
	}{
		{search.Clerk, nil, active},
		{search.Auditor, nil, active},
		{search.RecordsOfficer, nil, append(slices.Clone(active), 6, 8)},
		{search.Clerk, []string{"restricted"}, nil},            // never widens
		{search.Clerk, []string{"disposed", "active"}, active}, // disposed never
		{search.RecordsOfficer, []string{"disposed"}, nil},
	} {
		got := find(t, ix, search.Request{Query: "Bescheid", Role: tc.role, Status: tc.status})
		if !sameSet(got, ids(tc.want...)) {
			t.Errorf("%s %v: hits %v, want %v", tc.role, tc.status, names(got), tc.want)
		}
		// The same without words (filters only) and with facets.
		res := run(t, ix, search.Request{Role: tc.role, Status: tc.status, Facets: true})
		if res.Total != len(tc.want) {
			t.Errorf("%s %v without words: total %d, want %d", tc.role, tc.status, res.Total, len(tc.want))
		}
		for _, ft := range res.Facets["status"].Terms {
			if ft.Value == search.StatusDisposed || (tc.role != search.RecordsOfficer && ft.Value == search.StatusRestricted) {
				t.Errorf("%s: facet shows %q", tc.role, ft.Value)
			}
		}
	}
	for _, role := range []search.Role{"", search.Intake, search.Admin, "mayor"} {
		_, err := ix.Search(context.Background(), search.Request{Query: "Bescheid", Role: role})
		if !errors.Is(err, search.ErrForbidden) {
			t.Errorf("role %q: error %v, want ErrForbidden", role, err)
		}
	}
}

func TestFacets(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix, registry()...)
	res := run(t, ix, search.Request{Query: "Bescheid", Role: search.RecordsOfficer, Facets: true})
	want := map[string]search.Facet{
		"class": {Terms: []search.FacetTerm{{"tax", 3}, {"registration", 2}, {"civil-register", 1},
			{"passport-application", 1}, {"scan-unclassified", 1}}},
		"year": {Terms: []search.FacetTerm{{"2024", 2}, {"1950", 1}, {"2021", 1}, {"2022", 1},
			{"2023", 2}, {"2025", 1}}},
		"source": {Terms: []search.FacetTerm{{"portal", 3}, {"scan", 2}, {"counter", 2}, {"import", 1}}},
		"status": {Terms: []search.FacetTerm{{"active", 6}, {"restricted", 2}}},
	}
	// Expected order: count descending, then value.
	for _, f := range want {
		slices.SortStableFunc(f.Terms, func(a, b search.FacetTerm) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Value < b.Value {
				return -1
			}
			return 1
		})
	}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("facets:\n got %+v\nwant %+v", res.Facets, want)
	}
	// Facets follow the filters; none unless asked for.
	res = run(t, ix, search.Request{Query: "bürger:C1", Facets: true})
	if got := res.Facets["class"].Terms; !reflect.DeepEqual(got, []search.FacetTerm{{"tax", 2}, {"registration", 1}}) {
		t.Errorf("class facet for C1: %+v", got)
	}
	if res := run(t, ix, search.Request{Query: "Bescheid"}); res.Facets != nil {
		t.Errorf("facets not asked for: %+v", res.Facets)
	}
	if res := run(t, ix, search.Request{Query: "&", Facets: true}); len(res.Facets) != 4 || res.Total != 0 {
		t.Errorf("facets of an empty result: %+v", res)
	}
}

func TestSortAndPaging(t *testing.T) {
	ix, _ := open(t, nil)
	var docs []search.Doc
	for n := 1; n <= 25; n++ {
		d := doc(n, "Schreiben", "Bescheid über die Sache der Stadt")
		d.Date = day(2000+n%7, time.Month(1+n%12), 1+n) // dates in no particular order
		if n%5 == 0 {
			d.Text = "Bescheid Bescheid Bescheid" // better relevance
		}
		docs = append(docs, d)
	}
	fill(t, ix, docs...)

	byDate := slices.Clone(docs)
	slices.SortStableFunc(byDate, func(a, b search.Doc) int { return b.Date.Compare(a.Date) })
	var want []string
	for _, d := range byDate {
		want = append(want, d.ID)
	}
	res := run(t, ix, search.Request{Query: "Bescheid", Sort: search.SortDate})
	if got := find(t, ix, search.Request{Query: "Bescheid", Sort: search.SortDate}); !slices.Equal(got, want) {
		t.Errorf("by date: %v, want %v", names(got), names(want))
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Date.After(res.Hits[i-1].Date) {
			t.Fatalf("hit %d newer than hit %d", i, i-1)
		}
	}
	// Without words, relevance means newest first too.
	if got := find(t, ix, search.Request{}); !slices.Equal(got, want) {
		t.Errorf("no words: %v, want %v", names(got), names(want))
	}
	// Relevance: the documents saying it four times first.
	rel := find(t, ix, search.Request{Query: "Bescheid"})
	if !sameSet(rel[:5], ids(5, 10, 15, 20, 25)) {
		t.Errorf("by relevance: %v", names(rel))
	}
	// Pages put together give the whole order, for both sorts.
	for _, sort := range []string{search.SortDate, search.SortRelevance} {
		all := find(t, ix, search.Request{Query: "Bescheid", Sort: sort})
		var paged []string
		for from := 0; from < 30; from += 10 {
			res := run(t, ix, search.Request{Query: "Bescheid", Sort: sort, Size: 10, From: from})
			if res.Total != 25 {
				t.Errorf("page from %d: total %d", from, res.Total)
			}
			for _, h := range res.Hits {
				paged = append(paged, h.ID)
			}
		}
		if !slices.Equal(paged, all) {
			t.Errorf("%s: pages %v, want %v", sort, names(paged), names(all))
		}
	}
	// Hits carry their stored fields.
	h := run(t, ix, search.Request{Query: "Bescheid", Sort: search.SortDate, Size: 1}).Hits[0]
	d := byDate[0]
	if h.ID != d.ID || h.Title != d.Title || !h.Date.Equal(d.Date) || h.Citizen != d.Citizen ||
		h.Class != d.Class || h.Source != d.Source || h.Status != d.Status || h.Score != 0 {
		t.Errorf("hit %+v does not match doc %+v (and a page by date has no scores)", h, d)
	}
	if h := run(t, ix, search.Request{Query: "Bescheid", Size: 1}).Hits[0]; h.Score <= 0 {
		t.Errorf("a page by relevance: hit %+v has no score", h)
	}
	if res := run(t, ix, search.Request{Query: "Bescheid", Size: 10, From: 10000}); len(res.Hits) != 0 || res.Total != 25 {
		t.Errorf("deep page: %d hits, total %d", len(res.Hits), res.Total)
	}
	for _, req := range []search.Request{
		{Size: search.MaxSize + 1}, {Size: -1}, {From: search.MaxFrom + 1}, {From: -1}, {Sort: "title"},
		{Citizen: []string{"a b"}}, {Status: []string{"lost"}}, {Class: slices.Repeat([]string{"tax"}, search.MaxFilterValues+1)},
	} {
		req.Role = search.Clerk
		if _, err := ix.Search(context.Background(), req); !errors.Is(err, search.ErrInvalid) {
			t.Errorf("%+v: error %v, want ErrInvalid", req, err)
		}
	}
}

// TestScanLimit: a search stops after ScanLimit matches and says so; a result that ends
// exactly at the limit is whole.
func TestScanLimit(t *testing.T) {
	ix, _ := open(t, &search.Options{ScanLimit: 10})
	var docs []search.Doc
	for n := 1; n <= 25; n++ {
		d := doc(n, "Schreiben", strings.Repeat("Bescheid ", 1+n%3))
		if n <= 10 {
			d.Text += " Mahnung"
		}
		d.Class = []string{"tax", "correspondence"}[n%2]
		docs = append(docs, d)
	}
	fill(t, ix, docs...)
	res := run(t, ix, search.Request{Query: "Bescheid", Facets: true})
	if !res.Capped || res.Total != 10 || len(res.Hits) != 10 {
		t.Errorf("capped search: capped %v, total %d, %d hits", res.Capped, res.Total, len(res.Hits))
	}
	sum := 0
	for _, ft := range res.Facets["class"].Terms {
		sum += ft.Count
	}
	if sum != 10 {
		t.Errorf("capped facets count %d documents, want the 10 seen: %+v", sum, res.Facets["class"])
	}
	// Scores of the page are in order, and no hit is repeated.
	seen := map[string]bool{}
	for i, h := range res.Hits {
		if seen[h.ID] || i > 0 && h.Score > res.Hits[i-1].Score {
			t.Errorf("hit %d %s out of order or repeated: %+v", i, h.ID, res.Hits)
		}
		seen[h.ID] = true
	}
	if res := run(t, ix, search.Request{Query: "Mahnung"}); res.Capped || res.Total != 10 {
		t.Errorf("exactly the limit: capped %v, total %d", res.Capped, res.Total)
	}
	if res := run(t, ix, search.Request{Query: "Mahnung Bescheid"}); res.Capped || res.Total != 10 {
		t.Errorf("exactly the limit, two words: capped %v, total %d", res.Capped, res.Total)
	}
}

// TestDateFilterAgainstBruteForce: date ranges made of whole years, partial years and open
// ends find exactly the documents whose date lies within them.
func TestDateFilterAgainstBruteForce(t *testing.T) {
	ix, _ := open(t, nil)
	var docs []search.Doc
	for n := 1; n <= 60; n++ {
		d := doc(n, "Schreiben", "Bescheid")
		d.Date = day(2015+n%8, time.Month(1+n*7%12), 1+n*5%28)
		if n%13 == 0 {
			d.Date = time.Time{} // Created (2025-06-01) stands in
		}
		docs = append(docs, d)
	}
	fill(t, ix, docs...)
	for _, r := range []struct{ from, to time.Time }{
		{day(2017, 1, 1), day(2019, 12, 31)},
		{day(2016, 3, 15), day(2019, 12, 31)},
		{day(2016, 3, 15), day(2020, 2, 10)},
		{day(2018, 5, 1), day(2018, 9, 30)},
		{day(2018, 1, 1), day(2018, 1, 1)},
		{day(2019, 1, 1), time.Time{}},
		{time.Time{}, day(2017, 6, 30)},
		{day(2030, 1, 1), time.Time{}},
		{day(2025, 6, 1), day(2025, 6, 1)},
	} {
		var want []string
		for _, d := range docs {
			eff := d.Date
			if eff.IsZero() {
				eff = d.Created
			}
			if (r.from.IsZero() || !eff.Before(r.from)) && (r.to.IsZero() || eff.Before(r.to.AddDate(0, 0, 1))) {
				want = append(want, d.ID)
			}
		}
		got := find(t, ix, search.Request{Query: "Bescheid", DateFrom: r.from, DateTo: r.to, Size: 100})
		if !sameSet(got, want) {
			t.Errorf("%v–%v: %d hits, want %d", r.from.Format(time.DateOnly), r.to.Format(time.DateOnly), len(got), len(want))
		}
		got = find(t, ix, search.Request{DateFrom: r.from, DateTo: r.to, Size: 100})
		if !sameSet(got, want) {
			t.Errorf("%v–%v without words: %d hits, want %d", r.from.Format(time.DateOnly), r.to.Format(time.DateOnly), len(got), len(want))
		}
	}
}
