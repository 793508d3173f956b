// Package pdfwtest runs the external checkers that Akte's PDF/A output must
// pass — qpdf, poppler's pdffonts and pdftotext, PDFBox Preflight — from
// tests. A missing tool skips the test with the package to install, or fails
// it when AKTE_TEST_STRICT=1.
package pdfwtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Require returns the path of program name, skipping (or, under
// AKTE_TEST_STRICT=1, failing) the test when it is not installed.
func Require(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" not installed (apt-get install -y "+pkg+")")
	}
	return p
}

// missing skips the test, or fails it under AKTE_TEST_STRICT=1, saying
// what is not installed.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("AKTE_TEST_STRICT") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func write(t testing.TB, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, timeout time.Duration, prog string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// QPDFCheck fails the test unless qpdf --check reports no errors and no
// warnings for pdf.
func QPDFCheck(t testing.TB, pdf []byte) {
	t.Helper()
	q := Require(t, "qpdf", "qpdf")
	out, err := run(t, time.Minute, q, "--check", write(t, pdf))
	if err != nil || !strings.Contains(out, "No syntax or stream encoding errors found") || strings.Contains(out, "WARNING") {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

// Fonts runs pdffonts and fails the test unless every font is embedded. It
// returns the number of fonts listed.
func Fonts(t testing.TB, pdf []byte) int {
	t.Helper()
	p := Require(t, "pdffonts", "poppler-utils")
	out, err := run(t, time.Minute, p, write(t, pdf))
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		t.Fatalf("pdffonts: unexpected output\n%s", out)
	}
	// Columns: name type encoding emb sub uni object ID.
	n := 0
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 7 {
			continue
		}
		n++
		emb, uni := f[len(f)-5], f[len(f)-3]
		if emb != "yes" || uni != "yes" {
			t.Errorf("pdffonts: font not embedded or without ToUnicode: %s", l)
		}
	}
	return n
}

// Text returns the text pdftotext -enc UTF-8 extracts from pdf.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	p := Require(t, "pdftotext", "poppler-utils")
	out, err := run(t, time.Minute, p, "-enc", "UTF-8", write(t, pdf), "-")
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return out
}

var preflightJars = []string{"preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"}

// Preflight validates pdf with PDFBox Preflight (PDF/A-1b) and fails the
// test with Preflight's error list unless the file is valid.
func Preflight(t testing.TB, pdf []byte) {
	t.Helper()
	if errs := PreflightErrors(t, pdf); errs != nil {
		t.Fatalf("PDFBox Preflight: not valid PDF/A-1b:\n%s", strings.Join(errs, "\n"))
	}
}

// PreflightErrors validates pdf with PDFBox Preflight (PDF/A-1b) and returns
// its errors, nil when the file is valid.
func PreflightErrors(t testing.TB, pdf []byte) []string {
	t.Helper()
	java := Require(t, "java", "default-jre-headless")
	var cp []string
	for _, j := range preflightJars {
		p := "/usr/share/java/" + j + ".jar"
		if _, err := os.Stat(p); err != nil {
			missing(t, "PDFBox Preflight not installed: "+p+" missing (apt-get install -y libpdfbox2-java libactivation-java libjaxb-api-java)")
		}
		cp = append(cp, p)
	}
	out, _ := run(t, 2*time.Minute, java, "-cp", strings.Join(cp, ":"), "org.apache.pdfbox.preflight.Validator_A1b", write(t, pdf))
	return parsePreflight(out)
}

var preflightErr = regexp.MustCompile(`(?m)^\s*(\d+(?:\.\d+)*)\s*:\s*(.*)$`)

// parsePreflight reads Preflight's text output: nil when it says the file
// is a valid PDF/A-1b, otherwise the error lines ("code : message").
func parsePreflight(out string) []string {
	if strings.Contains(out, "is a valid PDF/A-1b file") {
		return nil
	}
	var errs []string
	for _, m := range preflightErr.FindAllStringSubmatch(out, -1) {
		errs = append(errs, m[1]+": "+m[2])
	}
	if len(errs) == 0 {
		errs = []string{strings.TrimSpace(out)}
	}
	return errs
}

// PDFCPUValidate fails the test unless pdfcpu validates pdf in strict mode
// (ISO 32000 syntax and semantics as pdfcpu checks them).
func PDFCPUValidate(t testing.TB, pdf []byte) {
	t.Helper()
	model.ConfigPath = "disable" // never read or write a config directory
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	if err := api.Validate(bytes.NewReader(pdf), conf); err != nil {
		t.Fatalf("pdfcpu validate (strict): %v", err)
	}
}
