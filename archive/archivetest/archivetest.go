// Package archivetest holds helpers for tests of the archive engine and
// the programs built on it: small valid PDFs and a ready-to-use archive on a
// temporary filestore. Only tests, benchmarks and the demo import it.
package archivetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/store"
	"akte/archive/store/filestore"
	"akte/pdfa"
)

// MakePDF returns a small, structurally valid one-page PDF 1.7 showing
// title and body in Helvetica. Different inputs give different bytes.
func MakePDF(title, body string) []byte {
	esc := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	content := fmt.Sprintf("BT /F1 18 Tf 72 760 Td (%s) Tj ET\nBT /F1 11 Tf 72 730 Td (%s) Tj ET\n",
		esc.Replace(ascii(title)), esc.Replace(ascii(body)))
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	return writePDF(objs, "")
}

// MakePages returns a plain PDF 1.7 with n pages of 40 text lines each
// and, when pad > 0, one unreferenced stream of pad bytes: large inputs
// for benchmarks.
func MakePages(n, pad int) []byte {
	var kids strings.Builder
	for i := range n {
		fmt.Fprintf(&kids, "%d 0 R ", 4+2*i)
	}
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), n),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	for i := range n {
		var c bytes.Buffer
		for l := range 40 {
			fmt.Fprintf(&c, "BT /F1 10 Tf 60 %d Td (Seite %d, Zeile %d: Antrag auf Erteilung eines Reisepasses) Tj ET\n", 780-18*l, i+1, l+1)
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
	}
	if pad > 0 {
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", pad, bytes.Repeat([]byte{'x'}, pad)))
	}
	return writePDF(objs, " /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]")
}

// writePDF numbers objs from 1 (the first is the catalog) and writes them
// with a classic cross-reference table.
func writePDF(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, xref)
	return b.Bytes()
}

// FormSubmission returns the JSON of a complete registration
// (Anmeldung) submission for a person named family, as the portal sends it.
func FormSubmission(family string) []byte {
	sub := pdfa.Submission{Template: "registration", Values: map[string]string{
		"move_in_date": "2026-10-01", "dwelling": "Hauptwohnung", "street": "Lindenstraße 4",
		"postal_code": "12345", "city": "Musterstadt", "family_name": family, "given_names": "Erika",
		"birth_date": "1980-02-29", "birth_place": "Köln, Deutschland", "nationality": "deutsch",
		"place": "Musterstadt", "signed_on": "2026-10-02",
	}}
	b, err := json.Marshal(sub)
	if err != nil {
		panic(err)
	}
	return b
}

// MakePDFA returns a PDF/A-2b document (a rendered registration form for
// family), which the PDF/A stage keeps byte for byte.
func MakePDFA(tb testing.TB, family string) []byte {
	tb.Helper()
	var sub pdfa.Submission
	if err := json.Unmarshal(FormSubmission(family), &sub); err != nil {
		tb.Fatal(err)
	}
	res, err := pdfa.RenderForm(context.Background(), sub, &pdfa.RenderOptions{Now: time.Date(2026, 10, 2, 9, 30, 0, 0, time.UTC)})
	if err != nil {
		tb.Fatal(err)
	}
	return res.PDF
}

// ascii keeps the PDF literal strings in the standard encoding's safe range.
func ascii(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '?'
		}
		return r
	}, s)
}

// Open returns an archive on a fresh filestore in a temporary directory,
// closed at the end of the test. opts.Store and opts.Dir are filled in.
func Open(tb testing.TB, opts archive.Options) *archive.Archive {
	tb.Helper()
	a, _ := OpenDir(tb, tb.TempDir(), opts)
	return a
}

// OpenDir opens the archive whose data directory is dir (the filestore in
// dir/store, as akte lays it out), both closed at the end of the test.
// Without a Converter in opts it uses archive.PassThrough: engine tests
// exercise the protocol; the PDF/A stage has tests of its own.
func OpenDir(tb testing.TB, dir string, opts archive.Options) (*archive.Archive, *filestore.Store) {
	tb.Helper()
	return OpenWrapped(tb, dir, nil, opts)
}

// Clock is a settable clock for tests of retention: give its Now to
// archive.Options (the filestore follows it too).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// OpenWrapped is OpenDir with the archive seeing wrap(filestore) instead
// of the filestore itself, for tests that inject store behaviour. A nil
// wrap means none.
func OpenWrapped(tb testing.TB, dir string, wrap func(store.Store) store.Store, opts archive.Options) (*archive.Archive, *filestore.Store) {
	tb.Helper()
	// The store decides whether a lock is in force by the archive's clock.
	st, err := filestore.Open(filepath.Join(dir, "store"), &filestore.Options{Now: opts.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	opts.Store, opts.Dir = st, dir
	if wrap != nil {
		opts.Store = wrap(st)
	}
	if opts.Converter == nil {
		opts.Converter = archive.PassThrough{}
	}
	a, _, err := archive.Open(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	return a, st
}
