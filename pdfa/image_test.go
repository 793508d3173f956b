package pdfa

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"akte/pdfa/internal/pdfw"
	"akte/pdfa/internal/pdfw/pdfwtest"
	"akte/pdfa/scantest"
)

// imgTestPicture is a w × h colour gradient with a dark diagonal.
func imgTestPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255}
			if imgAbs(x*h-y*w) < 3*w {
				c = color.RGBA{20, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func imgAbs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// imgMakeJPEG encodes img and, when dpi > 0, inserts a JFIF APP0 segment with
// that density (Go's encoder writes none).
func imgMakeJPEG(t testing.TB, img image.Image, dpi int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if dpi <= 0 {
		return b
	}
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, byte(dpi >> 8), byte(dpi), byte(dpi >> 8), byte(dpi), 0, 0}
	return append(append(append([]byte{}, b[:2]...), app0...), b[2:]...)
}

// imgPNGChunk builds one PNG chunk with its CRC.
func imgPNGChunk(typ string, body []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	c = append(c, typ...)
	c = append(c, body...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// imgMakePNG encodes img and, when dpi > 0, inserts a pHYs chunk.
func imgMakePNG(t testing.TB, img image.Image, dpi float64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if dpi <= 0 {
		return b
	}
	ppm := uint32(math.Round(dpi / 0.0254))
	body := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, ppm), ppm)
	body = append(body, 1)
	ihdrEnd := 8 + 12 + 13
	return append(append(append([]byte{}, b[:ihdrEnd]...), imgPNGChunk("pHYs", body)...), b[ihdrEnd:]...)
}

// imgMakeTIFF writes a little-endian, uncompressed, 8-bit gray TIFF with one
// page per image and the given resolution (dots per inch).
func imgMakeTIFF(pages []*image.Gray, dpi uint32) []byte {
	le := binary.LittleEndian
	out := []byte("II*\x00\x00\x00\x00\x00")
	prevNext := 4
	for _, pg := range pages {
		w, h := pg.Bounds().Dx(), pg.Bounds().Dy()
		pix := len(out)
		out = append(out, pg.Pix...)
		res := len(out)
		out = le.AppendUint32(le.AppendUint32(out, dpi), 1)
		if len(out)%2 == 1 {
			out = append(out, 0)
		}
		ifd := len(out)
		le.PutUint32(out[prevNext:], uint32(ifd))
		type entry struct {
			tag, typ uint16
			val      uint32
		}
		es := []entry{{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, uint32(pix)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(w * h)},
			{282, 5, uint32(res)}, {283, 5, uint32(res)}, {296, 3, 2}}
		out = le.AppendUint16(out, uint16(len(es)))
		for _, e := range es {
			out = le.AppendUint16(le.AppendUint16(out, e.tag), e.typ)
			out = le.AppendUint32(out, 1)
			if e.typ == 3 {
				out = le.AppendUint32(out, e.val&0xffff)
			} else {
				out = le.AppendUint32(out, e.val)
			}
		}
		prevNext = len(out)
		out = le.AppendUint32(out, 0)
	}
	return out
}

func imgGrayPage(w, h int, bilevel bool) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		x, y := i%w, i/w
		v := uint8((x + y) % 256)
		if bilevel {
			v = 255
			if (x/7+y/11)%5 == 0 {
				v = 0
			}
		}
		g.Pix[i] = v
	}
	return g
}

var imgMediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// imgPageSizes returns the MediaBox sizes of the pages in pdf, in order.
func imgPageSizes(t testing.TB, pdf []byte) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, m := range imgMediaBox.FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		out = append(out, [2]float64{w, h})
	}
	return out
}

func TestImageToPDF(t *testing.T) {
	alpha := image.NewNRGBA64(image.Rect(0, 0, 120, 80))
	for i := range 120 {
		for j := range 80 {
			alpha.Set(i, j, color.NRGBA64{0xffff, uint16(j * 800), 0, uint16(i * 500)})
		}
	}
	pal := image.NewPaletted(image.Rect(0, 0, 50, 50), color.Palette{color.White, color.RGBA{200, 0, 0, 255}, color.Black})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3)
	}
	cmyk := image.NewCMYK(image.Rect(0, 0, 64, 48))
	for i := range cmyk.Pix {
		cmyk.Pix[i] = uint8(i * 7)
	}
	var tifRGB bytes.Buffer
	if err := tiff.Encode(&tifRGB, imgTestPicture(90, 60), &tiff.Options{Compression: tiff.Deflate}); err != nil {
		t.Fatal(err)
	}
	a4w, a4h := 2480, 3508
	cases := []struct {
		name  string
		data  []byte
		pages [][2]float64 // expected page sizes in points (±0.5)
		dct   bool
	}{
		{"jpeg A4 300dpi", imgMakeJPEG(t, imgTestPicture(a4w/4, a4h/4), 75), [][2]float64{{595.2, 841.9}}, true},
		{"jpeg no density", imgMakeJPEG(t, imgTestPicture(300, 150), 0), [][2]float64{{72, 36}}, true},
		{"jpeg gray", imgMakeJPEG(t, imgGrayPage(200, 100, false), 200), [][2]float64{{72, 36}}, true},
		{"jpeg cmyk", imgMakeJPEG(t, cmyk, 0), [][2]float64{{15.36, 11.52}}, true},
		{"png A4 150dpi", imgMakePNG(t, imgTestPicture(a4w/2, a4h/2), 150), [][2]float64{{595.2, 841.9}}, false},
		{"png 16-bit alpha", imgMakePNG(t, alpha, 0), [][2]float64{{28.8, 19.2}}, false},
		{"png palette", imgMakePNG(t, pal, 72), [][2]float64{{50, 50}}, false},
		{"tiff multi-page", imgMakeTIFF([]*image.Gray{imgGrayPage(300, 600, true), imgGrayPage(600, 300, false), imgGrayPage(31, 17, true)}, 100),
			[][2]float64{{216, 432}, {432, 216}, {22.32, 12.24}}, false},
		{"tiff rgb deflate 72dpi", tifRGB.Bytes(), [][2]float64{{90, 60}}, false},
	}
	for _, c := range cases {
		for _, part := range []int{2, 1} {
			t.Run(c.name+"/part"+strconv.Itoa(part), func(t *testing.T) {
				res, err := ImageToPDF(context.Background(), c.data, &ImageOptions{Part: part, Title: "Scan „Müller“", Now: formRenderTime})
				if err != nil {
					t.Fatal(err)
				}
				got := imgPageSizes(t, res.PDF)
				if len(got) != len(c.pages) {
					t.Fatalf("%d pages, want %d", len(got), len(c.pages))
				}
				for i := range got {
					if math.Abs(got[i][0]-c.pages[i][0]) > 0.5 || math.Abs(got[i][1]-c.pages[i][1]) > 0.5 {
						t.Errorf("page %d is %v, want %v", i+1, got[i], c.pages[i])
					}
				}
				if c.dct != bytes.Contains(res.PDF, []byte("/DCTDecode")) {
					t.Errorf("DCTDecode present = %v, want %v", !c.dct, c.dct)
				}
				if c.dct && c.name != "jpeg cmyk" && !bytes.Contains(res.PDF, c.data) {
					t.Error("JPEG not embedded unchanged")
				}
				if bytes.Contains(res.PDF, []byte("/Interpolate")) || bytes.Contains(res.PDF, []byte("/SMask")) {
					t.Error("image has /Interpolate or /SMask")
				}
				pdfwtest.QPDFCheck(t, res.PDF)
				pdfwtest.PDFCPUValidate(t, res.PDF)
				if part == 1 && (c.name == "jpeg A4 300dpi" || c.name == "tiff multi-page" || c.name == "png 16-bit alpha") {
					pdfwtest.Preflight(t, res.PDF)
				}
			})
		}
	}
}

// TestImagesToPDF: a document scanned a file per page becomes one PDF/A,
// pages in the order given (a multi-page TIFF adds all of its), the same
// files giving the same bytes; a broken file is named by its position,
// and nothing or too much is refused.
func TestImagesToPDF(t *testing.T) {
	ctx := context.Background()
	files := [][]byte{
		imgMakeJPEG(t, imgTestPicture(300, 150), 0),
		imgMakeTIFF([]*image.Gray{imgGrayPage(300, 600, true), imgGrayPage(600, 300, false)}, 100),
		imgMakePNG(t, imgTestPicture(90, 60), 72),
	}
	res, err := ImagesToPDF(ctx, files, &ImageOptions{Now: formRenderTime})
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]float64{{72, 36}, {216, 432}, {432, 216}, {90, 60}}
	got := imgPageSizes(t, res.PDF)
	if len(got) != len(want) || res.Pages != len(want) {
		t.Fatalf("%d pages (Pages %d), want %d", len(got), res.Pages, len(want))
	}
	for i := range got {
		if math.Abs(got[i][0]-want[i][0]) > 0.5 || math.Abs(got[i][1]-want[i][1]) > 0.5 {
			t.Errorf("page %d is %v, want %v", i+1, got[i], want[i])
		}
	}
	if !bytes.Contains(res.PDF, files[0]) {
		t.Error("JPEG not embedded unchanged")
	}
	pdfwtest.QPDFCheck(t, res.PDF)
	pdfwtest.PDFCPUValidate(t, res.PDF)
	again, err := ImagesToPDF(ctx, files, &ImageOptions{Now: formRenderTime})
	if err != nil || !bytes.Equal(again.PDF, res.PDF) {
		t.Errorf("the same files gave different bytes (%v)", err)
	}
	swapped, err := ImagesToPDF(ctx, [][]byte{files[2], files[0]}, &ImageOptions{Now: formRenderTime})
	if err != nil {
		t.Fatal(err)
	}
	if got := imgPageSizes(t, swapped.PDF); len(got) != 2 || math.Abs(got[0][0]-90) > 0.5 {
		t.Errorf("pages out of order: %v", got)
	}

	broken := [][]byte{files[0], files[2][:len(files[2])/2]}
	if _, err := ImagesToPDF(ctx, broken, nil); !errors.Is(err, ErrInvalidImage) || !strings.Contains(err.Error(), "file 2 of 2") {
		t.Errorf("broken second file: %v", err)
	}
	if _, err := ImagesToPDF(ctx, nil, nil); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("no files: %v", err)
	}
	if _, err := ImagesToPDF(ctx, files, &ImageOptions{MaxBytes: len(files[0]) + len(files[1])}); !errors.Is(err, ErrImageTooLarge) {
		t.Errorf("over the byte budget together: %v", err)
	}
	if _, err := ImagesToPDF(ctx, files, &ImageOptions{MaxPages: 2}); !errors.Is(err, ErrImageTooLarge) {
		t.Errorf("more files than pages allowed: %v", err)
	}
}

func TestImageA4At300DPI(t *testing.T) {
	data := imgMakeJPEG(t, imgTestPicture(2480, 3508), 300)
	res, err := ImageToPDF(context.Background(), data, &ImageOptions{Now: formRenderTime})
	if err != nil {
		t.Fatal(err)
	}
	got := imgPageSizes(t, res.PDF)
	if len(got) != 1 || math.Abs(got[0][0]-595.2) > 0.5 || math.Abs(got[0][1]-841.9) > 0.5 {
		t.Fatalf("page sizes %v, want A4 (595.3 × 841.9)", got)
	}
}

// imgPNGBomb returns a valid PNG of w × h gray pixels, all zero: tiny on disk,
// huge decoded.
func imgPNGBomb(t testing.TB, w, h int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, w+1)
	for range h {
		zw.Write(row)
	}
	zw.Close()
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(w)), uint32(h))
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	out := append([]byte{}, imgPNGMagic...)
	out = append(out, imgPNGChunk("IHDR", ihdr)...)
	out = append(out, imgPNGChunk("IDAT", z.Bytes())...)
	return append(out, imgPNGChunk("IEND", nil)...)
}

func TestHostileImages(t *testing.T) {
	jpg := imgMakeJPEG(t, imgTestPicture(64, 64), 300)
	pngData := imgMakePNG(t, imgTestPicture(64, 64), 300)
	tif := imgMakeTIFF([]*image.Gray{imgGrayPage(40, 40, false), imgGrayPage(40, 40, false)}, 300)

	hugePNG := append([]byte{}, pngData...)
	copy(hugePNG[16:24], binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 100000), 100000))
	hugeJPEG := append([]byte{}, jpg...)
	if i := bytes.Index(hugeJPEG, []byte{0xff, 0xc0}); i > 0 {
		copy(hugeJPEG[i+5:], []byte{0xff, 0xff, 0xff, 0xff})
	}
	loop := append([]byte{}, tif...)
	// Point the second page's "next IFD" back at the first IFD.
	first := binary.LittleEndian.Uint32(loop[4:])
	n := binary.LittleEndian.Uint16(loop[first:])
	second := binary.LittleEndian.Uint32(loop[int(first)+2+12*int(n):])
	binary.LittleEndian.PutUint32(loop[int(second)+2+12*int(n):], first)
	selfLoop := append([]byte{}, tif...)
	binary.LittleEndian.PutUint32(selfLoop[int(first)+2+12*int(n):], first)
	hugeTIFF := imgMakeTIFF([]*image.Gray{imgGrayPage(4, 4, false)}, 300)
	first = binary.LittleEndian.Uint32(hugeTIFF[4:])
	binary.LittleEndian.PutUint32(hugeTIFF[int(first)+2+8:], 100000)    // ImageWidth
	binary.LittleEndian.PutUint32(hugeTIFF[int(first)+2+12+8:], 100000) // ImageLength
	twelveBit := append([]byte{}, jpg...)
	if i := bytes.Index(twelveBit, []byte{0xff, 0xc0}); i > 0 {
		twelveBit[i+4] = 12
	}

	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrUnsupportedImage},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), ErrUnsupportedImage},
		{"truncated jpeg", jpg[:len(jpg)/2], ErrInvalidImage},
		{"jpeg without EOI", jpg[:len(jpg)-2], ErrInvalidImage},
		{"jpeg header only", jpg[:20], ErrInvalidImage},
		{"huge jpeg", hugeJPEG, ErrImageTooLarge},
		{"12-bit jpeg", twelveBit, ErrUnsupportedImage},
		{"truncated png", pngData[:len(pngData)/2], ErrInvalidImage},
		{"png header only", pngData[:30], ErrInvalidImage},
		{"huge png header", hugePNG, ErrImageTooLarge},
		{"png bomb", imgPNGBomb(t, 8000, 8000), ErrImageTooLarge},
		{"truncated tiff", tif[:len(tif)/2], ErrInvalidImage},
		{"tiff ifd loop", loop, ErrInvalidImage},
		{"tiff self loop", selfLoop, ErrInvalidImage},
		{"huge tiff", hugeTIFF, ErrImageTooLarge},
		{"bigtiff", []byte("II+\x00\x08\x00\x00\x00"), ErrUnsupportedImage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := ImageToPDF(context.Background(), c.data, nil)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("took %v", d)
			}
		})
	}
	t.Run("budget", func(t *testing.T) {
		_, err := ImageToPDF(context.Background(), pngData, &ImageOptions{MaxPixels: 100})
		if !errors.Is(err, ErrImageTooLarge) {
			t.Fatalf("err = %v", err)
		}
		_, err = ImageToPDF(context.Background(), tif, &ImageOptions{MaxPages: 1})
		if !errors.Is(err, ErrImageTooLarge) {
			t.Fatalf("pages: err = %v", err)
		}
		_, err = ImageToPDF(context.Background(), jpg, &ImageOptions{MaxBytes: 10})
		if !errors.Is(err, ErrImageTooLarge) {
			t.Fatalf("bytes: err = %v", err)
		}
	})
	t.Run("within-budget bomb decodes quickly", func(t *testing.T) {
		start := time.Now()
		res, err := ImageToPDF(context.Background(), imgPNGBomb(t, 6000, 6000), &ImageOptions{Now: formRenderTime})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("6000×6000 zero PNG → %d bytes PDF in %v", len(res.PDF), time.Since(start))
	})
}

func TestImagePageSizeInRange(t *testing.T) {
	for _, c := range [][4]float64{
		{48, 12336, 24889, 12336}, {65535, 1, 0, 0}, {1, 65535, 0, 0}, {1, 1, 10, 10}, {60000, 60000, 10, 10}, {3, 7, 50000, 10},
	} {
		w, h := imgPageSize(int(c[0]), int(c[1]), c[2], c[3], 0)
		for _, v := range []float64{w, h} {
			if v < pdfw.MinPageSize || v > pdfw.MaxPageSize {
				t.Errorf("%v → %v × %v out of range", c, w, h)
			}
		}
	}
}

// TestPNGPassthrough: an 8-bit grey or RGB PNG is embedded with its own
// compressed data (PNG predictors), and the page shows exactly its pixels;
// corrupt data in such a PNG is refused, not embedded.
func TestPNGPassthrough(t *testing.T) {
	scantest.NeedProgram(t, "pdftoppm", "poppler-utils")
	gray := image.NewGray(image.Rect(0, 0, 120, 80))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 13 % 251)
	}
	for _, c := range []struct {
		name string
		img  image.Image
	}{{"gray", gray}, {"rgb", imgTestPicture(120, 80)}} {
		t.Run(c.name, func(t *testing.T) {
			data := imgMakePNG(t, c.img, 72)
			res, err := ImageToPDF(context.Background(), data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(res.PDF, []byte("/Predictor 15")) {
				t.Fatal("PNG data not embedded as is")
			}
			dir := t.TempDir()
			if err := os.WriteFile(dir+"/p.pdf", res.PDF, 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("pdftoppm", "-r", "72", "-singlefile", "-png", dir+"/p.pdf", dir+"/r").CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v %s", err, out)
			}
			f, err := os.Open(dir + "/r.png")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds() != c.img.Bounds() {
				t.Fatalf("rendered %v, want %v", got.Bounds(), c.img.Bounds())
			}
			bad := 0
			for y := range 80 {
				for x := range 120 {
					r1, g1, b1, _ := got.At(x, y).RGBA()
					r2, g2, b2, _ := c.img.At(x, y).RGBA()
					if absDiff(r1, r2) > 0x300 || absDiff(g1, g2) > 0x300 || absDiff(b1, b2) > 0x300 {
						bad++
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d pixels differ", bad, 120*80)
			}
		})
	}
	// A flipped bit in the image data: CRC mismatch. The same with the CRC
	// fixed: the rows do not inflate.
	data := imgMakePNG(t, gray, 72)
	i := bytes.Index(data, []byte("IDAT")) + 20
	bad := bytes.Clone(data)
	bad[i] ^= 0x10
	if _, err := ImageToPDF(context.Background(), bad, nil); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("flipped bit: %v, want ErrInvalidImage", err)
	}
	start := bytes.Index(bad, []byte("IDAT"))
	n := int(binary.BigEndian.Uint32(bad[start-4:]))
	binary.BigEndian.PutUint32(bad[start+4+n:], crc32.ChecksumIEEE(bad[start:start+4+n]))
	if _, err := ImageToPDF(context.Background(), bad, nil); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("flipped bit, CRC fixed: %v, want ErrInvalidImage", err)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestImgTurn: imgTurn turns bilevel, grey and RGB samples, PNG (Predicted)
// and JPEG pages by 90°, 180° and 270° clockwise: the samples are those
// of the turned image, a bilevel page stays 1 bit per component, and a
// JPEG stays a JPEG of the turned size.
func TestImgTurn(t *testing.T) {
	rgb := image.NewRGBA(image.Rect(0, 0, 13, 5))
	for i := range rgb.Pix {
		rgb.Pix[i] = uint8(i * 7 % 256)
		if i%4 == 3 {
			rgb.Pix[i] = 255
		}
	}
	bilevel := imgGrayPage(13, 5, true)
	pngGray := imgMakePNG(t, imgGrayPage(13, 5, false), 0)
	for _, c := range []struct {
		name string
		m    image.Image // the page's pixels
		img  *pdfw.Image
		src  []byte
		bpc  int
	}{
		{"bilevel", bilevel, pdfw.FromImage(bilevel), nil, 1},
		{"gray", imgGrayPage(13, 5, false), pdfw.FromImage(imgGrayPage(13, 5, false)), nil, 8},
		{"rgb", rgb, pdfw.FromImage(rgb), nil, 8},
		{"png", imgGrayPage(13, 5, false), &pdfw.Image{Width: 13, Height: 5, Gray: true, BitsPerComponent: 8, Predicted: true}, pngGray, 8},
	} {
		if c.img.BitsPerComponent != c.bpc {
			t.Fatalf("%s: test page has %d bits, want %d", c.name, c.img.BitsPerComponent, c.bpc)
		}
		for _, turn := range []int{90, 180, 270} {
			got, err := imgTurn(c.img, c.src, turn)
			if err != nil {
				t.Fatalf("%s %d: %v", c.name, turn, err)
			}
			want := pdfw.FromImage(turnedInto(c.m, turn, image.NewRGBA))
			if c.img.Gray {
				want = pdfw.FromImage(turned(c.m, turn))
			}
			if got.BitsPerComponent != c.bpc || got.Gray != c.img.Gray || got.DCT || got.Predicted {
				t.Errorf("%s %d: %d bits, grey %v, DCT %v; want %d bits, grey %v", c.name, turn, got.BitsPerComponent, got.Gray, got.DCT, c.bpc, c.img.Gray)
			}
			if got.Width != want.Width || got.Height != want.Height || !bytes.Equal(got.Data, want.Data) {
				t.Errorf("%s %d: %dx%d %x, want %dx%d %x", c.name, turn, got.Width, got.Height, got.Data, want.Width, want.Height, want.Data)
			}
		}
	}
	jpg := &pdfw.Image{Width: 13, Height: 5, BitsPerComponent: 8, DCT: true, Data: imgMakeJPEG(t, rgb, 0)}
	for _, turn := range []int{90, 180, 270} {
		got, err := imgTurn(jpg, nil, turn)
		if err != nil {
			t.Fatalf("jpeg %d: %v", turn, err)
		}
		m, err := jpeg.Decode(bytes.NewReader(got.Data))
		if err != nil || !got.DCT || got.Gray || m.Bounds().Dx() != got.Width || m.Bounds().Dy() != got.Height ||
			turn != 180 && got.Width != 5 || turn == 180 && got.Width != 13 {
			t.Errorf("jpeg %d: %dx%d DCT %v grey %v: %v", turn, got.Width, got.Height, got.DCT, got.Gray, err)
		}
	}
}
