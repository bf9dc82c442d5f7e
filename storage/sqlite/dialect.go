package sqlite

import (
	"context"
	"database/sql"
)

// dialect is SQLite's side of the SQL written once in storage/internal/sqlstore.
type dialect struct{}

func (dialect) Name() string              { return "sqlite" }
func (dialect) Translate(err error) error { return translate(err) }

// Lock has nothing to take: every transaction begins IMMEDIATE and holds
// the database's write lock from its start.
func (dialect) Lock(context.Context, *sql.Tx, string) error { return nil }

// ForUpdate is empty: SQLite has no row locks, and the transaction holds
// the write lock already.
func (dialect) ForUpdate() string { return "" }
