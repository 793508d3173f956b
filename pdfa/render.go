package pdfa

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"akte/pdfa/internal/pdfw"
)

// Result is a document rendered as PDF/A.
type Result struct {
	// PDF is the PDF/A-2b file (PDF/A-1b when Part 1 was asked for).
	PDF []byte
	// Text is the document's plain text for the search index.
	Text string
	// Title is the document title written to XMP dc:title and /Info.
	Title string
	// Pages is the number of pages.
	Pages int
}

// RenderOptions control RenderForm. A nil *RenderOptions means defaults.
type RenderOptions struct {
	// Part is the PDF/A part: 2 (default) for PDF/A-2b, or 1 for a
	// PDF/A-1b-compatible file (PDF 1.4).
	Part int
	// Title overrides the template's title as the document title.
	Title string
	// Producer is written to pdf:Producer; default "Akte".
	Producer string
	// Now is the creation time written to the metadata and the footer, in
	// the zone it carries. Zero means the time of the call; set it for
	// reproducible output.
	Now time.Time
}

const renderProducer = "Akte"

// renderDocOptions turns the shared option fields into writer options, reading
// the clock only when no time was given.
func renderDocOptions(part int, title, producer string, now time.Time) (pdfw.Options, error) {
	if part == 0 {
		part = 2
	}
	if part != 1 && part != 2 {
		return pdfw.Options{}, fmt.Errorf("render: unsupported PDF/A part %d (want 1 or 2)", part)
	}
	if producer == "" {
		producer = renderProducer
	}
	if now.IsZero() {
		now = time.Now()
	}
	return pdfw.Options{Part: part, Title: renderCleanMeta(title), Producer: renderCleanMeta(producer),
		Time: now.Truncate(time.Second), Lang: "de-DE"}, nil
}

// renderCleanMeta makes s safe for both XMP and the information dictionary, which
// must hold the same value: valid UTF-8 without control characters.
func renderCleanMeta(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// renderGuard runs a decoder of untrusted input, turning a panic into an error.
func renderGuard[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("decoder failed on malformed input")
		}
	}()
	return fn()
}
