package staffid_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// sbEnv is acctEnv with bookings and a standby queue.
type sbEnv struct {
	*acctEnv
	queue    *standby.Service
	bookings *staffid.Bookings
	ids      map[string]string // LastNameEng -> person ID
}

var sbConfig = staffid.Config{StandbyPassengerTypes: []string{"ZED", "STB"}, AirlineCode: "SU"}

func newSBEnv(t *testing.T) *sbEnv {
	t.Helper()
	e := &sbEnv{acctEnv: newAcctEnv(t, sbConfig, account.Config{})}
	e.queue = standby.NewService(e.stores.Standby)
	e.queue.Now = e.clock.Now
	var err error
	e.bookings, err = staffid.NewBookings(sbConfig, e.stores.StaffID, e.stores.StaffBookings, e.queue)
	require.NoError(t, err)
	e.bookings.Now = e.clock.Now
	e.ids = map[string]string{}
	people, err := e.stores.StaffID.People(context.Background(), staffid.PeopleQuery{})
	require.NoError(t, err)
	for _, p := range people {
		e.ids[p.LastNameEng] = p.ID
	}
	return e
}

func sbFlight(date string) standby.Flight {
	d, _ := time.Parse(time.DateOnly, date)
	return standby.Flight{Carrier: "su", Number: "0100", Date: d}
}

func (e *sbEnv) pax(names ...string) []staffid.PassengerInput {
	out := make([]staffid.PassengerInput, len(names))
	for i, n := range names {
		out[i] = staffid.PassengerInput{PersonID: e.ids[n]}
	}
	return out
}

func TestPassengersAreTheOwnGroupActiveOnly(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	names := func(ps []staffid.Person) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.LastNameEng)
		}
		return out
	}
	ps, err := e.bookings.Passengers(ctx, e.ids["Lennon"])
	require.NoError(t, err)
	require.Equal(t, "Lennon", ps[0].LastNameEng, "the employee first")
	require.ElementsMatch(t, []string{"Lennon", "Ono", "McCartney", "Starr"}, names(ps))

	// Ringo leaves the list: he is no passenger any more.
	e.importList(t, []map[string]any{acctList[0], acctList[1], acctList[2], acctList[4]})
	ps, err = e.bookings.Passengers(ctx, e.ids["Lennon"])
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"Lennon", "Ono", "McCartney"}, names(ps))

	_, err = e.bookings.Passengers(ctx, e.ids["Ono"])
	require.ErrorIs(t, err, staffid.ErrBlocked, "a companion has no cabinet")
	_, err = e.bookings.Passengers(ctx, "v1:nobody")
	require.ErrorIs(t, err, staffid.ErrBlocked)
}

func TestBookForSelfAndCompanion(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	in := e.pax("Lennon", "Ono")
	// Data as the booking page shows it: case and spacing do not count.
	in[0].LastNameEng, in[0].FirstNameEng, in[0].BirthDay, in[0].Sex = "LENNON", " john ", "09.10.1940", "m"
	in[1].BirthDay = "1933-02-18"
	v, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: sbFlight("2026-12-01"), FareBasis: "yrt", PassengerType: "adt", Cabin: standby.Economy, Passengers: in,
	})
	require.NoError(t, err)
	require.Regexp(t, `^SB[A-Z2-7]{16}$`, v.ID)
	require.False(t, v.Standby)
	require.Empty(t, v.Placements)
	require.Equal(t, standby.FlightKey("SU-100-2026-12-01"), v.Flight.Key())
	require.Equal(t, "YRT", v.FareBasis)
	require.Equal(t, "ADT", v.PassengerType)
	birth, _ := staffid.ParseDate("09.10.1940")
	require.Equal(t, staffid.BookedPassenger{
		PersonID: e.ids["Lennon"], IsEmployee: true, LastNameEng: "Lennon", FirstNameEng: "John", BirthDay: birth, Sex: "M", CategoryCode: 5,
	}, v.Passengers[0], "the list's data is stored, not the typed spelling")
	require.Equal(t, "Ono", v.Passengers[1].LastNameEng)

	page, err := e.bookings.List(ctx, e.ids["Lennon"], "", 0, 0)
	require.NoError(t, err)
	require.Len(t, page.Bookings, 1)
	if d := cmp.Diff(v, page.Bookings[0]); d != "" {
		t.Errorf("listed booking (-created +listed):\n%s", d)
	}
	got, err := e.bookings.Get(ctx, e.ids["Lennon"], v.ID)
	require.NoError(t, err)
	require.Equal(t, v.ID, got.ID)
}

func TestStandbyBookingJoinsTheQueue(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	// Lennon books standby for himself and Yoko; then Harrison for himself.
	lennon, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Economy, Passengers: e.pax("Lennon", "Ono"),
	})
	require.NoError(t, err)
	require.True(t, lennon.Standby)
	e.clock.Add(time.Minute)
	harrison, err := e.bookings.Create(ctx, e.ids["Harrison"], staffid.BookingRequest{
		Flight: flight, PassengerType: "stb", Cabin: standby.Economy, Passengers: e.pax("Harrison"),
	})
	require.NoError(t, err)
	require.Len(t, harrison.Placements, 1)
	require.Equal(t, 1, harrison.Placements[0].Position, "category 0 goes first")

	page, err := e.bookings.List(ctx, e.ids["Lennon"], flight.Key(), 0, 0)
	require.NoError(t, err)
	require.Len(t, page.Bookings, 1)
	ps := page.Bookings[0].Placements
	require.Len(t, ps, 2)
	// Yoko: the airline's staff with Lennon's employment date and her own
	// category 1, so before Lennon's category 5.
	require.Equal(t, 0, ps[0].Entry.Passenger)
	require.Equal(t, 3, ps[0].Position)
	require.Equal(t, 1, ps[1].Entry.Passenger)
	require.Equal(t, 2, ps[1].Position)
	require.Equal(t, "SU", ps[1].Entry.Employer)
	require.Equal(t, 1, ps[1].Entry.Category)
	require.Equal(t, time.Date(1980, 11, 9, 0, 0, 0, 0, time.UTC), ps[1].Entry.EmployedOn, "the companion has the employee's employment date")
	require.Equal(t, 3, ps[1].QueueLength)
}

func TestStandbyBookingOnAClosedFlightIsTakenBack(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	_, err := e.queue.CloseFlight(ctx, flight)
	require.NoError(t, err)
	_, err = e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Business, Passengers: e.pax("Lennon"),
	})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	page, err := e.bookings.List(ctx, e.ids["Lennon"], "", 0, 0)
	require.NoError(t, err)
	require.Empty(t, page.Bookings, "no booking without its place in the queue")
}

// Attack: booking for a person of another group (or an invented ID).
func TestAttackBookingForSomeoneOutsideTheGroup(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	for _, id := range []string{e.ids["Harrison"], "v1:00000000000000000000000000000000"} {
		in := e.pax("Lennon")
		in = append(in, staffid.PassengerInput{PersonID: id})
		_, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
			Flight: sbFlight("2026-12-01"), PassengerType: "ADT", Cabin: standby.Economy, Passengers: in,
		})
		var ve *bookingkit.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "passengers[1].person_id", ve.Field)
		require.Contains(t, ve.Reason, "not one of your passengers")
	}
	page, err := e.bookings.List(ctx, e.ids["Harrison"], "", 0, 0)
	require.NoError(t, err)
	require.Empty(t, page.Bookings)
}

// Attack: altering a companion's data on a booking.
func TestAttackAlteringCompanionData(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	tests := []struct {
		edit  func(p *staffid.PassengerInput)
		field string
	}{
		{func(p *staffid.PassengerInput) { p.BirthDay = "18.02.1953" }, "passengers[1].birth_day"},
		{func(p *staffid.PassengerInput) { p.BirthDay = "1953-02-18" }, "passengers[1].birth_day"},
		{func(p *staffid.PassengerInput) { p.BirthDay = "yesterday" }, "passengers[1].birth_day"},
		{func(p *staffid.PassengerInput) { p.LastNameEng = "Lennon" }, "passengers[1].last_name_eng"},
		{func(p *staffid.PassengerInput) { p.FirstNameEng = "Yoko Ono" }, "passengers[1].first_name_eng"},
		{func(p *staffid.PassengerInput) { p.MiddleNameEng = "Y" }, "passengers[1].middle_name_eng"},
		{func(p *staffid.PassengerInput) { p.Sex = "M" }, "passengers[1].sex"},
	}
	for _, tt := range tests {
		in := e.pax("Lennon", "Ono")
		tt.edit(&in[1])
		_, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
			Flight: sbFlight("2026-12-01"), PassengerType: "ADT", Cabin: standby.Economy, Passengers: in,
		})
		var ve *bookingkit.ValidationError
		require.ErrorAs(t, err, &ve, tt.field)
		require.Equal(t, tt.field, ve.Field)
	}
	page, err := e.bookings.List(ctx, e.ids["Lennon"], "", 0, 0)
	require.NoError(t, err)
	require.Empty(t, page.Bookings, "nothing was booked")
}

func TestBookingRequestErrors(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	ok := func() staffid.BookingRequest {
		return staffid.BookingRequest{Flight: sbFlight("2026-12-01"), PassengerType: "ADT", Cabin: standby.Economy, Passengers: e.pax("Lennon")}
	}
	tests := []struct {
		edit  func(r *staffid.BookingRequest)
		field string
	}{
		{func(r *staffid.BookingRequest) { r.Flight.Carrier = "S" }, "flight.carrier"},
		{func(r *staffid.BookingRequest) { r.Flight.Number = "ABCDE" }, "flight.number"},
		{func(r *staffid.BookingRequest) { r.Flight.Date = time.Time{} }, "flight.date"},
		{func(r *staffid.BookingRequest) { r.Flight = sbFlight("2026-11-21") }, "flight.date"},
		{func(r *staffid.BookingRequest) { r.PassengerType = "" }, "passenger_type"},
		{func(r *staffid.BookingRequest) { r.PassengerType = "ADULT" }, "passenger_type"},
		{func(r *staffid.BookingRequest) { r.FareBasis = "Y-RT" }, "fare_basis"},
		{func(r *staffid.BookingRequest) { r.Cabin = 7 }, "cabin"},
		{func(r *staffid.BookingRequest) { r.Passengers = nil }, "passengers"},
		{func(r *staffid.BookingRequest) { r.Passengers = e.pax("Lennon", "Ono", "Lennon") }, "passengers[2].person_id"},
		{func(r *staffid.BookingRequest) { r.Passengers[0].PersonID = " " }, "passengers[0].person_id"},
		{func(r *staffid.BookingRequest) {
			r.Passengers = make([]staffid.PassengerInput, 10)
		}, "passengers"},
	}
	for _, tt := range tests {
		r := ok()
		tt.edit(&r)
		_, err := e.bookings.Create(ctx, e.ids["Lennon"], r)
		var ve *bookingkit.ValidationError
		require.ErrorAs(t, err, &ve, tt.field)
		require.Equal(t, tt.field, ve.Field)
	}
	// Yesterday in UTC is still today somewhere west: accepted.
	r := ok()
	r.Flight = sbFlight("2026-11-22")
	e.clock.Add(-2 * time.Hour) // 08:00 UTC: 20:00 on the 22nd at UTC-12
	_, err := e.bookings.Create(ctx, e.ids["Lennon"], r)
	require.NoError(t, err)
}

func TestBlockedCompanionAndBlockedEmployee(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	req := staffid.BookingRequest{Flight: sbFlight("2026-12-01"), PassengerType: "ADT", Cabin: standby.Economy, Passengers: e.pax("Lennon", "Starr")}
	before, err := e.bookings.Create(ctx, e.ids["Lennon"], req)
	require.NoError(t, err)

	e.importList(t, []map[string]any{acctList[0], acctList[1], acctList[2], acctList[4]}) // Ringo blocked
	_, err = e.bookings.Create(ctx, e.ids["Lennon"], req)
	var ve *bookingkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "passengers[1].person_id", ve.Field)
	require.Contains(t, ve.Reason, "blocked")
	page, err := e.bookings.List(ctx, e.ids["Lennon"], "", 0, 0)
	require.NoError(t, err)
	require.Len(t, page.Bookings, 1, "a blocked companion's past bookings stay visible")
	require.Equal(t, before.ID, page.Bookings[0].ID)

	e.importList(t, acctList[4:]) // Lennon's whole group blocked
	_, err = e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{Flight: sbFlight("2026-12-01"), PassengerType: "ADT", Cabin: standby.Economy, Passengers: e.pax("Lennon")})
	require.ErrorIs(t, err, staffid.ErrBlocked)
	_, err = e.bookings.List(ctx, e.ids["Lennon"], "", 0, 0)
	require.ErrorIs(t, err, staffid.ErrBlocked)
}

func TestBookingsArePrivateToTheGroupAndPaged(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	var ids []string
	for i := range 5 {
		e.clock.Add(time.Second)
		v, err := e.bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
			Flight: sbFlight("2026-12-0" + string(rune('1'+i))), PassengerType: "ADT", Cabin: standby.Economy, Passengers: e.pax("McCartney"),
		})
		require.NoError(t, err)
		ids = append(ids, v.ID)
	}
	harrison, err := e.bookings.Create(ctx, e.ids["Harrison"], staffid.BookingRequest{
		Flight: sbFlight("2026-12-01"), PassengerType: "ADT", Cabin: standby.Economy, Passengers: e.pax("Harrison"),
	})
	require.NoError(t, err)

	var listed []string
	var before int64
	for pages := 0; ; pages++ {
		require.Less(t, pages, 3)
		page, err := e.bookings.List(ctx, e.ids["Lennon"], "", before, 2)
		require.NoError(t, err)
		for _, b := range page.Bookings {
			listed = append(listed, b.ID)
		}
		if page.Next == 0 {
			break
		}
		before = page.Next
	}
	require.Equal(t, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, listed, "newest first, each once")

	_, err = e.bookings.Get(ctx, e.ids["Lennon"], harrison.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "another group's booking reads as unknown")
	_, err = e.bookings.Get(ctx, e.ids["Harrison"], ids[0])
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	_, err = e.bookings.Get(ctx, e.ids["Harrison"], "SBNOSUCHBOOKING")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

func TestNewBookingsNeedsTheQueueForStandbyFares(t *testing.T) {
	s := newAcctEnv(t, staffid.Config{}, account.Config{}).stores
	_, err := staffid.NewBookings(sbConfig, s.StaffID, s.StaffBookings, nil)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = staffid.NewBookings(staffid.Config{StandbyPassengerTypes: []string{"ZED"}}, s.StaffID, s.StaffBookings, standby.NewService(s.Standby))
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "no airline code")
	b, err := staffid.NewBookings(staffid.Config{}, s.StaffID, s.StaffBookings, nil)
	require.NoError(t, err, "without standby types no queue is needed")
	require.False(t, b.IsStandbyFare("ZED"))
}

// failingDelete is a booking store whose DeleteBooking fails, as a store
// that has just gone down would.
type failingDelete struct{ staffid.BookingStore }

func (failingDelete) DeleteBooking(context.Context, string) error {
	return errors.New("sqlite: database is locked (table staff_bookings)")
}

// A booking the queue refuses and the store cannot take back is the
// operator's problem, not the caller's: the error is internal (no
// sentinel, so the server answers 500 and shows no text), whatever the
// queue said, and it keeps both causes for the log.
func TestStandbyBookingNotTakenBackIsAnInternalError(t *testing.T) {
	ctx := context.Background()
	e := newSBEnv(t)
	flight := sbFlight("2026-12-01")
	_, err := e.queue.CloseFlight(ctx, flight)
	require.NoError(t, err)
	bookings, err := staffid.NewBookings(sbConfig, e.stores.StaffID, failingDelete{e.stores.StaffBookings}, e.queue)
	require.NoError(t, err)
	bookings.Now = e.clock.Now
	_, err = bookings.Create(ctx, e.ids["Lennon"], staffid.BookingRequest{
		Flight: flight, PassengerType: "ZED", Cabin: standby.Business, Passengers: e.pax("Lennon"),
	})
	require.Error(t, err)
	for _, sentinel := range []error{bookingkit.ErrConflict, bookingkit.ErrInvalid, bookingkit.ErrNotFound, bookingkit.ErrForbidden} {
		require.NotErrorIs(t, err, sentinel)
	}
	require.Contains(t, err.Error(), "database is locked", "the log keeps the store's failure")
	require.Contains(t, err.Error(), "closed", "and the queue's")
}
