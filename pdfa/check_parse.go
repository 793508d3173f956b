package pdfa

import "errors"

var errDepth = errors.New("objects nested too deeply")

// parser turns tokens into objects. It is iterative in spirit: recursion is
// bounded by maxNesting, and every composite object is charged to a budget.
type parser struct {
	lex    lexer
	budget *budget
}

// parseObject reads one direct object (a reference counts as one). For a
// keyword token it returns the keyword as pdfKeyword.
func (p *parser) parseObject(depth int) (any, error) {
	if depth > maxNesting {
		return nil, errDepth
	}
	if err := p.budget.step(); err != nil {
		return nil, err
	}
	t := p.lex.next()
	switch t.kind {
	case tokEOF:
		return nil, errEOF
	case tokInt:
		save := p.lex.pos
		t2 := p.lex.next()
		if t2.kind == tokInt && t2.i >= 0 && t.i >= 0 {
			t3 := p.lex.next()
			if t3.kind == tokKeyword && string(t3.s) == "R" {
				return pdfRef{int(t.i), int(t2.i)}, nil
			}
		}
		p.lex.pos = save
		return t.i, nil
	case tokReal:
		return t.f, nil
	case tokName:
		return pdfName(t.s), nil
	case tokString:
		return pdfString{b: t.s}, nil
	case tokArrOpen:
		var a pdfArray
		for {
			save := p.lex.pos
			t := p.lex.next()
			if t.kind == tokArrClose {
				return a, nil
			}
			if t.kind == tokEOF {
				return a, errUnterminated
			}
			if t.kind == tokDictClose || t.kind == tokBad {
				continue
			}
			p.lex.pos = save
			o, err := p.parseObject(depth + 1)
			if err != nil {
				return a, err
			}
			if err := p.budget.alloc(16); err != nil {
				return nil, err
			}
			a = append(a, o)
		}
	case tokDictOpen:
		d := pdfDict{}
		for {
			t := p.lex.next()
			if t.kind == tokDictClose {
				return d, nil
			}
			if t.kind == tokEOF {
				return d, errUnterminated
			}
			if t.kind != tokName {
				if t.kind == tokKeyword && (string(t.s) == "endobj" || string(t.s) == "stream") {
					p.lex.pos -= len(t.s)
					return d, nil
				}
				continue
			}
			save := p.lex.pos
			t2 := p.lex.next()
			if t2.kind == tokDictClose {
				d[string(t.s)] = nil
				return d, nil
			}
			p.lex.pos = save
			v, err := p.parseObject(depth + 1)
			if err != nil {
				return d, err
			}
			if kw, ok := v.(pdfKeyword); ok && kw == "null" {
				v = nil
			}
			if err := p.budget.alloc(int64(48 + len(t.s))); err != nil {
				return nil, err
			}
			d[string(t.s)] = v
		}
	case tokKeyword:
		switch string(t.s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return pdfKeyword(t.s), nil
	}
	return pdfKeyword(""), nil
}

type pdfKeyword string

var (
	errEOF          = errors.New("unexpected end of data")
	errUnterminated = errors.New("unterminated array or dictionary")
)
