package sqlstore

import (
	"context"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage"
)

// Own is what an adapter gives [Stores] of its own: the stores with hot
// paths it writes its own way, built on this package's with its bulk
// writes, and the few texts its database needs.
type Own struct {
	Standby standby.Store
	StaffID staffid.Store
	Partner partner.Store
	// StandbyBookings ends the staff standby bookings' query (see
	// [NewStaffBookingStore]).
	StandbyBookings string
	OutboxClaim     OutboxClaim
}

// Stores returns db seen through the domain interfaces.
func Stores(db *DB, own Own) storage.Stores {
	return storage.Stores{
		Backend:  db.Dialect.Name(),
		Ping:     db.Ping,
		Close:    db.SQL.Close,
		Settings: NewSettingsStore(db),
		Accounts: NewAccountStore(db),
		Standby:  own.Standby,
		Mogu:     NewMoguStore(db),
		StaffID:  own.StaffID,
		Partner:  own.Partner,

		StaffBookings: NewStaffBookingStore(db, own.StandbyBookings),
		Outbox:        NewOutboxStore(db, own.OutboxClaim),
		RateLimits:    NewRateLimitStore(db),
		Idempotency:   NewIdempotencyStore(db),
	}
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return db.Fail("ping: %w", err)
	}
	return nil
}
