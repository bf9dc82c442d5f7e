package postgres

import (
	"context"
	"database/sql"
)

// dialect is PostgreSQL's side of the SQL written once in storage/internal/sqlstore.
type dialect struct{}

func (dialect) Name() string              { return "postgres" }
func (dialect) Translate(err error) error { return translate(err) }

// Lock takes a transaction-scoped advisory lock named name within the
// current schema (lockKey).
func (dialect) Lock(ctx context.Context, tx *sql.Tx, name string) error {
	_, err := tx.ExecContext(ctx, lockKey(name))
	return err
}

func (dialect) ForUpdate() string { return " FOR UPDATE" }
