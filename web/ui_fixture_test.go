package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/search"
	"akte/signing"
	"akte/signing/signingtest"
	"akte/web"
	"akte/web/auth"
)

// uiPassword is every fixture user's password.
const uiPassword = "ein-langes-passwort"

// uiFixture is the real server over a real archive: PDF/A stage, seal,
// search index, and one user per role (named after the role).
type uiFixture struct {
	a       *archive.Archive
	srv     *httptest.Server
	store   *auth.Store
	form    string // a sealed registration form of citizen P100234 (Erika Mustermann)
	pdf     string // a PDF/A tax notice of P100234
	citizen string
}

func newUIFixture(t testing.TB) *uiFixture {
	t.Helper()
	ctx := context.Background()
	idx, _, err := search.OpenOrRecreate(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	ca := signingtest.NewCA(t, "ui")
	chain, key := ca.Issue(t, signingtest.LeafOptions{CommonName: "Stadt Musterstadt"})
	sealer, err := signing.NewSealer(signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}})
	if err != nil {
		t.Fatal(err)
	}
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}, Sealer: sealer,
		Trust: signing.Trust{Roots: ca.Pool}, Search: idx})
	f := &uiFixture{a: a, citizen: "P100234"}
	res, err := a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: "P100234", Class: "registration",
		Source: archive.SourcePortal, MediaType: archive.MediaForm, Body: bytes.NewReader(archivetest.FormSubmission("Mustermann"))})
	if err != nil {
		t.Fatal(err)
	}
	f.form = string(res.Record.ID)
	res, err = a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: "P100234", Class: "tax",
		Title: "Gewerbesteuerbescheid 2025", Date: "2025-06-30", Source: archive.SourceImport,
		Body: bytes.NewReader(archivetest.MakePDFA(t, "Steuerpflichtig"))})
	if err != nil {
		t.Fatal(err)
	}
	f.pdf = string(res.Record.ID)
	if err := a.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := auth.Open(t.TempDir()+"/auth.db", &auth.Options{Argon2: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, r := range auth.Roles {
		if err := st.AddUser(ctx, string(r), r, uiPassword); err != nil {
			t.Fatal(err)
		}
	}
	f.store = st
	f.srv = httptest.NewServer(web.New(a, &web.Options{Auth: st, MaxBytes: 4 << 20, Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(f.srv.Close)
	return f
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects (tests look at them).
type browser struct {
	t    testing.TB
	c    *http.Client
	base string
	csrf string // the session's CSRF token, after login
}

func (f *uiFixture) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: f.srv.URL, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs in as the user of role through the login form.
func (f *uiFixture) login(t testing.TB, role auth.Role) *browser {
	t.Helper()
	b := f.browser(t)
	_, page := b.get("/ui/login")
	resp, _ := b.post("/ui/login", url.Values{"csrf": {formCSRF(t, page)}, "name": {string(role)}, "password": {uiPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %d", role, resp.StatusCode)
	}
	_, home := b.get("/ui/")
	b.csrf = formCSRF(t, home)
	return b
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formCSRF is the CSRF token of a page's first form.
func formCSRF(t testing.TB, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page: %.300s", page)
	}
	return m[1]
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a URL-encoded form as the browser would (the CSRF token is
// the caller's to add).
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// postCSRF is post with the session's CSRF token.
func (b *browser) postCSRF(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf", b.csrf)
	return b.post(path, form)
}

// follow returns the page a 303 leads to.
func (b *browser) follow(resp *http.Response, _ string) (*http.Response, string) {
	b.t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("want a 303, got %d", resp.StatusCode)
	}
	return b.get(resp.Header.Get("Location"))
}

// open opens a record with a purpose and returns the view page's path.
func (b *browser) open(id, purpose string) string {
	b.t.Helper()
	resp, body := b.postCSRF("/ui/records/"+id+"/open", url.Values{"purpose": {purpose}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("open %s: %d: %.300s", id, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// signature is a short pen stroke as the signature pad sends it.
func signature() string {
	b, _ := json.Marshal([][]archive.FormPoint{{{X: 20, Y: 150}, {X: 80, Y: 60}, {X: 140, Y: 150}, {X: 220, Y: 70}, {X: 300, Y: 140}}})
	return string(b)
}

// registrationForm is a complete counter intake of a registration.
func registrationForm(citizen, family string) url.Values {
	v := url.Values{"template": {"registration"}, "citizen": {citizen}, "strokes": {signature()}}
	for k, x := range map[string]string{"move_in_date": "2026-10-01", "dwelling": "Hauptwohnung", "street": "Lindenstraße 4",
		"postal_code": "12345", "city": "Musterstadt", "family_name": family, "given_names": "Erika",
		"birth_date": "1980-02-29", "birth_place": "Köln, Deutschland", "nationality": "deutsch",
		"place": "Musterstadt", "signed_on": "2026-10-02"} {
		v.Set("f."+k, x)
	}
	return v
}
