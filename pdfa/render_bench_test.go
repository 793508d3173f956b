package pdfa

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"akte/pdfa/internal/pdfw/pdfwtest"
)

// renderMeasure runs fn b.N times and reports the median wall time per call
// (ms-median) besides the mean the testing package prints, and the CPU time
// per call (cpu-ms/op) of this process, or of the child processes fn runs
// when children is true: on a busy machine CPU time is the fairer figure.
func renderMeasure(b *testing.B, children bool, fn func() error) {
	b.Helper()
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, ok := renderCPUTime(children)
	for range b.N {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	cpu1, _ := renderCPUTime(children)
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "ms-median")
	if ok {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

func renderBenchSubmission(b *testing.B) Submission {
	reg, _ := LookupFormTemplate("registration")
	return Submission{Template: "registration", Values: formSampleValues(reg), Signature: formSignaturePNG(b, 600, 200), Strokes: formSampleStrokes()}
}

// renderA4JPEG is an A4 page at 300 dpi (2480 × 3508) as a JPEG with JFIF density.
func renderA4JPEG(b *testing.B) []byte {
	return imgMakeJPEG(b, imgTestPicture(2480, 3508), 300)
}

// BenchmarkRenderForm renders the registration form (two pages, every
// field filled) with a 600 × 200 PNG signature and pen strokes, and with pen
// strokes only (the counter tablet's usual case).
func BenchmarkRenderForm(b *testing.B) {
	full := renderBenchSubmission(b)
	strokes := full
	strokes.Signature = nil
	for _, c := range []struct {
		name string
		sub  Submission
	}{{"png+strokes", full}, {"strokes", strokes}} {
		b.Run(c.name, func(b *testing.B) {
			opts := &RenderOptions{Now: formRenderTime}
			if _, err := RenderForm(context.Background(), c.sub, opts); err != nil { // fonts and templates load once
				b.Fatal(err)
			}
			renderMeasure(b, false, func() error {
				_, err := RenderForm(context.Background(), c.sub, opts)
				return err
			})
		})
	}
}

func BenchmarkRenderFormParallel(b *testing.B) {
	sub := renderBenchSubmission(b)
	opts := &RenderOptions{Now: formRenderTime}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := RenderForm(context.Background(), sub, opts); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkImageJPEGToPDF converts an A4 page at 300 dpi (2480 × 3508): a
// smooth picture (a small JPEG) and a noisy one (a JPEG as large as a
// real colour scan).
func BenchmarkImageJPEGToPDF(b *testing.B) {
	noisy := imgTestPicture(2480, 3508)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range noisy.Pix {
		if i%4 != 3 {
			noisy.Pix[i] = uint8(max(0, min(255, int(noisy.Pix[i])+rng.IntN(41)-20)))
		}
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{"smooth", renderA4JPEG(b)}, {"noisy", imgMakeJPEG(b, noisy, 300)}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			renderMeasure(b, false, func() error {
				_, err := ImageToPDF(context.Background(), c.data, &ImageOptions{Now: formRenderTime})
				return err
			})
		})
	}
}

func BenchmarkImageTIFFToPDF(b *testing.B) {
	data := imgMakeTIFF([]*image.Gray{imgGrayPage(2480, 3508, true)}, 300)
	b.SetBytes(int64(len(data)))
	renderMeasure(b, false, func() error {
		_, err := ImageToPDF(context.Background(), data, &ImageOptions{Now: formRenderTime})
		return err
	})
}

var renderGSArgs = []string{"-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-sDEVICE=pdfwrite",
	"-sColorConversionStrategy=RGB", "-dPDFACompatibilityPolicy=1"}

func renderRunGS(gs string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, gs, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("gs: %v: %s", err, out)
	}
	return nil
}

// BenchmarkRenderGhostscriptForm converts our rendered form with Ghostscript's
// PDF/A-2 pdfwrite: the cost of the obvious alternative on the same input.
func BenchmarkRenderGhostscriptForm(b *testing.B) {
	gs := pdfwtest.Require(b, "gs", "ghostscript")
	res, err := RenderForm(context.Background(), renderBenchSubmission(b), &RenderOptions{Now: formRenderTime})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, res.PDF, 0o644); err != nil {
		b.Fatal(err)
	}
	args := append(slices.Clone(renderGSArgs), "-o", filepath.Join(dir, "out.pdf"), in)
	renderMeasure(b, true, func() error { return renderRunGS(gs, args...) })
}

// BenchmarkImageGhostscriptJPEG converts the A4 JPEG with Ghostscript's
// viewjpeg.ps to PDF/A-2.
func BenchmarkImageGhostscriptJPEG(b *testing.B) {
	gs := pdfwtest.Require(b, "gs", "ghostscript")
	view, _ := filepath.Glob("/usr/share/ghostscript/*/lib/viewjpeg.ps")
	if len(view) == 0 {
		b.Skip("Ghostscript's viewjpeg.ps not found")
	}
	dir := b.TempDir()
	in := filepath.Join(dir, "in.jpg")
	if err := os.WriteFile(in, renderA4JPEG(b), 0o644); err != nil {
		b.Fatal(err)
	}
	args := append(slices.Clone(renderGSArgs), "--permit-file-read="+dir+"/", "-o", filepath.Join(dir, "out.pdf"), view[0],
		"-c", "("+in+") << /PageSize 2 index viewJPEGgetsize 2 array astore >> setpagedevice viewJPEG")
	if err := renderRunGS(gs, args...); err != nil {
		b.Fatal(err)
	}
	renderMeasure(b, true, func() error { return renderRunGS(gs, args...) })
}
