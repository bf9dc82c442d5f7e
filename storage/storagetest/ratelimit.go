package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/throttle"
)

// RunRateLimits holds a [throttle.Store] to the suite: an update reads
// what it stored, passed keys expire, and concurrent updates of one key
// never let more attempts through than the burst.
func RunRateLimits(t *testing.T, open func(t *testing.T) throttle.Store) {
	ctx := context.Background()

	t.Run("UpdateReadsWhatItStored", func(t *testing.T) {
		s := open(t)
		var seen []time.Time
		read := func(key string, next time.Time, store bool) {
			t.Helper()
			require.NoError(t, s.Update(ctx, key, func(tat time.Time) (time.Time, bool) {
				seen = append(seen, tat)
				return next, store
			}))
		}
		read("login:ann", t0, true)
		read("login:ann", t0.Add(time.Hour), false)
		read("login:ann", t0.Add(time.Minute), true)
		read("login:ann", time.Time{}, false)
		read("login:ben", time.Time{}, false)
		require.Len(t, seen, 5)
		require.True(t, seen[0].IsZero(), "a new key has no time: %v", seen[0])
		require.Equal(t, t0, seen[1])
		require.Equal(t, t0, seen[2], "decide said not to store")
		require.Equal(t, t0.Add(time.Minute), seen[3])
		require.True(t, seen[4].IsZero(), "keys are separate: %v", seen[4])
	})

	t.Run("ExpireDeletesPassedKeys", func(t *testing.T) {
		s := open(t)
		for i, key := range []string{"a", "b", "c"} {
			require.NoError(t, s.Update(ctx, key, func(time.Time) (time.Time, bool) { return t0.Add(time.Duration(i) * time.Minute), true }))
		}
		n, err := s.Expire(ctx, t0.Add(time.Minute))
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		for key, want := range map[string]time.Time{"a": {}, "b": t0.Add(time.Minute), "c": t0.Add(2 * time.Minute)} {
			require.NoError(t, s.Update(ctx, key, func(tat time.Time) (time.Time, bool) {
				require.True(t, tat.Equal(want), "%s: %v, want %v", key, tat, want)
				return tat, false
			}))
		}
	})

	t.Run("ConcurrentUpdatesAreAtomic", func(t *testing.T) {
		// Each update adds a second to the key's time: lost updates
		// would leave it short.
		s := open(t)
		const workers, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					if err := s.Update(ctx, "k", func(tat time.Time) (time.Time, bool) {
						if tat.IsZero() {
							tat = t0
						}
						return tat.Add(time.Second), true
					}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		require.NoError(t, s.Update(ctx, "k", func(tat time.Time) (time.Time, bool) {
			require.Equal(t, t0.Add(workers*each*time.Second), tat)
			return tat, false
		}))
	})

	t.Run("ConcurrentAllowNeverExceedsTheBurst", func(t *testing.T) {
		s := open(t)
		clock := func() time.Time { return t0 }
		l := throttle.New(s, time.Hour, 5).WithClock(clock)
		var allowed, refused atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := l.Allow(ctx, "claim:acct-1")
				switch {
				case err == nil:
					allowed.Add(1)
				case errors.Is(err, bookingkit.ErrRateLimited):
					refused.Add(1)
				default:
					errs <- fmt.Errorf("attempt %d: %w", i, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		require.EqualValues(t, 5, allowed.Load())
		require.EqualValues(t, 35, refused.Load())
		require.NoError(t, l.Allow(ctx, "claim:acct-2"), "another key has its own burst")
	})
}
