package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newStandbyStore(db *DB) standby.Store {
	return sqlstore.NewStandbyStore(db.core, standbyAdapter{})
}

// standbyAdapter is SQLite's side of the standby store: its transactions
// hold the database's write lock from their start, so it writes with
// prepared statements in loops, and it reads entries packed into few
// columns (standbyEntrySelect).
type standbyAdapter struct{}

func (standbyAdapter) RecordFlights(ctx context.Context, tx *sql.Tx, flights []standby.FlightKey) (standby.FlightKey, error) {
	for _, key := range flights {
		var closed bool
		err := tx.QueryRowContext(ctx, `INSERT INTO standby_flights (flight_key, version) VALUES (?, 1)
			ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1
			RETURNING closed_at IS NOT NULL`, string(key)).Scan(&closed)
		if err != nil || closed {
			return key, err
		}
	}
	return "", nil
}

const standbyEntryColumns = "flight_key, booking_id, passenger, employer, cabin, category, employed_on, booked_at"

// InsertEntries inserts the entries with one prepared statement.
func (standbyAdapter) InsertEntries(ctx context.Context, tx *sql.Tx, entries []standby.Entry, keys []standby.FlightKey, added time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO standby_entries (`+standbyEntryColumns+`, traveller, status, added_at, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, e := range entries {
		var traveller any // NULL: not known, not checked
		if e.Traveller != "" {
			// One place per person and flight. The transaction holds
			// the database's write lock, so nobody adds the person
			// between this read and the insert; the unique index
			// standby_entries_traveller stands behind it.
			var holder string
			err := tx.QueryRowContext(ctx, `SELECT booking_id FROM standby_entries
				WHERE flight_key = ? AND traveller = ? AND status = 'active'`, string(keys[i]), e.Traveller).Scan(&holder)
			switch {
			case err == nil:
				return &standby.AlreadyQueuedError{Flight: keys[i], Traveller: e.Traveller, BookingID: holder}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			traveller = e.Traveller
		}
		_, err := stmt.ExecContext(ctx, string(keys[i]), e.BookingID, e.Passenger, e.Employer, int(e.Cabin), e.Category,
			e.EmployedOn.Format(time.DateOnly), e.BookedAt, traveller, added, added)
		if err != nil {
			id := standby.EntryID{Flight: keys[i], BookingID: e.BookingID, Passenger: e.Passenger}
			return fmt.Errorf("entry %s: %w", id, translate(err))
		}
	}
	return nil
}

func (standbyAdapter) EntrySelect() string               { return standbyEntrySelect }
func (standbyAdapter) RecordSelect() string              { return standbyRecordSelect }
func (standbyAdapter) NewReader() sqlstore.StandbyReader { return newStandbyScanner() }

// The columns read back, in three rather than eight. Reading a row costs
// the driver a few locked calls into SQLite per column, which made up most
// of the rebuild's time; so the small integers come packed in one integer
// (passenger*100 + cabin*10 + category) and the fixed-alphabet texts in one
// text, separated by '|' (none of them can contain it):
//
//	flight_key|employer|employed_on|booked_at
//
// Times are read as the text the driver stored, with no declared type, so
// the driver does not parse them; parseStandbyTime and parseStandbyDate do,
// several times cheaper than the driver's general parser. The booking ID
// and the traveller, which may contain any printable character, have
// their own columns.
const (
	standbyEntrySelect = "booking_id, passenger * 100 + cabin * 10 + category, " +
		"flight_key || '|' || employer || '|' || employed_on || '|' || booked_at, traveller"
	standbyRecordSelect = standbyEntrySelect + ", status || '|' || added_at || '|' || changed_at"
)

// standbyScanner decodes rows of standbyEntrySelect (or
// standbyRecordSelect) into entries, reusing its scan targets: apart from
// the booking ID, a row allocates nothing here. Every entry of a flight
// shares one parsed Flight, and employer codes are interned.
type standbyScanner struct {
	bookingID string
	// The packed integer is scanned into any: database/sql hands the
	// driver's int64 over as is, where an *int target goes through
	// reflection and a decimal string.
	packed      any
	texts       sql.RawBytes
	traveller   any // NULL (nil) or the text
	recordTexts sql.RawBytes

	entryDest, recordDest []any

	flightKey string
	flight    standby.Flight
	employers map[string]string
}

func newStandbyScanner() *standbyScanner {
	sc := &standbyScanner{employers: map[string]string{}}
	sc.entryDest = []any{&sc.bookingID, &sc.packed, &sc.texts, &sc.traveller}
	sc.recordDest = []any{&sc.bookingID, &sc.packed, &sc.texts, &sc.traveller, &sc.recordTexts}
	return sc
}

func (sc *standbyScanner) Entry(rows *sql.Rows) (standby.Entry, error) {
	if err := rows.Scan(sc.entryDest...); err != nil {
		return standby.Entry{}, err
	}
	return sc.decode()
}

func (sc *standbyScanner) Record(rows *sql.Rows) (standby.Record, error) {
	if err := rows.Scan(sc.recordDest...); err != nil {
		return standby.Record{}, err
	}
	e, err := sc.decode()
	if err != nil {
		return standby.Record{}, err
	}
	var parts [3][]byte
	if !splitStandbyText(sc.recordTexts, parts[:]) {
		return standby.Record{}, fmt.Errorf("stored status and times %q: expected 3 fields", sc.recordTexts)
	}
	r := standby.Record{Entry: e}
	if r.Status, err = standby.ParseStatus(string(parts[0])); err != nil {
		return standby.Record{}, fmt.Errorf("stored %w", err)
	}
	if r.AddedAt, err = parseStandbyTime(parts[1]); err != nil {
		return standby.Record{}, fmt.Errorf("stored added_at: %w", err)
	}
	if r.ChangedAt, err = parseStandbyTime(parts[2]); err != nil {
		return standby.Record{}, fmt.Errorf("stored changed_at: %w", err)
	}
	return r, nil
}

func (sc *standbyScanner) decode() (standby.Entry, error) {
	packed, ok := sc.packed.(int64)
	if !ok || packed < 0 {
		return standby.Entry{}, fmt.Errorf("stored passenger, cabin and category: %v is not a packed integer", sc.packed)
	}
	var parts [4][]byte // flight_key, employer, employed_on, booked_at
	if !splitStandbyText(sc.texts, parts[:]) {
		return standby.Entry{}, fmt.Errorf("stored entry %q: expected 4 fields", sc.texts)
	}
	if string(parts[0]) != sc.flightKey || sc.flightKey == "" {
		f, err := standby.ParseFlightKey(string(parts[0]))
		if err != nil {
			return standby.Entry{}, fmt.Errorf("stored %w", err)
		}
		sc.flightKey, sc.flight = string(parts[0]), f
	}
	employer, ok := sc.employers[string(parts[1])]
	if !ok {
		employer = string(parts[1])
		sc.employers[employer] = employer
	}
	employedOn, err := parseStandbyDate(parts[2])
	if err != nil {
		return standby.Entry{}, fmt.Errorf("stored employed_on: %w", err)
	}
	bookedAt, err := parseStandbyTime(parts[3])
	if err != nil {
		return standby.Entry{}, fmt.Errorf("stored booked_at: %w", err)
	}
	var traveller string
	switch t := sc.traveller.(type) {
	case nil:
	case string:
		traveller = t
	case []byte:
		traveller = string(t)
	default:
		return standby.Entry{}, fmt.Errorf("stored traveller: %T is not text", sc.traveller)
	}
	return standby.Entry{
		BookingID:  sc.bookingID,
		Passenger:  int(packed / 100),
		Traveller:  traveller,
		Flight:     sc.flight,
		Employer:   employer,
		Cabin:      standby.Cabin(packed / 10 % 10),
		Category:   int(packed % 10),
		EmployedOn: employedOn,
		BookedAt:   bookedAt,
	}, nil
}

// splitStandbyText cuts b at '|' into exactly len(parts) fields.
func splitStandbyText(b []byte, parts [][]byte) bool {
	for i := range parts[:len(parts)-1] {
		j := bytes.IndexByte(b, '|')
		if j < 0 {
			return false
		}
		parts[i], b = b[:j], b[j+1:]
	}
	parts[len(parts)-1] = b
	return bytes.IndexByte(b, '|') < 0
}

// parseStandbyDate reads a date stored as YYYY-MM-DD, at midnight UTC.
func parseStandbyDate(b []byte) (time.Time, error) {
	if len(b) == 10 && b[4] == '-' && b[7] == '-' {
		y, ok1 := standbyDigits(b[0:4])
		m, ok2 := standbyDigits(b[5:7])
		d, ok3 := standbyDigits(b[8:10])
		if ok1 && ok2 && ok3 {
			if t, ok := standbyValidDate(y, m, d, 0, 0, 0, 0); ok {
				return t, nil
			}
		}
	}
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a YYYY-MM-DD date", b)
	}
	return t, nil
}

// parseStandbyTime reads a UTC time as the driver writes it
// ("2006-01-02 15:04:05.999999999 +0000 UTC", from time.Time.String) by
// hand, and any other spelling SQLite users write with time.Parse.
func parseStandbyTime(b []byte) (time.Time, error) {
	if t, ok := parseStandbyUTC(b); ok {
		return t, nil
	}
	if t, ok := parseStandbyTimeLayouts(string(b)); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time", b)
}

// parseStandbyTimeLayouts is parseStandbyTime's slow path.
func parseStandbyTimeLayouts(s string) (time.Time, bool) {
	if i := strings.Index(s, " m="); i > 0 {
		s = s[:i] // a monotonic clock reading, as time.Time.String writes it
	}
	for _, layout := range standbyTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// standbyTimeLayouts are the spellings parseStandbyTime accepts beyond its
// fast path: the driver's own (time.Time.String) and SQLite's date and
// time formats.
var standbyTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseStandbyUTC parses "YYYY-MM-DD HH:MM:SS[.fraction]" followed by nothing,
// " +0000 UTC", "Z" or "+00:00": a UTC time. ok is false for anything
// else, including out-of-range fields.
func parseStandbyUTC(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := standbyDigits(b[0:4])
	mo, ok2 := standbyDigits(b[5:7])
	d, ok3 := standbyDigits(b[8:10])
	h, ok4 := standbyDigits(b[11:13])
	mi, ok5 := standbyDigits(b[14:16])
	sec, ok6 := standbyDigits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		scale := 100_000_000
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			if n > 9 {
				return time.Time{}, false
			}
			nsec += int(rest[n]-'0') * scale
			scale /= 10
			n++
		}
		if n == 1 {
			return time.Time{}, false
		}
		rest = rest[n:]
	}
	switch string(rest) {
	case "", " +0000 UTC", "Z", "+00:00":
	default:
		return time.Time{}, false
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return standbyValidDate(y, mo, d, h, mi, sec, nsec)
}

// standbyValidDate builds a UTC time, refusing a day the month does not have
// (time.Date would roll it over into the next month).
func standbyValidDate(y, mo, d, h, mi, sec, nsec int) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// standbyDigits reads an unsigned decimal number of at most 9 digits.
func standbyDigits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}
