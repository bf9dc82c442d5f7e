package postgres

import (
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newMoguStore(db *DB) mogu.Store { return sqlstore.NewMoguStore(db.core) }
