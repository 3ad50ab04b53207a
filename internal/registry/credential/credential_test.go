package credential

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

// fast keeps the tests quick; the format is the same.
var fast = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with the given parameters", h)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false, "correct horse ": false} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, _ := HashPassword("correct horse", fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestDefaultParams(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB argon2id")
	}
	h, err := HashPassword("pw-12345678", DefaultArgon2Params)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(h, "pw-12345678"); !ok || err != nil {
		t.Fatalf("verify = %v, %v", ok, err)
	}
}

func TestMalformedHashes(t *testing.T) {
	good, _ := HashPassword("pw", fast)
	parts := strings.Split(good, "$")
	for _, h := range []string{
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1$" + parts[4] + "$" + parts[5] + "$",
		"$argon2id$v=19$m=64,t=1,x=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=0,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=999999999,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$AAAA",
	} {
		ok, err := VerifyPassword(h, "pw")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) = %v, %v; want ErrMalformedHash", h, ok, err)
		}
	}
	if ok, err := VerifyPassword("", "pw"); ok || err != nil {
		t.Errorf("empty hash: %v, %v; want no match, no error", ok, err)
	}
}

func TestCheckPassword(t *testing.T) {
	if CheckPassword("short") == nil {
		t.Error("a 5-character password was accepted")
	}
	if CheckPassword(strings.Repeat("x", MaxPasswordLength+1)) == nil {
		t.Error("an over-long password was accepted")
	}
	if err := CheckPassword("long enough"); err != nil {
		t.Error(err)
	}
}

func TestNewToken(t *testing.T) {
	a, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewToken()
	if a.Secret == b.Secret {
		t.Fatal("two tokens are equal")
	}
	if !strings.HasPrefix(a.Secret, TokenPrefix) || len(a.Secret) != len(TokenPrefix)+43 {
		t.Errorf("token %q: want %s followed by 43 base64url characters", a.Secret, TokenPrefix)
	}
	if a.Prefix != a.Secret[:ShownPrefixLength] {
		t.Errorf("prefix %q is not the token's first %d characters", a.Prefix, ShownPrefixLength)
	}
	sum := sha256.Sum256([]byte(a.Secret))
	if !bytes.Equal(a.Hash, sum[:]) || !bytes.Equal(HashToken(a.Secret), sum[:]) {
		t.Error("the hash is not the SHA-256 of the secret")
	}
	short := TokenFromSecret("abc")
	if short.Prefix != "abc" {
		t.Errorf("prefix of a short secret = %q", short.Prefix)
	}
}
