package standby

import (
	"fmt"
	"strconv"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Employee is the staff member whose rights a standby passenger travels
// on, as the airline's employee list gives them.
type Employee struct {
	Employer   string    // IATA code of the employing airline
	EmployedOn time.Time // date of employment
	Category   int       // the employee's own category code, 0..9
}

// Passenger is how one passenger of a standby booking stands in the
// queue: the employer and employment date that count for them, and their
// category code. Build it with [Employee.Self] or [Employee.Companion] so
// the companion rule is applied in one place.
type Passenger struct {
	Employer   string
	EmployedOn time.Time
	Category   int
	// Traveller identifies the person ([Entry.Traveller]); set it so that
	// the queue refuses them a second place on a flight. Self and
	// Companion leave it empty.
	Traveller string
}

// Self returns the employee travelling themself.
func (e Employee) Self() Passenger {
	return Passenger{Employer: e.Employer, EmployedOn: e.EmployedOn, Category: e.Category}
}

// Companion returns a companion of the employee: the companion stands in
// the queue with the employee's employer and employment date, and with
// their own category code from the employee list.
func (e Employee) Companion(category int) Passenger {
	return Passenger{Employer: e.Employer, EmployedOn: e.EmployedOn, Category: category}
}

// Segment is one flight of a standby booking and the cabin booked on it.
type Segment struct {
	Flight Flight
	Cabin  Cabin
}

// Booking is a completed standby booking as the queue needs it.
type Booking struct {
	ID         string
	BookedAt   time.Time // when the booking was completed
	Segments   []Segment // the flights, each once
	Passengers []Passenger
}

// Entries returns the booking's queue entries, normalised: one per passenger
// on each segment, in segment order, the passenger index being the
// passenger's place in Passengers. A bad field is reported with its path,
// e.g. `passengers[1].category "12": ...`, and no entry is returned.
func (b Booking) Entries() ([]Entry, error) {
	if err := validateBookingID(b.ID); err != nil {
		return nil, err
	}
	if err := validateBookedAt(b.BookedAt); err != nil {
		return nil, err
	}
	switch {
	case len(b.Segments) == 0:
		return nil, bookingkit.Invalid("segments", "", "a standby booking needs at least one flight")
	case len(b.Passengers) == 0:
		return nil, bookingkit.Invalid("passengers", "", "a standby booking needs at least one passenger")
	case len(b.Passengers) > MaxPassengers:
		return nil, bookingkit.Invalid("passengers", strconv.Itoa(len(b.Passengers)), fmt.Sprintf("at most %d passengers", MaxPassengers))
	}
	entries := make([]Entry, 0, len(b.Segments)*len(b.Passengers))
	seen := make(map[FlightKey]int, len(b.Segments))
	for s, seg := range b.Segments {
		f, err := seg.Flight.Normalize()
		if err != nil {
			return nil, prefixField(err, fmt.Sprintf("segments[%d].", s))
		}
		if first, dup := seen[f.key()]; dup {
			return nil, bookingkit.Invalid(fmt.Sprintf("segments[%d].flight", s), string(f.key()), fmt.Sprintf("the same flight as segments[%d]", first))
		}
		seen[f.key()] = s
		if !seg.Cabin.Valid() {
			return nil, bookingkit.Invalid(fmt.Sprintf("segments[%d].cabin", s), strconv.Itoa(int(seg.Cabin)), "expected first, business, premium_economy or economy")
		}
		for p, pax := range b.Passengers {
			e, err := Entry{
				BookingID:  b.ID,
				Passenger:  p,
				Traveller:  pax.Traveller,
				Employer:   pax.Employer,
				Cabin:      seg.Cabin,
				Category:   pax.Category,
				EmployedOn: pax.EmployedOn,
				BookedAt:   b.BookedAt,
			}.normalizeOn(f)
			if err != nil {
				return nil, prefixField(err, fmt.Sprintf("passengers[%d].", p))
			}
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// prefixField puts a path in front of a ValidationError's field name.
func prefixField(err error, prefix string) error {
	if ve, ok := err.(*bookingkit.ValidationError); ok {
		return bookingkit.Invalid(prefix+ve.Field, ve.Value, ve.Reason)
	}
	return err
}
