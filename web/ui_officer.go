package web

import (
	"net/http"
	"strings"
	"time"

	"akte/archive"
)

// The records officer's pages: what is due soon, citizen events, disposal
// certificates (holds and approvals are forms on the record page and in
// the plan, see ui_record.go).

// uiPlanDays is how far ahead "due soon" looks by default.
const uiPlanDays = 90

type retentionData struct {
	Until   string
	Class   string
	Classes []archive.Class
	Plan    archive.PlanReport
}

// uiRetention: the retention plan up to a date (default: the next 90
// days), with approvals for review records that wait for one.
func (s *Server) uiRetention(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &retentionData{Until: q.Get("until"), Class: q.Get("class"), Classes: s.a.Classes()}
	req := archive.PlanRequest{Class: archive.Class(d.Class)}
	if d.Until == "" {
		d.Until = time.Now().UTC().AddDate(0, 0, uiPlanDays).Format(time.DateOnly)
	}
	until, err := time.Parse(time.DateOnly, d.Until)
	if err != nil {
		s.uiFail(w, r, &archive.FieldError{Kind: archive.ErrInvalid, Field: "until", Reason: "want YYYY-MM-DD"})
		return
	}
	req.Until = until
	if d.Plan, err = s.a.Plan(r.Context(), req); err != nil {
		s.uiFail(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "retention", s.newPage(r, "retention.title", d))
}

// eventTypes are the events a records officer enters.
var eventTypes = []string{archive.EventMovedAway, archive.EventDeceased, archive.EventNewDocument, archive.EventCaseClosed}

type eventData struct {
	Types                       []string
	Citizen, Type, Detail, Date string
}

func (s *Server) uiEventForm(w http.ResponseWriter, r *http.Request) {
	d := &eventData{Types: eventTypes, Citizen: r.URL.Query().Get("citizen"), Date: time.Now().UTC().Format(time.DateOnly)}
	s.render(w, http.StatusOK, "events", s.newPage(r, "events.title", d))
}

// uiEvent records a citizen event and shows the citizen's file.
func (s *Server) uiEvent(w http.ResponseWriter, r *http.Request) {
	if err := parseUIForm(w, r); err != nil {
		s.uiFail(w, r, err)
		return
	}
	f := r.PostForm
	d := &eventData{Types: eventTypes, Citizen: strings.TrimSpace(f.Get("citizen")), Type: f.Get("type"),
		Detail: strings.TrimSpace(f.Get("detail")), Date: f.Get("date")}
	ev, _, err := s.a.RecordEvent(r.Context(), actor(r), archive.CitizenEvent{
		Citizen: archive.CitizenID(d.Citizen), Type: d.Type, Detail: d.Detail, Date: archive.Date(d.Date)})
	if err != nil {
		status, _ := statusFor(err)
		if status >= 500 || status == http.StatusForbidden {
			s.uiFail(w, r, err)
			return
		}
		p := s.newPage(r, "events.title", d)
		p.Error = err.Error()
		s.render(w, status, "events", p)
		return
	}
	http.Redirect(w, r, "/ui/citizens/"+string(ev.Citizen)+"?ok=event", http.StatusSeeOther)
}

type disposalData struct {
	Record string
	Cert   *archive.Certificate
}

// uiDisposals: look up the disposal certificate of a record.
func (s *Server) uiDisposals(w http.ResponseWriter, r *http.Request) {
	d := &disposalData{Record: strings.TrimSpace(r.URL.Query().Get("record"))}
	if d.Record != "" {
		cert, err := s.a.Certificate(r.Context(), archive.RecordID(d.Record))
		if err != nil {
			s.uiFail(w, r, err)
			return
		}
		d.Cert = cert
	}
	s.render(w, http.StatusOK, "disposals", s.newPage(r, "disposals.title", d))
}
