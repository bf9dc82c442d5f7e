package standby

import (
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

// checkTreap verifies the tree's order, heap and size invariants and
// returns its size.
func checkTreap(t testing.TB, n *node) int {
	t.Helper()
	var walk func(n *node, lo, hi *sortKey) int
	walk = func(n *node, lo, hi *sortKey) int {
		if n == nil {
			return 0
		}
		if lo != nil {
			require.Positive(t, compareKeys(&n.key, lo), "order")
		}
		if hi != nil {
			require.Negative(t, compareKeys(&n.key, hi), "order")
		}
		for _, c := range []*node{n.left, n.right} {
			if c != nil {
				require.LessOrEqual(t, c.priority, n.priority, "heap")
			}
		}
		s := 1 + walk(n.left, lo, &n.key) + walk(n.right, &n.key, hi)
		require.Equal(t, s, int(n.size), "size")
		return s
	}
	return walk(n, nil, nil)
}

func normalizeAll(t testing.TB, entries []Entry) []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		ne, err := e.Normalize()
		require.NoError(t, err)
		out[i] = ne
	}
	return out
}

// requireMatchesSort checks the queue against a fresh Sort of the entries
// the model says it holds: the same entries, in the same order, each at
// its position.
func requireMatchesSort(t testing.TB, q *Queue, model map[paxRef]Entry) {
	t.Helper()
	want := make([]Entry, 0, len(model))
	for _, e := range model {
		want = append(want, e)
	}
	want = normalizeAll(t, want)
	Sort(want)
	got := q.Entries()
	require.Empty(t, cmp.Diff(want, got))
	require.Equal(t, len(want), q.Len())
	require.Equal(t, len(want), checkTreap(t, q.root))
	for i, e := range want {
		pos, err := q.Position(e.BookingID, e.Passenger)
		require.NoError(t, err)
		require.Equal(t, i+1, pos, "position of %s/%d", e.BookingID, e.Passenger)
	}
}

func TestQueueAgainstSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 40; round++ {
		q, err := NewQueue(su100)
		require.NoError(t, err)
		model := make(map[paxRef]Entry)
		pool := randomEntries(r, 200)
		for step := 0; step < 300; step++ {
			e := pool[r.IntN(len(pool))]
			ref := paxRef{e.BookingID, e.Passenger}
			if _, in := model[ref]; in && r.IntN(2) == 0 {
				got, err := q.Remove(e.BookingID, e.Passenger)
				require.NoError(t, err)
				ne, _ := e.Normalize()
				require.Equal(t, ne, got)
				delete(model, ref)
			} else if in {
				_, err := q.Add(e)
				require.ErrorIs(t, err, bookingkit.ErrConflict)
			} else {
				pos, err := q.Add(e)
				require.NoError(t, err)
				model[ref] = e
				p2, err := q.Position(e.BookingID, e.Passenger)
				require.NoError(t, err)
				require.Equal(t, p2, pos)
			}
			// An estimate counts exactly the entries that go before.
			prospect := randomEntries(r, 1)[0]
			prospect.BookingID = ""
			want := 1
			for _, m := range model {
				if Compare(m, prospect) < 0 {
					want++
				}
			}
			got, err := q.Estimate(prospect)
			require.NoError(t, err)
			require.Equal(t, want, got)
		}
		requireMatchesSort(t, q, model)

		// Building from the same entries in one go gives the same queue.
		var entries []Entry
		for _, e := range model {
			entries = append(entries, e)
		}
		built, err := buildQueue(q.flight, normalizeAll(t, entries))
		require.NoError(t, err)
		require.Equal(t, len(entries), checkTreap(t, built.root))
		require.Empty(t, cmp.Diff(q.Entries(), built.Entries()))
		requireMatchesSort(t, built, model)
	}
}

func TestQueueErrorsAndPaging(t *testing.T) {
	q, err := NewQueue(Flight{"su", "0100", date(2026, 11, 23)})
	require.NoError(t, err)
	require.Equal(t, FlightKey("SU-100-2026-11-23"), q.Key())

	_, err = NewQueue(Flight{"SU", "", date(2026, 11, 23)})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	// Position 1 in an empty queue; removing or locating nobody.
	pos, err := q.Estimate(with(func(e *Entry) { e.BookingID = "" }))
	require.NoError(t, err)
	require.Equal(t, 1, pos)
	_, err = q.Remove("BK1", 0)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	_, err = q.Position("BK1", 0)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	for i := range 5 {
		pos, err := q.Add(with(func(e *Entry) { e.BookingID = fmt.Sprintf("BK%d", i) }))
		require.NoError(t, err)
		require.Equal(t, i+1, pos)
	}
	// A business passenger jumps ahead of the economy ones.
	pos, err = q.Add(with(func(e *Entry) { e.BookingID, e.Cabin = "BIZ", Business }))
	require.NoError(t, err)
	require.Equal(t, 1, pos)

	_, err = q.Add(with(func(e *Entry) { e.BookingID = "BK2" }))
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	_, err = q.Add(with(func(e *Entry) { e.BookingID, e.Flight.Number = "X", "101" }))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.ErrorContains(t, err, "this is the queue of flight SU-100-2026-11-23")
	_, err = q.Add(with(func(e *Entry) { e.BookingID, e.Category = "X", 10 }))
	require.ErrorContains(t, err, `category "10"`)
	_, err = q.Estimate(with(func(e *Entry) { e.BookingID, e.Cabin = "", Cabin(7) }))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.Equal(t, 6, q.Len())

	ids := func(entries []Entry) []string {
		var out []string
		for _, e := range entries {
			out = append(out, e.BookingID)
		}
		return out
	}
	require.Equal(t, []string{"BIZ", "BK0", "BK1", "BK2", "BK3", "BK4"}, ids(q.Entries()))
	require.Equal(t, []string{"BK1", "BK2"}, ids(q.Range(3, 2)))
	require.Equal(t, []string{"BK4"}, ids(q.Range(6, 10)))
	require.Empty(t, q.Range(7, 1))
	require.Empty(t, q.Range(0, 1))
	require.Empty(t, q.Range(1, 0))
	e, ok := q.At(1)
	require.True(t, ok)
	require.Equal(t, "BIZ", e.BookingID)
	_, ok = q.At(7)
	require.False(t, ok)
	require.Equal(t, "standby queue SU-100-2026-11-23 (6 entries)", q.String())

	// Entries come back normalised.
	require.Equal(t, time.UTC, e.BookedAt.Location())
	require.Equal(t, "100", e.Flight.Number)
}

func TestBuildQueueRejectsDuplicatesAndOtherFlights(t *testing.T) {
	f, _ := su100.Normalize()
	e, _ := base().Normalize()
	_, err := buildQueue(f, []Entry{e, e})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	other, _ := with(func(e *Entry) { e.Flight.Number = "7" }).Normalize()
	_, err = buildQueue(f, []Entry{other})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

// TestQueuesConcurrent runs adds, removes, positions and estimates on
// several flights at once (run it with -race) and then checks every queue
// against a fresh Sort of the entries that should be in it.
func TestQueuesConcurrent(t *testing.T) {
	flights := []Flight{su100, {"SU", "200", su100.Date}, {"S7", "1", su100.Date}}
	var reg Queues
	const workers, steps = 8, 400
	results := make([]map[EntryID]Entry, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			mine := make(map[EntryID]Entry)
			var ids []EntryID
			for step := range steps {
				switch op := r.IntN(10); {
				case op < 5 || len(ids) == 0: // add
					e := randomEntries(r, 1)[0]
					e.Flight = flights[r.IntN(len(flights))]
					e.BookingID = fmt.Sprintf("W%d-%d", w, step)
					if _, err := reg.Add(e); err != nil {
						t.Error(err)
						return
					}
					id := e.ID()
					mine[id] = e
					ids = append(ids, id)
				case op < 7: // remove one of mine
					i := r.IntN(len(ids))
					if _, err := reg.Remove(ids[i]); err != nil {
						t.Error(err)
						return
					}
					delete(mine, ids[i])
					ids = slices.Delete(ids, i, i+1)
				default: // position of one of mine, and an estimate
					id := ids[r.IntN(len(ids))]
					if _, err := reg.Position(id); err != nil {
						t.Error(err)
						return
					}
					// Position and length read under one lock: others
					// keep changing the queue between two calls.
					pos, n := reg.Queue(id.Flight).positionAndLen(id.BookingID, id.Passenger)
					if pos < 1 || pos > n {
						t.Errorf("position %d outside 1..%d", pos, n)
					}
					e := randomEntries(r, 1)[0]
					e.Flight = flights[r.IntN(len(flights))]
					if _, err := reg.Estimate(e); err != nil {
						t.Error(err)
					}
				}
			}
			results[w] = mine
		}()
	}
	wg.Wait()
	require.False(t, t.Failed())

	for _, f := range flights {
		model := make(map[paxRef]Entry)
		for _, mine := range results {
			for id, e := range mine {
				if id.Flight == f.Key() {
					model[paxRef{e.BookingID, e.Passenger}] = e
				}
			}
		}
		q := reg.Queue(f.Key())
		require.NotNil(t, q)
		requireMatchesSort(t, q, model)
	}
	require.Len(t, reg.Flights(), len(flights))
}

// TestQueuesCloseWhileAdding checks that an entry added while its flight
// closes is either counted by a Close or still in the queue afterwards,
// never lost in a dropped queue.
func TestQueuesCloseWhileAdding(t *testing.T) {
	var reg Queues
	key := su100.Key()
	var added, closed int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				e := with(func(e *Entry) { e.BookingID = fmt.Sprintf("W%d-%d", w, i) })
				if _, err := reg.Add(e); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				added++
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 200 {
			n := reg.Close(key)
			mu.Lock()
			closed += int64(n)
			mu.Unlock()
		}
	}()
	wg.Wait()
	remaining := 0
	if q := reg.Queue(key); q != nil {
		remaining = q.Len()
	}
	require.Equal(t, added, closed+int64(remaining))
	require.Equal(t, int64(2000), added)
}

func TestQueuesErrors(t *testing.T) {
	var reg Queues
	id := base().ID()
	_, err := reg.Position(id)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	_, err = reg.Remove(id)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	pos, err := reg.Estimate(base())
	require.NoError(t, err)
	require.Equal(t, 1, pos)
	_, err = reg.Estimate(with(func(e *Entry) { e.Flight.Carrier = "" }))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = reg.Add(with(func(e *Entry) { e.Employer = "" }))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.Equal(t, 0, reg.Close(id.Flight))

	_, err = reg.Add(base())
	require.NoError(t, err)
	q := reg.Queue(id.Flight)
	require.Equal(t, 1, reg.Close(id.Flight))
	require.Nil(t, reg.Queue(id.Flight))
	// A dropped queue refuses new entries instead of losing them.
	_, err = q.Add(with(func(e *Entry) { e.BookingID = "BK2" }))
	require.ErrorIs(t, err, bookingkit.ErrConflict)
}
