package account

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/internal/password"
	"github.com/bookingkit/bookingkit/internal/secret"
	"github.com/bookingkit/bookingkit/throttle"
)

// ErrBadCredentials is the one answer to a failed login, whatever failed:
// unknown email, wrong password, no password set yet. It matches
// bookingkit.ErrUnauthorized.
var ErrBadCredentials = bookingkit.Errorf("email or password is wrong: %w", bookingkit.ErrUnauthorized)

// ErrBadLink is the one answer to an unusable one-time link: unknown,
// already used, or expired. It matches bookingkit.ErrUnauthorized.
var ErrBadLink = bookingkit.Errorf("this link is invalid, already used or expired; ask for a new one: %w", bookingkit.ErrUnauthorized)

// Gate tells whether the person behind an account may still get in. The
// module that owns the people provides it (staffid refuses blocked
// employees); it is asked at every login and every authenticated request, so
// blocking a person ends their sessions at once and unblocking lets the old
// password work again. A nil Gate lets everyone in.
type Gate interface {
	// Allowed returns nil, or an error matching bookingkit.ErrForbidden
	// (or ErrNotFound) saying why the account's subject may not get in
	// (with this account: staffid also refuses an account whose email is
	// not the one the airline's list gives). Any other error means the
	// gate could not decide; the request fails but the person's sessions
	// are kept. It is asked only for accounts with a subject.
	Allowed(ctx context.Context, a Account) error
}

// Limiter takes one attempt for a key, or refuses it with an error matching
// bookingkit.ErrRateLimited (ideally a *bookingkit.RetryAfterError). ctx is
// the request's: a limiter that keeps its counts in a database (so that
// every server sharing it counts the same attempts, package throttle)
// gives up with the request. Any other error means the limiter could not
// decide, and the attempt is refused all the same.
type Limiter interface {
	Allow(ctx context.Context, key string) error
}

// Config configures a [Service].
type Config struct {
	Realm      Realm
	LinkTTL    time.Duration // lifetime of a one-time link; 24 h when zero
	SessionTTL time.Duration // lifetime of a session; 7 days when zero
	// SessionsUntilSignOut makes a session last until its holder signs
	// out (SessionTTL is then not used): an app that stays signed in, as
	// MOGU's. A blocked or deleted account still ends its sessions at
	// their next use.
	SessionsUntilSignOut bool
	MinPasswordLength    int // 8 when zero
	// PerAddress and PerAccount limit login and link requests; when nil,
	// 10 attempts at once then one a minute per address, and 5 then one a
	// minute per account, counted in this process (throttle.NewMemory).
	PerAddress Limiter
	PerAccount Limiter
	Gate       Gate
	// UserInputs, when set, returns what the owning module knows of the
	// account's person (names, personnel number, birth date): a new
	// password built from them is refused, as one built from the email
	// is. An error fails the password change.
	UserInputs func(ctx context.Context, a Account) ([]string, error)
	Now        func() time.Time // time.Now when nil
	Rand       io.Reader        // crypto/rand when nil
	// HashParams are argon2id's costs; [OWASPHashParams] when zero. Tests
	// lower them to run fast.
	HashParams HashParams
}

// UntilSignOut is the ExpiresAt of a session that lasts until its holder
// signs out ([Config.SessionsUntilSignOut]): the last day every store
// keeps as a time.
var UntilSignOut = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// Service signs people in: accounts, one-time links, passwords, sessions.
// Modules build on it (staffid's employees, mogu's travellers) and send the
// links it issues with their own mail templates.
type Service struct {
	store Store
	cfg   Config
	// hash is cfg.HashParams in the hashing package's terms.
	hash password.Params
	// dummyHash is verified against when there is no account, so a failed
	// login takes as long whether or not the email exists.
	dummyHash string
}

// New returns a Service over store.
func New(store Store, cfg Config) *Service {
	if cfg.LinkTTL == 0 {
		cfg.LinkTTL = 24 * time.Hour
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 7 * 24 * time.Hour
	}
	if cfg.PerAddress == nil {
		cfg.PerAddress = throttle.NewMemory(time.Minute, 10)
	}
	if cfg.PerAccount == nil {
		cfg.PerAccount = throttle.NewMemory(time.Minute, 5)
	}
	if cfg.MinPasswordLength == 0 {
		cfg.MinPasswordLength = 8
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HashParams == (HashParams{}) {
		cfg.HashParams = OWASPHashParams
	}
	hash := password.Params(cfg.HashParams)
	dummy, err := password.Hash("not a real password", hash)
	if err != nil {
		panic("account: cannot hash with the system's random source: " + err.Error())
	}
	return &Service{store: store, cfg: cfg, hash: hash, dummyHash: dummy}
}

// Realm returns the service's realm.
func (s *Service) Realm() Realm { return s.cfg.Realm }

// MinPasswordLength returns the shortest password the service accepts, for
// a form to say so.
func (s *Service) MinPasswordLength() int { return s.cfg.MinPasswordLength }

// Limit takes one attempt of kind ("register", "login", "link") for the
// client address and the account key (an email or subject); either may be
// empty. Modules call it for their own forms, such as registration.
//
// A limiter that cannot decide (its database is down) refuses the attempt
// with its error, which does not match ErrRateLimited: attempts are never
// let through unlimited.
func (s *Service) Limit(ctx context.Context, kind, addr, accountKey string) error {
	if addr != "" {
		if err := s.cfg.PerAddress.Allow(ctx, string(s.cfg.Realm)+":"+kind+":addr:"+addr); err != nil {
			return limitError(kind, bookingkit.Msg("from this address"), err)
		}
	}
	if accountKey != "" {
		if err := s.cfg.PerAccount.Allow(ctx, string(s.cfg.Realm)+":"+kind+":acct:"+accountKey); err != nil {
			return limitError(kind, bookingkit.Msg("for this account"), err)
		}
	}
	return nil
}

func limitError(kind string, scope bookingkit.Message, err error) error {
	if errors.Is(err, bookingkit.ErrRateLimited) {
		return bookingkit.Errorf("too many %s attempts %s: %w", attempts(kind), scope, err)
	}
	return fmt.Errorf("cannot count the %s attempts %s: %w", kind, scope, err)
}

// attempts names a kind of attempt in an answer people read.
func attempts(kind string) any {
	switch kind {
	case "register":
		return bookingkit.Msg("register")
	case "login":
		return bookingkit.Msg("login")
	case "link":
		return bookingkit.Msg("link")
	}
	return kind
}

// Create makes an account without a password for email and subject and
// returns it with a one-time set-password link token to send to email.
// It fails with ErrConflict when the realm already has the email or subject.
func (s *Service) Create(ctx context.Context, email, subject string) (Account, string, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, "", err
	}
	id, err := secret.NewToken(s.cfg.Rand)
	if err != nil {
		return Account{}, "", err
	}
	a := Account{ID: id[:22], Realm: s.cfg.Realm, Email: email, Subject: subject, CreatedAt: s.cfg.Now().UTC()}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		return Account{}, "", fmt.Errorf("create account: %w", err)
	}
	token, err := s.issueLink(ctx, a.ID, PurposeSetPassword)
	if err != nil {
		return Account{}, "", err
	}
	return a, token, nil
}

// CreateOrReset is [Service.Create] for a sign-up form that must answer
// the same whether or not the address has an account: when the realm
// already has the email, it returns that account with a reset link token
// instead, and existed true. Either way one link is issued, and no rate
// limit beyond the caller's is taken (RequestReset's link limit would turn
// an exhausted limit into a 429 for existing addresses only). A conflict
// on subject alone is ErrConflict.
func (s *Service) CreateOrReset(ctx context.Context, email, subject string) (a Account, token string, existed bool, err error) {
	a, token, err = s.Create(ctx, email, subject)
	if !errors.Is(err, bookingkit.ErrConflict) {
		return a, token, false, err
	}
	email, _ = NormaliseEmail(email) // Create checked it
	a, err = s.store.AccountByEmail(ctx, s.cfg.Realm, email)
	if err != nil {
		return Account{}, "", false, fmt.Errorf("create account: %w", bookingkit.ErrConflict)
	}
	token, err = s.issueLink(ctx, a.ID, PurposeResetPassword)
	return a, token, true, err
}

// Move gives account a another email, when the module that owns the
// person knows better (staffid: the airline's list gives the employee
// another address): the password and every session and one-time link end,
// and the returned set-password link token is to be mailed to the new
// address, whose owner chooses the password. ErrNotFound when a's email
// changed meanwhile (a concurrent Move came first: it mails its own
// link); ErrConflict when another account of the realm has the address.
func (s *Service) Move(ctx context.Context, a Account, to string) (Account, string, error) {
	to, err := NormaliseEmail(to)
	if err != nil {
		return Account{}, "", err
	}
	moved, err := s.store.MoveAccount(ctx, a.ID, a.Email, to)
	if err != nil {
		return Account{}, "", fmt.Errorf("move account: %w", err)
	}
	token, err := s.issueLink(ctx, moved.ID, PurposeSetPassword)
	if err != nil {
		return Account{}, "", err
	}
	return moved, token, nil
}

// AccountBySubject returns the realm's account for subject, or ErrNotFound.
func (s *Service) AccountBySubject(ctx context.Context, subject string) (Account, error) {
	return s.store.AccountBySubject(ctx, s.cfg.Realm, subject)
}

// RequestReset returns a one-time reset link token for the account with
// email, to be mailed to that address. It is rate-limited per address and
// per email. An unknown email (or a person the gate refuses) yields
// ErrNotFound: the caller must answer the client the same either way, so the
// form reveals nothing about who has an account.
//
// RequestReset is [Service.CheckReset] then [Service.CompleteReset] in one
// call, so its time depends on whether the account exists (a link is
// stored for one, nothing for the other). A form whose answer must take
// as long either way calls CheckReset in the request, queues the address
// (package outbox) and calls CompleteReset from the worker.
func (s *Service) RequestReset(ctx context.Context, email, addr string) (Account, string, error) {
	email, err := s.CheckReset(ctx, email, addr)
	if err != nil {
		return Account{}, "", err
	}
	return s.CompleteReset(ctx, email)
}

// CheckReset is the part of a reset request that does not look at the
// stored accounts: it normalises email (a *bookingkit.ValidationError when
// it is no address) and takes the link limits per client address and per
// email. It returns the normalised address, for [Service.CompleteReset].
func (s *Service) CheckReset(ctx context.Context, email, addr string) (string, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return "", err
	}
	if err := s.Limit(ctx, "link", addr, email); err != nil {
		return "", err
	}
	return email, nil
}

// QueueReset is a reset request for a form whose answer must take as long
// whether or not the address has an account: [Service.CheckReset], then
// the request req makes of the normalised address is stored in q under
// kind, for a worker that completes it with [Service.CompleteReset]. It
// reads no account. A nil q (the module was given no queue) is an error.
func (s *Service) QueueReset(ctx context.Context, q Queue, kind, email, addr string, req func(email string) any) error {
	if q == nil {
		return fmt.Errorf("%s: no queue (AccountsConfig.Queue) to store the request in", kind)
	}
	email, err := s.CheckReset(ctx, email, addr)
	if err != nil {
		return err
	}
	if err := q.Enqueue(ctx, kind, req(email)); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return nil
}

// CompleteReset is the rest of a reset request that [Service.CheckReset]
// let through: it returns a one-time reset link token for the realm's
// account with email, or ErrNotFound when there is none or the gate
// refuses its person. It takes no rate limit (CheckReset took them), so
// a worker completing a queued request does not count it twice.
func (s *Service) CompleteReset(ctx context.Context, email string) (Account, string, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, "", err
	}
	a, err := s.store.AccountByEmail(ctx, s.cfg.Realm, email)
	if err != nil {
		return Account{}, "", err
	}
	if err := s.allowed(ctx, a); err != nil {
		return Account{}, "", fmt.Errorf("reset: %w", bookingkit.ErrNotFound)
	}
	token, err := s.issueLink(ctx, a.ID, PurposeResetPassword)
	return a, token, err
}

// IssueLink returns a new one-time link token of purpose p for account a,
// to be mailed to a's address. Unlike [Service.RequestReset] it takes no
// rate limit and asks no gate: the module calls it for a form it has
// limited and checked itself (staffid: a registration of an employee whose
// account never got a password), so that form's answers do not depend on
// the link limit.
func (s *Service) IssueLink(ctx context.Context, a Account, p Purpose) (string, error) {
	return s.issueLink(ctx, a.ID, p)
}

func (s *Service) issueLink(ctx context.Context, accountID string, p Purpose) (string, error) {
	token, err := secret.NewToken(s.cfg.Rand)
	if err != nil {
		return "", err
	}
	now := s.cfg.Now().UTC()
	l := Link{TokenHash: secret.Hash(token), AccountID: accountID, Purpose: p, CreatedAt: now, ExpiresAt: now.Add(s.cfg.LinkTTL)}
	if err := s.store.CreateLink(ctx, l); err != nil {
		return "", fmt.Errorf("store link: %w", err)
	}
	return token, nil
}

// CheckLink tells whether a one-time link token is usable, without using
// it: opening the link (a GET, which mail scanners do by themselves) only
// shows the set-password form. It returns ErrBadLink when it is not.
func (s *Service) CheckLink(ctx context.Context, token string) (Link, Account, error) {
	l, err := s.store.Link(ctx, secret.Hash(token))
	if err != nil || !l.UsedAt.IsZero() || !s.cfg.Now().Before(l.ExpiresAt) {
		return Link{}, Account{}, ErrBadLink
	}
	a, err := s.store.Account(ctx, l.AccountID)
	if err != nil {
		return Link{}, Account{}, ErrBadLink
	}
	if err := s.allowed(ctx, a); err != nil {
		return Link{}, Account{}, ErrBadLink
	}
	return l, a, nil
}

// SetPassword uses a one-time link token to set the account's password,
// ends the account's other sessions, and signs the person in: it returns
// the account and a new session token. The password must satisfy the NIST
// SP 800-63B policy and be hard to guess (zxcvbn, with the email and the
// module's [Config.UserInputs]); a refused password does not use up the
// link.
func (s *Service) SetPassword(ctx context.Context, token, newPassword string) (Account, string, error) {
	_, a, err := s.CheckLink(ctx, token)
	if err != nil {
		return Account{}, "", err
	}
	inputs := []string{a.Email}
	if s.cfg.UserInputs != nil {
		more, err := s.cfg.UserInputs(ctx, a)
		if err != nil {
			return Account{}, "", fmt.Errorf("set password: %w", err)
		}
		inputs = append(inputs, more...)
	}
	if err := (password.Policy{MinLength: s.cfg.MinPasswordLength}).Check(newPassword, inputs...); err != nil {
		return Account{}, "", err
	}
	hash, err := password.Hash(newPassword, s.hash)
	if err != nil {
		return Account{}, "", err
	}
	a, err = s.store.UseLink(ctx, secret.Hash(token), s.cfg.Now().UTC(), hash)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Account{}, "", ErrBadLink // used by a concurrent request since CheckLink
	}
	if err != nil {
		return Account{}, "", fmt.Errorf("set password: %w", err)
	}
	session, err := s.newSession(ctx, a.ID)
	return a, session, err
}

// Login checks email and password and returns the account and a new
// session token. Every failure that could tell an attacker something is
// ErrBadCredentials; attempts are rate-limited per address and per email.
// A hash made with older parameters is upgraded on the way.
func (s *Service) Login(ctx context.Context, email, pw, addr string) (Account, string, error) {
	email, err := NormaliseEmail(email)
	if err != nil {
		return Account{}, "", ErrBadCredentials
	}
	if err := s.Limit(ctx, "login", addr, email); err != nil {
		return Account{}, "", err
	}
	a, err := s.store.AccountByEmail(ctx, s.cfg.Realm, email)
	if errors.Is(err, bookingkit.ErrNotFound) || (err == nil && a.PasswordHash == "") {
		// Spend the time a real check takes, so timing does not tell
		// whether the account exists.
		password.Verify(pw, s.dummyHash, s.hash) //nolint:errcheck
		return Account{}, "", ErrBadCredentials
	}
	if err != nil {
		return Account{}, "", fmt.Errorf("login: %w", err)
	}
	ok, rehash, err := password.Verify(pw, a.PasswordHash, s.hash)
	if err != nil {
		return Account{}, "", fmt.Errorf("login: stored hash: %w", err)
	}
	if !ok {
		return Account{}, "", ErrBadCredentials
	}
	if err := s.allowed(ctx, a); err != nil {
		return Account{}, "", err
	}
	if rehash {
		if h, err := password.Hash(pw, s.hash); err == nil {
			if err := s.store.SetPasswordHash(ctx, a.ID, h); err == nil {
				a.PasswordHash = h
			}
		}
	}
	session, err := s.newSession(ctx, a.ID)
	return a, session, err
}

func (s *Service) newSession(ctx context.Context, accountID string) (string, error) {
	token, err := secret.NewToken(s.cfg.Rand)
	if err != nil {
		return "", err
	}
	now := s.cfg.Now().UTC()
	expires := now.Add(s.cfg.SessionTTL)
	if s.cfg.SessionsUntilSignOut {
		expires = UntilSignOut
	}
	if err := s.store.CreateSession(ctx, Session{TokenHash: secret.Hash(token), AccountID: accountID, CreatedAt: now, ExpiresAt: expires}); err != nil {
		return "", fmt.Errorf("store session: %w", err)
	}
	return token, nil
}

// Authenticate returns the account signed in with a session token. An
// unknown or expired session, or a person the gate now refuses (blocked by
// an import), is ErrUnauthorized; a refused person's sessions are deleted.
func (s *Service) Authenticate(ctx context.Context, sessionToken string) (Account, error) {
	unauthorized := bookingkit.Errorf("not signed in or session expired: %w", bookingkit.ErrUnauthorized)
	if sessionToken == "" {
		return Account{}, unauthorized
	}
	sess, err := s.store.Session(ctx, secret.Hash(sessionToken))
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Account{}, unauthorized
	}
	if err != nil {
		return Account{}, fmt.Errorf("authenticate: %w", err)
	}
	if !s.cfg.Now().Before(sess.ExpiresAt) {
		s.store.DeleteSession(ctx, sess.TokenHash) //nolint:errcheck // expired anyway
		return Account{}, unauthorized
	}
	a, err := s.store.Account(ctx, sess.AccountID)
	if err != nil {
		return Account{}, unauthorized
	}
	if err := s.allowed(ctx, a); err != nil {
		if !errors.Is(err, bookingkit.ErrForbidden) && !errors.Is(err, bookingkit.ErrNotFound) {
			// The gate could not tell (its store failed): keep the
			// sessions, a passing fault must not sign everyone out.
			return Account{}, fmt.Errorf("authenticate: %w", err)
		}
		if err := s.store.DeleteSessions(ctx, a.ID); err != nil {
			return Account{}, fmt.Errorf("authenticate: end sessions: %w", err)
		}
		return Account{}, unauthorized
	}
	return a, nil
}

// Logout ends the session; ending an unknown session is not an error.
func (s *Service) Logout(ctx context.Context, sessionToken string) error {
	return s.store.DeleteSession(ctx, secret.Hash(sessionToken))
}

// EndSessions ends every session of the account (for example when the
// owning module blocks the person).
func (s *Service) EndSessions(ctx context.Context, accountID string) error {
	return s.store.DeleteSessions(ctx, accountID)
}

func (s *Service) allowed(ctx context.Context, a Account) error {
	if s.cfg.Gate == nil || a.Subject == "" {
		return nil
	}
	return s.cfg.Gate.Allowed(ctx, a)
}
