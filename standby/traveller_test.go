package standby

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

// One person, one place per flight (issue 14, item 12): a second booking
// of the same traveller on a flight is refused, the live queue keeps one
// place, and a booking listing them twice on one flight is invalid.
func TestOnePlacePerTravellerAndFlight(t *testing.T) {
	ctx := context.Background()
	s := newTestService(newFakeStore())
	paul := Passenger{Employer: "SU", EmployedOn: date(2010, 1, 1), Category: 3, Traveller: "v1:paul"}
	yoko := Passenger{Employer: "SU", EmployedOn: date(2010, 1, 1), Category: 1, Traveller: "v1:yoko"}
	booking := func(id string, passengers ...Passenger) Booking {
		return Booking{ID: id, BookedAt: testNow, Segments: []Segment{{Flight: su100, Cabin: Economy}}, Passengers: passengers}
	}

	entries, err := s.AddBooking(ctx, booking("BK1", paul))
	require.NoError(t, err)
	require.Equal(t, "v1:paul", entries[0].Traveller)

	_, err = s.AddBooking(ctx, booking("BK2", yoko, paul))
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	var aq *AlreadyQueuedError
	require.ErrorAs(t, err, &aq)
	require.Equal(t, &AlreadyQueuedError{Flight: "SU-100-2026-11-23", Traveller: "v1:paul", BookingID: "BK1"}, aq)
	require.Equal(t, "standby: traveller v1:paul already stands in the standby queue of SU-100-2026-11-23 with booking BK1: one place per person and flight; cancel that booking first", err.Error())
	view, err := s.View(ctx, su100, 1, 10, "")
	require.NoError(t, err)
	require.Equal(t, 1, view.Total, "Paul stands once, and Yoko's half of the refused booking is not kept")

	_, err = s.AddBooking(ctx, booking("BK3", yoko, yoko))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.Contains(t, err.Error(), "the same traveller as entries[0]")

	// Without an ID nobody is checked; a bad ID is refused.
	anonymous := Passenger{Employer: "SU", EmployedOn: date(2010, 1, 1), Category: 3}
	_, err = s.AddBooking(ctx, booking("BK4", anonymous, anonymous))
	require.NoError(t, err)
	bad := paul
	bad.Traveller = strings.Repeat("x", MaxTravellerLen+1)
	_, err = s.AddBooking(ctx, booking("BK5", bad))
	var ve *bookingkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "passengers[0].traveller", ve.Field)

	// A place given up frees the person.
	_, err = s.CancelBooking(ctx, "BK1")
	require.NoError(t, err)
	_, err = s.AddBooking(ctx, booking("BK6", paul))
	require.NoError(t, err)
}
