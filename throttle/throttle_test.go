package throttle_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage/memory"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/sqlite"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
	"github.com/bookingkit/bookingkit/throttle"
)

var ctx = context.Background()

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func TestBurstThenOnePerInterval(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}
	l := throttle.New(memory.New().Stores().RateLimits, time.Minute, 3).WithClock(c.Now)
	for i := range 3 {
		require.NoError(t, l.Allow(ctx, "login:ann"), "attempt %d", i)
	}
	err := l.Allow(ctx, "login:ann")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited)
	var ra *bookingkit.RetryAfterError
	require.ErrorAs(t, err, &ra)
	require.Equal(t, 60, ra.Seconds)
	require.Equal(t, bookingkit.RetryAfterError{Seconds: 60, Policy: "default", Quota: 3, Window: 3 * time.Minute}, *ra,
		"the refusal names the limit: the burst, per the time the bucket takes to fill")
	require.NoError(t, l.Allow(ctx, "login:ben"), "keys are independent")
	l.WithPolicy("login")
	require.ErrorAs(t, l.Allow(ctx, "login:ann"), &ra)
	require.Equal(t, "login", ra.Policy)

	c.Add(45 * time.Second)
	err = l.Allow(ctx, "login:ann")
	require.ErrorAs(t, err, &ra)
	require.Equal(t, 15, ra.Seconds, "refused attempts cost nothing")
	c.Add(15 * time.Second)
	require.NoError(t, l.Allow(ctx, "login:ann"), "one more after an interval")
	require.ErrorIs(t, l.Allow(ctx, "login:ann"), bookingkit.ErrRateLimited)

	c.Add(3 * time.Minute)
	for i := range 3 {
		require.NoError(t, l.Allow(ctx, "login:ann"), "a whole burst again after burst×interval, attempt %d", i)
	}
}

// failing is a store whose database is down.
type failing struct{}

func (failing) Update(context.Context, string, func(time.Time) (time.Time, bool)) error {
	return errors.New("connection refused")
}
func (failing) Expire(context.Context, time.Time) (int64, error) {
	return 0, errors.New("connection refused")
}

func TestAFailingStoreRefuses(t *testing.T) {
	err := throttle.New(failing{}, time.Minute, 5).Allow(ctx, "login:ann")
	require.Error(t, err, "a limiter that cannot count must not let the attempt through")
	require.NotErrorIs(t, err, bookingkit.ErrRateLimited, "it is a failure, not a limit: the caller answers 500")
}

func TestPassedKeysAreDeleted(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}
	s := memory.New().Stores().RateLimits
	l := throttle.New(s, time.Minute, 5).WithClock(c.Now)
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, l.Allow(ctx, k))
	}
	// Each key's time is a minute ahead; 11 minutes later, the next
	// attempt deletes the three passed rows before storing its own.
	c.Add(11 * time.Minute)
	require.NoError(t, l.Allow(ctx, "d"))
	n, err := s.Expire(ctx, c.Now())
	require.NoError(t, err)
	require.Zero(t, n, "already deleted by Allow")
	kept := 0
	for _, k := range []string{"a", "b", "c", "d"} {
		require.NoError(t, s.Update(ctx, k, func(tat time.Time) (time.Time, bool) {
			if !tat.IsZero() {
				kept++
			}
			return tat, false
		}))
	}
	require.Equal(t, 1, kept, "only d's row is left")
}

// TestTwoConnectionPoolsShareTheLimit: two servers on one database (two
// *sql.DB handles on one SQLite file, two pools on one PostgreSQL
// schema), attempts sent to both at once: together they allow the burst,
// not twice it.
func TestTwoConnectionPoolsShareTheLimit(t *testing.T) {
	run := func(t *testing.T, a, b throttle.Store) {
		now := func() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }
		limiters := []*throttle.Limiter{throttle.New(a, time.Hour, 5).WithClock(now), throttle.New(b, time.Hour, 5).WithClock(now)}
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := limiters[i%2].Allow(ctx, "partner:login:acct:carla@p.example")
				if err == nil {
					allowed.Add(1)
				} else if !errors.Is(err, bookingkit.ErrRateLimited) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		require.EqualValues(t, 5, allowed.Load())
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bookingkit.db")
		var stores []throttle.Store
		for range 2 {
			db, err := sqlite.Open(ctx, path)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			stores = append(stores, db.Stores().RateLimits)
		}
		run(t, stores[0], stores[1])
	})
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.URL(t)
		var stores []throttle.Store
		for range 2 {
			db, err := postgres.Open(ctx, url)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			stores = append(stores, db.Stores().RateLimits)
		}
		run(t, stores[0], stores[1])
	})
}
