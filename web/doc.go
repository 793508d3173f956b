// Package web is Akte's HTTP interface: the JSON API under /api/v1 and the
// health endpoints. (The clerk's and records officer's UI, roles and tokens
// come later.) It imports archive and nothing below it, maps archive error
// kinds to HTTP status codes in one place (statusFor), and never holds
// document bytes longer than one request.
package web
