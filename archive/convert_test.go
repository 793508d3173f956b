package archive_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/pdfa"
)

// The PDF/A stage: every archive copy passes the PDF/A checker; the
// original is kept byte for byte beside it.
func TestPDFAStage(t *testing.T) {
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}})
	var scan bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 248, 351)) // A4 at 30 dpi
	for i := range img.Pix {
		img.Pix[i] = uint8(200 + i%50)
	}
	img.Set(10, 10, color.Black)
	if err := jpeg.Encode(&scan, img, nil); err != nil {
		t.Fatal(err)
	}
	pdfA := archivetest.MakePDFA(t, "Schäfer")
	cases := []struct {
		name, media string
		body        []byte
		stage       string
		text        string
		keptAsIs    bool
	}{
		{"form submission", archive.MediaForm, archivetest.FormSubmission("Müller-Lüdenscheidt"), "form:registration", "Müller-Lüdenscheidt", false},
		{"PDF/A kept", "", pdfA, "kept", "Schäfer", true},
		{"scanned JPEG", "", scan.Bytes(), "image", "", false},
	}
	if _, err := exec.LookPath("gs"); err == nil {
		cases = append(cases, struct {
			name, media string
			body        []byte
			stage       string
			text        string
			keptAsIs    bool
		}{"plain PDF rewritten", "", archivetest.MakePDF("Gewerbesteuer", "Bescheid 2025"), "ghostscript", "Gewerbesteuer", false})
	} else if os.Getenv("AKTE_TEST_STRICT") == "1" {
		t.Fatal("ghostscript not installed: the rewrite path is untested")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "P1", Class: "registration", Body: bytes.NewReader(tc.body), MediaType: tc.media, Actor: clerk})
			if err != nil {
				t.Fatal(err)
			}
			m := res.Record.Manifest
			if m.Stages["pdfa"] != tc.stage {
				t.Fatalf("stage %q, want %q (%v)", m.Stages["pdfa"], tc.stage, m.Stages)
			}
			doc, err := a.Get(ctx, archive.GetRequest{ID: res.Record.ID, Actor: clerk})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := pdfa.Check(ctx, doc.Data, nil)
			if err != nil || !rep.OK() {
				t.Fatalf("archive copy is not PDF/A-2b: %v %+v", err, rep)
			}
			if tc.keptAsIs != bytes.Equal(doc.Data, tc.body) {
				t.Fatalf("archive copy equal to input = %v, want %v", !tc.keptAsIs, tc.keptAsIs)
			}
			orig, err := a.Get(ctx, archive.GetRequest{ID: res.Record.ID, Original: true, Actor: clerk})
			if err != nil || !bytes.Equal(orig.Data, tc.body) {
				t.Fatalf("original not kept byte for byte: %v", err)
			}
			if tc.text != "" {
				ref, _ := m.File(archive.FileText)
				if ref.Size == 0 && m.Stages["text"] != "" {
					if os.Getenv("AKTE_TEST_STRICT") == "1" {
						t.Fatalf("no text extracted: %s", m.Stages["text"])
					}
					t.Skipf("no text extracted: %s", m.Stages["text"])
				}
				txt, _, err := a.Store().Get(ctx, ref.Key, ref.VersionID)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				b.ReadFrom(txt)
				txt.Close()
				if !strings.Contains(b.String(), tc.text) {
					t.Fatalf("text.txt lacks %q: %q", tc.text, b.String())
				}
			}
		})
	}
}

func TestPDFAStageRefusals(t *testing.T) {
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}})
	cases := []struct {
		name, media string
		body        []byte
		kind        error
		field       string
	}{
		{"form unknown field", archive.MediaForm, []byte(`{"template":"registration","values":{"colour":"blue"}}`), archive.ErrInvalid, "form.colour"},
		{"form unknown template", archive.MediaForm, []byte(`{"template":"wish-list","values":{}}`), archive.ErrInvalid, "form.template"},
		{"form not json", archive.MediaForm, []byte(`<xml/>`), archive.ErrRefused, "form"},
		{"truncated png", "", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"), archive.ErrRefused, "document"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "P1", Class: "registration", Body: bytes.NewReader(tc.body), MediaType: tc.media, Actor: clerk})
			var fe *archive.FieldError
			if !errors.Is(err, tc.kind) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want %v on %s", err, tc.kind, tc.field)
			}
		})
	}
}
