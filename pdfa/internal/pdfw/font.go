package pdfw

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Font is a parsed TrueType font ready for embedding. It is immutable and
// safe for concurrent use; documents subset it when they are written.
type Font struct {
	psName    string
	tables    map[string][]byte
	upem      int
	numGlyphs int
	adv       []uint16 // advance width per glyph, font units
	loca      []uint32 // glyph offsets into glyf, numGlyphs+1 entries
	cmap      []uint16 // BMP rune → glyph; 0 means missing
	bbox      [4]int16
	ascent    int16
	descent   int16
	capHeight int16
	italic    float64
	stemV     int
	fixed     bool
	question  uint16 // glyph used for runes the font lacks
}

var (
	regularOnce = sync.OnceValue(func() *Font { return mustParse(goregular.TTF) })
	boldOnce    = sync.OnceValue(func() *Font { return mustParse(gobold.TTF) })
)

// Regular returns Go Regular, parsed once per process.
func Regular() *Font { return regularOnce() }

// Bold returns Go Bold, parsed once per process.
func Bold() *Font { return boldOnce() }

func mustParse(data []byte) *Font {
	f, err := parseFont(data)
	if err != nil {
		panic("pdfw: embedded font: " + err.Error())
	}
	return f
}

var be = binary.BigEndian

// parseFont parses a TrueType (glyf-based) font. The font must permit
// installable embedding.
func parseFont(data []byte) (*Font, error) {
	f := &Font{tables: map[string][]byte{}}
	if len(data) < 12 || be.Uint32(data) != 0x00010000 && string(data[:4]) != "true" {
		return nil, errors.New("parse font: not a TrueType font")
	}
	n := int(be.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errors.New("parse font: truncated table directory")
	}
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, ln := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if off < 0 || ln < 0 || off > len(data) || ln > len(data)-off {
			return nil, fmt.Errorf("parse font: table %q out of bounds", tag)
		}
		f.tables[tag] = data[off : off+ln]
	}
	need := map[string]int{"head": 54, "hhea": 36, "maxp": 6, "hmtx": 4, "loca": 2, "glyf": 0, "post": 32}
	for tag, min := range need {
		if len(f.tables[tag]) < min {
			return nil, fmt.Errorf("parse font: table %q missing or short", tag)
		}
	}
	head, hhea := f.tables["head"], f.tables["hhea"]
	f.upem = int(be.Uint16(head[18:]))
	if f.upem < 16 || f.upem > 16384 {
		return nil, errors.New("parse font: bad unitsPerEm")
	}
	for i := range f.bbox {
		f.bbox[i] = int16(be.Uint16(head[36+2*i:]))
	}
	longLoca := be.Uint16(head[50:]) != 0
	f.numGlyphs = int(be.Uint16(f.tables["maxp"][4:]))
	f.ascent = int16(be.Uint16(hhea[4:]))
	f.descent = int16(be.Uint16(hhea[6:]))
	nh := int(be.Uint16(hhea[34:]))
	hmtx := f.tables["hmtx"]
	if nh < 1 || nh > f.numGlyphs || len(hmtx) < 4*nh {
		return nil, errors.New("parse font: bad hmtx")
	}
	f.adv = make([]uint16, f.numGlyphs)
	for i := range f.adv {
		j := min(i, nh-1)
		f.adv[i] = be.Uint16(hmtx[4*j:])
	}
	loca := f.tables["loca"]
	f.loca = make([]uint32, f.numGlyphs+1)
	for i := range f.loca {
		switch {
		case longLoca && len(loca) >= 4*i+4:
			f.loca[i] = be.Uint32(loca[4*i:])
		case !longLoca && len(loca) >= 2*i+2:
			f.loca[i] = 2 * uint32(be.Uint16(loca[2*i:]))
		default:
			return nil, errors.New("parse font: short loca")
		}
		if int(f.loca[i]) > len(f.tables["glyf"]) || i > 0 && f.loca[i] < f.loca[i-1] {
			return nil, errors.New("parse font: bad loca")
		}
	}
	post := f.tables["post"]
	f.italic = float64(int32(be.Uint32(post[4:]))) / 65536
	f.fixed = be.Uint32(post[12:]) != 0
	f.capHeight = f.ascent * 7 / 10
	weight := 400
	if os2 := f.tables["OS/2"]; len(os2) >= 10 {
		weight = int(be.Uint16(os2[4:]))
		if be.Uint16(os2[8:])&0x000f == 0x0002 {
			return nil, errors.New("parse font: embedding restricted by the font's licence")
		}
		if be.Uint16(os2) >= 2 && len(os2) >= 90 {
			f.capHeight = int16(be.Uint16(os2[88:]))
		}
	}
	f.stemV = 10 + 220*(weight-50)/900
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	var buf sfnt.Buffer
	if f.psName, err = sf.Name(&buf, sfnt.NameIDPostScript); err != nil || f.psName == "" {
		f.psName = "Font"
	}
	f.cmap = make([]uint16, 0x10000)
	for r := rune(0x20); r < 0x10000; r++ {
		g, err := sf.GlyphIndex(&buf, r)
		if err == nil && int(g) < f.numGlyphs {
			f.cmap[r] = uint16(g)
		}
	}
	f.question = f.cmap['?']
	if f.question == 0 {
		return nil, errors.New("parse font: no glyph for '?'")
	}
	return f, nil
}

// Name returns the font's PostScript name.
func (f *Font) Name() string { return f.psName }

// Has reports whether the font has a glyph for r. Capital sharp s (ẞ) counts
// as present: it is set as "SS".
func (f *Font) Has(r rune) bool {
	if r == 'ẞ' {
		return f.Has('S')
	}
	return r >= 0 && r < 0x10000 && f.cmap[r] != 0
}

// Missing returns the first rune of s (other than tab, newline and carriage
// return) that the font cannot show, and whether there is one.
func (f *Font) Missing(s string) (rune, bool) {
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if !f.Has(r) {
			return r, true
		}
	}
	return 0, false
}

// runeGlyphs maps r to the glyphs that show it and the rune those glyphs
// stand for in extracted text: ẞ becomes S S, a tab a space, other control
// characters nothing (n == 0), and a rune the font lacks shows '?'.
func (f *Font) runeGlyphs(r rune) (g [2]uint16, text rune, n int) {
	switch {
	case r == 'ẞ':
		s := f.cmap['S']
		return [2]uint16{s, s}, 'S', 2
	case r == '\t':
		r = ' '
	case r < 0x20 || r == 0x7f:
		return g, 0, 0
	}
	if r >= 0 && r < 0x10000 && f.cmap[r] != 0 {
		return [2]uint16{f.cmap[r]}, r, 1
	}
	return [2]uint16{f.question}, '?', 1
}

// Width returns the advance width of s set at size points.
func (f *Font) Width(s string, size float64) float64 {
	var w int
	for _, r := range s {
		g, _, n := f.runeGlyphs(r)
		for _, x := range g[:n] {
			w += int(f.adv[x])
		}
	}
	return float64(w) * size / float64(f.upem)
}

// glyphWidth returns the PDF width (glyph space, 1/1000 em) of glyph g.
func (f *Font) glyphWidth(g uint16) float64 {
	return float64(f.adv[g]) * 1000 / float64(f.upem)
}

// scale converts font units to PDF glyph space, rounded.
func (f *Font) scale(v int16) int {
	return int(math.Round(float64(v) * 1000 / float64(f.upem)))
}
