package pdfa

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
		gs, err := exec.LookPath("gs")
		if err != nil {
			b.Skip("ghostscript not installed")
		}
		for b.Loop() {
			if _, err := runGhostscript(context.Background(), gs, data, ConvertOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
