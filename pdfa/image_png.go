package pdfa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/png"
	"io"

	"akte/pdfa/internal/pdfw"
)

var imgPNGMagic = []byte("\x89PNG\r\n\x1a\n")

// imgPNGInfo is what the PNG header chunks say, read without decoding.
type imgPNGInfo struct {
	width, height int
	depth, color  byte
	dpiX, dpiY    float64 // from pHYs; 0 when absent
}

// imgPNGHeader reads IHDR and, before the first IDAT, pHYs. It checks chunk
// lengths against the data but not CRCs (the decoder does).
func imgPNGHeader(data []byte) (*imgPNGInfo, error) {
	if !bytes.HasPrefix(data, imgPNGMagic) {
		return nil, errors.New("not a PNG file")
	}
	p := data[len(imgPNGMagic):]
	info := &imgPNGInfo{}
	first := true
	for {
		if len(p) < 12 {
			return nil, errors.New("truncated PNG header")
		}
		n := binary.BigEndian.Uint32(p)
		typ := string(p[4:8])
		if n > uint32(len(p)-12) {
			return nil, fmt.Errorf("truncated PNG chunk %q", typ)
		}
		body := p[8 : 8+n]
		switch {
		case first && (typ != "IHDR" || n != 13):
			return nil, errors.New("PNG does not start with IHDR")
		case typ == "IHDR":
			w, h := binary.BigEndian.Uint32(body), binary.BigEndian.Uint32(body[4:])
			if w == 0 || h == 0 || w > 1<<30 || h > 1<<30 {
				return nil, fmt.Errorf("bad PNG dimensions %dx%d", w, h)
			}
			info.width, info.height = int(w), int(h)
			info.depth, info.color = body[8], body[9]
		case typ == "pHYs" && n == 9 && body[8] == 1:
			info.dpiX = float64(binary.BigEndian.Uint32(body)) * 0.0254
			info.dpiY = float64(binary.BigEndian.Uint32(body[4:])) * 0.0254
		case typ == "IDAT" || typ == "IEND":
			return info, nil
		}
		first = false
		p = p[12+n:]
	}
}

// imgPNGPage decodes a PNG under the pixel budget and adds it as a page.
func imgPNGPage(doc *pdfw.Doc, data []byte, o *imgJob) error {
	info, err := imgPNGHeader(data)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidImage, err)
	}
	if err := imgCheckPixels(info.width, info.height, o); err != nil {
		return err
	}
	if img, ok, err := imgPNGPassthrough(data, info); ok || err != nil {
		if err != nil {
			return fmt.Errorf("%w: PNG: %v", ErrInvalidImage, err)
		}
		return imgAddPage(doc, img, data, info.dpiX, info.dpiY, o)
	}
	img, err := renderGuard(func() (*pdfw.Image, error) {
		m, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return pdfw.FromImage(m), nil
	})
	if err != nil {
		return fmt.Errorf("%w: PNG: %v", ErrInvalidImage, err)
	}
	return imgAddPage(doc, img, nil, info.dpiX, info.dpiY, o)
}

// imgPNGPassthrough embeds the compressed data of a plain PNG — 8-bit grey
// or RGB, not interlaced, no transparency — as it is, with
// the PNG predictors PDF shares: no decoding and re-compressing of the
// pixels, which had cost a scan page more than its OCR's tenth. ok is false
// for other PNGs (they are decoded). Chunk CRCs are checked here; the rows
// — their count, length, filter types and zlib checksum — are checked once
// the page is placed (imgAddPage: by libpng when tesseract reads the file,
// else by imgCheckPNGRows).
func imgPNGPassthrough(data []byte, info *imgPNGInfo) (img *pdfw.Image, ok bool, err error) {
	var comps int
	switch {
	case info.depth == 8 && info.color == 0:
		comps = 1
	case info.depth == 8 && info.color == 2:
		comps = 3
	default:
		return nil, false, nil
	}
	var idat []byte
	p := data[len(imgPNGMagic):]
	for {
		if len(p) < 12 {
			return nil, false, errors.New("truncated PNG")
		}
		n := binary.BigEndian.Uint32(p)
		if n > uint32(len(p)-12) {
			return nil, false, errors.New("truncated PNG chunk")
		}
		typ, body := p[4:8], p[8:8+n]
		if crc32.ChecksumIEEE(p[4:8+n]) != binary.BigEndian.Uint32(p[8+n:]) {
			return nil, false, fmt.Errorf("PNG chunk %q: CRC mismatch", typ)
		}
		switch string(typ) {
		case "IHDR":
			if body[12] != 0 { // interlaced
				return nil, false, nil
			}
		case "tRNS":
			return nil, false, nil
		case "IDAT":
			idat = append(idat, body...)
		case "IEND":
			return &pdfw.Image{Width: info.width, Height: info.height, Gray: comps == 1,
				BitsPerComponent: int(info.depth), Predicted: true, Data: idat}, true, nil
		}
		p = p[12+n:]
	}
}

// imgCheckPNGRows checks the rows of a passed-through PNG image (Predicted,
// 8 bits): wrapped as ErrInvalidImage when they are broken.
func imgCheckPNGRows(img *pdfw.Image) error {
	comps := 3
	if img.Gray {
		comps = 1
	}
	if err := imgCheckRows(img.Data, (img.Width*comps*img.BitsPerComponent+7)/8, img.Height); err != nil {
		return fmt.Errorf("%w: PNG: %v", ErrInvalidImage, err)
	}
	return nil
}

// imgCheckRows inflates PNG image data and checks that it holds exactly
// rows rows of a filter type byte (0–4) and rowBytes bytes.
func imgCheckRows(idat []byte, rowBytes, rows int) error {
	zr, err := zlib.NewReader(bytes.NewReader(idat))
	if err != nil {
		return err
	}
	buf := make([]byte, 1+rowBytes)
	for r := range rows {
		if _, err := io.ReadFull(zr, buf); err != nil {
			return fmt.Errorf("row %d of %d: %v", r+1, rows, err)
		}
		if buf[0] > 4 {
			return fmt.Errorf("row %d: unknown filter type %d", r+1, buf[0])
		}
	}
	if n, _ := zr.Read(buf[:1]); n != 0 {
		return errors.New("more image data than rows")
	}
	return zr.Close()
}
