package pdfa

import (
	"bytes"
	"image"
	"image/png"
	"math"

	"golang.org/x/image/draw"

	"akte/pdfa/internal/pdfw"
)

// formDecodeSignature decodes the tablet's PNG signature, refusing from the
// header alone anything over maxSignatureSide pixels a side. It returns nil
// for no signature. Alpha is flattened onto white.
func formDecodeSignature(data []byte) (*pdfw.Image, error) {
	if len(data) == 0 {
		return nil, nil
	}
	h, err := imgPNGHeader(data)
	if err != nil {
		return nil, formInvalid("signature", "%v", err)
	}
	if h.width > maxSignatureSide || h.height > maxSignatureSide {
		return nil, formInvalid("signature", "image %dx%d exceeds %dx%d pixels", h.width, h.height, maxSignatureSide, maxSignatureSide)
	}
	img, err := renderGuard(func() (*pdfw.Image, error) {
		m, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return pdfw.FromImage(formShrink(m, formSignaturePixelsW, formSignaturePixelsH)), nil
	})
	if err != nil {
		return nil, formInvalid("signature", "broken PNG: %v", err)
	}
	return img, nil
}

// The signature box at 300 dpi; larger signature images are scaled down to
// fit, which keeps the archive copy small without visible loss.
const (
	formSignaturePixelsW = formSignatureW * 300 / 72
	formSignaturePixelsH = formSignatureH * 300 / 72
)

// formShrink scales m down, keeping its aspect ratio and alpha, to fit within
// w × h pixels; smaller images are returned as they are.
func formShrink(m image.Image, w, h int) image.Image {
	b := m.Bounds()
	if b.Dx() <= w && b.Dy() <= h {
		return m
	}
	s := min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()))
	dst := image.NewNRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*s)), max(1, int(float64(b.Dy())*s))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), m, b, draw.Src, nil)
	return dst
}

// formDrawStrokes draws pen strokes as round-capped paths, scaled uniformly to
// fit the box at (x, y) of w × h points and centred in it. Tablet
// coordinates grow downwards; the page's grow upwards.
func formDrawStrokes(p *pdfw.Page, strokes [][]Point, x, y, w, h float64) {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, s := range strokes {
		for _, pt := range s {
			minX, maxX = math.Min(minX, pt.X), math.Max(maxX, pt.X)
			minY, maxY = math.Min(minY, pt.Y), math.Max(maxY, pt.Y)
		}
	}
	if math.IsInf(minX, 0) {
		return
	}
	sw, sh := math.Max(maxX-minX, 1e-9), math.Max(maxY-minY, 1e-9)
	scale := math.Min(w/sw, h/sh)
	if scale > 1e6 {
		scale = 1
	}
	ox := x + (w-sw*scale)/2
	oy := y + (h-sh*scale)/2
	p.Save()
	p.SetStrokeRGB(0.05, 0.1, 0.45)
	p.SetLineWidth(1.1)
	p.SetRound()
	for _, s := range strokes {
		if len(s) == 0 {
			continue
		}
		for i, pt := range s {
			px := ox + (pt.X-minX)*scale
			py := oy + (maxY-pt.Y)*scale
			if i == 0 {
				p.MoveTo(px, py)
			}
			p.LineTo(px, py) // a one-point stroke becomes a dot
		}
		p.Stroke()
	}
	p.Restore()
}
