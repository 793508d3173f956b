package archive_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/pdfa"
	"akte/pdfa/scantest"
	"akte/signing"
	"akte/signing/signingtest"
)

// A scan ingested with OCR: the archive copy is PDF/A-2b with a text layer,
// its seal verifies, the recognised text is the record's text (text.txt),
// and a clerk finds the record by words that appear only in the image.
func TestIngestScanWithOCR(t *testing.T) {
	scantest.NeedTesseract(t)
	ctx := context.Background()
	dir := t.TempDir()
	idx, _ := openIndex(t, filepath.Join(dir, "index"))
	ca := signingtest.NewCA(t, "ocr")
	a, st := archivetest.OpenDir(t, filepath.Join(dir, "state"), archive.Options{
		Converter: archive.PDFA{OCR: &pdfa.OCROptions{}}, Search: idx,
		Sealer: testSealer(t, ca, nil), Trust: signing.Trust{Roots: ca.Pool}})
	defer st.Close()
	scan := scantest.Render(scantest.Letter, scantest.Options{Noise: 0.08, Degrees: 0.6, Seed: 3})
	res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "C-7", Class: "scan-unclassified", Source: "scan",
		Body: bytes.NewReader(scantest.PNG(scan.Image, true)), Actor: archive.System})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Record.Manifest
	if m.Stages["ocr"] != "tesseract" {
		t.Errorf("stages %v: OCR not recorded", m.Stages)
	}
	doc, err := a.Get(ctx, archive.GetRequest{ID: m.Record, Actor: archive.System, Purpose: "test", VerifySeal: true})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Seal == nil || !doc.Seal.Valid {
		t.Fatalf("seal verdict %+v", doc.Seal)
	}
	if rep, err := pdfa.Check(ctx, doc.Data, nil); err != nil || !rep.OK() {
		t.Fatalf("sealed copy is not PDF/A-2b: %v %v", err, rep.Violations)
	}
	text, err := pdfa.ExtractText(ctx, doc.Data)
	if err != nil {
		t.Fatal(err)
	}
	ref := strings.Fields(strings.Join(scantest.Letter, " "))
	if acc := scantest.WordAccuracy(ref, strings.Fields(text)); acc < 0.97 {
		t.Errorf("text layer of the sealed copy: word accuracy %.3f", acc)
	}
	if err := a.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Widerspruchsrecht", "Lichtbild", `"freundlichen Grüßen"`} {
		if got := hitIDs(t, a, q); !slices.Contains(got, string(m.Record)) {
			t.Errorf("%s: hits %v, want the scan %s", q, got, m.Record)
		}
	}
}

// Without tesseract, a scan is not archived without its text: the ingest
// fails as unavailable (retry), not as a bad document, and nothing is stored.
func TestIngestScanOCRUnavailable(t *testing.T) {
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{OCR: &pdfa.OCROptions{Program: "/nonexistent/tesseract"}}})
	scan := scantest.Render(scantest.Letter[:2], scantest.Options{})
	_, err := a.Ingest(context.Background(), archive.IngestRequest{Citizen: "C-7", Class: "scan-unclassified", Source: "scan",
		Body: bytes.NewReader(scantest.PNG(scan.Image, true)), Actor: archive.System})
	if !errors.Is(err, archive.ErrUnavailable) || errors.Is(err, archive.ErrRefused) {
		t.Fatalf("ingest without tesseract: %v, want ErrUnavailable", err)
	}
	if n, err := a.Count(context.Background()); err != nil || n != 0 {
		t.Errorf("records after the failed ingest: %d, %v", n, err)
	}
}

// A scanner's PDF (image-only pages, no text), ingested with OCR: the
// archive copy is rebuilt from the scan's image as PDF/A-2b with a text
// layer, the record's text is the recognised text, the original stays byte
// for byte and the record is found by words of the image. A PDF with text
// is not recognised; encrypted and corrupt PDFs are refused; without
// tesseract a scanned PDF is unavailable (retry), never archived without
// text.
func TestIngestScannedPDFWithOCR(t *testing.T) {
	scantest.NeedTesseract(t)
	gs, err := exec.LookPath("gs")
	if err != nil {
		if os.Getenv("AKTE_TEST_STRICT") == "1" {
			t.Fatal("ghostscript missing (AKTE_TEST_STRICT=1): apt-get install ghostscript")
		}
		t.Skip("ghostscript missing: apt-get install ghostscript")
	}
	ctx := context.Background()
	dir := t.TempDir()
	idx, _ := openIndex(t, filepath.Join(dir, "index"))
	a, st := archivetest.OpenDir(t, filepath.Join(dir, "state"), archive.Options{
		Converter: archive.PDFA{OCR: &pdfa.OCROptions{}}, Search: idx})
	defer st.Close()

	// A plain (not PDF/A) PDF of one JPEG page, as scanner software writes it.
	scan := scantest.Render(scantest.Letter, scantest.Options{Noise: 0.06, Degrees: -0.4, Seed: 5})
	gray := image.NewGray(scan.Image.Bounds())
	draw.Draw(gray, gray.Bounds(), scan.Image, image.Point{}, draw.Src)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, gray, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	jpgFile, pdfFile := filepath.Join(dir, "scan.jpg"), filepath.Join(dir, "scan.pdf")
	if err := os.WriteFile(jpgFile, jpg.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gs, "-q", "-dSAFER", "--permit-file-read="+dir+"/", "-sDEVICE=pdfwrite", "-o", pdfFile,
		"viewjpeg.ps", "-c", "("+jpgFile+") << /PageSize [595.2 841.92] >> setpagedevice viewJPEG showpage").CombinedOutput(); err != nil {
		t.Fatalf("making the scanned PDF: %v: %s", err, out)
	}
	scanned, err := os.ReadFile(pdfFile)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "C-8", Class: "scan-unclassified", Source: "scan",
		Body: bytes.NewReader(scanned), Actor: archive.System})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Record.Manifest
	if m.Stages["ocr"] != pdfa.OCRPDFImages || m.Stages["pdfa"] != "scan-rebuilt" {
		t.Errorf("stages %v: want ocr %q, pdfa scan-rebuilt", m.Stages, pdfa.OCRPDFImages)
	}
	doc, err := a.Get(ctx, archive.GetRequest{ID: m.Record, Actor: archive.System, Purpose: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := pdfa.Check(ctx, doc.Data, nil); err != nil || !rep.OK() {
		t.Fatalf("archive copy is not PDF/A-2b: %v %v", err, rep)
	}
	orig, err := a.Get(ctx, archive.GetRequest{ID: m.Record, Actor: archive.System, Purpose: "test", Original: true})
	if err != nil || !bytes.Equal(orig.Data, scanned) {
		t.Fatalf("original not kept byte for byte: %v", err)
	}
	ref := strings.Fields(strings.Join(scantest.Letter, " "))
	text := recordText(t, a, m)
	acc := scantest.WordAccuracy(ref, strings.Fields(text))
	t.Logf("scanned PDF: record text word accuracy %.1f %%", 100*acc)
	if acc < 0.97 {
		t.Errorf("record text: word accuracy %.3f:\n%s", acc, text)
	}
	if layer, err := pdfa.ExtractText(ctx, doc.Data); err != nil || scantest.WordAccuracy(ref, strings.Fields(layer)) < 0.97 {
		t.Errorf("text layer of the archive copy: %v\n%s", err, layer)
	}
	if err := a.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(t, a, "Widerspruchsrecht"); !slices.Contains(got, string(m.Record)) {
		t.Errorf("hits %v, want the scanned PDF %s", got, m.Record)
	}

	// A PDF with text: no OCR, its text from pdftotext.
	res, err = a.Ingest(ctx, archive.IngestRequest{Citizen: "C-8", Class: "tax", Actor: archive.System,
		Body: bytes.NewReader(archivetest.MakePDFA(t, "Schäfer"))})
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Record.Manifest; m.Stages["ocr"] != pdfa.OCRSkippedText || m.Stages["pdfa"] != "kept" || !strings.Contains(recordText(t, a, m), "Schäfer") {
		t.Errorf("PDF with text: stages %v, text %q", m.Stages, recordText(t, a, m))
	}

	// Encrypted and corrupt PDFs are refused; a missing tesseract is a
	// retry, and nothing is stored.
	pdf := archivetest.MakePDF("Bescheid", "Hundesteuer")
	for name, body := range map[string][]byte{
		"encrypted": bytes.Replace(pdf, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt 9 0 R"), 1),
		"corrupt":   append([]byte("%PDF-1.7\n"), scanned[len(scanned)/2:]...),
		"truncated": scanned[:len(scanned)/2],
	} {
		_, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "C-8", Class: "tax", Actor: archive.System, Body: bytes.NewReader(body)})
		if !errors.Is(err, archive.ErrRefused) {
			t.Errorf("%s PDF: %v, want ErrRefused", name, err)
		}
	}
	b := archivetest.Open(t, archive.Options{Converter: archive.PDFA{OCR: &pdfa.OCROptions{Program: "/nonexistent/tesseract"}}})
	_, err = b.Ingest(ctx, archive.IngestRequest{Citizen: "C-8", Class: "scan-unclassified", Actor: archive.System, Body: bytes.NewReader(scanned)})
	if !errors.Is(err, archive.ErrUnavailable) || errors.Is(err, archive.ErrRefused) {
		t.Errorf("scanned PDF without tesseract: %v, want ErrUnavailable", err)
	}
	if n, err := b.Count(ctx); err != nil || n != 0 {
		t.Errorf("records after the failed ingest: %d, %v", n, err)
	}
}

// recordText is the record's text.txt.
func recordText(t *testing.T, a *archive.Archive, m *archive.Manifest) string {
	t.Helper()
	ref, ok := m.File(archive.FileText)
	if !ok {
		return ""
	}
	r, _, err := a.Store().Get(context.Background(), ref.Key, ref.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
