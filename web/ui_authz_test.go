package web_test

import "net/url"

// uiCases are the authorization matrix's cases of the web UI's routes,
// called with API tokens like every other route (the UI accepts them; no
// CSRF token is needed without a session cookie). An anonymous caller is
// sent to the login page (303); refusals are HTML pages.
func (f *matrixFixture) uiCases() map[string]routeCase {
	rec := func(own, foreign, missing int) map[string]int {
		return map[string]int{"own": own, "foreign": foreign, "missing": missing}
	}
	one := func(status int) map[string]int { return map[string]int{none: status} }
	form := "application/x-www-form-urlencoded"
	body := func(v url.Values) func(string) string { return func(string) string { return v.Encode() } }
	const ticket = "0123456789abcdef0123456789abcdef"
	return map[string]routeCase{
		"GET /{$}":              {path: "/", want: one(303), html: true},
		"GET /ui/static/{name}": {path: "/ui/static/akte.css", want: one(200), html: true},
		"GET /ui/lang/{lang}":   {path: "/ui/lang/en?next=/ui/search", want: one(303), html: true},
		"GET /ui/login":         {path: "/ui/login", want: one(200), html: true},
		"POST /ui/login":        {path: "/ui/login", ctype: form, body: body(url.Values{"name": {"matrix-user"}, "password": {"ein-langes-passwort"}}), want: one(403), html: true}, // no login form token
		"POST /ui/logout":       {path: "/ui/logout", ctype: form, body: body(url.Values{}), want: one(303), html: true},
		"GET /ui/{$}":           {path: "/ui/", want: one(200), html: true},
		"GET /ui/search":        {path: "/ui/search?q=Anmeldung", want: one(200), html: true},
		"GET /ui/citizens/{id}": {path: "/ui/citizens/{id}", want: rec(200, 200, 200), citizen: true, html: true},
		"GET /ui/records/{id}":  {path: "/ui/records/{id}", want: rec(200, 200, 404), restricted: true, html: true},
		"POST /ui/records/{id}/open": {path: "/ui/records/{id}/open", ctype: form, body: body(url.Values{"purpose": {"matrix"}}),
			want: rec(303, 303, 404), restricted: true, html: true},
		"GET /ui/records/{id}/view/{ticket}": {path: "/ui/records/{id}/view/" + ticket, want: rec(404, 404, 404), restricted: true, html: true},
		"GET /ui/records/{id}/pdf/{ticket}":  {path: "/ui/records/{id}/pdf/" + ticket, want: rec(404, 404, 404), restricted: true, html: true},
		"POST /ui/records/{id}/hold":         {path: "/ui/records/{id}/hold", ctype: form, body: body(url.Values{"reason": {"Widerspruch"}}), want: rec(303, 303, 404), html: true},
		"POST /ui/records/{id}/release":      {path: "/ui/records/{id}/release", ctype: form, body: body(url.Values{"reason": {"erledigt"}}), want: rec(303, 303, 404), html: true},
		"POST /ui/records/{id}/approve":      {path: "/ui/records/{id}/approve", ctype: form, body: body(url.Values{"reason": {"ok"}}), want: rec(409, 409, 404), html: true},
		"GET /ui/intake":                     {path: "/ui/intake?template=registration", want: one(200), html: true},
		"POST /ui/intake":                    {path: "/ui/intake", ctype: form, body: body(url.Values{"template": {"keine"}}), want: one(400), html: true},
		"GET /ui/retention":                  {path: "/ui/retention", want: one(200), html: true},
		"GET /ui/events":                     {path: "/ui/events", want: one(200), html: true},
		"POST /ui/events": {path: "/ui/events", ctype: form, body: body(url.Values{"citizen": {"P-E"}, "type": {"moved_away"}, "date": {"2031-06-01"}}),
			want: one(303), html: true},
		"GET /ui/disposals": {path: "/ui/disposals", want: one(200), html: true},
		"GET /ui/audit":     {path: "/ui/audit", want: one(200), html: true},
	}
}
