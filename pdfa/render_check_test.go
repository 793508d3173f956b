package pdfa

import (
	"context"
	"image"
	"testing"
)

// TestRenderOutputsPassCheck runs our own PDF/A-2b checker on every kind of
// output the renderer makes.
func TestRenderOutputsPassCheck(t *testing.T) {
	outputs := map[string][]byte{}
	for _, tm := range FormTemplates() {
		sub := Submission{Template: tm.ID, Values: formSampleValues(tm), Signature: formSignaturePNG(t, 600, 200), Strokes: formSampleStrokes()}
		res, err := RenderForm(context.Background(), sub, &RenderOptions{Now: formRenderTime})
		if err != nil {
			t.Fatal(err)
		}
		outputs["form "+tm.ID] = res.PDF
	}
	images := map[string][]byte{
		"jpeg": imgMakeJPEG(t, imgTestPicture(300, 200), 150),
		"png":  imgMakePNG(t, imgTestPicture(120, 80), 96),
		"tiff": imgMakeTIFF([]*image.Gray{imgGrayPage(200, 100, true), imgGrayPage(50, 60, false)}, 200),
	}
	for name, data := range images {
		res, err := ImageToPDF(context.Background(), data, &ImageOptions{Title: "Scan", Now: formRenderTime})
		if err != nil {
			t.Fatal(err)
		}
		outputs["image "+name] = res.PDF
	}
	for name, pdf := range outputs {
		rep, err := Check(context.Background(), pdf, &CheckOptions{Isolation: IsolationInProcess})
		if err != nil {
			t.Fatalf("%s: check: %v", name, err)
		}
		if !rep.OK() || rep.Part != 2 || rep.Conformance != "B" || len(rep.Advisories) > 0 {
			t.Errorf("%s: part %d%s, violations %v, advisories %v", name, rep.Part, rep.Conformance, rep.Violations, rep.Advisories)
		}
	}
}
