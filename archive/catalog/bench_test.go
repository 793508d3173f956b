package catalog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkPut measures durable Puts of new ~1 KB-manifest entries (every
// index touched) from 1 and 8 concurrent writers: puts/s and the latency a
// caller sees, p50 and p99.
func BenchmarkPut(b *testing.B) {
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			c, _ := openTest(b)
			ctx := context.Background()
			entries := make([]Entry, b.N)
			for i := range entries {
				entries[i] = testEntry(i, 1)
			}
			runWriters(b, writers, func(i int) error { return c.Put(ctx, entries[i]) })
		})
	}
}

// BenchmarkPutAtIngestRate offers the catalog the target ingest load, 500
// records/s from 8 clients with random (exponential) arrival times, and
// reports the latency each Put adds to an ingest. Unlike BenchmarkPut's
// closed loop, clients do not all wait on the same commit.
func BenchmarkPutAtIngestRate(b *testing.B) {
	const writers, rate = 8, 500
	c, _ := openTest(b)
	ctx := context.Background()
	entries := make([]Entry, b.N)
	for i := range entries {
		entries[i] = testEntry(i, 1)
	}
	interval := time.Duration(float64(time.Second) * writers / rate)
	runPaced(b, writers, interval, func(i int) error { return c.Put(ctx, entries[i]) })
}

// BenchmarkBoltBaseline does the same writes straight on bbolt, one
// db.Update per write or through db.Batch, for comparison with group commit.
func BenchmarkBoltBaseline(b *testing.B) {
	for _, mode := range []string{"update", "batch"} {
		b.Run(fmt.Sprintf("%s/writers=8", mode), func(b *testing.B) {
			db, err := bolt.Open(filepath.Join(b.TempDir(), "bolt.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if err := db.Update(func(tx *bolt.Tx) error { return initSchema(tx, false) }); err != nil {
				b.Fatal(err)
			}
			ps := make([]prepared, b.N)
			for i := range ps {
				if ps[i], err = prepare(testEntry(i, 1)); err != nil {
					b.Fatal(err)
				}
			}
			write := db.Update
			if mode == "batch" {
				write = db.Batch
			}
			runWriters(b, 8, func(i int) error {
				return write(func(tx *bolt.Tx) error {
					bk, err := openBuckets(tx)
					if err != nil {
						return err
					}
					_, err = putEntry(bk, &ps[i])
					return err
				})
			})
		})
	}
}

// runWriters calls put(i) for i in [0, b.N) from the given number of
// goroutines and reports throughput and latency percentiles.
func runWriters(b *testing.B, writers int, put func(i int) error) {
	runPaced(b, writers, 0, put)
}

// runPaced is runWriters where each writer, if interval > 0, issues its puts
// at exponentially distributed intervals of that mean (open loop: a slow put
// does not delay the schedule).
func runPaced(b *testing.B, writers int, interval time.Duration, put func(i int) error) {
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range writers {
		wg.Go(func() {
			due := time.Now()
			for {
				if interval > 0 {
					due = due.Add(time.Duration(rand.ExpFloat64() * float64(interval)))
					time.Sleep(time.Until(due))
				}
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := put(i); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "puts/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
