//go:build unix

package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"akte/pdfa/scantest"
)

var (
	ocrPages    = flag.Int("ocrpages", 50, "pages in BenchmarkImportOCR")
	ocrLang     = flag.String("ocrlang", "deu", "tesseract languages for every contestant of BenchmarkImportOCR")
	ocrWithPeer = flag.Bool("ocrmypdf", true, "BenchmarkImportOCR: run OCRmyPDF too (false: tesseract and akte only, for repeated runs of their ratio)")
)

// BenchmarkImportOCR turns the same generated scans (300 dpi A4 PNG, known
// German text; grey, coloured, rotated, noisy) into searchable PDF/A three
// ways in one run, each with one job per core:
//   - akte: `akte import` of the folder on the embedded default (OCR,
//     PDF/A, development seal, WORM filestore, catalog, search index,
//     audit) — the whole product path, text read back from the archived
//     PDFs with pdftotext;
//   - ocrmypdf: `ocrmypdf --output-type pdfa -l LANG` page by page under
//     GNU parallel (PDF only: nothing stored, sealed or indexed);
//   - tesseract: bare tesseract writing text only (OMP_THREAD_LIMIT=1),
//     the floor.
//
// It reports pages per minute, CPU seconds per page (this process and its
// children) and word accuracy against the known text, and akte's CPU time
// per page over tesseract's. Tesseract runs right before akte, so that the
// ratio compares the two under the same machine weather. One iteration is
// the whole comparison: -benchtime 1x.
//
//	go test -run '^$' -bench ImportOCR -benchtime 1x ./cmd/akte/ -ocrpages 50
//
// The ratio alone, repeated for a median (OCRmyPDF takes ten times as
// long as the others):
//
//	go test -run '^$' -bench ImportOCR -benchtime 1x -count 5 ./cmd/akte/ -ocrpages 20 -ocrmypdf=false
func BenchmarkImportOCR(b *testing.B) {
	for _, p := range []string{"tesseract", "ocrmypdf", "parallel", "pdftotext"} {
		if _, err := exec.LookPath(p); err != nil {
			b.Skipf("%s missing: apt-get install tesseract-ocr tesseract-ocr-deu ocrmypdf parallel poppler-utils", p)
		}
	}
	dir := b.TempDir()
	in := filepath.Join(dir, "in")
	os.Mkdir(in, 0o755)
	peers := filepath.Join(dir, "peers") // the others' output, out of akte's folder
	os.Mkdir(peers, 0o755)
	ref := strings.Fields(strings.Join(scantest.Letter, " "))
	var pages []string
	for i := range *ocrPages {
		o := scantest.Options{Seed: uint64(i), Noise: 0.04 + 0.02*float64(i%4), Degrees: float64(i%5-2) * 0.4}
		gray := true
		if i%3 == 1 {
			o.Paper, o.Ink, gray = color.RGBA{0xf4, 0xee, 0xdc, 0xff}, color.RGBA{0x1a, 0x2a, 0x6a, 0xff}, false
		}
		name := filepath.Join(in, fmt.Sprintf("P-%04d_correspondence_2024-05-06_Schreiben.png", i))
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
		texts := make([]string, len(pages))

		// Bare tesseract, text only: what recognition itself costs.
		cpu0, start := cpuTime(), time.Now()
		cmd := exec.Command("parallel", append([]string{"-j", fmt.Sprint(jobs), "tesseract", "{}", filepath.Join(peers, "{/.}.tess"), "-l", *ocrLang,
			"--dpi", "300", "txt", ":::"}, pages...)...)
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		if raw, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("tesseract: %v\n%s", err, raw)
		}
		tessWall, tessCPU := time.Since(start), cpuTime()-cpu0
		for i, p := range pages {
			raw, err := os.ReadFile(filepath.Join(peers, strings.TrimSuffix(filepath.Base(p), ".png")+".tess.txt"))
			if err != nil {
				b.Fatal(err)
			}
			texts[i] = string(raw)
		}
		report("tesseract", tessWall, tessCPU, meanAccuracy(ref, texts))
		// Akte: the import command on the embedded default.
		data := filepath.Join(dir, fmt.Sprint("data-", time.Now().UnixNano()))
		cfg := filepath.Join(dir, "akte.yaml")
		if err := os.WriteFile(cfg, []byte("ocr:\n  mode: \"on\"\n  languages: "+*ocrLang+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		env := map[string]string{"AKTE_DATA": data, "USER": "bench"}
		getenv := func(k string) string { return env[k] }
		var out, errb strings.Builder
		cpu0, start = cpuTime(), time.Now()
		code := run(context.Background(), []string{"--config", cfg, "import", in, "--workers", fmt.Sprint(jobs)}, getenv, strings.NewReader(""), &out, &errb)
		wall, cpu := time.Since(start), cpuTime()-cpu0
		if code != 0 {
			b.Fatalf("akte import: exit %d: %s", code, errb.String())
		}
		reports, err := filepath.Glob(filepath.Join(data, "imports", "*", "report.csv"))
		if err != nil || len(reports) != 1 {
			b.Fatalf("import reports: %v %v, want one", reports, err)
		}
		f, err := os.Open(reports[0])
		if err != nil {
			b.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) != len(pages)+1 {
			b.Fatalf("report: %v, %d rows", err, len(rows))
		}
		for i, row := range rows[1:] {
			pdf := filepath.Join(dir, fmt.Sprintf("akte%03d.pdf", i))
			if code := run(context.Background(), []string{"get", row[2], "-o", pdf, "--purpose", "bench"}, getenv, strings.NewReader(""), &out, &errb); code != 0 {
				b.Fatalf("get %s: exit %d: %s", row[2], code, errb.String())
			}
			texts[i] = pdftotextFile(b, pdf)
		}
		report("akte", wall, cpu, meanAccuracy(ref, texts))
		b.ReportMetric(cpu.Seconds()/tessCPU.Seconds(), "akte/tesseract-cpu")
		lines = append(lines, fmt.Sprintf("akte/tesseract CPU per page: %.3f", cpu.Seconds()/tessCPU.Seconds()))

		if !*ocrWithPeer {
			b.Logf("%d pages, %d jobs, languages %s:\n%s", len(pages), jobs, *ocrLang, strings.Join(lines, "\n"))
			continue
		}
		// OCRmyPDF, one page per job.
		cpu0, start = cpuTime(), time.Now()
		raw, err := exec.Command("parallel", append([]string{"-j", fmt.Sprint(jobs), "ocrmypdf", "-q", "--output-type", "pdfa",
			"-l", *ocrLang, "--image-dpi", "300", "{}", filepath.Join(peers, "{/.}.ocrmypdf.pdf"), ":::"}, pages...)...).CombinedOutput()
		if err != nil {
			b.Fatalf("ocrmypdf: %v\n%s", err, raw)
		}
		wall, cpu = time.Since(start), cpuTime()-cpu0
		for i, p := range pages {
			texts[i] = pdftotextFile(b, filepath.Join(peers, strings.TrimSuffix(filepath.Base(p), ".png")+".ocrmypdf.pdf"))
		}
		report("ocrmypdf", wall, cpu, meanAccuracy(ref, texts))

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
