package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// StandbyStore keeps standby entries (tables standby_flights and
// standby_entries). Writes run in one IMMEDIATE transaction each, which
// serialises them; reads are single statements, each a consistent snapshot.
type StandbyStore struct{ db *DB }

var _ standby.Store = (*StandbyStore)(nil)

func newStandbyStore(db *DB) standby.Store { return &StandbyStore{db: db} }

const standbyEntryColumns = "flight_key, booking_id, passenger, employer, cabin, category, employed_on, booked_at"

// AddEntries stores entries as active, all or none, in one transaction that
// records each flight (version increased) before inserting its entries
// with one prepared statement.
func (s *StandbyStore) AddEntries(ctx context.Context, entries []standby.Entry, at time.Time) error {
	entries, keys, err := normalizeStandbyEntries(entries)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	flights := slices.Compact(slices.Sorted(slices.Values(keys)))
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, key := range flights {
			var closed bool
			err := tx.QueryRowContext(ctx, `INSERT INTO standby_flights (flight_key, version) VALUES (?, 1)
				ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1
				RETURNING closed_at IS NOT NULL`, string(key)).Scan(&closed)
			if err != nil {
				return err
			}
			if closed {
				return fmt.Errorf("flight %s is closed: %w", key, bookingkit.ErrConflict)
			}
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO standby_entries (`+standbyEntryColumns+`, traveller, status, added_at, changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		added := at.UTC()
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
	})
	if err != nil {
		return fail("add standby entries: %w", err)
	}
	return nil
}

// RemoveEntry sets one active entry's status to cancelled or boarded.
func (s *StandbyStore) RemoveEntry(ctx context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	if _, err := standby.ParseFlightKey(string(id.Flight)); err != nil {
		return standby.Entry{}, fail("standby: %w", err)
	}
	var e standby.Entry
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE standby_entries SET status = ?, changed_at = ?
			WHERE flight_key = ? AND booking_id = ? AND passenger = ? AND status = 'active'
			RETURNING `+standbyEntrySelect, string(status), at.UTC(), string(id.Flight), id.BookingID, id.Passenger)
		if err != nil {
			return err
		}
		entries, err := newStandbyScanner().entries(rows, nil)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			var current string
			err := tx.QueryRowContext(ctx, `SELECT status FROM standby_entries WHERE flight_key = ? AND booking_id = ? AND passenger = ?`,
				string(id.Flight), id.BookingID, id.Passenger).Scan(&current)
			if err != nil {
				return err // ErrNoRows: not found
			}
			return fmt.Errorf("the entry is %s: %w", current, bookingkit.ErrConflict)
		}
		e = entries[0]
		_, err = tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = ?", string(id.Flight))
		return err
	})
	if err != nil {
		return standby.Entry{}, fail("remove standby entry %s: %w", id, err)
	}
	return e, nil
}

// CancelBooking cancels every active entry of a booking in one transaction.
func (s *StandbyStore) CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]standby.Entry, error) {
	var out []standby.Entry
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE standby_entries SET status = 'cancelled', changed_at = ?
			WHERE booking_id = ? AND status = 'active'
			RETURNING `+standbyEntrySelect, at.UTC(), bookingID)
		if err != nil {
			return err
		}
		if out, err = newStandbyScanner().entries(rows, []standby.Entry{}); err != nil {
			return err
		}
		if len(out) == 0 {
			var known bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM standby_entries WHERE booking_id = ?)", bookingID).Scan(&known); err != nil {
				return err
			}
			if !known {
				return fmt.Errorf("booking %q has no standby entries: %w", bookingID, bookingkit.ErrNotFound)
			}
			return nil
		}
		sortStandbyEntries(out)
		var last standby.FlightKey
		for _, e := range out {
			if key := e.Flight.Key(); key != last {
				if _, err := tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = ?", string(key)); err != nil {
					return err
				}
				last = key
			}
		}
		return nil
	})
	if err != nil {
		return nil, fail("cancel standby booking: %w", err)
	}
	return out, nil
}

// CloseFlight records the flight closed and closes its active entries.
func (s *StandbyStore) CloseFlight(ctx context.Context, key standby.FlightKey, at time.Time) (int, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return 0, fail("standby: %w", err)
	}
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO standby_flights (flight_key, version, closed_at) VALUES (?, 1, ?)
			ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1,
				closed_at = COALESCE(standby_flights.closed_at, excluded.closed_at)`, string(key), at.UTC())
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE standby_entries SET status = 'closed', changed_at = ?
			WHERE flight_key = ? AND status = 'active'`, at.UTC(), string(key))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fail("close standby flight %s: %w", key, err)
	}
	return int(n), nil
}

// ActiveEntries returns a flight's active entries and its version, read in
// one transaction.
func (s *StandbyStore) ActiveEntries(ctx context.Context, key standby.FlightKey) ([]standby.Entry, int64, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return nil, 0, fail("standby: %w", err)
	}
	var (
		out     []standby.Entry
		version int64
	)
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT version FROM standby_flights WHERE flight_key = ?", string(key)).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			out = []standby.Entry{}
			return nil
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+standbyEntrySelect+" FROM standby_entries WHERE flight_key = ? AND status = 'active'", string(key))
		if err != nil {
			return err
		}
		out, err = newStandbyScanner().entries(rows, []standby.Entry{})
		return err
	})
	if err != nil {
		return nil, 0, fail("standby entries of %s: %w", key, err)
	}
	return out, version, nil
}

// EachActiveEntry streams the active entries in flight key order, reading
// them row by row from one query (a covering index holds exactly the
// active entries, in that order).
func (s *StandbyStore) EachActiveEntry(ctx context.Context, fn func(standby.Entry) error) error {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+standbyEntrySelect+" FROM standby_entries WHERE status = 'active' ORDER BY flight_key")
	if err != nil {
		return fail("standby entries: %w", translate(err))
	}
	defer rows.Close()
	sc := newStandbyScanner()
	for rows.Next() {
		e, err := sc.entry(rows)
		if err != nil {
			return fail("standby entries: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fail("standby entries: %w", err)
	}
	return nil
}

// BookingRecords returns every entry of a booking, by flight key then
// passenger.
func (s *StandbyStore) BookingRecords(ctx context.Context, bookingID string) ([]standby.Record, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+standbyRecordSelect+" FROM standby_entries WHERE booking_id = ? ORDER BY flight_key, passenger", bookingID)
	if err != nil {
		return nil, fail("standby booking: %w", translate(err))
	}
	defer rows.Close()
	out := []standby.Record{}
	sc := newStandbyScanner()
	for rows.Next() {
		r, err := sc.record(rows)
		if err != nil {
			return nil, fail("standby booking: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("standby booking: %w", err)
	}
	return out, nil
}

// FlightVersion returns the flight's version, 0 when never seen.
func (s *StandbyStore) FlightVersion(ctx context.Context, key standby.FlightKey) (int64, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return 0, fail("standby: %w", err)
	}
	var v int64
	err := s.db.sql.QueryRowContext(ctx, "SELECT version FROM standby_flights WHERE flight_key = ?", string(key)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fail("standby flight version %s: %w", key, translate(err))
	}
	return v, nil
}

// FlightClosed reports whether the flight was closed; false when never
// seen.
func (s *StandbyStore) FlightClosed(ctx context.Context, key standby.FlightKey) (bool, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return false, fail("standby: %w", err)
	}
	var closed bool
	err := s.db.sql.QueryRowContext(ctx, "SELECT closed_at IS NOT NULL FROM standby_flights WHERE flight_key = ?", string(key)).Scan(&closed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fail("standby flight %s closed: %w", key, translate(err))
	}
	return closed, nil
}

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

// entries reads every row into out and closes rows.
func (sc *standbyScanner) entries(rows *sql.Rows, out []standby.Entry) ([]standby.Entry, error) {
	defer rows.Close()
	for rows.Next() {
		e, err := sc.entry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, rows.Close()
}

func (sc *standbyScanner) entry(rows *sql.Rows) (standby.Entry, error) {
	if err := rows.Scan(sc.entryDest...); err != nil {
		return standby.Entry{}, err
	}
	return sc.decode()
}

func (sc *standbyScanner) record(rows *sql.Rows) (standby.Record, error) {
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

// normalizeStandbyEntries checks the entries and returns them normalised,
// with their flight keys.
func normalizeStandbyEntries(entries []standby.Entry) ([]standby.Entry, []standby.FlightKey, error) {
	out := make([]standby.Entry, len(entries))
	keys := make([]standby.FlightKey, len(entries))
	for i, e := range entries {
		ne, err := e.Normalize()
		if err != nil {
			return nil, nil, fail("standby entry %d: %w", i, err)
		}
		out[i], keys[i] = ne, ne.Flight.Key()
	}
	return out, keys, nil
}

// sortStandbyEntries orders entries by flight key, then passenger.
func sortStandbyEntries(entries []standby.Entry) {
	slices.SortFunc(entries, func(a, b standby.Entry) int {
		if c := strings.Compare(string(a.Flight.Key()), string(b.Flight.Key())); c != 0 {
			return c
		}
		return cmp.Compare(a.Passenger, b.Passenger)
	})
}
