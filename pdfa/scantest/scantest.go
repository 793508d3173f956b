// Package scantest makes scans for OCR tests and benchmarks: known German
// text drawn at 300 dpi on an A4 page, degraded like paper through a
// scanner (grey or coloured paper, noise, a slight rotation), with the box
// of every word; and the word accuracy of a recognised text.
package scantest

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Options degrade a scan. Zero values: white paper, black ink, no noise,
// no rotation.
type Options struct {
	Paper, Ink color.Color
	Noise      float64 // 0–1: each pixel moves by up to this share of full scale
	Degrees    float64 // rotation, counter-clockwise
	Seed       uint64  // of the noise
}

// Letter is a known German text for generated scans: a municipal
// letter with umlauts, ß, numbers, dates and punctuation.
var Letter = []string{
	"Stadtverwaltung Musterstadt, Bürgerbüro, Marktplatz 1, 12345 Musterstadt",
	"Sehr geehrte Frau Müller, wir bestätigen den Eingang Ihres Antrags auf Ausstellung eines",
	"Reisepasses vom 14. März 2024. Die Gebühr in Höhe von 70,00 Euro ist bei Abholung zu",
	"entrichten. Bitte bringen Sie Ihren bisherigen Personalausweis und ein aktuelles",
	"biometrisches Lichtbild mit. Die Bearbeitung dauert in der Regel drei bis vier Wochen.",
	"Änderungen Ihrer Anschrift teilen Sie uns bitte umgehend mit, damit die Zustellung",
	"gewährleistet ist. Für Rückfragen erreichen Sie uns montags bis freitags von 8 bis 12 Uhr",
	"sowie donnerstags von 14 bis 18 Uhr unter der Telefonnummer 0123 456789.",
	"Gemäß § 21 Passgesetz werden Ihre Antragsunterlagen nach Ablauf der gesetzlichen",
	"Aufbewahrungsfrist gelöscht. Über Ihr Widerspruchsrecht informiert Sie die Anlage.",
	"Mit freundlichen Grüßen, im Auftrag Jürgen Weiß, Sachbearbeitung Pass- und Meldewesen",
	"Aktenzeichen 32.1-0815/2024, Straße der Einheit 7, Öffnungszeiten siehe Rückseite.",
}

// Scan is a generated scan and where its words are.
type Scan struct {
	Image image.Image
	Words []Box // in reading order
}

// Box is a word as drawn.
type Box struct {
	Text string
	R    image.Rectangle // pixels, before any rotation
}

// Render draws lines at 300 dpi on an A4 page in 11 pt Go Regular, then
// degrades it: grey or coloured paper, noise, and a rotation by deg degrees.
func Render(lines []string, o Options) Scan {
	const w, h, dpi = 2480, 3508, 300
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the embedded font
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 11, DPI: dpi, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	paper, ink := o.Paper, o.Ink
	if paper == nil {
		paper = color.White
	}
	if ink == nil {
		ink = color.Black
	}
	defer face.Close()
	page := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(page, page.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	d := &font.Drawer{Dst: page, Src: image.NewUniform(ink), Face: face}
	m := face.Metrics()
	lineH := (m.Height * 15 / 10).Ceil()
	space := font.MeasureString(face, " ").Ceil()
	var scan Scan
	y := 300
	for _, line := range lines {
		x := 220
		for _, word := range strings.Fields(line) {
			b, adv := font.BoundString(face, word)
			d.Dot = fixed.P(x, y)
			d.DrawString(word)
			scan.Words = append(scan.Words, Box{Text: word,
				R: image.Rect(x+b.Min.X.Floor(), y+b.Min.Y.Floor(), x+b.Max.X.Ceil(), y+b.Max.Y.Ceil())})
			x += adv.Ceil() + space
		}
		y += lineH
	}
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	out := image.NewRGBA(page.Bounds())
	sin, cos := math.Sincos(o.Degrees * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	pr, pg, pb, _ := paper.RGBA()
	for oy := range h {
		for ox := range w {
			// Inverse rotation: where in the page this pixel comes from.
			dx, dy := float64(ox)-cx, float64(oy)-cy
			sx, sy := int(cos*dx+sin*dy+cx), int(-sin*dx+cos*dy+cy)
			c := color.RGBA{uint8(pr >> 8), uint8(pg >> 8), uint8(pb >> 8), 255}
			if sx >= 0 && sy >= 0 && sx < w && sy < h {
				c = page.RGBAAt(sx, sy)
			}
			if o.Noise > 0 {
				n := int((rng.Float64()*2 - 1) * o.Noise * 255)
				c.R, c.G, c.B = clamp8(int(c.R)+n), clamp8(int(c.G)+n), clamp8(int(c.B)+n)
			}
			out.SetRGBA(ox, oy, c)
		}
	}
	scan.Image = out
	return scan
}

func clamp8(v int) uint8 { return uint8(min(max(v, 0), 255)) }

// PNG encodes img, as 8-bit grey if gray.
func PNG(img image.Image, gray bool) []byte {
	if gray {
		g := image.NewGray(img.Bounds())
		draw.Draw(g, g.Bounds(), img, image.Point{}, draw.Src)
		img = g
	}
	var buf bytes.Buffer
	// pHYs is not written by image/png: the page size then comes from the
	// default resolution, 300 dpi, which is the scan's.
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		panic(err) // writing to memory
	}
	return buf.Bytes()
}

// WordAccuracy is 1 − (word edit distance / reference words).
func WordAccuracy(ref, got []string) float64 {
	prev := make([]int, len(got)+1)
	cur := make([]int, len(got)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(got); j++ {
			sub := prev[j-1]
			if ref[i-1] != got[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(got)])/float64(len(ref))
}

// NeedTesseract skips t when tesseract is not installed, or fails it under
// AKTE_TEST_STRICT=1.
func NeedTesseract(t testing.TB) {
	t.Helper()
	NeedProgram(t, "tesseract", "tesseract-ocr tesseract-ocr-deu")
}

// NeedProgram skips the test when program is not on $PATH — or fails it
// with AKTE_TEST_STRICT=1 — naming the Debian packages that bring it.
func NeedProgram(t testing.TB, program, packages string) {
	t.Helper()
	if _, err := exec.LookPath(program); err != nil {
		if os.Getenv("AKTE_TEST_STRICT") == "1" {
			t.Fatalf("%s missing (AKTE_TEST_STRICT=1): apt-get install %s", program, packages)
		}
		t.Skipf("%s missing: apt-get install %s", program, packages)
	}
}
