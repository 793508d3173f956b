package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"akte/archive"
)

// The auditor's page: the audit log, newest first, with filters and a
// cursor, and the verdict of the hash chain's verification (on the first
// page). Reading the log is itself audited by the engine.

type auditData struct {
	Record, Citizen, Actor, Action, Since, Until string
	Entries                                      []auditEntry
	Next, First                                  string
	Verified                                     bool
	Report                                       auditReport
	VerifyErr                                    string
}

// auditEntry is one entry as the page shows it (web names no type of the
// audit package: it imports the engine only).
type auditEntry struct {
	Seq                                           uint64
	Time                                          time.Time
	Actor, Role, Action, Record, Citizen, Purpose string
	Detail                                        map[string]string
}

// auditReport is the verdict of the chain's verification.
type auditReport struct {
	OK                            bool
	Entries, Segments             int
	Head, SealedThrough, Unsealed uint64
	Problems                      []string
	Omitted                       int
}

// uiAuditDay reads a YYYY-MM-DD filter; until is inclusive on the page
// (the engine's Until is exclusive, so the day after).
func uiAuditDay(q url.Values, name string, next bool) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, &archive.FieldError{Kind: archive.ErrInvalid, Field: name, Reason: "want YYYY-MM-DD"}
	}
	if next {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

func (s *Server) uiAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &auditData{Record: strings.TrimSpace(q.Get("record")), Citizen: strings.TrimSpace(q.Get("citizen")),
		Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")), Since: q.Get("since"), Until: q.Get("until")}
	aq := archive.AuditQuery{Record: archive.RecordID(d.Record), Citizen: archive.CitizenID(d.Citizen), Actor: d.Actor,
		Action: d.Action, By: actor(r)}
	var err error
	if aq.Since, err = uiAuditDay(q, "since", false); err == nil {
		aq.Until, err = uiAuditDay(q, "until", true)
	}
	if err == nil && q.Get("before") != "" {
		aq.Before, err = strconv.ParseUint(q.Get("before"), 10, 64)
		if err != nil || aq.Before == 0 {
			err = &archive.FieldError{Kind: archive.ErrInvalid, Field: "before", Reason: "want an entry number"}
		}
	}
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	pageRes, err := s.a.AuditLog(r.Context(), aq)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	for _, e := range pageRes.Entries {
		d.Entries = append(d.Entries, auditEntry{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Role: e.Role, Action: e.Action,
			Record: e.Record, Citizen: e.Citizen, Purpose: e.Purpose, Detail: e.Detail})
	}
	if pageRes.Next != 0 {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("before", strconv.FormatUint(pageRes.Next, 10))
		d.Next = "/ui/audit?" + v.Encode()
	}
	if aq.Before != 0 {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("before")
		d.First = "/ui/audit?" + v.Encode()
	} else {
		d.Verified = true
		rep, err := s.a.VerifyAudit(r.Context())
		if err != nil {
			d.VerifyErr = err.Error()
		}
		d.Report = auditReport{OK: err == nil && rep.OK(), Entries: rep.Entries, Segments: rep.Segments, Head: rep.Head,
			SealedThrough: rep.SealedThrough, Unsealed: rep.Unsealed, Omitted: rep.Omitted}
		for _, p := range rep.Problems {
			d.Report.Problems = append(d.Report.Problems, p.String())
		}
	}
	s.render(w, http.StatusOK, "audit", s.newPage(r, "audit.title", d))
}
