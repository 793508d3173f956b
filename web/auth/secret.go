package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// secretLen is the size of API tokens, session IDs and CSRF tokens.
const secretLen = 32

// TokenPrefix starts every API token, so a leaked one is easy to find.
const TokenPrefix = "akte_"

var b64url = base64.RawURLEncoding

// newSecret returns secretLen random bytes.
func newSecret() []byte {
	b := make([]byte, secretLen)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

// secretHash is the key a secret is stored under: its SHA-256, hex.
func secretHash(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:])
}

// ParseToken reads an API token "akte_<43 characters of unpadded
// base64url>" and returns its 32 secret bytes; ok is false for anything
// else. Only the canonical spelling is accepted.
func ParseToken(s string) (secret []byte, ok bool) {
	rest, found := strings.CutPrefix(s, TokenPrefix)
	if !found {
		return nil, false
	}
	return parseSecret(rest)
}

// FormatToken is ParseToken's inverse.
func FormatToken(secret []byte) string { return TokenPrefix + b64url.EncodeToString(secret) }

// parseSecret reads the base64url text of a session ID or a token's
// secret: exactly secretLen bytes, canonical encoding.
func parseSecret(s string) ([]byte, bool) {
	if len(s) != b64url.EncodedLen(secretLen) {
		return nil, false
	}
	b, err := b64url.Strict().DecodeString(s)
	if err != nil || len(b) != secretLen {
		return nil, false
	}
	return b, true
}

// bearer returns the credentials of an "Authorization: Bearer …" header
// value, "" for another scheme (which ResolveToken then refuses).
func bearer(header string) string {
	scheme, tok, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
