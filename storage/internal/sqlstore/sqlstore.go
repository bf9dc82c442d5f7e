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
// is behind the [Dialect] (error translation, locks) or behind a store's
// own small interface for its hot paths (bulk writes: COPY and unnest on
// PostgreSQL, a prepared statement in a loop on SQLite), implemented in the
// adapter's package.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
)

// Dialect is what differs between the SQL databases for every store.
type Dialect interface {
	// Name is the adapter's name ("sqlite", "postgres"), which its
	// errors carry in the log.
	Name() string

	// Translate turns a driver error into bookingkit's sentinels with
	// storage.Refused (a unique violation is ErrConflict, a missing row
	// ErrNotFound). It returns other errors, and errors translated
	// already, as they are.
	Translate(err error) error

	// Lock takes, inside tx, the lock called name until tx ends: two
	// transactions that take the same name run one after the other, also
	// in two processes. PostgreSQL takes an advisory lock; SQLite's
	// transactions begin IMMEDIATE and hold the write lock, so it has
	// nothing to do.
	Lock(ctx context.Context, tx *sql.Tx, name string) error

	// ForUpdate is the clause that locks the rows a SELECT reads until
	// the transaction ends (" FOR UPDATE"), or "" where the transaction
	// holds the whole database already (SQLite).
	ForUpdate() string
}

// DB is an open database and its dialect: what the stores are built on.
type DB struct {
	SQL     *sql.DB
	Dialect Dialect
}

// InTx runs fn in one transaction and commits it when fn returns nil. The
// error it returns is translated.
func (db *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return db.Dialect.Translate(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(tx); err != nil {
		return db.Dialect.Translate(err)
	}
	return db.Dialect.Translate(tx.Commit())
}

// Translate is the dialect's [Dialect.Translate].
func (db *DB) Translate(err error) error { return db.Dialect.Translate(err) }

// Fail returns the adapter's error: its context, with the adapter's name
// before it, around the cause (storage.Failf says what callers are told
// of it).
func (db *DB) Fail(format string, args ...any) error {
	return storage.Failf(db.Dialect.Name(), format, args...)
}

// OneRow checks that an UPDATE or DELETE touched exactly one row and
// reports ErrNotFound when it touched none.
func (db *DB) OneRow(res sql.Result, err error, what string) error {
	if err != nil {
		return db.Fail("%s: %w", what, db.Translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return db.Fail("%s: %w", what, err)
	}
	if n == 0 {
		return db.Fail("%s: %w", what, bookingkit.ErrNotFound)
	}
	return nil
}

// isNoRows reports whether err says a query found no row.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
