package catalog

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	e := testEntry(1, 1)
	mustPut(t, c, e)
	next := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	err := c.Update(ctx, e.ID, func(e *Entry) error {
		e.State = []byte("s1")
		e.Next = next
		e.Status = "restricted"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, e.ID)
	if err != nil || string(got.State) != "s1" || !got.Next.Equal(next) || got.Status != "restricted" {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	if ids := collect(t, c.DueBefore(ctx, next)); len(ids) != 1 || ids[0] != e.ID {
		t.Errorf("due: %v", ids)
	}
	// ErrUnchanged and a failing fn store nothing.
	before := lastTxID(t, c)
	if err := c.Update(ctx, e.ID, func(*Entry) error { return ErrUnchanged }); err != nil {
		t.Errorf("unchanged: %v", err)
	}
	boom := errors.New("boom")
	if err := c.Update(ctx, e.ID, func(e *Entry) error { e.State = []byte("x"); return boom }); !errors.Is(err, boom) {
		t.Errorf("failing fn: %v", err)
	}
	if err := c.Update(ctx, e.ID, func(e *Entry) error { e.Version++; return nil }); !errors.Is(err, ErrInvalid) {
		t.Errorf("version change: %v", err)
	}
	if lastTxID(t, c) != before {
		t.Error("refused updates committed a transaction")
	}
	if err := c.Update(ctx, "missing", func(*Entry) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	checkConsistency(t, c)
}

func TestAddEvent(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	var mine []string
	for i := range 5 {
		e := testEntry(i, 1)
		e.Citizen = "A"
		if i%2 == 1 {
			e.Citizen = "B"
		} else {
			mine = append(mine, e.ID)
		}
		mustPut(t, c, e)
	}
	var seen []string
	n, err := c.AddEvent(ctx, "A", Event{ID: "e1", Data: []byte("moved")}, func(e *Entry) error {
		seen = append(seen, e.ID)
		if e.Citizen != "A" {
			return fmt.Errorf("entry of citizen %s", e.Citizen)
		}
		e.State = []byte("moved")
		return nil
	})
	if err != nil || n != len(mine) || fmt.Sprint(seen) != fmt.Sprint(mine) {
		t.Fatalf("AddEvent = %d, %v; saw %v, want %v", n, err, seen, mine)
	}
	for i := range 5 {
		e, _ := c.Get(ctx, testEntry(i, 1).ID)
		if moved := string(e.State) == "moved"; moved != (e.Citizen == "A") {
			t.Errorf("record %s of %s: state %q", e.ID, e.Citizen, e.State)
		}
	}
	// A failing fn stores neither the event nor any entry.
	if _, err := c.AddEvent(ctx, "A", Event{ID: "e2"}, func(e *Entry) error { return errors.New("no") }); err == nil {
		t.Error("failing fn: no error")
	}
	evs, err := c.Events(ctx, "A")
	if err != nil || len(evs) != 1 || evs[0].ID != "e1" || string(evs[0].Data) != "moved" {
		t.Errorf("events of A: %+v, %v", evs, err)
	}
	if evs, _ := c.Events(ctx, "B"); len(evs) != 0 {
		t.Errorf("events of B: %+v", evs)
	}
	if ok, _ := c.HasEvent(ctx, "A", "e1"); !ok {
		t.Error("HasEvent(e1) false")
	}
	checkConsistency(t, c)
}

func TestDispose(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	e := testEntry(1, 2)
	e.Next = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	e.State = []byte("state")
	mustPut(t, c, e)
	mustPut(t, c, testEntry(2, 1))
	if err := c.Dispose(ctx, e.ID, []byte(`{"disposed":true}`)); err != nil {
		t.Fatal(err)
	}
	if err := c.Dispose(ctx, e.ID, []byte(`{"disposed":true}`)); err != nil {
		t.Errorf("second dispose: %v", err)
	}
	got, err := c.Get(ctx, e.ID)
	if err != nil || got.Status != StatusDisposed || got.Citizen != "" || got.State != nil || string(got.Manifest) != `{"disposed":true}` || got.Version != 2 {
		t.Fatalf("tombstone: %+v, %v", got, err)
	}
	if n, _ := c.Count(ctx); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
	if ids, _ := c.Citizen(ctx, e.Citizen); len(ids) != 0 && ids[0] == e.ID {
		t.Errorf("citizen index still lists the disposed record: %v", ids)
	}
	if id, ok, _ := c.LookupContent(ctx, e.ContentKey); ok {
		t.Errorf("content key still maps to %s", id)
	}
	// A stray manifest of the same version cannot bring it back.
	if err := c.Put(ctx, testEntry(1, 2)); !errors.Is(err, ErrConflict) {
		t.Errorf("put over tombstone: %v, want ErrConflict", err)
	}
	checkConsistency(t, c)
}
