package storage

import (
	"context"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/throttle"
)

// Stores is one storage backend seen through the domain packages' own
// interfaces. The reference server and the conformance suite take a Stores;
// each adapter builds one with its Stores method.
type Stores struct {
	// Backend names the technology: "memory", "sqlite" or "postgres".
	Backend string
	// Ping checks that the backend answers.
	Ping func(context.Context) error
	// Close releases the backend. Call it once, after the last use.
	Close func() error

	Settings SettingsStore
	Accounts account.Store
	Standby  standby.Store
	Mogu     mogu.Store
	StaffID  staffid.Store
	// StaffIDHeld keeps the employee list the mass-block guard holds for
	// a manager's decision.
	StaffIDHeld staffid.HeldListStore
	// StaffBookings keeps the bookings staff make for themselves and their companions.
	StaffBookings staffid.BookingStore
	Partner       partner.Store
	// Outbox keeps the messages (mails) waiting for delivery.
	Outbox outbox.Store
	// RateLimits keeps the attempt counts that every server sharing the
	// database limits together.
	RateLimits throttle.Store
	// Idempotency keeps the Idempotency-Key records of the POSTs that
	// create bookings, so that a request repeated to any server sharing
	// the database is answered the same.
	Idempotency idempotency.Store
}

// SettingsStore keeps the reference server's own small values, such as the
// hash of the import token it generates on first start.
type SettingsStore interface {
	// Setting returns the value stored under key, or an error matching
	// bookingkit.ErrNotFound.
	Setting(ctx context.Context, key string) (string, error)
	// PutSettingIfAbsent stores value under key unless the key already has
	// a value, and returns the value stored afterwards: of two processes
	// racing to initialise a key, both see the winner's value.
	PutSettingIfAbsent(ctx context.Context, key, value string) (string, error)
	// PutSetting stores value under key, replacing any earlier value.
	PutSetting(ctx context.Context, key, value string) error
}
