package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Impact lists built ahead of the searches that need them. The first search of a frequent
// word reads its postings in every segment — up to 190 ms at a million documents — and again
// in each big segment a merge makes. So lists are built in the background, one at a time:
//
//   - by Warm, of the most frequent terms of the body's two fields (stop words too, which
//     phrases ask for) in all segments, those of most documents first, up to warmPart of the
//     budget (a server warms the index after opening it; at 1,000,000 documents 384 MB of
//     lists take about 26 s, some 8 s of it finding the frequent terms);
//   - when a search first meets a big segment (a merge has made it), of the terms whose lists
//     are cached for other segments — the words in use — most recently used first, up to the
//     segment's share of half the budget, so that they do not push out the lists in use.
//
// Only terms of at least primeMinDocs documents in the segment are built ahead (a rarer one
// takes a few tenths of a millisecond when searched).

// warmPart is the part of the budget Warm fills. The rest is for the lists searches build
// (small segments, rarer words, names): at a million documents the mix's first pass builds
// some 11,000 of them, and with the budget full they pushed out the frequent words' lists,
// the dearest to build again (13–18 ms each in a segment of 160,000 documents).
const warmPart = 0.75

// primeMinDocs: a term of fewer documents in a segment is left for the search to build.
var primeMinDocs = 1000

// primeTerms bounds the words in use built ahead for a new segment.
const primeTerms = 512

// primeFields are the fields whose most frequent terms Warm builds lists of.
var primeFields = []string{fieldText, fieldExact}

// primeTerm is a term of a field to build ahead.
type primeTerm struct{ field, term string }

// segTerm is a term of a field of a segment to build ahead; docs, its documents there.
type segTerm struct {
	ss *scorch.SegmentSnapshot
	primeTerm
	docs uint64
}

// prime starts building, in the background, the lists of the words in use for the big
// segments of snap no search has met yet.
func (c *impacts) prime(snap *scorch.IndexSnapshot) {
	segs := snap.Segments()
	var fresh []*scorch.SegmentSnapshot
	c.mu.Lock()
	for _, ss := range segs {
		if ss.Count() > uint64(bigSegment) && !c.primed[ss.Id()] {
			c.primed[ss.Id()] = true
			fresh = append(fresh, ss)
		}
	}
	forgetMerged(c.primed, segs)
	var terms []primeTerm
	seen := map[primeTerm]bool{}
	if len(fresh) > 0 {
		for e := c.order.Front(); e != nil && len(terms) < primeTerms; e = e.Next() {
			k := e.Value.(impactKey)
			t := primeTerm{field: k.field, term: k.term}
			if !seen[t] {
				seen[t] = true
				terms = append(terms, t)
			}
		}
	}
	c.mu.Unlock()
	if len(fresh) == 0 || len(terms) == 0 {
		return
	}
	docs, err := snap.DocCount()
	if err != nil {
		return
	}
	// The snapshot holds a reference to its segments only while the search runs.
	snap.AddRef()
	c.ahead.Add(1)
	go func() {
		defer c.ahead.Done()
		defer snap.DecRef()
		c.building.Lock()
		defer c.building.Unlock()
		for _, ss := range fresh {
			frequent, err := frequentOf(ss, terms)
			share := int(float64(c.budget) * 0.5 * float64(ss.Count()) / float64(max(docs, 1)))
			if err != nil || c.buildAhead(c.quit, frequent, share) != nil {
				return // closed, or the segment cannot be read: searches build what they need
			}
		}
	}()
}

// warm builds the lists of the most frequent terms of snap's segments, those of most
// documents first, whatever their segment (the dearest for a search to build), until they take
// warmPart of the budget.
func (c *impacts) warm(ctx context.Context, snap *scorch.IndexSnapshot) error {
	c.building.Lock()
	defer c.building.Unlock()
	var all []segTerm
	for _, ss := range snap.Segments() {
		if ss.Count() > uint64(bigSegment) {
			c.mu.Lock()
			c.primed[ss.Id()] = true
			c.mu.Unlock()
		}
		for _, f := range primeFields {
			if err := ctx.Err(); err != nil {
				return err
			}
			dict, err := ss.Segment().Dictionary(f)
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			// The dictionary iterator's counts are wrong: zap reuses one postings list whose
			// one-document flag, once set, stays, and every later term counts 1 ("stadt" in
			// 160,920 documents). Each term's own postings list says.
			var pl segment.PostingsList
			err = eachTerm(dict, func(term string) (err error) {
				if pl, err = dict.PostingsList([]byte(term), nil, pl); err != nil {
					return fmt.Errorf("search: %w", err)
				}
				if n := pl.Count(); n >= uint64(primeMinDocs) {
					all = append(all, segTerm{ss, primeTerm{f, term}, n})
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	slices.SortFunc(all, func(a, b segTerm) int { return cmp.Compare(b.docs, a.docs) })
	return c.buildAhead(ctx, all, int(float64(c.budget)*warmPart))
}

// frequentOf returns those of terms that at least primeMinDocs documents of ss hold.
func frequentOf(ss *scorch.SegmentSnapshot, terms []primeTerm) ([]segTerm, error) {
	var out []segTerm
	for _, t := range terms {
		pl, err := postings(ss.Segment(), t.field, t.term)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if n := pl.Count(); n >= uint64(primeMinDocs) {
			out = append(out, segTerm{ss, t, n})
		}
	}
	return out, nil
}

// buildAhead builds the lists of terms, in this order, until they take share bytes. The first
// built are left the most recently used, the last to be dropped.
func (c *impacts) buildAhead(ctx context.Context, terms []segTerm, share int) error {
	size := 0
	var built []impactKey
	defer func() { c.touch(built) }()
	for _, t := range terms {
		if err := ctx.Err(); err != nil {
			return err
		}
		if size >= share {
			return nil
		}
		l, err := c.list(t.ss, t.field, t.term)
		if err != nil {
			return err
		}
		size += l.size
		built = append(built, impactKey{t.ss.Id(), t.field, t.term})
		primedLists.Add(1)
	}
	return nil
}

// touch makes the cached lists of keys the most recently used, the first most.
func (c *impacts) touch(keys []impactKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range slices.Backward(keys) {
		if l := c.lists[k]; l != nil {
			c.order.MoveToFront(l.elem)
		}
	}
}
