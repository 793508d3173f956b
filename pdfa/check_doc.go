package pdfa

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// document is a parsed PDF file as the checker sees it.
type document struct {
	data  []byte
	b     *budget
	found findings

	xref     map[int]xrefEntry
	trailer  pdfDict   // the effective (merged) trailer
	trailers []pdfDict // every trailer dictionary, last section first
	rebuilt  bool      // xref reconstructed by scanning
	xrefBad  bool

	cache   map[int]any
	loading map[int]bool
	objStms map[int]*objStm

	pages       int // leaves of the page tree, counted by checkPages
	part        int
	conformance string

	oiCS string // colour space of the PDF/A output profile: "RGB ", "CMYK", "GRAY" or ""
	seen map[string]bool
	seps map[string]sepInfo

	fontUses map[string]*fontUse

	decoded      map[*pdfStream][]byte
	decodedBytes int

	advisories []Violation
	xrefTables []int // offsets of the classic xref tables read
	embedDepth int
}

type xrefEntry struct {
	typ byte // 'n' in use, 'c' compressed
	off int
	gen int
	stm int // object stream number for 'c'
}

type objStm struct {
	data  []byte
	first int
	offs  map[int]int // object number -> offset from first
}

func openDocument(data []byte, b *budget) (*document, error) {
	d := &document{
		data: data, b: b,
		xref:    map[int]xrefEntry{},
		cache:   map[int]any{},
		loading: map[int]bool{},
		objStms: map[int]*objStm{},
	}
	if err := d.readXRef(); err != nil || d.trailer == nil || d.trailer["Root"] == nil {
		if isBudgetErr(err) {
			return nil, err
		}
		if err != nil {
			d.xrefBad = true
		}
		if err := d.rebuildXRef(); err != nil {
			return nil, err
		}
	}
	if _, ok := d.res(d.trailer["Root"]).(pdfDict); !ok {
		if !d.rebuilt {
			if err := d.rebuildXRef(); err != nil {
				return nil, err
			}
		}
		if _, ok := d.res(d.trailer["Root"]).(pdfDict); !ok {
			return nil, fmt.Errorf("check pdf: %w: no document catalog", ErrNotPDF)
		}
	}
	return d, nil
}

func isBudgetErr(err error) bool {
	return err != nil && (errors.Is(err, ErrTimeout) || errors.Is(err, ErrTooComplex))
}

// readXRef follows startxref and the /Prev chain.
func (d *document) readXRef() error {
	tail := d.data
	if len(tail) > 2048 {
		tail = tail[len(tail)-2048:]
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return errEOF
	}
	l := lexer{b: tail, pos: i + len("startxref")}
	t := l.next()
	if t.kind != tokInt {
		return errEOF
	}
	off := int(t.i)
	seen := map[int]bool{}
	for n := 0; off > 0 || n == 0; n++ {
		if n > 64 || seen[off] || off < 0 || off >= len(d.data) {
			return errEOF
		}
		seen[off] = true
		tr, err := d.readXRefSection(off)
		if err != nil {
			return err
		}
		if d.trailer == nil {
			d.trailer = pdfDict{}
		}
		for k, v := range tr {
			if _, ok := d.trailer[k]; !ok {
				d.trailer[k] = v
			}
		}
		d.trailers = append(d.trailers, tr)
		if x, ok := tr["XRefStm"].(int64); ok && x > 0 && int(x) < len(d.data) && !seen[int(x)] {
			seen[int(x)] = true
			if _, err := d.readXRefSection(int(x)); err != nil {
				return err
			}
		}
		p, _ := tr["Prev"].(int64)
		off = int(p)
	}
	return nil
}

// readXRefSection reads one xref table or xref stream at off and returns its
// trailer dictionary. Entries already known (from later sections) win.
func (d *document) readXRefSection(off int) (pdfDict, error) {
	l := &lexer{b: d.data, pos: off}
	l.skipWS()
	if bytes.HasPrefix(d.data[l.pos:], []byte("xref")) {
		d.xrefTables = append(d.xrefTables, l.pos)
		return d.readXRefTable(l.pos)
	}
	obj, _, err := d.readIndirectAt(l.pos, -1)
	if err != nil {
		return nil, err
	}
	s, ok := obj.(*pdfStream)
	if !ok || s.dict["Type"] != pdfName("XRef") {
		return nil, errEOF
	}
	return s.dict, d.readXRefStream(s)
}

func (d *document) readXRefTable(pos int) (pdfDict, error) {
	pos += len("xref")
	l := &lexer{b: d.data, pos: pos}
	for {
		if err := d.b.step(); err != nil {
			return nil, err
		}
		t := l.next()
		if t.kind == tokKeyword && string(t.s) == "trailer" {
			p := &parser{lex: lexer{b: d.data, pos: l.pos}, budget: d.b}
			o, err := p.parseObject(0)
			if err != nil {
				return nil, err
			}
			tr, ok := o.(pdfDict)
			if !ok {
				return nil, errEOF
			}
			return tr, nil
		}
		if t.kind != tokInt {
			return nil, errEOF
		}
		t2 := l.next()
		if t2.kind != tokInt || t.i < 0 || t2.i < 0 || t2.i > maxIndirectObjs {
			return nil, errEOF
		}
		start, count := int(t.i), int(t2.i)
		for k := 0; k < count; k++ {
			if err := d.b.step(); err != nil {
				return nil, err
			}
			a, b, c := l.next(), l.next(), l.next()
			if a.kind != tokInt || b.kind != tokInt || c.kind != tokKeyword {
				return nil, errEOF
			}
			num := start + k
			if _, ok := d.xref[num]; ok {
				continue
			}
			if err := d.b.alloc(64); err != nil {
				return nil, err
			}
			if string(c.s) == "n" {
				d.xref[num] = xrefEntry{typ: 'n', off: int(a.i), gen: int(b.i)}
			} else {
				d.xref[num] = xrefEntry{typ: 'f'}
			}
		}
	}
}

func (d *document) readXRefStream(s *pdfStream) error {
	data, err := d.decodeStream(s)
	if err != nil {
		return err
	}
	w, _ := s.dict["W"].(pdfArray)
	if len(w) != 3 {
		return errEOF
	}
	var ws [3]int
	rowLen := 0
	for i := range ws {
		v, _ := w[i].(int64)
		if v < 0 || v > 8 {
			return errEOF
		}
		ws[i] = int(v)
		rowLen += int(v)
	}
	if rowLen == 0 {
		return errEOF
	}
	size, _ := s.dict["Size"].(int64)
	index := []int64{0, size}
	if ix, ok := s.dict["Index"].(pdfArray); ok {
		index = index[:0]
		for _, v := range ix {
			n, _ := v.(int64)
			index = append(index, n)
		}
	}
	row := 0
	for i := 0; i+1 < len(index); i += 2 {
		for k := int64(0); k < index[i+1]; k++ {
			if err := d.b.step(); err != nil {
				return err
			}
			if (row+1)*rowLen > len(data) {
				return nil
			}
			r := data[row*rowLen : (row+1)*rowLen]
			row++
			f := [3]int{1, 0, 0}
			p := 0
			for j := 0; j < 3; j++ {
				if ws[j] == 0 {
					continue
				}
				v := 0
				for q := 0; q < ws[j]; q++ {
					v = v<<8 | int(r[p])
					p++
				}
				f[j] = v
			}
			num := int(index[i] + k)
			if _, ok := d.xref[num]; ok {
				continue
			}
			if err := d.b.alloc(64); err != nil {
				return err
			}
			switch f[0] {
			case 1:
				d.xref[num] = xrefEntry{typ: 'n', off: f[1], gen: f[2]}
			case 2:
				d.xref[num] = xrefEntry{typ: 'c', stm: f[1]}
			default:
				d.xref[num] = xrefEntry{typ: 'f'}
			}
		}
	}
	return nil
}

// rebuildXRef scans the whole file for "N G obj" and "trailer".
func (d *document) rebuildXRef() error {
	d.rebuilt = true
	d.xref = map[int]xrefEntry{}
	d.cache = map[int]any{}
	var trailer pdfDict
	data := d.data
	// Each keyword is searched for again only once the scan has passed
	// its last hit, so the scan stays linear.
	nextObj, nextTrailer := -2, -2
	find := func(from int, kw string, cur int) int {
		if cur == -1 || cur >= from {
			return cur
		}
		k := bytes.Index(data[from:], []byte(kw))
		if k < 0 {
			return -1
		}
		return from + k
	}
	for i := 0; i < len(data); {
		if err := d.b.step(); err != nil {
			return err
		}
		nextObj = find(i, "obj", nextObj)
		nextTrailer = find(i, "trailer", nextTrailer)
		j, k := nextObj, nextTrailer
		if j < 0 && k < 0 {
			break
		}
		if k >= 0 && (j < 0 || k < j) {
			p := &parser{lex: lexer{b: data, pos: k + len("trailer")}, budget: d.b}
			if o, err := p.parseObject(0); err == nil {
				if tr, ok := o.(pdfDict); ok {
					trailer = mergeDict(tr, trailer)
				}
			}
			i = k + len("trailer")
			continue
		}
		at := j
		i = at + 3
		if at+3 < len(data) && isRegular(data[at+3]) {
			continue
		}
		num, gen, start, ok := objHeaderBefore(data, at)
		if !ok {
			continue
		}
		if err := d.b.alloc(64); err != nil {
			return err
		}
		d.xref[num] = xrefEntry{typ: 'n', off: start, gen: gen}
	}
	// Objects inside object streams and trailers in xref streams.
	for num := range d.xref {
		o, _ := d.resolve(pdfRef{num, d.xref[num].gen})
		s, ok := o.(*pdfStream)
		if !ok {
			continue
		}
		switch s.dict["Type"] {
		case pdfName("XRef"):
			trailer = mergeDict(s.dict, trailer)
		case pdfName("ObjStm"):
			st, err := d.objStream(num)
			if isBudgetErr(err) {
				return err
			}
			if err != nil || st == nil {
				continue
			}
			for n := range st.offs {
				if _, ok := d.xref[n]; !ok {
					d.xref[n] = xrefEntry{typ: 'c', stm: num}
				}
			}
		}
	}
	if trailer == nil {
		trailer = pdfDict{}
	}
	if trailer["Root"] == nil {
		for num, e := range d.xref {
			o, _ := d.resolve(pdfRef{num, e.gen})
			if dd, ok := o.(pdfDict); ok && dd["Type"] == pdfName("Catalog") {
				trailer["Root"] = pdfRef{num, e.gen}
				break
			}
		}
	}
	d.trailer = trailer
	if len(d.trailers) == 0 {
		d.trailers = []pdfDict{trailer}
	}
	return nil
}

// mergeDict returns a with b's keys added where a lacks them.
func mergeDict(a, b pdfDict) pdfDict {
	out := pdfDict{}
	for k, v := range b {
		out[k] = v
	}
	for k, v := range a {
		out[k] = v
	}
	return out
}

// objHeaderBefore parses "N G " backwards from the "obj" keyword at at.
func objHeaderBefore(data []byte, at int) (num, gen, start int, ok bool) {
	gen, genStart, ok := numberBefore(data, at, 5)
	if !ok {
		return 0, 0, 0, false
	}
	num, start, ok = numberBefore(data, genStart, 10)
	if !ok || start > 0 && isRegular(data[start-1]) {
		return 0, 0, 0, false
	}
	return num, gen, start, true
}

// numberBefore reads backwards from end, past white space, a decimal
// number of 1 to maxDigits digits; start is where its digits begin.
func numberBefore(data []byte, end, maxDigits int) (n, start int, ok bool) {
	p := end - 1
	for p >= 0 && isWS(data[p]) {
		p--
	}
	e := p + 1
	for p >= 0 && data[p] >= '0' && data[p] <= '9' {
		p--
	}
	start = p + 1
	if e == start || e-start > maxDigits {
		return 0, 0, false
	}
	n, _ = strconv.Atoi(string(data[start:e]))
	return n, start, true
}
