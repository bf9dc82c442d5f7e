// Package secret makes random bearer tokens and the hashes under which
// they are stored: a database leak then yields no usable token.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"io"
)

// TokenBytes is the entropy of a token: 256 bits.
const TokenBytes = 32

// NewToken returns a URL-safe random token read from r (crypto/rand when
// r is nil).
func NewToken(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, TokenBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash returns the SHA-256 of token in hex: the form in which a token is
// stored and looked up. Tokens carry 256 random bits, so a fast hash is
// enough; no salt or stretching is needed.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
