package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/importer"
	"akte/pdfa"
)

var importer1 = archive.Actor{Name: "cli:backlog", Role: archive.RoleOperator}

func write(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func byFile(s importer.Summary) map[string]importer.Entry {
	m := map[string]importer.Entry{}
	for _, e := range s.Entries {
		m[e.File] = e
	}
	return m
}

// A manifest (semicolons and a byte order mark, as a spreadsheet saves it)
// assigns each file; unlisted files, rows without a file, a row listing a
// file twice and a row with a bad citizen ID fail with reasons; the rest
// is archived with the row's metadata; a re-run archives nothing again.
func TestImportManifest(t *testing.T) {
	ctx := context.Background()
	a := archivetest.Open(t, archive.Options{})
	dir, data := t.TempDir(), t.TempDir()
	write(t, dir, "a.pdf", archivetest.MakePDF("Anmeldung", "Hauptstrasse 1"))
	write(t, dir, "box 1/b.pdf", archivetest.MakePDF("Pass", "Reisepass"))
	write(t, dir, "c.pdf", archivetest.MakePDF("unlisted", "x"))
	write(t, dir, "d.pdf", archivetest.MakePDF("bad citizen", "y"))
	write(t, dir, ".DS_Store", []byte("finder"))
	manifest := "\ufeffFile;Citizen;Class;Date;Title;fact:valid_until\n" +
		"a.pdf;P-100234;registration;2019-03-04;Anmeldung Hauptstr.;\n" +
		"box 1/b.pdf;P-100234;passport-application;2021-06-01;Reisepass;2031-06-01\n" +
		"d.pdf;bad id!;registration;;;\n" +
		"missing.pdf;P-9;registration;;;\n" +
		"a.pdf;P-100234;registration;;;\n"
	write(t, dir, "manifest.csv", []byte(manifest))
	journal := filepath.Join(data, "journal.jsonl")
	opts := importer.Options{Dir: dir, Manifest: filepath.Join(dir, "manifest.csv"), Journal: journal, Actor: importer1, Workers: 2}
	sum, err := importer.Run(ctx, a, opts)
	if !errors.Is(err, importer.ErrFailed) || !errors.Is(err, archive.ErrRefused) {
		t.Fatalf("run: %v, want ErrFailed", err)
	}
	got := byFile(sum)
	if sum.Archived != 2 || sum.Failed != 4 || sum.Pending != 0 || len(got) != 6 {
		t.Fatalf("summary %+v, entries %v", sum, got)
	}
	for file, want := range map[string]string{
		"c.pdf": "not listed in the manifest", "d.pdf": "manifest line 4: citizen",
		"missing.pdf": "line 5) but not found", "a.pdf#line6": "lists a.pdf again (first on line 2)",
	} {
		if e := got[file]; e.Outcome != importer.Failed || !strings.Contains(e.Reason, want) {
			t.Errorf("%s: %+v, want failed with %q", file, e, want)
		}
	}
	recA, err := a.Record(ctx, got["a.pdf"].Record)
	if err != nil {
		t.Fatal(err)
	}
	if m := recA.Manifest; m.Citizen != "P-100234" || m.Class != "registration" || m.Date != "2019-03-04" || m.Title != "Anmeldung Hauptstr." || m.Source != archive.SourceScan {
		t.Errorf("a.pdf record: %+v", m)
	}
	recB, err := a.Record(ctx, got["box 1/b.pdf"].Record)
	if err != nil {
		t.Fatal(err)
	}
	if recB.Manifest.Facts["valid_until"] != "2031-06-01" || recB.Manifest.Class != "passport-application" {
		t.Errorf("b.pdf record: %+v", recB.Manifest)
	}

	// The report has every file once, in order, with the header.
	var buf bytes.Buffer
	if err := importer.WriteCSV(&buf, sum.Entries); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || strings.Join(rows[0], ",") != strings.Join(importer.ReportHeader, ",") || rows[1][0] != "a.pdf" || rows[1][1] != "archived" || rows[1][2] != string(recA.ID) {
		t.Fatalf("report:\n%v", rows)
	}

	// Again: nothing new, both archived files skipped by their SHA-256.
	n0, _ := a.Count(ctx)
	sum2, err := importer.Run(ctx, a, opts)
	if !errors.Is(err, importer.ErrFailed) {
		t.Fatal(err)
	}
	if n, _ := a.Count(ctx); n != n0 || sum2.Earlier != 2 || sum2.Archived != 2 || byFile(sum2)["a.pdf"].Record != recA.ID {
		t.Fatalf("re-run: count %d→%d, summary %+v", n0, n, sum2)
	}
	if !strings.Contains(sum2.String(), "2 by an earlier run") {
		t.Errorf("summary: %s", sum2)
	}
}

// Without a manifest, names carry the metadata.
func TestImportByName(t *testing.T) {
	ctx := context.Background()
	a := archivetest.Open(t, archive.Options{})
	dir := t.TempDir()
	write(t, dir, "P100234_registration_2019-03-04_Anmeldung_Hauptstr.pdf", archivetest.MakePDF("1", "a"))
	write(t, dir, "2020/P_7_tax_20200115.pdf", archivetest.MakePDF("2", "b"))
	write(t, dir, "P100234_scan-unclassified.pdf", archivetest.MakePDF("3", "c"))
	write(t, dir, "Scan0001.pdf", archivetest.MakePDF("4", "d"))
	sum, err := importer.Run(ctx, a, importer.Options{Dir: dir, Journal: filepath.Join(t.TempDir(), "j"), Actor: importer1})
	if !errors.Is(err, importer.ErrFailed) {
		t.Fatal(err)
	}
	want := map[string][4]string{
		"P100234_registration_2019-03-04_Anmeldung_Hauptstr.pdf": {"P100234", "registration", "2019-03-04", "Anmeldung Hauptstr"},
		"2020/P_7_tax_20200115.pdf":                              {"P_7", "tax", "2020-01-15", ""},
		"P100234_scan-unclassified.pdf":                          {"P100234", "scan-unclassified", "", ""},
	}
	got := byFile(sum)
	for file, w := range want {
		e := got[file]
		if e.Outcome != importer.Archived {
			t.Fatalf("%s: %+v", file, e)
		}
		rec, err := a.Record(ctx, e.Record)
		if err != nil {
			t.Fatal(err)
		}
		m := rec.Manifest
		if g := [4]string{string(m.Citizen), string(m.Class), string(m.Date), m.Title}; g != w {
			t.Errorf("%s: got %q, want %q", file, g, w)
		}
	}
	if e := got["Scan0001.pdf"]; e.Outcome != importer.Failed || !strings.Contains(e.Reason, "CITIZEN_CLASS_YYYY-MM-DD_TITLE") {
		t.Errorf("Scan0001.pdf: %+v", e)
	}
}

// crashAfter ingests, then reports failure for the n-th ingest as a crash
// right after the archive's commit would (the journal never hears of it),
// and cancels the run.
type crashAfter struct {
	*archive.Archive
	n      int32
	calls  atomic.Int32
	cancel context.CancelFunc
}

func (c *crashAfter) Ingest(ctx context.Context, req archive.IngestRequest) (archive.IngestResult, error) {
	res, err := c.Archive.Ingest(ctx, req)
	if c.calls.Add(1) == c.n {
		c.cancel()
		return archive.IngestResult{}, errors.New("killed")
	}
	return res, err
}

// A run stopped after a record's commit but before its journal line
// leaves the rest pending; the next run finds that record in the archive
// (Existing) instead of archiving it twice, and finishes the rest.
func TestImportResume(t *testing.T) {
	ctx := context.Background()
	a := archivetest.Open(t, archive.Options{})
	dir, journal := t.TempDir(), filepath.Join(t.TempDir(), "journal.jsonl")
	const files = 12
	for i := range files {
		write(t, dir, fmt.Sprintf("P%d_correspondence_2020-01-%02d.pdf", i, i+1), archivetest.MakePDF(fmt.Sprint("Brief ", i), "x"))
	}
	cctx, cancel := context.WithCancel(ctx)
	crash := &crashAfter{Archive: a, n: 5, cancel: cancel}
	sum, err := importer.Run(cctx, crash, importer.Options{Dir: dir, Journal: journal, Actor: importer1, Workers: 1})
	if err == nil || sum.Pending == 0 || sum.Archived != 4 {
		t.Fatalf("crashed run: %v, %+v", err, sum)
	}
	sum, err = importer.Run(ctx, a, importer.Options{Dir: dir, Journal: journal, Actor: importer1, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Count(ctx); n != files || sum.Archived != files || sum.Earlier != 4 || sum.Existing != 1 {
		t.Fatalf("after resume: %d records, %+v", n, sum)
	}
	ids := map[archive.RecordID]bool{}
	for _, e := range sum.Entries {
		ids[e.Record] = true
	}
	if len(ids) != files {
		t.Fatalf("%d distinct records for %d files", len(ids), files)
	}
}

// A journal cut in the middle of a line (a kill during its write) is
// read up to its last whole line and appended after it.
func TestJournalTornLine(t *testing.T) {
	ctx := context.Background()
	a := archivetest.Open(t, archive.Options{})
	dir, journal := t.TempDir(), filepath.Join(t.TempDir(), "journal.jsonl")
	write(t, dir, "P1_tax_2020-01-01.pdf", archivetest.MakePDF("1", "x"))
	write(t, dir, "P2_tax_2020-01-01.pdf", archivetest.MakePDF("2", "y"))
	if _, err := importer.Run(ctx, a, importer.Options{Dir: dir, Journal: journal, Actor: importer1, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(journal)
	if err := os.WriteFile(journal, b[:len(b)-10], 0o640); err != nil { // the second line torn
		t.Fatal(err)
	}
	sum, err := importer.Run(ctx, a, importer.Options{Dir: dir, Journal: journal, Actor: importer1})
	if err != nil || sum.Earlier != 1 || sum.Existing != 1 {
		t.Fatalf("%v %+v", err, sum)
	}
	b, _ = os.ReadFile(journal)
	if lines := bytes.Count(b, []byte("\n")); lines != 2 || !bytes.HasSuffix(b, []byte("\n")) {
		t.Fatalf("journal after repair: %d lines:\n%s", lines, b)
	}
	if err := os.WriteFile(journal, []byte("garbage\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Run(ctx, a, importer.Options{Dir: dir, Journal: journal, Actor: importer1}); err == nil || !strings.Contains(err.Error(), "not a journal entry") {
		t.Fatalf("garbage journal: %v", err)
	}
}

// A manifest that cannot be read as one stops the import before anything
// is archived, naming the line.
func TestManifestErrors(t *testing.T) {
	ctx := context.Background()
	a := archivetest.Open(t, archive.Options{})
	dir := t.TempDir()
	write(t, dir, "a.pdf", archivetest.MakePDF("1", "x"))
	for name, c := range map[string]struct{ csv, want string }{
		"no file column": {"citizen,class\nP1,tax\n", `no "file" column`},
		"unknown column": {"file,citizen,class,colour\na.pdf,P1,tax,red\n", `unknown column "colour"`},
		"short row":      {"file,citizen,class\na.pdf,P1\n", "line 2"},
		"outside":        {"file,citizen,class\n../etc/passwd,P1,tax\n", "line 2: file \"../etc/passwd\" is not a path inside the folder"},
		"absolute":       {"file,citizen,class\n/etc/passwd,P1,tax\n", "not a path inside the folder"},
		"not utf-8":      {"file,citizen,class\na.pdf,M\xfcller,tax\n", "not UTF-8"},
		"empty":          {"", "no header line"},
	} {
		m := filepath.Join(t.TempDir(), "m.csv")
		write(t, filepath.Dir(m), "m.csv", []byte(c.csv))
		_, err := importer.Run(ctx, a, importer.Options{Dir: dir, Manifest: m, Journal: filepath.Join(t.TempDir(), "j")})
		var me *importer.ManifestError
		if !errors.As(err, &me) || !errors.Is(err, archive.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a manifest error with %q", name, err, c.want)
		}
	}
	if n, _ := a.Count(ctx); n != 0 {
		t.Fatalf("%d records archived from bad manifests", n)
	}
}

// pageImage is a small grey PNG scan of w × h pixels at 100 dpi: pages of
// different widths tell their order apart in the assembled PDF.
func pageImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(200 + i%50)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A manifest row naming a folder archives its files as one document, a
// page per file in page-number order (page2 before page10), assembled the
// same way on every run: a re-run skips it, and after a crash between the
// archive's commit and the journal the archive recognises it. The folder's
// files are not imported on their own; a folder with a broken page, an
// empty folder and a row naming a page of a listed folder fail with
// reasons.
func TestImportFolder(t *testing.T) {
	ctx := context.Background()
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}})
	dir, data := t.TempDir(), t.TempDir()
	pages := map[string][]byte{
		"akte 7/page1.png":  pageImage(t, 100, 140),
		"akte 7/page2.png":  pageImage(t, 120, 140),
		"akte 7/page10.png": pageImage(t, 140, 140),
	}
	for rel, b := range pages {
		write(t, dir, rel, b)
	}
	write(t, dir, "akte 7/.hidden", []byte("thumbnail cache"))
	write(t, dir, "broken/a.png", pageImage(t, 50, 50))
	bad := pageImage(t, 50, 50)
	write(t, dir, "broken/b.png", bad[:len(bad)/2])
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := "file,citizen,class,date,title\n" +
		"akte 7,P-100234,registration,2019-03-04,Meldeakte\n" +
		"broken,P-100234,registration,,\n" +
		"empty,P-100234,registration,,\n" +
		"akte 7/page2.png,P-100234,registration,,\n"
	write(t, data, "manifest.csv", []byte(manifest))
	opts := importer.Options{Dir: dir, Manifest: filepath.Join(data, "manifest.csv"), Journal: filepath.Join(data, "journal.jsonl"), Actor: importer1}
	sum, err := importer.Run(ctx, a, opts)
	if !errors.Is(err, importer.ErrFailed) {
		t.Fatalf("run: %v", err)
	}
	got := byFile(sum)
	if len(got) != 4 || sum.Archived != 1 || sum.Failed != 3 {
		t.Fatalf("summary %+v, entries %v", sum, got)
	}
	for file, want := range map[string]string{
		"broken/":                "page 2, broken/b.png",
		"empty/":                 "names a folder without files",
		"akte 7/page2.png#line5": "a page of the folder akte 7 (line 2)",
	} {
		if e := got[file]; e.Outcome != importer.Failed || !strings.Contains(e.Reason, want) {
			t.Errorf("%s: %+v, want failed with %q", file, e, want)
		}
	}
	e := got["akte 7/"]
	if e.Outcome != importer.Archived || e.Pages != 3 {
		t.Fatalf("folder: %+v", e)
	}
	doc, err := a.Get(ctx, archive.GetRequest{ID: e.Record, Original: true, Purpose: "test", Actor: importer1})
	if err != nil {
		t.Fatal(err)
	}
	created, _ := time.Parse(time.DateOnly, "2019-03-04")
	want, err := pdfa.ImagesToPDF(ctx, [][]byte{pages["akte 7/page1.png"], pages["akte 7/page2.png"], pages["akte 7/page10.png"]},
		&pdfa.ImageOptions{Title: "Meldeakte", Now: created})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc.Data, want.PDF) {
		t.Error("the original is not the folder's pages assembled in page order")
	}
	if m := doc.Record.Manifest; m.Citizen != "P-100234" || m.Title != "Meldeakte" || m.Pages != 3 {
		t.Errorf("record: %+v", m)
	}

	// Again: skipped by the journal. Without the journal (a crash between
	// commit and journal line): found in the archive, not archived twice.
	n0, _ := a.Count(ctx)
	sum, _ = importer.Run(ctx, a, opts)
	if e2 := byFile(sum)["akte 7/"]; !e2.Earlier || e2.Record != e.Record {
		t.Errorf("re-run: %+v", e2)
	}
	os.Remove(opts.Journal)
	sum, _ = importer.Run(ctx, a, opts)
	if e2 := byFile(sum)["akte 7/"]; !e2.Existing || e2.Record != e.Record {
		t.Errorf("re-run without journal: %+v", e2)
	}
	if n, _ := a.Count(ctx); n != n0 {
		t.Errorf("%d records after the re-runs, want %d", n, n0)
	}
}

func TestNaturalOrder(t *testing.T) {
	names := []string{"s10.tif", "s2.tif", "s1.tif", "a/s3.tif", "s02b.tif", "s2a.tif", "s002.tif", "t.tif"}
	slices.SortFunc(names, importer.PageOrder)
	if got := strings.Join(names, " "); got != "a/s3.tif s1.tif s002.tif s2.tif s2a.tif s02b.tif s10.tif t.tif" {
		t.Errorf("order: %s", got)
	}
}
