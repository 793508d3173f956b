package pdfa

// cffFont is what the glyph rules need from a CID-keyed CFF program
// (FontFile3 /CIDFontType0C): CID to glyph, and glyph widths.
type cffFont struct {
	cidToGID map[int]int
	widths   []float64 // per glyph; NaN-free, -1 when unknown
}

type cffIndex struct {
	items [][]byte
	end   int
}

// readIndex reads a CFF INDEX at off; all reads are bounds checked.
func readIndex(b []byte, off int) (cffIndex, bool) {
	count, ok := be16(b, off)
	if !ok {
		return cffIndex{}, false
	}
	if count == 0 {
		return cffIndex{end: off + 2}, true
	}
	if off+2 >= len(b) {
		return cffIndex{}, false
	}
	osz := int(b[off+2])
	if osz < 1 || osz > 4 {
		return cffIndex{}, false
	}
	offs := off + 3
	data := offs + (count+1)*osz - 1
	get := func(i int) (int, bool) {
		p := offs + i*osz
		if p+osz > len(b) {
			return 0, false
		}
		v := 0
		for k := 0; k < osz; k++ {
			v = v<<8 | int(b[p+k])
		}
		return v, true
	}
	idx := cffIndex{}
	prev, ok := get(0)
	if !ok {
		return cffIndex{}, false
	}
	for i := 1; i <= count; i++ {
		cur, ok := get(i)
		if !ok || cur < prev || data+cur > len(b) {
			return cffIndex{}, false
		}
		idx.items = append(idx.items, b[data+prev:data+cur])
		prev = cur
	}
	idx.end = data + prev
	return idx, true
}

// cffDict parses a DICT into operator -> operands (escaped operators are
// 1200 + second byte).
func cffDict(b []byte) map[int][]float64 {
	d := map[int][]float64{}
	var ops []float64
	for i := 0; i < len(b); {
		c := int(b[i])
		switch num, size := cffNumber(b, i); {
		case size > 0:
			ops = append(ops, num)
			i += size
		case c <= 21:
			op := c
			i++
			if c == 12 && i < len(b) {
				op = 1200 + int(b[i])
				i++
			}
			d[op] = ops
			ops = nil
		case c == 29 && i+4 < len(b):
			ops = append(ops, float64(int32(uint32(b[i+1])<<24|uint32(b[i+2])<<16|uint32(b[i+3])<<8|uint32(b[i+4]))))
			i += 5
		case c == 30:
			i++
			for i < len(b) && b[i]&0x0f != 0x0f && b[i]>>4 != 0x0f {
				i++
			}
			i++
			ops = append(ops, 0)
		default:
			return d
		}
		if len(ops) > 48 {
			return d
		}
	}
	return d
}

// cffNumber decodes the operand at b[i] in the encodings a DICT and a
// Type 2 charstring share; size is its length in bytes, 0 when b[i] starts
// none of them.
func cffNumber(b []byte, i int) (num float64, size int) {
	c := int(b[i])
	switch {
	case c == 28 && i+2 < len(b):
		return float64(int16(uint16(b[i+1])<<8 | uint16(b[i+2]))), 3
	case c >= 32 && c <= 246:
		return float64(c - 139), 1
	case c >= 247 && c <= 250 && i+1 < len(b):
		return float64((c-247)*256 + int(b[i+1]) + 108), 2
	case c >= 251 && c <= 254 && i+1 < len(b):
		return float64(-(c-251)*256 - int(b[i+1]) - 108), 2
	}
	return 0, 0
}

func dictInt(d map[int][]float64, op, i int) (int, bool) {
	v := d[op]
	if i >= len(v) {
		return 0, false
	}
	return int(v[i]), true
}

// parseCIDCFF reads a CID-keyed CFF program; ok is false for anything else.
func parseCIDCFF(b []byte) (*cffFont, bool) {
	if len(b) < 4 {
		return nil, false
	}
	names, ok := readIndex(b, int(b[2]))
	if !ok {
		return nil, false
	}
	tops, ok := readIndex(b, names.end)
	if !ok || len(tops.items) == 0 {
		return nil, false
	}
	top := cffDict(tops.items[0])
	if _, cid := top[1230]; !cid {
		return nil, false
	}
	if m := top[1207]; len(m) > 0 && m[0] != 0.001 && m[0] != 0 {
		return nil, false // widths would need the font matrix
	}
	csOff, ok := dictInt(top, 17, 0)
	if !ok {
		return nil, false
	}
	cs, ok := readIndex(b, csOff)
	if !ok || len(cs.items) == 0 {
		return nil, false
	}
	n := len(cs.items)
	f := &cffFont{cidToGID: map[int]int{0: 0}}
	if off, ok := dictInt(top, 15, 0); ok && off > 2 {
		readCharset(b, off, n, f.cidToGID)
	}
	// Per-glyph private dicts through FDArray and FDSelect.
	var privs []map[int][]float64
	if off, ok := dictInt(top, 1236, 0); ok {
		fds, ok := readIndex(b, off)
		if !ok {
			return f, true
		}
		for _, fd := range fds.items {
			fdd := cffDict(fd)
			var pd map[int][]float64
			if sz, ok := dictInt(fdd, 18, 0); ok {
				po, _ := dictInt(fdd, 18, 1)
				if po >= 0 && sz >= 0 && po+sz <= len(b) {
					pd = cffDict(b[po : po+sz])
				}
			}
			privs = append(privs, pd)
		}
	}
	sel := make([]int, n)
	if off, ok := dictInt(top, 1237, 0); ok && off < len(b) {
		readFDSelect(b, off, sel)
	}
	f.widths = make([]float64, n)
	for g, s := range cs.items {
		f.widths[g] = -1
		var pd map[int][]float64
		if sel[g] >= 0 && sel[g] < len(privs) {
			pd = privs[sel[g]]
		}
		def, nom := 0.0, 0.0
		if v := pd[20]; len(v) > 0 {
			def = v[0]
		}
		if v := pd[21]; len(v) > 0 {
			nom = v[0]
		}
		if w, ok := charstringWidth(s, def, nom); ok {
			f.widths[g] = w
		}
	}
	return f, true
}

func readCharset(b []byte, off, n int, m map[int]int) {
	if off >= len(b) {
		return
	}
	p := off + 1
	switch b[off] {
	case 0:
		for g := 1; g < n; g++ {
			v, ok := be16(b, p)
			if !ok {
				return
			}
			m[v] = g
			p += 2
		}
	case 1, 2:
		for g := 1; g < n; {
			first, ok := be16(b, p)
			if !ok {
				return
			}
			var left int
			if b[off] == 1 {
				if p+2 >= len(b) {
					return
				}
				left = int(b[p+2])
				p += 3
			} else {
				left, ok = be16(b, p+2)
				if !ok {
					return
				}
				p += 4
			}
			for k := 0; k <= left && g < n; k++ {
				m[first+k] = g
				g++
			}
		}
	}
}

func readFDSelect(b []byte, off int, sel []int) {
	switch b[off] {
	case 0:
		for g := range sel {
			if off+1+g < len(b) {
				sel[g] = int(b[off+1+g])
			}
		}
	case 3:
		nr, ok := be16(b, off+1)
		if !ok {
			return
		}
		done := 0
		for r := 0; r < nr; r++ {
			first, ok1 := be16(b, off+3+3*r)
			next, ok2 := be16(b, off+6+3*r)
			if !ok1 || !ok2 || off+5+3*r >= len(b) || first < done {
				return
			}
			done = next
			for g := first; g < next && g < len(sel); g++ {
				sel[g] = int(b[off+5+3*r])
			}
		}
	}
}

// charstringWidth finds the width in a Type 2 charstring: an extra first
// operand before the first stem, moveto or endchar operator.
func charstringWidth(s []byte, def, nom float64) (float64, bool) {
	var args []float64
	for i := 0; i < len(s); {
		c := int(s[i])
		switch num, size := cffNumber(s, i); {
		case size > 0:
			args = append(args, num)
			i += size
		case c == 255 && i+4 < len(s):
			v := int32(uint32(s[i+1])<<24 | uint32(s[i+2])<<16 | uint32(s[i+3])<<8 | uint32(s[i+4]))
			args = append(args, float64(v)/65536)
			i += 5
		default:
			n := len(args)
			switch c {
			case 1, 3, 18, 23, 19, 20: // stems and masks take pairs
				if n%2 == 1 {
					return nom + args[0], true
				}
			case 21: // rmoveto
				if n == 3 {
					return nom + args[0], true
				}
			case 4, 22: // vmoveto, hmoveto
				if n == 2 {
					return nom + args[0], true
				}
			case 14: // endchar
				if n == 1 || n == 5 {
					return nom + args[0], true
				}
			default:
				return 0, false // a subroutine call or other: unknown here
			}
			return def, true
		}
		if len(args) > 48 {
			return 0, false
		}
	}
	return def, true
}
