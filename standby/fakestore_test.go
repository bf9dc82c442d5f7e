package standby

import (
	"context"
	"sync"
	"time"
)

// fakeStore is the Store the package's tests run the service on:
// storage/memory's, which the conformance suite holds to the same cases as
// SQLite and PostgreSQL, with what a test needs beyond a store. failNext
// makes the next write fail, to check that a failed write leaves the live
// queues alone; calls counts what the service reads and writes.
type fakeStore struct {
	Store
	mu       sync.Mutex
	failNext error
	calls    map[string]int
}

// NewMemoryStore returns an empty storage/memory standby store. This
// package's own tests cannot import storage/memory, which imports standby,
// so memory_test.go, in the external test package, sets it before any test
// runs.
var NewMemoryStore func() Store

func newFakeStore() *fakeStore {
	return &fakeStore{Store: NewMemoryStore(), calls: map[string]int{}}
}

func (s *fakeStore) count(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
}

// fail counts a write and returns failNext, once.
func (s *fakeStore) fail(op string) error {
	s.count(op)
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.failNext
	s.failNext = nil
	return err
}

func (s *fakeStore) AddEntries(ctx context.Context, entries []Entry, at time.Time) error {
	if err := s.fail("AddEntries"); err != nil {
		return err
	}
	return s.Store.AddEntries(ctx, entries, at)
}

func (s *fakeStore) RemoveEntry(ctx context.Context, id EntryID, status Status, at time.Time) (Entry, error) {
	if err := s.fail("RemoveEntry"); err != nil {
		return Entry{}, err
	}
	return s.Store.RemoveEntry(ctx, id, status, at)
}

func (s *fakeStore) CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]Entry, error) {
	if err := s.fail("CancelBooking"); err != nil {
		return nil, err
	}
	return s.Store.CancelBooking(ctx, bookingID, at)
}

func (s *fakeStore) CloseFlight(ctx context.Context, flight FlightKey, at time.Time) (int, error) {
	if err := s.fail("CloseFlight"); err != nil {
		return 0, err
	}
	return s.Store.CloseFlight(ctx, flight, at)
}

// The reads are counted and never fail.

func (s *fakeStore) ActiveEntries(ctx context.Context, flight FlightKey) ([]Entry, int64, error) {
	s.count("ActiveEntries")
	return s.Store.ActiveEntries(ctx, flight)
}

func (s *fakeStore) FlightClosed(ctx context.Context, flight FlightKey) (bool, error) {
	s.count("FlightClosed")
	return s.Store.FlightClosed(ctx, flight)
}

func (s *fakeStore) FlightStates(ctx context.Context, flights []FlightKey) (map[FlightKey]FlightState, error) {
	s.count("FlightStates")
	return s.Store.FlightStates(ctx, flights)
}

func (s *fakeStore) FlightVersion(ctx context.Context, flight FlightKey) (int64, error) {
	s.count("FlightVersion")
	return s.Store.FlightVersion(ctx, flight)
}
