package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"akte/archive"
)

// The audit log for auditors: its entries, newest first, a page at a time
// (every page read is itself audited), and the chain's verification.

func (s *Server) auditRoutes() {
	s.handle("GET /api/v1/audit", s.auditLog)
	s.handle("GET /api/v1/audit/verify", s.auditVerify)
}

// auditLog: GET /api/v1/audit?record=&citizen=&actor=&action=&since=&until=
// &before=&limit= → {"entries": […], "next": N}. since and until are RFC
// 3339 times or dates (YYYY-MM-DD, midnight UTC); before is the cursor a
// previous page returned as next.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	q, err := auditQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.By = actor(r)
	page, err := s.a.AuditLog(r.Context(), q)
	s.reply(w, r, http.StatusOK, page, err)
}

// auditQuery reads the query parameters of GET /api/v1/audit; the first bad
// one is an ErrInvalid naming it.
func auditQuery(v url.Values) (archive.AuditQuery, error) {
	q := archive.AuditQuery{Record: archive.RecordID(v.Get("record")), Citizen: archive.CitizenID(v.Get("citizen")),
		Actor: v.Get("actor"), Action: v.Get("action")}
	for _, t := range []struct {
		name string
		t    *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		s := v.Get(t.name)
		if s == "" {
			continue
		}
		var err error
		if *t.t, err = time.Parse(time.RFC3339, s); err != nil {
			if *t.t, err = time.Parse(time.DateOnly, s); err != nil {
				return q, &archive.FieldError{Kind: archive.ErrInvalid, Field: t.name, Reason: "want an RFC 3339 time or YYYY-MM-DD"}
			}
		}
	}
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return q, &archive.FieldError{Kind: archive.ErrInvalid, Field: "before", Reason: "want the next cursor of a previous page"}
		}
		q.Before = n
	}
	limit, err := intParam(v, "limit", 0)
	q.Limit = limit
	return q, err
}

// auditVerify: GET /api/v1/audit/verify → the report of `akte audit
// verify` ({"ok", "report"}); 200 whether or not it found problems.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	rep, err := s.a.VerifyAudit(r.Context())
	s.reply(w, r, http.StatusOK, struct {
		OK     bool `json:"ok"`
		Report any  `json:"report"`
	}{rep.OK(), rep}, err)
}
