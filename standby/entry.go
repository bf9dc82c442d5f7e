package standby

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
)

// Cabin is the cabin of the booking class a standby passenger holds. A
// lower value boards first.
type Cabin int

// The cabins, in boarding order. The seed names only business before
// economy; first (where sold) goes before business and premium economy
// between business and economy.
const (
	First Cabin = iota
	Business
	PremiumEconomy
	Economy
)

var cabinNames = [...]string{
	First:          "first",
	Business:       "business",
	PremiumEconomy: "premium_economy",
	Economy:        "economy",
}

// Valid reports whether c is one of the four cabins.
func (c Cabin) Valid() bool { return c >= First && c <= Economy }

// String returns "first", "business", "premium_economy" or "economy"; the
// same names [ParseCabin] and JSON use.
func (c Cabin) String() string {
	if !c.Valid() {
		return "Cabin(" + strconv.Itoa(int(c)) + ")"
	}
	return cabinNames[c]
}

// label is the cabin's name in a sentence.
func (c Cabin) label() string { return strings.ReplaceAll(c.String(), "_", " ") }

// ParseCabin reads a cabin name, ignoring case and accepting a space or a
// hyphen for the underscore in "premium_economy".
func ParseCabin(s string) (Cabin, error) {
	name := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	for c, n := range cabinNames {
		if name == n {
			return Cabin(c), nil
		}
	}
	return 0, bookingkit.Invalid("cabin", s, "expected first, business, premium_economy or economy")
}

// MarshalText writes the cabin's name, so JSON carries "business", not 1.
func (c Cabin) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, bookingkit.Invalid("cabin", strconv.Itoa(int(c)), "not a cabin")
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a cabin name with [ParseCabin].
func (c *Cabin) UnmarshalText(text []byte) error {
	v, err := ParseCabin(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Entry is one passenger of one standby booking on one flight: the data the
// queue order is computed from. A booking with several passengers has one
// Entry per passenger (and per flight, when it has several flights).
type Entry struct {
	BookingID string
	Passenger int // index of the passenger inside the booking
	// Traveller identifies the person travelling, the same in every
	// booking they are on: the employee list's person ID for a staff
	// booking, the engine's own ID of the passenger (a profile or loyalty
	// number) for its bookings. One person has one place per flight: a
	// Store refuses a second active entry of the same Traveller on a
	// flight. Empty means unknown, and such an entry is not checked. It
	// plays no part in the order.
	Traveller  string
	Flight     Flight
	Employer   string // IATA code of the airline employing the passenger (a companion: their employee's)
	Cabin      Cabin
	Category   int       // 0..9
	EmployedOn time.Time // employment date (a companion: their employee's)
	BookedAt   time.Time // when the booking was completed
}

// Limits on the identifying fields of an entry.
const (
	MaxBookingIDLen = 64  // bytes
	MaxTravellerLen = 64  // bytes
	MaxPassengers   = 100 // passenger indexes are 0..MaxPassengers-1
	MaxCategory     = 9
)

// EntryID identifies an entry: a passenger of a booking on a flight. The
// same booking may stand in the queues of several flights.
type EntryID struct {
	Flight    FlightKey
	BookingID string
	Passenger int
}

// String prints the ID as "SU-100-2026-11-23/BK1/0".
func (id EntryID) String() string {
	return string(id.Flight) + "/" + id.BookingID + "/" + strconv.Itoa(id.Passenger)
}

// ID returns the entry's identity.
func (e Entry) ID() EntryID {
	return EntryID{Flight: e.Flight.Key(), BookingID: e.BookingID, Passenger: e.Passenger}
}

// Normalize checks every field of e and returns it in canonical form: the
// flight normalised ([Flight.Normalize]), the employer upper case,
// EmployedOn at midnight UTC of its calendar day (read in its own location),
// and BookedAt in UTC truncated to the microsecond — the precision every
// storage adapter keeps, so a queue rebuilt from storage orders exactly as
// the live one did. [Compare] gives the same answer for e and its
// normalised form.
//
// Errors are [*bookingkit.ValidationError] values naming the field.
func (e Entry) Normalize() (Entry, error) {
	if err := validateBookingID(e.BookingID); err != nil {
		return Entry{}, err
	}
	return e.normalizeRest()
}

// normalizeRest checks everything but the booking ID, which a prospective
// entry (an estimate) does not have yet.
func (e Entry) normalizeRest() (Entry, error) {
	f, err := e.Flight.Normalize()
	if err != nil {
		return Entry{}, err
	}
	return e.normalizeOn(f)
}

// normalizeOn checks the passenger's fields of e, taking f as its already
// normalised flight.
func (e Entry) normalizeOn(f Flight) (Entry, error) {
	if e.Passenger < 0 || e.Passenger >= MaxPassengers {
		return Entry{}, bookingkit.Invalid("passenger", strconv.Itoa(e.Passenger), fmt.Sprintf("expected a passenger index from 0 to %d", MaxPassengers-1))
	}
	if err := validateTraveller(e.Traveller); err != nil {
		return Entry{}, err
	}
	employer, err := NormalizeCarrier(e.Employer)
	if err != nil {
		return Entry{}, withField(err, "employer")
	}
	if !e.Cabin.Valid() {
		return Entry{}, bookingkit.Invalid("cabin", strconv.Itoa(int(e.Cabin)), "expected first, business, premium_economy or economy")
	}
	if e.Category < 0 || e.Category > MaxCategory {
		return Entry{}, bookingkit.Invalid("category", strconv.Itoa(e.Category), "expected a category code from 0 to 9")
	}
	employedOn, err := normalizeDate("employed_on", e.EmployedOn)
	if err != nil {
		return Entry{}, err
	}
	if err := validateBookedAt(e.BookedAt); err != nil {
		return Entry{}, err
	}
	return Entry{
		BookingID:  e.BookingID,
		Passenger:  e.Passenger,
		Traveller:  e.Traveller,
		Flight:     f,
		Employer:   employer,
		Cabin:      e.Cabin,
		Category:   e.Category,
		EmployedOn: employedOn,
		BookedAt:   e.BookedAt.UTC().Truncate(time.Microsecond),
	}, nil
}

// validateBookingID accepts any printable UTF-8 text of at most
// MaxBookingIDLen bytes without surrounding spaces: booking engines number
// their bookings in many ways, but the ID is also a storage key and is
// printed in logs.
func validateBookingID(id string) error {
	switch {
	case id == "":
		return bookingkit.Invalid("booking_id", "", "required")
	case len(id) > MaxBookingIDLen:
		return bookingkit.Invalid("booking_id", id, fmt.Sprintf("at most %d bytes", MaxBookingIDLen))
	case !utf8.ValidString(id):
		return bookingkit.Invalid("booking_id", strings.ToValidUTF8(id, "\uFFFD"), "not valid UTF-8")
	case strings.TrimSpace(id) != id:
		return bookingkit.Invalid("booking_id", id, "has leading or trailing spaces")
	}
	for _, r := range id {
		if !unicode.IsPrint(r) {
			return bookingkit.Invalid("booking_id", id, "contains a control or non-printable character")
		}
	}
	return nil
}

// validateTraveller accepts an empty ID (unknown) or printable UTF-8 text
// of at most MaxTravellerLen bytes without surrounding spaces, the rule of
// booking IDs: it is a storage key too.
func validateTraveller(id string) error {
	if id == "" {
		return nil
	}
	if len(id) > MaxTravellerLen {
		return bookingkit.Invalid("traveller", id, fmt.Sprintf("at most %d bytes", MaxTravellerLen))
	}
	if err := validateBookingID(id); err != nil {
		if ve, ok := err.(*bookingkit.ValidationError); ok {
			return bookingkit.Invalid("traveller", ve.Value, ve.Reason)
		}
		return err
	}
	return nil
}

// AlreadyQueuedError refuses a second place for one person on one flight:
// the traveller already stands in the flight's queue with another booking
// (or another passenger of the same one). It matches
// [bookingkit.ErrConflict].
type AlreadyQueuedError struct {
	Flight    FlightKey
	Traveller string
	BookingID string // the booking that holds the place
}

func (e *AlreadyQueuedError) Error() string {
	return fmt.Sprintf("standby: traveller %s already stands in the standby queue of %s with booking %s: one place per person and flight; cancel that booking first",
		e.Traveller, e.Flight, e.BookingID)
}

// Is makes an *AlreadyQueuedError match bookingkit.ErrConflict.
func (e *AlreadyQueuedError) Is(target error) bool { return target == bookingkit.ErrConflict }

func validateBookedAt(t time.Time) error {
	if t.IsZero() {
		return bookingkit.Invalid("booked_at", "", "required")
	}
	if y := t.UTC().Year(); y < minYear || y > maxYear {
		return bookingkit.Invalid("booked_at", t.UTC().Format(time.RFC3339), fmt.Sprintf("the year must be between %d and %d", minYear, maxYear))
	}
	return nil
}
