package sqlite

import (
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
	"github.com/bookingkit/bookingkit/throttle"
)

func newRateLimitStore(db *DB) throttle.Store { return sqlstore.NewRateLimitStore(db.core) }
