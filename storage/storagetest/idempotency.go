package storagetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/idempotency"
)

// RunIdempotency holds an [idempotency.Store] to the suite: the first
// Begin of a key wins and later ones read its record, the answer is kept
// byte for byte, a released, expired or abandoned (lock passed) key is
// free again, only the holder's token completes or releases it, scopes are
// apart, and of concurrent Begins of one key exactly one wins.
func RunIdempotency(t *testing.T, open func(t *testing.T) idempotency.Store) {
	ctx := context.Background()
	rec := func(scope, key, token string, at time.Time) idempotency.Record {
		return idempotency.Record{Scope: scope, Key: key, Fingerprint: "fp-" + token, Token: token,
			CreatedAt: at, LockedUntil: at.Add(time.Minute), ExpiresAt: at.Add(24 * time.Hour)}
	}
	begin := func(t *testing.T, s idempotency.Store, r idempotency.Record, wantWon bool) idempotency.Record {
		t.Helper()
		got, won, err := s.Begin(ctx, r)
		require.NoError(t, err)
		require.Equal(t, wantWon, won, "Begin(%s/%s, token %s) won", r.Scope, r.Key, r.Token)
		return got
	}
	answer := idempotency.Answer{Status: 201, Location: "/api/staff/bookings/b-1", ContentType: "application/json; charset=utf-8",
		Body: []byte("{\"id\":\"b-1\"}\n\x00\xff")}

	t.Run("FirstBeginWinsAndLaterOnesReadIt", func(t *testing.T) {
		s := open(t)
		first := rec("staff:p-1", "k-1", "tok-a", t0)
		got := begin(t, s, first, true)
		require.Equal(t, first, got)
		again := begin(t, s, rec("staff:p-1", "k-1", "tok-b", t0.Add(time.Second)), false)
		require.Equal(t, first, again, "the stored record, in flight, with the first request's fingerprint and token")
		require.True(t, again.InFlight())
	})

	t.Run("CompleteKeepsTheAnswer", func(t *testing.T) {
		s := open(t)
		first := rec("standby", "k-1", "tok-a", t0)
		begin(t, s, first, true)
		require.NoError(t, s.Complete(ctx, "standby", "k-1", "tok-a", answer))
		got := begin(t, s, rec("standby", "k-1", "tok-b", t0.Add(2*time.Minute)), false)
		require.False(t, got.InFlight())
		require.Equal(t, answer, got.Answer)
		require.Equal(t, "fp-tok-a", got.Fingerprint)
		require.ErrorIs(t, s.Complete(ctx, "standby", "k-1", "tok-a", answer), bookingkit.ErrNotFound, "a key is completed once")
		require.ErrorIs(t, s.Release(ctx, "standby", "k-1", "tok-a"), bookingkit.ErrNotFound, "a completed key is not released")
		begin(t, s, rec("standby", "k-1", "tok-c", t0.Add(time.Hour)), false)
	})

	t.Run("OnlyTheHolderCompletesOrReleases", func(t *testing.T) {
		s := open(t)
		begin(t, s, rec("standby", "k-1", "tok-a", t0), true)
		require.ErrorIs(t, s.Complete(ctx, "standby", "k-1", "tok-b", answer), bookingkit.ErrNotFound)
		require.ErrorIs(t, s.Release(ctx, "standby", "k-1", "tok-b"), bookingkit.ErrNotFound)
		require.ErrorIs(t, s.Complete(ctx, "standby", "k-2", "tok-a", answer), bookingkit.ErrNotFound)
		require.ErrorIs(t, s.Release(ctx, "staff:p-1", "k-1", "tok-a"), bookingkit.ErrNotFound)
		require.True(t, begin(t, s, rec("standby", "k-1", "tok-c", t0), false).InFlight())
	})

	t.Run("ReleaseFreesTheKey", func(t *testing.T) {
		s := open(t)
		begin(t, s, rec("standby", "k-1", "tok-a", t0), true)
		require.NoError(t, s.Release(ctx, "standby", "k-1", "tok-a"))
		second := rec("standby", "k-1", "tok-b", t0.Add(time.Second))
		require.Equal(t, second, begin(t, s, second, true))
	})

	t.Run("APassedLockFreesAKeyInFlight", func(t *testing.T) {
		s := open(t)
		begin(t, s, rec("standby", "k-1", "tok-a", t0), true)
		begin(t, s, rec("standby", "k-1", "tok-b", t0.Add(time.Minute-time.Microsecond)), false)
		taken := rec("standby", "k-1", "tok-b", t0.Add(time.Minute))
		require.Equal(t, taken, begin(t, s, taken, true), "LockedUntil ≤ CreatedAt: the key is free")
		require.ErrorIs(t, s.Complete(ctx, "standby", "k-1", "tok-a", answer), bookingkit.ErrNotFound, "the first request lost the key")
		require.NoError(t, s.Complete(ctx, "standby", "k-1", "tok-b", answer))
		// A completed key keeps its answer past the lock.
		got := begin(t, s, rec("standby", "k-1", "tok-c", t0.Add(time.Hour)), false)
		require.Equal(t, answer, got.Answer)
	})

	t.Run("AnExpiredKeyIsFree", func(t *testing.T) {
		s := open(t)
		begin(t, s, rec("standby", "k-1", "tok-a", t0), true)
		require.NoError(t, s.Complete(ctx, "standby", "k-1", "tok-a", answer))
		begin(t, s, rec("standby", "k-1", "tok-b", t0.Add(24*time.Hour-time.Microsecond)), false)
		later := rec("standby", "k-1", "tok-b", t0.Add(24*time.Hour))
		got := begin(t, s, later, true)
		require.Equal(t, later, got, "the new request's record, in flight, without the old answer")
	})

	t.Run("ScopesAreApart", func(t *testing.T) {
		s := open(t)
		begin(t, s, rec("staff:p-1", "k-1", "tok-a", t0), true)
		begin(t, s, rec("staff:p-2", "k-1", "tok-b", t0), true)
		begin(t, s, rec("standby", "k-1", "tok-c", t0), true)
		begin(t, s, rec("staff:p-1", "k-2", "tok-d", t0), true)
		require.NoError(t, s.Complete(ctx, "staff:p-2", "k-1", "tok-b", answer))
		require.True(t, begin(t, s, rec("staff:p-1", "k-1", "tok-e", t0), false).InFlight())
	})

	t.Run("ExpireDeletesExpiredKeys", func(t *testing.T) {
		s := open(t)
		for i, key := range []string{"a", "b", "c"} {
			r := rec("standby", key, "tok-"+key, t0)
			r.ExpiresAt = t0.Add(time.Duration(i+1) * time.Hour)
			begin(t, s, r, true)
		}
		require.NoError(t, s.Complete(ctx, "standby", "a", "tok-a", answer))
		n, err := s.Expire(ctx, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		// "a" is gone: a Begin before its expiry wins it again.
		begin(t, s, rec("standby", "a", "tok-x", t0), true)
		begin(t, s, rec("standby", "b", "tok-y", t0), false)
	})

	t.Run("ConcurrentBeginsOneWins", func(t *testing.T) {
		s := open(t)
		const n = 16
		type result struct {
			got idempotency.Record
			won bool
			err error
		}
		results := make(chan result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got, won, err := s.Begin(ctx, rec("standby", "k-1", fmt.Sprintf("tok-%02d", i), t0))
				results <- result{got, won, err}
			})
		}
		wg.Wait()
		close(results)
		var winners []string
		var seen []string
		for r := range results {
			require.NoError(t, r.err)
			if r.won {
				winners = append(winners, r.got.Token)
			} else {
				seen = append(seen, r.got.Token)
			}
		}
		require.Len(t, winners, 1, "exactly one Begin wins the key")
		for _, tok := range seen {
			require.Equal(t, winners[0], tok, "every other Begin reads the winner's record")
		}
	})
}
