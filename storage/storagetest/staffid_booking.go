package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// sbBooking returns a booking as staffid.Bookings hands it to the store:
// a normalised flight, UTC microsecond time, no Seq.
func sbBooking(t *testing.T, id, bookedBy string, at time.Time, passengers ...string) staffid.Booking {
	t.Helper()
	flight, err := standby.ParseFlightKey("SU-100-2026-12-01")
	require.NoError(t, err)
	b := staffid.Booking{
		ID: id, BookedBy: bookedBy, GroupKey: "884220062", Flight: flight,
		FareBasis: "ZED1", PassengerType: "ZED", Cabin: standby.Business, Standby: true, CreatedAt: at,
	}
	for i, pid := range passengers {
		b.Passengers = append(b.Passengers, staffid.BookedPassenger{
			PersonID: pid, IsEmployee: pid == bookedBy,
			LastNameEng: "O'Neil-Smith", FirstNameEng: "Anna Maria", MiddleNameEng: "",
			BirthDay: sbDate(1984, time.February, i+1), Sex: "F", CategoryCode: i % 10,
		})
	}
	return b
}

func sbDate(y int, m time.Month, d int) staffid.Date {
	date, ok := staffid.NewDate(y, m, d)
	if !ok {
		panic(fmt.Sprintf("no date %d-%d-%d", y, m, d))
	}
	return date
}

func sbIDs(bs []staffid.Booking) []string {
	ids := make([]string, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	return ids
}

// RunStaffBookings holds a [staffid.BookingStore] to the suite: bookings
// keep every field, a duplicate ID changes nothing, and the lists by
// person and of standby bookings from a date come back in their order.
// It needs no [staffid.Store]: the bookings name people by ID only.
func RunStaffBookings(t *testing.T, open func(t *testing.T) staffid.BookingStore) {
	ctx := context.Background()

	t.Run("Empty", func(t *testing.T) {
		s := open(t)
		_, err := s.Booking(ctx, "SBNONE")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.ErrorIs(t, s.DeleteBooking(ctx, "SBNONE"), bookingkit.ErrNotFound)
		bs, err := s.Bookings(ctx, staffid.BookingQuery{People: []string{"v1:a", "v1:b"}})
		require.NoError(t, err)
		require.Empty(t, bs)
		bs, err = s.Bookings(ctx, staffid.BookingQuery{})
		require.NoError(t, err)
		require.Empty(t, bs, "no people select nothing")
	})

	t.Run("CreateKeepsEveryField", func(t *testing.T) {
		s := open(t)
		b := sbBooking(t, "SB1", "v1:emp", t0, "v1:emp", "v1:c1", "v1:c2", "v1:c3", "v1:c4", "v1:c5", "v1:c6", "v1:c7", "v1:c8")
		b.Passengers[2].MiddleNameEng = "Ёлка" // any text survives
		b.Passengers[3].IsEmployee = true
		got, err := s.CreateBooking(ctx, b)
		require.NoError(t, err)
		require.Positive(t, got.Seq)
		want := b
		want.Seq = got.Seq
		if d := gocmp.Diff(want, got); d != "" {
			t.Fatalf("created (-want +got):\n%s", d)
		}
		read, err := s.Booking(ctx, "SB1")
		require.NoError(t, err)
		if d := gocmp.Diff(want, read); d != "" {
			t.Fatalf("read back (-want +got):\n%s", d)
		}
		require.Equal(t, time.UTC, read.CreatedAt.Location())
		require.Equal(t, time.UTC, read.Flight.Date.Location())

		plain := sbBooking(t, "SB2", "v1:emp", t0.Add(time.Microsecond), "v1:c1")
		plain.FareBasis, plain.PassengerType, plain.Cabin, plain.Standby = "", "ADT", standby.Economy, false
		got2, err := s.CreateBooking(ctx, plain)
		require.NoError(t, err)
		require.Greater(t, got2.Seq, got.Seq, "Seq increases")
		read, err = s.Booking(ctx, "SB2")
		require.NoError(t, err)
		plain.Seq = got2.Seq
		if d := gocmp.Diff(plain, read); d != "" {
			t.Fatalf("read back (-want +got):\n%s", d)
		}
	})

	t.Run("DuplicateIDIsAConflictAndChangesNothing", func(t *testing.T) {
		s := open(t)
		first, err := s.CreateBooking(ctx, sbBooking(t, "SB1", "v1:emp", t0, "v1:emp"))
		require.NoError(t, err)
		_, err = s.CreateBooking(ctx, sbBooking(t, "SB1", "v1:other", t0, "v1:other", "v1:x"))
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		read, err := s.Booking(ctx, "SB1")
		require.NoError(t, err)
		if d := gocmp.Diff(first, read); d != "" {
			t.Fatalf("after the refused duplicate (-want +got):\n%s", d)
		}
		bs, err := s.Bookings(ctx, staffid.BookingQuery{People: []string{"v1:other", "v1:x"}})
		require.NoError(t, err)
		require.Empty(t, bs, "the refused booking left no passenger behind")
	})

	t.Run("BookingsOfPeople", func(t *testing.T) {
		s := open(t)
		at := t0
		create := func(id, by string, passengers ...string) staffid.Booking {
			at = at.Add(time.Second)
			b, err := s.CreateBooking(ctx, sbBooking(t, id, by, at, passengers...))
			require.NoError(t, err)
			return b
		}
		create("SB1", "v1:emp", "v1:emp", "v1:wife")
		create("SB2", "v1:emp", "v1:son") // booked by emp, emp not aboard
		create("SB3", "v1:other", "v1:other")
		create("SB4", "v1:old-emp", "v1:wife") // the wife, booked by her former group
		create("SB5", "v1:emp", "v1:wife", "v1:son", "v1:emp")

		group := []string{"v1:emp", "v1:wife", "v1:son"}
		all, err := s.Bookings(ctx, staffid.BookingQuery{People: group})
		require.NoError(t, err)
		require.Equal(t, []string{"SB5", "SB4", "SB2", "SB1"}, sbIDs(all), "newest first, each once")
		require.Len(t, all[0].Passengers, 3)
		require.Equal(t, "v1:wife", all[0].Passengers[0].PersonID, "passengers in their order")
		require.Equal(t, "v1:emp", all[0].Passengers[2].PersonID)

		var paged []string
		var before int64
		for {
			page, err := s.Bookings(ctx, staffid.BookingQuery{People: group, BeforeSeq: before, Limit: 3})
			require.NoError(t, err)
			paged = append(paged, sbIDs(page)...)
			if len(page) < 3 {
				break
			}
			before = page[len(page)-1].Seq
		}
		require.Equal(t, sbIDs(all), paged)

		only, err := s.Bookings(ctx, staffid.BookingQuery{People: []string{"v1:son"}})
		require.NoError(t, err)
		require.Equal(t, []string{"SB5", "SB2"}, sbIDs(only))
		only, err = s.Bookings(ctx, staffid.BookingQuery{People: []string{"v1:old-emp"}})
		require.NoError(t, err)
		require.Equal(t, []string{"SB4"}, sbIDs(only), "the booker alone finds the booking")

		// Another flight.
		other := sbBooking(t, "SB6", "v1:emp", at.Add(time.Second), "v1:emp")
		other.Flight, err = standby.ParseFlightKey("SU-1402A-2026-12-02")
		require.NoError(t, err)
		_, err = s.CreateBooking(ctx, other)
		require.NoError(t, err)
		onFlight, err := s.Bookings(ctx, staffid.BookingQuery{People: group, Flight: "SU-1402A-2026-12-02"})
		require.NoError(t, err)
		require.Equal(t, []string{"SB6"}, sbIDs(onFlight))
		onFlight, err = s.Bookings(ctx, staffid.BookingQuery{People: group, Flight: "SU-100-2026-12-01", Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"SB5", "SB4"}, sbIDs(onFlight))
		onFlight, err = s.Bookings(ctx, staffid.BookingQuery{People: group, Flight: "SU-200-2026-12-01"})
		require.NoError(t, err)
		require.Empty(t, onFlight)

		many := make([]string, staffid.MaxPageSize+1)
		for i := range many {
			many[i] = fmt.Sprintf("v1:%d", i)
		}
		_, err = s.Bookings(ctx, staffid.BookingQuery{People: many})
		require.ErrorIs(t, err, bookingkit.ErrInvalid)
		found, err := s.Bookings(ctx, staffid.BookingQuery{People: append(many[:staffid.MaxPageSize-1], "v1:other")})
		require.NoError(t, err)
		require.Equal(t, []string{"SB3"}, sbIDs(found), "MaxPageSize people are accepted")
	})

	t.Run("StandbyBookingsFromADate", func(t *testing.T) {
		s := open(t)
		at := t0
		create := func(id, flight string, standbyFare bool) staffid.Booking {
			at = at.Add(time.Second)
			b := sbBooking(t, id, "v1:emp", at, "v1:emp", "v1:wife")
			var err error
			b.Flight, err = standby.ParseFlightKey(flight)
			require.NoError(t, err)
			b.Standby = standbyFare
			b, err = s.CreateBooking(ctx, b)
			require.NoError(t, err)
			return b
		}
		create("SB1", "SU-100-2026-12-01", true)
		create("SB2", "SU-100-2026-12-01", false) // a staff fare holds a seat
		create("SB3", "SU-100-2026-11-29", true)  // left before the date asked
		create("SB4", "SU-1402A-2026-11-30", true)
		create("SB5", "SU-7-2027-01-01", true)
		create("SB6", "SU-100-2026-12-02", true)
		require.NoError(t, s.DeleteBooking(ctx, "SB6"))

		from := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC) // only the date counts
		all, err := s.StandbyBookings(ctx, staffid.StandbyBookingQuery{FlightsFrom: from})
		require.NoError(t, err)
		require.Equal(t, []string{"SB1", "SB4", "SB5"}, sbIDs(all), "standby only, flights from the date, oldest first")
		require.Len(t, all[0].Passengers, 2, "with their passengers")
		require.Equal(t, "v1:wife", all[0].Passengers[1].PersonID)
		for _, b := range all {
			read, err := s.Booking(ctx, b.ID)
			require.NoError(t, err)
			if d := gocmp.Diff(read, b); d != "" {
				t.Fatalf("%s (-read +listed):\n%s", b.ID, d)
			}
		}

		var paged []string
		var after int64
		for {
			page, err := s.StandbyBookings(ctx, staffid.StandbyBookingQuery{FlightsFrom: from, AfterSeq: after, Limit: 2})
			require.NoError(t, err)
			paged = append(paged, sbIDs(page)...)
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].Seq
		}
		require.Equal(t, sbIDs(all), paged)

		every, err := s.StandbyBookings(ctx, staffid.StandbyBookingQuery{})
		require.NoError(t, err)
		require.Equal(t, []string{"SB1", "SB3", "SB4", "SB5"}, sbIDs(every), "no date: every standby booking")
		none, err := s.StandbyBookings(ctx, staffid.StandbyBookingQuery{FlightsFrom: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		require.Empty(t, none)
	})

	t.Run("DeleteRemovesTheBookingAndItsPassengers", func(t *testing.T) {
		s := open(t)
		b, err := s.CreateBooking(ctx, sbBooking(t, "SB1", "v1:emp", t0, "v1:emp", "v1:wife"))
		require.NoError(t, err)
		_, err = s.CreateBooking(ctx, sbBooking(t, "SB2", "v1:emp", t0, "v1:wife"))
		require.NoError(t, err)
		require.NoError(t, s.DeleteBooking(ctx, "SB1"))
		_, err = s.Booking(ctx, "SB1")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		require.ErrorIs(t, s.DeleteBooking(ctx, "SB1"), bookingkit.ErrNotFound)
		bs, err := s.Bookings(ctx, staffid.BookingQuery{People: []string{"v1:emp", "v1:wife"}})
		require.NoError(t, err)
		require.Equal(t, []string{"SB2"}, sbIDs(bs))

		again, err := s.CreateBooking(ctx, sbBooking(t, "SB1", "v1:emp", t0, "v1:emp"))
		require.NoError(t, err, "a deleted booking's ID is free again")
		require.Greater(t, again.Seq, b.Seq)
		read, err := s.Booking(ctx, "SB1")
		require.NoError(t, err)
		require.Len(t, read.Passengers, 1, "the deleted booking's passengers are gone")
	})
}
