package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
)

// StandbyStore keeps standby entries (tables standby_flights and
// standby_entries).
//
// Several servers may write the same database. Every write locks the rows
// of the flights it changes first, in flight key order, and bumps their
// versions in the same transaction; so two writers never wait for each
// other crosswise, and a passenger added twice at once is stored once (the
// second insert fails on the primary key: ErrConflict).
type StandbyStore struct{ db *DB }

var _ standby.Store = (*StandbyStore)(nil)

func newStandbyStore(db *DB) standby.Store { return &StandbyStore{db: db} }

const standbyEntryColumns = "flight_key, booking_id, passenger, employer, cabin, category, employed_on, booked_at"

// standbyEntrySelect reads what scanStandbyEntry scans: the entry's
// columns and its traveller ("" when not known).
const standbyEntrySelect = standbyEntryColumns + ", COALESCE(traveller, '')"

// standbyInsertBatch is how many entries one INSERT ... SELECT FROM unnest
// carries: large enough that a bulk load makes few round trips, small
// enough to keep each statement's arrays modest.
const standbyInsertBatch = 10_000

// AddEntries stores entries as active, all or none, in one transaction.
func (s *StandbyStore) AddEntries(ctx context.Context, entries []standby.Entry, at time.Time) error {
	entries, keys, err := normalizeStandbyEntries(entries)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	// The travellers of the call, each once per flight.
	var travellerFlights, travellers []string
	first := map[[2]string]string{}
	for i, e := range entries {
		if e.Traveller == "" {
			continue
		}
		k := [2]string{string(keys[i]), e.Traveller}
		if holder, dup := first[k]; dup {
			return &standby.AlreadyQueuedError{Flight: keys[i], Traveller: e.Traveller, BookingID: holder}
		}
		first[k] = e.BookingID
		travellerFlights, travellers = append(travellerFlights, k[0]), append(travellers, k[1])
	}
	flights := slices.Compact(slices.Sorted(slices.Values(keys)))
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		// Record (or lock) every flight, in key order, and learn whether
		// one is closed.
		rows, err := tx.QueryContext(ctx, `INSERT INTO standby_flights (flight_key, version)
			SELECT k, 1 FROM unnest($1::text[]) AS k ORDER BY k
			ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1
			RETURNING flight_key, closed_at IS NOT NULL`, standbyKeyStrings(flights))
		if err != nil {
			return err
		}
		var closedFlight string
		for rows.Next() {
			var key string
			var closed bool
			if err := rows.Scan(&key, &closed); err != nil {
				rows.Close()
				return err
			}
			if closed && closedFlight == "" {
				closedFlight = key
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if closedFlight != "" {
			return fmt.Errorf("flight %s is closed: %w", closedFlight, bookingkit.ErrConflict)
		}
		if len(travellers) > 0 {
			// One place per person and flight. The flights' rows are
			// locked now, so no other server adds to them until this
			// transaction ends: what this reads stays true. The unique
			// index standby_entries_traveller stands behind it.
			var flight, traveller, holder string
			err := tx.QueryRowContext(ctx, `SELECT e.flight_key, e.traveller, e.booking_id FROM standby_entries e
				JOIN unnest($1::text[], $2::text[]) AS u (f, t) ON e.flight_key = u.f AND e.traveller = u.t
				WHERE e.status = 'active' LIMIT 1`, travellerFlights, travellers).Scan(&flight, &traveller, &holder)
			switch {
			case err == nil:
				return &standby.AlreadyQueuedError{Flight: standby.FlightKey(flight), Traveller: traveller, BookingID: holder}
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}

		added := at.UTC()
		for start := 0; start < len(entries); start += standbyInsertBatch {
			end := min(start+standbyInsertBatch, len(entries))
			n := end - start
			var (
				flightKeys   = make([]string, n)
				bookingIDs   = make([]string, n)
				passengers   = make([]int32, n)
				employers    = make([]string, n)
				cabins       = make([]int32, n)
				categories   = make([]int32, n)
				employedOn   = make([]time.Time, n)
				bookedAt     = make([]time.Time, n)
				travellerIDs = make([]string, n)
			)
			for i, e := range entries[start:end] {
				flightKeys[i] = string(keys[start+i])
				bookingIDs[i], passengers[i], employers[i] = e.BookingID, int32(e.Passenger), e.Employer
				cabins[i], categories[i] = int32(e.Cabin), int32(e.Category)
				employedOn[i], bookedAt[i], travellerIDs[i] = e.EmployedOn, e.BookedAt, e.Traveller
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO standby_entries (`+standbyEntryColumns+`, traveller, status, added_at, changed_at)
				SELECT f, b, p, e, c, k, d, t, NULLIF(r, ''), 'active', $10, $10
				FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[], $6::int[], $7::date[], $8::timestamptz[], $9::text[])
					AS u (f, b, p, e, c, k, d, t, r)`,
				flightKeys, bookingIDs, passengers, employers, cabins, categories, employedOn, bookedAt, travellerIDs, added)
			if err != nil {
				return withDetail(err)
			}
		}
		return nil
	})
	if err != nil {
		return fail("add standby entries: %w", err)
	}
	return nil
}

// withDetail adds PostgreSQL's detail (for a unique violation: which key)
// to the error's text, keeping the error to match.
func withDetail(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Detail != "" {
		return fmt.Errorf("%s: %w", pe.Detail, err)
	}
	return err
}

// RemoveEntry sets one active entry's status to cancelled or boarded.
func (s *StandbyStore) RemoveEntry(ctx context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	flight, err := standby.ParseFlightKey(string(id.Flight))
	if err != nil {
		return standby.Entry{}, fail("standby: %w", err)
	}
	var e standby.Entry
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		// Lock the flight first (and bump its version; a failure below
		// rolls the bump back).
		res, err := tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = $1", string(id.Flight))
		if err := oneRow(res, err, "standby flight "+string(id.Flight)); err != nil {
			return err
		}
		row := tx.QueryRowContext(ctx, `UPDATE standby_entries SET status = $1, changed_at = $2
			WHERE flight_key = $3 AND booking_id = $4 AND passenger = $5 AND status = 'active'
			RETURNING `+standbyEntrySelect, string(status), at.UTC(), string(id.Flight), id.BookingID, id.Passenger)
		e, err = scanStandbyEntry(row, &standbyFlightCache{key: string(id.Flight), flight: flight})
		if errors.Is(err, sql.ErrNoRows) {
			var current string
			err := tx.QueryRowContext(ctx, `SELECT status FROM standby_entries WHERE flight_key = $1 AND booking_id = $2 AND passenger = $3`,
				string(id.Flight), id.BookingID, id.Passenger).Scan(&current)
			if err != nil {
				return err // ErrNoRows: not found
			}
			return fmt.Errorf("the entry is %s: %w", current, bookingkit.ErrConflict)
		}
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
		out = []standby.Entry{} // a retried transaction starts afresh
		flights, err := queryStrings(ctx, tx, `SELECT DISTINCT flight_key FROM standby_entries
			WHERE booking_id = $1 AND status = 'active' ORDER BY flight_key`, bookingID)
		if err != nil {
			return err
		}
		if len(flights) == 0 {
			var known bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM standby_entries WHERE booking_id = $1)", bookingID).Scan(&known); err != nil {
				return err
			}
			if !known {
				return fmt.Errorf("booking %q has no standby entries: %w", bookingID, bookingkit.ErrNotFound)
			}
			return nil
		}
		// Lock the flights in key order, as every writer does, then
		// cancel the entries on those flights. An entry added meanwhile
		// on another flight counts as added after the cancellation.
		if _, err := queryStrings(ctx, tx, `SELECT flight_key FROM standby_flights
			WHERE flight_key = ANY($1::text[]) ORDER BY flight_key FOR UPDATE`, flights); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = ANY($1::text[])", flights); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE standby_entries SET status = 'cancelled', changed_at = $1
			WHERE booking_id = $2 AND status = 'active' AND flight_key = ANY($3::text[])
			RETURNING `+standbyEntrySelect, at.UTC(), bookingID, flights)
		if err != nil {
			return err
		}
		defer rows.Close()
		var cache standbyFlightCache
		for rows.Next() {
			e, err := scanStandbyEntry(rows, &cache)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fail("cancel standby booking: %w", err)
	}
	sortStandbyEntries(out)
	return out, nil
}

func queryStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// CloseFlight records the flight closed and closes its active entries.
func (s *StandbyStore) CloseFlight(ctx context.Context, key standby.FlightKey, at time.Time) (int, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return 0, fail("standby: %w", err)
	}
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO standby_flights (flight_key, version, closed_at) VALUES ($1, 1, $2)
			ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1,
				closed_at = COALESCE(standby_flights.closed_at, excluded.closed_at)`, string(key), at.UTC())
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE standby_entries SET status = 'closed', changed_at = $1
			WHERE flight_key = $2 AND status = 'active'`, at.UTC(), string(key))
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

// ActiveEntries returns a flight's active entries and its version, read by
// one statement (one snapshot).
func (s *StandbyStore) ActiveEntries(ctx context.Context, key standby.FlightKey) ([]standby.Entry, int64, error) {
	flight, err := standby.ParseFlightKey(string(key))
	if err != nil {
		return nil, 0, fail("standby: %w", err)
	}
	rows, err := s.db.sql.QueryContext(ctx, `SELECT f.version, e.booking_id, e.passenger, e.employer, e.cabin, e.category, e.employed_on, e.booked_at, e.traveller
		FROM standby_flights f LEFT JOIN standby_entries e ON e.flight_key = f.flight_key AND e.status = 'active'
		WHERE f.flight_key = $1`, string(key))
	if err != nil {
		return nil, 0, fail("standby entries of %s: %w", key, translate(err))
	}
	defer rows.Close()
	out := []standby.Entry{}
	var version int64
	for rows.Next() {
		var (
			bookingID, employer, traveller sql.NullString
			passenger, cabin, category     sql.NullInt64
			employedOn, bookedAt           sql.NullTime
		)
		if err := rows.Scan(&version, &bookingID, &passenger, &employer, &cabin, &category, &employedOn, &bookedAt, &traveller); err != nil {
			return nil, 0, fail("standby entries of %s: %w", key, err)
		}
		if !bookingID.Valid {
			continue // the flight has no active entry
		}
		out = append(out, standby.Entry{
			BookingID:  bookingID.String,
			Passenger:  int(passenger.Int64),
			Traveller:  traveller.String,
			Flight:     flight,
			Employer:   employer.String,
			Cabin:      standby.Cabin(cabin.Int64),
			Category:   int(category.Int64),
			EmployedOn: utcDate(employedOn.Time),
			BookedAt:   bookedAt.Time.UTC(),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fail("standby entries of %s: %w", key, err)
	}
	return out, version, nil
}

// EachActiveEntry streams the active entries in flight key order: pgx
// decodes the rows as they arrive.
func (s *StandbyStore) EachActiveEntry(ctx context.Context, fn func(standby.Entry) error) error {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+standbyEntrySelect+" FROM standby_entries WHERE status = 'active' ORDER BY flight_key")
	if err != nil {
		return fail("standby entries: %w", translate(err))
	}
	defer rows.Close()
	var cache standbyFlightCache
	for rows.Next() {
		e, err := scanStandbyEntry(rows, &cache)
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
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+standbyEntrySelect+", status, added_at, changed_at FROM standby_entries WHERE booking_id = $1 ORDER BY flight_key, passenger", bookingID)
	if err != nil {
		return nil, fail("standby booking: %w", translate(err))
	}
	defer rows.Close()
	out := []standby.Record{}
	var cache standbyFlightCache
	for rows.Next() {
		var r standby.Record
		var status string
		e, err := scanStandbyEntry(rows, &cache, &status, &r.AddedAt, &r.ChangedAt)
		if err != nil {
			return nil, fail("standby booking: %w", err)
		}
		r.Entry = e
		if r.Status, err = standby.ParseStatus(status); err != nil {
			return nil, fail("standby booking: stored %w", err)
		}
		r.AddedAt, r.ChangedAt = r.AddedAt.UTC(), r.ChangedAt.UTC()
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
	err := s.db.sql.QueryRowContext(ctx, "SELECT version FROM standby_flights WHERE flight_key = $1", string(key)).Scan(&v)
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
	err := s.db.sql.QueryRowContext(ctx, "SELECT closed_at IS NOT NULL FROM standby_flights WHERE flight_key = $1", string(key)).Scan(&closed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fail("standby flight %s closed: %w", key, translate(err))
	}
	return closed, nil
}

// standbyFlightCache keeps the flight of the last key read: rows come
// grouped by flight, so each key is parsed once.
type standbyFlightCache struct {
	key    string
	flight standby.Flight
}

func (c *standbyFlightCache) get(key string) (standby.Flight, error) {
	if key != c.key || c.key == "" {
		f, err := standby.ParseFlightKey(key)
		if err != nil {
			return standby.Flight{}, fmt.Errorf("stored %w", err)
		}
		c.key, c.flight = key, f
	}
	return c.flight, nil
}

// scanStandbyEntry reads the standbyEntrySelect of one row, then extra.
func scanStandbyEntry(row interface{ Scan(...any) error }, cache *standbyFlightCache, extra ...any) (standby.Entry, error) {
	var (
		e                  standby.Entry
		key                string
		cabin              int
		employedOn, booked time.Time
	)
	dest := append([]any{&key, &e.BookingID, &e.Passenger, &e.Employer, &cabin, &e.Category, &employedOn, &booked, &e.Traveller}, extra...)
	if err := row.Scan(dest...); err != nil {
		return standby.Entry{}, err
	}
	f, err := cache.get(key)
	if err != nil {
		return standby.Entry{}, err
	}
	e.Flight, e.Cabin, e.EmployedOn, e.BookedAt = f, standby.Cabin(cabin), utcDate(employedOn), booked.UTC()
	return e, nil
}

// utcDate returns the calendar day of a DATE column at midnight UTC.
func utcDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
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

func standbyKeyStrings(keys []standby.FlightKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = string(k)
	}
	return out
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
