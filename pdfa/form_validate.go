package pdfa

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"akte/pdfa/internal/pdfw"
)

// ErrInvalidSubmission is the kind of every error RenderForm returns for a
// submission it refuses: unknown template or field, a required field
// missing, a value too long, malformed or not printable, or a signature
// that is too large or broken. Test for it with errors.Is; errors.As with a
// *SubmissionError gives the field.
var ErrInvalidSubmission = errors.New("invalid form submission")

// SubmissionError names what is wrong with a submission.
type SubmissionError struct {
	// Field is the offending field's name, "template", "signature" or
	// "strokes".
	Field  string
	Reason string
}

func (e *SubmissionError) Error() string {
	return "invalid form submission: " + e.Field + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidSubmission) true.
func (e *SubmissionError) Is(target error) bool { return target == ErrInvalidSubmission }

func formInvalid(field, format string, args ...any) error {
	return &SubmissionError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Limits on the handwritten signature.
const (
	maxSignatureBytes  = 4 << 20
	maxSignatureSide   = 4000
	maxStrokes         = 1000
	maxStrokePoints    = 50000
	maxStrokeCoord     = 1e6
	maxSubmissionValue = 1 << 16 // longest value looked at, in bytes, before counting runes
)

// formPrintable reports why s cannot be printed in a form: invalid UTF-8,
// control characters (other than newlines when multiline), or a character
// the form fonts lack.
func formPrintable(s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		if r == '\n' && multiline || r == '\t' {
			continue
		}
		if r < 0x20 || r >= 0x7f && r < 0xa0 || r == 0x2028 || r == 0x2029 {
			return fmt.Errorf("control character U+%04X", r)
		}
	}
	for _, f := range []*pdfw.Font{pdfw.Regular(), pdfw.Bold()} {
		if r, ok := f.Missing(s); ok {
			return fmt.Errorf("character %q (U+%04X) cannot be printed", r, r)
		}
	}
	return nil
}

// formValidate checks sub against its template and returns the values to print,
// normalised: CRLF to LF, trailing space trimmed, dates as DD.MM.YYYY,
// checkboxes as "ja"/"nein".
func formValidate(sub *Submission) (*FormTemplate, map[string]string, error) {
	t, ok := LookupFormTemplate(sub.Template)
	if !ok {
		return nil, nil, formInvalid("template", "unknown template %q", formClip(sub.Template))
	}
	for name := range sub.Values {
		if _, ok := t.Field(name); !ok {
			return nil, nil, formInvalid(formClip(name), "unknown field in template %s", t.ID)
		}
	}
	out := make(map[string]string, len(sub.Values))
	for _, s := range t.Sections {
		for i := range s.Fields {
			f := &s.Fields[i]
			v, err := formNormalise(f, sub.Values[f.Name])
			if err != nil {
				return nil, nil, &SubmissionError{Field: f.Name, Reason: err.Error()}
			}
			if v == "" && f.Required {
				return nil, nil, formInvalid(f.Name, "required")
			}
			out[f.Name] = v
		}
	}
	if err := formValidateStrokes(sub.Strokes); err != nil {
		return nil, nil, err
	}
	if len(sub.Signature) > maxSignatureBytes {
		return nil, nil, formInvalid("signature", "image larger than %d bytes", maxSignatureBytes)
	}
	if t.Signature != nil && t.Signature.Required && len(sub.Signature) == 0 && len(sub.Strokes) == 0 {
		return nil, nil, formInvalid("signature", "required")
	}
	if t.Signature == nil && (len(sub.Signature) > 0 || len(sub.Strokes) > 0) {
		return nil, nil, formInvalid("signature", "template %s has no signature box", t.ID)
	}
	return t, out, nil
}

// formClip shortens a client-supplied name for an error message.
func formClip(s string) string {
	if s == "" || len(s) > 64 || !utf8.ValidString(s) {
		return fmt.Sprintf("%.64q…", s)
	}
	return s
}

func formNormalise(f *FormField, v string) (string, error) {
	if len(v) > maxSubmissionValue {
		return "", fmt.Errorf("longer than %d characters", f.max())
	}
	multi := f.Type == FieldMultiline
	if multi {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n > f.max() {
		return "", fmt.Errorf("%d characters, at most %d allowed", n, f.max())
	}
	if err := formPrintable(v, multi); err != nil {
		return "", err
	}
	if v == "" {
		if f.Type == FieldCheckbox {
			return "nein", nil
		}
		return "", nil
	}
	switch f.Type {
	case FieldDate:
		for _, layout := range []string{"2006-01-02", "02.01.2006"} {
			if d, err := time.Parse(layout, v); err == nil {
				return d.Format("02.01.2006"), nil
			}
		}
		return "", errors.New("not a date (YYYY-MM-DD)")
	case FieldCheckbox:
		switch strings.ToLower(v) {
		case "true", "ja", "1", "yes", "on", "x":
			return "ja", nil
		case "false", "nein", "0", "no", "off":
			return "nein", nil
		}
		return "", errors.New("not a checkbox value (true or false)")
	case FieldChoice:
		for _, o := range f.Options {
			if v == o {
				return v, nil
			}
		}
		return "", errors.New("not one of the field's options")
	}
	return v, nil
}

func formValidateStrokes(strokes [][]Point) error {
	if len(strokes) > maxStrokes {
		return formInvalid("strokes", "more than %d strokes", maxStrokes)
	}
	n := 0
	for _, s := range strokes {
		n += len(s)
		if n > maxStrokePoints {
			return formInvalid("strokes", "more than %d points", maxStrokePoints)
		}
		for _, p := range s {
			if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.Abs(p.X) > maxStrokeCoord || math.Abs(p.Y) > maxStrokeCoord {
				return formInvalid("strokes", "coordinate out of range")
			}
		}
	}
	return nil
}
