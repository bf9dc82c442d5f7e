// Package password hashes passwords with argon2id and checks new passwords
// against NIST SP 800-63B's rules.
//
// Hashes are PHC strings ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), so the
// parameters travel with each hash: raising them later leaves old hashes
// verifiable, and [Verify] says when a hash should be recomputed with the
// current parameters (on the user's next successful login).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/bookingkit/bookingkit"
)

// Params are argon2id's cost parameters.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   int
	KeyLen    uint32
}

// OWASP is the OWASP Password Storage Cheat Sheet's argon2id minimum:
// 19 MiB of memory, two passes, one thread.
var OWASP = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrMalformedHash: a stored hash is not a PHC argon2id string.
var ErrMalformedHash = errors.New("password: malformed hash")

// Hash returns the PHC string of pw under p.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC hash, comparing in constant
// time, and whether the hash was made with parameters other than want (so
// the caller should store a new hash now that it knows the password).
func Verify(pw, hash string, want Params) (ok, rehash bool, err error) {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(norm.NFKC.String(pw)), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	rehash = p.MemoryKiB != want.MemoryKiB || p.Time != want.Time || p.Threads != want.Threads || uint32(len(key)) != want.KeyLen
	return true, rehash, nil
}

func decode(hash string) (Params, []byte, []byte, error) {
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrMalformedHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 || p.MemoryKiB == 0 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return Params{}, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// Policy is what a new password must satisfy (NIST SP 800-63B §5.1.1.2):
// a minimum length, no composition rules, not a commonly used password,
// not the account's own email.
type Policy struct {
	MinLength int // in characters; 8 when zero
	MaxLength int // in characters; 256 when zero (argon2 hashes any length, but bodies are finite)
}

// Check returns a *bookingkit.ValidationError for field "password" when pw
// breaks the policy. The value is never echoed.
func (p Policy) Check(pw, email string) error {
	minLen, maxLen := p.MinLength, p.MaxLength
	if minLen == 0 {
		minLen = 8
	}
	if maxLen == 0 {
		maxLen = 256
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return bookingkit.Invalid("password", "", "valid UTF-8 text")
	case n < minLen:
		return bookingkit.Invalid("password", "", fmt.Sprintf("at least %d characters", minLen))
	case n > maxLen:
		return bookingkit.Invalid("password", "", fmt.Sprintf("at most %d characters", maxLen))
	case isCommon(pw):
		return bookingkit.Invalid("password", "", "not one of the commonly used passwords")
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(email)):
		return bookingkit.Invalid("password", "", "not your email address")
	case email != "" && strings.EqualFold(pw, localPart(email)) && utf8.RuneCountInString(localPart(email)) >= minLen:
		return bookingkit.Invalid("password", "", "not the name part of your email address")
	}
	return nil
}

func localPart(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return email
	}
	return email[:at]
}

//go:embed common.txt
var commonList string

var common = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
}()

func isCommon(pw string) bool {
	_, ok := common[strings.ToLower(pw)]
	return ok
}
