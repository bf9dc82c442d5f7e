package sqlstore

import (
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
// standby_entries).
//
// Several servers may write the same database. Every write changes (and on
// PostgreSQL locks) the rows of the flights it changes first, in flight
// key order, and bumps their versions in the same transaction; so two
// writers never wait for each other crosswise, and a passenger added twice
// at once is stored once (the second insert fails on the primary key:
// ErrConflict). SQLite's transactions hold the write lock from their start
// and run one after the other.
type StandbyStore struct {
	db      *DB
	adapter StandbyAdapter
}

// StandbyAdapter is what the databases do their own way for the standby
// store: the bulk writes of AddEntries (PostgreSQL sends arrays through
// unnest, SQLite runs a prepared statement in a loop) and the reading of
// entries, which the rebuild at start does a million times (SQLite reads
// them packed into few columns and parses the stored text itself).
type StandbyAdapter interface {
	// RecordFlights records the flights, given in key order, inside tx:
	// a new one at version 1, a known one a version up (on PostgreSQL
	// this locks their rows in that order). It returns the first that is
	// closed, or "".
	RecordFlights(ctx context.Context, tx *sql.Tx, flights []standby.FlightKey) (closed standby.FlightKey, err error)

	// InsertEntries inserts the normalised entries, whose flight keys are
	// keys, as active and added at added, inside tx after RecordFlights.
	// A traveller who already has an active entry on the flight makes it
	// fail with a *standby.AlreadyQueuedError.
	InsertEntries(ctx context.Context, tx *sql.Tx, entries []standby.Entry, keys []standby.FlightKey, added time.Time) error

	// EntrySelect is the select list of standby_entries (unaliased) whose
	// rows a reader's Entry decodes; RecordSelect the one its Record
	// decodes.
	EntrySelect() string
	RecordSelect() string

	// NewReader returns a reader for the rows of one query.
	NewReader() StandbyReader
}

// StandbyReader decodes rows of the adapter's EntrySelect or RecordSelect.
// It may keep what the rows share (each flight key parsed once).
type StandbyReader interface {
	Entry(rows *sql.Rows) (standby.Entry, error)
	Record(rows *sql.Rows) (standby.Record, error)
}

// NewStandbyStore returns the standby store on db.
func NewStandbyStore(db *DB, adapter StandbyAdapter) *StandbyStore {
	return &StandbyStore{db: db, adapter: adapter}
}

var _ standby.Store = (*StandbyStore)(nil)

// AddEntries stores entries as active, all or none, in one transaction that
// records each flight (version increased) before inserting its entries.
func (s *StandbyStore) AddEntries(ctx context.Context, entries []standby.Entry, at time.Time) error {
	entries, keys, err := s.normalizeEntries(entries)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	// A traveller twice on one flight within the call.
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
	}
	flights := slices.Compact(slices.Sorted(slices.Values(keys)))
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		closed, err := s.adapter.RecordFlights(ctx, tx, flights)
		if err != nil {
			return err
		}
		if closed != "" {
			return fmt.Errorf("flight %s is closed: %w", closed, bookingkit.ErrConflict)
		}
		return s.adapter.InsertEntries(ctx, tx, entries, keys, at.UTC())
	})
	if err != nil {
		return s.db.Fail("add standby entries: %w", err)
	}
	return nil
}

// bumpFlight adds one to a flight's version, which on PostgreSQL locks its
// row until the transaction ends; ErrNotFound for a flight never seen.
func (s *StandbyStore) bumpFlight(ctx context.Context, tx *sql.Tx, key string) error {
	res, err := tx.ExecContext(ctx, "UPDATE standby_flights SET version = version + 1 WHERE flight_key = $1", key)
	return s.db.OneRow(res, err, "standby flight "+key)
}

// RemoveEntry sets one active entry's status to cancelled or boarded.
func (s *StandbyStore) RemoveEntry(ctx context.Context, id standby.EntryID, status standby.Status, at time.Time) (standby.Entry, error) {
	if status != standby.StatusCancelled && status != standby.StatusBoarded {
		return standby.Entry{}, bookingkit.Invalid("status", string(status), "an entry is removed as cancelled or boarded")
	}
	if _, err := standby.ParseFlightKey(string(id.Flight)); err != nil {
		return standby.Entry{}, s.db.Fail("standby: %w", err)
	}
	var e standby.Entry
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// The flight first (a failure below rolls the bump back).
		if err := s.bumpFlight(ctx, tx, string(id.Flight)); err != nil {
			return err
		}
		entries, err := standbyAll(ctx, tx, s.adapter.NewReader().Entry, `UPDATE standby_entries SET status = $1, changed_at = $2
			WHERE flight_key = $3 AND booking_id = $4 AND passenger = $5 AND status = 'active'
			RETURNING `+s.adapter.EntrySelect(), string(status), at.UTC(), string(id.Flight), id.BookingID, id.Passenger)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			var current string
			err := tx.QueryRowContext(ctx, `SELECT status FROM standby_entries WHERE flight_key = $1 AND booking_id = $2 AND passenger = $3`,
				string(id.Flight), id.BookingID, id.Passenger).Scan(&current)
			if err != nil {
				return err // ErrNoRows: not found
			}
			return fmt.Errorf("the entry is %s: %w", current, bookingkit.ErrConflict)
		}
		e = entries[0]
		return nil
	})
	if err != nil {
		return standby.Entry{}, s.db.Fail("remove standby entry %s: %w", id, err)
	}
	return e, nil
}

// CancelBooking cancels every active entry of a booking in one
// transaction, flight by flight in key order. An entry added meanwhile on
// another flight counts as added after the cancellation.
func (s *StandbyStore) CancelBooking(ctx context.Context, bookingID string, at time.Time) ([]standby.Entry, error) {
	var out []standby.Entry
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = []standby.Entry{}
		flights, err := standbyAll(ctx, tx, func(rows *sql.Rows) (key string, err error) { return key, rows.Scan(&key) },
			"SELECT DISTINCT flight_key FROM standby_entries WHERE booking_id = $1 AND status = 'active' ORDER BY flight_key", bookingID)
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
		for _, key := range flights {
			if err := s.bumpFlight(ctx, tx, key); err != nil {
				return err
			}
			cancelled, err := standbyAll(ctx, tx, s.adapter.NewReader().Entry, `UPDATE standby_entries SET status = 'cancelled', changed_at = $1
				WHERE flight_key = $2 AND booking_id = $3 AND status = 'active'
				RETURNING `+s.adapter.EntrySelect(), at.UTC(), key, bookingID)
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
	s.sortEntries(out)
	return out, nil
}

// CloseFlight records the flight closed and closes its active entries.
func (s *StandbyStore) CloseFlight(ctx context.Context, key standby.FlightKey, at time.Time) (int, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return 0, s.db.Fail("standby: %w", err)
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
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
		return 0, s.db.Fail("close standby flight %s: %w", key, err)
	}
	return int(n), nil
}

// ActiveEntries returns a flight's active entries and its version, read in
// one read-only transaction that sees one snapshot (REPEATABLE READ on
// PostgreSQL; on SQLite a deferred transaction, which does not wait for the
// write lock).
func (s *StandbyStore) ActiveEntries(ctx context.Context, key standby.FlightKey) ([]standby.Entry, int64, error) {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return nil, 0, s.db.Fail("standby: %w", err)
	}
	out, version, err := func() ([]standby.Entry, int64, error) {
		tx, err := s.db.SQL.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, 0, err
		}
		defer tx.Rollback() //nolint:errcheck // it only read
		var version int64
		err = tx.QueryRowContext(ctx, "SELECT version FROM standby_flights WHERE flight_key = $1", string(key)).Scan(&version)
		if isNoRows(err) {
			return []standby.Entry{}, 0, nil
		}
		if err != nil {
			return nil, 0, err
		}
		out, err := standbyAll(ctx, tx, s.adapter.NewReader().Entry, "SELECT "+s.adapter.EntrySelect()+
			" FROM standby_entries WHERE flight_key = $1 AND status = 'active'", string(key))
		return out, version, err
	}()
	if err != nil {
		return nil, 0, s.db.Fail("standby entries of %s: %w", key, s.db.Translate(err))
	}
	return out, version, nil
}

// standbyQuerier is a *sql.DB or a *sql.Tx.
type standbyQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// standbyEach runs a query on q and calls fn with every row, as read reads
// it.
func standbyEach[T any](ctx context.Context, q standbyQuerier, read func(*sql.Rows) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := read(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// standbyAll runs a query on q and returns every row, as read reads it.
func standbyAll[T any](ctx context.Context, q standbyQuerier, read func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	out := []T{}
	if err := standbyEach(ctx, q, read, func(v T) error { out = append(out, v); return nil }, query, args...); err != nil {
		return nil, err
	}
	return out, nil
}

// EachActiveEntry streams the active entries in flight key order, reading
// them row by row from one query (an index holds exactly the active
// entries, in that order).
func (s *StandbyStore) EachActiveEntry(ctx context.Context, fn func(standby.Entry) error) error {
	var fnErr error
	err := standbyEach(ctx, s.db.SQL, s.adapter.NewReader().Entry, func(e standby.Entry) error { fnErr = fn(e); return fnErr },
		"SELECT "+s.adapter.EntrySelect()+" FROM standby_entries WHERE status = 'active' ORDER BY flight_key")
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return s.db.Fail("standby entries: %w", s.db.Translate(err))
	}
	return nil
}

// BookingRecords returns every entry of a booking, by flight key then
// passenger.
func (s *StandbyStore) BookingRecords(ctx context.Context, bookingID string) ([]standby.Record, error) {
	out, err := standbyAll(ctx, s.db.SQL, s.adapter.NewReader().Record, "SELECT "+s.adapter.RecordSelect()+
		" FROM standby_entries WHERE booking_id = $1 ORDER BY flight_key, passenger", bookingID)
	if err != nil {
		return nil, s.db.Fail("standby booking: %w", s.db.Translate(err))
	}
	return out, nil
}

// FlightVersion returns the flight's version, 0 when never seen.
func (s *StandbyStore) FlightVersion(ctx context.Context, key standby.FlightKey) (int64, error) {
	var v int64
	err := s.flightRow(ctx, key, "version", &v)
	return v, err
}

// FlightClosed reports whether the flight was closed; false when never
// seen.
func (s *StandbyStore) FlightClosed(ctx context.Context, key standby.FlightKey) (bool, error) {
	var closed bool
	err := s.flightRow(ctx, key, "closed_at IS NOT NULL", &closed)
	return closed, err
}

// FlightStates reads the rows of flights, 500 keys a query.
func (s *StandbyStore) FlightStates(ctx context.Context, flights []standby.FlightKey) (map[standby.FlightKey]standby.FlightState, error) {
	for _, key := range flights {
		if _, err := standby.ParseFlightKey(string(key)); err != nil {
			return nil, s.db.Fail("standby: %w", err)
		}
	}
	out := make(map[standby.FlightKey]standby.FlightState, len(flights))
	keys := make([]string, len(flights))
	for i, key := range flights {
		keys[i] = string(key)
	}
	for chunk := range slices.Chunk(keys, 500) {
		in, args := dollarList(nil, chunk)
		rows, err := s.db.SQL.QueryContext(ctx, "SELECT flight_key, version, closed_at IS NOT NULL FROM standby_flights WHERE flight_key IN ("+in+")", args...)
		if err != nil {
			return nil, s.db.Fail("standby flight states: %w", s.db.Translate(err))
		}
		for rows.Next() {
			var key string
			var st standby.FlightState
			if err := rows.Scan(&key, &st.Version, &st.Closed); err != nil {
				rows.Close()
				return nil, s.db.Fail("standby flight states: %w", s.db.Translate(err))
			}
			out[standby.FlightKey(key)] = st
		}
		if err := rows.Err(); err != nil {
			return nil, s.db.Fail("standby flight states: %w", s.db.Translate(err))
		}
		rows.Close()
	}
	return out, nil
}

// flightRow reads one value of the flight's row into dest, which it leaves
// as it is for a flight never seen.
func (s *StandbyStore) flightRow(ctx context.Context, key standby.FlightKey, what string, dest any) error {
	if _, err := standby.ParseFlightKey(string(key)); err != nil {
		return s.db.Fail("standby: %w", err)
	}
	err := s.db.SQL.QueryRowContext(ctx, "SELECT "+what+" FROM standby_flights WHERE flight_key = $1", string(key)).Scan(dest)
	if err != nil && !isNoRows(err) {
		return s.db.Fail("standby flight %s %s: %w", key, what, s.db.Translate(err))
	}
	return nil
}

// normalizeEntries checks the entries and returns them normalised, with
// their flight keys.
func (s *StandbyStore) normalizeEntries(entries []standby.Entry) ([]standby.Entry, []standby.FlightKey, error) {
	out := make([]standby.Entry, len(entries))
	keys := make([]standby.FlightKey, len(entries))
	for i, e := range entries {
		ne, err := e.Normalize()
		if err != nil {
			return nil, nil, s.db.Fail("standby entry %d: %w", i, err)
		}
		out[i], keys[i] = ne, ne.Flight.Key()
	}
	return out, keys, nil
}

// sortEntries orders entries by flight key, then passenger.
func (s *StandbyStore) sortEntries(entries []standby.Entry) {
	slices.SortFunc(entries, func(a, b standby.Entry) int {
		if c := strings.Compare(string(a.Flight.Key()), string(b.Flight.Key())); c != 0 {
			return c
		}
		return cmp.Compare(a.Passenger, b.Passenger)
	})
}
