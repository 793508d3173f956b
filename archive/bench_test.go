package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store"
	"akte/archive/store/filestore"
	"akte/archive/store/s3store"
	"akte/archive/store/s3store/s3test"
	"akte/pdfa"
)

func TestMain(m *testing.M) {
	pdfa.RunWorkerIfRequested()
	code := s3test.Run(m)
	if benchRoot != "" {
		os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

// benchRoot holds the benchmarks' data, removed only when the process
// ends: ext4 makes file creation expensive for minutes after mass
// deletions (its inode allocator skips recently deleted inodes), so
// deleting one sub-benchmark's files would slow down the next.
var benchRoot string

func benchDir(b *testing.B) string {
	if benchRoot == "" {
		var err error
		if benchRoot, err = os.MkdirTemp("", "akte-bench-"); err != nil {
			b.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp(benchRoot, "run-")
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// stageTimes sums the time spent per ingest stage across all clients.
type stageTimes struct {
	mu  sync.Mutex
	sum map[string]time.Duration
}

func (s *stageTimes) observe(stage string, d time.Duration) {
	s.mu.Lock()
	s.sum[stage] += d
	s.mu.Unlock()
}

// BenchmarkIngest measures durable ingest of small pre-made PDFs (~3 KB):
// throughput, latency percentiles and each stage's share of ingest time,
// on the filestore and on s3store against a local MinIO, with 1 and 8
// concurrent clients. Run with -benchtime=2000x for stable percentiles.
func BenchmarkIngest(b *testing.B) {
	backends := []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"filestore", func(b *testing.B) store.Store {
			s, err := filestore.Open(benchDir(b), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
		{"s3store-minio", func(b *testing.B) store.Store {
			s, err := s3store.New(context.Background(), s3test.Start(b), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
	}
	for _, be := range backends {
		for _, clients := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/clients=%d", be.name, clients), func(b *testing.B) {
				benchIngest(b, be.open(b), clients)
			})
		}
	}
}

func benchIngest(b *testing.B, st store.Store, clients int) {
	times := &stageTimes{sum: map[string]time.Duration{}}
	a, _, err := archive.Open(context.Background(), archive.Options{Store: st, Dir: benchDir(b), ObserveStage: times.observe, Converter: archive.PassThrough{}})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	docs := make([][]byte, b.N)
	for i := range docs {
		docs[i] = archivetest.MakePDF(fmt.Sprintf("Antrag %d", i), fmt.Sprintf("Reisepass Nr. %08d, Meldeadresse Musterstrasse %d", i, i%200))
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				t0 := time.Now()
				_, err := a.Ingest(context.Background(), archive.IngestRequest{
					Citizen: archive.CitizenID(fmt.Sprintf("P%06d", i%5000)), Class: "passport-application",
					Title: "Antrag Reisepass", Body: bytes.NewReader(docs[i]), Actor: clerk,
				})
				lat[i] = time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var total time.Duration
	for _, d := range lat {
		total += d
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	for _, stage := range []string{"store", "manifest", "catalog", "audit"} {
		b.ReportMetric(100*float64(times.sum[stage])/float64(total), stage+"-%")
	}
	b.ReportMetric(0, "ns/op") // throughput and percentiles say it better
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
