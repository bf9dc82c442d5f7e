package postgres

import (
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

func newAccountStore(db *DB) account.Store { return sqlstore.NewAccountStore(db.core) }

// nullIfEmpty is for the stores not yet written once in sqlstore.
var nullIfEmpty = sqlstore.NullIfEmpty
