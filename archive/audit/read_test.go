package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// readAll pages through Read and returns everything, checking that each
// page is newest first, at most limit long, and below its cursor.
func readAll(t *testing.T, l *Log, f Filter, limit int) []Event {
	t.Helper()
	var out []Event
	before := uint64(0)
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("paging does not end")
		}
		got, next, err := l.Read(ctxT(t), f, before, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > limit {
			t.Fatalf("page of %d entries, limit %d", len(got), limit)
		}
		for i, e := range got {
			if before != 0 && e.Seq >= before {
				t.Fatalf("entry %d at or above the cursor %d", e.Seq, before)
			}
			if i > 0 && e.Seq >= got[i-1].Seq {
				t.Fatalf("page not newest first: %d after %d", e.Seq, got[i-1].Seq)
			}
		}
		out = append(out, got...)
		if next == 0 {
			return out
		}
		if before != 0 && next >= before {
			t.Fatalf("cursor %d does not move below %d", next, before)
		}
		before = next
	}
}

func TestReadFiltersAndPages(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	o := manual()
	o.Now = clock.Now
	l := open(t, filepath.Join(dir, "audit.log"), newMemStore(), o)
	t0 := clock.Now()
	var all []Event
	for i := range 1500 {
		e := Event{Actor: fmt.Sprintf("user-%d", i%7), Role: "clerk", Action: []string{"read", "read-original", "ingest"}[i%3],
			Record: fmt.Sprintf("R%03d", i%11), Citizen: fmt.Sprintf("P-%d", i%5), Purpose: "Az. 12/34 <prüfen>"}
		if i%13 == 0 {
			e.Record, e.Citizen = "", "" // no record: must not match a record filter
		}
		got, err := l.Append(ctxT(t), e)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got)
		clock.Advance(time.Minute)
	}
	// Seal part of it: reading does not care.
	if err := l.Seal(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		got, err := l.Append(ctxT(t), ev(i))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got)
	}
	filters := []Filter{
		{},
		{Record: "R005"},
		{Citizen: "P-3", Action: "read"},
		{Actor: "user-2", Action: "ingest"},
		{Since: t0.Add(100 * time.Minute), Until: t0.Add(300 * time.Minute)},
		{Record: "R005", Since: t0.Add(1000 * time.Minute)},
		{Record: "nothing"},
		{Action: "record.read"}, // the 20 entries after the seal
	}
	for _, f := range filters {
		var want []Event
		for i := len(all) - 1; i >= 0; i-- {
			if newMatcher(f).match(&all[i]) {
				want = append(want, all[i])
			}
		}
		if len(want) == 0 && f.Record != "nothing" {
			t.Fatalf("filter %+v: the test log has no entry for it", f)
		}
		for _, limit := range []int{1, 7, 50, 5000} {
			got := readAll(t, l, f, limit)
			if len(got) != len(want) {
				t.Fatalf("filter %+v limit %d: %d entries, want %d", f, limit, len(got), len(want))
			}
			for i := range got {
				if got[i].Seq != want[i].Seq {
					t.Fatalf("filter %+v limit %d: entry %d is seq %d, want %d", f, limit, i, got[i].Seq, want[i].Seq)
				}
				if got[i].Hash != want[i].Hash || !got[i].Time.Equal(want[i].Time) ||
					got[i].Purpose != want[i].Purpose {
					t.Fatalf("entry %d read back as %+v, appended as %+v", got[i].Seq, got[i], want[i])
				}
			}
		}
	}
	// A cursor in the middle starts right below it.
	got, next, err := l.Read(ctxT(t), Filter{}, 700, 3)
	if err != nil {
		t.Fatal(err)
	}
	if seqs := []uint64{got[0].Seq, got[1].Seq, got[2].Seq}; !slices.Equal(seqs, []uint64{699, 698, 697}) || next != 697 {
		t.Fatalf("before 700: %v next %d, want [699 698 697] next 697", seqs, next)
	}
	// The oldest page says there is no more.
	if got, next, _ := l.Read(ctxT(t), Filter{}, 3, 10); len(got) != 2 || next != 0 {
		t.Fatalf("before 3: %d entries, next %d; want 2 and 0", len(got), next)
	}
	if _, _, err := l.Read(ctxT(t), Filter{}, 0, 0); !errors.Is(err, ErrInvalidEvent) {
		t.Fatalf("limit 0: %v", err)
	}
}

func TestReadBesideAppends(t *testing.T) {
	l := open(t, filepath.Join(t.TempDir(), "audit.log"), newMemStore(), manual())
	appendN(t, l, 1, 200)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 200; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := l.Append(ctxT(t), ev(i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 200 {
		got, _, err := l.Read(ctxT(t), Filter{}, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Seq != got[i-1].Seq-1 {
				t.Fatalf("page skips from %d to %d", got[i-1].Seq, got[i].Seq)
			}
		}
	}
	close(stop)
	wg.Wait()
}

func TestReadRefusesGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	l := open(t, path, newMemStore(), manual())
	appendN(t, l, 1, 10)
	l.Close()
	lines := readLines(t, path)
	lines[4] = []byte("not an entry\n")
	writeLines(t, path, lines)
	// Open refuses the file; Read on a log that was open when it changed
	// says so too.
	l2 := &Log{path: path, head: ref{seq: 10}}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	l2.size = fi.Size()
	if _, _, err := l2.Read(ctxT(t), Filter{}, 0, 100); !errors.Is(err, ErrTampered) {
		t.Fatalf("read over a garbage line: %v, want ErrTampered", err)
	}
	if _, _, err := l2.Read(ctxT(t), Filter{}, 0, 3); err != nil {
		t.Fatalf("read of the intact newest entries: %v", err)
	}
}
