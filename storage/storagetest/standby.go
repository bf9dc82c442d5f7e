package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// The flights of the standby cases. Their keys sort differently byte by
// byte ("SU-100-" < "SU-1000-" < "SU-100A-") than under a
// punctuation-blind collation, which would put SU-1000 first: every
// adapter must order keys byte by byte.
var (
	sbSU100  = standby.Flight{Carrier: "SU", Number: "100", Date: sbDay(2026, 11, 23)}
	sbSU1000 = standby.Flight{Carrier: "SU", Number: "1000", Date: sbDay(2026, 11, 23)}
	sbSU100A = standby.Flight{Carrier: "SU", Number: "100A", Date: sbDay(2026, 11, 23)}
	sbAF1234 = standby.Flight{Carrier: "AF", Number: "1234", Date: sbDay(2026, 11, 24)}
)

func sbDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sbEntry is a normalised entry: what a Store is given.
func sbEntry(f standby.Flight, bookingID string, passenger int) standby.Entry {
	return standby.Entry{
		BookingID:  bookingID,
		Passenger:  passenger,
		Flight:     f,
		Employer:   "SU",
		Cabin:      standby.Economy,
		Category:   3,
		EmployedOn: sbDay(2011, 4, 2),
		BookedAt:   t0,
	}
}

func sbKey(f standby.Flight) standby.FlightKey { return f.Key() }

func sbID(e standby.Entry) standby.EntryID { return e.ID() }

// sbSorted returns entries in queue order, so that two sets compare
// regardless of the order a store returned them in.
func sbSorted(entries []standby.Entry) []standby.Entry {
	out := slices.Clone(entries)
	slices.SortFunc(out, func(a, b standby.Entry) int {
		if c := strings.Compare(string(a.Flight.Key()), string(b.Flight.Key())); c != 0 {
			return c
		}
		return standby.Compare(a, b)
	})
	return out
}

func requireSameEntries(t *testing.T, want, got []standby.Entry, msgAndArgs ...any) {
	t.Helper()
	if diff := gocmp.Diff(sbSorted(want), sbSorted(got)); diff != "" {
		t.Fatalf("%s entries differ (-want +got):\n%s", fmt.Sprint(msgAndArgs...), diff)
	}
}

func sbActive(t *testing.T, s standby.Store, f standby.Flight) ([]standby.Entry, int64) {
	t.Helper()
	entries, version, err := s.ActiveEntries(context.Background(), sbKey(f))
	require.NoError(t, err)
	v, err := s.FlightVersion(context.Background(), sbKey(f))
	require.NoError(t, err)
	require.Equal(t, version, v, "ActiveEntries and FlightVersion agree on %s", sbKey(f))
	return entries, version
}

func sbStatuses(t *testing.T, s standby.Store, bookingID string) map[standby.EntryID]standby.Status {
	t.Helper()
	records, err := s.BookingRecords(context.Background(), bookingID)
	require.NoError(t, err)
	out := map[standby.EntryID]standby.Status{}
	for _, r := range records {
		out[r.Entry.ID()] = r.Status
	}
	return out
}

// RunStandby holds a [standby.Store] to the suite: entries round-trip
// exactly and are added all or none, a traveller holds one place per
// flight, closing, removing and cancelling change only active entries,
// flight versions grow with every change, and a [standby.Service] rebuilt
// from the store sees the same queues. Cases write from many goroutines
// at once, so the store must be safe for concurrent use.
func RunStandby(t *testing.T, open func(t *testing.T) standby.Store) {
	ctx := context.Background()
	t1 := t0.Add(time.Hour)

	t.Run("RoundTripExactly", func(t *testing.T) {
		s := open(t)
		odd := sbEntry(sbSU100, `Ж/42 "quoted" \ back`, 99)
		odd.Employer, odd.Cabin, odd.Category = "AF", standby.First, 0
		odd.EmployedOn = sbDay(1960, 2, 29)
		odd.BookedAt = time.Date(2026, 11, 1, 23, 59, 59, 999999000, time.UTC)
		plain := sbEntry(sbSU100, "BK1", 0)
		second := sbEntry(sbSU100, "BK1", 1)
		second.Cabin, second.Category = standby.PremiumEconomy, 9
		other := sbEntry(sbAF1234, "BK1", 0)
		other.Cabin = standby.Business
		all := []standby.Entry{odd, plain, second, other}
		require.NoError(t, s.AddEntries(ctx, all, t0))

		got, version := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{odd, plain, second}, got)
		require.Positive(t, version)
		for _, e := range got {
			require.Equal(t, time.UTC, e.BookedAt.Location(), "BookedAt in UTC")
			require.Equal(t, time.UTC, e.EmployedOn.Location(), "EmployedOn in UTC")
			require.Equal(t, e.EmployedOn, e.EmployedOn.Truncate(24*time.Hour), "EmployedOn at midnight")
			require.Equal(t, sbSU100, e.Flight, "the flight comes back normalised")
		}
		got, _ = sbActive(t, s, sbAF1234)
		requireSameEntries(t, []standby.Entry{other}, got)

		records, err := s.BookingRecords(ctx, "BK1")
		require.NoError(t, err)
		require.Len(t, records, 3)
		for _, r := range records {
			require.Equal(t, standby.StatusActive, r.Status)
			require.True(t, r.AddedAt.Equal(t0) && r.ChangedAt.Equal(t0), "AddedAt and ChangedAt are the time given: %v %v", r.AddedAt, r.ChangedAt)
			require.Equal(t, time.UTC, r.AddedAt.Location())
		}
		records, err = s.BookingRecords(ctx, odd.BookingID)
		require.NoError(t, err)
		require.Len(t, records, 1)
		if diff := gocmp.Diff(odd, records[0].Entry); diff != "" {
			t.Fatalf("odd entry differs (-want +got):\n%s", diff)
		}

		var streamed []standby.Entry
		require.NoError(t, s.EachActiveEntry(ctx, func(e standby.Entry) error {
			streamed = append(streamed, e)
			return nil
		}))
		requireSameEntries(t, all, streamed)

		none, version := sbActive(t, s, sbSU1000)
		require.Empty(t, none)
		require.Zero(t, version, "a flight never seen has version 0")
		records, err = s.BookingRecords(ctx, "nobody")
		require.NoError(t, err)
		require.Empty(t, records)
		require.NoError(t, s.AddEntries(ctx, nil, t0), "adding nothing is not an error")
	})

	t.Run("NormalisesAndRefusesBadEntries", func(t *testing.T) {
		s := open(t)
		// A valid entry spelled loosely is stored in canonical form.
		loose := sbEntry(standby.Flight{Carrier: "su", Number: "SU0100", Date: time.Date(2026, 11, 23, 21, 40, 0, 0, time.UTC)}, "BK1", 0)
		loose.Employer = "su"
		loose.EmployedOn = time.Date(2011, 4, 2, 13, 0, 0, 0, time.UTC)
		loose.BookedAt = t0.Add(789 * time.Nanosecond)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{loose}, t0))
		got, _ := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{sbEntry(sbSU100, "BK1", 0)}, got)

		bad := sbEntry(sbAF1234, "BK2", 0)
		bad.Category = 12
		err := s.AddEntries(ctx, []standby.Entry{sbEntry(sbAF1234, "BK2", 1), bad}, t0)
		require.ErrorIs(t, err, bookingkit.ErrInvalid)
		got, version := sbActive(t, s, sbAF1234)
		require.Empty(t, got, "nothing stored")
		require.Zero(t, version)
	})

	t.Run("AllOrNoneAcrossFlights", func(t *testing.T) {
		s := open(t)
		a := sbEntry(sbSU100, "A", 0)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{a}, t0))
		_, before := sbActive(t, s, sbSU100)

		// B on two new flights and A again: all refused.
		batch := []standby.Entry{sbEntry(sbAF1234, "B", 0), sbEntry(sbSU100A, "B", 0), sbEntry(sbSU100, "B", 0), a}
		require.ErrorIs(t, s.AddEntries(ctx, batch, t1), bookingkit.ErrConflict)
		for _, f := range []standby.Flight{sbAF1234, sbSU100A} {
			got, version := sbActive(t, s, f)
			require.Empty(t, got, "%s", sbKey(f))
			require.Zero(t, version, "%s: the failed add left no trace", sbKey(f))
		}
		got, after := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{a}, got)
		require.Equal(t, before, after, "a failed add does not change the version")
		records, err := s.BookingRecords(ctx, "B")
		require.NoError(t, err)
		require.Empty(t, records)

		// The same passenger twice in one call is refused too.
		twice := []standby.Entry{sbEntry(sbAF1234, "C", 0), sbEntry(sbAF1234, "C", 0)}
		require.ErrorIs(t, s.AddEntries(ctx, twice, t1), bookingkit.ErrConflict)
		got, _ = sbActive(t, s, sbAF1234)
		require.Empty(t, got)
	})

	t.Run("DuplicateInAnyStatusConflicts", func(t *testing.T) {
		s := open(t)
		leave := map[standby.Status]func(e standby.Entry) error{
			standby.StatusActive: func(standby.Entry) error { return nil },
			standby.StatusCancelled: func(e standby.Entry) error {
				_, err := s.RemoveEntry(ctx, sbID(e), standby.StatusCancelled, t1)
				return err
			},
			standby.StatusBoarded: func(e standby.Entry) error {
				_, err := s.RemoveEntry(ctx, sbID(e), standby.StatusBoarded, t1)
				return err
			},
		}
		for status, move := range leave {
			e := sbEntry(sbSU100, "BK-"+string(status), 0)
			require.NoError(t, s.AddEntries(ctx, []standby.Entry{e}, t0))
			require.NoError(t, move(e))
			_, before := sbActive(t, s, sbSU100)
			require.ErrorIs(t, s.AddEntries(ctx, []standby.Entry{e}, t1), bookingkit.ErrConflict, "re-adding a %s passenger", status)
			_, after := sbActive(t, s, sbSU100)
			require.Equal(t, before, after)
			require.Equal(t, map[standby.EntryID]standby.Status{sbID(e): status}, sbStatuses(t, s, e.BookingID))
		}
		// The same booking and passenger on another flight is another entry.
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbAF1234, "BK-active", 0)}, t0))
	})

	t.Run("OnePlacePerTravellerAndFlight", func(t *testing.T) {
		s := open(t)
		paul := func(f standby.Flight, bookingID string, passenger int) standby.Entry {
			e := sbEntry(f, bookingID, passenger)
			e.Traveller = "v1:paul"
			return e
		}
		requireQueued := func(err error, f standby.Flight, holder string) {
			t.Helper()
			require.ErrorIs(t, err, bookingkit.ErrConflict)
			var aq *standby.AlreadyQueuedError
			require.ErrorAs(t, err, &aq)
			require.Equal(t, &standby.AlreadyQueuedError{Flight: sbKey(f), Traveller: "v1:paul", BookingID: holder}, aq)
		}
		first := paul(sbSU100, "BK1", 1)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{first}, t0))
		_, before := sbActive(t, s, sbSU100)

		// Another booking for the same person on the same flight is
		// refused, all or none: its entry on another flight is not kept.
		err := s.AddEntries(ctx, []standby.Entry{sbEntry(sbAF1234, "BK2", 0), paul(sbSU100, "BK2", 1)}, t1)
		requireQueued(err, sbSU100, "BK1")
		records, err := s.BookingRecords(ctx, "BK2")
		require.NoError(t, err)
		require.Empty(t, records)
		_, after := sbActive(t, s, sbSU100)
		require.Equal(t, before, after)
		// Twice in one call, too.
		requireQueued(s.AddEntries(ctx, []standby.Entry{paul(sbSU1000, "BK3", 0), paul(sbSU1000, "BK4", 0)}, t1), sbSU1000, "BK3")
		// The answer is the domain's error, in its words.
		require.Contains(t, s.AddEntries(ctx, []standby.Entry{paul(sbSU100, "BK5", 0)}, t1).Error(), "already stands in the standby queue of SU-100-2026-11-23 with booking BK1")

		// The same person on another flight, and people not identified,
		// are not concerned.
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{paul(sbAF1234, "BK6", 0)}, t1))
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU100, "BK7", 0), sbEntry(sbSU100, "BK8", 0)}, t1))

		// The traveller comes back from every read.
		got, _ := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{first, sbEntry(sbSU100, "BK7", 0), sbEntry(sbSU100, "BK8", 0)}, got)
		records, err = s.BookingRecords(ctx, "BK1")
		require.NoError(t, err)
		require.Equal(t, "v1:paul", records[0].Entry.Traveller)
		var streamed []standby.Entry
		require.NoError(t, s.EachActiveEntry(ctx, func(e standby.Entry) error {
			if e.Traveller != "" {
				streamed = append(streamed, e)
			}
			return nil
		}))
		requireSameEntries(t, []standby.Entry{first, paul(sbAF1234, "BK6", 0)}, streamed)

		// A place given up frees the person to book again.
		removed, err := s.RemoveEntry(ctx, sbID(first), standby.StatusCancelled, t1)
		require.NoError(t, err)
		require.Equal(t, "v1:paul", removed.Traveller)
		again := paul(sbSU100, "BK9", 0)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{again}, t1))
		cancelled, err := s.CancelBooking(ctx, "BK9", t1)
		require.NoError(t, err)
		requireSameEntries(t, []standby.Entry{again}, cancelled)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{paul(sbSU100, "BK10", 0)}, t1))
	})

	t.Run("ConcurrentAddsOfOneTravellerOneWins", func(t *testing.T) {
		s := open(t)
		const racers = 6
		errs := make([]error, racers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				e := sbEntry(sbSU100, fmt.Sprintf("BK-PAUL-%d", i), 0)
				e.Traveller = "v1:paul"
				errs[i] = s.AddEntries(ctx, []standby.Entry{e}, t0)
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		for i, err := range errs {
			if err == nil {
				winners++
				continue
			}
			require.ErrorIs(t, err, bookingkit.ErrConflict, "racer %d", i)
		}
		require.Equal(t, 1, winners, "one person, one place, however many writers")
		got, _ := sbActive(t, s, sbSU100)
		require.Len(t, got, 1)
	})

	t.Run("CloseFlight", func(t *testing.T) {
		s := open(t)
		closed, err := s.FlightClosed(ctx, sbKey(sbSU1000))
		require.NoError(t, err)
		require.False(t, closed, "a flight never seen is not closed")
		n, err := s.CloseFlight(ctx, sbKey(sbSU1000), t0)
		require.NoError(t, err)
		require.Zero(t, n, "closing a flight never seen closes nobody")
		closed, err = s.FlightClosed(ctx, sbKey(sbSU1000))
		require.NoError(t, err)
		require.True(t, closed, "closing a flight never seen still closes it")
		require.ErrorIs(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU1000, "BK1", 0)}, t1), bookingkit.ErrConflict,
			"a flight closed before anyone booked refuses entries")

		e0, e1, e2 := sbEntry(sbSU100, "BK1", 0), sbEntry(sbSU100, "BK1", 1), sbEntry(sbSU100, "BK2", 0)
		elsewhere := sbEntry(sbAF1234, "BK1", 0)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{e0, e1, e2, elsewhere}, t0))
		_, err = s.RemoveEntry(ctx, sbID(e1), standby.StatusBoarded, t0)
		require.NoError(t, err)
		_, before := sbActive(t, s, sbSU100)
		closed, err = s.FlightClosed(ctx, sbKey(sbSU100))
		require.NoError(t, err)
		require.False(t, closed, "a flight with passengers waiting is open")

		n, err = s.CloseFlight(ctx, sbKey(sbSU100), t1)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		closed, err = s.FlightClosed(ctx, sbKey(sbSU100))
		require.NoError(t, err)
		require.True(t, closed)
		closed, err = s.FlightClosed(ctx, sbKey(sbAF1234))
		require.NoError(t, err)
		require.False(t, closed, "other flights stay open")
		got, after := sbActive(t, s, sbSU100)
		require.Empty(t, got)
		require.Greater(t, after, before)
		records, err := s.BookingRecords(ctx, "BK1")
		require.NoError(t, err)
		require.Len(t, records, 3)
		for _, r := range records {
			switch r.Entry.ID() {
			case sbID(e0):
				require.Equal(t, standby.StatusClosed, r.Status)
				require.True(t, r.ChangedAt.Equal(t1), "ChangedAt %v", r.ChangedAt)
				require.True(t, r.AddedAt.Equal(t0), "AddedAt kept")
			case sbID(e1):
				require.Equal(t, standby.StatusBoarded, r.Status, "a boarded passenger stays boarded")
			case sbID(elsewhere):
				require.Equal(t, standby.StatusActive, r.Status, "other flights are untouched")
			}
		}
		n, err = s.CloseFlight(ctx, sbKey(sbSU100), t1.Add(time.Hour))
		require.NoError(t, err)
		require.Zero(t, n, "closing twice is harmless")
		require.ErrorIs(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU100, "BK3", 0)}, t1), bookingkit.ErrConflict)
		_, err = s.RemoveEntry(ctx, sbID(e2), standby.StatusBoarded, t1)
		require.ErrorIs(t, err, bookingkit.ErrConflict, "a closed entry cannot board")
	})

	t.Run("RemoveEntry", func(t *testing.T) {
		s := open(t)
		e0, e1 := sbEntry(sbSU100, "BK1", 0), sbEntry(sbSU100, "BK1", 1)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{e0, e1}, t0))
		_, v0 := sbActive(t, s, sbSU100)

		for _, id := range []standby.EntryID{
			{Flight: sbKey(sbSU100), BookingID: "BK1", Passenger: 2},
			{Flight: sbKey(sbSU100), BookingID: "BK9", Passenger: 0},
			{Flight: sbKey(sbAF1234), BookingID: "BK1", Passenger: 0},
		} {
			_, err := s.RemoveEntry(ctx, id, standby.StatusCancelled, t1)
			require.ErrorIs(t, err, bookingkit.ErrNotFound, "%s", id)
		}
		for _, status := range []standby.Status{standby.StatusActive, standby.StatusClosed, "lost"} {
			_, err := s.RemoveEntry(ctx, sbID(e0), status, t1)
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "status %q", status)
		}
		_, v := sbActive(t, s, sbSU100)
		require.Equal(t, v0, v, "failed removals change nothing")

		got, err := s.RemoveEntry(ctx, sbID(e0), standby.StatusBoarded, t1)
		require.NoError(t, err)
		require.Empty(t, gocmp.Diff(e0, got), "RemoveEntry returns the entry")
		active, v1 := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{e1}, active)
		require.Greater(t, v1, v0)

		_, err = s.RemoveEntry(ctx, sbID(e0), standby.StatusCancelled, t1)
		require.ErrorIs(t, err, bookingkit.ErrConflict, "no longer active")
		_, v = sbActive(t, s, sbSU100)
		require.Equal(t, v1, v)

		records, err := s.BookingRecords(ctx, "BK1")
		require.NoError(t, err)
		require.Equal(t, standby.StatusBoarded, records[0].Status)
		require.True(t, records[0].ChangedAt.Equal(t1))
		require.True(t, records[0].AddedAt.Equal(t0))
		require.Equal(t, standby.StatusActive, records[1].Status)
	})

	t.Run("CancelBooking", func(t *testing.T) {
		s := open(t)
		mine := []standby.Entry{sbEntry(sbSU100, "BK1", 0), sbEntry(sbSU100, "BK1", 1), sbEntry(sbAF1234, "BK1", 0), sbEntry(sbAF1234, "BK1", 1)}
		theirs := sbEntry(sbSU100, "BK2", 0)
		require.NoError(t, s.AddEntries(ctx, append(slices.Clone(mine), theirs), t0))
		_, err := s.RemoveEntry(ctx, sbID(mine[3]), standby.StatusBoarded, t0)
		require.NoError(t, err)
		_, vSU := sbActive(t, s, sbSU100)
		_, vAF := sbActive(t, s, sbAF1234)

		cancelled, err := s.CancelBooking(ctx, "BK1", t1)
		require.NoError(t, err)
		requireSameEntries(t, mine[:3], cancelled)
		require.Equal(t, map[standby.EntryID]standby.Status{
			sbID(mine[0]): standby.StatusCancelled,
			sbID(mine[1]): standby.StatusCancelled,
			sbID(mine[2]): standby.StatusCancelled,
			sbID(mine[3]): standby.StatusBoarded,
		}, sbStatuses(t, s, "BK1"))
		active, v := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{theirs}, active, "other bookings stay")
		require.Greater(t, v, vSU)
		active, v = sbActive(t, s, sbAF1234)
		require.Empty(t, active)
		require.Greater(t, v, vAF)

		again, err := s.CancelBooking(ctx, "BK1", t1)
		require.NoError(t, err, "cancelling again is harmless")
		require.Empty(t, again)
		_, err = s.CancelBooking(ctx, "BK404", t1)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("VersionsGrowWithEveryChange", func(t *testing.T) {
		s := open(t)
		last := int64(0)
		step := func(what string, changed bool) {
			t.Helper()
			_, v := sbActive(t, s, sbSU100)
			if changed {
				require.Greater(t, v, last, "after %s", what)
			} else {
				require.Equal(t, last, v, "after %s", what)
			}
			last = v
		}
		step("nothing", false)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU100, "BK1", 0), sbEntry(sbSU100, "BK1", 1)}, t0))
		step("an add", true)
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU100, "BK2", 0), sbEntry(sbAF1234, "BK2", 0)}, t0))
		step("an add across flights", true)
		_, _, err := s.ActiveEntries(ctx, sbKey(sbSU100))
		require.NoError(t, err)
		_, err = s.BookingRecords(ctx, "BK1")
		require.NoError(t, err)
		step("reads", false)
		require.ErrorIs(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU100, "BK1", 0)}, t0), bookingkit.ErrConflict)
		step("a refused add", false)
		_, err = s.RemoveEntry(ctx, standby.EntryID{Flight: sbKey(sbSU100), BookingID: "BK1", Passenger: 1}, standby.StatusCancelled, t1)
		require.NoError(t, err)
		step("a removal", true)
		_, err = s.CancelBooking(ctx, "BK2", t1)
		require.NoError(t, err)
		step("a cancelled booking", true)
		_, err = s.CloseFlight(ctx, sbKey(sbSU100), t1)
		require.NoError(t, err)
		step("closing", true)
	})

	t.Run("FlightStatesInOneRead", func(t *testing.T) {
		s := open(t)
		su, af, never := sbKey(sbSU100), sbKey(sbAF1234), sbKey(sbSU1000)
		states, err := s.FlightStates(ctx, []standby.FlightKey{su, af, never})
		require.NoError(t, err)
		require.Empty(t, states, "flights never seen are absent")
		require.NoError(t, s.AddEntries(ctx, []standby.Entry{sbEntry(sbSU100, "BK1", 0), sbEntry(sbAF1234, "BK1", 0)}, t0))
		_, err = s.CloseFlight(ctx, af, t1)
		require.NoError(t, err)
		states, err = s.FlightStates(ctx, []standby.FlightKey{su, af, never, su})
		require.NoError(t, err)
		require.Len(t, states, 2)
		for _, key := range []standby.FlightKey{su, af} {
			version, err := s.FlightVersion(ctx, key)
			require.NoError(t, err)
			closed, err := s.FlightClosed(ctx, key)
			require.NoError(t, err)
			require.Equal(t, standby.FlightState{Version: version, Closed: closed}, states[key], "as FlightVersion and FlightClosed say")
		}
		require.True(t, states[af].Closed)
		require.False(t, states[su].Closed)
		states, err = s.FlightStates(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, states)
		_, err = s.FlightStates(ctx, []standby.FlightKey{su, "not-a-key"})
		require.ErrorIs(t, err, bookingkit.ErrInvalid)
	})

	t.Run("EachActiveEntryGroupsByFlight", func(t *testing.T) {
		s := open(t)
		flights := []standby.Flight{sbSU100A, sbAF1234, sbSU1000, sbSU100}
		r := rand.New(rand.NewPCG(7, 7))
		var want []standby.Entry
		for b := range 40 {
			// Each booking covers two flights, starting at a different
			// one, so rows of one flight are written far apart.
			var batch []standby.Entry
			for k := range 2 {
				f := flights[(b+k)%len(flights)]
				for p := range 1 + r.IntN(3) {
					e := sbEntry(f, fmt.Sprintf("BK%02d", b), p)
					e.Category, e.Cabin = r.IntN(10), standby.Cabin(r.IntN(4))
					batch = append(batch, e)
				}
			}
			require.NoError(t, s.AddEntries(ctx, batch, t0))
			for i, e := range batch {
				if i%4 == 3 {
					_, err := s.RemoveEntry(ctx, sbID(e), standby.StatusBoarded, t1)
					require.NoError(t, err)
					continue
				}
				want = append(want, e)
			}
		}
		var got []standby.Entry
		var order []standby.FlightKey
		require.NoError(t, s.EachActiveEntry(ctx, func(e standby.Entry) error {
			got = append(got, e)
			if k := e.Flight.Key(); len(order) == 0 || order[len(order)-1] != k {
				order = append(order, k)
			}
			return nil
		}))
		requireSameEntries(t, want, got)
		require.Equal(t, []standby.FlightKey{"AF-1234-2026-11-24", "SU-100-2026-11-23", "SU-1000-2026-11-23", "SU-100A-2026-11-23"}, order,
			"each flight in one run, in byte order of the keys")

		stop := errors.New("stop here")
		calls := 0
		err := s.EachActiveEntry(ctx, func(standby.Entry) error { calls++; return stop })
		require.ErrorIs(t, err, stop)
		require.Equal(t, 1, calls, "the first error ends the stream")

		empty := open(t)
		require.NoError(t, empty.EachActiveEntry(ctx, func(standby.Entry) error { return errors.New("called on an empty store") }))
	})

	t.Run("BookingRecordsOrder", func(t *testing.T) {
		s := open(t)
		var entries []standby.Entry
		for _, f := range []standby.Flight{sbSU100A, sbSU1000, sbSU100} {
			for _, p := range []int{10, 2, 1} {
				entries = append(entries, sbEntry(f, "BK1", p))
			}
		}
		require.NoError(t, s.AddEntries(ctx, entries, t0))
		_, err := s.CancelBooking(ctx, "BK1", t1)
		require.NoError(t, err)
		records, err := s.BookingRecords(ctx, "BK1")
		require.NoError(t, err)
		var got []string
		for _, r := range records {
			require.Equal(t, standby.StatusCancelled, r.Status)
			got = append(got, r.Entry.ID().String())
		}
		require.Equal(t, []string{
			"SU-100-2026-11-23/BK1/1", "SU-100-2026-11-23/BK1/2", "SU-100-2026-11-23/BK1/10",
			"SU-1000-2026-11-23/BK1/1", "SU-1000-2026-11-23/BK1/2", "SU-1000-2026-11-23/BK1/10",
			"SU-100A-2026-11-23/BK1/1", "SU-100A-2026-11-23/BK1/2", "SU-100A-2026-11-23/BK1/10",
		}, got)
	})

	t.Run("BadFlightKeysAreInvalid", func(t *testing.T) {
		s := open(t)
		for _, key := range []standby.FlightKey{"SU-0100-2026-11-23", "su-100-2026-11-23", "SU-100-2026-02-30", "", "SU100"} {
			_, err := s.CloseFlight(ctx, key, t0)
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "CloseFlight %q", key)
			_, _, err = s.ActiveEntries(ctx, key)
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "ActiveEntries %q", key)
			_, err = s.FlightVersion(ctx, key)
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "FlightVersion %q", key)
			_, err = s.FlightClosed(ctx, key)
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "FlightClosed %q", key)
			_, err = s.RemoveEntry(ctx, standby.EntryID{Flight: key, BookingID: "BK1"}, standby.StatusBoarded, t0)
			require.ErrorIs(t, err, bookingkit.ErrInvalid, "RemoveEntry %q", key)
		}
	})

	t.Run("ConcurrentAddsOfOnePassengerOneWins", func(t *testing.T) {
		s := open(t)
		const racers = 6
		contested := sbEntry(sbSU100, "BK-RACE", 0)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				// Each racer also books its own seat on another flight:
				// a loser must store none of its batch.
				own := sbEntry(sbAF1234, fmt.Sprintf("BK-OWN-%d", i), 0)
				errs[i] = s.AddEntries(ctx, []standby.Entry{own, contested}, t0)
			})
		}
		close(start)
		wg.Wait()
		winners := 0
		for i, err := range errs {
			records, rerr := s.BookingRecords(ctx, fmt.Sprintf("BK-OWN-%d", i))
			require.NoError(t, rerr)
			if err == nil {
				winners++
				require.Len(t, records, 1)
				continue
			}
			require.ErrorIs(t, err, bookingkit.ErrConflict, "racer %d", i)
			require.Empty(t, records, "racer %d lost and stored nothing", i)
		}
		require.Equal(t, 1, winners)
		got, _ := sbActive(t, s, sbSU100)
		requireSameEntries(t, []standby.Entry{contested}, got)
		got, _ = sbActive(t, s, sbAF1234)
		require.Len(t, got, 1)
	})

	t.Run("ConcurrentWritersAcrossFlights", func(t *testing.T) {
		// Bookings over two flights in both orders, cancelled and closed
		// at the same time: no deadlock, and every entry ends in exactly
		// one status.
		s := open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for i := range 8 {
			wg.Go(func() {
				fs := []standby.Flight{sbSU100, sbAF1234}
				if i%2 == 1 {
					fs[0], fs[1] = fs[1], fs[0]
				}
				id := fmt.Sprintf("BK%d", i)
				if err := s.AddEntries(ctx, []standby.Entry{sbEntry(fs[0], id, 0), sbEntry(fs[1], id, 0)}, t0); err != nil {
					errs <- err
					return
				}
				if i%3 == 0 {
					if _, err := s.CancelBooking(ctx, id, t1); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		n, err := s.CloseFlight(ctx, sbKey(sbAF1234), t1)
		require.NoError(t, err)
		require.Equal(t, 5, n, "8 bookings, 3 of them cancelled")
		active, _ := sbActive(t, s, sbSU100)
		require.Len(t, active, 5)
	})

	t.Run("ServiceRebuildsTheSameQueues", func(t *testing.T) {
		s := open(t)
		svc := &standby.Service{Store: s, Now: func() time.Time { return t1 }}
		_, err := svc.Rebuild(ctx)
		require.NoError(t, err)
		r := rand.New(rand.NewPCG(11, 3))
		flights := []standby.Flight{sbSU100, sbAF1234, sbSU100A}
		var ids []standby.EntryID
		for b := range 60 {
			e := sbEntry(flights[b%len(flights)], fmt.Sprintf("BK%03d", b), 0)
			e.Employer = []string{"SU", "AF", "S7"}[r.IntN(3)]
			e.Cabin, e.Category = standby.Cabin(r.IntN(4)), r.IntN(10)
			e.EmployedOn = sbDay(1980+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(28))
			e.BookedAt = t0.Add(time.Duration(r.Int64N(int64(48 * time.Hour)))).Truncate(time.Microsecond)
			require.NoError(t, svc.Add(ctx, e))
			ids = append(ids, e.ID())
		}
		for i, id := range ids {
			if i%7 == 0 {
				_, err := svc.Remove(ctx, id, standby.StatusBoarded)
				require.NoError(t, err)
			}
		}
		positions := map[standby.EntryID]int{}
		for i, id := range ids {
			if i%7 != 0 {
				positions[id], err = svc.Position(ctx, id)
				require.NoError(t, err)
			}
		}

		restarted := standby.NewService(s)
		stats, err := restarted.Rebuild(ctx)
		require.NoError(t, err)
		require.Equal(t, standby.RebuildStats{Flights: 3, Entries: len(positions)}, stats)
		for id, want := range positions {
			got, err := restarted.Position(ctx, id)
			require.NoError(t, err)
			require.Equal(t, want, got, "%s keeps its place after a rebuild", id)
		}
	})

	t.Run("SharedServicesSeeEachOther", func(t *testing.T) {
		s := open(t)
		// The clock is before the flights leave: a departed flight takes
		// no standby passengers.
		now := func() time.Time { return t1 }
		a := &standby.Service{Store: s, Shared: true, Now: now}
		b := &standby.Service{Store: s, Shared: true, Now: now}
		first := sbEntry(sbSU100, "BK1", 0)
		require.NoError(t, a.Add(ctx, first))
		pos, err := b.Position(ctx, first.ID())
		require.NoError(t, err)
		require.Equal(t, 1, pos)

		ahead := sbEntry(sbSU100, "BK0", 0)
		ahead.Category = 0
		require.NoError(t, b.Add(ctx, ahead))
		pos, err = a.Position(ctx, first.ID())
		require.NoError(t, err)
		require.Equal(t, 2, pos, "a sees b's passenger ahead")

		_, err = b.Remove(ctx, ahead.ID(), standby.StatusBoarded)
		require.NoError(t, err)
		pos, err = a.Position(ctx, first.ID())
		require.NoError(t, err)
		require.Equal(t, 1, pos)

		_, err = a.CloseFlight(ctx, sbSU100)
		require.NoError(t, err)
		_, err = b.Position(ctx, first.ID())
		require.ErrorIs(t, err, bookingkit.ErrNotFound, "b sees the flight closed")
		require.ErrorIs(t, b.Add(ctx, sbEntry(sbSU100, "BK2", 0)), bookingkit.ErrConflict)
	})
}
