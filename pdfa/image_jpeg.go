package pdfa

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/jpeg"

	"akte/pdfa/internal/pdfw"
)

// imgJPEGInfo is what a JPEG's markers say, read without decoding.
type imgJPEGInfo struct {
	width, height, comps int
	dpiX, dpiY           float64
}

// errImgJPEGUnsupported marks a JPEG variant PDF readers or we cannot handle.
var errImgJPEGUnsupported = errors.New("unsupported JPEG")

// imgJPEGScan walks a JPEG's marker segments and entropy-coded data from SOI to
// EOI without decoding: it finds the frame header (SOF) and the resolution
// (JFIF density) and reports truncation or malformed structure. Only 8-bit
// baseline, extended and progressive Huffman frames are accepted.
func imgJPEGScan(data []byte) (*imgJPEGInfo, error) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return nil, errors.New("no SOI marker")
	}
	info := &imgJPEGInfo{}
	sawFrame, sawScan := false, false
	p := 2
	for {
		// Find the next marker, skipping fill bytes.
		if p >= len(data) || data[p] != 0xff {
			return nil, fmt.Errorf("expected a marker at offset %d", p)
		}
		for p < len(data) && data[p] == 0xff {
			p++
		}
		if p >= len(data) {
			return nil, errors.New("truncated before EOI")
		}
		m := data[p]
		p++
		switch {
		case m == 0xd9: // EOI
			if !sawFrame || !sawScan {
				return nil, errors.New("no frame or scan before EOI")
			}
			return info, nil
		case m >= 0xd0 && m <= 0xd7 || m == 0x01: // RSTn, TEM: no length
			continue
		case m == 0xd8 || m == 0x00:
			return nil, fmt.Errorf("unexpected marker 0x%02x", m)
		}
		if p+2 > len(data) {
			return nil, errors.New("truncated segment length")
		}
		n := int(binary.BigEndian.Uint16(data[p:]))
		if n < 2 || p+n > len(data) {
			return nil, fmt.Errorf("truncated segment 0x%02x", m)
		}
		seg := data[p+2 : p+n]
		p += n
		switch {
		case m == 0xc0 || m == 0xc1 || m == 0xc2:
			if sawFrame || len(seg) < 6 {
				return nil, errors.New("bad or repeated frame header")
			}
			sawFrame = true
			if seg[0] != 8 {
				return nil, fmt.Errorf("%w: %d-bit samples", errImgJPEGUnsupported, seg[0])
			}
			info.height = int(binary.BigEndian.Uint16(seg[1:]))
			info.width = int(binary.BigEndian.Uint16(seg[3:]))
			info.comps = int(seg[5])
			if info.height == 0 {
				return nil, fmt.Errorf("%w: height defined by DNL", errImgJPEGUnsupported)
			}
			if c := info.comps; c != 1 && c != 3 && c != 4 || len(seg) < 6+3*c {
				return nil, fmt.Errorf("bad component count %d", c)
			}
		case m >= 0xc3 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc:
			return nil, fmt.Errorf("%w: frame type 0x%02x (lossless, hierarchical or arithmetic)", errImgJPEGUnsupported, m)
		case m == 0xe0 && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("JFIF\x00")):
			x, y := float64(binary.BigEndian.Uint16(seg[8:])), float64(binary.BigEndian.Uint16(seg[10:]))
			switch seg[7] {
			case 1:
				info.dpiX, info.dpiY = x, y
			case 2:
				info.dpiX, info.dpiY = x*2.54, y*2.54
			}
		case m == 0xda: // SOS: skip the entropy-coded data up to the next marker
			if !sawFrame {
				return nil, errors.New("scan before frame header")
			}
			sawScan = true
			for {
				i := bytes.IndexByte(data[p:], 0xff)
				if i < 0 || p+i+1 >= len(data) {
					return nil, errors.New("truncated scan data")
				}
				p += i
				if next := data[p+1]; next == 0x00 || next >= 0xd0 && next <= 0xd7 {
					p += 2
					continue
				}
				break
			}
		}
	}
}

// imgJPEGPage adds a JPEG as a page: embedded as is for gray and colour, or
// decoded, converted to RGB and re-encoded when it is CMYK/YCCK. dpiX and
// dpiY, when positive, stand for the JFIF's resolution (a page rebuilt
// from a PDF keeps its size).
func imgJPEGPage(doc *pdfw.Doc, data []byte, dpiX, dpiY float64, o *imgJob) error {
	info, err := imgJPEGScan(data)
	if errors.Is(err, errImgJPEGUnsupported) {
		return fmt.Errorf("%w: %v", ErrUnsupportedImage, err)
	}
	if err != nil {
		return fmt.Errorf("%w: JPEG: %v", ErrInvalidImage, err)
	}
	if err := imgCheckPixels(info.width, info.height, o); err != nil {
		return err
	}
	img := &pdfw.Image{Width: info.width, Height: info.height, BitsPerComponent: 8, DCT: true, Data: data, Gray: info.comps == 1}
	if info.comps == 4 {
		img, err = renderGuard(func() (*pdfw.Image, error) { return imgCMYKToRGBJPEG(data) })
		if err != nil {
			return fmt.Errorf("%w: CMYK JPEG: %v", ErrInvalidImage, err)
		}
	}
	if dpiX <= 0 || dpiY <= 0 {
		dpiX, dpiY = info.dpiX, info.dpiY
	}
	return imgAddPage(doc, img, nil, dpiX, dpiY, o)
}

// imgCMYKToRGBJPEG decodes a CMYK (or YCCK) JPEG and re-encodes it as an RGB
// JPEG at quality 92: PDF/A with an sRGB OutputIntent cannot carry
// DeviceCMYK. The encoder converts each pixel through color.CMYK's RGB.
func imgCMYKToRGBJPEG(data []byte) (*pdfw.Image, error) {
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 92}); err != nil {
		return nil, err
	}
	b := m.Bounds()
	return &pdfw.Image{Width: b.Dx(), Height: b.Dy(), BitsPerComponent: 8, DCT: true, Data: buf.Bytes()}, nil
}
