package searchcorpus_test

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
	benchScan    = flag.Int("scanlimit", 0, "search.Options.ScanLimit for BenchmarkSearchMix (0: the default)")
	benchBatch   = flag.Int("batch", 0, "search.Options.BatchSize for BenchmarkSearchMix (0: the default)")
	benchSlowest = flag.Int("slowest", 0, "name the `N` slowest queries of each phase of BenchmarkSearchMix")
)

// BenchmarkSearchMix indexes -docs generated documents (docs/s, size on
// disk, peak memory), then runs the fixed 1,000-query mix as a clerk,
// twice: on a quiet index and while ingest continues at 20 docs/s. It
// reports p50/p95/p99 per query class. One iteration is the whole run:
// use -benchtime 1x.
//
//	go test -run '^$' -bench SearchMix -benchtime 1x -timeout 3h ./search/searchcorpus/ -docs 1000000
func BenchmarkSearchMix(b *testing.B) {
	defer search.UseGCPercent()()
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
	// The marker names the corpus and the index layout it was built with; an index of
	// another corpus or schema version is thrown away and built again.
	marker, want := filepath.Join(dir, "corpus-size"), fmt.Sprintf("%d docs, schema %d", docs, search.SchemaVersion)
	have, _ := os.ReadFile(marker)
	if string(have) != want {
		if err := errors.Join(os.Remove(marker), os.RemoveAll(filepath.Join(dir, "index"))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			b.Fatal(err)
		}
	}
	idx, err := search.Open(filepath.Join(dir, "index"), &search.Options{BatchSize: *benchBatch, ScanLimit: *benchScan})
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	if string(have) != want {
		b.Logf("building the index of %s (%s had %q)", want, marker, have)
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
		if err := os.WriteFile(marker, []byte(want), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// The quiet phase measures the index as a server has it between bulk loads: merged. How
	// long merging takes after the load is reported.
	settleStart := time.Now()
	st, err := idx.Stats()
	for err == nil && st.Busy && time.Since(settleStart) < time.Hour {
		time.Sleep(time.Second)
		st, err = idx.Stats()
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("merging done %v after the load: %d segments", time.Since(settleStart).Round(time.Second), st.Segments)
	size := dirSize(filepath.Join(dir, "index"))
	b.ReportMetric(float64(size)/float64(docs), "index-bytes/doc")
	b.Logf("index: %d docs, %.1f MB on disk, peak RSS %s", docs, float64(size)/1e6, peakRSS())

	ours := func(ctx context.Context, q searchcorpus.QuerySpec) ([]string, error) {
		res, err := idx.Search(ctx, q.Request(search.Clerk))
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}
	var pg *pgMix
	if *benchPG != "" {
		pg = openPG(ctx, b, *benchPG, g, docs)
		defer pg.close(ctx)
	}

	// A server's index is warm: its files in the page cache, its facet values decoded
	// (search.Index.Warm, which akte serve runs at start). Without this the quiet phase
	// measured the disk after whatever ran before it.
	warmStart := time.Now()
	warmFiles(filepath.Join(dir, "index"))
	if err := idx.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("warmed in %v", time.Since(warmStart).Round(time.Millisecond))
	quiet := runQueries(ctx, b, ours, g)
	report(b, "quiet", quiet)
	if pg != nil {
		pgQuiet := runQueries(ctx, b, pg.search, g)
		report(b, "pg-quiet", pgQuiet)
		compare(b, "quiet", quiet, pgQuiet)
	}

	// The same mix while ingest continues at 20 docs/s.
	busy, added := whileIngesting(b, docs, func(d search.Doc) error { return idx.Put(ctx, d) }, func() mixRun {
		return runQueries(ctx, b, ours, g)
	}, g)
	report(b, "ingest20", busy)
	if st, err := idx.Stats(); err == nil {
		b.Logf("after the ingest phase: %d segments", st.Segments)
	}
	// The documents ingested go again, so that the next run on this index ingests new
	// records, as a town hall's intake does, instead of replacing these.
	for n := docs; n < docs+added; n++ {
		if err := idx.Delete(ctx, g.Doc(n).ID); err != nil {
			b.Fatal(err)
		}
	}
	if err := idx.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if pg != nil {
		pgBusy, _ := whileIngesting(b, docs, func(d search.Doc) error { return pg.insert(ctx, d) }, func() mixRun {
			return runQueries(ctx, b, pg.search, g)
		}, g)
		report(b, "pg-ingest20", pgBusy)
		compare(b, "ingest20", busy, pgBusy)
	}
}

// whileIngesting runs mix while put adds documents docs, docs+1, … at 20 per second; added is
// how many it put.
func whileIngesting(b *testing.B, docs int, put func(search.Doc) error, mix func() mixRun, g *searchcorpus.Generator) (r mixRun, added int) {
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for n := docs; !stop.Load(); n++ {
			<-t.C
			if err := put(g.Doc(n)); err != nil {
				b.Error(err)
				return
			}
			added++
		}
	}()
	r = mix()
	stop.Store(true)
	<-done
	return r, added
}

// mixRun is one run of the query mix: latencies by class, and each query's page of IDs,
// class, text and latency.
type mixRun struct {
	lat   map[string][]time.Duration
	pages [][]string
	class []string
	query []string
	took  []time.Duration
}

// runQueries runs the 1,000-query mix once with run.
func runQueries(ctx context.Context, b *testing.B, run func(context.Context, searchcorpus.QuerySpec) ([]string, error), g *searchcorpus.Generator) mixRun {
	r := mixRun{lat: map[string][]time.Duration{}}
	for i := range 1000 {
		q := g.Query(i)
		start := time.Now()
		ids, err := run(ctx, q)
		if err != nil {
			b.Fatalf("query %d %q: %v", i, q.Query, err)
		}
		d := time.Since(start)
		class := q.Class
		if q.Facets {
			class = "facets+highlights"
		}
		r.lat[class] = append(r.lat[class], d)
		if q.Class != searchcorpus.QueryCitizen && !q.Facets {
			r.lat["fulltext-mix"] = append(r.lat["fulltext-mix"], d)
		}
		r.pages = append(r.pages, ids)
		r.class = append(r.class, class)
		r.query = append(r.query, fmt.Sprintf("%q %v %s–%s", q.Query, q.ClassFilter, day(q.From), day(q.To)))
		r.took = append(r.took, d)
	}
	return r
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// compare reports, per class, how much slower PostgreSQL was (ratio of medians and of 99th
// percentiles) and how far the first ten hits agree: |ours ∩ theirs| / min(10, the larger
// page), 1 when both are empty.
func compare(b *testing.B, phase string, ours, pg mixRun) {
	overlap := map[string][]float64{}
	for i := range ours.pages {
		a, c := top(ours.pages[i], 10), top(pg.pages[i], 10)
		n := min(10, max(len(a), len(c)))
		o := 1.0
		if n > 0 {
			common := 0
			for _, id := range a {
				if slices.Contains(c, id) {
					common++
				}
			}
			o = float64(common) / float64(n)
		}
		overlap[ours.class[i]] = append(overlap[ours.class[i]], o)
		if c := ours.class[i]; c != searchcorpus.QueryCitizen && c != "facets+highlights" {
			overlap["fulltext-mix"] = append(overlap["fulltext-mix"], o)
		}
	}
	var lines []string
	for _, c := range sortedKeys(ours.lat) {
		p50o, p99o := pct(ours.lat[c], 0.5), pct(ours.lat[c], 0.99)
		p50p, p99p := pct(pg.lat[c], 0.5), pct(pg.lat[c], 0.99)
		mean := 0.0
		for _, o := range overlap[c] {
			mean += o
		}
		ov := "—"
		if len(overlap[c]) > 0 {
			ov = fmt.Sprintf("%.2f", mean/float64(len(overlap[c])))
		}
		lines = append(lines, fmt.Sprintf("%-18s pg/ours p50 %6.1f× (%v vs %v)  p99 %6.1f× (%v vs %v)  top-10 overlap %s",
			c, ratio(p50p, p50o), p50p.Round(time.Microsecond), p50o.Round(time.Microsecond),
			ratio(p99p, p99o), p99p.Round(time.Microsecond), p99o.Round(time.Microsecond), ov))
		b.ReportMetric(ratio(p50p, p50o), phase+"-"+c+"-pg/ours-p50")
	}
	b.Logf("%s, PostgreSQL against Akte:\n%s", phase, strings.Join(lines, "\n"))
}

func top(ids []string, n int) []string { return ids[:min(n, len(ids))] }

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

// pct is the q-quantile of ds (sorted in place).
func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(q*float64(len(ds))))]
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func report(b *testing.B, phase string, r mixRun) {
	var lines []string
	for _, c := range sortedKeys(r.lat) {
		ds := r.lat[c]
		lines = append(lines, fmt.Sprintf("%-18s n=%4d p50=%-10v p95=%-10v p99=%v", c, len(ds),
			pct(ds, 0.50).Round(time.Microsecond), pct(ds, 0.95).Round(time.Microsecond), pct(ds, 0.99).Round(time.Microsecond)))
		b.ReportMetric(float64(pct(ds, 0.99).Microseconds())/1000, phase+"-"+c+"-p99-ms")
	}
	if *benchSlowest > 0 {
		order := make([]int, len(r.took))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return cmp.Compare(r.took[j], r.took[i]) })
		lines = append(lines, "slowest:")
		for _, i := range order[:min(*benchSlowest, len(order))] {
			lines = append(lines, fmt.Sprintf("  %9v %-18s %s", r.took[i].Round(time.Microsecond), r.class[i], r.query[i]))
		}
	}
	b.Logf("%s:\n%s", phase, strings.Join(lines, "\n"))
}

// warmFiles reads every file under dir once, into the page cache.
func warmFiles(dir string) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if f, err := os.Open(path); err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
		}
		return nil
	})
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
