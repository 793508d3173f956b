package searchcorpus_test

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"akte/search/searchcorpus"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden pins the corpus of seed 1: Doc(i) and Query(i) must give the same documents and
// queries with every version of this package and of Go (see Invariants in doc.go), or
// benchmark figures of different runs are not comparable. TestDeterministic compares two
// generators of one build; this compares with the file. The file holds a SHA-256 per block of
// documents and queries; record a deliberate change of the corpus with
//
//	go test -run Golden ./search/searchcorpus/ -update
func TestGolden(t *testing.T) {
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: 20000})
	var lines []string
	block := func(what string, nums []int, write func(h hash.Hash, i int)) {
		h := sha256.New()
		for _, i := range nums {
			write(h, i)
		}
		lines = append(lines, fmt.Sprintf("%s %d-%d %x", what, nums[0], nums[len(nums)-1], h.Sum(nil)))
	}
	doc := func(h hash.Hash, i int) {
		d := g.Doc(i)
		fmt.Fprintf(h, "%q %q %q %q %q %q %q %s %s %q\n", d.ID, d.Citizen, d.Class, d.Source, d.Status,
			d.Title, d.Text, d.Date.Format(time.RFC3339Nano), d.Created.Format(time.RFC3339Nano), d.Names)
	}
	query := func(h hash.Hash, i int) {
		q := g.Query(i)
		fmt.Fprintf(h, "%q %q %q %q %s %s %t %t\n", q.Class, q.Query, q.Citizen, q.ClassFilter,
			q.From.Format(time.DateOnly), q.To.Format(time.DateOnly), q.Facets, q.Highlight)
	}
	for start := 0; start < 1000; start += 100 {
		nums := make([]int, 100)
		for k := range nums {
			nums[k] = start + k
		}
		block("docs", nums, doc)
		block("queries", nums, query)
	}
	block("docs", []int{4999, 123_456, 999_999, 50_000_000}, doc)
	got := strings.Join(lines, "\n") + "\n"

	file := filepath.Join("testdata", "corpus", "seed1.golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the corpus differs from %s (the differing blocks):\n%s", file, diffLines(string(want), got))
	}
}

// diffLines returns the lines of got that are not in want.
func diffLines(want, got string) string {
	old := map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		old[l] = true
	}
	var out []string
	for _, l := range strings.Split(got, "\n") {
		if !old[l] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
