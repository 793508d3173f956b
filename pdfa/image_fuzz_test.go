package pdfa

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"testing"
	"time"

	"golang.org/x/image/tiff"
)

// FuzzImageToPDF feeds arbitrary bytes to ImageToPDF: it must never panic
// or hang, must refuse with one of its typed errors, and must otherwise
// return a complete PDF.
func FuzzImageToPDF(f *testing.F) {
	f.Add(imgMakeJPEG(f, imgTestPicture(16, 8), 300))
	f.Add(imgMakeJPEG(f, imgGrayPage(9, 7, false), 0))
	cmyk := image.NewCMYK(image.Rect(0, 0, 8, 8))
	for i := range cmyk.Pix {
		cmyk.Pix[i] = uint8(i * 13)
	}
	f.Add(imgMakeJPEG(f, cmyk, 72))
	f.Add(imgMakePNG(f, imgTestPicture(16, 8), 300))
	pal := image.NewPaletted(image.Rect(0, 0, 5, 5), color.Palette{color.White, color.Transparent, color.Black})
	f.Add(imgMakePNG(f, pal, 0))
	f.Add(imgMakePNG(f, image.NewNRGBA64(image.Rect(0, 0, 3, 3)), 96))
	f.Add(imgMakeTIFF([]*image.Gray{imgGrayPage(8, 8, false), imgGrayPage(9, 5, true)}, 200))
	var tf bytes.Buffer
	if err := tiff.Encode(&tf, imgTestPicture(7, 5), &tiff.Options{Compression: tiff.Deflate, Predictor: true}); err == nil {
		f.Add(tf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		res, err := ImageToPDF(context.Background(), data, &ImageOptions{MaxPixels: 1 << 20, MaxPages: 16, Now: formRenderTime})
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v on %d bytes", d, len(data))
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidImage) && !errors.Is(err, ErrUnsupportedImage) && !errors.Is(err, ErrImageTooLarge) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if !bytes.HasPrefix(res.PDF, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(res.PDF, []byte("%%EOF\n")) {
			t.Fatal("incomplete PDF")
		}
	})
}
