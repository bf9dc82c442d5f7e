package main

import (
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/internal/ratelimit"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/throttle"
)

// newLimiter returns a limiter of burst attempts per key at once, then one
// per interval. On SQLite and PostgreSQL it counts in the database
// (package throttle), so that every server sharing the database enforces
// one limit: two servers used to give one account twice the attempts. The
// memory backend, which no other process shares, counts in this process.
// The limiter is account's and mogu's Limiter alike.
func newLimiter(stores storage.Stores, interval time.Duration, burst int) account.Limiter {
	if stores.Backend == "memory" || stores.RateLimits == nil {
		return ratelimit.New(interval, burst)
	}
	return throttle.New(stores.RateLimits, interval, burst)
}

// accountLimits returns account.New's default limits (per minute, 10
// sign-in or link attempts per client address and 5 per account) kept
// where newLimiter keeps them, for the account services configured
// without limits of their own (MOGU's travellers, partner users).
func accountLimits(stores storage.Stores) (perAddress, perAccount account.Limiter) {
	return newLimiter(stores, time.Minute, 10), newLimiter(stores, time.Minute, 5)
}
