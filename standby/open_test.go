package standby

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

// A flight that is closed or has departed takes no standby passengers:
// booking is refused, and the estimate says so instead of offering a
// place (issue 14, item 13).
func TestNoStandbyOnClosedOrDepartedFlights(t *testing.T) {
	ctx := context.Background()
	s := newTestService(newFakeStore()) // now: 2026-11-20 12:00 UTC
	prospect := func(f Flight) Entry {
		return Entry{Flight: f, Employer: "SU", Cabin: Economy, Category: 3, EmployedOn: date(2010, 1, 1)}
	}
	booking := func(id string, f Flight) Booking {
		return Booking{ID: id, BookedAt: testNow, Segments: []Segment{{Flight: f, Cabin: Economy}},
			Passengers: []Passenger{{Employer: "SU", EmployedOn: date(2010, 1, 1), Category: 3}}}
	}
	requireNoStandby := func(err error, flight FlightKey, closed bool) {
		t.Helper()
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		var ns *NoStandbyError
		require.ErrorAs(t, err, &ns)
		require.Equal(t, &NoStandbyError{Flight: flight, Closed: closed}, ns)
	}

	// Closed by the airline, before anyone booked.
	closed := Flight{"SU", "100", date(2026, 11, 23)}
	_, err := s.CloseFlight(ctx, closed)
	require.NoError(t, err)
	_, err = s.Estimate(ctx, prospect(closed))
	requireNoStandby(err, "SU-100-2026-11-23", true)
	require.Equal(t, "standby: flight SU-100-2026-11-23 takes no standby passengers: it is closed", err.Error())
	_, err = s.AddBooking(ctx, booking("BK1", closed))
	requireNoStandby(err, "SU-100-2026-11-23", true)
	requireNoStandby(s.CheckOpen(ctx, closed), "SU-100-2026-11-23", true)

	// Departed: dated before the earliest date anywhere on Earth now
	// (2026-11-20 00:00 at UTC-12 on the test clock).
	departed := Flight{"SU", "200", date(2026, 11, 19)}
	_, err = s.Estimate(ctx, prospect(departed))
	requireNoStandby(err, "SU-200-2026-11-19", false)
	require.Equal(t, "standby: flight SU-200-2026-11-19 takes no standby passengers: it has departed", err.Error())
	_, err = s.AddBooking(ctx, booking("BK2", departed))
	requireNoStandby(err, "SU-200-2026-11-19", false)
	require.True(t, Departed(departed, testNow))

	// The day that still runs somewhere is open: estimate and booking agree.
	today := Flight{"SU", "300", date(2026, 11, 20)}
	require.False(t, Departed(today, testNow))
	require.Equal(t, date(2026, 11, 20), EarliestOpenDate(testNow))
	require.Equal(t, date(2026, 11, 19), EarliestOpenDate(time.Date(2026, 11, 20, 11, 59, 0, 0, time.UTC)), "still the 19th at UTC-12")
	pos, err := s.Estimate(ctx, prospect(today))
	require.NoError(t, err)
	require.Equal(t, 1, pos)
	_, err = s.AddBooking(ctx, booking("BK3", today))
	require.NoError(t, err)
	require.NoError(t, s.CheckOpen(ctx, today))
}

// A flight closed between the estimate and the booking on another server
// is refused by the store; the answer is still the queue's own.
func TestAddToAFlightClosedMeanwhileSaysClosed(t *testing.T) {
	ctx := context.Background()
	store := newFakeStore()
	a, b := newTestService(store), newTestService(store)
	a.Shared, b.Shared = true, true
	f := Flight{"SU", "100", date(2026, 11, 23)}
	_, err := b.CloseFlight(ctx, f)
	require.NoError(t, err)
	err = a.Add(ctx, Entry{BookingID: "BK1", Flight: f, Employer: "SU", Cabin: Economy, Category: 3, EmployedOn: date(2010, 1, 1), BookedAt: testNow})
	var ns *NoStandbyError
	require.ErrorAs(t, err, &ns)
	require.True(t, ns.Closed)
}
