package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"akte/pdfa/internal/pdfw/pdfwtest"
)

// TestCorpusAsInput feeds every file of the veraPDF PDF/A-2b corpus to
// ConvertPDF: each must end as an archive copy that Check accepts, or as
// a clear, typed refusal. A finalised copy must also keep the input as its
// prefix and pass qpdf --check. Prints the counts per outcome, and how
// many inputs the finaliser tried before Ghostscript took over.
func TestCorpusAsInput(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("converts 985 files: runs without -short and without the race detector (scripts/test.sh does)")
	}
	pdfwtest.Require(t, "gs", "ghostscript") // for the rewrite path
	files := corpusFiles(t, corpusDir(t, "PDF_A-2b"))
	results := make([]string, len(files))
	fellBack := make([]bool, len(files))
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
				switch {
				case res.Outcome == PDFFinalised:
					if !bytes.HasPrefix(res.PDF, data) {
						t.Errorf("%s: the finalised copy does not keep the input as its prefix", f.path)
					}
					externalChecks(t, f.path, res.PDF)
				case res.Outcome == PDFGhostscript && i%10 == 0:
					externalChecks(t, f.path, res.PDF)
				}
				results[i] = "archived-" + string(res.Outcome)
				fellBack[i] = res.Outcome == PDFGhostscript && finalisable(data)
			case errors.Is(err, ErrEncrypted):
				results[i] = "refused-encrypted"
			case errors.As(err, &re):
				if len(re.Report.Violations) == 0 || re.Error() == "" {
					t.Errorf("%s: refusal without clauses: %v", f.path, err)
				}
				results[i] = "refused-not-conformant"
				fellBack[i] = finalisable(data)
			case errors.Is(err, ErrNotPDF), errors.Is(err, ErrTooLarge), errors.Is(err, ErrTooComplex), errors.Is(err, ErrTimeout):
				results[i] = "refused-unreadable"
			default:
				t.Errorf("%s: untyped error: %v", f.path, err)
				results[i] = "error"
			}
		}()
	}
	wg.Wait()
	counts := map[string]int{}
	for _, o := range []PDFOutcome{PDFKept, PDFFinalised, PDFGhostscript} {
		counts["archived-"+string(o)] = 0
	}
	for _, r := range []string{"refused-encrypted", "refused-not-conformant", "refused-unreadable"} {
		counts[r] = 0
	}
	tried := 0
	for i, r := range results {
		counts[r]++
		if fellBack[i] {
			tried++
		}
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
	summary += fmt.Sprintf(" (finaliser tried first on %d of the others)", tried)
	t.Log(summary)
	fmt.Println(summary)
	if counts["error"] > 0 {
		t.Fatalf("%d files ended neither archived nor refused with a typed reason", counts["error"])
	}
}

// finalisable reports whether ConvertPDF tries the finaliser on data.
func finalisable(data []byte) bool {
	rep, err := Check(context.Background(), data, nil)
	if err != nil {
		return false
	}
	_, ok := planFixes(rep)
	return ok
}

// externalChecks runs independent tools over an archive copy: qpdf finds
// no structural error and pdffonts lists every font as embedded. It may run
// in a goroutine, so it reports with t.Errorf only.
func externalChecks(t *testing.T, name string, pdf []byte) {
	dir := t.TempDir()
	p := filepath.Join(dir, "copy.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if out, err := exec.Command("qpdf", "--check", p).CombinedOutput(); err != nil && !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
		t.Errorf("%s: archive copy fails qpdf --check: %v\n%s", name, err, out)
	}
	out, err := exec.Command("pdffonts", p).CombinedOutput()
	if err != nil {
		t.Errorf("%s: pdffonts: %v\n%s", name, err, out)
		return
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines[min(2, len(lines)):] {
		f := strings.Fields(l)
		// columns: name type [encoding…] emb sub uni object ID; emb is the
		// fifth field from the end.
		if len(f) >= 5 && f[len(f)-5] != "yes" {
			t.Errorf("%s: archive copy has a font that is not embedded: %s", name, l)
		}
	}
}
