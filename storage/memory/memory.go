// Package memory keeps bookingkit's data in the process's memory. It is the
// reference implementation of every domain storage interface: small, obvious,
// and held to the same conformance suite as the SQL adapters. Data is lost
// when the process ends; use it in tests and in programs that embed the
// modules and persist elsewhere.
package memory

import (
	"context"
	"sync"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/throttle"
)

// DB is an in-memory database. The zero value is not usable; call [New].
type DB struct {
	settings      *SettingsStore
	accounts      *AccountStore
	standby       *StandbyStore
	mogu          *MoguStore
	staffid       *StaffIDStore
	staffidHeld   StaffIDHeldStore
	staffBookings *StaffBookingStore
	partner       *PartnerStore
	outbox        *OutboxStore
	rateLimits    *throttle.MemoryStore
	idempotency   IdempotencyStore
}

// New returns an empty in-memory database.
func New() *DB {
	return &DB{
		settings:      &SettingsStore{values: map[string]string{}},
		accounts:      newAccountStore(),
		standby:       newStandbyStore(),
		mogu:          newMoguStore(),
		staffid:       newStaffIDStore(),
		staffBookings: newStaffBookingStore(),
		partner:       newPartnerStore(),
		outbox:        newOutboxStore(),
		rateLimits:    new(throttle.MemoryStore),
	}
}

// Stores returns the database seen through the domain interfaces.
func (db *DB) Stores() storage.Stores {
	return storage.Stores{
		Backend:       "memory",
		Ping:          func(context.Context) error { return nil },
		Close:         func() error { return nil },
		Settings:      db.settings,
		Accounts:      db.accounts,
		Standby:       db.standby,
		Mogu:          db.mogu,
		StaffID:       db.staffid,
		StaffIDHeld:   &db.staffidHeld,
		StaffBookings: db.staffBookings,
		Partner:       db.partner,
		Outbox:        db.outbox,
		RateLimits:    db.rateLimits,
		Idempotency:   &db.idempotency,
	}
}

// SettingsStore keeps the server's own small values.
type SettingsStore struct {
	mu     sync.Mutex
	values map[string]string
}

var _ storage.SettingsStore = (*SettingsStore)(nil)

// Setting returns the value stored under key, or an error matching
// bookingkit.ErrNotFound.
func (s *SettingsStore) Setting(_ context.Context, key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.values[key]
	if !ok {
		return "", fail("setting %q: %w", key, bookingkit.ErrNotFound)
	}
	return v, nil
}

// PutSettingIfAbsent stores value under key unless the key already has a
// value, and returns the value stored afterwards.
func (s *SettingsStore) PutSettingIfAbsent(_ context.Context, key, value string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.values[key]; ok {
		return v, nil
	}
	s.values[key] = value
	return value, nil
}

// PutSetting stores value under key, replacing any earlier value.
func (s *SettingsStore) PutSetting(_ context.Context, key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[key] = value
	return nil
}

// fail returns the adapter's error: its context, with "memory: " before
// it, around the cause (storage.Failf says what callers are told of it).
func fail(format string, args ...any) error {
	return storage.Failf("memory", format, args...)
}
