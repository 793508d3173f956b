package pdfa

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/image/tiff"

	"akte/pdfa/internal/pdfw"
)

// imgTIFFPage is one image file directory (IFD) of a TIFF: one page.
type imgTIFFPage struct {
	offset        uint32
	width, height int
	dpiX, dpiY    float64
	reduced       bool // a thumbnail (NewSubfileType bit 0)
}

// imgTIFFIFDs walks the chain of IFDs, refusing loops, offsets outside the
// file and more than maxPages pages. golang.org/x/image/tiff decodes only
// the first IFD, so multi-page files are walked here and each page decoded
// on its own (see imgTIFFReader).
func imgTIFFIFDs(data []byte, maxPages int) ([]imgTIFFPage, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("%w: truncated TIFF header", ErrInvalidImage)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	var pages []imgTIFFPage
	seen := map[uint32]bool{}
	off := bo.Uint32(data[4:])
	for off != 0 {
		if seen[off] {
			return nil, fmt.Errorf("%w: TIFF directories form a loop", ErrInvalidImage)
		}
		seen[off] = true
		if len(seen) > maxPages*4 || len(pages) >= maxPages {
			return nil, fmt.Errorf("%w: more than %d pages", ErrImageTooLarge, maxPages)
		}
		if int64(off)+2 > int64(len(data)) {
			return nil, fmt.Errorf("%w: TIFF directory offset %d outside the file", ErrInvalidImage, off)
		}
		n := int64(bo.Uint16(data[off:]))
		end := int64(off) + 2 + 12*n
		if end+4 > int64(len(data)) {
			return nil, fmt.Errorf("%w: truncated TIFF directory", ErrInvalidImage)
		}
		pg := imgTIFFPage{offset: off}
		var unit uint32 = 2 // inch
		for i := int64(0); i < n; i++ {
			e := data[int64(off)+2+12*i:]
			tag, typ := bo.Uint16(e), bo.Uint16(e[2:])
			val := func() uint32 {
				if typ == 3 { // SHORT
					return uint32(bo.Uint16(e[8:]))
				}
				return bo.Uint32(e[8:])
			}
			rational := func() float64 {
				p := int64(bo.Uint32(e[8:]))
				if typ != 5 || p+8 > int64(len(data)) {
					return 0
				}
				num, den := bo.Uint32(data[p:]), bo.Uint32(data[p+4:])
				if den == 0 {
					return 0
				}
				return float64(num) / float64(den)
			}
			switch tag {
			case 254:
				pg.reduced = val()&1 != 0
			case 256:
				pg.width = int(val())
			case 257:
				pg.height = int(val())
			case 282:
				pg.dpiX = rational()
			case 283:
				pg.dpiY = rational()
			case 296:
				unit = val()
			}
		}
		switch unit {
		case 3: // centimetre
			pg.dpiX, pg.dpiY = pg.dpiX*2.54, pg.dpiY*2.54
		case 1: // no absolute unit
			pg.dpiX, pg.dpiY = 0, 0
		}
		if !pg.reduced {
			pages = append(pages, pg)
		}
		off = bo.Uint32(data[end:])
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: TIFF has no pages", ErrInvalidImage)
	}
	return pages, nil
}

// imgTIFFReader presents data as a TIFF whose first IFD is at ifd, by
// patching the header's offset on the fly, so the single-image decoder
// decodes any page without copying the file.
type imgTIFFReader struct {
	data []byte
	hdr  [8]byte
	pos  int64
}

func newImgTIFFReader(data []byte, ifd uint32) *imgTIFFReader {
	r := &imgTIFFReader{data: data}
	copy(r.hdr[:], data[:8])
	if data[0] == 'M' {
		binary.BigEndian.PutUint32(r.hdr[4:], ifd)
	} else {
		binary.LittleEndian.PutUint32(r.hdr[4:], ifd)
	}
	return r
}

func (r *imgTIFFReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(r.data)) {
		return 0, io.EOF
	}
	n := copy(p, r.data[off:])
	if off < 8 {
		copy(p, r.hdr[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *imgTIFFReader) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.pos)
	r.pos += int64(n)
	return n, err
}

// imgTIFFPages adds each page of a TIFF, checking each against the pixel budget
// before decoding it, and ctx before each page.
func imgTIFFPages(ctx context.Context, doc *pdfw.Doc, data []byte, o *imgJob) error {
	pages, err := imgTIFFIFDs(data, o.MaxPages)
	if err != nil {
		return err
	}
	for i, pg := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := imgCheckPixels(pg.width, pg.height, o); err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
		img, err := renderGuard(func() (*pdfw.Image, error) {
			m, err := tiff.Decode(newImgTIFFReader(data, pg.offset))
			if err != nil {
				return nil, err
			}
			if b := m.Bounds(); b.Dx() != pg.width || b.Dy() != pg.height {
				return nil, errors.New("size differs from the directory")
			}
			return pdfw.FromImage(m), nil
		})
		var unsup tiff.UnsupportedError
		switch {
		case errors.As(err, &unsup):
			return fmt.Errorf("page %d: %w: %v", i+1, ErrUnsupportedImage, err)
		case err != nil:
			return fmt.Errorf("page %d: %w: TIFF: %v", i+1, ErrInvalidImage, err)
		}
		if err := imgAddPage(doc, img, nil, pg.dpiX, pg.dpiY, o); err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
	}
	return nil
}
