package search

import (
	"fmt"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// filterSets keeps, per segment, the sets of documents a filter takes: those with any of
// some keywords (a class, years), and those a role may not see, deleted or of a hidden
// status. Looking the keywords up in the segment's dictionary, and taking the refused out of
// a frequent word's matches one set after another, were half of its search at a million
// documents; kept, and the refused united, the first costs nothing and the second one AndNot,
// or nothing where the matches are a list's own set: the search counts around them
// (topSeg.refused). A segment's keywords never change (a record with a new status is a new
// document), its deletions do: the refused hold for one deleted set.
type filterSets struct {
	mu   sync.Mutex
	segs map[uint64]map[string]filterSet // by segment, then by field and values
}

type filterSet struct {
	del, set *roaring.Bitmap // the refused are built for del
}

func newFilterSets() *filterSets { return &filterSets{segs: map[uint64]map[string]filterSet{}} }

// keywords returns the documents of ss holding any of vals in field, nil if none. The set is
// shared: it must not be changed.
func (c *filterSets) keywords(ss *scorch.SegmentSnapshot, live []*scorch.SegmentSnapshot, field string, vals []string) (*roaring.Bitmap, error) {
	key := field + "\x00" + strings.Join(vals, "\x00")
	if fs, ok := c.get(ss, key); ok {
		return fs.set, nil
	}
	set, err := anyOf(ss, field, vals, nil)
	if err != nil {
		return nil, err
	}
	c.put(ss, live, key, filterSet{set: set})
	return set, nil
}

// refused returns the documents of ss deleted or of a status in hidden, nil if none. The set
// is shared: it must not be changed.
func (c *filterSets) refused(ss *scorch.SegmentSnapshot, live []*scorch.SegmentSnapshot, hidden []string) (*roaring.Bitmap, error) {
	key := "\x01" + strings.Join(hidden, "\x00")
	del := ss.Deleted()
	if fs, ok := c.get(ss, key); ok && fs.del == del {
		return fs.set, nil
	}
	set, err := anyOf(ss, fieldStatus, hidden, del)
	if err != nil {
		return nil, err
	}
	c.put(ss, live, key, filterSet{del: del, set: set})
	return set, nil
}

func (c *filterSets) get(ss *scorch.SegmentSnapshot, key string) (filterSet, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fs, ok := c.segs[ss.Id()][key]
	return fs, ok
}

func (c *filterSets) put(ss *scorch.SegmentSnapshot, live []*scorch.SegmentSnapshot, key string, fs filterSet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	byKey := c.segs[ss.Id()]
	if byKey == nil {
		byKey = map[string]filterSet{}
		c.segs[ss.Id()] = byKey
		forgetMerged(c.segs, live)
	}
	byKey[key] = fs
}

// anyOf returns, in memory of its own, the documents of ss holding any of vals in field, and
// those of also; nil if none.
func anyOf(ss *scorch.SegmentSnapshot, field string, vals []string, also *roaring.Bitmap) (*roaring.Bitmap, error) {
	set := roaring.New()
	if also != nil {
		set.Or(also)
	}
	for _, v := range vals {
		bm, err := termBitmap(ss.Segment(), field, v)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if bm != nil {
			set.Or(bm)
		}
	}
	if set.IsEmpty() {
		return nil, nil
	}
	set.RunOptimize()
	set.CloneCopyOnWriteContainers() // Or shares a segment's containers: the set outlives the search
	return set, nil
}
