// Package credential makes and checks the registry's secrets: argon2id
// password hashes and access tokens.
//
// Passwords are hashed with argon2id (RFC 9106) and stored in the PHC string
// format ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so the parameters travel
// with each hash and can be raised later without invalidating old hashes.
//
// Access tokens are 32 random bytes behind a recognisable prefix, "bct_"
// (balcentral token), so secret scanners and people can tell a leaked
// token apart from other strings. Only the SHA-256 of a token is stored: a
// token is high-entropy, so a fast hash is as safe as a slow one and lets
// every request look its token up with one indexed query.
package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// TokenPrefix starts every token the registry generates.
const TokenPrefix = "bct_"

// tokenBytes is the entropy of a generated token.
const tokenBytes = 32

// ShownPrefixLength is how many characters of a token are kept in the clear
// (TokenPrefix included) so that a user can recognise it in a listing.
const ShownPrefixLength = 12

// Token is a newly generated access token.
type Token struct {
	// Secret is the token to give the user, once.
	Secret string
	// Prefix is its beginning, safe to store and show.
	Prefix string
	// Hash is the SHA-256 of Secret, what the store keeps.
	Hash []byte
}

// NewToken generates a token.
func NewToken() (Token, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return Token{}, fmt.Errorf("generating a token: %w", err)
	}
	return TokenFromSecret(TokenPrefix + base64.RawURLEncoding.EncodeToString(b)), nil
}

// TokenFromSecret returns the Token of a secret chosen elsewhere (the
// bootstrap token of an automated installation).
func TokenFromSecret(secret string) Token {
	prefix := secret
	if len(prefix) > ShownPrefixLength {
		prefix = prefix[:ShownPrefixLength]
	}
	return Token{Secret: secret, Prefix: prefix, Hash: HashToken(secret)}
}

// HashToken returns the SHA-256 of a token secret.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultArgon2Params follow the second recommended option of RFC 9106
// §4 scaled to a server that verifies passwords only on login: 64 MiB,
// 3 passes, 2 lanes.
var DefaultArgon2Params = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// ErrMalformedHash reports a stored hash that is not an argon2id PHC string.
var ErrMalformedHash = errors.New("malformed argon2id password hash")

// MaxPasswordLength bounds what is hashed: argon2 accepts any length, but a
// megabyte password is an attack, not a password.
const MaxPasswordLength = 1024

// MinPasswordLength is the shortest password accepted for a new account.
const MinPasswordLength = 8

// CheckPassword tells whether a new password is acceptable.
func CheckPassword(pw string) error {
	switch {
	case len(pw) < MinPasswordLength:
		return fmt.Errorf("password too short: use at least %d characters", MinPasswordLength)
	case len(pw) > MaxPasswordLength:
		return fmt.Errorf("password too long: use at most %d bytes", MaxPasswordLength)
	}
	return nil
}

// HashPassword hashes pw with p and returns the PHC string.
func HashPassword(pw string, p Argon2Params) (string, error) {
	if len(pw) > MaxPasswordLength {
		return "", fmt.Errorf("password too long: use at most %d bytes", MaxPasswordLength)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("generating a salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC string hash. A malformed
// hash is an error, never a match; an empty hash (an account without a
// password) matches nothing.
func VerifyPassword(hash, pw string) (bool, error) {
	if hash == "" || len(pw) > MaxPasswordLength {
		return false, nil
	}
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash splits a PHC argon2id string.
func parseHash(hash string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(v, 10, 32)
		if !ok || perr != nil || n == 0 {
			return p, nil, nil, ErrMalformedHash
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, ErrMalformedHash
			}
			p.Threads = uint8(n)
		default:
			return p, nil, nil, ErrMalformedHash
		}
	}
	// Refuse parameters that would turn a login into a denial of service
	// (a hash written by hand or by a tampered database).
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 4<<20 || p.Time > 64 {
		return p, nil, nil, ErrMalformedHash
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = enc.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}
