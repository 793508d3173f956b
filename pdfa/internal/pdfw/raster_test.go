package pdfw

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// TestFromImageFastPaths compares each fast path with the generic
// conversion through color.Color, within rounding.
func TestFromImageFastPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := image.Rect(3, 5, 20, 14) // non-zero origin catches offset bugs
	nrgba, rgba := image.NewNRGBA(r), image.NewRGBA(r)
	nrgba64, rgba64 := image.NewNRGBA64(r), image.NewRGBA64(r)
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	pal := image.NewPaletted(r, color.Palette{color.White, color.NRGBA{255, 0, 0, 128}, color.Black})
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.NRGBA64{uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), uint16(rng.IntN(65536))}
			nrgba.Set(x, y, c)
			rgba.Set(x, y, c)
			nrgba64.Set(x, y, c)
			rgba64.Set(x, y, c)
			pal.SetColorIndex(x, y, uint8(rng.IntN(3)))
		}
	}
	for i := range ycc.Y {
		ycc.Y[i] = uint8(rng.IntN(256))
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(rng.IntN(256)), uint8(rng.IntN(256))
	}
	for name, img := range map[string]image.Image{"NRGBA": nrgba, "RGBA": rgba, "NRGBA64": nrgba64, "RGBA64": rgba64, "YCbCr": ycc, "Paletted": pal} {
		got := FromImage(img)
		if got.Gray || got.Width != r.Dx() || got.Height != r.Dy() {
			t.Fatalf("%s: wrong shape", name)
		}
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				want := flatten(img.At(r.Min.X+x, r.Min.Y+y))
				for c := range 3 {
					d := int(got.Data[3*(y*r.Dx()+x)+c]) - int(want[c])
					if d < -1 || d > 1 {
						t.Fatalf("%s: pixel (%d,%d) channel %d = %d, want %d", name, x, y, c, got.Data[3*(y*r.Dx()+x)+c], want[c])
					}
				}
			}
		}
	}
	g := image.NewGray(r)
	for i := range g.Pix {
		g.Pix[i] = 255 * uint8(i%2)
	}
	if bi := FromImage(g); !bi.Gray || bi.BitsPerComponent != 1 || len(bi.Data) != (r.Dx()+7)/8*r.Dy() {
		t.Errorf("bilevel gray not packed to 1 bit")
	}
}
