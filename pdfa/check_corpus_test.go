package pdfa

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// The worker hook runs from init, not TestMain: this package is shared with
// the renderer's tests, and a package can have only one TestMain.
func init() { RunWorkerIfRequested() }

// corpusDir finds <module root>/../shared/corpus/verapdf/<part>.
func corpusDir(t testing.TB, part string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	dir := filepath.Dir(file)
	for i := 0; i < 6; i++ {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	p := filepath.Join(dir, "..", "shared", "corpus", "verapdf", part)
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("veraPDF corpus not found at %s (expected beside the repository, see shared/corpus/verapdf/README.md)", p)
		if os.Getenv("AKTE_TEST_STRICT") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

type corpusFile struct {
	path, clause string
	pass         bool
}

func corpusFiles(t testing.TB, root string) []corpusFile {
	t.Helper()
	var out []corpusFile
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".pdf") {
			return err
		}
		base := filepath.Base(p)
		pass := strings.Contains(base, "-pass-")
		if !pass && !strings.Contains(base, "-fail-") {
			return nil
		}
		clause := filepath.Base(filepath.Dir(p))
		if i := strings.IndexByte(clause, ' '); i > 0 {
			clause = clause[:i]
		}
		out = append(out, corpusFile{path: p, clause: clause, pass: pass})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

type tally struct{ files, agree, pass, passOK int }

// runCorpus checks every file and returns per-clause agreement.
func runCorpus(t *testing.T, root string) (map[string]*tally, tally) {
	files := corpusFiles(t, root)
	per := map[string]*tally{}
	var all tally
	verbose := os.Getenv("AKTE_CORPUS_VERBOSE") == "1"
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rep, err := Check(context.Background(), data, &CheckOptions{Timeout: 20 * time.Second, Isolation: IsolationInProcess})
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", f.path, d)
		}
		accepted := err == nil && rep.OK()
		tl := per[f.clause]
		if tl == nil {
			tl = &tally{}
			per[f.clause] = tl
		}
		ok := accepted == f.pass
		for _, x := range []*tally{tl, &all} {
			x.files++
			if ok {
				x.agree++
			}
			if f.pass {
				x.pass++
				if accepted {
					x.passOK++
				}
			}
		}
		if !ok && verbose {
			msg := "accepted"
			if err != nil {
				msg = "error: " + err.Error()
			} else if !rep.OK() {
				msg = fmt.Sprint(rep.Violations)
			}
			t.Logf("DISAGREE %s: %s", filepath.Base(f.path), msg)
		}
	}
	return per, all
}

func logTally(t *testing.T, name string, per map[string]*tally, all tally) {
	var keys []string
	for k := range per {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return clauseLess(Clause(keys[i]), Clause(keys[j])) })
	for _, k := range keys {
		x := per[k]
		t.Logf("%-12s %4d files  agreement %5.1f%%  pass accepted %d/%d", k, x.files, pct(x.agree, x.files), x.passOK, x.pass)
	}
	fmt.Printf("%s: %d files, agreement %.1f%% (%d/%d), pass files accepted %.1f%% (%d/%d)\n",
		name, all.files, pct(all.agree, all.files), all.agree, all.files, pct(all.passOK, all.pass), all.passOK, all.pass)
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// TestVeraPDFCorpus measures agreement with the veraPDF corpus verdicts:
// "-pass-" files must be accepted, "-fail-" files rejected.
func TestVeraPDFCorpus(t *testing.T) {
	root := corpusDir(t, "PDF_A-2b")
	per, all := runCorpus(t, root)
	logTally(t, "veraPDF PDF/A-2b", per, all)
	if got := pct(all.agree, all.files); got < 95 {
		t.Errorf("overall agreement %.1f%%, want >= 95%%", got)
	}
	// A ratchet on top of the 95 %: a checker change that loses a
	// file we agreed on fails here; raise it when agreement improves.
	const agreed = 976
	if all.files == 985 && all.agree < agreed {
		t.Errorf("agreement fell to %d of %d files, was %d", all.agree, all.files, agreed)
	}
	if all.passOK != all.pass {
		t.Errorf("%d of %d pass files rejected, want none", all.pass-all.passOK, all.pass)
	}
}

// TestVeraPDFCorpusPart1 runs the PDF/A-1b corpus as a sanity check: every
// file must be processed without a checker failure, and PDF/A-1b pass files
// should meet PDF/A-2b apart from their part claim (6.6.4). That share is
// printed, not asserted: the parts differ in a few rules.
func TestVeraPDFCorpusPart1(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	root := corpusDir(t, "PDF_A-1b")
	files := corpusFiles(t, root)
	crashes, pass, passOK := 0, 0, 0
	verbose := os.Getenv("AKTE_CORPUS_VERBOSE") == "1"
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Check(context.Background(), data, &CheckOptions{Timeout: 20 * time.Second, Isolation: IsolationInProcess})
		if errors.Is(err, ErrCheckerFailed) {
			crashes++
			t.Errorf("%s: %v", filepath.Base(f.path), err)
			continue
		}
		if !f.pass {
			continue
		}
		pass++
		ok := err == nil
		if ok {
			for _, v := range r.Violations {
				if v.Clause != "6.6.4" {
					ok = false
				}
			}
		}
		if ok {
			passOK++
		} else if verbose {
			t.Logf("PART1 %s: %v %v", filepath.Base(f.path), err, r)
		}
	}
	fmt.Printf("veraPDF PDF/A-1b: %d files processed, %d checker failures; pass files meeting PDF/A-2b except the part claim: %.1f%% (%d/%d)\n",
		len(files), crashes, pct(passOK, pass), passOK, pass)
}
