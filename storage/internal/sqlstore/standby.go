package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// StandbyStore keeps standby entries (tables standby_flights and
// standby_entries). Every write first bumps (on PostgreSQL: locks) the rows
// of the flights it changes, in key order, so two servers' writers never
// wait for each other crosswise and a passenger added twice at once is
// stored once (the second insert fails on the primary key). SQLite's
// transactions hold the write lock from their start.
type StandbyStore struct {
	db                        *DB
	entrySelect, recordSelect string
}

func newStandbyStore(db *DB) *StandbyStore {
	const entry = "booking_id, passenger * 100 + cabin * 10 + category, flight_key || '|' || employer"
	if db.Dialect.TimesAsText() {
		const texts = entry + " || '|' || employed_on || '|' || booked_at"
		return &StandbyStore{db, texts + ", traveller", texts + " || '|' || added_at || '|' || changed_at || '|' || status, traveller"}
	}
	const typed = ", traveller, employed_on, booked_at"
	return &StandbyStore{db, entry + typed, entry + " || '|' || status" + typed + ", added_at, changed_at"}
}

func (s *StandbyStore) AddEntries(ctx context.Context, entries []standby.Entry, at time.Time) error {
	if len(entries) == 0 {
		return nil
	}
	entries, keys := slices.Clone(entries), make([]standby.FlightKey, len(entries))
	for i := range entries {
		var err error
		if entries[i], err = entries[i].Normalize(); err != nil {
			return s.db.Fail("standby entry %d: %w", i, err)
		}
		keys[i] = entries[i].Flight.Key()
	}
	flights := slices.Compact(slices.Sorted(slices.Values(keys)))
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.recordFlights(ctx, tx, flights); err != nil {
			return err
		}
		return s.insertEntries(ctx, tx, entries, keys, at.UTC())
	})
	return s.db.Err(err, "add standby entries")
}

// bumpFlight adds one to a flight's version, which on PostgreSQL locks its
// row until the transaction ends; ErrNotFound for a flight never seen.
func (s *StandbyStore) bumpFlight(ctx context.Context, tx *sql.Tx, key string) error {
	res, err := tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = $1", key)
	return s.db.OneRow(res, err, "standby flight "+key)
}

func (s *StandbyStore) RemoveEntry(ctx context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	if err := s.checkKey(id.Flight); err != nil {
		return standby.Entry{}, err
	}
	var e standby.Entry
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The flight first (a failure below rolls the bump back).
		if err := s.bumpFlight(ctx, tx, string(id.Flight)); err != nil {
			return err
		}
		entries, err := queryAll(ctx, tx, s.scanner().entry, `UPDATE standby_entries SET status = $1, changed_at = $2
			WHERE flight_key = $3 AND booking_id = $4 AND passenger = $5 AND status = 'active'
			RETURNING `+s.entrySelect, string(status), at.UTC(), string(id.Flight), id.BookingID, id.Passenger)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			current, err := scanOne[string](tx.QueryRowContext(ctx, `SELECT status FROM standby_entries WHERE flight_key = $1 AND booking_id = $2 AND passenger = $3`,
				string(id.Flight), id.BookingID, id.Passenger))
			if err != nil {
				return err // ErrNoRows: not found
			}
			return fmt.Errorf("the entry is %s: %w", current, bookingkit.ErrConflict)
		}
		e = entries[0]
		return nil
	})
	return e, s.db.Err(err, "remove standby entry %s", id)
}

// CancelBooking goes flight by flight in key order: an entry added
// meanwhile on another flight counts as added after the cancellation.
func (s *StandbyStore) CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]standby.Entry, error) {
	var out []standby.Entry
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = []standby.Entry{}
		// The flights with active entries, "" for the others.
		flights, err := queryAll(ctx, tx, scanOne[string], `SELECT DISTINCT CASE status WHEN 'active' THEN flight_key ELSE '' END
			FROM standby_entries WHERE booking_id = $1 ORDER BY 1`, bookingID)
		if err != nil {
			return err
		}
		if len(flights) == 0 {
			return fmt.Errorf("booking %q has no standby entries: %w", bookingID, bookingkit.ErrNotFound)
		}
		for _, key := range slices.DeleteFunc(flights, func(k string) bool { return k == "" }) {
			if err := s.bumpFlight(ctx, tx, key); err != nil {
				return err
			}
			cancelled, err := queryAll(ctx, tx, s.scanner().entry, `UPDATE standby_entries SET status = 'cancelled', changed_at = $1
				WHERE flight_key = $2 AND booking_id = $3 AND status = 'active'
				RETURNING `+s.entrySelect, at.UTC(), key, bookingID)
			if err != nil {
				return err
			}
			out = append(out, cancelled...)
		}
		return nil
	})
	if err != nil {
		return nil, s.db.Fail("cancel standby booking: %w", err)
	}
	slices.SortFunc(out, func(a, b standby.Entry) int {
		return cmp.Or(strings.Compare(string(a.Flight.Key()), string(b.Flight.Key())), cmp.Compare(a.Passenger, b.Passenger))
	})
	return out, nil
}

func (s *StandbyStore) CloseFlight(ctx context.Context, key standby.FlightKey, at time.Time) (int, error) {
	if err := s.checkKey(key); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) (err error) {
		n, err = execEach(ctx, tx, []string{`INSERT INTO standby_flights (flight_key, version, closed_at) VALUES ($1, 1, $2)
			ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1,
				closed_at = COALESCE(standby_flights.closed_at, excluded.closed_at)`,
			"UPDATE standby_entries SET status = 'closed', changed_at = $2 WHERE flight_key = $1 AND status = 'active'"}, string(key), at.UTC())
		return err
	})
	return int(n), s.db.Err(err, "close standby flight %s", key)
}

// ActiveEntries reads one snapshot: REPEATABLE READ on PostgreSQL; on
// SQLite a deferred transaction, which does not wait for the write lock.
func (s *StandbyStore) ActiveEntries(ctx context.Context, key standby.FlightKey) (out []standby.Entry, version int64, err error) {
	if err := s.checkKey(key); err != nil {
		return nil, 0, err
	}
	defer func() { err = s.db.Err(err, "standby entries of %s", key) }()
	tx, err := s.db.SQL.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback() //nolint:errcheck // it only read
	version, err = scanOne[int64](tx.QueryRowContext(ctx, "SELECT version FROM standby_flights WHERE flight_key = $1", string(key)))
	if isNoRows(err) {
		return []standby.Entry{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	out, err = queryAll(ctx, tx, s.scanner().entry, "SELECT "+s.entrySelect+
		" FROM standby_entries WHERE flight_key = $1 AND status = 'active'", string(key))
	return out, version, err
}

// EachActiveEntry reads an index of exactly the active entries, by flight.
func (s *StandbyStore) EachActiveEntry(ctx context.Context, fn func(standby.Entry) error) error {
	var fnErr error
	err := each(ctx, s.db.SQL, s.scanner().entry, func(e standby.Entry) error {
		fnErr = fn(e)
		return fnErr
	}, "SELECT "+s.entrySelect+" FROM standby_entries WHERE status = 'active' ORDER BY flight_key")
	if fnErr != nil {
		return fnErr
	}
	return s.db.Err(err, "standby entries")
}

func (s *StandbyStore) BookingRecords(ctx context.Context, bookingID string) ([]standby.Record, error) {
	out, err := queryAll(ctx, s.db.SQL, s.scanner().record, "SELECT "+s.recordSelect+
		" FROM standby_entries WHERE booking_id = $1 ORDER BY flight_key, passenger", bookingID)
	return out, s.db.Err(err, "standby booking")
}

func (s *StandbyStore) FlightVersion(ctx context.Context, key standby.FlightKey) (int64, error) {
	states, err := s.FlightStates(ctx, []standby.FlightKey{key})
	return states[key].Version, err
}

func (s *StandbyStore) FlightClosed(ctx context.Context, key standby.FlightKey) (bool, error) {
	states, err := s.FlightStates(ctx, []standby.FlightKey{key})
	return states[key].Closed, err
}

func (s *StandbyStore) FlightStates(ctx context.Context, flights []standby.FlightKey) (map[standby.FlightKey]standby.FlightState, error) {
	for _, key := range flights {
		if err := s.checkKey(key); err != nil {
			return nil, err
		}
	}
	out := make(map[standby.FlightKey]standby.FlightState, len(flights))
	for chunk := range slices.Chunk(flights, 500) {
		in, args := dollarList(nil, chunk)
		var key standby.FlightKey
		err := each(ctx, s.db.SQL, func(r scanner) (st standby.FlightState, err error) {
			return st, r.Scan(&key, &st.Version, &st.Closed)
		}, func(st standby.FlightState) error {
			out[key] = st
			return nil
		}, "SELECT flight_key, version, closed_at IS NOT NULL FROM standby_flights WHERE flight_key IN ("+in+")", args...)
		if err != nil {
			return nil, s.db.Err(err, "states of %d standby flights from %s", len(chunk), chunk[0])
		}
	}
	return out, nil
}

// checkKey refuses a flight key that is not canonical.
func (s *StandbyStore) checkKey(key standby.FlightKey) error {
	_, err := standby.ParseFlightKey(string(key))
	return s.db.Err(err, "standby")
}

// recordFlights records flights, in key order: a new one at version 1, a
// known one a version up (on PostgreSQL locking its row); ErrConflict when
// one is closed.
func (s *StandbyStore) recordFlights(ctx context.Context, tx *sql.Tx, flights []standby.FlightKey) error {
	for chunk := range slices.Chunk(flights, 500) {
		values, args := dollarList(nil, chunk)
		values = "(" + strings.ReplaceAll(values, ", ", ", 1), (") + ", 1)"
		closed, err := queryAll(ctx, tx, scanOne[bool], `INSERT INTO standby_flights (flight_key, version) VALUES `+values+`
			ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1
			RETURNING closed_at IS NOT NULL`, args...)
		if err != nil {
			return err
		}
		if i := slices.Index(closed, true); i >= 0 {
			return fmt.Errorf("flight %s is closed: %w", chunk[i], bookingkit.ErrConflict)
		}
	}
	return nil
}

// insertEntries inserts the normalised entries (flight keys in keys) after
// recordFlights, failing on a traveller queued on the flight already.
func (s *StandbyStore) insertEntries(ctx context.Context, tx *sql.Tx, entries []standby.Entry, keys []standby.FlightKey, added time.Time) error {
	queued := map[[2]string]string{} // flight key and traveller: booking ID
	for i, e := range entries {
		if e.Traveller == "" {
			continue
		}
		k := [2]string{string(keys[i]), e.Traveller}
		holder, dup := queued[k]
		if !dup {
			// The flights' rows are locked (SQLite: the write lock is held),
			// so nobody adds the person before this transaction ends; the
			// unique index standby_entries_traveller stands behind it.
			err := tx.QueryRowContext(ctx, `SELECT booking_id FROM standby_entries
				WHERE flight_key = $1 AND traveller = $2 AND status = 'active'`, k[0], k[1]).Scan(&holder)
			if err != nil && !isNoRows(err) {
				return err
			}
			dup = err == nil
		}
		if dup {
			return &standby.AlreadyQueuedError{Flight: keys[i], Traveller: e.Traveller, BookingID: holder}
		}
		queued[k] = e.BookingID
	}
	return s.db.Dialect.InsertRows(ctx, tx, "standby_entries", `flight_key, booking_id, passenger, employer, cabin, category,
		employed_on, booked_at, traveller, status, added_at, changed_at`, len(entries), func(i int) []any {
		e := entries[i]
		return []any{string(keys[i]), e.BookingID, e.Passenger, e.Employer, int(e.Cabin), e.Category,
			e.EmployedOn.Format(time.DateOnly), e.BookedAt, NullIfEmpty(e.Traveller), "active", added, added}
	})
}

// standbyScanner decodes rows of entrySelect or recordSelect. SQLite's
// driver costs a few locked calls per column, so the small integers come
// packed in one and the texts in one, '|' between them:
//
//	flight_key|employer[|employed_on|booked_at[|added_at|changed_at]][|status]
//
// SQLite's times are parsed from that text here, several times faster than
// by the driver; PostgreSQL formats times as text slowly, so there they
// come typed.
type standbyScanner struct {
	bookingID string
	packed    any // an int64 comes as is; an *int through reflection and text
	texts     sql.RawBytes
	traveller sql.NullString
	typed     bool
	times     [4]time.Time // employed_on, booked_at, added_at, changed_at

	dest []any // bookingID, packed, texts, traveller, then times when typed

	flightKey string
	flight    standby.Flight
	employers map[string]string
}

func (s *StandbyStore) scanner() *standbyScanner {
	sc := &standbyScanner{employers: map[string]string{}, typed: !s.db.Dialect.TimesAsText()}
	sc.dest = []any{&sc.bookingID, &sc.packed, &sc.texts, &sc.traveller, &sc.times[0], &sc.times[1], &sc.times[2], &sc.times[3]}
	return sc
}

func (sc *standbyScanner) entry(r scanner) (standby.Entry, error) {
	e, _, err := sc.scan(r, false)
	return e, err
}

func (sc *standbyScanner) record(r scanner) (standby.Record, error) {
	e, status, err := sc.scan(r, true)
	if err != nil {
		return standby.Record{}, err
	}
	rec := standby.Record{Entry: e, AddedAt: sc.times[2].UTC(), ChangedAt: sc.times[3].UTC()}
	if rec.Status, err = standby.ParseStatus(string(status)); err != nil {
		return standby.Record{}, fmt.Errorf("stored %w", err)
	}
	return rec, nil
}

// scan reads a row of entrySelect or (record) recordSelect: its entry,
// the times into sc.times and, for a record, the status text.
func (sc *standbyScanner) scan(r scanner, record bool) (standby.Entry, []byte, error) {
	n, times := 2, 2 // n fields in the texts
	if record {
		n, times = 3, 4
	}
	dest := sc.dest[:4]
	if sc.typed {
		dest = sc.dest[:4+times]
	} else {
		n += times
	}
	if err := r.Scan(dest...); err != nil {
		return standby.Entry{}, nil, err
	}
	packed, ok := sc.packed.(int64)
	if !ok || packed < 0 {
		return standby.Entry{}, nil, fmt.Errorf("stored passenger, cabin and category: %v is not a packed integer", sc.packed)
	}
	var parts [7][]byte
	if !splitStandbyText(sc.texts, parts[:n]) {
		return standby.Entry{}, nil, fmt.Errorf("stored entry %q: expected %d fields", sc.texts, n)
	}
	if string(parts[0]) != sc.flightKey || sc.flightKey == "" {
		f, err := standby.ParseFlightKey(string(parts[0]))
		if err != nil {
			return standby.Entry{}, nil, fmt.Errorf("stored %w", err)
		}
		sc.flightKey, sc.flight = string(parts[0]), f
	}
	employer, ok := sc.employers[string(parts[1])]
	if !ok {
		employer = string(parts[1])
		sc.employers[employer] = employer
	}
	if !sc.typed {
		var err error
		if sc.times[0], err = parseStandbyDate(parts[2]); err != nil {
			return standby.Entry{}, nil, fmt.Errorf("stored employed_on: %w", err)
		}
		for i := 1; i < times; i++ {
			if sc.times[i], err = parseStandbyTime(parts[2+i]); err != nil {
				return standby.Entry{}, nil, fmt.Errorf("stored %s: %w", [...]string{1: "booked_at", "added_at", "changed_at"}[i], err)
			}
		}
	}
	y, m, d := sc.times[0].Date()
	return standby.Entry{
		BookingID:  sc.bookingID,
		Passenger:  int(packed / 100),
		Traveller:  sc.traveller.String,
		Flight:     sc.flight,
		Employer:   employer,
		Cabin:      standby.Cabin(packed / 10 % 10),
		Category:   int(packed % 10),
		EmployedOn: time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		BookedAt:   sc.times[1].UTC(),
	}, parts[n-1], nil
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
		if t, ok := standbyUTC(standbyDigits(b[:4]), standbyDigits(b[5:7]), standbyDigits(b[8:10]), 0, 0, 0, 0); ok {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a YYYY-MM-DD date", b)
}

// parseStandbyTime reads a stored time, by hand when parseStandbyUTC can.
func parseStandbyTime(b []byte) (time.Time, error) {
	if t, ok := parseStandbyUTC(b); ok {
		return t, nil
	}
	if t, ok := parseStandbyTimeLayouts(string(b)); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time", b)
}

// parseStandbyTimeLayouts reads the spellings SQLite and the driver
// (time.Time.String, in any zone) may have stored.
func parseStandbyTimeLayouts(s string) (time.Time, bool) {
	s, _, _ = strings.Cut(s, " m=") // a monotonic clock reading, as time.Time.String writes it
	for _, layout := range []string{
		"2006-01-02 15:04:05.999999999 -0700 MST",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04",
		"2006-01-02T15:04",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseStandbyUTC reads "2006-01-02 15:04:05.999999999 +0000 UTC", the
// driver's UTC time (time.Time.String); not ok for anything else.
func parseStandbyUTC(b []byte) (time.Time, bool) {
	b, ok := bytes.CutSuffix(b, []byte(" +0000 UTC"))
	if !ok || len(b) < 19 || len(b) == 20 || len(b) > 29 || b[4] != '-' || b[7] != '-' || b[10] != ' ' ||
		b[13] != ':' || b[16] != ':' || len(b) > 19 && b[19] != '.' {
		return time.Time{}, false
	}
	nsec := 0
	if len(b) > 20 {
		nsec = standbyDigits(b[20:])
		for range 29 - len(b) {
			nsec *= 10 // the digits the fraction leaves out
		}
	}
	return standbyUTC(standbyDigits(b[:4]), standbyDigits(b[5:7]), standbyDigits(b[8:10]),
		standbyDigits(b[11:13]), standbyDigits(b[14:16]), standbyDigits(b[17:19]), nsec)
}

// standbyUTC is time.Date in UTC, refusing a field out of its range
// (time.Date would roll it over), -1 included.
func standbyUTC(y, mo, d, h, mi, sec, nsec int) (time.Time, bool) {
	if y < 0 || mo < 1 || mo > 12 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || nsec < 0 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC)
	return t, t.Day() == d
}

// standbyDigits reads a decimal number, -1 when b holds anything else.
func standbyDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
