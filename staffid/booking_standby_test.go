package staffid_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

func TestEstimateIsThePlaceABookingGets(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	// Someone waits already: George, employed earlier, on his own.
	_, err := e.bookings.Create(ctx, e.ids["Harrison"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Harrison"),
	})
	require.NoError(t, err)

	est, err := e.bookings.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, []string{e.ids["Ono"], " " + e.ids["Lennon"] + " "})
	require.NoError(t, err)
	require.Len(t, est, 2)
	require.Equal(t, e.ids["Ono"], est[0].PersonID)
	require.Equal(t, e.ids["Lennon"], est[1].PersonID, "IDs are trimmed")
	alone, err := e.bookings.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, nil)
	require.NoError(t, err)
	require.Equal(t, []staffid.PlaceEstimate{est[1]}, alone, "no passengers: the employee")

	// Booked now, each gets the place estimated for them: the companion
	// on the employee's rights with her own category.
	v, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Ono"),
	})
	require.NoError(t, err)
	require.Equal(t, est[0].Position, v.Placements[0].Position)
}

func TestEstimateRefusesOtherPassengers(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	field := func(err error) string {
		var ve *bookingkit.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		return ve.Field
	}
	_, err := e.bookings.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, []string{e.ids["Lennon"], e.ids["Harrison"]})
	require.Equal(t, "passengers[1]", field(err), "another group's employee")
	ten := make([]string, staffid.MaxBookingPassengers+1)
	for i := range ten {
		ten[i] = e.ids["Lennon"]
	}
	_, err = e.bookings.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, ten)
	require.Equal(t, "passengers", field(err))

	// Ringo leaves the list: he is no passenger any more.
	e.importList(t, []map[string]any{acctList[0], acctList[1], acctList[2], acctList[4]})
	_, err = e.bookings.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, []string{e.ids["Starr"]})
	require.Equal(t, "passengers[0]", field(err), "a blocked companion")
	_, err = e.bookings.Estimate(ctx, e.ids["Ono"], flight, standby.Economy, nil)
	require.ErrorIs(t, err, staffid.ErrBlocked, "a companion has no cabinet")

	plain, err := staffid.NewBookings(staffid.Config{}, e.stores.StaffID, e.stores.StaffBookings, nil)
	require.NoError(t, err)
	require.False(t, plain.OffersStandby())
	_, err = plain.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, nil)
	require.ErrorIs(t, err, staffid.ErrNoStandbyFares)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

func TestQueueViewMarksTheGroupsPlaces(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	book := func(employee string, names ...string) staffid.BookingView {
		v, err := e.bookings.Create(ctx, e.ids[employee], staffid.BookingRequest{
			Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax(names...),
		})
		require.NoError(t, err)
		return v
	}
	george := book("Harrison", "Harrison")
	john := book("Lennon", "Lennon", "Ono")

	view, err := e.bookings.QueueView(ctx, e.ids["Lennon"], flight, 1, 10)
	require.NoError(t, err)
	require.Equal(t, 3, view.Queue.Total)
	require.Len(t, view.Yours, 2)
	yours := map[int]bool{}
	for _, p := range view.Yours {
		require.Equal(t, john.ID, p.BookingID)
		require.Contains(t, []string{e.ids["Lennon"], e.ids["Ono"]}, p.PersonID)
		require.Equal(t, 3, p.QueueLength)
		yours[p.Position] = true
	}
	for _, row := range view.Queue.Rows {
		require.Equal(t, yours[row.Position], row.Yours, "row %d", row.Position)
	}
	require.False(t, view.Queue.Rows[george.Placements[0].Position-1].Yours, "another group's passenger")

	// A page without the employee's rows still lists their places.
	view, err = e.bookings.QueueView(ctx, e.ids["Harrison"], flight, 3, 1)
	require.NoError(t, err)
	require.Len(t, view.Yours, 1)
	require.Equal(t, george.Placements[0].Position, view.Yours[0].Position)
	require.Len(t, view.Queue.Rows, 1)

	_, err = e.bookings.QueueView(ctx, e.ids["Ono"], flight, 1, 10)
	require.ErrorIs(t, err, staffid.ErrBlocked)
	_, err = e.bookings.QueueView(ctx, e.ids["Lennon"], flight, 0, 10)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}
