package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"akte/pdfa/scantest"
)

// rawPage is a page of a plain (not PDF/A) PDF: w × h points, the content
// stream content, which may draw the grey JPEG jpg as /Im0 and write in
// Helvetica as /F1; extra goes into the page dictionary.
type rawPage struct {
	jpg            []byte
	iw, ih         int
	w, h           float64
	content, extra string
}

// rawPDF writes pages as a plain PDF 1.7, as a scanner's software might.
func rawPDF(pages ...rawPage) []byte {
	var kids []string
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	for i, p := range pages {
		n := 4 + 3*i
		kids = append(kids, fmt.Sprintf("%d 0 R", n))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 %d 0 R >> /Font << /F1 3 0 R >> >> /Contents %d 0 R %s >>",
				p.w, p.h, n+2, n+1, p.extra),
			testStream("", p.content),
			testStream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", p.iw, p.ih), string(p.jpg)))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))
	return testPDF(objs, "")
}

// grayJPEG encodes img as a grey JPEG, turned by 180° if upsideDown.
func grayJPEG(img image.Image, upsideDown bool) []byte {
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, image.Point{}, draw.Src)
	if upsideDown {
		for i, j := 0, len(g.Pix)-1; i < j; i, j = i+1, j-1 {
			g.Pix[i], g.Pix[j] = g.Pix[j], g.Pix[i]
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, g, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// scanPages are A4 pages showing scan at 300 dpi: drawn straight (the
// image is the page), stored upside down and drawn turned back (the page
// looks the same, the image alone does not), and drawn straight with a red
// stamp over it.
func scanPages(scan scantest.Scan) (straight, turned, stamped rawPage, jpg []byte) {
	b := scan.Image.Bounds()
	w, h := float64(b.Dx())*72/300, float64(b.Dy())*72/300
	jpg = grayJPEG(scan.Image, false)
	page := rawPage{jpg: jpg, iw: b.Dx(), ih: b.Dy(), w: w, h: h, content: fmt.Sprintf("q %g 0 0 %g 0 0 cm /Im0 Do Q", w, h)}
	straight, turned, stamped = page, page, page
	turned.jpg = grayJPEG(scan.Image, true)
	turned.content = fmt.Sprintf("q %g 0 0 %g %g %g cm /Im0 Do Q", -w, -h, w, h)
	stamped.content += " 0.8 0 0 rg 380 60 150 40 re f"
	return straight, turned, stamped, jpg
}

// needPoppler skips t when a poppler program OCRPDF runs is missing, or
// fails it under AKTE_TEST_STRICT=1.
func needPoppler(t testing.TB) {
	t.Helper()
	for _, p := range []string{"pdftotext", "pdfimages", "pdftoppm"} {
		scantest.NeedProgram(t, p, "poppler-utils")
	}
}

// TestOCRPDF: image-only PDFs of a known scan — our own PDF/A without
// text, and a plain scanner-style PDF whose pages are a straight JPEG, an
// upside-down JPEG drawn turned back, and a JPEG with a stamp drawn over
// it — are rebuilt as PDF/A-2b with a text layer: ≥ 97 % word accuracy
// per page, the check passes, the layer's words lie on the drawn words,
// the straight JPEG is kept byte for byte and the other two pages are
// rendered.
func TestOCRPDF(t *testing.T) {
	needPoppler(t)
	scantest.NeedTesseract(t)
	ctx := context.Background()
	ref := strings.Fields(strings.Join(scantest.Letter, " "))
	scan := scantest.Render(scantest.Letter, scantest.Options{Noise: 0.06, Seed: 11})
	own, err := ImageToPDF(ctx, scantest.PNG(scan.Image, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	straight, turned, stamped, jpg := scanPages(scan)
	cases := []struct {
		name     string
		pdf      []byte
		stage    string
		rendered int
		keep     []byte // image data the rebuilt copy must contain
	}{
		{"pdfa-png", own.PDF, OCRPDFImages, 0, nil},
		{"plain-jpeg-turned-stamped", rawPDF(straight, turned, stamped),
			OCRPDFMixed + " (1 from images, 2 rendered)", 2, jpg},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			res, err := OCRPDF(ctx, c.pdf, &ImageOptions{OCR: &OCROptions{}})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s, %d pages in %v", c.name, res.Stage, res.Pages, time.Since(start).Round(time.Millisecond))
			if res.Stage != c.stage || res.Rendered != c.rendered || res.PDF == nil {
				t.Fatalf("stage %q, %d rendered, pdf %v; want %q, %d", res.Stage, res.Rendered, res.PDF != nil, c.stage, c.rendered)
			}
			pages := strings.Split(res.Text, "\f")
			if len(pages) != res.Pages {
				t.Fatalf("%d pages of text for %d pages", len(pages), res.Pages)
			}
			for i, p := range pages {
				acc := scantest.WordAccuracy(ref, strings.Fields(p))
				t.Logf("page %d: word accuracy %.1f %%", i+1, 100*acc)
				if acc < 0.97 {
					t.Errorf("page %d: word accuracy %.3f < 0.97:\n%s", i+1, acc, p)
				}
			}
			if c.keep != nil && !bytes.Contains(res.PDF, c.keep) {
				t.Error("the JPEG was not kept byte for byte")
			}
			rep, err := Check(ctx, res.PDF, nil)
			if err != nil || !rep.OK() {
				t.Fatalf("not PDF/A-2b: %v %v", err, rep)
			}
			checkLayerOnWords(t, res.PDF, res.Pages, scan)
		})
	}
}

// checkLayerOnWords: on every page, the centre of each word of the text
// layer (pdftotext -bbox) lies inside a box where the scan drew the same
// word, for ≥ 90 % of the drawn words.
func checkLayerOnWords(t *testing.T, pdf []byte, pages int, scan scantest.Scan) {
	t.Helper()
	drawn := map[string][]image.Rectangle{}
	for _, w := range scan.Words {
		drawn[w.Text] = append(drawn[w.Text], w.R.Inset(-6))
	}
	in := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	const px = 300.0 / 72
	for n := 1; n <= pages; n++ {
		out, err := exec.Command("pdftotext", "-bbox", "-enc", "UTF-8", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), in, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		on := 0
		for _, m := range bboxWord.FindAllStringSubmatch(string(out), -1) {
			var v [4]float64
			for i := range v {
				v[i], _ = strconv.ParseFloat(m[i+1], 64)
			}
			text := htmlUnescaper.Replace(m[5])
			c := image.Pt(int((v[0]+v[2])/2*px), int((v[1]+v[3])/2*px))
			found := false
			for _, r := range drawn[text] {
				found = found || c.In(r)
			}
			if found {
				on++
			}
		}
		t.Logf("page %d: %d of %d words of the layer on their drawn word", n, on, len(scan.Words))
		if on < len(scan.Words)*9/10 {
			t.Errorf("page %d: only %d of %d words of the layer lie on their drawn word", n, on, len(scan.Words))
		}
	}
}

// TestOCRPDFChunks: a scan of nine pages, eight small blank ones and an
// image one, goes through two chunks: the image page keeps its image and is
// recognised in place, the blank pages are rendered.
func TestOCRPDFChunks(t *testing.T) {
	needPoppler(t)
	scantest.NeedTesseract(t)
	lines := scantest.Letter[:3]
	scan := scantest.Render(lines, scantest.Options{Seed: 4})
	straight, _, _, _ := scanPages(scan)
	blank := straight // small, to keep the test fast
	blank.w, blank.h, blank.content = 144, 144, "1 1 0.8 rg 0 0 100 100 re f"
	res, err := OCRPDF(context.Background(), rawPDF(blank, blank, blank, blank, blank, blank, blank, blank, straight), &ImageOptions{OCR: &OCROptions{}})
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(res.Text, "\f")
	if res.Pages != 9 || res.FromImages != 1 || res.Rendered != 8 || len(pages) != 9 {
		t.Fatalf("%d pages, %d from images, %d rendered, %d pages of text; want 9, 1, 8, 9", res.Pages, res.FromImages, res.Rendered, len(pages))
	}
	acc := scantest.WordAccuracy(strings.Fields(strings.Join(lines, " ")), strings.Fields(pages[8]))
	if acc < 0.97 || strings.TrimSpace(pages[0]) != "" {
		t.Errorf("page 9: word accuracy %.3f; page 1: %q", acc, pages[0])
	}
}

// TestOCRPDFText: a PDF with text is left alone ("skipped: has text"),
// even when its page also shows a full-page image; a PDF with text pages
// and a scanned page keeps its copy, and its text is the text pages' text
// with the scanned page's OCR text in its place.
func TestOCRPDFText(t *testing.T) {
	needPoppler(t)
	ctx := context.Background()
	scan := scantest.Render(scantest.Letter[:6], scantest.Options{Seed: 2})
	straight, _, _, _ := scanPages(scan)
	textPage := straight
	textPage.content = "BT /F1 12 Tf 72 760 Td (Bescheid ueber die Festsetzung der Hundesteuer 2024) Tj ET"
	overlaid := straight
	overlaid.content += " " + textPage.content
	for _, pdf := range [][]byte{rawPDF(textPage), rawPDF(overlaid, textPage)} {
		res, err := OCRPDF(ctx, pdf, &ImageOptions{OCR: &OCROptions{Program: "/nonexistent/tesseract"}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stage != OCRSkippedText || res.PDF != nil || res.Text != "" || res.Scanned != 0 {
			t.Errorf("text pdf: %+v, want %q and nothing else", res, OCRSkippedText)
		}
	}
	blank := textPage
	blank.content = "0 0 1 rg 100 100 50 50 re f"
	if res, err := OCRPDF(ctx, rawPDF(blank), &ImageOptions{OCR: &OCROptions{}}); err != nil || res.Stage != OCRSkippedNoScan {
		t.Errorf("page without text or image: %+v %v", res, err)
	}

	// Only a scanned page needs tesseract: the cases above run without.
	scantest.NeedTesseract(t)
	res, err := OCRPDF(ctx, rawPDF(textPage, straight), &ImageOptions{OCR: &OCROptions{}})
	if err != nil {
		t.Fatal(err)
	}
	want := OCRTextOnly + " (1 of 2 pages scanned; archive copy kept)"
	if res.Stage != want || res.PDF != nil || res.Scanned != 1 {
		t.Fatalf("mixed pdf: stage %q, pdf %v; want %q and no copy", res.Stage, res.PDF != nil, want)
	}
	pages := strings.Split(res.Text, "\f")
	if len(pages) != 2 || !strings.Contains(pages[0], "Hundesteuer 2024") {
		t.Fatalf("text of the text page lost: %q", res.Text)
	}
	ref := strings.Fields(strings.Join(scantest.Letter[:6], " "))
	acc := scantest.WordAccuracy(ref, strings.Fields(pages[1]))
	t.Logf("scanned page of a mixed pdf: word accuracy %.1f %%", 100*acc)
	if acc < 0.97 {
		t.Errorf("scanned page: word accuracy %.3f:\n%s", acc, pages[1])
	}
}

// TestOCRPDFErrors: missing programs are ErrOCRUnavailable; a file the
// poppler programs cannot read is ErrOCR; a cancelled context stops at
// once; nothing is returned half done; more pages than MaxPages are
// ErrImageTooLarge.
func TestOCRPDFErrors(t *testing.T) {
	needPoppler(t)
	ctx := context.Background()
	scan := scantest.Render(scantest.Letter[:2], scantest.Options{})
	straight, _, _, _ := scanPages(scan)
	pdf := rawPDF(straight)
	if _, err := OCRPDF(ctx, pdf, &ImageOptions{OCR: &OCROptions{Program: "/nonexistent/tesseract"}}); !errors.Is(err, ErrOCRUnavailable) {
		t.Errorf("missing tesseract: %v, want ErrOCRUnavailable", err)
	}
	for _, bad := range [][]byte{[]byte("%PDF-1.7\ngarbage"), pdf[:len(pdf)/3], nil} {
		if res, err := OCRPDF(ctx, bad, &ImageOptions{OCR: &OCROptions{}}); !errors.Is(err, ErrOCR) {
			t.Errorf("corrupt pdf %.20q: %+v, %v, want ErrOCR", bad, res, err)
		}
	}
	if res, err := OCRPDF(ctx, rawPDF(straight, straight), &ImageOptions{MaxPages: 1, OCR: &OCROptions{}}); !errors.Is(err, ErrImageTooLarge) ||
		res != nil || !strings.Contains(err.Error(), ": 2 pages, at most 1") {
		t.Errorf("over MaxPages: %+v, %v, want ErrImageTooLarge for 2 pages", res, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := OCRPDF(cancelled, pdf, &ImageOptions{OCR: &OCROptions{}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := OCRPDF(ctx, pdf, &ImageOptions{OCR: &OCROptions{}}); !errors.Is(err, ErrOCRUnavailable) || !strings.Contains(err.Error(), "poppler-utils") {
		t.Errorf("missing poppler: %v, want ErrOCRUnavailable naming poppler-utils", err)
	}
}

func FuzzParseImageList(f *testing.F) {
	f.Add([]byte("page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio\n" +
		"--------------------------------------------------------------------------------------------\n" +
		"   1     0 image    2480  3508  gray    1   8  jpeg   no         5  0   300   300 1153K  14%\n" +
		"   2     1 smask     100   100  gray    1   8  image  no   [inline]     inf   nan  10B  1%\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imgs, err := parseImageList(data)
		if parseFailed(t, err) {
			return
		}
		for _, im := range imgs {
			if im.page < 1 || im.width < 0 || im.xppi < 0 || im.yppi < 0 {
				t.Fatalf("bad row %+v", im)
			}
		}
	})
}

func FuzzParseBBox(f *testing.F) {
	f.Add([]byte("<doc>\n  <page width=\"595.2\" height=\"841.9\">\n    <word xMin=\"1\" yMin=\"2\" xMax=\"3\" yMax=\"4\">B&amp;ürger</word>\n  </page>\n</doc>\n"))
	f.Add([]byte("<title>a\n&lt;page width=&quot;1&quot;&gt;</title>\n<word>x</word>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, err := parseBBox(data)
		if parseFailed(t, err) {
			return
		}
		for _, p := range pages {
			if !(p.w > 0 && p.h > 0) || p.chars < 0 {
				t.Fatalf("bad page %+v", p)
			}
		}
	})
}

func FuzzParsePNM(f *testing.F) {
	f.Add([]byte("P5\n2 2\n255\n\x00\x01\x02\x03"))
	f.Add([]byte("P6 1 2 255 abcddd"))
	f.Add([]byte("P4\n9 1\n\xff\x80"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := parsePNM(data)
		if parseFailed(t, err) {
			return
		}
		comps := 3
		if img.Gray {
			comps = 1
		}
		if row := (img.Width*comps*img.BitsPerComponent + 7) / 8; len(img.Data) != row*img.Height {
			t.Fatalf("%dx%d×%d with %d bytes", img.Width, img.Height, comps, len(img.Data))
		}
		if img.Gray && img.BitsPerComponent == 8 {
			_ = sameLook(img, img)
		}
	})
}

// parseFailed reports whether a parser of a program's output failed,
// failing t when the error is not ErrOCR.
func parseFailed(t *testing.T, err error) bool {
	if err != nil && !errors.Is(err, ErrOCR) {
		t.Fatalf("error %v is not ErrOCR", err)
	}
	return err != nil
}

// turned is img in grey, turned clockwise by turn degrees (90, 180, 270).
func turned(img image.Image, turn int) *image.Gray { return turnedInto(img, turn, image.NewGray) }

// turnedInto is img turned clockwise by turn degrees (90, 180, 270), drawn into a new image
// that newImage makes for the turned bounds (which converts the colours).
func turnedInto[T draw.Image](img image.Image, turn int, newImage func(image.Rectangle) T) T {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := newImage(image.Rect(0, 0, h, w))
	if turn == 180 {
		out = newImage(image.Rect(0, 0, w, h))
	}
	for y := range h {
		for x := range w {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch turn {
			case 90:
				out.Set(h-1-y, x, c)
			case 180:
				out.Set(w-1-x, h-1-y, c)
			default:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}

// TestOCRRotate: with OCROptions.Rotate, a scan turned by 90° (a PNG
// image) or 180° (a JPEG in a scanner's PDF) becomes an upright portrait
// page whose text layer lies on the words and whose text is recognised;
// an upright page stays as it is.
func TestOCRRotate(t *testing.T) {
	needPoppler(t)
	scantest.NeedTesseract(t)
	ctx := context.Background()
	lines := scantest.Letter[:8]
	ref := strings.Fields(strings.Join(lines, " "))
	scan := scantest.Render(lines, scantest.Options{Noise: 0.04, Seed: 9})
	ocr := &ImageOptions{OCR: &OCROptions{Rotate: true}}
	png90 := scantest.PNG(turned(scan.Image, 90), true)
	straight, _, _, _ := scanPages(scan)
	page180 := straight
	page180.jpg = grayJPEG(scan.Image, true)
	upright := scantest.PNG(scan.Image, true)
	for _, c := range []struct {
		name string
		conv func() (*Result, error)
	}{
		{"png-90", func() (*Result, error) { return ImageToPDF(ctx, png90, ocr) }},
		{"pdf-jpeg-180", func() (*Result, error) {
			r, err := OCRPDF(ctx, rawPDF(page180), ocr)
			if err != nil {
				return nil, err
			}
			return &Result{PDF: r.PDF, Text: r.Text}, nil
		}},
		{"upright", func() (*Result, error) { return ImageToPDF(ctx, upright, ocr) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			res, err := c.conv()
			if err != nil {
				t.Fatal(err)
			}
			acc := scantest.WordAccuracy(ref, strings.Fields(res.Text))
			t.Logf("%s: word accuracy %.1f %%, %v", c.name, 100*acc, time.Since(start).Round(time.Millisecond))
			if acc < 0.97 {
				t.Errorf("word accuracy %.3f:\n%s", acc, res.Text)
			}
			s := &scanJob{imgJob: &imgJob{ctx: ctx}, dir: t.TempDir()}
			s.in = filepath.Join(s.dir, "out.pdf")
			if err := os.WriteFile(s.in, res.PDF, 0o600); err != nil {
				t.Fatal(err)
			}
			tools, err := findPDFTools()
			if err != nil {
				t.Fatal(err)
			}
			s.tools = tools
			pages, err := s.survey()
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 1 || pages[0].w >= pages[0].h {
				t.Fatalf("pages %+v, want one portrait page", pages)
			}
			checkLayerOnWords(t, res.PDF, 1, scan)
		})
	}
}

// TestOCRRotateEdges: a page without text is not turned (tesseract cannot
// tell) and converts; without the osd model, Rotate is ErrOCRUnavailable.
func TestOCRRotateEdges(t *testing.T) {
	scantest.NeedTesseract(t)
	ctx := context.Background()
	blank := scantest.PNG(image.NewGray(image.Rect(0, 0, 300, 400)), true)
	if _, err := ImageToPDF(ctx, blank, &ImageOptions{OCR: &OCROptions{Rotate: true}}); err != nil {
		t.Errorf("blank page: %v", err)
	}
	data := "/usr/share/tesseract-ocr/5/tessdata"
	for _, l := range []string{"deu", "eng", "osd"} {
		if _, err := os.Stat(filepath.Join(data, l+".traineddata")); err != nil {
			if os.Getenv("AKTE_TEST_STRICT") == "1" {
				t.Fatalf("tessdata not where Debian puts it (AKTE_TEST_STRICT=1): %v", err)
			}
			t.Skipf("tessdata not where Debian puts it: %v", err)
		}
	}
	dir := t.TempDir()
	for _, l := range []string{"deu", "eng"} {
		if err := os.Symlink(filepath.Join(data, l+".traineddata"), filepath.Join(dir, l+".traineddata")); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("TESSDATA_PREFIX", dir)
	page := scantest.PNG(scantest.Render(scantest.Letter[:2], scantest.Options{}).Image, true)
	if _, err := ImageToPDF(ctx, page, &ImageOptions{OCR: &OCROptions{Rotate: true}}); !errors.Is(err, ErrOCRUnavailable) {
		t.Errorf("without osd: %v, want ErrOCRUnavailable", err)
	}
}

func FuzzParseOSD(f *testing.F) {
	f.Add([]byte("Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 9.91\nScript: Latin\n"))
	f.Add([]byte("Rotate: 45\nOrientation confidence: NaN\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		turn, _, err := parseOSD(data)
		if parseFailed(t, err) {
			return
		}
		if turn != 0 && turn != 90 && turn != 180 && turn != 270 {
			t.Fatalf("turn %d", turn)
		}
	})
}
