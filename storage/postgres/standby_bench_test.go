package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/postgres"
	"github.com/bookingkit/bookingkit/storage/storagetest/pgtest"
)

// BenchmarkStandbyRebuild measures Service.Rebuild of 200 000 active
// entries over 2 000 flights from PostgreSQL, and the adapter's
// EachActiveEntry alone (rows read and decoded, no queue built). The
// entries are loaded once, by one AddEntries call, before the timed cases.
//
//	go test ./storage/postgres -run '^$' -bench BenchmarkStandbyRebuild -benchtime 3x -benchmem
func BenchmarkStandbyRebuild(b *testing.B) {
	const flights, perFlight = 2_000, 100
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	entries := make([]standby.Entry, 0, flights*perFlight)
	for i := range flights {
		f := standby.Flight{Carrier: "SU", Number: fmt.Sprint(1 + i), Date: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
		for j := range perFlight {
			employedOn := start.AddDate(-r.IntN(40), -r.IntN(12), -r.IntN(28))
			entries = append(entries, standby.Entry{
				BookingID: fmt.Sprintf("BK%07d", (i*perFlight+j)/2), Passenger: j % 2, Flight: f,
				Employer: []string{"SU", "AF", "KL"}[r.IntN(3)], Cabin: standby.Cabin(r.IntN(4)), Category: r.IntN(10),
				EmployedOn: time.Date(employedOn.Year(), employedOn.Month(), employedOn.Day(), 0, 0, 0, 0, time.UTC),
				BookedAt:   start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))).Truncate(time.Microsecond),
			})
		}
	}
	db, err := postgres.Open(ctx, pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	store := db.Stores().Standby
	began := time.Now()
	if err := store.AddEntries(ctx, entries, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entries over %d flights in one transaction in %v", len(entries), flights, time.Since(began).Round(time.Millisecond))
	if _, err := db.SQL().ExecContext(ctx, "VACUUM ANALYZE standby_entries"); err != nil {
		b.Fatal(err)
	}
	perEntry := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(entries)), "ns/entry")
	}
	b.Run("postgres-scan", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := store.EachActiveEntry(ctx, func(standby.Entry) error { n++; return nil }); err != nil || n != len(entries) {
				b.Fatalf("scanned %d: %v", n, err)
			}
		}
		perEntry(b)
	})
	b.Run("postgres-rebuild", func(b *testing.B) {
		for b.Loop() {
			stats, err := standby.NewService(store).Rebuild(ctx)
			if err != nil || stats.Entries != len(entries) {
				b.Fatalf("rebuilt %+v: %v", stats, err)
			}
		}
		perEntry(b)
	})
}
