package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"akte/archive"
	"akte/web/auth"
)

// A document is opened in two steps: the reader names the purpose (POST
// …/open), which makes the one audited read (archive.Get, seal checked);
// the bytes read are kept under a random ticket for a few minutes, so the
// page, the inline PDF and the download show that one read and the audit
// log has one entry per opening, never one per frame or click.

const (
	ticketTTL      = 15 * time.Minute
	ticketMaxBytes = 256 << 20 // all kept documents together
)

var ticketRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// viewTicket is one audited read, for the user who made it.
type viewTicket struct {
	user    string
	record  archive.RecordID
	purpose string
	doc     *archive.Document
	created time.Time
	fresh   bool // made by a counter intake just now
}

// ticketCache holds recent reads in memory, oldest evicted first. Safe for
// concurrent use.
type ticketCache struct {
	mu    sync.Mutex
	m     map[string]*viewTicket
	order []string
	bytes int64
	now   func() time.Time
}

func newTicketCache() *ticketCache {
	return &ticketCache{m: map[string]*viewTicket{}, now: time.Now}
}

func (c *ticketCache) put(t *viewTicket) string {
	id := randomHex(16)
	c.mu.Lock()
	defer c.mu.Unlock()
	t.created = c.now()
	size := int64(len(t.doc.Data))
	for len(c.order) > 0 && (c.bytes+size > ticketMaxBytes || c.expired(c.m[c.order[0]])) {
		old := c.order[0]
		c.order = c.order[1:]
		c.bytes -= int64(len(c.m[old].doc.Data))
		delete(c.m, old)
	}
	c.m[id] = t
	c.order = append(c.order, id)
	c.bytes += size
	return id
}

func (c *ticketCache) expired(t *viewTicket) bool { return c.now().Sub(t.created) > ticketTTL }

// get returns the ticket id of user for record, if it is still kept.
func (c *ticketCache) get(id, user string, record archive.RecordID) (*viewTicket, bool) {
	if !ticketRE.MatchString(id) {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[id]
	if !ok || c.expired(t) || t.user != user || t.record != record {
		return nil, false
	}
	return t, true
}

// readable returns the record of the request's {id} when the caller's role
// may read it (restricted records: records officers only).
func (s *Server) readable(r *http.Request) (*archive.Record, error) {
	rec, err := s.a.Record(r.Context(), archive.RecordID(r.PathValue("id")))
	if err == nil && !archive.MayRead(actor(r).Role, rec.Status) {
		err = fmt.Errorf("record %s: %w: the record is in its restricted phase (records officers only)", rec.ID, archive.ErrForbidden)
	}
	return rec, err
}

// recordData is the record page's and the view page's.
type recordData struct {
	Rec       *archive.Record
	Retention *archive.RetentionStatus
	Versions  []int
	Purpose   string
	// View: the read just made.
	Ticket string
	Doc    *archive.Document
	Fresh  bool
}

func (s *Server) recordPage(r *http.Request, rec *archive.Record) (*recordData, error) {
	d := &recordData{Rec: rec}
	rs, err := s.a.Retention(r.Context(), rec.ID)
	if err != nil {
		return nil, err
	}
	d.Retention = rs
	for v := rec.Version; v >= 1; v-- {
		d.Versions = append(d.Versions, v)
	}
	return d, nil
}

// uiRecord: a record's page (what it is, retention, versions) with the
// purpose form that opens it; holds and approvals for records officers.
func (s *Server) uiRecord(w http.ResponseWriter, r *http.Request) {
	s.recordForm(w, r, http.StatusOK, "", "")
}

func (s *Server) recordForm(w http.ResponseWriter, r *http.Request, status int, purpose, errMsg string) {
	rec, err := s.readable(r)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	d, err := s.recordPage(r, rec)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	d.Purpose = purpose
	p := s.newPage(r, "record.title", d)
	p.Error = errMsg
	s.render(w, status, "record", p)
}

// uiOpen: the audited read, with the purpose given.
func (s *Server) uiOpen(w http.ResponseWriter, r *http.Request) {
	if err := parseUIForm(w, r); err != nil {
		s.uiFail(w, r, err)
		return
	}
	purpose := strings.TrimSpace(r.PostForm.Get("purpose"))
	if len(purpose) < 3 || len(purpose) > 200 {
		p := s.newPage(r, "", nil)
		s.recordForm(w, r, http.StatusBadRequest, purpose, p.T("record.purpose.required"))
		return
	}
	s.openAndShow(w, r, archive.RecordID(r.PathValue("id")), purpose, false)
}

// openAndShow reads the record for the caller (audited, seal verified),
// keeps the read under a ticket and sends the browser to the view page.
func (s *Server) openAndShow(w http.ResponseWriter, r *http.Request, id archive.RecordID, purpose string, fresh bool) {
	doc, err := s.a.Get(r.Context(), archive.GetRequest{ID: id, Purpose: purpose, Actor: actor(r), VerifySeal: true})
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	p, _ := auth.FromContext(r.Context())
	ticket := s.ui.tickets.put(&viewTicket{user: p.Name, record: id, purpose: purpose, doc: doc, fresh: fresh})
	http.Redirect(w, r, "/ui/records/"+string(id)+"/view/"+ticket, http.StatusSeeOther)
}

// ticketOf returns the request's ticket, checked against the caller and
// the record (whose role must still allow reading it).
func (s *Server) ticketOf(r *http.Request) (*viewTicket, error) {
	rec, err := s.readable(r)
	if err != nil {
		return nil, err
	}
	p, _ := auth.FromContext(r.Context())
	t, ok := s.ui.tickets.get(r.PathValue("ticket"), p.Name, rec.ID)
	if !ok {
		return nil, fmt.Errorf("this opening of record %s has expired or is not yours: open the record again: %w", rec.ID, archive.ErrNotFound)
	}
	return t, nil
}

// uiView: the opened document (inline PDF, download, integrity, seal).
func (s *Server) uiView(w http.ResponseWriter, r *http.Request) {
	t, err := s.ticketOf(r)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	d, err := s.recordPage(r, t.doc.Record)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	d.Ticket, d.Doc, d.Purpose, d.Fresh = r.PathValue("ticket"), t.doc, t.purpose, t.fresh
	s.render(w, http.StatusOK, "view", s.newPage(r, "view.title", d))
}

// uiPDF serves the bytes of an opening: inline for the frame, or as a
// download. Its CSP lets nothing load and lets only this UI frame it.
func (s *Server) uiPDF(w http.ResponseWriter, r *http.Request) {
	t, err := s.ticketOf(r)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	disposition := "inline"
	if r.URL.Query().Get("download") == "1" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", disposition+`; filename="`+string(t.record)+`.pdf"`)
	h.Set("Content-Length", strconv.Itoa(len(t.doc.Data)))
	h.Set("X-Akte-Sha256", t.doc.File.SHA256)
	w.Write(t.doc.Data)
}

// change applies a records officer's change to the request's record and
// goes back to the record page (or the page named by the form's back).
func (s *Server) uiChange(w http.ResponseWriter, r *http.Request, flash string, apply func(archive.RecordID, string) error) {
	if err := parseUIForm(w, r); err != nil {
		s.uiFail(w, r, err)
		return
	}
	id := archive.RecordID(r.PathValue("id"))
	if err := apply(id, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		s.uiFail(w, r, err)
		return
	}
	back := "/ui/records/" + string(id)
	if b := r.PostForm.Get("back"); b != "" {
		back = localNext(b)
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"ok="+flash, http.StatusSeeOther)
}

func (s *Server) uiHold(w http.ResponseWriter, r *http.Request) {
	s.uiChange(w, r, "hold", func(id archive.RecordID, reason string) error {
		_, err := s.a.SetHold(r.Context(), actor(r), id, reason)
		return err
	})
}

func (s *Server) uiRelease(w http.ResponseWriter, r *http.Request) {
	s.uiChange(w, r, "release", func(id archive.RecordID, reason string) error {
		_, err := s.a.ClearHold(r.Context(), actor(r), id, reason)
		return err
	})
}

func (s *Server) uiApprove(w http.ResponseWriter, r *http.Request) {
	s.uiChange(w, r, "approve", func(id archive.RecordID, note string) error {
		_, err := s.a.Approve(r.Context(), actor(r), id, note)
		return err
	})
}
