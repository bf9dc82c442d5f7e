package sqlite

import (
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newOutboxStore(db *DB) outbox.Store { return sqlstore.NewOutboxStore(db.core, outboxClaim{}) }

// outboxClaim: the claim's transaction holds the write lock, and an idle
// claim answers from a read without it (see sqlstore.OutboxClaim).
type outboxClaim struct{}

func (outboxClaim) SkipLocked() string { return "" }
func (outboxClaim) LookFirst() bool    { return true }
