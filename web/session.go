package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"akte/web/auth"
)

// Sessions for browsers: log in with a name and password, get a cookie and
// a CSRF token to send with every request that changes something.

func (s *Server) sessionRoutes() {
	s.handle("POST /api/v1/session", s.login)
	s.handle("GET /api/v1/session", s.whoami)
	s.handle("DELETE /api/v1/session", s.logout)
}

// sessionInfo answers a login and GET /api/v1/session.
type sessionInfo struct {
	auth.Principal
	// CSRF goes with every POST, PUT, PATCH or DELETE of this session, in
	// the X-CSRF-Token header or the form field csrf.
	CSRF        string    `json:"csrf,omitempty"`
	IdleTimeout string    `json:"idle_timeout,omitempty"`
	Expires     time.Time `json:"expires,omitzero"` // the absolute timeout
}

// login: POST /api/v1/session {"name", "password"} → the session cookie
// and {"name", "role", "via", "csrf", …}. Wrong credentials are 401
// bad_credentials, the same for an unknown user; repeated failures 429
// rate_limited with Retry-After.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := readJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.auth == nil {
		s.unauthenticated(w, r)
		return
	}
	p, err := s.auth.Authenticate(r.Context(), body.Name, body.Password, clientHost(r))
	if err != nil {
		if !errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, auth.ErrRateLimited) {
			err = fmt.Errorf("log in: %w", err)
		}
		s.fail(w, r, err)
		return
	}
	id, sess, err := s.auth.NewSession(r.Context(), p.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.authn.SetSessionCookie(w, id)
	s.log.Info("logged in", "user", p.Name, "role", p.Role)
	writeJSON(w, http.StatusCreated, infoOf(p, sess))
}

func infoOf(p auth.Principal, sess auth.Session) sessionInfo {
	return sessionInfo{Principal: p, CSRF: sess.CSRF, IdleTimeout: auth.IdleTimeout.String(),
		Expires: sess.Created.Add(auth.AbsoluteTimeout)}
}

// whoami: GET /api/v1/session, the caller (and the CSRF token of a session).
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	if sess, ok := auth.SessionFromContext(r.Context()); ok {
		writeJSON(w, http.StatusOK, infoOf(p, sess))
		return
	}
	writeJSON(w, http.StatusOK, sessionInfo{Principal: p})
}

// logout: DELETE /api/v1/session ends the session and clears the cookie
// (with an API token there is nothing to end).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if id := s.authn.SessionCookie(r); id != "" {
		if err := s.auth.DeleteSession(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
		s.authn.ClearSessionCookie(w)
	}
	w.WriteHeader(http.StatusNoContent)
}

// clientHost is the caller's address for the login rate limit: the TCP
// peer (a proxy's X-Forwarded-For is not trusted).
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
