package staffid_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// lostQueue is the standby queue of a process that dies right after
// storing a booking: AddBooking never reaches the queue, but Create goes
// on as if it had.
type lostQueue struct{ *standby.Service }

func (lostQueue) AddBooking(context.Context, standby.Booking) ([]standby.Entry, error) {
	return nil, nil
}

// bookLost stores a standby booking the way a crash between Create's two
// writes leaves it: stored, unknown to the queue.
func (e *sbEnv) bookLost(t *testing.T, employee string, flight standby.Flight, passengers ...string) staffid.BookingView {
	t.Helper()
	crashing, err := staffid.NewBookings(sbConfig, e.stores.StaffID, e.stores.StaffBookings, lostQueue{e.queue})
	require.NoError(t, err)
	crashing.Now = e.clock.Now
	v, err := crashing.Create(context.Background(), e.ids[employee], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax(passengers...),
	})
	require.NoError(t, err)
	_, err = e.queue.Placements(context.Background(), v.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "the queue lost the booking")
	return v
}

func TestReconcileQueuesALostBookingOnce(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	lost := e.bookLost(t, "Lennon", flight, "Lennon", "Ono")
	e.clock.Add(time.Minute)
	queued, err := e.bookings.Create(ctx, e.ids["Harrison"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Harrison"),
	})
	require.NoError(t, err)
	require.Len(t, queued.Placements, 1)

	report, err := e.bookings.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, staffid.ReconcileReport{Checked: 2, Queued: 1}, report)
	got, err := e.bookings.Get(ctx, e.ids["Lennon"], lost.ID)
	require.NoError(t, err)
	require.Len(t, got.Placements, 2, "both passengers wait now")
	for i, p := range got.Placements {
		require.Equal(t, standby.StatusActive, p.Status)
		require.Equal(t, i, p.Entry.Passenger)
		require.Equal(t, lost.CreatedAt, p.Entry.BookedAt, "the place of the original booking time")
		require.Equal(t, 3, p.QueueLength)
	}
	require.Equal(t, time.Date(1980, 11, 9, 0, 0, 0, 0, time.UTC), got.Placements[1].Entry.EmployedOn,
		"the companion travels on the employee's rights, as Create queues it")

	again, err := e.bookings.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, staffid.ReconcileReport{Checked: 2}, again, "a second run adds nothing")
	got, err = e.bookings.Get(ctx, e.ids["Lennon"], lost.ID)
	require.NoError(t, err)
	require.Len(t, got.Placements, 2)
	require.Equal(t, 3, got.Placements[0].QueueLength)
}

func TestReconcileLeavesCancelledAndDepartedBookingsAlone(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	cancelled, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: sbFlight("2026-12-01"), PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Lennon", "Ono"),
	})
	require.NoError(t, err)
	removed, err := e.queue.CancelBooking(ctx, cancelled.ID)
	require.NoError(t, err)
	require.Len(t, removed, 2)
	boarded, err := e.bookings.Create(ctx, e.ids["Harrison"], staffid.BookingRequest{
		Flight: sbFlight("2026-12-01"), PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Harrison"),
	})
	require.NoError(t, err)
	_, err = e.queue.Remove(ctx, boarded.Placements[0].Entry.ID(), standby.StatusBoarded)
	require.NoError(t, err)
	departed := e.bookLost(t, "Lennon", sbFlight("2026-11-24"), "Lennon")

	// The flight of the 24th has left everywhere once it is the 25th at
	// UTC-12: from 12:00 UTC on the 25th. Now is 13:00 UTC on the 25th.
	e.clock.Add(51 * time.Hour)
	report, err := e.bookings.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, staffid.ReconcileReport{Checked: 2}, report)

	got, err := e.bookings.Get(ctx, e.ids["Lennon"], cancelled.ID)
	require.NoError(t, err)
	require.Len(t, got.Placements, 2)
	for _, p := range got.Placements {
		require.Equal(t, standby.StatusCancelled, p.Status, "a cancelled passenger is never queued again")
	}
	got, err = e.bookings.Get(ctx, e.ids["Harrison"], boarded.ID)
	require.NoError(t, err)
	require.Len(t, got.Placements, 1)
	require.Equal(t, standby.StatusBoarded, got.Placements[0].Status)
	_, err = e.queue.Placements(ctx, departed.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "a flight that has left gets no queue")
}

func TestReconcileReportsRefusalsAndGoesOn(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	closed := e.bookLost(t, "Lennon", sbFlight("2026-12-01"), "Lennon")
	_, err := e.queue.CloseFlight(ctx, sbFlight("2026-12-01"))
	require.NoError(t, err)
	blocked := e.bookLost(t, "Harrison", sbFlight("2026-12-02"), "Harrison")
	e.importList(t, acctList[:4]) // Harrison leaves the list
	fine := e.bookLost(t, "Lennon", sbFlight("2026-12-03"), "Lennon", "Ono")

	report, err := e.bookings.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, report.Checked)
	require.Equal(t, 1, report.Queued)
	require.Len(t, report.Refused, 2)
	require.Equal(t, closed.ID, report.Refused[0].BookingID)
	require.ErrorIs(t, report.Refused[0].Err, bookingkit.ErrConflict, "the flight is closed")
	require.Equal(t, blocked.ID, report.Refused[1].BookingID)
	require.ErrorIs(t, report.Refused[1].Err, staffid.ErrBlocked)
	ps, err := e.queue.Placements(ctx, fine.ID)
	require.NoError(t, err)
	require.Len(t, ps, 2)
}

func TestReconcileConcurrentRunsQueueEachBookingOnce(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	var lost []staffid.BookingView
	for day := 1; day <= 4; day++ {
		flight := sbFlight(fmt.Sprintf("2026-12-%02d", day))
		lost = append(lost, e.bookLost(t, "Lennon", flight, "Lennon", "Ono", "Starr"))
		lost = append(lost, e.bookLost(t, "Harrison", flight, "Harrison"))
	}
	const runs = 4
	reports := make([]staffid.ReconcileReport, runs)
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() { reports[i], errs[i] = e.bookings.Reconcile(ctx) })
	}
	wg.Wait()
	total := 0
	for i := range runs {
		require.NoError(t, errs[i])
		require.Empty(t, reports[i].Refused, "a booking another run queued is no refusal")
		total += reports[i].Queued
	}
	require.Equal(t, len(lost), total, "each lost booking queued by exactly one run")
	for _, b := range lost {
		ps, err := e.queue.Placements(ctx, b.ID)
		require.NoError(t, err)
		require.Len(t, ps, len(b.Passengers))
		require.Equal(t, 4, ps[0].QueueLength, "no passenger twice in the queue")
	}
}

// reconcilingQueue queues each booking through the real queue just before
// Create's own AddBooking: a Reconcile on another server that got there
// first.
type reconcilingQueue struct{ *standby.Service }

func (q reconcilingQueue) AddBooking(ctx context.Context, b standby.Booking) ([]standby.Entry, error) {
	if _, err := q.Service.AddBooking(ctx, b); err != nil {
		return nil, err
	}
	return q.Service.AddBooking(ctx, b)
}

func TestCreateKeepsABookingReconcileQueuedFirst(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	bookings, err := staffid.NewBookings(sbConfig, e.stores.StaffID, e.stores.StaffBookings, reconcilingQueue{e.queue})
	require.NoError(t, err)
	bookings.Now = e.clock.Now
	v, err := bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: sbFlight("2026-12-01"), PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Lennon", "Ono"),
	})
	require.NoError(t, err, "the queue refused the duplicate, but the booking has its places")
	require.Len(t, v.Placements, 2)
	got, err := e.bookings.Get(ctx, e.ids["Lennon"], v.ID)
	require.NoError(t, err, "the booking was not taken back")
	require.Len(t, got.Placements, 2)
	require.Equal(t, 2, got.Placements[0].QueueLength)
}
