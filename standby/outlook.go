package standby

import (
	"context"
	"fmt"
	"slices"
	"strconv"

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
	Places []int
	Chance *Chance // nil without seat figures: no guess
}

// Outlook estimates a party on one flight in one step: the flight is
// checked once ([Service.CheckOpen]: a closed or departed one is a
// [*NoStandbyError]) and its queue read once. Each entry of party is a
// prospective passenger as for [Service.Estimate]. With seats, the answer
// carries [PartyChance]'s chance; when the party does not all fit in the
// seats open now, the reason says why the passenger in the last open seat
// stands ahead of the party's last traveller ([Explain]'s deciding key,
// told without naming that passenger or their booking).
func (s *Service) Outlook(ctx context.Context, flight Flight, party []Entry, seats *Seats) (Outlook, error) {
	f, err := flight.Normalize()
	if err != nil {
		return Outlook{}, err
	}
	if seats != nil {
		if err := seats.Validate(); err != nil {
			return Outlook{}, err
		}
	}
	if err := s.checkOpen(ctx, f); err != nil {
		return Outlook{}, err
	}
	q, err := s.readQueue(ctx, f.key())
	if err != nil {
		return Outlook{}, err
	}
	if q == nil {
		q = newQueue(f)
	}
	now := s.now()
	out := Outlook{Places: make([]int, len(party))}
	party = slices.Clone(party)
	lastMember := -1
	for i := range party {
		e := &party[i]
		e.Flight = f
		if e.BookedAt.IsZero() {
			e.BookedAt = now
		}
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
