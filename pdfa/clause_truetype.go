package pdfa

import "encoding/binary"

// ttFont is the little of a TrueType program the glyph rules need: glyph
// count, advance widths and the cmap subtables. Every read is bounds
// checked; a damaged table leaves its part empty.
type ttFont struct {
	upem      int
	numGlyphs int
	advances  []uint16
	cmaps     map[[2]uint16]map[int]int // (platform, encoding) -> code -> glyph
}

func be16(b []byte, off int) (int, bool) {
	if off < 0 || off+2 > len(b) {
		return 0, false
	}
	return int(binary.BigEndian.Uint16(b[off:])), true
}

func be32(b []byte, off int) (int, bool) {
	if off < 0 || off+4 > len(b) {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(b[off:])), true
}

// parseTrueType reads the tables; ok is false when the program is not a
// usable TrueType font.
func parseTrueType(b []byte) (*ttFont, bool) {
	n, ok := be16(b, 4)
	if !ok || n > 256 {
		return nil, false
	}
	tables := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, false
		}
		tag := string(b[rec : rec+4])
		off, _ := be32(b, rec+8)
		ln, _ := be32(b, rec+12)
		if off < 0 || ln < 0 || off > len(b) || ln > len(b)-off {
			continue
		}
		tables[tag] = b[off : off+ln]
	}
	f := &ttFont{cmaps: map[[2]uint16]map[int]int{}}
	f.upem, _ = be16(tables["head"], 18)
	f.numGlyphs, _ = be16(tables["maxp"], 4)
	if f.upem == 0 || f.numGlyphs == 0 {
		return nil, false
	}
	nh, _ := be16(tables["hhea"], 34)
	hm := tables["hmtx"]
	for i := 0; i < nh && i < f.numGlyphs; i++ {
		a, ok := be16(hm, 4*i)
		if !ok {
			break
		}
		f.advances = append(f.advances, uint16(a))
	}
	f.readCmap(tables["cmap"])
	return f, true
}

// advance returns the advance width of glyph g in 1000ths of an em.
func (f *ttFont) advance(g int) (float64, bool) {
	if len(f.advances) == 0 || g < 0 || g >= f.numGlyphs {
		return 0, false
	}
	a := f.advances[len(f.advances)-1]
	if g < len(f.advances) {
		a = f.advances[g]
	}
	return float64(a) * 1000 / float64(f.upem), true
}

const maxCmapEntries = 1 << 17

func (f *ttFont) readCmap(c []byte) {
	n, _ := be16(c, 2)
	for i := 0; i < n && i < 64; i++ {
		pid, ok1 := be16(c, 4+8*i)
		eid, ok2 := be16(c, 6+8*i)
		off, ok3 := be32(c, 8+8*i)
		if !ok1 || !ok2 || !ok3 || off >= len(c) {
			continue
		}
		m := map[int]int{}
		sub := c[off:]
		format, _ := be16(sub, 0)
		switch format {
		case 0:
			for code := 0; code < 256 && 6+code < len(sub); code++ {
				m[code] = int(sub[6+code])
			}
		case 4:
			readCmap4(sub, m)
		case 6:
			first, _ := be16(sub, 6)
			count, _ := be16(sub, 8)
			for k := 0; k < count; k++ {
				if g, ok := be16(sub, 10+2*k); ok {
					m[first+k] = g
				}
			}
		}
		f.cmaps[[2]uint16{uint16(pid), uint16(eid)}] = m
	}
}

func readCmap4(sub []byte, m map[int]int) {
	steps := 0
	segX2, _ := be16(sub, 6)
	ends, starts, deltas, ranges := 14, 16+segX2, 16+2*segX2, 16+3*segX2
	for s := 0; s < segX2/2; s++ {
		end, ok1 := be16(sub, ends+2*s)
		start, ok2 := be16(sub, starts+2*s)
		delta, ok3 := be16(sub, deltas+2*s)
		ro, ok4 := be16(sub, ranges+2*s)
		if !ok1 || !ok2 || !ok3 || !ok4 || start > end {
			continue
		}
		for code := start; code <= end && code != 0xFFFF; code++ {
			if steps++; steps > maxCmapEntries {
				return
			}
			g := 0
			if ro == 0 {
				g = (code + delta) & 0xFFFF
			} else {
				at := ranges + 2*s + ro + 2*(code-start)
				if v, ok := be16(sub, at); ok && v != 0 {
					g = (v + delta) & 0xFFFF
				}
			}
			m[code] = g
		}
	}
}

// winAnsiHigh maps WinAnsiEncoding codes 128..159 to Unicode.
var winAnsiHigh = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// glyphFor maps a simple TrueType font's code to a glyph as ISO 32000-1
// 9.6.6.4 describes; ok is false when the mapping cannot be decided here.
func (f *ttFont) glyphFor(code int, symbolic bool, enc string) (int, bool) {
	if symbolic {
		if m, ok := f.cmaps[[2]uint16{3, 0}]; ok {
			for _, base := range []int{0, 0xF000, 0xF100, 0xF200} {
				if g, ok := m[base+code]; ok {
					return g, true
				}
			}
			return 0, true
		}
		if m, ok := f.cmaps[[2]uint16{1, 0}]; ok {
			return m[code], true
		}
		return 0, false
	}
	if m, ok := f.cmaps[[2]uint16{3, 1}]; ok && enc == "WinAnsiEncoding" {
		r := rune(code)
		if code >= 128 && code < 160 {
			r = winAnsiHigh[code-128]
		}
		return m[int(r)], true
	}
	if m, ok := f.cmaps[[2]uint16{1, 0}]; ok && enc == "MacRomanEncoding" {
		return m[code], true
	}
	return 0, false
}
