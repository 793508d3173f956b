package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Paging bounds and sort orders of a Request.
const (
	DefaultSize     = 20
	MaxSize         = 100
	MaxFrom         = 10000
	MaxFilterValues = 100 // values in one of Request's filter lists

	SortRelevance = "relevance" // best first; documents without words to score come newest first
	SortDate      = "date"      // newest document date first
)

// Facet names in Result.Facets, and how many values each reports at most.
var facetSizes = map[string]int{fieldClass: 50, fieldYear: 50, fieldSource: 20, fieldStatus: 3}

// Request is one search. Query is what the clerk typed (see ParseQuery); the other filters come
// from the UI or API and narrow the result further: several values in one filter mean any of
// them, different filters must all hold, and a filter given both here and in Query must hold
// both ways. Role decides which statuses are visible at all (see Role).
type Request struct {
	Query   string
	Citizen []string
	Class   []string
	Source  []string
	Status  []string // narrows the statuses Role may see; never widens them
	// DateFrom and DateTo bound the document date by calendar days (UTC), both inclusive; the
	// time of day is ignored; zero means open.
	DateFrom, DateTo time.Time
	Role             Role
	Size             int    // hits per page: 0 means DefaultSize; at most MaxSize
	From             int    // hits to skip: at most MaxFrom
	Sort             string // SortRelevance (also "") or SortDate
	Facets           bool   // fill Result.Facets
	Highlight        bool   // fill Hit.Fragments
}

// Result is one page of hits.
type Result struct {
	Hits   []Hit
	Total  int              // documents matching, over all pages
	Facets map[string]Facet // "class", "year", "source", "status"; nil unless asked for
	Took   time.Duration
}

// Hit is one matching document.
type Hit struct {
	ID        string
	Score     float64 // relevance; comparable within one Result only
	Title     string
	Date      time.Time // the document date, or its creation time if it had none
	Citizen   string
	Class     string
	Source    string
	Status    string
	Fragments []Fragment // only with Request.Highlight, and only when the body matched
}

// Facet counts the matching documents per value of a field, most frequent first (ties by
// value); Other counts documents whose values did not make it into Terms.
type Facet struct {
	Terms []FacetTerm
	Other int
}

// FacetTerm is one value and how many matching documents have it.
type FacetTerm struct {
	Value string
	Count int
}

// Search runs req. It is safe for concurrent use with everything else; it sees what was
// committed when it started. Errors: a *QueryError for a query that cannot be run (also
// ErrInvalid); ErrInvalid for other bad parts of req; ErrForbidden if req.Role may not
// search; ErrClosed; ctx.Err() when ctx is done.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	start := time.Now()
	plan, err := ix.plan(req)
	if err != nil {
		return nil, err
	}
	if plan == nil { // nothing can match
		return &Result{Hits: []Hit{}, Facets: emptyFacets(req.Facets), Took: time.Since(start)}, nil
	}
	sr := bleve.NewSearchRequestOptions(plan.query, plan.size, req.From, false)
	sr.Fields = []string{fieldTitle, fieldDate, fieldCitizen, fieldClass, fieldSource, fieldStatus}
	if req.Highlight {
		sr.Fields = append(sr.Fields, fieldText)
		sr.IncludeLocations = true
	}
	if plan.byDate {
		sr.SortBy([]string{"-" + fieldDate, "_id"})
	} else {
		sr.SortBy([]string{"-_score", "-" + fieldDate, "_id"})
	}
	if req.Facets {
		for f, n := range facetSizes {
			sr.AddFacet(f, bleve.NewFacetRequest(f, n))
		}
	}
	res, err := ix.b.SearchInContext(ctx, sr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Hits: make([]Hit, 0, len(res.Hits)), Total: int(res.Total), Took: time.Since(start)}
	for _, dm := range res.Hits {
		out.Hits = append(out.Hits, hitOf(dm, req.Highlight))
	}
	if req.Facets {
		out.Facets = facetsOf(res.Facets)
	}
	return out, nil
}

// plan is a validated request turned into a Bleve query.
type plan struct {
	query  query.Query
	size   int
	byDate bool
}

// plan validates req and builds its query; nil means nothing can match.
func (ix *Index) plan(req Request) (*plan, error) {
	p, statuses, err := validate(req)
	if err != nil {
		return nil, err
	}
	q, err := ParseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	filters, ok, err := filtersOf(req, q, statuses)
	if err != nil || !ok {
		return nil, err
	}
	must, mustNot, ok, err := ix.terms(q)
	if err != nil || !ok {
		return nil, err
	}
	bq := bleve.NewBooleanQuery()
	if len(must) > 0 {
		bq.AddMust(bleve.NewConjunctionQuery(must...))
		bq.AddFilter(bleve.NewConjunctionQuery(filters...))
	} else {
		// No words to score: the filters drive the search, and relevance is meaningless.
		bq.AddMust(bleve.NewConjunctionQuery(filters...))
		p.byDate = true
	}
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	p.query = bq
	return p, nil
}

// validate checks the parts of req other than the query; it returns the plan's paging and
// order, and the statuses to show.
func validate(req Request) (*plan, []string, error) {
	visible := req.Role.visibleStatuses()
	if visible == nil {
		return nil, nil, fmt.Errorf("search: %w: role %q may not search", ErrForbidden, req.Role)
	}
	p := &plan{size: req.Size}
	if p.size == 0 {
		p.size = DefaultSize
	}
	switch {
	case p.size < 0 || p.size > MaxSize:
		return nil, nil, fmt.Errorf("search: %w: size %d is not between 1 and %d", ErrInvalid, req.Size, MaxSize)
	case req.From < 0 || req.From > MaxFrom:
		return nil, nil, fmt.Errorf("search: %w: from %d is not between 0 and %d", ErrInvalid, req.From, MaxFrom)
	}
	switch req.Sort {
	case "", SortRelevance:
	case SortDate:
		p.byDate = true
	default:
		return nil, nil, fmt.Errorf("search: %w: sort %q is neither %q nor %q", ErrInvalid, req.Sort, SortRelevance, SortDate)
	}
	for _, f := range [][]string{req.Citizen, req.Class, req.Source, req.Status} {
		if len(f) > MaxFilterValues {
			return nil, nil, fmt.Errorf("search: %w: more than %d values in one filter", ErrInvalid, MaxFilterValues)
		}
	}
	for _, f := range [][]string{req.Citizen, req.Class, req.Source} {
		for _, v := range f {
			if !validKeyword(v) {
				return nil, nil, fmt.Errorf("search: %w: filter value %q: 1–64 characters from [A-Za-z0-9._-]", ErrInvalid, v)
			}
		}
	}
	if len(req.Status) == 0 {
		return p, visible, nil
	}
	var statuses []string // requested and visible
	for _, s := range req.Status {
		if !validStatus(s) {
			return nil, nil, fmt.Errorf("search: %w: status %q is not active, restricted or disposed", ErrInvalid, s)
		}
		if slices.Contains(visible, s) && !slices.Contains(statuses, s) {
			statuses = append(statuses, s)
		}
	}
	return p, statuses, nil
}

// filtersOf returns the filter queries of req and q; ok is false if nothing can match.
func filtersOf(req Request, q *Query, statuses []string) (filters []query.Query, ok bool, err error) {
	if len(statuses) == 0 {
		return nil, false, nil
	}
	filters = []query.Query{anyTerm(fieldStatus, statuses)}
	for _, f := range []struct {
		field string
		vals  []string
	}{{fieldCitizen, req.Citizen}, {fieldCitizen, q.Citizens}, {fieldClass, req.Class}, {fieldClass, q.Classes}, {fieldSource, req.Source}} {
		if len(f.vals) > 0 {
			filters = append(filters, anyTerm(f.field, f.vals))
		}
	}
	from, to := laterDay(req.DateFrom, q.From), earlierDay(req.DateTo, q.To)
	if from.IsZero() && to.IsZero() {
		return filters, true, nil
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // bis: is inclusive
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return nil, false, nil
	}
	for _, d := range []time.Time{from, to} {
		if !d.IsZero() && (d.Before(minDate) || d.After(maxDate)) {
			return nil, false, fmt.Errorf("search: %w: dates must lie between %d and %d", ErrInvalid, minDate.Year(), maxDate.Year()-1)
		}
	}
	incl, excl := true, false
	dq := bleve.NewDateRangeInclusiveQuery(from, to, &incl, &excl)
	dq.SetField(fieldDate)
	return append(filters, dq), true, nil
}

// terms returns the queries for the words and phrases of q that must and must not match; ok
// is false if nothing can match. Words with nothing searchable in them, like "&", are left
// out; if every word is, nothing matches (rather than everything).
func (ix *Index) terms(q *Query) (must, mustNot []query.Query, ok bool, err error) {
	tb := &termBuilder{ix: ix}
	defer tb.close()
	words := 0
	for _, t := range q.Terms {
		tq, err := tb.build(t)
		if err != nil {
			return nil, nil, false, err
		}
		if !t.Exclude {
			words++
		}
		switch {
		case tq == nil:
		case t.Exclude:
			mustNot = append(mustNot, tq)
		default:
			must = append(must, tq)
		}
	}
	return must, mustNot, words == 0 || len(must) > 0, nil
}

// anyTerm matches documents whose keyword field has any of vals.
func anyTerm(field string, vals []string) query.Query {
	qs := make([]query.Query, len(vals))
	for i, v := range vals {
		tq := bleve.NewTermQuery(v)
		tq.SetField(field)
		qs[i] = tq
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func laterDay(a, b time.Time) time.Time {
	a, b = dayOrZero(a), dayOrZero(b)
	if a.IsZero() || b.After(a) {
		return b
	}
	return a
}

func earlierDay(a, b time.Time) time.Time {
	a, b = dayOrZero(a), dayOrZero(b)
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

func dayOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return dayStart(t)
}

// hitOf turns a Bleve hit into ours.
func hitOf(dm *search.DocumentMatch, highlight bool) Hit {
	str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
	h := Hit{
		ID: dm.ID, Score: dm.Score, Title: str(fieldTitle),
		Citizen: str(fieldCitizen), Class: str(fieldClass), Source: str(fieldSource), Status: str(fieldStatus),
	}
	if t, err := time.Parse(time.RFC3339, str(fieldDate)); err == nil {
		h.Date = t.UTC()
	}
	if highlight {
		h.Fragments = fragments(str(fieldText), dm.Locations, maxFragments)
	}
	return h
}

func facetsOf(fr search.FacetResults) map[string]Facet {
	out := emptyFacets(true)
	for name, r := range fr {
		var f Facet
		for _, t := range r.Terms.Terms() {
			f.Terms = append(f.Terms, FacetTerm{Value: t.Term, Count: t.Count})
		}
		slices.SortStableFunc(f.Terms, func(a, b FacetTerm) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		f.Other = r.Other
		out[name] = f
	}
	return out
}

func emptyFacets(asked bool) map[string]Facet {
	if !asked {
		return nil
	}
	out := make(map[string]Facet, len(facetSizes))
	for f := range facetSizes {
		out[f] = Facet{}
	}
	return out
}
