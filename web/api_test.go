package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/search"
	"akte/signing"
	"akte/signing/signingtest"
	"akte/web"
)

func newServer(t *testing.T) *httptest.Server {
	a := archivetest.Open(t, archive.Options{MaxBytes: 8192})
	srv := serveAuthed(t, a, &web.Options{MaxBytes: 8192})
	t.Cleanup(srv.Close)
	return srv
}

type errBody struct {
	Error struct{ Kind, Field, Message string }
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// wantError fails the test unless the answer is the JSON error of status,
// kind and field, with a message.
func wantError(t *testing.T, resp *http.Response, b []byte, status int, kind, field string) {
	t.Helper()
	var e errBody
	json.Unmarshal(b, &e)
	if resp.StatusCode != status || e.Error.Kind != kind || e.Error.Field != field || e.Error.Message == "" {
		t.Errorf("%s %s: got %d %.300s, want %d kind %s field %q", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, b, status, kind, field)
	}
}

func post(t *testing.T, srv *httptest.Server, query string, body []byte, idem string) (*http.Response, []byte) {
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/records?"+query, bytes.NewReader(body))
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	return do(t, req)
}

func TestIngestAndRead(t *testing.T) {
	srv := newServer(t)
	pdf := archivetest.MakePDF("Anmeldung", "Einzug")
	resp, b := post(t, srv, "citizen=P1&class=registration&title=Anmeldung&fact.moved_in=2026-10-01", pdf, "portal-1")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	var res struct {
		Record   struct{ ID string }
		Existing bool
	}
	json.Unmarshal(b, &res)
	// The retry is answered with the same record, 200 not 201.
	resp, b = post(t, srv, "citizen=P1&class=registration&title=Anmeldung", pdf, "portal-1")
	var again struct {
		Record   struct{ ID string }
		Existing bool
	}
	json.Unmarshal(b, &again)
	if resp.StatusCode != http.StatusOK || !again.Existing || again.Record.ID != res.Record.ID {
		t.Fatalf("retry: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/records/"+res.Record.ID+"/document?purpose=Pruefung", nil)
	resp, b = do(t, req)
	if resp.StatusCode != 200 || !bytes.Equal(b, pdf) || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("ETag") == "" {
		t.Fatalf("document: %d %q, %d bytes", resp.StatusCode, resp.Header, len(b))
	}
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/records/"+res.Record.ID, nil)
	resp, b = do(t, req)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"moved_in": "2026-10-01"`) {
		t.Fatalf("record: %d %s", resp.StatusCode, b)
	}
}

func TestMultipartIngest(t *testing.T) {
	srv := newServer(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("citizen", "P2")
	mw.WriteField("class", "tax")
	fw, _ := mw.CreateFormFile("file", "bescheid.pdf")
	fw.Write(archivetest.MakePDF("Bescheid", "2025"))
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/records", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, b := do(t, req); resp.StatusCode != http.StatusCreated {
		t.Fatalf("multipart ingest: %d %s", resp.StatusCode, b)
	}
}

func TestErrorStatus(t *testing.T) {
	srv := newServer(t)
	pdf := archivetest.MakePDF("x", "y")
	post(t, srv, "citizen=P3&class=tax", pdf, "k1")
	cases := []struct {
		name, method, path string
		body               []byte
		idem               string
		status             int
		kind, field        string
	}{
		{"bad citizen", "POST", "/api/v1/records?citizen=a%20b&class=tax", pdf, "", 400, "invalid", "citizen"},
		{"unknown class", "POST", "/api/v1/records?citizen=P3&class=gossip", pdf, "", 400, "invalid", "class"},
		{"empty body", "POST", "/api/v1/records?citizen=P3&class=tax", nil, "", 422, "refused", "document"},
		{"not a pdf", "POST", "/api/v1/records?citizen=P3&class=tax", []byte("hello"), "", 422, "refused", "document"},
		{"too large", "POST", "/api/v1/records?citizen=P3&class=tax", archivetest.MakePDF("x", strings.Repeat("y", 9000)), "", 413, "too_large", "document"},
		{"key reused", "POST", "/api/v1/records?citizen=P3&class=tax", archivetest.MakePDF("other", "doc"), "k1", 409, "conflict", ""},
		{"unknown record", "GET", "/api/v1/records/01ARZ3NDEKTSV4RRFFQ69G5FAV/document", nil, "", 404, "not_found", ""},
		{"malformed id", "GET", "/api/v1/records/..%2Fetc/document", nil, "", 400, "invalid", "record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, bytes.NewReader(tc.body))
			if tc.idem != "" {
				req.Header.Set("Idempotency-Key", tc.idem)
			}
			resp, b := do(t, req)
			wantError(t, resp, b, tc.status, tc.kind, tc.field)
		})
	}
}

func TestHealth(t *testing.T) {
	srv := newServer(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		if resp, _ := do(t, req); resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
}

// The portal posts a form submission; the archive copy is the rendered
// PDF/A, the original the submission itself.
func TestFormSubmissionIngest(t *testing.T) {
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}})
	srv := serveAuthed(t, a, nil)
	sub := archivetest.FormSubmission("Großmann")
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/records?citizen=P9&class=registration&source=portal", bytes.NewReader(sub))
	req.Header.Set("Content-Type", archive.MediaForm)
	req.Header.Set("Idempotency-Key", "portal-2026-000123")
	resp, b := do(t, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("form ingest: %d %s", resp.StatusCode, b)
	}
	var res struct {
		Record struct {
			ID       string
			Manifest struct {
				MediaType string `json:"media_type"`
				Stages    map[string]string
			}
		}
	}
	json.Unmarshal(b, &res)
	if res.Record.Manifest.MediaType != archive.MediaForm || res.Record.Manifest.Stages["pdfa"] != "form:registration" {
		t.Fatalf("manifest: %s", b)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/records/"+res.Record.ID+"/document", nil)
	resp, pdf := do(t, req)
	if resp.StatusCode != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("document: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/records/"+res.Record.ID+"/document?original=true", nil)
	resp, orig := do(t, req)
	if !bytes.Equal(orig, sub) || resp.Header.Get("Content-Type") != archive.MediaForm {
		t.Fatalf("original is not the submission: %q %s", resp.Header.Get("Content-Type"), orig)
	}
	// A submission missing required fields is refused naming the field.
	req, _ = http.NewRequest("POST", srv.URL+"/api/v1/records?citizen=P9&class=registration", strings.NewReader(`{"template":"registration","values":{}}`))
	req.Header.Set("Content-Type", archive.MediaForm)
	resp, b = do(t, req)
	var e errBody
	json.Unmarshal(b, &e)
	if resp.StatusCode != 400 || !strings.HasPrefix(e.Error.Field, "form.") {
		t.Fatalf("incomplete submission: %d %s", resp.StatusCode, b)
	}
}

// A sealed archive copy: the verdict comes with the document on request
// and as JSON.
func TestSealVerdict(t *testing.T) {
	ca := signingtest.NewCA(t, "web")
	chain, key := ca.Issue(t, signingtest.LeafOptions{CommonName: "Stadt Musterstadt"})
	sealer, err := signing.NewSealer(signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}})
	if err != nil {
		t.Fatal(err)
	}
	a := archivetest.Open(t, archive.Options{Sealer: sealer, Trust: signing.Trust{Roots: ca.Pool}})
	srv := serveAuthed(t, a, nil)
	resp, b := post(t, srv, "citizen=P1&class=registration", archivetest.MakePDF("Anmeldung", "Einzug"), "")
	var res struct{ Record struct{ ID string } }
	json.Unmarshal(b, &res)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/records/"+res.Record.ID+"/document?verify_seal=1&purpose=x", nil)
	resp, _ = do(t, req)
	if h := resp.Header.Get("X-Akte-Seal"); !strings.HasPrefix(h, "valid (B-B") {
		t.Errorf("X-Akte-Seal %q", h)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/records/"+res.Record.ID+"/seal", nil)
	resp, b = do(t, req)
	var v archive.SealVerdict
	if err := json.Unmarshal(b, &v); err != nil || resp.StatusCode != 200 || !v.Valid || v.Level != "B-B" {
		t.Fatalf("seal: %d %s", resp.StatusCode, b)
	}
}

// GET /api/v1/search: hits as JSON; a malformed query or parameter is 400
// naming it; without an index the server says 503.
func TestSearchAPI(t *testing.T) {
	idx, _, err := search.OpenOrRecreate(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	a := archivetest.Open(t, archive.Options{Search: idx})
	srv := serveAuthed(t, a, nil)
	resp, b := post(t, srv, "citizen=P7&class=registration&title=Meldebescheinigung", archivetest.MakePDF("Meldebescheinigung", "Einzug"), "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	if err := a.FlushSearch(context.Background()); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/search?q=Meldebescheinigungen&facets=true&highlight=true", nil)
	resp, b = do(t, req)
	var res struct {
		Total  int
		Hits   []struct{ ID, Citizen string }
		Facets map[string]any
	}
	if err := json.Unmarshal(b, &res); err != nil || resp.StatusCode != 200 || res.Total != 1 || res.Hits[0].Citizen != "P7" || res.Facets["class"] == nil {
		t.Fatalf("search: %d %s", resp.StatusCode, b)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/search?q=%22offen", nil)
	resp, b = do(t, req)
	var e errBody
	json.Unmarshal(b, &e)
	if resp.StatusCode != 400 || e.Error.Field != "q" {
		t.Fatalf("bad query: %d %s", resp.StatusCode, b)
	}
	for query, field := range map[string]string{
		"size=viele": "size", "page=-1": "page", "page=zwei": "page", "from=2026-13-01": "from", "from=2026-01-01&to=gestern": "to",
	} {
		req, _ = http.NewRequest("GET", srv.URL+"/api/v1/search?q=Meldebescheinigung&"+query, nil)
		resp, b = do(t, req)
		e = errBody{}
		json.Unmarshal(b, &e)
		if resp.StatusCode != 400 || e.Error.Kind != "invalid" || (field != "" && e.Error.Field != field) {
			t.Errorf("search with %s: %d %s, want 400 invalid naming %q", query, resp.StatusCode, b, field)
		}
	}
	plain := newServer(t)
	req, _ = http.NewRequest("GET", plain.URL+"/api/v1/search?q=x", nil)
	if resp, b = do(t, req); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("no index: %d %s", resp.StatusCode, b)
	}
}
