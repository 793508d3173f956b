// Package auth is who may call Akte's server: users with argon2id
// passwords, API tokens for scripts, browser sessions with CSRF tokens, and
// the roles they act in (DESIGN.md, Roles and audit).
//
// Everything lives in one bbolt file (DATA/auth.db) with a schema version.
// Invariants:
//   - No secret is stored in plain text: passwords as argon2id PHC strings,
//     API tokens and session IDs as their SHA-256. A token is shown once, when
//     it is made.
//   - A principal's role is read from the store on every request, so a role
//     change, a disabled user or a revoked token takes effect at once.
//   - An unknown user and a wrong password are the same error, answered in
//     about the same time (a dummy hash is checked for unknown users).
//   - Failed logins are rate-limited per user name and per client address.
//
// auth authenticates; it never decides what a role may do. That is the
// web package's policy table. auth imports only the standard library,
// golang.org/x/crypto and bbolt.
package auth
