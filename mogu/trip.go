package mogu

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit"
)

// Limits on the data the engine hands to MOGU.
const (
	MaxBookingIDLen = 64  // bytes
	MaxIDLen        = 64  // bytes, for microsite, agency, account and operator IDs
	MaxEmailLen     = 254 // bytes, the longest address SMTP carries
	MaxTitleLen     = 200 // bytes
	MaxTravelers    = 99
)

// Trip is a booking registered in MOGU: the [Booking] the linking rules
// read, plus what the app shows and what bounds the claims.
type Trip struct {
	Booking
	Title     string    // what the app shows as the trip's name, e.g. "Madrid – Tenerife"
	Travelers int       // people travelling; at most this many accounts may claim the trip
	Start     time.Time // first departure
	End       time.Time // last arrival; the trip is upcoming until then, and its token expires some days later

	// Set by the service before storing; adapters store them as given and
	// query on them (see [TripStore]).
	ContactKey    string // EmailKey(ContactEmail)
	ListedByEmail bool   // ContactIsTraveler(): the contact's account sees the trip without scanning

	// Kept by the store.
	TokenGeneration uint32    // starts at 1; each reissue of the voucher adds one, which voids older tokens
	RegisteredAt    time.Time // when the booking was first registered
	UpdatedAt       time.Time // when the engine last sent it
	Claims          int       // accounts linked by claiming (scanning) the voucher
}

// Normalize checks the fields the engine sends and returns t with emails
// trimmed, times in UTC truncated to the microsecond (the precision every
// storage adapter keeps), and ContactKey and ListedByEmail derived. It
// returns a [*bookingkit.ValidationError] naming the first bad field.
//
// A B2B booking must name its agency account and the agent's email: without
// the agent's email nobody could tell whether the contact email is the
// traveller's, and listing an agent's booking in the agent's own app is the
// leak the rules exist to prevent. A B2C booking has neither.
func (t Trip) Normalize() (Trip, error) {
	if err := validateBookingID(t.ID); err != nil {
		return Trip{}, err
	}
	t.ContactEmail = strings.TrimSpace(t.ContactEmail)
	t.AgentEmail = strings.TrimSpace(t.AgentEmail)
	if err := validateEmail("contact_email", t.ContactEmail); err != nil {
		return Trip{}, err
	}
	switch t.Channel {
	case B2C:
		if t.AgentEmail != "" {
			return Trip{}, bookingkit.Invalid("agent_email", t.AgentEmail, "must be empty for a B2C booking")
		}
		if t.AgencyID != "" {
			return Trip{}, bookingkit.Invalid("agency_id", t.AgencyID, "must be empty for a B2C booking")
		}
	case B2B:
		if err := validateEmail("agent_email", t.AgentEmail); err != nil {
			return Trip{}, err
		}
		if err := validateID("agency_id", t.AgencyID); err != nil {
			return Trip{}, err
		}
	default:
		return Trip{}, bookingkit.Invalid("channel", t.Channel.String(), "expected b2c or b2b")
	}
	if err := validateID("microsite_id", t.MicrositeID); err != nil {
		return Trip{}, err
	}
	if len(t.Title) > MaxTitleLen || !utf8.ValidString(t.Title) {
		return Trip{}, bookingkit.Invalid("title", strings.ToValidUTF8(t.Title, "\uFFFD"), fmt.Sprintf("at most %d bytes of UTF-8 text", MaxTitleLen))
	}
	if t.Travelers < 1 || t.Travelers > MaxTravelers {
		return Trip{}, bookingkit.Invalid("travelers", strconv.Itoa(t.Travelers), fmt.Sprintf("from 1 to %d", MaxTravelers))
	}
	if t.Start.IsZero() {
		return Trip{}, bookingkit.Invalid("start", "", "required")
	}
	if t.End.IsZero() {
		return Trip{}, bookingkit.Invalid("end", "", "required")
	}
	if t.End.Before(t.Start) {
		return Trip{}, bookingkit.Invalid("end", t.End.UTC().Format(time.RFC3339), "before the start "+t.Start.UTC().Format(time.RFC3339))
	}
	t.Start = t.Start.UTC().Truncate(time.Microsecond)
	t.End = t.End.UTC().Truncate(time.Microsecond)
	t.ContactKey = EmailKey(t.ContactEmail)
	t.ListedByEmail = t.ContactIsTraveler()
	return t, nil
}

// Account is an app account as MOGU needs it: the identity the accounts
// machinery (registration, sign-in, sessions) vouches for. MOGU trusts
// Email to be the account's verified address: listing trips by email is
// only as safe as that verification.
type Account struct {
	ID    string
	Email string
}

func (a Account) validate() error {
	if err := validateID("account.id", a.ID); err != nil {
		return err
	}
	return validateEmail("account.email", a.Email)
}

// TripLink ties a trip to an app account that claimed it by scanning.
// Accounts that only see a trip by email have no TripLink.
type TripLink struct {
	BookingID  string
	AccountID  string
	EmailKey   string    // EmailKey of the account's email when it claimed
	Link       Link      // LinkByEmail or LinkAsTraveler, as Decide said at the claim
	Generation uint32    // the token generation it was claimed with
	At         time.Time // when
}

// AccountTrip is one trip as an account sees it.
type AccountTrip struct {
	Trip
	Link     Link      // LinkByEmail or LinkAsTraveler
	Claimed  bool      // the account scanned the voucher; false when the trip is listed by email only
	LinkedAt time.Time // when it claimed; zero when listed by email only
}

// TripCursor is the keyset position after the last trip of a page: trips
// are ordered by Start, then booking ID.
type TripCursor struct {
	Start     time.Time
	BookingID string
}

// Before reports whether the cursor comes before t in trip order, that is
// whether t belongs to the pages after it.
func (c TripCursor) Before(t Trip) bool {
	if !t.Start.Equal(c.Start) {
		return c.Start.Before(t.Start)
	}
	return c.BookingID < t.ID
}

// validateBookingID accepts printable UTF-8 text of at most MaxBookingIDLen
// bytes without surrounding spaces: engines number bookings in many ways,
// but the ID is also a storage key, part of a token, and printed in logs.
func validateBookingID(id string) error {
	return validateText("booking_id", id, MaxBookingIDLen)
}

// ValidateBookingID checks a booking ID as MOGU's methods do (printable
// UTF-8, at most MaxBookingIDLen bytes, no surrounding spaces), for pages
// that show a booking ID without calling one.
func ValidateBookingID(id string) error { return validateBookingID(id) }

func validateID(field, id string) error {
	return validateText(field, id, MaxIDLen)
}

func validateText(field, s string, max int) error {
	switch {
	case s == "":
		return bookingkit.Invalid(field, "", "required")
	case len(s) > max:
		return bookingkit.Invalid(field, strings.ToValidUTF8(s[:max], "")+"…", fmt.Sprintf("at most %d bytes", max))
	case !utf8.ValidString(s):
		return bookingkit.Invalid(field, strings.ToValidUTF8(s, "\uFFFD"), "not valid UTF-8")
	case strings.TrimSpace(s) != s:
		return bookingkit.Invalid(field, s, "has leading or trailing spaces")
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return bookingkit.Invalid(field, strconv.QuoteToASCII(s), "contains a control or non-printable character")
		}
	}
	return nil
}

// validateEmail is deliberately loose: the engine and the accounts
// machinery own address syntax; MOGU only needs something that can be
// compared. It refuses what cannot be an address at all.
func validateEmail(field, email string) error {
	email = strings.TrimSpace(email)
	if err := validateText(field, email, MaxEmailLen); err != nil {
		return err
	}
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t") {
		return bookingkit.Invalid(field, email, "not an email address")
	}
	return nil
}
