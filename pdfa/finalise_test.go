package pdfa

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"akte/pdfa/internal/pdfw"
	"akte/pdfa/internal/pdfw/pdfwtest"
)

var finTime = time.Date(2025, 4, 1, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600))

const finText = "Bescheid über die Gebühr von 12,50 €"

// finDoc renders a one-page PDF/A-2b document with text in an embedded
// font and an RGB rectangle.
func finDoc(t testing.TB) []byte {
	t.Helper()
	d, err := pdfw.New(pdfw.Options{Title: "Gebührenbescheid", Producer: "akte test", Time: finTime})
	if err != nil {
		t.Fatal(err)
	}
	p := d.NewPage(595, 842)
	p.SetFillRGB(0.8, 0.1, 0.1)
	p.Rect(72, 700, 100, 20)
	p.Fill()
	p.Text(pdfw.Regular(), 12, 72, 650, finText)
	if err := d.AddPage(p); err != nil {
		t.Fatal(err)
	}
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	finCatalogPDFA = regexp.MustCompile(`/Metadata \d+ 0 R /OutputIntents \[\d+ 0 R\]`)
	finTrailerID   = regexp.MustCompile(`/ID \[<[0-9A-F]+> <[0-9A-F]+>\]`)
)

// finStrip turns a file written by pdfw into a plain PDF: the catalog's
// Metadata and OutputIntents are overwritten with extra and spaces, so
// every offset stays right. With noID the trailer ID goes the same way.
func finStrip(t testing.TB, pdf []byte, extra string, noID bool) []byte {
	t.Helper()
	out := bytes.Clone(pdf)
	blank := func(re *regexp.Regexp, with string) {
		loc := re.FindIndex(out)
		if loc == nil || len(with) > loc[1]-loc[0] {
			t.Fatalf("cannot replace %s with %q", re, with)
		}
		copy(out[loc[0]:loc[1]], with+strings.Repeat(" ", loc[1]-loc[0]-len(with)))
	}
	blank(finCatalogPDFA, extra)
	if noID {
		blank(finTrailerID, "")
	}
	return out
}

// testPDFXRefStream is testPDF with an uncompressed cross-reference stream
// (object len(objs)+1) instead of a table and trailer.
func testPDFXRefStream(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs)+1)
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	offs[len(objs)] = b.Len()
	rows := []byte{0, 0, 0, 0, 0, 0xff, 0xff}
	for _, o := range offs {
		rows = append(rows, 1)
		rows = binary.BigEndian.AppendUint32(rows, uint32(o))
		rows = append(rows, 0, 0)
	}
	size := len(objs) + 2
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>] %s /Length %d >>\nstream\n",
		size-1, size, trailerExtra, len(rows))
	b.Write(rows)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offs[len(objs)])
	return b.Bytes()
}

// finOpen parses pdf with the checker's reader.
func finOpen(t *testing.T, pdf []byte) *document {
	t.Helper()
	d, err := openDocument(pdf, &budget{ctx: context.Background(), maxMem: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var noGS = &ConvertOptions{Ghostscript: "-", Check: &CheckOptions{Isolation: IsolationInProcess}}

// mustFinalise converts in without Ghostscript and asserts what every
// finalised copy must satisfy.
func mustFinalise(t *testing.T, in []byte) *PDFResult {
	t.Helper()
	before := mustCheck(t, in)
	if before.OK() {
		t.Fatal("fixture already is PDF/A-2b")
	}
	res, err := ConvertPDF(context.Background(), in, noGS)
	if err != nil {
		t.Fatalf("ConvertPDF: %v (input violates %v)", err, before.Violations)
	}
	if res.Outcome != PDFFinalised {
		t.Fatalf("outcome %s, want finalised", res.Outcome)
	}
	if !res.Report.OK() || !mustCheck(t, res.PDF).OK() {
		t.Fatalf("finalised copy fails Check: %+v", res.Report.Violations)
	}
	if len(res.Report.Advisories) > 0 {
		t.Errorf("finalised copy has advisories: %+v", res.Report.Advisories)
	}
	if !bytes.HasPrefix(res.PDF, in) {
		t.Error("the input is not a prefix of the finalised copy")
	}
	again, err := ConvertPDF(context.Background(), in, noGS)
	if err != nil || !bytes.Equal(again.PDF, res.PDF) {
		t.Error("finalising is not deterministic")
	}
	return res
}

const (
	finInfo     = "<< /Title (Bescheid) /Author (Stadtverwaltung) /Subject <FEFF00DC00620065007200730069006300680074> /Keywords (Steuer) /Creator (Scanner) /Producer (Office 1.0) /CreationDate (D:20240102030405+01'00') /ModDate (D:20240103000000Z) >>"
	finCatalog  = "<< /Type /Catalog /Pages 2 0 R >>"
	finPages    = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	finPage     = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"
	finTrailerX = "/Info 4 0 R"
)

func TestConvertPDFFinalises(t *testing.T) {
	conformant := string(conformantPDF())
	cases := []struct {
		name string
		in   []byte
		// check inspects the catalog and trailer of the finalised copy.
		check func(t *testing.T, d *document)
	}{
		{"pdfw output without XMP and output intent", finStrip(t, finDoc(t), "", false), nil},
		{"pdfw output without XMP, output intent and ID", finStrip(t, finDoc(t), "", true), nil},
		{"pdfw output with a JavaScript OpenAction", finStrip(t, finDoc(t), "/OpenAction<</S/JavaScript/JS(x)>>", false),
			func(t *testing.T, d *document) {
				if cat := d.dict(d.trailer["Root"]); cat["OpenAction"] != nil {
					t.Errorf("OpenAction kept: %v", cat["OpenAction"])
				}
			}},
		{"Info mirrored in new XMP", testPDF([]string{finCatalog, finPages, finPage, finInfo}, finTrailerX),
			func(t *testing.T, d *document) {
				xmp := finXMP(t, d)
				for _, want := range []string{"Bescheid", "Stadtverwaltung", "Übersicht", "Steuer", "Scanner", "Office 1.0",
					"2024-01-02T03:04:05+01:00", "2024-01-03T00:00:00+00:00", "<pdfaid:part>2</pdfaid:part>"} {
					if !strings.Contains(xmp, want) {
						t.Errorf("XMP lacks %q:\n%s", want, xmp)
					}
				}
				if r, _ := d.trailer["Info"].(pdfRef); r.num != 4 {
					t.Errorf("trailer Info = %v, want the original 4 0 R", d.trailer["Info"])
				}
			}},
		{"unreadable Info date dropped", testPDF([]string{finCatalog, finPages, finPage,
			"<< /Title (Akte) /CreationDate (D:2024) /ModDate (gestern) >>"}, finTrailerX),
			func(t *testing.T, d *document) {
				info := d.dict(d.trailer["Info"])
				if info["CreationDate"] != nil || info["ModDate"] != nil || info["Title"] == nil {
					t.Errorf("new Info = %v, want Title only", info)
				}
			}},
		{"PDF/A-1 claim", []byte(strings.Replace(conformant, `pdfaid:part="2"`, `pdfaid:part="1"`, 1)),
			func(t *testing.T, d *document) {
				if xmp := finXMP(t, d); !strings.Contains(xmp, ">Test<") {
					t.Errorf("dc:title of the old XMP not carried over:\n%s", xmp)
				}
			}},
		{"undefined XMP schema", []byte(strings.Replace(conformant, `xmlns:dc="http://purl.org/`, `xmlns:dc="http://exam.org/`, 1)), nil},
		{"catalog actions and Names/JavaScript", testPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /Launch /F (calc.exe) >> >>" +
				" /AA << /WC 5 0 R >> /Names << /JavaScript 6 0 R /Dests 7 0 R >> >>",
			finPages, finPage, testStream("/Type /Metadata /Subtype /XML", testXMP),
			"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
			"<< /Names [(init) 5 0 R] >>",
			"<< /Names [(start) [3 0 R /Fit]] >>",
		}, ""),
			func(t *testing.T, d *document) {
				cat := d.dict(d.trailer["Root"])
				names := d.dict(cat["Names"])
				if cat["OpenAction"] != nil || cat["AA"] != nil || names["JavaScript"] != nil || names["Dests"] == nil {
					t.Errorf("catalog %v, names %v: want no actions, Dests kept", cat, names)
				}
				if cat["Metadata"] != (pdfRef{4, 0}) {
					t.Errorf("valid Metadata replaced: %v", cat["Metadata"])
				}
			}},
		{"destination OpenAction kept", testPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] /PageLayout /SinglePage >>", finPages, finPage}, ""),
			func(t *testing.T, d *document) {
				cat := d.dict(d.trailer["Root"])
				if len(d.arr(cat["OpenAction"])) != 2 || d.name(cat["PageLayout"]) != "SinglePage" {
					t.Errorf("catalog entries lost: %v", cat)
				}
			}},
		{"no trailer ID", []byte(strings.Replace(conformant, "/ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]", "", 1)), nil},
		{"data after EOF", []byte(conformant + "garbage"), nil},
		{"DeviceRGB and transparency without output intent", pdfWithPage("/G0 gs 1 0 0 rg 0 0 10 10 re f",
			"/Resources << /ExtGState << /G0 << /ca 0.5 >> >> >>"), nil},
		{"cross-reference stream", testPDFXRefStream([]string{finCatalog, finPages, finPage, finInfo}, finTrailerX),
			func(t *testing.T, d *document) {
				if len(d.xrefTables) > 0 {
					t.Errorf("a classic xref table was appended to a file with xref streams")
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustFinalise(t, c.in)
			d := finOpen(t, res.PDF)
			id := d.arr(d.trailers[0]["ID"])
			oldID := d.arr(finOpen(t, c.in).trailer["ID"])
			if len(id) != 2 || (len(oldID) > 0 && !bytes.Equal(id[0].(pdfString).b, oldID[0].(pdfString).b)) {
				t.Errorf("trailer ID %v, want the first element of %v kept", id, oldID)
			}
			if c.check != nil {
				c.check(t, d)
			}
		})
	}
}

// finXMP returns the catalog's metadata stream.
func finXMP(t *testing.T, d *document) string {
	t.Helper()
	s, ok := d.res(d.dict(d.trailer["Root"])["Metadata"]).(*pdfStream)
	if !ok {
		t.Fatal("no metadata stream")
	}
	b, err := d.decodeStream(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFinalisePlan: violations the finaliser cannot fix send the input to
// Ghostscript untouched.
func TestFinalisePlan(t *testing.T) {
	base := string(conformantPDF())
	noXMP := strings.Replace(base, "/Metadata 4 0 R", "", 1)
	cases := []struct {
		name string
		in   []byte
	}{
		{"no binary header comment", []byte(strings.Replace(noXMP, "%\xe2\xe3\xcf\xd3", "%abcd", 1))},
		{"font not embedded", pdfWithPage("BT /F1 12 Tf (Hallo) Tj ET", "/Resources << /Font << /F1 6 0 R >> >>",
			"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")},
		{"JavaScript link annotation", pdfWithPage("q Q", "/Resources << >> /Annots [<< /Subtype /Link /Rect [0 0 1 1] /F 4 /A << /S /JavaScript /JS (x) >> >>]")},
		{"page AA", pdfWithPage("q Q", "/Resources << >> /AA << >>")},
		{"DeviceCMYK without output intent", pdfWithPage("1 0 0 0 k 0 0 10 10 re f", "/Resources << >>")},
		{"LZW stream and no XMP", []byte(strings.Replace(string(pdfWithPage("q Q", "/Resources << >>", testStream("/Filter /LZWDecode", "x"))), "/Metadata 4 0 R", "", 1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := mustCheck(t, c.in)
			if rep.OK() {
				t.Fatal("fixture already is PDF/A-2b")
			}
			if f, ok := planFixes(rep); ok {
				t.Errorf("planFixes = %+v for %v, want not finalisable", f, rep.Violations)
			}
			_, err := ConvertPDF(context.Background(), c.in, noGS)
			var re *RefusedError
			if !errors.As(err, &re) || strings.Contains(re.Reason, "direct fix") {
				t.Errorf("ConvertPDF without Ghostscript = %v, want a refusal without a direct fix", err)
			}
		})
	}
}

// TestFinaliseFallsBack: a linearized file's missing ID is planned as
// fixable but only a rewrite can fix it. Without Ghostscript the refusal
// says so; with it, Ghostscript rewrites the original input.
func TestFinaliseFallsBack(t *testing.T) {
	in := []byte(strings.Replace(string(testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>", finPages,
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 5 0 R >>",
		testStream("/Type /Metadata /Subtype /XML", testXMP), testStream("", "q Q"),
		"<< /Linearized 1 >>",
	}, "")), "/ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]", "", 1))
	rep := mustCheck(t, in)
	if _, ok := planFixes(rep); !ok {
		t.Fatalf("want a planned fix for %v", rep.Violations)
	}
	_, err := ConvertPDF(context.Background(), in, noGS)
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "direct fix failed") || !strings.Contains(err.Error(), "linearized") {
		t.Fatalf("ConvertPDF = %v, want a refusal naming the failed direct fix", err)
	}
	pdfwtest.Require(t, "gs", "ghostscript") // the fallback needs it
	res, err := ConvertPDF(context.Background(), in, nil)
	if err != nil || res.Outcome != PDFGhostscript || bytes.HasPrefix(res.PDF, in) {
		t.Fatalf("ConvertPDF with Ghostscript = %v, %v: want a Ghostscript rewrite", res, err)
	}
}

// TestFinaliseSigned: the signature flag is reported as before, and the
// signed revision stays an unchanged prefix.
func TestFinaliseSigned(t *testing.T) {
	in := testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>", finPages, finPage,
		"<< /FT /Sig /T (Unterschrift) /V 5 0 R >>",
		"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <00> >>",
	}, "")
	res := mustFinalise(t, in)
	if !res.Signed {
		t.Error("Signed = false for a signed input")
	}
}

// TestFinalisedExternal runs qpdf --check, pdffonts and pdftotext on
// finalised copies of a document with embedded fonts: with a table, and
// with object and xref streams as qpdf writes them.
func TestFinalisedExternal(t *testing.T) {
	plain := finStrip(t, finDoc(t), "/OpenAction<</S/JavaScript/JS(x)>>", true)
	qpdf := pdfwtest.Require(t, "qpdf", "qpdf")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(qpdf, "--object-streams=generate", "--newline-before-endstream", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, b)
	}
	streams, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	d := finOpen(t, streams)
	if root, _ := d.trailer["Root"].(pdfRef); d.xref[root.num].typ != 'c' || len(d.xrefTables) > 0 {
		t.Fatal("qpdf did not put the catalog in an object stream and write an xref stream")
	}
	for name, pdf := range map[string][]byte{"xref table": plain, "object streams": streams} {
		t.Run(name, func(t *testing.T) {
			res := mustFinalise(t, pdf)
			if xrefStream := bytes.Contains(res.PDF[len(pdf):], []byte("/Type /XRef")); xrefStream != (name == "object streams") {
				t.Errorf("the update's cross-reference section is a stream: %v", xrefStream)
			}
			pdfwtest.QPDFCheck(t, res.PDF)
			if n := pdfwtest.Fonts(t, res.PDF); n != 1 {
				t.Errorf("pdffonts lists %d fonts, want 1", n)
			}
			if text := pdfwtest.Text(t, res.PDF); !strings.Contains(text, finText) {
				t.Errorf("pdftotext lacks %q:\n%s", finText, text)
			}
			if bytes.Contains(res.PDF[len(pdf):], []byte("JavaScript")) {
				t.Error("the update still mentions JavaScript")
			}
		})
	}
}
