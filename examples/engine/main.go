// Command engine is a small booking engine of its own that embeds
// bookingkit's staffid and standby packages over storage it writes itself
// (store.go: maps behind a mutex, none of bookingkit's adapters). It shows
// that the interfaces the packages declare, staffid.Store,
// staffid.BookingStore and standby.Store, are all an engine has to
// implement; store_test.go holds that store to bookingkit's conformance
// suite for them (storagetest.RunStaffID, storagetest.RunStaffBookings and
// storagetest.RunStandby), the cases every adapter passes.
//
// The program imports an airline's employee list (employees and their
// companions), imports a changed list that leaves a companion out (who is
// then blocked), asks staffid who each employee may book for, and puts
// standby bookings for those passengers on one flight through
// standby.Service: the estimated place before each booking, then the
// queue in priority order, then the same queue rebuilt from the store as
// after a restart. The clock is fixed, so every run prints the same.
//
// Run it with:
//
//	go run ./examples/engine
//
// # The engine's web server
//
// server.go is the same engine's web server, which mounts three of
// bookingkit's route groups on its own router (a plain *http.ServeMux)
// under its own prefixes, behind its own sign-in:
//
//   - the airline's staff-list upload (staffidhttp's
//     ImportHandler.UploadRoutes) under /hr, authenticated by the key the
//     engine gave the airline's HR system (its X-Engine-Key header, a
//     staffidhttp.ImportAuth of its own), not by bookingkit's import
//     token;
//   - the employees' cabinet (staffidhttp.StaffHandler) under /travel:
//     their passengers, their bookings (a ZED fare is a standby fare, whose
//     passengers join the flight's queue in the engine's store) and a
//     flight's queue, for the employee the engine's session cookie names
//     (a staffidhttp.Employees of its own);
//   - MOGU's claims and trips (moguhttp.Handler) under /app, for the MOGU
//     account of the user the same cookie names (a moguhttp.Travellers of
//     its own), with the landing page of the vouchers' claim URLs, which
//     needs no sign-in.
//
// The engine signs its users in itself (POST /login with a login and
// password, answered with its own cookie); none of bookingkit's sign-in
// routes is mounted. The staff list, the staff bookings and the standby
// queues are kept in the engine's own store (store.go,
// store_bookings.go); MOGU in storage/memory's store, for the engine has
// written no MOGU store of its own.
// server_test.go drives it over real HTTP requests. Serve it with:
//
//	go run ./examples/engine -http 127.0.0.1:8080
//
// which prints the requests to try, with a MOGU claim token for Olga.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

func main() {
	addr := flag.String("http", "", "serve the engine's web server on this address (server.go) instead of printing the queue")
	flag.Parse()
	if *addr != "" {
		if err := serve(context.Background(), *addr, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "engine:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "engine:", err)
		os.Exit(1)
	}
}

// The airline whose staff list is imported and whose flight they take.
const airline = "SU"

// now is the engine's fixed clock.
var now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// The airline's list, in the upload's JSON format: three employees
// (grouped by EmployeeID), one with a wife and a son.
const (
	ivanov  = `{"LastName": "Иванов", "FirstName": "Иван", "LastNameEng": "Ivanov", "FirstNameEng": "Ivan", "BirthDay": "01.02.1970", "Sex": "M", "DateOfEmployment": "15.03.2001", "EmployeeID": "E1001", "IsEmployee": 1, "CategoryCode": 2}`
	wife    = `{"LastName": "Иванова", "FirstName": "Мария", "LastNameEng": "Ivanova", "FirstNameEng": "Mariia", "BirthDay": "05.06.1972", "Sex": "F", "EmployeeID": "E1001", "IsEmployee": 0, "CategoryCode": 2, "RelationDegree": "wife"}`
	son     = `{"LastName": "Иванов", "FirstName": "Пётр", "LastNameEng": "Ivanov", "FirstNameEng": "Petr", "BirthDay": "07.08.2001", "Sex": "M", "EmployeeID": "E1001", "IsEmployee": 0, "CategoryCode": 3, "RelationDegree": "son"}`
	petrova = `{"LastName": "Петрова", "FirstName": "Анна", "LastNameEng": "Petrova", "FirstNameEng": "Anna", "BirthDay": "11.11.1985", "Sex": "F", "DateOfEmployment": "01.09.2015", "EmployeeID": "E2002", "IsEmployee": 1, "CategoryCode": 1, "Email": %q}`
	sidorov = `{"LastName": "Сидоров", "FirstName": "Сергей", "LastNameEng": "Sidorov", "FirstNameEng": "Sergei", "BirthDay": "30.04.1965", "Sex": "M", "DateOfEmployment": "10.10.1998", "EmployeeID": "E3003", "IsEmployee": 1, "CategoryCode": 4}`
)

// The second list drops the son and changes Anna Petrova's email.
var lists = []string{
	"[" + strings.Join([]string{ivanov, wife, son, fmt.Sprintf(petrova, "anna@airline.example"), sidorov}, ",") + "]",
	"[" + strings.Join([]string{ivanov, wife, fmt.Sprintf(petrova, "a.petrova@airline.example"), sidorov}, ",") + "]",
}

// The standby bookings to make on flight SU 100, in the order the
// employees book: who books (by personnel number), in which cabin, when.
var bookings = []struct {
	id, employeeID string
	cabin          standby.Cabin
	at             time.Time
}{
	{"BK1", "E2002", standby.Economy, now.Add(-2 * time.Hour)},
	{"BK2", "E1001", standby.Economy, now.Add(-time.Hour)},
	{"BK3", "E3003", standby.Business, now},
}

func run(ctx context.Context, out io.Writer) error {
	store := NewStore()
	im, err := staffid.NewImporter(staffid.Config{AirlineCode: airline}, store)
	if err != nil {
		return err
	}
	im.Now = func() time.Time { return now }
	for i, list := range lists {
		r, err := im.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{Actor: "engine example"})
		if err != nil {
			return fmt.Errorf("import %d: %w", i+1, err)
		}
		fmt.Fprintf(out, "import %d: %s, %d employees, %d companions: created %d, updated %d, unchanged %d, blocked %d, unblocked %d\n",
			i+1, r.Status, r.EmployeesImported, r.CompanionsImported, r.Created, r.Updated, r.Unchanged, r.Blocked, r.Unblocked)
	}
	blocked, err := store.People(ctx, staffid.PeopleQuery{State: staffid.OnlyBlocked})
	if err != nil {
		return err
	}
	for _, p := range blocked {
		fmt.Fprintf(out, "blocked: %s (%s %s)\n", p.FullName(), p.FirstNameEng, p.LastNameEng)
	}

	svc := standby.NewService(store)
	svc.Now = func() time.Time { return now }
	if _, err := svc.Rebuild(ctx); err != nil {
		return err
	}
	flight := standby.Flight{Carrier: airline, Number: "100", Date: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	names := map[standby.EntryID]string{}
	for _, b := range bookings {
		// The group field is EmployeeID, so the group's key is the
		// personnel number and its first person the employee.
		group, err := store.GroupPeople(ctx, b.employeeID)
		if err != nil || len(group) == 0 {
			return fmt.Errorf("employee %s: not on the list (%v)", b.employeeID, err)
		}
		passengers, err := staffid.Passengers(ctx, store, group[0].ID)
		if err != nil {
			return fmt.Errorf("passengers of %s: %w", b.employeeID, err)
		}
		booking := standbyBooking(b.id, b.at, flight, b.cabin, passengers)
		// The place search results show beside the standby fare: the
		// employee's, had they booked at that moment.
		self := booking.Passengers[0]
		place, err := svc.Estimate(ctx, standby.Entry{Flight: flight, Employer: self.Employer, Cabin: b.cabin, Category: self.Category, EmployedOn: self.EmployedOn, BookedAt: b.at})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s (estimated place %d) books %s on %s for %s\n", group[0].FullName(), place, b.cabin, flight, englishNames(passengers))
		for i, p := range passengers {
			names[standby.EntryID{Flight: flight.Key(), BookingID: b.id, Passenger: i}] = p.FirstNameEng + " " + p.LastNameEng
		}
		if _, err := svc.AddBooking(ctx, booking); err != nil {
			return fmt.Errorf("booking %s: %w", b.id, err)
		}
	}

	fmt.Fprintf(out, "standby queue of %s:\n", flight)
	queue, err := printQueue(ctx, out, svc, names)
	if err != nil {
		return err
	}
	restarted := standby.NewService(store)
	stats, err := restarted.Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "after a restart: %d flight, %d passengers rebuilt from the store\n", stats.Flights, stats.Entries)
	again, err := printQueue(ctx, io.Discard, restarted, names)
	if err != nil {
		return err
	}
	if !slices.Equal(queue, again) {
		return fmt.Errorf("the rebuilt queue %v differs from the live one %v", again, queue)
	}
	fmt.Fprintln(out, "the rebuilt queue is the same")
	return nil
}

// standbyBooking is a booking as the queue takes it: everyone travels on
// the employee's rights (the airline as employer and the employee's
// employment date), each with their own category code.
func standbyBooking(id string, at time.Time, flight standby.Flight, cabin standby.Cabin, passengers []staffid.Person) standby.Booking {
	employee := passengers[0] // staffid.Passengers puts the employee first
	rights := standby.Employee{Employer: airline, EmployedOn: employee.DateOfEmployment.Time(), Category: employee.CategoryCode}
	b := standby.Booking{ID: id, BookedAt: at, Segments: []standby.Segment{{Flight: flight, Cabin: cabin}}}
	b.Passengers = append(b.Passengers, rights.Self())
	for _, companion := range passengers[1:] {
		b.Passengers = append(b.Passengers, rights.Companion(companion.CategoryCode))
	}
	return b
}

// printQueue prints every waiting passenger of the bookings in names, in
// queue order, and returns their IDs in that order.
func printQueue(ctx context.Context, out io.Writer, svc *standby.Service, names map[standby.EntryID]string) ([]standby.EntryID, error) {
	var placements []standby.Placement
	for _, b := range bookings {
		ps, err := svc.Placements(ctx, b.id)
		if err != nil {
			return nil, err
		}
		placements = append(placements, ps...)
	}
	slices.SortFunc(placements, func(a, b standby.Placement) int { return a.Position - b.Position })
	ids := make([]standby.EntryID, len(placements))
	for i, p := range placements {
		e := p.Entry
		ids[i] = e.ID()
		fmt.Fprintf(out, "  %d of %d  %-16s %-9s category %d  employed %s  booked %s  (%s)\n",
			p.Position, p.QueueLength, names[ids[i]], e.Cabin, e.Category, e.EmployedOn.Format(time.DateOnly), e.BookedAt.Format("15:04"), ids[i])
		if i > 0 {
			fmt.Fprintf(out, "    why after %s: %s\n", names[ids[i-1]], reason(standby.Explain(placements[i-1].Entry, e)))
		}
	}
	return ids, nil
}

// reason is the part of an explanation after the colon: the rule itself.
func reason(e standby.Explanation) string {
	_, rule, _ := strings.Cut(e.Text, ": ")
	return rule
}

func englishNames(people []staffid.Person) string {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = p.FirstNameEng + " " + p.LastNameEng
	}
	return strings.Join(names, ", ")
}
