package search

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// yearSets keeps, per segment, the years of its documents and, for each, the documents of
// that year and all before it. A date filter then takes a segment's range of years with one
// And and one AndNot, instead of uniting the postings of every year it touches (or leaves
// out), and the years of the index come from the segments' lists instead of a walk of the
// merged year dictionary: the two were half of a filtered word's search at 1M documents.
// Segments never change; the sets of those merged away are dropped (forgetMerged).
type yearSets struct {
	mu   sync.Mutex
	segs map[uint64]*segYears
}

// segYears are the years of one segment, built once on first use.
type segYears struct {
	once  sync.Once
	years []int             // ascending
	upto  []*roaring.Bitmap // upto[k]: the documents of years[0] … years[k]
	err   error
}

func newYearSets() *yearSets { return &yearSets{segs: map[uint64]*segYears{}} }

// of returns the years of ss, building them on first use.
func (c *yearSets) of(ss *scorch.SegmentSnapshot, live []*scorch.SegmentSnapshot) (*segYears, error) {
	c.mu.Lock()
	sy := c.segs[ss.Id()]
	if sy == nil {
		sy = &segYears{}
		c.segs[ss.Id()] = sy
		forgetMerged(c.segs, live)
	}
	c.mu.Unlock()
	sy.once.Do(func() { sy.err = sy.build(ss) })
	return sy, sy.err
}

func (sy *segYears) build(ss *scorch.SegmentSnapshot) error {
	seg := ss.Segment()
	dict, err := seg.Dictionary(fieldYear)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	var terms []string
	err = eachTerm(dict, func(term string) error {
		if _, err := strconv.Atoi(term); err == nil {
			terms = append(terms, term)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(terms, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
	acc := roaring.New()
	for _, t := range terms {
		bm, err := termBitmap(seg, fieldYear, t)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if bm != nil {
			acc.Or(bm)
		}
		y, _ := strconv.Atoi(t)
		sy.years = append(sy.years, y)
		acc.RunOptimize()
		sy.upto = append(sy.upto, acc.Clone())
	}
	return nil
}

// touched returns the range [lo, hi) of sy.years that [from, to) touches (either zero: open).
func (sy *segYears) touched(from, to time.Time) (lo, hi int) {
	lo, hi = 0, len(sy.years)
	if !from.IsZero() {
		lo, _ = slices.BinarySearchFunc(sy.years, from, func(y int, t time.Time) int {
			if yearStart(y + 1).After(t) {
				return 1
			}
			return -1
		})
	}
	if !to.IsZero() {
		hi, _ = slices.BinarySearchFunc(sy.years, to, func(y int, t time.Time) int {
			if yearStart(y).Before(t) {
				return -1
			}
			return 1
		})
	}
	return lo, max(lo, hi)
}

// keep takes out of m the documents whose year [from, to) does not touch.
func (sy *segYears) keep(m *roaring.Bitmap, from, to time.Time) {
	lo, hi := sy.touched(from, to)
	switch {
	case lo == hi:
		m.Clear()
		return
	case hi < len(sy.years):
		m.And(sy.upto[hi-1])
	}
	if lo > 0 {
		m.AndNot(sy.upto[lo-1])
	}
}

// yearsWithin returns the years of the index's documents that [from, to) touches (either
// zero: open), and of them those it does not hold whole.
func (ix *Index) yearsWithin(r index.IndexReader, from, to time.Time) (years, cut []string, err error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, fmt.Errorf("search: date filters need a scorch snapshot, not %T", r)
	}
	segs := snap.Segments()
	var all []int
	for _, ss := range segs {
		sy, err := ix.years.of(ss, segs)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, sy.years...)
	}
	slices.Sort(all)
	for _, y := range slices.Compact(all) {
		term := strconv.Itoa(y)
		start, end := yearStart(y), yearStart(y+1)
		if !from.IsZero() && !end.After(from) || !to.IsZero() && !to.After(start) {
			continue
		}
		years = append(years, term)
		if from.After(start) || !to.IsZero() && to.Before(end) {
			cut = append(cut, term)
		}
	}
	return years, cut, nil
}

// eachTerm calls fn with each term of dict, in order, until fn fails.
func eachTerm(dict segment.TermDictionary, fn func(term string) error) error {
	it := dict.AutomatonIterator(nil, nil, nil)
	for {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if e == nil {
			return nil
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
}
