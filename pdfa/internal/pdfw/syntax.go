package pdfw

import (
	"math"
	"strconv"
	"time"
	"unicode/utf16"
)

// appendReal appends v in PDF real syntax with at most three decimals.
// NaN and infinities are written as 0: PDF has no syntax for them.
func appendReal(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, '0')
	}
	n := int64(math.Round(v * 1000))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/1000, 10)
	f := n % 1000
	if f == 0 {
		return b
	}
	d := [3]byte{byte('0' + f/100), byte('0' + f/10%10), byte('0' + f%10)}
	k := 3
	for d[k-1] == '0' {
		k--
	}
	b = append(b, '.')
	return append(b, d[:k]...)
}

// appendExact appends v with as many decimals as it needs to be exact; used
// for glyph widths, which validators compare with the font program.
func appendExact(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendHex appends p as upper-case hexadecimal digits.
func appendHex(b []byte, p []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range p {
		b = append(b, digits[c>>4], digits[c&15])
	}
	return b
}

// appendText appends s as a PDF text string: a literal string when s is
// printable ASCII, otherwise UTF-16BE with a byte order mark, in hex.
func appendText(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		b = append(b, '(')
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '(', ')', '\\':
				b = append(b, '\\', c)
			default:
				b = append(b, c)
			}
		}
		return append(b, ')')
	}
	b = append(b, "<FEFF"...)
	for _, u := range utf16.Encode([]rune(s)) {
		b = appendHex(b, []byte{byte(u >> 8), byte(u)})
	}
	return append(b, '>')
}

// pdfDate formats t as a PDF date with its zone offset, for example
// D:20240102030405+01'00'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	b := []byte(t.Format("D:20060102150405"))
	return string(appendOffset(b, off, '\''))
}

// xmpDate formats t as an XMP (ISO 8601) date with its zone offset, for
// example 2024-01-02T03:04:05+01:00: the same instant and offset as pdfDate.
func xmpDate(t time.Time) string {
	_, off := t.Zone()
	b := []byte(t.Format("2006-01-02T15:04:05"))
	return string(appendOffset(b, off, ':'))
}

// appendOffset appends a zone offset as +HH'MM' (PDF) or +HH:MM (XMP),
// with sep between hours and minutes.
func appendOffset(b []byte, off int, sep byte) []byte {
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	h, m := off/3600, off/60%60
	b = append(b, sign, byte('0'+h/10), byte('0'+h%10), sep, byte('0'+m/10), byte('0'+m%10))
	if sep == '\'' {
		b = append(b, '\'')
	}
	return b
}
