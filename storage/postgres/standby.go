package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newStandbyStore(db *DB) standby.Store {
	return sqlstore.NewStandbyStore(db.core, standbyAdapter{})
}

// standbyAdapter is PostgreSQL's side of the standby store: it writes many
// rows per statement through unnest arrays, and pgx decodes the entries'
// own columns.
type standbyAdapter struct{}

const standbyEntryColumns = "flight_key, booking_id, passenger, employer, cabin, category, employed_on, booked_at"

// standbyEntrySelect reads what scanStandbyEntry scans: the entry's
// columns and its traveller ("" when not known).
const standbyEntrySelect = standbyEntryColumns + ", COALESCE(traveller, '')"

func (standbyAdapter) EntrySelect() string { return standbyEntrySelect }
func (standbyAdapter) RecordSelect() string {
	return standbyEntrySelect + ", status, added_at, changed_at"
}

// RecordFlights records (and locks) every flight in one statement, in key
// order.
func (standbyAdapter) RecordFlights(ctx context.Context, tx *sql.Tx, flights []standby.FlightKey) (standby.FlightKey, error) {
	rows, err := tx.QueryContext(ctx, `INSERT INTO standby_flights (flight_key, version)
		SELECT k, 1 FROM unnest($1::text[]) AS k ORDER BY k
		ON CONFLICT (flight_key) DO UPDATE SET version = standby_flights.version + 1
		RETURNING flight_key, closed_at IS NOT NULL`, standbyKeyStrings(flights))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var closedFlight string
	for rows.Next() {
		var key string
		var closed bool
		if err := rows.Scan(&key, &closed); err != nil {
			return "", err
		}
		if closed && closedFlight == "" {
			closedFlight = key
		}
	}
	return standby.FlightKey(closedFlight), rows.Err()
}

// standbyInsertBatch is how many entries one INSERT ... SELECT FROM unnest
// carries: large enough that a bulk load makes few round trips, small
// enough to keep each statement's arrays modest.
const standbyInsertBatch = 10_000

// InsertEntries checks the travellers with one query and inserts the
// entries in batches of standbyInsertBatch.
func (standbyAdapter) InsertEntries(ctx context.Context, tx *sql.Tx, entries []standby.Entry, keys []standby.FlightKey, added time.Time) error {
	var travellerFlights, travellers []string
	for i, e := range entries {
		if e.Traveller != "" {
			travellerFlights, travellers = append(travellerFlights, string(keys[i])), append(travellers, e.Traveller)
		}
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

func (standbyAdapter) NewReader() sqlstore.StandbyReader { return &standbyReader{} }

// standbyReader keeps the flight of the last key read: rows come grouped
// by flight, so each key is parsed once.
type standbyReader struct {
	key    string
	flight standby.Flight
}

func (r *standbyReader) Entry(rows *sql.Rows) (standby.Entry, error) { return r.scan(rows) }

func (r *standbyReader) Record(rows *sql.Rows) (standby.Record, error) {
	var rec standby.Record
	var status string
	e, err := r.scan(rows, &status, &rec.AddedAt, &rec.ChangedAt)
	if err != nil {
		return standby.Record{}, err
	}
	if rec.Status, err = standby.ParseStatus(status); err != nil {
		return standby.Record{}, fmt.Errorf("stored %w", err)
	}
	rec.Entry, rec.AddedAt, rec.ChangedAt = e, rec.AddedAt.UTC(), rec.ChangedAt.UTC()
	return rec, nil
}

// scan reads the standbyEntrySelect of one row, then extra.
func (r *standbyReader) scan(rows *sql.Rows, extra ...any) (standby.Entry, error) {
	var (
		e                  standby.Entry
		key                string
		cabin              int
		employedOn, booked time.Time
	)
	dest := append([]any{&key, &e.BookingID, &e.Passenger, &e.Employer, &cabin, &e.Category, &employedOn, &booked, &e.Traveller}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return standby.Entry{}, err
	}
	if key != r.key || r.key == "" {
		f, err := standby.ParseFlightKey(key)
		if err != nil {
			return standby.Entry{}, fmt.Errorf("stored %w", err)
		}
		r.key, r.flight = key, f
	}
	e.Flight, e.Cabin, e.EmployedOn, e.BookedAt = r.flight, standby.Cabin(cabin), utcDate(employedOn), booked.UTC()
	return e, nil
}

// utcDate returns the calendar day of a DATE column at midnight UTC.
func utcDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func standbyKeyStrings(keys []standby.FlightKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = string(k)
	}
	return out
}
