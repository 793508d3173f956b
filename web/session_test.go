package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/web"
	"akte/web/auth"
)

// client sends requests with an optional session cookie, CSRF token and
// bearer token.
type client struct {
	t      *testing.T
	url    string
	cookie *http.Cookie
}

func (c *client) do(method, path, ctype, body string, hdr map[string]string) (*http.Response, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(c.t, req)
}

func (c *client) login(name, password string) (*http.Response, []byte) {
	c.t.Helper()
	resp, b := c.do("POST", "/api/v1/session", "application/json", `{"name": "`+name+`", "password": "`+password+`"}`, nil)
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.CookieName {
			c.cookie = ck
		}
	}
	return resp, b
}

func kindOf(b []byte) string {
	var e errBody
	json.Unmarshal(b, &e)
	return e.Error.Kind
}

// A cookie-authenticated request that changes something needs the
// session's CSRF token (header or form field); a bearer token needs none.
func TestSessionCSRF(t *testing.T) {
	f := newAuth(t, nil)
	ctx := context.Background()
	if err := f.store.AddUser(ctx, "clara", auth.RecordsOfficer, "claras-passwort-123"); err != nil {
		t.Fatal(err)
	}
	a := archivetest.Open(t, archive.Options{})
	srv, _ := serveRaw(t, a, f)
	bearer := func(r auth.Role) map[string]string {
		return map[string]string{"Authorization": "Bearer " + f.tokens[r]}
	}
	anon := &client{t: t, url: srv.URL}
	resp, b := anon.do("POST", "/api/v1/records?citizen=P1&class=tax", "application/pdf", string(archivetest.MakePDF("Bescheid", "P1")), bearer(auth.Intake))
	var res struct{ Record struct{ ID string } }
	if json.Unmarshal(b, &res); resp.StatusCode != 201 {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	hold := "/api/v1/records/" + res.Record.ID + "/hold"

	c := &client{t: t, url: srv.URL}
	resp, b = c.login("clara", "claras-passwort-123")
	var info struct{ Name, Role, Via, CSRF string }
	if json.Unmarshal(b, &info); resp.StatusCode != 201 || info.Role != "records-officer" || info.Via != "session" || len(info.CSRF) < 40 || c.cookie == nil {
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	if ck := c.cookie; !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.Secure {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, not Secure without TLS", ck)
	}
	if resp, b := c.do("GET", "/api/v1/session", "", "", nil); resp.StatusCode != 200 || !strings.Contains(string(b), info.CSRF) {
		t.Fatalf("whoami: %d %s", resp.StatusCode, b)
	}
	held := func() bool {
		resp, b := c.do("GET", "/api/v1/records/"+res.Record.ID+"/retention", "", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("retention: %d %s", resp.StatusCode, b)
		}
		return strings.Contains(string(b), `"hold": {`)
	}
	body := `{"reason": "Widerspruch"}`
	for name, hdr := range map[string]map[string]string{"no token": nil, "wrong token": {"X-CSRF-Token": strings.Repeat("A", len(info.CSRF))}, "empty token": {"X-CSRF-Token": ""}} {
		if resp, b := c.do("POST", hold, "application/json", body, hdr); resp.StatusCode != 403 || kindOf(b) != "csrf" {
			t.Errorf("POST with %s: %d %s", name, resp.StatusCode, b)
		}
		if resp, b := c.do("DELETE", "/api/v1/session", "", "", hdr); resp.StatusCode != 403 || kindOf(b) != "csrf" {
			t.Errorf("DELETE session with %s: %d %s", name, resp.StatusCode, b)
		}
	}
	if held() {
		t.Fatal("a refused request set a hold")
	}
	if resp, b := c.do("POST", hold, "application/json", body, map[string]string{"X-CSRF-Token": info.CSRF}); resp.StatusCode != 200 || !held() {
		t.Fatalf("POST with the token: %d %s", resp.StatusCode, b)
	}
	// The form field passes the CSRF check (the route then wants JSON).
	if resp, b := c.do("DELETE", hold, "application/x-www-form-urlencoded", "csrf="+info.CSRF, nil); resp.StatusCode != 415 {
		t.Errorf("DELETE with the form field: %d %s", resp.StatusCode, b)
	}
	// A bearer token needs no CSRF token.
	if resp, b := anon.do("DELETE", hold, "application/json", `{"reason": "erledigt"}`, bearer(auth.RecordsOfficer)); resp.StatusCode != 200 || held() {
		t.Fatalf("DELETE with a bearer token: %d %s", resp.StatusCode, b)
	}
	// Log out: the session is gone on the server, whatever the browser keeps.
	if resp, b := c.do("DELETE", "/api/v1/session", "", "", map[string]string{"X-CSRF-Token": info.CSRF}); resp.StatusCode != 204 {
		t.Fatalf("logout: %d %s", resp.StatusCode, b)
	}
	if resp, b := c.do("GET", "/api/v1/session", "", "", nil); resp.StatusCode != 401 || kindOf(b) != "unauthenticated" {
		t.Fatalf("after logout: %d %s", resp.StatusCode, b)
	}
}

// With TLS the cookie is __Host-akte_session and Secure.
func TestSessionCookieTLS(t *testing.T) {
	f := newAuth(t, nil)
	f.store.AddUser(context.Background(), "tom", auth.Clerk, "toms-passwort-123")
	srv := httptest.NewServer(web.New(archivetest.Open(t, archive.Options{}), &web.Options{Auth: f.store, TLS: true, Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	resp, b := (&client{t: t, url: srv.URL}).login("tom", "toms-passwort-123")
	sc := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != 201 || !strings.HasPrefix(sc, auth.CookieNameTLS+"=") || !strings.Contains(sc, "Secure") ||
		!strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Strict") || !strings.Contains(sc, "Path=/") || strings.Contains(sc, "Domain") {
		t.Fatalf("login over TLS: %d %q %s", resp.StatusCode, sc, b)
	}
}

// Wrong passwords: 401 with one body for a wrong password and an unknown
// user alike; after five, 429 with Retry-After, even for the right one.
func TestLoginRateLimited(t *testing.T) {
	f := newAuth(t, nil)
	f.store.AddUser(context.Background(), "ida", auth.Clerk, "idas-passwort-123")
	srv, _ := serveRaw(t, archivetest.Open(t, archive.Options{}), f)
	c := &client{t: t, url: srv.URL}
	var first []byte
	for i := range 5 {
		resp, b := c.login("ida", "falsch-falsch-falsch")
		if resp.StatusCode != 401 || kindOf(b) != "bad_credentials" {
			t.Fatalf("attempt %d: %d %s", i+1, resp.StatusCode, b)
		}
		if first == nil {
			first = b
		} else if string(b) != string(first) {
			t.Fatalf("attempt %d answered differently: %s vs %s", i+1, b, first)
		}
	}
	resp, b := c.login("niemand", "falsch-falsch-falsch")
	if resp.StatusCode != 401 || string(b) != string(first) {
		t.Fatalf("unknown user is distinguishable: %d %s vs %s", resp.StatusCode, b, first)
	}
	resp, b = c.login("ida", "idas-passwort-123")
	if resp.StatusCode != 429 || kindOf(b) != "rate_limited" || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Retry-After") == "0" || c.cookie != nil {
		t.Fatalf("after 5 failures: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	// Parallel guesses are limited too.
	var wg sync.WaitGroup
	var mu sync.Mutex
	limited := 0
	for range 10 {
		wg.Go(func() {
			resp, _ := http.Post(srv.URL+"/api/v1/session", "application/json", strings.NewReader(`{"name": "ida", "password": "rate-rate-rate"}`))
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			if resp.StatusCode == 429 {
				limited++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if limited != 10 {
		t.Fatalf("%d of 10 parallel guesses limited", limited)
	}
}

// Expired, revoked and malformed tokens and disabled users are refused;
// with no users and no tokens at all, the answer says what to run.
func TestCredentialsRefused(t *testing.T) {
	ctx := context.Background()
	clk := archivetest.NewClock(time.Now())
	f := newAuth(t, &auth.Options{Now: clk.Now})
	srv, _ := serveRaw(t, archivetest.Open(t, archive.Options{}), f)
	c := &client{t: t, url: srv.URL}
	_, expiring, _ := f.store.NewToken(ctx, "kurzlebig", auth.Clerk, clk.Now().Add(time.Hour))
	revTok, revoked, _ := f.store.NewToken(ctx, "widerrufen", auth.Clerk, time.Time{})
	f.store.RevokeToken(ctx, revTok.ID)
	f.store.AddUser(ctx, "paul", auth.Clerk, "pauls-passwort-123")
	if resp, b := c.do("GET", "/api/v1/session", "", "", map[string]string{"Authorization": "Bearer " + expiring}); resp.StatusCode != 200 {
		t.Fatalf("fresh token: %d %s", resp.StatusCode, b)
	}
	if resp, _ := c.login("paul", "pauls-passwort-123"); resp.StatusCode != 201 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	clk.Add(time.Hour)
	f.store.DisableUser(ctx, "paul")
	for name, h := range map[string]string{
		"expired": "Bearer " + expiring, "revoked": "Bearer " + revoked, "malformed": "Bearer akte_kaputt",
		"basic": "Basic cGF1bDpwYXVscy1wYXNzd29ydC0xMjM=", "altered": "Bearer " + revoked[:20] + "x" + revoked[21:],
	} {
		resp, b := c.do("GET", "/api/v1/search?q=x", "", "", map[string]string{"Authorization": h})
		if resp.StatusCode != 401 || kindOf(b) != "unauthenticated" || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s token: %d %s", name, resp.StatusCode, b)
		}
	}
	if resp, b := c.do("GET", "/api/v1/session", "", "", nil); resp.StatusCode != 401 {
		t.Errorf("disabled user's session: %d %s", resp.StatusCode, b)
	}
	if resp, b := c.login("paul", "pauls-passwort-123"); resp.StatusCode != 401 || kindOf(b) != "bad_credentials" {
		t.Errorf("disabled user logs in: %d %s", resp.StatusCode, b)
	}

	empty := newAuthEmpty(t)
	srv2, _ := serveRaw(t, archivetest.Open(t, archive.Options{}), empty)
	resp, b := (&client{t: t, url: srv2.URL}).do("GET", "/api/v1/search?q=x", "", "", nil)
	if resp.StatusCode != 401 || !strings.Contains(string(b), "akte users add") {
		t.Fatalf("no users yet: %d %s", resp.StatusCode, b)
	}
}

func newAuthEmpty(t *testing.T) *authFixture {
	st, err := auth.Open(t.TempDir()+"/auth.db", &auth.Options{Argon2: fastArgon})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &authFixture{store: st}
}
