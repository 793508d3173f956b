package web

import (
	"net/http"
	"time"

	"akte/web/auth"
)

// Users and API tokens, for the admin role (the same as `akte users`,
// which cannot open the auth database while the server runs).

func (s *Server) adminRoutes() {
	s.handle("GET /api/v1/users", s.listUsers)
	s.handle("POST /api/v1/users", s.addUser)
	s.handle("PUT /api/v1/users/{name}/role", s.setRole)
	s.handle("POST /api/v1/users/{name}/disable", s.disableUser)
	s.handle("GET /api/v1/tokens", s.listTokens)
	s.handle("POST /api/v1/tokens", s.newToken)
	s.handle("DELETE /api/v1/tokens/{id}", s.revokeToken)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.auth.ListUsers(r.Context())
	s.reply(w, r, http.StatusOK, struct {
		Users []auth.User `json:"users"`
	}{users}, err)
}

// addUser: POST /api/v1/users {"name", "role", "password"}.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name     string    `json:"name"`
		Role     auth.Role `json:"role"`
		Password string    `json:"password"`
	}
	if err := readJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	err := s.auth.AddUser(r.Context(), body.Name, body.Role, body.Password)
	if err == nil {
		s.log.Info("user added", "user", body.Name, "role", body.Role, "by", actor(r).Name)
	}
	s.reply(w, r, http.StatusCreated, auth.User{Name: body.Name, Role: body.Role}, err)
}

// setRole: PUT /api/v1/users/{name}/role {"role"}.
func (s *Server) setRole(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Role auth.Role `json:"role"`
	}
	if err := readJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("name")
	err := s.auth.SetRole(r.Context(), name, body.Role)
	if err == nil {
		s.log.Info("role changed", "user", name, "role", body.Role, "by", actor(r).Name)
	}
	s.reply(w, r, http.StatusOK, auth.User{Name: name, Role: body.Role}, err)
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := s.auth.DisableUser(r.Context(), name)
	if err == nil {
		s.log.Info("user disabled", "user", name, "by", actor(r).Name)
	}
	s.reply(w, r, http.StatusOK, auth.User{Name: name, Disabled: true}, err)
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	toks, err := s.auth.ListTokens(r.Context())
	s.reply(w, r, http.StatusOK, struct {
		Tokens []auth.Token `json:"tokens"`
	}{toks}, err)
}

// newToken: POST /api/v1/tokens {"name", "role", "expires"} → the token
// with its secret text, shown this once.
func (s *Server) newToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name    string    `json:"name"`
		Role    auth.Role `json:"role"`
		Expires time.Time `json:"expires"`
	}
	if err := readJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	tok, secret, err := s.auth.NewToken(r.Context(), body.Name, body.Role, body.Expires)
	if err == nil {
		s.log.Info("token made", "token", tok.ID, "name", tok.Name, "role", tok.Role, "by", actor(r).Name)
	}
	s.reply(w, r, http.StatusCreated, struct {
		auth.Token
		Secret string `json:"token"`
	}{tok, secret}, err)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	err := s.auth.RevokeToken(r.Context(), r.PathValue("id"))
	if err == nil {
		s.log.Info("token revoked", "token", r.PathValue("id"), "by", actor(r).Name)
	}
	s.reply(w, r, http.StatusOK, struct {
		ID      string `json:"id"`
		Revoked bool   `json:"revoked"`
	}{r.PathValue("id"), true}, err)
}
