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

// outboxClaim: workers pass over the rows others are claiming, and the
// claim is one statement whether anything is due or not (see
// sqlstore.OutboxClaim).
type outboxClaim struct{}

func (outboxClaim) SkipLocked() string { return " FOR UPDATE SKIP LOCKED" }
func (outboxClaim) LookFirst() bool    { return false }

// standbyBookings: the standby bookings come from the index on
// (right(flight_key, 10), seq); "seq + 0" keeps the planner from walking
// the primary key in seq order instead (194 699 rows filtered out for 200
// in a trial on 200 000).
const standbyBookings = "right(flight_key, 10) >= $1 AND seq + 0 > $2 ORDER BY seq + 0 LIMIT $3"
