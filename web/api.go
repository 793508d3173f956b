package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"akte/archive"
	"akte/web/auth"
)

// Server serves the API for one archive.
type Server struct {
	a        *archive.Archive
	log      *slog.Logger
	maxBytes int64
	ready    atomic.Bool
	mux      *http.ServeMux
	auth     *auth.Store // nil: every /api/v1 route but login is refused
	authn    *auth.Authenticator
	routes   []string
	ui       *uiState
	metrics  *metrics
	limits   *limiter // nil: no rate limit
	imports  *imports // nil: no ImportDir
}

// Options configure a Server. A nil *Options means the defaults.
type Options struct {
	// MaxBytes bounds a request body (default 64 MiB + form overhead).
	MaxBytes int64
	Logger   *slog.Logger
	// Auth holds users, tokens and sessions. Without it every route that
	// needs authentication answers 401.
	Auth *auth.Store
	// TLS: clients reach the server over HTTPS (session cookie
	// __Host-akte_session, Secure).
	TLS bool
	// RateLimit is the requests per second one client may send: per
	// principal when authenticated, per IP address otherwise; more are
	// answered 429 rate_limited with Retry-After. Zero: no limit (akte
	// serve's configuration has one by default). RateBurst is how many it
	// may send at once (default twice the rate).
	RateLimit float64
	RateBurst int
	// ImportDir holds the bulk imports sent to POST /api/v1/imports, a
	// folder per job (akte serve: DATA/imports/api); empty: those routes
	// answer 503. Jobs found there that had not ended are resumed; Close
	// stops the running ones.
	ImportDir string
	// ImportJobs is how many import jobs run at once (default 2); more
	// wait in line.
	ImportJobs int
}

// New returns a Server for a. It reports ready at once.
func New(a *archive.Archive, opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 64 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Server{a: a, log: o.Logger, maxBytes: o.MaxBytes, mux: http.NewServeMux(), auth: o.Auth, metrics: newMetrics()}
	s.authn = &auth.Authenticator{Store: o.Auth, TLS: o.TLS, Fail: s.fail}
	s.limits = newLimiter(o.RateLimit, o.RateBurst, s.fail)
	if o.ImportDir != "" {
		var err error
		if s.imports, err = newImports(o.ImportDir, a, o.ImportJobs, o.MaxBytes, o.Logger); err != nil {
			o.Logger.Error("bulk import over the API unavailable", "err", err)
		}
	}
	s.handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	s.handle("GET /readyz", s.readyz)
	s.sessionRoutes()
	s.handle("POST /api/v1/records", s.ingest)
	s.handle("GET /api/v1/records/{id}", s.record)
	s.handle("GET /api/v1/records/{id}/document", s.document)
	s.handle("GET /api/v1/records/{id}/seal", s.seal)
	s.handle("GET /api/v1/search", s.search)
	s.importRoutes()
	s.retentionRoutes()
	s.adminRoutes()
	s.uiRoutes()
	s.auditRoutes()
	s.opsRoutes()
	s.ready.Store(true)
	return s
}

// SetReady switches /readyz (off while shutting down).
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.metrics.instrument(s.mux, w, r) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "not ready\n", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// actor is the authenticated caller, for the engine and its audit log.
// Routes run only with a principal (see handle); without one the actor is
// empty, which the engine refuses.
func actor(r *http.Request) archive.Actor {
	p, _ := auth.FromContext(r.Context())
	return archive.Actor{Name: p.Name, Role: string(p.Role)}
}

// mediaType is the request's Content-Type without parameters.
func mediaType(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}

// ingest accepts a raw document body with metadata in the query (citizen,
// class, title, date, source, fact.NAME=YYYY-MM-DD), a multipart form with
// a "file" part and the same fields, or — with Content-Type
// application/vnd.akte.form+json — a form submission (template, values,
// signature) that is rendered to PDF/A and archived with it as original.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request) {
	limit := s.maxBytes + 1<<20 // the document and a form's fields
	if r.ContentLength > limit {
		s.fail(w, r, &http.MaxBytesError{Limit: limit}) // refused before reading anything
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	q := r.URL.Query()
	body := io.Reader(r.Body)
	mediaType := ""
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case archive.MediaForm:
		mediaType = mt // a form submission from the portal: rendered to PDF/A
	case "multipart/form-data":
		part, fields, err := readForm(multipart.NewReader(r.Body, params["boundary"]))
		if err != nil {
			s.fail(w, r, &archive.FieldError{Kind: archive.ErrRefused, Field: "document", Reason: err.Error()})
			return
		}
		for k, v := range fields {
			q.Set(k, v)
		}
		body = part
	}
	req := archive.IngestRequest{
		MediaType: mediaType,
		Citizen:   archive.CitizenID(q.Get("citizen")), Class: archive.Class(q.Get("class")), Title: q.Get("title"),
		Source: archive.Source(q.Get("source")), Date: archive.Date(q.Get("date")),
		IdempotencyKey: r.Header.Get("Idempotency-Key"), Body: body, Actor: actor(r),
	}
	for k, v := range q {
		if name, ok := strings.CutPrefix(k, "fact."); ok && len(v) > 0 {
			if req.Facts == nil {
				req.Facts = map[string]archive.Date{}
			}
			req.Facts[name] = archive.Date(v[0])
		}
	}
	res, err := s.a.Ingest(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Existing {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/records/"+string(res.Record.ID))
	writeJSON(w, status, res)
}

// readForm reads the text fields before the "file" part and returns the
// file part unread, so large documents are streamed, not buffered twice.
func readForm(mr *multipart.Reader) (io.Reader, map[string]string, error) {
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, nil, errors.New("multipart form has no \"file\" part")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read multipart form: %v", err)
		}
		if p.FormName() == "file" {
			return p, fields, nil
		}
		v, err := io.ReadAll(io.LimitReader(p, 4096))
		if err != nil {
			return nil, nil, fmt.Errorf("read form field %s: %v", p.FormName(), err)
		}
		fields[p.FormName()] = string(v)
	}
}

// record answers a record's catalog data; the read is audited like a
// document's (purpose from the query).
func (s *Server) record(w http.ResponseWriter, r *http.Request) {
	rec, err := s.a.ReadRecord(r.Context(), archive.RecordID(r.PathValue("id")), actor(r), r.URL.Query().Get("purpose"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) document(w http.ResponseWriter, r *http.Request) {
	original, _ := strconv.ParseBool(r.URL.Query().Get("original"))
	verify, _ := strconv.ParseBool(r.URL.Query().Get("verify_seal"))
	doc, err := s.a.Get(r.Context(), archive.GetRequest{
		ID: archive.RecordID(r.PathValue("id")), Original: original,
		Purpose: r.URL.Query().Get("purpose"), Actor: actor(r), VerifySeal: verify,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctype := "application/pdf"
	if original {
		ctype = doc.Record.Manifest.MediaType
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(doc.Data)))
	w.Header().Set("ETag", `"`+doc.File.SHA256+`"`)
	w.Header().Set("X-Akte-Sha256", doc.File.SHA256)
	if doc.Seal != nil {
		w.Header().Set("X-Akte-Seal", headerSafe(doc.Seal.String()))
	}
	w.Write(doc.Data)
}

// seal answers the verdict on a record's seal (the archive copy is read
// for it, so the read is audited like any other).
func (s *Server) seal(w http.ResponseWriter, r *http.Request) {
	doc, err := s.a.Get(r.Context(), archive.GetRequest{
		ID: archive.RecordID(r.PathValue("id")), Purpose: cmp.Or(r.URL.Query().Get("purpose"), "seal verification"),
		Actor: actor(r), VerifySeal: true,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if doc.Seal == nil {
		writeJSON(w, http.StatusOK, archive.SealVerdict{Reasons: []string{"the record was archived without a seal"}})
		return
	}
	writeJSON(w, http.StatusOK, doc.Seal)
}

// headerSafe keeps a header value to printable ASCII.
func headerSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

// apiError is the JSON error body.
type apiError struct {
	Error struct {
		Kind    string `json:"kind"`
		Field   string `json:"field,omitempty"`
		Message string `json:"message"`
	} `json:"error"`
}

// statusFor maps archive error kinds to HTTP status: the one place that does.
func statusFor(err error) (int, string) {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, archive.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, errMediaType):
		return http.StatusUnsupportedMediaType, "unsupported_media_type"
	case errors.Is(err, archive.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, archive.ErrRefused):
		return http.StatusUnprocessableEntity, "refused"
	case errors.Is(err, archive.ErrDisposed): // also ErrNotFound
		return http.StatusGone, "disposed"
	case errors.Is(err, archive.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, archive.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, archive.ErrCorrupt):
		return http.StatusInternalServerError, "corrupt"
	case errors.Is(err, archive.ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable"
	case errors.Is(err, archive.ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, auth.ErrUnauthenticated):
		return http.StatusUnauthorized, "unauthenticated"
	case errors.Is(err, auth.ErrBadCredentials):
		return http.StatusUnauthorized, "bad_credentials"
	case errors.Is(err, auth.ErrRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, auth.ErrCSRF):
		return http.StatusForbidden, "csrf"
	case errors.Is(err, auth.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, auth.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, auth.ErrExists):
		return http.StatusConflict, "conflict"
	}
	return http.StatusInternalServerError, "internal"
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isUI(r) {
		s.uiFail(w, r, err) // an HTML page, or the login page
		return
	}
	status, kind := statusFor(err)
	var body apiError
	body.Error.Kind, body.Error.Message = kind, err.Error()
	var fe *archive.FieldError
	if errors.As(err, &fe) {
		body.Error.Field = fe.Field
	}
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var rl *auth.RateLimitError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="akte"`)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// search answers GET /api/v1/search?q=…&citizen=…&class=…&source=…&from=
// YYYY-MM-DD&to=…&sort=relevance|date&page=N&size=N&facets=true&
// highlight=true. The caller's role decides what they see (a records
// officer also restricted records).
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequest(r.URL.Query())
	req.Role = asRole(req.Role, actor(r).Role)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.a.Search(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// searchRequest reads the query parameters of a search; the first bad one
// is an ErrInvalid naming it.
func searchRequest(q url.Values) (archive.SearchRequest, error) {
	req := archive.SearchRequest{Query: q.Get("q"), Citizen: q["citizen"], Class: q["class"], Source: q["source"],
		Sort: q.Get("sort")}
	size, err := intParam(q, "size", 20)
	if err != nil {
		return req, err
	}
	page, err := intParam(q, "page", 1)
	if err != nil {
		return req, err
	}
	req.Size, req.From = size, (max(page, 1)-1)*size
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"from", &req.DateFrom}, {"to", &req.DateTo}} {
		if v := q.Get(d.name); v != "" {
			if *d.t, err = time.Parse(time.DateOnly, v); err != nil {
				return req, &archive.FieldError{Kind: archive.ErrInvalid, Field: d.name, Reason: "want YYYY-MM-DD"}
			}
		}
	}
	req.Facets, _ = strconv.ParseBool(q.Get("facets"))
	req.Highlight, _ = strconv.ParseBool(q.Get("highlight"))
	return req, nil
}

// asRole converts a role name to the search request's role type, which
// web cannot name without importing search (the design has web import
// archive only).
func asRole[T ~string](_ T, role string) T { return T(role) }

// intParam reads the non-negative whole number q[name], or def when absent.
func intParam(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, &archive.FieldError{Kind: archive.ErrInvalid, Field: name, Reason: fmt.Sprintf("%q is not a non-negative whole number", v)}
	}
	return n, nil
}
