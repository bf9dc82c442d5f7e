package main

import (
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/throttle"
)

// newLimiter returns a limiter of burst attempts per key at once, then one
// per interval, counting in the backend's RateLimits store (package
// throttle): on SQLite and PostgreSQL the database, so that every server
// sharing it enforces one limit (two servers used to give one account
// twice the attempts). The limiter is account's and mogu's Limiter alike.
func newLimiter(stores storage.Stores, interval time.Duration, burst int) account.Limiter {
	return throttle.New(stores.RateLimits, interval, burst)
}

// accountLimits returns account.New's default limits (per minute, 10
// attempts from one address and 5 for one account), counted in the
// database, for the account services configured without their own.
func accountLimits(stores storage.Stores) (perAddress, perAccount account.Limiter) {
	return newLimiter(stores, time.Minute, 10), newLimiter(stores, time.Minute, 5)
}
