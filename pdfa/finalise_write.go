package pdfa

import (
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// update is an incremental update being appended to a copy of the input:
// new objects and new versions of existing ones, then one cross-reference
// section for exactly those objects.
type update struct {
	buf  []byte
	offs map[int]int // object number -> offset of its new version
	gens map[int]int
	next int // next free object number
}

func newUpdate(data []byte, next int) *update {
	buf := make([]byte, len(data), len(data)+16<<10)
	copy(buf, data)
	// 6.1.9: the first object number must follow an end-of-line marker.
	if n := len(buf); n == 0 || (buf[n-1] != '\n' && buf[n-1] != '\r') {
		buf = append(buf, '\n')
	}
	return &update{buf: buf, offs: map[int]int{}, gens: map[int]int{}, next: next}
}

// alloc returns a new object number.
func (u *update) alloc() pdfRef {
	r := pdfRef{u.next, 0}
	u.next++
	return r
}

// reuse returns o when it is a reference, so that the update writes a new
// version of that object, and a new object number otherwise.
func (u *update) reuse(o any) pdfRef {
	if r, ok := o.(pdfRef); ok {
		return r
	}
	return u.alloc()
}

func (u *update) begin(r pdfRef) {
	u.offs[r.num] = len(u.buf)
	u.gens[r.num] = r.gen
	u.buf = fmt.Appendf(u.buf, "%d %d obj\n", r.num, r.gen)
}

// object writes a non-stream object.
func (u *update) object(r pdfRef, body []byte) {
	u.begin(r)
	u.buf = append(u.buf, body...)
	u.buf = append(u.buf, "\nendobj\n"...)
}

// stream writes a stream object; dict holds the entries other than /Length.
func (u *update) stream(r pdfRef, dict string, data []byte) {
	u.begin(r)
	u.buf = fmt.Appendf(u.buf, "<< %s /Length %d >>\nstream\n", dict, len(data))
	u.buf = append(u.buf, data...)
	u.buf = append(u.buf, "\nendstream\nendobj\n"...)
}

// runs returns the written object numbers as [first, end) ranges.
func (u *update) runs() [][2]int {
	nums := make([]int, 0, len(u.offs))
	for n := range u.offs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	var out [][2]int
	for _, n := range nums {
		if k := len(out) - 1; k >= 0 && out[k][1] == n {
			out[k][1]++
		} else {
			out = append(out, [2]int{n, n + 1})
		}
	}
	return out
}

// trailerInfo is what the update's trailer says besides its own entries.
type trailerInfo struct {
	prev int    // offset of the input's last cross-reference section
	root pdfRef // the catalog
	info any    // the Info reference, or nil
	id0  []byte // first element of the ID
}

// appendEntries appends /Size /Root /Info /ID /Prev; size is one more than
// the highest object number, id1, the ID's second element, identifies this
// revision.
func (t trailerInfo) appendEntries(b []byte, size int, id1 []byte) []byte {
	b = fmt.Appendf(b, "/Size %d /Root %s", size, refString(t.root))
	if r, ok := t.info.(pdfRef); ok {
		b = fmt.Appendf(b, " /Info %s", refString(r))
	}
	b = append(b, " /ID ["...)
	b = appendHexString(b, t.id0)
	b = append(b, ' ')
	b = appendHexString(b, id1)
	return fmt.Appendf(b, "] /Prev %d", t.prev)
}

// revisionID hashes everything written so far: the same input gives the
// same bytes.
func (u *update) revisionID() []byte {
	h := sha256.Sum256(u.buf)
	return h[:16]
}

// finishTable ends the update with a classic cross-reference table and
// trailer.
func (u *update) finishTable(t trailerInfo) []byte {
	id1 := u.revisionID()
	at := len(u.buf)
	u.buf = append(u.buf, "xref\n"...)
	for _, r := range u.runs() {
		u.buf = fmt.Appendf(u.buf, "%d %d\n", r[0], r[1]-r[0])
		for n := r[0]; n < r[1]; n++ {
			u.buf = fmt.Appendf(u.buf, "%010d %05d n \n", u.offs[n], u.gens[n])
		}
	}
	u.buf = append(u.buf, "trailer\n<< "...)
	u.buf = t.appendEntries(u.buf, u.next, id1)
	u.buf = fmt.Appendf(u.buf, " >>\nstartxref\n%d\n%%%%EOF\n", at)
	return u.buf
}

// finishStream ends the update with an unfiltered cross-reference stream
// (ISO 32000-1 7.5.8) that lists itself.
func (u *update) finishStream(t trailerInfo) []byte {
	id1 := u.revisionID()
	self := u.alloc()
	at := len(u.buf)
	u.offs[self.num], u.gens[self.num] = at, 0
	w := 1
	for at>>(8*w) > 0 {
		w++
	}
	var index, rows []byte
	for _, r := range u.runs() {
		index = fmt.Appendf(index, "%d %d ", r[0], r[1]-r[0])
		for n := r[0]; n < r[1]; n++ {
			rows = append(rows, 1)
			for k := w - 1; k >= 0; k-- {
				rows = append(rows, byte(u.offs[n]>>(8*k)))
			}
			rows = append(rows, byte(u.gens[n]>>8), byte(u.gens[n]))
		}
	}
	dict := fmt.Appendf(nil, "/Type /XRef /W [1 %d 2] /Index [%s] ", w, index[:len(index)-1])
	dict = t.appendEntries(dict, u.next, id1)
	u.stream(self, string(dict), rows)
	u.buf = fmt.Appendf(u.buf, "startxref\n%d\n%%%%EOF\n", at)
	return u.buf
}

func refString(r pdfRef) string { return strconv.Itoa(r.num) + " " + strconv.Itoa(r.gen) + " R" }

// appendObj appends o, an object of the checker's model, in PDF syntax.
// Dictionary keys are sorted so the output is deterministic; null entries
// are left out, which ISO 32000-1 7.3.7 makes equivalent.
func appendObj(b []byte, o any) []byte {
	switch v := o.(type) {
	case bool:
		return strconv.AppendBool(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(b, '0')
		}
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	case pdfName:
		return appendName(b, string(v))
	case pdfString:
		return appendString(b, v.b)
	case pdfRef:
		return append(b, refString(v)...)
	case pdfKeyword:
		if v != "" {
			return append(b, v...)
		}
	case pdfArray:
		b = append(b, '[')
		for i, x := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendObj(b, x)
		}
		return append(b, ']')
	case pdfDict:
		keys := make([]string, 0, len(v))
		for k, x := range v {
			if x != nil {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		b = append(b, "<<"...)
		for _, k := range keys {
			b = append(b, ' ')
			b = appendName(b, k)
			b = append(b, ' ')
			b = appendObj(b, v[k])
		}
		return append(b, " >>"...)
	}
	return append(b, "null"...)
}

// appendName escapes every byte outside the regular printable characters
// as #xx (ISO 32000-1 7.3.5), so the name decodes to the same bytes.
func appendName(b []byte, n string) []byte {
	b = append(b, '/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
			b = fmt.Appendf(b, "#%02X", c)
		} else {
			b = append(b, c)
		}
	}
	return b
}

// appendString writes printable ASCII as a literal string and anything
// else in hexadecimal.
func appendString(b []byte, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			return appendHexString(b, s)
		}
	}
	b = append(b, '(')
	for _, c := range s {
		if c == '(' || c == ')' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return append(b, ')')
}

func appendHexString(b []byte, s []byte) []byte {
	return fmt.Appendf(b, "<%X>", s)
}
