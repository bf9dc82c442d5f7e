package standby

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

var su100 = Flight{Carrier: "SU", Number: "100", Date: date(2026, 11, 23)}

// base is a valid entry; cases change one field at a time.
func base() Entry {
	return Entry{
		BookingID:  "BK1",
		Passenger:  0,
		Flight:     su100,
		Employer:   "SU",
		Cabin:      Economy,
		Category:   5,
		EmployedOn: date(2010, 3, 1),
		BookedAt:   time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
	}
}

func with(change func(*Entry)) Entry {
	e := base()
	change(&e)
	return e
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

func TestCompareKeysAndTies(t *testing.T) {
	later := base().BookedAt.Add(time.Minute)
	tests := []struct {
		name string
		a, b Entry
		key  OrderKey
		want int // sign of Compare(a, b)
	}{
		// 1. employer is the operating carrier
		{"operator staff before other airline's staff", base(),
			with(func(e *Entry) { e.Employer, e.Cabin, e.Category = "AF", First, 0 }), KeyEmployer, -1},
		{"other airline's staff after, even in first class", with(func(e *Entry) { e.Employer, e.Cabin = "LH", First }),
			with(func(e *Entry) { e.BookingID = "BK2" }), KeyEmployer, 1},
		{"employer compared ignoring case and spaces: tie, cabin decides", with(func(e *Entry) { e.Employer, e.Cabin = " su", Business }),
			with(func(e *Entry) { e.BookingID = "BK2" }), KeyCabin, -1},
		{"operator carrier in lower case", with(func(e *Entry) { e.Flight.Carrier = "su" }),
			with(func(e *Entry) { e.Employer = "AF" }), KeyEmployer, -1},
		{"two other airlines tie: cabin decides", with(func(e *Entry) { e.Employer, e.Cabin = "AF", Business }),
			with(func(e *Entry) { e.Employer, e.BookingID = "LH", "BK2" }), KeyCabin, -1},
		{"empty employer is not the operator", with(func(e *Entry) { e.Employer = "" }), base(), KeyEmployer, 1},

		// 2. cabin
		{"first before business", with(func(e *Entry) { e.Cabin = First }), with(func(e *Entry) { e.Cabin, e.Category = Business, 0 }), KeyCabin, -1},
		{"business before premium economy", with(func(e *Entry) { e.Cabin = Business }), with(func(e *Entry) { e.Cabin = PremiumEconomy }), KeyCabin, -1},
		{"premium economy before economy", with(func(e *Entry) { e.Cabin = PremiumEconomy }), with(func(e *Entry) { e.Category = 0 }), KeyCabin, -1},
		{"economy after business", base(), with(func(e *Entry) { e.Cabin, e.BookingID = Business, "BK0" }), KeyCabin, 1},
		{"same cabin ties: category decides", with(func(e *Entry) { e.Category = 1 }), with(func(e *Entry) { e.Category = 2 }), KeyCategory, -1},

		// 3. category
		{"category 0 before 9", with(func(e *Entry) { e.Category = 0 }), with(func(e *Entry) { e.Category, e.EmployedOn = 9, date(1980, 1, 1) }), KeyCategory, -1},
		{"higher category after", with(func(e *Entry) { e.Category = 6 }), with(func(e *Entry) { e.BookingID = "BK2" }), KeyCategory, 1},
		{"same category ties: employment decides", with(func(e *Entry) { e.EmployedOn = date(2000, 1, 1) }), base(), KeyEmployedOn, -1},

		// 4. employment date
		{"longer service first", with(func(e *Entry) { e.EmployedOn = date(2010, 2, 28) }), with(func(e *Entry) { e.BookedAt = base().BookedAt.Add(-time.Hour) }), KeyEmployedOn, -1},
		{"shorter service after", with(func(e *Entry) { e.EmployedOn = date(2010, 3, 2) }), with(func(e *Entry) { e.BookingID = "BK9" }), KeyEmployedOn, 1},
		{"same day, different time and zone: tie, booking time decides",
			with(func(e *Entry) { e.EmployedOn = time.Date(2010, 3, 1, 23, 0, 0, 0, time.FixedZone("", 10*3600)) }),
			with(func(e *Entry) { e.BookedAt = later }), KeyBookedAt, -1},

		// 5. booking time
		{"earlier booking first", base(), with(func(e *Entry) { e.BookedAt, e.BookingID = later, "BK0" }), KeyBookedAt, -1},
		{"later booking after", with(func(e *Entry) { e.BookedAt = later }), with(func(e *Entry) { e.BookingID = "BK2" }), KeyBookedAt, 1},
		{"booking time compared as an instant across zones",
			with(func(e *Entry) { e.BookedAt = time.Date(2026, 11, 1, 12, 59, 0, 0, time.FixedZone("", 3*3600)) }),
			base(), KeyBookedAt, -1},
		{"under a microsecond apart: tie, booking ID decides",
			with(func(e *Entry) { e.BookedAt, e.BookingID = base().BookedAt.Add(999), "BK2" }),
			with(func(e *Entry) { e.BookingID = "BK3" }), KeyBookingID, -1},

		// tie-breaks
		{"booking ID in byte order", with(func(e *Entry) { e.BookingID = "BK10" }), with(func(e *Entry) { e.BookingID = "BK9" }), KeyBookingID, -1},
		{"same booking: passenger index", with(func(e *Entry) { e.Passenger = 1 }), with(func(e *Entry) { e.Passenger = 2 }), KeyPassenger, -1},
		{"same passenger", base(), base(), KeyNone, 0},
		{"same passenger on another flight is still equal: Compare ignores the flight",
			base(), with(func(e *Entry) { e.Flight.Number = "200" }), KeyNone, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, sign(Compare(tt.a, tt.b)), "Compare(a, b)")
			require.Equal(t, -tt.want, sign(Compare(tt.b, tt.a)), "Compare(b, a)")
			ex := Explain(tt.a, tt.b)
			require.Equal(t, tt.key, ex.Key, ex.Text)
			require.Equal(t, tt.want, ex.Order)
			// The live queue's packed keys agree, also after normalising
			// (where both entries are valid).
			na, errA := tt.a.Normalize()
			nb, errB := tt.b.Normalize()
			if errA != nil || errB != nil {
				return
			}
			require.Equal(t, tt.want, sign(Compare(na, nb)), "Compare on normalised entries")
			if tt.a.Flight.Same(tt.b.Flight) {
				ka, kb := keyOf(na), keyOf(nb)
				require.Equal(t, tt.want, sign(compareKeys(&ka, &kb)), "compareKeys")
			}
		})
	}
}

func TestExplainText(t *testing.T) {
	tests := []struct {
		a, b Entry
		want string
	}{
		{base(), with(func(e *Entry) { e.Employer, e.BookingID = "af", "BK2" }),
			"booking BK1 passenger 0 is ahead of booking BK2 passenger 0: staff of the operating carrier SU go first, and the other passenger's employer is AF"},
		{with(func(e *Entry) { e.BookingID = "BK2" }), with(func(e *Entry) { e.Cabin = Business }),
			"booking BK1 passenger 0 is ahead of booking BK2 passenger 0: business goes before economy"},
		{with(func(e *Entry) { e.Cabin = PremiumEconomy }), with(func(e *Entry) { e.BookingID = "BK0" }),
			"booking BK1 passenger 0 is ahead of booking BK0 passenger 0: premium economy goes before economy"},
		{with(func(e *Entry) { e.Category = 2 }), with(func(e *Entry) { e.BookingID = "X" }),
			"booking BK1 passenger 0 is ahead of booking X passenger 0: category 2 goes before category 5 (the lower code first)"},
		{with(func(e *Entry) { e.EmployedOn = date(1999, 12, 31) }), with(func(e *Entry) { e.BookingID = "X" }),
			"booking BK1 passenger 0 is ahead of booking X passenger 0: employed since 1999-12-31, longer than since 2010-03-01"},
		{with(func(e *Entry) { e.BookedAt = e.BookedAt.Add(1500 * time.Microsecond) }), with(func(e *Entry) { e.BookingID = "X" }),
			"booking X passenger 0 is ahead of booking BK1 passenger 0: booked at 2026-11-01 10:00:00 UTC, before 2026-11-01 10:00:00.0015 UTC"},
		{with(func(e *Entry) { e.BookingID = "B" }), with(func(e *Entry) { e.BookingID = "A" }),
			`booking A passenger 0 is ahead of booking B passenger 0: everything else is equal, so the booking IDs decide: "A" sorts before "B"`},
		{with(func(e *Entry) { e.Passenger = 3 }), with(func(e *Entry) { e.Passenger = 1 }),
			"booking BK1 passenger 1 is ahead of booking BK1 passenger 3: same booking, and passenger 1 is listed before passenger 3"},
		{with(func(e *Entry) { e.BookingID = "" }), with(func(e *Entry) { e.BookingID = "X"; e.Category = 4 }),
			"booking X passenger 0 is ahead of the new booking's passenger 0: category 4 goes before category 5 (the lower code first)"},
		{base(), base(), "booking BK1 passenger 0 and booking BK1 passenger 0 are the same passenger"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Explain(tt.a, tt.b).String())
	}
}

// refCompare is an independent reading of the order, written as tuples of
// text so it shares no code with Compare.
func refCompare(a, b Entry) int {
	tuple := func(e Entry) string {
		own := 1
		if strings.ToUpper(strings.TrimSpace(e.Employer)) == strings.ToUpper(strings.TrimSpace(e.Flight.Carrier)) && strings.TrimSpace(e.Employer) != "" {
			own = 0
		}
		return fmt.Sprintf("%d|%d|%d|%s|%s", own, e.Cabin, e.Category,
			e.EmployedOn.Format("2006-01-02"), e.BookedAt.UTC().Format("2006-01-02T15:04:05.000000"))
	}
	if c := strings.Compare(tuple(a), tuple(b)); c != 0 {
		return c
	}
	if c := strings.Compare(a.BookingID, b.BookingID); c != 0 {
		return c
	}
	return a.Passenger - b.Passenger
}

// bruteForceSort orders by repeatedly picking the entry no other precedes.
func bruteForceSort(in []Entry) []Entry {
	rest := slices.Clone(in)
	out := make([]Entry, 0, len(in))
	for len(rest) > 0 {
		best := 0
		for i := range rest {
			if refCompare(rest[i], rest[best]) < 0 {
				best = i
			}
		}
		out = append(out, rest[best])
		rest = slices.Delete(rest, best, best+1)
	}
	return out
}

// randomEntries makes n distinct passengers of one flight from small value
// domains, so that every key ties often, spelled in varied but equivalent
// ways (case, zones, times of day, sub-microsecond noise).
func randomEntries(r *rand.Rand, n int) []Entry {
	zones := []*time.Location{time.UTC, time.FixedZone("A", 3*3600), time.FixedZone("B", -8*3600)}
	employers := []string{"SU", "su", " SU", "AF", "LH", "S7"}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	seen := make(map[[2]int]bool)
	out := make([]Entry, 0, n)
	for len(out) < n {
		booking, pax := r.IntN(n), r.IntN(3)
		if seen[[2]int{booking, pax}] {
			continue
		}
		seen[[2]int{booking, pax}] = true
		day := date(2000+r.IntN(4), time.Month(1+r.IntN(2)), 1+r.IntN(2))
		zone := zones[r.IntN(len(zones))]
		out = append(out, Entry{
			BookingID:  fmt.Sprintf("B%03d", booking),
			Passenger:  pax,
			Flight:     Flight{Carrier: []string{"SU", "su"}[r.IntN(2)], Number: []string{"100", "0100", "SU100"}[r.IntN(3)], Date: su100.Date},
			Employer:   employers[r.IntN(len(employers))],
			Cabin:      Cabin(r.IntN(4)),
			Category:   r.IntN(3),
			EmployedOn: time.Date(day.Year(), day.Month(), day.Day(), r.IntN(24), 0, 0, 0, zone),
			BookedAt:   start.Add(time.Duration(r.IntN(3))*time.Minute + time.Duration(r.IntN(2000))).In(zone),
		})
	}
	return out
}

func TestSortMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 300; round++ {
		entries := randomEntries(r, 1+r.IntN(120))
		want := bruteForceSort(entries)

		got := slices.Clone(entries)
		Sort(got)
		require.Empty(t, cmp.Diff(want, got), "round %d", round)

		// The order is total: any input order gives the same queue.
		r.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
		again := slices.Clone(entries)
		Sort(again)
		require.Empty(t, cmp.Diff(got, again), "round %d after shuffle", round)

		// Normalising changes no comparison, and the packed keys agree.
		for i := 0; i+1 < len(got); i++ {
			a, b := got[i], got[i+1]
			na, err := a.Normalize()
			require.NoError(t, err)
			nb, err := b.Normalize()
			require.NoError(t, err)
			ka, kb := keyOf(na), keyOf(nb)
			require.Equal(t, -1, sign(Compare(na, nb)))
			require.Equal(t, -1, sign(compareKeys(&ka, &kb)))
			require.Equal(t, -1, Explain(a, b).Order)
		}
	}
}
