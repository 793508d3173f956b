package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
)

// newClockServer serves an archive whose clock the test moves.
func newClockServer(t *testing.T) (*httptest.Server, *archivetest.Clock) {
	clock := archivetest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	a, _ := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	srv := serveAuthed(t, a, nil)
	return srv, clock
}

// call sends a request with a JSON body (none when body is "") and
// decodes the answer into out, if given.
func call(t *testing.T, srv *httptest.Server, method, path, body string, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, b := do(t, req)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, string(b)
}

func ingestRecord(t *testing.T, srv *httptest.Server, citizen, class string) string {
	t.Helper()
	resp, b := post(t, srv, "citizen="+citizen+"&class="+class, archivetest.MakePDF(class, citizen), "")
	var res struct{ Record struct{ ID string } }
	if err := json.Unmarshal(b, &res); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("ingest %s: %d %s", class, resp.StatusCode, b)
	}
	return res.Record.ID
}

type status struct {
	Disposition, Phase, Awaiting string
	Earliest, Latest, Restricted time.Time
	Hold                         *struct{ Reason string }
	Facts                        map[string]string
	Reasons                      []struct{ DE, EN string }
}

type plan struct {
	Items []struct {
		Record, Citizen, Class string
		Held                   bool
		Earliest               time.Time
	}
}

func (p plan) records() []string {
	var ids []string
	for _, it := range p.Items {
		ids = append(ids, it.Record)
	}
	return ids
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A move (BMG §13(2)) gives the registration its dates at once; a hold
// shows in the status and the plan until it is released; facts are kept.
func TestRetentionAPI(t *testing.T) {
	srv, _ := newClockServer(t)
	reg := ingestRecord(t, srv, "P-1", "registration")
	tax := ingestRecord(t, srv, "P-1", "tax")
	var rs status
	if code, b := call(t, srv, "GET", "/api/v1/records/"+reg+"/retention", "", &rs); code != 200 || !rs.Earliest.IsZero() || rs.Phase != "active" {
		t.Fatalf("retention before the move: %d %s", code, b)
	}
	var ev struct {
		Event   struct{ ID, Type, Date string }
		Records int
	}
	code, b := call(t, srv, "POST", "/api/v1/citizens/P-1/events", `{"type": "moved_away", "date": "2026-11-21"}`, &ev)
	if code != http.StatusCreated || ev.Records != 2 || ev.Event.ID == "" || ev.Event.Type != "moved_away" {
		t.Fatalf("event: %d %s", code, b)
	}
	code, b = call(t, srv, "GET", "/api/v1/records/"+reg+"/retention", "", &rs)
	if code != 200 || !rs.Restricted.Equal(date("2032-01-01")) || !rs.Earliest.Equal(date("2082-01-01")) || rs.Disposition != "offer" {
		t.Fatalf("retention after the move: %d %s", code, b)
	}
	var evs struct {
		Citizen string
		Events  []struct{ Type, Date string }
	}
	if code, b := call(t, srv, "GET", "/api/v1/citizens/P-1/events", "", &evs); code != 200 || len(evs.Events) != 1 || evs.Events[0].Date != "2026-11-21" {
		t.Fatalf("events: %d %s", code, b)
	}

	rs = status{}
	if code, b := call(t, srv, "POST", "/api/v1/records/"+tax+"/hold", `{"reason": "VG Musterstadt 3 K 12/26"}`, &rs); code != 200 || rs.Hold == nil || rs.Hold.Reason != "VG Musterstadt 3 K 12/26" {
		t.Fatalf("hold: %d %s", code, b)
	}
	if code, b := call(t, srv, "POST", "/api/v1/records/"+tax+"/hold", `{"reason": "again"}`, nil); code != http.StatusConflict {
		t.Fatalf("second hold: %d %s", code, b)
	}
	// By 2037 the registration is restricted (2032), the tax record due.
	var p plan
	if code, b := call(t, srv, "GET", "/api/v1/retention/plan?until=2037-12-31", "", &p); code != 200 || !slices.Equal(p.records(), []string{reg, tax}) ||
		!p.Items[1].Held || !p.Items[1].Earliest.Equal(date("2037-01-01")) {
		t.Fatalf("plan until 2037: %d %s", code, b)
	}
	p = plan{}
	if code, b := call(t, srv, "GET", "/api/v1/retention/plan?until=2031-12-31", "", &p); code != 200 || len(p.Items) != 0 {
		t.Fatalf("plan until 2031: %d %s", code, b)
	}
	p = plan{}
	if code, b := call(t, srv, "GET", "/api/v1/retention/plan?class=registration", "", &p); code != 200 || !slices.Equal(p.records(), []string{reg}) {
		t.Fatalf("plan of registrations: %d %s", code, b)
	}
	rs = status{}
	if code, b := call(t, srv, "DELETE", "/api/v1/records/"+tax+"/hold", `{"reason": "Verfahren abgeschlossen"}`, &rs); code != 200 || rs.Hold != nil {
		t.Fatalf("release: %d %s", code, b)
	}
	if code, b := call(t, srv, "DELETE", "/api/v1/records/"+tax+"/hold", `{"reason": "again"}`, nil); code != http.StatusConflict {
		t.Fatalf("release without hold: %d %s", code, b)
	}
	rs = status{}
	if code, b := call(t, srv, "POST", "/api/v1/records/"+tax+"/facts", `{"facts": {"valid_until": "2031-03-01"}}`, &rs); code != 200 || rs.Facts["valid_until"] != "2031-03-01" {
		t.Fatalf("facts: %d %s", code, b)
	}
	if code, b := call(t, srv, "POST", "/api/v1/records/"+tax+"/approval", `{}`, nil); code != http.StatusConflict || !strings.Contains(b, "review") {
		t.Fatalf("approval of a destroy record: %d %s", code, b)
	}
	var rep struct {
		DryRun  bool `json:"dry_run"`
		Visited int
	}
	if code, b := call(t, srv, "POST", "/api/v1/retention/sweep?dry_run=true&all=true", "", &rep); code != 200 || !rep.DryRun || rep.Visited != 2 {
		t.Fatalf("dry-run sweep: %d %s", code, b)
	}
}

// Untrusted bodies and parameters are refused naming the field; unknown
// records are 404.
func TestRetentionAPIErrors(t *testing.T) {
	srv, _ := newClockServer(t)
	tax := ingestRecord(t, srv, "P-2", "tax")
	events, hold := "/api/v1/citizens/P-2/events", "/api/v1/records/"+tax+"/hold"
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		kind, field                     string
	}{
		{"unknown field", "POST", events, "application/json", `{"type": "moved_away", "date": "2026-11-01", "colour": "red"}`, 400, "invalid", "colour"},
		{"wrong type", "POST", events, "application/json", `{"type": 5, "date": "2026-11-01"}`, 400, "invalid", "type"},
		{"wrong fact type", "POST", "/api/v1/records/" + tax + "/facts", "application/json", `{"facts": {"valid_until": 2031}}`, 400, "invalid", "facts"},
		{"no facts", "POST", "/api/v1/records/" + tax + "/facts", "application/json", `{}`, 400, "invalid", "fact"},
		{"malformed", "POST", events, "application/json", `{"type": "moved_away",`, 400, "invalid", "body"},
		{"two values", "POST", events, "application/json", `{"type": "moved_away"} {}`, 400, "invalid", "body"},
		{"not an object", "POST", events, "application/json", `["moved_away"]`, 400, "invalid", "body"},
		{"not JSON", "POST", events, "text/plain", `{"type": "moved_away", "date": "2026-11-01"}`, 415, "unsupported_media_type", ""},
		{"too large", "POST", hold, "application/json", `{"reason": "` + strings.Repeat("x", 70<<10) + `"}`, 413, "too_large", ""},
		{"unknown event", "POST", events, "application/json", `{"type": "married", "date": "2026-11-01"}`, 400, "invalid", "type"},
		{"bad date", "POST", events, "application/json", `{"type": "deceased", "date": "2026-13-01"}`, 400, "invalid", "date"},
		{"future date", "POST", events, "application/json", `{"type": "deceased", "date": "2027-01-01"}`, 400, "invalid", "date"},
		{"bad citizen", "POST", "/api/v1/citizens/a%20b/events", "application/json", `{"type": "deceased", "date": "2026-11-01"}`, 400, "invalid", "citizen"},
		{"hold without reason", "POST", hold, "application/json", `{}`, 400, "invalid", "reason"},
		{"hold on unknown record", "POST", "/api/v1/records/01ARZ3NDEKTSV4RRFFQ69G5FAV/hold", "application/json", `{"reason": "x"}`, 404, "not_found", ""},
		{"unknown record", "GET", "/api/v1/records/01ARZ3NDEKTSV4RRFFQ69G5FAV/retention", "", "", 404, "not_found", ""},
		{"malformed record", "GET", "/api/v1/records/nope/retention", "", "", 400, "invalid", "record"},
		{"no certificate", "GET", "/api/v1/disposals/" + tax, "", "", 404, "not_found", ""},
		{"bad until", "GET", "/api/v1/retention/plan?until=2037-02-30", "", "", 400, "invalid", "until"},
		{"unknown class", "GET", "/api/v1/retention/plan?class=gossip", "", "", 400, "invalid", "class"},
		{"bad dry_run", "POST", "/api/v1/retention/sweep?dry_run=perhaps", "", "", 400, "invalid", "dry_run"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, b := do(t, req)
			wantError(t, resp, b, tc.status, tc.kind, tc.field)
		})
	}
	// Nothing refused was recorded.
	var evs struct{ Events []any }
	if code, b := call(t, srv, "GET", events, "", &evs); code != 200 || len(evs.Events) != 0 {
		t.Fatalf("events after refusals: %d %s", code, b)
	}
}

// AO §147: on 2037-01-01 the sweep disposes of the tax record; it is gone
// (410), and its certificate names no person.
func TestDisposedRecordIsGone(t *testing.T) {
	srv, clock := newClockServer(t)
	tax := ingestRecord(t, srv, "B-4711", "tax")
	clock.Set(date("2037-01-01"))
	var rep struct {
		Items []struct {
			Record  string
			Actions []string
		}
	}
	if code, b := call(t, srv, "POST", "/api/v1/retention/sweep", "", &rep); code != 200 || len(rep.Items) != 1 ||
		rep.Items[0].Record != tax || !slices.Equal(rep.Items[0].Actions, []string{archive.ActionDispose}) {
		t.Fatalf("sweep: %d %s", code, b)
	}
	for _, path := range []string{"/api/v1/records/" + tax, "/api/v1/records/" + tax + "/retention", "/api/v1/records/" + tax + "/document"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		resp, b := do(t, req)
		wantError(t, resp, b, http.StatusGone, "disposed", "")
	}
	if code, b := call(t, srv, "POST", "/api/v1/records/"+tax+"/hold", `{"reason": "too late"}`, nil); code != http.StatusGone {
		t.Errorf("hold on a disposed record: %d %s", code, b)
	}
	var cert struct {
		Record, Class, Outcome string
	}
	code, b := call(t, srv, "GET", "/api/v1/disposals/"+tax, "", &cert)
	if code != 200 || cert.Record != tax || cert.Class != "tax" || cert.Outcome != "destroyed" || strings.Contains(b, "B-4711") {
		t.Fatalf("certificate: %d %s", code, b)
	}
}
