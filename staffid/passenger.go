package staffid

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// MaxBookingPassengers is the most passengers one staff booking may carry.
const MaxBookingPassengers = 9

// PassengerInput is one passenger of a booking as the booking engine sends
// it: the person's ID (from [Bookings.Passengers]) and the passenger data
// shown on the booking page. The data must be the list's: a field left
// empty is taken from the list, a field given must equal it (names compared
// after [Normalize], so case and spacing do not count; BirthDay as
// DD.MM.YYYY or YYYY-MM-DD; Sex M or F).
type PassengerInput struct {
	PersonID      string
	LastNameEng   string
	FirstNameEng  string
	MiddleNameEng string
	BirthDay      string
	Sex           string
}

// BookedPassenger is a passenger of a stored booking: the list's data as it
// was when the booking was made.
type BookedPassenger struct {
	PersonID      string
	IsEmployee    bool
	LastNameEng   string
	FirstNameEng  string
	MiddleNameEng string
	BirthDay      Date
	Sex           string
	CategoryCode  int
}

// bookedPassenger returns p as a booking carries it.
func bookedPassenger(p Person) BookedPassenger {
	return BookedPassenger{
		PersonID: p.ID, IsEmployee: p.IsEmployee,
		LastNameEng: p.LastNameEng, FirstNameEng: p.FirstNameEng, MiddleNameEng: p.MiddleNameEng,
		BirthDay: p.BirthDay, Sex: p.Sex, CategoryCode: p.CategoryCode,
	}
}

// activeEmployee returns the person with the ID when they are an active
// employee, or [ErrBlocked].
func activeEmployee(ctx context.Context, people PeopleStore, id string) (Person, error) {
	p, err := people.Person(ctx, id)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return Person{}, ErrBlocked
	}
	if err != nil {
		return Person{}, fmt.Errorf("staffid: employee %s: %w", id, err)
	}
	if p.Blocked || !p.IsEmployee {
		return Person{}, ErrBlocked
	}
	return p, nil
}

// groupOf returns the whole group of an active employee, blocked people
// included, the employee first.
func groupOf(ctx context.Context, people PeopleStore, employeeID string) (Person, []Person, error) {
	emp, err := activeEmployee(ctx, people, employeeID)
	if err != nil {
		return Person{}, nil, err
	}
	group, err := people.GroupPeople(ctx, emp.GroupKey)
	if err != nil {
		return Person{}, nil, fmt.Errorf("staffid: group of %s: %w", employeeID, err)
	}
	return emp, group, nil
}

// Passengers returns the people an active employee may book for: the
// employee first, then their companions that are not blocked, by ID. It is
// read-only: companions come from the airline's list alone. A blocked or
// unknown employee is [ErrBlocked].
func Passengers(ctx context.Context, people PeopleStore, employeeID string) ([]Person, error) {
	emp, group, err := groupOf(ctx, people, employeeID)
	if err != nil {
		return nil, err
	}
	out := []Person{emp}
	for _, p := range group {
		if p.ID != emp.ID && !p.Blocked {
			out = append(out, p)
		}
	}
	return out, nil
}

// CheckPassengers checks a booking's passengers against the employee's
// group (as [PeopleStore.GroupPeople] returns it, blocked people included)
// and returns them with the list's data. Errors are
// *bookingkit.ValidationError values naming the field, e.g.
// "passengers[1].birth_day": a person outside the group (or unknown), a
// blocked companion, a passenger listed twice, or data that differs from
// the list.
func CheckPassengers(group []Person, in []PassengerInput) ([]BookedPassenger, error) {
	switch {
	case len(in) == 0:
		return nil, bookingkit.Invalidf("passengers", "", "at least one passenger")
	case len(in) > MaxBookingPassengers:
		return nil, bookingkit.Invalidf("passengers", strconv.Itoa(len(in)), "at most %d passengers in one booking", MaxBookingPassengers)
	}
	byID := make(map[string]Person, len(group))
	for _, p := range group {
		byID[p.ID] = p
	}
	out := make([]BookedPassenger, len(in))
	seen := make(map[string]int, len(in))
	for i, pi := range in {
		prefix := fmt.Sprintf("passengers[%d].", i)
		id := strings.TrimSpace(pi.PersonID)
		if id == "" {
			return nil, bookingkit.Invalidf(prefix+"person_id", "", "required: the ID of one of your passengers")
		}
		p, ok := byID[id]
		if !ok {
			return nil, bookingkit.Invalidf(prefix+"person_id", id, "not one of your passengers: you may book only for yourself and the companions on your airline's list")
		}
		if p.Blocked {
			return nil, bookingkit.Invalidf(prefix+"person_id", id, "this companion is blocked: they are not on your airline's current list")
		}
		if first, dup := seen[id]; dup {
			return nil, bookingkit.Invalidf(prefix+"person_id", id, "the same passenger as passengers[%d]", first)
		}
		seen[id] = i
		if err := sameAsList(prefix, pi, p); err != nil {
			return nil, err
		}
		out[i] = bookedPassenger(p)
	}
	return out, nil
}

// sameAsList checks that every field given in pi equals the list's p.
func sameAsList(prefix string, pi PassengerInput, p Person) error {
	changed := func(field, given, listed string) error {
		return bookingkit.Invalidf(prefix+field, given, "differs from your airline's list (%q): passenger data cannot be changed; ask your staff travel office to correct the list", listed)
	}
	names := []struct {
		field, given, listed string
	}{
		{"last_name_eng", pi.LastNameEng, p.LastNameEng},
		{"first_name_eng", pi.FirstNameEng, p.FirstNameEng},
		{"middle_name_eng", pi.MiddleNameEng, p.MiddleNameEng},
	}
	for _, n := range names {
		if strings.TrimSpace(n.given) != "" && Normalize(n.given) != Normalize(n.listed) {
			return changed(n.field, n.given, n.listed)
		}
	}
	if given := strings.TrimSpace(pi.BirthDay); given != "" {
		d, err := parseFormDate(given)
		if err != nil {
			return bookingkit.Invalidf(prefix+"birth_day", given, "a date as DD.MM.YYYY")
		}
		if d != p.BirthDay {
			return changed("birth_day", given, p.BirthDay.String())
		}
	}
	if given := strings.TrimSpace(pi.Sex); given != "" && !strings.EqualFold(given, p.Sex) {
		return changed("sex", given, p.Sex)
	}
	return nil
}

// checkEstimated checks the passengers of an estimate ([Bookings.Estimate])
// before any: at most [MaxBookingPassengers], as in a booking.
func checkEstimated(ids []string) error {
	if len(ids) > MaxBookingPassengers {
		return bookingkit.Invalidf("passengers", strconv.Itoa(len(ids)), "at most %d", MaxBookingPassengers)
	}
	return nil
}

// estimated returns the person with the ID id among passengers (as
// [Passengers] lists them: blocked companions are not there), the i-th
// passenger of an estimate ("passengers[i]": not one of your passengers
// otherwise).
func estimated(passengers []Person, i int, id string) (Person, error) {
	id = strings.TrimSpace(id)
	j := slices.IndexFunc(passengers, func(p Person) bool { return p.ID == id })
	if j < 0 {
		return Person{}, bookingkit.Invalidf(fmt.Sprintf("passengers[%d]", i), id, "not one of your passengers")
	}
	return passengers[j], nil
}
