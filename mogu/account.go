package mogu

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

// Realm is the account realm of MOGU's travellers: their app accounts are
// apart from any other module's users, even under the same email.
const Realm account.Realm = "mogu"

// Kinds of the requests [Accounts.QueueRegister] and [Accounts.QueueReset]
// store in [AccountsConfig.Queue]; the worker hands their payloads to
// [Accounts.CompleteRegister] and [Accounts.CompleteReset].
const (
	KindRegister = "mogu.register"
	KindReset    = "mogu.reset"
)

// AccountRequest is the payload of a queued sign-up ([KindRegister]) or
// reset ([KindReset]): the address typed, normalised.
type AccountRequest struct {
	Email string `json:"email"`
	// Language is the language of the mail that answers the request: the
	// request's (locale.ToQueue); empty, the worker's default.
	Language string `json:"language,omitempty"`
}

// AccountsConfig configures [Accounts].
type AccountsConfig struct {
	// Account configures the sign-in machinery: link and session
	// lifetimes, the minimum password length, rate limits, the clock.
	// Realm defaults to [Realm].
	Account account.Config
	// Mailer sends the one-time links. Required.
	Mailer account.Mailer
	// Templates are the messages' texts; [DefaultMailTemplates] when nil.
	Templates *MailTemplates
	// LinkURL is the URL mailed for a one-time link, with "{token}" where
	// the query-escaped token goes: the app's set-password deep link, e.g.
	// "mogu://set-password?token={token}". Required.
	LinkURL string
	// Queue, when set, stores the sign-ups and resets that
	// [Accounts.QueueRegister] and [Accounts.QueueReset] take, for a
	// worker to complete ([Accounts.CompleteRegister],
	// [Accounts.CompleteReset]): package outbox's *Outbox, with handlers
	// for [KindRegister] and [KindReset]. A queued request holds the
	// address until the worker completes it.
	Queue account.Queue
}

// Accounts is the traveller app's accounts: sign-up, the mailed one-time
// links, sign-in and sessions. It builds on [account.Service] (realm
// [Realm]) and adds MOGU's rules: anyone may sign up with an address, the
// one-time link mailed there proves it, and the answers to a sign-up or a
// reset never tell who has an account. A sign-up for an address that has
// one mails a link to choose a new password instead (with words that say
// so), a reset for an address that has none mails nothing, and the caller
// answers both alike. [Accounts.QueueRegister] and [Accounts.QueueReset]
// do the same writes whatever the accounts hold (one queued request), so
// not even the time taken tells.
type Accounts struct {
	svc       *account.Service
	mailer    account.Mailer
	templates *MailTemplates
	linkURL   string
	linkTTL   time.Duration
	queue     account.Queue
}

// NewAccounts returns the app's accounts over store. It returns a
// [*bookingkit.ValidationError] naming a missing or bad setting.
func NewAccounts(store account.Store, cfg AccountsConfig) (*Accounts, error) {
	if store == nil {
		return nil, bookingkit.Invalid("store", "", "required")
	}
	if cfg.Mailer == nil {
		return nil, bookingkit.Invalid("Mailer", "", "a mailer is required to send the one-time links")
	}
	if strings.Count(cfg.LinkURL, "{token}") != 1 {
		return nil, bookingkit.Invalid("LinkURL", cfg.LinkURL, `must contain "{token}" once, where the one-time token goes`)
	}
	a := &Accounts{mailer: cfg.Mailer, templates: cfg.Templates, linkURL: cfg.LinkURL, queue: cfg.Queue}
	if a.templates == nil {
		a.templates = DefaultMailTemplates()
	}
	acfg := cfg.Account
	if acfg.Realm == "" {
		acfg.Realm = Realm
	}
	a.linkTTL = acfg.LinkTTL
	if a.linkTTL == 0 {
		a.linkTTL = 24 * time.Hour // account.Service's default
	}
	a.svc = account.New(store, acfg)
	return a, nil
}

// Service returns the underlying account service.
func (a *Accounts) Service() *account.Service { return a.svc }

// SignedIn is a traveller signed in: the account, as MOGU sees it, and
// the session token that proves it.
type SignedIn struct {
	Account Account
	Session string
}

// QueueRegister takes a sign-up for email: it checks the address and takes
// the rate limits per client address addr and per email, then stores one
// [KindRegister] request in [AccountsConfig.Queue] and returns the
// normalised address, having read no account: every sign-up it lets
// through does the same writes, so neither its answer nor its time tells
// whether the address has an account. The worker completes it with
// [Accounts.CompleteRegister].
func (a *Accounts) QueueRegister(ctx context.Context, email, addr string) (string, error) {
	if a.queue == nil {
		return "", errors.New("mogu: no AccountsConfig.Queue to store the sign-up in")
	}
	email, err := account.NormaliseEmail(email)
	if err != nil {
		return "", err
	}
	if err := a.svc.Limit(ctx, "register", addr, email); err != nil {
		return "", err
	}
	if err := a.queue.Enqueue(ctx, KindRegister, AccountRequest{Email: email, Language: locale.ToQueue(ctx)}); err != nil {
		return "", fmt.Errorf("mogu: register: %w", err)
	}
	return email, nil
}

// CompleteRegister does the rest of a sign-up [Accounts.QueueRegister]
// stored, without taking the rate limits again: it creates the account and
// mails its set-password link ([MailTemplates] register), or, when the
// address has an account, issues a reset link through the same steps and
// mails it with words that say so (already). A malformed address is a
// *bookingkit.ValidationError; any other error is worth another try.
func (a *Accounts) CompleteRegister(ctx context.Context, req AccountRequest) error {
	_, token, existed, err := a.svc.CreateOrReset(ctx, req.Email, "")
	if err != nil {
		return err
	}
	tpl := a.templates.register
	if existed {
		tpl = a.templates.already
	}
	email, _ := account.NormaliseEmail(req.Email)
	return a.mailLink(locale.Queued(ctx, req.Language), tpl, email, token)
}

// QueuedHandlers returns the outbox handlers that complete the requests
// QueueRegister and QueueReset store, by kind: register them on the
// outbox given as AccountsConfig.Queue ([outbox.Outbox.HandleAll]). They
// take no rate limit: the request took it.
func (a *Accounts) QueuedHandlers() map[string]outbox.Handler {
	return map[string]outbox.Handler{
		KindRegister: outbox.Completing(KindRegister, a.CompleteRegister),
		KindReset:    outbox.Completing(KindReset, a.CompleteReset),
	}
}

// QueueReset takes a forgotten-password request for email: it checks the
// address and takes the link limits, then stores one [KindReset] request
// and returns nil whether or not the address has an account. The worker
// completes it with [Accounts.CompleteReset].
func (a *Accounts) QueueReset(ctx context.Context, email, addr string) error {
	return a.svc.QueueReset(ctx, a.queue, KindReset, email, addr, func(email string) any {
		return AccountRequest{Email: email, Language: locale.ToQueue(ctx)}
	})
}

// CompleteReset does the rest of a reset [Accounts.QueueReset] stored: it
// mails a link to choose a new password when the address has an account,
// and does nothing (and returns nil) when it has none.
func (a *Accounts) CompleteReset(ctx context.Context, req AccountRequest) error {
	acct, token, err := a.svc.CompleteReset(ctx, req.Email)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.mailLink(locale.Queued(ctx, req.Language), a.templates.reset, acct.Email, token)
}

func (a *Accounts) mailLink(ctx context.Context, tpl *mailTemplate, to, token string) error {
	link := strings.Replace(a.linkURL, "{token}", url.QueryEscape(token), 1)
	tag := locale.Of(ctx)
	msg, err := tpl.render(tag, MailData{Email: to, Link: link, ValidFor: account.ValidFor(tag, a.linkTTL)})
	if err != nil {
		return err
	}
	msg.To = to
	if err := a.mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("mogu: send the link to %s: %w", to, err)
	}
	return nil
}

// SetPassword uses a mailed one-time token: it sets the password, ends the
// account's other sessions, and signs the traveller in.
func (a *Accounts) SetPassword(ctx context.Context, token, password string) (SignedIn, error) {
	acct, session, err := a.svc.SetPassword(ctx, token, password)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Account: Account{ID: acct.ID, Email: acct.Email}, Session: session}, nil
}

// Login signs a traveller in with email and password; addr is the client's
// address, for rate limits. Wrong credentials are
// [account.ErrBadCredentials], whatever was wrong.
func (a *Accounts) Login(ctx context.Context, email, password, addr string) (SignedIn, error) {
	acct, session, err := a.svc.Login(ctx, email, password, addr)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Account: Account{ID: acct.ID, Email: acct.Email}, Session: session}, nil
}

// Authenticate returns the traveller signed in with a session token. An
// unknown or expired session matches bookingkit.ErrUnauthorized.
func (a *Accounts) Authenticate(ctx context.Context, session string) (Account, error) {
	acct, err := a.svc.Authenticate(ctx, session)
	if err != nil {
		return Account{}, err
	}
	return Account{ID: acct.ID, Email: acct.Email}, nil
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, session string) error {
	return a.svc.Logout(ctx, session)
}
