package web

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"akte/archive"
	"akte/web/auth"
)

// The web UI: server-rendered pages under /ui/ for clerks, records officers
// and auditors (html/template, autoescaped; assets embedded; no inline
// script). Every UI route is a row of the policy table like the API's; a
// refused request gets an HTML page (403), an anonymous one the login page.
// German first; English by the language switch or Accept-Language.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// uiCSP is the Content-Security-Policy of every UI page: scripts and styles
// from this server only, never inline; frames (the PDF) from here only;
// this UI may be framed by itself only.
const uiCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"

// uiHeaders sets the security headers of a UI response.
func uiHeaders(h http.Header) {
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// uiPages are the templates, one set per page (each page defines
// "content" inside the layout).
var uiPages = func() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		pages[name] = template.Must(template.New(name).Funcs(uiFuncs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return pages
}()

var uiFuncs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("02.01.2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("02.01.2006 15:04:05") + " UTC"
	},
	"add": func(a, b int) int { return a + b },
}

// uiState is the UI's per-server state.
type uiState struct {
	tickets *ticketCache
}

// uiRoutes registers the web UI (called once by New).
func (s *Server) uiRoutes() {
	s.ui = &uiState{tickets: newTicketCache()}
	s.handle("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ui/", http.StatusSeeOther)
	})
	s.uiHandle("GET /ui/static/{name}", s.uiStatic)
	s.uiHandle("GET /ui/lang/{lang}", s.uiLang)
	s.uiHandle("GET /ui/login", s.uiLoginPage)
	s.uiHandle("POST /ui/login", s.uiLogin)
	s.uiHandle("POST /ui/logout", s.uiLogout)
	s.uiHandle("GET /ui/{$}", s.uiHome)
	s.uiHandle("GET /ui/search", s.uiSearch)
	s.uiHandle("GET /ui/citizens/{id}", s.uiCitizen)
	s.uiHandle("GET /ui/records/{id}", s.uiRecord)
	s.uiHandle("POST /ui/records/{id}/open", s.uiOpen)
	s.uiHandle("GET /ui/records/{id}/view/{ticket}", s.uiView)
	s.uiHandle("GET /ui/records/{id}/pdf/{ticket}", s.uiPDF)
	s.uiHandle("POST /ui/records/{id}/hold", s.uiHold)
	s.uiHandle("POST /ui/records/{id}/release", s.uiRelease)
	s.uiHandle("POST /ui/records/{id}/approve", s.uiApprove)
	s.uiHandle("GET /ui/intake", s.uiIntakeForm)
	s.uiHandle("POST /ui/intake", s.uiIntake)
	s.uiHandle("GET /ui/retention", s.uiRetention)
	s.uiHandle("GET /ui/events", s.uiEventForm)
	s.uiHandle("POST /ui/events", s.uiEvent)
	s.uiHandle("GET /ui/disposals", s.uiDisposals)
	s.uiHandle("GET /ui/audit", s.uiAudit)
}

// uiHandle registers a UI route: the policy applies as to any route, and
// every response carries the UI's security headers.
func (s *Server) uiHandle(pattern string, h http.HandlerFunc) {
	s.handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		uiHeaders(w.Header())
		h(w, r)
	})
}

// isUI tells UI requests from API requests, for error pages.
func isUI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/ui/") }

// page is what every template gets.
type page struct {
	Lang  string
	User  auth.Principal
	CSRF  string
	Title string // a message key
	Path  string // the request's path and query, for the language switch
	Nav   []navItem
	Flash string // a message key
	Error string // shown above the content (already translated or a plain message)
	Data  any
	msgs  map[string]string
}

type navItem struct {
	Href, Label string
	Current     bool
}

// T translates key; args fill its %s/%d verbs.
func (p *page) T(key string, args ...any) string {
	m, ok := p.msgs[key]
	if !ok {
		m, ok = messages["de"][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// Label translates a value of a kind (class, phase, role…), or shows the
// value itself when there is no translation.
func (p *page) Label(kind, value string) string {
	key := kind + "." + value
	if m, ok := p.msgs[key]; ok {
		return m
	}
	if m, ok := messages["de"][key]; ok {
		return m
	}
	return value
}

// sub hands a sub-template the page and one value.
type sub struct {
	P *page
	V any
}

// With is the page with v, for {{template "name" ($.With v)}}.
func (p *page) With(v any) sub { return sub{p, v} }

// Other is the language the switch offers.
func (p *page) Other() string {
	if p.Lang == "en" {
		return "de"
	}
	return "en"
}

// Has reports whether the user's role may use the route pattern (for
// links and forms shown only to roles that may follow them).
func (p *page) Has(pattern string) bool { return mayUse(p.User.Role, pattern) }

func mayUse(role auth.Role, pattern string) bool {
	rule, ok := ruleFor(pattern)
	return ok && (rule.Public || rule.Roles[role] == Allow)
}

// The navigation: an item shows only to roles the policy lets use it.
var uiNav = []struct{ pattern, href, label string }{
	{"GET /ui/search", "/ui/search", "nav.search"},
	{"GET /ui/intake", "/ui/intake", "nav.intake"},
	{"GET /ui/retention", "/ui/retention", "nav.retention"},
	{"GET /ui/events", "/ui/events", "nav.events"},
	{"GET /ui/audit", "/ui/audit", "nav.audit"},
	{"GET /ui/disposals", "/ui/disposals", "nav.disposals"},
}

// langOf is the UI language: the cookie set by the switch, else the first
// of de and en in Accept-Language, else German.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && messages[c.Value] != nil {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag, _, _ = strings.Cut(strings.ToLower(tag), "-")
		if messages[tag] != nil {
			return tag
		}
	}
	return "de"
}

const langCookie = "akte_lang"

// newPage is the page of request r.
func (s *Server) newPage(r *http.Request, title string, data any) *page {
	lang := langOf(r)
	p := &page{Lang: lang, Title: title, Path: r.URL.RequestURI(), Data: data, msgs: messages[lang]}
	p.User, _ = auth.FromContext(r.Context())
	if sess, ok := auth.SessionFromContext(r.Context()); ok {
		p.CSRF = sess.CSRF
	}
	if p.User.Role != "" {
		for _, n := range uiNav {
			if mayUse(p.User.Role, n.pattern) {
				p.Nav = append(p.Nav, navItem{Href: n.href, Label: p.T(n.label), Current: r.URL.Path == n.href})
			}
		}
	}
	if ok := r.URL.Query().Get("ok"); ok != "" {
		if _, known := messages["de"]["flash."+ok]; known {
			p.Flash = "flash." + ok
		}
	}
	return p
}

// render writes the page name with status.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	t, ok := uiPages[name]
	if !ok {
		s.log.Error("no such UI template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.log.Error("render UI page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	uiHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// uiFail answers a failed UI request: anonymous callers go to the login
// page, everything else gets an error page with the status the API would
// give.
func (s *Server) uiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, kind := statusFor(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized && !errors.Is(err, auth.ErrBadCredentials) {
		target := "/ui/login"
		if r.Method == http.MethodGet && r.URL.Path != "/ui/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		uiHeaders(w.Header())
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "error.title", nil)
	msg := err.Error()
	if status >= 500 {
		msg = p.T("error.internal")
	}
	p.Data = struct {
		Status        int
		Kind, Message string
	}{status, kind, msg}
	var rl *auth.RateLimitError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds()+0.999)))
	}
	s.render(w, status, "error", p)
}

// uiStatic serves the embedded CSS and script (names only, no paths).
func (s *Server) uiStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctype := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || ctype[name[dot:]] == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		s.uiFail(w, r, fmt.Errorf("static %q: %w", name, archive.ErrNotFound))
		return
	}
	data, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		s.uiFail(w, r, fmt.Errorf("static %q: %w", name, archive.ErrNotFound))
		return
	}
	w.Header().Set("Content-Type", ctype[name[dot:]])
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(data)
}

// uiLang switches the language (a cookie) and goes back to next.
func (s *Server) uiLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if messages[lang] == nil {
		s.uiFail(w, r, fmt.Errorf("language %q: %w", lang, archive.ErrNotFound))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.authn.TLS, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// localNext keeps a redirect target inside the UI (no open redirect).
func localNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(next, "/ui/") || strings.ContainsAny(next, "\\\r\n") || strings.Contains(next, "/../") {
		return "/ui/"
	}
	return next
}

// loginCookie carries the login form's CSRF token (double submit: there is
// no session yet to hold it).
const loginCookie = "akte_login"

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type loginData struct {
	Name, Next string
}

func (s *Server) uiLoginPage(w http.ResponseWriter, r *http.Request) {
	s.loginForm(w, r, http.StatusOK, loginData{Next: localNext(r.URL.Query().Get("next"))}, "")
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, status int, d loginData, errMsg string) {
	token := randomHex(16)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/ui/login", MaxAge: 3600,
		HttpOnly: true, Secure: s.authn.TLS, SameSite: http.SameSiteStrictMode})
	p := s.newPage(r, "login.title", d)
	p.CSRF, p.Error = token, errMsg
	s.render(w, status, "login", p)
}

// uiLogin checks the form's CSRF token against its cookie, then the
// password (rate-limited like the API's login), and starts a session.
func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.uiFail(w, r, &archive.FieldError{Kind: archive.ErrInvalid, Field: "form", Reason: err.Error()})
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get(auth.CSRFField))) != 1 {
		s.uiFail(w, r, auth.ErrCSRF)
		return
	}
	d := loginData{Name: r.PostForm.Get("name"), Next: localNext(r.PostForm.Get("next"))}
	p := s.newPage(r, "login.title", nil)
	if s.auth == nil {
		s.loginForm(w, r, http.StatusUnauthorized, d, p.T("login.noauth"))
		return
	}
	pr, err := s.auth.Authenticate(r.Context(), d.Name, r.PostForm.Get("password"), clientHost(r))
	var rl *auth.RateLimitError
	switch {
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds()+0.999)))
		s.loginForm(w, r, http.StatusTooManyRequests, d, p.T("login.ratelimited", rl.RetryAfter.Round(time.Second).String()))
		return
	case errors.Is(err, auth.ErrBadCredentials), errors.Is(err, auth.ErrUnauthenticated):
		s.loginForm(w, r, http.StatusUnauthorized, d, p.T("login.bad"))
		return
	case err != nil:
		s.uiFail(w, r, err)
		return
	}
	id, _, err := s.auth.NewSession(r.Context(), pr.Name)
	if err != nil {
		s.uiFail(w, r, err)
		return
	}
	s.authn.SetSessionCookie(w, id)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/ui/login", MaxAge: -1})
	s.log.Info("logged in", "user", pr.Name, "role", pr.Role, "via", "ui")
	if d.Next == "/ui/" {
		d.Next = startPage(pr.Role)
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (s *Server) uiLogout(w http.ResponseWriter, r *http.Request) {
	if id := s.authn.SessionCookie(r); id != "" {
		if err := s.auth.DeleteSession(r.Context(), id); err != nil {
			s.uiFail(w, r, err)
			return
		}
		s.authn.ClearSessionCookie(w)
	}
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}

// uiHome lists the pages of the caller's role.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "home", s.newPage(r, "home.title", nil))
}

// startPage is where a role lands after logging in: its first page.
func startPage(role auth.Role) string {
	for _, n := range uiNav {
		if mayUse(role, n.pattern) {
			return n.href
		}
	}
	return "/ui/"
}

// parseUIForm reads a POSTed form (URL-encoded, at most 1 MiB).
func parseUIForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: "form", Reason: err.Error()}
	}
	return nil
}
