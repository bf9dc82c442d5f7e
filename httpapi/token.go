package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/bookingkit/bookingkit"
)

// Token is a secret that a partner system sends as "Authorization: Bearer
// <token>" on server-to-server calls (the booking engine's, the airline's
// list uploads). It is held only as its SHA-256 and compared in constant
// time. The zero Token accepts nothing.
type Token struct {
	name string // in the errors: "wrong engine token"
	hash [sha256.Size]byte
	set  bool
}

// NewToken returns the Token that accepts token; name says which token it
// is in the answers to requests without it ("engine", "import").
func NewToken(name, token string) Token {
	return Token{name: name, hash: sha256.Sum256([]byte(token)), set: true}
}

// TokenFromHash returns the Token whose SHA-256 is hash, in hex (64
// digits): a token kept only as its hash.
func TokenFromHash(name, hash string) (Token, error) {
	b, err := hex.DecodeString(hash)
	if err != nil || len(b) != sha256.Size {
		return Token{}, errors.New("httpapi: a token's hash is the hex SHA-256 of the token (64 hex digits)")
	}
	t := Token{name: name, set: true}
	copy(t.hash[:], b)
	return t, nil
}

// Matches reports whether token is this one.
func (t Token) Matches(token string) bool {
	got := sha256.Sum256([]byte(token))
	return t.set && subtle.ConstantTimeCompare(got[:], t.hash[:]) == 1
}

// Check accepts a request carrying the token as "Authorization: Bearer …";
// its error matches bookingkit.ErrUnauthorized (401).
func (t Token) Check(r *http.Request) error {
	got := Bearer(r)
	if got == "" {
		return fmt.Errorf("missing bearer token (Authorization: Bearer <%s token>): %w", t.name, bookingkit.ErrUnauthorized)
	}
	if !t.Matches(got) {
		return fmt.Errorf("wrong %s token: %w", t.name, bookingkit.ErrUnauthorized)
	}
	return nil
}

// Require serves next only to requests that [Token.Check] accepts; the
// others get the error's answer ([WriteError]).
func (t Token) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := t.Check(r); err != nil {
			WriteError(w, r, nil, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireOn returns routes with each handler behind [Token.Require]: how a
// server puts a module's server-to-server routes behind its token.
func (t Token) RequireOn(routes []Route) []Route {
	out := make([]Route, len(routes))
	for i, r := range routes {
		r.Handler = t.Require(r.Handler)
		out[i] = r
	}
	return out
}
