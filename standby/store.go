package standby

import (
	"context"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Status is where a stored entry stands: waiting in the queue, or taken out
// of it for a reason.
type Status string

// The statuses of a stored entry. An entry starts Active and leaves the
// queue once, for one of the other three reasons; it never comes back.
const (
	StatusActive    Status = "active"    // waiting in the queue
	StatusCancelled Status = "cancelled" // the booking (or this passenger) was cancelled
	StatusBoarded   Status = "boarded"   // the passenger got a seat and boarded
	StatusClosed    Status = "closed"    // the flight closed with the passenger still waiting
)

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusActive, StatusCancelled, StatusBoarded, StatusClosed:
		return true
	}
	return false
}

// ParseStatus reads a status name as written by String.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", bookingkit.Invalid("status", s, "expected active, cancelled, boarded or closed")
}

// String returns the status name.
func (s Status) String() string { return string(s) }

// Record is an entry as stored, with its status.
type Record struct {
	Entry     Entry
	Status    Status
	AddedAt   time.Time // when the entry was stored
	ChangedAt time.Time // when Status was last set; AddedAt while active
}

// Store keeps standby entries. The storage adapters implement it (memory,
// SQLite, PostgreSQL) and are held to the same conformance cases.
//
// Every entry handed to a Store has been through [Entry.Normalize]: the
// flight and employer are canonical, EmployedOn is a date at midnight UTC
// and BookedAt is UTC with microsecond precision. A store must give entries
// back exactly so (dates as dates, times to the microsecond in UTC), or
// queues rebuilt from it would order differently from the live ones.
//
// An entry is identified by its [EntryID] (flight key, booking ID,
// passenger index); storing the same ID twice, in any status, is a conflict.
// Each flight has a version number that every change to its active entries
// increases, in the same transaction as the change, so that several
// processes sharing one database can tell when their live queue is stale
// (see [Service.Shared]).
type Store interface {
	// AddEntries stores entries as active, all or none, and records each
	// flight they touch (version increased). It fails with an error
	// matching bookingkit.ErrConflict, storing nothing, when an entry's ID
	// is already stored or one of their flights is closed; and with an
	// [*AlreadyQueuedError] when an entry's Traveller (not empty) already
	// has an active entry on its flight, or two entries of the call have
	// the same Traveller and flight. That check and the insert are atomic
	// across every process sharing the store (a unique constraint, or the
	// flight's lock). The entries may belong to several flights (a booking
	// with a return flight).
	AddEntries(ctx context.Context, entries []Entry, at time.Time) error

	// RemoveEntry sets the status of one active entry to status
	// (StatusCancelled or StatusBoarded) and returns the entry. It fails
	// with bookingkit.ErrNotFound when the ID is not stored and with
	// bookingkit.ErrConflict when the entry is no longer active.
	RemoveEntry(ctx context.Context, id EntryID, status Status, at time.Time) (Entry, error)

	// CancelBooking sets every active entry of a booking, on every flight,
	// to StatusCancelled in one transaction and returns those entries
	// (none when all had already left their queues). It fails with
	// bookingkit.ErrNotFound when no entry of the booking is stored.
	CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]Entry, error)

	// CloseFlight marks the flight closed, so AddEntries refuses it from
	// now on, and sets all its active entries to StatusClosed, in one
	// transaction; it returns how many entries it closed. Closing a closed
	// or never-seen flight succeeds (0 entries) and still marks it closed.
	CloseFlight(ctx context.Context, flight FlightKey, at time.Time) (int, error)

	// ActiveEntries returns the active entries of one flight, in any
	// order, together with the flight's version read in the same
	// transaction (0 for a flight never seen).
	ActiveEntries(ctx context.Context, flight FlightKey) ([]Entry, int64, error)

	// EachActiveEntry calls fn for every active entry of every flight,
	// grouped by flight: all entries of one flight come one after another
	// (ORDER BY flight key), in any order within the flight. It streams
	// rather than loading everything first; the rebuild at start reads
	// about 1 000 000 entries this way. It stops at the first error fn
	// returns and returns it.
	EachActiveEntry(ctx context.Context, fn func(Entry) error) error

	// BookingRecords returns every stored entry of a booking, in every
	// status, ordered by flight key then passenger index; none (and no
	// error) for an unknown booking.
	BookingRecords(ctx context.Context, bookingID string) ([]Record, error)

	// FlightVersion returns the flight's version: 0 for a flight never
	// seen, and a larger number after each change to its active entries.
	FlightVersion(ctx context.Context, flight FlightKey) (int64, error)

	// FlightClosed reports whether CloseFlight closed the flight; false
	// for a flight never seen.
	FlightClosed(ctx context.Context, flight FlightKey) (bool, error)

	// FlightStates returns, in one read, the state of each of flights
	// that the store has seen (as FlightVersion and FlightClosed would);
	// a flight never seen is absent from the map. A search results page
	// asks it for all its flights at once.
	FlightStates(ctx context.Context, flights []FlightKey) (map[FlightKey]FlightState, error)
}

// FlightState is what a store keeps of a flight beside its entries.
type FlightState struct {
	Version int64
	Closed  bool
}
