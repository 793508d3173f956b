package signing

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Appearance is a visible seal: a framed box with text on the first page,
// drawn in an embedded font (Go Regular, WinAnsi encoding) so the page
// stays PDF/A.
type Appearance struct {
	// X, Y place the box's lower-left corner in points from the page's
	// lower-left corner; Width and Height size it (default 220 × 58).
	X, Y, Width, Height float64
	// Lines is the text; nil means "Elektronisch gesiegelt", the signer's
	// name and the signing time (UTC).
	Lines []string
}

func (a *Appearance) validate() error {
	if a.Width < 0 || a.Height < 0 || a.X < 0 || a.Y < 0 {
		return fmt.Errorf("%w: the visible seal's position and size must not be negative", ErrKey)
	}
	if len(a.Lines) > 12 {
		return fmt.Errorf("%w: the visible seal holds at most 12 lines", ErrKey)
	}
	return nil
}

const sealFontSize = 9.0

// build makes the appearance stream and the font objects; it returns the
// stream's reference, the widget /Rect and every object to write.
func (a *Appearance) build(s *Sealer, now time.Time, alloc func() ref) (ref, array, []object, error) {
	f, err := loadSealFont()
	if err != nil {
		return ref{}, nil, nil, err
	}
	w, h := a.Width, a.Height
	if w == 0 {
		w = 220
	}
	if h == 0 {
		h = 58
	}
	x, y := a.X, a.Y
	if x == 0 && y == 0 {
		x, y = 36, 36
	}
	lines := a.Lines
	if lines == nil {
		lines = []string{"Elektronisch gesiegelt", s.p.seal.Chain[0].Subject.CommonName, now.UTC().Format("02.01.2006 15:04:05 UTC")}
	}
	enc := encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder())
	var c bytes.Buffer
	fmt.Fprintf(&c, "q 0.1 0.2 0.5 RG 1 w 0.5 0.5 %.2f %.2f re S Q\nBT /F1 %.0f Tf 0.1 0.2 0.5 rg 6 %.2f Td\n", w-1, h-1, sealFontSize, h-6-sealFontSize)
	for i, l := range lines {
		b, _ := enc.Bytes([]byte(l))
		if i > 0 {
			fmt.Fprintf(&c, "0 %.1f Td ", -sealFontSize*1.3)
		}
		c.Write(writeValue(nil, pdfString(b)))
		c.WriteString(" Tj\n")
	}
	c.WriteString("ET\n")

	apRef, fontRef, descRef, fileRef := alloc(), alloc(), alloc(), alloc()
	ap := &stream{dict: dict{{"Type", name("XObject")}, {"Subtype", name("Form")},
		{"BBox", array{0.0, 0.0, w, h}}, {"Resources", dict{{"Font", dict{{"F1", fontRef}}}}}}, data: c.Bytes()}
	widths := make(array, 0, 224)
	for _, wd := range f.widths {
		widths = append(widths, int64(wd))
	}
	fontDict := dict{{"Type", name("Font")}, {"Subtype", name("TrueType")}, {"BaseFont", name("GoRegular")},
		{"FirstChar", int64(32)}, {"LastChar", int64(255)}, {"Widths", widths},
		{"Encoding", name("WinAnsiEncoding")}, {"FontDescriptor", descRef}}
	desc := dict{{"Type", name("FontDescriptor")}, {"FontName", name("GoRegular")}, {"Flags", int64(32)},
		{"FontBBox", f.bbox}, {"ItalicAngle", int64(0)}, {"Ascent", int64(f.ascent)}, {"Descent", int64(f.descent)},
		{"CapHeight", int64(f.capHeight)}, {"StemV", int64(80)}, {"FontFile2", fileRef}}
	file := &stream{dict: dict{{"Filter", name("FlateDecode")}, {"Length1", int64(len(goregular.TTF))}}, data: f.compressed}
	rect := array{x, y, x + w, y + h}
	return apRef, rect, []object{{apRef, ap}, {fontRef, fontDict}, {descRef, desc}, {fileRef, file}}, nil
}

type sealFont struct {
	widths                     [224]int // codes 32..255, in 1/1000 em
	bbox                       array
	ascent, descent, capHeight int
	compressed                 []byte
}

var (
	sealFontOnce sync.Once
	sealFontVal  *sealFont
	sealFontErr  error
)

// loadSealFont parses and compresses the font once per process.
func loadSealFont() (*sealFont, error) {
	sealFontOnce.Do(func() {
		sealFontVal, sealFontErr = parseSealFont()
	})
	return sealFontVal, sealFontErr
}

func parseSealFont() (*sealFont, error) {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("seal font: %w", err)
	}
	var buf sfnt.Buffer
	ppem := fixed.I(1000)
	sf := &sealFont{}
	dec := charmap.Windows1252.NewDecoder()
	for code := 32; code <= 255; code++ {
		r, err := dec.Bytes([]byte{byte(code)})
		if err != nil {
			continue
		}
		gi, err := f.GlyphIndex(&buf, []rune(string(r))[0])
		if err != nil || gi == 0 {
			continue
		}
		adv, err := f.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
		if err != nil {
			continue
		}
		sf.widths[code-32] = adv.Round()
	}
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("seal font: %w", err)
	}
	b, err := f.Bounds(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("seal font: %w", err)
	}
	sf.ascent, sf.descent, sf.capHeight = m.Ascent.Round(), -m.Descent.Round(), m.CapHeight.Round()
	sf.bbox = array{int64(b.Min.X.Round()), int64(-b.Max.Y.Round()), int64(b.Max.X.Round()), int64(-b.Min.Y.Round())}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(goregular.TTF)
	zw.Close()
	sf.compressed = z.Bytes()
	return sf, nil
}
