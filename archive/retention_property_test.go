package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store"
	"akte/retention"
)

// lockSpy records every lock the engine sets, at ingest (Put) and later
// (SetRetention), so the test can check it against the law.
type lockSpy struct {
	store.Store
	mu    sync.Mutex
	locks []setLock
}

type setLock struct {
	key   string
	until time.Time
}

func (s *lockSpy) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	s.note(key, opts.Retention.Until)
	return s.Store.Put(ctx, key, r, size, opts)
}

func (s *lockSpy) SetRetention(ctx context.Context, key, versionID string, r store.Retention) error {
	s.note(key, r.Until)
	return s.Store.SetRetention(ctx, key, versionID, r)
}

func (s *lockSpy) note(key string, until time.Time) {
	if until.IsZero() || !strings.HasPrefix(key, "records/") {
		return
	}
	s.mu.Lock()
	s.locks = append(s.locks, setLock{key, until})
	s.mu.Unlock()
}

func (s *lockSpy) take() []setLock {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.locks
	s.locks = nil
	return l
}

// model is the test's own account of a record: what the law knows of it.
type model struct {
	id       archive.RecordID
	citizen  string
	class    string
	created  time.Time
	facts    map[string]time.Time
	held     bool
	released time.Time // when the last hold was released
	approved bool
	disposed bool
	latest   time.Time // cached oracle Latest; recomputed when facts or events change
	history  []string  // what happened to it, for the failure message
}

func (m *model) note(now time.Time, what string) {
	m.history = append(m.history, now.Format(time.DateOnly)+" "+what)
}

// TestRetentionProperties drives the engine with a fake clock through 45
// years of random ingests, citizen events, later facts, holds and releases,
// sweeping every 30 days, and checks after every step:
//   - no record is disposed of before its earliest lawful date, nor while
//     on hold, nor (review) without approval;
//   - every record is disposed of within one sweep interval after its
//     latest lawful date (or the release of a hold that outlasted it);
//   - no lock is ever set past the latest lawful date known at the time.
//
// The oracle is retention.Evaluate over the test's own model of facts and
// events, not the engine's stored state.
func TestRetentionProperties(t *testing.T) {
	records := 10_000
	if testing.Short() {
		records = 1_500
	}
	const interval = 30 * 24 * time.Hour
	rng := rand.New(rand.NewPCG(2026, 11))
	begin := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	clock := archivetest.NewClock(begin)
	spy := &lockSpy{}
	a, _ := archivetest.OpenWrapped(t, memDir(t), func(s store.Store) store.Store { spy.Store = s; return spy },
		archive.Options{Now: clock.Now})
	sched := retention.Default()

	classes := []string{"tax", "passport-application", "id-card-application", "correspondence", "birth-certificate-request", "scan-unclassified"}
	citizens := records / 3
	events := map[string][]retention.Event{}
	byCitizen := map[string][]*model{}
	byID := map[archive.RecordID]*model{}
	var all []*model

	oracle := func(m *model, now time.Time) retention.Decision {
		d, err := retention.Evaluate(sched, retention.Facts{Class: m.class, Created: m.created, Facts: m.facts, Events: events[m.citizen]}, now)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	refresh := func(m *model, now time.Time) { m.latest = oracle(m, now).Latest }
	checkLocks := func(now time.Time) {
		for _, l := range spy.take() {
			id := archive.RecordID(strings.Split(l.key, "/")[1])
			m := byID[id]
			if m == nil {
				t.Fatalf("lock on %s of a record the test does not know", l.key)
			}
			if d := oracle(m, now); !d.Latest.IsZero() && l.until.After(d.Latest) {
				t.Fatalf("%s (%s) locked until %v, past its latest lawful date %v", l.key, m.class, l.until, d.Latest)
			}
		}
	}

	// Ingest over the first two years, in time order, 8 at a time.
	perStep := records/24 + 1
	var disposed, heldAtEnd, disposedLate int
	for step := 0; clock.Now().Before(begin.AddDate(45, 0, 0)); step++ {
		now := clock.Now()
		// New records.
		if len(all) < records {
			n := min(perStep, records-len(all))
			batch := make([]*model, n)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var ingestErr error
			for i := range n {
				m := &model{citizen: fmt.Sprintf("P%05d", rng.IntN(citizens)), class: classes[rng.IntN(len(classes))], created: now, facts: map[string]time.Time{}}
				facts := map[string]archive.Date{}
				if (m.class == "passport-application" || m.class == "id-card-application") && rng.IntN(3) > 0 {
					vu := now.AddDate(1+rng.IntN(10), rng.IntN(12), 0).Truncate(24 * time.Hour)
					m.facts["valid_until"] = vu
					facts["valid_until"] = archive.Date(vu.Format(time.DateOnly))
				}
				batch[i] = m
				wg.Go(func() {
					res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: archive.CitizenID(m.citizen),
						Class: archive.Class(m.class), Facts: facts, Title: "Vorgang",
						Body: bytes.NewReader(archivetest.MakePDF("Vorgang", fmt.Sprint(step, i, m.citizen)))})
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						ingestErr = err
						return
					}
					m.id = res.Record.ID
				})
			}
			wg.Wait()
			if ingestErr != nil {
				t.Fatal(ingestErr)
			}
			for _, m := range batch {
				byID[m.id] = m
				byCitizen[m.citizen] = append(byCitizen[m.citizen], m)
				all = append(all, m)
				refresh(m, now)
			}
			checkLocks(now)
		}
		// Citizen events.
		for range 2 + rng.IntN(10) {
			c := fmt.Sprintf("P%05d", rng.IntN(citizens))
			ev := archive.CitizenEvent{Citizen: archive.CitizenID(c), Date: archive.Date(now.AddDate(0, 0, -rng.IntN(10)).Format(time.DateOnly))}
			switch rng.IntN(4) {
			case 0:
				ev.Type, ev.Detail = archive.EventNewDocument, "passport"
			case 1:
				ev.Type, ev.Detail = archive.EventNewDocument, "id-card"
			case 2:
				ev.Type = archive.EventCaseClosed
			default:
				ev.Type = archive.EventMovedAway
			}
			if _, _, err := a.RecordEvent(ctx, officer, ev); err != nil {
				t.Fatal(err)
			}
			at, _ := time.Parse(time.DateOnly, string(ev.Date))
			events[c] = append(events[c], retention.Event{Kind: ev.Type, Detail: ev.Detail, At: at})
			for _, m := range byCitizen[c] {
				refresh(m, now)
			}
		}
		checkLocks(now)
		// Facts learnt later, holds set and released.
		if len(all) > 0 {
			for range rng.IntN(3) {
				m := all[rng.IntN(len(all))]
				if m.disposed || m.facts["valid_until"] != (time.Time{}) || (m.class != "passport-application" && m.class != "id-card-application") {
					continue
				}
				// Learnt while the document is still valid: a fact that
				// moves the latest date before a lock already set cannot
				// shorten that lock (WORM), so the test does not make one.
				vu := now.AddDate(1+rng.IntN(10), 0, 0).Truncate(24 * time.Hour)
				if _, err := a.SetFacts(ctx, officer, m.id, map[string]archive.Date{"valid_until": archive.Date(vu.Format(time.DateOnly))}); err != nil {
					t.Fatal(err)
				}
				m.facts["valid_until"] = vu
				refresh(m, now)
			}
			checkLocks(now)
			if rng.IntN(4) == 0 {
				m := all[rng.IntN(len(all))]
				if !m.disposed {
					var err error
					if m.held {
						_, err = a.ClearHold(ctx, officer, m.id, "Verfahren beendet")
					} else {
						_, err = a.SetHold(ctx, officer, m.id, "Verfahren anhängig")
					}
					if err != nil {
						t.Fatal(err)
					}
					m.held = !m.held
					if !m.held {
						m.released = now
					}
					m.note(now, fmt.Sprint("held ", m.held))
				}
			}
		}
		// The sweep.
		rep, err := a.Sweep(ctx, archive.SweepOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range rep.Items {
			m := byID[it.Record]
			m.note(now, fmt.Sprint("sweep ", it.Actions))
			for _, act := range it.Actions {
				switch act {
				case archive.ActionFailed:
					t.Fatalf("sweep failed on %s: %s", it.Record, it.Error)
				case archive.ActionDispose:
					d := oracle(m, now)
					switch {
					case d.Phase != retention.PhaseDue:
						t.Fatalf("%s (%s) disposed of on %v before its earliest date %v", m.id, m.class, now, d.Earliest)
					case m.held:
						t.Fatalf("%s disposed of while on hold", m.id)
					case d.Disposition == retention.Review && !m.approved:
						t.Fatalf("%s disposed of without approval", m.id)
					}
					m.disposed = true
					disposed++
					if !m.latest.IsZero() && now.After(m.latest) {
						disposedLate++
					}
				case archive.ActionAwait:
					// A diligent records officer approves at once.
					if _, err := a.Approve(ctx, officer, m.id, ""); err != nil {
						t.Fatal(err)
					}
					m.approved = true
				}
			}
		}
		checkLocks(now)
		for _, m := range all {
			// A hold released after the latest date restarts the count.
			if !m.disposed && !m.held && !m.latest.IsZero() && now.After(later(m.latest, m.released).Add(interval)) {
				t.Logf("history: %q", m.history)
				t.Fatalf("%s (%s) still here on %v, latest lawful date %v (facts %v, events %v)",
					m.id, m.class, now, m.latest, m.facts, events[m.citizen])
			}
		}
		clock.Add(interval)
	}
	for _, m := range all {
		if m.held && !m.disposed {
			heldAtEnd++
		}
	}
	if disposed < records/2 {
		t.Errorf("only %d of %d records disposed of in 45 years", disposed, records)
	}
	t.Logf("%d records, %d disposed (%d of them after their latest date, within one sweep interval), %d held at the end", len(all), disposed, disposedLate, heldAtEnd)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// memDir is a temporary directory in memory (/dev/shm) when there is one:
// this test is about retention decisions, not durability, and a disk's
// fsyncs would make its thousands of steps take minutes.
func memDir(t *testing.T) string {
	dir, err := os.MkdirTemp("/dev/shm", "akte-retention-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
