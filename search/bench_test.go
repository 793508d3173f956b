package search_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"akte/search"
	"akte/search/searchcorpus"
)

// benchDocs returns the first n documents of the corpus the search benchmarks share (seed 1;
// 1–5 KB of text, 3 KB on average; citizens with several documents each).
func benchDocs(n int) []search.Doc {
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: n})
	docs := make([]search.Doc, n)
	for i := range docs {
		docs[i] = g.Doc(i)
	}
	return docs
}

// BenchmarkIndex1000 indexes 1,000 documents of the corpus and reports the rate and the size on
// disk after Close (which leaves the segments persisted and merged as Bleve left them).
func BenchmarkIndex1000(b *testing.B) {
	const n = 1000
	docs := benchDocs(n)
	textBytes := 0
	for _, d := range docs {
		textBytes += len(d.Text)
	}
	ctx := context.Background()
	var dirBytes int64
	for b.Loop() {
		dir := b.TempDir() + "/index"
		ix, err := search.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range docs {
			if err := ix.Put(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
		if err := ix.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		dirBytes = duBytes(b, dir)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(dirBytes)/float64(n), "disk-bytes/doc")
	b.ReportMetric(float64(dirBytes)/float64(textBytes), "disk/text")
}

// BenchmarkSearch runs typical clerk queries over 1,000 documents of the corpus.
func BenchmarkSearch(b *testing.B) {
	docs := benchDocs(1000)
	ix, _ := open(b, nil)
	fill(b, ix, docs...)
	for _, req := range []search.Request{
		{Query: "bürger:" + docs[123].Citizen},
		{Query: "Müller"},
		{Query: "Reisepässe Anträge"},
		{Query: `"Antrag auf Reisepass"`},
		{Query: "Bescheid klasse:tax von:2020-01-01"},
		{Query: "Bescheid Widerspruch", Facets: true, Highlight: true},
	} {
		req.Role = search.Clerk
		b.Run(req.Query, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func duBytes(tb testing.TB, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return total
}
