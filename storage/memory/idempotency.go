package memory

import (
	"bytes"
	"context"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/idempotency"
)

// IdempotencyStore keeps the idempotency keys of the POSTs that create
// bookings. The zero value is an empty store.
type IdempotencyStore struct {
	mu   sync.Mutex
	keys map[[2]string]idempotency.Record
}

var _ idempotency.Store = (*IdempotencyStore)(nil)

// Begin stores r unless its key has a record that is neither expired nor
// an in-flight one whose lock has passed.
func (s *IdempotencyStore) Begin(_ context.Context, r idempotency.Record) (idempotency.Record, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := [2]string{r.Scope, r.Key}
	if old, ok := s.keys[id]; ok && r.CreatedAt.Before(old.ExpiresAt) && !(old.InFlight() && !r.CreatedAt.Before(old.LockedUntil)) {
		return copyRecord(old), false, nil
	}
	r.CreatedAt, r.LockedUntil, r.ExpiresAt = r.CreatedAt.UTC(), r.LockedUntil.UTC(), r.ExpiresAt.UTC()
	r.Answer = idempotency.Answer{}
	if s.keys == nil {
		s.keys = map[[2]string]idempotency.Record{}
	}
	s.keys[id] = r
	return copyRecord(r), true, nil
}

// Complete stores the answer of the in-flight key token holds.
func (s *IdempotencyStore) Complete(_ context.Context, scope, key, token string, a idempotency.Answer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := [2]string{scope, key}
	r, ok := s.keys[id]
	if !ok || r.Token != token || !r.InFlight() {
		return fail("complete idempotency key: %w", bookingkit.ErrNotFound)
	}
	a.Body = bytes.Clone(a.Body)
	r.Answer = a
	s.keys[id] = r
	return nil
}

// Release deletes the in-flight key token holds.
func (s *IdempotencyStore) Release(_ context.Context, scope, key, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := [2]string{scope, key}
	r, ok := s.keys[id]
	if !ok || r.Token != token || !r.InFlight() {
		return fail("release idempotency key: %w", bookingkit.ErrNotFound)
	}
	delete(s.keys, id)
	return nil
}

// Expire deletes the records that expire before before.
func (s *IdempotencyStore) Expire(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for id, r := range s.keys {
		if r.ExpiresAt.Before(before) {
			delete(s.keys, id)
			n++
		}
	}
	return n, nil
}

func copyRecord(r idempotency.Record) idempotency.Record {
	r.Answer.Body = bytes.Clone(r.Answer.Body)
	return r
}
