package pdfa

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unicode/utf8"
)

// checkImage: 6.2.8 image dictionaries, 6.2.8.3 JPEG 2000, and the colour
// space and soft mask of the image.
func (d *document) checkImage(s *pdfStream, ctx *gfxCtx, gs gstate, where string) error {
	for _, k := range []string{"Alternates", "OPI"} {
		if _, ok := s.dict[k]; ok {
			d.found.add("6.2.8.1", "an image dictionary contains "+k, where)
		}
	}
	if v, _ := d.res(s.dict["Interpolate"]).(bool); v {
		d.found.add("6.2.8.1", "an image has Interpolate true", where)
	}
	if n, ok := d.res(s.dict["Intent"]).(pdfName); ok && !renderingIntents[string(n)] {
		d.found.add("6.2.8.1", "an image uses the rendering intent "+string(n), where)
	}
	if _, ok := d.res(s.dict["SMask"]).(*pdfStream); ok && ctx.page != nil {
		ctx.page.transparency = true
	}
	if slices.Contains(d.filters(s.dict), "JPXDecode") {
		d.checkJPX(s, where)
	}
	if m, _ := d.res(s.dict["ImageMask"]).(bool); m {
		d.useCS(gs.fill, ctx, "6.2.4.3")
		return nil
	}
	cs := d.res(s.dict["ColorSpace"])
	if cs == nil {
		return nil // JPX with its own colour specification
	}
	c := ctx.child()
	c.where = where
	d.useCS(cs, c, "6.2.4.3")
	return nil
}

// checkJPX reads the JP2 boxes: 6.2.8.3 — 1, 3 or 4 components, one colr
// box (or one with METH 1), METH 1..3, no CIEJab, bit depth 1..38.
func (d *document) checkJPX(s *pdfStream, where string) {
	b := s.raw
	var colr [][]byte
	nc, bpc := -1, -1
	var walk func(b []byte, depth int)
	walk = func(b []byte, depth int) {
		for len(b) >= 8 && depth < 4 {
			size := int(binary.BigEndian.Uint32(b))
			typ := string(b[4:8])
			hdr := 8
			if size == 1 && len(b) >= 16 {
				size = int(binary.BigEndian.Uint64(b[8:16]))
				hdr = 16
			}
			if size == 0 || size > len(b) || size < hdr {
				size = len(b)
			}
			body := b[hdr:size]
			switch typ {
			case "jp2h":
				walk(body, depth+1)
			case "ihdr":
				if len(body) >= 11 {
					nc = int(binary.BigEndian.Uint16(body[8:10]))
					bpc = int(body[10])
				}
			case "colr":
				colr = append(colr, body)
			}
			b = b[size:]
		}
	}
	walk(b, 0)
	if nc >= 0 && nc != 1 && nc != 3 && nc != 4 {
		d.found.add("6.2.8.3", fmt.Sprintf("a JPEG 2000 image has %d colour channels", nc), where)
	}
	if bpc >= 0 && bpc != 255 && ((bpc&0x7f)+1 > 38) {
		d.found.add("6.2.8.3", "a JPEG 2000 image has a bit depth above 38", where)
	}
	if s.dict["ColorSpace"] != nil {
		return
	}
	meth1 := 0
	for _, c := range colr {
		if len(c) < 3 {
			continue
		}
		meth := c[0]
		if meth < 1 || meth > 3 {
			d.found.add("6.2.8.3", fmt.Sprintf("a JPEG 2000 colr box has METH %d", meth), where)
		}
		if meth == 1 {
			meth1++
			if len(c) >= 7 && binary.BigEndian.Uint32(c[3:7]) == 19 {
				d.found.add("6.2.8.3", "a JPEG 2000 image uses the CIEJab colour space", where)
			}
		}
	}
	if len(colr) > 1 && meth1 != 1 {
		d.found.add("6.2.8.3", "a JPEG 2000 image has several colr boxes", where)
	}
}

// usePattern paints with a named pattern.
func (d *document) usePattern(ctx *gfxCtx, name string) error {
	o := d.lookupRes(ctx, "Pattern", name)
	where := ctx.where + " pattern " + clipName(name)
	switch p := o.(type) {
	case *pdfStream: // tiling pattern
		key := fmt.Sprintf("pat%p%d", p, ctx.page.num)
		if d.done(key) {
			return nil
		}
		c := ctx.child()
		c.where = where
		c.defaults = nil
		if r := d.dict(p.dict["Resources"]); r != nil {
			c.res, c.inherited = r, false
			c.defaults = d.dict(r["ColorSpace"])
		}
		if pt, _ := d.res(p.dict["PaintType"]).(int64); pt == 2 {
			c.uncolored = true
		}
		data, err := d.decodeStream(p)
		if err != nil {
			return err
		}
		return d.runContent(data, c)
	case pdfDict: // shading pattern
		c := ctx.child()
		c.where = where
		if eg := d.dict(p["ExtGState"]); eg != nil {
			if err := d.checkExtGState(eg, c); err != nil {
				return err
			}
		}
		if sd := d.dict(p["Shading"]); sd != nil {
			d.useCS(d.res(sd["ColorSpace"]), c, "6.2.4.3")
		}
	}
	return nil
}

// sepInfo remembers the first Separation array seen per colorant name.
type sepInfo struct {
	alt, tint any
}

func (d *document) noteSeparation(v pdfArray) {
	name := d.name(v[1])
	if name == "All" || name == "None" || name == "" {
		return
	}
	d.checkColorantName(name)
	if d.seps == nil {
		d.seps = map[string]sepInfo{}
	}
	cur := sepInfo{alt: v[2], tint: v[3]}
	prev, ok := d.seps[name]
	if !ok {
		d.seps[name] = cur
		return
	}
	work := 0
	if !d.sameObj(prev.alt, cur.alt, 0, &work) {
		d.found.add("6.2.4.4", "Separation spaces named "+name+" have different alternate spaces", "")
	}
	work = 0
	if !d.sameObj(prev.tint, cur.tint, 0, &work) {
		d.found.add("6.2.4.4", "Separation spaces named "+name+" have different tint transforms", "")
	}
}

// sameObj compares two objects by reference or by value; work bounds the
// comparison (past it, objects count as the same).
func (d *document) sameObj(a, b any, depth int, work *int) bool {
	if ra, ok := a.(pdfRef); ok {
		if rb, ok := b.(pdfRef); ok && ra == rb {
			return true
		}
	}
	if *work++; depth > 6 || *work > 10000 {
		return true
	}
	a, b = d.res(a), d.res(b)
	switch x := a.(type) {
	case pdfArray:
		y, ok := b.(pdfArray)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !d.sameObj(x[i], y[i], depth+1, work) {
				return false
			}
		}
		return true
	case pdfDict:
		y, ok := b.(pdfDict)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !d.sameObj(x[k], y[k], depth+1, work) {
				return false
			}
		}
		return true
	case *pdfStream:
		y, ok := b.(*pdfStream)
		return ok && (x == y || string(x.raw) == string(y.raw) && d.sameObj(x.dict, y.dict, depth+1, work))
	case pdfString:
		y, ok := b.(pdfString)
		return ok && string(x.b) == string(y.b)
	}
	return a == b
}

// checkDeviceN: 6.1.13 (at most 32 colorants), 6.2.4.4 (colorants of an
// NChannel space are described).
func (d *document) checkDeviceN(v pdfArray, ctx *gfxCtx) {
	names := d.arr(v[1])
	if len(names) > maxDeviceNCs {
		d.found.add("6.1.13", "a DeviceN colour space has more than 32 colorants", ctx.where)
	}
	for _, n := range names {
		d.checkColorantName(d.name(n))
	}
	var attrs pdfDict
	if len(v) > 4 {
		attrs = d.dict(v[4])
	}
	colorants := d.dict(attrs["Colorants"])
	for _, c := range colorants {
		if a, ok := d.res(c).(pdfArray); ok && len(a) > 3 && d.name(a[0]) == "Separation" {
			d.noteSeparation(a)
		}
	}
	for _, n := range names {
		s := d.name(n)
		if primaryColorants[s] || s == "Red" || s == "Green" || s == "Blue" || s == "Gray" || s == "None" || s == "All" {
			continue
		}
		if _, ok := colorants[s]; !ok {
			d.found.add("6.2.4.4", "the spot colorant "+s+" of a DeviceN space is not in its Colorants dictionary", ctx.where)
		}
	}
}

// checkColorantName: 6.1.8 — names used as colorants are valid UTF-8.
func (d *document) checkColorantName(n string) {
	if !utf8.ValidString(n) {
		d.found.add("6.1.8", "a colorant name is not valid UTF-8", "")
	}
}
