package auth

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var ctx = context.Background()

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func open(t *testing.T) (*Store, *clock, string) {
	t.Helper()
	c := &clock{time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "auth.db")
	s, err := Open(path, &Options{Now: c.now, Argon2: &Argon2Params{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c, path
}

func TestPasswordHash(t *testing.T) {
	h := hashPassword("richtig-geheim", DefaultArgon2)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=2$") {
		t.Fatalf("PHC string %q", h)
	}
	if !verifyPassword(h, "richtig-geheim") || verifyPassword(h, "richtig-geheiM") || verifyPassword(h, "") {
		t.Fatal("verify")
	}
	if h2 := hashPassword("richtig-geheim", DefaultArgon2); h2 == h {
		t.Fatal("same salt twice")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=65536,t=2,p=2$c2FsdHNhbHQ$a2V5", strings.Replace(h, "m=65536", "m=999999999", 1),
		strings.Replace(h, "t=2", "t=0", 1), strings.Replace(h, "v=19", "v=16", 1), h + "$"} {
		if verifyPassword(bad, "richtig-geheim") {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestUsers(t *testing.T) {
	s, _, _ := open(t)
	if err := s.AddUser(ctx, "erika", Clerk, "kurz"); !errors.Is(err, ErrInvalid) {
		t.Errorf("short password: %v", err)
	}
	if err := s.AddUser(ctx, "erika", "mayor", "lang-genug-123"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad role: %v", err)
	}
	if err := s.AddUser(ctx, "../erika", Clerk, "lang-genug-123"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad name: %v", err)
	}
	if err := s.AddUser(ctx, "erika", Clerk, "lang-genug-123"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, "erika", Admin, "lang-genug-123"); !errors.Is(err, ErrExists) {
		t.Errorf("twice: %v", err)
	}
	p, err := s.Authenticate(ctx, "erika", "lang-genug-123", "10.0.0.1")
	if err != nil || p != (Principal{Name: "erika", Role: Clerk, Via: ViaSession}) {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	id, sess, err := s.NewSession(ctx, "erika")
	if err != nil || sess.CSRF == "" {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, "erika", RecordsOfficer); err != nil {
		t.Fatal(err)
	}
	if p, _, err := s.ResolveSession(ctx, id); err != nil || p.Role != RecordsOfficer {
		t.Errorf("role change not at once: %+v %v", p, err)
	}
	if err := s.SetRole(ctx, "nobody", Clerk); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if err := s.DisableUser(ctx, "erika"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ResolveSession(ctx, id); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("disabled user's session: %v", err)
	}
	if _, err := s.Authenticate(ctx, "erika", "lang-genug-123", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("disabled user logs in: %v", err)
	}
	users, err := s.ListUsers(ctx)
	if err != nil || len(users) != 1 || !users[0].Disabled || users[0].Role != RecordsOfficer {
		t.Fatalf("list: %+v %v", users, err)
	}
}

func TestSetPasswordEndsSessions(t *testing.T) {
	s, _, _ := open(t)
	s.AddUser(ctx, "max", Clerk, "erstes-passwort")
	id, _, _ := s.NewSession(ctx, "max")
	if err := s.SetPassword(ctx, "max", "zweites-passwort"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ResolveSession(ctx, id); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("session survived a password change: %v", err)
	}
	if _, err := s.Authenticate(ctx, "max", "erstes-passwort", "a"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "max", "zweites-passwort", "a"); err != nil {
		t.Errorf("new password: %v", err)
	}
}

// The token's text is nowhere in the file; expired and revoked tokens are
// refused.
func TestTokens(t *testing.T) {
	s, c, path := open(t)
	tok, text, err := s.NewToken(ctx, "portal", Intake, c.t.Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "akte_") || len(text) != 5+43 {
		t.Fatalf("token text %q", text)
	}
	p, err := s.ResolveToken(ctx, text)
	if err != nil || p != (Principal{Name: "token:portal", Role: Intake, Via: ViaToken}) {
		t.Fatalf("resolve: %+v %v", p, err)
	}
	secret, _ := ParseToken(text)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range [][]byte{[]byte(text), []byte(text[5:]), secret} {
		if bytes.Contains(raw, leak) {
			t.Fatalf("the token is stored in plain text (%q)", leak)
		}
	}
	if !bytes.Contains(raw, []byte(secretHash(secret))) {
		t.Fatal("the token's hash is not in the file: is this the right file?")
	}
	// Expired.
	c.advance(90 * 24 * time.Hour)
	if _, err := s.ResolveToken(ctx, text); !errors.Is(err, ErrUnauthenticated) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired token: %v", err)
	}
	// Revoked.
	_, text2, _ := s.NewToken(ctx, "scans", Intake, time.Time{})
	toks, _ := s.ListTokens(ctx)
	if len(toks) != 2 || toks[0].ID != tok.ID {
		t.Fatalf("list: %+v", toks)
	}
	if err := s.RevokeToken(ctx, toks[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResolveToken(ctx, text2); !errors.Is(err, ErrUnauthenticated) || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("revoked token: %v", err)
	}
	if err := s.RevokeToken(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown token ID: %v", err)
	}
	// A token that is well formed but unknown, and one altered by a byte.
	for _, bad := range []string{FormatToken(make([]byte, 32)), text2[:len(text2)-1] + "A", "akte_", text2 + "="} {
		if _, err := s.ResolveToken(ctx, bad); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if _, _, err := s.NewToken(ctx, "past", Intake, c.t.Add(-time.Hour)); !errors.Is(err, ErrInvalid) {
		t.Errorf("expiry in the past: %v", err)
	}
}

func TestSessionTimeouts(t *testing.T) {
	s, c, path := open(t)
	s.AddUser(ctx, "anna", Clerk, "anna-ihr-passwort")
	id, _, err := s.NewSession(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(id)) {
		t.Fatal("session ID stored in plain text")
	}
	// Used every 29 minutes, it lives until the absolute timeout.
	for c.t.Add(29*time.Minute).Sub(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)) < AbsoluteTimeout {
		c.advance(29 * time.Minute)
		if _, _, err := s.ResolveSession(ctx, id); err != nil {
			t.Fatalf("at %v: %v", c.t, err)
		}
	}
	c.advance(29 * time.Minute)
	if _, _, err := s.ResolveSession(ctx, id); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("past the absolute timeout: %v", err)
	}
	// Idle for 30 minutes: gone.
	id, _, _ = s.NewSession(ctx, "anna")
	c.advance(IdleTimeout)
	if _, _, err := s.ResolveSession(ctx, id); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("idle: %v", err)
	}
	// Logout.
	id, _, _ = s.NewSession(ctx, "anna")
	if err := s.DeleteSession(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ResolveSession(ctx, id); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("after logout: %v", err)
	}
}

// Five failures for a name, then a doubling wait up to 15 minutes; an
// unknown name is limited the same way; the address has its own count.
func TestLoginRateLimit(t *testing.T) {
	s, c, _ := open(t)
	s.AddUser(ctx, "olaf", Clerk, "olafs-passwort!")
	for _, name := range []string{"olaf", "niemand"} {
		for i := range 5 {
			if _, err := s.Authenticate(ctx, name, "falsch-falsch", "10.0.0."+name); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("%s attempt %d: %v", name, i+1, err)
			}
		}
		_, err := s.Authenticate(ctx, name, "olafs-passwort!", "10.0.0.9")
		var rl *RateLimitError
		if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) || rl.RetryAfter != 2*time.Second {
			t.Fatalf("%s after 5 failures: %v", name, err)
		}
	}
	c.advance(2 * time.Second)
	if _, err := s.Authenticate(ctx, "olaf", "falsch-falsch", "10.0.0.9"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("after the wait: %v", err)
	}
	var rl *RateLimitError
	if _, err := s.Authenticate(ctx, "olaf", "x", "10.0.0.9"); !errors.As(err, &rl) || rl.RetryAfter != 4*time.Second {
		t.Fatalf("the wait doubles: %v", err)
	}
	for range 20 {
		c.advance(maxWait)
		s.Authenticate(ctx, "olaf", "falsch-falsch", "10.0.0.9")
	}
	if _, err := s.Authenticate(ctx, "olaf", "x", "10.0.0.9"); !errors.As(err, &rl) || rl.RetryAfter != maxWait {
		t.Fatalf("the wait is capped at 15 minutes: %v", err)
	}
	c.advance(maxWait)
	if _, err := s.Authenticate(ctx, "olaf", "olafs-passwort!", "10.0.0.9"); err != nil {
		t.Fatalf("right password after the wait: %v", err)
	}
	// The address: 20 failures over many names.
	for i := range 20 {
		s.Authenticate(ctx, "user"+string(rune('a'+i)), "falsch-falsch", "192.0.2.1")
	}
	if _, err := s.Authenticate(ctx, "olaf", "olafs-passwort!", "192.0.2.1"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("address after 20 failures: %v", err)
	}
}

func TestSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket(bucketMeta)
		return b.Put(keySchema, []byte("99"))
	})
	db.Close()
	if _, err := Open(path, nil); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("open: %v", err)
	}
	s, err := Open(filepath.Join(t.TempDir(), "new.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(s.db.Path(), &Options{OpenTimeout: 50 * time.Millisecond}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second open: %v", err)
	}
}

// FuzzCredentials: the parsers of an Authorization header and a session
// cookie never panic, accept only the canonical spelling of 32 bytes, and
// round-trip.
func FuzzCredentials(f *testing.F) {
	f.Add("Bearer akte_" + b64url.EncodeToString(make([]byte, 32)))
	f.Add("bearer  akte_AAAA")
	f.Add("Basic dXNlcjpwYXNz")
	f.Add(b64url.EncodeToString(bytes.Repeat([]byte{0xff}, 32)))
	f.Add("akte_" + strings.Repeat("_", 43))
	f.Fuzz(func(t *testing.T, s string) {
		if secret, ok := ParseToken(bearer(s)); ok {
			if len(secret) != secretLen || FormatToken(secret) != bearer(s) {
				t.Fatalf("token %q parsed to %x", s, secret)
			}
		}
		if secret, ok := ParseToken(s); ok && FormatToken(secret) != s {
			t.Fatalf("token %q is not canonical", s)
		}
		if secret, ok := parseSecret(s); ok {
			if len(secret) != secretLen || b64url.EncodeToString(secret) != s {
				t.Fatalf("session %q parsed to %x", s, secret)
			}
		}
	})
}
