package memory

import (
	"context"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit/throttle"
)

// RateLimitStore keeps the rate limits' arrival times.
type RateLimitStore struct {
	mu   sync.Mutex
	tats map[string]time.Time
}

var _ throttle.Store = (*RateLimitStore)(nil)

func newRateLimitStore() *RateLimitStore { return &RateLimitStore{tats: map[string]time.Time{}} }

func (s *RateLimitStore) Update(_ context.Context, key string, decide func(time.Time) (time.Time, bool)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next, store := decide(s.tats[key]); store {
		s.tats[key] = next.UTC()
	}
	return nil
}

func (s *RateLimitStore) Expire(_ context.Context, before time.Time) (int64, error) {
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
