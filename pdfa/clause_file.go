package pdfa

import (
	"bytes"
	"fmt"
)

// checkHeader: 6.1.2 — "%PDF-1.n" at offset 0 followed by an EOL, then a
// comment line whose first four bytes are binary (>= 128).
func (d *document) checkHeader() {
	b := d.data
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		d.found.add("6.1.2", "the file header does not begin at offset zero", "")
		return
	}
	if len(b) < 9 || b[5] != '1' || b[6] != '.' || b[7] < '0' || b[7] > '7' {
		d.found.add("6.1.2", "invalid file header: "+headerLine(b), "")
		return
	}
	n := eolLen(b, 8)
	if n == 0 {
		d.found.add("6.1.2", "invalid file header: "+headerLine(b)+" is not followed by an end-of-line marker", "")
		return
	}
	p := 8 + n
	if p >= len(b) || b[p] != '%' {
		d.found.add("6.1.2", "the file header is not followed by a comment", "")
		return
	}
	for i := 1; i <= 4; i++ {
		if p+i >= len(b) || b[p+i] < 128 {
			d.found.add("6.1.2", "the comment after the file header does not start with four bytes above 127", "")
			return
		}
	}
}

// eolLen is the length of the end-of-line marker (CR LF, LF or CR) at p,
// 0 when there is none.
func eolLen(b []byte, p int) int {
	switch {
	case p+1 < len(b) && b[p] == '\r' && b[p+1] == '\n':
		return 2
	case p < len(b) && (b[p] == '\n' || b[p] == '\r'):
		return 1
	}
	return 0
}

func headerLine(b []byte) string {
	e := bytes.IndexAny(b, "\r\n")
	if e < 0 || e > 20 {
		e = 20
		if e > len(b) {
			e = len(b)
		}
	}
	return fmt.Sprintf("%q", b[:e])
}

// checkTrailer: 6.1.3 — ID in the trailer, no Encrypt, nothing after
// %%EOF but one EOL.
func (d *document) checkTrailer() {
	tr := d.trailer
	if len(d.trailers) > 0 {
		tr = d.trailers[0]
	}
	if d.isLinearized() {
		if first := d.firstTrailer(); first != nil {
			tr = first
		}
	}
	id, ok := d.res(tr["ID"]).(pdfArray)
	if !ok {
		d.found.add("6.1.3", "the file trailer has no ID", "")
	} else if len(id) != 2 || !nonEmptyString(d.res(id[0])) || !nonEmptyString(d.res(id[1])) {
		d.found.add("6.1.3", "the trailer ID is not an array of two strings", "")
	}
	if d.trailer["Encrypt"] != nil {
		d.found.add("6.1.3", "the file is encrypted (Encrypt in the trailer)", "")
	}
	b := d.data
	e := bytes.LastIndex(b, []byte("%%EOF"))
	if e < 0 {
		d.found.add("6.1.3", "no end-of-file marker", "")
		return
	}
	rest := b[e+5:]
	if !(len(rest) == 0 || string(rest) == "\n" || string(rest) == "\r" || string(rest) == "\r\n") {
		d.found.add("6.1.3", "data follows the last end-of-file marker", "")
	}
}

func nonEmptyString(o any) bool { s, ok := o.(pdfString); return ok && len(s.b) > 0 }

func (d *document) isLinearized() bool {
	l := lexer{b: d.data, pos: 0}
	l.skipWS()
	if l.pos > 1024 {
		return false
	}
	end := len(d.data)
	if end > 2048 {
		end = 2048
	}
	return bytes.Contains(d.data[:end], []byte("/Linearized"))
}

// firstTrailer returns the trailer dictionary that comes first in the file.
func (d *document) firstTrailer() pdfDict {
	i := bytes.Index(d.data, []byte("trailer"))
	if i < 0 {
		if len(d.trailers) > 0 {
			return d.trailers[len(d.trailers)-1]
		}
		return nil
	}
	p := &parser{lex: lexer{b: d.data, pos: i + len("trailer")}, budget: d.b}
	o, _ := p.parseObject(0)
	tr, _ := o.(pdfDict)
	return tr
}

// checkXRefSyntax: 6.1.4 — the xref keyword is followed by exactly one EOL
// and the subsection header. Cross-reference streams are allowed.
func (d *document) checkXRefSyntax() {
	b := d.data
	for _, at := range d.xrefTables {
		p := at + len("xref")
		n := eolLen(b, p)
		if n == 0 || p+n < len(b) && (b[p+n] < '0' || b[p+n] > '9') {
			d.found.add("6.1.4", "the xref keyword is not followed by a single end-of-line marker", "")
		}
	}
}

// checkAllObjects parses every object in the cross-reference table, so the
// syntax rules of 6.1 apply to unreferenced objects too.
func (d *document) checkAllObjects() error {
	if len(d.xref) > maxIndirectObjs {
		d.found.add("6.1.13", "more than 8388607 indirect objects", "")
	}
	for num, e := range d.xref {
		if err := d.b.step(); err != nil {
			return err
		}
		if e.typ == 'f' {
			continue
		}
		o, err := d.resolve(pdfRef{num, e.gen})
		if err != nil {
			return err
		}
		if s, ok := o.(*pdfStream); ok {
			for _, f := range d.filters(s.dict) {
				switch f {
				case "LZWDecode", "LZW":
					d.found.add("6.1.7.2", "a stream uses the LZW filter", objName(num))
				case "Crypt":
					d.found.add("6.1.7.2", "a stream uses a Crypt filter", objName(num))
				}
			}
		}
	}
	return nil
}
