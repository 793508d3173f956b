package pdfa

import (
	"bytes"
	"compress/zlib"
	"fmt"
)

// maxStreamBytes caps one decoded stream whatever the overall budget.
const maxStreamBytes = 128 << 20

// filters returns the filter names of a stream or inline image dictionary.
func (d *document) filters(dict pdfDict) []string {
	f := d.res(dict["Filter"])
	if f == nil {
		f = d.res(dict["F"])
		if _, isName := f.(pdfName); !isName {
			if _, isArr := f.(pdfArray); !isArr {
				f = nil
			}
		}
	}
	switch v := f.(type) {
	case pdfName:
		return []string{string(v)}
	case pdfArray:
		var out []string
		for _, x := range v {
			out = append(out, d.name(x))
		}
		return out
	}
	return nil
}

// decodeStream applies the stream's filters. Image codecs (DCT, JPX,
// CCITT, JBIG2) end decoding: their data is returned as is. Decoded size is
// charged to the budget; a bomb ends the check with ErrTooComplex.
func (d *document) decodeStream(s *pdfStream) ([]byte, error) {
	if b, ok := d.decoded[s]; ok {
		return b, nil
	}
	b, err := d.decodeStreamUncached(s)
	if err == nil && len(b) <= maxCachedStream && d.decodedBytes+len(b) <= maxDecodeCache {
		if d.decoded == nil {
			d.decoded = map[*pdfStream][]byte{}
		}
		d.decoded[s] = b
		d.decodedBytes += len(b)
	}
	return b, err
}

// A form XObject used on every page is decoded (and charged) once.
const (
	maxCachedStream = 1 << 20
	maxDecodeCache  = 32 << 20
)

func (d *document) decodeStreamUncached(s *pdfStream) ([]byte, error) {
	data := s.raw
	parms := d.res(s.dict["DecodeParms"])
	for i, f := range d.filters(s.dict) {
		var p pdfDict
		switch v := parms.(type) {
		case pdfDict:
			if i == 0 {
				p = v
			}
		case pdfArray:
			if i < len(v) {
				p = d.dict(v[i])
			}
		}
		var err error
		switch f {
		case "FlateDecode", "Fl":
			data, err = d.inflate(data)
			if err == nil {
				data = d.unpredict(data, p)
			}
		case "ASCIIHexDecode", "AHx":
			data, _, _, _ = decodeHex(data)
		case "ASCII85Decode", "A85":
			data = ascii85Decode(data)
		case "RunLengthDecode", "RL":
			data, err = d.runLengthDecode(data)
		default:
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

func (d *document) inflate(in []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(in))
	if err != nil {
		return nil, nil
	}
	limit := min(d.b.remaining(), maxStreamBytes)
	var out bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		if err := d.b.step(); err != nil {
			return nil, err
		}
		n, rerr := zr.Read(buf)
		out.Write(buf[:n])
		if int64(out.Len()) > limit {
			return nil, fmt.Errorf("check pdf: %w: a stream decodes to more than %d bytes", ErrTooComplex, limit)
		}
		if rerr != nil {
			break // the end, or damage: keep what decoded so far
		}
	}
	if err := d.b.alloc(int64(out.Len())); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// unpredict reverses PNG (>= 10) and TIFF (2, 8-bit) predictors.
func (d *document) unpredict(data []byte, p pdfDict) []byte {
	if p == nil {
		return data
	}
	pred, _ := p["Predictor"].(int64)
	if pred < 2 {
		return data
	}
	cols, colors, bpc := int64(1), int64(1), int64(8)
	if v, ok := p["Columns"].(int64); ok && v > 0 {
		cols = v
	}
	if v, ok := p["Colors"].(int64); ok && v > 0 {
		colors = v
	}
	if v, ok := p["BitsPerComponent"].(int64); ok && v > 0 {
		bpc = v
	}
	if cols > 1<<20 || colors > 64 || bpc > 16 {
		return data
	}
	bpp := int((colors*bpc + 7) / 8)
	rowLen := int((cols*colors*bpc + 7) / 8)
	if pred == 2 {
		if bpc != 8 {
			return data
		}
		out := append([]byte(nil), data...)
		for r := 0; r+rowLen <= len(out); r += rowLen {
			for i := bpp; i < rowLen; i++ {
				out[r+i] += out[r+i-bpp]
			}
		}
		return out
	}
	var out []byte
	prev := make([]byte, rowLen)
	for r := 0; r+rowLen+1 <= len(data); r += rowLen + 1 {
		ft := data[r]
		row := append([]byte(nil), data[r+1:r+1+rowLen]...)
		for i := range row {
			var a, b, c byte
			if i >= bpp {
				a = row[i-bpp]
				c = prev[i-bpp]
			}
			b = prev[i]
			switch ft {
			case 1:
				row[i] += a
			case 2:
				row[i] += b
			case 3:
				row[i] += byte((int(a) + int(b)) / 2)
			case 4:
				row[i] += paeth(a, b, c)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := absInt(p-int(a)), absInt(p-int(b)), absInt(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func ascii85Decode(in []byte) []byte {
	var out []byte
	var grp [5]byte
	n := 0
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == '~' {
			break
		}
		if isWS(c) {
			continue
		}
		if c == 'z' && n == 0 {
			out = append(out, 0, 0, 0, 0)
			continue
		}
		if c < '!' || c > 'u' {
			continue
		}
		grp[n] = c - '!'
		n++
		if n == 5 {
			v := uint32(0)
			for _, g := range grp {
				v = v*85 + uint32(g)
			}
			out = append(out, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
			n = 0
		}
	}
	if n > 1 {
		for k := n; k < 5; k++ {
			grp[k] = 84
		}
		v := uint32(0)
		for _, g := range grp {
			v = v*85 + uint32(g)
		}
		b := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
		out = append(out, b[:n-1]...)
	}
	return out
}

func (d *document) runLengthDecode(in []byte) ([]byte, error) {
	var out []byte
	for i := 0; i < len(in); {
		n := int(in[i])
		i++
		switch {
		case n == 128:
			return out, nil
		case n < 128:
			e := i + n + 1
			if e > len(in) {
				e = len(in)
			}
			out = append(out, in[i:e]...)
			i = e
		default:
			if i >= len(in) {
				return out, nil
			}
			out = append(out, bytes.Repeat([]byte{in[i]}, 257-n)...)
			i++
		}
		if len(out) > maxStreamBytes {
			return nil, fmt.Errorf("check pdf: %w: a stream decodes to more than %d bytes", ErrTooComplex, maxStreamBytes)
		}
	}
	if err := d.b.alloc(int64(len(out))); err != nil {
		return nil, err
	}
	return out, nil
}
