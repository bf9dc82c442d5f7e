package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// storeLostStandbyBooking stores a standby booking for Lennon and his wife
// straight into db, as a server that died between storing a booking and
// queueing it leaves it, and returns its ID.
func storeLostStandbyBooking(t *testing.T, db string, ids map[string]string) string {
	t.Helper()
	ctx := context.Background()
	stores, err := backend.Open(ctx, db)
	require.NoError(t, err)
	defer stores.Close()
	flight, err := standby.Flight{Carrier: "SU", Number: "100", Date: time.Now().UTC().AddDate(0, 0, 10)}.Normalize()
	require.NoError(t, err)
	b := staffid.Booking{
		ID: "SBLOSTLOSTLOSTLOST", BookedBy: ids["Lennon"], GroupKey: "884220062", Flight: flight,
		FareBasis: "ZED1", PassengerType: "ZED", Cabin: standby.Economy, Standby: true,
		CreatedAt: time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond),
	}
	for _, name := range []string{"Lennon", "Yoko"} {
		p, err := stores.StaffID.Person(ctx, ids[name])
		require.NoError(t, err)
		b.Passengers = append(b.Passengers, staffid.BookedPassenger{
			PersonID: p.ID, IsEmployee: p.IsEmployee, LastNameEng: p.LastNameEng, FirstNameEng: p.FirstNameEng,
			MiddleNameEng: p.MiddleNameEng, BirthDay: p.BirthDay, Sex: p.Sex, CategoryCode: p.CategoryCode,
		})
	}
	_, err = stores.StaffBookings.CreateBooking(ctx, b)
	require.NoError(t, err)
	return b.ID
}

// staffReconcile: a standby booking stored without its queue entries gets
// them when the server starts, once.
func staffReconcile(t *testing.T, db string) {
	first := startStaff(t, db, nil)
	session, ids := first.signUp()
	require.NoError(t, first.ts.Stop())

	id := storeLostStandbyBooking(t, db, ids)
	const repaired = "standby bookings that had lost their place put back into their queues"

	second := startStaff(t, db, nil)
	var b staffBookingT
	second.call("GET", "/api/staff/bookings/"+id, staffAuth(session), nil, http.StatusOK, &b)
	require.True(t, b.Standby)
	require.Len(t, b.Passengers, 2)
	for i, p := range b.Passengers {
		require.NotNil(t, p.Standby, "passenger %d has a place", i)
		require.Equal(t, "active", p.Standby.Status)
		require.Equal(t, 2, p.Standby.QueueLength)
	}
	require.ElementsMatch(t, []int{1, 2}, []int{b.Passengers[0].Standby.Position, b.Passengers[1].Standby.Position})
	require.NoError(t, second.ts.Stop())
	require.Contains(t, second.ts.stderr.String(), repaired)
	require.Contains(t, second.ts.stderr.String(), "queued=1")

	third := startStaff(t, db, nil)
	var again staffBookingT
	third.call("GET", "/api/staff/bookings/"+id, staffAuth(session), nil, http.StatusOK, &again)
	require.Equal(t, b, again, "a restart changes nothing")
	require.NoError(t, third.ts.Stop())
	require.False(t, strings.Contains(third.ts.stderr.String(), repaired), "nothing to repair, nothing logged:\n%s", third.ts.stderr)
}

func TestStaffReconcileOnStartOnSQLite(t *testing.T) {
	staffReconcile(t, filepath.Join(t.TempDir(), "bookingkit.db"))
}

func TestStaffReconcileOnStartOnPostgres(t *testing.T) {
	staffReconcile(t, pgtest.URL(t))
}
