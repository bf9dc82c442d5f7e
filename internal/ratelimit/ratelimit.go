// Package ratelimit limits attempts per key (an address, an account) with
// token buckets from golang.org/x/time/rate, and says how long to wait.
package ratelimit

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/bookingkit/bookingkit"
)

// Limiter allows each key burst attempts at once, refilled at one attempt
// per interval. It forgets a key once its bucket has refilled completely
// (its state is then the same as a new key's), so memory stays bounded by
// the keys active within one refill period. Safe for concurrent use.
type Limiter struct {
	interval time.Duration
	burst    int
	now      func() time.Time

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
}

// New returns a Limiter allowing burst attempts per key, refilled at one per
// interval. New(time.Minute, 5) allows 5 at once, then one a minute.
func New(interval time.Duration, burst int) *Limiter {
	return &Limiter{interval: interval, burst: burst, now: time.Now, buckets: map[string]*rate.Limiter{}}
}

// WithClock makes the limiter read time from now (for tests).
func (l *Limiter) WithClock(now func() time.Time) *Limiter {
	l.now = now
	return l
}

// Allow takes one attempt for key. It returns nil, or an error matching
// bookingkit.ErrRateLimited that is a *bookingkit.RetryAfterError saying
// when the next attempt will be allowed. A refused attempt costs nothing.
// The context is not used: the counts are in this process's memory (it is
// there to match account.Limiter and mogu.Limiter, whose database-backed
// limiters need one).
func (l *Limiter) Allow(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = rate.NewLimiter(rate.Every(l.interval), l.burst)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("ratelimit: %w", &bookingkit.RetryAfterError{Seconds: int(math.Ceil(l.interval.Seconds()))})
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return &bookingkit.RetryAfterError{Seconds: int(math.Ceil(d.Seconds()))}
	}
	return nil
}

// sweep drops full buckets at most once per refill period.
func (l *Limiter) sweep(now time.Time) {
	full := l.interval * time.Duration(l.burst)
	if now.Sub(l.lastSweep) < full {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
}

// Len returns how many keys the limiter holds state for.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
