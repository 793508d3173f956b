package search

import (
	"sync"

	"context"
	"errors"
	"fmt"
	"github.com/blevesearch/bleve/v2"
	"time"
)

type opKind int

const (
	opPut opKind = iota
	opDelete
	opFlush
)

// op is one request to the writer.
type op struct {
	kind    opKind
	id      string
	doc     map[string]any // opPut
	size    int            // opPut: text bytes, for BatchBytes
	flushed chan error     // opFlush: buffered; receives the unreported failures after the commit
}

// Put enqueues d to be indexed, replacing any document with the same ID. It returns once d is
// queued, not once it is searchable: that follows within about Options.FlushDelay, or at once
// after Flush. It blocks while the queue is full, until ctx is done (then ctx.Err()). Put is
// idempotent and safe for concurrent use; of two Puts of one ID, the later one wins.
//
// Errors: ErrInvalid if d breaks the Doc contract; ErrClosed; a *WriteError when earlier
// operations failed to commit and nobody was told yet. On any error d is not queued.
func (ix *Index) Put(ctx context.Context, d Doc) error {
	if err := d.validate(); err != nil {
		return err
	}
	text := cutText(d.Text, ix.opts.MaxTextBytes)
	return ix.send(ctx, op{kind: opPut, id: d.ID, doc: bleveDoc(&d, text), size: len(text) + len(d.Title)})
}

// Delete enqueues the removal of the document with this ID; removing an absent ID is not an
// error. Like Put, it returns once queued; the document stops showing up in hits within about
// Options.FlushDelay, or at once after Flush. Errors are as for Put.
func (ix *Index) Delete(ctx context.Context, id string) error {
	if !validULID(id) {
		return fmt.Errorf("%w document id %q: not a ULID", ErrInvalid, id)
	}
	return ix.send(ctx, op{kind: opDelete, id: id})
}

// Flush waits until every Put and Delete that returned before Flush was called is committed and
// searchable. It returns a *WriteError if any operation failed since failures were last
// reported, ErrClosed, or ctx.Err() if ctx is done first (the commit still happens).
func (ix *Index) Flush(ctx context.Context) error {
	done := make(chan error, 1)
	if err := ix.enqueue(ctx, op{kind: opFlush, flushed: done}); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		go func() { // keep a failure the writer hands over for the next caller
			var we *WriteError
			if errors.As(<-done, &we) {
				ix.fail(we.IDs, we.Omitted, we.Err)
			}
		}()
		return ctx.Err()
	}
}

// send reports unreported failures, else enqueues o.
func (ix *Index) send(ctx context.Context, o op) error {
	if err := ix.takeErr(); err != nil {
		return err
	}
	return ix.enqueue(ctx, o)
}

func (ix *Index) enqueue(ctx context.Context, o op) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case ix.ops <- o:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-ix.quit:
		return ErrClosed
	}
}

// committers is how many batches may be committed at once. Bleve builds a batch's segment in
// the calling goroutine, single-threaded; two at a time keep both cores busy while one batch
// is being built and the next analysed.
const committers = 2

// writer is the only goroutine that decides what goes into the Bleve index. It collects
// operations into a batch and commits it when it holds BatchSize documents or BatchBytes of
// text, FlushDelay after its first operation, on Flush, and on Close. Up to committers
// batches are committed concurrently, but never two holding the same ID: a batch touching an
// ID still in flight waits for the batches in flight, so the later operation on an ID always
// wins. Failed commits are recorded for the next caller.
func (ix *Index) writer() {
	defer close(ix.done)
	batch := ix.b.NewBatch()
	var ids []string
	size := 0
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false

	var (
		wg       sync.WaitGroup
		slots    = make(chan struct{}, committers)
		flightMu sync.Mutex
		inFlight = map[string]int{}
	)
	busy := func(ids []string) bool {
		flightMu.Lock()
		defer flightMu.Unlock()
		for _, id := range ids {
			if inFlight[id] > 0 {
				return true
			}
		}
		return false
	}
	commit := func() {
		if armed {
			timer.Stop()
			armed = false
		}
		if len(ids) == 0 {
			return
		}
		if busy(ids) {
			wg.Wait()
		}
		slots <- struct{}{}
		flightMu.Lock()
		for _, id := range ids {
			inFlight[id]++
		}
		flightMu.Unlock()
		wg.Add(1)
		go func(b *bleve.Batch, ids []string) {
			defer wg.Done()
			if err := ix.b.Batch(b); err != nil {
				ix.fail(ids, 0, err)
			}
			flightMu.Lock()
			for _, id := range ids {
				if inFlight[id]--; inFlight[id] == 0 {
					delete(inFlight, id)
				}
			}
			flightMu.Unlock()
			<-slots
		}(batch, ids)
		batch = ix.b.NewBatch()
		ids, size = nil, 0
	}
	handle := func(o op) {
		switch o.kind {
		case opFlush:
			commit()
			wg.Wait()
			o.flushed <- ix.takeErr()
			return
		case opPut:
			if err := batch.Index(o.id, o.doc); err != nil {
				ix.fail([]string{o.id}, 0, err)
				return
			}
			size += o.size
		case opDelete:
			batch.Delete(o.id)
		}
		ids = append(ids, o.id)
		if len(ids) >= ix.opts.BatchSize || size >= ix.opts.BatchBytes {
			commit()
		} else if !armed {
			timer.Reset(ix.opts.FlushDelay)
			armed = true
		}
	}

	for {
		select {
		case o := <-ix.ops:
			handle(o)
		case <-timer.C:
			armed = false
			commit()
		case <-ix.stop:
			for {
				select {
				case o := <-ix.ops:
					handle(o)
				default:
					commit()
					wg.Wait()
					return
				}
			}
		}
	}
}

// fail records that the operations on ids, and omitted more, were not committed. It holds
// errMu throughout: a takeErr in between would leave nothing to add to.
func (ix *Index) fail(ids []string, omitted int, err error) {
	ix.errMu.Lock()
	defer ix.errMu.Unlock()
	if ix.werr == nil {
		ix.werr = &WriteError{}
	}
	ix.werr.add(ids, err)
	ix.werr.Omitted += omitted
}

// takeErr returns the unreported failures, if any, and forgets them.
func (ix *Index) takeErr() error {
	ix.errMu.Lock()
	defer ix.errMu.Unlock()
	if ix.werr == nil {
		return nil
	}
	e := ix.werr
	ix.werr = nil
	return e
}
