package account

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Realm separates populations of accounts: an airline's staff and MOGU's
// travellers have separate accounts even under the same email address.
type Realm string

// Account is one person's sign-in identity within a realm.
type Account struct {
	ID      string
	Realm   Realm
	Email   string // normalised: trimmed, lower-case
	Subject string // the owning module's ID for the person (a staffid person ID); may be empty
	// PasswordHash is an argon2id PHC string; empty until the person sets
	// a password through a one-time link.
	PasswordHash string
	CreatedAt    time.Time
}

// Purpose says what a one-time link is for.
type Purpose string

const (
	PurposeSetPassword   Purpose = "set_password"   // sent on registration
	PurposeResetPassword Purpose = "reset_password" // sent on a forgotten-password request
)

// Link is a one-time link's stored form; the token itself is never stored.
type Link struct {
	TokenHash string
	AccountID string
	Purpose   Purpose
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
}

// Session is a signed-in session's stored form.
type Session struct {
	TokenHash string
	AccountID string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store keeps accounts, one-time links and sessions. Implementations
// translate their errors into bookingkit's sentinels.
type Store interface {
	// CreateAccount stores a new account. It fails with ErrConflict when the
	// realm already has an account with the same email, or with the same
	// non-empty subject.
	CreateAccount(ctx context.Context, a Account) error
	// Account returns the account with id, or ErrNotFound.
	Account(ctx context.Context, id string) (Account, error)
	// AccountByEmail returns the realm's account with the normalised email, or ErrNotFound.
	AccountByEmail(ctx context.Context, realm Realm, email string) (Account, error)
	// AccountBySubject returns the realm's account for subject, or ErrNotFound.
	AccountBySubject(ctx context.Context, realm Realm, subject string) (Account, error)
	// SetPasswordHash replaces the account's password hash (ErrNotFound when
	// there is no such account).
	SetPasswordHash(ctx context.Context, accountID, hash string) error
	// MoveAccount gives the account another email, in one transaction,
	// when its email is still from: it sets the email to to, clears the
	// password hash, and deletes the account's sessions and one-time links
	// (a link mailed to the old address must not set the moved account's
	// password). It returns the moved account. ErrNotFound when there is
	// no account with id and the email from (a concurrent move came
	// first), ErrConflict when another account of the realm has the email
	// to; either way nothing changes.
	MoveAccount(ctx context.Context, id, from, to string) (Account, error)

	// CreateLink stores a one-time link.
	CreateLink(ctx context.Context, l Link) error
	// Link returns the link stored under tokenHash, used or not, or ErrNotFound.
	Link(ctx context.Context, tokenHash string) (Link, error)
	// UseLink, in one transaction: marks the link used at now if it is
	// unused and expires after now, sets the account's password hash, and
	// deletes the account's sessions (a new password ends the old
	// sessions). It returns the account, or ErrNotFound when there is no
	// usable link (unknown, used or expired) and then changes nothing.
	UseLink(ctx context.Context, tokenHash string, now time.Time, passwordHash string) (Account, error)

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session stored under tokenHash, or ErrNotFound.
	Session(ctx context.Context, tokenHash string) (Session, error)
	// DeleteSession removes one session; deleting a missing one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteSessions removes every session of the account.
	DeleteSessions(ctx context.Context, accountID string) error
}

// NormaliseEmail trims and lower-cases an address and checks its form; it
// returns a *bookingkit.ValidationError for field "email" when it is not
// one plain address.
func NormaliseEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if e == "" {
		return "", bookingkit.Invalidf("email", email, "an email address is required")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") || len(e) > 254 {
		return "", bookingkit.Invalidf("email", email, "a valid email address such as name@example.com")
	}
	return e, nil
}
