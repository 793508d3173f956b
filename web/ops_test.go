package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/web"
	"akte/web/auth"
)

// opsFixture: a server with an auth store, called with explicit tokens.
type opsFixture struct {
	a    *archive.Archive
	auth *authFixture
	h    *web.Server
	srv  *httptest.Server
}

func newOps(t *testing.T, aopts archive.Options, opts web.Options) *opsFixture {
	t.Helper()
	f := &opsFixture{a: archivetest.Open(t, aopts), auth: newAuth(t, nil)}
	opts.Auth = f.auth.store
	opts.Logger = slog.New(slog.DiscardHandler)
	f.h = web.New(f.a, &opts)
	f.srv = httptest.NewServer(f.h)
	t.Cleanup(f.srv.Close)
	return f
}

// call sends a request as role ("" = no credentials).
func (f *opsFixture) call(t *testing.T, role auth.Role, method, path, ctype string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.auth.tokens[role])
	}
	return do(t, req)
}

func (f *opsFixture) ingest(t *testing.T, citizen, text string) string {
	t.Helper()
	resp, b := f.call(t, auth.Intake, "POST", "/api/v1/records?class=tax&citizen="+citizen, "application/pdf",
		bytes.NewReader(archivetest.MakePDF("Bescheid", text)))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	var res archive.IngestResult
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return string(res.Record.ID)
}

// TestOpenAPIMatchesRoutes: every API and operations route the server
// registers is in the OpenAPI document with its method, and the document
// describes no other; every path parameter is declared. The web UI's
// HTML routes (/, /ui/…) are not API and not in the document.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newOps(t, archive.Options{}, web.Options{})
	resp, b := f.call(t, "", "GET", "/api/v1/openapi.json", "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]openapiParam `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			var op struct {
				Parameters []openapiParam   `json:"parameters"`
				Responses  map[string]any   `json:"responses"`
				Security   *json.RawMessage `json:"security"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s %s: no responses", method, path)
			}
			declared := map[string]bool{}
			for _, p := range op.Parameters {
				if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
					c, ok := doc.Components.Parameters[name]
					if !ok {
						t.Errorf("%s %s: parameter %s is not in components", method, path, p.Ref)
					}
					p = c
				}
				if p.In == "path" {
					declared[p.Name] = true
				}
			}
			for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s not declared", method, path, m[1])
				}
			}
		}
	}
	var registered []string
	for _, p := range f.h.Routes() {
		_, path, _ := strings.Cut(p, " ")
		if strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics" {
			registered = append(registered, p)
		}
	}
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in the OpenAPI document", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("the OpenAPI document describes %s, which the server does not serve", d)
		}
	}
	if len(registered) < 30 {
		t.Fatalf("only %d API routes registered", len(registered))
	}
}

type openapiParam struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// metricLine is one sample of the text exposition format.
var metricLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)\})? ([0-9.e+-]+|\+Inf)$`)

// scrape reads /metrics into sample → value, checking the format: every
// sample's family has a TYPE line before it.
func scrape(t *testing.T, b []byte) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	typed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			typed[name] = typ
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := metricLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a sample line: %q", line)
		}
		family := m[1]
		if typed["akte_http_request_duration_seconds"] != "" {
			family = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(family, "_bucket"), "_sum"), "_count")
		}
		if typed[family] == "" && typed[m[1]] == "" {
			t.Fatalf("sample %s before its TYPE line", m[1])
		}
		v, err := strconv.ParseFloat(m[len(m)-1], 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	f := newOps(t, archive.Options{MaxBytes: 8192}, web.Options{MaxBytes: 8192})
	id := f.ingest(t, "P-1", "eins")
	f.call(t, auth.Intake, "POST", "/api/v1/records?class=tax&citizen=P-1", "application/pdf", strings.NewReader("kein pdf"))
	for range 3 {
		if resp, b := f.call(t, auth.Clerk, "GET", "/api/v1/records/"+id+"/document?purpose=test", "", nil); resp.StatusCode != 200 {
			t.Fatalf("document: %d %s", resp.StatusCode, b)
		}
	}
	f.call(t, auth.Clerk, "GET", "/api/v1/records/"+id, "", nil)
	f.call(t, auth.Clerk, "GET", "/api/v1/records/"+unknownRecord+"/document", "", nil) // 404: no read
	f.call(t, auth.Intake, "GET", "/api/v1/records/"+id+"/document", "", nil)           // 403: no read
	f.call(t, "", "GET", "/nowhere", "", nil)

	resp, b := f.call(t, "", "GET", "/metrics", "", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	m := scrape(t, b)
	doc := `route="GET /api/v1/records/{id}/document"`
	for sample, want := range map[string]float64{
		`akte_http_requests_total{` + doc + `,code="2xx"}`:                  3,
		`akte_http_requests_total{` + doc + `,code="4xx"}`:                  2,
		`akte_http_requests_total{route="POST /api/v1/records",code="2xx"}`: 1,
		`akte_http_requests_total{route="unmatched",code="4xx"}`:            1,
		`akte_http_request_duration_seconds_count{` + doc + `}`:             5,
		`akte_http_request_duration_seconds_bucket{` + doc + `,le="+Inf"}`:  5,
		`akte_ingests_total{outcome="ok"}`:                                  1,
		`akte_ingests_total{outcome="refused"}`:                             1,
		`akte_ingests_total{outcome="failed"}`:                              0,
		`akte_document_reads_total`:                                         4,
		`akte_audit_head_seq`:                                               float64(f.a.AuditHead()),
	} {
		if got, ok := m[sample]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", sample, got, ok, want)
		}
	}
	// Buckets are cumulative.
	prev := 0.0
	for _, le := range []string{"0.0005", "0.001", "0.01", "0.1", "1", "30", "+Inf"} {
		v := m[`akte_http_request_duration_seconds_bucket{`+doc+`,le="`+le+`"}`]
		if v < prev {
			t.Errorf("bucket le=%s = %v below the one before (%v)", le, v, prev)
		}
		prev = v
	}
	if f.a.AuditHead() == 0 {
		t.Fatal("no audit entries")
	}
}

// TestMetricsAccess: /metrics without credentials from the machine itself;
// from elsewhere admin or auditor only.
func TestMetricsAccess(t *testing.T) {
	f := newOps(t, archive.Options{}, web.Options{})
	for _, c := range []struct {
		remote string
		role   auth.Role
		want   int
	}{
		{"127.0.0.1:40000", "", 200},
		{"127.9.9.9:40000", "", 200},
		{"[::1]:40000", "", 200},
		{"203.0.113.7:40000", "", 401},
		{"203.0.113.7:40000", auth.Clerk, 403},
		{"203.0.113.7:40000", auth.RecordsOfficer, 403},
		{"203.0.113.7:40000", auth.Intake, 403},
		{"203.0.113.7:40000", auth.Auditor, 200},
		{"203.0.113.7:40000", auth.Admin, 200},
		{"[2001:db8::1]:40000", "", 401},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = c.remote
		if c.role != "" {
			req.Header.Set("Authorization", "Bearer "+f.auth.tokens[c.role])
		}
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("/metrics from %s as %q: %d, want %d", c.remote, c.role, rec.Code, c.want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	f := newOps(t, archive.Options{}, web.Options{RateLimit: 0.5, RateBurst: 3})
	for i := range 3 {
		if resp, b := f.call(t, auth.Clerk, "GET", "/api/v1/session", "", nil); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i+1, resp.StatusCode, b)
		}
	}
	resp, b := f.call(t, auth.Clerk, "GET", "/api/v1/session", "", nil)
	wantError(t, resp, b, http.StatusTooManyRequests, "rate_limited", "")
	if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q, want 1-2 s", resp.Header.Get("Retry-After"))
	}
	// Another principal has a bucket of its own.
	if resp, _ := f.call(t, auth.Auditor, "GET", "/api/v1/session", "", nil); resp.StatusCode != 200 {
		t.Errorf("another principal: %d", resp.StatusCode)
	}
	// Anonymous callers are limited by address, public routes too.
	codes := []int{}
	for range 4 {
		resp, _ := f.call(t, "", "GET", "/api/v1/openapi.json", "", nil)
		codes = append(codes, resp.StatusCode)
	}
	if !slices.Equal(codes, []int{200, 200, 200, 429}) {
		t.Errorf("anonymous: %v, want 200 200 200 429", codes)
	}
	// Without a rate nothing is limited.
	g := newOps(t, archive.Options{}, web.Options{})
	for i := range 300 {
		if resp, _ := g.call(t, auth.Clerk, "GET", "/api/v1/session", "", nil); resp.StatusCode != 200 {
			t.Fatalf("unlimited server, request %d: %d", i, resp.StatusCode)
		}
	}
}

// TestTooLargeStoresNothing: an oversized upload gets 413 too_large, and
// neither the store nor the catalog nor the index gains anything.
func TestTooLargeStoresNothing(t *testing.T) {
	const limit = 64 << 10
	f := newOps(t, archive.Options{MaxBytes: limit}, web.Options{MaxBytes: limit})
	head := f.a.AuditHead()
	pdf := func(n int) []byte { return archivetest.MakePDF("Scan", strings.Repeat("x", n)) }
	multi := func(doc []byte) (string, io.Reader) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("citizen", "P-9")
		mw.WriteField("class", "tax")
		fw, _ := mw.CreateFormFile("file", "scan.pdf")
		fw.Write(doc)
		mw.Close()
		return mw.FormDataContentType(), &buf
	}
	for _, c := range []struct {
		name  string
		ctype string
		body  func() io.Reader
	}{
		{"just over the document limit", "application/pdf", func() io.Reader { return bytes.NewReader(pdf(limit + 1)) }},
		{"far over, Content-Length known", "application/pdf", func() io.Reader { return bytes.NewReader(pdf(4 << 20)) }},
		{"far over, chunked", "application/pdf", func() io.Reader { return io.MultiReader(bytes.NewReader(pdf(4 << 20))) }},
		{"multipart", "", func() io.Reader { _, r := multi(pdf(2 << 20)); return r }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctype, body := c.ctype, c.body()
			if ctype == "" {
				ctype, body = multi(pdf(2 << 20))
			}
			resp, b := f.call(t, auth.Intake, "POST", "/api/v1/records?class=tax&citizen=P-9", ctype, body)
			var e errBody
			json.Unmarshal(b, &e)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || e.Error.Kind != "too_large" {
				t.Fatalf("%d %.300s, want 413 too_large", resp.StatusCode, b)
			}
		})
	}
	n, err := f.a.Count(t.Context())
	if err != nil || n != 0 {
		t.Errorf("catalog: %d records (%v), want 0", n, err)
	}
	var keys []string
	for info, err := range f.a.Store().List(t.Context(), "", "") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, info.Key)
	}
	if len(keys) != 0 {
		t.Errorf("the store holds %v after refused uploads", keys)
	}
	if got := f.a.AuditHead(); got != head {
		t.Errorf("audit log grew from %d to %d", head, got)
	}
	// A document within the limit still goes in.
	f.ingest(t, "P-9", "klein")
}

func TestAuditAPI(t *testing.T) {
	f := newOps(t, archive.Options{}, web.Options{})
	id := f.ingest(t, "P-1", "eins")
	other := f.ingest(t, "P-2", "zwei")
	for i := range 7 {
		f.call(t, auth.Clerk, "GET", fmt.Sprintf("/api/v1/records/%s/document?purpose=Az.+%d", id, i), "", nil)
	}
	f.call(t, auth.Clerk, "GET", "/api/v1/records/"+other+"/document?purpose=x", "", nil)
	var got []string
	path := "/api/v1/audit?action=read&limit=3&record=" + id
	for pages := 0; ; pages++ {
		resp, b := f.call(t, auth.Auditor, "GET", path, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		var page archive.AuditPage
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) > 3 {
			t.Fatalf("page of %d", len(page.Entries))
		}
		for _, e := range page.Entries {
			if e.Record != id || e.Action != "read" || e.Actor != "token:test-clerk" || e.Role != "clerk" {
				t.Fatalf("entry %+v", e)
			}
			got = append(got, e.Purpose)
		}
		if page.Next == 0 {
			break
		}
		path = fmt.Sprintf("/api/v1/audit?action=read&limit=3&record=%s&before=%d", id, page.Next)
	}
	if want := []string{"Az. 6", "Az. 5", "Az. 4", "Az. 3", "Az. 2", "Az. 1", "Az. 0"}; !slices.Equal(got, want) {
		t.Fatalf("purposes %v, want %v", got, want)
	}
	// Each page read is audited, by the auditor.
	resp, b := f.call(t, auth.Auditor, "GET", "/api/v1/audit?action=audit.read&actor=token:test-auditor&since=2000-01-01", "", nil)
	var page archive.AuditPage
	json.Unmarshal(b, &page)
	if resp.StatusCode != 200 || len(page.Entries) != 3 {
		t.Fatalf("audit.read entries: %d %d, want 3 (one per page)", resp.StatusCode, len(page.Entries))
	}
	for q, field := range map[string]string{"limit=501": "limit", "before=x": "before", "since=gestern": "since",
		"record=../../etc": "record", "citizen=a%20b": "citizen"} {
		resp, b := f.call(t, auth.Auditor, "GET", "/api/v1/audit?"+q, "", nil)
		wantError(t, resp, b, 400, "invalid", field)
	}
	resp, b = f.call(t, auth.Auditor, "GET", "/api/v1/audit/verify", "", nil)
	var v struct {
		OK     bool
		Report struct{ Entries int }
	}
	json.Unmarshal(b, &v)
	if resp.StatusCode != 200 || !v.OK || v.Report.Entries < 12 {
		t.Fatalf("verify: %d %s", resp.StatusCode, b)
	}
}
