package archive_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
)

// ingestMany archives n records for citizen, 8 at a time.
func ingestMany(b *testing.B, a *archive.Archive, citizen string, n int, class archive.Class, date archive.Date) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: archive.CitizenID(citizen), Class: class, Date: date,
				Title: "Vorgang", Body: bytes.NewReader(archivetest.MakePDF("Vorgang", fmt.Sprint(citizen, i)))})
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// BenchmarkCitizenEvent: one event about a citizen with 100 records, on the
// embedded filestore on disk: the event stored WORM, all 100 records
// re-evaluated and persisted with it in one catalog transaction, audited.
// Events go round five such citizens.
func BenchmarkCitizenEvent(b *testing.B) {
	a := archivetest.Open(b, archive.Options{})
	classes := []archive.Class{"passport-application", "registration", "correspondence", "tax"}
	for c := range 5 {
		for _, cl := range classes {
			ingestMany(b, a, fmt.Sprintf("EV-%d", c), 25, cl, "")
		}
	}
	types := []archive.CitizenEvent{{Type: archive.EventNewDocument, Detail: "passport"}, {Type: archive.EventCaseClosed}, {Type: archive.EventMovedAway}}
	i := 0
	for b.Loop() {
		ev := types[i%len(types)]
		ev.Citizen = archive.CitizenID(fmt.Sprintf("EV-%d", i%5))
		ev.Date = archive.Date(time.Now().Format(time.DateOnly))
		_, n, err := a.RecordEvent(ctx, officer, ev)
		if err != nil || n != 100 {
			b.Fatalf("event: %d records, %v", n, err)
		}
		i++
	}
	b.ReportMetric(100, "records/event")
}

// BenchmarkSweepDispose: records already due at ingest (tax files dated
// 2015) disposed of by one sweep on the embedded filestore: every object
// deleted, a certificate written, the catalog tombstoned, audited.
func BenchmarkSweepDispose(b *testing.B) {
	const n = 500
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		a := archivetest.Open(b, archive.Options{})
		ingestMany(b, a, "SW-1", n, "tax", "2015-03-01")
		b.StartTimer()
		start := time.Now()
		rep, err := a.Sweep(ctx, archive.SweepOptions{})
		total += time.Since(start)
		if err != nil || rep.Counts[archive.ActionDispose] != n {
			b.Fatalf("sweep: %+v, %v", rep.Counts, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "records/s")
}
