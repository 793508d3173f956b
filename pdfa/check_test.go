package pdfa

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func mustCheck(t *testing.T, data []byte) *Report {
	t.Helper()
	r, err := Check(context.Background(), data, &CheckOptions{Isolation: IsolationInProcess})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

func hasClause(r *Report, c Clause) bool {
	for _, v := range r.Violations {
		if v.Clause == c {
			return true
		}
	}
	return false
}

func TestCheckConformant(t *testing.T) {
	r := mustCheck(t, conformantPDF())
	if !r.OK() {
		t.Fatalf("minimal PDF/A-2b rejected: %+v", r.Violations)
	}
	if r.Part != 2 || r.Conformance != "B" {
		t.Errorf("claim = part %d conformance %q, want 2 B", r.Part, r.Conformance)
	}
}

// TestCheckClauses pins one violation per rule family on a small file.
func TestCheckClauses(t *testing.T) {
	base := string(conformantPDF())
	cases := []struct {
		name   string
		data   []byte
		clause Clause
	}{
		{"header not at zero", []byte(" " + base), "6.1.2"},
		{"version 2.0", []byte(strings.Replace(base, "%PDF-1.7", "%PDF-2.0", 1)), "6.1.2"},
		{"no binary comment", []byte(strings.Replace(base, "%\xe2\xe3\xcf\xd3", "%abcd", 1)), "6.1.2"},
		{"no trailer ID", []byte(strings.Replace(base, "/ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]", "", 1)), "6.1.3"},
		{"encrypted", testPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}, "/Encrypt << /Filter /Standard >>"), "6.1.3"},
		{"data after EOF", []byte(base + "garbage"), "6.1.3"},
		{"odd hex string", pdfWithPage("q Q", "/Foo <abc>"), "6.1.6"},
		{"stream Length wrong", []byte(strings.Replace(base, "/Length 3 >>", "/Length 7 >>", 1)), "6.1.7.1"},
		{"big integer", pdfWithPage("q Q", "/Foo 2147483648"), "6.1.13"},
		{"tiny page", []byte(strings.Replace(base, "/MediaBox [0 0 595 842]", "/MediaBox [0 0 2 2]", 1)), "6.1.13"},
		{"huge page", []byte(strings.Replace(base, "/MediaBox [0 0 595 842]", "/MediaBox [0 0 99999 842]", 1)), "6.1.13"},
		{"unknown operator", pdfWithPage("q foo Q", "/Resources << >>"), "6.2.2"},
		{"DeviceRGB without output intent", pdfWithPage("1 0 0 rg 0 0 10 10 re f", "/Resources << >>"), "6.2.4.3"},
		{"LZW stream", pdfWithPage("q Q", "/Resources << >>", testStream("/Filter /LZWDecode", "x")), "6.1.7.2"},
		{"LZW inline image", pdfWithPage("BI /W 1 /H 1 /CS /G /BPC 8 /F /LZW ID \x00 EI", "/Resources << >>"), "6.1.10"},
		{"transfer function", pdfWithPage("/G0 gs", "/Resources << /ExtGState << /G0 << /TR /Identity >> >> >>"), "6.2.5"},
		{"forbidden annotation", pdfWithPage("q Q", "/Resources << >> /Annots [<< /Type /Annot /Subtype /Movie /Rect [0 0 10 10] /F 4 >>]"), "6.3.1"},
		{"annotation without F", pdfWithPage("q Q", "/Resources << >> /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] >>]"), "6.3.2"},
		{"page AA", pdfWithPage("q Q", "/Resources << >> /AA << >>"), "6.5.2"},
		{"javascript link", pdfWithPage("q Q", "/Resources << >> /Annots [<< /Subtype /Link /Rect [0 0 1 1] /F 4 /A << /S /JavaScript /JS (x) >> >>]"), "6.5.1"},
		{"no metadata", testPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}, ""), "6.6.2.1"},
		{"wrong part", []byte(strings.Replace(base, `pdfaid:part="2"`, `pdfaid:part="1"`, 1)), "6.6.4"},
		{"bad xmp value", []byte(strings.Replace(base, `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Test</rdf:li></rdf:Alt></dc:title>`, `<dc:title>Test</dc:title>`, 1)), "6.6.2.3.1"},
		{"undefined schema", []byte(strings.Replace(base, `xmlns:dc="http://purl.org/dc/elements/1.1/"`, `xmlns:dc="http://example.com/x/"`, 1)), "6.6.2.3.2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustCheck(t, c.data)
			if !hasClause(r, c.clause) {
				t.Errorf("want a violation of %s, got %+v", c.clause, r.Violations)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Check(ctx, []byte("hello"), nil); !errors.Is(err, ErrNotPDF) {
		t.Errorf("plain text: err = %v, want ErrNotPDF", err)
	}
	if _, err := Check(ctx, nil, nil); !errors.Is(err, ErrNotPDF) {
		t.Errorf("empty: err = %v, want ErrNotPDF", err)
	}
	if _, err := Check(ctx, conformantPDF(), &CheckOptions{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over MaxBytes: err = %v, want ErrTooLarge", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Check(cctx, conformantPDF(), &CheckOptions{Isolation: IsolationInProcess}); !errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled: err = %v, want ErrTimeout", err)
	}
	if _, err := Check(ctx, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n"), nil); !errors.Is(err, ErrNotPDF) {
		t.Errorf("no catalog: err = %v, want ErrNotPDF", err)
	}
}

func TestReportClausesSorted(t *testing.T) {
	r := mustCheck(t, []byte(" "+strings.Replace(string(conformantPDF()), `pdfaid:part="2"`, `pdfaid:part="3"`, 1)))
	cl := r.Clauses()
	if len(cl) < 2 || cl[0] != "6.1.2" || cl[len(cl)-1] != "6.6.4" {
		t.Errorf("clauses = %v, want 6.1.2 first and 6.6.4 last", cl)
	}
}

func TestCheckInfoAdvisory(t *testing.T) {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
		testStream("/Type /Metadata /Subtype /XML", testXMP),
		"<< /Title (Other title) >>",
	}
	r := mustCheck(t, testPDF(objs, "/Info 5 0 R"))
	if !r.OK() {
		t.Fatalf("an Info mismatch must not be a violation: %+v", r.Violations)
	}
	if len(r.Advisories) != 1 || !strings.Contains(r.Advisories[0].Message, "Title") {
		t.Errorf("advisories = %+v, want one about Title", r.Advisories)
	}
	objs[4] = "<< /Title (Test) >>"
	if r := mustCheck(t, testPDF(objs, "/Info 5 0 R")); len(r.Advisories) != 0 {
		t.Errorf("matching Info: advisories = %+v, want none", r.Advisories)
	}
}

func TestCheckEmbeddedFiles(t *testing.T) {
	embed := func(file []byte) []byte {
		return testPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R /Names << /EmbeddedFiles << /Names [(a.pdf) 5 0 R] >> >> >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
			testStream("/Type /Metadata /Subtype /XML", testXMP),
			"<< /Type /Filespec /F (a.pdf) /EF << /F 6 0 R >> >>",
			testStream("/Type /EmbeddedFile", string(file)),
		}, "")
	}
	if r := mustCheck(t, embed(conformantPDF())); !r.OK() {
		t.Errorf("embedded PDF/A-2b rejected: %+v", r.Violations)
	}
	if r := mustCheck(t, embed([]byte("plain text"))); !hasClause(r, "6.8") {
		t.Errorf("embedded text file: want 6.8, got %+v", r.Violations)
	}
	bad := pdfWithPage("1 0 0 rg 0 0 5 5 re f", "/Resources << >>")
	if r := mustCheck(t, embed(bad)); !hasClause(r, "6.8") {
		t.Errorf("embedded non-conforming PDF: want 6.8, got %+v", r.Violations)
	}
}
