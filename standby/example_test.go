package standby_test

import (
	"fmt"
	"time"

	"github.com/bookingkit/bookingkit/standby"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var flight = standby.Flight{Carrier: "SU", Number: "0100", Date: day(2026, 11, 23)}

func ExampleSort() {
	booked := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	entries := []standby.Entry{
		{BookingID: "A", Flight: flight, Employer: "AF", Cabin: standby.Business, Category: 0, EmployedOn: day(1990, 1, 1), BookedAt: booked},
		{BookingID: "B", Flight: flight, Employer: "SU", Cabin: standby.Economy, Category: 5, EmployedOn: day(2015, 6, 1), BookedAt: booked},
		{BookingID: "C", Flight: flight, Employer: "SU", Cabin: standby.Economy, Category: 2, EmployedOn: day(2018, 3, 1), BookedAt: booked},
		{BookingID: "D", Flight: flight, Employer: "SU", Cabin: standby.Economy, Category: 2, EmployedOn: day(2009, 3, 1), BookedAt: booked.Add(time.Hour)},
		{BookingID: "E", Flight: flight, Employer: "su", Cabin: standby.Business, Category: 9, EmployedOn: day(2024, 1, 1), BookedAt: booked},
	}
	standby.Sort(entries)
	for i, e := range entries {
		fmt.Println(i+1, e.BookingID)
	}
	// Output:
	// 1 E
	// 2 D
	// 3 C
	// 4 B
	// 5 A
}

func ExampleExplain() {
	booked := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	mine := standby.Entry{BookingID: "BK1", Flight: flight, Employer: "SU", Cabin: standby.Economy, Category: 3, EmployedOn: day(2012, 4, 2), BookedAt: booked}
	theirs := standby.Entry{BookingID: "BK2", Flight: flight, Employer: "SU", Cabin: standby.Economy, Category: 3, EmployedOn: day(2005, 9, 1), BookedAt: booked.Add(time.Hour)}
	why := standby.Explain(mine, theirs)
	fmt.Println(why.Key)
	fmt.Println(why)
	// Output:
	// employed_on
	// booking BK2 passenger 0 is ahead of booking BK1 passenger 0: employed since 2005-09-01, longer than since 2012-04-02
}

func ExampleQueue() {
	q, err := standby.NewQueue(flight)
	if err != nil {
		panic(err)
	}
	booked := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i, category := range []int{4, 1, 7} {
		pos, err := q.Add(standby.Entry{
			BookingID: fmt.Sprintf("BK%d", i+1), Flight: flight, Employer: "SU", Cabin: standby.Economy,
			Category: category, EmployedOn: day(2010, 1, 1), BookedAt: booked.Add(time.Duration(i) * time.Minute),
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("BK%d joins at %d\n", i+1, pos)
	}
	pos, _ := q.Position("BK1", 0)
	fmt.Println("BK1 is now", pos)

	// Where would a category-2 colleague land if they booked now?
	est, _ := q.Estimate(standby.Entry{Flight: flight, Employer: "SU", Cabin: standby.Economy,
		Category: 2, EmployedOn: day(2020, 1, 1), BookedAt: booked.Add(time.Hour)})
	fmt.Println("estimate:", est)

	if _, err := q.Remove("BK2", 0); err != nil {
		panic(err)
	}
	pos, _ = q.Position("BK1", 0)
	fmt.Println("after BK2 boarded, BK1 is", pos, "of", q.Len())
	// Output:
	// BK1 joins at 1
	// BK2 joins at 1
	// BK3 joins at 3
	// BK1 is now 2
	// estimate: 2
	// after BK2 boarded, BK1 is 1 of 2
}

func ExampleFlight_Key() {
	a := standby.Flight{Carrier: "su", Number: "SU0100", Date: time.Date(2026, 11, 23, 21, 40, 0, 0, time.Local)}
	b := standby.Flight{Carrier: "SU", Number: "100", Date: day(2026, 11, 23)}
	fmt.Println(a.Key(), a.Key() == b.Key())

	f, err := standby.ParseFlightKey("SU-100A-2026-11-23")
	fmt.Println(f.Carrier, f.Number, f.Date.Format(time.DateOnly), err)

	_, err = standby.ParseFlightKey("SU-0100-2026-11-23")
	fmt.Println(err)
	// Output:
	// SU-100-2026-11-23 true
	// SU 100A 2026-11-23 <nil>
	// flight "SU-0100-2026-11-23": not in canonical form; the key of this flight is "SU-100-2026-11-23"
}

func ExampleBooking_Entries() {
	employee := standby.Employee{Employer: "SU", EmployedOn: day(2001, 9, 3), Category: 4}
	booking := standby.Booking{
		ID:         "BK7",
		BookedAt:   time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC),
		Segments:   []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
		Passengers: []standby.Passenger{employee.Self(), employee.Companion(1)},
	}
	entries, err := booking.Entries()
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Println(e.Passenger, e.Employer, e.EmployedOn.Format(time.DateOnly), e.Category)
	}
	// Output:
	// 0 SU 2001-09-03 4
	// 1 SU 2001-09-03 1
}

func ExampleAnonymize() {
	booked := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	q, _ := standby.NewQueue(flight)
	_, _ = q.Add(standby.Entry{BookingID: "THEIRS", Flight: flight, Employer: "SU", Cabin: standby.Business, Category: 6, EmployedOn: day(2010, 1, 1), BookedAt: booked})
	_, _ = q.Add(standby.Entry{BookingID: "MINE", Flight: flight, Employer: "AF", Cabin: standby.Economy, Category: 0, EmployedOn: day(2010, 1, 1), BookedAt: booked})
	for _, row := range standby.Anonymize(q.Range(1, 10), 1, "MINE") {
		fmt.Printf("%d %s category %d operator staff %t yours %t\n", row.Position, row.Cabin, row.Category, row.OperatorStaff, row.Yours)
	}
	// Output:
	// 1 business category 6 operator staff true yours false
	// 2 economy category 0 operator staff false yours true
}
