package throttle

import (
	"context"
	"sync"
	"time"
)

// MemoryStore is a [Store] in this process's memory: the counts of a
// program that runs one process, which no other server shares. The
// memory adapter (storage/memory) hands one out as its RateLimits store,
// and package account's default limits count in one. It forgets a key
// once its time has passed, when a Limiter calls Expire, so it holds only
// the keys active within about one refill period. Safe for concurrent
// use; the zero value is an empty store.
type MemoryStore struct {
	mu   sync.Mutex
	tats map[string]time.Time
}

var _ Store = (*MemoryStore)(nil)

// NewMemory returns a Limiter over a MemoryStore of its own, allowing
// burst attempts per key, then one per interval. It is the in-process
// limiter: for a program that runs one process, and for tests.
func NewMemory(interval time.Duration, burst int) *Limiter {
	return New(new(MemoryStore), interval, burst)
}

// Update calls decide with key's time and stores what it returns, under
// the store's lock. It never fails; ctx is not used.
func (s *MemoryStore) Update(_ context.Context, key string, decide func(time.Time) (time.Time, bool)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next, store := decide(s.tats[key]); store {
		if s.tats == nil {
			s.tats = map[string]time.Time{}
		}
		s.tats[key] = next.UTC()
	}
	return nil
}

// Expire deletes the keys whose time is before before.
func (s *MemoryStore) Expire(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for k, tat := range s.tats {
		if tat.Before(before) {
			delete(s.tats, k)
			n++
		}
	}
	return n, nil
}
