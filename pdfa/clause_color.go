package pdfa

import (
	"fmt"
)

// loadOutputIntents: 6.2.3 — a GTS_PDFA1 output intent with a valid ICC
// output profile; all output intents share the same profile.
func (d *document) loadOutputIntents(cat pdfDict) {
	var profile *pdfStream
	var profileRef any
	ois := d.arr(cat["OutputIntents"])
	for _, oi := range ois {
		od := d.dict(oi)
		if od == nil {
			continue
		}
		ref := od["DestOutputProfile"]
		s, _ := d.res(ref).(*pdfStream)
		if s != nil {
			if profile != nil && !sameRef(profileRef, ref) {
				d.found.add("6.2.3", "output intents refer to different output profiles", "OutputIntents")
			}
			if profile == nil {
				profile, profileRef = s, ref
			}
		}
		if d.name(od["S"]) != "GTS_PDFA1" {
			continue
		}
		if s == nil {
			d.found.add("6.2.3", "the PDF/A output intent has no DestOutputProfile", "OutputIntents")
			continue
		}
		data, err := d.decodeStream(s)
		if err != nil {
			continue
		}
		h, ok := parseICC(data)
		switch {
		case !ok:
			d.found.add("6.2.3", "the output intent's ICC profile is not valid", "OutputIntents")
		case h.class != "prtr" && h.class != "mntr":
			d.found.add("6.2.3", "the output intent's ICC profile has device class "+h.class, "OutputIntents")
		case h.space != "RGB " && h.space != "CMYK" && h.space != "GRAY":
			d.found.add("6.2.3", "the output intent's ICC profile has colour space "+h.space, "OutputIntents")
		case h.major > 4:
			d.found.add("6.2.3", "the output intent's ICC profile version is not supported", "OutputIntents")
		default:
			if d.oiCS == "" {
				d.oiCS = h.space
			}
		}
		if n, ok := d.res(s.dict["N"]).(int64); ok && h.space != "" && int(n) != icsComponents(h.space) && icsComponents(h.space) > 0 {
			d.found.add("6.2.3", "the output profile's N does not match its colour space", "OutputIntents")
		}
	}
	if len(ois) == 1 && d.oiCS == "" {
		if od := d.dict(ois[0]); od != nil && od["S"] != nil && d.name(od["S"]) != "GTS_PDFA1" {
			d.found.add("6.2.3", "the output intent's S is "+d.name(od["S"])+", not GTS_PDFA1", "OutputIntents")
		}
	}
}

// sameRef: output intents must share one profile object (veraPDF compares
// the references, not the bytes).
func sameRef(a, b any) bool {
	ra, ok1 := a.(pdfRef)
	rb, ok2 := b.(pdfRef)
	return ok1 && ok2 && ra == rb
}

type iccHeader struct {
	class, space string
	major        int
}

func parseICC(b []byte) (iccHeader, bool) {
	if len(b) < 128 || string(b[36:40]) != "acsp" {
		return iccHeader{}, false
	}
	size := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	if size > len(b)+4 || size < 128 {
		return iccHeader{}, false
	}
	return iccHeader{class: string(b[12:16]), space: string(b[16:20]), major: int(b[8])}, true
}

func icsComponents(space string) int {
	switch space {
	case "GRAY":
		return 1
	case "RGB ", "Lab ", "XYZ ":
		return 3
	case "CMYK":
		return 4
	}
	return 0
}

// useCS records that content is painted in colour space cs: device spaces
// need a matching output intent or a Default space (6.2.4.3), and the
// components of special spaces are checked the same way.
func (d *document) useCS(cs any, ctx *gfxCtx, clause Clause) {
	if ctx.uncolored {
		return
	}
	d.useCSDepth(d.res(cs), ctx, clause, 0)
}

func (d *document) useCSDepth(cs any, ctx *gfxCtx, clause Clause, depth int) {
	if depth > 8 {
		return
	}
	switch v := cs.(type) {
	case pdfName:
		switch v {
		case "DeviceRGB", "RGB":
			d.deviceUse("RGB", ctx, clause)
		case "DeviceCMYK", "CMYK":
			d.deviceUse("CMYK", ctx, clause)
		case "DeviceGray", "G":
			d.deviceUse("Gray", ctx, clause)
		case "Pattern", "CalRGB", "CalGray", "Lab":
		default:
			if r := d.lookupRes(ctx, "ColorSpace", string(v)); r != nil {
				d.useCSDepth(r, ctx, clause, depth+1)
			}
		}
	case pdfArray:
		if len(v) == 0 {
			return
		}
		switch d.name(v[0]) {
		case "ICCBased":
			if len(v) > 1 {
				d.checkICCBased(v[1], ctx)
			}
		case "Indexed", "I":
			if len(v) > 1 {
				d.useCSDepth(d.res(v[1]), ctx, "6.2.4.5", depth+1)
			}
		case "Pattern":
			if len(v) > 1 {
				d.useCSDepth(d.res(v[1]), ctx, clause, depth+1)
			}
		case "Separation":
			if len(v) > 3 {
				d.noteSeparation(v)
				d.useCSDepth(d.res(v[2]), ctx, "6.2.4.4", depth+1)
			}
		case "DeviceN":
			if len(v) > 3 {
				d.checkDeviceN(v, ctx)
				d.useCSDepth(d.res(v[2]), ctx, "6.2.4.4", depth+1)
			}
		}
	}
}

// deviceUse: a device colour space is allowed when the stream's resources
// define the matching Default space, or the output intent matches.
func (d *document) deviceUse(fam string, ctx *gfxCtx, clause Clause) {
	if ctx.defaults != nil {
		if _, ok := ctx.defaults["Default"+fam]; ok {
			return
		}
	}
	ok := false
	switch fam {
	case "RGB":
		ok = d.oiCS == "RGB "
	case "CMYK":
		ok = d.oiCS == "CMYK"
	case "Gray":
		ok = d.oiCS != ""
	}
	if !ok {
		msg := fmt.Sprintf("Device%s is used without a matching PDF/A output intent or Default%s colour space", fam, fam)
		d.found.add(clause, msg, ctx.where)
	}
}

// checkICCBased: 6.2.4.2 — an embedded profile must be valid and match N.
func (d *document) checkICCBased(ref any, ctx *gfxCtx) {
	s, ok := d.res(ref).(*pdfStream)
	if !ok {
		d.found.add("6.2.4.2", "an ICCBased colour space has no profile stream", ctx.where)
		return
	}
	key := fmt.Sprintf("icc%p", s)
	if d.done(key) {
		return
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return
	}
	h, valid := parseICC(data)
	if !valid {
		d.found.add("6.2.4.2", "an ICCBased colour space has an invalid ICC profile", ctx.where)
		return
	}
	if h.major > 4 {
		d.found.add("6.2.4.2", "an embedded ICC profile has an unsupported version", ctx.where)
	}
	switch h.class {
	case "scnr", "mntr", "prtr", "spac", "abst", "link", "nmcl":
	default:
		d.found.add("6.2.4.2", "an embedded ICC profile has an invalid device class", ctx.where)
	}
	if n, ok := d.res(s.dict["N"]).(int64); ok {
		if c := icsComponents(h.space); c > 0 && int(n) != c {
			d.found.add("6.2.4.2", "an ICCBased colour space's N does not match its profile", ctx.where)
		}
	}
}

// done remembers keys already checked.
func (d *document) done(key string) bool {
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	if d.seen[key] {
		return true
	}
	d.seen[key] = true
	return false
}

func (d *document) checkGroupCS(g pdfDict, ctx *gfxCtx) {
	cs := d.res(g["CS"])
	if cs == nil {
		return
	}
	d.useCSDepth(cs, ctx, "6.2.10", 0)
}

// checkExtGState: 6.2.5 (transfer, halftones, intents) and 6.2.10
// (transparency).
func (d *document) checkExtGState(eg pdfDict, ctx *gfxCtx) error {
	if _, ok := eg["TR"]; ok {
		d.found.add("6.2.5", "an ExtGState contains TR", ctx.where)
	}
	if v, ok := eg["TR2"]; ok && d.name(v) != "Default" {
		d.found.add("6.2.5", "an ExtGState contains TR2 other than Default", ctx.where)
	}
	if _, ok := eg["HTP"]; ok {
		d.found.add("6.2.5", "an ExtGState contains HTP", ctx.where)
	}
	if ht := d.dict(eg["HT"]); ht != nil {
		d.checkHalftone(ht, ctx, 0)
	}
	if n, ok := d.res(eg["RI"]).(pdfName); ok && !renderingIntents[string(n)] {
		d.found.add("6.2.5", "an ExtGState uses the rendering intent "+string(n), ctx.where)
	}
	transparent := false
	for _, k := range []string{"CA", "ca"} {
		if v, ok := d.num(eg[k]); ok && v != 1 {
			transparent = true
		}
	}
	if bm := d.res(eg["BM"]); bm != nil {
		names := []string{}
		switch v := bm.(type) {
		case pdfName:
			names = append(names, string(v))
		case pdfArray:
			for _, x := range v {
				names = append(names, d.name(x))
			}
		}
		for _, n := range names {
			if !blendModes[n] {
				d.found.add("6.2.10", "an ExtGState uses the unknown blend mode "+n, ctx.where)
			}
			if n != "Normal" && n != "Compatible" {
				transparent = true
			}
		}
	}
	if sm := d.res(eg["SMask"]); sm != nil && d.name(sm) != "None" {
		transparent = true
		if smd, ok := sm.(pdfDict); ok {
			if g, ok := d.res(smd["G"]).(*pdfStream); ok {
				if err := d.runForm(g, ctx, ctx.where+" soft mask"); err != nil {
					return err
				}
			}
		}
	}
	if transparent && ctx.page != nil {
		ctx.page.transparency = true
	}
	return nil
}

var blendModes = map[string]bool{
	"Normal": true, "Compatible": true, "Multiply": true, "Screen": true, "Overlay": true,
	"Darken": true, "Lighten": true, "ColorDodge": true, "ColorBurn": true, "HardLight": true,
	"SoftLight": true, "Difference": true, "Exclusion": true, "Hue": true, "Saturation": true,
	"Color": true, "Luminosity": true,
}

// primaryColorants of a type 5 halftone need no TransferFunction.
var primaryColorants = map[string]bool{
	"Cyan": true, "Magenta": true, "Yellow": true, "Black": true, "Default": true,
}

func (d *document) checkHalftone(ht pdfDict, ctx *gfxCtx, depth int) {
	if depth > 2 {
		return
	}
	if _, ok := ht["HalftoneName"]; ok {
		d.found.add("6.2.5", "a halftone dictionary contains HalftoneName", ctx.where)
	}
	t, _ := d.res(ht["HalftoneType"]).(int64)
	if t != 1 && t != 5 {
		d.found.add("6.2.5", fmt.Sprintf("a halftone has HalftoneType %d", t), ctx.where)
	}
	if t != 5 {
		return
	}
	for k, v := range ht {
		sub := d.dict(v)
		if sub == nil || k == "Type" {
			continue
		}
		_, hasTF := sub["TransferFunction"]
		if !primaryColorants[k] && !hasTF {
			d.found.add("6.2.5", "a halftone for the non-primary colorant "+k+" has no TransferFunction", ctx.where)
		}
		if primaryColorants[k] && hasTF {
			d.found.add("6.2.5", "a halftone for the primary colorant "+k+" has a TransferFunction", ctx.where)
		}
		d.checkHalftone(sub, ctx, depth+1)
	}
}
