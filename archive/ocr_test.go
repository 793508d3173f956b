package archive_test

import (
	"bytes"
	"context"
	"errors"
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
