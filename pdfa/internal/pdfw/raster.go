package pdfw

import (
	"image"
	"image/color"
)

// FromImage converts a decoded image to samples for AddImage: gray images
// stay gray (packed to 1 bit when every pixel is black or white), all
// others become 8-bit RGB. Alpha is flattened onto white, 16-bit samples
// are reduced to 8 bits, palettes and CMYK become RGB.
func FromImage(src image.Image) *Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	img := &Image{Width: w, Height: h, BitsPerComponent: 8}
	switch s := src.(type) {
	case *image.Gray:
		img.Gray = true
		img.Data = make([]byte, w*h)
		for y := range h {
			copy(img.Data[y*w:(y+1)*w], s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		packBilevel(img)
		return img
	case *image.Gray16:
		img.Gray = true
		img.Data = make([]byte, w*h)
		for y := range h {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				img.Data[y*w+x] = row[2*x]
			}
		}
		packBilevel(img)
		return img
	}
	img.Data = make([]byte, 3*w*h)
	out := img.Data
	switch s := src.(type) {
	case *image.RGBA:
		for y := range h {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			o := out[3*w*y:]
			for x := range w {
				p := row[4*x : 4*x+4]
				k := 255 - uint16(p[3]) // premultiplied: over white adds 255-a
				o[3*x], o[3*x+1], o[3*x+2] = clamp8(uint16(p[0])+k), clamp8(uint16(p[1])+k), clamp8(uint16(p[2])+k)
			}
		}
	case *image.NRGBA:
		for y := range h {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			o := out[3*w*y:]
			for x := range w {
				p := row[4*x : 4*x+4]
				a := uint32(p[3])
				switch a {
				case 255:
					o[3*x], o[3*x+1], o[3*x+2] = p[0], p[1], p[2]
					continue
				case 0: // transparent background, as tablet signatures have
					o[3*x], o[3*x+1], o[3*x+2] = 255, 255, 255
					continue
				}
				k := 255 * (255 - a)
				o[3*x] = byte((uint32(p[0])*a + k + 127) / 255)
				o[3*x+1] = byte((uint32(p[1])*a + k + 127) / 255)
				o[3*x+2] = byte((uint32(p[2])*a + k + 127) / 255)
			}
		}
	case *image.YCbCr:
		for y := range h {
			o := out[3*w*y:]
			for x := range w {
				yi, ci := s.YOffset(b.Min.X+x, b.Min.Y+y), s.COffset(b.Min.X+x, b.Min.Y+y)
				o[3*x], o[3*x+1], o[3*x+2] = color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			}
		}
	case *image.NRGBA64:
		for y := range h {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			o := out[3*w*y:]
			for x := range w {
				p := row[8*x : 8*x+8]
				a := uint32(p[6])<<8 | uint32(p[7])
				k := 0xffff * (0xffff - a)
				for c := range 3 {
					v := uint32(p[2*c])<<8 | uint32(p[2*c+1])
					o[3*x+c] = byte(((v*a + k) / 0xffff) >> 8)
				}
			}
		}
	case *image.RGBA64:
		for y := range h {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			o := out[3*w*y:]
			for x := range w {
				p := row[8*x : 8*x+8]
				k := 0xffff - (uint32(p[6])<<8 | uint32(p[7]))
				for c := range 3 {
					v := uint32(p[2*c])<<8 | uint32(p[2*c+1]) + k
					o[3*x+c] = byte(min(v, 0xffff) >> 8)
				}
			}
		}
	case *image.Paletted:
		pal := make([][3]byte, 256)
		for i, c := range s.Palette {
			pal[i] = flatten(c)
		}
		for y := range h {
			row := s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):]
			o := out[3*w*y:]
			for x := range w {
				c := pal[row[x]]
				o[3*x], o[3*x+1], o[3*x+2] = c[0], c[1], c[2]
			}
		}
	default:
		for y := range h {
			o := out[3*w*y:]
			for x := range w {
				c := flatten(src.At(b.Min.X+x, b.Min.Y+y))
				o[3*x], o[3*x+1], o[3*x+2] = c[0], c[1], c[2]
			}
		}
	}
	return img
}

// flatten composes c over white and returns 8-bit RGB.
func flatten(c color.Color) [3]byte {
	r, g, b, a := c.RGBA() // premultiplied, 16-bit
	k := 0xffff - a
	return [3]byte{byte((r + k) >> 8), byte((g + k) >> 8), byte((b + k) >> 8)}
}

// packBilevel rewrites an 8-bit gray image whose pixels are all 0 or 255 as
// a 1-bit image, as scanned text pages usually are.
func packBilevel(img *Image) {
	for _, v := range img.Data {
		if v != 0 && v != 255 {
			return
		}
	}
	w, h := img.Width, img.Height
	row := (w + 7) / 8
	out := make([]byte, row*h)
	for y := range h {
		in := img.Data[y*w : (y+1)*w]
		o := out[y*row:]
		for x, v := range in {
			if v != 0 {
				o[x>>3] |= 0x80 >> (x & 7)
			}
		}
	}
	img.Data = out
	img.BitsPerComponent = 1
}

func clamp8(v uint16) byte {
	if v > 255 {
		return 255
	}
	return byte(v)
}
