// Package sqlstore holds bookingkit's stores written once against
// database/sql, for both SQL adapters: storage/sqlite and storage/postgres
// open their database, apply their own migrations and pass a [DB] with
// their [Dialect]; the query texts here serve both.
//
// # One query text
//
// Every query numbers its parameters $1, $2, …: PostgreSQL requires it and
// modernc.org/sqlite binds $N by position too (a number used twice binds
// the same argument twice). What truly differs between the two databases
// is behind the [Dialect]: error translation, locks, bulk writes and a few
// expressions.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/internal/migrate"
)

// Dialect is what differs between the SQL databases.
type Dialect interface {
	// Name is the adapter's name, which its errors carry in the log.
	Name() string

	// Translate turns a driver's error into bookingkit's sentinels with
	// storage.Refused, or returns it as it is.
	Translate(err error) error

	// Lock takes the lock called name until tx ends, across processes:
	// an advisory lock; nothing on SQLite, whose IMMEDIATE transactions
	// hold the write lock.
	Lock(ctx context.Context, tx *sql.Tx, name string) error

	// RowLocks reports whether the database locks rows (FOR UPDATE, FOR
	// SHARE, SKIP LOCKED); without, every writing transaction holds the
	// whole database's write lock and a plain read takes no lock.
	RowLocks() bool

	// InsertRows inserts row(0) … row(n-1), values of columns
	// (comma-separated), into table, the database's fastest way.
	InsertRows(ctx context.Context, tx *sql.Tx, table, columns string, n int, row func(int) []any) error

	// TimeText is the UTC time in column as text, "2006-01-02
	// 15:04:05[.fraction]" followed by nothing or a UTC offset.
	TimeText(column string) string

	// TimesAsText reports whether the stores parse the stored times' text
	// themselves (SQLite's driver parses times slowly) rather than read
	// typed columns (PostgreSQL's server formats text slowly).
	TimesAsText() bool

	// Position is the expression for where sub first occurs in text,
	// counting from 1, or 0 when it does not (instr, strpos).
	Position(text, sub string) string

	// StandbyBookings ends the staff standby bookings' query (see
	// [NewStaffBookingStore]), whose plan needs its own text.
	StandbyBookings() string
}

// DB is an open database and its dialect: what the stores are built on.
type DB struct {
	SQL     *sql.DB
	Dialect Dialect
}

// Stores returns db seen through the domain interfaces, with the staff
// travel store the adapter builds with its own bulk writes.
func Stores(db *DB, staffID staffid.Store) storage.Stores {
	return storage.Stores{
		Backend:  db.Dialect.Name(),
		Ping:     db.Ping,
		Close:    db.SQL.Close,
		Settings: &SettingsStore{db},
		Accounts: &AccountStore{db},
		Standby:  newStandbyStore(db),
		Mogu:     &MoguStore{db: db},
		StaffID:  staffID,
		Partner:  &PartnerStore{db},

		StaffIDHeld:   &StaffIDHeldStore{db},
		StaffBookings: NewStaffBookingStore(db, db.Dialect.StandbyBookings()),
		Outbox:        &OutboxStore{db},
		RateLimits:    &RateLimitStore{db},
		Idempotency:   &IdempotencyStore{db},
	}
}

// Migrate applies the migrations in the folder "migrations" of files that
// the database lacks.
func Migrate(ctx context.Context, db *sql.DB, files fs.FS, d migrate.Dialect) error {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		return err
	}
	ms, err := migrate.Load(sub)
	if err != nil {
		return err
	}
	_, err = migrate.Apply(ctx, db, d, ms)
	return err
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Err(db.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one), "ping")
}

// InTx runs fn in one transaction and commits it when fn returns nil. The
// error it returns is translated.
func (db *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return db.Translate(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return db.Translate(err)
	}
	return db.Translate(tx.Commit())
}

// Translate turns driver errors into bookingkit's sentinels, in the
// domain's words for callers with the driver's text for the logs
// (storage.Refused): a missing row is ErrNotFound, the rest the
// dialect's; an error translated already is returned as it is.
func (db *DB) Translate(err error) error {
	var done *bookingkit.StorageError
	switch {
	case err == nil, errors.As(err, &done):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return storage.Refused(bookingkit.ErrNotFound, "", err)
	}
	return db.Dialect.Translate(err)
}

// Fail returns the adapter's error, named, around the cause
// (storage.Failf says what callers are told of it).
func (db *DB) Fail(format string, args ...any) error {
	return storage.Failf(db.Dialect.Name(), format, args...)
}

// Err is nil when err is; otherwise the adapter's error, the context
// format and args, around err translated.
func (db *DB) Err(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return db.Fail(format+": %w", append(args, db.Translate(err))...)
}

// OneRow checks that an UPDATE or DELETE touched exactly one row and
// reports ErrNotFound when it touched none.
func (db *DB) OneRow(res sql.Result, err error, what string) error {
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err == nil && n == 0 {
		err = bookingkit.ErrNotFound
	}
	return db.Err(err, "%s", what)
}

// rowLock is clause (" FOR UPDATE", …) where the database locks rows; ""
// where the transaction holds the whole database already.
func (db *DB) rowLock(clause string) string {
	if db.Dialect.RowLocks() {
		return clause
	}
	return ""
}

// exec runs a statement on the database and returns the rows it touched,
// its error as db.Err's.
func (db *DB) exec(ctx context.Context, what, query string, args ...any) (int64, error) {
	res, err := db.SQL.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, db.Err(err, "%s", what)
	}
	n, err := res.RowsAffected()
	return n, db.Err(err, "%s", what)
}

// run is [DB.exec] without the count of rows.
func (db *DB) run(ctx context.Context, what, query string, args ...any) error {
	_, err := db.exec(ctx, what, query, args...)
	return err
}

// one runs a statement that must touch exactly one row, as [DB.OneRow]
// checks.
func (db *DB) one(ctx context.Context, what, query string, args ...any) error {
	res, err := db.SQL.ExecContext(ctx, query, args...)
	return db.OneRow(res, err, what)
}

// execEach runs the statements on q in turn, each with args, and returns
// the rows the last touched.
func execEach(ctx context.Context, q querier, statements []string, args ...any) (int64, error) {
	var res sql.Result
	for _, st := range statements {
		var err error
		if res, err = q.ExecContext(ctx, st, args...); err != nil {
			return 0, err
		}
	}
	return res.RowsAffected()
}

// scanner is a row to read: *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// querier is a *sql.DB, *sql.Tx or *sql.Conn.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// each runs query on q and calls fn with every row, as scan reads it.
func each[T any](ctx context.Context, q querier, scan func(scanner) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
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

// queryAll runs query on q and returns every row, as scan reads it: an
// empty slice, not nil, when there are none.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	out := []T{}
	err := each(ctx, q, scan, func(v T) error {
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanOne reads a row of one column.
func scanOne[T any](r scanner) (v T, err error) { return v, r.Scan(&v) }

// insertSQL is the INSERT of one row of columns (comma-separated) into
// table, its values $1, $2, … in the columns' order.
func insertSQL(table, columns string) string {
	return "INSERT INTO " + table + " (" + columns + ") VALUES " + Placeholders(1, 1, strings.Count(columns, ",")+1)
}

// Placeholders returns n groups of size numbered parameters from first:
// "$1, $2" for two groups of 1, "($1, $2), ($3, $4)" (a multi-row VALUES
// list) for two groups of 2.
func Placeholders(first, n, size int) string {
	groups := make([]string, n)
	for i := range groups {
		ph := make([]string, size)
		for j := range ph {
			ph[j] = "$" + strconv.Itoa(first+i*size+j)
		}
		if groups[i] = strings.Join(ph, ", "); size > 1 {
			groups[i] = "(" + groups[i] + ")"
		}
	}
	return strings.Join(groups, ", ")
}

// dollarList appends vs to args and returns their parameters, "$k, $k+1, …".
func dollarList[T any](args []any, vs []T) (string, []any) {
	in := Placeholders(len(args)+1, len(vs), 1)
	for _, v := range vs {
		args = append(args, v)
	}
	return in, args
}

// list is [queryAll] on db.SQL with its error as db.Err's for what.
func list[T any](ctx context.Context, db *DB, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	out, err := queryAll(ctx, db.SQL, scan, query, args...)
	return out, db.Err(err, "%s", what)
}

// utc scans a time in UTC, NULL and the zero time alike as the zero time.
type utc struct{ t *time.Time }

func (u utc) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	*u.t = time.Time{}
	if nt.Valid && !nt.Time.IsZero() {
		*u.t = nt.Time.UTC()
	}
	return nil
}

// nullTime is t for a nullable time column: NULL when zero.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// NullIfEmpty is NULL for "", for optional columns with a unique index.
func NullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// isNoRows reports whether err says a query found no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
