package pdfw

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"akte/pdfa/internal/pdfw/pdfwtest"
)

var testTime = time.Date(2024, 3, 5, 14, 30, 0, 0, time.FixedZone("CET", 3600))

const umlauts = "Grüße aus Köln: Straße, Äpfel, Öl, Übung — 12,50 € „zitiert“ ẞ"

func TestAppendReal(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {1, "1"}, {-1.5, "-1.5"}, {595.276, "595.276"}, {0.0004, "0"}, {-0.0004, "0"},
		{12.3456, "12.346"}, {0.05, "0.05"}, {math.NaN(), "0"}, {1e6, "1000000"},
	} {
		if got := string(appendReal(nil, c.in)); got != c.want {
			t.Errorf("appendReal(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	if got := pdfDate(testTime); got != "D:20240305143000+01'00'" {
		t.Errorf("pdfDate = %q", got)
	}
	if got := xmpDate(testTime); got != "2024-03-05T14:30:00+01:00" {
		t.Errorf("xmpDate = %q", got)
	}
	if got := xmpDate(testTime.UTC()); got != "2024-03-05T13:30:00+00:00" {
		t.Errorf("xmpDate UTC = %q", got)
	}
}

func TestAppendText(t *testing.T) {
	if got := string(appendText(nil, `a(b)\c`)); got != `(a\(b\)\\c)` {
		t.Errorf("ascii: %q", got)
	}
	if got := string(appendText(nil, "Ä€")); got != "<FEFF00C420AC>" {
		t.Errorf("utf16: %q", got)
	}
}

func TestSRGBColorants(t *testing.T) {
	r, g, b, w := srgbColorants()
	// Published D50-adapted sRGB colorants (ICC sRGB profiles).
	want := []xyz{{0.4361, 0.2225, 0.0139}, {0.3851, 0.7169, 0.0971}, {0.1431, 0.0606, 0.7141}, {0.9505, 1, 1.0891}}
	for i, got := range []xyz{r, g, b, w} {
		for j := range 3 {
			if math.Abs(got[j]-want[i][j]) > 0.0005 {
				t.Errorf("colorant %d = %v, want %v", i, got, want[i])
			}
		}
	}
	p := SRGBProfile()
	if int(be.Uint32(p)) != len(p) || string(p[36:40]) != "acsp" || len(p)%4 != 0 {
		t.Fatalf("bad profile header")
	}
	n := int(be.Uint32(p[128:]))
	for i := range n {
		e := p[132+12*i:]
		off, size := int(be.Uint32(e[4:])), int(be.Uint32(e[8:]))
		if off%4 != 0 || off+size > len(p) || off < 132+12*n {
			t.Errorf("tag %s at %d+%d out of place", e[:4], off, size)
		}
	}
}

func TestFontCoverage(t *testing.T) {
	for _, f := range []*Font{Regular(), Bold()} {
		if r, ok := f.Missing(umlauts + "äöüÄÖÜß€„“‚‘–…§"); ok {
			t.Errorf("%s lacks %q", f.Name(), r)
		}
		if !f.Has('ẞ') {
			t.Errorf("%s: capital sharp s should map to SS", f.Name())
		}
		if _, ok := f.Missing("ễ"); !ok {
			t.Logf("%s has ễ", f.Name())
		}
	}
}

// TestSubset checks that the subset program parses, maps runes to the CIDs
// used in content, and keeps the original advance widths.
func TestSubset(t *testing.T) {
	f := Regular()
	u := newFontUse(f, "F1", 1)
	u.encode(nil, "Äpfel ß €")
	prog, err := u.subset()
	if err != nil {
		t.Fatal(err)
	}
	sf, err := sfnt.Parse(prog)
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	if sf.NumGlyphs() != len(u.gids) {
		t.Errorf("subset has %d glyphs, want %d", sf.NumGlyphs(), len(u.gids))
	}
	var buf sfnt.Buffer
	for _, r := range "Äpfel ß €" {
		gi, err := sf.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			t.Fatalf("rune %q not in subset cmap: %v", r, err)
		}
		want := u.cidOf[f.cmap[r]]
		if uint16(gi) != want {
			t.Errorf("rune %q → glyph %d, want CID %d", r, gi, want)
		}
		adv, err := sf.GlyphAdvance(&buf, gi, fixed.I(f.upem), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := adv.Round(); got != int(f.adv[f.cmap[r]]) {
			t.Errorf("rune %q advance %d, want %d", r, got, f.adv[f.cmap[r]])
		}
		if _, err := sf.LoadGlyph(&buf, gi, fixed.I(12), nil); err != nil {
			t.Errorf("rune %q: load glyph: %v", r, err)
		}
	}
	if len(prog) > 40<<10 {
		t.Errorf("subset is %d bytes", len(prog))
	}
	t.Logf("subset of %d glyphs: %d bytes (font %d glyphs)", len(u.gids), len(prog), f.numGlyphs)
}

func sample(t *testing.T, part int) []byte {
	t.Helper()
	d, err := New(Options{Part: part, Title: "Prüfdokument „Ä“", Producer: "Akte test", Time: testTime, Lang: "de-DE"})
	if err != nil {
		t.Fatal(err)
	}
	p := d.NewPage(A4Width, A4Height)
	p.Text(Bold(), 16, 50, 780, "Überschrift")
	p.Text(Regular(), 11, 50, 750, umlauts)
	p.InvisibleText(Regular(), 11, 50, 700, 300, "unsichtbar Straßenname")
	p.SetStrokeGray(0.2)
	p.SetLineWidth(0.5)
	p.Rect(40, 690, 500, 100)
	p.Stroke()
	p.SetRound()
	p.MoveTo(60, 600)
	p.CurveTo(80, 650, 120, 550, 160, 600)
	p.Stroke()
	rgba := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for i := range 40 {
		rgba.Set(i, i/2, color.NRGBA{200, 0, 0, uint8(6 * i)})
	}
	ref, err := d.AddImage(FromImage(rgba))
	if err != nil {
		t.Fatal(err)
	}
	p.DrawImage(ref, 300, 500, 80, 40)
	gray := image.NewGray(image.Rect(0, 0, 33, 9))
	gray.Set(3, 3, color.White)
	gref, err := d.AddImage(FromImage(gray))
	if err != nil {
		t.Fatal(err)
	}
	p.DrawImage(gref, 300, 400, 66, 18)
	if err := d.AddPage(p); err != nil {
		t.Fatal(err)
	}
	p2 := d.NewPage(A4Height, A4Width)
	p2.Text(Regular(), 10, 50, 50, "Seite 2 ẞ")
	if err := d.AddPage(p2); err != nil {
		t.Fatal(err)
	}
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestDocumentExternal(t *testing.T) {
	for _, part := range []int{2, 1} {
		pdf := sample(t, part)
		if !bytes.Equal(pdf, sample(t, part)) {
			t.Errorf("part %d: output not deterministic", part)
		}
		pdfwtest.QPDFCheck(t, pdf)
		pdfwtest.PDFCPUValidate(t, pdf)
		if n := pdfwtest.Fonts(t, pdf); n != 2 {
			t.Errorf("part %d: pdffonts lists %d fonts, want 2", part, n)
		}
		text := pdfwtest.Text(t, pdf)
		for _, want := range []string{"Überschrift", umlauts[:len(umlauts)-len("ẞ")], "unsichtbar Straßenname", "Seite 2 SS"} {
			if !strings.Contains(text, want) {
				t.Errorf("part %d: pdftotext lacks %q:\n%s", part, want, text)
			}
		}
		if part == 1 {
			pdfwtest.Preflight(t, pdf)
		}
	}
}

// TestPreflightRejects makes sure the Preflight check can fail: a PDF/A-2
// file is not PDF/A-1b (pdfaid:part must be 1).
func TestPreflightRejects(t *testing.T) {
	errs := pdfwtest.PreflightErrors(t, sample(t, 2))
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "part must be 1") {
		t.Fatalf("Preflight accepted a PDF/A-2 file or said something else: %v", errs)
	}
}
