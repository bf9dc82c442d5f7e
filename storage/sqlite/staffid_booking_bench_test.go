package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/internal/sqlstore"
)

// staffBookingSeed stores bookings for groups groups of four people
// (person IDs "v1:g<group>p<0..3>"), perGroup bookings each, every booking
// made by the group's employee (p0) for two of them, in one transaction.
func staffBookingSeed(tb testing.TB, db *DB, groups, perGroup int) {
	tb.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	err := db.core.InTx(ctx, func(tx *sql.Tx) error {
		booking, err := tx.PrepareContext(ctx, `INSERT INTO staffid_bookings
			(id, booked_by, group_key, flight_key, fare_basis, passenger_type, cabin, standby, created_at)
			VALUES (?, ?, ?, ?, 'ZED1', 'ZED', 3, TRUE, ?) RETURNING seq`)
		if err != nil {
			return err
		}
		defer booking.Close()
		pax, err := tx.PrepareContext(ctx, `INSERT INTO staffid_booking_passengers
			(booking_seq, idx, person_id, is_employee, last_name_eng, first_name_eng, middle_name_eng, birth_day, sex, category_code)
			VALUES (?, ?, ?, ?, 'Ivanova', 'Anna', '', '1984-02-29', 'F', 3)`)
		if err != nil {
			return err
		}
		defer pax.Close()
		// Interleave the groups, as bookings arrive in life.
		for j := range perGroup {
			for g := range groups {
				n := j*groups + g
				var seq int64
				if err := booking.QueryRowContext(ctx, fmt.Sprintf("SB%016d", n), fmt.Sprintf("v1:g%dp0", g), fmt.Sprint(g),
					fmt.Sprintf("SU-%d-2026-12-%02d", 1+n%999, 1+n%28), at.Add(time.Duration(n)*time.Second)).Scan(&seq); err != nil {
					return err
				}
				for i, p := range []int{0, 1 + j%3} {
					if _, err := pax.ExecContext(ctx, seq, i, fmt.Sprintf("v1:g%dp%d", g, p), p == 0); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func staffBookingGroup(g int) []string {
	return []string{fmt.Sprintf("v1:g%dp0", g), fmt.Sprintf("v1:g%dp1", g), fmt.Sprintf("v1:g%dp2", g), fmt.Sprintf("v1:g%dp3", g)}
}

func staffBookingPlan(tb testing.TB, db *sql.DB, query string, args ...any) string {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// TestStaffBookingsPlan: a group's bookings come from the two person
// indexes and rowid lookups, never a scan of every booking.
func TestStaffBookingsPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	staffBookingSeed(t, db, 200, 5)
	if _, err := db.sql.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	people := staffBookingGroup(7)
	// The text StaffBookingStore.Bookings sends for four people.
	plan := staffBookingPlan(t, db.sql, `SELECT `+sqlstore.StaffBookingColumns+` FROM staffid_bookings WHERE seq IN (
			SELECT booking_seq FROM staffid_booking_passengers WHERE person_id IN ($1, $2, $3, $4) AND booking_seq < $5
			UNION
			SELECT seq FROM staffid_bookings WHERE booked_by IN ($1, $2, $3, $4) AND seq < $5)
		AND (CAST($6 AS TEXT) = '' OR flight_key = $6)
		ORDER BY seq DESC LIMIT $7`, people[0], people[1], people[2], people[3], int64(math.MaxInt64), "", 100)
	t.Logf("plan:\n%s", plan)
	for _, want := range []string{"staffid_booking_passengers_person", "staffid_bookings_booked_by", "INTEGER PRIMARY KEY"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan does not use %s:\n%s", want, plan)
		}
	}
	for _, line := range strings.Split(plan, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "SCAN") && !strings.Contains(line, "INDEX") {
			t.Errorf("plan scans a table: %q\n%s", line, plan)
		}
	}

	// And the store answers what the seed holds: 5 bookings of group 7.
	got, err := sqlstore.NewStaffBookingStore(db.core, standbyBookings).Bookings(ctx, staffid.BookingQuery{People: people})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || len(got[0].Passengers) != 2 {
		t.Fatalf("group 7: %d bookings, want 5 of 2 passengers each", len(got))
	}
}

// BenchmarkStaffBookings lists one group's bookings (the cabinet's page)
// among 500 000 bookings of 100 000 groups, beside its floor: reading the
// same bookings and passengers by their primary keys, with the same
// scanning code. The difference is the cost of finding them through the
// person indexes.
func BenchmarkStaffBookings(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const groups = 100_000
	staffBookingSeed(b, db, groups, 5)
	if _, err := db.sql.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	s := sqlstore.NewStaffBookingStore(db.core, standbyBookings)

	b.Run("List", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			bs, err := s.Bookings(ctx, staffid.BookingQuery{People: staffBookingGroup(i * 7919 % groups)})
			if err != nil || len(bs) != 5 {
				b.Fatalf("%d bookings, %v", len(bs), err)
			}
		}
	})
	b.Run("Floor", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			g := i * 7919 % groups
			seqs := make([]any, 5)
			for j := range seqs {
				seqs[j] = int64(j*groups + g + 1) // the seed's seq of group g's j-th booking
			}
			bs, err := s.Query(ctx, "SELECT "+sqlstore.StaffBookingColumns+" FROM staffid_bookings WHERE seq IN ($1, $2, $3, $4, $5) ORDER BY seq DESC", seqs...)
			if err != nil || len(bs) != 5 {
				b.Fatalf("%d bookings, %v", len(bs), err)
			}
		}
	})
}
