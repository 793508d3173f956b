package signing

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// document is a PDF opened for signing or verification: its cross-reference
// data (every section of the /Prev chain, newest wins) and the trailer. It
// reads objects on demand; nothing else of the file is parsed.
type document struct {
	data    []byte
	ctx     context.Context
	xref    map[int]xrefEntry
	trailer dict // newest trailer
	// startxref is the offset of the newest cross-reference section;
	// xrefStream says whether it is an xref stream.
	startxref  int
	xrefStream bool
	objstms    map[int]*objStream
	decoded    int64 // bytes inflated so far
}

type xrefEntry struct {
	kind     byte // 1 = at offset, 2 = in object stream
	off, gen int  // kind 1: offset and generation; kind 2: stream number and index
}

type objStream struct {
	data    []byte
	offsets map[int]int // object number → offset in data
}

// Limits for untrusted input.
const (
	maxXRefSections = 4096
	maxDecoded      = 64 << 20
)

func openDocument(ctx context.Context, data []byte) (*document, error) {
	d := &document{data: data, ctx: ctx, xref: map[int]xrefEntry{}, objstms: map[int]*objStream{}}
	if !bytes.HasPrefix(data, []byte("%PDF-")) && bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")) < 0 {
		return nil, fmt.Errorf("%w: no %%PDF- header", ErrMalformed)
	}
	off, err := findStartXRef(data)
	if err != nil {
		return nil, err
	}
	d.startxref = off
	seen := map[int]bool{}
	for i := 0; ; i++ {
		if i >= maxXRefSections || seen[off] {
			return nil, fmt.Errorf("%w: cross-reference chain loops or is too long", ErrMalformed)
		}
		seen[off] = true
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tr, isStream, err := d.readXRefSection(off)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			d.trailer, d.xrefStream = tr, isStream
		}
		// A hybrid file's /XRefStm holds entries for this section too.
		if stm, ok := tr.get("XRefStm").(int64); ok && !isStream {
			if _, _, err := d.readXRefSection(int(stm)); err != nil {
				return nil, err
			}
		}
		prev, ok := tr.get("Prev").(int64)
		if !ok {
			break
		}
		off = int(prev)
	}
	if d.trailer.get("Encrypt") != nil {
		return nil, ErrEncrypted
	}
	if _, ok := d.trailer.get("Root").(ref); !ok {
		return nil, fmt.Errorf("%w: the trailer has no /Root", ErrMalformed)
	}
	return d, nil
}

func findStartXRef(data []byte) (int, error) {
	tail := data[max(0, len(data)-2048):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, fmt.Errorf("%w: no startxref", ErrMalformed)
	}
	l := lexer{b: tail, pos: i + len("startxref")}
	l.skipSpace()
	off, err := strconv.Atoi(string(l.word()))
	if err != nil || off < 0 || off >= len(data) {
		return 0, fmt.Errorf("%w: bad startxref offset", ErrMalformed)
	}
	return off, nil
}

// readXRefSection merges the section at off into d.xref (older sections
// never override newer entries) and returns its trailer.
func (d *document) readXRefSection(off int) (dict, bool, error) {
	if off < 0 || off >= len(d.data) {
		return nil, false, fmt.Errorf("%w: cross-reference offset %d outside the file", ErrMalformed, off)
	}
	l := &lexer{b: d.data, pos: off}
	l.skipSpace()
	if bytes.HasPrefix(d.data[l.pos:], []byte("xref")) {
		l.pos += 4
		return d.readXRefTable(l)
	}
	num, _, v, err := d.readIndirect(off)
	if err != nil {
		return nil, false, err
	}
	s, ok := v.(*stream)
	if !ok || s.dict.get("Type") != name("XRef") {
		return nil, false, fmt.Errorf("%w: object %d at the cross-reference offset is not an xref stream", ErrMalformed, num)
	}
	return s.dict, true, d.readXRefStream(s)
}

func (d *document) readXRefTable(l *lexer) (dict, bool, error) {
	for {
		l.skipSpace()
		if bytes.HasPrefix(l.b[l.pos:], []byte("trailer")) {
			l.pos += len("trailer")
			v, err := l.value(0)
			if err != nil {
				return nil, false, err
			}
			tr, ok := v.(dict)
			if !ok {
				return nil, false, l.errorf("trailer is not a dictionary")
			}
			return tr, false, nil
		}
		first, err1 := strconv.Atoi(string(l.word()))
		l.skipSpace()
		count, err2 := strconv.Atoi(string(l.word()))
		if err1 != nil || err2 != nil || first < 0 || count < 0 || first+count > 1<<23 {
			return nil, false, l.errorf("bad xref subsection header")
		}
		for i := range count {
			if i&1023 == 0 {
				if err := d.ctx.Err(); err != nil {
					return nil, false, err
				}
			}
			l.skipSpace()
			if l.pos+18 > len(l.b) {
				return nil, false, l.errorf("truncated xref table")
			}
			line := l.b[l.pos : l.pos+18]
			l.pos += 18
			o, err1 := strconv.Atoi(string(line[0:10]))
			g, err2 := strconv.Atoi(string(line[11:16]))
			if err1 != nil || err2 != nil {
				return nil, false, l.errorf("bad xref entry")
			}
			if _, ok := d.xref[first+i]; ok {
				continue
			}
			switch line[17] {
			case 'n':
				d.xref[first+i] = xrefEntry{1, o, g}
			case 'f':
				d.xref[first+i] = xrefEntry{0, 0, g}
			default:
				return nil, false, l.errorf("bad xref entry type")
			}
		}
	}
}

func (d *document) readXRefStream(s *stream) error {
	data, err := d.decode(s)
	if err != nil {
		return err
	}
	w, _ := s.dict.get("W").(array)
	if len(w) != 3 {
		return fmt.Errorf("%w: xref stream /W is not three numbers", ErrMalformed)
	}
	var ws [3]int
	for i, v := range w {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return fmt.Errorf("%w: bad xref stream /W", ErrMalformed)
		}
		ws[i] = int(n)
	}
	size, _ := s.dict.get("Size").(int64)
	index := array{int64(0), size}
	if ix, ok := s.dict.get("Index").(array); ok {
		index = ix
	}
	rec := ws[0] + ws[1] + ws[2]
	if rec == 0 {
		return fmt.Errorf("%w: bad xref stream /W", ErrMalformed)
	}
	pos := 0
	field := func(n, def int) int {
		if n == 0 {
			return def
		}
		v := 0
		for range n {
			v = v<<8 | int(data[pos])
			pos++
		}
		return v
	}
	for i := 0; i+1 < len(index); i += 2 {
		first, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || first < 0 || count < 0 || first+count > 1<<23 {
			return fmt.Errorf("%w: bad xref stream /Index", ErrMalformed)
		}
		for j := range int(count) {
			if pos+rec > len(data) {
				return fmt.Errorf("%w: xref stream shorter than its /Index", ErrMalformed)
			}
			t := field(ws[0], 1)
			a := field(ws[1], 0)
			b := field(ws[2], 0)
			num := int(first) + j
			if _, ok := d.xref[num]; ok {
				continue
			}
			switch t {
			case 0:
				d.xref[num] = xrefEntry{0, 0, b}
			case 1:
				d.xref[num] = xrefEntry{1, a, b}
			case 2:
				d.xref[num] = xrefEntry{2, a, b}
			}
		}
	}
	return nil
}

// readIndirect parses "num gen obj value [stream…] endobj" at off.
func (d *document) readIndirect(off int) (int, int, any, error) {
	if off < 0 || off >= len(d.data) {
		return 0, 0, nil, fmt.Errorf("%w: object offset %d outside the file", ErrMalformed, off)
	}
	l := &lexer{b: d.data, pos: off}
	l.skipSpace()
	num, err1 := strconv.Atoi(string(l.word()))
	l.skipSpace()
	gen, err2 := strconv.Atoi(string(l.word()))
	l.skipSpace()
	if err1 != nil || err2 != nil || string(l.word()) != "obj" {
		return 0, 0, nil, l.errorf("no object header")
	}
	v, err := l.value(0)
	if err != nil {
		return 0, 0, nil, err
	}
	l.skipSpace()
	sd, isDict := v.(dict)
	if !isDict || !bytes.HasPrefix(d.data[l.pos:], []byte("stream")) {
		return num, gen, v, nil
	}
	l.pos += len("stream")
	if l.pos < len(d.data) && d.data[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(d.data) && d.data[l.pos] == '\n' {
		l.pos++
	}
	n, ok := sd.get("Length").(int64)
	if r, isRef := sd.get("Length").(ref); isRef && r.num != num {
		if v, err := d.object(r); err == nil {
			n, ok = v.(int64)
		}
	}
	if !ok || n < 0 || int64(l.pos)+n > int64(len(d.data)) {
		// Fall back to the endstream keyword.
		e := bytes.Index(d.data[l.pos:], []byte("endstream"))
		if e < 0 {
			return 0, 0, nil, l.errorf("stream without endstream")
		}
		n = int64(e)
	}
	return num, gen, &stream{dict: sd, data: d.data[l.pos : l.pos+int(n)]}, nil
}

// object resolves r to its value (nil when free or missing, as PDF says).
func (d *document) object(r ref) (any, error) {
	return d.objectDepth(r, 0)
}

func (d *document) objectDepth(r ref, depth int) (any, error) {
	if depth > 8 {
		return nil, fmt.Errorf("%w: object streams nest too deep", ErrMalformed)
	}
	e, ok := d.xref[r.num]
	switch {
	case !ok || e.kind == 0:
		return nil, nil
	case e.kind == 1:
		num, _, v, err := d.readIndirect(e.off)
		if err != nil {
			return nil, err
		}
		if num != r.num {
			return nil, fmt.Errorf("%w: xref points object %d at object %d", ErrMalformed, r.num, num)
		}
		return v, nil
	}
	os, err := d.objStream(e.off, depth)
	if err != nil {
		return nil, err
	}
	off, ok := os.offsets[r.num]
	if !ok {
		return nil, fmt.Errorf("%w: object %d missing from its object stream", ErrMalformed, r.num)
	}
	l := &lexer{b: os.data, pos: off}
	return l.value(0)
}

func (d *document) objStream(num, depth int) (*objStream, error) {
	if os, ok := d.objstms[num]; ok {
		return os, nil
	}
	v, err := d.objectDepth(ref{num, 0}, depth+1)
	if err != nil {
		return nil, err
	}
	s, ok := v.(*stream)
	if !ok {
		return nil, fmt.Errorf("%w: object stream %d is not a stream", ErrMalformed, num)
	}
	data, err := d.decode(s)
	if err != nil {
		return nil, err
	}
	n, _ := s.dict.get("N").(int64)
	first, _ := s.dict.get("First").(int64)
	if n < 0 || n > 1<<20 || first < 0 || int(first) > len(data) {
		return nil, fmt.Errorf("%w: bad object stream %d", ErrMalformed, num)
	}
	os := &objStream{data: data, offsets: map[int]int{}}
	l := &lexer{b: data[:first]}
	for range n {
		l.skipSpace()
		o, err1 := strconv.Atoi(string(l.word()))
		l.skipSpace()
		at, err2 := strconv.Atoi(string(l.word()))
		if err1 != nil || err2 != nil || at < 0 || int(first)+at > len(data) {
			return nil, fmt.Errorf("%w: bad object stream %d header", ErrMalformed, num)
		}
		os.offsets[o] = int(first) + at
	}
	d.objstms[num] = os
	return os, nil
}

// decode undoes FlateDecode (with PNG predictors) — all signing needs for
// xref and object streams.
func (d *document) decode(s *stream) ([]byte, error) {
	filter := s.dict.get("Filter")
	if a, ok := filter.(array); ok && len(a) == 1 {
		filter = a[0]
	}
	parms, _ := s.dict.get("DecodeParms").(dict)
	if a, ok := s.dict.get("DecodeParms").(array); ok && len(a) == 1 {
		parms, _ = a[0].(dict)
	}
	switch filter {
	case nil:
		return s.data, nil
	case name("FlateDecode"):
	default:
		return nil, fmt.Errorf("%w: unsupported filter %v for an xref or object stream", ErrMalformed, filter)
	}
	zr, err := zlib.NewReader(bytes.NewReader(s.data))
	if err != nil {
		return nil, fmt.Errorf("%w: inflate: %v", ErrMalformed, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxDecoded-d.decoded+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%w: inflate: %v", ErrMalformed, err)
	}
	d.decoded += int64(len(out))
	if d.decoded > maxDecoded {
		return nil, fmt.Errorf("%w: more than %d bytes of decoded cross-reference data", ErrMalformed, maxDecoded)
	}
	pred, _ := parms.get("Predictor").(int64)
	if pred < 10 {
		return out, nil
	}
	cols, _ := parms.get("Columns").(int64)
	if cols <= 0 || cols > 1<<16 {
		cols = 1
	}
	return unpredictPNG(out, int(cols))
}

func unpredictPNG(in []byte, cols int) ([]byte, error) {
	row := cols + 1
	if len(in)%row != 0 {
		return nil, fmt.Errorf("%w: predicted data is not whole rows", ErrMalformed)
	}
	out := make([]byte, 0, len(in)/row*cols)
	prev := make([]byte, cols)
	for i := 0; i < len(in); i += row {
		cur := in[i+1 : i+row]
		switch in[i] {
		case 0:
		case 1:
			for j := 1; j < cols; j++ {
				cur[j] += cur[j-1]
			}
		case 2:
			for j := range cur {
				cur[j] += prev[j]
			}
		default:
			return nil, fmt.Errorf("%w: unsupported PNG predictor %d in an xref stream", ErrMalformed, in[i])
		}
		out = append(out, cur...)
		copy(prev, cur)
	}
	return out, nil
}

// resolve follows v if it is a reference.
func (d *document) resolve(v any) (any, error) {
	if r, ok := v.(ref); ok {
		return d.object(r)
	}
	return v, nil
}

func (d *document) dictOf(v any) (dict, error) {
	v, err := d.resolve(v)
	if err != nil {
		return nil, err
	}
	if s, ok := v.(*stream); ok {
		return s.dict, nil
	}
	dd, _ := v.(dict)
	return dd, nil
}

// firstPage finds the first leaf of the page tree.
func (d *document) firstPage(catalog dict) (ref, dict, error) {
	node := catalog.get("Pages")
	for range maxDepth {
		r, ok := node.(ref)
		if !ok {
			return ref{}, nil, fmt.Errorf("%w: page tree node is not an indirect object", ErrMalformed)
		}
		nd, err := d.dictOf(r)
		if err != nil {
			return ref{}, nil, err
		}
		if nd == nil {
			return ref{}, nil, fmt.Errorf("%w: page tree node %d is missing", ErrMalformed, r.num)
		}
		if nd.get("Type") == name("Page") {
			return r, nd, nil
		}
		kids, _ := nd.get("Kids").(array)
		if len(kids) == 0 {
			k, _ := d.resolve(nd.get("Kids"))
			kids, _ = k.(array)
		}
		if len(kids) == 0 {
			return ref{}, nil, fmt.Errorf("%w: the document has no pages", ErrMalformed)
		}
		node = kids[0]
	}
	return ref{}, nil, fmt.Errorf("%w: page tree deeper than %d", ErrMalformed, maxDepth)
}
