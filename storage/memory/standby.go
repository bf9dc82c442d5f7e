package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// StandbyStore keeps standby entries and the flights they wait for.
type StandbyStore struct {
	mu       sync.RWMutex
	flights  map[standby.FlightKey]*standbyFlight
	bookings map[string][]standby.EntryID // every entry of a booking, in any status
}

var _ standby.Store = (*StandbyStore)(nil)

// standbyFlight is one flight's entries (every status) and its version.
type standbyFlight struct {
	version int64
	closed  bool
	records map[standbyPax]*standby.Record
	// travellers holds, by Traveller, the active entry of each person
	// known to stand in the queue: one place per person and flight, as
	// the SQL adapters' unique index on (flight_key, traveller) keeps it.
	travellers map[string]standbyPax
}

type standbyPax struct {
	bookingID string
	passenger int
}

func newStandbyStore() *StandbyStore {
	return &StandbyStore{flights: map[standby.FlightKey]*standbyFlight{}, bookings: map[string][]standby.EntryID{}}
}

// normalizeStandbyEntries checks the entries as the SQL adapters' constraints do
// and returns them normalised, with their flight keys.
func normalizeStandbyEntries(entries []standby.Entry) ([]standby.Entry, []standby.FlightKey, error) {
	out := make([]standby.Entry, len(entries))
	keys := make([]standby.FlightKey, len(entries))
	for i, e := range entries {
		ne, err := e.Normalize()
		if err != nil {
			return nil, nil, fail("standby entry %d: %w", i, err)
		}
		out[i], keys[i] = ne, ne.Flight.Key()
	}
	return out, keys, nil
}

func checkStandbyFlightKey(key standby.FlightKey) error {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return fail("standby: %w", err)
	}
	return nil
}

func (s *StandbyStore) flight(key standby.FlightKey) *standbyFlight {
	f := s.flights[key]
	if f == nil {
		f = &standbyFlight{records: map[standbyPax]*standby.Record{}, travellers: map[string]standbyPax{}}
		s.flights[key] = f
	}
	return f
}

// leave records that r left its flight's queue.
func (f *standbyFlight) leave(r *standby.Record) {
	if t := r.Entry.Traveller; t != "" && f.travellers[t] == (standbyPax{r.Entry.BookingID, r.Entry.Passenger}) {
		delete(f.travellers, t)
	}
}

// AddEntries stores entries as active, all or none.
func (s *StandbyStore) AddEntries(_ context.Context, entries []standby.Entry, at time.Time) error {
	entries, keys, err := normalizeStandbyEntries(entries)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[standby.EntryID]bool, len(entries))
	type travellerOn struct {
		flight    standby.FlightKey
		traveller string
	}
	travellers := map[travellerOn]string{}
	for i, e := range entries {
		id := standby.EntryID{Flight: keys[i], BookingID: e.BookingID, Passenger: e.Passenger}
		if f := s.flights[keys[i]]; f != nil {
			if f.closed {
				return fail("standby flight %s is closed: %w", keys[i], bookingkit.ErrConflict)
			}
			if _, dup := f.records[standbyPax{e.BookingID, e.Passenger}]; dup {
				return fail("standby entry %s exists: %w", id, bookingkit.ErrConflict)
			}
			if holder, queued := f.travellers[e.Traveller]; queued && e.Traveller != "" {
				return &standby.AlreadyQueuedError{Flight: keys[i], Traveller: e.Traveller, BookingID: holder.bookingID}
			}
		}
		if seen[id] {
			return fail("standby entry %s given twice: %w", id, bookingkit.ErrConflict)
		}
		seen[id] = true
		if e.Traveller != "" {
			t := travellerOn{keys[i], e.Traveller}
			if holder, dup := travellers[t]; dup {
				return &standby.AlreadyQueuedError{Flight: keys[i], Traveller: e.Traveller, BookingID: holder}
			}
			travellers[t] = e.BookingID
		}
	}
	bumped := map[standby.FlightKey]bool{}
	for i, e := range entries {
		f := s.flight(keys[i])
		f.records[standbyPax{e.BookingID, e.Passenger}] = &standby.Record{Entry: e, Status: standby.StatusActive, AddedAt: at, ChangedAt: at}
		if e.Traveller != "" {
			f.travellers[e.Traveller] = standbyPax{e.BookingID, e.Passenger}
		}
		if !bumped[keys[i]] {
			f.version++
			bumped[keys[i]] = true
		}
		s.bookings[e.BookingID] = append(s.bookings[e.BookingID], standby.EntryID{Flight: keys[i], BookingID: e.BookingID, Passenger: e.Passenger})
	}
	return nil
}

// RemoveEntry sets one active entry's status to cancelled or boarded.
func (s *StandbyStore) RemoveEntry(_ context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	if err := checkStandbyFlightKey(id.Flight); err != nil {
		return standby.Entry{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var r *standby.Record
	f := s.flights[id.Flight]
	if f != nil {
		r = f.records[standbyPax{id.BookingID, id.Passenger}]
	}
	if r == nil {
		return standby.Entry{}, fail("standby entry %s: %w", id, bookingkit.ErrNotFound)
	}
	if r.Status != standby.StatusActive {
		return standby.Entry{}, fail("standby entry %s is %s: %w", id, r.Status, bookingkit.ErrConflict)
	}
	r.Status, r.ChangedAt = status, at
	f.leave(r)
	f.version++
	return r.Entry, nil
}

// CancelBooking cancels every active entry of a booking.
func (s *StandbyStore) CancelBooking(_ context.Context, bookingID string, at time.Time) ([]standby.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, ok := s.bookings[bookingID]
	if !ok {
		return nil, fail("standby booking %q: %w", bookingID, bookingkit.ErrNotFound)
	}
	ids = sortedStandbyIDs(ids)
	out := []standby.Entry{}
	bumped := map[standby.FlightKey]bool{}
	for _, id := range ids {
		f := s.flights[id.Flight]
		r := f.records[standbyPax{id.BookingID, id.Passenger}]
		if r.Status != standby.StatusActive {
			continue
		}
		r.Status, r.ChangedAt = standby.StatusCancelled, at
		f.leave(r)
		if !bumped[id.Flight] {
			f.version++
			bumped[id.Flight] = true
		}
		out = append(out, r.Entry)
	}
	return out, nil
}

// CloseFlight closes a flight and its active entries.
func (s *StandbyStore) CloseFlight(_ context.Context, key standby.FlightKey, at time.Time) (int, error) {
	if err := checkStandbyFlightKey(key); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.flight(key)
	f.closed = true
	f.version++
	n := 0
	for _, r := range f.records {
		if r.Status == standby.StatusActive {
			r.Status, r.ChangedAt = standby.StatusClosed, at
			f.leave(r)
			n++
		}
	}
	return n, nil
}

// ActiveEntries returns a flight's active entries and its version.
func (s *StandbyStore) ActiveEntries(_ context.Context, key standby.FlightKey) ([]standby.Entry, int64, error) {
	if err := checkStandbyFlightKey(key); err != nil {
		return nil, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := s.flights[key]
	if f == nil {
		return []standby.Entry{}, 0, nil
	}
	return f.active(make([]standby.Entry, 0, len(f.records))), f.version, nil
}

func (f *standbyFlight) active(buf []standby.Entry) []standby.Entry {
	for _, r := range f.records {
		if r.Status == standby.StatusActive {
			buf = append(buf, r.Entry)
		}
	}
	return buf
}

// EachActiveEntry calls fn for every active entry, flight by flight in key
// order. It copies one flight at a time and calls fn without holding the
// lock, so fn may use the store; each flight is a snapshot of its own.
func (s *StandbyStore) EachActiveEntry(ctx context.Context, fn func(standby.Entry) error) error {
	s.mu.RLock()
	keys := make([]standby.FlightKey, 0, len(s.flights))
	for k := range s.flights {
		keys = append(keys, k)
	}
	s.mu.RUnlock()
	slices.Sort(keys)
	var buf []standby.Entry
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.mu.RLock()
		buf = s.flights[k].active(buf[:0])
		s.mu.RUnlock()
		for _, e := range buf {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// BookingRecords returns every entry of a booking, by flight key then
// passenger.
func (s *StandbyStore) BookingRecords(_ context.Context, bookingID string) ([]standby.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := sortedStandbyIDs(s.bookings[bookingID])
	out := make([]standby.Record, len(ids))
	for i, id := range ids {
		out[i] = *s.flights[id.Flight].records[standbyPax{id.BookingID, id.Passenger}]
	}
	return out, nil
}

// FlightVersion returns the flight's version, 0 when never seen.
func (s *StandbyStore) FlightVersion(_ context.Context, key standby.FlightKey) (int64, error) {
	if err := checkStandbyFlightKey(key); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if f := s.flights[key]; f != nil {
		return f.version, nil
	}
	return 0, nil
}

// FlightClosed reports whether the flight was closed; false when never
// seen.
func (s *StandbyStore) FlightClosed(_ context.Context, key standby.FlightKey) (bool, error) {
	if err := checkStandbyFlightKey(key); err != nil {
		return false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := s.flights[key]
	return f != nil && f.closed, nil
}

// sortedStandbyIDs returns a sorted copy, by flight key (byte order) then
// passenger, as the SQL adapters order them.
func sortedStandbyIDs(ids []standby.EntryID) []standby.EntryID {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b standby.EntryID) int {
		if c := strings.Compare(string(a.Flight), string(b.Flight)); c != 0 {
			return c
		}
		return cmp.Compare(a.Passenger, b.Passenger)
	})
	return ids
}

// FlightStates returns the state of each flight of flights seen.
func (s *StandbyStore) FlightStates(_ context.Context, flights []standby.FlightKey) (map[standby.FlightKey]standby.FlightState, error) {
	for _, key := range flights {
		if err := checkStandbyFlightKey(key); err != nil {
			return nil, err
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[standby.FlightKey]standby.FlightState, len(flights))
	for _, key := range flights {
		if f := s.flights[key]; f != nil {
			out[key] = standby.FlightState{Version: f.version, Closed: f.closed}
		}
	}
	return out, nil
}
