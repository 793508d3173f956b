//go:build unix

package pdfa

import (
	"context"
	"flag"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"akte/pdfa/scantest"
)

var (
	ocrPages = flag.Int("ocrpages", 50, "pages in BenchmarkOCRSideBySide")
	ocrLang  = flag.String("ocrlang", "deu", "tesseract languages for every contestant of BenchmarkOCRSideBySide")
)

// BenchmarkOCRSideBySide turns the same generated scans (300 dpi A4, known
// German text; grey, coloured, rotated, noisy) into searchable PDF/A three
// ways in one run, each with one job per core: Akte (ImageToPDF with OCR),
// OCRmyPDF (`ocrmypdf --output-type pdfa`, page by page under GNU
// parallel), and bare tesseract producing only text (the floor). It
// reports pages per minute, CPU seconds per page and word accuracy. One
// iteration is the whole comparison: -benchtime 1x.
//
//	go test -run '^$' -bench OCRSideBySide -benchtime 1x ./pdfa/ -ocrpages 50
func BenchmarkOCRSideBySide(b *testing.B) {
	for _, p := range []string{"tesseract", "ocrmypdf", "parallel", "pdftotext"} {
		if _, err := exec.LookPath(p); err != nil {
			b.Skipf("%s missing: apt-get install tesseract-ocr tesseract-ocr-deu ocrmypdf parallel poppler-utils", p)
		}
	}
	dir := b.TempDir()
	ref := strings.Fields(strings.Join(scantest.Letter, " "))
	var pages []string
	for i := range *ocrPages {
		o := scantest.Options{Seed: uint64(i), Noise: 0.04 + 0.02*float64(i%4), Degrees: float64(i%5-2) * 0.4}
		gray := true
		if i%3 == 1 {
			o.Paper, o.Ink, gray = color.RGBA{0xf4, 0xee, 0xdc, 0xff}, color.RGBA{0x1a, 0x2a, 0x6a, 0xff}, false
		}
		name := filepath.Join(dir, fmt.Sprintf("page%03d.png", i))
		if err := os.WriteFile(name, scantest.PNG(scantest.Render(scantest.Letter, o).Image, gray), 0o644); err != nil {
			b.Fatal(err)
		}
		pages = append(pages, name)
	}
	jobs := runtime.NumCPU()
	for b.Loop() {
		var lines []string
		report := func(name string, wall time.Duration, cpu time.Duration, acc float64) {
			n := float64(len(pages))
			lines = append(lines, fmt.Sprintf("%-10s %6.1f pages/min  %5.2f CPU s/page  %6.2f s/page wall  word accuracy %.1f %%",
				name, n/wall.Minutes(), cpu.Seconds()/n, wall.Seconds()/n, 100*acc))
			b.ReportMetric(n/wall.Minutes(), name+"-pages/min")
			b.ReportMetric(cpu.Seconds()/n, name+"-cpu-s/page")
			b.ReportMetric(100*acc, name+"-accuracy-%")
		}

		// Akte: one page per job, as `akte import` runs them.
		cpu0, start := cpuTime(), time.Now()
		texts := make([]string, len(pages))
		var wg sync.WaitGroup
		next := make(chan int)
		errs := make(chan error, len(pages))
		for range jobs {
			wg.Go(func() {
				for i := range next {
					data, err := os.ReadFile(pages[i])
					if err == nil {
						var res *Result
						res, err = ImageToPDF(context.Background(), data, &ImageOptions{OCR: &OCROptions{Languages: *ocrLang}})
						if err == nil {
							texts[i] = res.Text
							err = os.WriteFile(strings.TrimSuffix(pages[i], ".png")+".akte.pdf", res.PDF, 0o644)
						}
					}
					if err != nil {
						errs <- err
					}
				}
			})
		}
		for i := range pages {
			next <- i
		}
		close(next)
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		report("akte", time.Since(start), cpuTime()-cpu0, meanAccuracy(ref, texts))

		// OCRmyPDF, one page per job.
		cpu0, start = cpuTime(), time.Now()
		out, err := exec.Command("parallel", append([]string{"-j", fmt.Sprint(jobs), "ocrmypdf", "-q", "--output-type", "pdfa",
			"-l", *ocrLang, "--image-dpi", "300", "{}", "{.}.ocrmypdf.pdf", ":::"}, pages...)...).CombinedOutput()
		if err != nil {
			b.Fatalf("ocrmypdf: %v\n%s", err, out)
		}
		wall, cpu := time.Since(start), cpuTime()-cpu0
		for i, p := range pages {
			texts[i] = pdftotextFile(b, strings.TrimSuffix(p, ".png")+".ocrmypdf.pdf")
		}
		report("ocrmypdf", wall, cpu, meanAccuracy(ref, texts))

		// Bare tesseract, text only: what recognition itself costs.
		cpu0, start = cpuTime(), time.Now()
		cmd := exec.Command("parallel", append([]string{"-j", fmt.Sprint(jobs), "tesseract", "{}", "{.}.tess", "-l", *ocrLang,
			"--dpi", "300", "txt", ":::"}, pages...)...)
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("tesseract: %v\n%s", err, out)
		}
		wall, cpu = time.Since(start), cpuTime()-cpu0
		for i, p := range pages {
			raw, err := os.ReadFile(strings.TrimSuffix(p, ".png") + ".tess.txt")
			if err != nil {
				b.Fatal(err)
			}
			texts[i] = string(raw)
		}
		report("tesseract", wall, cpu, meanAccuracy(ref, texts))
		b.Logf("%d pages, %d jobs, languages %s:\n%s", len(pages), jobs, *ocrLang, strings.Join(lines, "\n"))
	}
}

func meanAccuracy(ref []string, texts []string) float64 {
	sum := 0.0
	for _, t := range texts {
		sum += scantest.WordAccuracy(ref, strings.Fields(t))
	}
	return sum / float64(len(texts))
}

// cpuTime is the CPU time of this process and its finished children.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

func pdftotextFile(b *testing.B, name string) string {
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", name, "-").Output()
	if err != nil {
		b.Fatalf("pdftotext %s: %v", name, err)
	}
	return string(out)
}
