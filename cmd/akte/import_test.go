package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/pdfa"
)

// importFolder writes good scans and PDFs (named by the convention) and
// two bad files into a new folder.
func importFolder(t *testing.T, good int) (dir string, bad []string) {
	dir = t.TempDir()
	for i := range good {
		name := fmt.Sprintf("box%d/P-%04d_correspondence_2021-03-%02d_Brief.pdf", i%3, i, i%28+1)
		data := archivetest.MakePDFA(t, fmt.Sprintf("Familie%d", i))
		if i%2 == 1 {
			name = fmt.Sprintf("box%d/P-%04d_tax_2021-04-%02d_Bescheid.png", i%3, i, i%28+1)
			img := image.NewGray(image.Rect(0, 0, 120+i, 170))
			for j := range img.Pix {
				img.Pix[j] = uint8(200 + j%7 + i%13)
			}
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		}
		write := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(write), 0o755)
		if err := os.WriteFile(write, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad = []string{"P-1_tax_2021-01-01_leer.pdf", "P-1_tax_2021-01-01_notiz.txt"}
	os.WriteFile(filepath.Join(dir, bad[0]), nil, 0o644)
	os.WriteFile(filepath.Join(dir, bad[1]), []byte("kein Scan\n"), 0o644)
	return dir, bad
}

// hashTree maps each file below dir to its SHA-256.
func hashTree(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	return out
}

// Kill `akte import` (SIGKILL, no chance to clean up) at random points at
// least 20 times, then let it finish: every good file is archived exactly
// once (one record each, its original's SHA-256 the file's), the report
// lists every file once, the bad files failed with a reason, and no input
// file was lost or changed.
func TestImportKillRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a subprocess 20 times")
	}
	const good, kills = 90, 20
	dir, bad := importFolder(t, good)
	before := hashTree(t, dir)
	data := t.TempDir()
	env := append(os.Environ(), "AKTE_TEST_MAIN=1", "AKTE_DATA="+data, "AKTE_OCR=off", "USER=tester")
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d", seed)
	archivedLines := func() int {
		m, _ := filepath.Glob(filepath.Join(data, "imports", "*", "journal.jsonl"))
		if len(m) == 0 {
			return 0
		}
		b, _ := os.ReadFile(m[0])
		return bytes.Count(b, []byte(`"outcome":"archived"`))
	}
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0], "import", dir, "--workers", "2")
		var out bytes.Buffer
		cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	midWork := 0
	for k := 0; k < kills; k++ {
		n0 := archivedLines()
		cmd, out := start()
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Kill after 0–2 more files are archived, plus 0–60 ms: at start-up,
		// inside a conversion, between the archive's commit and the journal.
		target, jitter := n0+rng.IntN(3), time.Duration(rng.IntN(60))*time.Millisecond
		deadline := time.Now().Add(time.Minute)
	wait:
		for archivedLines() < target && time.Now().Before(deadline) {
			select {
			case err := <-exited:
				t.Fatalf("kill %d: import ended before it was killed (%v): %s", k, err, out)
			case <-time.After(2 * time.Millisecond):
				continue wait
			}
		}
		time.Sleep(jitter)
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		if archivedLines() < good {
			midWork++
		}
	}
	t.Logf("%d kills, %d with files left; %d files archived by then", kills, midWork, archivedLines())
	if midWork < kills/2 {
		t.Fatalf("only %d of %d kills landed while files were left: the test did not test resumption", midWork, kills)
	}
	cmd, out := start()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitRefused {
		t.Fatalf("final run: %v (want exit %d for the bad files): %s", err, exitRefused, out)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("%d files: %d archived", good+len(bad), good)) {
		t.Errorf("summary: %s", out)
	}

	// The report: every file once, good ones archived with distinct records.
	reports, _ := filepath.Glob(filepath.Join(data, "imports", "*", "report.csv"))
	if len(reports) != 1 {
		t.Fatalf("reports: %v", reports)
	}
	f, err := os.Open(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	g := &globals{getenv: func(k string) string {
		return map[string]string{"AKTE_DATA": data, "AKTE_OCR": "off"}[k]
	}}
	a, _, closeArchive, err := openArchive(context.Background(), g, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeArchive()
	records, existing := map[string]string{}, 0
	for _, row := range rows[1:] {
		file, outcome, id, sha := row[0], row[1], row[2], row[5]
		if _, dup := records[file]; dup {
			t.Errorf("%s twice in the report", file)
		}
		records[file] = id
		if row[3] == "yes" {
			existing++
		}
		isBad := slices.Contains(bad, file)
		switch {
		case isBad && (outcome != "failed" || row[8] == ""):
			t.Errorf("%s: %s %q, want failed with a reason", file, outcome, row[8])
		case !isBad && outcome != "archived":
			t.Errorf("%s: %s %s", file, outcome, row[8])
		case !isBad:
			rec, err := a.Record(context.Background(), archive.RecordID(id))
			if err != nil {
				t.Fatalf("%s: record %s: %v", file, id, err)
			}
			if orig, _ := rec.Manifest.File(archive.FileOriginal); orig.SHA256 != before[file] || sha != before[file] {
				t.Errorf("%s: record %s holds %s, the file is %s", file, id, orig.SHA256, before[file])
			}
		}
	}
	if len(records) != good+len(bad) {
		t.Errorf("report lists %d files, the folder has %d", len(records), good+len(bad))
	}
	if n, _ := a.Count(context.Background()); n != good {
		t.Errorf("%d records in the archive for %d good files", n, good)
	}
	distinct := map[string]bool{}
	for _, id := range records {
		distinct[id] = true
	}
	if len(distinct) != good+1 { // the bad files share the empty ID
		t.Errorf("%d distinct record IDs for %d good files", len(distinct)-1, good)
	}
	after := hashTree(t, dir)
	if len(after) != len(before) {
		t.Errorf("the folder had %d files, now %d", len(before), len(after))
	}
	for file, sum := range before {
		if after[file] != sum {
			t.Errorf("%s changed or vanished", file)
		}
	}
	t.Logf("%d files found already archived by a killed run (kill between commit and journal)", existing)
}

// The command line: a manifest import with --json, the report beside the
// journal, exit 0 when everything was archived; usage errors exit 2, a
// missing folder or a broken manifest 3.
func TestImportCLI(t *testing.T) {
	c, data := newCLI(t)
	c.env["AKTE_OCR"] = "off"
	dir := t.TempDir()
	pages := 0
	for name, family := range map[string]string{"a.pdf": "Weiß", "b.pdf": "Groß"} {
		pdf := archivetest.MakePDFA(t, family)
		rep, err := pdfa.Check(context.Background(), pdf, nil)
		if err != nil {
			t.Fatal(err)
		}
		pages += rep.Pages
		os.WriteFile(filepath.Join(dir, name), pdf, 0o644)
	}
	manifest := writeTemp(t, "liste.csv", []byte("file;citizen;class;date;title\na.pdf;P-1;registration;2020-05-01;Anmeldung\nb.pdf;P-2;tax;;Bescheid\n"))
	r := c.run("import", dir, "--manifest", manifest, "--json")
	if r.code != 0 {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	var sum importSummary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if sum.Files != 2 || sum.Archived != 2 || sum.Failed != 0 || sum.Pages != pages || pages < 2 || !strings.HasPrefix(sum.Report, data) {
		t.Fatalf("summary %+v", sum)
	}
	if b, err := os.ReadFile(sum.Report); err != nil || bytes.Count(b, []byte("\n")) != 3 {
		t.Fatalf("report: %v\n%s", err, b)
	}
	if r := c.run("search", "bürger:P-2"); r.code != 0 || !strings.Contains(r.stdout, "Bescheid") {
		t.Errorf("search for the imported record: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("import"); r.code != exitUsage {
		t.Errorf("no folder: exit %d", r.code)
	}
	if r := c.run("import", dir, "--workers", "0"); r.code != exitUsage {
		t.Errorf("--workers 0: exit %d", r.code)
	}
	if r := c.run("import", filepath.Join(dir, "nope")); r.code != exitRefused || !strings.Contains(r.stderr, "not a folder") {
		t.Errorf("missing folder: exit %d: %s", r.code, r.stderr)
	}
	broken := writeTemp(t, "kaputt.csv", []byte("file,person\na.pdf,P-1\n"))
	if r := c.run("import", dir, "--manifest", broken); r.code != exitRefused || !strings.Contains(r.stderr, `unknown column "person"`) {
		t.Errorf("broken manifest: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("import", "--help"); r.code != 0 || !strings.Contains(r.stderr, "--watch") {
		t.Errorf("help: exit %d: %s", r.code, r.stderr)
	}
}
