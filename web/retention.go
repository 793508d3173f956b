package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"akte/archive"
)

// Retention routes: citizen events, a record's retention, facts, holds,
// approvals, the plan, the sweep and disposal certificates. Who may use
// them is the policy table's to say (policy.go).

// maxJSONBody bounds the JSON body of a retention request.
const maxJSONBody = 64 << 10

// errMediaType: a route that reads JSON got a body of another type. It is
// also what keeps a plain HTML form on another site from posting here.
var errMediaType = errors.New("unsupported media type")

func (s *Server) retentionRoutes() {
	s.handle("POST /api/v1/citizens/{id}/events", s.recordEvent)
	s.handle("GET /api/v1/citizens/{id}/events", s.events)
	s.handle("GET /api/v1/records/{id}/retention", s.retention)
	s.handle("POST /api/v1/records/{id}/facts", s.setFacts)
	s.handle("POST /api/v1/records/{id}/hold", s.setHold)
	s.handle("DELETE /api/v1/records/{id}/hold", s.clearHold)
	s.handle("POST /api/v1/records/{id}/approval", s.approve)
	s.handle("GET /api/v1/retention/plan", s.plan)
	s.handle("POST /api/v1/retention/sweep", s.sweep)
	s.handle("GET /api/v1/disposals/{id}", s.certificate)
}

// eventResult answers a recorded event.
type eventResult struct {
	Event   archive.CitizenEvent `json:"event"`
	Records int                  `json:"records"` // the citizen's records re-evaluated
}

// recordEvent: POST /api/v1/citizens/{id}/events {"type", "detail", "date"}.
func (s *Server) recordEvent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type   string       `json:"type"`
		Detail string       `json:"detail"`
		Date   archive.Date `json:"date"`
	}
	if err := readJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	ev, n, err := s.a.RecordEvent(r.Context(), actor(r), archive.CitizenEvent{
		Citizen: archive.CitizenID(r.PathValue("id")), Type: body.Type, Detail: body.Detail, Date: body.Date})
	s.reply(w, r, http.StatusCreated, eventResult{Event: ev, Records: n}, err)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	c := archive.CitizenID(r.PathValue("id"))
	evs, err := s.a.Events(r.Context(), c)
	s.reply(w, r, http.StatusOK, struct {
		Citizen archive.CitizenID      `json:"citizen"`
		Events  []archive.CitizenEvent `json:"events"`
	}{c, evs}, err)
}

// retention answers a record's retention status; a disposed record is 410.
func (s *Server) retention(w http.ResponseWriter, r *http.Request) {
	rs, err := s.a.Retention(r.Context(), archive.RecordID(r.PathValue("id")))
	s.reply(w, r, http.StatusOK, rs, err)
}

// change reads the JSON body into body, applies the change to the record
// and answers the record's retention status after it.
func (s *Server) change(w http.ResponseWriter, r *http.Request, body any, apply func(archive.RecordID) (*archive.Record, error)) {
	if err := readJSON(w, r, body); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := apply(archive.RecordID(r.PathValue("id"))); err != nil {
		s.fail(w, r, err)
		return
	}
	s.retention(w, r)
}

type reasonBody struct {
	Reason string `json:"reason"`
}

// setFacts: POST /api/v1/records/{id}/facts {"facts": {"valid_until": "2031-03-01"}}.
func (s *Server) setFacts(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Facts map[string]archive.Date `json:"facts"`
	}
	s.change(w, r, &body, func(id archive.RecordID) (*archive.Record, error) {
		return s.a.SetFacts(r.Context(), actor(r), id, body.Facts)
	})
}

func (s *Server) setHold(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	s.change(w, r, &body, func(id archive.RecordID) (*archive.Record, error) {
		return s.a.SetHold(r.Context(), actor(r), id, body.Reason)
	})
}

func (s *Server) clearHold(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	s.change(w, r, &body, func(id archive.RecordID) (*archive.Record, error) {
		return s.a.ClearHold(r.Context(), actor(r), id, body.Reason)
	})
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Note string `json:"note"`
	}
	s.change(w, r, &body, func(id archive.RecordID) (*archive.Record, error) {
		return s.a.Approve(r.Context(), actor(r), id, body.Note)
	})
}

// plan: GET /api/v1/retention/plan?until=YYYY-MM-DD&class=C; without until,
// every record whose dates are known.
func (s *Server) plan(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := archive.PlanRequest{Class: archive.Class(q.Get("class"))}
	if v := q.Get("until"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			s.fail(w, r, &archive.FieldError{Kind: archive.ErrInvalid, Field: "until", Reason: "want YYYY-MM-DD"})
			return
		}
		req.Until = t
	}
	rep, err := s.a.Plan(r.Context(), req)
	s.reply(w, r, http.StatusOK, rep, err)
}

// sweep: POST /api/v1/retention/sweep?dry_run=true&all=true. Records that
// failed are in the report (action failed), not an error status.
func (s *Server) sweep(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	opts := archive.SweepOptions{Actor: actor(r)}
	var err error
	if opts.DryRun, err = boolParam(q, "dry_run"); err == nil {
		opts.All, err = boolParam(q, "all")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.a.Sweep(r.Context(), opts)
	s.reply(w, r, http.StatusOK, rep, err)
}

// certificate: GET /api/v1/disposals/{id}, the disposal certificate of a
// disposed record (it names no person).
func (s *Server) certificate(w http.ResponseWriter, r *http.Request) {
	cert, err := s.a.Certificate(r.Context(), archive.RecordID(r.PathValue("id")))
	s.reply(w, r, http.StatusOK, cert, err)
}

// reply answers v with status, or the error.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// boolParam reads q[name] as true or false (absent: false).
func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &archive.FieldError{Kind: archive.ErrInvalid, Field: name, Reason: fmt.Sprintf("%q: want true or false", v)}
	}
	return b, nil
}

// readJSON decodes the request body, a JSON object, into v: Content-Type
// application/json, at most maxJSONBody bytes, no unknown fields, one
// value. An empty body leaves v as it is. A bad body is ErrInvalid naming
// the field at fault ("body" when the JSON itself is malformed).
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return fmt.Errorf("%w %q: send a JSON object with Content-Type: application/json", errMediaType, r.Header.Get("Content-Type"))
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err == nil {
		if err = dec.Decode(new(json.RawMessage)); errors.Is(err, io.EOF) {
			return nil
		}
		if err == nil {
			return invalidBody("more than one JSON value")
		}
	}
	return jsonError(err)
}

// jsonError turns a decoding error into one naming the field.
func jsonError(err error) error {
	var mbe *http.MaxBytesError
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return fmt.Errorf("request body larger than %d bytes: %w", mbe.Limit, err)
	case errors.As(err, &typ) && typ.Field != "":
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: typ.Field, Reason: fmt.Sprintf("want %s, got a JSON %s", jsonKind(typ.Type), typ.Value)}
	case errors.As(err, &typ):
		return invalidBody(fmt.Sprintf("want %s, got a JSON %s", jsonKind(typ.Type), typ.Value))
	case errors.As(err, &syn):
		return invalidBody(fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidBody("the JSON ends early")
	}
	// encoding/json has no type for it: `json: unknown field "name"`.
	if q, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := strconv.Unquote(q)
		if uerr != nil {
			name = q
		}
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: name, Reason: "unknown field"}
	}
	return invalidBody(err.Error())
}

func invalidBody(reason string) error {
	return &archive.FieldError{Kind: archive.ErrInvalid, Field: "body", Reason: reason}
}

// jsonKind names what JSON a Go type wants, for messages.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}
