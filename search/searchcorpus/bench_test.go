package searchcorpus_test

import (
	"testing"

	"akte/search/searchcorpus"
)

// BenchmarkGenerate measures how fast documents are made on one goroutine; indexing is about
// 1,500 docs/s, so generation must be far faster not to distort the index benchmark.
func BenchmarkGenerate(b *testing.B) {
	g := searchcorpus.New(searchcorpus.Options{Seed: 1})
	n, bytes := 0, 0
	for b.Loop() {
		d := g.Doc(n)
		bytes += len(d.Text)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(bytes)/float64(n), "text-bytes/doc")
}

// BenchmarkQuery measures making the query mix.
func BenchmarkQuery(b *testing.B) {
	g := searchcorpus.New(searchcorpus.Options{Seed: 1})
	n := 0
	for b.Loop() {
		g.Query(n % 1000)
		n++
	}
}
