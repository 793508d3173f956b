package searchcorpus_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"akte/search"
	"akte/search/searchcorpus"
)

var (
	benchDocs    = flag.Int("docs", 20000, "documents in the BenchmarkSearchMix corpus (the issue's figure: 1000000)")
	benchIndexAt = flag.String("index", "", "keep the BenchmarkSearchMix index in `DIR` (reused when it holds the same corpus)")
)

// BenchmarkSearchMix indexes -docs generated documents (docs/s, size on
// disk, peak memory), then runs the fixed 1,000-query mix as a clerk,
// twice: on a quiet index and while ingest continues at 20 docs/s. It
// reports p50/p95/p99 per query class. One iteration is the whole run:
// use -benchtime 1x.
//
//	go test -run '^$' -bench SearchMix -benchtime 1x -timeout 3h ./search/searchcorpus/ -docs 1000000
func BenchmarkSearchMix(b *testing.B) {
	for b.Loop() {
		runMix(b, *benchDocs)
	}
}

func runMix(b *testing.B, docs int) {
	ctx := context.Background()
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: docs})
	dir := *benchIndexAt
	if dir == "" {
		dir = b.TempDir()
	}
	marker := filepath.Join(dir, "corpus-size")
	idx, err := search.Open(filepath.Join(dir, "index"), &search.Options{BatchSize: 1000})
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	if have, _ := os.ReadFile(marker); string(have) != strconv.Itoa(docs) {
		start := time.Now()
		for i := range docs {
			if err := idx.Put(ctx, g.Doc(i)); err != nil {
				b.Fatal(err)
			}
			if (i+1)%100000 == 0 {
				b.Logf("indexed %d docs, %.0f docs/s", i+1, float64(i+1)/time.Since(start).Seconds())
			}
		}
		if err := idx.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.ReportMetric(float64(docs)/el.Seconds(), "index-docs/s")
		os.WriteFile(marker, []byte(strconv.Itoa(docs)), 0o644)
	}
	size := dirSize(filepath.Join(dir, "index"))
	b.ReportMetric(float64(size)/float64(docs), "index-bytes/doc")
	b.Logf("index: %d docs, %.1f MB on disk, peak RSS %s", docs, float64(size)/1e6, peakRSS())

	quiet := runQueries(ctx, b, idx, g)
	report(b, "quiet", quiet)

	// The same mix while ingest continues at 20 docs/s.
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for n := docs; !stop.Load(); n++ {
			<-t.C
			if err := idx.Put(ctx, g.Doc(n)); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	busy := runQueries(ctx, b, idx, g)
	stop.Store(true)
	<-done
	report(b, "ingest20", busy)
}

// runQueries runs the 1,000-query mix once and returns latencies by class.
func runQueries(ctx context.Context, b *testing.B, idx *search.Index, g *searchcorpus.Generator) map[string][]time.Duration {
	lat := map[string][]time.Duration{}
	for i := range 1000 {
		q := g.Query(i)
		req := q.Request(search.Clerk)
		start := time.Now()
		if _, err := idx.Search(ctx, req); err != nil {
			b.Fatalf("query %d %q: %v", i, q.Query, err)
		}
		d := time.Since(start)
		class := q.Class
		if q.Facets {
			class = "facets+highlights"
		}
		lat[class] = append(lat[class], d)
		if q.Class != searchcorpus.QueryCitizen && !q.Facets {
			lat["fulltext-mix"] = append(lat["fulltext-mix"], d)
		}
	}
	return lat
}

func report(b *testing.B, phase string, lat map[string][]time.Duration) {
	var classes []string
	for c := range lat {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	var lines []string
	for _, c := range classes {
		ds := lat[c]
		slices.Sort(ds)
		p := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
		lines = append(lines, fmt.Sprintf("%-18s n=%4d p50=%-10v p95=%-10v p99=%v", c, len(ds), p(0.50), p(0.95), p(0.99)))
		b.ReportMetric(float64(p(0.99).Microseconds())/1000, phase+"-"+c+"-p99-ms")
	}
	b.Logf("%s:\n%s", phase, strings.Join(lines, "\n"))
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// peakRSS is the process's peak resident memory (Linux), or the Go heap.
func peakRSS() string {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("%d MB heap", m.HeapSys>>20)
}
