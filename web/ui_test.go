package web_test

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/web"
	"akte/web/auth"
)

// uiPage is one GET page of the UI, who may see it, and a text it shows.
type uiPage struct {
	path  func(f *uiFixture) string
	roles []auth.Role
	want  string
}

func uiPages() map[string]uiPage {
	const ro, clerk, auditor = auth.RecordsOfficer, auth.Clerk, auth.Auditor
	fixed := func(p string) func(*uiFixture) string { return func(*uiFixture) string { return p } }
	return map[string]uiPage{
		"home":      {fixed("/ui/"), auth.Roles, "Akte"},
		"search":    {fixed("/ui/search?q=Lindenstra%C3%9Fe"), []auth.Role{clerk, ro}, "<mark>Lindenstraße</mark>"},
		"citizen":   {func(f *uiFixture) string { return "/ui/citizens/" + f.citizen }, []auth.Role{clerk, ro}, "Gewerbesteuerbescheid 2025"},
		"record":    {func(f *uiFixture) string { return "/ui/records/" + f.form }, []auth.Role{clerk, ro}, "Zweck des Zugriffs"},
		"intake":    {fixed("/ui/intake"), []auth.Role{clerk}, "Anmeldung einer Wohnung"},
		"form":      {fixed("/ui/intake?template=registration"), []auth.Role{clerk}, `<canvas id="sigpad"`},
		"retention": {fixed("/ui/retention"), []auth.Role{ro}, "Fällig bis"},
		"events":    {fixed("/ui/events?citizen=P100234"), []auth.Role{ro}, "Wegzug"},
		"disposals": {fixed("/ui/disposals"), []auth.Role{ro, auditor}, "Löschnachweise"},
		"audit":     {fixed("/ui/audit"), []auth.Role{auditor}, "Hash-Kette geprüft: unverändert"},
	}
}

// TestUIPagesByRole: every page renders for the roles the policy allows,
// is 403 (as an HTML page) for the others, and sends anonymous callers to
// the login page; the navigation offers a role only its pages.
func TestUIPagesByRole(t *testing.T) {
	f := newUIFixture(t)
	browsers := map[auth.Role]*browser{}
	for _, r := range auth.Roles {
		browsers[r] = f.login(t, r)
	}
	anon := f.browser(t)
	for name, pg := range uiPages() {
		path := pg.path(f)
		resp, _ := anon.get(path)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/ui/login") {
			t.Errorf("%s anonymous: %d → %q, want 303 to the login page", name, resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, r := range auth.Roles {
			resp, body := browsers[r].get(path)
			if slices.Contains(pg.roles, r) {
				if resp.StatusCode != 200 || !strings.Contains(body, pg.want) {
					t.Errorf("%s as %s: %d, want 200 showing %q: %.400s", name, r, resp.StatusCode, pg.want, body)
				}
			} else if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Keine Berechtigung") ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s as %s: %d %s, want a 403 page", name, r, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
	}
	// The navigation follows the policy.
	_, body := browsers[auth.Clerk].get("/ui/")
	if !strings.Contains(body, `href="/ui/intake"`) || strings.Contains(body, `href="/ui/audit"`) || strings.Contains(body, `href="/ui/retention"`) {
		t.Errorf("clerk's navigation: %.1000s", body)
	}
	_, body = browsers[auth.Auditor].get("/ui/")
	if !strings.Contains(body, `href="/ui/audit"`) || strings.Contains(body, `href="/ui/search"`) {
		t.Errorf("auditor's navigation: %.1000s", body)
	}
}

// TestUILogin: wrong passwords are refused with the form again, the login
// form needs its CSRF token, logging out ends the session, and a login
// lands on the role's first page (or where it was sent from, inside the UI
// only).
func TestUILogin(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	_, page := b.get("/ui/login")
	token := formCSRF(t, page)
	resp, body := b.post("/ui/login", url.Values{"csrf": {token}, "name": {"clerk"}, "password": {"falsch-falsch"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Benutzername oder Passwort ist falsch") {
		t.Errorf("wrong password: %d %.300s", resp.StatusCode, body)
	}
	// Without the login form's token (a cross-site login): refused.
	other := f.browser(t)
	resp, _ = other.post("/ui/login", url.Values{"csrf": {token}, "name": {"clerk"}, "password": {uiPassword}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without the form's cookie: %d, want 403", resp.StatusCode)
	}
	_, page = b.get("/ui/login?next=" + url.QueryEscape("javascript:alert(1)"))
	if strings.Contains(page, "javascript:") {
		t.Errorf("the login page carries a javascript: next")
	}
	for next, want := range map[string]string{"": "/ui/search", "/ui/citizens/P100234": "/ui/citizens/P100234",
		"https://evil.example/": "/ui/search", "//evil.example/ui/": "/ui/search", "javascript:alert(1)": "/ui/search"} {
		b := f.browser(t)
		_, page := b.get("/ui/login")
		resp, _ := b.post("/ui/login", url.Values{"csrf": {formCSRF(t, page)}, "name": {"clerk"}, "password": {uiPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != want {
			t.Errorf("login with next %q: %d → %q, want %q", next, resp.StatusCode, loc, want)
		}
	}
	c := f.login(t, auth.Clerk)
	resp, _ = c.postCSRF("/ui/logout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := c.get("/ui/search"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d, want 303 to the login page", resp.StatusCode)
	}
	// Language: the switch and Accept-Language.
	resp, _ = c.get("/ui/lang/en?next=" + url.QueryEscape("https://evil.example/"))
	if resp.Header.Get("Location") != "/ui/" {
		t.Errorf("language switch redirects to %q", resp.Header.Get("Location"))
	}
	if _, body := c.get("/ui/login"); !strings.Contains(body, "User name") {
		t.Errorf("English after the switch: %.300s", body)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/ui/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
	if _, body := f.browser(t).do(req); !strings.Contains(body, `lang="en"`) {
		t.Errorf("Accept-Language en: %.200s", body)
	}
}

// TestUIHeaders: every UI response carries the security headers; the
// inline PDF has its own strict CSP and no script may run in any page.
func TestUIHeaders(t *testing.T) {
	f := newUIFixture(t)
	b := f.login(t, auth.Clerk)
	view := b.open(f.form, "AZ 123/26")
	for _, path := range []string{"/ui/login", "/ui/search?q=x", "/ui/records/" + f.form, view, "/ui/audit", "/ui/records/" + unknownRecord} {
		resp, body := b.get(path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("%s: headers %v", path, h)
		}
		if regexp.MustCompile(`<script(?:[^>]*)>[^<]`).MatchString(body) || strings.Contains(body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s: inline script or event handler in the page", path)
		}
	}
	pdf := strings.Replace(view, "/view/", "/pdf/", 1)
	resp, body := b.get(pdf)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("pdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
		t.Errorf("pdf Content-Disposition %q", cd)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("pdf CSP %q", csp)
	}
	if resp, _ := b.get(pdf + "?download=1"); !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("download Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
}

// TestUIOneReadPerOpening: opening a document is one audited read with
// the purpose given, however often the page, the PDF and the download
// are loaded; another user cannot use the opening.
func TestUIOneReadPerOpening(t *testing.T) {
	f := newUIFixture(t)
	b := f.login(t, auth.Clerk)
	if resp, body := b.postCSRF("/ui/records/"+f.form+"/open", url.Values{"purpose": {""}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "Bitte den Zweck angeben") {
		t.Errorf("open without a purpose: %d", resp.StatusCode)
	}
	view := b.open(f.form, "AZ 4711/26")
	pdf := strings.Replace(view, "/view/", "/pdf/", 1)
	resp, body := b.get(view)
	if resp.StatusCode != 200 || !strings.Contains(body, "Siegel gültig") || !strings.Contains(body, "AZ 4711/26") ||
		!strings.Contains(body, `<iframe id="pdf" src="`+pdf+`#navpanes=0&amp;view=FitH"`) {
		t.Fatalf("view: %d %.2000s", resp.StatusCode, body)
	}
	for range 3 {
		b.get(view)
		b.get(pdf)
		b.get(pdf + "?download=1")
	}
	reads := 0
	page, err := f.a.AuditLog(context.Background(), archive.AuditQuery{Record: archive.RecordID(f.form), Action: "read",
		By: archive.Actor{Name: "test", Role: "auditor"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Entries {
		reads++
		if e.Actor != "clerk" || e.Role != "clerk" || e.Purpose != "AZ 4711/26" {
			t.Errorf("audit entry %+v", e)
		}
	}
	if reads != 1 {
		t.Errorf("%d read entries for one opening, want 1", reads)
	}
	// Someone else's opening is not theirs.
	o := f.login(t, auth.RecordsOfficer)
	if resp, _ := o.get(pdf); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another user's opening: %d, want 404", resp.StatusCode)
	}
}

// TestUICounterIntake: a clerk fills a form, the citizen signs, and the
// sealed PDF/A is shown back; the record is the counter's.
func TestUICounterIntake(t *testing.T) {
	f := newUIFixture(t)
	b := f.login(t, auth.Clerk)
	_, page := b.get("/ui/intake?template=registration")
	form := registrationForm("P300001", "Schmidt")
	form.Set("idem", regexp.MustCompile(`name="idem" value="([0-9a-f]+)"`).FindStringSubmatch(page)[1])
	resp, body := b.postCSRF("/ui/intake", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("intake: %d %.2000s", resp.StatusCode, body)
	}
	view := resp.Header.Get("Location")
	_, body = b.get(view)
	if !strings.Contains(body, "archiviert und gesiegelt") || !strings.Contains(body, "Siegel gültig") {
		t.Errorf("intake result: %.3000s", body)
	}
	resp, pdf := b.get(strings.Replace(view, "/view/", "/pdf/", 1))
	if resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF-") || !strings.Contains(pdf, "/ByteRange") {
		t.Errorf("sealed pdf: %d", resp.StatusCode)
	}
	// Sent twice (a double click): archived once.
	resp2, _ := b.postCSRF("/ui/intake", form)
	if resp2.StatusCode != http.StatusSeeOther || strings.Split(resp2.Header.Get("Location"), "/view/")[0] != strings.Split(view, "/view/")[0] {
		t.Errorf("the same form twice: %d %s, want the same record as %s", resp2.StatusCode, resp2.Header.Get("Location"), view)
	}
	// A missing required field comes back with the form, values kept.
	form = registrationForm("P300001", "")
	resp, body = b.postCSRF("/ui/intake", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "family_name") || !strings.Contains(body, `value="Lindenstraße 4"`) {
		t.Errorf("incomplete form: %d %.500s", resp.StatusCode, body)
	}
	// A bad citizen ID too.
	form = registrationForm("../../etc", "Schmidt")
	if resp, _ := b.postCSRF("/ui/intake", form); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad citizen: %d", resp.StatusCode)
	}
}

// TestUIRecordsOfficer: a hold set and released with reasons, an event
// recorded, the plan and the audit trail of it.
func TestUIRecordsOfficer(t *testing.T) {
	f := newUIFixture(t)
	o := f.login(t, auth.RecordsOfficer)
	resp, body := o.follow(o.postCSRF("/ui/records/"+f.form+"/hold", url.Values{"reason": {"VG Berlin 1 K 23/26"}}))
	if resp.StatusCode != 200 || !strings.Contains(body, "Die Sperre ist gesetzt") || !strings.Contains(body, "VG Berlin 1 K 23/26") {
		t.Errorf("after the hold: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := o.postCSRF("/ui/records/"+f.form+"/hold", url.Values{"reason": {"noch einmal"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("a second hold: %d, want 409", resp.StatusCode)
	}
	if resp, _ := o.postCSRF("/ui/records/"+f.form+"/hold", url.Values{"reason": {""}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a hold without a reason: %d, want 400", resp.StatusCode)
	}
	_, body = o.get("/ui/citizens/" + f.citizen)
	if !strings.Contains(body, "Rechtliche Sperre") {
		t.Errorf("the citizen's file does not show the hold")
	}
	resp, _ = o.follow(o.postCSRF("/ui/records/"+f.form+"/release", url.Values{"reason": {"Verfahren beendet"}}))
	if resp.StatusCode != 200 {
		t.Errorf("release: %d", resp.StatusCode)
	}
	o.follow(o.postCSRF("/ui/events", url.Values{"citizen": {f.citizen}, "type": {"new_document"}, "date": {"2026-02-01"}, "detail": {"passport"}}))
	resp, body = o.follow(o.postCSRF("/ui/events", url.Values{"citizen": {f.citizen}, "type": {"moved_away"}, "date": {"2026-03-01"}}))
	if resp.StatusCode != 200 || !strings.Contains(body, "Wegzug") || !strings.Contains(body, "<td>passport</td>") {
		t.Errorf("event: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := o.postCSRF("/ui/events", url.Values{"citizen": {f.citizen}, "type": {"exploded"}, "date": {"2026-03-01"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown event type: %d", resp.StatusCode)
	}
	if resp, _ := o.get("/ui/retention?until=2099-01-01"); resp.StatusCode != 200 {
		t.Errorf("plan: %d", resp.StatusCode)
	}
	if resp, _ := o.get("/ui/disposals?record=" + f.form); resp.StatusCode != http.StatusNotFound {
		t.Errorf("certificate of a record not disposed of: %d", resp.StatusCode)
	}
	a := f.login(t, auth.Auditor)
	_, body = a.get("/ui/audit?record=" + f.form)
	for _, want := range []string{"<code>hold</code>", "<code>release</code>", "Hash-Kette geprüft: unverändert"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	_, body = a.get("/ui/audit?action=citizen-event&citizen=" + f.citizen)
	if !strings.Contains(body, "<code>citizen-event</code>") {
		t.Errorf("audit filter by action: %.2000s", body)
	}
	if resp, _ := a.get("/ui/audit?since=gestern"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad since: %d", resp.StatusCode)
	}
}

// TestUICSRF: every UI form that changes something is refused without the
// session's token, or with another session's, and changes nothing.
func TestUICSRF(t *testing.T) {
	f := newUIFixture(t)
	o := f.login(t, auth.RecordsOfficer)
	c := f.login(t, auth.Clerk)
	posts := []struct {
		b    *browser
		path string
		form url.Values
	}{
		{o, "/ui/records/" + f.form + "/hold", url.Values{"reason": {"csrf"}}},
		{o, "/ui/records/" + f.form + "/release", url.Values{"reason": {"csrf"}}},
		{o, "/ui/records/" + f.form + "/approve", url.Values{"reason": {"csrf"}}},
		{o, "/ui/events", url.Values{"citizen": {"P100234"}, "type": {"deceased"}, "date": {"2026-01-01"}}},
		{c, "/ui/records/" + f.form + "/open", url.Values{"purpose": {"csrf"}}},
		{c, "/ui/intake", registrationForm("P400001", "Csrf")},
		{c, "/ui/logout", url.Values{}},
	}
	for _, p := range posts {
		for name, token := range map[string]string{"none": "", "wrong": strings.Repeat("0", len(p.b.csrf)), "other session": o.csrf} {
			if p.b == o && name == "other session" {
				token = c.csrf
			}
			form := url.Values{}
			for k, v := range p.form {
				form[k] = v
			}
			if token != "" {
				form.Set("csrf", token)
			}
			resp, body := p.b.post(p.path, form)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
				t.Errorf("POST %s with %s token: %d, want 403 csrf", p.path, name, resp.StatusCode)
			}
		}
	}
	rs, err := f.a.Retention(context.Background(), archive.RecordID(f.form))
	if err != nil || rs.Hold != nil {
		t.Errorf("a refused hold was set: %v %+v", err, rs.Hold)
	}
	evs, _ := f.a.Events(context.Background(), "P100234")
	if len(evs) != 0 {
		t.Errorf("a refused event was recorded: %v", evs)
	}
	if res, _ := f.a.Search(context.Background(), archive.SearchRequest{Citizen: []string{"P400001"}, Role: "clerk"}); res != nil && res.Total != 0 {
		t.Errorf("a refused intake was archived")
	}
	if resp, _ := c.get("/ui/search"); resp.StatusCode != 200 {
		t.Errorf("a refused logout logged out: %d", resp.StatusCode)
	}
}

// xssPayloads are stored in every text field the UI shows.
var xssPayloads = []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`}

// TestUIStoredXSS: payloads in names, titles, form values, hold reasons,
// event notes, purposes and the search query come out escaped in every
// page and as plain text in the PDF, which has no script or link action.
func TestUIStoredXSS(t *testing.T) {
	f := newUIFixture(t)
	ctx := context.Background()
	c := f.login(t, auth.Clerk)
	o := f.login(t, auth.RecordsOfficer)
	p := strings.Join(xssPayloads, " ")
	// A title (through the API, the only way titles come in).
	res, err := f.a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: "X1", Class: "tax", Title: "Bescheid " + p,
		Body: bytes.NewReader(archivetest.MakePDFA(t, "Xss"))})
	if err != nil {
		t.Fatal(err)
	}
	titled := string(res.Record.ID)
	// A counter intake with the payload in every text field.
	form := registrationForm("X1", p)
	for _, k := range []string{"street", "city", "given_names", "birth_place", "nationality", "place", "remarks", "landlord", "address_extra"} {
		form.Set("f."+k, p)
	}
	form.Set("f.remarks", strings.Repeat(p+" ", 3))
	resp, body := c.postCSRF("/ui/intake", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("intake with payloads: %d %.2000s", resp.StatusCode, body)
	}
	view := resp.Header.Get("Location")
	// Hold reason, event note, a purpose.
	o.postCSRF("/ui/records/"+titled+"/hold", url.Values{"reason": {p}})
	// Event notes take document kinds only: the payload is refused, and
	// the error page echoes it escaped.
	if resp, body := o.postCSRF("/ui/events", url.Values{"citizen": {"X1"}, "type": {"new_document"}, "detail": {p}, "date": {"2026-01-01"}}); resp.StatusCode != http.StatusBadRequest ||
		strings.Contains(body, xssPayloads[0]) || !strings.Contains(body, templateEscape(xssPayloads[0][:8])) {
		t.Errorf("event with a payload note: %d %.1000s", resp.StatusCode, body)
	}
	c.open(titled, "AZ "+p)
	if err := f.a.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	a := f.login(t, auth.Auditor)
	pages := []struct {
		b    *browser
		path string
	}{
		{c, "/ui/search?q=" + url.QueryEscape(p)},
		{c, "/ui/search?q=Bescheid"},
		{c, "/ui/search?q=" + url.QueryEscape("alert")},
		{c, "/ui/citizens/X1"},
		{c, "/ui/records/" + titled},
		{c, view},
		{o, "/ui/citizens/X1"},
		{o, "/ui/records/" + titled},
		{o, "/ui/retention?until=2099-01-01"},
		{a, "/ui/audit"},
		{a, "/ui/audit?actor=" + url.QueryEscape(p)},
		{c, "/ui/intake?template=registration&citizen=" + url.QueryEscape(p)},
	}
	shown := map[string]int{}
	for _, pg := range pages {
		_, body := pg.b.get(pg.path)
		for _, x := range xssPayloads[:2] {
			if strings.Contains(body, x) {
				t.Errorf("%s: raw payload %q in the page", pg.path, x)
			}
			if strings.Contains(body, html.EscapeString(x)) || strings.Contains(body, templateEscape(x)) {
				shown[x]++
			}
		}
		if regexp.MustCompile(`(?i)(href|src|action)="\s*javascript:`).MatchString(body) {
			t.Errorf("%s: a javascript: URL in an attribute", pg.path)
		}
		if regexp.MustCompile(`<img[^>]*onerror`).MatchString(body) {
			t.Errorf("%s: an img with onerror", pg.path)
		}
	}
	for _, x := range xssPayloads[:2] {
		if shown[x] < len(pages)/2 {
			t.Errorf("payload %q shown escaped on only %d pages: the test does not see the fields", x, shown[x])
		}
	}
	// The PDF of the form: the payload is text, and there is no action.
	_, pdf := c.get(strings.Replace(view, "/view/", "/pdf/", 1))
	for _, bad := range []string{"/JS", "/JavaScript", "/URI", "/OpenAction", "/Launch", "/AA", "/SubmitForm"} {
		if strings.Contains(pdf, bad) {
			t.Errorf("the form PDF contains %s", bad)
		}
	}
	text := pdfText(t, []byte(pdf))
	for _, x := range xssPayloads {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), x) {
			t.Errorf("pdftotext of the form lacks the payload %q as text:\n%s", x, text)
		}
	}
}

// templateEscape is html/template's escaping of text (it escapes quotes
// and + as numeric references, unlike html.EscapeString).
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

// pdfText is pdftotext's text of pdf (the test needs poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("AKTE_TEST_STRICT") == "1" {
			t.Fatal("pdftotext (Debian poppler-utils) is missing")
		}
		t.Skip("pdftotext (Debian poppler-utils) is missing: apt-get install poppler-utils")
	}
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestUIPathTraversal: IDs, tickets, names and keys with ../, encoded
// dots or absolute paths reach nothing: 400 or 404, never a file.
func TestUIPathTraversal(t *testing.T) {
	f := newUIFixture(t)
	c := f.login(t, auth.Clerk)
	o := f.login(t, auth.RecordsOfficer)
	a := f.login(t, auth.Auditor)
	bad := []string{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e", "..",
		"%2fetc%2fpasswd", "..%5c..%5cwindows", "....//....//etc/passwd", "%252e%252e%252f"}
	var paths []struct {
		b    *browser
		path string
	}
	add := func(b *browser, format string) {
		for _, x := range bad {
			paths = append(paths, struct {
				b    *browser
				path string
			}{b, strings.ReplaceAll(format, "X", x)})
		}
	}
	add(c, "/ui/records/X")
	add(c, "/ui/records/X/view/0123456789abcdef0123456789abcdef")
	add(c, "/ui/records/"+f.form+"/pdf/X")
	add(c, "/ui/records/"+f.form+"/view/X")
	add(c, "/ui/citizens/X")
	add(c, "/ui/static/X")
	add(c, "/ui/static/X%2fui.go")
	add(c, "/ui/static/X%2fgo.mod")
	add(c, "/ui/lang/X")
	add(c, "/ui/intake?template=X")
	add(c, "/ui/search?class=X&q=a")
	add(o, "/ui/disposals?record=X")
	add(o, "/ui/retention?class=X")
	add(a, "/ui/audit?record=X")
	add(a, "/ui/audit?citizen=X")
	for _, p := range paths {
		resp, body := p.b.get(p.path)
		cleaned := false // the mux cleans a path with .. and redirects to the cleaned one
		for resp.StatusCode == http.StatusMovedPermanently || resp.StatusCode == http.StatusTemporaryRedirect {
			cleaned = true
			resp, body = p.b.get(resp.Header.Get("Location"))
		}
		ok := resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusBadRequest ||
			// a search filter that matches nothing; a UI page after the mux cleaned the path (its
			// .. dropped a segment: /ui/records/ID/pdf/.. is the record's page)
			(resp.StatusCode == 200 && (strings.HasPrefix(p.path, "/ui/search") || cleaned))
		if !ok {
			t.Errorf("GET %s: %d, want 400 or 404", p.path, resp.StatusCode)
		}
		for _, leak := range []string{"root:x:0:0", "package web", "module akte", "%PDF-"} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %s: the answer holds %q", p.path, leak)
			}
		}
	}
	// The assets themselves are served.
	if resp, body := c.get("/ui/static/akte.css"); resp.StatusCode != 200 || !strings.Contains(body, "focus-visible") {
		t.Errorf("akte.css: %d", resp.StatusCode)
	}
	// POSTs with bad IDs.
	for _, x := range bad {
		if resp, _ := o.postCSRF("/ui/records/"+x+"/hold", url.Values{"reason": {"x"}}); resp.StatusCode != http.StatusNotFound &&
			resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusMovedPermanently && resp.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("POST hold %s: %d", x, resp.StatusCode)
		}
		if resp, _ := o.postCSRF("/ui/events", url.Values{"citizen": {x}, "type": {"deceased"}, "date": {"2026-01-01"}}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST event for %s: %d", x, resp.StatusCode)
		}
	}
}

// TestUIMessages: every message key the templates and handlers use exists
// in German and in English.
func TestUIMessages(t *testing.T) {
	keys := map[string]bool{}
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("ui*.go")
	re := regexp.MustCompile(`\.T "([a-z0-9.\-_]+)"|p\.T\("([a-z0-9.\-_]+)"|"(nav\.[a-z]+)"`)
	for _, name := range append(files, goFiles...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if k := m[1] + m[2] + m[3]; !strings.HasSuffix(k, ".") {
				keys[k] = true
			}
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys", len(keys))
	}
	de, en := web.Messages("de"), web.Messages("en")
	for k := range keys {
		if _, ok := de[k]; !ok {
			t.Errorf("message %q missing in German", k)
		}
		if _, ok := en[k]; !ok {
			t.Errorf("message %q missing in English", k)
		}
	}
	for k := range de {
		if _, ok := en[k]; !ok {
			t.Errorf("message %q has no English", k)
		}
	}
}
