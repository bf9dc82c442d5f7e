package standby

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Service keeps standby entries in a [Store] and the flights' live queues
// in step with it: every change is stored first and applied to the live
// queue only once the store accepted it, so a failure leaves the live
// queue as it was and a restart ([Service.Rebuild]) loses no place.
//
// Create it with [NewService] or as a struct literal with Store set. Its
// methods are safe for concurrent use.
type Service struct {
	Store Store
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Shared says that other processes write the same Store (several
	// servers on one PostgreSQL database). The live queues then serve as a
	// cache: every read first asks the store for the flight's version and
	// reloads the flight's queue when it changed. Leave it false when this
	// process is the only writer; reads then never touch the store.
	Shared bool
	// MaxViewLimit is the largest page of a queue [Service.View] answers
	// (its limit); a larger limit is refused. Zero means
	// [DefaultMaxViewLimit].
	MaxViewLimit int

	queues  Queues
	flights keyedMutex   // serialises the writes of one flight: store, then queue
	rebuild sync.RWMutex // Rebuild holds it exclusively, writes shared
}

// NewService returns a Service over store for a single-writer deployment.
// Call [Service.Rebuild] once at start to load the queues.
func NewService(store Store) *Service { return &Service{Store: store} }

// DefaultMaxViewLimit is the largest page of a queue [Service.View]
// answers when [Service.MaxViewLimit] is zero.
const DefaultMaxViewLimit = 500

// maxViewLimit is [Service.MaxViewLimit] or its default.
func (s *Service) maxViewLimit() int {
	if s.MaxViewLimit > 0 {
		return s.MaxViewLimit
	}
	return DefaultMaxViewLimit
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// EarliestOpenDate returns the earliest local departure date (midnight
// UTC, as [Flight.Normalize] writes dates) of a flight that may not have
// left yet at now: the calendar date at UTC-12, the last place on Earth
// where a day begins. A flight dated before it has left everywhere.
func EarliestOpenDate(now time.Time) time.Time {
	y, m, d := now.UTC().Add(-12 * time.Hour).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Departed reports whether flight f has certainly left at now: its local
// departure date is before [EarliestOpenDate]. A flight that does not
// normalise has not departed (it is refused for what it is).
func Departed(f Flight, now time.Time) bool {
	n, err := f.Normalize()
	return err == nil && n.Date.Before(EarliestOpenDate(now))
}

// NoStandbyError says that a flight takes no standby passengers: the
// airline closed it ([Service.CloseFlight]) or it has departed
// ([Departed]). Adding a passenger and estimating a place are refused with
// it alike, so an estimate never offers a place that booking would refuse.
// It matches [bookingkit.ErrConflict].
type NoStandbyError struct {
	Flight FlightKey
	Closed bool // true: closed by the airline; false: departed
}

func (e *NoStandbyError) Error() string {
	why := "it has departed"
	if e.Closed {
		why = "it is closed"
	}
	return fmt.Sprintf("standby: flight %s takes no standby passengers: %s", e.Flight, why)
}

// Is makes a *NoStandbyError match bookingkit.ErrConflict.
func (e *NoStandbyError) Is(target error) bool { return target == bookingkit.ErrConflict }

// CheckOpen returns nil when flight takes standby passengers now, or a
// [*NoStandbyError] when it is closed or has departed. [Service.Estimate]
// and [Service.Add] apply it; a booking engine may call it to grey out a
// standby fare.
func (s *Service) CheckOpen(ctx context.Context, flight Flight) error {
	f, err := flight.Normalize()
	if err != nil {
		return err
	}
	return s.checkOpen(ctx, f)
}

// checkOpen is CheckOpen for a normalised flight.
func (s *Service) checkOpen(ctx context.Context, f Flight) error {
	if Departed(f, s.now()) {
		return &NoStandbyError{Flight: f.key()}
	}
	closed, err := s.Store.FlightClosed(ctx, f.key())
	if err != nil {
		return fmt.Errorf("standby: whether %s is closed: %w", f.key(), err)
	}
	if closed {
		return &NoStandbyError{Flight: f.key(), Closed: true}
	}
	return nil
}

// Add stores entries (all or none) and puts them into their flights'
// queues. Entries are normalised first ([Entry.Normalize]); the same
// passenger, or the same traveller on one flight, listed twice is invalid
// input. It fails with an error matching [bookingkit.ErrConflict] when a
// passenger is already stored, with an [*AlreadyQueuedError] when a
// traveller already stands in a flight's queue (one person, one place per
// flight, across every server of the store), and with a [*NoStandbyError]
// when a flight is closed or has departed.
func (s *Service) Add(ctx context.Context, entries ...Entry) error {
	if len(entries) == 0 {
		return bookingkit.Invalid("entries", "", "at least one entry")
	}
	normalized := make([]Entry, len(entries))
	ids := make(map[EntryID]bool, len(entries))
	type travellerOn struct {
		flight    FlightKey
		traveller string
	}
	travellers := make(map[travellerOn]int, len(entries))
	var keys []FlightKey
	for i, e := range entries {
		ne, err := e.Normalize()
		if err != nil {
			return prefixField(err, fmt.Sprintf("entries[%d].", i))
		}
		id := ne.ID()
		if ids[id] {
			return bookingkit.Invalid(fmt.Sprintf("entries[%d]", i), id.String(), "the same passenger is listed twice")
		}
		ids[id] = true
		if ne.Traveller != "" {
			t := travellerOn{id.Flight, ne.Traveller}
			if first, dup := travellers[t]; dup {
				return bookingkit.Invalid(fmt.Sprintf("entries[%d].traveller", i), ne.Traveller, fmt.Sprintf("the same traveller as entries[%d] on %s: one place per person and flight", first, id.Flight))
			}
			travellers[t] = i
		}
		normalized[i] = ne
		keys = append(keys, id.Flight)
		if Departed(ne.Flight, s.now()) {
			return &NoStandbyError{Flight: id.Flight}
		}
	}

	s.rebuild.RLock()
	defer s.rebuild.RUnlock()
	unlock := s.flights.lock(keys)
	defer unlock()
	if err := s.Store.AddEntries(ctx, normalized, s.now()); err != nil {
		var queued *AlreadyQueuedError
		if errors.As(err, &queued) {
			return queued // the queue's own words, without the adapter's
		}
		if errors.Is(err, bookingkit.ErrConflict) {
			// The store refuses a closed flight with its own words; say
			// it in the queue's. (Closing is final, so the answer holds.)
			for _, key := range keys {
				if closed, cerr := s.Store.FlightClosed(ctx, key); cerr == nil && closed {
					return &NoStandbyError{Flight: key, Closed: true}
				}
			}
		}
		return fmt.Errorf("standby: add: %w", err)
	}
	if s.Shared {
		return nil // readers reload: the flights' versions changed
	}
	for _, e := range normalized {
		if _, err := s.queues.Add(e); err != nil {
			// The store accepted a passenger the live queue already had:
			// the two disagree. The store is right; reload the flight.
			if err := s.reloadLocked(ctx, e.Flight.key()); err != nil {
				return fmt.Errorf("standby: entries stored, but the live queue of %s could not be reloaded: %w", e.Flight.key(), err)
			}
		}
	}
	return nil
}

// AddBooking adds the queue entries of a completed standby booking (see
// [Booking.Entries]) and returns them.
func (s *Service) AddBooking(ctx context.Context, b Booking) ([]Entry, error) {
	entries, err := b.Entries()
	if err != nil {
		return nil, err
	}
	if err := s.Add(ctx, entries...); err != nil {
		return nil, err
	}
	return entries, nil
}

// Remove takes one passenger out of a flight's queue, with status
// [StatusCancelled] or [StatusBoarded], and returns the entry. Use
// [Service.CloseFlight] for a flight that closes. It fails with
// [bookingkit.ErrNotFound] for an unknown passenger and
// [bookingkit.ErrConflict] for one no longer waiting.
func (s *Service) Remove(ctx context.Context, id EntryID, status Status) (Entry, error) {
	if status != StatusCancelled && status != StatusBoarded {
		return Entry{}, bookingkit.Invalid("status", string(status), "boarded or cancelled; close the flight to take everyone out")
	}
	if _, err := ParseFlightKey(string(id.Flight)); err != nil {
		return Entry{}, err
	}
	s.rebuild.RLock()
	defer s.rebuild.RUnlock()
	unlock := s.flights.lock([]FlightKey{id.Flight})
	defer unlock()
	e, err := s.Store.RemoveEntry(ctx, id, status, s.now())
	if err != nil {
		return Entry{}, fmt.Errorf("standby: remove %s: %w", id, err)
	}
	if !s.Shared {
		// Not finding it is fine: the store says it is gone, so it is.
		_, _ = s.queues.Remove(id)
	}
	return e, nil
}

// CancelBooking takes every waiting passenger of a booking out of every
// queue, as cancelled, and returns their entries. Cancelling a booking
// whose passengers have all left their queues returns none, so a retry is
// harmless; an unknown booking is [bookingkit.ErrNotFound].
func (s *Service) CancelBooking(ctx context.Context, bookingID string) ([]Entry, error) {
	if err := validateBookingID(bookingID); err != nil {
		return nil, err
	}
	s.rebuild.RLock()
	defer s.rebuild.RUnlock()
	removed, err := s.Store.CancelBooking(ctx, bookingID, s.now())
	if err != nil {
		return nil, fmt.Errorf("standby: cancel booking %s: %w", bookingID, err)
	}
	if s.Shared {
		return removed, nil
	}
	// An Add holds its flight's lock from storing to queueing, so taking
	// the lock here means any entry the store just cancelled is already in
	// the live queue, ready to be taken out.
	keys := make([]FlightKey, len(removed))
	for i, e := range removed {
		keys[i] = e.Flight.key()
	}
	unlock := s.flights.lock(keys)
	defer unlock()
	for i, e := range removed {
		_, _ = s.queues.Remove(EntryID{Flight: keys[i], BookingID: e.BookingID, Passenger: e.Passenger})
	}
	return removed, nil
}

// CloseFlight closes a flight: everyone still waiting leaves the queue as
// [StatusClosed], the live queue is dropped, and no entry can be added to
// the flight any more. It returns how many passengers were still waiting.
// Closing a closed flight returns 0.
func (s *Service) CloseFlight(ctx context.Context, flight Flight) (int, error) {
	f, err := flight.Normalize()
	if err != nil {
		return 0, err
	}
	key := f.key()
	s.rebuild.RLock()
	defer s.rebuild.RUnlock()
	unlock := s.flights.lock([]FlightKey{key})
	defer unlock()
	n, err := s.Store.CloseFlight(ctx, key, s.now())
	if err != nil {
		return 0, fmt.Errorf("standby: close %s: %w", key, err)
	}
	s.queues.Close(key)
	return n, nil
}

// Position returns a waiting passenger's 1-based place in their flight's
// queue, or an error matching [bookingkit.ErrNotFound].
func (s *Service) Position(ctx context.Context, id EntryID) (int, error) {
	q, err := s.readQueue(ctx, id.Flight)
	if err != nil {
		return 0, err
	}
	if q == nil {
		return 0, noQueue(id)
	}
	return q.Position(id.BookingID, id.Passenger)
}

// Placement is where one passenger of a booking stands on one flight.
type Placement struct {
	Entry  Entry
	Status Status
	// Position is the 1-based place in the queue while Status is
	// StatusActive, 0 otherwise; QueueLength is the queue's length then.
	Position    int
	QueueLength int
}

// Placements returns, for every passenger of a booking on every flight,
// their status and, while waiting, their place in the queue, ordered by
// flight then passenger. An unknown booking is [bookingkit.ErrNotFound].
func (s *Service) Placements(ctx context.Context, bookingID string) ([]Placement, error) {
	if err := validateBookingID(bookingID); err != nil {
		return nil, err
	}
	records, err := s.Store.BookingRecords(ctx, bookingID)
	if err != nil {
		return nil, fmt.Errorf("standby: booking %s: %w", bookingID, err)
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("standby: booking %s has no standby passengers: %w", bookingID, bookingkit.ErrNotFound)
	}
	out := make([]Placement, len(records))
	for i, r := range records {
		out[i] = Placement{Entry: r.Entry, Status: r.Status}
		if r.Status != StatusActive {
			continue
		}
		q, err := s.readQueue(ctx, r.Entry.Flight.key())
		if err != nil {
			return nil, err
		}
		if q == nil {
			continue // cancelled or boarded between the two reads
		}
		out[i].Position, out[i].QueueLength = q.positionAndLen(bookingID, r.Entry.Passenger)
	}
	return out, nil
}

// Estimate returns the place a prospective passenger would get in the
// queue if they booked now, without booking: the figure shown beside a
// standby fare in search results. e needs no BookingID; a zero BookedAt
// means now. A flight that takes no standby passengers (closed or
// departed) has no place to offer: a [*NoStandbyError], as booking would
// answer.
func (s *Service) Estimate(ctx context.Context, e Entry) (int, error) {
	if e.BookedAt.IsZero() {
		e.BookedAt = s.now()
	}
	f, err := e.Flight.Normalize()
	if err != nil {
		return 0, err
	}
	if err := s.checkOpen(ctx, f); err != nil {
		return 0, err
	}
	q, err := s.readQueue(ctx, f.key())
	if err != nil {
		return 0, err
	}
	if q == nil {
		q = newQueue(f)
	}
	return q.Estimate(e)
}

// View returns a page of a flight's queue for staff, anonymised (see
// [Anonymize]): at most limit rows from the 1-based position from. Rows of
// viewerBookingID are marked as the viewer's own. A limit above
// [Service.MaxViewLimit] is refused, so one request cannot copy a whole
// long queue.
func (s *Service) View(ctx context.Context, flight Flight, from, limit int, viewerBookingID string) (QueueView, error) {
	f, err := flight.Normalize()
	if err != nil {
		return QueueView{}, err
	}
	if max := s.maxViewLimit(); limit > max {
		return QueueView{}, bookingkit.Invalid("limit", strconv.Itoa(limit), fmt.Sprintf("at most %d", max))
	}
	if from < 1 {
		return QueueView{}, bookingkit.Invalid("from", fmt.Sprint(from), "positions start at 1")
	}
	if limit < 1 {
		return QueueView{}, bookingkit.Invalid("limit", fmt.Sprint(limit), "at least 1")
	}
	key := f.key()
	view := QueueView{Flight: key, Rows: []ViewRow{}}
	q, err := s.readQueue(ctx, key)
	if err != nil || q == nil {
		return view, err
	}
	var entries []Entry
	view.Total, entries = q.page(from, limit)
	view.Rows = Anonymize(entries, from, viewerBookingID)
	return view, nil
}

// RebuildStats says what [Service.Rebuild] loaded.
type RebuildStats struct {
	Flights int
	Entries int
}

// Rebuild replaces the live queues with the active entries in the store.
// Call it once at start, before serving. Writes wait while it runs; reads
// see the old queues until the new ones are complete. On error the old
// queues stay. With Shared set, queues load lazily per flight and Rebuild
// only drops the cached ones.
func (s *Service) Rebuild(ctx context.Context) (RebuildStats, error) {
	s.rebuild.Lock()
	defer s.rebuild.Unlock()
	if s.Shared {
		s.queues.replaceAll(map[FlightKey]*Queue{})
		return RebuildStats{}, nil
	}
	var (
		stats    RebuildStats
		byFlight = make(map[FlightKey]*Queue)
		raw      Flight  // the current flight as the store spelled it
		flight   Flight  // and normalised
		group    []Entry // the current flight's entries
	)
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		key := flight.key()
		if byFlight[key] != nil {
			return fmt.Errorf("standby: rebuild: the store returned the entries of %s in more than one group; EachActiveEntry must group them by flight", key)
		}
		q, err := buildQueue(flight, group)
		if err != nil {
			return fmt.Errorf("standby: rebuild: %w", err)
		}
		byFlight[key] = q
		stats.Flights++
		stats.Entries += len(group)
		group = group[:0]
		return nil
	}
	err := s.Store.EachActiveEntry(ctx, func(e Entry) error {
		if len(group) == 0 || !sameRaw(e.Flight, raw) {
			f, err := e.Flight.Normalize()
			if err != nil {
				return fmt.Errorf("standby: rebuild: stored entry %s/%d: %w", e.BookingID, e.Passenger, err)
			}
			if len(group) == 0 || !sameNormalized(f, flight) {
				if err := flush(); err != nil {
					return err
				}
				flight = f
			}
			raw = e.Flight
		}
		ne, err := e.normalizeOn(flight)
		if err == nil {
			err = validateBookingID(e.BookingID)
		}
		if err != nil {
			return fmt.Errorf("standby: rebuild: stored entry %s/%d of %s: %w", e.BookingID, e.Passenger, flight.key(), err)
		}
		group = append(group, ne)
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return RebuildStats{}, err
	}
	s.queues.replaceAll(byFlight)
	return stats, nil
}

// Flights returns the keys of the flights with a live queue in this
// process, sorted.
func (s *Service) Flights() []FlightKey { return s.queues.Flights() }

// sameRaw compares two flights as stored, without normalising.
func sameRaw(a, b Flight) bool {
	return a.Carrier == b.Carrier && a.Number == b.Number && a.Date.Equal(b.Date)
}

// readQueue returns the live queue of a flight, nil when it has none. With
// Shared it first makes sure the queue matches the store's version.
func (s *Service) readQueue(ctx context.Context, key FlightKey) (*Queue, error) {
	if !s.Shared {
		return s.queues.Queue(key), nil
	}
	version, err := s.Store.FlightVersion(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("standby: version of %s: %w", key, err)
	}
	return s.queueAt(ctx, key, version)
}

// queueAt is readQueue with the flight's version in the store read
// already (FlightStates, for many flights at once).
func (s *Service) queueAt(ctx context.Context, key FlightKey, version int64) (*Queue, error) {
	if !s.Shared {
		return s.queues.Queue(key), nil
	}
	if q := s.queues.Queue(key); q != nil && q.version >= version {
		return q, nil
	}
	if version == 0 {
		return nil, nil // the store has never seen this flight
	}
	// One reload per flight at a time; whoever waited finds it done.
	unlock := s.flights.lock([]FlightKey{key})
	defer unlock()
	if q := s.queues.Queue(key); q != nil && q.version >= version {
		return q, nil
	}
	if err := s.reloadLocked(ctx, key); err != nil {
		return nil, err
	}
	return s.queues.Queue(key), nil
}

// reloadLocked rebuilds one flight's queue from the store; the caller
// holds the flight's lock.
func (s *Service) reloadLocked(ctx context.Context, key FlightKey) error {
	f, err := ParseFlightKey(string(key))
	if err != nil {
		return err
	}
	entries, version, err := s.Store.ActiveEntries(ctx, key)
	if err != nil {
		return fmt.Errorf("standby: load %s: %w", key, err)
	}
	for i, e := range entries {
		ne, err := e.Normalize()
		if err != nil {
			return fmt.Errorf("standby: load %s: stored entry %s/%d: %w", key, e.BookingID, e.Passenger, err)
		}
		entries[i] = ne
	}
	q, err := buildQueue(f, entries)
	if err != nil {
		return fmt.Errorf("standby: load %s: %w", key, err)
	}
	q.version = version
	s.queues.put(q)
	return nil
}

// keyedMutex is a mutex per flight key, created on demand and dropped when
// nobody holds or waits for it.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[FlightKey]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

// lock takes the locks of keys in sorted order (so two callers never wait
// for each other crosswise) and returns the function that releases them.
func (k *keyedMutex) lock(keys []FlightKey) (unlock func()) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	held := make([]*keyLock, len(keys))
	for i, key := range keys {
		k.mu.Lock()
		if k.locks == nil {
			k.locks = make(map[FlightKey]*keyLock)
		}
		l := k.locks[key]
		if l == nil {
			l = &keyLock{}
			k.locks[key] = l
		}
		l.refs++
		k.mu.Unlock()
		l.mu.Lock()
		held[i] = l
	}
	return func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].mu.Unlock()
			k.mu.Lock()
			held[i].refs--
			if held[i].refs == 0 {
				delete(k.locks, keys[i])
			}
			k.mu.Unlock()
		}
	}
}
