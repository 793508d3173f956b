package pdfa

import (
	"fmt"
	"regexp"
)

// useFont checks a font that renders text (6.2.11); a Type 3 font's glyph
// procedures are run as content.
func (d *document) useFont(f pdfDict, ctx *gfxCtx) error {
	st := d.name(f["Subtype"])
	name := d.name(f["BaseFont"])
	where := ctx.where + " font " + clipName(name)
	if st == "Type3" {
		key := fmt.Sprintf("t3%p/%d", f, ctx.page.num)
		if d.done(key) {
			return nil
		}
		c := d.streamCtx(ctx, f["Resources"], ctx.where+" Type3 font")
		for _, p := range d.dict(f["CharProcs"]) {
			s, ok := d.res(p).(*pdfStream)
			if !ok {
				continue
			}
			data, err := d.decodeStream(s)
			if err != nil {
				return err
			}
			if err := d.runContent(data, c); err != nil {
				return err
			}
		}
		return nil
	}
	key := fmt.Sprintf("font%p", f)
	if d.done(key) {
		return nil
	}
	switch st {
	case "Type0":
		d.checkType0(f, where)
	case "Type1", "MMType1", "TrueType":
		fd := d.dict(f["FontDescriptor"])
		if !hasFontFile(d, fd) {
			d.found.add("6.2.11.4.1", "the "+st+" font "+name+" is not embedded", where)
		}
		if st == "TrueType" {
			d.checkTrueTypeEncoding(f, fd, where)
		}
	}
	return nil
}

func hasFontFile(d *document, fd pdfDict) bool {
	if fd == nil {
		return false
	}
	for _, k := range []string{"FontFile", "FontFile2", "FontFile3"} {
		if _, ok := d.res(fd[k]).(*pdfStream); ok {
			return true
		}
	}
	return false
}

// checkTrueTypeEncoding: 6.2.11.6 — non-symbolic TrueType fonts use
// MacRoman or WinAnsi; symbolic ones have no Encoding.
func (d *document) checkTrueTypeEncoding(f, fd pdfDict, where string) {
	flags, _ := d.res(fd["Flags"]).(int64)
	symbolic := flags&4 != 0
	enc := d.res(f["Encoding"])
	if symbolic {
		if enc != nil {
			d.found.add("6.2.11.6", "a symbolic TrueType font has an Encoding entry", where)
		}
		return
	}
	switch v := enc.(type) {
	case nil:
		d.found.add("6.2.11.6", "a non-symbolic TrueType font has no Encoding entry", where)
	case pdfName:
		if v != "MacRomanEncoding" && v != "WinAnsiEncoding" {
			d.found.add("6.2.11.6", "a non-symbolic TrueType font uses the encoding "+string(v), where)
		}
	case pdfDict:
		be := d.name(v["BaseEncoding"])
		if be != "MacRomanEncoding" && be != "WinAnsiEncoding" {
			d.found.add("6.2.11.6", "a non-symbolic TrueType font's encoding has no WinAnsi or MacRoman BaseEncoding", where)
		}
	}
}

// predefinedCMaps is ISO 32000-1 Table 118.
var predefinedCMaps = map[string]bool{}

func init() {
	for _, n := range []string{"GB-EUC-H", "GB-EUC-V", "GBpc-EUC-H", "GBpc-EUC-V", "GBK-EUC-H",
		"GBK-EUC-V", "GBKp-EUC-H", "GBKp-EUC-V", "GBK2K-H", "GBK2K-V", "UniGB-UCS2-H", "UniGB-UCS2-V",
		"UniGB-UTF16-H", "UniGB-UTF16-V", "B5pc-H", "B5pc-V", "HKscs-B5-H", "HKscs-B5-V", "ETen-B5-H",
		"ETen-B5-V", "ETenms-B5-H", "ETenms-B5-V", "CNS-EUC-H", "CNS-EUC-V", "UniCNS-UCS2-H",
		"UniCNS-UCS2-V", "UniCNS-UTF16-H", "UniCNS-UTF16-V", "83pv-RKSJ-H", "90ms-RKSJ-H",
		"90ms-RKSJ-V", "90msp-RKSJ-H", "90msp-RKSJ-V", "90pv-RKSJ-H", "Add-RKSJ-H", "Add-RKSJ-V",
		"EUC-H", "EUC-V", "Ext-RKSJ-H", "Ext-RKSJ-V", "H", "V", "UniJIS-UCS2-H", "UniJIS-UCS2-V",
		"UniJIS-UCS2-HW-H", "UniJIS-UCS2-HW-V", "UniJIS-UTF16-H", "UniJIS-UTF16-V", "KSC-EUC-H",
		"KSC-EUC-V", "KSCms-UHC-H", "KSCms-UHC-V", "KSCms-UHC-HW-H", "KSCms-UHC-HW-V", "KSCpc-EUC-H",
		"UniKS-UCS2-H", "UniKS-UCS2-V", "UniKS-UTF16-H", "UniKS-UTF16-V", "Identity-H", "Identity-V"} {
		predefinedCMaps[n] = true
	}
}

var wmodeRe = regexp.MustCompile(`/WMode\s+(\d+)\s+def`)
var useCMapRe = regexp.MustCompile(`/([^\s/\[\]<>(){}%]+)\s+usecmap`)

// checkType0: 6.2.11.3 (CIDSystemInfo, CIDToGIDMap, CMaps) and
// 6.2.11.4.1 (embedding) for composite fonts.
func (d *document) checkType0(f pdfDict, where string) {
	desc := d.arr(f["DescendantFonts"])
	if len(desc) == 0 {
		return
	}
	cid := d.dict(desc[0])
	if cid == nil {
		return
	}
	st := d.name(cid["Subtype"])
	fd := d.dict(cid["FontDescriptor"])
	embedded := hasFontFile(d, fd)
	if !embedded {
		d.found.add("6.2.11.4.1", "the "+st+" font "+d.name(f["BaseFont"])+" is not embedded", where)
	}
	if st == "CIDFontType2" && embedded {
		m := d.res(cid["CIDToGIDMap"])
		_, isStream := m.(*pdfStream)
		if !isStream && d.name(m) != "Identity" {
			d.found.add("6.2.11.3.2", "a CIDFontType2 font has no CIDToGIDMap of Identity or a stream", where)
		}
	}
	csi := d.dict(cid["CIDSystemInfo"])
	switch enc := d.res(f["Encoding"]).(type) {
	case pdfName:
		if !predefinedCMaps[string(enc)] {
			d.found.add("6.2.11.3.3", "the CMap "+string(enc)+" is neither embedded nor predefined", where)
		}
	case *pdfStream:
		ecsi := d.dict(enc.dict["CIDSystemInfo"])
		if csi != nil && ecsi != nil {
			if pdfStr(d, csi["Registry"]) != pdfStr(d, ecsi["Registry"]) || pdfStr(d, csi["Ordering"]) != pdfStr(d, ecsi["Ordering"]) {
				d.found.add("6.2.11.3.1", "the CIDSystemInfo of the CIDFont and the CMap differ", where)
			}
			s1, _ := d.res(csi["Supplement"]).(int64)
			s2, _ := d.res(ecsi["Supplement"]).(int64)
			if s1 > s2 {
				d.found.add("6.2.11.3.1", "the CIDFont's Supplement is greater than the CMap's", where)
			}
		}
		data, err := d.decodeStream(enc)
		if err != nil {
			return
		}
		wm, _ := d.res(enc.dict["WMode"]).(int64)
		if m := wmodeRe.FindSubmatch(data); m != nil {
			if string(m[1]) != fmt.Sprint(wm) {
				d.found.add("6.2.11.3.3", "the CMap's WMode differs from the WMode in its stream", where)
			}
		}
		if u := d.res(enc.dict["UseCMap"]); u != nil {
			if n, ok := u.(pdfName); !ok || !predefinedCMaps[string(n)] {
				d.found.add("6.2.11.3.3", "the CMap uses a CMap which is not predefined", where)
			}
		}
		if maxCID(data) > 65535 {
			d.found.add("6.1.13", "a CMap maps to a CID greater than 65535", where)
		}
		if m := useCMapRe.FindSubmatch(data); m != nil && !predefinedCMaps[string(m[1])] {
			d.found.add("6.2.11.3.3", "the CMap uses the CMap "+string(m[1])+" which is not predefined", where)
		}
	}
}

func pdfStr(d *document, o any) string {
	s, _ := d.res(o).(pdfString)
	return string(s.b)
}

// maxCID returns the largest CID a CMap's cidrange and cidchar sections map
// to.
func maxCID(data []byte) int64 {
	l := lexer{b: data}
	var max int64
	var ops []token
	for n := 0; n < 1<<20; n++ {
		t := l.next()
		if t.kind == tokEOF {
			break
		}
		if t.kind != tokKeyword {
			if len(ops) < 3 {
				ops = append(ops, t)
			} else {
				ops = append(ops[1:], t)
			}
			if len(ops) == 3 && ops[0].kind == tokString && ops[1].kind == tokString && ops[2].kind == tokInt {
				lo, hi := codeVal(ops[0].s), codeVal(ops[1].s)
				if v := ops[2].i + hi - lo; hi >= lo && v > max {
					max = v
				}
				ops = ops[:0]
			} else if len(ops) == 2 && ops[0].kind == tokString && ops[1].kind == tokInt && ops[1].i > max {
				max = ops[1].i
			}
			continue
		}
		ops = ops[:0]
	}
	return max
}

func codeVal(b []byte) int64 {
	var v int64
	for i, c := range b {
		if i >= 4 {
			break
		}
		v = v<<8 | int64(c)
	}
	return v
}
