package main

import (
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/throttle"
)

// newLimiter returns a limiter of burst attempts per key at once, then one
// per interval, counting in the backend's RateLimits store (package
// throttle). On SQLite and PostgreSQL that is the database, so that every
// server sharing it enforces one limit: two servers used to give one
// account twice the attempts. The memory backend's store, which no other
// process shares, is in this process. The limiter is account's and mogu's
// Limiter alike.
func newLimiter(stores storage.Stores, interval time.Duration, burst int) account.Limiter {
	if stores.RateLimits == nil {
		return throttle.NewMemory(interval, burst)
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
