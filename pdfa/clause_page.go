package pdfa

import (
	"fmt"
)

// pageState is what one page's content, annotations and XObjects found.
type pageState struct {
	num          int
	transparency bool
	group        pdfDict
}

// gfxCtx is the context of one content stream.
type gfxCtx struct {
	res       pdfDict // resources used to look up names
	inherited bool    // res came from an ancestor, not the stream itself (6.2.2)
	defaults  pdfDict // ColorSpace dictionary searched for Default* spaces
	page      *pageState
	depth     int
	where     string
	uncolored bool // inside a d1 glyph or an uncoloured pattern: colour ops ignored
}

const maxPages = 100000

func (d *document) checkPages(cat pdfDict) error {
	root := d.dict(cat["Pages"])
	if root == nil {
		d.found.add("6.1.3", "the document has no page tree", "catalog")
		return nil
	}
	type item struct {
		node        pdfDict
		res         any
		media, crop any
		depth       int
	}
	stack := []item{{node: root, depth: 0}}
	visited := map[pdfRef]bool{}
	n := 0
	for len(stack) > 0 {
		if err := d.b.step(); err != nil {
			return err
		}
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		node := it.node
		res, media, crop := it.res, it.media, it.crop
		own := false
		if r, ok := node["Resources"]; ok {
			res, own = r, true
		}
		if m, ok := node["MediaBox"]; ok {
			media = m
		}
		if c, ok := node["CropBox"]; ok {
			crop = c
		}
		if d.name(node["Type"]) == "Pages" || node["Kids"] != nil {
			kids := d.arr(node["Kids"])
			if it.depth > 64 {
				continue
			}
			for i := len(kids) - 1; i >= 0; i-- {
				if r, ok := kids[i].(pdfRef); ok {
					if visited[r] {
						continue
					}
					visited[r] = true
				}
				kd := d.dict(kids[i])
				if kd == nil {
					continue
				}
				stack = append(stack, item{node: kd, res: res, media: media, crop: crop, depth: it.depth + 1})
			}
			continue
		}
		n++
		d.pages = n
		if n > maxPages {
			return fmt.Errorf("check pdf: %w: more than %d pages", ErrTooComplex, maxPages)
		}
		if err := d.checkPage(node, n, res, !own, media, crop); err != nil {
			return err
		}
	}
	return nil
}

func (d *document) checkPage(pg pdfDict, n int, res any, inherited bool, media, crop any) error {
	where := fmt.Sprintf("page %d", n)
	d.checkBox(media, "MediaBox", where)
	if crop != nil {
		d.checkBox(crop, "CropBox", where)
	}
	for _, k := range []string{"BleedBox", "TrimBox", "ArtBox"} {
		if v, ok := pg[k]; ok {
			d.checkBox(v, k, where)
		}
	}
	if _, ok := pg["AA"]; ok {
		d.found.add("6.5.2", "a page dictionary contains an AA entry", where)
	}
	ps := &pageState{num: n, group: d.dict(pg["Group"])}
	rd := d.dict(res)
	ctx := &gfxCtx{res: rd, inherited: inherited, page: ps, where: where}
	ctx.defaults = d.dict(rd["ColorSpace"])
	if ps.group != nil && d.name(ps.group["S"]) == "Transparency" {
		d.checkGroupCS(ps.group, ctx)
	}
	var data []byte
	switch c := d.res(pg["Contents"]).(type) {
	case *pdfStream:
		b, err := d.decodeStream(c)
		if err != nil {
			return err
		}
		data = b
	case pdfArray:
		for _, x := range c {
			if s, ok := d.res(x).(*pdfStream); ok {
				b, err := d.decodeStream(s)
				if err != nil {
					return err
				}
				data = append(data, b...)
				data = append(data, '\n')
			}
		}
	}
	if err := d.runContent(data, ctx); err != nil {
		return err
	}
	for _, a := range d.arr(pg["Annots"]) {
		if ad := d.dict(a); ad != nil {
			if err := d.checkAnnot(ad, ctx); err != nil {
				return err
			}
		}
	}
	if ps.transparency && d.oiCS == "" {
		if ps.group == nil || ps.group["CS"] == nil {
			d.found.add("6.2.10", "the page uses transparency but defines no blending colour space and the file has no PDF/A output intent", where)
		}
	}
	return nil
}

// checkBox: 6.1.13 — page boundaries between 3 and 14400 units.
func (d *document) checkBox(box any, key, where string) {
	a := d.arr(box)
	if len(a) != 4 {
		return
	}
	var v [4]float64
	for i := range v {
		v[i], _ = d.num(a[i])
	}
	w, h := v[2]-v[0], v[3]-v[1]
	if w < 0 {
		w = -w
	}
	if h < 0 {
		h = -h
	}
	if w < 3 || h < 3 || w > 14400 || h > 14400 {
		d.found.add("6.1.13", fmt.Sprintf("the %s is %.0f x %.0f units, outside 3..14400", key, w, h), where)
	}
}

var allowedAnnots = map[string]bool{
	"Text": true, "Link": true, "FreeText": true, "Line": true, "Square": true, "Circle": true,
	"Polygon": true, "PolyLine": true, "Highlight": true, "Underline": true, "Squiggly": true,
	"StrikeOut": true, "Stamp": true, "Caret": true, "Ink": true, "Popup": true,
	"FileAttachment": true, "Widget": true, "PrinterMark": true, "TrapNet": true,
	"Watermark": true, "Redact": true,
}

// checkAnnot: 6.3 annotations, 6.4 widgets, 6.5 actions.
func (d *document) checkAnnot(a pdfDict, page *gfxCtx) error {
	st := d.name(a["Subtype"])
	where := page.where + " annotation " + st
	if !allowedAnnots[st] {
		d.found.add("6.3.1", "annotation type "+st+" is not permitted", where)
	}
	if f, ok := d.res(a["F"]).(int64); ok {
		if f&4 == 0 || f&(1|2|32|256) != 0 {
			d.found.add("6.3.2", "the annotation flags do not set Print or set Hidden, Invisible, NoView or ToggleNoView", where)
		}
	} else if st != "Popup" {
		d.found.add("6.3.2", "the annotation has no F key", where)
	}
	if _, ok := a["AA"]; ok {
		d.found.add("6.5.2", "an annotation dictionary contains an AA entry", where)
	}
	if st == "Widget" {
		if _, ok := a["A"]; ok {
			d.found.add("6.4.1", "a widget annotation contains an A entry", where)
		}
	} else if ad := d.dict(a["A"]); ad != nil {
		d.checkAction(ad, "annotation")
	}
	ap := d.dict(a["AP"])
	if ap == nil {
		if st != "Popup" && st != "Link" && !zeroRect(d, a["Rect"]) {
			d.found.add("6.3.3", "the annotation has no appearance dictionary", where)
		}
		return nil
	}
	for k := range ap {
		if k != "N" {
			d.found.add("6.3.3", "the appearance dictionary contains "+k+" besides N", where)
		}
	}
	n := d.res(ap["N"])
	ft := d.name(a["FT"])
	if ft == "" {
		if p := d.dict(a["Parent"]); p != nil {
			ft = d.name(p["FT"])
		}
	}
	ctx := &gfxCtx{page: page.page, where: where, depth: 1}
	switch v := n.(type) {
	case *pdfStream:
		if st == "Widget" && ft == "Btn" {
			d.found.add("6.3.3", "a button widget's normal appearance is a stream, not a subdictionary", where)
		}
		return d.runForm(v, ctx, "")
	case pdfDict:
		if st == "Widget" && ft != "Btn" {
			d.found.add("6.3.3", "the normal appearance is a subdictionary though the field is not a button", where)
		}
		for _, s := range v {
			if fs, ok := d.res(s).(*pdfStream); ok {
				if err := d.runForm(fs, ctx, ""); err != nil {
					return err
				}
			}
		}
	default:
		if st != "Popup" && st != "Link" {
			d.found.add("6.3.3", "the annotation has no normal appearance", where)
		}
	}
	return nil
}

func zeroRect(d *document, r any) bool {
	a := d.arr(r)
	if len(a) != 4 {
		return false
	}
	x1, _ := d.num(a[0])
	y1, _ := d.num(a[1])
	x2, _ := d.num(a[2])
	y2, _ := d.num(a[3])
	return x1 == x2 && y1 == y2
}
