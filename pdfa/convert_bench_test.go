package pdfa

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"akte/pdfa/internal/pdfw/pdfwtest"
)

// BenchmarkConvertPDF: an input that already is PDF/A-2b passes through
// ConvertPDF (checked, kept as is) — side by side with Ghostscript's
// -dPDFA=2 conversion of the same file.
func BenchmarkConvertPDF(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "render", "registration-part2.pdf"))
	if err != nil {
		b.Skip("no rendered sample in testdata/render: ", err)
	}
	if rep, err := Check(context.Background(), data, nil); err != nil || !rep.OK() {
		b.Fatalf("sample is not PDF/A-2b: %v %+v", err, rep)
	}
	b.Run("akte-kept", func(b *testing.B) {
		for b.Loop() {
			res, err := ConvertPDF(context.Background(), data, nil)
			if err != nil || res.Outcome != PDFKept {
				b.Fatal(err)
			}
		}
	})
	b.Run("ghostscript", func(b *testing.B) {
		gs := pdfwtest.Require(b, "gs", "ghostscript")
		for b.Loop() {
			if _, err := runGhostscript(context.Background(), gs, data, ConvertOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConvertPDFFinalise: the same rendered sample without XMP
// metadata, output intent and trailer ID (and with a JavaScript
// OpenAction), which ConvertPDF finalises by an incremental update (two
// checks and the update) — side by side with the update alone and with
// Ghostscript's -dPDFA=2 rewrite of the same input.
func BenchmarkConvertPDFFinalise(b *testing.B) {
	sample, err := os.ReadFile(filepath.Join("testdata", "render", "registration-part2.pdf"))
	if err != nil {
		b.Skip("no rendered sample in testdata/render: ", err)
	}
	data := finStrip(b, sample, "/OpenAction<</S/JavaScript/JS(x)>>", true)
	rep, err := Check(context.Background(), data, nil)
	if err != nil {
		b.Fatal(err)
	}
	f, ok := planFixes(rep)
	if !ok {
		b.Fatalf("sample cannot be finalised: %+v", rep.Violations)
	}
	b.Run("akte-finalised", func(b *testing.B) {
		renderMeasure(b, false, func() error {
			res, err := ConvertPDF(context.Background(), data, &ConvertOptions{Ghostscript: "-"})
			if err != nil {
				return err
			}
			if res.Outcome != PDFFinalised {
				return errors.New("outcome " + string(res.Outcome))
			}
			return nil
		})
	})
	b.Run("akte-update-only", func(b *testing.B) {
		o := (*CheckOptions)(nil).withDefaults()
		renderMeasure(b, false, func() error {
			_, err := finalise(context.Background(), data, f, o)
			return err
		})
	})
	b.Run("ghostscript", func(b *testing.B) {
		gs := pdfwtest.Require(b, "gs", "ghostscript")
		renderMeasure(b, true, func() error {
			_, err := runGhostscript(context.Background(), gs, data, ConvertOptions{})
			return err
		})
	})
}
