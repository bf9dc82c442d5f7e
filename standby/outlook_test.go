package standby

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

// Each member of a party stands behind the members placed ahead of them:
// sorted, the k-th (from 0) moves k places back.
func TestPartyLastPlace(t *testing.T) {
	for _, tt := range []struct {
		places []int
		want   int
	}{
		{[]int{1}, 1},
		{[]int{3, 3, 3}, 5},       // 3, 4, 5
		{[]int{1, 7}, 8},          // the one at 1 stands ahead of the other
		{[]int{7, 1, 2, 2}, 10},   // 1, 3, 4, 10
		{[]int{2, 2, 10, 10}, 13}, // 2, 3, 12, 13
	} {
		require.Equal(t, tt.want, PartyLastPlace(tt.places), "%v", tt.places)
	}
}

// The rule's boundaries: the last place equal to the seats open is
// likely; one beyond, possible only with as many no-shows; beyond those,
// unlikely.
func TestPartyChanceBoundaries(t *testing.T) {
	for _, tt := range []struct {
		places  []int
		seats   Seats
		level   ChanceLevel
		fitting int
		reason  string
	}{
		{[]int{3}, Seats{Open: 3}, Likely, 1, "you would stand at place 3 and 3 seats open"},
		{[]int{4}, Seats{Open: 3}, Unlikely, 0, "you would stand at place 4 and 3 seats open"},
		{[]int{4}, Seats{Open: 3, NoShows: 1}, Possible, 0, "you would stand at place 4 and 3 seats open: it depends on the 1 no-show expected"},
		{[]int{5}, Seats{Open: 3, NoShows: 1}, Unlikely, 0, "you would stand at place 5 and 3 seats open, with 1 no-show expected"},
		{[]int{1}, Seats{Open: 0}, Unlikely, 0, "you would stand at place 1 and 0 seats open"},
		{[]int{1}, Seats{Open: 0, NoShows: 1}, Possible, 0, "you would stand at place 1 and 0 seats open: it depends on the 1 no-show expected"},
		// A party split across places: two fit, the companions do not.
		{[]int{1, 1, 6, 6}, Seats{Open: 4}, Unlikely, 2, "your party of 4 would stand at places up to 9 and 4 seats open; 2 of the 4 fit now"},
		{[]int{1, 1, 6, 6}, Seats{Open: 4, NoShows: 5}, Possible, 2, "your party of 4 would stand at places up to 9 and 4 seats open: it depends on the 5 no-shows expected; 2 of the 4 fit now"},
		{[]int{1, 2, 2, 3}, Seats{Open: 6}, Likely, 4, "your party of 4 would stand at places up to 6 and 6 seats open"},
	} {
		c := PartyChance(tt.places, tt.seats)
		require.Equal(t, tt.level, c.Level, "%v %+v", tt.places, tt.seats)
		require.Equal(t, tt.fitting, c.Fitting, "%v %+v", tt.places, tt.seats)
		require.Equal(t, tt.reason, c.Reason)
		require.Equal(t, c, PartyChance(tt.places, tt.seats), "deterministic")
	}
	require.ErrorIs(t, Seats{Open: -1}.Validate(), bookingkit.ErrInvalid)
	require.ErrorIs(t, Seats{NoShows: -1}.Validate(), bookingkit.ErrInvalid)
}

func TestOutlook(t *testing.T) {
	ctx := context.Background()
	s := newTestService(newFakeStore())
	flight := Flight{"SU", "100", date(2026, 11, 23)}
	// Two passengers wait: an SU employee in business, and one in economy.
	_, err := s.AddBooking(ctx, Booking{ID: "EARLY", BookedAt: testNow.Add(-time.Hour),
		Segments:   []Segment{{flight, Business}},
		Passengers: []Passenger{{Employer: "SU", EmployedOn: date(2015, 1, 1), Category: 3}}})
	require.NoError(t, err)
	_, err = s.AddBooking(ctx, Booking{ID: "LATE", BookedAt: testNow.Add(-time.Minute),
		Segments:   []Segment{{flight, Economy}},
		Passengers: []Passenger{{Employer: "SU", EmployedOn: date(2015, 1, 1), Category: 1}}})
	require.NoError(t, err)

	employee := Employee{Employer: "SU", EmployedOn: date(2012, 5, 1), Category: 2}
	entry := func(p Passenger, cabin Cabin) Entry {
		return Entry{Employer: p.Employer, Cabin: cabin, Category: p.Category, EmployedOn: p.EmployedOn}
	}
	party := []Entry{entry(employee.Self(), Economy), entry(employee.Companion(5), Economy)}

	// Without seats: places only, no guess.
	o, err := s.Outlook(ctx, flight, party, nil)
	require.NoError(t, err)
	require.Equal(t, []int{3, 3}, o.Places, "both behind the business and the category 1 passenger")
	require.Nil(t, o.Chance)

	// The same places as one Estimate each.
	for i, e := range party {
		e.Flight = flight
		pos, err := s.Estimate(ctx, e)
		require.NoError(t, err)
		require.Equal(t, o.Places[i], pos)
	}

	o, err = s.Outlook(ctx, flight, party, &Seats{Open: 4})
	require.NoError(t, err)
	require.Equal(t, &Chance{Level: Likely, LastPlace: 4, Fitting: 2, Reason: "your party of 2 would stand at places up to 4 and 4 seats open"}, o.Chance)

	// One seat: the business passenger takes it, and the reason says why
	// without naming them.
	o, err = s.Outlook(ctx, flight, party, &Seats{Open: 1})
	require.NoError(t, err)
	require.Equal(t, Unlikely, o.Chance.Level)
	require.Equal(t, "your party of 2 would stand at places up to 4 and 1 seat open; the passenger in the last open seat goes first: business goes before economy", o.Chance.Reason)
	require.NotContains(t, o.Chance.Reason, "EARLY")

	o, err = s.Outlook(ctx, flight, party, &Seats{Open: 2, NoShows: 2})
	require.NoError(t, err)
	require.Equal(t, Possible, o.Chance.Level)
	require.Contains(t, o.Chance.Reason, "the passenger in the last open seat goes first: category 1 goes before category 2")

	_, err = s.Outlook(ctx, flight, party, &Seats{Open: -2})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	// A closed flight says so instead of a place.
	_, err = s.CloseFlight(ctx, flight)
	require.NoError(t, err)
	_, err = s.Outlook(ctx, flight, party, &Seats{Open: 4})
	var ns *NoStandbyError
	require.ErrorAs(t, err, &ns)
	require.True(t, ns.Closed)
}

func TestSizes(t *testing.T) {
	ctx := context.Background()
	s := newTestService(newFakeStore())
	require.Equal(t, Sizes{}, s.Sizes())
	for i, f := range []Flight{{"SU", "100", date(2026, 11, 23)}, {"SU", "101", date(2026, 11, 24)}} {
		for p := range i + 2 {
			_, err := s.AddBooking(ctx, Booking{ID: fmt.Sprintf("B%d%d", i, p), BookedAt: testNow, Segments: []Segment{{f, Economy}},
				Passengers: []Passenger{{Employer: "SU", EmployedOn: date(2015, 1, 1), Category: 3}}})
			require.NoError(t, err)
		}
	}
	require.Equal(t, Sizes{Flights: 2, Waiting: 5, Longest: 3}, s.Sizes())
}
