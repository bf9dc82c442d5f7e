package staffid

import (
	"context"
	"fmt"
	"strconv"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// ResultFare is one fare of an employee's search results, as the booking
// engine shows it.
type ResultFare struct {
	Flight        standby.Flight
	Cabin         standby.Cabin
	PassengerType string
	// Seats is what the engine sees of the cabin now; nil when it does
	// not say, and then the answer says nothing of the chance.
	Seats *standby.Seats
}

// FareOutlook is the answer for one [ResultFare].
type FareOutlook struct {
	// Standby says whether the fare is a standby fare ([Bookings.IsStandbyFare]);
	// the rest is empty when it is not.
	Standby bool
	// NoStandby is set, instead of Places, when the flight takes no
	// standby passengers (closed or departed).
	NoStandby *standby.NoStandbyError
	// Places is where each passenger would stand if booked now, each on
	// their own, in the order asked.
	Places []PlaceEstimate
	// Chance is the party's chance of boarding ([standby.PartyChance]),
	// with seat figures only.
	Chance *standby.Chance
}

// MaxResultFares is the most fares [Bookings.EstimateFares] answers in
// one call: a results page, not a timetable.
const MaxResultFares = 200

// EstimateFares answers a page of search results in one call: for each
// fare, whether it is a standby fare and, when it is, the place each of
// the party would get in the flight's standby queue if booked now (as
// [Bookings.Estimate]) and, with the cabin's seats, the party's chance of
// boarding ([standby.Service.Outlook]). The party (personIDs: people of
// the employee's group; none: the employee alone) is checked once for the
// whole page. A fare on a closed or departed flight answers NoStandby; a
// bad fare is a *bookingkit.ValidationError naming "fares[i]…".
func (s *Bookings) EstimateFares(ctx context.Context, employeeID string, personIDs []string, fares []ResultFare) ([]FareOutlook, error) {
	if len(fares) > MaxResultFares {
		return nil, bookingkit.Invalid("fares", strconv.Itoa(len(fares)), fmt.Sprintf("at most %d", MaxResultFares))
	}
	emp, people, err := s.party(ctx, employeeID, personIDs)
	if err != nil {
		return nil, err
	}
	// The standby fares, checked one by one so that an error names its
	// fare, then asked of the queues in one call for the page.
	out := make([]FareOutlook, len(fares))
	var asks []standby.PartyOnFlight
	var asked []int
	for i, f := range fares {
		if !s.IsStandbyFare(f.PassengerType) {
			continue
		}
		if s.queue == nil {
			return nil, ErrNoStandbyFares
		}
		out[i].Standby = true
		within := fmt.Sprintf("fares[%d]", i)
		flight, err := f.Flight.Normalize()
		if err != nil {
			return nil, bookingkit.InvalidWithin(within, err)
		}
		if !f.Cabin.Valid() {
			return nil, bookingkit.Invalid(within+".cabin", strconv.Itoa(int(f.Cabin)), "expected first, business, premium_economy or economy")
		}
		if f.Seats != nil {
			if err := f.Seats.Validate(); err != nil {
				return nil, bookingkit.InvalidWithin(within, err)
			}
		}
		party := make([]standby.Entry, len(people))
		for j, p := range people {
			x := s.standbyPassenger(emp, p.ID, p.CategoryCode)
			party[j] = standby.Entry{Employer: x.Employer, Cabin: f.Cabin, Category: x.Category, EmployedOn: x.EmployedOn}
		}
		asks = append(asks, standby.PartyOnFlight{Flight: flight, Party: party, Seats: f.Seats})
		asked = append(asked, i)
	}
	if len(asks) == 0 {
		return out, nil
	}
	outlooks, err := s.queue.Outlooks(ctx, asks)
	if err != nil {
		return nil, err
	}
	for k, o := range outlooks {
		i := asked[k]
		if o.NoStandby != nil {
			out[i].NoStandby = o.NoStandby
			continue
		}
		out[i].Places = make([]PlaceEstimate, len(people))
		for j, p := range people {
			out[i].Places[j] = PlaceEstimate{PersonID: p.ID, Position: o.Places[j]}
		}
		out[i].Chance = o.Chance
	}
	return out, nil
}
