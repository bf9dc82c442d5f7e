package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open PostgreSQL database with bookingkit's schema.
type DB struct {
	sql *sql.DB
}

// Open connects to the PostgreSQL database at url (postgres://… or a
// key=value connection string) and applies the schema migrations that it
// lacks. The objects live in the connection's current schema, so a
// search_path parameter in url gives one database several independent
// bookingkit installations.
//
// Several processes may open the same database at once: migrations take a
// transaction-scoped advisory lock per schema, so each step runs once.
func Open(ctx context.Context, url string) (*DB, error) {
	sqldb, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	sqldb.SetMaxOpenConns(16)
	sqldb.SetMaxIdleConns(16)
	db := &DB{sql: sqldb}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// lockKey returns SQL for a transaction-scoped advisory lock named name
// within the current schema: installations in different schemas of one
// database do not wait for each other.
func lockKey(name string) string {
	return "SELECT pg_advisory_xact_lock(hashtext('bookingkit." + name + ".' || current_schema()))"
}

func (db *DB) migrate(ctx context.Context) error {
	files, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	ms, err := migrate.Load(files)
	if err != nil {
		return err
	}
	d := migrate.Dialect{
		Lock:        lockKey("migrate"),
		Placeholder: func(n int) string { return fmt.Sprintf("$%d", n) },
	}
	if _, err := migrate.Apply(ctx, db.sql, d, ms); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// SchemaVersions returns the applied migration versions, in order.
func (db *DB) SchemaVersions(ctx context.Context) ([]int, error) {
	return migrate.Versions(ctx, db.sql)
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.sql.Close() }

// Stores returns the database seen through the domain interfaces.
func (db *DB) Stores() storage.Stores {
	return storage.Stores{
		Backend:  "postgres",
		Ping:     db.Ping,
		Close:    db.Close,
		Settings: &SettingsStore{db: db},
		Accounts: &AccountStore{db: db},
		Standby:  &StandbyStore{db: db},
		Mogu:     &MoguStore{db: db},
		StaffID:  &StaffIDStore{db: db},
		Partner:  &PartnerStore{db: db},

		// staffid bookings (staffid_booking.go)
		StaffBookings: &StaffBookingStore{db: db},

		Outbox:     &OutboxStore{db: db},
		RateLimits: &RateLimitStore{db: db},
	}
}

// inTx runs fn in one transaction and commits it when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return translate(err)
	}
	return translate(tx.Commit())
}

// translate turns driver errors into bookingkit's sentinels, keeping the
// original text for the logs.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", bookingkit.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return fmt.Errorf("%w: %w", bookingkit.ErrConflict, err)
		case pe.Code == "40001", pe.Code == "40P01": // serialization_failure, deadlock_detected
			return fmt.Errorf("%w: %w", bookingkit.ErrConflict, err)
		case strings.HasPrefix(pe.Code, "23"): // other integrity violations
			return fmt.Errorf("%w: %w", bookingkit.ErrInvalid, err)
		case pe.Code == "22001", pe.Code == "22007", pe.Code == "22008", pe.Code == "22P02": // bad data
			return fmt.Errorf("%w: %w", bookingkit.ErrInvalid, err)
		}
	}
	return err
}

// oneRow checks that an UPDATE or DELETE touched exactly one row and
// reports ErrNotFound when it touched none.
func oneRow(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("postgres: %s: %w", what, bookingkit.ErrNotFound)
	}
	return nil
}
