package pdfa

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"akte/pdfa/internal/pdfw/pdfwtest"
)

// renderUpdate reports whether -update was given: rewrite the golden files
// in testdata/render. The flag is shared with other tests of the package,
// so it is defined only if no other test file has defined it.
func renderUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files in testdata")
	}
}

var formRenderTime = time.Date(2024, 3, 5, 14, 30, 0, 0, time.FixedZone("CET", 3600))

// formSampleValues returns plausible values for every field of t, with German
// special characters in the text fields.
func formSampleValues(t *FormTemplate) map[string]string {
	v := map[string]string{}
	for _, s := range t.Sections {
		for _, f := range s.Fields {
			switch f.Type {
			case FieldDate:
				v[f.Name] = "1987-06-15"
			case FieldCheckbox:
				v[f.Name] = "true"
			case FieldChoice:
				v[f.Name] = f.Options[len(f.Options)-1]
			case FieldMultiline:
				v[f.Name] = "Grüße an „Frau Müller“ – die Gebühr von 12,50 € ist bezahlt.\nZweite Zeile: Straße ẞ"
			default:
				v[f.Name] = "Jürgen Größe-Weiß"
			}
			if f.Max > 0 && len([]rune(v[f.Name])) > f.Max {
				v[f.Name] = string([]rune("12345678901234567890")[:f.Max])
			}
		}
	}
	return v
}

func formSignaturePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		y := h/2 + int(float64(h)/3*math.Sin(float64(x)/float64(w)*6))
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{10, 20, 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func formSampleStrokes() [][]Point {
	var s [][]Point
	for k := range 3 {
		var st []Point
		for i := range 40 {
			st = append(st, Point{X: float64(100*k + 3*i), Y: 200 + 40*math.Sin(float64(i)/5)})
		}
		s = append(s, st)
	}
	return append(s, []Point{{X: 400, Y: 150}})
}

func TestFormTemplatesWellFormed(t *testing.T) {
	want := []string{"birth-certificate-request", "deregistration", "id-card-application", "passport-application", "registration"}
	var got []string
	for _, tm := range FormTemplates() {
		got = append(got, tm.ID)
		if tm.Signature == nil {
			t.Errorf("%s: no signature box", tm.ID)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("templates = %v, want %v", got, want)
	}
}

func TestParseTemplateRefuses(t *testing.T) {
	for name, y := range map[string]string{
		"unknown key":    "id: x\ntitle: T\ncolour: red\nsections: [{title: S, fields: [{name: a, label: A, type: text}]}]",
		"bad type":       "id: x\ntitle: T\nsections: [{title: S, fields: [{name: a, label: A, type: blob}]}]",
		"duplicate name": "id: x\ntitle: T\nsections: [{title: S, fields: [{name: a, label: A, type: text}, {name: a, label: B, type: text}]}]",
		"choice no opts": "id: x\ntitle: T\nsections: [{title: S, fields: [{name: a, label: A, type: choice}]}]",
		"unprintable":    "id: x\ntitle: \"T\\u0007\"\nsections: [{title: S, fields: [{name: a, label: A, type: text}]}]",
		"no sections":    "id: x\ntitle: T\n",
	} {
		if _, err := formParseTemplate([]byte(y)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestValidateSubmission(t *testing.T) {
	reg, _ := LookupFormTemplate("registration")
	good := formSampleValues(reg)
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		if v == "\x00delete" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name  string
		sub   Submission
		field string // "" means valid
	}{
		{"valid", Submission{Template: "registration", Values: good}, ""},
		{"unknown template", Submission{Template: "nope", Values: good}, "template"},
		{"unknown field", Submission{Template: "registration", Values: with("shoe_size", "44")}, "shoe_size"},
		{"missing required", Submission{Template: "registration", Values: with("family_name", "\x00delete")}, "family_name"},
		{"blank required", Submission{Template: "registration", Values: with("family_name", "   ")}, "family_name"},
		{"too long", Submission{Template: "registration", Values: with("postal_code", "123456")}, "postal_code"},
		{"very long", Submission{Template: "registration", Values: with("city", strings.Repeat("a", 1<<20))}, "city"},
		{"bad date", Submission{Template: "registration", Values: with("birth_date", "1987-13-40")}, "birth_date"},
		{"german date", Submission{Template: "registration", Values: with("birth_date", "15.06.1987")}, ""},
		{"bad choice", Submission{Template: "registration", Values: with("sex", "vielleicht")}, "sex"},
		{"bad checkbox", Submission{Template: "registration", Values: with("previous_kept", "maybe")}, "previous_kept"},
		{"control char", Submission{Template: "registration", Values: with("city", "Köln\x1b[2J")}, "city"},
		{"newline in text", Submission{Template: "registration", Values: with("city", "Köln\nBonn")}, "city"},
		{"newline in multiline", Submission{Template: "registration", Values: with("remarks", "a\r\nb")}, ""},
		{"invalid utf8", Submission{Template: "registration", Values: with("city", "K\xffln")}, "city"},
		{"unprintable rune", Submission{Template: "registration", Values: with("city", "東京")}, "city"},
		{"capital sharp s", Submission{Template: "registration", Values: with("city", "GROẞSTADT")}, ""},
		{"too many strokes", Submission{Template: "registration", Values: good, Strokes: make([][]Point, maxStrokes+1)}, "strokes"},
		{"NaN stroke", Submission{Template: "registration", Values: good, Strokes: [][]Point{{{X: math.NaN()}}}}, "strokes"},
		{"huge signature", Submission{Template: "registration", Values: good, Signature: make([]byte, maxSignatureBytes+1)}, "signature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := formValidate(&c.sub)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var se *SubmissionError
			if !errors.Is(err, ErrInvalidSubmission) || !errors.As(err, &se) || se.Field != c.field {
				t.Fatalf("err = %v, want ErrInvalidSubmission on field %q", err, c.field)
			}
		})
	}
}

func TestSignatureRefused(t *testing.T) {
	reg, _ := LookupFormTemplate("registration")
	base := Submission{Template: "registration", Values: formSampleValues(reg)}
	big := formSignaturePNG(t, 10, 10)
	// Patch the IHDR to claim 100000 × 100000 pixels.
	huge := append([]byte(nil), big...)
	copy(huge[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	for name, data := range map[string][]byte{
		"not png":   []byte("GIF89a...."),
		"truncated": big[:len(big)/2],
		"huge":      huge,
	} {
		sub := base
		sub.Signature = data
		start := time.Now()
		_, err := RenderForm(context.Background(), sub, &RenderOptions{Now: formRenderTime})
		if !errors.Is(err, ErrInvalidSubmission) {
			t.Errorf("%s: err = %v, want ErrInvalidSubmission", name, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", name, d)
		}
	}
}

// TestRenderFormExternal renders every template, part 2 and part 1, and
// runs the external checkers on each output.
func TestRenderFormExternal(t *testing.T) {
	for _, tm := range FormTemplates() {
		for _, part := range []int{2, 1} {
			t.Run(tm.ID+"/part"+string(rune('0'+part)), func(t *testing.T) {
				values := formSampleValues(tm)
				sub := Submission{Template: tm.ID, Values: values, Signature: formSignaturePNG(t, 600, 200), Strokes: formSampleStrokes()}
				res, err := RenderForm(context.Background(), sub, &RenderOptions{Part: part, Now: formRenderTime})
				if err != nil {
					t.Fatal(err)
				}
				again, _ := RenderForm(context.Background(), sub, &RenderOptions{Part: part, Now: formRenderTime})
				if !bytes.Equal(res.PDF, again.PDF) {
					t.Error("output not deterministic")
				}
				if res.Title != tm.Title || !strings.Contains(res.Text, "Jürgen Größe-Weiß") {
					t.Errorf("title %q, text:\n%s", res.Title, res.Text)
				}
				renderGolden(t, tm.ID+"-part"+string(rune('0'+part))+".pdf", res.PDF)
				pdfwtest.QPDFCheck(t, res.PDF)
				pdfwtest.PDFCPUValidate(t, res.PDF)
				if n := pdfwtest.Fonts(t, res.PDF); n != 2 {
					t.Errorf("pdffonts lists %d fonts, want 2", n)
				}
				text := pdfwtest.Text(t, res.PDF)
				for _, want := range []string{tm.Title, "Jürgen Größe-Weiß", "15.06.1987",
					"Grüße an „Frau Müller“ – die Gebühr von 12,50 € ist bezahlt.", "Zweite Zeile: Straße SS"} {
					if !strings.Contains(text, want) {
						t.Errorf("pdftotext lacks %q:\n%s", want, text)
					}
				}
				if part == 1 {
					pdfwtest.Preflight(t, res.PDF)
				}
			})
		}
	}
}

// renderGolden compares got with testdata/render/name, or rewrites it with -update.
func renderGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "render", name)
	if renderUpdate() {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update)", p, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -run %s -update and review the change)", p, t.Name())
	}
}

func TestSignatureLargeIsShrunk(t *testing.T) {
	img, err := formDecodeSignature(formSignaturePNG(t, 3000, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if img.Width > formSignaturePixelsW || img.Height > formSignaturePixelsH || img.Width < formSignaturePixelsW/2 {
		t.Errorf("signature %dx%d, want within %dx%d", img.Width, img.Height, formSignaturePixelsW, formSignaturePixelsH)
	}
	reg, _ := LookupFormTemplate("registration")
	res, err := RenderForm(context.Background(), Submission{Template: "registration", Values: formSampleValues(reg), Strokes: [][]Point{{{X: 1, Y: 1}}}}, &RenderOptions{Now: formRenderTime})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Text, "Unterschrift der meldepflichtigen Person: unterschrieben") {
		t.Errorf("index text does not record the signature:\n%s", res.Text)
	}
}
