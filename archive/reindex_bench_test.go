package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store"
	"akte/archive/store/filestore"
	"akte/search"
	"akte/search/searchcorpus"
)

var (
	reindexRecords = flag.Int("reindexrecords", 5000, "BenchmarkReindex: records in the store")
	reindexKeep    = flag.Bool("reindexkeep", false, "BenchmarkReindex: keep the filled store under $TMPDIR/akte-bench-reindex-N and reuse it in the next run (filling 1,000,000 records took about an hour)")
)

// BenchmarkReindex measures akte reindex on the embedded default: -reindexrecords records
// (PDFs with the text of the search corpus's documents, 3 KB on average) in a filestore; each
// iteration discards the catalog and the search index and rebuilds both from the store alone —
// list the objects, read and check every manifest, read every text.txt, index it — as
// `akte reindex` does after a lost disk. Reports records/s.
//
//	go test -run '^$' -bench Reindex -benchtime 1x ./archive/ -reindexrecords 20000
//	TMPDIR=/var/tmp go test -run '^$' -bench Reindex -benchtime 1x -timeout 4h ./archive/ -reindexrecords 1000000 -reindexkeep
func BenchmarkReindex(b *testing.B) {
	defer search.UseGCPercent()()
	ctx := context.Background()
	dir := benchDir(b)
	if *reindexKeep {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("akte-bench-reindex-%d", *reindexRecords))
	}
	openStart := time.Now()
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.Logf("store opened in %v", time.Since(openStart).Round(time.Millisecond))
	conv := &corpusText{}
	opts := archive.Options{Store: st, Dir: dir, Converter: conv}
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: *reindexRecords})
	// A kept store says it is full with a marker, so a later run does not go through the
	// fill's million idempotent retries.
	filled := filepath.Join(dir, "filled")
	if _, err := os.Stat(filled); err != nil {
		fillReindex(b, opts, conv, g)
		if err := os.WriteFile(filled, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}

	// What a reindex must find is what the store holds (a fill that was interrupted and resumed
	// may hold fewer records than asked for).
	stored := 0
	for info, err := range store.ListKeys(ctx, st, "records/", "") {
		if err != nil {
			b.Fatal(err)
		}
		if strings.HasSuffix(info.Key, "/v1/manifest.json") {
			stored++
		}
	}
	if stored != *reindexRecords {
		b.Logf("the store holds %d records, not %d: an earlier fill was cut short", stored, *reindexRecords)
	}

	for n := 0; b.Loop(); n++ {
		idx, err := search.Open(filepath.Join(benchDir(b), fmt.Sprintf("index-%d", n)), nil)
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
		if rep.Added != stored || rep.Reindexed != stored {
			b.Fatalf("reindex: %d records added to the catalog, %d indexed; the store holds %d", rep.Added, rep.Reindexed, stored)
		}
		res, err := a.Search(ctx, archive.SearchRequest{Query: "bürger:" + g.Doc(0).Citizen, Role: search.Clerk})
		if err != nil || res.Total == 0 {
			b.Fatalf("after reindex, the first citizen's records: %v, %v", res, err)
		}
		b.ReportMetric(float64(stored)/el.Seconds(), "records/s")
		b.Logf("reindexed %d records in %v (%.0f records/s)", stored, el.Round(time.Millisecond), float64(stored)/el.Seconds())
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		// A restart after the reindex, which closed clean: Open lists nothing.
		opts.Rebuild = false
		start = time.Now()
		a, rep, err = archive.Open(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "reopen-s")
		b.Logf("reopened in %v (reconciliation skipped: %v)", time.Since(start).Round(time.Millisecond), rep.Skipped)
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		if err := idx.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// fillReindex ingests the records of g the archive of opts (converter conv) lacks, with 64
// clients, saying on stderr how far it got (b.Logf would say it only at the end).
func fillReindex(b *testing.B, opts archive.Options, conv *corpusText, g *searchcorpus.Generator) {
	ctx := context.Background()
	a, _, err := archive.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	have, err := a.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// A resumed fill starts again from the first document: ingests run 64 at a time, so
	// documents before the catalog's count may be missing, and a retry of one already stored
	// is answered from the catalog.
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	for range 64 { // ingest is bound by the store's syncs: more clients, bigger group commits
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= *reindexRecords {
					return
				}
				if i%50_000 == 0 && i > have {
					fmt.Fprintf(os.Stderr, "filled %d of %d records (%v)\n", i, *reindexRecords, time.Since(start).Round(time.Second))
				}
				d := g.Doc(i)
				pdf := archivetest.MakePDF(d.Title, d.Text)
				key := conv.give(pdf, d)
				_, err := a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: archive.CitizenID(d.Citizen),
					Class: "tax", Title: d.Title, Body: bytes.NewReader(pdf)})
				conv.texts.Delete(key)
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
	if have < *reindexRecords {
		b.Logf("filled %d records in %v", *reindexRecords-have, time.Since(start).Round(time.Second))
	}
}

// corpusText is the converter of the benchmark's fill: it passes the PDF
// through and gives the corpus document's text and names, as the form
// renderer gives a form's (archive.PassThrough gives none, and the
// reindex would index titles only).
type corpusText struct {
	texts sync.Map // sha256 of the PDF → search.Doc
}

func (c *corpusText) give(pdf []byte, d search.Doc) [sha256.Size]byte {
	key := sha256.Sum256(pdf)
	c.texts.Store(key, d)
	return key
}

func (c *corpusText) Convert(ctx context.Context, in archive.ConvertInput) (archive.ConvertOutput, error) {
	out, err := archive.PassThrough{}.Convert(ctx, in)
	if err != nil {
		return out, err
	}
	v, ok := c.texts.Load(sha256.Sum256(in.Data))
	if !ok {
		return out, fmt.Errorf("the benchmark gave no text for a PDF of %d bytes", len(in.Data))
	}
	d := v.(search.Doc)
	out.Text, out.Names = d.Text, d.Names
	return out, nil
}
