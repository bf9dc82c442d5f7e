package sqlite

import (
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
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO standby_entries (`+standbyEntryColumns+`, status, added_at, changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		added := at.UTC()
		for i, e := range entries {
			_, err := stmt.ExecContext(ctx, string(keys[i]), e.BookingID, e.Passenger, e.Employer, int(e.Cabin), e.Category,
				e.EmployedOn.Format(time.DateOnly), e.BookedAt, added, added)
			if err != nil {
				id := standby.EntryID{Flight: keys[i], BookingID: e.BookingID, Passenger: e.Passenger}
				return fmt.Errorf("entry %s: %w", id, translate(err))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: add standby entries: %w", err)
	}
	return nil
}

// RemoveEntry sets one active entry's status to cancelled or boarded.
func (s *StandbyStore) RemoveEntry(ctx context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	flight, err := standby.ParseFlightKey(string(id.Flight))
	if err != nil {
		return standby.Entry{}, fmt.Errorf("sqlite: standby: %w", err)
	}
	var e standby.Entry
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `UPDATE standby_entries SET status = ?, changed_at = ?
			WHERE flight_key = ? AND booking_id = ? AND passenger = ? AND status = 'active'
			RETURNING `+standbyEntryColumns, string(status), at.UTC(), string(id.Flight), id.BookingID, id.Passenger)
		var err error
		e, err = scanStandbyEntry(row, &standbyFlightCache{key: string(id.Flight), flight: flight})
		if errors.Is(err, sql.ErrNoRows) {
			var current string
			err := tx.QueryRowContext(ctx, `SELECT status FROM standby_entries WHERE flight_key = ? AND booking_id = ? AND passenger = ?`,
				string(id.Flight), id.BookingID, id.Passenger).Scan(&current)
			if err != nil {
				return err // ErrNoRows: not found
			}
			return fmt.Errorf("the entry is %s: %w", current, bookingkit.ErrConflict)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = ?", string(id.Flight))
		return err
	})
	if err != nil {
		return standby.Entry{}, fmt.Errorf("sqlite: remove standby entry %s: %w", id, err)
	}
	return e, nil
}

// CancelBooking cancels every active entry of a booking in one transaction.
func (s *StandbyStore) CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]standby.Entry, error) {
	out := []standby.Entry{}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE standby_entries SET status = 'cancelled', changed_at = ?
			WHERE booking_id = ? AND status = 'active'
			RETURNING `+standbyEntryColumns, at.UTC(), bookingID)
		if err != nil {
			return err
		}
		var cache standbyFlightCache
		for rows.Next() {
			e, err := scanStandbyEntry(rows, &cache)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, e)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
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
		return nil, fmt.Errorf("sqlite: cancel standby booking: %w", err)
	}
	return out, nil
}

// CloseFlight records the flight closed and closes its active entries.
func (s *StandbyStore) CloseFlight(ctx context.Context, key standby.FlightKey, at time.Time) (int, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return 0, fmt.Errorf("sqlite: standby: %w", err)
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
		return 0, fmt.Errorf("sqlite: close standby flight %s: %w", key, err)
	}
	return int(n), nil
}

// ActiveEntries returns a flight's active entries and its version, read by
// one statement.
func (s *StandbyStore) ActiveEntries(ctx context.Context, key standby.FlightKey) ([]standby.Entry, int64, error) {
	flight, err := standby.ParseFlightKey(string(key))
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: standby: %w", err)
	}
	// The flight's row joined to its active entries: one statement, so the
	// version and the entries come from the same snapshot. A flight with
	// no active entries gives one row of NULL entry columns.
	rows, err := s.db.sql.QueryContext(ctx, `SELECT f.version, e.booking_id, e.passenger, e.employer, e.cabin, e.category, e.employed_on, e.booked_at
		FROM standby_flights f LEFT JOIN standby_entries e ON e.flight_key = f.flight_key AND e.status = 'active'
		WHERE f.flight_key = ?`, string(key))
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: standby entries of %s: %w", key, translate(err))
	}
	defer rows.Close()
	out := []standby.Entry{}
	var version int64
	for rows.Next() {
		var (
			bookingID                  sql.NullString
			passenger, cabin, category sql.NullInt64
			employer                   sql.NullString
			employedOn, bookedAt       sql.NullTime
		)
		if err := rows.Scan(&version, &bookingID, &passenger, &employer, &cabin, &category, &employedOn, &bookedAt); err != nil {
			return nil, 0, fmt.Errorf("sqlite: standby entries of %s: %w", key, err)
		}
		if !bookingID.Valid {
			continue
		}
		out = append(out, standby.Entry{
			BookingID:  bookingID.String,
			Passenger:  int(passenger.Int64),
			Flight:     flight,
			Employer:   employer.String,
			Cabin:      standby.Cabin(cabin.Int64),
			Category:   int(category.Int64),
			EmployedOn: employedOn.Time.UTC(),
			BookedAt:   bookedAt.Time.UTC(),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlite: standby entries of %s: %w", key, err)
	}
	return out, version, nil
}

// EachActiveEntry streams the active entries in flight key order, reading
// them row by row from one query.
func (s *StandbyStore) EachActiveEntry(ctx context.Context, fn func(standby.Entry) error) error {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+standbyEntryColumns+" FROM standby_entries WHERE status = 'active' ORDER BY flight_key")
	if err != nil {
		return fmt.Errorf("sqlite: standby entries: %w", translate(err))
	}
	defer rows.Close()
	var cache standbyFlightCache
	for rows.Next() {
		e, err := scanStandbyEntry(rows, &cache)
		if err != nil {
			return fmt.Errorf("sqlite: standby entries: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: standby entries: %w", err)
	}
	return nil
}

// BookingRecords returns every entry of a booking, by flight key then
// passenger.
func (s *StandbyStore) BookingRecords(ctx context.Context, bookingID string) ([]standby.Record, error) {
	rows, err := s.db.sql.QueryContext(ctx, "SELECT "+standbyEntryColumns+", status, added_at, changed_at FROM standby_entries WHERE booking_id = ? ORDER BY flight_key, passenger", bookingID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: standby booking: %w", translate(err))
	}
	defer rows.Close()
	out := []standby.Record{}
	var cache standbyFlightCache
	for rows.Next() {
		var r standby.Record
		var status string
		e, err := scanStandbyEntry(rows, &cache, &status, &r.AddedAt, &r.ChangedAt)
		if err != nil {
			return nil, fmt.Errorf("sqlite: standby booking: %w", err)
		}
		r.Entry = e
		if r.Status, err = standby.ParseStatus(status); err != nil {
			return nil, fmt.Errorf("sqlite: standby booking: stored %w", err)
		}
		r.AddedAt, r.ChangedAt = r.AddedAt.UTC(), r.ChangedAt.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: standby booking: %w", err)
	}
	return out, nil
}

// FlightVersion returns the flight's version, 0 when never seen.
func (s *StandbyStore) FlightVersion(ctx context.Context, key standby.FlightKey) (int64, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return 0, fmt.Errorf("sqlite: standby: %w", err)
	}
	var v int64
	err := s.db.sql.QueryRowContext(ctx, "SELECT version FROM standby_flights WHERE flight_key = ?", string(key)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: standby flight version %s: %w", key, translate(err))
	}
	return v, nil
}

// standbyFlightCache keeps the flight of the last key read: rows come grouped by
// flight, so each key is parsed once, and every entry of a flight shares
// one Flight value.
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

// scanStandbyEntry reads the standbyEntryColumns of one row, then extra.
func scanStandbyEntry(row interface{ Scan(...any) error }, cache *standbyFlightCache, extra ...any) (standby.Entry, error) {
	var (
		e                  standby.Entry
		key                string
		cabin              int
		employedOn, booked time.Time
	)
	dest := append([]any{&key, &e.BookingID, &e.Passenger, &e.Employer, &cabin, &e.Category, &employedOn, &booked}, extra...)
	if err := row.Scan(dest...); err != nil {
		return standby.Entry{}, err
	}
	f, err := cache.get(key)
	if err != nil {
		return standby.Entry{}, err
	}
	e.Flight, e.Cabin, e.EmployedOn, e.BookedAt = f, standby.Cabin(cabin), employedOn.UTC(), booked.UTC()
	return e, nil
}

// normalizeStandbyEntries checks the entries and returns them normalised,
// with their flight keys.
func normalizeStandbyEntries(entries []standby.Entry) ([]standby.Entry, []standby.FlightKey, error) {
	out := make([]standby.Entry, len(entries))
	keys := make([]standby.FlightKey, len(entries))
	for i, e := range entries {
		ne, err := e.Normalize()
		if err != nil {
			return nil, nil, fmt.Errorf("sqlite: standby entry %d: %w", i, err)
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
