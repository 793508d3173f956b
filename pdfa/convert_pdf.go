package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"akte/pdfa/internal/pdfw"
)

// PDFOutcome says how an input PDF became its archive copy.
type PDFOutcome string

const (
	// PDFKept: the input already is PDF/A-2b (per Check) and is archived
	// byte for byte.
	PDFKept PDFOutcome = "kept"
	// PDFFinalised: the input's only violations were metadata, output
	// intent, catalog actions or trailer ID; an incremental update fixed
	// them (the input is an unchanged prefix of the archive copy) and the
	// result passed Check.
	PDFFinalised PDFOutcome = "finalised"
	// PDFGhostscript: the input was rewritten by Ghostscript's PDF/A-2
	// output and the result passed Check.
	PDFGhostscript PDFOutcome = "ghostscript"
)

// Refusals of ConvertPDF. Test with errors.Is; a *RefusedError carries the
// violated clauses.
var (
	ErrEncrypted     = errors.New("pdf is encrypted or password-protected")
	ErrNotConformant = errors.New("pdf cannot be made PDF/A-2b")
)

// RefusedError is a PDF that could not be made conformant. Report lists
// the clauses the input (or Ghostscript's rewrite of it) still violates.
type RefusedError struct {
	Reason string
	Report *Report
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s: violates ISO 19005-2 %s", e.Reason, clauseList(e.Report))
}

// clauseList is rep's violated clauses for a message: "6.1.2, 6.6.4".
func clauseList(rep *Report) string {
	var cl []string
	for _, c := range rep.Clauses() {
		cl = append(cl, string(c))
	}
	return strings.Join(cl, ", ")
}

// Is makes errors.Is(err, ErrNotConformant) true.
func (e *RefusedError) Is(target error) bool { return target == ErrNotConformant }

// ConvertOptions configure ConvertPDF. A nil *ConvertOptions means the
// defaults.
type ConvertOptions struct {
	// Check bounds each check of the input and of a rewrite.
	Check *CheckOptions
	// Ghostscript is the gs program; "" looks up "gs" on PATH, "-" never
	// uses Ghostscript.
	Ghostscript string
	// Timeout bounds one Ghostscript run (default 30 s).
	Timeout time.Duration
	// MaxMemory bounds Ghostscript's address space (default 2 GiB).
	MaxMemory int64
}

// PDFResult is an archive copy made from an input PDF.
type PDFResult struct {
	PDF     []byte
	Outcome PDFOutcome
	// Report is the check of the archive copy (OK, possibly with
	// advisories).
	Report *Report
	// Signed: the input carries a digital signature. ConvertPDF never
	// modifies it in place; a Ghostscript rewrite invalidates the
	// signature in the archive copy, and a finalised copy adds a revision
	// after the signed one (the signature still covers its byte range, but
	// validators report the later change), so the original must be kept
	// beside it.
	Signed bool
}

// ConvertPDF makes the archive copy of an input PDF: kept as is when it
// already is PDF/A-2b; finalised by an incremental update when every
// violation is one the finaliser fixes (see finalise.go) and the result
// passes Check; otherwise rewritten by Ghostscript (when installed) from
// the original input and checked again. Encrypted files are refused with
// ErrEncrypted; files that cannot be made conformant with a *RefusedError
// naming the input's clauses; files that cannot even be checked with
// Check's errors (ErrNotPDF, …). It never modifies data.
func ConvertPDF(ctx context.Context, data []byte, opts *ConvertOptions) (*PDFResult, error) {
	var o ConvertOptions
	if opts != nil {
		o = *opts
	}
	rep, err := Check(ctx, data, o.Check)
	if err != nil {
		return nil, err
	}
	signed := looksSigned(data)
	if rep.OK() {
		return &PDFResult{PDF: data, Outcome: PDFKept, Report: rep, Signed: signed}, nil
	}
	if encrypted(rep) {
		return nil, fmt.Errorf("convert pdf: %w", ErrEncrypted)
	}
	reason := "not PDF/A-2b"
	if f, ok := planFixes(rep); ok {
		res, err := finaliseChecked(ctx, data, f, o.Check)
		if err == nil {
			res.Signed = signed
			return res, nil
		}
		reason += ", the direct fix failed (" + err.Error() + "),"
	}
	gs, gsErr := findGhostscript(o.Ghostscript)
	if gsErr != nil {
		return nil, &RefusedError{Reason: reason + " and " + gsErr.Error(), Report: rep}
	}
	out, err := runGhostscript(ctx, gs, data, o)
	if err != nil {
		return nil, &RefusedError{Reason: reason + " and the Ghostscript rewrite failed (" + err.Error() + ")", Report: rep}
	}
	rep2, err := Check(ctx, out, o.Check)
	if err != nil {
		return nil, &RefusedError{Reason: reason + " and the Ghostscript rewrite cannot be checked (" + err.Error() + ")", Report: rep}
	}
	if !rep2.OK() {
		return nil, &RefusedError{Reason: "not PDF/A-2b even after a Ghostscript rewrite", Report: rep2}
	}
	return &PDFResult{PDF: out, Outcome: PDFGhostscript, Report: rep2, Signed: signed}, nil
}

// finaliseChecked finalises data and checks the result; an error says why
// the finalised copy cannot be the archive copy.
func finaliseChecked(ctx context.Context, data []byte, f fixes, opts *CheckOptions) (*PDFResult, error) {
	out, err := finalise(ctx, data, f, opts.withDefaults())
	if err != nil {
		return nil, err
	}
	rep, err := Check(ctx, out, opts)
	if err != nil {
		return nil, fmt.Errorf("check finalised pdf: %w", err)
	}
	if !rep.OK() {
		return nil, fmt.Errorf("the finalised copy still violates %s", clauseList(rep))
	}
	return &PDFResult{PDF: out, Outcome: PDFFinalised, Report: rep}, nil
}

// encrypted reports whether Check found an Encrypt entry (clause 6.1.3).
func encrypted(rep *Report) bool {
	for _, v := range rep.Violations {
		if v.Clause == "6.1.3" && strings.Contains(strings.ToLower(v.Message), "encrypt") {
			return true
		}
	}
	return false
}

// looksSigned reports whether data contains a signature dictionary.
func looksSigned(data []byte) bool {
	return bytes.Contains(data, []byte("/ByteRange")) &&
		(bytes.Contains(data, []byte("/Sig")) || bytes.Contains(data, []byte("/DocTimeStamp")))
}

func findGhostscript(path string) (string, error) {
	switch path {
	case "-":
		return "", errors.New("Ghostscript is disabled")
	case "":
		path = "gs"
	}
	p, err := exec.LookPath(path)
	if err != nil {
		return "", errors.New("Ghostscript is not installed (apt-get install ghostscript) to rewrite it")
	}
	return p, nil
}

// pdfmarkOutputIntent attaches an sRGB OutputIntent (GTS_PDFA1) to the
// document Ghostscript writes; %s is the ICC profile's path.
const pdfmarkOutputIntent = `%%!
[/_objdef {akteICC} /type /stream /OBJ pdfmark
[{akteICC} << /N 3 >> /PUT pdfmark
[{akteICC} (%s) (r) file /PUT pdfmark
[/_objdef {akteOI} /type /dict /OBJ pdfmark
[{akteOI} << /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {akteICC} /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) >> /PUT pdfmark
[{Catalog} << /OutputIntents [ {akteOI} ] >> /PUT pdfmark
`

// runGhostscript rewrites data as PDF/A-2 in a temporary directory, under
// a deadline and an address-space limit. Ghostscript exits 0 even when it
// silently drops PDF/A, so the caller re-checks the output.
func runGhostscript(ctx context.Context, gs string, data []byte, o ConvertOptions) ([]byte, error) {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	mem := o.MaxMemory
	if mem <= 0 {
		mem = 2 << 30
	}
	dir, err := os.MkdirTemp("", "akte-gs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	icc, def := filepath.Join(dir, "srgb.icc"), filepath.Join(dir, "pdfa_def.ps")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(icc, pdfw.SRGBProfile(), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(def, []byte(fmt.Sprintf(pdfmarkOutputIntent, icc)), 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := limitedCommand(ctx, mem, gs,
		"-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dSAFER", "-dNOOUTERSAVE",
		"--permit-file-read="+dir+"/",
		"-sDEVICE=pdfwrite", "-sColorConversionStrategy=RGB", "-dPDFACompatibilityPolicy=1",
		"-sOutputFile="+out, def, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := runLowPriority(cmd); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ghostscript exceeded %s", timeout)
		}
		return nil, fmt.Errorf("ghostscript: %v: %s", err, tail(stderr.String(), 300))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("ghostscript wrote no output: %s", tail(stderr.String(), 300))
	}
	return b, nil
}

// limitedCommand returns the command running prog with args under ctx, its
// address space limited to maxMem bytes: a shell sets ulimit -v and execs
// prog, so there stays one process for ctx to kill.
func limitedCommand(ctx context.Context, maxMem int64, prog string, args ...string) *exec.Cmd {
	script := fmt.Sprintf(`ulimit -v %d && exec "$0" "$@"`, maxMem/1024)
	cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", script, prog}, args...)...)
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// tail is the last n bytes of s, trimmed, for an error message.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
