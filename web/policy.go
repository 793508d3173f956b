package web

import (
	"fmt"
	"maps"
	"net/http"
	"strings"

	"akte/archive"
	"akte/web/auth"
)

// Access is what a role may do on a route.
type Access string

const (
	// Deny: the role gets 403 forbidden (the zero value: deny by default).
	Deny Access = ""
	// Allow: the role may use the route.
	Allow Access = "yes"
	// FormOnly: the role may send form submissions only (Content-Type
	// application/vnd.akte.form+json): a clerk's counter intake.
	FormOnly Access = "form"
)

// Rule is one row of the policy table.
type Rule struct {
	Pattern string // as registered on the ServeMux
	// Public routes need no authentication at all.
	Public bool
	// Loopback routes need no authentication from the machine itself
	// (127.0.0.0/8, ::1); from anywhere else Roles apply.
	Loopback bool
	Roles    map[auth.Role]Access
}

func allow(roles ...auth.Role) map[auth.Role]Access {
	m := map[auth.Role]Access{}
	for _, r := range roles {
		m[r] = Allow
	}
	return m
}

// The policy table: which role may use which route (DESIGN.md, Roles and
// audit). It is the one place that says so; README.md shows it (section
// Roles, kept equal by a test). A route missing here is refused to every
// role, and TestAuthorizationMatrix fails for it.
//
// Beyond the table, the engine refuses to open a record in its restricted
// phase (archive.MayRead) to anyone but records officers, and search shows
// each role only what it may see.
var policy = []Rule{
	{Pattern: "GET /healthz", Public: true},
	{Pattern: "GET /readyz", Public: true},
	{Pattern: "POST /api/v1/session", Public: true}, // log in
	{Pattern: "GET /api/v1/session", Roles: allow(auth.Roles...)},
	{Pattern: "DELETE /api/v1/session", Roles: allow(auth.Roles...)}, // log out

	{Pattern: "POST /api/v1/records", Roles: map[auth.Role]Access{auth.Intake: Allow, auth.Clerk: FormOnly}},
	// Bulk import (imports.go): a job is seen by its creator and admins only;
	// to anyone else it is 404, as if it did not exist.
	{Pattern: "POST /api/v1/imports", Roles: allow(auth.Intake, auth.Admin)},
	{Pattern: "GET /api/v1/imports/{id}", Roles: allow(auth.Intake, auth.Admin)},
	{Pattern: "GET /api/v1/imports/{id}/report", Roles: allow(auth.Intake, auth.Admin)},
	{Pattern: "GET /api/v1/search", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /api/v1/records/{id}", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /api/v1/records/{id}/document", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /api/v1/records/{id}/seal", Roles: allow(auth.Clerk, auth.RecordsOfficer, auth.Auditor)},
	{Pattern: "GET /api/v1/records/{id}/retention", Roles: allow(auth.Clerk, auth.RecordsOfficer)},

	{Pattern: "POST /api/v1/citizens/{id}/events", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "GET /api/v1/citizens/{id}/events", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /api/v1/records/{id}/facts", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /api/v1/records/{id}/hold", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "DELETE /api/v1/records/{id}/hold", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /api/v1/records/{id}/approval", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "GET /api/v1/retention/plan", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /api/v1/retention/sweep", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "GET /api/v1/disposals/{id}", Roles: allow(auth.RecordsOfficer, auth.Auditor)},

	{Pattern: "GET /api/v1/users", Roles: allow(auth.Admin)},
	{Pattern: "POST /api/v1/users", Roles: allow(auth.Admin)},
	{Pattern: "PUT /api/v1/users/{name}/role", Roles: allow(auth.Admin)},
	{Pattern: "POST /api/v1/users/{name}/disable", Roles: allow(auth.Admin)},
	{Pattern: "GET /api/v1/tokens", Roles: allow(auth.Admin)},
	{Pattern: "POST /api/v1/tokens", Roles: allow(auth.Admin)},
	{Pattern: "DELETE /api/v1/tokens/{id}", Roles: allow(auth.Admin)},

	{Pattern: "GET /api/v1/audit", Roles: allow(auth.Auditor)},
	{Pattern: "GET /api/v1/audit/verify", Roles: allow(auth.Auditor)},
	{Pattern: "GET /api/v1/openapi.json", Public: true},
	{Pattern: "GET /metrics", Loopback: true, Roles: allow(auth.Admin, auth.Auditor)},

	// The web UI (ui.go). A refused page is 403 as HTML; an anonymous
	// caller is sent to the login page (303).
	{Pattern: "GET /{$}", Public: true}, // → /ui/
	{Pattern: "GET /ui/static/{name}", Public: true},
	{Pattern: "GET /ui/lang/{lang}", Public: true},
	{Pattern: "GET /ui/login", Public: true},
	{Pattern: "POST /ui/login", Public: true},
	{Pattern: "POST /ui/logout", Roles: allow(auth.Roles...)},
	{Pattern: "GET /ui/{$}", Roles: allow(auth.Roles...)},
	{Pattern: "GET /ui/search", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /ui/citizens/{id}", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /ui/records/{id}", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "POST /ui/records/{id}/open", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /ui/records/{id}/view/{ticket}", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "GET /ui/records/{id}/pdf/{ticket}", Roles: allow(auth.Clerk, auth.RecordsOfficer)},
	{Pattern: "POST /ui/records/{id}/hold", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /ui/records/{id}/release", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /ui/records/{id}/approve", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "GET /ui/intake", Roles: allow(auth.Clerk)},
	{Pattern: "POST /ui/intake", Roles: allow(auth.Clerk)},
	{Pattern: "GET /ui/retention", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "GET /ui/events", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "POST /ui/events", Roles: allow(auth.RecordsOfficer)},
	{Pattern: "GET /ui/disposals", Roles: allow(auth.RecordsOfficer, auth.Auditor)},
	{Pattern: "GET /ui/audit", Roles: allow(auth.Auditor)},
}

// Policy returns a copy of the policy table.
func Policy() []Rule {
	out := make([]Rule, len(policy))
	for i, r := range policy {
		out[i] = Rule{Pattern: r.Pattern, Public: r.Public, Loopback: r.Loopback, Roles: maps.Clone(r.Roles)}
	}
	return out
}

func ruleFor(pattern string) (Rule, bool) {
	for _, r := range policy {
		if r.Pattern == pattern {
			return r, true
		}
	}
	return Rule{}, false
}

// PolicyMarkdown renders the policy table as README.md shows it.
func PolicyMarkdown() string {
	var b strings.Builder
	b.WriteString("| Route |")
	for _, r := range auth.Roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(auth.Roles)))
	b.WriteString("\n")
	for _, rule := range policy {
		fmt.Fprintf(&b, "| `%s` |", rule.Pattern)
		for _, r := range auth.Roles {
			cell := "—"
			switch {
			case rule.Public:
				cell = "public"
			case rule.Roles[r] != Deny:
				cell = string(rule.Roles[r])
			case rule.Loopback:
				cell = "loopback"
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// handle registers h for pattern behind authentication and the policy.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, pattern)
	rule, ok := ruleFor(pattern)
	if ok && rule.Public {
		s.mux.Handle(pattern, s.limits.public(h))
		return
	}
	guarded := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, authed := auth.FromContext(r.Context())
		if !s.limits.allow(w, r, p, authed) {
			return
		}
		if !authed {
			s.unauthenticated(w, r)
			return
		}
		switch rule.Roles[p.Role] {
		case Allow:
			h(w, r)
			return
		case FormOnly:
			if mediaType(r) == archive.MediaForm {
				h(w, r)
				return
			}
			s.fail(w, r, fmt.Errorf("%w: role %s may archive form submissions only (Content-Type %s)", archive.ErrForbidden, p.Role, archive.MediaForm))
			return
		}
		if !ok {
			s.log.Error("route without a policy entry refused", "route", pattern)
		}
		s.fail(w, r, fmt.Errorf("%w: role %s may not use %s", archive.ErrForbidden, p.Role, pattern))
	})
	authed := http.Handler(guarded) // without an auth store nobody is authenticated
	if s.auth != nil {
		authed = s.authn.Authenticate(guarded)
	}
	if rule.Loopback {
		authed = fromLoopback(s.limits.public(h), authed)
	}
	s.mux.Handle(pattern, authed)
}

// Routes lists the registered route patterns, in registration order.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

// unauthenticated answers 401, saying how to get credentials when there
// are none at all yet.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request) {
	msg := "log in (POST /api/v1/session) or send an API token (Authorization: Bearer akte_…)"
	if s.auth == nil {
		msg = "authentication is not configured on this server"
	} else if empty, err := s.auth.Empty(r.Context()); err == nil && empty {
		msg = "no users or API tokens exist yet: create one with 'akte users add NAME --role ROLE' or 'akte users token add NAME --role ROLE' (stop the server first)"
	}
	s.fail(w, r, fmt.Errorf("%w: %s", auth.ErrUnauthenticated, msg))
}
