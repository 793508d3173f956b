package search

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// rowFilters: filters on class, source and date are checked on the columns of each match
// (rowFilter) when a search has words and every segment's columns are ready. Tests switch it
// off to compare with the postings path.
var rowFilters = true

// rowFilter is a search's filter on class, source and document date, checked on the columns
// of each match instead of intersected as postings lists. As postings, a class is one list
// with an entry per document of the class, and a date range one list per year and per
// prefix-coded range term; a search for frequent words advanced the words' lists against
// all of them, decoding frequencies on the way — at 1,000,000 documents a word with a
// class and a date range took 40–60 ms, most of it in those lists. Checked here, a filter
// costs two array reads per match of the words.
type rowFilter struct {
	cols     *snapshotColumns
	allow    [][]bool // per facet field (facetFields order): allowed value numbers; nil: any
	from, to int64    // the effective date in [from, to), Unix nanoseconds
}

// rowFilterFor returns an empty rowFilter for r, or nil if not every segment of r has its
// columns ready (then filters are postings, as before).
func (ix *Index) rowFilterFor(r index.IndexReader) *rowFilter {
	if !rowFilters {
		return nil
	}
	sc := ix.cols.forSnapshot(r)
	if sc == nil || slices.Contains(sc.segs, nil) {
		return nil
	}
	return &rowFilter{cols: sc, allow: make([][]bool, len(facetFields)), from: math.MinInt64, to: math.MaxInt64}
}

// keyword narrows field to documents with one of vals; it reports false if no document has
// any of them (nothing can match).
func (rf *rowFilter) keyword(c *columns, field string, vals []string) bool {
	f := slices.Index(facetFields, field)
	var allow []bool
	for _, v := range vals {
		o, ok := c.lookup(f, v)
		if !ok || (rf.allow[f] != nil && !allowed(rf.allow[f], o)) {
			continue
		}
		if int(o) >= len(allow) {
			allow = append(allow, make([]bool, int(o)+1-len(allow))...)
		}
		allow[o] = true
	}
	if allow == nil {
		return false
	}
	rf.allow[f] = allow
	return true
}

func allowed(allow []bool, o uint16) bool { return int(o) < len(allow) && allow[o] }

// dates narrows the effective date to [from, to); a zero bound is open.
func (rf *rowFilter) dates(from, to time.Time) {
	if !from.IsZero() {
		rf.from = max(rf.from, from.UnixNano())
	}
	if !to.IsZero() {
		rf.to = min(rf.to, to.UnixNano())
	}
}

// active reports whether the filter checks anything.
func (rf *rowFilter) active() bool {
	return rf.from != math.MinInt64 || rf.to != math.MaxInt64 || slices.ContainsFunc(rf.allow, func(a []bool) bool { return a != nil })
}

// keep reports whether global document num passes the filter.
func (rf *rowFilter) keep(num uint64) bool {
	col, doc := rf.cols.at(num)
	if col == nil { // cannot happen: every segment of the snapshot has columns
		return false
	}
	for f, allow := range rf.allow {
		if allow != nil && !allowed(allow, col.facet[f][doc]) {
			return false
		}
	}
	d := col.date[doc]
	return rf.from <= d && d < rf.to
}

// next returns a Next that skips the matches of next the filter does not keep. Skipping
// stops with ctx's error when ctx ends.
func (rf *rowFilter) next(ctx context.Context, next func(*search.SearchContext) (*search.DocumentMatch, error)) func(*search.SearchContext) (*search.DocumentMatch, error) {
	return func(sctx *search.SearchContext) (*search.DocumentMatch, error) {
		for n := 1; ; n++ {
			dm, err := next(sctx)
			if err != nil || dm == nil || rf.keep(dm.IndexInternalID.Value()) {
				return dm, err
			}
			sctx.DocumentMatchPool.Put(dm)
			if n%4096 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
	}
}
