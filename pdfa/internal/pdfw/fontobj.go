package pdfw

import (
	"fmt"
	"strconv"
	"strings"
)

// writeFont writes the Type0 font u.ref and everything it needs: the
// CIDFontType2 descendant, its descriptor with the subset program
// (FontFile2) and CIDSet, the widths, and the ToUnicode CMap.
func (d *Doc) writeFont(u *fontUse) error {
	prog, err := u.subset()
	if err != nil {
		return err
	}
	f := u.font
	base := u.tag() + "+" + f.psName
	n := len(u.gids)

	file := d.alloc()
	d.stream(file, "/Length1 "+strconv.Itoa(len(prog))+" /Filter /FlateDecode", deflate(prog))

	cidset := make([]byte, (n+7)/8)
	for c := range n {
		cidset[c/8] |= 0x80 >> (c % 8)
	}
	set := d.alloc()
	d.stream(set, "/Filter /FlateDecode", deflate(cidset))

	flags := 32 // nonsymbolic
	if f.fixed {
		flags |= 1
	}
	if f.italic != 0 {
		flags |= 64
	}
	desc := d.alloc()
	d.object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [%d %d %d %d]"+
		" /ItalicAngle %s /Ascent %d /Descent %d /CapHeight %d /StemV %d /FontFile2 %s /CIDSet %s >>",
		base, flags, f.scale(f.bbox[0]), f.scale(f.bbox[1]), f.scale(f.bbox[2]), f.scale(f.bbox[3]),
		appendReal(nil, f.italic), f.scale(f.ascent), f.scale(f.descent), f.scale(f.capHeight), f.stemV,
		refStr(file), refStr(set)))

	w := []byte("[0 [")
	for c, g := range u.gids {
		if c > 0 {
			w = append(w, ' ')
		}
		w = appendExact(w, f.glyphWidth(g))
	}
	w = append(w, "]]"...)
	cid := d.alloc()
	d.object(cid, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /"+base+
		" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"+
		" /FontDescriptor "+refStr(desc)+" /DW 1000 /W "+string(w)+" /CIDToGIDMap /Identity >>")

	tu := d.alloc()
	d.stream(tu, "/Filter /FlateDecode", deflate(u.toUnicode()))

	d.object(u.ref, "<< /Type /Font /Subtype /Type0 /BaseFont /"+base+" /Encoding /Identity-H"+
		" /DescendantFonts ["+refStr(cid)+"] /ToUnicode "+refStr(tu)+" >>")
	return nil
}

// toUnicode returns the ToUnicode CMap mapping each CID to its rune.
func (u *fontUse) toUnicode() []byte {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	type entry struct {
		c uint16
		r rune
	}
	var es []entry
	for c, r := range u.runes {
		if c > 0 && r > 0 {
			es = append(es, entry{uint16(c), r})
		}
	}
	for len(es) > 0 {
		k := min(len(es), 100)
		fmt.Fprintf(&b, "%d beginbfchar\n", k)
		for _, e := range es[:k] {
			fmt.Fprintf(&b, "<%04X> <", e.c)
			if e.r >= 0x10000 {
				r := e.r - 0x10000
				fmt.Fprintf(&b, "%04X%04X", 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(&b, "%04X", e.r)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
		es = es[k:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}
