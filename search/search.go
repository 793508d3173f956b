package search

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
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
	Hits  []Hit
	Total int // documents matching, over all pages; a lower bound if Capped
	// Capped: more documents may match than were looked at (for a search answered from the
	// impact lists, only with a phrase). Either more than
	// Options.ScanLimit match: the search stopped there, Total is the limit, the page holds
	// the best of the documents seen, and Facets count those. Or the query has a phrase and
	// only some of the candidates were checked for it (phrase.go): Total counts those that
	// held it.
	Capped bool
	Facets map[string]Facet // "class", "year", "source", "status"; nil unless asked for
	Took   time.Duration
}

// Hit is one matching document.
type Hit struct {
	ID        string
	Score     float64 // relevance; comparable within one Result only; 0 on a page sorted by date
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
	// One snapshot serves the whole search: the name rule, the years of a date filter and
	// the collection see the same index.
	r, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	plan, err := ix.plan(r, req)
	if err != nil {
		return nil, err
	}
	if plan == nil { // nothing can match
		return &Result{Hits: []Hit{}, Facets: emptyFacets(req.Facets), Took: time.Since(start)}, nil
	}
	out, err := ix.collect(ctx, r, plan, req)
	if err != nil {
		return nil, err
	}
	out.Took = time.Since(start)
	return out, nil
}

// plan is a validated request turned into a Bleve query.
type plan struct {
	query   query.Query
	size    int
	byDate  bool
	noWords bool          // nothing to score
	clauses int           // words and filters that must all match
	mark    marker        // what to highlight
	checks  []phraseCheck // phrases whose word order each match must pass (phrase.go)
	// checkEach: check the phrases of every match as it comes, not only of the best.
	checkEach bool
	top       *topQuery // the search for the impact lists (impact.go); nil if they cannot answer it
}

// plan validates req and builds its query against r; nil means nothing can match.
func (ix *Index) plan(r index.IndexReader, req Request) (*plan, error) {
	p, statuses, err := validate(req)
	if err != nil {
		return nil, err
	}
	q, err := ParseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	filters, tf, ok, err := ix.filtersOf(r, req, q, statuses)
	if err != nil || !ok {
		return nil, err
	}
	must, mustNot, tb, ok, err := ix.terms(r, q, p)
	if err != nil || !ok {
		return nil, err
	}
	if useImpacts && !p.byDate && !req.Facets && len(tb.groups) > 0 && len(tb.groups) <= maxTopWords {
		p.top = &topQuery{groups: tb.groups, excluded: tb.excluded, filter: tf}
	}
	bq := bleve.NewBooleanQuery()
	switch {
	case len(must) > 0:
		// Filters join the words in one conjunction, which skips ahead on the most selective
		// list; Bleve's boolean filter clause instead tests every document the words match.
		// Filters weigh nothing (boost 0, see anyTerm and dateFilter): a date range matches
		// each document by one of many prefix-coded terms, each with its own IDF, and had
		// reordered the words' hits.
		bq.AddMust(bleve.NewConjunctionQuery(append(must, filters...)...))
		p.clauses = len(must) + len(filters)
	case len(filters) > 0:
		// No words to score: the filters drive the search, and relevance is meaningless.
		bq.AddMust(bleve.NewConjunctionQuery(filters...))
		p.byDate, p.noWords = true, true
	default:
		bq.AddMust(bleve.NewMatchAllQuery())
		p.byDate, p.noWords = true, true
	}
	if len(tf.hidden) > 0 {
		mustNot = append(mustNot, anyTerm(fieldStatus, tf.hidden))
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

// filtersOf returns the filter queries of req and q, and in f the same filters as the impact
// lists use them (impact.go) and the statuses to hide; ok is false if nothing can match. Most
// records are active, so while active ones are to be shown, the other statuses are excluded
// (short postings lists) rather than the visible ones required (one entry per document).
func (ix *Index) filtersOf(r index.IndexReader, req Request, q *Query, statuses []string) (filters []query.Query, f *topFilter, ok bool, err error) {
	if len(statuses) == 0 {
		return nil, nil, false, nil
	}
	f = &topFilter{}
	if slices.Contains(statuses, StatusActive) {
		for _, s := range []string{StatusRestricted, StatusDisposed} {
			if !slices.Contains(statuses, s) {
				f.hidden = append(f.hidden, s)
			}
		}
	} else {
		filters = []query.Query{anyTerm(fieldStatus, statuses)}
		f.anyOf = append(f.anyOf, keywords{fieldStatus, statuses})
	}
	for _, k := range []keywords{{fieldCitizen, req.Citizen}, {fieldCitizen, q.Citizens}, {fieldClass, req.Class}, {fieldClass, q.Classes}, {fieldSource, req.Source}} {
		if len(k.vals) > 0 {
			filters = append(filters, anyTerm(k.field, k.vals))
			f.anyOf = append(f.anyOf, k)
		}
	}
	from, to := laterDay(req.DateFrom, q.From), earlierDay(req.DateTo, q.To)
	if from.IsZero() && to.IsZero() {
		return filters, f, true, nil
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // bis: is inclusive
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return nil, nil, false, nil
	}
	for _, d := range []time.Time{from, to} {
		if !d.IsZero() && (d.Before(minDate) || d.After(maxDate)) {
			return nil, nil, false, fmt.Errorf("search: %w: dates must lie between %d and %d", ErrInvalid, minDate.Year(), maxDate.Year()-1)
		}
	}
	if f.years, f.cut, err = ix.yearsWithin(r, from, to); err != nil {
		return nil, nil, false, err
	}
	f.from, f.to = from, to
	return append(filters, dateFilter(from, to, f.whole())), f, true, nil
}

// dateFilter matches documents whose effective date lies in [from, to), either bound zero
// meaning open; whole are the index's years wholly within (see yearsWithin). Whole years
// become terms of the year field, and only the partial years at the ends are date ranges. A
// date range is a disjunction over many prefix-coded terms, so a filter of three whole years
// had cost more than the words it filtered.
func dateFilter(from, to time.Time, whole []string) query.Query {
	if from.IsZero() {
		from = minDate
	}
	if to.IsZero() {
		to = maxDate
	}
	dateRange := func(a, b time.Time) query.Query {
		incl, excl := true, false
		dq := bleve.NewDateRangeInclusiveQuery(a, b, &incl, &excl)
		dq.SetField(fieldDate)
		dq.SetBoost(0) // a filter, like anyTerm
		return dq
	}
	first, last := from.Year(), to.Year()-1 // whole years first..last
	if !from.Equal(yearStart(from.Year())) {
		first++
	}
	if first > last {
		return dateRange(from, to)
	}
	var parts []query.Query
	if from.Before(yearStart(first)) {
		parts = append(parts, dateRange(from, yearStart(first)))
	}
	if yearStart(last + 1).Before(to) {
		parts = append(parts, dateRange(yearStart(last+1), to))
	}
	if len(whole) > 0 {
		parts = append(parts, anyTerm(fieldYear, whole))
	}
	switch len(parts) {
	case 0:
		return bleve.NewMatchNoneQuery()
	case 1:
		return parts[0]
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// terms returns the queries for the words and phrases of q that must and must not match; ok
// is false if nothing can match. Words with nothing searchable in them, like "&", are left
// out; if every word is, nothing matches (rather than everything).
func (ix *Index) terms(r index.IndexReader, q *Query, p *plan) (must, mustNot []query.Query, tb *termBuilder, ok bool, err error) {
	tb = &termBuilder{ix: ix, reader: r, mark: &p.mark}
	words := 0
	for _, t := range q.Terms {
		tq, err := tb.build(t)
		if err != nil {
			return nil, nil, nil, false, err
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
	p.checks = tb.checks
	return must, mustNot, tb, words == 0 || len(must) > 0, nil
}

// anyTerm matches documents whose keyword field has any of vals. It is a filter and adds
// nothing to a hit's score (boost 0).
func anyTerm(field string, vals []string) query.Query {
	qs := make([]query.Query, len(vals))
	for i, v := range vals {
		qs[i] = fieldTerm(field, v, 0)
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
