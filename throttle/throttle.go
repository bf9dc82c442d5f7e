package throttle

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Store keeps one theoretical arrival time (TAT) per key. Implementations
// must be safe for concurrent use, also by several processes sharing one
// database.
type Store interface {
	// Update reads key's TAT (the zero time when the key has none) and
	// passes it to decide; when decide returns store, it stores next as
	// key's TAT. The read and the write are one atomic step: no other
	// Update of key, in any process, comes between them. decide may be
	// called more than once (a store may retry its transaction) and must
	// have no effect but its result.
	Update(ctx context.Context, key string, decide func(tat time.Time) (next time.Time, store bool)) error
	// Expire deletes the keys whose TAT is before t and returns how many
	// it deleted.
	Expire(ctx context.Context, before time.Time) (int64, error)
}

// expireEvery is how often a Limiter deletes the rows whose TAT has
// passed: often enough that the table holds little more than the keys
// active in the last minutes, seldom enough to cost nothing.
const expireEvery = 10 * time.Minute

// Limiter allows each key burst attempts at once, then one per interval,
// counting in a [Store]. Safe for concurrent use. Its Allow method is the
// Limiter interface of packages account and mogu.
type Limiter struct {
	store    Store
	interval time.Duration
	burst    int
	policy   string
	now      func() time.Time
	// lastExpire is when this Limiter last deleted passed rows (Unix
	// nanoseconds), so that one process does it once per expireEvery.
	lastExpire atomic.Int64
}

// New returns a Limiter over store allowing burst attempts per key,
// refilled at one per interval: New(s, time.Minute, 5) allows 5 at once,
// then one a minute. Keys are shared by every Limiter over the same store,
// so give each limit its own keys (a prefix).
func New(store Store, interval time.Duration, burst int) *Limiter {
	if interval <= 0 || burst <= 0 {
		panic(fmt.Sprintf("throttle: New(%s, %d): interval and burst must be positive", interval, burst))
	}
	l := &Limiter{store: store, interval: interval, burst: burst, policy: "default", now: time.Now}
	return l
}

// WithPolicy names the limit in the refusals' RateLimit-Policy and
// RateLimit headers ("default" unless named). Call it before the limiter
// is used.
func (l *Limiter) WithPolicy(name string) *Limiter {
	l.policy = name
	return l
}

// WithClock makes the limiter read time from now (for tests).
func (l *Limiter) WithClock(now func() time.Time) *Limiter {
	l.now = now
	return l
}

// Allow takes one attempt for key. It returns nil; or an error matching
// bookingkit.ErrRateLimited, a *bookingkit.RetryAfterError saying when the
// next attempt will be allowed and the limit (burst attempts per
// burst·interval, the time the bucket takes to fill); or the store's
// error, which means that the attempt must be refused too.
func (l *Limiter) Allow(ctx context.Context, key string) error {
	// Whole microseconds: what PostgreSQL keeps of a time.
	now := l.now().UTC().Truncate(time.Microsecond)
	window := l.interval * time.Duration(l.burst)
	var wait time.Duration
	err := l.store.Update(ctx, key, func(tat time.Time) (time.Time, bool) {
		if tat.Before(now) {
			tat = now
		}
		next := tat.Add(l.interval)
		if allowAt := next.Add(-window); now.Before(allowAt) {
			wait = allowAt.Sub(now)
			return time.Time{}, false
		}
		wait = 0
		return next, true
	})
	if err != nil {
		return fmt.Errorf("throttle: count the attempts: %w", err)
	}
	l.expire(ctx, now)
	if wait > 0 {
		return &bookingkit.RetryAfterError{Seconds: int(math.Ceil(wait.Seconds())), Policy: l.policy, Quota: l.burst, Window: window}
	}
	return nil
}

// expire deletes the passed rows at most once per expireEvery. A failure
// is ignored: the rows go at a later attempt.
func (l *Limiter) expire(ctx context.Context, now time.Time) {
	last := l.lastExpire.Load()
	if now.UnixNano()-last < int64(expireEvery) || !l.lastExpire.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	l.store.Expire(ctx, now) //nolint:errcheck // tried again in expireEvery
}
