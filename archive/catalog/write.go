package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxBatch bounds how many queued writes share one transaction, so that one
// burst cannot build an unbounded transaction. Far above what concurrent
// ingest queues in the time of one commit.
const maxBatch = 1024

// A request is one queued write.
type request struct {
	ctx context.Context
	// alone: run in a transaction of its own, rolled back on any error
	// (PutMany, Reset). Otherwise the request shares a batch.
	alone bool
	// apply performs the write in tx and reports whether it changed
	// anything. In a shared batch, an error wrapped in rejected means apply
	// changed nothing and only this request fails; any other error aborts
	// the whole batch.
	apply func(tx *bolt.Tx) (changed bool, err error)
	done  chan error // capacity 1
}

// rejected marks a per-request refusal made before any write.
type rejected struct{ err error }

func (r rejected) Error() string { return r.err.Error() }
func (r rejected) Unwrap() error { return r.err }

// submit queues a write and waits for its outcome. On ctx cancellation it
// returns ctx.Err() at once; the write may still commit.
func (c *Catalog) submit(ctx context.Context, op string, alone bool, apply func(*bolt.Tx) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{ctx: ctx, alone: alone, apply: apply, done: make(chan error, 1)}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	c.queue = append(c.queue, r)
	c.mu.Unlock()
	c.signal()
	select {
	case err := <-r.done:
		if err == nil {
			return nil
		}
		if err == ctx.Err() {
			return err
		}
		return fmt.Errorf("%s: %w", op, err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Catalog) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run is the writer goroutine: whenever the previous commit has finished it
// takes everything queued (up to maxBatch) and commits it. It returns once
// the catalog is closed and the queue is drained.
func (c *Catalog) run() {
	defer close(c.stopped)
	for {
		c.mu.Lock()
		batch := c.queue
		if len(batch) > maxBatch {
			batch = batch[:maxBatch:maxBatch]
			c.queue = c.queue[maxBatch:]
		} else {
			c.queue = nil
		}
		closed := c.closed
		c.mu.Unlock()
		if len(batch) == 0 {
			if closed {
				return
			}
			<-c.wake
			continue
		}
		// Consecutive shared requests go into one transaction; a request
		// that must run alone gets its own.
		for len(batch) > 0 {
			n := 1
			if !batch[0].alone {
				for n < len(batch) && !batch[n].alone {
					n++
				}
			}
			c.commit(batch[:n])
			batch = batch[n:]
		}
	}
}

// commit runs reqs in one write transaction and answers each of them.
func (c *Catalog) commit(reqs []*request) {
	live := reqs[:0:0]
	for _, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			r.done <- err // the caller has gone; skip the work
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	start := time.Now()
	errs, err := c.commitTx(live)
	if err != nil {
		c.log.Error("catalog commit failed", logKeyBatch, len(live), logKeyErr, err)
		for _, r := range live {
			r.done <- err
		}
		return
	}
	c.log.Debug("catalog commit", logKeyBatch, len(live), logKeyElapsed, time.Since(start))
	for i, r := range live {
		r.done <- errs[i]
	}
}

// commitTx applies reqs in one transaction. It returns each request's own
// error, or a single error that fails them all (nothing was committed).
// The transaction is rolled back instead of committed when nothing changed:
// what the requests observed is then already durable.
func (c *Catalog) commitTx(reqs []*request) (errs []error, err error) {
	tx, err := c.db.Begin(true)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			errs, err = nil, fmt.Errorf("catalog writer panic: %v", p)
		}
	}()
	alone := len(reqs) == 1 && reqs[0].alone
	errs = make([]error, len(reqs))
	changed := false
	for i, r := range reqs {
		ch, err := r.apply(tx)
		var rj rejected
		switch {
		case err == nil:
			changed = changed || ch
		case alone:
			// Its own transaction: any error is only this request's.
			tx.Rollback()
			if errors.As(err, &rj) {
				return []error{err}, nil
			}
			return []error{fmt.Errorf("write: %w", err)}, nil
		case errors.As(err, &rj):
			errs[i] = rj.err
		default:
			tx.Rollback()
			return nil, fmt.Errorf("write: %w", err)
		}
	}
	if !changed {
		return errs, tx.Rollback()
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return errs, nil
}

// buckets holds a write or read transaction's buckets.
type buckets struct {
	records, citizen, date, idem, content, unindexed, events, meta *bolt.Bucket
}

func openBuckets(tx *bolt.Tx) (buckets, error) {
	b := buckets{
		records:   tx.Bucket(bucketRecords),
		citizen:   tx.Bucket(bucketCitizen),
		date:      tx.Bucket(bucketDate),
		idem:      tx.Bucket(bucketIdem),
		content:   tx.Bucket(bucketContent),
		unindexed: tx.Bucket(bucketUnindexed),
		events:    tx.Bucket(bucketEvents),
		meta:      tx.Bucket(bucketMeta),
	}
	if b.records == nil || b.citizen == nil || b.date == nil || b.idem == nil ||
		b.content == nil || b.unindexed == nil || b.events == nil || b.meta == nil {
		return buckets{}, fmt.Errorf("missing bucket: %w", ErrCorrupt)
	}
	return b, nil
}

// prepared is an Entry validated and encoded in the caller's goroutine, so
// the writer never reads memory the caller may reuse after cancelling.
type prepared struct {
	e     Entry // Manifest nil, IdempotencyKeys copied
	value []byte
}

func prepare(e Entry) (prepared, error) {
	if err := e.validate(); err != nil {
		return prepared{}, err
	}
	value := encodeEntry(&e)
	e.Manifest = nil
	e.IdempotencyKeys = slices.Clone(e.IdempotencyKeys)
	return prepared{e: e, value: value}, nil
}

// Put stores e, replacing the record's previous entry, and updates every
// index in the same transaction: citizen, disposal date (the old date row is
// removed), idempotency keys, content key and the unindexed set. Keys the
// previous entry listed and e does not stop mapping to the record.
//
// Put returns only when the write is durable (committed and synced). It is
// idempotent: putting the same entry again changes nothing and costs no
// commit. Writes from concurrent callers are group-committed.
//
// Errors: ErrInvalid (see Entry; nothing queued); ErrConflict when an
// idempotency key or the content key already belongs to another record, or
// when e.Version is older than the stored version (nothing of e is stored;
// other writes of the same batch are unaffected); ErrCorrupt when the stored
// entry cannot be decoded; ErrClosed; any commit error (then no write of that
// batch was stored). If ctx is cancelled while Put waits, it returns
// ctx.Err() and the write may or may not be committed: treat the outcome as
// unknown and retry, which is safe.
func (c *Catalog) Put(ctx context.Context, e Entry) error {
	op := fmt.Sprintf("put record %q", e.ID)
	p, err := prepare(e)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return c.submit(ctx, op, false, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		return putEntry(b, &p)
	})
}

// PutMany stores entries as Put does, all in one transaction of their own:
// either all are stored or none is. It is meant for reindex and
// reconciliation; split very large loads into chunks of a few thousand. Later
// entries in the slice see earlier ones (the same ID twice: the later wins if
// its version is not older). Errors are those of Put, naming the entry.
func (c *Catalog) PutMany(ctx context.Context, entries []Entry) error {
	const op = "put records"
	ps := make([]prepared, len(entries))
	for i, e := range entries {
		p, err := prepare(e)
		if err != nil {
			return fmt.Errorf("%s: entry %d (%q): %w", op, i, e.ID, err)
		}
		ps[i] = p
	}
	if len(ps) == 0 {
		return nil
	}
	return c.submit(ctx, op, true, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		changed := false
		for i := range ps {
			ch, err := putEntry(b, &ps[i])
			if err != nil {
				return false, fmt.Errorf("record %q: %w", ps[i].e.ID, err)
			}
			changed = changed || ch
		}
		return changed, nil
	})
}

// putEntry validates p against the stored state, then writes it. Refusals
// are returned as rejected before anything is written.
func putEntry(b buckets, p *prepared) (bool, error) {
	id := []byte(p.e.ID)
	raw := b.records.Get(id)
	var old Entry
	if raw != nil {
		if bytes.Equal(raw, p.value) {
			return false, nil
		}
		var err error
		if old, err = decodeEntry(p.e.ID, raw); err != nil {
			return false, rejected{fmt.Errorf("stored entry: %w: run `akte reindex`", err)}
		}
		if old.Status == StatusDisposed {
			return false, rejected{fmt.Errorf("record was disposed of: %w", ErrConflict)}
		}
		if old.Version > p.e.Version {
			return false, rejected{fmt.Errorf("version %d is older than stored version %d: %w", p.e.Version, old.Version, ErrConflict)}
		}
	}
	for _, k := range p.e.IdempotencyKeys {
		if v := b.idem.Get([]byte(k)); v != nil && !bytes.Equal(v, id) {
			return false, rejected{fmt.Errorf("idempotency key already maps to record %q: %w", v, ErrConflict)}
		}
	}
	if k := p.e.ContentKey; k != "" {
		if v := b.content.Get([]byte(k)); v != nil && !bytes.Equal(v, id) {
			return false, rejected{fmt.Errorf("content key already maps to record %q: %w", v, ErrConflict)}
		}
	}

	// From here on every error is unexpected and aborts the transaction.
	if raw != nil {
		if err := deleteIndexes(b, id, &old); err != nil {
			return false, err
		}
	} else {
		n, err := getCount(b.meta)
		if err != nil {
			return false, err
		}
		if err := putCount(b.meta, n+1); err != nil {
			return false, err
		}
	}
	if err := putIndexes(b, id, &p.e); err != nil {
		return false, err
	}
	if err := b.records.Put(id, p.value); err != nil {
		return false, err
	}
	return true, nil
}

func deleteIndexes(b buckets, id []byte, e *Entry) error {
	errs := []error{b.citizen.Delete(citizenKey(e.Citizen, e.ID))}
	if !e.Next.IsZero() {
		errs = append(errs, b.date.Delete(dateKey(e.Next, e.ID)))
	}
	for _, k := range e.IdempotencyKeys {
		errs = append(errs, deleteIfMapsTo(b.idem, []byte(k), id))
	}
	if e.ContentKey != "" {
		errs = append(errs, deleteIfMapsTo(b.content, []byte(e.ContentKey), id))
	}
	errs = append(errs, b.unindexed.Delete(id))
	return errors.Join(errs...)
}

// deleteIfMapsTo deletes key only if it maps to id, so that a damaged entry
// can never unmap another record's key.
func deleteIfMapsTo(bk *bolt.Bucket, key, id []byte) error {
	if v := bk.Get(key); v != nil && bytes.Equal(v, id) {
		return bk.Delete(key)
	}
	return nil
}

func putIndexes(b buckets, id []byte, e *Entry) error {
	errs := []error{b.citizen.Put(citizenKey(e.Citizen, e.ID), nil)}
	if !e.Next.IsZero() {
		errs = append(errs, b.date.Put(dateKey(e.Next, e.ID), nil))
	}
	for _, k := range e.IdempotencyKeys {
		errs = append(errs, b.idem.Put([]byte(k), id))
	}
	if e.ContentKey != "" {
		errs = append(errs, b.content.Put([]byte(e.ContentKey), id))
	}
	if !e.Indexed {
		errs = append(errs, b.unindexed.Put(id, nil))
	}
	return errors.Join(errs...)
}

// Ref names one version of a record.
type Ref struct {
	ID      string
	Version int
}

// MarkIndexed records that the search index holds the given versions: each
// record whose stored Version equals the ref's leaves the unindexed set.
// Refs naming an unknown record or another version (a newer one was put
// meanwhile and still needs indexing) are skipped. Idempotent;
// group-committed like Put, with the same durability and cancellation
// semantics. Errors: ErrCorrupt, ErrClosed, commit errors.
func (c *Catalog) MarkIndexed(ctx context.Context, refs ...Ref) error {
	if len(refs) == 0 {
		return nil
	}
	refs = slices.Clone(refs)
	return c.submit(ctx, "mark indexed", false, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		// Read and re-encode everything first, so that a refusal leaves
		// the transaction untouched.
		type update struct {
			id    []byte
			value []byte
		}
		var updates []update
		for _, ref := range refs {
			id := []byte(ref.ID)
			raw := b.records.Get(id)
			if raw == nil {
				continue
			}
			e, err := decodeEntry(ref.ID, raw)
			if err != nil {
				return false, rejected{fmt.Errorf("stored entry: %w: run `akte reindex`", err)}
			}
			if e.Version != ref.Version || e.Indexed {
				continue
			}
			e.Indexed = true
			updates = append(updates, update{id, encodeEntry(&e)})
		}
		for _, u := range updates {
			if err := b.records.Put(u.id, u.value); err != nil {
				return false, err
			}
			if err := b.unindexed.Delete(u.id); err != nil {
				return false, err
			}
		}
		return len(updates) > 0, nil
	})
}

// MarkAllUnindexed marks every record as lacking from the search index
// (a new or recreated index), in one transaction: work that is
// interrupted later resumes from the marks. Errors: ErrCorrupt,
// ErrClosed, commit errors; on ctx cancellation as Put.
func (c *Catalog) MarkAllUnindexed(ctx context.Context) error {
	return c.submit(ctx, "mark all unindexed", true, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		type update struct{ id, value []byte }
		var updates []update
		err = b.records.ForEach(func(k, v []byte) error {
			e, err := decodeEntry(string(k), v)
			if err != nil {
				return rejected{fmt.Errorf("stored entry: %w: run `akte reindex`", err)}
			}
			if e.Indexed {
				e.Indexed = false
				updates = append(updates, update{slices.Clone(k), encodeEntry(&e)})
			}
			return nil
		})
		if err != nil {
			return false, err
		}
		for _, u := range updates {
			if err := b.records.Put(u.id, u.value); err != nil {
				return false, err
			}
			if err := b.unindexed.Put(u.id, nil); err != nil {
				return false, err
			}
		}
		return len(updates) > 0, nil
	})
}

// Reset drops every entry and index, keeping the schema version, in one
// transaction of its own (reindex then refills the catalog). The file does
// not shrink; bbolt reuses the freed pages. Errors: ErrClosed, commit errors;
// on ctx cancellation as Put.
func (c *Catalog) Reset(ctx context.Context) error {
	return c.submit(ctx, "reset catalog", true, func(tx *bolt.Tx) (bool, error) {
		for _, name := range dataBuckets {
			if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
				return false, err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return false, err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return false, fmt.Errorf("missing bucket: %w", ErrCorrupt)
		}
		if err := meta.Delete(metaClean); err != nil {
			return false, err
		}
		return true, putCount(meta, 0)
	})
}

// MarkClean records, durably, that the catalog agrees with the store as it
// is closed: its owner knows of no store write it has not followed. The
// next TakeClean reports it.
func (c *Catalog) MarkClean(ctx context.Context) error {
	_, err := c.swapClean(ctx, "mark clean", true)
	return err
}

// TakeClean reports whether the catalog was closed clean (MarkClean) and,
// before it returns, durably clears the mark: from here on, a crash leaves
// the catalog unmarked. A new or recreated catalog is not clean.
func (c *Catalog) TakeClean(ctx context.Context) (bool, error) {
	return c.swapClean(ctx, "take clean mark", false)
}

// swapClean sets the clean mark to on, committed, and reports what it was.
func (c *Catalog) swapClean(ctx context.Context, op string, on bool) (was bool, err error) {
	err = c.submit(ctx, op, false, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		if was = b.meta.Get(metaClean) != nil; was == on {
			return false, nil
		}
		if on {
			return true, b.meta.Put(metaClean, []byte{})
		}
		return true, b.meta.Delete(metaClean)
	})
	return was, err
}
