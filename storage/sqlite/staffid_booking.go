package sqlite

import (
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

// standbyBookings: the standby bookings come from the index on
// (substr(flight_key, -10), seq); the unary plus keeps the planner from
// walking the seq range instead.
const standbyBookings = "substr(flight_key, -10) >= $1 AND +seq > $2 ORDER BY seq LIMIT $3"

func newStaffBookingStore(db *DB) staffid.BookingStore {
	return sqlstore.NewStaffBookingStore(db.core, standbyBookings)
}
