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

// outboxClaim: the claim's transaction holds the write lock, and an idle
// claim answers from a read without it (see sqlstore.OutboxClaim).
type outboxClaim struct{}

func (outboxClaim) SkipLocked() string { return "" }
func (outboxClaim) LookFirst() bool    { return true }

// standbyBookings: the standby bookings come from the index on
// (substr(flight_key, -10), seq); the unary plus keeps the planner from
// walking the seq range instead.
const standbyBookings = "substr(flight_key, -10) >= $1 AND +seq > $2 ORDER BY seq LIMIT $3"
