package pdfa

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fuzzSeeds are small real and generated files; hostile seeds stay small
// so each fuzz iteration is fast.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		conformantPDF(),
		pdfWithPage("1 0 0 rg 0 0 5 5 re f BI /W 1 /H 1 /CS /RGB /BPC 8 ID \x00\x00\x00 EI", "/Resources << >>"),
		pdfWithPage("/X0 Do", "/Resources << /XObject << /X0 6 0 R >> >>",
			testStream("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X0 6 0 R >> >>", "/X0 Do")),
		testPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2147483647 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1 99999] >>",
		}, ""),
		testPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
			bombStream(zlibZeros(f, 4<<20)),
		}, ""),
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "check", "*.pdf"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// FuzzCheck runs the parser and every clause without the recover guard, so
// a panic is a fuzz failure; errors must be of the documented kinds.
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		type result struct {
			r   *Report
			err error
		}
		done := make(chan result, 1)
		go func() {
			r, err := runCheck(ctx, data, 64<<20)
			done <- result{r, err}
		}()
		var res result
		select {
		case res = <-done:
		case <-time.After(10 * time.Second):
			panic("check did not return 5 s after its deadline: a loop ignores the budget")
		}
		r, err := res.r, res.err
		if err != nil {
			if !errors.Is(err, ErrNotPDF) && !errors.Is(err, ErrTooComplex) && !errors.Is(err, ErrTimeout) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if r == nil {
			t.Fatal("nil report without error")
		}
	})
}

// fontPrograms extracts the embedded font programs of the seed files.
func fontPrograms(f *testing.F) [][]byte {
	var out [][]byte
	for _, s := range fuzzSeeds(f) {
		d, err := openDocument(s, &budget{ctx: context.Background(), maxMem: 64 << 20})
		if err != nil {
			continue
		}
		for num := range d.xref {
			if st, ok := d.res(pdfRef{num, 0}).(*pdfStream); ok {
				if _, isFont := st.dict["Length1"]; isFont || d.name(st.dict["Subtype"]) == "CIDFontType0C" {
					if b, err := d.decodeStream(st); err == nil {
						out = append(out, b)
					}
				}
			}
		}
	}
	return out
}

// FuzzFontPrograms runs the TrueType and CFF readers on arbitrary bytes.
func FuzzFontPrograms(f *testing.F) {
	progs := fontPrograms(f)
	if len(progs) < 2 {
		f.Fatalf("found %d font programs in the seeds, want a TrueType and a CFF one", len(progs))
	}
	for _, p := range progs {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if tt, ok := parseTrueType(b); ok {
			for g := -1; g <= tt.numGlyphs && g < 300; g++ {
				if a, ok := tt.advance(g); ok && (a < 0 || math.IsInf(a, 0) || math.IsNaN(a)) {
					t.Fatalf("advance(%d) = %v, want a finite width >= 0", g, a)
				}
			}
			for c := 0; c < 256; c++ {
				tt.glyphFor(c, c%2 == 0, "WinAnsiEncoding")
			}
		}
		if cf, ok := parseCIDCFF(b); ok {
			if len(cf.widths) > 0 && len(cf.cidToGID) == 0 {
				t.Fatal("CID map lost .notdef")
			}
			for g, w := range cf.widths {
				if w != -1 && (math.IsInf(w, 0) || math.IsNaN(w)) {
					t.Fatalf("width of glyph %d = %v, want a finite width or -1", g, w)
				}
			}
		}
	})
}
