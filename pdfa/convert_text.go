package pdfa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// ErrNoTextTool: pdftotext (poppler-utils) is not installed.
var ErrNoTextTool = errors.New("pdftotext is not installed (apt-get install poppler-utils)")

// ExtractText returns the text of a PDF as UTF-8, for indexing, using
// poppler's pdftotext under a deadline (30 s) and a 1 GiB address-space
// limit, at low CPU priority (runLowPriority). (Pure-Go extractors returned
// nothing on our own PDF/A files.)
func ExtractText(ctx context.Context, pdf []byte) (string, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", ErrNoTextTool
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := limitedCommand(ctx, 1<<30, bin, "-enc", "UTF-8", "-q", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := runLowPriority(cmd); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("extract text: pdftotext exceeded its deadline")
		}
		return "", fmt.Errorf("extract text: pdftotext: %v: %s", err, tail(stderr.String(), 200))
	}
	return out.String(), nil
}
