package pdfa

import (
	"context"
	"fmt"
	"strings"
)

// Submission is a filled-in form as the portal or the counter's signature
// tablet sends it.
type Submission struct {
	// Template is the form template's ID, e.g. "registration".
	Template string `json:"template"`
	// Values maps field names to the values entered.
	Values map[string]string `json:"values"`
	// Signature is an optional handwritten signature as a PNG image.
	Signature []byte `json:"signature,omitempty"`
	// Strokes is an optional handwritten signature as pen strokes from the
	// tablet, in the tablet's coordinates (y grows downwards). They are
	// scaled to fit the signature box.
	Strokes [][]Point `json:"strokes,omitempty"`
}

// Point is one sample of a pen stroke.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// RenderForm validates sub against its template and renders it as an A4
// PDF/A document with embedded fonts, the signature drawn in its box, the
// title and dates in XMP, and the plain text for indexing.
//
// A submission that does not fit its template is refused with an error
// wrapping ErrInvalidSubmission (a *SubmissionError naming the field):
// unknown template or field, a required field missing, a value too long or
// not printable, a malformed date, checkbox or choice, a signature image
// that is not a PNG, too large (more than 4000 pixels a side, checked from
// its header before decoding) or broken, or too many strokes.
//
// RenderForm is safe for concurrent use. It returns ctx.Err() if ctx is done
// before it starts; rendering itself takes a few milliseconds.
func RenderForm(ctx context.Context, sub Submission, opts *RenderOptions) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &RenderOptions{}
	}
	t, values, err := formValidate(&sub)
	if err != nil {
		return nil, err
	}
	sig, err := formDecodeSignature(sub.Signature)
	if err != nil {
		return nil, err
	}
	title := opts.Title
	if title == "" {
		title = t.Title
	}
	if err := formPrintable(title, false); err != nil {
		return nil, fmt.Errorf("render form: title: %w", err)
	}
	dopts, err := renderDocOptions(opts.Part, title, opts.Producer, opts.Now)
	if err != nil {
		return nil, err
	}
	pdf, err := formLayoutPDF(t, values, sig, sub.Strokes, dopts)
	if err != nil {
		return nil, fmt.Errorf("render form %s: %w", t.ID, err)
	}
	return &Result{PDF: pdf, Text: formText(t, title, values, sig != nil || len(sub.Strokes) > 0), Title: title}, nil
}

// formText is the plain text of a rendered form, for the search index.
func formText(t *FormTemplate, title string, values map[string]string, signed bool) string {
	var b strings.Builder
	b.WriteString(title + "\n")
	if t.Subtitle != "" {
		b.WriteString(t.Subtitle + "\n")
	}
	for _, s := range t.Sections {
		b.WriteString("\n" + s.Title + "\n")
		for _, f := range s.Fields {
			if v := values[f.Name]; v != "" {
				b.WriteString(f.Label + ": " + v + "\n")
			}
		}
	}
	if t.Signature != nil {
		state := "nicht unterschrieben"
		if signed {
			state = "unterschrieben"
		}
		b.WriteString("\n" + t.Signature.Label + ": " + state + "\n")
	}
	return b.String()
}
