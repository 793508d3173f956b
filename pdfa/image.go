package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"time"

	"akte/pdfa/internal/pdfw"
)

// Errors ImageToPDF returns, wrapped with details; test with errors.Is.
var (
	// ErrInvalidImage: the data is truncated or malformed.
	ErrInvalidImage = errors.New("invalid image")
	// ErrUnsupportedImage: a format or variant ImageToPDF does not take
	// (e.g. GIF, 12-bit or arithmetic-coded JPEG, BigTIFF, CMYK TIFF).
	ErrUnsupportedImage = errors.New("unsupported image")
	// ErrImageTooLarge: over a size budget (bytes, pixels or pages); checked
	// from the headers before anything is decoded.
	ErrImageTooLarge = errors.New("image too large")
)

// ImageOptions control ImageToPDF. A nil *ImageOptions means defaults.
type ImageOptions struct {
	// Part is the PDF/A part: 2 (default) or 1 for a PDF/A-1b-compatible
	// file.
	Part int
	// Title is the document title; empty means none.
	Title string
	// Producer is written to pdf:Producer; default "Akte".
	Producer string
	// Now is the creation time written to the metadata. Zero means the time
	// of the call; set it for reproducible output.
	Now time.Time
	// DPI, when positive, overrides the resolution the file declares. The
	// page is width × 72/DPI points wide.
	DPI float64
	// MaxBytes is the largest input accepted; default 256 MiB.
	MaxBytes int
	// MaxPixels is the most pixels one page may have; default 40 million
	// (A4 at 600 dpi is 35 million). Decoding takes up to 8 bytes a pixel.
	MaxPixels int64
	// MaxPages is the most pages a TIFF may have; default 1000.
	MaxPages int
	// OCR, when set, recognises the text of every page with tesseract: it
	// becomes an invisible text layer over the image, aligned with the
	// words, and Result.Text (pages separated by a form feed line).
	OCR *OCROptions
}

// DefaultDPI is the resolution assumed when an image declares none.
const DefaultDPI = 300

func (o *ImageOptions) withDefaults() ImageOptions {
	v := ImageOptions{}
	if o != nil {
		v = *o
	}
	if v.MaxBytes <= 0 {
		v.MaxBytes = 256 << 20
	}
	if v.MaxPixels <= 0 {
		v.MaxPixels = 40_000_000
	}
	if v.MaxPages <= 0 {
		v.MaxPages = 1000
	}
	return v
}

// ImageToPDF converts a JPEG, PNG or (multi-page) TIFF image to PDF/A, one
// page per image, each page sized from the resolution the file declares
// (JFIF density, PNG pHYs, TIFF XResolution/YResolution), 300 dpi when it
// declares none, so an A4 scan gives an A4 page.
//
// JPEG data is embedded unchanged (DCTDecode) after its marker structure
// has been checked; CMYK JPEGs are decoded, converted to RGB and
// re-encoded. PNG and TIFF pages are decoded and stored losslessly (Flate):
// 16-bit samples become 8-bit, palettes RGB, alpha is flattened onto white,
// and black-and-white pages are stored at 1 bit per pixel.
//
// Sizes are checked from the headers before any decoding: errors wrap
// ErrImageTooLarge, ErrInvalidImage or ErrUnsupportedImage. Decoders run
// with panics recovered. ctx is checked before each page. Result.Text is
// empty (images carry no text until OCR). Safe for concurrent use.
func ImageToPDF(ctx context.Context, data []byte, opts *ImageOptions) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := &imgJob{ImageOptions: opts.withDefaults(), ctx: ctx}
	if len(data) > o.MaxBytes {
		return nil, fmt.Errorf("convert image: %w: %d bytes, at most %d", ErrImageTooLarge, len(data), o.MaxBytes)
	}
	return imgBuild(o, "convert image", func(doc *pdfw.Doc) error { return imgAddFile(doc, data, o) })
}

// ImagesToPDF converts the image files of one document — scanned a file
// per page, as a folder of page images — to one PDF/A in the order given,
// each file as ImageToPDF would (a multi-page TIFF adds all its pages).
// MaxBytes bounds the files together, MaxPages their number. An error names the file by its
// position, from 1 (*ImageFileError). The output depends only on the files and the options:
// with Now set, the same files give the same bytes.
func ImagesToPDF(ctx context.Context, files [][]byte, opts *ImageOptions) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := &imgJob{ImageOptions: opts.withDefaults(), ctx: ctx}
	total := 0
	for _, f := range files {
		total += len(f)
	}
	switch {
	case len(files) == 0:
		return nil, fmt.Errorf("convert images: %w: no files", ErrInvalidImage)
	case len(files) > o.MaxPages:
		return nil, fmt.Errorf("convert images: %w: %d files, at most %d pages", ErrImageTooLarge, len(files), o.MaxPages)
	case total > o.MaxBytes:
		return nil, fmt.Errorf("convert images: %w: %d bytes together, at most %d", ErrImageTooLarge, total, o.MaxBytes)
	}
	return imgBuild(o, "convert images", func(doc *pdfw.Doc) error {
		for i, data := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := imgAddFile(doc, data, o); err != nil {
				return &ImageFileError{File: i + 1, Files: len(files), Err: err}
			}
		}
		return nil
	})
}

// ImageFileError is ImagesToPDF's error about one of its files: File is
// its position (from 1) of Files; Err wraps ErrInvalidImage,
// ErrImageTooLarge or ErrUnsupportedImage.
type ImageFileError struct {
	File, Files int
	Err         error
}

func (e *ImageFileError) Error() string {
	return fmt.Sprintf("file %d of %d: %v", e.File, e.Files, e.Err)
}

func (e *ImageFileError) Unwrap() error { return e.Err }

// imgAddFile adds the pages of one image file — JPEG, PNG or TIFF — to doc.
func imgAddFile(doc *pdfw.Doc, data []byte, o *imgJob) error {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xd8}):
		return imgJPEGPage(doc, data, 0, 0, o)
	case bytes.HasPrefix(data, imgPNGMagic):
		return imgPNGPage(doc, data, o)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return imgTIFFPages(o.ctx, doc, data, o)
	case bytes.HasPrefix(data, []byte("II+\x00")), bytes.HasPrefix(data, []byte("MM\x00+")):
		return fmt.Errorf("%w: BigTIFF", ErrUnsupportedImage)
	}
	return fmt.Errorf("%w: not a JPEG, PNG or TIFF file", ErrUnsupportedImage)
}

// imgBuild makes the PDF/A document of the pages add puts into it; what
// names the operation in errors. Result.Text is the OCR text of the pages,
// separated by a form feed line.
func imgBuild(o *imgJob, what string, add func(*pdfw.Doc) error) (*Result, error) {
	dopts, err := renderDocOptions(o.Part, o.Title, o.Producer, o.Now)
	if err != nil {
		return nil, err
	}
	doc, err := pdfw.New(dopts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := add(doc); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	pdf, err := doc.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &Result{PDF: pdf, Title: dopts.Title, Text: strings.Join(o.texts, "\n\f\n"), Pages: doc.Pages()}, nil
}

// imgJob is one ImageToPDF call: its options, and the text OCR found on each page.
type imgJob struct {
	ImageOptions
	ctx   context.Context
	texts []string
}

// imgCheckPixels refuses a page over the pixel budget.
func imgCheckPixels(w, h int, o *imgJob) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: empty image %dx%d", ErrInvalidImage, w, h)
	}
	if int64(w)*int64(h) > o.MaxPixels {
		return fmt.Errorf("%w: %dx%d pixels, at most %d", ErrImageTooLarge, w, h, o.MaxPixels)
	}
	return nil
}

// imgAddPage adds img on a page of its own, sized from the resolution. src,
// when not nil, is the PNG file whose compressed rows img carries as they
// are (imgPNGPassthrough), given to OCR instead of img's samples.
//
// Those rows are checked once, here: when tesseract has read src whole —
// a page of the image's size, not a word from libpng, which refuses a bad
// filter type, missing rows or a wrong zlib checksum and warns of rows too
// many — inflating them again would only repeat its check (a tenth of a
// page's recognition time); otherwise imgCheckPNGRows inflates them.
func imgAddPage(doc *pdfw.Doc, img *pdfw.Image, src []byte, dpiX, dpiY float64, o *imgJob) error {
	checked := src == nil
	// check turns a failure of tesseract on src into the verdict on the
	// rows when they are broken.
	check := func(err error) error {
		if checked {
			return err
		}
		if cerr := imgCheckPNGRows(img); cerr != nil {
			return cerr
		}
		checked = true
		return err
	}
	w, h := imgPageSize(img.Width, img.Height, dpiX, dpiY, o.DPI)
	if o.OCR != nil && o.OCR.Rotate {
		turn, err := ocrOrientation(o.ctx, img, src, float64(img.Width)*72/w, o.OCR)
		if err != nil {
			return check(err)
		}
		if turn != 0 {
			if img, err = renderGuard(func() (*pdfw.Image, error) { return imgTurn(img, src, turn) }); err != nil {
				return fmt.Errorf("%w: turning the page upright: %v", ErrInvalidImage, err)
			}
			src, checked = nil, true // decoded whole to be turned
			if turn != 180 {
				dpiX, dpiY = dpiY, dpiX
			}
			w, h = imgPageSize(img.Width, img.Height, dpiX, dpiY, o.DPI)
		}
	}
	ref, err := doc.AddImage(img)
	if err != nil {
		return err
	}
	p := doc.NewPage(w, h)
	p.DrawImage(ref, 0, 0, w, h)
	if o.OCR != nil {
		dpi := float64(img.Width) * 72 / w
		words, decoded, err := ocrImage(o.ctx, img, src, dpi, o.OCR)
		if err != nil {
			return check(err)
		}
		checked = checked || decoded
		ocrLayer(p, words, img.Width, img.Height, w, h)
		o.texts = append(o.texts, ocrText(words))
	}
	if err := check(nil); err != nil {
		return err
	}
	return doc.AddPage(p)
}

// imgPageSize returns the page size in points for an image of w × h pixels at
// the given resolution (override first, then the file's, then DefaultDPI),
// scaled when needed to stay within the page sizes PDF/A allows.
func imgPageSize(w, h int, dpiX, dpiY, override float64) (float64, float64) {
	usable := func(d float64) bool { return d >= 10 && d <= 50000 }
	switch {
	case override > 0:
		dpiX, dpiY = override, override
	case usable(dpiX) && usable(dpiY):
	case usable(dpiX):
		dpiY = dpiX
	case usable(dpiY):
		dpiX = dpiY
	default:
		dpiX, dpiY = DefaultDPI, DefaultDPI
	}
	pw, ph := float64(w)*72/dpiX, float64(h)*72/dpiY
	if m := max(pw, ph); m > pdfw.MaxPageSize {
		pw, ph = pw*pdfw.MaxPageSize/m, ph*pdfw.MaxPageSize/m
	}
	if m := min(pw, ph); m < pdfw.MinPageSize {
		s := pdfw.MinPageSize / m
		pw, ph = pw*s, ph*s
	}
	// Extreme aspect ratios cannot keep their shape; rounding must not push
	// a side out of range either.
	clamp := func(v float64) float64 { return min(max(v, pdfw.MinPageSize), pdfw.MaxPageSize) }
	return clamp(pw), clamp(ph)
}

// imgTurn turns a page image clockwise by turn degrees (90, 180 or 270).
// src is the PNG file of a Predicted image. A JPEG stays a JPEG
// (re-encoded at quality 92); other images become samples as
// pdfw.FromImage makes them: RGB, or grey, 1-bit when bilevel.
func imgTurn(img *pdfw.Image, src []byte, turn int) (*pdfw.Image, error) {
	s := img
	switch {
	case img.DCT:
		m, err := jpeg.Decode(bytes.NewReader(img.Data))
		if err != nil {
			return nil, err
		}
		s = pdfw.FromImage(m)
	case img.Predicted:
		m, err := png.Decode(bytes.NewReader(src))
		if err != nil {
			return nil, err
		}
		s = pdfw.FromImage(m)
	}
	w, h, comps := s.Width, s.Height, 3
	if s.Gray {
		comps = 1
	}
	row := (w*comps*s.BitsPerComponent + 7) / 8
	if s.BitsPerComponent != 1 && s.BitsPerComponent != 8 || len(s.Data) != row*h {
		return nil, fmt.Errorf("%dx%d image of %d bits with %d bytes of samples", w, h, s.BitsPerComponent, len(s.Data))
	}
	tw, th := h, w
	if turn == 180 {
		tw, th = w, h
	}
	// The turned image: grey, or RGBA (opaque, so FromImage copies its
	// RGB as it is).
	var m image.Image
	var pix []byte
	step := 1
	if s.Gray {
		g := image.NewGray(image.Rect(0, 0, tw, th))
		m, pix = g, g.Pix
	} else {
		c := image.NewRGBA(image.Rect(0, 0, tw, th))
		m, pix, step = c, c.Pix, 4
	}
	for y := range h {
		line := s.Data[y*row : (y+1)*row]
		for x := range w {
			var tx, ty int
			switch turn {
			case 90:
				tx, ty = h-1-y, x
			case 180:
				tx, ty = w-1-x, h-1-y
			default:
				tx, ty = y, w-1-x
			}
			o := pix[(ty*tw+tx)*step:]
			switch {
			case s.BitsPerComponent == 1: // 1 is white
				o[0] = 255 * (line[x/8] >> (7 - x%8) & 1)
			case step == 4:
				copy(o[:3], line[3*x:])
				o[3] = 255
			default:
				o[0] = line[x]
			}
		}
	}
	if !img.DCT {
		return pdfw.FromImage(m), nil
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 92}); err != nil {
		return nil, err
	}
	return &pdfw.Image{Width: tw, Height: th, Gray: s.Gray, BitsPerComponent: 8, DCT: true, Data: buf.Bytes()}, nil
}
