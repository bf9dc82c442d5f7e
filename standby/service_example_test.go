package standby_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// A Service over a store: a completed standby booking joins the queue, the
// booked passengers see their places, a colleague searching sees the place
// they would get, and a new Service on the same store (a restart) rebuilds
// the same queue. storage/sqlite and storage/postgres give stores that
// outlive the process; the in-memory one here does not.
func ExampleService() {
	ctx := context.Background()
	store := memory.New().Stores().Standby
	svc := standby.NewService(store)
	svc.Now = func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	if _, err := svc.Rebuild(ctx); err != nil {
		panic(err)
	}

	// An employee of another airline, booked earlier.
	_, err := svc.AddBooking(ctx, standby.Booking{
		ID:         "BK1",
		BookedAt:   time.Date(2026, 11, 19, 8, 0, 0, 0, time.UTC),
		Segments:   []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
		Passengers: []standby.Passenger{standby.Employee{Employer: "AF", EmployedOn: day(1999, 5, 1), Category: 1}.Self()},
	})
	if err != nil {
		panic(err)
	}
	// An operating-carrier employee with a companion: both go first.
	employee := standby.Employee{Employer: "SU", EmployedOn: day(2012, 4, 2), Category: 3}
	_, err = svc.AddBooking(ctx, standby.Booking{
		ID:         "BK2",
		BookedAt:   time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC),
		Segments:   []standby.Segment{{Flight: flight, Cabin: standby.Economy}},
		Passengers: []standby.Passenger{employee.Self(), employee.Companion(5)},
	})
	if err != nil {
		panic(err)
	}

	placements, err := svc.Placements(ctx, "BK2")
	if err != nil {
		panic(err)
	}
	for _, p := range placements {
		fmt.Printf("BK2 passenger %d: %d of %d\n", p.Entry.Passenger, p.Position, p.QueueLength)
	}

	// A colleague looking at a standby fare in search results.
	estimate, err := svc.Estimate(ctx, standby.Entry{Flight: flight, Employer: "SU", Cabin: standby.Economy, Category: 4, EmployedOn: day(2020, 1, 1)})
	if err != nil {
		panic(err)
	}
	fmt.Println("a category-4 colleague would be", estimate)

	restarted := standby.NewService(store)
	stats, err := restarted.Rebuild(ctx)
	if err != nil {
		panic(err)
	}
	pos, _ := restarted.Position(ctx, standby.EntryID{Flight: flight.Key(), BookingID: "BK1", Passenger: 0})
	fmt.Printf("after a restart: %d flight, %d entries; BK1 is %d\n", stats.Flights, stats.Entries, pos)
	// Output:
	// BK2 passenger 0: 1 of 3
	// BK2 passenger 1: 2 of 3
	// a category-4 colleague would be 2
	// after a restart: 1 flight, 3 entries; BK1 is 3
}
