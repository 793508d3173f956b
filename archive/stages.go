package archive

import (
	"bytes"
	"context"
)

// Converter turns an accepted original into the archive copy. The pdfa and
// signing stages implement it; the ingest protocol does not change when
// they are plugged in.
//
// Convert must not modify in.Data. It returns a FieldError of kind
// ErrRefused for input it cannot archive. It must honour ctx.
type Converter interface {
	Convert(ctx context.Context, in ConvertInput) (ConvertOutput, error)
}

// ConvertInput is a document that passed the size and type checks.
type ConvertInput struct {
	Data      []byte
	MediaType string
	Title     string
}

// ConvertOutput is the archive copy and its extracted text.
type ConvertOutput struct {
	PDF    []byte
	Text   string
	Stages map[string]string // recorded in the manifest
	// Names are the persons named in a form (family and given names), for
	// search precision; recorded in the manifest.
	Names []string
	// Signed: the original carries a digital signature. The engine records
	// whether it verifies (stage "original_signature").
	Signed bool
	// Pages of the archive copy; 0 when unknown. Recorded in the manifest.
	Pages int
}

// Sniff detects the media type of data from its first bytes. It returns ""
// for types Akte does not know.
func Sniff(data []byte) string {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "image/tiff"
	}
	return ""
}

// PassThrough uses the original as the archive copy: it accepts PDFs that
// look complete (a %PDF- header near the start and a %%EOF marker near the
// end, not encrypted) and extracts no text. Engine tests and benchmarks use
// it to exercise the ingest protocol alone; production uses PDFA.
type PassThrough struct{}

// Convert implements Converter.
func (PassThrough) Convert(ctx context.Context, in ConvertInput) (ConvertOutput, error) {
	if in.MediaType != "application/pdf" {
		return ConvertOutput{}, refused("type %s is not supported yet (only PDF)", nonEmpty(in.MediaType, "unknown"))
	}
	tail := in.Data[max(0, len(in.Data)-2048):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return ConvertOutput{}, refused("PDF is truncated or damaged (no %%%%EOF marker at the end)")
	}
	if bytes.Contains(in.Data, []byte("/Encrypt")) {
		return ConvertOutput{}, refused("PDF is encrypted or password-protected")
	}
	return ConvertOutput{PDF: in.Data, Stages: map[string]string{"pdfa": "passthrough"}}, nil
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
