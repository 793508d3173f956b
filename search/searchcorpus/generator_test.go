package searchcorpus_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"akte/search"
	"akte/search/searchcorpus"
)

const sampleSize = 10_000

// sample returns documents 0..sampleSize-1 of seed 1, generated once for all tests.
var sample = sync.OnceValue(func() []search.Doc {
	return generate(searchcorpus.New(searchcorpus.Options{Seed: 1}), sampleSize)
})

// generate makes documents 0..n-1 on two goroutines (the machine has two cores).
func generate(g *searchcorpus.Generator, n int) []search.Doc {
	docs := make([]search.Doc, n)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < n; i += 2 {
				docs[i] = g.Doc(i)
			}
		})
	}
	wg.Wait()
	return docs
}

func TestDeterministic(t *testing.T) {
	a := searchcorpus.New(searchcorpus.Options{Seed: 7})
	b := searchcorpus.New(searchcorpus.Options{Seed: 7})
	other := searchcorpus.New(searchcorpus.Options{Seed: 8})
	for _, i := range []int{0, 1, 2, 511, 512, 4999, 123_456, 999_999, 50_000_000} {
		da, db, do := a.Doc(i), b.Doc(i), other.Doc(i)
		if !reflect.DeepEqual(da, db) {
			t.Errorf("doc %d differs between two generators of one seed:\n%+v\n%+v", i, da, db)
		}
		if !reflect.DeepEqual(da, a.Doc(i)) {
			t.Errorf("doc %d differs between two calls", i)
		}
		if da.ID == do.ID || da.Text == do.Text {
			t.Errorf("doc %d: seeds 7 and 8 give the same ID or text", i)
		}
	}
	for i := range 50 {
		if qa, qb := a.Query(i), b.Query(i); !reflect.DeepEqual(qa, qb) {
			t.Errorf("query %d differs: %+v, %+v", i, qa, qb)
		}
	}
	// Generation order and concurrency do not matter.
	par := generate(a, 2000)
	for i := 1999; i >= 0; i -= 7 {
		if !reflect.DeepEqual(par[i], a.Doc(i)) {
			t.Fatalf("doc %d generated in parallel differs from doc %d generated alone", i, i)
		}
	}
}

func TestIDsUnique(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	g := searchcorpus.New(searchcorpus.Options{Seed: 3})
	ids := make([]string, n)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < n; i += 2 {
				ids[i] = g.Doc(i).ID
			}
		})
	}
	wg.Wait()
	seen := make(map[string]int, n)
	for i, id := range ids {
		if j, dup := seen[id]; dup {
			t.Fatalf("documents %d and %d have the same ID %s", j, i, id)
		}
		seen[id] = i
	}
}

func TestTextSize(t *testing.T) {
	total, lo, hi := 0, 1<<30, 0
	for _, d := range sample() {
		n := len(d.Text)
		total += n
		lo, hi = min(lo, n), max(hi, n)
		if d.Title == "" || strings.Contains(d.Title+d.Text, "{") || strings.Contains(d.Title+d.Text, "}") {
			t.Fatalf("doc %s: empty title or unfilled slot:\n%s\n%s", d.ID, d.Title, d.Text)
		}
	}
	avg := float64(total) / sampleSize
	t.Logf("text bytes: average %.0f, min %d, max %d", avg, lo, hi)
	if avg < 2500 || avg > 3500 {
		t.Errorf("average text size %.0f bytes, want 2,500–3,500", avg)
	}
	if lo < 700 || hi > 7000 {
		t.Errorf("text sizes from %d to %d bytes, want about 1–5 KB", lo, hi)
	}
}

// TestVocabulary checks that the vocabulary is large and Zipf-like: a few words in nearly
// every document, many in few.
func TestVocabulary(t *testing.T) {
	tokens, docFreq := 0, map[string]int{}
	freq := map[string]int{}
	for _, d := range sample() {
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(d.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			w = strings.ToLower(w)
			tokens++
			freq[w]++
			if !seen[w] {
				seen[w] = true
				docFreq[w]++
			}
		}
	}
	common, rare := 0, 0
	for _, n := range docFreq {
		switch {
		case n > sampleSize/2:
			common++
		case n < sampleSize/100:
			rare++
		}
	}
	byFreq := slices.SortedFunc(maps.Keys(freq), func(a, b string) int { return freq[b] - freq[a] })
	top := 0
	for _, w := range byFreq[:10] {
		top += freq[w]
	}
	t.Logf("%d distinct words in %d tokens; top 10 %v hold %.1f %%; %d words in over half the documents, %d in under 1 %%",
		len(freq), tokens, byFreq[:10], 100*float64(top)/float64(tokens), common, rare)
	if len(freq) <= 300 {
		t.Errorf("%d distinct words, want more than 300", len(freq))
	}
	if float64(top) < 0.12*float64(tokens) {
		t.Errorf("the ten most frequent words hold %d of %d tokens: not Zipf-like", top, tokens)
	}
	if common < 15 || rare < 200 {
		t.Errorf("%d words in over half the documents and %d in under 1 %%: want a head and a long tail", common, rare)
	}
	for _, w := range []string{"der", "die", "antrag", "bescheid", "müll", "müllgebühren", "müllabfuhr"} {
		if freq[w] == 0 {
			t.Errorf("word %q does not occur", w)
		}
	}
}

func TestNames(t *testing.T) {
	names := map[string]string{} // citizen → full name
	for _, d := range sample() {
		full := strings.Join(d.Names, " ")
		if prev, ok := names[d.Citizen]; ok && prev != full {
			t.Fatalf("citizen %s is %q in one document and %q in another", d.Citizen, prev, full)
		}
		names[d.Citizen] = full
		if len(d.Names) < 2 {
			t.Fatalf("doc %s: names %q, want given and family names", d.ID, d.Names)
		}
	}
	umlaut, byFamily, byFull := 0, map[string]int{}, map[string]int{}
	for _, full := range names {
		if strings.ContainsAny(full, "äöüÄÖÜß") {
			umlaut++
		}
		f := strings.Fields(full)
		byFamily[f[len(f)-1]]++
		byFull[full]++
	}
	sharedFull := 0
	for _, n := range byFull {
		if n > 1 {
			sharedFull++
		}
	}
	t.Logf("%d citizens; %d with ä, ö, ü or ß; %d family names, Müller %d times; %d full names shared",
		len(names), umlaut, len(byFamily), byFamily["Müller"], sharedFull)
	if umlaut < len(names)/10 {
		t.Errorf("%d of %d citizens have umlauts or ß in their names, want at least 10 %%", umlaut, len(names))
	}
	for _, n := range []string{"Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Jäger", "Krüger", "Schröder"} {
		if byFamily[n] == 0 {
			t.Errorf("no citizen named %s", n)
		}
	}
	if byFamily["Müller"] < 50 || sharedFull < 10 {
		t.Errorf("Müller %d times, %d full names shared: want many duplicates", byFamily["Müller"], sharedFull)
	}
}

func TestCitizens(t *testing.T) {
	perCitizen := map[string]int{}
	for _, d := range sample() {
		perCitizen[d.Citizen]++
	}
	few, many, most := 0, 0, 0
	for _, n := range perCitizen {
		if n <= 5 {
			few++
		}
		if n >= 10 {
			many++
		}
		most = max(most, n)
	}
	t.Logf("%d citizens; %d with 1–5 documents, %d with 10 or more, at most %d", len(perCitizen), few, many, most)
	if len(perCitizen) < sampleSize/5 || len(perCitizen) > sampleSize/3 {
		t.Errorf("%d citizens for %d documents, want about a quarter", len(perCitizen), sampleSize)
	}
	if few < len(perCitizen)*3/4 || many < 20 || most < 30 {
		t.Errorf("document counts per citizen not Zipf-like: %d of %d with 1–5, %d with ≥ 10, at most %d",
			few, len(perCitizen), many, most)
	}
	// Options.Citizens sets the average.
	g := searchcorpus.New(searchcorpus.Options{Seed: 1, Docs: 4096, Citizens: 4096 / 10})
	fewer := map[string]bool{}
	for i := range 4096 {
		fewer[g.Doc(i).Citizen] = true
	}
	if n := len(fewer); n < 300 || n > 600 {
		t.Errorf("Citizens: 409 for 4,096 documents gave %d citizens", n)
	}
}

func TestProportions(t *testing.T) {
	classes, sources, years := map[string]int{}, map[string]int{}, map[int]int{}
	restricted := 0
	start, end := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range sample() {
		classes[d.Class]++
		sources[d.Source]++
		years[d.Date.Year()]++
		if d.Status == search.StatusRestricted {
			restricted++
		}
		if d.Date.Before(start) || !d.Date.Before(end) {
			t.Fatalf("doc %s: date %v outside 2005-01-01..2026-05-31", d.ID, d.Date)
		}
		if lag := d.Created.Sub(d.Date); lag < 0 || lag > 62*24*time.Hour {
			t.Fatalf("doc %s: created %v, %v after its date", d.ID, d.Created, lag)
		}
	}
	pct := func(n int) float64 { return 100 * float64(n) / sampleSize }
	want := map[string]float64{"registration": 17, "deregistration": 5.5, "passport-application": 9.5,
		"id-card-application": 14, "birth-certificate-request": 7.5, "tax": 17, "correspondence": 23,
		"civil-register": 6.5}
	for c, w := range want {
		if got := pct(classes[c]); got < w-1.5 || got > w+1.5 {
			t.Errorf("class %s: %.1f %% of documents, want %.1f %%", c, got, w)
		}
	}
	if len(classes) != len(want) {
		t.Errorf("classes %v, want those of %v", classes, want)
	}
	wantSources := map[string]float64{"portal": 17, "counter": 33, "scan": 12.5, "import": 18.5, "api": 18.5}
	for s, w := range wantSources {
		if got := pct(sources[s]); got < w-2 || got > w+2 {
			t.Errorf("source %s: %.1f %% of documents, want %.0f %%", s, got, w)
		}
	}
	if got := pct(restricted); got < 3.5 || got > 6.5 {
		t.Errorf("%.1f %% restricted, want about 5 %%", got)
	}
	if len(years) != 22 || years[2024] < 2*years[2006] {
		t.Errorf("documents per year %v: want every year 2005–2026, growing", years)
	}
	t.Logf("sources %v; %.1f %% restricted; per year %v", sources, pct(restricted), years)
}
