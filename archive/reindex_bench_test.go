package archive_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store/filestore"
	"akte/search"
	"akte/search/searchcorpus"
)

var reindexRecords = flag.Int("reindexrecords", 5000, "BenchmarkReindex: records in the store")

// BenchmarkReindex measures akte reindex on the embedded default: -reindexrecords records
// (PDFs with the text of the search corpus's documents, 3 KB on average) in a filestore; each
// iteration discards the catalog and the search index and rebuilds both from the store alone —
// list the objects, read and check every manifest, read every text.txt, index it — as
// `akte reindex` does after a lost disk. Reports records/s.
//
//	go test -run '^$' -bench Reindex -benchtime 1x ./archive/ -reindexrecords 20000
func BenchmarkReindex(b *testing.B) {
	defer search.UseGCPercent()()
	ctx := context.Background()
	dir := benchDir(b)
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	opts := archive.Options{Store: st, Dir: dir, Converter: archive.PassThrough{}}
	a, _, err := archive.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: *reindexRecords})
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	for range 2 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= *reindexRecords {
					return
				}
				d := g.Doc(i)
				_, err := a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: archive.CitizenID(d.Citizen),
					Class: "tax", Title: d.Title, Body: bytes.NewReader(archivetest.MakePDF(d.Title, d.Text))})
				if err != nil {
					once.Do(func() { b.Error(err) })
					return
				}
			}
		})
	}
	wg.Wait()
	if err := a.Close(); err != nil || b.Failed() {
		b.Fatal(err)
	}
	b.Logf("filled %d records in %v", *reindexRecords, time.Since(start).Round(time.Second))

	for n := 0; b.Loop(); n++ {
		idx, err := search.Open(filepath.Join(dir, fmt.Sprintf("index-%d", n)), nil)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		opts.Search, opts.Rebuild = idx, true
		a, rep, err := archive.Open(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.FlushSearch(ctx); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		if rep.Added != *reindexRecords || rep.Reindexed != *reindexRecords {
			b.Fatalf("reindex: %d records added to the catalog, %d indexed; want %d", rep.Added, rep.Reindexed, *reindexRecords)
		}
		res, err := a.Search(ctx, archive.SearchRequest{Query: "bürger:" + g.Doc(0).Citizen, Role: search.Clerk})
		if err != nil || res.Total == 0 {
			b.Fatalf("after reindex, the first citizen's records: %v, %v", res, err)
		}
		b.ReportMetric(float64(*reindexRecords)/el.Seconds(), "records/s")
		b.Logf("reindexed %d records in %v (%.0f records/s)", *reindexRecords, el.Round(time.Millisecond), float64(*reindexRecords)/el.Seconds())
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		if err := idx.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
