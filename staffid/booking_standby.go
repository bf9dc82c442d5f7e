package staffid

import (
	"context"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// ErrNoStandbyFares is the answer of [Bookings.Estimate] when
// [Config.StandbyPassengerTypes] is empty: no fare puts anyone into a
// standby queue, so there is no place to estimate. It matches
// bookingkit.ErrNotFound.
var ErrNoStandbyFares = bookingkit.Errorf("no standby fares are configured (staffid standby_passenger_types): %w", bookingkit.ErrNotFound)

// OffersStandby reports whether any fare is a standby fare
// ([Config.StandbyPassengerTypes] is not empty).
func (s *Bookings) OffersStandby() bool {
	return len(s.cfg.StandbyPassengerTypes) > 0
}

// standbyPassenger returns a passenger of the employee emp's group as the
// standby queue ranks them: on the employee's rights — the airline as
// employer and the employee's employment date — the employee with their
// own category, a companion with the companion's category. Booking
// ([Bookings.Create]) and estimating ([Bookings.Estimate]) both use it,
// so an estimate is the place a booking would get.
func (s *Bookings) standbyPassenger(emp Person, personID string, category int) standby.Passenger {
	rights := standby.Employee{Employer: s.cfg.AirlineCode, EmployedOn: emp.DateOfEmployment.Time(), Category: emp.CategoryCode}
	if personID == emp.ID {
		return rights.Self()
	}
	return rights.Companion(category)
}

// party returns the employee and the people personIDs names (people of
// the employee's group, as [Bookings.Passengers] lists them; none: the
// employee alone), checked as an estimate checks them.
func (s *Bookings) party(ctx context.Context, employeeID string, personIDs []string) (emp Person, people []Person, err error) {
	group, err := s.Passengers(ctx, employeeID)
	if err != nil {
		return Person{}, nil, err
	}
	if len(personIDs) == 0 {
		personIDs = []string{employeeID}
	}
	if err := checkEstimated(personIDs); err != nil {
		return Person{}, nil, err
	}
	people = make([]Person, len(personIDs))
	for i, id := range personIDs {
		if people[i], err = estimated(group, i, id); err != nil {
			return Person{}, nil, err
		}
	}
	return group[0], people, nil // Passengers lists the employee first
}

// PlaceEstimate is the place one passenger would get in a flight's standby
// queue if booked now.
type PlaceEstimate struct {
	PersonID string
	Position int
}

// Estimate returns the place each of the passengers personIDs (people of
// the employee's group, as [Bookings.Passengers] lists them; none: the
// employee alone) would get in the flight's standby queue in cabin if
// booked now, each on their own: the figure beside a standby fare. A
// passenger outside the group, blocked, or more than
// [MaxBookingPassengers] of them is a *bookingkit.ValidationError naming
// "passengers" or "passengers[i]"; without standby fares the answer is
// [ErrNoStandbyFares]; a flight that takes no standby passengers is the
// queue's own error (a *standby.NoStandbyError).
func (s *Bookings) Estimate(ctx context.Context, employeeID string, flight standby.Flight, cabin standby.Cabin, personIDs []string) ([]PlaceEstimate, error) {
	if !s.OffersStandby() || s.queue == nil {
		return nil, ErrNoStandbyFares
	}
	emp, people, err := s.party(ctx, employeeID, personIDs)
	if err != nil {
		return nil, err
	}
	out := make([]PlaceEstimate, 0, len(people))
	for _, p := range people {
		x := s.standbyPassenger(emp, p.ID, p.CategoryCode)
		pos, err := s.queue.Estimate(ctx, standby.Entry{Flight: flight, Employer: x.Employer, Cabin: cabin, Category: x.Category, EmployedOn: x.EmployedOn})
		if err != nil {
			return nil, err
		}
		out = append(out, PlaceEstimate{PersonID: p.ID, Position: pos})
	}
	return out, nil
}

// QueuePlace is one of the employee's group's passengers waiting in a
// flight's standby queue.
type QueuePlace struct {
	BookingID   string
	PersonID    string
	Position    int
	QueueLength int
}

// QueueView is a page of a flight's standby queue as an employee sees it:
// anonymised, with the rows of their group's passengers marked Yours, and
// where those passengers stand (Yours: every one waiting, on the page or
// not; never nil).
type QueueView struct {
	Queue standby.QueueView
	Yours []QueuePlace
}

// QueueView returns a page of the flight's standby queue for the employee
// (at most limit rows from the 1-based position from; see
// [standby.Service.View]): the rows of the passengers of the bookings made
// for the employee and their companions ([Bookings.List], its first
// [MaxPageSize] bookings on the flight) are marked Yours, and their places
// listed. A blocked employee is [ErrBlocked].
func (s *Bookings) QueueView(ctx context.Context, employeeID string, flight standby.Flight, from, limit int) (QueueView, error) {
	if s.queue == nil {
		return QueueView{}, bookingkit.Errorf("staffid: no standby queue: %w", bookingkit.ErrNotFound)
	}
	view, err := s.queue.View(ctx, flight, from, limit, "")
	if err != nil {
		return QueueView{}, err
	}
	page, err := s.List(ctx, employeeID, flight.Key(), 0, MaxPageSize)
	if err != nil {
		return QueueView{}, err
	}
	out := QueueView{Queue: view, Yours: []QueuePlace{}}
	mine := map[int]bool{}
	for _, b := range page.Bookings {
		for _, pl := range b.Placements {
			if pl.Status != standby.StatusActive || pl.Position == 0 {
				continue
			}
			person := ""
			if i := pl.Entry.Passenger; i >= 0 && i < len(b.Passengers) {
				person = b.Passengers[i].PersonID
			}
			out.Yours = append(out.Yours, QueuePlace{BookingID: b.ID, PersonID: person, Position: pl.Position, QueueLength: pl.QueueLength})
			mine[pl.Position] = true
		}
	}
	for i := range out.Queue.Rows {
		out.Queue.Rows[i].Yours = mine[out.Queue.Rows[i].Position]
	}
	return out, nil
}
