package pdfa

import (
	"fmt"
	"math"
	"sort"
)

// fontUse collects the codes a font shows visibly, for the glyph rules
// checked after all content is read: 6.2.11.4.1 (glyphs present),
// 6.2.11.5 (widths consistent) and 6.2.11.8 (no .notdef).
type fontUse struct {
	font  pdfDict
	codes map[int]bool
	where string
}

const maxCodesPerFont = 1 << 16

// noteText records the codes of a text-showing operator's strings.
func (d *document) noteText(font pdfDict, ops []any, where string) {
	if font == nil {
		return
	}
	key := fmt.Sprintf("%p", font)
	u := d.fontUses[key]
	if u == nil {
		if d.fontUses == nil {
			d.fontUses = map[string]*fontUse{}
		}
		u = &fontUse{font: font, codes: map[int]bool{}, where: where}
		d.fontUses[key] = u
	}
	two := d.name(font["Subtype"]) == "Type0"
	add := func(s pdfString) {
		for i := 0; i < len(s.b) && len(u.codes) < maxCodesPerFont; i++ {
			c := int(s.b[i])
			if two {
				if i+1 >= len(s.b) {
					break
				}
				c = c<<8 | int(s.b[i+1])
				i++
			}
			u.codes[c] = true
		}
	}
	for _, o := range ops {
		switch v := o.(type) {
		case pdfString:
			add(v)
		case pdfArray:
			for _, x := range v {
				if s, ok := x.(pdfString); ok {
					add(s)
				}
			}
		}
	}
}

// checkGlyphs applies the glyph rules to every font used.
func (d *document) checkGlyphs() error {
	keys := make([]string, 0, len(d.fontUses))
	for k := range d.fontUses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := d.b.step(); err != nil {
			return err
		}
		u := d.fontUses[k]
		switch d.name(u.font["Subtype"]) {
		case "TrueType":
			d.checkSimpleTrueType(u)
		case "Type0":
			d.checkCIDFontType2(u)
		case "Type3":
			d.checkType3Widths(u)
		}
	}
	return nil
}

func (d *document) trueTypeProgram(fd pdfDict) *ttFont {
	s, ok := d.res(fd["FontFile2"]).(*pdfStream)
	if !ok {
		return nil
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return nil
	}
	f, ok := parseTrueType(data)
	if !ok {
		return nil
	}
	return f
}

func sortedCodes(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

func (d *document) checkSimpleTrueType(u *fontUse) {
	fd := d.dict(u.font["FontDescriptor"])
	f := d.trueTypeProgram(fd)
	if f == nil {
		return
	}
	flags, _ := d.res(fd["Flags"]).(int64)
	symbolic := flags&4 != 0
	enc := d.name(u.font["Encoding"])
	if ed := d.dict(u.font["Encoding"]); ed != nil {
		if ed["Differences"] != nil {
			return // glyph names would need the Adobe Glyph List
		}
		enc = d.name(ed["BaseEncoding"])
	}
	first, _ := d.res(u.font["FirstChar"]).(int64)
	widths := d.arr(u.font["Widths"])
	for _, code := range sortedCodes(u.codes) {
		g, ok := f.glyphFor(code, symbolic, enc)
		if !ok {
			continue
		}
		if g == 0 {
			d.found.add("6.2.11.8", "text shows the .notdef glyph of a TrueType font", u.where)
			continue
		}
		if g >= f.numGlyphs {
			d.found.add("6.2.11.4.1", "the embedded TrueType font lacks a glyph used for rendering", u.where)
			continue
		}
		i := code - int(first)
		if i < 0 || i >= len(widths) {
			continue
		}
		w, _ := d.num(widths[i])
		if a, ok := f.advance(g); ok && math.Abs(a-w) > 1 {
			d.found.add("6.2.11.5", fmt.Sprintf("the Widths entry %g differs from the embedded glyph width %.0f", w, a), u.where)
		}
	}
}

func (d *document) checkCIDFontType2(u *fontUse) {
	desc := d.arr(u.font["DescendantFonts"])
	if len(desc) == 0 {
		return
	}
	cid := d.dict(desc[0])
	if enc := d.name(u.font["Encoding"]); enc != "Identity-H" && enc != "Identity-V" {
		return
	}
	if d.name(cid["Subtype"]) == "CIDFontType0" {
		d.checkCIDFontType0(u, cid)
		return
	}
	if d.name(cid["Subtype"]) != "CIDFontType2" {
		return
	}
	f := d.trueTypeProgram(d.dict(cid["FontDescriptor"]))
	if f == nil {
		return
	}
	var gidMap []byte
	if s, ok := d.res(cid["CIDToGIDMap"]).(*pdfStream); ok {
		gidMap, _ = d.decodeStream(s)
		if gidMap == nil {
			return
		}
	}
	widths := d.cidWidths(cid)
	for _, c := range sortedCodes(u.codes) {
		g := c
		if gidMap != nil {
			v, ok := be16(gidMap, 2*c)
			if !ok {
				continue
			}
			g = v
		}
		if c == 0 || g == 0 {
			d.found.add("6.2.11.8", "text shows the .notdef glyph of a CIDFontType2 font", u.where)
			continue
		}
		if g >= f.numGlyphs {
			d.found.add("6.2.11.4.1", "the embedded CIDFontType2 font lacks a glyph used for rendering", u.where)
			continue
		}
		w := d.cidWidth(cid, widths, c)
		if a, ok := f.advance(g); ok && math.Abs(a-w) > 1 {
			d.found.add("6.2.11.5", fmt.Sprintf("the W entry %g differs from the embedded glyph width %.0f", w, a), u.where)
		}
	}
}

// cidWidths reads a CIDFont's W array.
func (d *document) cidWidths(cid pdfDict) map[int]float64 {
	out := map[int]float64{}
	w := d.arr(cid["W"])
	steps := 0
	for i := 0; i+1 < len(w) && steps < maxCodesPerFont; {
		first, ok := d.num(w[i])
		if !ok {
			return out
		}
		if a, ok := d.res(w[i+1]).(pdfArray); ok {
			for k, x := range a {
				if steps++; steps > maxCodesPerFont {
					return out
				}
				v, _ := d.num(x)
				out[int(first)+k] = v
			}
			i += 2
			continue
		}
		if i+2 >= len(w) {
			return out
		}
		last, _ := d.num(w[i+1])
		v, _ := d.num(w[i+2])
		for c := int(first); c <= int(last) && steps < maxCodesPerFont; c++ {
			steps++
			out[c] = v
		}
		i += 3
	}
	return out
}

// cidWidth is the width of CID c: its W entry, else the CIDFont's DW, else
// 1000.
func (d *document) cidWidth(cid pdfDict, widths map[int]float64, c int) float64 {
	if w, ok := widths[c]; ok {
		return w
	}
	if dw, ok := d.num(cid["DW"]); ok {
		return dw
	}
	return 1000
}

// checkType3Widths compares Widths with the glyph procedures' d0/d1 width.
func (d *document) checkType3Widths(u *fontUse) {
	first, _ := d.res(u.font["FirstChar"]).(int64)
	widths := d.arr(u.font["Widths"])
	names := map[int]string{}
	code := 0
	for _, x := range d.arr(d.dict(u.font["Encoding"])["Differences"]) {
		switch v := d.res(x).(type) {
		case int64:
			code = int(v)
		case pdfName:
			names[code] = string(v)
			code++
		}
	}
	procs := d.dict(u.font["CharProcs"])
	for _, c := range sortedCodes(u.codes) {
		s, ok := d.res(procs[names[c]]).(*pdfStream)
		i := c - int(first)
		if !ok || i < 0 || i >= len(widths) {
			continue
		}
		data, err := d.decodeStream(s)
		if err != nil {
			return
		}
		l := lexer{b: data}
		t := l.next()
		if t.kind != tokInt && t.kind != tokReal {
			continue
		}
		wx := float64(t.i)
		if t.kind == tokReal {
			wx = t.f
		}
		w, _ := d.num(widths[i])
		if math.Abs(wx-w) > 1 {
			d.found.add("6.2.11.5", fmt.Sprintf("a Type 3 glyph's width %g differs from its Widths entry %g", wx, w), u.where)
		}
	}
}

// checkCIDFontType0 applies the glyph rules to a CID-keyed CFF font.
func (d *document) checkCIDFontType0(u *fontUse, cid pdfDict) {
	fd := d.dict(cid["FontDescriptor"])
	s, ok := d.res(fd["FontFile3"]).(*pdfStream)
	if !ok || d.name(s.dict["Subtype"]) != "CIDFontType0C" {
		return
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return
	}
	f, ok := parseCIDCFF(data)
	if !ok {
		return
	}
	widths := d.cidWidths(cid)
	for _, c := range sortedCodes(u.codes) {
		if c == 0 {
			d.found.add("6.2.11.8", "text shows the .notdef glyph of a CIDFontType0 font", u.where)
			continue
		}
		g, ok := f.cidToGID[c]
		if !ok {
			d.found.add("6.2.11.4.1", "the embedded CIDFontType0 font lacks a glyph used for rendering", u.where)
			continue
		}
		if g >= len(f.widths) || f.widths[g] < 0 {
			continue
		}
		w := d.cidWidth(cid, widths, c)
		if math.Abs(f.widths[g]-w) > 1 {
			d.found.add("6.2.11.5", fmt.Sprintf("the W entry %g differs from the embedded glyph width %.0f", w, f.widths[g]), u.where)
		}
	}
}
