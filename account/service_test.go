package account_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/throttle"
)

// fast hashing parameters keep the tests quick; production uses OWASP's.
var fast = account.HashParams{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// blockList is a Gate refusing the subjects in it.
type blockList struct {
	mu      sync.Mutex
	blocked map[string]bool
}

func (b *blockList) Allowed(_ context.Context, a account.Account) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.blocked[a.Subject] {
		return fmt.Errorf("person is blocked: %w", bookingkit.ErrForbidden)
	}
	return nil
}

func (b *blockList) set(subject string, blocked bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.blocked[subject] = blocked
}

type fixture struct {
	svc   *account.Service
	clock *clock
	gate  *blockList
}

func newFixture(t *testing.T, cfg account.Config) fixture {
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	g := &blockList{blocked: map[string]bool{}}
	cfg.Realm, cfg.Now, cfg.Gate, cfg.HashParams = "staff", c.Now, g, fast
	store := memory.New().Stores().Accounts
	return fixture{svc: account.New(store, cfg), clock: c, gate: g}
}

func TestRegisterSetPasswordLogin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{})
	a, link, err := f.svc.Create(ctx, " Ann@Example.com ", "person-ann")
	require.NoError(t, err)
	require.Equal(t, "ann@example.com", a.Email)

	_, _, err = f.svc.Login(ctx, "ann@example.com", "anything at all", "1.1.1.1")
	require.ErrorIs(t, err, account.ErrBadCredentials, "no password yet: login refused like any failure")

	// Opening the link (GET) does not use it.
	_, _, err = f.svc.CheckLink(ctx, link)
	require.NoError(t, err)
	_, _, err = f.svc.CheckLink(ctx, link)
	require.NoError(t, err)

	_, _, err = f.svc.SetPassword(ctx, link, "password")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a common password is refused")
	_, session, err := f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err, "a refused password did not use up the link")
	got, err := f.svc.Authenticate(ctx, session)
	require.NoError(t, err)
	require.Equal(t, a.ID, got.ID)

	_, session2, err := f.svc.Login(ctx, "ANN@example.com", "correct horse battery staple", "1.1.1.1")
	require.NoError(t, err)
	require.NotEqual(t, session, session2)

	require.NoError(t, f.svc.Logout(ctx, session2))
	_, err = f.svc.Authenticate(ctx, session2)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)

	_, _, err = f.svc.Create(ctx, "ann@example.com", "person-other")
	require.ErrorIs(t, err, bookingkit.ErrConflict, "one account per email")
}

func TestLinkAttacks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{LinkTTL: time.Hour})
	_, link, err := f.svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)
	_, _, err = f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)

	t.Run("ReplayUsedLink", func(t *testing.T) {
		_, _, err := f.svc.SetPassword(ctx, link, "another good passphrase")
		require.ErrorIs(t, err, account.ErrBadLink)
	})
	t.Run("ExpiredLink", func(t *testing.T) {
		_, reset, err := f.svc.RequestReset(ctx, "ann@example.com", "2.2.2.2")
		require.NoError(t, err)
		f.clock.Add(time.Hour)
		_, _, err = f.svc.SetPassword(ctx, reset, "another good passphrase")
		require.ErrorIs(t, err, account.ErrBadLink)
	})
	t.Run("LinkForBlockedPerson", func(t *testing.T) {
		_, reset, err := f.svc.RequestReset(ctx, "ann@example.com", "3.3.3.3")
		require.NoError(t, err)
		f.gate.set("person-ann", true)
		defer f.gate.set("person-ann", false)
		_, _, err = f.svc.SetPassword(ctx, reset, "another good passphrase")
		require.ErrorIs(t, err, account.ErrBadLink)
		_, _, err = f.svc.RequestReset(ctx, "ann@example.com", "3.3.3.3")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a blocked person gets no new link, answered like an unknown email")
	})
	t.Run("GuessedLink", func(t *testing.T) {
		_, _, err := f.svc.CheckLink(ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		require.ErrorIs(t, err, account.ErrBadLink)
	})
}

func TestBlockingEndsSessionsAndUnblockingRestoresLogin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{})
	_, link, err := f.svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)
	_, session, err := f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)

	f.gate.set("person-ann", true)
	_, err = f.svc.Authenticate(ctx, session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "a blocked person is signed out")
	_, _, err = f.svc.Login(ctx, "ann@example.com", "correct horse battery staple", "1.1.1.1")
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "and cannot sign in")

	f.gate.set("person-ann", false)
	_, err = f.svc.Authenticate(ctx, session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "the old session stays ended")
	_, _, err = f.svc.Login(ctx, "ann@example.com", "correct horse battery staple", "1.1.1.1")
	require.NoError(t, err, "unblocked: the old password works again")
}

func TestSessionExpires(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{SessionTTL: time.Hour})
	_, link, err := f.svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)
	_, session, err := f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)
	f.clock.Add(time.Hour)
	_, err = f.svc.Authenticate(ctx, session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
}

// A session that lasts until sign-out does not expire, even years on; a
// blocked account still ends it, and signing out does too.
func TestSessionUntilSignOut(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{SessionTTL: time.Hour, SessionsUntilSignOut: true})
	_, link, err := f.svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)
	_, session, err := f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)
	f.clock.Add(5 * 365 * 24 * time.Hour)
	_, err = f.svc.Authenticate(ctx, session)
	require.NoError(t, err, "five years on")

	f.gate.set("person-ann", true)
	_, err = f.svc.Authenticate(ctx, session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "blocked: signed out")
	f.gate.set("person-ann", false)

	_, session, err = f.svc.Login(ctx, "ann@example.com", "correct horse battery staple", "1.1.1.1")
	require.NoError(t, err)
	require.NoError(t, f.svc.Logout(ctx, session))
	_, err = f.svc.Authenticate(ctx, session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "signed out")
}

func TestBruteForceIsRateLimited(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{})
	_, link, err := f.svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)
	_, _, err = f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)

	limited := 0
	for i := range 20 {
		_, _, err := f.svc.Login(ctx, "ann@example.com", fmt.Sprintf("guess number %d", i), fmt.Sprintf("10.0.0.%d", i))
		if errors.Is(err, bookingkit.ErrRateLimited) {
			limited++
			var ra *bookingkit.RetryAfterError
			require.ErrorAs(t, err, &ra)
			require.Positive(t, ra.Seconds)
			continue
		}
		require.ErrorIs(t, err, account.ErrBadCredentials)
	}
	require.Equal(t, 15, limited, "5 attempts per account, even from changing addresses")
	_, _, err = f.svc.Login(ctx, "ann@example.com", "correct horse battery staple", "10.0.0.99")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited, "the right password does not bypass the limit")
}

func TestPasswordUpgradeOnLogin(t *testing.T) {
	ctx := context.Background()
	store := memory.New().Stores().Accounts
	old := account.New(store, account.Config{Realm: "staff", HashParams: fast})
	_, link, err := old.Create(ctx, "ann@example.com", "")
	require.NoError(t, err)
	_, _, err = old.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)

	stronger := fast
	stronger.Time = 2
	upgraded := account.New(store, account.Config{Realm: "staff", HashParams: stronger})
	a, _, err := upgraded.Login(ctx, "ann@example.com", "correct horse battery staple", "")
	require.NoError(t, err)
	require.Contains(t, a.PasswordHash, "t=2", "the hash was recomputed with the new parameters")
}

func TestNormaliseEmail(t *testing.T) {
	for in, want := range map[string]string{" Ann@Example.COM ": "ann@example.com", "a.b+c@d.co": "a.b+c@d.co"} {
		got, err := account.NormaliseEmail(in)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	for _, bad := range []string{"", "ann", "ann@", "Ann <ann@example.com>", "a@b", "a@@b.c"} {
		_, err := account.NormaliseEmail(bad)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, bad)
	}
}

// flakyGate fails as a broken store would.
type flakyGate struct{ broken bool }

func (g *flakyGate) Allowed(context.Context, account.Account) error {
	if g.broken {
		return errors.New("database is down")
	}
	return nil
}

func TestGateFailureKeepsSessions(t *testing.T) {
	ctx := context.Background()
	g := &flakyGate{}
	svc := account.New(memory.New().Stores().Accounts, account.Config{Realm: "staff", HashParams: fast, Gate: g})
	_, link, err := svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)
	_, session, err := svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)

	g.broken = true
	_, err = svc.Authenticate(ctx, session)
	require.Error(t, err)
	require.NotErrorIs(t, err, bookingkit.ErrUnauthorized, "a broken gate is a server error, not a sign-out")

	g.broken = false
	_, err = svc.Authenticate(ctx, session)
	require.NoError(t, err, "the session survived the outage")
}

// Move hands an account to another address: the old password, sessions
// and links end, and only the new address's link sets a password.
func TestMove(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{})
	a, link, err := f.svc.Create(ctx, "colleague@example.com", "person-ann")
	require.NoError(t, err)
	_, session, err := f.svc.SetPassword(ctx, link, "correct horse battery staple")
	require.NoError(t, err)
	_, stale, err := f.svc.RequestReset(ctx, "colleague@example.com", "1.1.1.1")
	require.NoError(t, err)
	a, err = f.svc.AccountBySubject(ctx, "person-ann")
	require.NoError(t, err)

	moved, token, err := f.svc.Move(ctx, a, " Ann@Example.com")
	require.NoError(t, err)
	require.Equal(t, a.ID, moved.ID)
	require.Equal(t, "ann@example.com", moved.Email)
	require.Empty(t, moved.PasswordHash)
	_, err = f.svc.Authenticate(ctx, session)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "the sessions ended")
	_, _, err = f.svc.Login(ctx, "colleague@example.com", "correct horse battery staple", "1.1.1.1")
	require.ErrorIs(t, err, account.ErrBadCredentials, "the old address no longer signs in")
	_, _, err = f.svc.SetPassword(ctx, stale, "another good passphrase")
	require.ErrorIs(t, err, account.ErrBadLink, "a link mailed to the old address is dead")

	_, _, err = f.svc.Move(ctx, a, "someone@example.com")
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "a stale account value moves nothing")
	_, _, err = f.svc.SetPassword(ctx, token, "another good passphrase")
	require.NoError(t, err)
	_, _, err = f.svc.Login(ctx, "ann@example.com", "another good passphrase", "1.1.1.1")
	require.NoError(t, err)
}

// A reset split in two: CheckReset looks at no account and takes the
// limits, CompleteReset issues the link without taking them again, so a
// worker completing a queued reset is not refused by the limit the
// request already counted.
func TestCheckResetThenCompleteResetLimitOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{PerAddress: throttle.NewMemory(time.Hour, 1), PerAccount: throttle.NewMemory(time.Hour, 1)})
	_, _, err := f.svc.Create(ctx, "ann@example.com", "person-ann")
	require.NoError(t, err)

	email, err := f.svc.CheckReset(ctx, " ANN@example.com ", "1.1.1.1")
	require.NoError(t, err)
	require.Equal(t, "ann@example.com", email)
	unknown, err := f.svc.CheckReset(ctx, "nobody@example.com", "2.2.2.2")
	require.NoError(t, err, "an unknown address passes the same checks")
	_, err = f.svc.CheckReset(ctx, "ann@example.com", "3.3.3.3")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited, "the per-account limit was taken")
	_, err = f.svc.CheckReset(ctx, "not an address", "4.4.4.4")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	for range 2 {
		a, token, err := f.svc.CompleteReset(ctx, email)
		require.NoError(t, err, "completing takes no limit")
		require.Equal(t, "ann@example.com", a.Email)
		_, _, err = f.svc.CheckLink(ctx, token)
		require.NoError(t, err)
	}
	_, _, err = f.svc.CompleteReset(ctx, unknown)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	f.gate.set("person-ann", true)
	_, _, err = f.svc.CompleteReset(ctx, email)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "a blocked person reads as unknown")
}

// requestQueue keeps what QueueReset stores.
type requestQueue struct {
	kinds    []string
	payloads []any
}

func (q *requestQueue) Enqueue(_ context.Context, kind string, payload any) error {
	q.kinds, q.payloads = append(q.kinds, kind), append(q.payloads, payload)
	return nil
}

// QueueReset stores the request for the normalised address, reading no
// account, whether or not the address has one.
func TestQueueReset(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, account.Config{})
	q := &requestQueue{}
	req := func(email string) any { return "reset " + email }
	require.NoError(t, f.svc.QueueReset(ctx, q, "test.reset", " Nobody@Example.COM ", "1.1.1.1", req))
	require.Equal(t, []string{"test.reset"}, q.kinds)
	require.Equal(t, []any{"reset nobody@example.com"}, q.payloads)
	require.ErrorIs(t, f.svc.QueueReset(ctx, q, "test.reset", "not an address", "1.1.1.1", req), bookingkit.ErrInvalid)
	require.ErrorContains(t, f.svc.QueueReset(ctx, nil, "test.reset", "ann@example.com", "1.1.1.1", req), "test.reset: no queue")
	require.Len(t, q.kinds, 1, "nothing more stored")
}
