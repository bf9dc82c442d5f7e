// Package storagetest is the conformance suite that every bookingkit storage
// adapter runs. A behaviour difference between adapters is a bug, so each
// domain's storage rules are written down here once, as tests, and every
// adapter's test file calls [Run] in a few lines:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Stores {
//			db := openEmptyDatabase(t) // registers its own t.Cleanup
//			return db.Stores()
//		})
//	}
//
// Each case asks open for a fresh, empty backend, so cases never see each
// other's rows. The suite checks results and the errors adapters return:
// they must match the sentinels of package bookingkit under errors.Is.
//
// # One module's store
//
// An engine that keeps one module's data in its own database implements
// only that module's interface, and holds it to that module's part of the
// suite: [RunAccounts], [RunSettings], [RunStandby], [RunMogu],
// [RunStaffID], [RunStaffIDHeld], [RunStaffBookings], [RunPartner], [RunOutbox],
// [RunRateLimits] and [RunIdempotency] each take an open function that
// returns just that store, fresh and empty for every case. An engine with
// its own standby queue store writes:
//
//	func TestStandbyStore(t *testing.T) {
//		storagetest.RunStandby(t, func(t *testing.T) standby.Store {
//			return enginedb.NewStandbyStore(openEmptyDatabase(t))
//		})
//	}
//
// [Run] calls them all on the stores of one [storage.Stores], each under
// the module's name (TestConformance/Standby/RoundTripExactly), so an
// adapter and an engine's own store pass the very same cases. The
// examples/engine program runs its store through [RunStaffID] and
// [RunStandby] this way.
package storagetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/idempotency"
	"github.com/bookingkit/bookingkit/mogu"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage"
	"github.com/bookingkit/bookingkit/throttle"
)

// Open returns a fresh, empty backend for one test. It registers with
// t.Cleanup whatever closing and deleting the backend needs.
type Open func(t *testing.T) storage.Stores

// Run runs every conformance case against the backend that open returns:
// Ping, then each module's part under its name.
func Run(t *testing.T, open Open) {
	t.Run("Ping", func(t *testing.T) { testPing(t, open) })
	t.Run("Settings", func(t *testing.T) {
		RunSettings(t, pick(open, func(s storage.Stores) storage.SettingsStore { return s.Settings }))
	})
	t.Run("Accounts", func(t *testing.T) {
		RunAccounts(t, pick(open, func(s storage.Stores) account.Store { return s.Accounts }))
	})
	t.Run("Standby", func(t *testing.T) {
		RunStandby(t, pick(open, func(s storage.Stores) standby.Store { return s.Standby }))
	})
	t.Run("Mogu", func(t *testing.T) { RunMogu(t, pick(open, func(s storage.Stores) mogu.Store { return s.Mogu })) })
	t.Run("StaffID", func(t *testing.T) {
		RunStaffID(t, pick(open, func(s storage.Stores) staffid.Store { return s.StaffID }))
	})
	t.Run("StaffIDHeld", func(t *testing.T) {
		RunStaffIDHeld(t, pick(open, func(s storage.Stores) StaffIDHeld { return StaffIDHeld{History: s.StaffID, Held: s.StaffIDHeld} }))
	})
	t.Run("StaffBookings", func(t *testing.T) {
		RunStaffBookings(t, pick(open, func(s storage.Stores) staffid.BookingStore { return s.StaffBookings }))
	})
	t.Run("Partner", func(t *testing.T) {
		RunPartner(t, pick(open, func(s storage.Stores) partner.Store { return s.Partner }))
	})
	t.Run("Outbox", func(t *testing.T) { RunOutbox(t, pick(open, func(s storage.Stores) outbox.Store { return s.Outbox })) })
	t.Run("RateLimits", func(t *testing.T) {
		RunRateLimits(t, pick(open, func(s storage.Stores) throttle.Store { return s.RateLimits }))
	})
	t.Run("Idempotency", func(t *testing.T) {
		RunIdempotency(t, pick(open, func(s storage.Stores) idempotency.Store { return s.Idempotency }))
	})
}

// pick opens a whole backend for each case and hands the case one of its
// stores; a backend that leaves the store out fails the case rather than
// panicking in it.
func pick[S any](open Open, store func(storage.Stores) S) func(t *testing.T) S {
	return func(t *testing.T) S {
		t.Helper()
		s := store(open(t))
		if any(s) == nil {
			t.Fatalf("the backend's Stores has no %v", reflect.TypeFor[S]())
		}
		return s
	}
}

func testPing(t *testing.T, open Open) {
	s := open(t)
	if s.Backend == "" {
		t.Error("Stores.Backend is empty: name the technology")
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
