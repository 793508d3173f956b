package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
// words it found. One page runs one
// single-threaded process (OMP_THREAD_LIMIT=1): callers run one per core.
func ocrImage(ctx context.Context, img *pdfw.Image, src []byte, dpi float64, o *OCROptions) ([]ocrWord, error) {
	opts := o.withDefaults()
	input := src
	switch {
	case input != nil:
	case img.DCT:
		input = img.Data
	default:
		input = pnm(img)
	}
	run, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	args := []string{"stdin", "stdout", "-l", opts.Languages, "--psm", "3"}
	if dpi >= 70 && dpi <= 2400 {
		args = append(args, "--dpi", strconv.Itoa(int(dpi+0.5)))
	}
	args = append(args, "tsv")
	cmd := exec.CommandContext(run, opts.Program, args...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	// One byte over the limit tells that output was cut.
	cmd.Stdout = &limitedBuffer{buf: &stdout, max: maxOCROutput + 1}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 64 << 10}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: cannot run %s (Debian: apt-get install tesseract-ocr tesseract-ocr-deu): %v", ErrOCRUnavailable, opts.Program, err)
	}
	err := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case run.Err() != nil:
		return nil, fmt.Errorf("%w: no result within %v", ErrOCR, opts.Timeout)
	case err != nil:
		msg := stderr.String()
		if strings.Contains(msg, "Failed loading language") || strings.Contains(msg, "Error opening data file") {
			return nil, fmt.Errorf("%w: tesseract lacks the language data %q (Debian: tesseract-ocr-deu): %s", ErrOCRUnavailable, opts.Languages, firstLine(stderr.Bytes()))
		}
		return nil, fmt.Errorf("%w: %v: %s", ErrOCR, err, firstLine(stderr.Bytes()))
	case stdout.Len() > maxOCROutput:
		return nil, fmt.Errorf("%w: more than %d bytes of output", ErrOCR, maxOCROutput)
	}
	return parseTSV(stdout.Bytes())
}

// parseTSV reads tesseract's TSV output: a header line, then one line per
// page, block, paragraph, line and word (level 1–5); only words (level 5)
// with text are kept. Malformed lines are an error, not skipped: the output
// of a healthy tesseract is always well formed.
func parseTSV(data []byte) ([]ocrWord, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: output is not UTF-8", ErrOCR)
	}
	var words []ocrWord
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || (n == 0 && strings.HasPrefix(line, "level")) {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 12 {
			return nil, fmt.Errorf("%w: output line %d has %d fields, want 12", ErrOCR, n+1, len(f))
		}
		var v [10]int
		for i := range 10 {
			x, err := strconv.Atoi(f[i])
			if err != nil || x < 0 || x > 1<<24 {
				return nil, fmt.Errorf("%w: output line %d: field %d is %q", ErrOCR, n+1, i+1, f[i])
			}
			v[i] = x
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, fmt.Errorf("%w: output line %d: confidence %q", ErrOCR, n+1, f[10])
		}
		text := strings.TrimSpace(f[11])
		if v[0] != 5 || text == "" || v[8] == 0 || v[9] == 0 {
			continue
		}
		words = append(words, ocrWord{text: text, block: v[2], par: v[3], line: v[4], word: v[5],
			left: v[6], top: v[7], w: v[8], h: v[9], conf: conf})
	}
	return words, nil
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
