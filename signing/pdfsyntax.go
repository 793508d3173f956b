package signing

import (
	"bytes"
	"fmt"
	"strconv"
)

// The PDF values signing reads and writes. Signing changes only a few
// objects (catalog, one page, the form), so it needs a syntax that reads an
// object and writes it back with every other entry preserved: dictionaries
// keep their key order; strings are re-written as hex (same bytes, any
// escaping made canonical).

type name string

type pdfString []byte

type ref struct{ num, gen int }

type array []any

type entry struct {
	key name
	val any
}

// dict is an ordered dictionary.
type dict []entry

func (d dict) get(k name) any {
	for _, e := range d {
		if e.key == k {
			return e.val
		}
	}
	return nil
}

// set replaces k's value or appends it.
func (d dict) set(k name, v any) dict {
	for i, e := range d {
		if e.key == k {
			d[i].val = v
			return d
		}
	}
	return append(d, entry{k, v})
}

type stream struct {
	dict dict
	data []byte // raw (still encoded) bytes
}

// raw is already serialised PDF syntax, written as is.
type raw []byte

const maxDepth = 64

// lexer reads one PDF value at a time from b. Errors are returned, never
// panicked; recursion is bounded by maxDepth.
type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// word reads a run of regular characters.
func (l *lexer) word() []byte {
	if l.pos >= len(l.b) {
		return nil
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	return l.b[start:l.pos]
}

func (l *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrMalformed, l.pos, fmt.Sprintf(format, args...))
}

// value reads one value; "n g R" becomes a ref.
func (l *lexer) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, l.errorf("nested deeper than %d", maxDepth)
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, l.errorf("unexpected end of data")
	}
	switch c := l.b[l.pos]; {
	case c == '/':
		l.pos++
		return decodeName(l.word()), nil
	case c == '(':
		return l.literal()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		var d dict
		for {
			l.skipSpace()
			if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
				l.pos += 2
				return d, nil
			}
			k, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			kn, ok := k.(name)
			if !ok {
				return nil, l.errorf("dictionary key is not a name")
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if v != nil { // a null value means the key is absent
				d = append(d, entry{kn, v})
			}
		}
	case c == '<':
		return l.hex()
	case c == '[':
		l.pos++
		a := array{}
		for {
			l.skipSpace()
			if l.pos < len(l.b) && l.b[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case isDelim(c):
		return nil, l.errorf("unexpected %q", c)
	}
	w := l.word()
	switch string(w) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if n, err := strconv.ParseInt(string(w), 10, 64); err == nil {
		// n g R?
		save := l.pos
		l.skipSpace()
		g := l.word()
		if gen, err := strconv.Atoi(string(g)); err == nil && len(g) > 0 {
			l.skipSpace()
			if l.pos < len(l.b) && l.b[l.pos] == 'R' && (l.pos+1 == len(l.b) || isSpace(l.b[l.pos+1]) || isDelim(l.b[l.pos+1])) {
				l.pos++
				if n < 0 || n > 1<<23 || gen < 0 || gen > 65535 {
					return nil, l.errorf("reference %d %d out of range", n, gen)
				}
				return ref{int(n), gen}, nil
			}
		}
		l.pos = save
		return n, nil
	}
	if f, err := strconv.ParseFloat(string(w), 64); err == nil && len(w) > 0 {
		return f, nil
	}
	if len(w) == 0 {
		return nil, l.errorf("unexpected %q", l.b[l.pos])
	}
	return nil, l.errorf("unexpected keyword %q", w)
}

func decodeName(w []byte) name {
	if bytes.IndexByte(w, '#') < 0 {
		return name(w)
	}
	var out []byte
	for i := 0; i < len(w); i++ {
		if w[i] == '#' && i+2 < len(w) {
			if v, err := strconv.ParseUint(string(w[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, w[i])
	}
	return name(out)
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *lexer) hex() (pdfString, error) {
	l.pos++ // <
	var out []byte
	hi := -1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if hi >= 0 {
				out = append(out, byte(hi<<4))
			}
			return out, nil
		}
		if isSpace(c) {
			continue
		}
		v := unhex(c)
		if v < 0 {
			return nil, l.errorf("bad hex digit %q", c)
		}
		if hi < 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
			hi = -1
		}
	}
	return nil, l.errorf("unterminated hex string")
}

func (l *lexer) literal() (pdfString, error) {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out, nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, l.errorf("unterminated string")
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, l.errorf("unterminated string")
}

// writeValue appends v in PDF syntax.
func writeValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	case name:
		return appendName(b, v)
	case pdfString:
		b = append(b, '<')
		const digits = "0123456789ABCDEF"
		for _, c := range v {
			b = append(b, digits[c>>4], digits[c&15])
		}
		return append(b, '>')
	case ref:
		b = strconv.AppendInt(b, int64(v.num), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(v.gen), 10)
		return append(b, " R"...)
	case array:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			b = writeValue(b, e)
		}
		return append(b, ']')
	case dict:
		b = append(b, "<<"...)
		for _, e := range v {
			b = append(b, ' ')
			b = appendName(b, e.key)
			b = append(b, ' ')
			b = writeValue(b, e.val)
		}
		return append(b, " >>"...)
	case raw:
		return append(b, v...)
	}
	panic(fmt.Sprintf("signing: cannot write %T", v))
}

func appendName(b []byte, n name) []byte {
	b = append(b, '/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < '!' || c > '~' || c == '#' || isDelim(c) {
			b = append(b, '#', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			continue
		}
		b = append(b, c)
	}
	return b
}

// textString encodes s as a PDF text string: the bytes as is when ASCII,
// UTF-16BE with a byte-order mark otherwise.
func textString(s string) pdfString {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return pdfString(s)
	}
	out := []byte{0xFE, 0xFF}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			out = append(out, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// decodeText reads a PDF text string (UTF-16BE with BOM, or bytes taken
// as Latin-1, close enough to PDFDocEncoding for names and reasons).
func decodeText(s pdfString) string {
	if len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF {
		var rs []rune
		for i := 2; i+1 < len(s); i += 2 {
			u := rune(s[i])<<8 | rune(s[i+1])
			if u >= 0xD800 && u < 0xDC00 && i+3 < len(s) {
				lo := rune(s[i+2])<<8 | rune(s[i+3])
				u = 0x10000 + (u-0xD800)<<10 + (lo - 0xDC00)
				i += 2
			}
			rs = append(rs, u)
		}
		return string(rs)
	}
	rs := make([]rune, len(s))
	for i, c := range s {
		rs[i] = rune(c)
	}
	return string(rs)
}
