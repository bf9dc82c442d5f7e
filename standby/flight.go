package standby

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Flight identifies one flight: its operating carrier, flight number and
// local departure date. A codeshare sold under another marketing number is
// the same flight, so callers pass the operating carrier's number.
//
// Two Flight values may spell the same flight differently ("SU0100" and
// "100" for carrier "su"); [Flight.Normalize] gives the one canonical
// spelling and [Flight.Key] a string that is equal exactly when the flights
// are the same.
type Flight struct {
	Carrier string    // operating carrier, IATA code
	Number  string    // flight number as printed, e.g. "0100" or "100"
	Date    time.Time // local departure date; only Y-M-D counts
}

// FlightKey is the canonical text form of a [Flight], for example
// "SU-100-2026-11-23" or "SU-100A-2026-11-23" with an operational suffix.
// Equal flights have equal keys, so it serves as a map key and as the
// storage key of a flight. [ParseFlightKey] reads it back.
type FlightKey string

// Normalize returns the canonical spelling of f: the carrier in upper case,
// the number without carrier prefix and leading zeros (an operational suffix
// letter kept, upper case), and the date at midnight UTC of f.Date's own
// calendar day. The date is read in the location f.Date carries and is not
// converted: pass the local departure date.
//
// It returns a [*bookingkit.ValidationError] naming the bad field when the
// carrier is not a two-character IATA code, the number is not 1 to 4 digits
// with an optional suffix letter, or the date is missing.
func (f Flight) Normalize() (Flight, error) {
	carrier, err := NormalizeCarrier(f.Carrier)
	if err != nil {
		return Flight{}, withField(err, "flight.carrier")
	}
	number, err := NormalizeFlightNumber(carrier, f.Number)
	if err != nil {
		return Flight{}, err
	}
	date, err := normalizeDate("flight.date", f.Date)
	if err != nil {
		return Flight{}, err
	}
	return Flight{Carrier: carrier, Number: number, Date: date}, nil
}

// Key returns the canonical key of f. For a flight that [Flight.Normalize]
// rejects, Key still returns a deterministic string (upper-cased, spaces
// removed) so it can be logged, but that string does not parse back; check
// Normalize's error before storing anything under a key.
func (f Flight) Key() FlightKey {
	n, err := f.Normalize()
	if err != nil {
		y, m, d := f.Date.Date()
		return FlightKey(fmt.Sprintf("%s-%s-%04d-%02d-%02d",
			stripSpaces(strings.ToUpper(f.Carrier)), stripSpaces(strings.ToUpper(f.Number)), y, m, d))
	}
	return n.key()
}

// key formats an already normalised flight.
func (f Flight) key() FlightKey {
	y, m, d := f.Date.Date()
	b := make([]byte, 0, 24)
	b = append(b, f.Carrier...)
	b = append(b, '-')
	b = append(b, f.Number...)
	b = append(b, '-')
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, int(m), 2)
	b = append(b, '-')
	b = appendPadded(b, d, 2)
	return FlightKey(b)
}

func appendPadded(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// String prints f the way an airport board does: "SU100 2026-11-23".
func (f Flight) String() string {
	n, err := f.Normalize()
	if err != nil {
		return fmt.Sprintf("%s%s %s", f.Carrier, f.Number, f.Date.Format(time.DateOnly))
	}
	return n.Carrier + n.Number + " " + n.Date.Format(time.DateOnly)
}

// Same reports whether f and g are the same flight after normalisation.
// Two flights that do not normalise are never the same.
func (f Flight) Same(g Flight) bool {
	a, err := f.Normalize()
	if err != nil {
		return false
	}
	b, err := g.Normalize()
	if err != nil {
		return false
	}
	return a == b
}

// String returns the key as text.
func (k FlightKey) String() string { return string(k) }

// Flight parses the key; see [ParseFlightKey].
func (k FlightKey) Flight() (Flight, error) { return ParseFlightKey(string(k)) }

// ParseFlightKey reads a key written by [Flight.Key] back into a normalised
// [Flight]. Only the canonical spelling is accepted, so that every flight
// has exactly one key: "SU-0100-2026-11-23" is rejected with a message
// naming "SU-100-2026-11-23".
func ParseFlightKey(s string) (Flight, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 5 {
		return Flight{}, bookingkit.Invalid("flight", s, `expected CARRIER-NUMBER-YYYY-MM-DD, e.g. "SU-100-2026-11-23"`)
	}
	date, err := time.Parse(time.DateOnly, parts[2]+"-"+parts[3]+"-"+parts[4])
	if err != nil {
		return Flight{}, bookingkit.Invalid("flight", s, "the date is not a valid YYYY-MM-DD date")
	}
	f, err := Flight{Carrier: parts[0], Number: parts[1], Date: date}.Normalize()
	if err != nil {
		return Flight{}, err
	}
	if canonical := f.key(); string(canonical) != s {
		return Flight{}, bookingkit.Invalid("flight", s, fmt.Sprintf("not in canonical form; the key of this flight is %q", canonical))
	}
	return f, nil
}

// ParseFlight builds a normalised [Flight] from the three strings a person
// types: carrier ("SU", any case), number ("0100", "SU100", "100A") and the
// local departure date as YYYY-MM-DD.
func ParseFlight(carrier, number, date string) (Flight, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(date))
	if err != nil {
		return Flight{}, bookingkit.Invalid("flight.date", date, "expected a date as YYYY-MM-DD")
	}
	return Flight{Carrier: carrier, Number: number, Date: d}.Normalize()
}

// NormalizeCarrier returns an airline's two-character IATA designator in
// upper case ("su" -> "SU", " s7 " -> "S7"). A designator is two letters or
// digits with at least one letter. The same rule applies to an employer.
func NormalizeCarrier(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) != 2 || !isAlnum(c[0]) || !isAlnum(c[1]) || (isDigit(c[0]) && isDigit(c[1])) {
		return "", bookingkit.Invalid("carrier", code, "expected a two-character IATA airline code such as SU or S7")
	}
	return c, nil
}

// NormalizeFlightNumber returns the canonical flight number of a flight
// operated by carrier (already normalised by [NormalizeCarrier]): spaces
// and a leading carrier code removed, leading zeros removed, an operational
// suffix letter kept in upper case. "SU0100", "su 100", "0100" and "100" all
// give "100"; "100a" gives "100A". A number with another airline's prefix
// ("AF1234" on an SU flight) is a marketing number, not the operating one,
// and is rejected.
func NormalizeFlightNumber(carrier, number string) (string, error) {
	s := stripSpaces(strings.ToUpper(number))
	// A prefix equal to the carrier is dropped when what follows is a
	// number; "9W" on carrier 9W therefore reads as flight 9, suffix W,
	// which is the only reading that leaves a number.
	if rest, ok := strings.CutPrefix(s, carrier); ok && carrier != "" {
		if n, ok := canonicalNumber(rest); ok {
			return n, nil
		}
	}
	if n, ok := canonicalNumber(s); ok {
		return n, nil
	}
	if len(s) > 2 && isAlnum(s[0]) && isAlnum(s[1]) && !(isDigit(s[0]) && isDigit(s[1])) {
		if _, ok := canonicalNumber(s[2:]); ok {
			return "", bookingkit.Invalid("flight.number", number,
				fmt.Sprintf("carries the code of airline %s, but the operating carrier is %s; use the operating carrier's flight number", s[:2], carrier))
		}
	}
	return "", bookingkit.Invalid("flight.number", number, "expected 1 to 4 digits and an optional suffix letter, e.g. 100 or 100A")
}

// canonicalNumber parses digits with optional leading zeros followed by at
// most one letter; the value must be 1..9999.
func canonicalNumber(s string) (string, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	digits, suffix := s[:i], s[i:]
	if len(suffix) > 1 || (len(suffix) == 1 && !isLetter(suffix[0])) {
		return "", false
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" || len(digits) > 4 {
		return "", false
	}
	return digits + suffix, true
}

// Dates outside these years are typing errors, and keeping every year at
// four digits keeps keys fixed-width.
const (
	minYear = 1900
	maxYear = 9999
)

// normalizeDate keeps the calendar day of t in t's own location.
func normalizeDate(field string, t time.Time) (time.Time, error) {
	if t.IsZero() {
		return time.Time{}, bookingkit.Invalid(field, "", "required")
	}
	y, m, d := t.Date()
	if y < minYear || y > maxYear {
		return time.Time{}, bookingkit.Invalid(field, t.Format(time.DateOnly), fmt.Sprintf("the year must be between %d and %d", minYear, maxYear))
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
}

// withField renames the field of a *ValidationError produced by a helper
// that does not know where its value came from.
func withField(err error, field string) error {
	if ve, ok := err.(*bookingkit.ValidationError); ok {
		return bookingkit.Invalid(field, ve.Value, ve.Reason)
	}
	return err
}

func stripSpaces(s string) string {
	if !strings.ContainsAny(s, " \t") {
		return s
	}
	return strings.NewReplacer(" ", "", "\t", "").Replace(s)
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
