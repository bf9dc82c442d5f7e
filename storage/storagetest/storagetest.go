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
package storagetest

import (
	"context"
	"testing"

	"github.com/bookingkit/bookingkit/storage"
)

// Open returns a fresh, empty backend for one test. It registers with
// t.Cleanup whatever closing and deleting the backend needs.
type Open func(t *testing.T) storage.Stores

// Run runs every conformance case against the backend that open returns.
func Run(t *testing.T, open Open) {
	t.Run("Ping", func(t *testing.T) { testPing(t, open) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, open) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open) })
	t.Run("Standby", func(t *testing.T) { testStandby(t, open) })
	t.Run("Mogu", func(t *testing.T) { testMogu(t, open) })
	t.Run("StaffID", func(t *testing.T) { testStaffID(t, open) })
	t.Run("StaffBookings", func(t *testing.T) { testStaffBookings(t, open) })
	t.Run("Partner", func(t *testing.T) { testPartner(t, open) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, open) })
	t.Run("RateLimits", func(t *testing.T) { testRateLimits(t, open) })
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
