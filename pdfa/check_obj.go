package pdfa

import (
	"strconv"
)

// The checker's own PDF object model. It is deliberately small and
// tolerant: a PDF/A checker must see the file as written (spacing, EOL
// markers, odd hex digits), which general-purpose parsers normalise away.

type pdfName string

type pdfString struct{ b []byte }

type pdfArray []any

type pdfDict map[string]any

type pdfRef struct{ num, gen int }

type pdfStream struct {
	dict pdfDict
	raw  []byte // bytes between the stream EOL and endstream, per /Length when sane
	num  int    // object number, 0 for inline data
}

// Limits from ISO 19005-2 6.1.13 (implementation limits, ISO 32000-1 Annex C).
const (
	maxIntValue     = 2147483647
	minIntValue     = -2147483648
	maxNameLen      = 127
	maxStringLen    = 32767
	maxIndirectObjs = 8388607
	maxNesting      = 200 // our own parse-depth limit, not a PDF/A rule
)

// lexer reads PDF tokens from a byte slice. It never allocates more than the
// input size and never recurses.
type lexer struct {
	b   []byte
	pos int
	// findings at the lexical level, collected by the caller
	oddHex, badHex, longName, longString, bigInt bool
}

func isWS(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isWS(c) && !isDelim(c) }

// skipWS skips white space and comments.
func (l *lexer) skipWS() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isWS(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokInt
	tokReal
	tokName
	tokString
	tokArrOpen
	tokArrClose
	tokDictOpen
	tokDictClose
	tokKeyword
	tokBad
)

type token struct {
	kind tokKind
	i    int64
	f    float64
	s    []byte // name (decoded), string bytes, keyword
}

// next returns the next token.
func (l *lexer) next() token {
	l.skipWS()
	if l.pos >= len(l.b) {
		return token{kind: tokEOF}
	}
	c := l.b[l.pos]
	switch {
	case c == '[':
		l.pos++
		return token{kind: tokArrOpen}
	case c == ']':
		l.pos++
		return token{kind: tokArrClose}
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return token{kind: tokDictOpen}
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return token{kind: tokDictClose}
	case c == '<':
		return l.hexString()
	case c == '(':
		return l.litString()
	case c == '/':
		return l.name()
	case c == '{' || c == '}':
		l.pos++
		return token{kind: tokKeyword, s: []byte{c}}
	case c == ')' || c == '>':
		l.pos++
		return token{kind: tokBad}
	}
	start := l.pos
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		l.pos++
	}
	w := l.b[start:l.pos]
	if t, ok := l.number(w); ok {
		return t
	}
	return token{kind: tokKeyword, s: w}
}

func (l *lexer) number(w []byte) (token, bool) {
	if len(w) == 0 {
		return token{}, false
	}
	dot, digits := false, 0
	for i, c := range w {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == '+' || c == '-') && i == 0:
		default:
			return token{}, false
		}
	}
	if digits == 0 {
		return token{}, false
	}
	if !dot {
		v, err := strconv.ParseInt(string(w), 10, 64)
		if err != nil || v > maxIntValue || v < minIntValue {
			l.bigInt = true
			if err != nil {
				f, _ := strconv.ParseFloat(string(w), 64)
				return token{kind: tokReal, f: f}, true
			}
		}
		return token{kind: tokInt, i: v}, true
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return token{kind: tokReal}, true
	}
	return token{kind: tokReal, f: f}, true
}

func hexVal(c byte) int {
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

func (l *lexer) hexString() token {
	l.pos++ // <
	out, n, odd, bad := decodeHex(l.b[l.pos:])
	l.pos += n
	l.oddHex = l.oddHex || odd
	l.badHex = l.badHex || bad
	if l.pos < len(l.b) {
		l.pos++ // >
	}
	if len(out) > maxStringLen {
		l.longString = true
	}
	return token{kind: tokString, s: out}
}

// decodeHex decodes hexadecimal digits up to '>' or the end of in (a
// missing last digit counts as 0) and returns how many bytes it read. odd
// reports an odd number of digits, bad characters other than digits and
// white space; both are skipped.
func decodeHex(in []byte) (out []byte, n int, odd, bad bool) {
	digits, hi := 0, 0
	for ; n < len(in) && in[n] != '>'; n++ {
		c := in[n]
		if isWS(c) {
			continue
		}
		v := hexVal(c)
		if v < 0 {
			bad = true
			continue
		}
		if digits%2 == 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
		}
		digits++
	}
	if digits%2 == 1 {
		odd = true
		out = append(out, byte(hi<<4))
	}
	return out, n, odd, bad
}

func (l *lexer) litString() token {
	l.pos++ // (
	depth := 1
	var out []byte
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				if len(out) > maxStringLen {
					l.longString = true
				}
				return token{kind: tokString, s: out}
			}
		case '\\':
			if l.pos >= len(l.b) {
				continue
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
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
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
	return token{kind: tokString, s: out}
}

func (l *lexer) name() token {
	l.pos++ // /
	var out []byte
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) && hexVal(l.b[l.pos+1]) >= 0 && hexVal(l.b[l.pos+2]) >= 0 {
			out = append(out, byte(hexVal(l.b[l.pos+1])<<4|hexVal(l.b[l.pos+2])))
			l.pos += 3
			continue
		}
		out = append(out, c)
		l.pos++
	}
	if len(out) > maxNameLen {
		l.longName = true
	}
	return token{kind: tokName, s: out}
}
