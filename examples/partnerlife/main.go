// Command partnerlife walks one product instance of package partner
// through its whole life cycle on the in-memory store (storage/memory):
// a vendor administrator sets up a partner and its user, the partner user
// creates a customer company and a WDS instance, provisions it, reads the
// contract and generates it, adds licences that a terminal then uses; the
// instance expires and is extended, a deactivation request is rejected,
// made again and approved. Each step prints the instance's status and the
// events the life cycle table allows next; at the end come the audit log
// (who did what, when, why) and the terminal's activity log.
//
// The clock and the source of IDs are fixed, so every run prints the same.
//
// Run it with:
//
//	go run ./examples/partnerlife
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "partnerlife:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc := &partner.Service{
		Store: memory.New().Stores().Partner,
		// Every read of the clock moves it a second, so the log's records
		// (whose IDs sort by time) keep the order they were made in.
		Now:  func() time.Time { now = now.Add(time.Second); return now },
		Rand: rand.NewChaCha8([32]byte{}), // in production leave it nil: crypto/rand
	}
	later := func(d time.Duration) { now = now.Add(d) }

	// The first administrator is made by the operator at the database,
	// as `bookingkit partner admin add` does; partners and their users
	// are then made by an administrator.
	operator := partner.Actor{UserID: "operator", Role: partner.RoleAdministrator}
	marta, err := svc.CreateUser(ctx, operator, partner.NewUser{Role: partner.RoleAdministrator, Name: "Marta Vidal", Email: "marta@vendor.example"})
	if err != nil {
		return err
	}
	admin := marta.Actor()
	reseller, err := svc.CreatePartner(ctx, admin, partner.NewPartner{Name: "Iberia Resellers"})
	if err != nil {
		return err
	}
	alice, err := svc.CreateUser(ctx, admin, partner.NewUser{PartnerID: reseller.ID, Role: partner.RolePartnerUser, Name: "Alice Romero", Email: "alice@resellers.example"})
	if err != nil {
		return err
	}
	user := alice.Actor()
	company, err := svc.CreateCompany(ctx, user, partner.NewCompany{Name: "Acme Logistics"})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s (administrator) set up partner %s with user %s, who added company %s\n", marta.Name, reseller.Name, alice.Name, company.Name)

	inst, err := svc.CreateInstance(ctx, user, partner.NewInstance{
		CompanyID: company.ID, Type: "WDS", Profile: "professional",
		CompanyData: map[string]string{"legal_name": "Acme Logistics S.L.", "tax_id": "B12345678", "contact_email": "it@acme.example", "country": "ES"},
		Config:      map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"},
		ExpiresAt:   time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		return err
	}
	// step prints where the instance stands after one step of its life.
	step := func(what string, inst partner.Instance, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		status := inst.Status(now)
		fmt.Fprintf(out, "%-30s %-24s next: %v\n", what, status, partner.InstanceEvents(status))
		later(time.Hour)
		return nil
	}
	if err := step("created", inst, nil); err != nil {
		return err
	}
	inst, err = svc.Provision(ctx, user, inst.ID)
	if err := step("provisioned", inst, err); err != nil {
		return err
	}
	// Generating takes the digest of the contract the partner read, so a
	// contract changed in between is not signed unseen.
	contract, err := svc.Contract(ctx, user, inst.ID)
	if err != nil {
		return err
	}
	inst, err = svc.Generate(ctx, user, inst.ID, contract.SHA256)
	if err := step("generated (contract read)", inst, err); err != nil {
		return err
	}

	licences, err := svc.AddLicences(ctx, user, inst.ID, []partner.NewLicence{{UserName: "Ana García", Login: "ana"}, {UserName: "Juan Pérez", Login: "juan"}})
	if err != nil {
		return err
	}
	terminal := partner.Terminal{Serial: "SN-0042"}
	if _, err := svc.BindTerminal(ctx, licences[0].ID, terminal); err != nil {
		return err
	}
	later(time.Minute)
	if _, err := svc.RecordTerminalActivity(ctx, partner.TerminalEvent{LicenceID: licences[0].ID, Kind: partner.ActivityConfigFetch, Terminal: terminal}); err != nil {
		return err
	}
	inst, err = svc.Instance(ctx, user, inst.ID)
	if err := step(fmt.Sprintf("%d licences, %s bound", len(licences), terminal.Serial), inst, err); err != nil {
		return err
	}

	// Nobody stores "expired": past the expiry date the instance reads so.
	now = inst.ExpiresAt.Add(24 * time.Hour)
	if err := step("a day past the expiry", inst, nil); err != nil {
		return err
	}
	_, err = svc.AddLicences(ctx, user, inst.ID, []partner.NewLicence{{UserName: "Eva Ruiz", Login: "eva"}})
	var refused *partner.TransitionError
	if !errors.As(err, &refused) {
		return fmt.Errorf("adding a licence to an expired instance: want a refusal, got %v", err)
	}
	fmt.Fprintf(out, "  refused: %s is not allowed in state %s\n", refused.Event, refused.State)
	inst, err = svc.ExtendExpiry(ctx, user, inst.ID, time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC), "renewed for a year")
	if err := step("expiry extended", inst, err); err != nil {
		return err
	}

	inst, err = svc.RequestDeactivation(ctx, user, inst.ID, "The customer closes the warehouse")
	if err := step("deactivation requested", inst, err); err != nil {
		return err
	}
	inst, err = svc.RejectDeactivation(ctx, admin, inst.ID, "The customer renewed last week; please confirm")
	if err := step("rejected by the administrator", inst, err); err != nil {
		return err
	}
	inst, err = svc.RequestDeactivation(ctx, user, inst.ID, "Confirmed: the warehouse closes on 31 March")
	if err := step("requested again", inst, err); err != nil {
		return err
	}
	if _, err := svc.ApproveDeactivation(ctx, user, inst.ID, ""); err != nil {
		fmt.Fprintf(out, "  the partner user may not approve: %v\n", err)
	}
	inst, err = svc.ApproveDeactivation(ctx, admin, inst.ID, "closing confirmed")
	if err := step("approved", inst, err); err != nil {
		return err
	}
	for _, l := range licences {
		if l, err = svc.Licence(ctx, user, l.ID); err != nil {
			return err
		}
		fmt.Fprintf(out, "  licence %s: %s\n", l.User.Login, l.State)
	}

	names := map[string]string{marta.ID: marta.Name, alice.ID: alice.Name, operator.UserID: "operator"}
	records, err := svc.AuditLog(ctx, admin, partner.AuditQuery{})
	if err != nil {
		return err
	}
	slices.Reverse(records) // it comes newest first
	fmt.Fprintln(out, "audit log, oldest first:")
	for _, r := range records {
		fmt.Fprintf(out, "  %s  %-12s %-8s %-22s %s\n", r.At.Format("2006-01-02 15:04"), names[r.ActorID], r.Object, r.Action, cmp.Or(r.Reason, r.Detail))
	}
	activity, err := svc.SearchActivity(ctx, user, partner.ActivitySearch{Serial: terminal.Serial})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "activity of terminal %s, newest first:\n", terminal.Serial)
	for _, e := range activity.Events {
		fmt.Fprintf(out, "  %s  %-16s %s\n", e.At.Format("2006-01-02 15:04"), e.Kind, e.UserLogin)
	}
	return nil
}
