package pdfw

import (
	"errors"
	"slices"
	"strconv"
)

// A4 page size in points.
const (
	A4Width  = 595.276
	A4Height = 841.89
)

// MaxPageSize is the largest page side PDF/A allows (ISO 19005-2, 6.1.13),
// in points; the smallest is MinPageSize.
const (
	MaxPageSize = 14400
	MinPageSize = 3
)

// Page is a page being drawn. Coordinates are in points with the origin at
// the bottom left. Drawing methods append to the page's content stream;
// Doc.AddPage writes it.
type Page struct {
	doc    *Doc
	w, h   float64
	c      []byte
	fonts  []*fontUse
	images []Ref
	added  bool
}

// Pages is the number of pages added so far.
func (d *Doc) Pages() int { return len(d.pages) }

// NewPage returns an empty page of w × h points.
func (d *Doc) NewPage(w, h float64) *Page {
	return &Page{doc: d, w: w, h: h, c: make([]byte, 0, 4096)}
}

// AddPage writes p's content stream and page object. A page may be added
// once; drawing on it afterwards has no effect on the file.
func (d *Doc) AddPage(p *Page) error {
	if p.doc != d || p.added || d.done {
		return errors.New("add page: page not from this document, added twice or document finished")
	}
	if p.w < MinPageSize || p.h < MinPageSize || p.w > MaxPageSize || p.h > MaxPageSize {
		return errors.New("add page: page size out of PDF/A range")
	}
	p.added = true
	content := d.alloc()
	d.stream(content, "/Filter /FlateDecode", deflate(p.c))
	ref := d.alloc()
	b := []byte("<< /Type /Page /Parent " + refStr(d.pagesRef) + " /MediaBox [0 0 ")
	b = appendReal(b, p.w)
	b = append(b, ' ')
	b = appendReal(b, p.h)
	b = append(b, "] /Resources <<"...)
	if len(p.fonts) > 0 {
		b = append(b, " /Font <<"...)
		for _, u := range p.fonts {
			b = append(b, " /"+u.name+" "+refStr(u.ref)...)
		}
		b = append(b, " >>"...)
	}
	if len(p.images) > 0 {
		b = append(b, " /XObject <<"...)
		for _, r := range p.images {
			b = append(b, " /Im"+strconv.Itoa(int(r))+" "+refStr(r)...)
		}
		b = append(b, " >>"...)
	}
	b = append(b, " >> /Contents "+refStr(content)+" >>"...)
	d.object(ref, string(b))
	d.pages = append(d.pages, ref)
	return nil
}

func (p *Page) op(nums []float64, op string) {
	for _, v := range nums {
		p.c = appendReal(p.c, v)
		p.c = append(p.c, ' ')
	}
	p.c = append(p.c, op...)
	p.c = append(p.c, '\n')
}

// Save and Restore push and pop the graphics state (q, Q).
func (p *Page) Save()    { p.op(nil, "q") }
func (p *Page) Restore() { p.op(nil, "Q") }

// SetFillGray and SetStrokeGray set a gray level, 0 black to 1 white.
func (p *Page) SetFillGray(g float64)   { p.op([]float64{g}, "g") }
func (p *Page) SetStrokeGray(g float64) { p.op([]float64{g}, "G") }

// SetFillRGB and SetStrokeRGB set an RGB colour, components 0 to 1.
func (p *Page) SetFillRGB(r, g, b float64)   { p.op([]float64{r, g, b}, "rg") }
func (p *Page) SetStrokeRGB(r, g, b float64) { p.op([]float64{r, g, b}, "RG") }

// SetLineWidth sets the stroke width in points.
func (p *Page) SetLineWidth(w float64) { p.op([]float64{w}, "w") }

// SetRound makes line caps and joins round, as for pen strokes.
func (p *Page) SetRound() { p.op([]float64{1}, "J"); p.op([]float64{1}, "j") }

// Rect adds a rectangle to the current path.
func (p *Page) Rect(x, y, w, h float64) { p.op([]float64{x, y, w, h}, "re") }

// MoveTo, LineTo and CurveTo build the current path.
func (p *Page) MoveTo(x, y float64) { p.op([]float64{x, y}, "m") }
func (p *Page) LineTo(x, y float64) { p.op([]float64{x, y}, "l") }
func (p *Page) CurveTo(x1, y1, x2, y2, x3, y3 float64) {
	p.op([]float64{x1, y1, x2, y2, x3, y3}, "c")
}

// Stroke and Fill paint the current path.
func (p *Page) Stroke() { p.op(nil, "S") }
func (p *Page) Fill()   { p.op(nil, "f") }

// Line strokes a straight line.
func (p *Page) Line(x1, y1, x2, y2 float64) { p.MoveTo(x1, y1); p.LineTo(x2, y2); p.Stroke() }

func (p *Page) use(f *Font) *fontUse {
	u := p.doc.useFont(f)
	if !slices.Contains(p.fonts, u) {
		p.fonts = append(p.fonts, u)
	}
	return u
}

// Text shows s in font f at size points with its baseline starting at
// (x, y), in the current fill colour.
func (p *Page) Text(f *Font, size, x, y float64, s string) {
	p.text(f, size, x, y, 0, 0, s)
}

// InvisibleText places s with text render mode 3 (neither filled nor
// stroked) so that it can be searched and extracted but is not seen, as for
// an OCR layer over a scanned image. When width > 0 the text is scaled
// horizontally to span width points, matching a recognised word's box.
func (p *Page) InvisibleText(f *Font, size, x, y, width float64, s string) {
	p.text(f, size, x, y, width, 3, s)
}

func (p *Page) text(f *Font, size, x, y, width float64, mode int, s string) {
	if s == "" {
		return
	}
	u := p.use(f)
	p.c = append(p.c, "BT /"...)
	p.c = append(p.c, u.name...)
	p.c = append(p.c, ' ')
	p.c = appendReal(p.c, size)
	p.c = append(p.c, " Tf\n"...)
	if mode != 0 {
		p.c = strconv.AppendInt(p.c, int64(mode), 10)
		p.c = append(p.c, " Tr\n"...)
	}
	if width > 0 {
		if natural := f.Width(s, size); natural > 0 {
			p.op([]float64{100 * width / natural}, "Tz")
		}
	}
	p.op([]float64{x, y}, "Td")
	p.c = append(p.c, '<')
	var tmp [256]byte
	enc := u.encode(tmp[:0], s)
	p.c = appendHex(p.c, enc)
	p.c = append(p.c, "> Tj ET\n"...)
}

// DrawImage paints image XObject ref into the rectangle at (x, y) of w × h
// points.
func (p *Page) DrawImage(ref Ref, x, y, w, h float64) {
	if !slices.Contains(p.images, ref) {
		p.images = append(p.images, ref)
	}
	p.op(nil, "q")
	p.op([]float64{w, 0, 0, h, x, y}, "cm")
	p.c = append(p.c, "/Im"...)
	p.c = strconv.AppendInt(p.c, int64(ref), 10)
	p.c = append(p.c, " Do\nQ\n"...)
}
