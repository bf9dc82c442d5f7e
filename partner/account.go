package partner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/outbox"
)

// Realm separates partner users' sign-in accounts from other modules'. An
// account's Subject is the partner user's ID ([User.ID]).
const Realm account.Realm = "partner"

// SetPasswordPath is the page a mailed or printed one-time link opens,
// under the base address the link is made for ([SetPasswordLink]).
const SetPasswordPath = "/partner/set-password"

// KindReset is the kind of the requests [Accounts.QueueReset] stores in
// [AccountsConfig.Queue]; the worker hands their payloads to
// [Accounts.CompleteReset].
const KindReset = "partner.reset"

// ResetRequest is the payload of a queued reset ([KindReset]): the address
// typed, normalised, and the base address the mailed link is to point at.
type ResetRequest struct {
	Email    string `json:"email"`
	LinkBase string `json:"link_base"`
	// Language is the language of the mail: the request's (locale.ToQueue);
	// empty, the worker's default.
	Language string `json:"language,omitempty"`
}

// SetPasswordLink is the one-time link for token under base, the address
// of the server as partners' browsers reach it ("https://partners.example.com").
func SetPasswordLink(base, token string) string {
	return strings.TrimSuffix(base, "/") + SetPasswordPath + "?token=" + url.QueryEscape(token)
}

// AccountsConfig configures [Accounts].
type AccountsConfig struct {
	// Account configures the sign-in machinery: link and session
	// lifetimes, the minimum password length, rate limits, the clock.
	// Realm defaults to [Realm].
	Account account.Config
	// Mailer sends the one-time links. Required.
	Mailer account.Mailer
	// Queue, when set, stores the resets [Accounts.QueueReset] takes, for
	// a worker to complete ([Accounts.CompleteReset]): package outbox's
	// *Outbox, with a handler for [KindReset].
	Queue account.Queue
}

// Accounts is the partner users' and administrators' sign-in: the mailed
// one-time links (invitations and resets), sign-in and sessions. It builds
// on [account.Service] (realm [Realm]) and adds the partner module's
// rules: an account belongs to the partner user whose ID is its subject,
// and a session whose user no longer exists signs nobody in
// ([Accounts.Authenticate]); a user is invited by a link to choose the
// first password, and invited again by a link to choose a new one
// ([Accounts.Invite]); and a forgotten-password request is answered alike
// whether or not the address has an account ([Accounts.QueueReset]).
type Accounts struct {
	svc     *account.Service
	users   Store
	mailer  account.Mailer
	queue   account.Queue
	linkTTL time.Duration
}

// NewAccounts returns the partner users' accounts over store, with the
// users themselves in users (the [Service]'s Store). It returns a
// [*bookingkit.ValidationError] naming a missing setting.
func NewAccounts(store account.Store, users Store, cfg AccountsConfig) (*Accounts, error) {
	if store == nil {
		return nil, bookingkit.Invalid("store", "", "required")
	}
	if users == nil {
		return nil, bookingkit.Invalid("users", "", "required")
	}
	if cfg.Mailer == nil {
		return nil, bookingkit.Invalid("Mailer", "", "a mailer is required to send the one-time links")
	}
	acfg := cfg.Account
	if acfg.Realm == "" {
		acfg.Realm = Realm
	}
	a := &Accounts{users: users, mailer: cfg.Mailer, queue: cfg.Queue, linkTTL: acfg.LinkTTL}
	if a.linkTTL == 0 {
		a.linkTTL = 24 * time.Hour // account.Service's default
	}
	a.svc = account.New(store, acfg)
	return a, nil
}

// Service returns the underlying account service.
func (a *Accounts) Service() *account.Service { return a.svc }

// SignedIn is a partner user signed in and the session token that proves it.
type SignedIn struct {
	User    User
	Session string
}

// Authenticate returns the partner user signed in with a session token. An
// unknown or expired session, an account that is no partner user's, and a
// user that no longer exists all match bookingkit.ErrUnauthorized.
func (a *Accounts) Authenticate(ctx context.Context, session string) (User, error) {
	acct, err := a.svc.Authenticate(ctx, session)
	if err != nil {
		return User{}, err
	}
	if acct.Subject == "" {
		return User{}, fmt.Errorf("account %s is no partner user: %w", acct.ID, bookingkit.ErrUnauthorized)
	}
	u, err := a.users.GetUser(ctx, acct.Subject)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return User{}, fmt.Errorf("the user of this session no longer exists: %w", bookingkit.ErrUnauthorized)
	}
	return u, err
}

// Login signs a partner user in with email and password; addr is the
// client's address, for rate limits. Wrong credentials are
// [account.ErrBadCredentials], whatever was wrong.
func (a *Accounts) Login(ctx context.Context, email, password, addr string) (SignedIn, error) {
	_, session, err := a.svc.Login(ctx, email, password, addr)
	if err != nil {
		return SignedIn{}, err
	}
	return a.signedIn(ctx, session)
}

// SetPassword uses a one-time link's token: it sets the password, ends the
// account's other sessions, and signs the user in.
func (a *Accounts) SetPassword(ctx context.Context, token, password string) (SignedIn, error) {
	_, session, err := a.svc.SetPassword(ctx, token, password)
	if err != nil {
		return SignedIn{}, err
	}
	return a.signedIn(ctx, session)
}

func (a *Accounts) signedIn(ctx context.Context, session string) (SignedIn, error) {
	u, err := a.Authenticate(ctx, session)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{User: u, Session: session}, nil
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, session string) error {
	return a.svc.Logout(ctx, session)
}

// Invite issues a one-time link to choose a password for u, creating u's
// account the first time, and mails it to u's address; the link points
// under base ([SetPasswordLink]). Inviting again mails a new link, to
// choose a new password. An address whose account belongs to another user
// is a conflict (bookingkit.ErrConflict).
func (a *Accounts) Invite(ctx context.Context, u User, base string) error {
	_, token, err := a.svc.Create(ctx, u.Email, u.ID)
	subject := bookingkit.Msg("Your PartnerApp account")
	intro := bookingkit.Msg("An account has been opened for you in PartnerApp. Open this link to choose your password:")
	if errors.Is(err, bookingkit.ErrConflict) {
		var acct account.Account
		if acct, err = a.svc.AccountBySubject(ctx, u.ID); err != nil {
			return fmt.Errorf("the address %s already has an account of another user: %w", u.Email, bookingkit.ErrConflict)
		}
		_, token, err = a.svc.RequestReset(ctx, acct.Email, "")
		subject, intro = partnerResetSubject, partnerResetIntro
	}
	if err != nil {
		return err
	}
	// The invited user has told no language yet: the deployment's.
	return a.mailLink(locale.WithLanguage(ctx, locale.DefaultOf(ctx)), u.Email, subject, intro, SetPasswordLink(base, token))
}

// QueueReset takes a forgotten-password request for email: it checks the
// address and takes the link limits per client address addr and per
// email, then stores one [KindReset] request (with base, where the link is
// to point) and returns nil whether or not the address has an account:
// the request does the same writes either way. The worker completes it
// with [Accounts.CompleteReset].
func (a *Accounts) QueueReset(ctx context.Context, email, addr, base string) error {
	return a.svc.QueueReset(ctx, a.queue, KindReset, email, addr, func(email string) any {
		return ResetRequest{Email: email, LinkBase: base, Language: locale.ToQueue(ctx)}
	})
}

// QueuedHandlers returns the outbox handler that completes the resets
// QueueReset stores, by kind: register it on the outbox given as
// AccountsConfig.Queue ([outbox.Outbox.HandleAll]).
func (a *Accounts) QueuedHandlers() map[string]outbox.Handler {
	return map[string]outbox.Handler{KindReset: outbox.Completing(KindReset, a.CompleteReset)}
}

// CompleteReset does the rest of a reset [Accounts.QueueReset] stored,
// without taking the rate limits again: it mails a link to choose a new
// password when the address has an account, and does nothing (and
// returns nil) when it has none.
func (a *Accounts) CompleteReset(ctx context.Context, req ResetRequest) error {
	acct, token, err := a.svc.CompleteReset(ctx, req.Email)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.mailLink(locale.Queued(ctx, req.Language), acct.Email, partnerResetSubject, partnerResetIntro, SetPasswordLink(req.LinkBase, token))
}

// The reset mail's subject and first line.
var (
	partnerResetSubject = bookingkit.Msg("Your PartnerApp password")
	partnerResetIntro   = bookingkit.Msg("Open this link to choose a new PartnerApp password:")
)

// mailLink mails link to to, in the language of ctx (locale.Of).
func (a *Accounts) mailLink(ctx context.Context, to string, subject, intro bookingkit.Message, link string) error {
	tag := locale.Of(ctx)
	body := locale.Sprintf(tag, intro.Key, intro.Args...) + "\n\n" + link + "\n\n" +
		locale.Sprintf(tag, "The link works once and expires in %s. If you did not ask for it, ignore this message.", account.ValidFor(tag, a.linkTTL)) + "\n"
	if err := a.mailer.Send(ctx, account.Message{To: to, Subject: locale.Sprintf(tag, subject.Key, subject.Args...), Body: body}); err != nil {
		return fmt.Errorf("partner: send the link to %s: %w", to, err)
	}
	return nil
}
