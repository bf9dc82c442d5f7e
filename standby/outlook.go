package standby

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Seats is what a booking engine sees of a flight's cabin when it shows a
// standby fare: the seats open now and, optionally, the passengers it
// expects not to show up (each of whom frees a seat at the gate).
type Seats struct {
	Open    int
	NoShows int
}

// Validate refuses negative figures, naming open_seats or
// expected_no_shows.
func (s Seats) Validate() error {
	if s.Open < 0 {
		return bookingkit.Invalid("open_seats", strconv.Itoa(s.Open), "a number of seats, 0 or more")
	}
	if s.NoShows < 0 {
		return bookingkit.Invalid("expected_no_shows", strconv.Itoa(s.NoShows), "a number of passengers, 0 or more")
	}
	return nil
}

// ChanceLevel is how likely a party is to board on standby.
type ChanceLevel string

// The levels of [PartyChance]'s rule.
const (
	Likely   ChanceLevel = "likely"   // the whole party fits in the seats open now
	Possible ChanceLevel = "possible" // it fits only if the expected no-shows happen
	Unlikely ChanceLevel = "unlikely" // it does not fit even then
)

// Chance is a party's chance of boarding on standby, with its reason in
// words.
type Chance struct {
	Level ChanceLevel
	// LastPlace is the place the party's last traveller would stand at:
	// the party's members count for each other, since those booked
	// together stand one behind the other where their places meet.
	LastPlace int
	// Fitting is how many of the party's travellers fit in the seats open
	// now; when it is not all of them, a party that must travel together
	// waits for the last one.
	Fitting int
	Reason  string
}

// PartyLastPlace returns where the last of a party would stand, given each
// member's place on their own ([Service.Estimate]): sorted, the k-th
// member (from 0) has k of the party ahead of them, so stands at place
// k-th + k. The result is the largest of those.
func PartyLastPlace(places []int) int {
	sorted := slices.Sorted(slices.Values(places))
	last := 0
	for k, p := range sorted {
		last = max(last, p+k)
	}
	return last
}

// PartyChance is the rule that turns a party's places ([Service.Estimate],
// each on their own) and a cabin's seats into a chance of boarding:
//
//   - Likely when the party's last place ([PartyLastPlace]) is at most
//     the seats open now;
//   - Possible when it is beyond them but at most the seats open plus the
//     expected no-shows;
//   - Unlikely otherwise.
//
// It is deterministic: the same places and seats give the same chance.
// It knows nothing of who stands ahead; [Service.Outlook] adds that to the
// reason.
func PartyChance(places []int, seats Seats) Chance {
	last := PartyLastPlace(places)
	sorted := slices.Sorted(slices.Values(places))
	fitting := 0
	for k, p := range sorted {
		if p+k <= seats.Open {
			fitting++
		}
	}
	c := Chance{LastPlace: last, Fitting: fitting}
	party := "you would stand at place " + strconv.Itoa(last)
	if len(places) > 1 {
		party = fmt.Sprintf("your party of %d would stand at places up to %d", len(places), last)
	}
	open := seatsWord(seats.Open, "seat") + " open"
	switch {
	case last <= seats.Open:
		c.Level = Likely
		c.Reason = fmt.Sprintf("%s and %s", party, open)
	case last <= seats.Open+seats.NoShows:
		c.Level = Possible
		c.Reason = fmt.Sprintf("%s and %s: it depends on the %s expected", party, open, seatsWord(seats.NoShows, "no-show"))
	default:
		c.Level = Unlikely
		c.Reason = fmt.Sprintf("%s and %s", party, open)
		if seats.NoShows > 0 {
			c.Reason += fmt.Sprintf(", with %s expected", seatsWord(seats.NoShows, "no-show"))
		}
	}
	if c.Level != Likely && len(places) > 1 && fitting > 0 {
		c.Reason += fmt.Sprintf("; %d of the %d fit now", fitting, len(places))
	}
	return c
}

func seatsWord(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// Outlook is what a standby fare's search result shows: the place each of
// a party would get if booked now, each on their own (as
// [Service.Estimate]), and with the cabin's seats the party's chance of
// boarding.
type Outlook struct {
	// NoStandby is set, and nothing else, when the flight takes no
	// standby passengers (closed or departed).
	NoStandby *NoStandbyError
	Places    []int
	Chance    *Chance // nil without seat figures: no guess
}

// PartyOnFlight is one question of [Service.Outlooks]: a party of
// prospective passengers (as for [Service.Estimate]) on a flight, with
// the cabin's seats when the engine knows them.
type PartyOnFlight struct {
	Flight Flight
	Party  []Entry
	Seats  *Seats
}

// Outlook answers one [PartyOnFlight]: see [Service.Outlooks]. A flight
// that takes no standby passengers is a [*NoStandbyError], as for
// [Service.Estimate].
func (s *Service) Outlook(ctx context.Context, flight Flight, party []Entry, seats *Seats) (Outlook, error) {
	out, err := s.Outlooks(ctx, []PartyOnFlight{{Flight: flight, Party: party, Seats: seats}})
	if err != nil {
		return Outlook{}, err
	}
	if out[0].NoStandby != nil {
		return Outlook{}, out[0].NoStandby
	}
	return out[0], nil
}

// Outlooks answers a search results page in one step: for each question,
// where each of the party would stand if booked now and, with seats, the
// party's chance by [PartyChance]. The flights' closing and versions are
// read from the store in one read for the page; a closed or departed
// flight answers NoStandby. When the party does not all fit in the seats
// open now, the chance's reason says why the passenger in the last open
// seat stands ahead of the party's last traveller ([Explain]'s deciding
// key, told without naming that passenger or their booking). A bad
// flight, entry or seat figure is an error for the whole page.
func (s *Service) Outlooks(ctx context.Context, asks []PartyOnFlight) ([]Outlook, error) {
	flights := make([]Flight, len(asks))
	keys := make([]FlightKey, 0, len(asks))
	for i, a := range asks {
		f, err := a.Flight.Normalize()
		if err != nil {
			return nil, err
		}
		if a.Seats != nil {
			if err := a.Seats.Validate(); err != nil {
				return nil, err
			}
		}
		flights[i] = f
		keys = append(keys, f.key())
	}
	states, err := s.Store.FlightStates(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("standby: flights' states: %w", err)
	}
	now := s.now()
	out := make([]Outlook, len(asks))
	for i, a := range asks {
		f, key := flights[i], keys[i]
		switch {
		case Departed(f, now):
			out[i].NoStandby = &NoStandbyError{Flight: key}
			continue
		case states[key].Closed:
			out[i].NoStandby = &NoStandbyError{Flight: key, Closed: true}
			continue
		}
		q, err := s.queueAt(ctx, key, states[key].Version)
		if err != nil {
			return nil, err
		}
		if q == nil {
			q = newQueue(f)
		}
		if out[i], err = outlook(q, f, a.Party, a.Seats, now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// outlook estimates a party in q and, with seats, its chance.
func outlook(q *Queue, f Flight, party []Entry, seats *Seats, now time.Time) (Outlook, error) {
	out := Outlook{Places: make([]int, len(party))}
	party = slices.Clone(party)
	lastMember := -1
	for i := range party {
		e := &party[i]
		e.Flight = f
		if e.BookedAt.IsZero() {
			e.BookedAt = now
		}
		var err error
		if out.Places[i], err = q.Estimate(*e); err != nil {
			return Outlook{}, err
		}
		if lastMember < 0 || out.Places[i] > out.Places[lastMember] {
			lastMember = i
		}
	}
	if seats == nil || len(party) == 0 {
		return out, nil
	}
	c := PartyChance(out.Places, *seats)
	if c.Level != Likely && seats.Open > 0 {
		if ahead, ok := q.At(seats.Open); ok {
			if x := Explain(ahead, party[lastMember]); x.Order < 0 {
				c.Reason += "; the passenger in the last open seat goes first: " + aheadBecause(x.Key, ahead, party[lastMember])
			}
		}
	}
	out.Chance = &c
	return out, nil
}

// aheadBecause says why first goes before second in the words a
// traveller may read of another: what the anonymised queue view shows
// (operating carrier's staff, cabin, category) is named, the rest
// (employment date, booking time) only in kind.
func aheadBecause(key OrderKey, first, second Entry) string {
	switch key {
	case KeyEmployer, KeyCabin, KeyCategory:
		return reason(key, first, second)
	case KeyEmployedOn:
		return "same cabin and category, and an earlier employment date"
	default:
		return "same cabin, category and employment date, and booked earlier"
	}
}
