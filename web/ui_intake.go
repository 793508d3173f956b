package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"akte/archive"
)

// Counter intake: a clerk picks a form template, fills it in for a
// citizen, the citizen signs on the tablet (a canvas; the strokes are sent
// as JSON in a hidden field), and the sealed PDF/A comes back.

// maxStrokesField bounds the strokes' JSON (the form body is bounded too).
const maxStrokesField = 512 << 10

type intakeData struct {
	Templates []*archive.FormTemplate
	Template  *archive.FormTemplate
	Citizen   string
	Values    map[string]string
	BadField  string
	// Idem is the submission's idempotency key: sending the form twice
	// archives it once.
	Idem string
}

// uiIntakeForm: the template list, or the chosen template's form.
func (s *Server) uiIntakeForm(w http.ResponseWriter, r *http.Request) {
	d := &intakeData{Templates: archive.FormTemplates(), Citizen: r.URL.Query().Get("citizen"), Values: map[string]string{},
		Idem: randomHex(16)}
	if id := r.URL.Query().Get("template"); id != "" {
		t, ok := archive.LookupFormTemplate(id)
		if !ok {
			s.uiFail(w, r, &archive.FieldError{Kind: archive.ErrInvalid, Field: "template", Reason: "no such form template"})
			return
		}
		d.Template = t
	}
	s.render(w, http.StatusOK, "intake", s.newPage(r, "intake.title", d))
}

// uiIntake archives the filled-in form and shows the sealed copy (read
// once, audited with the purpose "counter intake").
func (s *Server) uiIntake(w http.ResponseWriter, r *http.Request) {
	if err := parseUIForm(w, r); err != nil {
		s.uiFail(w, r, err)
		return
	}
	f := r.PostForm
	t, ok := archive.LookupFormTemplate(f.Get("template"))
	if !ok {
		s.uiFail(w, r, &archive.FieldError{Kind: archive.ErrInvalid, Field: "template", Reason: "no such form template"})
		return
	}
	d := &intakeData{Template: t, Citizen: strings.TrimSpace(f.Get("citizen")), Values: map[string]string{}, Idem: f.Get("idem")}
	sub := archive.FormSubmission{Template: t.ID, Values: map[string]string{}}
	for _, sec := range t.Sections {
		for _, fl := range sec.Fields {
			if v := f.Get("f." + fl.Name); v != "" {
				sub.Values[fl.Name], d.Values[fl.Name] = v, v
			}
		}
	}
	p := s.newPage(r, "intake.title", d)
	fail := func(field string, err error) {
		d.BadField = field
		status, _ := statusFor(err)
		if status >= 500 || status == http.StatusForbidden {
			s.uiFail(w, r, err)
			return
		}
		p.Error = err.Error()
		s.render(w, status, "intake", p)
	}
	if st := f.Get("strokes"); st != "" {
		if len(st) > maxStrokesField || json.Unmarshal([]byte(st), &sub.Strokes) != nil {
			fail("signature", &archive.FieldError{Kind: archive.ErrInvalid, Field: "signature", Reason: p.T("intake.signature.bad")})
			return
		}
	}
	if t.Signature != nil && t.Signature.Required && len(sub.Strokes) == 0 {
		fail("signature", &archive.FieldError{Kind: archive.ErrInvalid, Field: "signature", Reason: p.T("intake.signature.missing")})
		return
	}
	body, err := json.Marshal(sub)
	if err != nil {
		fail("", err)
		return
	}
	class := archive.Class(t.ID)
	if !slices.Contains(s.a.Classes(), class) {
		class = "correspondence"
	}
	res, err := s.a.Ingest(r.Context(), archive.IngestRequest{
		MediaType: archive.MediaForm, Citizen: archive.CitizenID(d.Citizen), Class: class, Title: t.Title,
		Source: archive.SourceCounter, Body: bytes.NewReader(body), Actor: actor(r),
		IdempotencyKey: d.Idem,
	})
	if err != nil {
		var fe *archive.FieldError
		field := ""
		if errors.As(err, &fe) {
			field = strings.TrimPrefix(fe.Field, "form.")
		}
		fail(field, err)
		return
	}
	s.openAndShow(w, r, res.Record.ID, p.T("intake.purpose"), true)
}
