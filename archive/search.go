package archive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"akte/archive/catalog"
	"akte/search"
)

// SearchRequest is the search package's, so callers of the engine need
// not import it.
type SearchRequest = search.Request

// SearchResult is one page of hits; Rebuilding says the index is being
// refilled from the bucket, so hits may be missing.
type SearchResult struct {
	*search.Result
	Rebuilding bool `json:"rebuilding"`
}

// indexer feeds the search index and clears the catalog's "unindexed"
// mark only once the index has committed a version: a crash in between
// leaves the mark, and the next Open indexes the version again.
type indexer struct {
	idx *search.Index
	cat *catalog.Catalog

	mu      sync.Mutex
	pending []catalog.Ref

	rebuilding atomic.Bool
	stop       chan struct{}
	stopOnce   sync.Once
	done       sync.WaitGroup
}

func newIndexer(idx *search.Index, cat *catalog.Catalog) *indexer {
	x := &indexer{idx: idx, cat: cat, stop: make(chan struct{})}
	x.done.Add(1)
	go x.markLoop()
	return x
}

// docFor is what the index learns of a version.
func docFor(m *Manifest, status, text string) search.Doc {
	d := search.Doc{ID: string(m.Record), Citizen: string(m.Citizen), Class: string(m.Class), Source: string(m.Source),
		Status: status, Title: m.Title, Text: text, Created: m.Created, Names: m.Names}
	if t, err := time.Parse(time.DateOnly, string(m.Date)); err == nil {
		d.Date = t
	}
	return d
}

// put hands a version to the index writer.
func (x *indexer) put(ctx context.Context, m *Manifest, status, text string) error {
	if err := x.idx.Put(ctx, docFor(m, status, text)); err != nil {
		return err
	}
	x.mu.Lock()
	x.pending = append(x.pending, catalog.Ref{ID: string(m.Record), Version: m.Version})
	x.mu.Unlock()
	return nil
}

// markLoop marks what the index committed, twice a second and on close.
func (x *indexer) markLoop() {
	defer x.done.Done()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if !x.rebuilding.Load() { // indexPending marks every 10,000 and at the end: no small batches forced on the writer
				x.mark(context.Background())
			}
		case <-x.stop:
			x.mark(context.Background())
			return
		}
	}
}

func (x *indexer) mark(ctx context.Context) error {
	x.mu.Lock()
	refs := x.pending
	x.pending = nil
	x.mu.Unlock()
	if len(refs) == 0 {
		return nil
	}
	err := x.idx.Flush(ctx)
	var we *search.WriteError
	if errors.As(err, &we) {
		failed := map[string]bool{}
		for _, id := range we.IDs {
			failed[id] = true
		}
		ok := refs[:0]
		for _, r := range refs {
			if !failed[r.ID] {
				ok = append(ok, r)
			}
		}
		refs = ok
	} else if err != nil {
		return err // nothing marked: Open indexes them again
	}
	return x.cat.MarkIndexed(ctx, refs...)
}

// close stops the mark loop after a last mark; idempotent.
func (x *indexer) close() {
	x.stopOnce.Do(func() { close(x.stop) })
	x.done.Wait()
}

// indexPending indexes every version the catalog marks as unindexed (new
// or recreated index, interrupted ingests) from its text in the bucket,
// marking progress as it goes: interrupted work resumes on the next Open.
// indexWorkers read records and texts at once; the index's one writer
// analyses them. Searches answer meanwhile and report Rebuilding.
func (a *Archive) indexPending(ctx context.Context) (int, error) {
	x := a.idx
	defer x.rebuilding.Store(false)
	ids, err := a.cat.Unindexed(ctx)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	x.rebuilding.Store(true)
	start := time.Now()
	var done, skipped atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(indexWorkers)
	for _, id := range ids {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := a.indexRecord(gctx, RecordID(id))
			switch {
			case errors.Is(err, ErrNotFound): // disposed meanwhile
				return nil
			case errors.Is(err, ErrCorrupt):
				// One damaged text must not keep every other record out of the index.
				// The record stays unindexed and is tried again on the next open;
				// akte verify names the damage.
				a.log.Error("search indexing: record skipped, its text is damaged (run akte verify)", "record", id, "err", err)
				skipped.Add(1)
				return nil
			case err != nil:
				return fmt.Errorf("index %s: %w", id, err)
			}
			if n := done.Add(1); n%10000 == 0 {
				if err := x.mark(gctx); err != nil {
					return err
				}
				a.log.Info("search indexing", "records", n, "of", len(ids), "elapsed", time.Since(start).Round(time.Second))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return int(done.Load()), err
	}
	if err := ctx.Err(); err != nil {
		return int(done.Load()), err
	}
	if err := x.mark(ctx); err != nil {
		return int(done.Load()), err
	}
	a.log.Info("search index filled", "records", done.Load(), "skipped", skipped.Load(), "elapsed", time.Since(start).Round(time.Millisecond))
	return int(done.Load()), nil
}

// indexWorkers read records and their texts for indexPending at once.
const indexWorkers = 4

// indexRecord indexes a record's latest version from its stored text.
func (a *Archive) indexRecord(ctx context.Context, id RecordID) error {
	rec, err := a.Record(ctx, id)
	if err != nil {
		return err
	}
	text, err := a.textOf(ctx, rec.Manifest)
	if err != nil {
		return err
	}
	return a.idx.put(ctx, rec.Manifest, rec.Status, string(text))
}

// textOf reads and checks a version's stored text (none: empty).
func (a *Archive) textOf(ctx context.Context, m *Manifest) ([]byte, error) {
	ref, ok := m.File(FileText)
	if !ok {
		return []byte{}, nil
	}
	return a.readVerified(ctx, ref)
}

// Search answers a clerk's query. Query syntax errors are ErrInvalid
// (field "q"); roles that may not search get ErrForbidden.
func (a *Archive) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	if a.idx == nil {
		return nil, fmt.Errorf("search: %w: no search index is configured", ErrUnavailable)
	}
	res, err := a.idx.idx.Search(ctx, req)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		return nil, &FieldError{Kind: ErrInvalid, Field: "q", Reason: qe.Error()}
	case errors.Is(err, search.ErrForbidden):
		return nil, fmt.Errorf("search: %w: %v", ErrForbidden, err)
	case errors.Is(err, search.ErrInvalid):
		return nil, &FieldError{Kind: ErrInvalid, Field: "search", Reason: err.Error()}
	case err != nil:
		return nil, fmt.Errorf("search: %w", err)
	}
	return &SearchResult{Result: res, Rebuilding: a.idx.rebuilding.Load()}, nil
}

// FlushSearch makes every version ingested so far searchable now and
// marks it indexed (the index otherwise commits within a second).
func (a *Archive) FlushSearch(ctx context.Context) error {
	if a.idx == nil {
		return nil
	}
	return a.idx.mark(ctx)
}

// WarmSearch prepares the search index for fast faceted and date-sorted searches
// and for the first searches of frequent words
// (search.Index.Warm); the server runs it in the background when it starts.
func (a *Archive) WarmSearch(ctx context.Context) error {
	if a.idx == nil {
		return nil
	}
	return a.idx.idx.Warm(ctx)
}
