// Package web is Akte's HTTP interface: the JSON API under /api/v1, the
// health and metrics endpoints, and the clerk's, records officer's and
// auditor's web UI under /ui/.
// Every /api/v1 route but login needs an authenticated caller (web/auth:
// API tokens, session cookies with CSRF tokens) whose role the policy table
// (policy.go) allows; anything not in the table is refused. It imports
// archive and web/auth and nothing below them, maps error kinds to HTTP
// status codes in one place (statusFor), and never holds document bytes
// longer than one request — except a bulk import's upload (imports.go),
// staged on disk under the import folder until its job has archived it.
package web
