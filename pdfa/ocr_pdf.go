package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"akte/pdfa/internal/pdfw"
)

// OCR of scanned PDFs: a scanner that writes PDF gives pages that show an
// image and carry no text. OCRPDF finds such pages and recognises them;
// when the whole document is a scan it rebuilds it from the scan's own
// images (or, for pages that are not one full-page image, from a 300 dpi
// rendering) through the image path, with an invisible text layer.

// Stages OCRPDF reports (PDFOCRResult.Stage), for the manifest.
const (
	// OCRSkippedText: the PDF has text on its pages; nothing recognised.
	OCRSkippedText = "skipped: has text"
	// OCRSkippedNoScan: no page without text shows an image.
	OCRSkippedNoScan = "skipped: no scanned pages"
	// OCRPDFImages: every page was rebuilt from its own embedded image.
	OCRPDFImages = "tesseract:pdf-images"
	// OCRPDFRendered: every page was rebuilt from a rendering.
	OCRPDFRendered = "tesseract:pdf-rendered"
	// OCRPDFMixed (a prefix): the pages were rebuilt, some from their
	// images, some from renderings.
	OCRPDFMixed = "tesseract:pdf-images+rendered"
	// OCRTextOnly (a prefix): some pages have text, some are scans; the
	// scans were recognised (rendered) for the record's text only and the
	// archive copy is left as it is.
	OCRTextOnly = "tesseract:text-only"
)

// minPageChars is the fewest letters and digits pdftotext must find on a
// page for it to count as having text. Scanner software may stamp a line
// on each page ("Scanned with …", a page number, a date: up to about two
// dozen characters); a page of real text has hundreds.
const minPageChars = 32

// minImageShare is the least share of a page its images must cover for
// the page to count as showing a scan (a logo alone does not).
const minImageShare = 0.25

// PDFOCRResult is what OCRPDF did with a PDF.
type PDFOCRResult struct {
	// PDF is the new archive copy, PDF/A-2b with a text layer, when the
	// document was a scan and was rebuilt; nil when the archive copy made
	// by ConvertPDF stays.
	PDF []byte
	// Text is the record's text: the OCR text of a rebuilt document, or,
	// for a document with text and scanned pages, pdftotext's text with
	// the scanned pages' OCR text in their place (pages separated by form
	// feeds). Empty when nothing was recognised (Stage "skipped: …").
	Text string
	// Stage says which path was taken: one of the OCR* constants, the
	// mixed ones followed by page counts.
	Stage string
	// Pages is the PDF's page count; Scanned the pages recognised;
	// FromImages those rebuilt from their own image (JPEG data kept as
	// is), Rendered those rebuilt from a rendering.
	Pages, Scanned, FromImages, Rendered int
}

// pdfToolTimeout bounds one run of a poppler program (a list, an
// extraction or a rendering of a range of pages); the caller's context
// bounds the whole.
const pdfToolTimeout = 2 * time.Minute

// pdfToolMemory is the address-space limit of a poppler program.
const pdfToolMemory = 1 << 30

// OCRPDF recognises the text of a scanned PDF (opts.OCR must be set). A
// page counts as scanned when pdftotext finds fewer than 32 letters and
// digits on it and its images (pdfimages -list) cover at least a quarter
// of it. A PDF without scanned pages is left alone ("skipped: has text").
// One with text pages and scanned pages keeps its archive copy; its
// scanned pages are rendered and recognised for Result.Text. A PDF with no
// text page at all is rebuilt as PDF/A-2b, one page per page of the same
// size: a page that is exactly one full-page image gets that image (a
// JPEG is kept byte for byte, others become samples) once a
// low-resolution rendering of the rebuilt page has matched one of the
// original (a flipped, rotated, masked or overdrawn image falls back);
// other pages are rendered at 300 dpi (less when over opts.MaxPixels).
// Each page is then recognised (and, with OCROptions.Rotate, turned
// upright) as ImageToPDF does. Pages go eight at a time through
// extraction, check and recognition, which bounds the temporary files.
//
// data should have passed ConvertPDF (encrypted and broken files are
// refused there). The poppler programs run under a deadline and an
// address-space limit, their output capped; a missing program or
// tesseract is ErrOCRUnavailable, a program failing on the file ErrOCR.
// The image budgets of opts apply per page (MaxPixels, MaxBytes) and to
// the page count (MaxPages). Safe for concurrent use.
func OCRPDF(ctx context.Context, data []byte, opts *ImageOptions) (*PDFOCRResult, error) {
	if opts == nil || opts.OCR == nil {
		return nil, errors.New("ocr pdf: no OCR options")
	}
	j := &imgJob{ImageOptions: opts.withDefaults(), ctx: ctx}
	j.DPI = 0
	tools, err := findPDFTools()
	if err != nil {
		return nil, fmt.Errorf("ocr pdf: %w", err)
	}
	dir, err := os.MkdirTemp("", "akte-ocr-")
	if err != nil {
		return nil, fmt.Errorf("ocr pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	s := &scanJob{imgJob: j, tools: tools, dir: dir, in: filepath.Join(dir, "in.pdf")}
	if err := os.WriteFile(s.in, data, 0o600); err != nil {
		return nil, fmt.Errorf("ocr pdf: %w", err)
	}
	res, err := s.run()
	if err != nil {
		return nil, fmt.Errorf("ocr pdf: %w", err)
	}
	return res, nil
}

// pdfTools are the paths of the poppler programs OCRPDF runs.
type pdfTools struct{ text, images, render string }

func findPDFTools() (pdfTools, error) {
	var t pdfTools
	for _, p := range []struct {
		name string
		path *string
	}{{"pdftotext", &t.text}, {"pdfimages", &t.images}, {"pdftoppm", &t.render}} {
		path, err := exec.LookPath(p.name)
		if err != nil {
			return t, fmt.Errorf("%w: cannot run %s (Debian: apt-get install poppler-utils)", ErrOCRUnavailable, p.name)
		}
		*p.path = path
	}
	return t, nil
}

// scanJob is one OCRPDF call: the input in a private directory, and the
// page budget and OCR settings of the image path.
type scanJob struct {
	*imgJob
	tools   pdfTools
	dir, in string
}

// scanPage is what the poppler programs say about one page.
type scanPage struct {
	w, h   float64 // points, as pdftotext sees it (without /Rotate)
	chars  int     // letters and digits of its text
	images []listedImage
}

// scanned reports whether the page shows a scan and has no text.
func (p scanPage) scanned() bool {
	if p.chars >= minPageChars {
		return false
	}
	var area float64
	for _, im := range p.images {
		if im.xppi > 0 && im.yppi > 0 {
			area += float64(im.width) * 72 / im.xppi * float64(im.height) * 72 / im.yppi
		}
	}
	return area >= minImageShare*p.w*p.h
}

// fullPageImage reports whether the page is one image, nothing else
// listed, within the pixel budget, drawn over the whole page.
func (p scanPage) fullPageImage(maxPixels int64) bool {
	if len(p.images) != 1 {
		return false
	}
	im := p.images[0]
	near := func(a, b float64) bool { return math.Abs(a-b) <= 0.02*b }
	return im.kind == "image" && im.xppi > 0 && im.yppi > 0 &&
		int64(im.width)*int64(im.height) <= maxPixels &&
		near(float64(im.width)*72/im.xppi, p.w) && near(float64(im.height)*72/im.yppi, p.h)
}

func (s *scanJob) run() (*PDFOCRResult, error) {
	pages, err := s.survey()
	if err != nil {
		return nil, err
	}
	res := &PDFOCRResult{Pages: len(pages)}
	var scanned []int
	text := 0
	for i, p := range pages {
		switch {
		case p.scanned():
			scanned = append(scanned, i+1)
		case p.chars >= minPageChars:
			text++
		}
	}
	res.Scanned = len(scanned)
	switch {
	case len(scanned) == 0 && text > 0:
		res.Stage = OCRSkippedText
		return res, nil
	case len(scanned) == 0:
		res.Stage = OCRSkippedNoScan
		return res, nil
	case len(pages) > s.MaxPages:
		return nil, fmt.Errorf("%w: %d pages, at most %d", ErrImageTooLarge, len(pages), s.MaxPages)
	case text > 0:
		return s.textOnly(pages, scanned, res)
	}
	return s.rebuild(pages, res)
}

// survey reads each page's size and text (pdftotext -bbox) and images
// (pdfimages -list).
func (s *scanJob) survey() ([]scanPage, error) {
	out, err := s.tool(s.tools.text, 64<<20, "-bbox", "-enc", "UTF-8", "-q", s.in, "-")
	if err != nil {
		return nil, err
	}
	pages, err := parseBBox(out)
	if err != nil {
		return nil, err
	}
	out, err = s.tool(s.tools.images, 16<<20, "-list", "-q", s.in)
	if err != nil {
		return nil, err
	}
	images, err := parseImageList(out)
	if err != nil {
		return nil, err
	}
	for _, im := range images {
		if im.page > len(pages) {
			return nil, fmt.Errorf("%w: pdfimages lists page %d of %d", ErrOCR, im.page, len(pages))
		}
		pages[im.page-1].images = append(pages[im.page-1].images, im)
	}
	return pages, nil
}

// textOnly recognises the scanned pages of a document that also has text
// pages, for the record's text (pdftotext's, the scanned pages' replaced
// by their OCR text); the archive copy stays as it is.
func (s *scanJob) textOnly(pages []scanPage, scanned []int, res *PDFOCRResult) (*PDFOCRResult, error) {
	// The plain text is smaller than the -bbox output survey read under
	// the same cap.
	out, err := s.tool(s.tools.text, 64<<20, "-enc", "UTF-8", "-q", s.in, "-")
	if err != nil {
		return nil, err
	}
	texts := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for len(texts) < len(pages) {
		texts = append(texts, "")
	}
	for _, n := range scanned {
		ps, err := s.renderPage(n, pages[n-1])
		if err != nil {
			return nil, err
		}
		data, err := readCapped(ps.path, s.MaxBytes)
		if err != nil {
			return nil, err
		}
		img, err := parsePNM(data)
		if err != nil {
			return nil, err
		}
		words, _, err := ocrImage(s.ctx, img, nil, ps.dpiX, s.OCR)
		if err != nil {
			return nil, err
		}
		texts[n-1] = ocrText(words)
		res.Rendered++
	}
	res.Text = strings.Join(texts, "\n\f\n")
	res.Stage = fmt.Sprintf("%s (%d of %d pages scanned; archive copy kept)", OCRTextOnly, len(scanned), len(pages))
	return res, nil
}

// pageSource is the image a rebuilt page shows and its resolution.
type pageSource struct {
	path       string // a JPEG file (embedded as is) or a PNM file (samples)
	dpiX, dpiY float64
}

// add puts the page on doc as the image path does (OCR when o.OCR is set).
func (ps pageSource) add(doc *pdfw.Doc, o *imgJob) error {
	data, err := readCapped(ps.path, o.MaxBytes)
	if err != nil {
		return err
	}
	if strings.HasSuffix(ps.path, ".jpg") {
		return imgJPEGPage(doc, data, ps.dpiX, ps.dpiY, o)
	}
	img, err := parsePNM(data)
	if err != nil {
		return err
	}
	if err := imgCheckPixels(img.Width, img.Height, o); err != nil {
		return err
	}
	return imgAddPage(doc, img, nil, ps.dpiX, ps.dpiY, o)
}

// rebuildChunk is how many pages are extracted, checked and added at a
// time: it bounds the temporary files (a page of RGB samples at 300 dpi
// is 26 MB).
const rebuildChunk = 8

// rebuild makes a new PDF/A of a document without text pages.
func (s *scanJob) rebuild(pages []scanPage, res *PDFOCRResult) (*PDFOCRResult, error) {
	out, err := imgBuild(s.imgJob, "rebuild scanned pdf", func(doc *pdfw.Doc) error {
		for first := 1; first <= len(pages); first += rebuildChunk {
			last := min(first+rebuildChunk-1, len(pages))
			src, err := s.pageImages(pages, first, last)
			if err != nil {
				return err
			}
			if err := s.verify(src); err != nil {
				return err
			}
			for n := first; n <= last; n++ {
				if err := s.ctx.Err(); err != nil {
					return err
				}
				ps, ok := src[n]
				if ok {
					res.FromImages++
				} else {
					if ps, err = s.renderPage(n, pages[n-1]); err != nil {
						return err
					}
					res.Rendered++
				}
				if err := ps.add(doc, s.imgJob); err != nil {
					return fmt.Errorf("page %d: %w", n, err)
				}
			}
			if err := s.removeImages(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.PDF, res.Text = out.PDF, out.Text
	switch {
	case res.Rendered == 0:
		res.Stage = OCRPDFImages
	case res.FromImages == 0:
		res.Stage = OCRPDFRendered
	default:
		res.Stage = fmt.Sprintf("%s (%d from images, %d rendered)", OCRPDFMixed, res.FromImages, res.Rendered)
	}
	return res, nil
}

// pageImages extracts the image of every page from first to last that is
// one full-page image (pdfimages -j: DCT data as a JPEG file, anything
// else as PNM samples), keyed by page number.
func (s *scanJob) pageImages(pages []scanPage, first, last int) (map[int]pageSource, error) {
	var want []int
	for n := first; n <= last; n++ {
		if pages[n-1].fullPageImage(s.MaxPixels) {
			want = append(want, n)
		}
	}
	for _, r := range pageRanges(want) {
		if _, err := s.tool(s.tools.images, 64<<10, "-j", "-p", "-q",
			"-f", strconv.Itoa(r[0]), "-l", strconv.Itoa(r[1]), s.in, filepath.Join(s.dir, "img")); err != nil {
			return nil, err
		}
	}
	files, err := s.extracted()
	if err != nil {
		return nil, err
	}
	src := map[int]pageSource{}
	for _, n := range want {
		p, im := pages[n-1], pages[n-1].images[0]
		if len(files[n]) != 1 || strings.HasSuffix(files[n][0], ".jpg") && im.comps != 1 && im.comps != 3 {
			// pdfimages wrote no image or more than one, or a CMYK JPEG
			// (its Decode array unknown): render the page.
			continue
		}
		src[n] = pageSource{path: files[n][0], dpiX: float64(im.width) * 72 / p.w, dpiY: float64(im.height) * 72 / p.h}
	}
	return src, nil
}

// extracted lists the files pdfimages wrote, by page.
func (s *scanJob) extracted() (map[int][]string, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	files := map[int][]string{}
	for _, e := range ents {
		if m := extractedName.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			files[n] = append(files[n], filepath.Join(s.dir, e.Name()))
		}
	}
	return files, nil
}

// removeImages removes the files pdfimages wrote.
func (s *scanJob) removeImages() error {
	files, err := s.extracted()
	for _, fs := range files {
		for _, f := range fs {
			err = errors.Join(err, os.Remove(f))
		}
	}
	return err
}

// extractedName is the name of a file pdfimages -p writes: page, image
// number, type.
var extractedName = regexp.MustCompile(`^img-(\d+)-\d+\.(jpg|pbm|pgm|ppm)$`)

// verify drops from src each page whose rebuilt page does not look like
// the original: both are rendered in grey at low resolution and compared
// pixel by pixel. It catches what pdfimages -list cannot tell — an image
// drawn flipped or rotated, a page /Rotate, a Decode array, a mask, a
// stamp drawn over the scan — and those pages are rendered instead.
func (s *scanJob) verify(src map[int]pageSource) error {
	if len(src) == 0 {
		return nil
	}
	nums := make([]int, 0, len(src))
	for n := range src {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	probe := &imgJob{ImageOptions: s.ImageOptions, ctx: s.ctx}
	probe.OCR = nil
	doc, err := imgBuild(probe, "rebuild scanned pdf", func(doc *pdfw.Doc) error {
		for _, n := range nums {
			if err := src[n].add(doc, probe); err != nil {
				// Not an image the image path takes: render the page.
				delete(src, n)
				if err := doc.AddPage(doc.NewPage(pdfw.A4Width, pdfw.A4Height)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	rebuilt := filepath.Join(s.dir, "probe.pdf")
	if err := os.WriteFile(rebuilt, doc.PDF, 0o600); err != nil {
		return err
	}
	for i, n := range nums {
		if _, ok := src[n]; !ok {
			continue
		}
		a, err := s.thumbnail(s.in, n)
		if err != nil {
			return err
		}
		b, err := s.thumbnail(rebuilt, i+1)
		if err != nil {
			return err
		}
		if !sameLook(a, b) {
			delete(src, n)
		}
	}
	return nil
}

// thumbnailSize is the long side, in pixels, of the renderings verify
// compares: text lines and a stamp of a few millimetres show.
const thumbnailSize = 512

// thumbnail renders page n of file in grey, its long side thumbnailSize
// pixels.
func (s *scanJob) thumbnail(file string, n int) (*pdfw.Image, error) {
	root := filepath.Join(s.dir, "thumb")
	if _, err := s.tool(s.tools.render, 64<<10, "-gray", "-scale-to", strconv.Itoa(thumbnailSize),
		"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-singlefile", "-q", file, root); err != nil {
		return nil, err
	}
	data, err := readCapped(root+".pgm", 4*thumbnailSize*thumbnailSize)
	if err != nil {
		return nil, err
	}
	img, err := parsePNM(data)
	if err == nil && !img.Gray {
		err = fmt.Errorf("%w: thumbnail is not grey", ErrOCR)
	}
	return img, err
}

// renderPage renders page n at 300 dpi (less when the page would exceed
// the pixel budget). Raw samples: pdftoppm's PNG encoder takes ten times
// as long as the rendering and the OCR together on a noisy scan.
func (s *scanJob) renderPage(n int, p scanPage) (pageSource, error) {
	dpi := 300.0
	if px := p.w * p.h * dpi * dpi / (72 * 72); px > float64(s.MaxPixels) {
		dpi *= math.Sqrt(float64(s.MaxPixels) / px)
	}
	// The crop bounds the output should the renderer size the page
	// otherwise (/Rotate swaps the sides).
	side := strconv.Itoa(int(math.Ceil(max(p.w, p.h)*dpi/72)) + 2)
	root := filepath.Join(s.dir, "page")
	if _, err := s.tool(s.tools.render, 64<<10, "-r", strconv.FormatFloat(dpi, 'f', 3, 64),
		"-x", "0", "-y", "0", "-W", side, "-H", side,
		"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-singlefile", "-q", s.in, root); err != nil {
		return pageSource{}, err
	}
	return pageSource{path: root + ".ppm", dpiX: dpi, dpiY: dpi}, nil
}

// tool runs a poppler program on the input under pdfToolTimeout and
// pdfToolMemory; its standard output is returned, at most maxOut bytes.
func (s *scanJob) tool(prog string, maxOut int, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(s.ctx, pdfToolTimeout)
	defer cancel()
	cmd := limitedCommand(ctx, pdfToolMemory, prog, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &stdout, max: maxOut + 1}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 64 << 10}
	err := runLowPriority(cmd)
	name := filepath.Base(prog)
	switch {
	case s.ctx.Err() != nil:
		return nil, s.ctx.Err()
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: %s exceeded %v", ErrOCR, name, pdfToolTimeout)
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %v: %s", ErrOCR, name, err, tail(stderr.String(), 200))
	case stdout.Len() > maxOut:
		return nil, fmt.Errorf("%w: %s wrote more than %d bytes", ErrOCR, name, maxOut)
	}
	return stdout.Bytes(), nil
}

// readCapped reads a file a program wrote, refusing one over max bytes.
func readCapped(path string, max int) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%w: no output %s", ErrOCR, filepath.Base(path))
	}
	if fi.Size() > int64(max) {
		return nil, fmt.Errorf("%w: %s is %d bytes, at most %d", ErrImageTooLarge, filepath.Base(path), fi.Size(), max)
	}
	return os.ReadFile(path)
}

// pageRanges groups sorted page numbers into runs of consecutive pages.
func pageRanges(pages []int) [][2]int {
	var out [][2]int
	for _, n := range pages {
		if k := len(out) - 1; k >= 0 && out[k][1] == n-1 {
			out[k][1] = n
		} else {
			out = append(out, [2]int{n, n})
		}
	}
	return out
}

// sameLook reports whether two grey renderings of a page show the same.
// Both are blurred first (see blur), then each pixel is compared with the
// nearest value in the other's 3×3 neighbourhood, both ways (renderings of
// one image drawn at sizes a fraction of a point apart may be a pixel
// apart): the sizes must be equal (±1 pixel), the mean of these
// differences under 2 levels, and fewer than one pixel in 2000 may differ
// by more than 40 — a stamp of 1 cm² is 1 in 600 of an A4 page, an image
// drawn upside down 1 in 30 (measured).
func sameLook(a, b *pdfw.Image) bool {
	mean, big := lookDiff(blur(a), blur(b))
	return mean < 2 && big < 1.0/2000
}

// blur is img (8-bit grey) averaged over 3×3 pixels: renderings of the
// same image at slightly different scales differ in fine detail (the JPEG
// decoder may downscale by another factor), not in what a page shows.
func blur(img *pdfw.Image) *pdfw.Image {
	w, h := img.Width, img.Height
	out := &pdfw.Image{Width: w, Height: h, Gray: true, BitsPerComponent: 8, Data: make([]byte, len(img.Data))}
	for y := range h {
		for x := range w {
			sum, n := 0, 0
			for yy := max(y-1, 0); yy <= min(y+1, h-1); yy++ {
				for xx := max(x-1, 0); xx <= min(x+1, w-1); xx++ {
					sum += int(img.Data[yy*w+xx])
					n++
				}
			}
			out.Data[y*w+x] = byte(sum / n)
		}
	}
	return out
}

// lookDiff is the mean difference of a and b, pixel by pixel to the
// nearest in the other's 3×3 neighbourhood, both ways, and the share of
// pixels differing by more than 40; 255 and 1 when the sizes differ.
func lookDiff(a, b *pdfw.Image) (mean, big float64) {
	if abs(a.Width-b.Width) > 1 || abs(a.Height-b.Height) > 1 {
		return 255, 1
	}
	w, h := min(a.Width, b.Width), min(a.Height, b.Height)
	n := w * h
	if n == 0 {
		return 255, 1
	}
	sum, over := 0, 0
	for _, p := range [2][2]*pdfw.Image{{a, b}, {b, a}} {
		s, t := p[0], p[1]
		for y := range h {
			for x := range w {
				v, d := int(s.Data[y*s.Width+x]), 255
				for yy := max(y-1, 0); yy <= min(y+1, h-1); yy++ {
					for xx := max(x-1, 0); xx <= min(x+1, w-1); xx++ {
						d = min(d, abs(v-int(t.Data[yy*t.Width+xx])))
					}
				}
				sum += d
				if d > 40 {
					over++
				}
			}
		}
	}
	return float64(sum) / float64(2*n), float64(over) / float64(2*n)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// parsePNM reads a binary PBM, PGM or PPM (P4, P5, P6; 8-bit), as poppler
// writes them, into samples for the image path: PBM as 1-bit grey (0
// black), and a PPM whose pixels are all grey as grey.
func parsePNM(data []byte) (*pdfw.Image, error) {
	if len(data) < 2 || data[0] != 'P' || data[1] < '4' || data[1] > '6' {
		return nil, fmt.Errorf("%w: image is not a binary PNM", ErrOCR)
	}
	kind := data[1]
	fields := 3
	if kind == '4' {
		fields = 2
	}
	var v [3]int
	p := 2
	for i := range fields {
		start := p
		for p < len(data) && (data[p] == ' ' || data[p] == '\n' || data[p] == '\r' || data[p] == '\t') {
			p++
		}
		if p == start {
			return nil, fmt.Errorf("%w: bad PNM header", ErrOCR)
		}
		start = p
		for p < len(data) && data[p] >= '0' && data[p] <= '9' && p-start < 7 {
			p++
		}
		n, err := strconv.Atoi(string(data[start:p]))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%w: bad PNM header", ErrOCR)
		}
		v[i] = n
	}
	if fields == 3 && v[2] != 255 || p >= len(data) || data[p] != '\n' && data[p] != ' ' {
		return nil, fmt.Errorf("%w: bad PNM header (8-bit samples only)", ErrOCR)
	}
	img := &pdfw.Image{Width: v[0], Height: v[1], BitsPerComponent: 8, Gray: kind != '6', Data: data[p+1:]}
	row := img.Width * 3
	switch kind {
	case '4':
		img.BitsPerComponent, row = 1, (img.Width+7)/8
	case '5':
		row = img.Width
	}
	if len(img.Data) != row*img.Height {
		return nil, fmt.Errorf("%w: PNM of %dx%d has %d bytes of samples", ErrOCR, img.Width, img.Height, len(img.Data))
	}
	switch {
	case kind == '4':
		// PBM's 1 is black; PDF's DeviceGray 1 is white.
		for i := range img.Data {
			img.Data[i] = ^img.Data[i]
		}
	case kind == '6' && allGray(img.Data):
		g := make([]byte, len(img.Data)/3)
		for i := range g {
			g[i] = img.Data[3*i]
		}
		img.Data, img.Gray = g, true
	}
	return img, nil
}

// allGray reports whether every RGB pixel of rgb is grey (R = G = B).
func allGray(rgb []byte) bool {
	for i := 0; i+2 < len(rgb); i += 3 {
		if rgb[i] != rgb[i+1] || rgb[i] != rgb[i+2] {
			return false
		}
	}
	return true
}

// listedImage is one row of pdfimages -list.
type listedImage struct {
	page          int
	kind          string // image, mask, smask or stencil
	width, height int
	color         string
	comps, bpc    int
	enc           string
	xppi, yppi    float64 // 0 when not a finite positive number
}

// parseImageList reads the output of pdfimages -list: two header lines,
// then one row per image drawn:
//
//	page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
//
// where "object ID" is two numbers, or "[inline]". A malformed row is an
// error, not skipped.
func parseImageList(data []byte) ([]listedImage, error) {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "page") || !strings.HasPrefix(lines[1], "----") {
		return nil, fmt.Errorf("%w: pdfimages -list: no header", ErrOCR)
	}
	var out []listedImage
	for n, line := range lines[2:] {
		f := strings.Fields(line)
		if len(f) == 15 && f[10] == "[inline]" {
			f = slices.Insert(f, 11, "0")
		}
		if len(f) != 16 {
			return nil, fmt.Errorf("%w: pdfimages -list line %d has %d fields", ErrOCR, n+3, len(f))
		}
		var v [6]int
		for i, k := range []int{0, 3, 4, 6, 7, 1} {
			x, err := strconv.Atoi(f[k])
			if err != nil || x < 0 || x > 1<<30 {
				return nil, fmt.Errorf("%w: pdfimages -list line %d: field %d is %q", ErrOCR, n+3, k+1, f[k])
			}
			v[i] = x
		}
		if v[0] < 1 {
			return nil, fmt.Errorf("%w: pdfimages -list line %d: page %d", ErrOCR, n+3, v[0])
		}
		ppi := func(s string) float64 {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) || x <= 0 {
				return 0 // a degenerate placement: not a full-page image
			}
			return x
		}
		out = append(out, listedImage{page: v[0], kind: f[2], width: v[1], height: v[2], color: f[5],
			comps: v[3], bpc: v[4], enc: f[8], xppi: ppi(f[12]), yppi: ppi(f[13])})
	}
	return out, nil
}

// parseBBox reads pdftotext -bbox output: each page's size and the
// letters and digits of its words. Only lines that start with a tag are
// read (pdftotext escapes "<" in text and metadata); a word outside a page
// or a malformed page tag is an error.
func parseBBox(data []byte) ([]scanPage, error) {
	var pages []scanPage
	in := false
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "<page "):
			var w, h float64
			if _, err := fmt.Sscanf(line, `<page width="%g" height="%g">`, &w, &h); err != nil ||
				!(w > 0 && h > 0 && w < 1e7 && h < 1e7) {
				return nil, fmt.Errorf("%w: pdftotext -bbox line %d: bad page %q", ErrOCR, n+1, line)
			}
			pages = append(pages, scanPage{w: w, h: h})
			in = true
		case line == "</page>":
			in = false
		case strings.HasPrefix(line, "<word "):
			i, j := strings.IndexByte(line, '>'), strings.LastIndex(line, "</word>")
			if !in || i < 0 || j < i {
				return nil, fmt.Errorf("%w: pdftotext -bbox line %d: bad word", ErrOCR, n+1)
			}
			for _, r := range htmlUnescaper.Replace(line[i+1 : j]) {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					pages[len(pages)-1].chars++
				}
			}
		}
	}
	return pages, nil
}

var htmlUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'")
