package pdfa

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"sync"
	"testing"
)

// TestCorpusAsInput feeds every file of the veraPDF PDF/A-2b corpus to
// ConvertPDF: each must end as an archive copy that Check accepts, or as
// a clear, typed refusal. Prints the counts.
func TestCorpusAsInput(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("converts 985 files: runs without -short and without the race detector (scripts/test.sh does)")
	}
	if _, err := exec.LookPath("gs"); err != nil {
		msg := "ghostscript not installed (apt-get install ghostscript): the rewrite path cannot be tested"
		if os.Getenv("AKTE_TEST_STRICT") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	files := corpusFiles(t, corpusDir(t, "PDF_A-2b"))
	type outcome struct {
		kind, detail string
	}
	results := make([]outcome, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := os.ReadFile(f.path)
			if err != nil {
				t.Error(err)
				return
			}
			res, err := ConvertPDF(context.Background(), data, nil)
			var re *RefusedError
			switch {
			case err == nil:
				// The archive copy must pass our checker on its own.
				rep, cerr := Check(context.Background(), res.PDF, nil)
				if cerr != nil || !rep.OK() {
					t.Errorf("%s: archive copy (%s) fails the checker: %v %v", f.path, res.Outcome, cerr, rep.Clauses())
				}
				results[i] = outcome{"archived-" + string(res.Outcome), ""}
			case errors.Is(err, ErrEncrypted):
				results[i] = outcome{"refused-encrypted", ""}
			case errors.As(err, &re):
				if len(re.Report.Violations) == 0 || re.Error() == "" {
					t.Errorf("%s: refusal without clauses: %v", f.path, err)
				}
				results[i] = outcome{"refused-not-conformant", ""}
			case errors.Is(err, ErrNotPDF), errors.Is(err, ErrTooLarge), errors.Is(err, ErrTooComplex), errors.Is(err, ErrTimeout):
				results[i] = outcome{"refused-unreadable", err.Error()}
			default:
				t.Errorf("%s: untyped error: %v", f.path, err)
				results[i] = outcome{"error", err.Error()}
			}
		}()
	}
	wg.Wait()
	counts := map[string]int{}
	for _, r := range results {
		counts[r.kind]++
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	summary := fmt.Sprintf("corpus as input: %d files:", len(files))
	for _, k := range keys {
		summary += fmt.Sprintf(" %s=%d", k, counts[k])
	}
	t.Log(summary)
	fmt.Println(summary)
	if counts["error"] > 0 {
		t.Fatalf("%d files ended neither archived nor refused with a typed reason", counts["error"])
	}
}
