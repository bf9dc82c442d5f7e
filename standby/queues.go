package standby

import (
	"fmt"
	"slices"
	"sync"

	"github.com/bookingkit/bookingkit"
)

// Queues holds the live queue of every flight, by [FlightKey]. Its lock
// guards only the map; each [Queue] has its own, so work on one flight does
// not wait for another. The zero value is an empty registry ready to use.
//
// Queues keeps nothing on disk; [Service] keeps it in step with a [Store].
type Queues struct {
	mu       sync.RWMutex
	byFlight map[FlightKey]*Queue
}

// Queue returns the live queue of a flight, or nil when the flight has no
// queue (nobody was ever added, or it was closed).
func (r *Queues) Queue(flight FlightKey) *Queue {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byFlight[flight]
}

// open returns the queue of a normalised flight, creating it if needed.
func (r *Queues) open(f Flight) *Queue {
	key := f.key()
	if q := r.Queue(key); q != nil {
		return q
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if q := r.byFlight[key]; q != nil {
		return q
	}
	if r.byFlight == nil {
		r.byFlight = make(map[FlightKey]*Queue)
	}
	q := newQueue(f)
	r.byFlight[key] = q
	return q
}

// Add puts e into its flight's queue, creating the queue if needed, and
// returns its 1-based position. See [Queue.Add].
func (r *Queues) Add(e Entry) (int, error) {
	ne, err := e.Normalize()
	if err != nil {
		return 0, err
	}
	n := &node{size: 1, key: keyOf(ne), employer: ne.Employer}
	for {
		q := r.open(ne.Flight)
		q.mu.Lock()
		if q.closed {
			// Close dropped this queue after we found it; the flight
			// gets a fresh one.
			q.mu.Unlock()
			continue
		}
		pos, err := q.insertLocked(n)
		q.mu.Unlock()
		return pos, err
	}
}

// Remove takes a passenger out of a flight's queue and returns the entry,
// or an error matching [bookingkit.ErrNotFound].
func (r *Queues) Remove(id EntryID) (Entry, error) {
	q := r.Queue(id.Flight)
	if q == nil {
		return Entry{}, noQueue(id)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return Entry{}, noQueue(id)
	}
	return q.removeLocked(paxRef{id.BookingID, id.Passenger})
}

// Position returns a passenger's 1-based place in their flight's queue, or
// an error matching [bookingkit.ErrNotFound].
func (r *Queues) Position(id EntryID) (int, error) {
	q := r.Queue(id.Flight)
	if q == nil {
		return 0, noQueue(id)
	}
	return q.Position(id.BookingID, id.Passenger)
}

// Estimate returns the position e would get in its flight's queue if it
// were added now; 1 for a flight without a queue. See [Queue.Estimate].
func (r *Queues) Estimate(e Entry) (int, error) {
	f, err := e.Flight.Normalize()
	if err != nil {
		return 0, err
	}
	q := r.Queue(f.key())
	if q == nil {
		q = newQueue(f) // validates e the same way, against an empty queue
	}
	return q.Estimate(e)
}

// Close drops a flight's queue (the flight closed: everyone still waiting
// leaves it) and returns how many entries it held.
func (r *Queues) Close(flight FlightKey) int {
	r.mu.Lock()
	q := r.byFlight[flight]
	delete(r.byFlight, flight)
	r.mu.Unlock()
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	return size(q.root)
}

// Flights returns the keys of the flights that have a queue, sorted.
func (r *Queues) Flights() []FlightKey {
	r.mu.RLock()
	keys := make([]FlightKey, 0, len(r.byFlight))
	for k := range r.byFlight {
		keys = append(keys, k)
	}
	r.mu.RUnlock()
	slices.Sort(keys)
	return keys
}

// put installs q as its flight's queue, replacing any other.
func (r *Queues) put(q *Queue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byFlight == nil {
		r.byFlight = make(map[FlightKey]*Queue)
	}
	if old := r.byFlight[q.key]; old != nil && old != q {
		old.markClosed()
	}
	r.byFlight[q.key] = q
}

// replaceAll installs a whole new set of queues at once.
func (r *Queues) replaceAll(byFlight map[FlightKey]*Queue) {
	r.mu.Lock()
	old := r.byFlight
	r.byFlight = byFlight
	r.mu.Unlock()
	for k, q := range old {
		if byFlight[k] != q {
			q.markClosed()
		}
	}
}

func (q *Queue) markClosed() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
}

func noQueue(id EntryID) error {
	return fmt.Errorf("standby: booking %s passenger %d is not in the queue of %s: %w",
		id.BookingID, id.Passenger, id.Flight, bookingkit.ErrNotFound)
}
