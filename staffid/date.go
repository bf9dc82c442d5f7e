package staffid

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Date is a calendar date without a time of day or a time zone, as the
// employee list carries birth and hiring dates. The zero Date means "no
// date". Dates compare with == and with [Date.Before].
type Date struct {
	year  uint16
	month uint8
	day   uint8
}

// NewDate returns the date year-month-day. It reports false when that is
// not a real calendar date in years 1–9999 (31 April, 29 February 2001).
func NewDate(year int, month time.Month, day int) (Date, bool) {
	if year < 1 || year > 9999 || month < time.January || month > time.December || day < 1 || day > daysIn(year, month) {
		return Date{}, false
	}
	return Date{year: uint16(year), month: uint8(month), day: uint8(day)}, true
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	date, _ := NewDate(y, m, d)
	return date
}

func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ParseDate reads the list's date format, DD.MM.YYYY (the seed calls it
// d.m.Y): day and month of one or two digits, a four-digit year, dots
// between, nothing else. It refuses dates that do not exist, such as
// 29.02.2001 or 18.32.1933, with the seed's message
// "Invalid date 18.32.1933, the format is d.m.Y".
func ParseDate(s string) (Date, error) {
	day, i := dateNumber(s, 0, 1, 2)
	if day < 0 || i >= len(s) || s[i] != '.' {
		return Date{}, invalidDate(s)
	}
	month, j := dateNumber(s, i+1, 1, 2)
	if month < 0 || j >= len(s) || s[j] != '.' {
		return Date{}, invalidDate(s)
	}
	year, k := dateNumber(s, j+1, 4, 4)
	if year < 0 || k != len(s) {
		return Date{}, invalidDate(s)
	}
	d, ok := NewDate(year, time.Month(month), day)
	if !ok {
		return Date{}, invalidDate(s)
	}
	return d, nil
}

// dateNumber reads between min and max ASCII digits of s from i and returns
// their value and the index after them, or -1 when there are too few.
func dateNumber(s string, i, min, max int) (int, int) {
	n, start := 0, i
	for i < len(s) && i-start < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i-start < min {
		return -1, i
	}
	return n, i
}

// dateError is the seed's date message; it matches bookingkit.ErrInvalid.
type dateError struct{ value string }

// invalidDate is the seed's error for s. The value is quoted as sent, cut
// after 64 characters (with echoCut): an upload may send a date of any
// length, and one record's error must not be megabytes long.
func invalidDate(s string) error {
	if cut := shorten(s); len(cut) < len(s) {
		s = strings.TrimSuffix(cut, "…") + echoCut
	}
	return &dateError{value: s}
}

func (e *dateError) Error() string {
	return fmt.Sprintf("Invalid date %s, the format is d.m.Y", e.value)
}

func (e *dateError) Is(target error) bool { return target == bookingkit.ErrInvalid }

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Year, Month and Day return the parts of d.
func (d Date) Year() int         { return int(d.year) }
func (d Date) Month() time.Month { return time.Month(d.month) }
func (d Date) Day() int          { return int(d.day) }

// Equal reports whether d and e are the same date (as d == e does; the
// method lets go-cmp compare structs holding Dates).
func (d Date) Equal(e Date) bool { return d == e }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.year != e.year {
		return d.year < e.year
	}
	if d.month != e.month {
		return d.month < e.month
	}
	return d.day < e.day
}

// String returns d as DD.MM.YYYY, the list's own format, or "" for the
// zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	b := make([]byte, 0, 10)
	b = appendPadded(b, int(d.day), 2)
	b = append(b, '.')
	b = appendPadded(b, int(d.month), 2)
	b = append(b, '.')
	b = appendPadded(b, int(d.year), 4)
	return string(b)
}

// ISO returns d as YYYY-MM-DD (ISO 8601), the form storage adapters keep
// and the identity hash uses, or "" for the zero Date.
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendISO(make([]byte, 0, 10)))
}

func (d Date) appendISO(b []byte) []byte {
	b = appendPadded(b, int(d.year), 4)
	b = append(b, '-')
	b = appendPadded(b, int(d.month), 2)
	b = append(b, '-')
	return appendPadded(b, int(d.day), 2)
}

// ParseISODate reads YYYY-MM-DD as written by [Date.ISO]; "" is the zero Date.
// Storage adapters use it to read dates back.
func ParseISODate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: expected YYYY-MM-DD: %w", s, bookingkit.ErrInvalid)
	}
	return DateOf(t), nil
}

// Time returns midnight UTC of d, or the zero time for the zero Date.
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(int(d.year), time.Month(d.month), int(d.day), 0, 0, 0, 0, time.UTC)
}

// MarshalText writes d as DD.MM.YYYY, so a Date reads in JSON as it does
// in the list.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads DD.MM.YYYY; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func appendPadded(b []byte, n, width int) []byte {
	for w, p := width, 1; w > 1; w-- {
		p *= 10
		if n < p {
			b = append(b, '0')
		}
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// excelEpoch1900 and excelEpoch1904 are day zero of the two date systems a
// workbook may use. For the 1900 system, day 0 is 30 December 1899 because
// Excel counts a 29 February 1900 that never was; serials from 61 (1 March
// 1900) on are right with this epoch, which covers every birth date we take.
var (
	excelEpoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// excelSerialDate converts a workbook date serial ("14923", or "14923.5"
// with a time of day) into a Date. It reports false for anything else.
func excelSerialDate(s string, date1904 bool) (Date, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' || len(s) > 32 {
		return Date{}, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 61 || v > 2958465 { // 1 March 1900 .. 31 December 9999
		return Date{}, false
	}
	epoch := excelEpoch1900
	if date1904 {
		epoch = excelEpoch1904
	}
	return DateOf(epoch.AddDate(0, 0, int(v))), true
}
