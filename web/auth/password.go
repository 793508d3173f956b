package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password rules.
const (
	MinPasswordLen = 12   // characters
	maxPasswordLen = 1024 // bytes; longer is refused, not truncated
)

// Argon2Params are the argon2id cost parameters of new hashes. Stored
// hashes carry their own, so raising these never locks anyone out.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2 follows RFC 9106's second recommendation in memory (64 MiB)
// with two passes and two lanes, for a server of two cores.
var DefaultArgon2 = Argon2Params{Memory: 64 << 10, Time: 2, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// checkPassword enforces the length rules.
func checkPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return invalid("password: at least %d characters", MinPasswordLen)
	case len(pw) > maxPasswordLen:
		return invalid("password: at most %d bytes", maxPasswordLen)
	}
	return nil
}

// hashPassword returns the PHC string of pw:
// $argon2id$v=19$m=65536,t=2,p=2$SALT$HASH (unpadded standard base64).
func hashPassword(pw string, p Argon2Params) string {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errHash: a stored hash this package cannot read.
var errHash = errors.New("malformed password hash")

// parseHash reads a PHC argon2id string. Parameters are bounded so a
// tampered store cannot make a login allocate without limit.
func parseHash(phc string) (p Argon2Params, salt, key []byte, err error) {
	f := strings.Split(phc, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errHash
	}
	var m, t, par uint64
	for _, kv := range strings.Split(f[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(v, 10, 32)
		if perr != nil {
			return p, nil, nil, errHash
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			par = n
		default:
			return p, nil, nil, errHash
		}
	}
	if m < 8 || m > 1<<21 || t < 1 || t > 100 || par < 1 || par > 255 {
		return p, nil, nil, errHash
	}
	if salt, err = b64.DecodeString(f[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errHash
	}
	if key, err = b64.DecodeString(f[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errHash
	}
	return Argon2Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(par)}, salt, key, nil
}

// verifyPassword reports whether pw matches the PHC string, comparing in
// constant time.
func verifyPassword(phc, pw string) bool {
	p, salt, key, err := parseHash(phc)
	if err != nil || len(pw) > maxPasswordLen {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}
