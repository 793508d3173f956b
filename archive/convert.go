package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"akte/pdfa"
)

// MediaForm is the media type of a form submission: the JSON of a
// pdfa.Submission (template ID, values, optional signature). The
// submission is the original; the rendered PDF/A is the archive copy.
const MediaForm = "application/vnd.akte.form+json"

// PDFA is the PDF/A stage: every archive copy is PDF/A-2b. PDFs that
// already conform are kept byte for byte, others are rewritten (Ghostscript)
// and checked again, or refused with the violated clauses; images become
// one page each at their resolution; form submissions are rendered. Text
// for search comes from the renderer, or from pdftotext for PDFs.
type PDFA struct {
	// PDF bounds the check and rewrite of input PDFs; nil: defaults.
	PDF *pdfa.ConvertOptions
	// Now stamps rendered documents; nil: time.Now.
	Now func() time.Time
	// Part is the PDF/A part of rendered forms and images: 2 (default) or
	// 1 for a PDF/A-1b-compatible file. Input PDFs are always checked
	// against part 2.
	Part int
	// OCR, when set, recognises the text of scanned images (tesseract): an
	// invisible text layer in the archive copy and the record's text. An
	// image that cannot be recognised (tesseract missing, a page timing
	// out) is refused, so that nothing is archived without its text.
	OCR *pdfa.OCROptions
}

// Convert implements Converter.
func (c PDFA) Convert(ctx context.Context, in ConvertInput) (ConvertOutput, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	switch in.MediaType {
	case "application/pdf":
		if c.Part == 1 {
			return ConvertOutput{}, refused("PDF input is kept or rewritten as PDF/A-2b only; part 1 is for forms and images")
		}
		return c.convertPDF(ctx, in)
	case "image/jpeg", "image/png", "image/tiff":
		res, err := pdfa.ImageToPDF(ctx, in.Data, &pdfa.ImageOptions{Title: in.Title, Now: now(), Part: c.Part, OCR: c.OCR})
		if errors.Is(err, pdfa.ErrOCRUnavailable) && ctx.Err() == nil {
			return ConvertOutput{}, fmt.Errorf("convert: %w: %w", ErrUnavailable, err) // not the document's fault: retry
		}
		if err != nil {
			return ConvertOutput{}, refusedBy(ctx, err)
		}
		stages := map[string]string{"pdfa": "image"}
		if c.OCR != nil {
			stages["ocr"] = "tesseract"
		}
		return ConvertOutput{PDF: res.PDF, Text: res.Text, Stages: stages, Pages: res.Pages}, nil
	case MediaForm:
		var sub pdfa.Submission
		dec := json.NewDecoder(bytes.NewReader(in.Data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&sub); err != nil {
			return ConvertOutput{}, &FieldError{Kind: ErrRefused, Field: "form", Reason: "submission is not valid JSON: " + err.Error()}
		}
		res, err := pdfa.RenderForm(ctx, sub, &pdfa.RenderOptions{Title: in.Title, Now: now(), Part: c.Part})
		if err != nil {
			var se *pdfa.SubmissionError
			if errors.As(err, &se) {
				return ConvertOutput{}, &FieldError{Kind: ErrInvalid, Field: "form." + se.Field, Reason: se.Reason}
			}
			return ConvertOutput{}, refusedBy(ctx, err)
		}
		return ConvertOutput{PDF: res.PDF, Text: res.Text, Stages: map[string]string{"pdfa": "form:" + sub.Template},
			Names: formNames(sub.Values)}, nil
	}
	return ConvertOutput{}, refused("type %s is not supported", nonEmpty(in.MediaType, "unknown"))
}

func (c PDFA) convertPDF(ctx context.Context, in ConvertInput) (ConvertOutput, error) {
	res, err := pdfa.ConvertPDF(ctx, in.Data, c.PDF)
	if err != nil {
		// A scan that cannot be made PDF/A as it is may still be rebuilt
		// from its images.
		if c.OCR != nil && errors.Is(err, pdfa.ErrNotConformant) && ctx.Err() == nil {
			out, ok, oerr := c.ocrPDF(ctx, in)
			switch {
			case ok:
				return out, nil
			case errors.Is(oerr, ErrUnavailable):
				return ConvertOutput{}, oerr
			}
		}
		return ConvertOutput{}, refusedBy(ctx, err)
	}
	stages := map[string]string{"pdfa": string(res.Outcome)}
	if res.Signed {
		// The original stays byte-exact beside the archive copy.
		stages["original_signed"] = "true"
	}
	var text string
	if c.OCR != nil {
		out, ok, err := c.ocrPDF(ctx, in)
		if err != nil {
			return ConvertOutput{}, err
		}
		if ok {
			out.Signed = res.Signed
			if res.Signed {
				out.Stages["original_signed"] = "true"
			}
			return out, nil
		}
		// Text pages and scanned ones: the copy stays, the text is both.
		stages["ocr"], text = out.Stages["ocr"], out.Text
	}
	if text == "" {
		text, err = pdfa.ExtractText(ctx, res.PDF)
		switch {
		case errors.Is(err, pdfa.ErrNoTextTool):
			stages["text"] = "unavailable: " + err.Error()
		case err != nil:
			stages["text"] = "failed: " + err.Error()
		}
	}
	return ConvertOutput{PDF: res.PDF, Text: text, Stages: stages, Signed: res.Signed, Pages: res.Report.Pages}, nil
}

// ocrPDF recognises a scanned input PDF (pdfa.OCRPDF). ok: the document was
// a scan and out is its archive copy, rebuilt from its images with a text
// layer. Otherwise out.Stages["ocr"] says why nothing was rebuilt and
// out.Text, when set, is the record's text (text pages and recognised
// scanned pages). A missing OCR program is ErrUnavailable (retry): a scan
// is never archived without its text.
func (c PDFA) ocrPDF(ctx context.Context, in ConvertInput) (out ConvertOutput, ok bool, err error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	res, err := pdfa.OCRPDF(ctx, in.Data, &pdfa.ImageOptions{Title: in.Title, Now: now(), OCR: c.OCR})
	switch {
	case errors.Is(err, pdfa.ErrOCRUnavailable) && ctx.Err() == nil:
		return out, false, fmt.Errorf("convert: %w: %w", ErrUnavailable, err)
	case err != nil:
		return out, false, refusedBy(ctx, err)
	}
	out = ConvertOutput{Text: res.Text, Stages: map[string]string{"ocr": res.Stage}}
	if res.PDF == nil {
		return out, false, nil
	}
	out.PDF, out.Pages = res.PDF, res.Pages
	out.Stages["pdfa"] = "scan-rebuilt"
	return out, true, nil
}

// refusedBy turns a pdfa refusal into the archive's kind, keeping its
// reason (which names the clauses or the limit). A cancelled request stays
// a cancellation.
func refusedBy(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &FieldError{Kind: ErrRefused, Field: "document", Reason: err.Error()}
}

// formNames picks the person names of a form: the values of fields whose
// name ends in "name" or "names" (family_name, given_names, birth_name).
func formNames(values map[string]string) []string {
	var out []string
	for k, v := range values {
		if v = strings.TrimSpace(v); v != "" && (strings.HasSuffix(k, "name") || strings.HasSuffix(k, "names")) {
			out = append(out, strings.Fields(v)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
