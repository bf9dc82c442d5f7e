package idempotency

import (
	"context"
	"time"
)

// Record is what a [Store] keeps of one idempotency key: the request that
// first came with it (its fingerprint), who holds the key while that
// request runs, and, once it has run, its answer.
type Record struct {
	// Scope is the caller the key belongs to ("staff:<employee ID>",
	// "standby"): two callers' keys never meet.
	Scope string
	// Key is the Idempotency-Key header's value.
	Key string
	// Fingerprint identifies the request: its method, path and body
	// (hex SHA-256). A later request with the key must match it.
	Fingerprint string
	// Token is the random name of the request that holds the key while
	// it runs: only that request completes or releases it.
	Token string
	// CreatedAt is when the request began.
	CreatedAt time.Time
	// LockedUntil is when a request still in flight gives up the key:
	// after it, the key is free again (the server that held it stopped
	// mid-request).
	LockedUntil time.Time
	// ExpiresAt is when the key is forgotten, with its answer.
	ExpiresAt time.Time
	// Answer is the request's answer once it has one; Status is 0 while
	// the request is in flight.
	Answer Answer
}

// InFlight reports whether the record's request has no answer yet.
func (r Record) InFlight() bool { return r.Answer.Status == 0 }

// Answer is the answer replayed to a repeated request.
type Answer struct {
	Status      int
	Location    string
	ContentType string
	Body        []byte
}

// Store keeps the idempotency keys, shared by every server of one database
// so that a request repeated to another server is answered the same.
// Implementations must be safe for concurrent use, also by several
// processes sharing one database; the conformance suite
// (storage/storagetest.RunIdempotency) holds them to these rules. Times
// are kept to the microsecond.
type Store interface {
	// Begin stores r (in flight, its Answer empty) and returns it with
	// true when (r.Scope, r.Key) is free: it has no record, its record
	// has expired (ExpiresAt ≤ r.CreatedAt), or its record is in flight
	// and its lock has passed (LockedUntil ≤ r.CreatedAt). Otherwise it
	// returns the stored record and false. Checking and storing are one
	// atomic step: of concurrent Begins of one key, in any process, one
	// wins.
	Begin(ctx context.Context, r Record) (Record, bool, error)
	// Complete stores the answer of the request that holds the key with
	// token. It fails with an error matching bookingkit.ErrNotFound when
	// token holds no key (another request took it over, or it expired).
	Complete(ctx context.Context, scope, key, token string, a Answer) error
	// Release frees the key that token holds while in flight, so that the
	// request may be tried again: the request had no effect. It fails
	// with an error matching bookingkit.ErrNotFound when token holds no
	// key.
	Release(ctx context.Context, scope, key, token string) error
	// Expire deletes the records that expire before before and returns
	// how many it deleted.
	Expire(ctx context.Context, before time.Time) (int64, error)
}
