package main

import (
	"testing"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/storagetest"
)

// The engine's own store is held to the same conformance cases as
// bookingkit's adapters, module by module: it implements staffid.Store,
// staffid.BookingStore and standby.Store and nothing else.
func TestStoreConformance(t *testing.T) {
	t.Run("StaffID", func(t *testing.T) {
		storagetest.RunStaffID(t, func(t *testing.T) staffid.Store { return NewStore() })
	})
	t.Run("StaffBookings", func(t *testing.T) {
		storagetest.RunStaffBookings(t, func(t *testing.T) staffid.BookingStore { return NewStore() })
	})
	t.Run("Standby", func(t *testing.T) {
		storagetest.RunStandby(t, func(t *testing.T) standby.Store { return NewStore() })
	})
}
