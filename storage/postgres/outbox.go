package postgres

import (
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newOutboxStore(db *DB) outbox.Store { return sqlstore.NewOutboxStore(db.core, outboxClaim{}) }

// outboxClaim: workers pass over the rows others are claiming, and the
// claim is one statement whether anything is due or not (see
// sqlstore.OutboxClaim).
type outboxClaim struct{}

func (outboxClaim) SkipLocked() string { return " FOR UPDATE SKIP LOCKED" }
func (outboxClaim) LookFirst() bool    { return false }
