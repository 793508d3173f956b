package main

import (
	"strings"
	"testing"

	"akte/pdfa/scantest"
)

// A scan ingested from the command line is recognised (ocr.mode auto, the
// default, with tesseract installed) and found by a word only its image
// holds; with AKTE_OCR=off the next scan is archived without text.
func TestIngestScanOCR(t *testing.T) {
	scantest.NeedTesseract(t)
	c, _ := newCLI(t)
	scan := writeTemp(t, "scan.png", scantest.PNG(scantest.Render(scantest.Letter, scantest.Options{Noise: 0.05}).Image, true))
	r := c.run("ingest", scan, "--citizen", "P-9", "--class", "scan-unclassified", "--source", "scan")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	if r := c.run("search", "Widerspruchsrecht"); r.code != 0 || !strings.Contains(r.stdout, id) {
		t.Fatalf("search for a word of the scan: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	c.env["AKTE_OCR"] = "off"
	scan2 := writeTemp(t, "scan2.png", scantest.PNG(scantest.Render(scantest.Letter[:3], scantest.Options{Seed: 2}).Image, true))
	r = c.run("ingest", scan2, "--citizen", "P-9", "--class", "scan-unclassified", "--source", "scan")
	if r.code != 0 {
		t.Fatalf("ingest with OCR off: exit %d: %s", r.code, r.stderr)
	}
	id2 := strings.TrimSpace(r.stdout)
	if r := c.run("search", "Reisepasses"); strings.Contains(r.stdout, id2) {
		t.Errorf("a scan archived with OCR off was found by its image's words: %s", r.stdout)
	}
}
