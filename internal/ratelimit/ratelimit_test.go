package ratelimit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

var ctx = context.Background()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestBurstThenRetryAfter(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	l := New(time.Minute, 3).WithClock(c.now)
	for i := range 3 {
		require.NoError(t, l.Allow(ctx, "ip:1.2.3.4"), "attempt %d", i)
	}
	err := l.Allow(ctx, "ip:1.2.3.4")
	require.ErrorIs(t, err, bookingkit.ErrRateLimited)
	var ra *bookingkit.RetryAfterError
	require.True(t, errors.As(err, &ra))
	require.Equal(t, 60, ra.Seconds)

	require.NoError(t, l.Allow(ctx, "ip:5.6.7.8"), "keys are independent")

	c.add(30 * time.Second)
	err = l.Allow(ctx, "ip:1.2.3.4")
	require.True(t, errors.As(err, &ra))
	require.Equal(t, 30, ra.Seconds, "refused attempts do not push the wait further")
	c.add(30 * time.Second)
	require.NoError(t, l.Allow(ctx, "ip:1.2.3.4"))
}

func TestIdleKeysAreForgotten(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	l := New(time.Second, 2).WithClock(c.now)
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, l.Allow(ctx, k))
	}
	require.Equal(t, 3, l.Len())
	c.add(10 * time.Second)
	require.NoError(t, l.Allow(ctx, "d"))
	require.Equal(t, 1, l.Len(), "refilled buckets are dropped")
}

func TestConcurrentAllowNeverExceedsBurst(t *testing.T) {
	l := New(time.Hour, 10)
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
