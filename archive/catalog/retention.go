package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ErrUnchanged may be returned by an update function to say that the entry
// needs no write; the update then succeeds without changing anything.
var ErrUnchanged = errors.New("entry unchanged")

// Update reads record id's entry, lets fn change it and stores the result,
// all inside one write transaction, so no other write can slip in between
// (as it could between a Get and a Put). fn must be fast and must not call
// the catalog; it receives a copy it may modify, except ID and Version,
// which must stay. Returning ErrUnchanged stores nothing; any other error
// is returned (wrapped) and stores nothing. Errors: ErrNotFound, ErrInvalid,
// ErrCorrupt, ErrClosed, fn's error; on ctx cancellation as Put.
func (c *Catalog) Update(ctx context.Context, id string, fn func(*Entry) error) error {
	return c.submit(ctx, fmt.Sprintf("update record %q", id), false, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		p, err := updated(b, id, fn)
		if err != nil || p == nil {
			return false, err
		}
		return putEntry(b, p)
	})
}

// updated applies fn to a copy of id's stored entry and prepares the
// result; nil when fn reports ErrUnchanged. Errors are rejections.
func updated(b buckets, id string, fn func(*Entry) error) (*prepared, error) {
	raw := b.records.Get([]byte(id))
	if raw == nil {
		return nil, rejected{ErrNotFound}
	}
	e, err := decodeEntry(id, raw)
	if err != nil {
		return nil, rejected{fmt.Errorf("stored entry: %w: run `akte reindex`", err)}
	}
	e = cloneEntry(e)
	version := e.Version
	if err := fn(&e); err != nil {
		if errors.Is(err, ErrUnchanged) {
			return nil, nil
		}
		return nil, rejected{err}
	}
	if e.ID != id || e.Version != version {
		return nil, rejected{fmt.Errorf("an update may not change the ID or version: %w", ErrInvalid)}
	}
	p, err := prepare(e)
	if err != nil {
		return nil, rejected{err}
	}
	return &p, nil
}

// Event is one event about a citizen, opaque to the catalog.
type Event struct {
	ID   string // unique per citizen; events list in ID order
	Data []byte
}

// AddEvent stores an event about citizen and, in the same transaction, lets
// fn update each of the citizen's records (found through the citizen
// index, never by a scan) as Update does: an event and its effect on the
// records commit together or not at all. Adding the same event again
// (same ID) replaces its data. It returns how many entries fn changed.
// Errors: ErrInvalid, ErrCorrupt, ErrClosed, fn's error (then nothing is
// stored); on ctx cancellation as Put.
func (c *Catalog) AddEvent(ctx context.Context, citizen string, ev Event, fn func(*Entry) error) (int, error) {
	op := fmt.Sprintf("add event of citizen %q", citizen)
	if err := validCitizen(citizen); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if ev.ID == "" || len(ev.ID) > MaxKeyLen {
		return 0, fmt.Errorf("%s: event ID empty or longer than %d bytes: %w", op, MaxKeyLen, ErrInvalid)
	}
	data := bytes.Clone(ev.Data)
	var changed int
	err := c.submit(ctx, op, false, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		prefix := citizenPrefix(citizen)
		var ps []*prepared
		cur := b.citizen.Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			p, err := updated(b, string(k[len(prefix):]), fn)
			if err != nil {
				return false, err
			}
			if p != nil {
				ps = append(ps, p)
			}
		}
		// From here on every error is unexpected and aborts the batch.
		if err := b.events.Put(append(prefix, ev.ID...), data); err != nil {
			return false, err
		}
		for _, p := range ps {
			if _, err := putEntry(b, p); err != nil {
				return false, err
			}
		}
		changed = len(ps)
		return true, nil
	})
	return changed, err
}

// Events returns the events stored for citizen, in ID order. Errors:
// ErrInvalid, ErrCorrupt, ErrClosed, ctx.Err().
func (c *Catalog) Events(ctx context.Context, citizen string) ([]Event, error) {
	const op = "list citizen events"
	if err := validCitizen(citizen); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	prefix := citizenPrefix(citizen)
	var evs []Event
	err := c.view(ctx, op, func(b buckets) error {
		cur := b.events.Cursor()
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			evs = append(evs, Event{ID: string(k[len(prefix):]), Data: bytes.Clone(v)})
		}
		return nil
	})
	return evs, err
}

// HasEvent reports whether citizen's event id is stored.
func (c *Catalog) HasEvent(ctx context.Context, citizen, id string) (bool, error) {
	found := false
	err := c.view(ctx, "look up citizen event", func(b buckets) error {
		found = b.events.Get(append(citizenPrefix(citizen), id...)) != nil
		return nil
	})
	return found, err
}

// StatusDisposed is the status of a tombstone.
const StatusDisposed = "disposed"

// Dispose replaces record id's entry with a tombstone: status
// StatusDisposed, no citizen, no retry keys, no state, no date, and
// tombstone as its manifest bytes (a short, PII-free note for readers). The
// record leaves every index and the count; its ID stays known, so that a
// rebuild never brings it back from a stray manifest of the same or an
// older version. Idempotent. Errors: ErrNotFound, ErrCorrupt, ErrClosed;
// on ctx cancellation as Put.
func (c *Catalog) Dispose(ctx context.Context, id string, tombstone []byte) error {
	tomb := bytes.Clone(tombstone)
	return c.submit(ctx, fmt.Sprintf("dispose record %q", id), false, func(tx *bolt.Tx) (bool, error) {
		b, err := openBuckets(tx)
		if err != nil {
			return false, err
		}
		key := []byte(id)
		raw := b.records.Get(key)
		if raw == nil {
			return false, rejected{ErrNotFound}
		}
		old, err := decodeEntry(id, raw)
		if err != nil {
			return false, rejected{fmt.Errorf("stored entry: %w: run `akte reindex`", err)}
		}
		if old.Status == StatusDisposed {
			return false, nil
		}
		if err := deleteIndexes(b, key, &old); err != nil {
			return false, err
		}
		n, err := getCount(b.meta)
		if err != nil {
			return false, err
		}
		if n > 0 {
			if err := putCount(b.meta, n-1); err != nil {
				return false, err
			}
		}
		t := Entry{ID: id, Class: old.Class, Status: StatusDisposed, Version: old.Version, Indexed: true, Manifest: tomb}
		return true, b.records.Put(key, encodeEntry(&t))
	})
}
