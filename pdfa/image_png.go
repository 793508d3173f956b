package pdfa

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/png"

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
	return imgAddPage(doc, img, info.dpiX, info.dpiY, o)
}
