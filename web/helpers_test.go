package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"akte/archive"
	"akte/web"
	"akte/web/auth"
)

// fastArgon keeps password hashing cheap in tests.
var fastArgon = &auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}

// authFixture is an auth store with one API token per role.
type authFixture struct {
	store  *auth.Store
	path   string
	tokens map[auth.Role]string
}

func newAuth(t *testing.T, opts *auth.Options) *authFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "auth.db")
	if opts == nil {
		opts = &auth.Options{}
	}
	if opts.Argon2 == nil {
		opts.Argon2 = fastArgon
	}
	st, err := auth.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &authFixture{store: st, path: path, tokens: map[auth.Role]string{}}
	for _, r := range auth.Roles {
		_, tok, err := st.NewToken(context.Background(), "test-"+string(r), r, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok
	}
	return f
}

// serveAuthed serves a with an auth store; requests that carry no
// credentials of their own are sent with the API token of the role the
// route's work needs (the X-Test-Role header names another): intake for
// ingest, records-officer for everything else. Security tests use
// serveRaw instead.
func serveAuthed(t *testing.T, a *archive.Archive, opts *web.Options) *httptest.Server {
	t.Helper()
	f := newAuth(t, nil)
	var o web.Options
	if opts != nil {
		o = *opts
	}
	o.Auth = f.store
	h := web.New(a, &o)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.Header.Get("Cookie") == "" {
			role := auth.RecordsOfficer
			if r.Method == "POST" && r.URL.Path == "/api/v1/records" {
				role = auth.Intake
			}
			if v := r.Header.Get("X-Test-Role"); v != "" {
				role = auth.Role(v)
			}
			r.Header.Set("Authorization", "Bearer "+f.tokens[role])
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// serveRaw serves a with the auth fixture f and nothing added.
func serveRaw(t *testing.T, a *archive.Archive, f *authFixture) (*httptest.Server, *web.Server) {
	t.Helper()
	h := web.New(a, &web.Options{Auth: f.store, MaxBytes: 1 << 20, Logger: slog.New(slog.DiscardHandler), ImportDir: t.TempDir()})
	t.Cleanup(func() { h.Close(context.Background()) }) // import jobs stop before the archive closes
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, h
}
