package storagetest

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
)

// t0 is the suite's reference time: UTC and whole microseconds, the
// precision every adapter keeps.
var t0 = time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)

// RunAccounts holds an [account.Store] to the suite: accounts unique by
// e-mail and subject within a realm, links used once and before they
// expire, moves and sessions, with one winner of every race.
func RunAccounts(t *testing.T, open func(t *testing.T) account.Store) {
	ctx := context.Background()
	staff := account.Realm("staff")
	ann := account.Account{ID: "acc-ann", Realm: staff, Email: "ann@example.com", Subject: "person-ann", CreatedAt: t0}

	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		for _, get := range []func() (account.Account, error){
			func() (account.Account, error) { return s.Account(ctx, "acc-ann") },
			func() (account.Account, error) { return s.AccountByEmail(ctx, staff, "ann@example.com") },
			func() (account.Account, error) { return s.AccountBySubject(ctx, staff, "person-ann") },
		} {
			got, err := get()
			require.NoError(t, err)
			require.Equal(t, ann, got)
		}
		_, err := s.Account(ctx, "nobody")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		_, err = s.AccountByEmail(ctx, "mogu", "ann@example.com")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "realms are separate")
		_, err = s.AccountBySubject(ctx, staff, "")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("DuplicatesConflict", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		sameEmail := ann
		sameEmail.ID, sameEmail.Subject = "acc-2", "person-2"
		require.ErrorIs(t, s.CreateAccount(ctx, sameEmail), bookingkit.ErrConflict)
		sameSubject := ann
		sameSubject.ID, sameSubject.Email = "acc-3", "other@example.com"
		require.ErrorIs(t, s.CreateAccount(ctx, sameSubject), bookingkit.ErrConflict)
		otherRealm := ann
		otherRealm.ID, otherRealm.Realm = "acc-4", "mogu"
		require.NoError(t, s.CreateAccount(ctx, otherRealm), "the same email may exist in another realm")
		// Accounts without a subject do not collide on it.
		for i, id := range []string{"acc-5", "acc-6"} {
			a := account.Account{ID: id, Realm: "mogu", Email: string(rune('x'+i)) + "@example.com", CreatedAt: t0}
			require.NoError(t, s.CreateAccount(ctx, a))
		}
	})

	t.Run("SetPasswordHash", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		require.NoError(t, s.SetPasswordHash(ctx, ann.ID, "$argon2id$x"))
		got, err := s.Account(ctx, ann.ID)
		require.NoError(t, err)
		require.Equal(t, "$argon2id$x", got.PasswordHash)
		require.ErrorIs(t, s.SetPasswordHash(ctx, "nobody", "h"), bookingkit.ErrNotFound)
	})

	t.Run("LinksWorkOnceAndExpire", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		l := account.Link{TokenHash: "h1", AccountID: ann.ID, Purpose: account.PurposeSetPassword, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		require.NoError(t, s.CreateLink(ctx, l))
		require.ErrorIs(t, s.CreateLink(ctx, l), bookingkit.ErrConflict)
		got, err := s.Link(ctx, "h1")
		require.NoError(t, err)
		require.Equal(t, l, got)

		require.NoError(t, s.CreateSession(ctx, account.Session{TokenHash: "old-session", AccountID: ann.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		used := t0.Add(time.Minute)
		a, err := s.UseLink(ctx, "h1", used, "$argon2id$new")
		require.NoError(t, err)
		require.Equal(t, "$argon2id$new", a.PasswordHash)
		got, err = s.Link(ctx, "h1")
		require.NoError(t, err)
		require.Equal(t, used, got.UsedAt)
		_, err = s.Session(ctx, "old-session")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a new password ends old sessions")

		_, err = s.UseLink(ctx, "h1", used, "$argon2id$again")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a used link cannot be used again")

		require.NoError(t, s.CreateLink(ctx, account.Link{TokenHash: "h2", AccountID: ann.ID, Purpose: account.PurposeResetPassword, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		_, err = s.UseLink(ctx, "h2", t0.Add(time.Hour), "$argon2id$late")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a link is dead at its expiry time")
		a, err = s.Account(ctx, ann.ID)
		require.NoError(t, err)
		require.Equal(t, "$argon2id$new", a.PasswordHash, "a refused link changes nothing")

		_, err = s.UseLink(ctx, "unknown", t0, "x")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("ConcurrentUseLinkHasOneWinner", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		require.NoError(t, s.CreateLink(ctx, account.Link{TokenHash: "race", AccountID: ann.ID, Purpose: account.PurposeSetPassword, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 6 {
			wg.Go(func() {
				_, err := s.UseLink(ctx, "race", t0.Add(time.Second), "h")
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, bookingkit.ErrNotFound) {
					t.Errorf("UseLink: %v", err)
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, wins)
	})

	t.Run("MoveAccount", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		require.NoError(t, s.SetPasswordHash(ctx, ann.ID, "$argon2id$old"))
		require.NoError(t, s.CreateSession(ctx, account.Session{TokenHash: "s-old", AccountID: ann.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		require.NoError(t, s.CreateLink(ctx, account.Link{TokenHash: "l-old", AccountID: ann.ID, Purpose: account.PurposeResetPassword, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		other := account.Account{ID: "acc-bob", Realm: staff, Email: "bob@example.com", Subject: "person-bob", CreatedAt: t0}
		require.NoError(t, s.CreateAccount(ctx, other))
		require.NoError(t, s.CreateSession(ctx, account.Session{TokenHash: "s-bob", AccountID: other.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))

		_, err := s.MoveAccount(ctx, ann.ID, "ann@example.com", "bob@example.com")
		require.ErrorIs(t, err, bookingkit.ErrConflict, "another account has the address")
		_, err = s.MoveAccount(ctx, ann.ID, "someone@example.com", "ann.new@example.com")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the account's email is no longer from")
		_, err = s.MoveAccount(ctx, "nobody", "ann@example.com", "ann.new@example.com")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		got, err := s.Account(ctx, ann.ID)
		require.NoError(t, err)
		require.Equal(t, "$argon2id$old", got.PasswordHash, "a refused move changes nothing")
		_, err = s.Session(ctx, "s-old")
		require.NoError(t, err, "a refused move keeps the sessions")

		moved, err := s.MoveAccount(ctx, ann.ID, "ann@example.com", "ann.new@example.com")
		require.NoError(t, err)
		want := ann
		want.Email = "ann.new@example.com"
		require.Equal(t, want, moved, "same ID and subject, new email, no password")
		got, err = s.AccountByEmail(ctx, staff, "ann.new@example.com")
		require.NoError(t, err)
		require.Equal(t, want, got)
		_, err = s.AccountByEmail(ctx, staff, "ann@example.com")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the old address has no account")
		_, err = s.Session(ctx, "s-old")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "the sessions ended")
		_, err = s.UseLink(ctx, "l-old", t0.Add(time.Minute), "$argon2id$taken")
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "a link mailed before the move is dead")
		_, err = s.Session(ctx, "s-bob")
		require.NoError(t, err, "other accounts keep their sessions")

		// The old address is free again.
		require.NoError(t, s.CreateAccount(ctx, account.Account{ID: "acc-new", Realm: staff, Email: "ann@example.com", Subject: "person-new", CreatedAt: t0}))
	})

	t.Run("ConcurrentMoveAccountHasOneWinner", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range 6 {
			wg.Go(func() {
				_, err := s.MoveAccount(ctx, ann.ID, "ann@example.com", fmt.Sprintf("ann%d@example.com", i))
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, bookingkit.ErrNotFound) && !errors.Is(err, bookingkit.ErrConflict) {
					t.Errorf("MoveAccount: %v", err)
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, wins)
	})

	t.Run("Sessions", func(t *testing.T) {
		s := open(t)
		require.NoError(t, s.CreateAccount(ctx, ann))
		sess := account.Session{TokenHash: "s1", AccountID: ann.ID, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
		require.NoError(t, s.CreateSession(ctx, sess))
		require.NoError(t, s.CreateSession(ctx, account.Session{TokenHash: "s2", AccountID: ann.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		got, err := s.Session(ctx, "s1")
		require.NoError(t, err)
		require.Equal(t, sess, got)
		// A session until sign-out keeps the far end date exactly.
		forever := account.Session{TokenHash: "s-forever", AccountID: ann.ID, CreatedAt: t0, ExpiresAt: account.UntilSignOut}
		require.NoError(t, s.CreateSession(ctx, forever))
		got, err = s.Session(ctx, "s-forever")
		require.NoError(t, err)
		require.True(t, account.UntilSignOut.Equal(got.ExpiresAt), "until sign-out: %s", got.ExpiresAt)

		require.NoError(t, s.DeleteSession(ctx, "s1"))
		require.NoError(t, s.DeleteSession(ctx, "s1"), "deleting twice is fine")
		_, err = s.Session(ctx, "s1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		require.NoError(t, s.DeleteSessions(ctx, ann.ID))
		_, err = s.Session(ctx, "s2")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})
}
