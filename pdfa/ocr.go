package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"akte/pdfa/internal/pdfw"
)

// Errors of OCR, wrapped with details; test with errors.Is.
var (
	// ErrOCRUnavailable: the OCR program (tesseract) or its language data is
	// not installed.
	ErrOCRUnavailable = errors.New("OCR unavailable")
	// ErrOCR: recognition failed or ran out of time on a page.
	ErrOCR = errors.New("OCR failed")
)

// OCROptions turn on text recognition for scanned pages (ImageOptions.OCR).
// Zero fields mean the defaults.
type OCROptions struct {
	// Program is the tesseract executable; default "tesseract" on $PATH.
	Program string
	// Languages are tesseract's language models; default "deu+eng".
	Languages string
	// Timeout bounds the recognition of one page; default 2 minutes.
	Timeout time.Duration
	// Rotate turns each page upright before it is recognised and placed,
	// when tesseract's orientation detection (the osd model, Debian
	// tesseract-ocr-osd) finds it turned by 90, 180 or 270 degrees with
	// confidence. It costs about half a recognition per page; a turned
	// JPEG is re-encoded (quality 92).
	Rotate bool
}

func (o *OCROptions) withDefaults() OCROptions {
	v := *o
	if v.Program == "" {
		v.Program = "tesseract"
	}
	if v.Languages == "" {
		v.Languages = "deu+eng"
	}
	if v.Timeout <= 0 {
		v.Timeout = 2 * time.Minute
	}
	return v
}

// ocrWord is one recognised word: its text and box in pixels of the page
// image, origin top left.
type ocrWord struct {
	text                   string
	left, top, w, h        int
	block, par, line, word int
	conf                   float64
}

// maxOCROutput bounds what is read of the OCR program's output: a dense A4
// page at 300 dpi gives about 100 KB of TSV.
const maxOCROutput = 16 << 20

// ocrImage runs tesseract on one page image — src, the image file, when
// given; else the JPEG as embedded, or the samples as PNM — and returns the
// words it found. decoded tells that tesseract read the whole image
// cleanly: it reported a page of img's size and libpng, which decodes a
// PNG, said nothing. One page runs one single-threaded process
// (OMP_THREAD_LIMIT=1): callers run one per core.
func ocrImage(ctx context.Context, img *pdfw.Image, src []byte, dpi float64, o *OCROptions) (words []ocrWord, decoded bool, err error) {
	opts := o.withDefaults()
	args := []string{"stdout", "-l", opts.Languages, "--psm", "3"}
	args = append(ocrDPI(args, dpi), "tsv")
	out, errOut, err := runTesseract(ctx, ocrInput(img, src), args, &opts)
	if err != nil {
		return nil, false, err
	}
	words, size, err := parseTSV(out)
	if err != nil {
		return nil, false, err
	}
	decoded = size == [2]int{img.Width, img.Height} && !bytes.Contains(errOut, []byte("libpng"))
	return words, decoded, nil
}

// ocrInput is what tesseract reads of a page: src, the image file, when
// given; else the JPEG as embedded, or the samples as PNM.
func ocrInput(img *pdfw.Image, src []byte) []byte {
	switch {
	case src != nil:
		return src
	case img.DCT:
		return img.Data
	}
	return pnm(img)
}

// ocrDPI adds the page's resolution to tesseract's arguments when it is
// plausible.
func ocrDPI(args []string, dpi float64) []string {
	if dpi >= 70 && dpi <= 2400 {
		args = append(args, "--dpi", strconv.Itoa(int(dpi+0.5)))
	}
	return args
}

// runTesseract runs tesseract on input with args (those after the input
// file's name), single-threaded, under opts.Timeout, its output capped; it
// returns standard output and error. A missing program or language is
// ErrOCRUnavailable, a failure or timeout ErrOCR.
//
// The page goes to tesseract as a private temporary file, not on standard
// input: tesseract reads stdin through a C++ stream a byte at a time, which
// cost 0.15 CPU s more per 5–13 MB page here (+14 % of recognition).
func runTesseract(ctx context.Context, input []byte, args []string, opts *OCROptions) (out, errOut []byte, err error) {
	page, err := os.CreateTemp("", "akte-ocr-*")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: page file: %v", ErrOCR, err)
	}
	defer os.Remove(page.Name())
	_, err = page.Write(input)
	if cerr := page.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: page file: %v", ErrOCR, err)
	}
	run, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	cmd := exec.CommandContext(run, opts.Program, append([]string{page.Name()}, args...)...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stdout, stderr bytes.Buffer
	// One byte over the limit tells that output was cut.
	cmd.Stdout = &limitedBuffer{buf: &stdout, max: maxOCROutput + 1}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 64 << 10}
	cmd.WaitDelay = 5 * time.Second
	if err := startLowPriority(cmd); err != nil {
		return nil, nil, fmt.Errorf("%w: cannot run %s (Debian: apt-get install tesseract-ocr tesseract-ocr-deu): %v", ErrOCRUnavailable, opts.Program, err)
	}
	err = cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	case run.Err() != nil:
		return nil, nil, fmt.Errorf("%w: no result within %v", ErrOCR, opts.Timeout)
	case err != nil:
		msg := stderr.String()
		if strings.Contains(msg, "Failed loading language") || strings.Contains(msg, "Error opening data file") {
			return nil, stderr.Bytes(), fmt.Errorf("%w: tesseract lacks the language data %q (Debian: tesseract-ocr-deu, tesseract-ocr-osd): %s", ErrOCRUnavailable, opts.Languages, firstLine(stderr.Bytes()))
		}
		return nil, stderr.Bytes(), fmt.Errorf("%w: %v: %s", ErrOCR, err, firstLine(stderr.Bytes()))
	case stdout.Len() > maxOCROutput:
		return nil, nil, fmt.Errorf("%w: more than %d bytes of output", ErrOCR, maxOCROutput)
	}
	return stdout.Bytes(), stderr.Bytes(), nil
}

// minOSDConfidence is the least orientation confidence (tesseract's own
// units) at which a page is turned: upright and turned A4 letters measure
// about 10, a page with a few words 1 to 3.
const minOSDConfidence = 4

// ocrOrientation asks tesseract's orientation detection (--psm 0) how far
// a page must be turned clockwise to be upright: 0, 90, 180 or 270. A page
// with too little text to tell, or told with low confidence, is 0.
func ocrOrientation(ctx context.Context, img *pdfw.Image, src []byte, dpi float64, o *OCROptions) (int, error) {
	opts := o.withDefaults()
	out, errOut, err := runTesseract(ctx, ocrInput(img, src), ocrDPI([]string{"stdout", "--psm", "0"}, dpi), &opts)
	switch {
	case errors.Is(err, ErrOCR) && bytes.Contains(errOut, []byte("Too few characters")):
		return 0, nil
	case err != nil:
		return 0, err
	}
	turn, conf, err := parseOSD(out)
	if err != nil || conf < minOSDConfidence {
		return 0, err
	}
	return turn, nil
}

// parseOSD reads tesseract's orientation report (--psm 0): the lines
// "Rotate: N" (degrees to turn the page clockwise, a multiple of 90) and
// "Orientation confidence: X" are required, others ignored.
func parseOSD(data []byte) (turn int, conf float64, err error) {
	seen := 0
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		v = strings.TrimSpace(v)
		switch {
		case !ok:
		case k == "Rotate":
			turn, err = strconv.Atoi(v)
			if err != nil || turn%90 != 0 || turn < 0 || turn >= 360 {
				return 0, 0, fmt.Errorf("%w: orientation %q", ErrOCR, v)
			}
			seen |= 1
		case k == "Orientation confidence":
			conf, err = strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(conf) {
				return 0, 0, fmt.Errorf("%w: orientation confidence %q", ErrOCR, v)
			}
			seen |= 2
		}
	}
	if seen != 3 {
		return 0, 0, fmt.Errorf("%w: no orientation in tesseract's report", ErrOCR)
	}
	return turn, conf, nil
}

// parseTSV reads tesseract's TSV output: a header line, then one line per
// page, block, paragraph, line and word (level 1–5); only words (level 5)
// with text are kept. Malformed lines are an error, not skipped: the output
// of a healthy tesseract is always well formed.
func parseTSV(data []byte) (words []ocrWord, page [2]int, err error) {
	if !utf8.Valid(data) {
		return nil, page, fmt.Errorf("%w: output is not UTF-8", ErrOCR)
	}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || (n == 0 && strings.HasPrefix(line, "level")) {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 12 {
			return nil, page, fmt.Errorf("%w: output line %d has %d fields, want 12", ErrOCR, n+1, len(f))
		}
		var v [10]int
		for i := range 10 {
			x, err := strconv.Atoi(f[i])
			if err != nil || x < 0 || x > 1<<24 {
				return nil, page, fmt.Errorf("%w: output line %d: field %d is %q", ErrOCR, n+1, i+1, f[i])
			}
			v[i] = x
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, page, fmt.Errorf("%w: output line %d: confidence %q", ErrOCR, n+1, f[10])
		}
		if v[0] == 1 {
			page = [2]int{v[8], v[9]}
		}
		text := strings.TrimSpace(f[11])
		if v[0] != 5 || text == "" || v[8] == 0 || v[9] == 0 {
			continue
		}
		words = append(words, ocrWord{text: text, block: v[2], par: v[3], line: v[4], word: v[5],
			left: v[6], top: v[7], w: v[8], h: v[9], conf: conf})
	}
	return words, page, nil
}

// ocrText is the page's text: words of a line joined by spaces, lines by
// newlines, paragraphs by an empty line.
func ocrText(words []ocrWord) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			p := words[i-1]
			switch {
			case p.block != w.block || p.par != w.par:
				b.WriteString("\n\n")
			case p.line != w.line:
				b.WriteByte('\n')
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(w.text)
	}
	return b.String()
}

// ocrLayer writes words as invisible text over a page of pw × ph points
// showing an image of imgW × imgH pixels. Each word gets the size of its
// line's height and is stretched to its box, so that selecting text in a
// viewer marks the word in the image. Characters the font lacks are left
// out of the layer (they stay in the record's text).
func ocrLayer(p *pdfw.Page, words []ocrWord, imgW, imgH int, pw, ph float64) {
	f := pdfw.Regular()
	sx, sy := pw/float64(imgW), ph/float64(imgH)
	// A line's words share one size and baseline: its tallest box.
	type key struct{ b, p, l int }
	lineBottom, lineHeight := map[key]int{}, map[key]int{}
	for _, w := range words {
		k := key{w.block, w.par, w.line}
		lineBottom[k] = max(lineBottom[k], w.top+w.h)
		lineHeight[k] = max(lineHeight[k], w.h)
	}
	for _, w := range words {
		text := strings.Map(func(r rune) rune {
			if f.Has(r) {
				return r
			}
			return -1
		}, w.text)
		if text == "" {
			continue
		}
		k := key{w.block, w.par, w.line}
		size := float64(lineHeight[k]) * sy
		// The baseline sits about a fifth of the line's height above its
		// lowest pixel (descenders).
		base := ph - (float64(lineBottom[k])-0.2*float64(lineHeight[k]))*sy
		p.InvisibleText(f, size, float64(w.left)*sx, base, float64(w.w)*sx, text)
	}
}

// pnm encodes img's samples as a binary PGM/PPM/PBM for tesseract.
func pnm(img *pdfw.Image) []byte {
	var magic string
	switch {
	case img.Gray && img.BitsPerComponent == 1:
		magic = "P4"
	case img.Gray:
		magic = "P5"
	default:
		magic = "P6"
	}
	head := fmt.Sprintf("%s\n%d %d\n", magic, img.Width, img.Height)
	if magic != "P4" {
		head += "255\n"
	}
	out := make([]byte, 0, len(head)+len(img.Data))
	out = append(out, head...)
	if magic == "P4" {
		// PDF's DeviceGray 1 bit is 1 = white; PBM's 1 is black.
		for _, b := range img.Data {
			out = append(out, ^b)
		}
		return out
	}
	return append(out, img.Data...)
}
