package staffid_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// A results page in one call: a fare that is not standby says so; a
// standby fare gives each passenger's place, the same as one estimate;
// a closed or departed flight says so instead; seat figures add the
// party's chance, and without them nothing is guessed.
func TestEstimateFares(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t) // now: 2026-11-23 10:00 UTC
	flight, closed, departed := sbFlight("2026-12-01"), sbFlight("2026-12-02"), sbFlight("2026-11-20")
	// Waiting already: George (category 0, another group) and an SU
	// employee of category 3, between Lennon's companions (1, 2) and
	// Lennon himself (5): the party is split across places.
	_, err := e.bookings.Create(ctx, e.ids["Harrison"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Harrison"),
	})
	require.NoError(t, err)
	_, err = e.queue.AddBooking(ctx, standby.Booking{ID: "OTHER", BookedAt: e.clock.Now(),
		Segments:   []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
		Passengers: []standby.Passenger{{Employer: "SU", EmployedOn: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Category: 3}}})
	require.NoError(t, err)
	_, err = e.queue.CloseFlight(ctx, closed)
	require.NoError(t, err)

	party := []string{e.ids["Lennon"], e.ids["Ono"], e.ids["McCartney"], e.ids["Starr"]}
	fares := []staffid.ResultFare{
		{Flight: flight, Cabin: standby.Economy, PassengerType: "ADT"},
		{Flight: flight, Cabin: standby.Economy, PassengerType: "zed"},
		{Flight: flight, Cabin: standby.Economy, PassengerType: "STB", Seats: &standby.Seats{Open: 1}},
		{Flight: flight, Cabin: standby.Economy, PassengerType: "ZED", Seats: &standby.Seats{Open: 6}},
		{Flight: flight, Cabin: standby.Economy, PassengerType: "ZED", Seats: &standby.Seats{Open: 4, NoShows: 2}},
		{Flight: closed, Cabin: standby.Economy, PassengerType: "ZED", Seats: &standby.Seats{Open: 9}},
		{Flight: departed, Cabin: standby.Economy, PassengerType: "ZED"},
	}
	got, err := e.bookings.EstimateFares(ctx, e.ids["Lennon"], party, fares)
	require.NoError(t, err)
	require.Len(t, got, len(fares))

	require.Equal(t, staffid.FareOutlook{}, got[0], "not a standby fare: nothing more")

	single, err := e.bookings.Estimate(ctx, e.ids["Lennon"], flight, standby.Economy, party)
	require.NoError(t, err)
	require.True(t, got[1].Standby)
	require.Equal(t, single, got[1].Places, "the same places as one estimate")
	require.Equal(t, []int{3, 2, 2, 2}, []int{single[0].Position, single[1].Position, single[2].Position, single[3].Position})
	require.Nil(t, got[1].Chance, "without seat figures nothing is said of the chance")

	require.Equal(t, &standby.Chance{Level: standby.Unlikely, LastPlace: 6, Fitting: 0,
		Reason: "your party of 4 would stand at places up to 6 and 1 seat open; the passenger in the last open seat goes first: category 0 goes before category 5 (the lower code first)"}, got[2].Chance)
	require.Equal(t, standby.Likely, got[3].Chance.Level)
	require.Equal(t, &standby.Chance{Level: standby.Possible, LastPlace: 6, Fitting: 3,
		Reason: "your party of 4 would stand at places up to 6 and 4 seats open: it depends on the 2 no-shows expected; 3 of the 4 fit now"}, got[4].Chance)

	require.True(t, got[5].Standby)
	require.Equal(t, &standby.NoStandbyError{Flight: closed.Key(), Closed: true}, got[5].NoStandby)
	require.Empty(t, got[5].Places)
	require.Equal(t, &standby.NoStandbyError{Flight: departed.Key()}, got[6].NoStandby)

	// The party is checked once, as for one estimate; a bad fare is named.
	field := func(err error) string {
		var ve *bookingkit.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		return ve.Field
	}
	_, err = e.bookings.EstimateFares(ctx, e.ids["Lennon"], []string{e.ids["Harrison"]}, fares)
	require.Equal(t, "passengers[0]", field(err))
	_, err = e.bookings.EstimateFares(ctx, e.ids["Lennon"], nil, []staffid.ResultFare{
		{Flight: flight, Cabin: standby.Economy, PassengerType: "ADT"},
		{Flight: flight, Cabin: standby.Economy, PassengerType: "ZED", Seats: &standby.Seats{Open: -1}},
	})
	require.Equal(t, "fares[1].open_seats", field(err))
	_, err = e.bookings.EstimateFares(ctx, e.ids["Lennon"], nil, make([]staffid.ResultFare, staffid.MaxResultFares+1))
	require.Equal(t, "fares", field(err))
}
