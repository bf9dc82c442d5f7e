package standby

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OrderKey names one of the keys of the queue order, in decreasing weight.
type OrderKey int

// The queue order's keys. The first five are the seed's; BookingID and
// Passenger only make the order total, so every process computes the same
// queue.
const (
	KeyNone       OrderKey = iota // the entries are equal in every key
	KeyEmployer                   // the passenger works for the operating carrier
	KeyCabin                      // first, business, premium economy, economy
	KeyCategory                   // category code 0..9, lower first
	KeyEmployedOn                 // earlier employment date first
	KeyBookedAt                   // earlier completed booking first
	KeyBookingID                  // tie-break: booking ID, byte order
	KeyPassenger                  // tie-break: passenger index in the booking
)

var orderKeyNames = [...]string{
	KeyNone:       "none",
	KeyEmployer:   "employer",
	KeyCabin:      "cabin",
	KeyCategory:   "category",
	KeyEmployedOn: "employed_on",
	KeyBookedAt:   "booked_at",
	KeyBookingID:  "booking_id",
	KeyPassenger:  "passenger",
}

// String returns the key's name, as used in JSON and logs.
func (k OrderKey) String() string {
	if k < KeyNone || k > KeyPassenger {
		return fmt.Sprintf("OrderKey(%d)", int(k))
	}
	return orderKeyNames[k]
}

// Compare orders two entries of the same flight: negative if a goes before b.
//
// The keys, in decreasing weight:
//
//  1. a passenger employed by the flight's operating carrier goes first
//     (codes compared ignoring case and surrounding spaces);
//  2. the lower [Cabin] first: first, business, premium economy, economy;
//  3. the lower category code first;
//  4. the earlier employment date first (calendar day of EmployedOn in its
//     own location; the time of day does not count);
//  5. the earlier BookedAt first, to the microsecond;
//
// then BookingID (byte order) and Passenger, so that Compare returns 0 only
// for two entries of the same passenger and the order is total.
//
// Compare does not look at Flight beyond its carrier: entries of different
// flights are ordered as if they stood in one queue. Group entries by
// [Flight.Key] first.
func Compare(a, b Entry) int {
	_, c := compareEntries(a, b)
	return c
}

// compareEntries returns the first key on which a and b differ and the
// result of the comparison on it. It is the one definition of the order;
// Compare and Explain both use it.
func compareEntries(a, b Entry) (OrderKey, int) {
	if ao, bo := worksForOperator(a), worksForOperator(b); ao != bo {
		if ao {
			return KeyEmployer, -1
		}
		return KeyEmployer, 1
	}
	if c := cmp.Compare(a.Cabin, b.Cabin); c != 0 {
		return KeyCabin, c
	}
	if c := cmp.Compare(a.Category, b.Category); c != 0 {
		return KeyCategory, c
	}
	if c := cmp.Compare(dayNumber(a.EmployedOn), dayNumber(b.EmployedOn)); c != 0 {
		return KeyEmployedOn, c
	}
	if c := cmp.Compare(a.BookedAt.UnixMicro(), b.BookedAt.UnixMicro()); c != 0 {
		return KeyBookedAt, c
	}
	if c := strings.Compare(a.BookingID, b.BookingID); c != 0 {
		return KeyBookingID, c
	}
	if c := cmp.Compare(a.Passenger, b.Passenger); c != 0 {
		return KeyPassenger, c
	}
	return KeyNone, 0
}

// Sort puts the entries of one flight into queue order.
//
// The order is total, so the result does not depend on the input order
// except for entries of the same passenger listed twice, which keep their
// relative order.
func Sort(entries []Entry) {
	slices.SortStableFunc(entries, Compare)
}

// worksForOperator reports whether e's passenger (a companion: their
// employee) works for the operating carrier of e's flight.
func worksForOperator(e Entry) bool {
	employer := strings.TrimSpace(e.Employer)
	return employer != "" && strings.EqualFold(employer, strings.TrimSpace(e.Flight.Carrier))
}

// dayNumber maps a calendar day, read in t's own location, to an integer
// that grows with the date.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return y<<9 | int(m)<<5 | d
}

// dayFromNumber inverts dayNumber for a non-negative day number.
func dayFromNumber(n int) time.Time {
	return time.Date(n>>9, time.Month(n>>5&0xf), n&0x1f, 0, 0, 0, 0, time.UTC)
}

// Explanation says why one entry stands ahead of another.
type Explanation struct {
	// Key is the first key of the order on which the entries differ;
	// KeyNone when they are the same passenger.
	Key OrderKey
	// Order is the sign of Compare(a, b): -1 when a goes first, 1 when b
	// does, 0 for the same passenger.
	Order int
	// Text is a sentence for a person, e.g. "booking BK1 passenger 0 is
	// ahead of booking BK2 passenger 0: business goes before economy".
	Text string
}

// String returns e.Text.
func (e Explanation) String() string { return e.Text }

// Explain names the key that puts one of a and b ahead of the other, with a
// sentence that can be shown to the passenger who asks why. Its Order
// always agrees with [Compare].
func Explain(a, b Entry) Explanation {
	key, order := compareEntries(a, b)
	if order == 0 {
		return Explanation{Key: KeyNone, Order: 0, Text: fmt.Sprintf("%s and %s are the same passenger", label(a), label(b))}
	}
	first, second := a, b
	if order > 0 {
		first, second = b, a
	}
	return Explanation{
		Key:   key,
		Order: order,
		Text:  fmt.Sprintf("%s is ahead of %s: %s", label(first), label(second), reason(key, first, second)),
	}
}

// reason says, for the deciding key, why first goes before second.
func reason(key OrderKey, first, second Entry) string {
	switch key {
	case KeyEmployer:
		carrier := strings.ToUpper(strings.TrimSpace(first.Flight.Carrier))
		return fmt.Sprintf("staff of the operating carrier %s go first, and the other passenger's employer is %s",
			carrier, strings.ToUpper(strings.TrimSpace(second.Employer)))
	case KeyCabin:
		return fmt.Sprintf("%s goes before %s", first.Cabin.label(), second.Cabin.label())
	case KeyCategory:
		return fmt.Sprintf("category %d goes before category %d (the lower code first)", first.Category, second.Category)
	case KeyEmployedOn:
		return fmt.Sprintf("employed since %s, longer than since %s", first.EmployedOn.Format(time.DateOnly), second.EmployedOn.Format(time.DateOnly))
	case KeyBookedAt:
		return fmt.Sprintf("booked at %s, before %s", formatBookedAt(first.BookedAt), formatBookedAt(second.BookedAt))
	case KeyBookingID:
		return fmt.Sprintf("everything else is equal, so the booking IDs decide: %q sorts before %q", first.BookingID, second.BookingID)
	default: // KeyPassenger
		return fmt.Sprintf("same booking, and passenger %d is listed before passenger %d", first.Passenger, second.Passenger)
	}
}

// formatBookedAt prints a booking time in UTC to the precision that counts.
func formatBookedAt(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02 15:04:05.999999 UTC")
}

func label(e Entry) string {
	if e.BookingID == "" {
		return fmt.Sprintf("the new booking's passenger %d", e.Passenger)
	}
	return fmt.Sprintf("booking %s passenger %d", e.BookingID, e.Passenger)
}

// sortKey is an entry's position in the order, computed once when the entry
// enters a live queue: keys 1 to 4 packed into one integer, then the rest.
// compareKeys(keyOf(a), keyOf(b)) has the sign of Compare(a, b) for valid
// entries (cabin 0..3, category 0..9, years 1900..9999); the tests check it.
type sortKey struct {
	rank      uint64 // not-operator staff bit, cabin, category, employment day
	bookedAt  int64  // Unix microseconds
	bookingID string
	passenger int
}

func keyOf(e Entry) sortKey {
	var rank uint64
	if !worksForOperator(e) {
		rank = 1 << 62
	}
	rank |= uint64(e.Cabin&0xff) << 54
	rank |= uint64(e.Category&0xff) << 46
	rank |= uint64(dayNumber(e.EmployedOn)) & (1<<46 - 1)
	return sortKey{rank: rank, bookedAt: e.BookedAt.UnixMicro(), bookingID: e.BookingID, passenger: e.Passenger}
}

func compareKeys(a, b *sortKey) int {
	if a.rank != b.rank {
		if a.rank < b.rank {
			return -1
		}
		return 1
	}
	if a.bookedAt != b.bookedAt {
		if a.bookedAt < b.bookedAt {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.bookingID, b.bookingID); c != 0 {
		return c
	}
	return cmp.Compare(a.passenger, b.passenger)
}
