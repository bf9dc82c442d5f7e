package standby

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

func TestBookingEntriesCompanionRule(t *testing.T) {
	employee := Employee{Employer: "su", EmployedOn: time.Date(2001, 9, 3, 15, 0, 0, 0, time.FixedZone("", 3*3600)), Category: 4}
	b := Booking{
		ID:       "BK7",
		BookedAt: time.Date(2026, 11, 20, 9, 30, 0, 123456789, time.FixedZone("", 3*3600)),
		Segments: []Segment{{su100, Economy}, {Flight{"SU", "101", date(2026, 11, 30)}, Business}},
		Passengers: []Passenger{
			employee.Self(),
			employee.Companion(1),
		},
	}
	got, err := b.Entries()
	require.NoError(t, err)
	booked := time.Date(2026, 11, 20, 6, 30, 0, 123456000, time.UTC)
	want := []Entry{
		{BookingID: "BK7", Passenger: 0, Flight: Flight{"SU", "100", date(2026, 11, 23)}, Employer: "SU", Cabin: Economy, Category: 4, EmployedOn: date(2001, 9, 3), BookedAt: booked},
		{BookingID: "BK7", Passenger: 1, Flight: Flight{"SU", "100", date(2026, 11, 23)}, Employer: "SU", Cabin: Economy, Category: 1, EmployedOn: date(2001, 9, 3), BookedAt: booked},
		{BookingID: "BK7", Passenger: 0, Flight: Flight{"SU", "101", date(2026, 11, 30)}, Employer: "SU", Cabin: Business, Category: 4, EmployedOn: date(2001, 9, 3), BookedAt: booked},
		{BookingID: "BK7", Passenger: 1, Flight: Flight{"SU", "101", date(2026, 11, 30)}, Employer: "SU", Cabin: Business, Category: 1, EmployedOn: date(2001, 9, 3), BookedAt: booked},
	}
	require.Equal(t, want, got)
}

func TestBookingEntriesErrors(t *testing.T) {
	good := func() Booking {
		return Booking{
			ID: "BK1", BookedAt: testNow,
			Segments:   []Segment{{su100, Economy}},
			Passengers: []Passenger{{Employer: "SU", EmployedOn: date(2010, 1, 1), Category: 0}},
		}
	}
	change := func(f func(*Booking)) Booking { b := good(); f(&b); return b }
	tests := []struct {
		name string
		b    Booking
		msg  string
	}{
		{"no id", change(func(b *Booking) { b.ID = "" }), "booking_id: required"},
		{"id with spaces", change(func(b *Booking) { b.ID = " BK1" }), "leading or trailing spaces"},
		{"id too long", change(func(b *Booking) { b.ID = strings.Repeat("x", 65) }), "at most 64 bytes"},
		{"id with control character", change(func(b *Booking) { b.ID = "BK\n1" }), `"BK\n1"`},
		{"no booking time", change(func(b *Booking) { b.BookedAt = time.Time{} }), "booked_at: required"},
		{"no segments", change(func(b *Booking) { b.Segments = nil }), "at least one flight"},
		{"no passengers", change(func(b *Booking) { b.Passengers = nil }), "at least one passenger"},
		{"too many passengers", change(func(b *Booking) { b.Passengers = make([]Passenger, 101) }), "at most 100 passengers"},
		{"bad flight", change(func(b *Booking) { b.Segments[0].Flight.Number = "AF1" }), `segments[0].flight.number "AF1"`},
		{"same flight twice", change(func(b *Booking) {
			b.Segments = append(b.Segments, Segment{Flight{"su", "0100", su100.Date}, Business})
		}), `segments[1].flight "SU-100-2026-11-23": the same flight as segments[0]`},
		{"bad cabin", change(func(b *Booking) { b.Segments[0].Cabin = -1 }), `segments[0].cabin "-1"`},
		{"bad category", change(func(b *Booking) {
			b.Passengers = append(b.Passengers, Employee{"SU", date(2010, 1, 1), 0}.Companion(12))
		}), `passengers[1].category "12"`},
		{"no employment date", change(func(b *Booking) { b.Passengers[0].EmployedOn = time.Time{} }), "passengers[0].employed_on: required"},
		{"bad employer", change(func(b *Booking) { b.Passengers[0].Employer = "Aeroflot" }), `passengers[0].employer "Aeroflot"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := tt.b.Entries()
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			require.ErrorContains(t, err, tt.msg)
			require.Nil(t, entries)

			// Through the service nothing is stored either.
			store := newFakeStore()
			_, err = newTestService(store).AddBooking(context.Background(), tt.b)
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			require.Zero(t, store.calls["AddEntries"], "nothing stored")
		})
	}
}

func TestCabinText(t *testing.T) {
	for c := First; c <= Economy; c++ {
		text, err := c.MarshalText()
		require.NoError(t, err)
		var back Cabin
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, c, back)
	}
	for in, want := range map[string]Cabin{"First": First, " BUSINESS ": Business, "premium economy": PremiumEconomy, "Premium-Economy": PremiumEconomy, "economy": Economy} {
		got, err := ParseCabin(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := ParseCabin("coach")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = Cabin(4).MarshalText()
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.Equal(t, "Cabin(4)", Cabin(4).String())
	require.Equal(t, "premium_economy", PremiumEconomy.String())

	st, err := ParseStatus("boarded")
	require.NoError(t, err)
	require.Equal(t, StatusBoarded, st)
	_, err = ParseStatus("gone")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.Equal(t, "booked_at", KeyBookedAt.String())
	require.Equal(t, "OrderKey(99)", OrderKey(99).String())
}

func FuzzParseCabin(f *testing.F) {
	for _, s := range []string{"first", "Business", "premium economy", "premium-economy", "ECONOMY", "", "coach"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCabin(s)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		require.True(t, c.Valid())
		again, err := ParseCabin(c.String())
		require.NoError(t, err)
		require.Equal(t, c, again)
	})
}

func FuzzEntryNormalize(f *testing.F) {
	f.Add("BK1", 0, "SU", "0100", "su", 1, 5, int64(1262304000), int64(1790000000123456789))
	f.Add("", -1, "", "", "", 9, 10, int64(0), int64(0))
	f.Fuzz(func(t *testing.T, booking string, pax int, carrier, number, employer string, cabin, category int, employed, booked int64) {
		e := Entry{
			BookingID: booking, Passenger: pax,
			Flight:   Flight{Carrier: carrier, Number: number, Date: su100.Date},
			Employer: employer, Cabin: Cabin(cabin), Category: category,
			EmployedOn: time.Unix(employed, 0), BookedAt: time.Unix(0, booked),
		}
		ne, err := e.Normalize()
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		// Normalising is idempotent and does not change the order.
		again, err := ne.Normalize()
		require.NoError(t, err)
		require.Equal(t, ne, again)
		other := base()
		require.Equal(t, sign(Compare(e, other)), sign(Compare(ne, other)))
		// The packed key reads back the same entry.
		q := newQueue(ne.Flight)
		_, err = q.Add(ne)
		require.NoError(t, err)
		require.Equal(t, []Entry{ne}, q.Entries())
	})
}
