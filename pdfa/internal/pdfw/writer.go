package pdfw

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Ref is an indirect object number.
type Ref int

// Options describe the document as a whole.
type Options struct {
	// Part is the PDF/A part: 2 (PDF/A-2b, PDF 1.7; the default when 0) or
	// 1 (PDF/A-1b, PDF 1.4).
	Part int
	// Title goes to dc:title and /Info /Title; empty means none.
	Title string
	// Producer goes to pdf:Producer and /Info /Producer.
	Producer string
	// Time is the creation, modification and metadata date. It is required:
	// the writer never reads the clock.
	Time time.Time
	// Lang is the document language for the catalog (/Lang), e.g. "de-DE".
	Lang string
}

// Doc is a PDF/A document being written. Pages and images are written as
// they are added; fonts, metadata and the cross-reference table at Bytes.
// A Doc is not safe for concurrent use.
type Doc struct {
	opt      Options
	buf      []byte
	offsets  []int // by object number; offsets[0] unused
	pagesRef Ref
	pages    []Ref
	fonts    []*fontUse
	fontOf   map[*Font]*fontUse
	done     bool
}

// New starts a document.
func New(opt Options) (*Doc, error) {
	if opt.Part == 0 {
		opt.Part = 2
	}
	if opt.Part != 1 && opt.Part != 2 {
		return nil, fmt.Errorf("new document: unsupported PDF/A part %d", opt.Part)
	}
	if opt.Time.IsZero() {
		return nil, errors.New("new document: no time given")
	}
	d := &Doc{opt: opt, offsets: []int{0}, fontOf: map[*Font]*fontUse{}}
	d.buf = make([]byte, 0, 64<<10)
	if opt.Part == 1 {
		d.buf = append(d.buf, "%PDF-1.4\n"...)
	} else {
		d.buf = append(d.buf, "%PDF-1.7\n"...)
	}
	d.buf = append(d.buf, "%\xe2\xe3\xcf\xd3\n"...)
	d.pagesRef = d.alloc()
	return d, nil
}

func (d *Doc) alloc() Ref {
	d.offsets = append(d.offsets, 0)
	return Ref(len(d.offsets) - 1)
}

func (d *Doc) begin(r Ref) {
	d.offsets[r] = len(d.buf)
	d.buf = strconv.AppendInt(d.buf, int64(r), 10)
	d.buf = append(d.buf, " 0 obj\n"...)
}

func (d *Doc) end() { d.buf = append(d.buf, "\nendobj\n"...) }

// object writes a non-stream object whose body is given.
func (d *Doc) object(r Ref, body string) {
	d.begin(r)
	d.buf = append(d.buf, body...)
	d.end()
}

// stream writes a stream object; dict holds the entries other than /Length.
func (d *Doc) stream(r Ref, dict string, data []byte) {
	d.buf = slices.Grow(d.buf, len(dict)+len(data)+64)
	d.begin(r)
	d.buf = append(d.buf, "<< "...)
	d.buf = append(d.buf, dict...)
	d.buf = append(d.buf, " /Length "...)
	d.buf = strconv.AppendInt(d.buf, int64(len(data)), 10)
	d.buf = append(d.buf, " >>\nstream\n"...)
	d.buf = append(d.buf, data...)
	d.buf = append(d.buf, "\nendstream"...)
	d.end()
}

func refStr(r Ref) string { return strconv.Itoa(int(r)) + " 0 R" }

// smallLevel is the compression level for fonts, content streams and
// other small streams: measured on a two-page form, level 4 makes files
// about 1 % larger than level 6 and renders markedly faster.
const smallLevel = 4

var zpool = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, smallLevel)
	return w
}}

var zpoolFast = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

// deflate compresses p for /FlateDecode. Inputs over 64 KiB (raster
// images) and under 4 KiB use the fastest level: the others' compressors
// clear a 512 KiB hash table on every reset, which dominates small streams.
func deflate(p []byte) []byte {
	pool := &zpool
	if len(p) > 64<<10 || len(p) < 4<<10 {
		pool = &zpoolFast
	}
	w := pool.Get().(*zlib.Writer)
	defer pool.Put(w)
	var out bytes.Buffer
	out.Grow(len(p)/3 + 64)
	w.Reset(&out)
	w.Write(p) // writes to a bytes.Buffer cannot fail
	w.Close()
	return out.Bytes()
}

// srgbDeflated is the compressed sRGB profile, shared by every document.
var srgbDeflated = sync.OnceValue(func() []byte { return deflate(SRGBProfile()) })

// SRGBProfileDeflated returns SRGBProfile compressed for /FlateDecode, as
// the writer embeds it. It is computed once and shared; callers must not
// modify it.
func SRGBProfileDeflated() []byte { return srgbDeflated() }

// SRGBOutputIntent returns the dictionary of a GTS_PDFA1 output intent for
// sRGB whose DestOutputProfile is profile, an indirect reference such as
// "12 0 R" to a stream holding SRGBProfile with /N 3.
func SRGBOutputIntent(profile string) string {
	return "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)" +
		" /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile " + profile + " >>"
}

// useFont returns the document's use of f, creating it on first use.
func (d *Doc) useFont(f *Font) *fontUse {
	if u, ok := d.fontOf[f]; ok {
		return u
	}
	u := newFontUse(f, "F"+strconv.Itoa(len(d.fonts)+1), d.alloc())
	d.fonts = append(d.fonts, u)
	d.fontOf[f] = u
	return u
}

// Bytes finishes the document and returns the file. It may be called once.
func (d *Doc) Bytes() ([]byte, error) {
	if d.done {
		return nil, errors.New("finish document: already finished")
	}
	d.done = true
	if len(d.pages) == 0 {
		return nil, errors.New("finish document: no pages")
	}
	for _, u := range d.fonts {
		if err := d.writeFont(u); err != nil {
			return nil, fmt.Errorf("finish document: font %s: %w", u.font.psName, err)
		}
	}
	var kids []byte
	for i, p := range d.pages {
		if i > 0 {
			kids = append(kids, ' ')
		}
		kids = append(kids, refStr(p)...)
	}
	d.object(d.pagesRef, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, len(d.pages)))

	icc := d.alloc()
	d.stream(icc, "/N 3 /Filter /FlateDecode", srgbDeflated())
	intent := d.alloc()
	d.object(intent, SRGBOutputIntent(refStr(icc)))
	meta := d.alloc()
	d.stream(meta, "/Type /Metadata /Subtype /XML", d.xmp())

	info := d.alloc()
	ib := []byte("<< ")
	if d.opt.Title != "" {
		ib = appendText(append(ib, "/Title "...), d.opt.Title)
		ib = append(ib, ' ')
	}
	if d.opt.Producer != "" {
		ib = appendText(append(ib, "/Producer "...), d.opt.Producer)
		ib = append(ib, ' ')
	}
	date := pdfDate(d.opt.Time)
	ib = append(ib, "/CreationDate ("+date+") /ModDate ("+date+") >>"...)
	d.object(info, string(ib))

	cat := d.alloc()
	cb := []byte("<< /Type /Catalog /Pages " + refStr(d.pagesRef) + " /Metadata " + refStr(meta) +
		" /OutputIntents [" + refStr(intent) + "]")
	if d.opt.Lang != "" {
		cb = appendText(append(cb, " /Lang "...), d.opt.Lang)
	}
	if d.opt.Title != "" {
		cb = append(cb, " /ViewerPreferences << /DisplayDocTitle true >>"...)
	}
	cb = append(cb, " >>"...)
	d.object(cat, string(cb))

	xref := len(d.buf)
	id := sha256.Sum256(d.buf)
	d.buf = append(d.buf, "xref\n0 "...)
	d.buf = strconv.AppendInt(d.buf, int64(len(d.offsets)), 10)
	d.buf = append(d.buf, "\n0000000000 65535 f \n"...)
	for _, off := range d.offsets[1:] {
		if off == 0 {
			return nil, errors.New("finish document: object allocated but never written")
		}
		d.buf = fmt.Appendf(d.buf, "%010d 00000 n \n", off)
	}
	d.buf = fmt.Appendf(d.buf, "trailer\n<< /Size %d /Root %s /Info %s /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(d.offsets), refStr(cat), refStr(info), id[:16], id[:16], xref)
	return d.buf, nil
}
