package staffid_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// printMailer prints each message's subject and keeps its link token.
type printMailer struct{ token string }

func (m *printMailer) Send(_ context.Context, msg account.Message) error {
	fmt.Printf("mail to %s: %s\n", msg.To, msg.Subject)
	m.token = regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(msg.Body)[1]
	return nil
}

// An employee of the imported list registers with the details the list
// holds, sets a password through the mailed link, and books a standby
// ticket for their companion, who joins the flight's queue on the
// employee's rights.
func Example_registerAndBook() {
	ctx := context.Background()
	stores := memory.New().Stores()
	cfg := staffid.Config{StandbyPassengerTypes: []string{"ZED"}, AirlineCode: "SU"}

	im, _ := staffid.NewImporter(cfg, stores.StaffID)
	list := `[
	  {"LastName": "Леннон", "FirstName": "Джон", "LastNameEng": "Lennon", "FirstNameEng": "John", "BirthDay": "09.10.1940",
	   "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062, "IsEmployee": 1, "CategoryCode": 5,
	   "Email": "it@websky.tech"},
	  {"LastName": "Оно", "FirstName": "Йоко", "LastNameEng": "Ono", "FirstNameEng": "Yoko", "BirthDay": "18.02.1933",
	   "Sex": "F", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1}
	]`
	if _, err := im.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{}); err != nil {
		panic(err)
	}

	mailer := &printMailer{}
	accounts, err := staffid.NewAccounts(cfg, stores.StaffID, stores.Accounts, staffid.AccountsConfig{
		Mailer: mailer, LinkURL: "https://staff.example.com/api/staff/password?token={token}",
	})
	if err != nil {
		panic(err)
	}
	form := staffid.RegistrationForm{
		Fields: map[string]string{"LastName": "леннон", "FirstName": "Джон", "BirthDay": "09.10.1940", "EmployeeID": "884220062"},
		Email:  "it@websky.tech",
	}
	if _, err := accounts.Register(ctx, form, "192.0.2.1"); err != nil {
		panic(err)
	}
	me, err := accounts.SetPassword(ctx, mailer.token, "yellow submarine 1966")
	if err != nil {
		panic(err)
	}

	queue := standby.NewService(stores.Standby)
	bookings, _ := staffid.NewBookings(cfg, stores.StaffID, stores.StaffBookings, queue)
	passengers, _ := bookings.Passengers(ctx, me.Employee.ID)
	for _, p := range passengers {
		fmt.Println("passenger:", p.FirstNameEng, p.LastNameEng)
	}
	yoko := passengers[1]
	b, err := bookings.Create(ctx, me.Employee.ID, staffid.BookingRequest{
		Flight:        standby.Flight{Carrier: "SU", Number: "100", Date: time.Now().AddDate(0, 0, 7)},
		PassengerType: "ZED",
		Cabin:         standby.Economy,
		Passengers:    []staffid.PassengerInput{{PersonID: yoko.ID, BirthDay: "18.02.1933"}},
	})
	if err != nil {
		panic(err)
	}
	p := b.Placements[0]
	fmt.Printf("standby: %v, place %d of %d, employer %s, employed on %s, category %d\n",
		b.Standby, p.Position, p.QueueLength, p.Entry.Employer, p.Entry.EmployedOn.Format(time.DateOnly), p.Entry.Category)

	_, err = bookings.Create(ctx, me.Employee.ID, staffid.BookingRequest{
		Flight:        standby.Flight{Carrier: "SU", Number: "100", Date: time.Now().AddDate(0, 0, 7)},
		PassengerType: "ADT",
		Cabin:         standby.Economy,
		Passengers:    []staffid.PassengerInput{{PersonID: yoko.ID, BirthDay: "18.02.1953"}},
	})
	fmt.Println(err)
	// Output:
	// mail to it@websky.tech: Your staff travel account
	// passenger: John Lennon
	// passenger: Yoko Ono
	// standby: true, place 1 of 1, employer SU, employed on 1980-11-09, category 1
	// passengers[0].birth_day "18.02.1953": differs from your airline's list ("18.02.1933"): passenger data cannot be changed; ask your staff travel office to correct the list
}
