package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/sqlite"
)

// standbyRebuildEntries makes perFlight normalised passengers on each of
// flights flights, with the spread of a real queue: most work for the
// operating carrier and fly economy, categories 0-9, employment over 40
// years, bookings over 30 days, two passengers per booking.
func standbyRebuildEntries(flights, perFlight int) []standby.Entry {
	r := rand.New(rand.NewPCG(1, 2))
	employers := []string{"SU", "SU", "SU", "SU", "SU", "SU", "SU", "AF", "KL", "S7"}
	cabins := []standby.Cabin{standby.Economy, standby.Economy, standby.Economy, standby.Economy, standby.Economy,
		standby.Economy, standby.PremiumEconomy, standby.Business, standby.Business, standby.First}
	start := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	out := make([]standby.Entry, 0, flights*perFlight)
	for i := range flights {
		f := standby.Flight{Carrier: "SU", Number: fmt.Sprint(1 + i%9999), Date: time.Date(2026, 11, 1+i/9999, 0, 0, 0, 0, time.UTC)}
		for j := range perFlight {
			employedOn := start.AddDate(-r.IntN(40), -r.IntN(12), -r.IntN(28))
			out = append(out, standby.Entry{
				BookingID:  fmt.Sprintf("BK%07d", (i*perFlight+j)/2),
				Passenger:  j % 2,
				Flight:     f,
				Employer:   employers[r.IntN(len(employers))],
				Cabin:      cabins[r.IntN(len(cabins))],
				Category:   r.IntN(10),
				EmployedOn: time.Date(employedOn.Year(), employedOn.Month(), employedOn.Day(), 0, 0, 0, 0, time.UTC),
				BookedAt:   start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))).Truncate(time.Microsecond),
			})
		}
	}
	return out
}

// replayStore hands Rebuild entries already in memory, in the order the
// SQLite store gives them: the floor of the rebuild, without any database.
type replayStore struct {
	standby.Store
	entries []standby.Entry
}

func (s *replayStore) EachActiveEntry(_ context.Context, fn func(standby.Entry) error) error {
	for _, e := range s.entries {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkStandbyRebuild measures Service.Rebuild of 1 000 000 active
// entries over 10 000 flights from a SQLite file, beside its floor in the
// same run: the same entries replayed from memory. The sqlite-scan case is
// the adapter's EachActiveEntry alone (rows read and decoded, no queue
// built). The file is loaded once, by one AddEntries call (one transaction,
// one prepared statement), before the timed cases.
//
//	go test ./storage/sqlite -run '^$' -bench BenchmarkStandbyRebuild -benchtime 3x -benchmem
func BenchmarkStandbyRebuild(b *testing.B) {
	const flights, perFlight = 10_000, 100
	ctx := context.Background()
	entries := standbyRebuildEntries(flights, perFlight)
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "standby.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	store := db.Stores().Standby
	start := time.Now()
	if err := store.AddEntries(ctx, entries, time.Now()); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d entries over %d flights in one transaction in %v", len(entries), flights, time.Since(start).Round(time.Millisecond))

	// The floor replays the entries grouped by flight key, as SQLite
	// returns them.
	replay := slices.Clone(entries)
	slices.SortStableFunc(replay, func(a, b standby.Entry) int {
		return strings.Compare(string(a.Flight.Key()), string(b.Flight.Key()))
	})
	for i := range replay {
		// As a store gives them back: canonical, but its own values.
		replay[i].Flight.Date = replay[i].Flight.Date.Add(0)
	}

	rebuild := func(b *testing.B, s standby.Store) {
		for b.Loop() {
			stats, err := standby.NewService(s).Rebuild(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if stats.Entries != len(entries) || stats.Flights != flights {
				b.Fatalf("rebuilt %+v", stats)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(entries)), "ns/entry")
	}
	b.Run("floor-memory", func(b *testing.B) { rebuild(b, &replayStore{Store: store, entries: replay}) })
	b.Run("sqlite-scan", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := store.EachActiveEntry(ctx, func(standby.Entry) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
			if n != len(entries) {
				b.Fatalf("scanned %d", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(entries)), "ns/entry")
	})
	b.Run("sqlite-rebuild", func(b *testing.B) { rebuild(b, store) })
}
