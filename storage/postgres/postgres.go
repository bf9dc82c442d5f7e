package postgres

import (
	"context"
	"database/sql"
	"embed"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/internal/migrate"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open PostgreSQL database with bookingkit's schema.
type DB struct {
	sql  *sql.DB
	core *sqlstore.DB
}

// Open connects to the PostgreSQL database at url (postgres://… or a
// key=value connection string) and applies the schema migrations that it
// lacks. The objects live in the connection's current schema, so a
// search_path parameter in url gives one database several independent
// bookingkit installations. Several processes may open it at once: each
// migration runs once (the package doc says how).
func Open(ctx context.Context, url string) (*DB, error) {
	sqldb, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fail("open: %w", err)
	}
	sqldb.SetMaxOpenConns(16)
	sqldb.SetMaxIdleConns(16)
	db := &DB{sql: sqldb, core: &sqlstore.DB{SQL: sqldb, Dialect: dialect{}}}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fail("connect: %w", err)
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
	if err := sqlstore.Migrate(ctx, db.sql, migrationFiles, migrate.Dialect{Lock: lockKey("migrate")}); err != nil {
		return fail("%w", err)
	}
	return nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error { return db.core.Ping(ctx) }

// SchemaVersions returns the applied migration versions, in order.
func (db *DB) SchemaVersions(ctx context.Context) ([]int, error) {
	return migrate.Versions(ctx, db.sql)
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.sql.Close() }

// Stores returns the database seen through the domain interfaces.
func (db *DB) Stores() storage.Stores { return sqlstore.Stores(db.core, newStaffIDStore(db)) }

// SQL returns the connection pool, for tools that move whole tables
// (bookingkit copy); the domain goes through [DB.Stores].
func (db *DB) SQL() *sql.DB { return db.sql }

// fail returns the adapter's error (storage.Failf).
func fail(format string, args ...any) error {
	return storage.Failf("postgres", format, args...)
}
