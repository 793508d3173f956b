package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/search"
	"akte/web"
	"akte/web/auth"
)

// Record kinds of the matrix. The API has no record ownership: "own" is an
// active record of one citizen, "foreign" another citizen's record in its
// restricted phase (BMG §13(2)), "missing" an unknown ID. Routes without a
// record have one kind, "-"; ingest has "pdf" and "form".
const (
	own, foreign, missing, none = "own", "foreign", "missing", "-"
	unknownRecord               = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
)

// routeCase says how to call a route and what an allowed role gets per
// record kind. restricted: the route shows a record's content, so on a
// restricted record every allowed role but records-officer gets 403.
type routeCase struct {
	path       string // {id} and {name} are filled in per kind
	ctype      string
	body       func(role string) string
	want       map[string]int
	restricted bool
	citizen    bool // {id} is a citizen: P-O (own), P-F (foreign), P-X (missing)
	html       bool // a web UI route (ui_authz_test.go): anonymous → 303 to the login page, refusals as HTML
	// owned: {id} is an import job (imports_test.go), ids[kind] its ID: own
	// is the intake token's, foreign another principal's, which only an
	// admin sees (404 for anyone else).
	owned bool
	ids   map[string]string
}

// matrixFixture is a server over an archive with an own, a foreign and a
// missing record, an index, and one token per role.
type matrixFixture struct {
	srv                *http.Client
	url                string
	server             *web.Server
	auth               *authFixture
	ownID, foreignID   string
	victimToken        string
	matrixUser, victim string
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	ctx := context.Background()
	idx, _, err := search.OpenOrRecreate(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	clock := archivetest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	a, _ := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now, Search: idx})
	ingest := func(citizen string) string {
		res, err := a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: archive.CitizenID(citizen), Class: "registration",
			Title: "Anmeldung", Body: bytes.NewReader(archivetest.MakePDF("Anmeldung", citizen))})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Record.ID)
	}
	f := &matrixFixture{auth: newAuth(t, nil), matrixUser: "matrix-user", victim: "victim"}
	f.foreignID = ingest("P-F")
	if _, _, err := a.RecordEvent(ctx, archive.System, archive.CitizenEvent{Citizen: "P-F", Type: archive.EventMovedAway, Date: "2026-11-21"}); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := a.Sweep(ctx, archive.SweepOptions{Actor: archive.System}); err != nil {
		t.Fatal(err)
	}
	if rec, err := a.Record(ctx, archive.RecordID(f.foreignID)); err != nil || rec.Status != search.StatusRestricted {
		t.Fatalf("the foreign record is not restricted: %v", err)
	}
	f.ownID = ingest("P-O")
	if err := a.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{f.matrixUser, f.victim} {
		if err := f.auth.store.AddUser(ctx, u, auth.Clerk, "ein-langes-passwort"); err != nil {
			t.Fatal(err)
		}
	}
	tok, _, err := f.auth.store.NewToken(ctx, "victim", auth.Intake, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.victimToken = tok.ID
	srv, h := serveRaw(t, a, f.auth)
	f.srv, f.url, f.server = srv.Client(), srv.URL, h
	f.srv.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse } // the UI's 303s count
	return f
}

func jsonBody(s string) func(string) string { return func(string) string { return s } }

func (f *matrixFixture) cases() map[string]routeCase {
	rec := func(own, foreign, missing int) map[string]int {
		return map[string]int{"own": own, "foreign": foreign, "missing": missing}
	}
	one := func(status int) map[string]int { return map[string]int{none: status} }
	return map[string]routeCase{
		"GET /healthz":           {path: "/healthz", want: one(200)},
		"GET /readyz":            {path: "/readyz", want: one(200)},
		"POST /api/v1/session":   {path: "/api/v1/session", ctype: "application/json", body: jsonBody(`{"name": "matrix-user", "password": "ein-langes-passwort"}`), want: one(201)},
		"GET /api/v1/session":    {path: "/api/v1/session", want: one(200)},
		"DELETE /api/v1/session": {path: "/api/v1/session", want: one(204)},
		"POST /api/v1/records": {path: "/api/v1/records?citizen=P-N&class=tax", ctype: "application/pdf",
			// A different document per role, so none is a retry.
			body: func(role string) string { return string(archivetest.MakePDF("Bescheid", "for "+role)) },
			want: map[string]int{"pdf": 201, "form": 422}},
		"GET /api/v1/search":                 {path: "/api/v1/search?q=Anmeldung", want: one(200)},
		"GET /api/v1/records/{id}":           {path: "/api/v1/records/{id}", want: rec(200, 200, 404), restricted: true},
		"GET /api/v1/records/{id}/document":  {path: "/api/v1/records/{id}/document?purpose=matrix", want: rec(200, 200, 404), restricted: true},
		"GET /api/v1/records/{id}/seal":      {path: "/api/v1/records/{id}/seal", want: rec(200, 200, 404), restricted: true},
		"GET /api/v1/records/{id}/retention": {path: "/api/v1/records/{id}/retention", want: rec(200, 200, 404)},
		"POST /api/v1/citizens/{id}/events":  {path: "/api/v1/citizens/{id}/events", ctype: "application/json", body: jsonBody(`{"type": "moved_away", "date": "2031-06-01"}`), want: rec(201, 201, 201), citizen: true},
		"GET /api/v1/citizens/{id}/events":   {path: "/api/v1/citizens/{id}/events", want: rec(200, 200, 200), citizen: true},
		"POST /api/v1/records/{id}/facts":    {path: "/api/v1/records/{id}/facts", ctype: "application/json", body: jsonBody(`{"facts": {"valid_until": "2040-01-01"}}`), want: rec(200, 200, 404)},
		"POST /api/v1/records/{id}/hold":     {path: "/api/v1/records/{id}/hold", ctype: "application/json", body: jsonBody(`{"reason": "Widerspruch"}`), want: rec(200, 200, 404)},
		"DELETE /api/v1/records/{id}/hold":   {path: "/api/v1/records/{id}/hold", ctype: "application/json", body: jsonBody(`{"reason": "erledigt"}`), want: rec(200, 200, 404)},
		"POST /api/v1/records/{id}/approval": {path: "/api/v1/records/{id}/approval", ctype: "application/json", body: jsonBody(`{"note": "ok"}`), want: rec(409, 409, 404)},
		"GET /api/v1/retention/plan":         {path: "/api/v1/retention/plan", want: one(200)},
		"POST /api/v1/retention/sweep":       {path: "/api/v1/retention/sweep?dry_run=true", want: one(200)},
		"GET /api/v1/disposals/{id}":         {path: "/api/v1/disposals/{id}", want: rec(404, 404, 404)},
		"GET /api/v1/users":                  {path: "/api/v1/users", want: one(200)},
		"POST /api/v1/users":                 {path: "/api/v1/users", ctype: "application/json", body: jsonBody(`{"name": "neu", "role": "clerk", "password": "noch-ein-passwort"}`), want: one(201)},
		"PUT /api/v1/users/{name}/role":      {path: "/api/v1/users/matrix-user/role", ctype: "application/json", body: jsonBody(`{"role": "clerk"}`), want: one(200)},
		"POST /api/v1/users/{name}/disable":  {path: "/api/v1/users/victim/disable", want: one(200)},
		"GET /api/v1/tokens":                 {path: "/api/v1/tokens", want: one(200)},
		"POST /api/v1/tokens":                {path: "/api/v1/tokens", ctype: "application/json", body: jsonBody(`{"name": "neu", "role": "intake"}`), want: one(201)},
		"DELETE /api/v1/tokens/{id}":         {path: "/api/v1/tokens/" + f.victimToken, want: one(200)},
		"GET /api/v1/audit":                  {path: "/api/v1/audit?limit=5", want: one(200)},
		"GET /api/v1/audit/verify":           {path: "/api/v1/audit/verify", want: one(200)},
		"GET /api/v1/openapi.json":           {path: "/api/v1/openapi.json", want: one(200)},
		"GET /metrics":                       {path: "/metrics", want: one(200)}, // from loopback: everyone
	}
}

// expected is the status the policy table (web.Policy) gives role ("" for
// an anonymous caller) on a route of rule for record kind.
func expected(rule web.Rule, rc routeCase, role auth.Role, kind string) int {
	switch {
	case rule.Public, rule.Loopback: // the test calls from loopback
		return rc.want[kind]
	case role == "" && rc.html:
		return http.StatusSeeOther
	case role == "":
		return http.StatusUnauthorized
	}
	switch rule.Roles[role] {
	case web.Allow:
	case web.FormOnly:
		if kind != "form" {
			return http.StatusForbidden
		}
	default:
		return http.StatusForbidden
	}
	if rc.restricted && kind == foreign && role != auth.RecordsOfficer {
		return http.StatusForbidden
	}
	if rc.owned && kind == foreign && role != auth.Admin {
		return http.StatusNotFound
	}
	return rc.want[kind]
}

// TestAuthorizationMatrix: every registered route × every role and an
// anonymous caller × own, foreign and missing record answers what the
// policy table says. A route registered without a policy row or a case
// here fails.
func TestAuthorizationMatrix(t *testing.T) {
	f := newMatrixFixture(t)
	cases := f.cases()
	maps.Copy(cases, f.uiCases())
	maps.Copy(cases, f.importCases(t))
	rules := map[string]web.Rule{}
	for _, r := range web.Policy() {
		rules[r.Pattern] = r
	}
	routes := f.server.Routes()
	for _, p := range routes {
		if _, ok := rules[p]; !ok {
			t.Errorf("route %s has no row in the policy table", p)
		}
		if _, ok := cases[p]; !ok {
			t.Errorf("route %s has no case in this test", p)
		}
	}
	for p := range rules {
		if !slices.Contains(routes, p) {
			t.Errorf("policy row %s names no registered route", p)
		}
	}
	callers := append([]auth.Role{""}, auth.Roles...)
	combos, mismatches := 0, 0
	for _, pattern := range routes {
		rule, rc := rules[pattern], cases[pattern]
		method, _, _ := strings.Cut(pattern, " ")
		kinds := make([]string, 0, len(rc.want))
		for k := range rc.want {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, kind := range kinds {
			for _, role := range callers {
				ids := map[string]string{own: f.ownID, foreign: f.foreignID, missing: unknownRecord}
				if rc.citizen {
					ids = map[string]string{own: "P-O", foreign: "P-F", missing: "P-X"}
				}
				if rc.ids != nil {
					ids = rc.ids
				}
				path, ctype := strings.ReplaceAll(rc.path, "{id}", ids[kind]), rc.ctype
				if kind == "form" {
					ctype = archive.MediaForm
				}
				var body io.Reader
				if rc.body != nil {
					b := rc.body(string(role))
					if kind == "form" {
						b = `{"template": "registration", "values": {}}`
					}
					body = strings.NewReader(b)
				}
				req, _ := http.NewRequest(method, f.url+path, body)
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				if role != "" {
					req.Header.Set("Authorization", "Bearer "+f.auth.tokens[role])
				}
				resp, err := f.srv.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				combos++
				want := expected(rule, rc, role, kind)
				who := cmpRole(role)
				if resp.StatusCode != want {
					mismatches++
					t.Errorf("%s %s as %s: %d, want %d: %.200s", pattern, kind, who, resp.StatusCode, want, b)
					continue
				}
				if rc.html {
					if want == http.StatusForbidden && !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
						mismatches++
						t.Errorf("%s %s as %s: 403 as %s, want an HTML page", pattern, kind, who, resp.Header.Get("Content-Type"))
					}
					continue
				}
				var e errBody
				json.Unmarshal(b, &e)
				if wantKind := map[int]string{401: "unauthenticated", 403: "forbidden"}[want]; wantKind != "" && e.Error.Kind != wantKind {
					mismatches++
					t.Errorf("%s %s as %s: kind %q, want %q", pattern, kind, who, e.Error.Kind, wantKind)
				}
			}
		}
	}
	t.Logf("authorization matrix: %d routes, %d combinations, %d mismatches", len(routes), combos, mismatches)
	if combos < len(routes)*len(callers) {
		t.Fatalf("only %d combinations", combos)
	}
}

func cmpRole(r auth.Role) string {
	if r == "" {
		return "anonymous"
	}
	return string(r)
}

// The README's policy table is the one in the code.
func TestPolicyDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if table := web.PolicyMarkdown(); !strings.Contains(string(readme), table) {
		t.Errorf("README.md lacks the policy table as the code has it; put this under ## Roles:\n%s", table)
	}
}
