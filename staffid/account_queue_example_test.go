package staffid_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// A server that answers strangers queues the registrations and resets in
// the outbox: the request checks the form and takes the rate limits, and
// does the same writes whoever is on the list or has an account; the
// outbox's worker reads the list and the accounts and mails the outcome.
func ExampleAccounts_QueueRegister() {
	ctx := context.Background()
	stores := memory.New().Stores() // or the SQL adapters'
	cfg := staffid.Config{StandbyPassengerTypes: []string{"ZED"}, AirlineCode: "SU"}
	im, _ := staffid.NewImporter(cfg, stores.StaffID)
	list := `[{"LastName": "Леннон", "FirstName": "Джон", "LastNameEng": "Lennon", "FirstNameEng": "John", "BirthDay": "09.10.1940",
	   "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062, "IsEmployee": 1, "CategoryCode": 5, "Email": "it@websky.tech"}]`
	if _, err := im.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{}); err != nil {
		panic(err)
	}

	ob := outbox.New(stores.Outbox, outbox.Config{})
	ob.Handle(outbox.KindMail, outbox.MailHandler(&printMailer{})) // an SMTP mailer in production
	accounts, err := staffid.NewAccounts(cfg, stores.StaffID, stores.Accounts, staffid.AccountsConfig{
		Mailer:  ob.Mailer(outbox.KindMail),
		Queue:   ob,
		LinkURL: "https://staff.example.com/api/staff/password?token={token}",
	})
	if err != nil {
		panic(err)
	}
	// The worker's side: bad data is dropped, anything else retried.
	complete := func(err error) error {
		if errors.Is(err, bookingkit.ErrInvalid) {
			return outbox.Permanent(err)
		}
		return err
	}
	ob.Handle(staffid.KindRegister, func(ctx context.Context, payload json.RawMessage) error {
		var form staffid.RegistrationForm
		if err := json.Unmarshal(payload, &form); err != nil {
			return outbox.Permanent(err)
		}
		_, err := accounts.CompleteRegister(ctx, form)
		return complete(err)
	})
	ob.Handle(staffid.KindReset, func(ctx context.Context, payload json.RawMessage) error {
		var req staffid.ResetRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			return outbox.Permanent(err)
		}
		return complete(accounts.CompleteReset(ctx, req))
	})

	// The requests' side.
	form := staffid.RegistrationForm{
		Fields: map[string]string{"LastName": "леннон", "FirstName": "Джон", "BirthDay": "09.10.1940", "EmployeeID": "884220062"},
		Email:  "it@websky.tech",
	}
	if err := accounts.QueueRegister(ctx, form, "192.0.2.1"); err != nil {
		panic(err)
	}
	if err := accounts.QueueReset(ctx, "nobody@example.com", "192.0.2.1"); err != nil {
		panic(err)
	}
	b, _ := ob.Backlog(ctx)
	fmt.Println("queued:", b.Messages)

	// Run does this in a server, at once and every few seconds.
	if _, err := ob.DeliverDue(ctx); err != nil {
		panic(err)
	}
	b, _ = ob.Backlog(ctx)
	fmt.Println("left:", b.Messages)
	// Output:
	// queued: 2
	// mail to it@websky.tech: Your staff travel account
	// left: 0
}
