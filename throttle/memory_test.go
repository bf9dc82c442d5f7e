package throttle_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/throttle"
)

// The in-process limiter keeps what the token buckets it replaced
// promised: burst at once, then one per interval, a Retry-After in whole
// seconds that refused attempts do not push further.
func TestMemoryBurstThenRetryAfter(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	l := throttle.NewMemory(time.Minute, 3).WithClock(c.Now)
	for i := range 3 {
		require.NoError(t, l.Allow(ctx, "ip:1.2.3.4"), "attempt %d", i)
	}
	err := l.Allow(ctx, "ip:1.2.3.4")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited)
	var ra *bookingkit.RetryAfterError
	require.True(t, errors.As(err, &ra))
	require.Equal(t, 60, ra.Seconds)

	require.NoError(t, l.Allow(ctx, "ip:5.6.7.8"), "keys are independent")

	c.Add(30 * time.Second)
	err = l.Allow(ctx, "ip:1.2.3.4")
	require.True(t, errors.As(err, &ra))
	require.Equal(t, 30, ra.Seconds, "refused attempts do not push the wait further")
	c.Add(30 * time.Second)
	require.NoError(t, l.Allow(ctx, "ip:1.2.3.4"))
}

func TestMemoryForgetsIdleKeys(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	s := new(throttle.MemoryStore)
	l := throttle.New(s, time.Second, 2).WithClock(c.Now)
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, l.Allow(ctx, k))
	}
	require.Equal(t, 3, s.Len())
	// The limiter deletes passed keys at most every ten minutes.
	c.Add(11 * time.Minute)
	require.NoError(t, l.Allow(ctx, "d"))
	require.Equal(t, 1, s.Len(), "refilled keys are dropped")
}

func TestMemoryConcurrentAllowNeverExceedsBurst(t *testing.T) {
	l := throttle.NewMemory(time.Hour, 10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 100 {
		wg.Go(func() {
			if l.Allow(ctx, "k") == nil {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Equal(t, 10, allowed)
}

// The zero MemoryStore is ready to use, as the memory adapter hands it out.
func TestMemoryStoreZeroValue(t *testing.T) {
	var s throttle.MemoryStore
	n, err := s.Expire(ctx, time.Now())
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, s.Update(ctx, "k", func(tat time.Time) (time.Time, bool) {
		require.True(t, tat.IsZero())
		return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), true
	}))
	require.Equal(t, 1, s.Len())
}
