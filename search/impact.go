package search

import (
	"cmp"
	"container/heap"
	"container/list"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A frequent word matches hundreds of thousands of documents, and Bleve finds the best of them
// by scoring every one: collect stops after Options.ScanLimit, 5 ms and more per search at a
// million documents, and then the page is only the best of the first 10,000 in index order.
//
// Impact lists answer the common searches — words and phrases, each matched in its fields,
// with filters, ranked by relevance, without facets — by looking at the best documents only. Under TF-IDF a
// word's score in a document is √freq · norm (its impact, known from the document alone) times
// a factor the same for all documents of one search. Each segment's postings of a term in a
// field are kept sorted by impact (the best maxImpacts of them, and a bound on the rest), with
// the set of all documents holding it. A search walks the lists of all its terms in all
// segments together, highest contribution first (Fagin's threshold algorithm without random
// access, "NRA"): it knows each document's score from below (the lists it has met it in) and
// from above (what the other lists could still add), and stops once the page's documents are
// certain to beat every other document, seen or not. The filters, the word conjunction and the
// exact total come from the sets, as bitmaps. Scores, order and total are those of Bleve's own
// search with no scan limit (TestImpactsAgree); when the lists cannot decide — a truncated list
// runs out, or too many documents tie — the search runs as before.
//
// A phrase is its words in the exact field (and its pairs in the names), and its word order is
// checked on the stored text (phrase.go) only for the candidates that would make the page,
// when the walk would stop: those that fail leave, and the walk goes on. Where the walk is slow
// to decide — frequent words that rarely meet at the top of their lists — it completes the
// scores of what it meets from the impacts of all documents of a list (allImpacts, read once
// per list), and a search of up to maxScoreAll matches scores them all that way.

// maxImpacts is how many documents of a term, field and segment a list keeps by impact (a
// variable for tests).
var maxImpacts = 4096

// topAnswered counts the searches the impact lists answered, lateScored those that scored all
// matches after the walk gave up, primedLists the lists built ahead of searches (prime.go)
// (for tests).
var topAnswered, lateScored, primedLists atomic.Int64

// Limits of a search by impact lists and the cache's default budget.
const (
	maxTopWords = 8     // words of a search the impact lists answer
	maxTopSteps = 20000 // steps (an entry of each list of a segment) before a search gives up
	// Bytes of lists kept. Warm fills them; the lists of stop words (phrases) push out those
	// not in use. The impacts read whole (allImpacts) get as much again (impacts.fulls).
	impactsBudget = 512 << 20
)

// A search with at most maxScoreAll matches scores them all straight away, from the impacts
// of all their documents (allImpacts; a tenth to half a microsecond a match at a million
// documents) or the lists where they hold them all. (A variable for tests.)
var maxScoreAll = 1024

// A search of more matches walks the lists first, for as many steps as scoring them all would
// take time (a step costs about scoresPerStep scores, and the walk takes at least
// minWalkSteps), then scores them all if it could not decide, up to maxScoreAllLate matches.
// The walk decides within a few dozen steps where the best matches stand at the top of their
// lists — one word, or words with filters that most of its best pass — while a few matches
// (a citizen's file searched for a frequent word) lie deep in the lists, and the matches of
// several frequent words, or of a phrase and a word, may lie in none of their tops. (Variables
// for tests.)
var (
	maxScoreAllLate = 1 << 18
	minWalkSteps    = 64
	scoresPerStep   = 16
)

// eagerAfter is how many steps the walk takes before it completes the scores of what it meets
// (beEager; a variable for tests).
var eagerAfter = 256

// useImpacts can be switched off by tests, to compare with Bleve's search.
var useImpacts = true

// topQuery is a search in the form impact lists answer: words and phrases that must all
// match, those that must not (a document holding any branch of one is out), and filters. The
// phrases' word order is the plan's checks.
type topQuery struct {
	groups, excluded []group
	filter           *topFilter
}

// group is a word or phrase as its Bleve query scores it: a disjunction of branches, each a
// conjunction of clauses. A document matches it where it holds every clause of a branch, and
// scores the sum of the clauses of the branches it matches, times coord, the share of the
// branches they are. A word's branches are its fields, one clause each; a phrase has two, the
// pairs of its words in the names and its words in the exact field (termBuilder.build).
type group [][]clause

// topFilter is a search's filters: each of anyOf must match one of its values, no hidden
// status may, and the date lies in [from, to) (either zero: open). years are the index's
// years the bounds touch, cut those of them not wholly within.
type topFilter struct {
	anyOf      []keywords
	hidden     []string
	from, to   time.Time
	years, cut []string
}

// whole returns the years wholly within the bounds.
func (f *topFilter) whole() []string {
	var out []string
	for _, y := range f.years {
		if !slices.Contains(f.cut, y) {
			out = append(out, y)
		}
	}
	return out
}

// keywords are values of a keyword field.
type keywords struct {
	field string
	vals  []string
}

// impactKey names one list: a term in a field of a segment.
type impactKey struct {
	seg         uint64 // scorch segment ID
	field, term string
}

// impactList is one segment's postings of a term in a field: all the documents holding it,
// and the best of them by impact, in doc, freq and norm, highest impact first (ties by
// document); rest is the highest impact of the others, 0 if the list holds them all.
type impactList struct {
	ready chan struct{}
	err   error
	all   *roaring.Bitmap
	doc   []uint32
	freq  []uint32
	norm  []float32
	rest  float64
	byDoc []uint64      // document << 32 | position in doc, by document
	size  int           // bytes, for the budget
	elem  *list.Element // in the cache's order of use
	// The impacts of all the documents, read when a search first needs many outside the best
	// (see complete).
	fullMu   sync.Mutex
	full     atomic.Pointer[allImpacts]
	fullElem *list.Element // in the cache's order of whole impacts used (c.mu held)
	fullSize int
	// The sets of the groups whose first clause the list is (topRun.groupSet), by the
	// group's clauses.
	unionMu sync.Mutex
	unions  map[string]*roaring.Bitmap
}

// allImpacts are the impacts of all documents of a list, in document order; a document's
// place among them is its rank in the list, counted from a bitset of the segment's documents
// and the count before each word of it.
type allImpacts struct {
	imp   []float64
	words []uint64
	cum   []uint32
}

// at returns the impact of doc, which the list holds.
func (a *allImpacts) at(doc uint32) float64 {
	w := doc >> 6
	return a.imp[a.cum[w]+uint32(bits.OnesCount64(a.words[w]&(1<<(doc&63)-1)))]
}

func (a *allImpacts) size() int { return 8*len(a.imp) + 8*len(a.words) + 4*len(a.cum) }

func (l *impactList) impact(i int) float64 { return impactOf(l.freq[i], l.norm[i]) }

// find returns where document doc is in the list, -1 if it is not.
func (l *impactList) find(doc uint32) int {
	i, ok := slices.BinarySearchFunc(l.byDoc, doc, func(e uint64, d uint32) int { return cmp.Compare(uint32(e>>32), d) })
	if !ok {
		return -1
	}
	return int(uint32(l.byDoc[i]))
}

// impactOf is the document's part of a TF-IDF score, computed as Bleve's scorer does.
func impactOf(freq uint32, norm float32) float64 {
	return math.Sqrt(float64(freq)) * float64(norm)
}

// impacts caches impact lists, least recently used dropped first past the budget; lists of
// segments merged away are dropped in that way too.
type impacts struct {
	mu     sync.Mutex
	lists  map[impactKey]*impactList
	order  *list.List // of impactKey, most recently used first
	bytes  int
	budget int
	// The impacts read whole (allImpacts) have a budget of their own, as big as the lists': they
	// are read for the searches slow to decide, often of stop words, a megabyte per 125,000
	// postings, and had pushed out the lists Warm built for the common words, which the next
	// searches of those then built again (40–55 ms each at 1M documents).
	fulls      *list.List // of *impactList, most recently used first
	fullBytes  int
	fullBudget int
	primed     map[uint64]bool // segments whose lists have been built ahead (prime.go)
	building   sync.Mutex      // held by the one building lists ahead
	ahead      sync.WaitGroup  // builds ahead under way
	quit       context.Context // done when the index closes: builds ahead stop
	cancel     context.CancelFunc
}

func newImpacts(budget int) *impacts {
	c := &impacts{lists: map[impactKey]*impactList{}, order: list.New(), budget: budget, primed: map[uint64]bool{},
		fulls: list.New(), fullBudget: budget}
	c.quit, c.cancel = context.WithCancel(context.Background())
	return c
}

// stop stops the builds ahead and waits for them.
func (c *impacts) stop() {
	c.cancel()
	c.ahead.Wait()
}

// list returns the impact list of term in field of ss, building it if it is not cached.
func (c *impacts) list(ss *scorch.SegmentSnapshot, field, term string) (*impactList, error) {
	k := impactKey{ss.Id(), field, term}
	c.mu.Lock()
	l := c.lists[k]
	if l != nil {
		c.order.MoveToFront(l.elem)
		c.mu.Unlock()
		<-l.ready
		return l, l.err
	}
	l = &impactList{ready: make(chan struct{})}
	l.elem = c.order.PushFront(k)
	c.lists[k] = l
	c.mu.Unlock()

	l.err = l.build(ss.Segment(), field, term)
	close(l.ready)
	c.mu.Lock()
	defer c.mu.Unlock()
	if l.err != nil {
		c.order.Remove(l.elem)
		delete(c.lists, k)
		return nil, l.err
	}
	c.bytes += l.size
	for c.bytes > c.budget && c.order.Len() > 1 {
		old := c.order.Back()
		ol := c.lists[old.Value.(impactKey)]
		select {
		case <-ol.ready:
		default: // still being built: its size is not counted yet
			c.order.MoveToFront(old)
			continue
		}
		c.order.Remove(old)
		delete(c.lists, old.Value.(impactKey))
		c.bytes -= ol.size
		c.dropFull(ol)
	}
	return l, nil
}

// dropFull forgets l's whole impacts (c.mu held); a search that has them keeps them.
func (c *impacts) dropFull(l *impactList) {
	if l.fullElem == nil {
		return
	}
	c.fulls.Remove(l.fullElem)
	l.fullElem = nil
	c.fullBytes -= l.fullSize
	l.full.Store(nil)
}

// impactEntry is one posting while a list is built.
type impactEntry struct {
	imp  float64
	doc  uint32
	freq uint32
	norm float32
}

// better: a before b in a list.
func (a impactEntry) better(b impactEntry) bool {
	return a.imp > b.imp || a.imp == b.imp && a.doc < b.doc
}

// heapOf is a container/heap of items, less deciding which comes up first.
type heapOf[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (h *heapOf[T]) Len() int           { return len(h.items) }
func (h *heapOf[T]) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *heapOf[T]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *heapOf[T]) Push(x any)         { h.items = append(h.items, x.(T)) }
func (h *heapOf[T]) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// build reads the postings of term in field of seg.
func (l *impactList) build(seg segment.Segment, field, term string) error {
	l.all = roaring.New()
	pl, err := postings(seg, field, term)
	if err != nil {
		return fmt.Errorf("search: impact list: %w", err)
	}
	it := pl.Iterator(true, true, false, nil)
	// The best entries so far, the worst of them on top.
	best := &heapOf[impactEntry]{items: make([]impactEntry, 0, min(int(pl.Count()), maxImpacts)),
		less: func(a, b impactEntry) bool { return b.better(a) }}
	var docs []uint32
	for {
		p, err := it.Next()
		if err != nil {
			return fmt.Errorf("search: impact list: %w", err)
		}
		if p == nil {
			break
		}
		e := impactEntry{doc: uint32(p.Number()), freq: uint32(p.Frequency()), norm: float32(p.Norm())}
		e.imp = impactOf(e.freq, e.norm)
		docs = append(docs, e.doc)
		switch {
		case best.Len() < maxImpacts:
			heap.Push(best, e)
		case e.better(best.items[0]):
			l.rest = max(l.rest, best.items[0].imp)
			best.items[0] = e
			heap.Fix(best, 0)
		default:
			l.rest = max(l.rest, e.imp)
		}
	}
	l.all.AddMany(docs)
	l.all.RunOptimize()
	slices.SortFunc(best.items, func(a, b impactEntry) int {
		if a.better(b) {
			return -1
		}
		return 1
	})
	n := best.Len()
	l.doc, l.freq, l.norm = make([]uint32, n), make([]uint32, n), make([]float32, n)
	l.byDoc = make([]uint64, n)
	for i, e := range best.items {
		l.doc[i], l.freq[i], l.norm[i] = e.doc, e.freq, e.norm
		l.byDoc[i] = uint64(e.doc)<<32 | uint64(i)
	}
	slices.Sort(l.byDoc)
	l.size = 20*n + int(l.all.GetSizeInBytes()) + 200
	return nil
}

// fullOf returns the impacts of all documents of l, the list of term in field of ss, reading
// them on first use: the postings of a frequent word hold hundreds of thousands of
// documents, and zap finds a posting's frequency by reading all before it, which had cost a
// search of "der Antrag" 8 ms for every page.
func (c *impacts) fullOf(l *impactList, ss *scorch.SegmentSnapshot, field, term string) (*allImpacts, error) {
	if a := l.full.Load(); a != nil {
		c.mu.Lock()
		if l.fullElem != nil {
			c.fulls.MoveToFront(l.fullElem)
		}
		c.mu.Unlock()
		return a, nil
	}
	l.fullMu.Lock()
	defer l.fullMu.Unlock()
	if a := l.full.Load(); a != nil {
		return a, nil
	}
	a, err := readImpacts(ss.Segment(), field, term, l.all.GetCardinality())
	if err != nil {
		return nil, err
	}
	l.full.Store(a)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists[impactKey{ss.Id(), field, term}] != l {
		return a, nil // dropped meanwhile: not kept
	}
	l.fullElem, l.fullSize = c.fulls.PushFront(l), a.size()
	c.fullBytes += l.fullSize
	for c.fullBytes > c.fullBudget && c.fulls.Len() > 1 {
		c.dropFull(c.fulls.Back().Value.(*impactList))
	}
	return a, nil
}

// readImpacts reads the frequency and norm of each posting of term in field of seg, n of them.
func readImpacts(seg segment.Segment, field, term string, n uint64) (*allImpacts, error) {
	pl, err := postings(seg, field, term)
	if err != nil {
		return nil, fmt.Errorf("search: impact list: %w", err)
	}
	words := (seg.Count() + 63) / 64
	a := &allImpacts{imp: make([]float64, 0, n), words: make([]uint64, words), cum: make([]uint32, words)}
	it := pl.Iterator(true, true, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("search: impact list: %w", err)
		}
		if p == nil {
			break
		}
		d := p.Number()
		if d >= seg.Count() {
			return nil, fmt.Errorf("search: impact list of %s:%s: document %d of %d", field, term, d, seg.Count())
		}
		a.words[d>>6] |= 1 << (d & 63)
		a.imp = append(a.imp, impactOf(uint32(p.Frequency()), float32(p.Norm())))
	}
	if uint64(len(a.imp)) != n {
		return nil, fmt.Errorf("search: impact list of %s:%s has %d postings, not %d", field, term, len(a.imp), n)
	}
	var sum uint32
	for w, x := range a.words {
		a.cum[w] = sum
		sum += uint32(bits.OnesCount64(x))
	}
	return a, nil
}

// postings returns the postings list of term in field of seg.
func postings(seg segment.Segment, field, term string) (segment.PostingsList, error) {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return nil, err
	}
	return dict.PostingsList([]byte(term), nil, nil)
}

// termBitmap returns the documents of seg holding term in field, nil if none; it may share
// memory with seg, so it must not be changed or kept past the search.
func termBitmap(seg segment.Segment, field, term string) (*roaring.Bitmap, error) {
	pl, err := postings(seg, field, term)
	if err != nil {
		return nil, err
	}
	if pl.Count() == 0 {
		return nil, nil
	}
	it := pl.Iterator(false, false, false, nil)
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if bm := o.ActualBitmap(); bm != nil {
			return bm, nil
		}
		if d, ok := o.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(d)), nil
		}
	}
	bm := roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// topSeg is one segment in a top search.
type topSeg struct {
	ss    *scorch.SegmentSnapshot
	start uint64 // its first global document number
	// The matches are the documents of match (words and filters; dates: see partial) not
	// in refused (deleted or hidden, nil if none): match may be a list's or a group's own
	// set, shared and not to be changed.
	match, refused *roaring.Bitmap
	partial        *roaring.Bitmap // of match, those whose date needs checking; nil if none
	n              int             // matches
	col            *segColumns
	lists          []*impactList // per clause
}

// cursor walks one list of a top search.
type cursor struct {
	l   *impactList
	pos int
	c   float64 // the clause's factor: a contribution is impact · c
}

// head bounds the contribution of the list's documents not yet walked.
func (cu *cursor) head() float64 {
	if cu.pos < len(cu.l.doc) {
		return cu.l.impact(cu.pos) * cu.c
	}
	return cu.l.rest * cu.c
}

// segWalk walks the lists of one segment, all of them one entry further per step.
type segWalk struct {
	s   int
	cur []*cursor // per clause
	ub  float64   // bounds the score of a document not met yet
}

// bound sets w.ub. A document not met yet can only be in lists still open — those with
// entries left, or cut short — so it can only match a branch whose lists are all open, and a
// group adds at most the heads of those branches' lists, times the share of its branches
// they are (coord): once the list of "mahnungen" is walked to its end, the documents left of
// "mahnung" count half. A group with no branch open has no documents left: nothing unmet can
// match.
func (t *topRun) bound(w *segWalk) {
	w.ub = 0
	for g := range len(t.gfirst) - 1 {
		var sum float64
		open := 0
	branches:
		for b := t.gfirst[g]; b < t.gfirst[g+1]; b++ {
			var s float64
			for j := t.cfirst[b]; j < t.cfirst[b+1]; j++ {
				cu := w.cur[j]
				if cu.pos == len(cu.l.doc) && cu.l.rest == 0 {
					continue branches
				}
				s += cu.head()
			}
			sum += s
			open++
		}
		if open == 0 {
			w.ub = 0
			return
		}
		w.ub += sum * float64(open) / float64(t.gfirst[g+1]-t.gfirst[g])
	}
}

// candidate is a matching document met in some list. Its score is known from below (lo, the
// contributions read from the lists) and above (hi, adding the most that those it is not in
// the top of could add); unknown marks those clauses.
type candidate struct {
	seg     int
	doc     uint32
	num     uint64    // global document number
	in      uint64    // clauses whose term the document holds
	unknown uint64    // of those, the ones whose contribution is not known yet
	part    []float64 // per clause: its contribution, where known
	lo, hi  float64
	inBest  bool // in topRun.best
	checked bool // its phrases have been checked, and it passed
	failed  bool // it failed them: it does not match
}

// before: a ranks before b.
func (a *candidate) before(b *candidate) bool { return rank(a.lo, a.num, b.lo, b.num) < 0 }

// rank orders two documents by score, best first, ties by index order (Bleve's order):
// negative if the first ranks before the second.
func rank(alo float64, anum uint64, blo float64, bnum uint64) int {
	return cmp.Or(cmp.Compare(blo, alo), cmp.Compare(anum, bnum))
}

// topRun is one top search under way.
type topRun struct {
	q       *topQuery
	cache   *impacts
	segs    []*topSeg
	clauses []clause // of all groups, branch by branch
	// Group g has branches gfirst[g]..gfirst[g+1]-1, branch b clauses cfirst[b]..cfirst[b+1]-1
	// (and in mask, as bits).
	gfirst, cfirst []int
	mask           []uint64
	unionKeys      []string // per group: its clauses, naming its union (groupSet)
	c              []float64
	met            map[uint64]bool     // global document numbers met, matching or not
	cands          []*candidate        // the matching ones
	best           *heapOf[*candidate] // the want candidates best by lo (ties by index order), worst on top
	want           int
	// phrases checks the candidates' phrases, passed counts those that passed, verdicts
	// keeps what each check found, by global document number.
	phrases  *phraseChecker
	passed   int
	verdicts map[uint64]bool
	// With phrases, the candidates neither in the best nor failed, best on top: the best are
	// filled again from them when some fail.
	pending *heapOf[*candidate]
	whole   bool // every match was met (and checked)
	eager   bool // scores are completed as candidates are met (beEager)
}

// topSearch answers p.top from the impact lists; ok is false if they cannot decide, and the
// caller searches as before.
func (ix *Index) topSearch(ctx context.Context, r index.IndexReader, p *plan, req Request) (out *Result, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return nil, false, nil
	}
	t := &topRun{q: p.top, cache: ix.impacts, met: map[uint64]bool{}}
	if !t.layout() {
		return nil, false, nil
	}
	ix.impacts.prime(snap)
	total, ok, err := t.prepare(ix, snap)
	if err != nil || !ok {
		return nil, ok, err
	}
	out = &Result{Hits: []Hit{}, Total: total}
	want := min(req.From+p.size, total)
	if want == 0 {
		topAnswered.Add(1)
		return out, true, nil
	}
	t.want = want
	t.best = &heapOf[*candidate]{less: func(a, b *candidate) bool { return b.before(a) }}
	if len(p.checks) > 0 {
		if t.phrases, err = newPhraseChecker(ix, r, p.checks); err != nil {
			return nil, false, err
		}
		t.verdicts = map[uint64]bool{}
		t.pending = &heapOf[*candidate]{less: (*candidate).before}
	}
	var page []*candidate
	scoreAll := total <= maxScoreAll
	if !scoreAll {
		// The walk, given as many steps as scoring all would take time, where it may.
		steps := maxTopSteps
		if total <= maxScoreAllLate {
			steps = min(maxTopSteps, max(minWalkSteps, total/scoresPerStep))
		}
		page, ok, err = t.walk(ctx, steps)
		if err == nil && ok && t.phrases != nil {
			// Unless the walk met every match, only the page's contenders were checked: the
			// total counts those that passed.
			page, ok, err = t.verify(page, want, t.whole)
			out.Total, out.Capped = t.passed, !t.whole
		}
		scoreAll = err == nil && !ok && total <= maxScoreAllLate
		if scoreAll {
			lateScored.Add(1)
			t.passed = 0
		}
	}
	if scoreAll {
		// With phrases, as collect checks them: all of a few candidates, the total then
		// exact; of more, the best until the page is full.
		var every bool
		page, every, ok, err = t.scoreAll(total <= lateChecks(want))
		if t.phrases != nil {
			out.Total, out.Capped = t.passed, !every
		}
	}
	if err != nil || !ok {
		return nil, ok, err
	}
	page = page[:min(want, len(page))]
	entries := make([]entry, 0, len(page))
	for _, c := range page[min(req.From, len(page)):] {
		dm := &search.DocumentMatch{IndexInternalID: index.NewIndexInternalID(nil, c.num), Score: c.lo}
		entries = append(entries, entry{dm: dm})
	}
	if err := ix.pageOf(r, p, req, entries, out); err != nil {
		return nil, false, err
	}
	topAnswered.Add(1)
	return out, true, nil
}

// layout lays the groups' branches and clauses out in t; false if they do not fit the
// candidates' masks.
func (t *topRun) layout() bool {
	for _, g := range t.q.groups {
		if len(g) == 0 {
			return false
		}
		t.gfirst = append(t.gfirst, len(t.cfirst))
		var key strings.Builder
		for _, b := range g {
			if len(b) == 0 {
				return false
			}
			t.cfirst = append(t.cfirst, len(t.clauses))
			t.clauses = append(t.clauses, b...)
			for _, c := range b {
				key.WriteString(c.field + "\x00" + c.term + "\x00")
			}
			key.WriteByte('\x01')
		}
		t.unionKeys = append(t.unionKeys, key.String())
	}
	t.gfirst = append(t.gfirst, len(t.cfirst))
	t.cfirst = append(t.cfirst, len(t.clauses))
	if len(t.clauses) > 64 {
		return false
	}
	t.mask = make([]uint64, len(t.cfirst)-1)
	for b := range t.mask {
		for j := t.cfirst[b]; j < t.cfirst[b+1]; j++ {
			t.mask[b] |= 1 << j
		}
	}
	return true
}

// prepare fetches the lists, weighs the clauses as Bleve would, and finds each segment's
// matching documents; total is how many match in all. ok is false if the search cannot be
// answered here.
func (t *topRun) prepare(ix *Index, snap *scorch.IndexSnapshot) (total int, ok bool, err error) {
	docTotal, err := snap.DocCount()
	if err != nil {
		return 0, false, fmt.Errorf("search: %w", err)
	}
	df := make([]uint64, len(t.clauses))
	f := t.q.filter
	var cols *snapshotColumns
	if len(f.cut) > 0 {
		cols = ix.cols.forSnapshot(snap)
	}
	var start uint64
	live := snap.Segments()
	for i, ss := range live {
		seg := ss.Segment()
		ts := &topSeg{ss: ss, start: start}
		start += seg.Count()
		del := ss.Deleted()
		for j, c := range t.clauses {
			l, err := ix.impacts.list(ss, c.field, c.term)
			if err != nil {
				return 0, false, err
			}
			ts.lists = append(ts.lists, l)
			df[j] += l.all.GetCardinality()
			if del != nil {
				df[j] -= l.all.AndCardinality(del)
			}
		}
		sets := make([]*roaring.Bitmap, len(t.gfirst)-1)
		for g := range sets {
			sets[g] = t.groupSet(ts, g)
		}
		if err := t.filter(ix, ts, live, sets); err != nil {
			return 0, false, fmt.Errorf("search: %w", err)
		}
		if ts.partial != nil {
			if ts.col = cols.segs[i]; ts.col == nil {
				return 0, false, nil // the dates of this segment are not decoded yet
			}
		}
		n := int(ts.match.GetCardinality())
		if ts.refused != nil {
			n -= int(ts.match.AndCardinality(ts.refused))
		}
		if ts.partial != nil {
			it := ts.partial.Iterator()
			for it.HasNext() {
				if !ts.dateOK(f, it.Next()) {
					n--
				}
			}
		}
		ts.n = n
		total += n
		t.segs = append(t.segs, ts)
	}
	// Bleve's TF-IDF: a clause contributes √freq · norm · idf · (boost · idf · queryNorm),
	// queryNorm being 1/√Σ(boost · idf)² over the clauses of the search.
	idf := make([]float64, len(t.clauses))
	var sum float64
	for j, c := range t.clauses {
		idf[j] = 1 + math.Log(float64(docTotal)/float64(df[j]+1))
		sum += (c.boost * idf[j]) * (c.boost * idf[j])
	}
	norm := 1 / math.Sqrt(sum)
	t.c = make([]float64, len(t.clauses))
	for j, c := range t.clauses {
		t.c[j] = idf[j] * (c.boost * idf[j] * norm)
	}
	return total, true, nil
}

// groupSet returns the documents of ts matching group g: the list's own set where the group
// is one clause, else the union of its branches, kept with the group's first list. It must
// not be changed.
func (t *topRun) groupSet(ts *topSeg, g int) *roaring.Bitmap {
	first, end := t.cfirst[t.gfirst[g]], t.cfirst[t.gfirst[g+1]]
	if end-first == 1 {
		return ts.lists[first].all
	}
	c := t.clauses[first]
	return t.cache.unionOf(ts.lists[first], impactKey{ts.ss.Id(), c.field, c.term}, t.unionKeys[g], func() *roaring.Bitmap {
		branches := make([]*roaring.Bitmap, 0, t.gfirst[g+1]-t.gfirst[g])
		for b := t.gfirst[g]; b < t.gfirst[g+1]; b++ {
			all := make([]*roaring.Bitmap, 0, t.cfirst[b+1]-t.cfirst[b])
			for _, l := range ts.lists[t.cfirst[b]:t.cfirst[b+1]] {
				all = append(all, l.all)
			}
			branches = append(branches, and(all))
		}
		u := or(branches).Clone()
		u.RunOptimize()
		return u
	})
}

// unionOf returns the set of l's group key, building it on first use; l is cached as k.
func (c *impacts) unionOf(l *impactList, k impactKey, key string, build func() *roaring.Bitmap) *roaring.Bitmap {
	l.unionMu.Lock()
	defer l.unionMu.Unlock()
	if u := l.unions[key]; u != nil {
		return u
	}
	u := build()
	if l.unions == nil {
		l.unions = map[string]*roaring.Bitmap{}
	}
	l.unions[key] = u
	c.count(l, k, int(u.GetSizeInBytes())+len(key)+64)
	return u
}

// count adds n bytes to the size of l, cached as k, if it is still cached.
func (c *impacts) count(l *impactList, k impactKey, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists[k] == l {
		l.size += n
		c.bytes += n
	}
}

// and and or combine bitmaps, one standing for itself.
func and(bms []*roaring.Bitmap) *roaring.Bitmap {
	if len(bms) == 1 {
		return bms[0]
	}
	return roaring.FastAnd(bms...)
}

func or(bms []*roaring.Bitmap) *roaring.Bitmap {
	if len(bms) == 1 {
		return bms[0]
	}
	return roaring.FastOr(bms...)
}

// filter sets the matches of ts from sets, the documents of each group: ts.match, those in
// all of them that pass the filters (the one set where sets are all there is to it, else a
// bitmap of ts's own), less ts.refused, which are counted out rather than taken out.
func (t *topRun) filter(ix *Index, ts *topSeg, live []*scorch.SegmentSnapshot, sets []*roaring.Bitmap) error {
	seg := ts.ss.Segment()
	f := t.q.filter
	for _, k := range f.anyOf {
		bm, err := ix.filters.keywords(ts.ss, live, k.field, k.vals)
		if err != nil {
			return err
		}
		if bm == nil {
			bm = roaring.New()
		}
		sets = append(sets, bm)
	}
	refused, err := ix.filters.refused(ts.ss, live, f.hidden)
	if err != nil {
		return err
	}
	var excluded []*roaring.Bitmap
	for _, g := range t.q.excluded {
		for _, b := range g {
			bm, err := branchBitmap(seg, b)
			if err != nil {
				return err
			}
			if bm != nil {
				excluded = append(excluded, bm)
			}
		}
	}
	ts.refused = refused
	dated := !f.from.IsZero() || !f.to.IsZero()
	if len(sets) == 1 && !dated && len(excluded) == 0 {
		ts.match = sets[0]
		return nil
	}
	m := intersect(sets)
	if dated { // every document has a year (Created stands in for a missing date)
		sy, err := ix.years.of(ts.ss, live)
		if err != nil {
			return err
		}
		sy.keep(m, f.from, f.to)
	}
	for _, bm := range excluded {
		m.AndNot(bm)
	}
	ts.match = m
	if dated && len(f.cut) > 0 {
		bm, err := ix.filters.keywords(ts.ss, live, fieldYear, f.cut)
		if err != nil {
			return err
		}
		if bm == nil {
			return nil
		}
		if ts.partial = roaring.And(bm, m); refused != nil {
			ts.partial.AndNot(refused) // not to count them twice
		}
		if ts.partial.IsEmpty() {
			ts.partial = nil
		}
	}
	return nil
}

// intersect returns, in a bitmap of its own, the documents in all of sets, taken smallest
// first (it sorts sets so): an in-place And of a dense set with a sparse one turns the sparse
// one dense first.
func intersect(sets []*roaring.Bitmap) *roaring.Bitmap {
	if len(sets) == 1 {
		return sets[0].Clone()
	}
	slices.SortFunc(sets, func(a, b *roaring.Bitmap) int { return cmp.Compare(a.GetCardinality(), b.GetCardinality()) })
	m := roaring.And(sets[0], sets[1])
	for _, bm := range sets[2:] {
		m.And(bm)
	}
	return m
}

// branchBitmap returns the documents of seg holding all clauses of b, nil if none; like
// termBitmap's, it must not be changed or kept past the search.
func branchBitmap(seg segment.Segment, b []clause) (*roaring.Bitmap, error) {
	all := make([]*roaring.Bitmap, len(b))
	for i, c := range b {
		bm, err := termBitmap(seg, c.field, c.term)
		if err != nil || bm == nil {
			return nil, err
		}
		all[i] = bm
	}
	return and(all), nil
}

func yearStart(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }

// dateOK reports whether document doc's date lies within f's bounds (ts.col is set).
func (ts *topSeg) dateOK(f *topFilter, doc uint32) bool {
	d := ts.col.date[doc]
	return (f.from.IsZero() || d >= f.from.UnixNano()) && (f.to.IsZero() || d < f.to.UnixNano())
}

// outOfDates reports whether doc, of ts.match, has a date to check and fails it.
func (ts *topSeg) outOfDates(f *topFilter, doc uint32) bool {
	return ts.partial != nil && ts.partial.Contains(doc) && !ts.dateOK(f, doc)
}

// matches reports whether doc of segment s matches the whole search.
func (t *topRun) matches(s int, doc uint32) bool {
	ts := t.segs[s]
	if !ts.match.Contains(doc) || ts.refused != nil && ts.refused.Contains(doc) {
		return false
	}
	return !ts.outOfDates(t.q.filter, doc)
}

// walk finds the want best matches, best first (ties by index order); ok is false if the
// lists cannot decide. It steps the segment whose unmet documents could score highest until
// want candidates are certain to score at least as much as any document not among the
// contenders (candidates that might still beat the worst of them), whose scores it completes;
// it gives up after maxSteps steps.
func (t *topRun) walk(ctx context.Context, maxSteps int) ([]*candidate, bool, error) {
	// The segments with matches by ub, highest first.
	h := &heapOf[*segWalk]{less: func(a, b *segWalk) bool { return a.ub > b.ub }}
	for s, ts := range t.segs {
		if ts.n == 0 {
			continue
		}
		w := &segWalk{s: s}
		for j, l := range ts.lists {
			w.cur = append(w.cur, &cursor{l: l, c: t.c[j]})
		}
		t.bound(w)
		h.items = append(h.items, w)
	}
	heap.Init(h)
	var stuck []*segWalk // lists run out, documents left
	for steps := 0; ; steps++ {
		if steps%64 == 0 && ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		if steps == eagerAfter {
			if err := t.beEager(); err != nil {
				return nil, false, err
			}
		}
		if t.best.Len() == t.want && !t.blocked(h.items) && !t.blocked(stuck) {
			passed, err := t.checkBest()
			if err != nil {
				return nil, false, err
			}
			if passed {
				page := t.contenders()
				return page, true, t.resolve(page)
			}
			if t.phrases.exhausted() {
				return nil, false, nil
			}
			continue // the best filled again from the candidates met
		}
		if h.Len() == 0 && len(stuck) == 0 && t.phrases != nil {
			// Every match was met, and fewer than want hold the phrases: these are all.
			t.whole = true
			page := slices.DeleteFunc(t.cands, func(c *candidate) bool { return c.failed })
			return page, true, t.resolve(page)
		}
		if h.Len() == 0 || steps > maxSteps {
			return nil, false, nil
		}
		w := h.items[0]
		moved := false
		for j, cu := range w.cur {
			if cu.pos < len(cu.l.doc) {
				if err := t.meet(w.s, cu.l.doc[cu.pos], j, cu.pos); err != nil {
					return nil, false, err
				}
				cu.pos++
				moved = true
			}
		}
		t.bound(w)
		switch {
		case moved:
			heap.Fix(h, 0)
		case w.ub > 0:
			stuck = append(stuck, heap.Pop(h).(*segWalk))
		default:
			heap.Pop(h)
		}
	}
}

// scoreAll scores every match and returns the want best, best first. With phrases it checks
// them best first until want pass, or, with all, every one; every reports whether all
// matches were checked, and ok is false if the search may check no more.
func (t *topRun) scoreAll(all bool) (page []*candidate, every, ok bool, err error) {
	// Without phrases only the want best are kept, the worst of them on top; with them all
	// are, best on top, and taken one by one: only those up to the page are sorted.
	h := &heapOf[scored]{less: func(a, b scored) bool { return b.before(a) }}
	bounded := t.phrases == nil
	if !bounded {
		h.less = scored.before
		n := 0
		for _, ts := range t.segs {
			n += ts.n
		}
		h.items = make([]scored, 0, n)
	}
	imp := make([]float64, len(t.clauses))
	for s, ts := range t.segs {
		if ts.n == 0 {
			continue
		}
		// The lists cut short answer from all their impacts, the others from their own, walked
		// in document order along the matches.
		full := make([]*allImpacts, len(ts.lists))
		next := make([]int, len(ts.lists))
		for j, l := range ts.lists {
			if l.rest > 0 {
				if full[j], err = t.cache.fullOf(l, ts.ss, t.clauses[j].field, t.clauses[j].term); err != nil {
					return nil, false, false, err
				}
			}
		}
		it := ts.match.Iterator()
		var refused roaring.IntPeekable
		if ts.refused != nil {
			refused = ts.refused.Iterator()
		}
		for it.HasNext() {
			doc := it.Next()
			if refused != nil {
				if refused.AdvanceIfNeeded(doc); refused.HasNext() && refused.PeekNext() == doc {
					continue
				}
			}
			if ts.outOfDates(t.q.filter, doc) {
				continue
			}
			e := scored{lo: t.score(ts, full, next, imp, doc), num: ts.start + uint64(doc), seg: int32(s), doc: doc}
			switch {
			case !bounded:
				h.items = append(h.items, e)
			case h.Len() < t.want:
				heap.Push(h, e)
			case e.before(h.items[0]):
				h.items[0] = e
				heap.Fix(h, 0)
			}
		}
	}
	if bounded { // the want best, worst on top: best first
		page = make([]*candidate, h.Len())
		for i := len(page) - 1; i >= 0; i-- {
			page[i] = heap.Pop(h).(scored).candidate()
		}
		return page, true, true, nil
	}
	heap.Init(h)
	for h.Len() > 0 && (len(page) < t.want || all) {
		if t.phrases.exhausted() {
			return nil, false, false, nil
		}
		c := heap.Pop(h).(scored).candidate()
		if ok, err := t.check(c); err != nil || !ok {
			if err != nil {
				return nil, false, false, err
			}
			continue
		}
		if len(page) < t.want {
			page = append(page, c)
		}
	}
	return page, h.Len() == 0, true, nil
}

// scored is a match scored whole, kept small (no pointers) while all are scored.
type scored struct {
	lo  float64
	num uint64
	seg int32
	doc uint32
}

func (a scored) before(b scored) bool { return rank(a.lo, a.num, b.lo, b.num) < 0 }

func (a scored) candidate() *candidate {
	return &candidate{seg: int(a.seg), doc: a.doc, num: a.num, lo: a.lo, hi: a.lo}
}

// score is the score of doc, a match of ts, the matches scored in document order; full holds
// the impacts of the lists cut short, next where the walk along each other list is, and imp
// is room for a contribution per clause (-1: the document lacks its term).
func (t *topRun) score(ts *topSeg, full []*allImpacts, next []int, imp []float64, doc uint32) float64 {
	for j, l := range ts.lists {
		imp[j] = -1
		if f := full[j]; f != nil {
			if f.words[doc>>6]&(1<<(doc&63)) != 0 {
				imp[j] = f.at(doc) * t.c[j]
			}
			continue
		}
		i := next[j]
		for i < len(l.byDoc) && uint32(l.byDoc[i]>>32) < doc {
			i++
		}
		next[j] = i
		if i < len(l.byDoc) && uint32(l.byDoc[i]>>32) == doc {
			imp[j] = l.impact(int(uint32(l.byDoc[i]))) * t.c[j]
		}
	}
	held := func(b int) bool {
		for j := t.cfirst[b]; j < t.cfirst[b+1]; j++ {
			if imp[j] < 0 {
				return false
			}
		}
		return true
	}
	score, _ := t.sum(held, func(j int) (float64, float64) { return imp[j], imp[j] })
	return score
}

// blocked reports whether a document not met in one of ws could still beat the worst of the
// want best: score more, or as much with a lower number. To tie with ub, a document must be
// at the head of every list of its segment, so it comes no earlier than the furthest head.
func (t *topRun) blocked(ws []*segWalk) bool {
	kth, kthNum := t.best.items[0].lo, t.best.items[0].num
	for _, w := range ws {
		if w.ub < kth {
			continue
		}
		if w.ub > kth {
			return true
		}
		var first uint32
		for _, cu := range w.cur {
			if cu.pos < len(cu.l.doc) {
				first = max(first, cu.l.doc[cu.pos])
			}
		}
		if t.segs[w.s].start+uint64(first) < kthNum {
			return true
		}
	}
	return false
}

// meet takes doc of segment s, at position pos of clause j's list, into the candidates.
func (t *topRun) meet(s int, doc uint32, j, pos int) error {
	ts := t.segs[s]
	num := ts.start + uint64(doc)
	if t.met[num] {
		return nil
	}
	t.met[num] = true
	if !t.matches(s, doc) {
		return nil
	}
	c := &candidate{seg: s, doc: doc, num: num, part: make([]float64, len(t.clauses))}
	for k, l := range ts.lists {
		if !l.all.Contains(doc) {
			continue
		}
		c.in |= 1 << k
		i := pos
		if k != j {
			i = l.find(doc)
		}
		if i < 0 {
			c.unknown |= 1 << k
			continue
		}
		c.part[k] = l.impact(i) * t.c[k]
	}
	c.lo, c.hi = t.bounds(c)
	if t.eager {
		if err := t.complete(c, true); err != nil {
			return err
		}
	}
	t.cands = append(t.cands, c)
	t.join(c)
	return nil
}

// beEager completes the scores of the candidates met, and from now on of each as it is met.
// A search of several frequent words, or a phrase of them, meets most of its matches in some
// lists and not others; known from below only, their scores rose too slowly for the walk to
// decide (the threshold algorithm's random access, where the walk had been without).
func (t *topRun) beEager() error {
	t.eager = true
	for _, c := range t.cands {
		if err := t.complete(c, true); err != nil {
			return err
		}
	}
	// The best by the complete scores.
	t.best.items = t.best.items[:0]
	if t.pending != nil {
		t.pending.items = t.pending.items[:0]
	}
	for _, c := range t.cands {
		c.inBest = false
		if !c.failed {
			t.join(c)
		}
	}
	return nil
}

// join takes c into the best if it is better than the worst of them; with phrases, the
// candidate left out, c or the worst, is pending.
func (t *topRun) join(c *candidate) {
	out := c
	switch {
	case t.best.Len() < t.want:
		heap.Push(t.best, c)
		out = nil
	case t.best.less(t.best.items[0], c):
		out = t.best.items[0]
		out.inBest = false
		t.best.items[0] = c
		heap.Fix(t.best, 0)
	}
	if out != c {
		c.inBest = true
	}
	if out != nil && t.pending != nil {
		heap.Push(t.pending, out)
	}
}

// checkBest checks the phrases of the best candidates not checked yet, and reports whether
// all passed. Those that fail leave the candidates, and the best is filled again from the
// others met. Checking the best only when they would decide the page checks few: a
// phrase's words are frequent, and most of the documents holding them are not on the page.
func (t *topRun) checkBest() (bool, error) {
	if t.phrases == nil {
		return true, nil
	}
	passed := true
	for _, c := range t.best.items {
		if c.checked {
			continue
		}
		ok, err := t.check(c)
		if err != nil {
			return false, err
		}
		if !ok {
			c.failed, c.inBest, passed = true, false, false
		}
	}
	if passed {
		return true, nil
	}
	t.best.items = slices.DeleteFunc(t.best.items, func(c *candidate) bool { return c.failed })
	heap.Init(t.best)
	for t.best.Len() < t.want && t.pending.Len() > 0 {
		c := heap.Pop(t.pending).(*candidate)
		heap.Push(t.best, c)
		c.inBest = true
	}
	return false, nil
}

// check checks c's phrases.
func (t *topRun) check(c *candidate) (bool, error) {
	ok, known := t.verdicts[c.num]
	var err error
	if !known {
		if ok, err = t.phrases.passesNum(c.num); err == nil {
			t.verdicts[c.num] = ok
		}
	}
	c.checked, c.failed = ok, !ok && err == nil
	if ok {
		t.passed++
	}
	return ok, err
}

// verify returns the first want of cands (sorted, best first) that pass the phrases,
// checking those not checked yet; with all, it checks every one. ok is false if the search
// may check no more.
func (t *topRun) verify(cands []*candidate, want int, all bool) (page []*candidate, ok bool, err error) {
	for _, c := range cands {
		if len(page) == want && !all {
			break
		}
		if !c.checked {
			if t.phrases.exhausted() {
				return nil, false, nil
			}
			if ok, err := t.check(c); err != nil || !ok {
				if err != nil {
					return nil, false, err
				}
				continue
			}
		}
		if len(page) < want {
			page = append(page, c)
		}
	}
	return page, true, nil
}

// bounds returns c's score from its known contributions, and the most it can be with the
// unknown ones at their lists' bound (rest). With all known, lo is the score, summed as
// Bleve sums it: per group, the clauses of the branches the document holds all of, times
// coord (the share of the group's branches they are).
func (t *topRun) bounds(c *candidate) (lo, hi float64) {
	held := func(b int) bool { return c.in&t.mask[b] == t.mask[b] }
	return t.sum(held, func(j int) (float64, float64) {
		if c.unknown&(1<<j) == 0 {
			return c.part[j], c.part[j]
		}
		return 0, t.segs[c.seg].lists[j].rest * t.c[j]
	})
}

// sum adds up a document's score as Bleve does: per group, the contributions of the clauses
// of the branches it holds all of (held), times coord (the share of the group's branches they
// are). part gives a clause's contribution from below and from above.
func (t *topRun) sum(held func(b int) bool, part func(j int) (lo, hi float64)) (lo, hi float64) {
	for g := range len(t.gfirst) - 1 {
		var l, h float64
		n := 0
		for b := t.gfirst[g]; b < t.gfirst[g+1]; b++ {
			if !held(b) {
				continue
			}
			n++
			for j := t.cfirst[b]; j < t.cfirst[b+1]; j++ {
				pl, ph := part(j)
				l += pl
				h += ph
			}
		}
		coord := float64(n) / float64(t.gfirst[g+1]-t.gfirst[g])
		lo += l * coord
		hi += h * coord
	}
	return lo, hi
}

// contenders returns the candidates that may be among the want best: all whose score may
// reach the worst of the best.
func (t *topRun) contenders() []*candidate {
	kth := t.best.items[0].lo
	var out []*candidate
	for _, c := range t.cands {
		if c.hi >= kth && !c.failed {
			out = append(out, c)
		}
	}
	return out
}

// complete completes the score of c from the impacts of all documents of its lists: read
// now if read is set, otherwise only those a search has read already.
func (t *topRun) complete(c *candidate, read bool) error {
	if c.unknown == 0 {
		return nil
	}
	ts := t.segs[c.seg]
	for j := range t.clauses {
		if c.unknown&(1<<j) == 0 {
			continue
		}
		l := ts.lists[j]
		full := l.full.Load()
		if full == nil && read {
			var err error
			if full, err = t.cache.fullOf(l, ts.ss, t.clauses[j].field, t.clauses[j].term); err != nil {
				return err
			}
		}
		if full != nil {
			c.part[j] = full.at(c.doc) * t.c[j] // c.in says the list holds c.doc
			c.unknown &^= 1 << j
		}
	}
	c.lo, c.hi = t.bounds(c)
	return nil
}

// resolve completes the scores of cands and sorts them, best first. The impacts of the lists
// they are not in the top of come from all their impacts where a search has read them
// (complete), otherwise from the postings: a few contenders do not pay for reading them all.
func (t *topRun) resolve(cands []*candidate) error {
	type need struct {
		c *candidate
		j int
	}
	var needs []need
	for _, c := range cands {
		if err := t.complete(c, false); err != nil {
			return err
		}
		for j := range t.clauses {
			if c.unknown&(1<<j) != 0 {
				needs = append(needs, need{c: c, j: j})
			}
		}
	}
	slices.SortFunc(needs, func(a, b need) int {
		return cmp.Or(cmp.Compare(a.c.seg, b.c.seg), cmp.Compare(a.j, b.j), cmp.Compare(a.c.doc, b.c.doc))
	})
	for i := 0; i < len(needs); {
		s, j := needs[i].c.seg, needs[i].j
		pl, err := postings(t.segs[s].ss.Segment(), t.clauses[j].field, t.clauses[j].term)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		it := pl.Iterator(true, true, false, nil)
		for ; i < len(needs) && needs[i].c.seg == s && needs[i].j == j; i++ {
			c := needs[i].c
			p, err := it.Advance(uint64(c.doc))
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			if p == nil || p.Number() != uint64(c.doc) {
				return fmt.Errorf("search: impact list: document %d of segment %d lacks %s:%s", c.doc, s, t.clauses[j].field, t.clauses[j].term)
			}
			c.part[j] = impactOf(uint32(p.Frequency()), float32(p.Norm())) * t.c[j]
			c.unknown &^= 1 << j
		}
	}
	for _, c := range cands {
		c.lo, c.hi = t.bounds(c)
	}
	slices.SortFunc(cands, func(a, b *candidate) int { return rank(a.lo, a.num, b.lo, b.num) })
	return nil
}
