package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

// TestStandbyBookingsPlan: the standby bookings on flights from a date come
// from the index of migration 0160, not a scan of every booking ever made.
func TestStandbyBookingsPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	staffBookingSeed(t, db, 200, 5) // flights from 2026-12-01 to 2026-12-28
	if _, err := db.sql.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	plan := staffBookingPlan(t, db.sql, "SELECT "+sqlstore.StaffBookingColumns+" FROM staffid_bookings WHERE standby AND "+standbyBookings,
		"2026-12-27", 0, 200)
	t.Logf("plan:\n%s", plan)
	if !strings.Contains(plan, "staffid_bookings_standby_flight_date") {
		t.Errorf("plan does not use the index staffid_bookings_standby_flight_date:\n%s", plan)
	}
}
