package standby

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
)

// fakeStore is a map-backed Store for the tests of this package, following
// the Store contract to the letter (the adapters' conformance cases live in
// storage/storagetest). failNext makes the next write fail, to check that a
// failed write leaves the live queues alone.
type fakeStore struct {
	mu       sync.Mutex
	records  map[EntryID]*Record
	closed   map[FlightKey]bool
	versions map[FlightKey]int64
	failNext error
	calls    map[string]int
}

func newFakeStore() *fakeStore {
	return &fakeStore{
		records:  make(map[EntryID]*Record),
		closed:   make(map[FlightKey]bool),
		versions: make(map[FlightKey]int64),
		calls:    make(map[string]int),
	}
}

var _ Store = (*fakeStore)(nil)

func (s *fakeStore) fail(op string) error {
	s.calls[op]++
	err := s.failNext
	s.failNext = nil
	return err
}

func (s *fakeStore) AddEntries(ctx context.Context, entries []Entry, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail("AddEntries"); err != nil {
		return err
	}
	for i, e := range entries {
		id := e.ID()
		if _, ok := s.records[id]; ok {
			return fmt.Errorf("entry %s exists: %w", id, bookingkit.ErrConflict)
		}
		if s.closed[id.Flight] {
			return fmt.Errorf("flight %s closed: %w", id.Flight, bookingkit.ErrConflict)
		}
		if e.Traveller == "" {
			continue
		}
		for _, r := range s.records {
			if r.Status == StatusActive && r.Entry.Traveller == e.Traveller && r.Entry.ID().Flight == id.Flight {
				return &AlreadyQueuedError{Flight: id.Flight, Traveller: e.Traveller, BookingID: r.Entry.BookingID}
			}
		}
		for _, o := range entries[:i] {
			if o.Traveller == e.Traveller && o.ID().Flight == id.Flight {
				return &AlreadyQueuedError{Flight: id.Flight, Traveller: e.Traveller, BookingID: o.BookingID}
			}
		}
	}
	for _, e := range entries {
		s.records[e.ID()] = &Record{Entry: e, Status: StatusActive, AddedAt: at, ChangedAt: at}
		s.versions[e.ID().Flight]++
	}
	return nil
}

func (s *fakeStore) RemoveEntry(ctx context.Context, id EntryID, status Status, at time.Time) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail("RemoveEntry"); err != nil {
		return Entry{}, err
	}
	r, ok := s.records[id]
	if !ok {
		return Entry{}, fmt.Errorf("entry %s: %w", id, bookingkit.ErrNotFound)
	}
	if r.Status != StatusActive {
		return Entry{}, fmt.Errorf("entry %s is %s: %w", id, r.Status, bookingkit.ErrConflict)
	}
	r.Status, r.ChangedAt = status, at
	s.versions[id.Flight]++
	return r.Entry, nil
}

func (s *fakeStore) CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail("CancelBooking"); err != nil {
		return nil, err
	}
	found := false
	var out []Entry
	for _, r := range s.sortedRecords() {
		if r.Entry.BookingID != bookingID {
			continue
		}
		found = true
		if r.Status == StatusActive {
			r.Status, r.ChangedAt = StatusCancelled, at
			s.versions[r.Entry.ID().Flight]++
			out = append(out, r.Entry)
		}
	}
	if !found {
		return nil, fmt.Errorf("booking %s: %w", bookingID, bookingkit.ErrNotFound)
	}
	return out, nil
}

func (s *fakeStore) CloseFlight(ctx context.Context, flight FlightKey, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail("CloseFlight"); err != nil {
		return 0, err
	}
	s.closed[flight] = true
	n := 0
	for id, r := range s.records {
		if id.Flight == flight && r.Status == StatusActive {
			r.Status, r.ChangedAt = StatusClosed, at
			n++
		}
	}
	s.versions[flight]++
	return n, nil
}

func (s *fakeStore) ActiveEntries(ctx context.Context, flight FlightKey) ([]Entry, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["ActiveEntries"]++
	var out []Entry
	for id, r := range s.records {
		if id.Flight == flight && r.Status == StatusActive {
			out = append(out, r.Entry)
		}
	}
	return out, s.versions[flight], nil
}

func (s *fakeStore) EachActiveEntry(ctx context.Context, fn func(Entry) error) error {
	s.mu.Lock()
	records := s.sortedRecords()
	s.mu.Unlock()
	for _, r := range records {
		if r.Status != StatusActive {
			continue
		}
		if err := fn(r.Entry); err != nil {
			return err
		}
	}
	return nil
}

func (s *fakeStore) BookingRecords(ctx context.Context, bookingID string) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Record
	for _, r := range s.sortedRecords() {
		if r.Entry.BookingID == bookingID {
			out = append(out, *r)
		}
	}
	return out, nil
}

func (s *fakeStore) FlightClosed(ctx context.Context, flight FlightKey) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["FlightClosed"]++
	return s.closed[flight], nil
}

func (s *fakeStore) FlightVersion(ctx context.Context, flight FlightKey) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["FlightVersion"]++
	return s.versions[flight], nil
}

// sortedRecords orders by flight key, then booking ID and passenger.
func (s *fakeStore) sortedRecords() []*Record {
	out := make([]*Record, 0, len(s.records))
	for _, r := range s.records {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Record) int {
		ia, ib := a.Entry.ID(), b.Entry.ID()
		if c := strings.Compare(string(ia.Flight), string(ib.Flight)); c != 0 {
			return c
		}
		if c := strings.Compare(ia.BookingID, ib.BookingID); c != 0 {
			return c
		}
		return ia.Passenger - ib.Passenger
	})
	return out
}
