package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"net/url"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/storage/internal/migrate"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open SQLite database file with bookingkit's schema.
type DB struct {
	sql  *sql.DB
	core *sqlstore.DB
	path string
}

// Open opens (creating it when missing) the SQLite file at path and applies
// the schema migrations that it lacks, with the connection settings the
// package doc's Concurrency section describes.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, bookingkit.Invalid("path", path, "a SQLite file name is required")
	}
	// The driver runs the _pragma list before its named settings, so a
	// new file has pageSize pages before WAL mode fixes them; an existing
	// file keeps its page size.
	q := url.Values{"_pragma": {"busy_timeout(10000)", fmt.Sprintf("page_size(%d)", pageSize)},
		"_journal_mode": {"WAL"}, "_foreign_keys": {"1"}, "_synchronous": {"NORMAL"}, "_txlock": {"immediate"}}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fail("open %s: %w", path, err)
	}
	// database/sql keeps 2 idle connections unless told otherwise, and
	// opening a SQLite connection (file, pragmas, schema) for most
	// queries of concurrent requests costs more than the queries
	// (docs/performance.md, the load program); an idle one closes after a
	// minute, so a burst's page caches are not kept for good.
	sqldb.SetMaxIdleConns(maxIdleConns)
	sqldb.SetConnMaxIdleTime(time.Minute)
	db := &DB{sql: sqldb, core: &sqlstore.DB{SQL: sqldb, Dialect: dialect{}}, path: path}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// maxIdleConns is how many connections the pool keeps between queries.
// The open ones are not capped: writers waiting for an import's write
// lock could hold every connection and make the readers wait too.
const maxIdleConns = 64

// pageSize is the page size of the files Open creates: bulk writes such
// as an employee import run about 20% faster than with 4 KiB pages.
const pageSize = 16384

func (db *DB) migrate(ctx context.Context) error {
	if err := sqlstore.Migrate(ctx, db.sql, migrationFiles, migrate.Dialect{}); err != nil {
		return fail("%s: %w", db.path, err)
	}
	return nil
}

// Path returns the file name the database was opened with.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error { return db.core.Ping(ctx) }

// SchemaVersions returns the applied migration versions, in order.
func (db *DB) SchemaVersions(ctx context.Context) ([]int, error) {
	return migrate.Versions(ctx, db.sql)
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Stores returns the database seen through the domain interfaces.
func (db *DB) Stores() storage.Stores { return sqlstore.Stores(db.core, newStaffIDStore(db)) }

// SQL returns the connection pool, for tools that move whole tables
// (bookingkit copy); the domain goes through [DB.Stores].
func (db *DB) SQL() *sql.DB { return db.sql }

// fail returns the adapter's error (storage.Failf).
func fail(format string, args ...any) error {
	return storage.Failf("sqlite", format, args...)
}
