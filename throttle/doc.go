// Package throttle limits attempts per key — a client address, an account
// — with the counts kept in a database, so that every server sharing the
// database enforces one limit: two servers behind a load balancer no
// longer give a client twice the attempts.
//
// # Algorithm
//
// [Limiter] is the generic cell rate algorithm (GCRA), the token bucket
// written as one time per key: the theoretical arrival time (TAT), when
// the bucket will be full again. An attempt at now is allowed when
// max(TAT, now) + interval − burst·interval ≤ now, and then moves the TAT
// to max(TAT, now) + interval. So each key allows burst attempts at once,
// then one per interval, as a token bucket of that size does. A refused
// attempt costs nothing and says, in a [*bookingkit.RetryAfterError], when
// the next one will be allowed, and the limit: burst attempts (Quota) per
// burst·interval (Window, the time the bucket takes to fill), under the
// policy name of [Limiter.WithPolicy]. Servers answer it with Retry-After
// and the RateLimit-Policy and RateLimit fields (httpapi.SetRateLimit).
//
// One row per key holds its TAT, read and written in one atomic step
// ([Store.Update]: a row lock on PostgreSQL, the write lock on SQLite), so
// concurrent attempts on several servers never exceed the burst. A row
// whose TAT has passed says no more than a missing row, so [Limiter.Allow]
// deletes such rows now and then ([Store.Expire]): the table holds only
// the keys active within one refill period.
//
// # Failures
//
// When the store fails (the database is down), Allow returns the store's
// error, which does not match [bookingkit.ErrRateLimited]: the callers
// (account.Service.Limit, mogu's claims) refuse the attempt rather than
// let it through unlimited.
//
// # Clocks
//
// The TATs are instants, taken from each server's clock: keep the clocks
// of servers sharing a database in sync (NTP). A server whose clock runs
// ahead by d lets a key's attempts through up to d sooner.
//
// # Storage
//
// The [Store] interface is implemented by every adapter under storage/
// and checked by the conformance suite (storage/storagetest).
//
// [MemoryStore] keeps the times in this process's memory, for a program
// that runs one process (no other shares its counts) and for tests:
// [NewMemory] is a Limiter over a MemoryStore of its own. It is the
// default of package account's limits, what the memory adapter's
// RateLimits store is, and so what the reference server counts in on its
// memory backend. Over it a Limiter still allows burst attempts at once,
// then one per interval, with the same Retry-After.
package throttle
