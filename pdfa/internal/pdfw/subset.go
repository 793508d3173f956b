package pdfw

import (
	"crypto/sha256"
	"errors"
	"sort"
)

// fontUse is one font as used by one document. CIDs are assigned in order
// of first use, so the embedded subset holds only the glyphs the document
// shows and its glyph IDs equal the CIDs (CIDToGIDMap /Identity).
type fontUse struct {
	font  *Font
	name  string // resource name, e.g. F1
	ref   Ref
	cidOf map[uint16]uint16 // original glyph → CID
	gids  []uint16          // CID → original glyph
	runes []rune            // CID → rune for ToUnicode; 0 when none
}

func newFontUse(f *Font, name string, ref Ref) *fontUse {
	u := &fontUse{font: f, name: name, ref: ref, cidOf: map[uint16]uint16{0: 0}}
	u.gids = append(u.gids, 0)
	u.runes = append(u.runes, 0)
	return u
}

// cid returns the CID for glyph g, assigning the next one on first use.
func (u *fontUse) cid(g uint16, r rune) uint16 {
	if c, ok := u.cidOf[g]; ok {
		if u.runes[c] == 0 && r != 0 {
			u.runes[c] = r
		}
		return c
	}
	c := uint16(len(u.gids))
	u.cidOf[g] = c
	u.gids = append(u.gids, g)
	u.runes = append(u.runes, r)
	return c
}

// encode appends the 2-byte CIDs that show s, recording their runes.
func (u *fontUse) encode(dst []byte, s string) []byte {
	for _, r := range s {
		g, text, n := u.font.runeGlyphs(r)
		for _, x := range g[:n] {
			c := u.cid(x, text)
			dst = append(dst, byte(c>>8), byte(c))
		}
	}
	return dst
}

// composite glyph flags (TrueType glyf).
const (
	argWords   = 0x0001
	haveScale  = 0x0008
	moreComps  = 0x0020
	haveXY     = 0x0040
	haveTwoBy2 = 0x0080
	haveInstr  = 0x0100
)

// componentSize is the length of a composite glyph's component record with
// these flags: flags and glyph index, the arguments, the transform.
func componentSize(flags uint16) int {
	n := 4 + 2
	if flags&argWords != 0 {
		n += 2
	}
	switch {
	case flags&haveScale != 0:
		n += 2
	case flags&haveXY != 0:
		n += 4
	case flags&haveTwoBy2 != 0:
		n += 8
	}
	return n
}

// components calls fn for the offset of each component glyph index in a
// composite glyph's data, and reports malformed data.
func components(g []byte, fn func(off int)) error {
	if len(g) < 10 || int16(be.Uint16(g)) >= 0 {
		return nil
	}
	p := 10
	for {
		if p+4 > len(g) {
			return errors.New("short composite glyph")
		}
		flags := be.Uint16(g[p:])
		fn(p + 2)
		p += componentSize(flags)
		if flags&moreComps == 0 {
			return nil
		}
	}
}

func (f *Font) glyph(g uint16) []byte {
	return f.tables["glyf"][f.loca[g]:f.loca[g+1]]
}

// subset builds the TrueType program for the glyphs the document used, with
// glyph IDs renumbered to CIDs. Components of composite glyphs are added
// (and get CIDs) as needed. Hinting (glyph instructions, fpgm, prep, cvt)
// is left out: it halves the program, and PDF viewers render unhinted
// TrueType well at any size. The name table keeps only the copyright and
// the names.
func (u *fontUse) subset() ([]byte, error) {
	f := u.font
	// Close over composite components; u.gids grows while we walk it.
	for c := 0; c < len(u.gids); c++ {
		g := f.glyph(u.gids[c])
		err := components(g, func(off int) {
			cg := be.Uint16(g[off:])
			if int(cg) < f.numGlyphs {
				u.cid(cg, 0)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	n := len(u.gids)
	var glyf []byte
	loca := make([]byte, 4*(n+1))
	hmtx := make([]byte, 4*n)
	for c, g := range u.gids {
		be.PutUint32(loca[4*c:], uint32(len(glyf)))
		start := len(glyf)
		glyf = appendUnhinted(glyf, f.glyph(g))
		// Renumber component references to CIDs.
		_ = components(glyf[start:], func(off int) {
			cg := be.Uint16(glyf[start+off:])
			be.PutUint16(glyf[start+off:], u.cidOf[cg])
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		be.PutUint16(hmtx[4*c:], f.adv[g])
		hmtx[4*c+2], hmtx[4*c+3] = lsb(f, g)
	}
	be.PutUint32(loca[4*n:], uint32(len(glyf)))

	head := append([]byte(nil), f.tables["head"]...)
	be.PutUint32(head[8:], 0)  // checkSumAdjustment, fixed below
	be.PutUint16(head[50:], 1) // long loca
	hhea := append([]byte(nil), f.tables["hhea"]...)
	be.PutUint16(hhea[34:], uint16(n))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	be.PutUint16(maxp[4:], uint16(n))
	post := append([]byte(nil), f.tables["post"][:32]...)
	be.PutUint32(post, 0x00030000) // no glyph names

	tables := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "post": post,
		"loca": loca, "glyf": glyf, "hmtx": hmtx, "cmap": u.cmap(),
	}
	if t, ok := f.tables["OS/2"]; ok {
		tables["OS/2"] = t
	}
	if t := shortName(f.tables["name"]); t != nil {
		tables["name"] = t
	}
	return assemble(tables), nil
}

// lsb returns the left side bearing of glyph g from the original hmtx.
func lsb(f *Font, g uint16) (byte, byte) {
	hmtx := f.tables["hmtx"]
	nh := int(be.Uint16(f.tables["hhea"][34:]))
	var off int
	if int(g) < nh {
		off = 4*int(g) + 2
	} else {
		off = 4*nh + 2*(int(g)-nh)
	}
	if off+2 > len(hmtx) {
		return 0, 0
	}
	return hmtx[off], hmtx[off+1]
}

// cmap builds a format 4 (3,1) cmap mapping the used runes to their CIDs.
func (u *fontUse) cmap() []byte {
	type pair struct {
		r uint16
		c uint16
	}
	var ps []pair
	seen := map[uint16]bool{}
	for c, r := range u.runes {
		if r > 0 && r < 0xffff && !seen[uint16(r)] && c > 0 {
			seen[uint16(r)] = true
			ps = append(ps, pair{uint16(r), uint16(c)})
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].r < ps[j].r })
	seg := len(ps) + 1
	sub := make([]byte, 16+8*seg)
	be.PutUint16(sub[0:], 4)
	be.PutUint16(sub[2:], uint16(len(sub)))
	be.PutUint16(sub[6:], uint16(2*seg))
	sr, es := 1, 0
	for sr*2 <= seg {
		sr *= 2
		es++
	}
	be.PutUint16(sub[8:], uint16(2*sr))
	be.PutUint16(sub[10:], uint16(es))
	be.PutUint16(sub[12:], uint16(2*seg-2*sr))
	ends, starts := 14, 16+2*seg
	deltas, ranges := starts+2*seg, starts+4*seg
	for i, p := range ps {
		be.PutUint16(sub[ends+2*i:], p.r)
		be.PutUint16(sub[starts+2*i:], p.r)
		be.PutUint16(sub[deltas+2*i:], p.c-p.r)
		be.PutUint16(sub[ranges+2*i:], 0)
	}
	be.PutUint16(sub[ends+2*len(ps):], 0xffff)
	be.PutUint16(sub[starts+2*len(ps):], 0xffff)
	be.PutUint16(sub[deltas+2*len(ps):], 1)
	hdr := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(hdr, sub...)
}

// assemble writes an sfnt file with the given tables, sorted by tag, each
// 4-byte aligned and check-summed, and sets head.checkSumAdjustment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	out := make([]byte, 12+16*n)
	be.PutUint32(out, 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16*sr))
	be.PutUint16(out[8:], uint16(es))
	be.PutUint16(out[10:], uint16(16*n-16*sr))
	headOff := 0
	for i, t := range tags {
		data := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		be.PutUint32(rec[4:], checksum(data))
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(data)))
		if t == "head" {
			headOff = len(out)
		}
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	be.PutUint32(out[headOff+8:], 0xB1B0AFBA-checksum(out))
	return out
}

func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += be.Uint32(w[:])
	}
	return s
}

// tag returns the six-letter subset tag for this subset, derived from the
// glyphs it holds so equal subsets get equal names.
func (u *fontUse) tag() string {
	h := sha256.New()
	h.Write([]byte(u.font.psName))
	for _, g := range u.gids {
		h.Write([]byte{byte(g >> 8), byte(g)})
	}
	sum := h.Sum(nil)
	t := make([]byte, 6)
	for i := range t {
		t[i] = 'A' + sum[i]%26
	}
	return string(t)
}

// appendUnhinted appends glyph data g without its TrueType instructions.
func appendUnhinted(dst, g []byte) []byte {
	if len(g) < 12 {
		return append(dst, g...)
	}
	nc := int(int16(be.Uint16(g)))
	if nc >= 0 {
		il := 10 + 2*nc // offset of instructionLength
		if il+2 > len(g) || il+2+int(be.Uint16(g[il:])) > len(g) {
			return append(dst, g...)
		}
		dst = append(dst, g[:il]...)
		dst = append(dst, 0, 0)
		return append(dst, g[il+2+int(be.Uint16(g[il:])):]...)
	}
	// Composite: cut the instructions after the last component, if any.
	last := 0
	err := components(g, func(off int) { last = off - 2 })
	if err != nil {
		return append(dst, g...)
	}
	flags := be.Uint16(g[last:])
	end := last + componentSize(flags)
	if end > len(g) {
		return append(dst, g...)
	}
	start := len(dst)
	dst = append(dst, g[:end]...)
	be.PutUint16(dst[start+last:], flags&^haveInstr)
	return dst
}

// shortName returns a name table holding only the Windows (3,1) records of
// the copyright, family, subfamily, full and PostScript names.
func shortName(t []byte) []byte {
	if len(t) < 6 {
		return nil
	}
	count, strOff := int(be.Uint16(t[2:])), int(be.Uint16(t[4:]))
	type rec struct {
		hdr  []byte
		data []byte
	}
	var keep []rec
	for i := range count {
		if 6+12*i+12 > len(t) {
			return nil
		}
		r := t[6+12*i:]
		plat, id := be.Uint16(r), be.Uint16(r[6:])
		ln, off := int(be.Uint16(r[8:])), int(be.Uint16(r[10:]))
		if plat != 3 || id > 6 || id == 3 || id == 5 || strOff+off+ln > len(t) {
			continue
		}
		keep = append(keep, rec{r[:8], t[strOff+off : strOff+off+ln]})
	}
	if len(keep) == 0 {
		return nil
	}
	out := make([]byte, 6+12*len(keep))
	be.PutUint16(out[2:], uint16(len(keep)))
	be.PutUint16(out[4:], uint16(len(out)))
	var strs []byte
	for i, k := range keep {
		r := out[6+12*i:]
		copy(r, k.hdr)
		be.PutUint16(r[8:], uint16(len(k.data)))
		be.PutUint16(r[10:], uint16(len(strs)))
		strs = append(strs, k.data...)
	}
	return append(out, strs...)
}
