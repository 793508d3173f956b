package audit

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkAppend measures durable appends (write + fsync, group-committed)
// from 1 and 8 goroutines, with background sealing into an in-memory store
// at the default SealEvery. It reports appends/s and the p50/p99 latency of
// one Append. Set AKTE_BENCH_DIR to put the log on a particular disk (the
// default is the test's temporary directory).
func BenchmarkAppend(b *testing.B) {
	for _, workers := range []int{1, 8} {
		b.Run(map[int]string{1: "goroutines=1", 8: "goroutines=8"}[workers], func(b *testing.B) {
			dir := b.TempDir()
			if d := os.Getenv("AKTE_BENCH_DIR"); d != "" {
				var err error
				if dir, err = os.MkdirTemp(d, "audit-bench-"); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { os.RemoveAll(dir) })
			}
			l := open(b, filepath.Join(dir, "audit.jsonl"), newMemStore(), nil)
			ctx := ctxT(b)
			lat := make([][]time.Duration, workers)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range workers {
				n := b.N / workers
				if w < b.N%workers {
					n++
				}
				lat[w] = make([]time.Duration, 0, n)
				wg.Go(func() {
					for i := range n {
						t0 := time.Now()
						if _, err := l.Append(ctx, ev(i)); err != nil {
							b.Error(err)
							return
						}
						lat[w] = append(lat[w], time.Since(t0))
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			all := slices.Concat(lat...)
			slices.Sort(all)
			if len(all) == 0 {
				return
			}
			pct := func(p float64) float64 {
				return float64(all[min(int(p*float64(len(all))), len(all)-1)].Microseconds())
			}
			b.ReportMetric(float64(len(all))/elapsed.Seconds(), "appends/s")
			b.ReportMetric(pct(0.50), "p50-µs")
			b.ReportMetric(pct(0.99), "p99-µs")
			b.ReportMetric(float64(l.synced.Load())/float64(max(l.syncs.Load(), 1)), "entries/fsync")
		})
	}
}
