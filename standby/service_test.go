package standby

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func newTestService(store Store) *Service {
	s := NewService(store)
	s.Now = func() time.Time { return testNow }
	return s
}

// requireServiceMatchesStore checks every live queue of s against a fresh
// Sort of the store's active entries of that flight.
func requireServiceMatchesStore(t *testing.T, s *Service, store *fakeStore) {
	t.Helper()
	ctx := context.Background()
	byFlight := make(map[FlightKey][]Entry)
	require.NoError(t, store.EachActiveEntry(ctx, func(e Entry) error {
		byFlight[e.Flight.Key()] = append(byFlight[e.Flight.Key()], e)
		return nil
	}))
	for key, want := range byFlight {
		Sort(want)
		q := s.queues.Queue(key)
		require.NotNil(t, q, "queue of %s", key)
		require.Empty(t, cmp.Diff(want, q.Entries()), "queue of %s", key)
		for i, e := range want {
			pos, err := s.Position(ctx, e.ID())
			require.NoError(t, err)
			require.Equal(t, i+1, pos)
		}
	}
	for _, key := range s.Flights() {
		if len(byFlight[key]) == 0 {
			require.Zero(t, s.queues.Queue(key).Len(), "queue of %s should be empty", key)
		}
	}
}

func TestServiceBookingFlow(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	s := newTestService(store)
	ret := Flight{"SU", "101", date(2026, 11, 30)}

	// Someone is already waiting: an SU employee in economy, category 3.
	_, err := s.AddBooking(ctx, Booking{
		ID: "EARLY", BookedAt: testNow.Add(-time.Hour),
		Segments:   []Segment{{su100, Economy}},
		Passengers: []Passenger{{Employer: "SU", EmployedOn: date(2015, 1, 1), Category: 3}},
	})
	require.NoError(t, err)

	// Search results: where would an employee of category 2 land?
	employee := Employee{Employer: "su", EmployedOn: date(2012, 5, 1), Category: 2}
	est, err := s.Estimate(ctx, Entry{Flight: Flight{"SU", "SU0100", su100.Date}, Employer: employee.Employer,
		Cabin: Economy, Category: employee.Category, EmployedOn: employee.EmployedOn})
	require.NoError(t, err)
	require.Equal(t, 1, est)
	// A companion of category 5 would stand behind EARLY.
	companion := employee.Companion(5)
	est, err = s.Estimate(ctx, Entry{Flight: su100, Employer: companion.Employer, Cabin: Economy,
		Category: companion.Category, EmployedOn: companion.EmployedOn})
	require.NoError(t, err)
	require.Equal(t, 2, est)

	// The employee books for themself and the companion, out and back.
	entries, err := s.AddBooking(ctx, Booking{
		ID: "BK1", BookedAt: testNow,
		Segments:   []Segment{{su100, Economy}, {ret, Business}},
		Passengers: []Passenger{employee.Self(), companion},
	})
	require.NoError(t, err)
	require.Len(t, entries, 4)

	placements, err := s.Placements(ctx, "BK1")
	require.NoError(t, err)
	type pl struct {
		flight    FlightKey
		passenger int
		status    Status
		pos, of   int
	}
	var got []pl
	for _, p := range placements {
		got = append(got, pl{p.Entry.Flight.Key(), p.Entry.Passenger, p.Status, p.Position, p.QueueLength})
	}
	require.Equal(t, []pl{
		{"SU-100-2026-11-23", 0, StatusActive, 1, 3},
		{"SU-100-2026-11-23", 1, StatusActive, 3, 3},
		{"SU-101-2026-11-30", 0, StatusActive, 1, 2},
		{"SU-101-2026-11-30", 1, StatusActive, 2, 2},
	}, got)

	// The employee boards; the companion moves up.
	_, err = s.Remove(ctx, EntryID{Flight: su100.Key(), BookingID: "BK1", Passenger: 0}, StatusBoarded)
	require.NoError(t, err)
	pos, err := s.Position(ctx, EntryID{Flight: su100.Key(), BookingID: "BK1", Passenger: 1})
	require.NoError(t, err)
	require.Equal(t, 2, pos)

	// The staff view shows no names or other bookings.
	view, err := s.View(ctx, su100, 1, 10, "BK1")
	require.NoError(t, err)
	require.Equal(t, QueueView{Flight: su100.Key(), Total: 2, Rows: []ViewRow{
		{Position: 1, Cabin: Economy, Category: 3, OperatorStaff: true},
		{Position: 2, Cabin: Economy, Category: 5, OperatorStaff: true, Yours: true},
	}}, view)
	js, err := json.Marshal(view)
	require.NoError(t, err)
	require.NotContains(t, string(js), "EARLY")
	require.JSONEq(t, `{"flight":"SU-100-2026-11-23","total":2,"rows":[
		{"position":1,"cabin":"economy","category":3,"operator_staff":true},
		{"position":2,"cabin":"economy","category":5,"operator_staff":true,"yours":true}]}`, string(js))

	// The return flight closes with both still waiting.
	n, err := s.CloseFlight(ctx, ret)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = s.CloseFlight(ctx, ret)
	require.NoError(t, err)
	require.Zero(t, n)
	err = s.Add(ctx, with(func(e *Entry) { e.BookingID, e.Flight = "LATE", ret }))
	require.ErrorIs(t, err, bookingkit.ErrConflict)

	// Cancelling takes the companion off the outbound flight; a retry is harmless.
	removed, err := s.CancelBooking(ctx, "BK1")
	require.NoError(t, err)
	require.Len(t, removed, 1)
	removed, err = s.CancelBooking(ctx, "BK1")
	require.NoError(t, err)
	require.Empty(t, removed)

	placements, err = s.Placements(ctx, "BK1")
	require.NoError(t, err)
	var statuses []Status
	for _, p := range placements {
		statuses = append(statuses, p.Status)
		require.Zero(t, p.Position)
	}
	require.Equal(t, []Status{StatusBoarded, StatusCancelled, StatusClosed, StatusClosed}, statuses)
	requireServiceMatchesStore(t, s, store)
}

func TestServiceErrors(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	s := newTestService(store)
	require.NoError(t, s.Add(ctx, base()))

	tests := []struct {
		name string
		err  error
		is   error
		text string
	}{
		{"no entries", s.Add(ctx), bookingkit.ErrInvalid, "entries: at least one entry"},
		{"invalid entry", s.Add(ctx, with(func(e *Entry) { e.BookingID = "B2"; e.Cabin = 9 })), bookingkit.ErrInvalid, `entries[0].cabin "9"`},
		{"passenger twice", s.Add(ctx, with(func(e *Entry) { e.BookingID = "B2" }), with(func(e *Entry) { e.BookingID = "B2"; e.Flight.Number = "0100" })),
			bookingkit.ErrInvalid, "the same passenger is listed twice"},
		{"stored already", s.Add(ctx, base()), bookingkit.ErrConflict, "exists"},
		{"remove as closed", second(s.Remove(ctx, base().ID(), StatusClosed)), bookingkit.ErrInvalid, `status "closed": boarded or cancelled; close the flight to take everyone out`},
		{"remove as active", second(s.Remove(ctx, base().ID(), StatusActive)), bookingkit.ErrInvalid, `status "active": boarded or cancelled`},
		{"remove without a status", second(s.Remove(ctx, base().ID(), "")), bookingkit.ErrInvalid, "status: boarded or cancelled"},
		{"remove with a bad key", second(s.Remove(ctx, EntryID{Flight: "SU-0100-2026-11-23", BookingID: "BK1"}, StatusBoarded)), bookingkit.ErrInvalid, "canonical"},
		{"remove unknown", second(s.Remove(ctx, EntryID{Flight: su100.Key(), BookingID: "NOPE"}, StatusBoarded)), bookingkit.ErrNotFound, "NOPE"},
		{"position unknown", second(s.Position(ctx, EntryID{Flight: su100.Key(), BookingID: "NOPE"})), bookingkit.ErrNotFound, "NOPE"},
		{"position on unknown flight", second(s.Position(ctx, EntryID{Flight: "SU-1-2026-01-01", BookingID: "NOPE"})), bookingkit.ErrNotFound, "SU-1-2026-01-01"},
		{"cancel unknown", second(s.CancelBooking(ctx, "NOPE")), bookingkit.ErrNotFound, "NOPE"},
		{"cancel bad id", second(s.CancelBooking(ctx, "")), bookingkit.ErrInvalid, "booking_id"},
		{"placements unknown", second(s.Placements(ctx, "NOPE")), bookingkit.ErrNotFound, "no standby passengers"},
		{"close bad flight", second(s.CloseFlight(ctx, Flight{})), bookingkit.ErrInvalid, "flight.carrier"},
		{"estimate bad flight", second(s.Estimate(ctx, with(func(e *Entry) { e.Flight.Number = "X" }))), bookingkit.ErrInvalid, "flight.number"},
		{"view from 0", second(s.View(ctx, su100, 0, 10, "")), bookingkit.ErrInvalid, "from"},
		{"view limit 0", second(s.View(ctx, su100, 1, 0, "")), bookingkit.ErrInvalid, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.err, tt.is)
			require.ErrorContains(t, tt.err, tt.text)
		})
	}
	_, err := s.Remove(ctx, base().ID(), StatusBoarded)
	require.NoError(t, err)
	_, err = s.Remove(ctx, base().ID(), StatusCancelled)
	require.ErrorIs(t, err, bookingkit.ErrConflict)

	// An empty or unknown flight has an empty view.
	view, err := s.View(ctx, Flight{"SU", "1", su100.Date}, 1, 10, "")
	require.NoError(t, err)
	require.Equal(t, QueueView{Flight: "SU-1-2026-11-23", Rows: []ViewRow{}}, view)
}

func second[T any](_ T, err error) error { return err }

// TestServiceViewLimit checks the bound on a page of the queue view:
// DefaultMaxViewLimit unless MaxViewLimit says otherwise, and checked
// before the page's start.
func TestServiceViewLimit(t *testing.T) {
	ctx := context.Background()
	s := newTestService(newFakeStore())
	require.NoError(t, s.Add(ctx, base()))

	view, err := s.View(ctx, su100, 1, DefaultMaxViewLimit, "")
	require.NoError(t, err)
	require.Len(t, view.Rows, 1)
	_, err = s.View(ctx, su100, 1, DefaultMaxViewLimit+1, "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.EqualError(t, err, `limit "501": at most 500`)

	s.MaxViewLimit = 2
	_, err = s.View(ctx, su100, 1, 2, "")
	require.NoError(t, err)
	_, err = s.View(ctx, su100, 0, 3, "")
	require.EqualError(t, err, `limit "3": at most 2`)
}

// TestServiceStoreFailureChangesNothing checks that a write the store
// refuses leaves the live queue as it was.
func TestServiceStoreFailureChangesNothing(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	s := newTestService(store)
	require.NoError(t, s.Add(ctx, base()))
	boom := errors.New("disk full")
	before := s.queues.Queue(su100.Key()).Entries()

	store.failNext = boom
	require.ErrorIs(t, s.Add(ctx, with(func(e *Entry) { e.BookingID = "B2" })), boom)
	store.failNext = boom
	_, err := s.Remove(ctx, base().ID(), StatusBoarded)
	require.ErrorIs(t, err, boom)
	store.failNext = boom
	_, err = s.CancelBooking(ctx, "BK1")
	require.ErrorIs(t, err, boom)
	store.failNext = boom
	_, err = s.CloseFlight(ctx, su100)
	require.ErrorIs(t, err, boom)

	require.Equal(t, before, s.queues.Queue(su100.Key()).Entries())
	requireServiceMatchesStore(t, s, store)
}

func TestServiceRebuild(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	s := newTestService(store)
	r := rand.New(rand.NewPCG(3, 4))
	flights := []Flight{su100, {"SU", "0200", su100.Date}, {"s7", "S7 1", su100.Date}}
	for i, e := range randomEntries(r, 300) {
		e.Flight = flights[i%len(flights)]
		require.NoError(t, s.Add(ctx, e))
	}
	_, err := s.Remove(ctx, EntryID{Flight: su100.Key(), BookingID: "B000", Passenger: 0}, StatusBoarded)
	if err != nil {
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	}
	_, err = s.CloseFlight(ctx, flights[2])
	require.NoError(t, err)

	// A new process rebuilds the same queues from the store.
	restarted := newTestService(store)
	stats, err := restarted.Rebuild(ctx)
	require.NoError(t, err)
	require.Equal(t, RebuildStats{Flights: 2, Entries: s.queues.Queue(flights[0].Key()).Len() + s.queues.Queue(flights[1].Key()).Len()}, stats)
	for _, f := range flights[:2] {
		require.Empty(t, cmp.Diff(s.queues.Queue(f.Key()).Entries(), restarted.queues.Queue(f.Key()).Entries()))
	}
	require.Nil(t, restarted.queues.Queue(flights[2].Key()))
	requireServiceMatchesStore(t, restarted, store)

	// A store that breaks the grouping contract or holds a bad entry
	// fails the rebuild, and the old queues stay.
	before := restarted.queues.Queue(su100.Key()).Entries()
	_, err = restarted.Rebuild(ctx)
	require.NoError(t, err)
	bad := &scriptedStore{fakeStore: newFakeStore(), stream: []Entry{base(), with(func(e *Entry) { e.Flight.Number = "7" }), with(func(e *Entry) { e.BookingID = "B2" })}}
	restarted.Store = bad
	_, err = restarted.Rebuild(ctx)
	require.ErrorContains(t, err, "more than one group")
	bad.stream = []Entry{base(), with(func(e *Entry) { e.BookingID, e.Category = "B2", 42 })}
	_, err = restarted.Rebuild(ctx)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.ErrorContains(t, err, "stored entry B2/0")
	bad.stream = []Entry{base(), base()}
	_, err = restarted.Rebuild(ctx)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.Equal(t, before, restarted.queues.Queue(su100.Key()).Entries())
}

// scriptedStore streams a fixed list of entries, to test how Rebuild
// treats a store that breaks its contract.
type scriptedStore struct {
	*fakeStore
	stream []Entry
}

func (s *scriptedStore) EachActiveEntry(ctx context.Context, fn func(Entry) error) error {
	for _, e := range s.stream {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// TestServiceShared runs two services on one store, as two servers on one
// database: each sees the other's writes, and reloads a flight only when
// its version changed.
func TestServiceShared(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	a, b := newTestService(store), newTestService(store)
	a.Shared, b.Shared = true, true
	_, err := b.Rebuild(ctx)
	require.NoError(t, err)

	require.NoError(t, a.Add(ctx, base()))
	pos, err := b.Position(ctx, base().ID())
	require.NoError(t, err)
	require.Equal(t, 1, pos)

	biz := with(func(e *Entry) { e.BookingID, e.Cabin = "BIZ", Business })
	require.NoError(t, b.Add(ctx, biz))
	pos, err = a.Position(ctx, base().ID())
	require.NoError(t, err)
	require.Equal(t, 2, pos)

	// Reads without writes in between do not reload.
	loads := store.calls["ActiveEntries"]
	for range 5 {
		_, err := a.Position(ctx, base().ID())
		require.NoError(t, err)
	}
	require.Equal(t, loads, store.calls["ActiveEntries"])

	_, err = a.Remove(ctx, biz.ID(), StatusBoarded)
	require.NoError(t, err)
	pos, err = b.Position(ctx, base().ID())
	require.NoError(t, err)
	require.Equal(t, 1, pos)

	n, err := b.CloseFlight(ctx, su100)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = a.Position(ctx, base().ID())
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	_, err = a.Estimate(ctx, base())
	var closed *NoStandbyError
	require.ErrorAs(t, err, &closed, "a closed flight offers no place, on the server that did not close it either")
	require.True(t, closed.Closed)
}

// TestServiceConcurrent adds, removes, cancels and reads through one
// Service from several goroutines, with a Rebuild in the middle (run with
// -race), then checks the live queues against a fresh Sort of the store.
func TestServiceConcurrent(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	s := newTestService(store)
	flights := []Flight{su100, {"SU", "200", su100.Date}}
	const workers, steps = 6, 150
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 5))
			var mine []EntryID
			for step := range steps {
				switch op := r.IntN(12); {
				case op < 6 || len(mine) == 0:
					e := randomEntries(r, 1)[0]
					e.BookingID = fmt.Sprintf("W%d-%d", w, step)
					e2 := e
					e2.Passenger = e.Passenger + 1
					e2.Flight = flights[1]
					e.Flight = flights[r.IntN(2)]
					if err := s.Add(ctx, e, e2); err != nil {
						t.Error(err)
						return
					}
					mine = append(mine, e.ID(), e2.ID())
				case op < 8:
					i := r.IntN(len(mine))
					if _, err := s.Remove(ctx, mine[i], StatusBoarded); err != nil && !errors.Is(err, bookingkit.ErrConflict) {
						t.Error(err) // a conflict: the booking was cancelled already
						return
					}
					mine = slices.Delete(mine, i, i+1)
				case op < 9:
					id := mine[r.IntN(len(mine))]
					if _, err := s.CancelBooking(ctx, id.BookingID); err != nil {
						t.Error(err)
						return
					}
				case op < 10 && w == 0:
					if _, err := s.Rebuild(ctx); err != nil {
						t.Error(err)
						return
					}
				default:
					id := mine[r.IntN(len(mine))]
					if _, err := s.Position(ctx, id); err != nil && !errors.Is(err, bookingkit.ErrNotFound) {
						t.Error(err)
						return
					}
					if _, err := s.Placements(ctx, id.BookingID); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	require.False(t, t.Failed())
	requireServiceMatchesStore(t, s, store)
}

func TestKeyedMutexCleansUp(t *testing.T) {
	var k keyedMutex
	unlock := k.lock([]FlightKey{"B", "A", "B"})
	done := make(chan struct{})
	go func() {
		u := k.lock([]FlightKey{"A"})
		u()
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("lock A was not held")
	case <-time.After(20 * time.Millisecond):
	}
	unlock()
	<-done
	require.Empty(t, k.locks)
}

// TestServiceAddReloadsAStaleQueue: when the live queue already holds a
// passenger the store has just accepted (the store was restored from a
// backup, say), the store wins and the flight is reloaded from it.
func TestServiceAddReloadsAStaleQueue(t *testing.T) {
	ctx := context.Background()
	s := newTestService(newFakeStore())
	require.NoError(t, s.Add(ctx, base(), with(func(e *Entry) { e.BookingID = "GONE" })))

	fresh := newFakeStore()
	s.Store = fresh
	moved := with(func(e *Entry) { e.Cabin = Business })
	require.NoError(t, s.Add(ctx, moved))
	requireServiceMatchesStore(t, s, fresh)
	require.Equal(t, 1, s.queues.Queue(su100.Key()).Len())
	require.Equal(t, 1, fresh.calls["AddEntries"])
}
