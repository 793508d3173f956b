package pdfa

import (
	"bytes"
	"fmt"
)

// resolve follows a reference (or returns o unchanged). Unknown or broken
// objects resolve to nil, as ISO 32000 says for missing objects.
func (d *document) resolve(o any) (any, error) {
	r, ok := o.(pdfRef)
	if !ok {
		return o, nil
	}
	if v, ok := d.cache[r.num]; ok {
		return v, nil
	}
	if d.loading[r.num] {
		return nil, nil
	}
	d.loading[r.num] = true
	defer delete(d.loading, r.num)
	e, ok := d.xref[r.num]
	var v any
	var err error
	switch {
	case !ok:
	case e.typ == 'n':
		v, _, err = d.readIndirectAt(e.off, r.num)
		if err != nil && !isBudgetErr(err) && !d.rebuilt {
			// A wrong offset: find the object by scanning once.
			d.xrefBad = true
			if rerr := d.rebuildXRef(); rerr != nil {
				return nil, rerr
			}
			if e2, ok := d.xref[r.num]; ok && e2.typ == 'n' {
				v, _, err = d.readIndirectAt(e2.off, r.num)
			}
		}
	case e.typ == 'c':
		v, err = d.objFromStream(e.stm, r.num)
	}
	if isBudgetErr(err) {
		return nil, err
	}
	d.cache[r.num] = v
	return v, nil
}

// res returns o resolved; budget errors are remembered and end the check
// at the next step.
func (d *document) res(o any) any {
	v, err := d.resolve(o)
	if err != nil {
		d.b.fail(err)
		return nil
	}
	return v
}

func (d *document) dict(o any) pdfDict {
	switch v := d.res(o).(type) {
	case pdfDict:
		return v
	case *pdfStream:
		return v.dict
	}
	return nil
}

func (d *document) arr(o any) pdfArray {
	a, _ := d.res(o).(pdfArray)
	return a
}

func (d *document) name(o any) string {
	n, _ := d.res(o).(pdfName)
	return string(n)
}

func (d *document) num(o any) (float64, bool) {
	switch v := d.res(o).(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// readIndirectAt parses "N G obj ... endobj" at off. want is the expected
// object number, or -1. It records the syntax findings of 6.1.7 and 6.1.9.
func (d *document) readIndirectAt(off, want int) (any, int, error) {
	if off < 0 || off >= len(d.data) {
		return nil, 0, errEOF
	}
	p := &parser{lex: lexer{b: d.data, pos: off}, budget: d.b}
	p.lex.skipWS()
	start := p.lex.pos
	t1, t2, t3 := p.lex.next(), p.lex.next(), p.lex.next()
	if t1.kind != tokInt || t2.kind != tokInt || t3.kind != tokKeyword || string(t3.s) != "obj" {
		return nil, 0, errEOF
	}
	if want >= 0 && int(t1.i) != want {
		return nil, 0, errEOF
	}
	num := int(t1.i)
	d.checkObjHeader(start, p.lex.pos, num)
	obj, err := p.parseObject(0)
	if err != nil {
		if !isBudgetErr(err) {
			d.found.add("6.1.1", "the object cannot be parsed: "+err.Error(), objName(num))
		}
		return nil, 0, err
	}
	d.noteLex(&p.lex, num)
	save := p.lex.pos
	t := p.lex.next()
	if t.kind == tokKeyword && string(t.s) == "stream" {
		dict, _ := obj.(pdfDict)
		s, end, err := d.readStreamBody(dict, p.lex.pos, num)
		if err != nil {
			return nil, 0, err
		}
		d.checkEndobj(end, num)
		return s, num, nil
	}
	p.lex.pos = save
	d.checkEndobj(save, num)
	return obj, num, nil
}

// checkObjHeader: 6.1.9 — "N G obj" single spaces, EOL before and after.
func (d *document) checkObjHeader(start, end, num int) {
	b := d.data
	if start > 0 && b[start-1] != '\n' && b[start-1] != '\r' {
		d.found.add("6.1.9", "the object number is not preceded by an end-of-line marker", objName(num))
	}
	h := b[start:end]
	if sp := bytes.Fields(h); len(sp) == 3 &&
		(len(h) != len(sp[0])+len(sp[1])+len(sp[2])+2 || h[len(sp[0])] != ' ' || h[len(sp[0])+1+len(sp[1])] != ' ') {
		d.found.add("6.1.9", "object number, generation number and obj keyword are not separated by single spaces", objName(num))
	}
	if end < len(b) && b[end] != '\n' && b[end] != '\r' {
		d.found.add("6.1.9", "the obj keyword is not followed by an end-of-line marker", objName(num))
	}
}

// checkEndobj: 6.1.9 — endobj preceded and followed by EOL.
func (d *document) checkEndobj(pos, num int) {
	l := lexer{b: d.data, pos: pos}
	l.skipWS()
	if !bytes.HasPrefix(d.data[l.pos:], []byte("endobj")) {
		return
	}
	at := l.pos
	if at > 0 && d.data[at-1] != '\n' && d.data[at-1] != '\r' {
		d.found.add("6.1.9", "the endobj keyword is not preceded by an end-of-line marker", objName(num))
	}
	after := at + len("endobj")
	if after < len(d.data) && d.data[after] != '\n' && d.data[after] != '\r' {
		d.found.add("6.1.9", "the endobj keyword is not followed by an end-of-line marker", objName(num))
	}
}

// readStreamBody reads the data after the stream keyword at pos (just past
// "stream"). It checks 6.1.7.1 and returns the position after endstream.
func (d *document) readStreamBody(dict pdfDict, pos, num int) (*pdfStream, int, error) {
	b := d.data
	switch {
	case pos+1 < len(b) && b[pos] == '\r' && b[pos+1] == '\n':
		pos += 2
	case pos < len(b) && b[pos] == '\n':
		pos++
	default:
		d.found.add("6.1.7.1", "the stream keyword is not followed by CRLF or LF", objName(num))
		for pos < len(b) && (b[pos] == ' ' || b[pos] == '\t') {
			pos++
		}
		if pos < len(b) && b[pos] == '\r' {
			pos++
		}
		if pos < len(b) && b[pos] == '\n' {
			pos++
		}
	}
	for _, k := range []string{"F", "FFilter", "FDecodeParms"} {
		if _, ok := dict[k]; ok {
			d.found.add("6.1.7.1", "a stream dictionary contains the "+k+" key", objName(num))
		}
	}
	lv, err := d.resolve(dict["Length"])
	if err != nil {
		return nil, 0, err
	}
	length := -1
	if n, ok := lv.(int64); ok && n >= 0 && int(n) <= len(b)-pos {
		length = int(n)
	}
	if length >= 0 {
		q := pos + length
		r := q
		if r < len(b) && b[r] == '\r' {
			r++
		}
		if r < len(b) && b[r] == '\n' {
			r++
		}
		if bytes.HasPrefix(b[r:], []byte("endstream")) {
			if r == q && (q == pos || (b[q-1] != '\n' && b[q-1] != '\r')) {
				d.found.add("6.1.7.1", "the endstream keyword is not preceded by an end-of-line marker", objName(num))
			}
			return &pdfStream{dict: dict, raw: b[pos:q], num: num}, r + len("endstream"), nil
		}
	}
	// Length is wrong or missing: find endstream.
	k := bytes.Index(b[pos:], []byte("endstream"))
	if k < 0 {
		return &pdfStream{dict: dict, raw: nil, num: num}, len(b), nil
	}
	end := pos + k
	q := end
	if q > pos && b[q-1] == '\n' {
		q--
	}
	if q > pos && b[q-1] == '\r' {
		q--
	}
	if q == end {
		d.found.add("6.1.7.1", "the endstream keyword is not preceded by an end-of-line marker", objName(num))
	}
	if q-pos != length {
		d.found.add("6.1.7.1", fmt.Sprintf("the stream Length %d does not match the %d bytes of data", length, q-pos), objName(num))
	}
	return &pdfStream{dict: dict, raw: b[pos:q], num: num}, end + len("endstream"), nil
}

func objName(num int) string {
	if num <= 0 {
		return ""
	}
	return fmt.Sprintf("object %d", num)
}

// noteLex turns lexical findings into violations.
func (d *document) noteLex(l *lexer, num int) {
	if l.oddHex {
		d.found.add("6.1.6", "a hexadecimal string has an odd number of digits", objName(num))
	}
	if l.badHex {
		d.found.add("6.1.6", "a hexadecimal string contains non-hexadecimal characters", objName(num))
	}
	if l.longName {
		d.found.add("6.1.13", "a name is longer than 127 bytes", objName(num))
	}
	if l.longString {
		d.found.add("6.1.13", "a string is longer than 32767 bytes", objName(num))
	}
	if l.bigInt {
		d.found.add("6.1.13", "an integer is out of the range of a 32-bit signed integer", objName(num))
	}
	l.oddHex, l.badHex, l.longName, l.longString, l.bigInt = false, false, false, false, false
}

// objFromStream reads object num from object stream stm.
func (d *document) objFromStream(stm, num int) (any, error) {
	st, err := d.objStream(stm)
	if err != nil || st == nil {
		return nil, err
	}
	off, ok := st.offs[num]
	if !ok {
		return nil, nil
	}
	pos := st.first + off
	if pos < 0 || pos >= len(st.data) {
		return nil, nil
	}
	p := &parser{lex: lexer{b: st.data, pos: pos}, budget: d.b}
	o, err := p.parseObject(0)
	if err != nil {
		if isBudgetErr(err) {
			return nil, err
		}
		d.found.add("6.1.1", "the object cannot be parsed: "+err.Error(), objName(num))
	}
	d.noteLex(&p.lex, num)
	return o, nil
}

func (d *document) objStream(stm int) (*objStm, error) {
	if st, ok := d.objStms[stm]; ok {
		return st, nil
	}
	d.objStms[stm] = nil // guards against cycles
	o, err := d.resolve(pdfRef{stm, 0})
	if err != nil {
		return nil, err
	}
	s, ok := o.(*pdfStream)
	if !ok {
		return nil, nil
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return nil, err
	}
	n, _ := s.dict["N"].(int64)
	first, _ := s.dict["First"].(int64)
	if n < 0 || first < 0 || int(first) > len(data) {
		return nil, nil
	}
	st := &objStm{data: data, first: int(first), offs: map[int]int{}}
	l := lexer{b: data[:first]}
	for i := int64(0); i < n; i++ {
		if err := d.b.step(); err != nil {
			return nil, err
		}
		a, b := l.next(), l.next()
		if a.kind != tokInt || b.kind != tokInt {
			break
		}
		st.offs[int(a.i)] = int(b.i)
	}
	d.objStms[stm] = st
	return st, nil
}
