package mogu_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// fakeStore is storage/memory's mogu.Store, which the conformance suite
// holds to the same cases as SQLite and PostgreSQL, with what a test needs
// beyond a store: the calls of the trip and activation methods, to show
// what a path reads and writes, and memberships that vanish behind the
// store's back.
type fakeStore struct {
	mogu.Store
	mu    sync.Mutex
	calls map[string]int     // method name -> calls
	gone  map[[2]string]bool // {operator, agency} memberships Membership no longer finds
}

func newFakeStore() *fakeStore {
	return &fakeStore{Store: memory.New().Stores().Mogu, calls: map[string]int{}, gone: map[[2]string]bool{}}
}

func (s *fakeStore) count(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
}

// resetCalls forgets the calls so far and returns what they were.
func (s *fakeStore) resetCalls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls := s.calls
	s.calls = map[string]int{}
	return calls
}

// dropMembership makes Membership miss the operator's membership of the
// agency, while CurrentAgency still names it.
func (s *fakeStore) dropMembership(operatorID, agencyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gone[[2]string{operatorID, agencyID}] = true
}

func (s *fakeStore) Membership(ctx context.Context, operatorID, agencyID string) (mogu.Membership, error) {
	s.mu.Lock()
	gone := s.gone[[2]string{operatorID, agencyID}]
	s.mu.Unlock()
	if gone {
		return mogu.Membership{}, bookingkit.ErrNotFound
	}
	return s.Store.Membership(ctx, operatorID, agencyID)
}

func (s *fakeStore) LatestActivation(ctx context.Context, micrositeID string) (mogu.Activation, error) {
	s.count("LatestActivation")
	return s.Store.LatestActivation(ctx, micrositeID)
}

func (s *fakeStore) RecordActivation(ctx context.Context, a mogu.Activation) error {
	s.count("RecordActivation")
	return s.Store.RecordActivation(ctx, a)
}

func (s *fakeStore) PutTrip(ctx context.Context, t mogu.Trip, now time.Time) (mogu.Trip, error) {
	s.count("PutTrip")
	return s.Store.PutTrip(ctx, t, now)
}

func (s *fakeStore) Trip(ctx context.Context, bookingID string) (mogu.Trip, error) {
	s.count("Trip")
	return s.Store.Trip(ctx, bookingID)
}

func (s *fakeStore) RotateToken(ctx context.Context, bookingID string, now time.Time) (mogu.Trip, error) {
	s.count("RotateToken")
	return s.Store.RotateToken(ctx, bookingID, now)
}

func (s *fakeStore) AddLink(ctx context.Context, l mogu.TripLink) (mogu.TripLink, bool, error) {
	s.count("AddLink")
	return s.Store.AddLink(ctx, l)
}

// requireClaims checks how many accounts claimed the booking, without
// counting the read.
func requireClaims(t testing.TB, e *env, bookingID string, n int) {
	t.Helper()
	trip, err := e.store.Store.Trip(ctx, bookingID)
	require.NoError(t, err)
	require.Equal(t, n, trip.Claims)
}
