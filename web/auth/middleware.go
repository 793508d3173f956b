package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Cookie names: with TLS the __Host- prefix binds the cookie to this host
// and path / and forces Secure.
const (
	CookieName    = "akte_session"
	CookieNameTLS = "__Host-akte_session"
	// CSRFHeader and CSRFField carry the CSRF token of a cookie-
	// authenticated request that changes something.
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf"
)

// maxFormBody bounds a URL-encoded body read for its CSRF field.
const maxFormBody = 1 << 20

type ctxKey struct{}

type ctxValue struct {
	p    Principal
	sess Session
}

// FromContext returns the principal Authenticate put in ctx.
func FromContext(ctx context.Context) (Principal, bool) {
	v, ok := ctx.Value(ctxKey{}).(ctxValue)
	return v.p, ok
}

// SessionFromContext returns the session of a cookie-authenticated request.
func SessionFromContext(ctx context.Context) (Session, bool) {
	v, ok := ctx.Value(ctxKey{}).(ctxValue)
	return v.sess, ok && v.p.Via == ViaSession
}

// WithPrincipal returns ctx carrying p (for callers that authenticate by
// other means, and tests).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, ctxValue{p: p})
}

// Authenticator is the HTTP middleware of a Store.
type Authenticator struct {
	Store *Store
	// TLS: the server is reached over HTTPS (cookie name and Secure flag).
	TLS bool
	// Fail answers a request refused here: ErrUnauthenticated (a bad
	// token), ErrCSRF. It must write the response.
	Fail func(w http.ResponseWriter, r *http.Request, err error)
}

// CookieName is the session cookie's name for a.TLS.
func (a *Authenticator) CookieName() string {
	if a.TLS {
		return CookieNameTLS
	}
	return CookieName
}

// Authenticate puts the caller's Principal in the request context:
//   - "Authorization: Bearer akte_…": an API token. A bad one is refused
//     (ErrUnauthenticated); no CSRF token is needed.
//   - the session cookie: a browser session. An unknown or expired one is
//     as no credentials (the route then says 401); a request with an
//     unsafe method (anything but GET, HEAD, OPTIONS, TRACE) must carry the
//     session's CSRF token in the X-CSRF-Token header or, for a URL-encoded
//     form, the field "csrf", or it is refused (ErrCSRF).
//
// Without credentials the request goes on without a principal: deciding
// whether a route needs one is the caller's policy.
func (a *Authenticator) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get("Authorization"); h != "" {
			p, err := a.Store.ResolveToken(r.Context(), bearer(h))
			if err != nil {
				a.Fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ctxValue{p: p})))
			return
		}
		c, err := r.Cookie(a.CookieName())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		p, sess, err := a.Store.ResolveSession(r.Context(), c.Value)
		if errors.Is(err, ErrUnauthenticated) {
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		if unsafeMethod(r.Method) && !csrfOK(r, sess.CSRF) {
			a.Fail(w, r, ErrCSRF)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ctxValue{p: p, sess: sess})))
	})
}

func unsafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// csrfOK compares the request's CSRF token with want in constant time.
// The form field is read only from URL-encoded bodies (parsing a
// multipart upload here would buffer it).
func csrfOK(r *http.Request, want string) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" && r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		// Read for every method (ParseForm skips DELETE bodies), and put
		// back for the handler.
		data, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
		if err != nil || len(data) > maxFormBody {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		form, _ := url.ParseQuery(string(data))
		got = form.Get(CSRFField)
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// SetSessionCookie starts the browser's session cookie.
func (a *Authenticator) SetSessionCookie(w http.ResponseWriter, id string) {
	http.SetCookie(w, &http.Cookie{Name: a.CookieName(), Value: id, Path: "/", HttpOnly: true, Secure: a.TLS,
		SameSite: http.SameSiteStrictMode, MaxAge: int(AbsoluteTimeout / time.Second)})
}

// ClearSessionCookie removes it.
func (a *Authenticator) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: a.CookieName(), Value: "", Path: "/", HttpOnly: true, Secure: a.TLS,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// SessionCookie returns the session ID the request's cookie carries.
func (a *Authenticator) SessionCookie(r *http.Request) string {
	c, err := r.Cookie(a.CookieName())
	if err != nil {
		return ""
	}
	return c.Value
}
