package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of auth.db this package reads and writes.
const SchemaVersion = "1"

var (
	bucketMeta     = []byte("meta")
	bucketUsers    = []byte("users")    // name → userRec
	bucketTokens   = []byte("tokens")   // SHA-256 of the secret → Token
	bucketTokenIDs = []byte("tokenids") // token ID → SHA-256 of the secret
	bucketSessions = []byte("sessions") // SHA-256 of the session ID → sessionRec
	keySchema      = []byte("schema")
)

// Session timeouts.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 10 * time.Hour
	// touchEvery: a session's last use is written at most this often.
	touchEvery = time.Minute
)

// Options configure a Store. A nil *Options means the defaults.
type Options struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Argon2 are the cost parameters of new password hashes (default
	// DefaultArgon2).
	Argon2 *Argon2Params
	// OpenTimeout bounds the wait for the file lock (default 1 s).
	OpenTimeout time.Duration
	// MaxFailuresName and MaxFailuresIP: failed logins allowed per user
	// name (default 5) and per client address (default 20: a town hall's
	// clerks often share one) before the backoff starts.
	MaxFailuresName, MaxFailuresIP int
}

// Store holds users, tokens and sessions in one bbolt file. Safe for
// concurrent use. It holds the file lock while open: one process at a time.
type Store struct {
	db      *bolt.DB
	now     func() time.Time
	argon   Argon2Params
	maxName int
	maxIP   int
	limits  *limiter
	// hashing bounds concurrent password checks (each takes Argon2.Memory).
	hashing chan struct{}

	dummyOnce sync.Once
	dummy     string // a hash checked for unknown users
}

// User is a person who logs in. The password hash never leaves the store.
type User struct {
	Name            string    `json:"name"`
	Role            Role      `json:"role"`
	Disabled        bool      `json:"disabled"`
	Created         time.Time `json:"created"`
	PasswordChanged time.Time `json:"password_changed"`
}

type userRec struct {
	User
	Hash string `json:"hash"`
}

// Token is an API token as listed; the secret itself is not kept.
type Token struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires,omitzero"` // zero: never
	Revoked time.Time `json:"revoked,omitzero"`
}

// Session is a browser session as the store keeps it.
type Session struct {
	User     string    `json:"user"`
	CSRF     string    `json:"csrf"` // the synchronizer token
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
}

// Open opens (or creates) the auth database at path.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Argon2 == nil {
		o.Argon2 = &DefaultArgon2
	}
	if o.OpenTimeout <= 0 {
		o.OpenTimeout = time.Second
	}
	if o.MaxFailuresName <= 0 {
		o.MaxFailuresName = 5
	}
	if o.MaxFailuresIP <= 0 {
		o.MaxFailuresIP = 20
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.OpenTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open auth database %s: no file lock after %s (is akte serve running? stop it, or use the admin API): %w", path, o.OpenTimeout, ErrBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open auth database %s: %w", path, err)
	}
	if err := db.Update(initSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open auth database %s: %w", path, err)
	}
	return &Store{db: db, now: o.Now, argon: *o.Argon2, maxName: o.MaxFailuresName, maxIP: o.MaxFailuresIP,
		limits: newLimiter(), hashing: make(chan struct{}, 2)}, nil
}

func initSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	switch v := meta.Get(keySchema); {
	case v == nil:
		if err := meta.Put(keySchema, []byte(SchemaVersion)); err != nil {
			return err
		}
	case string(v) != SchemaVersion:
		return fmt.Errorf("schema version %s, this akte reads %s: use the akte release that wrote it, or move the file aside and add users again (akte users add)", v, SchemaVersion)
	}
	for _, b := range [][]byte{bucketUsers, bucketTokens, bucketTokenIDs, bucketSessions} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

// Empty reports whether the store has no users and no tokens: then nobody
// can use the API.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	empty := true
	err := s.view(ctx, func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketUsers).Cursor().First()
		t, _ := tx.Bucket(bucketTokens).Cursor().First()
		empty = k == nil && t == nil
		return nil
	})
	return empty, err
}

func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// checkName: 1–64 characters of [A-Za-z0-9._@-], starting with a letter
// or digit.
func checkName(what, name string) error {
	if !nameRE.MatchString(name) {
		return invalid("%s %q: 1-64 characters of A-Z a-z 0-9 . _ @ -, starting with a letter or digit", what, name)
	}
	return nil
}

func checkRole(r Role) error {
	if !r.Valid() {
		return invalid("role %q: want one of %s", r, roleList())
	}
	return nil
}

func roleList() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// AddUser adds a user with a password (at least MinPasswordLen
// characters). ErrExists if the name is taken, ErrInvalid for a bad name,
// role or password.
func (s *Store) AddUser(ctx context.Context, name string, role Role, password string) error {
	if err := checkName("user name", name); err != nil {
		return err
	}
	if err := checkRole(role); err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	hash := hashPassword(password, s.argon)
	now := s.now().UTC()
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b.Get([]byte(name)) != nil {
			return fmt.Errorf("user %s: %w", name, ErrExists)
		}
		return putJSON(b, []byte(name), userRec{User: User{Name: name, Role: role, Created: now, PasswordChanged: now}, Hash: hash})
	})
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	return nil
}

// changeUser applies fn to a stored user. ErrNotFound if there is none.
func (s *Store) changeUser(ctx context.Context, name string, fn func(*userRec), dropSessions bool) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		var u userRec
		ok, err := getJSON(b, []byte(name), &u)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		fn(&u)
		if dropSessions {
			if err := deleteSessionsOf(tx, name); err != nil {
				return err
			}
		}
		return putJSON(b, []byte(name), u)
	})
}

// SetPassword replaces a user's password; their sessions end.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	if err := checkPassword(password); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	hash := hashPassword(password, s.argon)
	now := s.now().UTC()
	if err := s.changeUser(ctx, name, func(u *userRec) { u.Hash, u.PasswordChanged = hash, now }, true); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// SetRole changes a user's role; it applies to their next request.
func (s *Store) SetRole(ctx context.Context, name string, role Role) error {
	if err := checkRole(role); err != nil {
		return fmt.Errorf("set role: %w", err)
	}
	if err := s.changeUser(ctx, name, func(u *userRec) { u.Role = role }, false); err != nil {
		return fmt.Errorf("set role: %w", err)
	}
	return nil
}

// DisableUser refuses the user from now on and ends their sessions. The
// user stays listed (audit entries name them).
func (s *Store) DisableUser(ctx context.Context, name string) error {
	if err := s.changeUser(ctx, name, func(u *userRec) { u.Disabled = true }, true); err != nil {
		return fmt.Errorf("disable user: %w", err)
	}
	return nil
}

// ListUsers lists users by name.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var u userRec
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode user %q: %w", k, err)
			}
			users = append(users, u.User)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// Authenticate checks a user's password. client is the caller's address,
// for the rate limit. Errors: *RateLimitError (ErrRateLimited) while a name
// or the client must wait, without checking the password; ErrBadCredentials
// for an unknown user, a wrong password or a disabled user alike.
func (s *Store) Authenticate(ctx context.Context, name, password, client string) (Principal, error) {
	now := s.now()
	nameKey, ipKey := "name:"+strings.ToLower(name), "ip:"+client
	if d := max(s.limits.wait(now, nameKey), s.limits.wait(now, ipKey)); d > 0 {
		return Principal{}, &RateLimitError{RetryAfter: d}
	}
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return Principal{}, ctx.Err()
	}
	var u userRec
	var found bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketUsers), []byte(name), &u)
		return err
	})
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	hash := u.Hash
	if !found {
		hash = s.dummyHash()
	}
	if !verifyPassword(hash, password) || !found || u.Disabled {
		now = s.now()
		s.limits.fail(now, nameKey, s.maxName)
		s.limits.fail(now, ipKey, s.maxIP)
		return Principal{}, ErrBadCredentials
	}
	s.limits.reset(nameKey)
	return Principal{Name: u.Name, Role: u.Role, Via: ViaSession}, nil
}

// dummyHash is checked for unknown users, so they take as long as known.
func (s *Store) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy = hashPassword(hex.EncodeToString(newSecret()), s.argon) })
	return s.dummy
}

// NewToken makes an API token for a script: name says whose (the portal,
// the scan backlog), role what it may do, expires when it stops working
// (zero: never). The token text is returned once and never stored.
func (s *Store) NewToken(ctx context.Context, name string, role Role, expires time.Time) (Token, string, error) {
	if err := checkName("token name", name); err != nil {
		return Token{}, "", fmt.Errorf("new token: %w", err)
	}
	if err := checkRole(role); err != nil {
		return Token{}, "", fmt.Errorf("new token: %w", err)
	}
	now := s.now().UTC()
	if !expires.IsZero() && !expires.After(now) {
		return Token{}, "", fmt.Errorf("new token: %w", invalid("expiry %s is not in the future", expires.Format(time.RFC3339)))
	}
	secret := newSecret()
	id := make([]byte, 6)
	rand.Read(id)
	tok := Token{ID: hex.EncodeToString(id), Name: name, Role: role, Created: now, Expires: expires.UTC()}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		hash := secretHash(secret)
		if tx.Bucket(bucketTokenIDs).Get([]byte(tok.ID)) != nil {
			return fmt.Errorf("token ID %s: %w", tok.ID, ErrExists) // 2^-48
		}
		if err := tx.Bucket(bucketTokenIDs).Put([]byte(tok.ID), []byte(hash)); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketTokens), []byte(hash), tok)
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("new token: %w", err)
	}
	return tok, FormatToken(secret), nil
}

// RevokeToken stops a token at once. ErrNotFound for an unknown ID;
// revoking twice is no error.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	now := s.now().UTC()
	err := s.update(ctx, func(tx *bolt.Tx) error {
		hash := tx.Bucket(bucketTokenIDs).Get([]byte(id))
		if hash == nil {
			return fmt.Errorf("token %q: %w", id, ErrNotFound)
		}
		b := tx.Bucket(bucketTokens)
		var tok Token
		if _, err := getJSON(b, hash, &tok); err != nil {
			return err
		}
		if !tok.Revoked.IsZero() {
			return nil
		}
		tok.Revoked = now
		return putJSON(b, hash, tok)
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// ListTokens lists tokens, oldest first, revoked ones included.
func (s *Store) ListTokens(ctx context.Context) ([]Token, error) {
	var toks []Token
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(_, v []byte) error {
			var t Token
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("decode token: %w", err)
			}
			toks = append(toks, t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	slices.SortFunc(toks, func(a, b Token) int { return a.Created.Compare(b.Created) })
	return toks, nil
}

// ResolveToken returns the principal of an API token ("akte_…").
// ErrUnauthenticated for a malformed, unknown, expired or revoked token.
func (s *Store) ResolveToken(ctx context.Context, token string) (Principal, error) {
	secret, ok := ParseToken(token)
	if !ok {
		return Principal{}, fmt.Errorf("%w: malformed API token", ErrUnauthenticated)
	}
	var tok Token
	var found bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketTokens), []byte(secretHash(secret)), &tok)
		return err
	})
	now := s.now()
	switch {
	case err != nil:
		return Principal{}, fmt.Errorf("resolve token: %w", err)
	case !found:
		return Principal{}, fmt.Errorf("%w: unknown API token", ErrUnauthenticated)
	case !tok.Revoked.IsZero():
		return Principal{}, fmt.Errorf("%w: API token %s was revoked", ErrUnauthenticated, tok.ID)
	case !tok.Expires.IsZero() && !now.Before(tok.Expires):
		return Principal{}, fmt.Errorf("%w: API token %s expired", ErrUnauthenticated, tok.ID)
	}
	return Principal{Name: "token:" + tok.Name, Role: tok.Role, Via: ViaToken}, nil
}

// NewSession starts a browser session for a user (after Authenticate) and
// returns its ID, for the cookie, with the session and its CSRF token.
// Expired sessions are removed on the way.
func (s *Store) NewSession(ctx context.Context, user string) (string, Session, error) {
	secret := newSecret()
	now := s.now().UTC()
	sess := Session{User: user, CSRF: b64url.EncodeToString(newSecret()), Created: now, LastSeen: now}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketUsers).Get([]byte(user)) == nil {
			return fmt.Errorf("user %q: %w", user, ErrNotFound)
		}
		b := tx.Bucket(bucketSessions)
		var stale [][]byte
		b.ForEach(func(k, v []byte) error {
			var old Session
			if json.Unmarshal(v, &old) != nil || expired(old, now) {
				stale = append(stale, k)
			}
			return nil
		})
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return putJSON(b, []byte(secretHash(secret)), sess)
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("new session: %w", err)
	}
	return b64url.EncodeToString(secret), sess, nil
}

func expired(s Session, now time.Time) bool {
	return now.Sub(s.LastSeen) >= IdleTimeout || now.Sub(s.Created) >= AbsoluteTimeout
}

// ResolveSession returns the principal and session of a session ID (the
// cookie's value) and notes its use. ErrUnauthenticated for a malformed,
// unknown or expired session, or one whose user is gone or disabled.
func (s *Store) ResolveSession(ctx context.Context, id string) (Principal, Session, error) {
	secret, ok := parseSecret(id)
	if !ok {
		return Principal{}, Session{}, fmt.Errorf("%w: malformed session cookie", ErrUnauthenticated)
	}
	key := []byte(secretHash(secret))
	now := s.now().UTC()
	var sess Session
	var u userRec
	var found, touch bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		if found, err = getJSON(tx.Bucket(bucketSessions), key, &sess); err != nil || !found {
			return err
		}
		found, err = getJSON(tx.Bucket(bucketUsers), []byte(sess.User), &u)
		return err
	})
	switch {
	case err != nil:
		return Principal{}, Session{}, fmt.Errorf("resolve session: %w", err)
	case !found:
		return Principal{}, Session{}, fmt.Errorf("%w: no such session (log in again)", ErrUnauthenticated)
	case expired(sess, now):
		s.DeleteSession(ctx, id)
		return Principal{}, Session{}, fmt.Errorf("%w: the session expired (log in again)", ErrUnauthenticated)
	case u.Disabled:
		return Principal{}, Session{}, fmt.Errorf("%w: user %s is disabled", ErrUnauthenticated, u.Name)
	}
	touch = now.Sub(sess.LastSeen) >= touchEvery
	if touch {
		sess.LastSeen = now
		err = s.update(ctx, func(tx *bolt.Tx) error {
			if tx.Bucket(bucketSessions).Get(key) == nil {
				return fmt.Errorf("%w: the session ended", ErrUnauthenticated)
			}
			return putJSON(tx.Bucket(bucketSessions), key, sess)
		})
		if err != nil {
			return Principal{}, Session{}, fmt.Errorf("resolve session: %w", err)
		}
	}
	return Principal{Name: u.Name, Role: u.Role, Via: ViaSession}, sess, nil
}

// DeleteSession ends a session (logout). Deleting an unknown or malformed
// session is no error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	secret, ok := parseSecret(id)
	if !ok {
		return nil
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete([]byte(secretHash(secret)))
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func deleteSessionsOf(tx *bolt.Tx, user string) error {
	b := tx.Bucket(bucketSessions)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s Session
		if json.Unmarshal(v, &s) != nil || s.User == user {
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
