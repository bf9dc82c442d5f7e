package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// standbyCLIDB makes a SQLite file with three passengers waiting on
// SU100 of 2026-11-23 (and one who boarded), added through the service as
// the server would.
func standbyCLIDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "standby.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	svc := standby.NewService(db.Stores().Standby)
	// The clock is the morning of the last booking, before the flight
	// leaves: a departed flight takes no standby passengers.
	svc.Now = func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }
	flight := standby.Flight{Carrier: "SU", Number: "100", Date: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	employee := standby.Employee{Employer: "SU", EmployedOn: day(2012, 4, 2), Category: 3}
	for _, b := range []standby.Booking{
		{ID: "AF-77", BookedAt: time.Date(2026, 11, 19, 8, 0, 0, 0, time.UTC), Segments: []standby.Segment{{Flight: flight, Cabin: standby.Business}},
			Passengers: []standby.Passenger{standby.Employee{Employer: "AF", EmployedOn: day(1999, 5, 1), Category: 1}.Self()}},
		{ID: "PNR 12", BookedAt: time.Date(2026, 11, 20, 9, 30, 0, 123456000, time.UTC), Segments: []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
			Passengers: []standby.Passenger{employee.Self(), employee.Companion(5)}},
		{ID: "GONE", BookedAt: time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC), Segments: []standby.Segment{{Flight: flight, Cabin: standby.First}},
			Passengers: []standby.Passenger{employee.Self()}},
	} {
		_, err := svc.AddBooking(ctx, b)
		require.NoError(t, err)
	}
	_, err = svc.Remove(ctx, standby.EntryID{Flight: flight.Key(), BookingID: "GONE"}, standby.StatusBoarded)
	require.NoError(t, err)
	return path
}

func TestStandbyQueuePrintsTheQueue(t *testing.T) {
	db := standbyCLIDB(t)
	want := []string{
		"SU-100-2026-11-23: 3 waiting",
		"POS  BOOKING  PAX  CABIN     CATEGORY  EMPLOYER  EMPLOYED ON  BOOKED AT (UTC)",
		"1    PNR 12   0    economy   3         SU        2012-04-02   2026-11-20 09:30:00.123456",
		"2    PNR 12   1    economy   5         SU        2012-04-02   2026-11-20 09:30:00.123456",
		"3    AF-77    0    business  1         AF        1999-05-01   2026-11-19 08:00:00.000000",
	}
	for _, args := range [][]string{
		{"standby", "queue", "SU", "100", "2026-11-23", "-db", db},
		{"standby", "queue", "-db", db, "su", "SU0100", "2026-11-23"},
		{"standby", "queue", "SU-100-2026-11-23", "-db", db},
	} {
		out, _, err := runTool(t, nil, args...)
		require.NoError(t, err, "%v", args)
		require.Equal(t, want, strings.Split(strings.TrimRight(out, "\n"), "\n"), "%v", args)
	}
	out, _, err := runTool(t, map[string]string{"BOOKINGKIT_DB": db}, "standby", "queue", "SU", "101", "2026-11-23")
	require.NoError(t, err)
	require.Equal(t, "SU-101-2026-11-23: nobody waiting\n", out)
}

func TestStandbyQueueBadUsage(t *testing.T) {
	db := standbyCLIDB(t)
	_, errOut, err := runTool(t, nil, "standby", "queue", "SU", "100", "-db", db)
	require.ErrorContains(t, err, "got 2 arguments")
	require.Contains(t, errOut, "CARRIER NUMBER DATE")

	_, _, err = runTool(t, nil, "standby", "queue", "SU", "AF100", "2026-11-23", "-db", db)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.ErrorContains(t, err, "operating carrier")

	_, _, err = runTool(t, nil, "standby", "queue", "SU", "100", "23.11.2026", "-db", db)
	require.ErrorContains(t, err, "YYYY-MM-DD")

	_, _, err = runTool(t, nil, "standby", "queue", "SU-0100-2026-11-23", "-db", db)
	require.ErrorContains(t, err, `"SU-100-2026-11-23"`)

	_, errOut, err = runTool(t, nil, "standby", "queue", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "-db")

	out, _, err := runTool(t, nil, "standby", "help")
	require.NoError(t, err)
	require.Contains(t, out, "queue")
	out, _, err = runTool(t, nil, "help")
	require.NoError(t, err)
	require.Contains(t, out, "standby")
}
