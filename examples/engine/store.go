package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// Store is the engine's own storage: maps behind one mutex, written here
// against the interfaces staffid and standby declare (the staff list,
// the staff bookings, the standby queues), without any of
// bookingkit's adapters. A real engine would put the same methods over its
// own database; holding the mutex for a whole method is what makes each
// one a transaction here.
type Store struct {
	mu sync.Mutex

	people  map[string]staffid.Person // by person ID
	history []staffid.HistoryEntry    // ID = index + 1
	// changes are whom each applied import changed, by import ID; its
	// created people by ID alone, named from people when read.
	changes map[int64][]staffid.ImportChange

	entries  map[standby.EntryID]*standby.Record
	versions map[standby.FlightKey]int64
	closed   map[standby.FlightKey]bool

	bookings   map[string]staffid.Booking // staff bookings, by ID (store_bookings.go)
	bookingSeq int64
}

var (
	_ staffid.Store        = (*Store)(nil)
	_ staffid.BookingStore = (*Store)(nil)
	_ standby.Store        = (*Store)(nil)
)

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		people:   map[string]staffid.Person{},
		changes:  map[int64][]staffid.ImportChange{},
		entries:  map[standby.EntryID]*standby.Record{},
		versions: map[standby.FlightKey]int64{},
		closed:   map[standby.FlightKey]bool{},
		bookings: map[string]staffid.Booking{},
	}
}

// ApplyImport runs one import under the lock, so two imports never
// interleave and the plan is made against what is stored.
func (s *Store) ApplyImport(_ context.Context, plan func([]staffid.PersonState) (*staffid.Plan, error)) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	current := make([]staffid.PersonState, 0, len(s.people))
	for _, p := range s.people {
		current = append(current, staffid.PersonState{ID: p.ID, Digest: p.Digest, Blocked: p.Blocked})
	}
	pl, err := plan(current)
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	// Check the whole plan first, so that a bad one changes nothing, as a
	// rolled-back transaction would.
	created := map[string]bool{}
	for _, p := range pl.Create {
		if _, ok := s.people[p.ID]; ok || created[p.ID] {
			return staffid.HistoryEntry{}, fmt.Errorf("person %s already exists: %w", p.ID, bookingkit.ErrConflict)
		}
		created[p.ID] = true
	}
	for _, id := range append(personIDs(pl.Update), pl.Block...) {
		if _, ok := s.people[id]; !ok {
			return staffid.HistoryEntry{}, fmt.Errorf("person %s: %w", id, bookingkit.ErrNotFound)
		}
	}
	changes, err := pl.Changes(func(id string) (staffid.Person, error) { return s.people[id], nil })
	if err != nil {
		return staffid.HistoryEntry{}, err
	}
	for _, p := range pl.Create {
		changes = append(changes, staffid.ImportChange{Kind: staffid.ChangeCreated, PersonChange: staffid.PersonChange{ID: p.ID}})
		q := *p
		q.Blocked, q.BlockedAt, q.CreatedAt, q.UpdatedAt = false, time.Time{}, pl.At, pl.At
		s.people[q.ID] = q
	}
	for _, p := range pl.Update {
		q := *p
		q.Blocked, q.BlockedAt, q.CreatedAt, q.UpdatedAt = false, time.Time{}, s.people[q.ID].CreatedAt, pl.At
		s.people[q.ID] = q
	}
	for _, id := range pl.Block {
		q := s.people[id]
		q.Blocked, q.BlockedAt, q.UpdatedAt = true, pl.At, pl.At
		s.people[id] = q
	}
	e := s.appendHistory(pl.Entry)
	s.changes[e.ID] = changes
	return e, nil
}

func personIDs(people []*staffid.Person) []string {
	ids := make([]string, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	return ids
}

// AddImportHistory records an upload refused before any plan.
func (s *Store) AddImportHistory(_ context.Context, e staffid.HistoryEntry) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendHistory(e), nil
}

func (s *Store) appendHistory(e staffid.HistoryEntry) staffid.HistoryEntry {
	e.ID = int64(len(s.history) + 1)
	s.history = append(s.history, e)
	return e
}

// ImportHistory returns entries newest first, below q.BeforeID.
func (s *Store) ImportHistory(_ context.Context, q staffid.HistoryQuery) ([]staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []staffid.HistoryEntry{}
	for i := len(s.history) - 1; i >= 0 && len(out) < staffid.NormalizeLimit(q.Limit); i-- {
		if q.BeforeID == 0 || s.history[i].ID < q.BeforeID {
			out = append(out, s.history[i])
		}
	}
	return out, nil
}

// ImportEntry returns one history entry.
func (s *Store) ImportEntry(_ context.Context, id int64) (staffid.HistoryEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > int64(len(s.history)) {
		return staffid.HistoryEntry{}, fmt.Errorf("import %d: %w", id, bookingkit.ErrNotFound)
	}
	return s.history[id-1], nil
}

// Person returns one person, blocked or not.
func (s *Store) Person(_ context.Context, id string) (staffid.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[id]
	if !ok {
		return staffid.Person{}, fmt.Errorf("person %s: %w", id, bookingkit.ErrNotFound)
	}
	return p, nil
}

// GroupPeople returns a group: the employee first, then by ID.
func (s *Store) GroupPeople(_ context.Context, groupKey string) ([]staffid.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []staffid.Person{}
	for _, p := range s.people {
		if p.GroupKey == groupKey {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b staffid.Person) int {
		if a.IsEmployee != b.IsEmployee {
			if a.IsEmployee {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// People returns a page of people by ascending ID.
func (s *Store) People(_ context.Context, q staffid.PeopleQuery) ([]staffid.Person, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []staffid.Person{}
	for _, p := range s.people {
		if p.ID > q.AfterID && (q.State == staffid.AnyState || p.Blocked == (q.State == staffid.OnlyBlocked)) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b staffid.Person) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), staffid.NormalizeLimit(q.Limit))], nil
}

// AddEntries stores entries as active, all or none. It keeps them in the
// form standby normalises them to, and one place per identified traveller
// and flight.
func (s *Store) AddEntries(_ context.Context, entries []standby.Entry, at time.Time) error {
	entries = slices.Clone(entries)
	for i, e := range entries {
		var err error
		if entries[i], err = e.Normalize(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := map[standby.EntryID]bool{}
	for i, e := range entries {
		id := e.ID()
		if s.entries[id] != nil || ids[id] {
			return fmt.Errorf("standby entry %s is already stored: %w", id, bookingkit.ErrConflict)
		}
		if s.closed[id.Flight] {
			return fmt.Errorf("flight %s is closed: %w", id.Flight, bookingkit.ErrConflict)
		}
		ids[id] = true
		if holder := s.queued(id.Flight, e.Traveller, entries[:i]); holder != "" {
			return &standby.AlreadyQueuedError{Flight: id.Flight, Traveller: e.Traveller, BookingID: holder}
		}
	}
	touched := map[standby.FlightKey]bool{}
	for _, e := range entries {
		s.entries[e.ID()] = &standby.Record{Entry: e, Status: standby.StatusActive, AddedAt: at, ChangedAt: at}
		touched[e.ID().Flight] = true
	}
	for key := range touched {
		s.versions[key]++
	}
	return nil
}

// queued returns the booking with which traveller already waits for
// flight, among the stored active entries and the ones before it in the
// same call; "" when none, or when the traveller is not identified.
func (s *Store) queued(flight standby.FlightKey, traveller string, before []standby.Entry) string {
	if traveller == "" {
		return ""
	}
	for _, e := range before {
		if e.Traveller == traveller && e.ID().Flight == flight {
			return e.BookingID
		}
	}
	for id, r := range s.entries {
		if id.Flight == flight && r.Status == standby.StatusActive && r.Entry.Traveller == traveller {
			return id.BookingID
		}
	}
	return ""
}

// checkKey refuses a flight key standby would not make.
func checkKey(key standby.FlightKey) error {
	_, err := standby.ParseFlightKey(string(key))
	return err
}

// RemoveEntry takes one active entry out of its queue, as cancelled or
// boarded.
func (s *Store) RemoveEntry(_ context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	if err := checkKey(id.Flight); err != nil {
		return standby.Entry{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.entries[id]
	switch {
	case r == nil:
		return standby.Entry{}, fmt.Errorf("standby entry %s: %w", id, bookingkit.ErrNotFound)
	case r.Status != standby.StatusActive:
		return standby.Entry{}, fmt.Errorf("standby entry %s is %s: %w", id, r.Status, bookingkit.ErrConflict)
	}
	r.Status, r.ChangedAt = status, at
	s.versions[id.Flight]++
	return r.Entry, nil
}

// CancelBooking cancels every active entry of a booking.
func (s *Store) CancelBooking(_ context.Context, bookingID string, at time.Time) ([]standby.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	records := s.bookingRecords(bookingID)
	if len(records) == 0 {
		return nil, fmt.Errorf("standby booking %s: %w", bookingID, bookingkit.ErrNotFound)
	}
	out := []standby.Entry{}
	for _, r := range records {
		if r.Status == standby.StatusActive {
			r.Status, r.ChangedAt = standby.StatusCancelled, at
			s.versions[r.Entry.ID().Flight]++
			out = append(out, r.Entry)
		}
	}
	return out, nil
}

// CloseFlight closes a flight and everyone still waiting for it.
func (s *Store) CloseFlight(_ context.Context, flight standby.FlightKey, at time.Time) (int, error) {
	if err := checkKey(flight); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[flight] = true
	s.versions[flight]++
	n := 0
	for id, r := range s.entries {
		if id.Flight == flight && r.Status == standby.StatusActive {
			r.Status, r.ChangedAt = standby.StatusClosed, at
			n++
		}
	}
	return n, nil
}

// ActiveEntries returns a flight's active entries and its version.
func (s *Store) ActiveEntries(_ context.Context, flight standby.FlightKey) ([]standby.Entry, int64, error) {
	if err := checkKey(flight); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []standby.Entry{}
	for id, r := range s.entries {
		if id.Flight == flight && r.Status == standby.StatusActive {
			out = append(out, r.Entry)
		}
	}
	return out, s.versions[flight], nil
}

// EachActiveEntry calls fn for every active entry, ordered by flight key so
// that each flight's entries come together. It copies them first: fn runs
// without the lock and may use the store.
func (s *Store) EachActiveEntry(_ context.Context, fn func(standby.Entry) error) error {
	s.mu.Lock()
	var active []standby.Entry
	for _, r := range s.entries {
		if r.Status == standby.StatusActive {
			active = append(active, r.Entry)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(active, func(a, b standby.Entry) int { return cmp.Compare(a.ID().Flight, b.ID().Flight) })
	for _, e := range active {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// BookingRecords returns a booking's entries in every status.
func (s *Store) BookingRecords(_ context.Context, bookingID string) ([]standby.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []standby.Record{}
	for _, r := range s.bookingRecords(bookingID) {
		out = append(out, *r)
	}
	return out, nil
}

// bookingRecords returns a booking's records by flight key, then passenger.
func (s *Store) bookingRecords(bookingID string) []*standby.Record {
	var out []*standby.Record
	for id, r := range s.entries {
		if id.BookingID == bookingID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *standby.Record) int {
		return cmp.Or(cmp.Compare(a.Entry.ID().Flight, b.Entry.ID().Flight), cmp.Compare(a.Entry.Passenger, b.Entry.Passenger))
	})
	return out
}

// FlightClosed reports whether the flight was closed.
func (s *Store) FlightClosed(_ context.Context, flight standby.FlightKey) (bool, error) {
	if err := checkKey(flight); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed[flight], nil
}

// FlightStates returns the version and closing of each flight seen.
func (s *Store) FlightStates(_ context.Context, flights []standby.FlightKey) (map[standby.FlightKey]standby.FlightState, error) {
	for _, key := range flights {
		if err := checkKey(key); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[standby.FlightKey]standby.FlightState{}
	for _, key := range flights {
		if v, closed := s.versions[key], s.closed[key]; v > 0 || closed {
			out[key] = standby.FlightState{Version: v, Closed: closed}
		}
	}
	return out, nil
}

// FlightVersion returns how many times a flight's active entries changed.
func (s *Store) FlightVersion(_ context.Context, flight standby.FlightKey) (int64, error) {
	if err := checkKey(flight); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.versions[flight], nil
}

// ImportChanges returns a page of one kind of an import's changes, by
// ascending person ID.
func (s *Store) ImportChanges(_ context.Context, q staffid.ChangesQuery) ([]staffid.ImportChange, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.ImportID < 1 || q.ImportID > int64(len(s.history)) {
		return nil, fmt.Errorf("import %d: %w", q.ImportID, bookingkit.ErrNotFound)
	}
	out := []staffid.ImportChange{}
	for _, c := range s.changes[q.ImportID] {
		if c.Kind == q.Kind && c.ID > q.AfterID {
			if c.Kind == staffid.ChangeCreated {
				p := s.people[c.ID]
				c.Name, c.EmployeeID, c.IsEmployee = p.FullName(), p.EmployeeID, p.IsEmployee
			}
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b staffid.ImportChange) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), staffid.NormalizeLimit(q.Limit))], nil
}
