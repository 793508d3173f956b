package pdfa

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"akte/pdfa/scantest"
)

// TestOCRScans: generated scans of known German text — grey with noise,
// coloured and slightly rotated, clean black and white — become PDF/A pages
// whose text reaches ≥ 97 % word accuracy, in the record's text and in the
// PDF's text layer (pdftotext), and the file passes the checker.
func TestOCRScans(t *testing.T) {
	scantest.NeedTesseract(t)
	ref := strings.Fields(strings.Join(scantest.Letter, " "))
	cases := []struct {
		name       string
		paper, ink color.Color
		noise, deg float64
		gray       bool
	}{
		{"grey-noise", color.Gray{0xe4}, color.Gray{0x28}, 0.12, 0, true},
		{"colour-rotated", color.RGBA{0xf4, 0xee, 0xdc, 0xff}, color.RGBA{0x1a, 0x2a, 0x6a, 0xff}, 0.08, 0.8, false},
		{"bw-rotated-back", color.White, color.Black, 0.05, -1.2, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scan := scantest.Render(scantest.Letter, scantest.Options{Paper: c.paper, Ink: c.ink, Noise: c.noise, Degrees: c.deg, Seed: uint64(i)})
			data := scantest.PNG(scan.Image, c.gray)
			start := time.Now()
			res, err := ImageToPDF(context.Background(), data, &ImageOptions{OCR: &OCROptions{}})
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			acc := scantest.WordAccuracy(ref, strings.Fields(res.Text))
			t.Logf("%s: word accuracy %.1f %% (%d words), %v", c.name, 100*acc, len(ref), took.Round(time.Millisecond))
			if acc < 0.97 {
				t.Errorf("word accuracy %.3f < 0.97; text:\n%s", acc, res.Text)
			}
			rep, err := Check(context.Background(), res.PDF, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Errorf("not PDF/A: %v", rep.Violations)
			}
			if layer := pdfText(t, res.PDF); scantest.WordAccuracy(ref, strings.Fields(layer)) < 0.97 {
				t.Errorf("the PDF's text layer differs from the recognised text:\n%s", layer)
			}
		})
	}
}

// TestOCRLayerAligned: each word of the invisible text layer lies over the
// word in the image — the centre of the box pdftotext gives for it is
// inside the word's drawn box (with a small margin), and vice versa.
func TestOCRLayerAligned(t *testing.T) {
	scantest.NeedTesseract(t)
	scan := scantest.Render(scantest.Letter, scantest.Options{Noise: 0.03, Seed: 7})
	res, err := ImageToPDF(context.Background(), scantest.PNG(scan.Image, true), &ImageOptions{OCR: &OCROptions{}})
	if err != nil {
		t.Fatal(err)
	}
	layer := pdfWordBoxes(t, res.PDF)
	const px = 300.0 / 72 // pixels per point
	next, checked, misplaced := 0, 0, 0
	for _, lw := range layer {
		// The same word, in reading order (OCR may have missed or split some).
		k := next
		for k < len(scan.Words) && k < next+3 && scan.Words[k].Text != lw.text {
			k++
		}
		if k >= len(scan.Words) || scan.Words[k].Text != lw.text {
			continue
		}
		next = k + 1
		want := scan.Words[k].R.Inset(-6)
		got := image.Rect(int(lw.x0*px), int(lw.y0*px), int(lw.x1*px), int(lw.y1*px))
		gc := image.Pt((got.Min.X+got.Max.X)/2, (got.Min.Y+got.Max.Y)/2)
		wc := image.Pt((want.Min.X+want.Max.X)/2, (want.Min.Y+want.Max.Y)/2)
		checked++
		if !gc.In(want) || !wc.In(got.Inset(-6)) {
			misplaced++
			t.Errorf("%q: layer box %v, word drawn at %v", lw.text, got, scan.Words[k].R)
		}
	}
	t.Logf("%d of %d words checked, %d misplaced", checked, len(scan.Words), misplaced)
	if checked < len(scan.Words)*9/10 {
		t.Errorf("only %d of %d words found in the layer", checked, len(scan.Words))
	}
}

// TestOCRErrors: a missing program is ErrOCRUnavailable, a failing one
// ErrOCR, a page over its time ErrOCR; nothing is returned half done.
func TestOCRErrors(t *testing.T) {
	img := scantest.PNG(image.NewGray(image.Rect(0, 0, 50, 50)), true)
	ctx := context.Background()
	_, err := ImageToPDF(ctx, img, &ImageOptions{OCR: &OCROptions{Program: "/nonexistent/tesseract"}})
	if !errors.Is(err, ErrOCRUnavailable) {
		t.Errorf("missing program: %v, want ErrOCRUnavailable", err)
	}
	_, err = ImageToPDF(ctx, img, &ImageOptions{OCR: &OCROptions{Program: "false"}})
	if !errors.Is(err, ErrOCR) {
		t.Errorf("failing program: %v, want ErrOCR", err)
	}
	dir := t.TempDir()
	slow := dir + "/slow"
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = ImageToPDF(ctx, img, &ImageOptions{OCR: &OCROptions{Program: slow, Timeout: 200 * time.Millisecond}})
	if !errors.Is(err, ErrOCR) || time.Since(start) > 10*time.Second {
		t.Errorf("slow program: %v after %v, want ErrOCR soon after 200 ms", err, time.Since(start))
	}
	if _, err := exec.LookPath("tesseract"); err == nil {
		_, err = ImageToPDF(ctx, img, &ImageOptions{OCR: &OCROptions{Languages: "xxx"}})
		if !errors.Is(err, ErrOCRUnavailable) {
			t.Errorf("missing language data: %v, want ErrOCRUnavailable", err)
		}
	}
}

// TestPNGRowsCheckedOnce: the rows of a PNG embedded as it is are checked
// once — by libpng when tesseract has read the page whole, else by Akte —
// and broken rows are refused as an invalid image whether OCR is off, on,
// turning pages, or run by a program that never decoded the file.
func TestPNGRowsCheckedOnce(t *testing.T) {
	scantest.NeedTesseract(t)
	const w, h = 600, 400
	// rowsPNG is a white w × h grey PNG holding rows rows, the middle one
	// with filter type midFilter, its zlib stream passed through edit.
	rowsPNG := func(rows int, midFilter byte, edit func(z []byte) []byte) []byte {
		raw := make([]byte, 0, rows*(w+1))
		for r := range rows {
			f := byte(0)
			if r == rows/2 {
				f = midFilter
			}
			raw = append(raw, f)
			raw = append(raw, bytes.Repeat([]byte{0xff}, w)...)
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(raw)
		zw.Close()
		data := z.Bytes()
		if edit != nil {
			data = edit(data)
		}
		ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
		ihdr = append(ihdr, 8, 0, 0, 0, 0)
		out := append([]byte(imgPNGMagic), imgPNGChunk("IHDR", ihdr)...)
		out = append(out, imgPNGChunk("IDAT", data)...)
		return append(out, imgPNGChunk("IEND", nil)...)
	}
	cases := []struct {
		name string
		png  []byte
		ok   bool
	}{
		{"good", rowsPNG(h, 0, nil), true},
		{"bad-filter-type", rowsPNG(h, 7, nil), false},
		{"rows-missing", rowsPNG(h-50, 0, nil), false},
		{"rows-too-many", rowsPNG(h+50, 0, nil), false},
		{"zlib-checksum", rowsPNG(h, 0, func(d []byte) []byte { d[len(d)-1] ^= 1; return d }), false},
	}
	// A program that answers like tesseract finding nothing, without a page
	// line: it read nothing, so Akte must check.
	blind := t.TempDir() + "/blind"
	if err := os.WriteFile(blind, []byte("#!/bin/sh\nprintf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	modes := []struct {
		name string
		ocr  *OCROptions
	}{{"ocr-off", nil}, {"tesseract", &OCROptions{Languages: "eng"}}, {"tesseract-rotate", &OCROptions{Languages: "eng", Rotate: true}}, {"blind-program", &OCROptions{Program: blind}}}
	for _, m := range modes {
		for _, c := range cases {
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				if !bytes.Contains(c.png, []byte("IDAT")) {
					t.Fatal("test PNG has no data")
				}
				res, err := ImageToPDF(context.Background(), c.png, &ImageOptions{OCR: m.ocr})
				switch {
				case c.ok && err != nil:
					t.Fatalf("refused: %v", err)
				case c.ok && !bytes.Contains(res.PDF, []byte("/Predictor 15")):
					t.Fatal("PNG data not embedded as is")
				case !c.ok && !errors.Is(err, ErrInvalidImage):
					t.Fatalf("got %v, want ErrInvalidImage", err)
				case !c.ok:
					t.Logf("refused: %v", err)
				}
			})
		}
	}
}

func FuzzParseTSV(f *testing.F) {
	f.Add([]byte("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"5\t1\t1\t1\t1\t1\t220\t260\t180\t50\t96.5\tBürger\n"))
	f.Add([]byte("5\t1\t1\t1\t1\t1\t-1\t2\t3\t4\tx\ty\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		words, _, err := parseTSV(data)
		if err != nil {
			if !errors.Is(err, ErrOCR) {
				t.Fatalf("error %v is not ErrOCR", err)
			}
			return
		}
		for _, w := range words {
			if w.text == "" || w.w <= 0 || w.h <= 0 || w.left < 0 || w.top < 0 {
				t.Fatalf("bad word %+v", w)
			}
		}
		_ = ocrText(words)
	})
}

// pdfText is the text pdftotext extracts.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	scantest.NeedProgram(t, "pdftotext", "poppler-utils")
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

type layerWord struct {
	text           string
	x0, y0, x1, y1 float64 // points, origin top left
}

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// pdfWordBoxes is the words of the text layer with their boxes (pdftotext -bbox).
func pdfWordBoxes(t *testing.T, pdf []byte) []layerWord {
	t.Helper()
	scantest.NeedProgram(t, "pdftotext", "poppler-utils")
	cmd := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	var words []layerWord
	for _, m := range bboxWord.FindAllStringSubmatch(string(out), -1) {
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		words = append(words, layerWord{text: htmlUnescape(m[5]), x0: v[0], y0: v[1], x1: v[2], y1: v[3]})
	}
	if len(words) == 0 {
		t.Fatalf("no words in the text layer: %s", fmt.Sprint(len(out)))
	}
	return words
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(s)
}
