package pdfa

import (
	"strings"
	"time"
	"unicode/utf16"
)

// checkInfoConsistency compares the document information dictionary with
// the XMP metadata. ISO 19005-2 level b does not require them to agree (the
// veraPDF corpus accepts a mismatch, 6-1-5-t01-pass-a), PDF/A-1 did: a
// mismatch is an advisory, never a violation.
func (d *document) checkInfoConsistency(props []xmpProp) {
	info := d.dict(d.trailer["Info"])
	if info == nil || props == nil {
		return
	}
	x := map[string]*xmpNode{}
	for _, p := range props {
		x[p.ns+p.local] = p.val
	}
	pairs := []struct{ key, ns, local string }{
		{"Title", "http://purl.org/dc/elements/1.1/", "title"},
		{"Author", "http://purl.org/dc/elements/1.1/", "creator"},
		{"Subject", "http://purl.org/dc/elements/1.1/", "description"},
		{"Keywords", "http://ns.adobe.com/pdf/1.3/", "Keywords"},
		{"Creator", "http://ns.adobe.com/xap/1.0/", "CreatorTool"},
		{"Producer", "http://ns.adobe.com/pdf/1.3/", "Producer"},
		{"CreationDate", "http://ns.adobe.com/xap/1.0/", "CreateDate"},
		{"ModDate", "http://ns.adobe.com/xap/1.0/", "ModifyDate"},
	}
	for _, p := range pairs {
		s, ok := d.res(info[p.key]).(pdfString)
		if !ok {
			continue
		}
		iv := textString(s.b)
		n := x[p.ns+p.local]
		if n == nil {
			d.advise("6.1.5", "Info "+p.key+" has no XMP counterpart")
			continue
		}
		xv := firstText(n)
		same := strings.TrimSpace(iv) == strings.TrimSpace(xv)
		if strings.HasSuffix(p.key, "Date") {
			a, ok1 := parsePDFDate(iv)
			b, ok2 := parseXMPDate(xv)
			same = ok1 && ok2 && a.Equal(b)
		}
		if !same {
			d.advise("6.1.5", "Info "+p.key+" differs from its XMP counterpart")
		}
	}
}

func (d *document) advise(c Clause, msg string) {
	d.advisories = append(d.advisories, Violation{Clause: c, Message: msg, Object: "Info"})
}

// firstText is the value of a simple node, or of the x-default (or first)
// item of an array.
func firstText(n *xmpNode) string {
	if n.kind == 's' {
		return n.text
	}
	for _, it := range n.items {
		if it.lang == "x-default" {
			return it.text
		}
	}
	if len(n.items) > 0 {
		return n.items[0].text
	}
	return ""
}

// textString decodes a PDF text string: UTF-16BE with a BOM, else
// PDFDocEncoding (taken as Latin-1, which agrees on letters).
func textString(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// parsePDFDate reads D:YYYYMMDDHHmmSSOHH'mm'.
func parsePDFDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	s = strings.ReplaceAll(s, "'", "")
	if len(s) < 14 {
		return time.Time{}, false
	}
	layout := "20060102150405"
	switch {
	case len(s) == 14:
		s += "Z"
		layout += "Z07"
	case len(s) >= 15 && s[14] == 'Z':
		s = s[:15]
		layout += "Z07"
	case len(s) >= 19:
		s = s[:19]
		layout += "-0700"
	default:
		return time.Time{}, false
	}
	t, err := time.Parse(layout, s)
	return t, err == nil
}

func parseXMPDate(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
