package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Every search reads, for each of its matches, the facet fields and the date. Bleve keeps them
// as doc values in compressed chunks and decodes a chunk again in every search — half of a
// faceted search's CPU. Segments never change once written, so the columns hold those values
// decoded, per segment, built the first time a search meets the segment and dropped once
// merging has replaced it.

// columnFields are the fields the columns hold: the facets, in facetFields order, then the date.
var facetFields = func() []string {
	fs := make([]string, 0, len(facetSizes))
	for f := range facetSizes {
		fs = append(fs, f)
	}
	slices.Sort(fs)
	return fs
}()

// bigSegment: a segment of more documents than this gets its columns built in the background;
// until they are ready, searches read its doc values as before, so that the first search after
// a large merge does not pay for decoding the whole segment.
var bigSegment = 20000

// backgroundHook, if set, runs before each background build (tests hold builds back with it).
var backgroundHook func()

// columns caches segColumns by segment. Facet values are numbered per field (ord), the same
// number in every segment, so a search counts into small arrays.
type columns struct {
	mu     sync.Mutex
	segs   map[uint64]*segColumns // by scorch segment ID, unique within one index directory
	ords   []map[string]uint16    // per facet field: value → ord (1-based; 0 is no value)
	values [][]string             // per facet field: ord-1 → value
	failed error                  // the first error building a segment's columns, for tests
}

func newColumns() *columns {
	c := &columns{segs: map[uint64]*segColumns{}}
	for range facetFields {
		c.ords = append(c.ords, map[string]uint16{})
		c.values = append(c.values, nil)
	}
	return c
}

// segColumns are one segment's values by local document number; ready is closed when they are
// filled (ok says whether that worked).
type segColumns struct {
	ready chan struct{}
	ok    bool
	facet [][]uint16 // per facet field
	date  []int64    // Unix nanoseconds; 0 without a date
}

// snapshotColumns is one search's view: the columns of each segment of its snapshot, nil for
// a segment whose columns are not ready, and where each segment starts.
type snapshotColumns struct {
	starts []uint64
	segs   []*segColumns // nil where not ready
	all    []*segColumns
	cur    int
}

// Warm decodes the facet and date values of every segment of the index now, so that the first
// searches with facets or sorted by date do not read them from doc values, and builds the
// impact lists of the big segments' most frequent terms (prime.go), so that the first search
// of a frequent word does not read all its postings (a server calls it after opening the
// index).
func (ix *Index) Warm(ctx context.Context) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	r, err := ix.reader()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	sc := ix.cols.forSnapshot(r) // starts the columns' builds
	if sc == nil {
		return nil
	}
	if err := ix.impacts.warm(ctx, r.(*scorch.IndexSnapshot)); err != nil {
		return err
	}
	for _, col := range sc.all {
		select {
		case <-col.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	ix.cols.mu.Lock()
	defer ix.cols.mu.Unlock()
	return ix.cols.failed
}

// forSnapshot returns the columns of r's segments, building those of small segments now and
// starting the build of big ones; nil if r is not a scorch snapshot.
func (c *columns) forSnapshot(r index.IndexReader) *snapshotColumns {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	segs := snap.Segments()
	sc := &snapshotColumns{starts: make([]uint64, len(segs)), segs: make([]*segColumns, len(segs))}
	var start uint64
	type toBuild struct {
		col *segColumns
		seg segment.Segment
	}
	var builds []toBuild
	c.mu.Lock()
	for i, ss := range segs {
		sc.starts[i] = start
		seg := ss.Segment()
		start += seg.Count()
		col := c.segs[ss.Id()]
		if col == nil {
			col = &segColumns{ready: make(chan struct{})}
			c.segs[ss.Id()] = col
			builds = append(builds, toBuild{col, seg})
		}
		sc.segs[i] = col
	}
	forgetMerged(c.segs, segs)
	c.mu.Unlock()

	for _, b := range builds {
		col, seg := b.col, b.seg
		if seg.Count() > uint64(bigSegment) {
			// The snapshot holds a reference to the segment only while the search runs.
			snap.AddRef()
			go func() {
				defer snap.DecRef()
				if backgroundHook != nil {
					backgroundHook()
				}
				c.build(col, seg)
			}()
			continue
		}
		c.build(col, seg)
	}
	sc.all = slices.Clone(sc.segs)
	for i, col := range sc.segs {
		select {
		case <-col.ready:
			if !col.ok {
				sc.segs[i] = nil
			}
		default:
			sc.segs[i] = nil
		}
	}
	return sc
}

// forgetMerged drops from m, kept by segment ID, the segments merged away: those not among
// segs, the current ones, once m holds many more.
func forgetMerged[V any](m map[uint64]V, segs []*scorch.SegmentSnapshot) {
	if len(m) <= 2*len(segs)+16 {
		return
	}
	live := make(map[uint64]bool, len(segs))
	for _, ss := range segs {
		live[ss.Id()] = true
	}
	for id := range m {
		if !live[id] {
			delete(m, id)
		}
	}
}

// build fills col from seg's doc values.
func (c *columns) build(col *segColumns, seg segment.Segment) {
	defer close(col.ready)
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return
	}
	n := int(seg.Count())
	col.facet = make([][]uint16, len(facetFields))
	for f := range col.facet {
		col.facet[f] = make([]uint16, n)
	}
	col.date = make([]int64, n)
	fields := append(slices.Clone(facetFields), fieldDate)
	var state segment.DocVisitState
	var doc int
	var err error
	// Few distinct values, a million documents: the shared numbering (and its lock) is asked
	// once per value this build meets.
	seen := make([]map[string]uint16, len(facetFields))
	for f := range seen {
		seen[f] = map[string]uint16{}
	}
	visit := func(field string, term []byte) {
		if field == fieldDate {
			if d, ok := dateValue(term); ok {
				col.date[doc] = d
			}
			return
		}
		f, ok := slices.BinarySearch(facetFields, field)
		if !ok || err != nil {
			return
		}
		ord, ok := seen[f][string(term)]
		if !ok {
			if ord, err = c.ord(f, term); err != nil {
				return
			}
			seen[f][string(term)] = ord
		}
		col.facet[f][doc] = ord
	}
	for doc = 0; doc < n; doc++ {
		state, err = dv.VisitDocValues(uint64(doc), fields, visit, state)
		if err != nil {
			break
		}
	}
	if err != nil {
		c.mu.Lock()
		if c.failed == nil {
			c.failed = err
		}
		c.mu.Unlock()
		return
	}
	col.ok = true
}

// ord returns the number of value in facet field f, numbering it if it is new.
func (c *columns) ord(f int, value []byte) (uint16, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.ords[f][string(value)]; ok {
		return o, nil
	}
	if len(c.values[f]) >= 1<<16-1 {
		return 0, fmt.Errorf("search: more than %d values of %s", 1<<16-1, facetFields[f])
	}
	c.values[f] = append(c.values[f], string(value))
	o := uint16(len(c.values[f]))
	c.ords[f][string(value)] = o
	return o, nil
}

// at returns the columns of global document num and its number within them; nil if that
// segment's columns are not ready. Matches come in ascending order, so the segment is found
// by stepping forward, with a search for the rest.
func (sc *snapshotColumns) at(num uint64) (*segColumns, int) {
	if sc == nil {
		return nil, 0
	}
	i := sc.cur
	if i >= len(sc.starts) || num < sc.starts[i] || (i+1 < len(sc.starts) && num >= sc.starts[i+1]) {
		if i = segmentOf(sc.starts, num); i < 0 {
			return nil, 0
		}
		sc.cur = i
	}
	col := sc.segs[i]
	if col == nil || num-sc.starts[i] >= uint64(len(col.date)) {
		return nil, 0
	}
	return col, int(num - sc.starts[i])
}

// segmentOf returns which segment holds global document num, given where each segment of
// the snapshot starts (ascending); -1 if none does.
func segmentOf(starts []uint64, num uint64) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > num }) - 1
}

// value returns the value of facet field f numbered ord.
func (c *columns) value(f int, ord int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[f][ord-1]
}
