package search

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// collect runs a plan against r, one snapshot of the index: it walks the matches, keeps the
// best From+Size of them, counts facets, and stops after Options.ScanLimit matches. Bleve's
// own collector has no such limit: a word in half of a million documents made it score,
// sort and count all of them, 100 ms and more per search. With the limit, a search costs at
// most ScanLimit matches; past it, Total is a lower bound, the page is the best of the
// matches seen, and facets count those (Result.Capped says so).
func (ix *Index) collect(ctx context.Context, r index.IndexReader, p *plan, req Request) (*Result, error) {
	if p.top != nil {
		out, ok, err := ix.topSearch(ctx, r, p, req)
		if err != nil || ok {
			return out, err
		}
	}
	// A page by date needs no scores, and unscored postings skip to a document where scored
	// ones step through every posting before it (zap decodes frequencies in order): a
	// citizen's file searched for a frequent word took up to 28 ms at 1M documents.
	opts := search.SearcherOptions{}
	if p.noWords || p.byDate {
		opts.Score = "none"
	}
	s, err := p.query.Searcher(ctx, r, ix.b.Mapping(), opts)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer s.Close()

	keep := req.From + p.size
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+keep+1, 0),
		IndexReader:       r,
	}
	var fc *facetCounter
	if req.Facets {
		fc = newFacetCounter(ix.cols)
	}
	// The date and facet values of a match come from the columns, or from the doc values for
	// a segment whose columns are not built yet.
	var cols *snapshotColumns
	var dv index.DocValueReader
	if p.byDate || fc != nil {
		cols = ix.cols.forSnapshot(r)
		var dvFields []string
		if fc != nil {
			dvFields = append(dvFields, facetFields...)
		}
		if p.byDate {
			dvFields = append(dvFields, fieldDate)
		}
		if dv, err = r.DocValueReader(dvFields); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}

	h := &hitHeap{byDate: p.byDate}
	var date int64
	visit := func(field string, term []byte) {
		if field == fieldDate {
			if d, ok := dateValue(term); ok {
				date = d
			}
			return
		}
		if fc != nil {
			fc.add(field, term)
		}
	}
	// A search of several clauses (words, or words and filters) that few documents match is
	// scored only where it matches. Bleve's scored conjunction walks the postings of every
	// word in every field, decoding each posting's frequency, until the lists meet: 130 ms at
	// 1,000,000 documents for two frequent words that never occur together. The same query
	// unscored is answered from the postings bitmaps (6 µs there), so it runs first, counting
	// up to fewMatches; if that is all, the scored searcher jumps to each of them.
	next := s.Next
	if p.clauses > 1 && driveScored {
		ids, err := ix.unscoredMatches(ctx, r, p, fewMatches)
		if err != nil {
			return nil, err
		}
		if len(ids) <= fewMatches {
			next = scoreOnly(s, ids)
		}
	}
	// Phrases are checked on the stored text (phrase.go). With facets every match counts, so
	// each is checked as it comes; without, only the best candidates are, from the top of the
	// ranking down, until the page is full.
	var phrases *phraseChecker
	late := false
	if len(p.checks) > 0 {
		if phrases, err = newPhraseChecker(ix, r, p.checks); err != nil {
			return nil, err
		}
		if late = fc == nil && !p.checkEach; late {
			keep = min(lateChecks(keep), ix.opts.ScanLimit)
		}
	}
	n, capped := 0, false
	for seen := 0; ; seen++ {
		if seen%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		dm, err := next(sctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("search: %w", err)
		}
		if dm == nil {
			break
		}
		if phrases != nil && !late {
			if phrases.exhausted() {
				capped = true
				sctx.DocumentMatchPool.Put(dm)
				break
			}
			ok, err := phrases.passes(dm)
			if err != nil {
				return nil, err
			}
			if !ok {
				sctx.DocumentMatchPool.Put(dm)
				continue
			}
		}
		if dv != nil {
			date = 0
			if col, doc := cols.at(dm.IndexInternalID.Value()); col != nil {
				date = col.date[doc]
				if fc != nil {
					for f, ords := range col.facet {
						fc.addOrd(f, ords[doc])
					}
				}
			} else if err := dv.VisitDocValues(dm.IndexInternalID, visit); err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
		}
		h.offer(entry{dm: dm, date: date, seq: n}, keep, sctx.DocumentMatchPool)
		n++
		if n >= ix.opts.ScanLimit {
			// Stop unless nothing more matches: a page that ends exactly at the limit is whole.
			more, err := next(sctx)
			if err == nil && more != nil {
				capped = true
			}
			break
		}
	}

	out := &Result{Hits: []Hit{}, Total: n, Capped: capped}
	page := h.sorted()
	if late {
		pass, again, err := checkBest(phrases, page, req.From+p.size, out)
		if err != nil {
			return nil, err
		}
		if again {
			q := *p
			q.checkEach = true
			return ix.collect(ctx, r, &q, req)
		}
		page = pass
	}
	if err := ix.pageOf(r, p, req, page[min(req.From, len(page)):], out); err != nil {
		return nil, err
	}
	if fc != nil {
		out.Facets = fc.result()
	}
	return out, nil
}

// pageOf adds the hits of page to out, with their stored fields and fragments.
func (ix *Index) pageOf(r index.IndexReader, p *plan, req Request, page []entry, out *Result) error {
	docs, err := storedOf(r)
	if err != nil {
		return err
	}
	for _, e := range page {
		hit, err := loadHit(docs, e.dm, req.Highlight)
		if err != nil {
			return err
		}
		if req.Highlight {
			hit.Fragments = fragments(hit.text, p.mark.spans(ix, hit.text), maxFragments)
		}
		out.Hits = append(out.Hits, hit.Hit)
	}
	return nil
}

// lateChecks is how many of the best candidates are kept for a page of want hits whose
// phrases are checked after ranking: some fail.
func lateChecks(want int) int { return 4*want + 32 }

// checkBest checks the phrases of the candidates on page, best first, and returns those that
// hold them. If page held every candidate (out.Total of them, not capped), all are checked
// and out.Total is exact; otherwise checking stops when want pass, and out.Total is how many
// did, a lower bound (out.Capped). again asks for the search to be run with every candidate
// checked as it comes: fewer than want of the best candidates held the phrases, and there
// were others.
func checkBest(pc *phraseChecker, page []entry, want int, out *Result) (pass []entry, again bool, err error) {
	whole := !out.Capped && out.Total == len(page)
	checked := 0
	for _, e := range page {
		if !whole && len(pass) == want || pc.exhausted() {
			break
		}
		ok, err := pc.passes(e.dm)
		if err != nil {
			return nil, false, err
		}
		checked++
		if ok {
			pass = append(pass, e)
		}
	}
	if !whole && len(pass) < want && checked == len(page) {
		return nil, true, nil
	}
	out.Total, out.Capped = len(pass), !whole || checked < len(page)
	return pass[:min(want, len(pass))], false, nil
}

// fewMatches: up to this many matches, a search of several clauses is scored only where it
// matches (see collect). Jumping to a match costs about as much as the scored conjunction
// spends per match anyway (10 µs for two frequent words at 1,000,000 documents); past this
// many, counting first would only add to the search.
const fewMatches = 1000

// driveScored can be switched off by tests, to compare.
var driveScored = true

// unscoredMatches returns the documents matching p's query, in index order, at most max+1.
func (ix *Index) unscoredMatches(ctx context.Context, r index.IndexReader, p *plan, max int) ([]index.IndexInternalID, error) {
	u, err := p.query.Searcher(ctx, r, ix.b.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer u.Close()
	uctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(u.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	var ids []index.IndexInternalID
	for len(ids) <= max {
		dm, err := u.Next(uctx)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if dm == nil {
			break
		}
		ids = append(ids, slices.Clone(dm.IndexInternalID))
		uctx.DocumentMatchPool.Put(dm)
	}
	return ids, nil
}

// scoreOnly returns a Next for scored searcher s that jumps to each of ids (ascending), the
// documents the same query matches unscored. Should the two disagree, s has the last word: an
// ID s does not match is skipped, and where s lands is returned.
func scoreOnly(s search.Searcher, ids []index.IndexInternalID) func(*search.SearchContext) (*search.DocumentMatch, error) {
	return func(sctx *search.SearchContext) (*search.DocumentMatch, error) {
		if len(ids) == 0 {
			return nil, nil
		}
		dm, err := s.Advance(sctx, ids[0])
		if err != nil || dm == nil {
			ids = nil
			return nil, err
		}
		for len(ids) > 0 && ids[0].Compare(dm.IndexInternalID) <= 0 {
			ids = ids[1:]
		}
		return dm, nil
	}
}

// dateValue decodes a date field's doc value term: the date in Unix nanoseconds if term is
// its full-precision (shift 0) term, the others being the coarser terms for ranges.
func dateValue(term []byte) (int64, bool) {
	pc := numeric.PrefixCoded(term)
	if s, err := pc.Shift(); err != nil || s != 0 {
		return 0, false
	}
	d, err := pc.Int64()
	return d, err == nil
}

// loadedHit is a hit with its stored body text, for highlighting.
type loadedHit struct {
	Hit
	text string
}

// loadHit reads the stored fields of one match, straight from its segment (Bleve's
// Document looks the ID up again in every segment's dictionary: a third of a
// frequent word's search at 1M documents went there).
func loadHit(docs stored, dm *search.DocumentMatch, withText bool) (loadedHit, error) {
	h := loadedHit{Hit: Hit{Score: dm.Score}}
	err := docs.visit(dm.IndexInternalID.Value(), func(field string, typ byte, value []byte, _ []uint64) bool {
		switch field {
		case "_id":
			h.ID = string(value)
		case fieldDate:
			if typ == 'd' {
				if t, _, err := document.NewDateTimeFieldFromBytes(field, nil, value).DateTime(); err == nil {
					h.Date = t.UTC()
				}
			}
		case fieldTitle:
			h.Title = string(value)
		case fieldCitizen:
			h.Citizen = string(value)
		case fieldClass:
			h.Class = string(value)
		case fieldSource:
			h.Source = string(value)
		case fieldStatus:
			h.Status = string(value)
		case fieldText:
			if withText {
				h.text = string(value)
			}
		}
		return true
	})
	if err == nil && h.ID == "" {
		err = fmt.Errorf("search: document number %d has no stored ID", dm.IndexInternalID.Value())
	}
	return h, err
}

// stored reads the stored fields of a snapshot's documents by their global numbers.
type stored struct {
	segs   []segment.Segment // the snapshot's segments
	starts []uint64          // global number of each segment's first document
}

func storedOf(r index.IndexReader) (stored, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return stored{}, fmt.Errorf("search: stored fields need a scorch snapshot, not %T", r)
	}
	var d stored
	var start uint64
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		d.segs, d.starts = append(d.segs, seg), append(d.starts, start)
		start += seg.Count()
	}
	return d, nil
}

// visit calls fn with each stored field of document num, as the segment stores it.
func (d stored) visit(num uint64, fn segment.StoredFieldValueVisitor) error {
	i := segmentOf(d.starts, num)
	if i < 0 || num-d.starts[i] >= d.segs[i].Count() {
		return fmt.Errorf("search: document number %d outside the snapshot", num)
	}
	if err := d.segs[i].VisitStoredFields(num-d.starts[i], fn); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}

// entry is a match on its way to the page. seq is its place among the matches: ties in score
// or date keep the index's order.
type entry struct {
	dm   *search.DocumentMatch
	date int64 // Unix nanoseconds, when sorting by date
	seq  int
}

// hitHeap keeps the best entries seen, the worst on top.
type hitHeap struct {
	byDate bool
	e      []entry
}

// better reports whether a ranks before b on the page.
func (h *hitHeap) better(a, b entry) bool {
	if h.byDate {
		if a.date != b.date {
			return a.date > b.date
		}
	} else if a.dm.Score != b.dm.Score {
		return a.dm.Score > b.dm.Score
	}
	return a.seq < b.seq
}

func (h *hitHeap) Len() int           { return len(h.e) }
func (h *hitHeap) Less(i, j int) bool { return h.better(h.e[j], h.e[i]) }
func (h *hitHeap) Swap(i, j int)      { h.e[i], h.e[j] = h.e[j], h.e[i] }
func (h *hitHeap) Push(x any)         { h.e = append(h.e, x.(entry)) }
func (h *hitHeap) Pop() any {
	x := h.e[len(h.e)-1]
	h.e = h.e[:len(h.e)-1]
	return x
}

// offer keeps e if it is among the best keep entries, returning what falls out to the pool.
func (h *hitHeap) offer(e entry, keep int, pool *search.DocumentMatchPool) {
	switch {
	case len(h.e) < keep:
		heap.Push(h, e)
	case keep > 0 && h.better(e, h.e[0]):
		pool.Put(h.e[0].dm)
		h.e[0] = e
		heap.Fix(h, 0)
	default:
		pool.Put(e.dm)
	}
}

// sorted returns the kept entries, best first.
func (h *hitHeap) sorted() []entry {
	out := slices.Clone(h.e)
	slices.SortFunc(out, func(a, b entry) int {
		if h.better(a, b) {
			return -1
		}
		return 1
	})
	return out
}

// facetCounter counts the values of the facet fields over the matches.
type facetCounter struct {
	cols   *columns
	counts map[string]map[string]int // values read from doc values
	ords   [][]int                   // per facet field: count per value number (columns)
}

func newFacetCounter(cols *columns) *facetCounter {
	fc := &facetCounter{cols: cols, counts: map[string]map[string]int{}, ords: make([][]int, len(facetFields))}
	for _, f := range facetFields {
		fc.counts[f] = map[string]int{}
	}
	return fc
}

func (fc *facetCounter) add(field string, term []byte) {
	if m := fc.counts[field]; m != nil {
		m[string(term)]++
	}
}

// addOrd counts value number ord (0: none) of facet field f.
func (fc *facetCounter) addOrd(f int, ord uint16) {
	if ord == 0 {
		return
	}
	c := fc.ords[f]
	if int(ord) >= len(c) {
		c = slices.Grow(c, int(ord)+1-len(c))[:int(ord)+1]
		fc.ords[f] = c
	}
	c[ord]++
}

// result returns each facet's most frequent values (ties by value), at most facetSizes of
// them, and in Other the count of the rest.
func (fc *facetCounter) result() map[string]Facet {
	for f, c := range fc.ords {
		for ord, n := range c {
			if n > 0 {
				fc.counts[facetFields[f]][fc.cols.value(f, ord)] += n
			}
		}
	}
	out := make(map[string]Facet, len(fc.counts))
	for field, m := range fc.counts {
		f := Facet{Terms: make([]FacetTerm, 0, len(m))}
		for v, c := range m {
			f.Terms = append(f.Terms, FacetTerm{Value: v, Count: c})
		}
		slices.SortFunc(f.Terms, func(a, b FacetTerm) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		if n := facetSizes[field]; len(f.Terms) > n {
			for _, t := range f.Terms[n:] {
				f.Other += t.Count
			}
			f.Terms = f.Terms[:n]
		}
		if len(f.Terms) == 0 {
			f.Terms = nil
		}
		out[field] = f
	}
	return out
}
