package pdfa

import (
	"errors"
	"fmt"
)

// ISO 32000-1 Annex A: every operator a content stream may use (6.2.2).
var knownOps = map[string]bool{}

func init() {
	for _, op := range []string{"b", "B", "b*", "B*", "BDC", "BI", "BMC", "BT", "BX", "c", "cm", "CS",
		"cs", "d", "d0", "d1", "Do", "DP", "EI", "EMC", "ET", "EX", "f", "F", "f*", "G", "g", "gs", "h",
		"i", "ID", "j", "J", "K", "k", "l", "m", "M", "MP", "n", "q", "Q", "re", "RG", "rg", "ri", "s",
		"S", "SC", "sc", "SCN", "scn", "sh", "T*", "Tc", "Td", "TD", "Tf", "TJ", "Tj", "TL", "Tm", "Tr",
		"Ts", "Tw", "Tz", "v", "w", "W", "W*", "y", "'", "\""} {
		knownOps[op] = true
	}
}

var renderingIntents = map[string]bool{
	"RelativeColorimetric": true, "AbsoluteColorimetric": true, "Perceptual": true, "Saturation": true,
}

const (
	maxOperands  = 4096
	maxQNesting  = 28
	maxCtxDepth  = 12
	maxDeviceNCs = 32
)

type gstate struct {
	fill, stroke any // colour space objects (names or arrays)
	tr           int64
	font         pdfDict
	fillSet      bool // colour spaces set explicitly (not the initial DeviceGray)
	strokeSet    bool
	opStroke     bool // overprint for stroking (OP) and filling (op)
	opFill       bool
	opm          int64
}

// runContent interprets one content stream for the colour, transparency,
// font and operator rules.
func (d *document) runContent(data []byte, ctx *gfxCtx) error {
	if ctx.depth > maxCtxDepth {
		return nil
	}
	p := &parser{lex: lexer{b: data}, budget: d.b}
	var ops []any
	gs := gstate{fill: pdfName("DeviceGray"), stroke: pdfName("DeviceGray")}
	var stack []gstate
	qDepth := 0
	first := true
	for {
		if err := d.b.step(); err != nil {
			return err
		}
		o, err := p.parseObject(1)
		if err != nil {
			if isBudgetErr(err) {
				return err
			}
			if !errors.Is(err, errEOF) {
				d.found.add("6.2.2", "the content stream cannot be parsed: "+err.Error(), ctx.where)
			}
			break
		}
		kw, ok := o.(pdfKeyword)
		if !ok {
			if len(ops) < maxOperands {
				ops = append(ops, o)
			}
			continue
		}
		op := string(kw)
		if first && !ctx.uncolored && op == "d1" {
			ctx = ctx.child()
			ctx.uncolored = true
		}
		first = false
		if !knownOps[op] {
			d.found.add("6.2.2", fmt.Sprintf("the content stream uses the undefined operator %q", clipName(op)), ctx.where)
		}
		switch op {
		case "q":
			qDepth++
			if qDepth > maxQNesting {
				d.found.add("6.1.13", "q/Q nesting deeper than 28", ctx.where)
			}
			if len(stack) < 1024 {
				stack = append(stack, gs)
			}
		case "Q":
			if qDepth > 0 {
				qDepth--
			}
			if len(stack) > 0 {
				gs = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "g", "rg", "k":
			gs.setCS(false, deviceSpaces[op])
		case "G", "RG", "K":
			gs.setCS(true, deviceSpaces[op])
		case "cs", "CS":
			if len(ops) > 0 {
				cs := ops[len(ops)-1]
				if n, ok := cs.(pdfName); ok {
					if r := d.lookupRes(ctx, "ColorSpace", string(n)); r != nil {
						cs = r
					}
				}
				gs.setCS(op == "CS", cs)
			}
		case "scn", "SCN":
			cs := gs.fill
			if op == "SCN" {
				cs = gs.stroke
			}
			if n, ok := lastName(ops); isPatternCS(d, cs) && ok {
				if err := d.usePattern(ctx, n); err != nil {
					return err
				}
			}
		case "f", "F", "f*":
			d.paint(&gs, ctx, true, false)
		case "S", "s":
			d.paint(&gs, ctx, false, true)
		case "B", "B*", "b", "b*":
			d.paint(&gs, ctx, true, true)
		case "Tr":
			if len(ops) > 0 {
				gs.tr, _ = ops[len(ops)-1].(int64)
			}
		case "Tj", "TJ", "'", "\"":
			// veraPDF counts an explicitly set colour for any visible
			// text, the initial DeviceGray only where the mode paints.
			if gs.tr != 3 && gs.tr != 7 {
				fills := gs.tr == 0 || gs.tr == 2 || gs.tr == 4 || gs.tr == 6
				strokes := gs.tr == 1 || gs.tr == 2 || gs.tr == 5 || gs.tr == 6
				d.paint(&gs, ctx, fills || gs.fillSet, strokes || gs.strokeSet)
			}
			if gs.tr != 3 && gs.font != nil {
				if err := d.useFont(gs.font, ctx); err != nil {
					return err
				}
				d.noteText(gs.font, ops, ctx.where)
			}
		case "Tf":
			if len(ops) >= 2 {
				if n, ok := ops[len(ops)-2].(pdfName); ok {
					gs.font = d.dict(d.lookupRes(ctx, "Font", string(n)))
				}
			}
		case "gs":
			if n, ok := lastName(ops); ok {
				if eg := d.dict(d.lookupRes(ctx, "ExtGState", n)); eg != nil {
					if err := d.checkExtGState(eg, ctx); err != nil {
						return err
					}
					gs.overprint(d, eg)
				}
			}
		case "ri":
			if n, ok := lastName(ops); ok && !renderingIntents[n] {
				d.found.add("6.2.6", "the ri operator uses the rendering intent "+n, ctx.where)
			}
		case "sh":
			if n, ok := lastName(ops); ok {
				if sd := d.dict(d.lookupRes(ctx, "Shading", n)); sd != nil {
					d.useCS(d.res(sd["ColorSpace"]), ctx, "6.2.4.3")
				}
			}
		case "Do":
			if n, ok := lastName(ops); ok {
				if err := d.doXObject(ctx, n, gs); err != nil {
					return err
				}
			}
		case "BI":
			end, err := d.inlineImage(data, p.lex.pos, ctx, gs)
			if err != nil {
				return err
			}
			p.lex.pos = end
		}
		ops = ops[:0]
	}
	d.noteLex(&p.lex, 0)
	return nil
}

// deviceSpaces are the colour spaces the device colour operators set.
var deviceSpaces = map[string]pdfName{
	"g": "DeviceGray", "G": "DeviceGray",
	"rg": "DeviceRGB", "RG": "DeviceRGB",
	"k": "DeviceCMYK", "K": "DeviceCMYK",
}

// setCS sets the stroking or the filling colour space explicitly.
func (gs *gstate) setCS(stroke bool, cs any) {
	if stroke {
		gs.stroke, gs.strokeSet = cs, true
	} else {
		gs.fill, gs.fillSet = cs, true
	}
}

// lastName is the operator's last operand when that is a name.
func lastName(ops []any) (string, bool) {
	if len(ops) == 0 {
		return "", false
	}
	n, ok := ops[len(ops)-1].(pdfName)
	return string(n), ok
}

func clipName(s string) string {
	if len(s) > 32 {
		return s[:32]
	}
	return s
}

func (c *gfxCtx) child() *gfxCtx {
	n := *c
	n.depth++
	return &n
}

// lookupRes finds a named resource; using an inherited one breaks 6.2.2.
func (d *document) lookupRes(ctx *gfxCtx, cat, name string) any {
	r := d.dict(ctx.res[cat])
	v, ok := r[name]
	if !ok {
		return nil
	}
	if ctx.inherited {
		d.found.add("6.2.2", "a content stream uses the inherited resource "+clipName(name)+" without its own Resources", ctx.where)
	}
	return d.res(v)
}

func isPatternCS(d *document, cs any) bool {
	switch v := d.res(cs).(type) {
	case pdfName:
		return v == "Pattern"
	case pdfArray:
		return len(v) > 0 && d.name(v[0]) == "Pattern"
	}
	return false
}

// inlineImage handles BI ... ID data EI starting after BI; it returns the
// position after EI.
func (d *document) inlineImage(data []byte, pos int, ctx *gfxCtx, gs gstate) (int, error) {
	p := &parser{lex: lexer{b: data, pos: pos}, budget: d.b}
	dict := pdfDict{}
	for {
		if err := d.b.step(); err != nil {
			return 0, err
		}
		o, err := p.parseObject(1)
		if err != nil {
			return len(data), nil
		}
		if kw, ok := o.(pdfKeyword); ok && kw == "ID" {
			break
		}
		k, ok := o.(pdfName)
		if !ok {
			continue
		}
		v, err := p.parseObject(1)
		if err != nil {
			return len(data), nil
		}
		dict[string(k)] = v
	}
	start := p.lex.pos + 1
	end := len(data)
	for i := start; i+2 <= len(data); i++ {
		if data[i] == 'E' && data[i+1] == 'I' && (i == 0 || isWS(data[i-1])) && (i+2 == len(data) || isWS(data[i+2]) || isDelim(data[i+2])) {
			end = i + 2
			break
		}
	}
	for _, f := range d.filters(dict) {
		if f == "LZWDecode" || f == "LZW" {
			d.found.add("6.1.10", "an inline image uses the LZW filter", ctx.where)
		}
	}
	i, _ := dict["I"].(bool)
	if interp, _ := dict["Interpolate"].(bool); i || interp {
		d.found.add("6.2.8.1", "an inline image has Interpolate true", ctx.where)
	}
	if n, ok := dict["Intent"].(pdfName); ok && !renderingIntents[string(n)] {
		d.found.add("6.2.6", "an inline image uses the rendering intent "+string(n), ctx.where)
	}
	im, _ := dict["IM"].(bool)
	if mask, _ := dict["ImageMask"].(bool); im || mask {
		d.useCS(gs.fill, ctx, "6.2.4.3")
		return end, nil
	}
	cs := dict["CS"]
	if cs == nil {
		cs = dict["ColorSpace"]
	}
	d.useCS(inlineCS(d, cs, ctx), ctx, "6.2.4.3")
	return end, nil
}

// inlineCS expands the abbreviations of inline image colour spaces.
func inlineCS(d *document, cs any, ctx *gfxCtx) any {
	switch v := cs.(type) {
	case pdfName:
		switch v {
		case "G":
			return pdfName("DeviceGray")
		case "RGB":
			return pdfName("DeviceRGB")
		case "CMYK":
			return pdfName("DeviceCMYK")
		case "DeviceGray", "DeviceRGB", "DeviceCMYK":
			return v
		}
		if r := d.lookupRes(ctx, "ColorSpace", string(v)); r != nil {
			return r
		}
		return v
	case pdfArray:
		if len(v) > 0 && (d.name(v[0]) == "I" || d.name(v[0]) == "Indexed") && len(v) > 1 {
			return append(pdfArray{pdfName("Indexed"), inlineCS(d, v[1], ctx)}, v[2:]...)
		}
	}
	return cs
}

// doXObject paints a named XObject.
func (d *document) doXObject(ctx *gfxCtx, name string, gs gstate) error {
	s, ok := d.lookupRes(ctx, "XObject", name).(*pdfStream)
	if !ok {
		return nil
	}
	where := ctx.where + " XObject " + clipName(name)
	switch d.name(s.dict["Subtype"]) {
	case "Image":
		return d.checkImage(s, ctx, gs, where)
	case "Form":
		c := ctx.child()
		c.where = where
		return d.runForm(s, c, where)
	case "PS":
		d.found.add("6.2.9.3", "the document contains a PostScript XObject", where)
	}
	return nil
}

// runForm runs a form XObject or appearance stream.
func (d *document) runForm(s *pdfStream, ctx *gfxCtx, where string) error {
	if ctx.depth > maxCtxDepth {
		return nil
	}
	if where == "" {
		where = ctx.where
	}
	// A form painted many times in one context is checked once: the
	// findings would repeat, and self-painting forms would be exponential.
	page := 0
	if ctx.page != nil {
		page = ctx.page.num
	}
	if d.done(fmt.Sprintf("form%p/%d/%p/%v/%v", s, page, ctx.defaults, ctx.uncolored, ctx.res == nil)) {
		return nil
	}
	for _, k := range []string{"OPI", "PS"} {
		if _, ok := s.dict[k]; ok {
			d.found.add("6.2.9.1", "a form XObject contains the "+k+" key", where)
		}
	}
	if d.name(s.dict["Subtype2"]) == "PS" {
		d.found.add("6.2.9.1", "a form XObject has Subtype2 PS", where)
	}
	if _, ok := s.dict["Ref"]; ok {
		d.found.add("6.2.9.2", "the document contains a reference XObject", where)
	}
	c := d.streamCtx(ctx, s.dict["Resources"], where)
	if g := d.dict(s.dict["Group"]); g != nil && d.name(g["S"]) == "Transparency" {
		if c.page != nil {
			c.page.transparency = true
		}
		d.checkGroupCS(g, c)
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return err
	}
	return d.runContent(data, c)
}

// streamCtx is the context of a content stream run from ctx (a form, a
// Type 3 glyph procedure) whose own Resources are res. Without them it uses
// ctx's, and lookupRes reports each use (6.2.2).
func (d *document) streamCtx(ctx *gfxCtx, res any, where string) *gfxCtx {
	c := ctx.child()
	c.where = where
	if r := d.dict(res); r != nil {
		c.res, c.inherited = r, false
		if cs := d.dict(r["ColorSpace"]); cs != nil {
			c.defaults = cs
		}
	} else {
		c.inherited = true
	}
	return c
}

// paint records a fill and/or stroke with the current colours.
func (d *document) paint(gs *gstate, ctx *gfxCtx, fill, stroke bool) {
	if fill {
		d.useCS(gs.fill, ctx, "6.2.4.3")
		if gs.opFill && gs.opm == 1 && d.isICCCMYK(gs.fill, ctx) {
			d.found.add("6.2.4.2", "an ICCBased CMYK fill is painted with overprint mode 1", ctx.where)
		}
	}
	if stroke {
		d.useCS(gs.stroke, ctx, "6.2.4.3")
		if gs.opStroke && gs.opm == 1 && d.isICCCMYK(gs.stroke, ctx) {
			d.found.add("6.2.4.2", "an ICCBased CMYK stroke is painted with overprint mode 1", ctx.where)
		}
	}
}

// overprint applies OP, op and OPM from an ExtGState.
func (gs *gstate) overprint(d *document, eg pdfDict) {
	if v, ok := d.res(eg["OP"]).(bool); ok {
		gs.opStroke = v
		if _, has := eg["op"]; !has {
			gs.opFill = v
		}
	}
	if v, ok := d.res(eg["op"]).(bool); ok {
		gs.opFill = v
	}
	if v, ok := d.res(eg["OPM"]).(int64); ok {
		gs.opm = v
	}
}

func (d *document) isICCCMYK(cs any, ctx *gfxCtx) bool {
	cs = d.res(cs)
	if n, ok := cs.(pdfName); ok {
		cs = d.res(d.dict(ctx.res["ColorSpace"])[string(n)])
	}
	a, ok := cs.(pdfArray)
	if !ok || len(a) < 2 || d.name(a[0]) != "ICCBased" {
		return false
	}
	s, ok := d.res(a[1]).(*pdfStream)
	if !ok {
		return false
	}
	n, _ := d.res(s.dict["N"]).(int64)
	return n == 4
}
