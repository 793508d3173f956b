package pdfa

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// FuzzSubmission varies the template, one field's name and value and a pen
// stroke: RenderForm must refuse with ErrInvalidSubmission or render a
// PDF whose index text holds the value as entered.
func FuzzSubmission(f *testing.F) {
	f.Add("registration", "city", "Köln", 0.0, 0.0)
	f.Add("registration", "remarks", "Zeile 1\r\nZeile 2 „ß“ €", 1e6, -1e6)
	f.Add("passport-application", "birth_date", "31.02.2000", 5.0, 5.0)
	f.Add("id-card-application", "eye_color", "grün", -3.5, 2.0)
	f.Add("deregistration", "no_new_dwelling", "ja", 0.0, 1.0)
	f.Add("birth-certificate-request", "shoe_size", "44", 0.0, 0.0)
	f.Add("nope", "city", "x", 0.0, 0.0)
	f.Add("registration", "street", strings.Repeat("Straßenname", 30), 0.0, 0.0)
	f.Fuzz(func(t *testing.T, tmpl, field, value string, x, y float64) {
		values := map[string]string{}
		if tm, ok := LookupFormTemplate(tmpl); ok {
			values = formSampleValues(tm)
		}
		values[field] = value
		sub := Submission{Template: tmpl, Values: values, Strokes: [][]Point{{{X: x, Y: y}, {X: x + 1, Y: y + 2}}}}
		res, err := RenderForm(context.Background(), sub, &RenderOptions{Now: formRenderTime})
		if err != nil {
			var se *SubmissionError
			if !errors.Is(err, ErrInvalidSubmission) || !errors.As(err, &se) || se.Field == "" {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if !bytes.HasPrefix(res.PDF, []byte("%PDF-1.7\n")) || !bytes.HasSuffix(res.PDF, []byte("%%EOF\n")) {
			t.Fatal("incomplete PDF")
		}
		tm, _ := LookupFormTemplate(tmpl)
		if fd, _ := tm.Field(field); fd.Type == FieldText || fd.Type == FieldChoice {
			if v := strings.TrimSpace(value); !strings.Contains(res.Text, v) {
				t.Fatalf("index text lacks %q", v)
			}
		}
	})
}
