package standby

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// benchEntries makes n normalised passengers of one flight with a
// plausible spread: most work for the operating carrier, most fly economy,
// categories 0-9, employment over 40 years, bookings over 30 days.
func benchEntries(seed uint64, n int) []Entry {
	r := rand.New(rand.NewPCG(seed, 42))
	employers := []string{"SU", "SU", "SU", "SU", "SU", "SU", "SU", "AF", "KL", "S7"}
	cabins := []Cabin{Economy, Economy, Economy, Economy, Economy, Economy, PremiumEconomy, Business, Business, First}
	f, _ := su100.Normalize()
	start := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{
			BookingID:  fmt.Sprintf("BK%d-%08d", seed, i/2),
			Passenger:  i % 2,
			Flight:     f,
			Employer:   employers[r.IntN(len(employers))],
			Cabin:      cabins[r.IntN(len(cabins))],
			Category:   r.IntN(10),
			EmployedOn: start.AddDate(-r.IntN(40), -r.IntN(12), -r.IntN(28)).Truncate(24 * time.Hour),
			BookedAt:   start.Add(time.Duration(r.Int64N(int64(30 * 24 * time.Hour)))).Truncate(time.Microsecond),
		}
	}
	return out
}

var benchSizes = []int{1_000, 10_000, 100_000}

// BenchmarkQueue measures the live queue's operations on flights of 1 000,
// 10 000 and 100 000 entries, beside their floors in the same run: one
// Compare (a tree operation makes about log2(n) of them) and a full
// slices.SortFunc with Compare (what recomputing the queue would cost).
//
//	go test ./standby -run '^$' -bench BenchmarkQueue -benchtime 200ms
func BenchmarkQueue(b *testing.B) {
	type fixture struct {
		entries []Entry // in the queue
		extra   []Entry // not in the queue, to add
		queue   *Queue
	}
	fixtures := make(map[int]*fixture)
	get := func(n int) *fixture {
		if f := fixtures[n]; f != nil {
			return f
		}
		f := &fixture{entries: benchEntries(1, n), extra: benchEntries(2, max(n/10, 64))}
		q, err := buildQueue(f.entries[0].Flight, f.entries)
		if err != nil {
			b.Fatal(err)
		}
		f.queue = q
		fixtures[n] = f
		return f
	}

	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("position/n=%d", n), func(b *testing.B) {
			f := get(n)
			for i := 0; b.Loop(); i++ {
				e := &f.entries[i%n]
				if _, err := f.queue.Position(e.BookingID, e.Passenger); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("estimate/n=%d", n), func(b *testing.B) {
			f := get(n)
			for i := 0; b.Loop(); i++ {
				if _, err := f.queue.Estimate(f.extra[i%len(f.extra)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, n := range benchSizes {
		// Each op adds one entry; every len(extra) ops the timer stops
		// and they are taken out again, so the queue stays within 10%
		// of n.
		b.Run(fmt.Sprintf("add/n=%d", n), func(b *testing.B) {
			f := get(n)
			j := 0
			for b.Loop() {
				if j == len(f.extra) {
					b.StopTimer()
					for _, e := range f.extra {
						if _, err := f.queue.Remove(e.BookingID, e.Passenger); err != nil {
							b.Fatal(err)
						}
					}
					j = 0
					b.StartTimer()
				}
				if _, err := f.queue.Add(f.extra[j]); err != nil {
					b.Fatal(err)
				}
				j++
			}
			b.StopTimer()
			for _, e := range f.extra[:j] {
				_, _ = f.queue.Remove(e.BookingID, e.Passenger)
			}
		})
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("add+remove/n=%d", n), func(b *testing.B) {
			f := get(n)
			for i := 0; b.Loop(); i++ {
				e := f.extra[i%len(f.extra)]
				if _, err := f.queue.Add(e); err != nil {
					b.Fatal(err)
				}
				if _, err := f.queue.Remove(e.BookingID, e.Passenger); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, n := range benchSizes {
		// Floor: one comparison of two entries.
		b.Run(fmt.Sprintf("floor-compare/n=%d", n), func(b *testing.B) {
			f := get(n)
			sink := 0
			for i := 0; b.Loop(); i++ {
				sink += Compare(f.entries[i%n], f.entries[(i+1)%n])
			}
			_ = sink
		})
	}
	for _, n := range benchSizes {
		// Floor: sorting the whole flight once with Compare, from the
		// entries' random order; the copy is not timed.
		b.Run(fmt.Sprintf("floor-sortfunc/n=%d", n), func(b *testing.B) {
			f := get(n)
			work := make([]Entry, n)
			for b.Loop() {
				b.StopTimer()
				copy(work, f.entries)
				b.StartTimer()
				slices.SortFunc(work, Compare)
			}
		})
	}
	for _, n := range benchSizes {
		// For comparison: building a whole queue from unsorted entries,
		// as Rebuild does for each flight.
		b.Run(fmt.Sprintf("build/n=%d", n), func(b *testing.B) {
			f := get(n)
			for b.Loop() {
				if _, err := buildQueue(f.entries[0].Flight, f.entries); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPositionGrowsLogarithmically guards the complexity: the number of
// nodes a position query visits grows with log n, not n.
func TestPositionGrowsLogarithmically(t *testing.T) {
	depth := func(n int) float64 {
		entries := benchEntries(3, n)
		q, err := buildQueue(entries[0].Flight, entries)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, e := range entries[:min(n, 2000)] {
			k := keyOf(e)
			for t := q.root; t != nil; total++ {
				c := compareKeys(&k, &t.key)
				if c == 0 {
					break
				}
				if c < 0 {
					t = t.left
				} else {
					t = t.right
				}
			}
		}
		return float64(total) / float64(min(n, 2000))
	}
	d1k, d100k := depth(1_000), depth(100_000)
	t.Logf("average search depth: n=1000 %.1f, n=100000 %.1f", d1k, d100k)
	// log2 grows by 6.6 from 1 000 to 100 000; a treap's expected depth is
	// about 1.39*log2(n). A linear structure would grow 100-fold.
	if d100k > 3*d1k || d100k > 2*1.39*17 {
		t.Fatalf("search depth grew from %.1f to %.1f", d1k, d100k)
	}
}

// BenchmarkRebuild measures Service.Rebuild's own work for 1 000 000
// active entries over 10 000 flights, from a store that hands over entries
// already in memory (so the figure excludes any database): the floor the
// SQLite rebuild is measured against.
//
//	go test ./standby -run '^$' -bench BenchmarkRebuild -benchtime 3x
func BenchmarkRebuild(b *testing.B) {
	const flights, perFlight = 10_000, 100
	stream := make([]Entry, 0, flights*perFlight)
	for i := range flights {
		f := Flight{Carrier: "SU", Number: fmt.Sprint(1 + i%9999), Date: date(2026, 11, 1+i/9999)}
		for _, e := range benchEntries(uint64(i), perFlight) {
			e.Flight = f // as a store gives it back: canonical but not the same value
			stream = append(stream, e)
		}
	}
	store := &scriptedStore{fakeStore: newFakeStore(), stream: stream}
	for b.Loop() {
		s := NewService(store)
		stats, err := s.Rebuild(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if stats.Entries != len(stream) || stats.Flights != flights {
			b.Fatalf("rebuilt %+v", stats)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(stream)), "ns/entry")
}
