package standby

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Queue is the live standby queue of one flight: its entries kept in
// [Compare] order in an order-statistic treap (a binary search tree
// balanced by random priorities, each node knowing its subtree's size), so
// that adding, removing, a passenger's position and an estimate each take
// O(log n) expected time for a queue of n entries.
//
// A Queue is safe for concurrent use: readers share a read lock, writers
// take it exclusively. It holds entries in their normalised form
// ([Entry.Normalize]) and returns them that way. It does not persist
// anything; [Service] pairs it with a [Store].
type Queue struct {
	flight Flight // normalised
	key    FlightKey

	mu     sync.RWMutex
	root   *node
	byPax  map[paxRef]*node
	random uint64 // splitmix64 state for node priorities
	closed bool   // set when a Queues registry dropped this queue

	// version is the store's flight version this queue was loaded at;
	// used only by a Service with Shared set, whose queues are rebuilt
	// rather than changed.
	version int64
}

// paxRef identifies a passenger inside one flight's queue.
type paxRef struct {
	bookingID string
	passenger int
}

// node is one entry in the treap. Everything but the flight is in key (see
// keyOf), so an Entry is rebuilt from key and employer.
type node struct {
	left, right *node
	size        int32  // entries in this subtree, this one included
	priority    uint32 // a max-heap on priority keeps the tree balanced
	key         sortKey
	employer    string
}

// NewQueue returns an empty queue for flight.
func NewQueue(flight Flight) (*Queue, error) {
	f, err := flight.Normalize()
	if err != nil {
		return nil, err
	}
	return newQueue(f), nil
}

// newQueue takes an already normalised flight.
func newQueue(f Flight) *Queue {
	key := f.key()
	// The priorities only need to be independent of the keys; seeding
	// from the flight keeps runs reproducible.
	var seed uint64 = 0x9e3779b97f4a7c15
	for i := 0; i < len(key); i++ {
		seed = (seed ^ uint64(key[i])) * 0x100000001b3
	}
	return &Queue{flight: f, key: key, byPax: make(map[paxRef]*node), random: seed}
}

// Flight returns the queue's flight, normalised.
func (q *Queue) Flight() Flight { return q.flight }

// Key returns the queue's flight key.
func (q *Queue) Key() FlightKey { return q.key }

// Len returns the number of entries in the queue.
func (q *Queue) Len() int {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return size(q.root)
}

// Add puts e into the queue and returns its 1-based position. The entry is
// validated and normalised first ([Entry.Normalize]); its flight must be the
// queue's flight. Adding a passenger who is already in the queue returns an
// error matching [bookingkit.ErrConflict] and changes nothing.
func (q *Queue) Add(e Entry) (int, error) {
	n, err := q.prepare(e)
	if err != nil {
		return 0, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, fmt.Errorf("standby: the queue of %s was closed: %w", q.key, bookingkit.ErrConflict)
	}
	return q.insertLocked(n)
}

// prepare validates e and makes its node, outside the lock.
func (q *Queue) prepare(e Entry) (*node, error) {
	ne, err := e.Normalize()
	if err != nil {
		return nil, err
	}
	if err := q.checkFlight(ne.Flight); err != nil {
		return nil, err
	}
	return &node{size: 1, key: keyOf(ne), employer: ne.Employer}, nil
}

func (q *Queue) checkFlight(f Flight) error {
	if !sameNormalized(f, q.flight) {
		return bookingkit.Invalid("flight", f.key().String(), fmt.Sprintf("this is the queue of flight %s", q.key))
	}
	return nil
}

func (q *Queue) insertLocked(n *node) (int, error) {
	ref := paxRef{n.key.bookingID, n.key.passenger}
	if _, dup := q.byPax[ref]; dup {
		return 0, fmt.Errorf("standby: booking %s passenger %d is already in the queue of %s: %w",
			ref.bookingID, ref.passenger, q.key, bookingkit.ErrConflict)
	}
	n.priority = q.nextPriority()
	q.root = insert(q.root, n)
	q.byPax[ref] = n
	return countLess(q.root, &n.key) + 1, nil
}

// Remove takes a passenger out of the queue and returns their entry, or an
// error matching [bookingkit.ErrNotFound] when they are not in it.
func (q *Queue) Remove(bookingID string, passenger int) (Entry, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.removeLocked(paxRef{bookingID, passenger})
}

func (q *Queue) removeLocked(ref paxRef) (Entry, error) {
	n, ok := q.byPax[ref]
	if !ok {
		return Entry{}, q.notFound(ref)
	}
	q.root = remove(q.root, &n.key)
	delete(q.byPax, ref)
	return q.entry(n), nil
}

func (q *Queue) notFound(ref paxRef) error {
	return fmt.Errorf("standby: booking %s passenger %d is not in the queue of %s: %w",
		ref.bookingID, ref.passenger, q.key, bookingkit.ErrNotFound)
}

// Position returns the 1-based place of a passenger in the queue, or an
// error matching [bookingkit.ErrNotFound].
func (q *Queue) Position(bookingID string, passenger int) (int, error) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	n, ok := q.byPax[paxRef{bookingID, passenger}]
	if !ok {
		return 0, q.notFound(paxRef{bookingID, passenger})
	}
	return countLess(q.root, &n.key) + 1, nil
}

// Estimate returns the position a prospective entry would get if it were
// added now, without adding it: one more than the number of entries that go
// before it. e need not have a BookingID yet (a fare in search results);
// its BookedAt should be the current time, so that it stands behind
// everyone equal to it who booked earlier. The other fields are validated
// as in [Entry.Normalize].
func (q *Queue) Estimate(e Entry) (int, error) {
	k, err := q.prospectiveKey(e)
	if err != nil {
		return 0, err
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	return countLess(q.root, &k) + 1, nil
}

func (q *Queue) prospectiveKey(e Entry) (sortKey, error) {
	if e.BookingID != "" {
		if err := validateBookingID(e.BookingID); err != nil {
			return sortKey{}, err
		}
	}
	ne, err := e.normalizeRest()
	if err != nil {
		return sortKey{}, err
	}
	if err := q.checkFlight(ne.Flight); err != nil {
		return sortKey{}, err
	}
	return keyOf(ne), nil
}

// positionAndLen returns a passenger's position (0 when absent) and the
// queue's length, read together.
func (q *Queue) positionAndLen(bookingID string, passenger int) (int, int) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	n, ok := q.byPax[paxRef{bookingID, passenger}]
	if !ok {
		return 0, size(q.root)
	}
	return countLess(q.root, &n.key) + 1, size(q.root)
}

// At returns the entry at a 1-based position, and false when there is none.
func (q *Queue) At(position int) (Entry, bool) {
	entries := q.Range(position, 1)
	if len(entries) == 0 {
		return Entry{}, false
	}
	return entries[0], true
}

// Range returns at most limit entries in queue order starting at the
// 1-based position from. It takes O(log n + limit) time, so a long queue
// can be shown page by page.
func (q *Queue) Range(from, limit int) []Entry {
	if from < 1 || limit <= 0 {
		return nil
	}
	_, entries := q.page(from, limit)
	return entries
}

// page returns the queue's length and the entries of Range, read together.
func (q *Queue) page(from, limit int) (int, []Entry) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	total := size(q.root)
	if from < 1 || limit <= 0 || from > total {
		return total, nil
	}
	out := make([]Entry, 0, min(limit, total-from+1))
	walkFrom(q.root, from-1, func(n *node) bool {
		out = append(out, q.entry(n))
		return len(out) < limit
	})
	return total, out
}

// Entries returns every entry in queue order.
func (q *Queue) Entries() []Entry {
	return q.Range(1, q.Len())
}

// entry rebuilds the normalised Entry stored in n.
func (q *Queue) entry(n *node) Entry {
	r := n.key.rank
	return Entry{
		BookingID:  n.key.bookingID,
		Passenger:  n.key.passenger,
		Flight:     q.flight,
		Employer:   n.employer,
		Cabin:      Cabin(r >> 54 & 0xff),
		Category:   int(r >> 46 & 0xff),
		EmployedOn: dayFromNumber(int(r & (1<<46 - 1))),
		BookedAt:   time.UnixMicro(n.key.bookedAt).UTC(),
	}
}

// nextPriority draws the next node priority (splitmix64).
func (q *Queue) nextPriority() uint32 {
	q.random += 0x9e3779b97f4a7c15
	z := q.random
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return uint32((z ^ z>>31) >> 32)
}

// buildQueue makes a queue from normalised entries of flight f in O(k log k)
// for k entries: one sort, then a linear treap construction. Duplicate
// passengers are an error matching ErrConflict.
func buildQueue(f Flight, entries []Entry) (*Queue, error) {
	q := newQueue(f)
	nodes := make([]node, len(entries))
	for i, e := range entries {
		if !sameNormalized(e.Flight, f) {
			return nil, fmt.Errorf("standby: entry %s given for the queue of %s: %w", e.ID(), q.key, bookingkit.ErrInvalid)
		}
		nodes[i] = node{size: 1, key: keyOf(e), employer: e.Employer}
	}
	slices.SortFunc(nodes, func(a, b node) int { return compareKeys(&a.key, &b.key) })
	q.byPax = make(map[paxRef]*node, len(nodes))
	// Build the treap left to right with a stack holding its right spine
	// (the Cartesian tree of the priorities): each node adopts the nodes it
	// outranks as its left subtree.
	spine := make([]*node, 0, 64)
	for i := range nodes {
		n := &nodes[i]
		ref := paxRef{n.key.bookingID, n.key.passenger}
		if _, dup := q.byPax[ref]; dup {
			return nil, fmt.Errorf("standby: booking %s passenger %d is listed twice for %s: %w",
				ref.bookingID, ref.passenger, q.key, bookingkit.ErrConflict)
		}
		q.byPax[ref] = n
		n.priority = q.nextPriority()
		var last *node
		for len(spine) > 0 && spine[len(spine)-1].priority < n.priority {
			last = spine[len(spine)-1]
			spine = spine[:len(spine)-1]
		}
		n.left = last
		if len(spine) > 0 {
			spine[len(spine)-1].right = n
		}
		spine = append(spine, n)
	}
	if len(spine) > 0 {
		q.root = spine[0]
		fixSizes(q.root)
	}
	return q, nil
}

// sameNormalized compares two normalised flights.
func sameNormalized(a, b Flight) bool {
	return a.Carrier == b.Carrier && a.Number == b.Number && a.Date.Equal(b.Date)
}

// Treap primitives. Recursion depth is the tree height, O(log n) expected.

func size(n *node) int {
	if n == nil {
		return 0
	}
	return int(n.size)
}

func (n *node) fix() { n.size = int32(1 + size(n.left) + size(n.right)) }

func fixSizes(n *node) int32 {
	if n == nil {
		return 0
	}
	n.size = 1 + fixSizes(n.left) + fixSizes(n.right)
	return n.size
}

func rotateRight(t *node) *node {
	l := t.left
	t.left = l.right
	t.fix()
	l.right = t
	l.fix()
	return l
}

func rotateLeft(t *node) *node {
	r := t.right
	t.right = r.left
	t.fix()
	r.left = t
	r.fix()
	return r
}

func insert(t, n *node) *node {
	if t == nil {
		return n
	}
	if compareKeys(&n.key, &t.key) < 0 {
		t.left = insert(t.left, n)
		if t.left.priority > t.priority {
			return rotateRight(t)
		}
	} else {
		t.right = insert(t.right, n)
		if t.right.priority > t.priority {
			return rotateLeft(t)
		}
	}
	t.fix()
	return t
}

// remove deletes the node with key k, which must be in the tree.
func remove(t *node, k *sortKey) *node {
	c := compareKeys(k, &t.key)
	switch {
	case c < 0:
		t.left = remove(t.left, k)
	case c > 0:
		t.right = remove(t.right, k)
	default:
		return merge(t.left, t.right)
	}
	t.fix()
	return t
}

// merge joins two treaps where every key of a is below every key of b.
func merge(a, b *node) *node {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.priority > b.priority:
		a.right = merge(a.right, b)
		a.fix()
		return a
	default:
		b.left = merge(a, b.left)
		b.fix()
		return b
	}
}

// countLess returns how many keys in t are below k.
func countLess(t *node, k *sortKey) int {
	count := 0
	for t != nil {
		if compareKeys(&t.key, k) < 0 {
			count += size(t.left) + 1
			t = t.right
		} else {
			t = t.left
		}
	}
	return count
}

// walkFrom calls fn on the nodes of t in order, starting at the 0-based
// rank skip, until fn returns false or the nodes run out.
func walkFrom(t *node, skip int, fn func(*node) bool) {
	// The stack holds the ancestors still to visit, nearest last.
	stack := make([]*node, 0, 64)
	for t != nil {
		ls := size(t.left)
		switch {
		case skip < ls:
			stack = append(stack, t)
			t = t.left
		case skip == ls:
			stack = append(stack, t)
			t = nil
		default:
			skip -= ls + 1
			t = t.right
		}
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !fn(n) {
			return
		}
		for c := n.right; c != nil; c = c.left {
			stack = append(stack, c)
		}
	}
}

// String describes the queue for logs: "standby queue SU-100-2026-11-23 (3 entries)".
func (q *Queue) String() string {
	return "standby queue " + string(q.key) + " (" + strconv.Itoa(q.Len()) + " entries)"
}
