package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	bolt "go.etcd.io/bbolt"
)

// pageSize is how many keys a scan reads per read transaction.
const pageSize = 256

// view runs fn in a read transaction. Everything fn keeps must be copied out.
func (c *Catalog) view(ctx context.Context, op string, fn func(b buckets) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.isClosed() {
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	err := c.db.View(func(tx *bolt.Tx) error {
		b, err := openBuckets(tx)
		if err != nil {
			return err
		}
		return fn(b)
	})
	if errors.Is(err, bolt.ErrDatabaseNotOpen) {
		err = ErrClosed
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// Get returns the entry of record id. Errors: ErrNotFound, ErrCorrupt,
// ErrClosed, ctx.Err(). The returned Entry shares no memory with the catalog.
func (c *Catalog) Get(ctx context.Context, id string) (Entry, error) {
	var e Entry
	err := c.view(ctx, fmt.Sprintf("get record %q", id), func(b buckets) error {
		var v []byte
		if id != "" {
			v = b.records.Get([]byte(id))
		}
		if v == nil {
			return ErrNotFound
		}
		var err error
		e, err = decodeEntry(id, v)
		e.Manifest = bytes.Clone(e.Manifest)
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

// LookupIdempotencyKey returns the ID of the record the idempotency key maps
// to, and whether there is one. Errors: ErrClosed, ctx.Err().
func (c *Catalog) LookupIdempotencyKey(ctx context.Context, key string) (string, bool, error) {
	return c.lookup(ctx, "look up idempotency key", func(b buckets) *bolt.Bucket { return b.idem }, key)
}

// LookupContent returns the ID of the record the content key maps to, and
// whether there is one. Errors: ErrClosed, ctx.Err().
func (c *Catalog) LookupContent(ctx context.Context, contentKey string) (string, bool, error) {
	return c.lookup(ctx, "look up content key", func(b buckets) *bolt.Bucket { return b.content }, contentKey)
}

func (c *Catalog) lookup(ctx context.Context, op string, bucket func(buckets) *bolt.Bucket, key string) (string, bool, error) {
	var id string
	err := c.view(ctx, op, func(b buckets) error {
		if key == "" || len(key) > MaxKeyLen {
			return nil
		}
		if v := bucket(b).Get([]byte(key)); v != nil {
			id = string(v)
		}
		return nil
	})
	if err != nil {
		return "", false, err
	}
	return id, id != "", nil
}

// Citizen returns the IDs of the citizen's records in ID (creation) order,
// from the citizen index; an unknown citizen has none. Errors: ErrInvalid
// for an empty citizen ID or one containing a NUL byte, ErrClosed, ctx.Err().
func (c *Catalog) Citizen(ctx context.Context, citizen string) ([]string, error) {
	const op = "list citizen records"
	if err := validCitizen(citizen); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	prefix := citizenPrefix(citizen)
	var ids []string
	err := c.view(ctx, op, func(b buckets) error {
		cur := b.citizen.Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// DueBefore yields the IDs of records whose Next is at or before t,
// in date order (ties in ID order), from the date index. It reads in pages of
// short read transactions and holds none while yielding, so the caller may
// write to the catalog inside the loop. The sequence is not a snapshot: a
// record whose date changes during the iteration may be missed or yielded
// twice, so callers re-check each record (Get) before acting on it. After an
// error (ErrCorrupt, ErrClosed, ctx.Err()) the sequence ends.
func (c *Catalog) DueBefore(ctx context.Context, t time.Time) iter.Seq2[string, error] {
	limit := appendDateKey(nil, t)
	return func(yield func(string, error) bool) {
		var after []byte
		for {
			var keys [][]byte
			err := c.view(ctx, "list records due", func(b buckets) error {
				cur := b.date.Cursor()
				for k, _ := seekAfter(cur, after); k != nil && len(keys) < pageSize; k, _ = cur.Next() {
					if len(k) <= dateKeyLen {
						return fmt.Errorf("date index key of %d bytes: %w", len(k), ErrCorrupt)
					}
					if bytes.Compare(k[:dateKeyLen], limit) > 0 {
						break
					}
					keys = append(keys, bytes.Clone(k))
				}
				return nil
			})
			if err != nil {
				yield("", err)
				return
			}
			for _, k := range keys {
				if !yield(string(k[dateKeyLen:]), nil) {
					return
				}
			}
			if len(keys) < pageSize {
				return
			}
			after = keys[len(keys)-1]
		}
	}
}

// All yields every entry in ID order. Like DueBefore it reads in pages of
// short read transactions, is not a snapshot (an entry put during the
// iteration appears if its ID sorts after the current position; each ID
// appears at most once), and ends after an error. Entries share no memory
// with the catalog.
func (c *Catalog) All(ctx context.Context) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		var after []byte
		for {
			var page []Entry
			err := c.view(ctx, "list records", func(b buckets) error {
				cur := b.records.Cursor()
				for k, v := seekAfter(cur, after); k != nil && len(page) < pageSize; k, v = cur.Next() {
					e, err := decodeEntry(string(k), v)
					if err != nil {
						return err
					}
					e.Manifest = bytes.Clone(e.Manifest)
					page = append(page, e)
				}
				return nil
			})
			if err != nil {
				yield(Entry{}, err)
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = []byte(page[len(page)-1].ID)
		}
	}
}

// seekAfter positions cur on the first key after the given one (the first
// key of all when after is nil) and returns that key and its value.
func seekAfter(cur *bolt.Cursor, after []byte) (k, v []byte) {
	if after == nil {
		return cur.First()
	}
	k, v = cur.Seek(after)
	if k != nil && bytes.Equal(k, after) {
		return cur.Next()
	}
	return k, v
}

// Unindexed returns the IDs of records whose current version the search
// index lacks, in ID order. Errors: ErrClosed, ctx.Err().
func (c *Catalog) Unindexed(ctx context.Context) ([]string, error) {
	var ids []string
	err := c.view(ctx, "list unindexed records", func(b buckets) error {
		return b.unindexed.ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// Count returns the number of entries (a counter kept with the entries, not
// a scan). Errors: ErrCorrupt, ErrClosed, ctx.Err().
func (c *Catalog) Count(ctx context.Context) (int, error) {
	var n uint64
	err := c.view(ctx, "count records", func(b buckets) error {
		var err error
		n, err = getCount(b.meta)
		return err
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
