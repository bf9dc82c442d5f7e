package partner_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// exampleSetup returns a service over an in-memory store with an
// administrator, one partner, its user and a customer company. In a real
// program the store is one of the storage adapters and the users come
// from sign-in.
func exampleSetup() (svc *partner.Service, admin, user partner.Actor, company partner.Company) {
	ctx := context.Background()
	store := memory.New().Stores().Partner // any partner.Store: storage/memory, storage/sqlite, storage/postgres
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc = &partner.Service{Store: store, Now: func() time.Time { return now }}
	root := partner.User{ID: "usr_root", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example"}
	if err := store.CreateUser(ctx, root, partner.AuditRecord{ID: "aud_0", ActorID: "bootstrap"}); err != nil {
		panic(err)
	}
	admin = root.Actor()
	p, err := svc.CreatePartner(ctx, admin, partner.NewPartner{Name: "Iberia Resellers"})
	if err != nil {
		panic(err)
	}
	u, err := svc.CreateUser(ctx, admin, partner.NewUser{PartnerID: p.ID, Role: partner.RolePartnerUser, Name: "Alice", Email: "alice@resellers.example"})
	if err != nil {
		panic(err)
	}
	company, err = svc.CreateCompany(ctx, u.Actor(), partner.NewCompany{Name: "Acme Logistics"})
	if err != nil {
		panic(err)
	}
	return svc, admin, u.Actor(), company
}

// A partner user creates a WDS instance: enter the data, provision (the
// contract is generated), read the contract, generate. Then licences, and
// a deactivation that an administrator approves.
func Example() {
	ctx := context.Background()
	svc, admin, alice, company := exampleSetup()

	inst, err := svc.CreateInstance(ctx, alice, partner.NewInstance{
		CompanyID: company.ID,
		Type:      "WDS",
		Profile:   "professional",
		CompanyData: map[string]string{
			"legal_name": "Acme Logistics S.L.", "tax_id": "B12345678",
			"contact_email": "it@acme.example", "country": "ES",
		},
		Config:    map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"},
		ExpiresAt: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", inst.State)

	inst, _ = svc.Provision(ctx, alice, inst.ID)
	contract, _ := svc.Contract(ctx, alice, inst.ID)
	fmt.Println("provisioned:", inst.State, "- contract mentions the customer:", strings.Contains(contract.Text, "Acme Logistics S.L."))

	inst, err = svc.Generate(ctx, alice, inst.ID, contract.SHA256)
	fmt.Println("generated:", inst.State, err)

	_, err = svc.Cancel(ctx, alice, inst.ID, "too late")
	fmt.Println("cancel after generate:", errors.Is(err, bookingkit.ErrConflict))

	lics, _ := svc.AddLicences(ctx, alice, inst.ID, []partner.NewLicence{
		{UserName: "Ana García", Login: "ana"}, {UserName: "Juan Pérez", Login: "juan"},
	})
	fmt.Println("licences:", len(lics))

	inst, _ = svc.RequestDeactivation(ctx, alice, inst.ID, "The customer closes the warehouse")
	fmt.Println("requested:", inst.State)
	_, err = svc.ApproveDeactivation(ctx, alice, inst.ID, "")
	fmt.Println("partner user approves:", errors.Is(err, bookingkit.ErrForbidden))
	inst, _ = svc.ApproveDeactivation(ctx, admin, inst.ID, "confirmed")
	fmt.Println("administrator approves:", inst.State)
	// Output:
	// created: draft
	// provisioned: provisioned - contract mentions the customer: true
	// generated: active <nil>
	// cancel after generate: true
	// licences: 2
	// requested: deactivation_requested
	// partner user approves: true
	// administrator approves: deactivated
}

func ExampleNextInstanceState() {
	for _, step := range []struct {
		from  partner.State
		event partner.Event
	}{
		{partner.StateDraft, partner.EventProvision},
		{partner.StateProvisioned, partner.EventGenerate},
		{partner.StateActive, partner.EventCancel},
		{partner.StateExpired, partner.EventExtendExpiry},
	} {
		next, err := partner.NextInstanceState(step.from, step.event)
		if err != nil {
			fmt.Println(err, "- conflict:", errors.Is(err, bookingkit.ErrConflict))
			continue
		}
		fmt.Println(step.from, "+", step.event, "->", next)
	}
	fmt.Println("from active:", partner.InstanceEvents(partner.StateActive))
	// Output:
	// draft + provision -> provisioned
	// provisioned + generate -> active
	// instance: cancel is not allowed in state active - conflict: true
	// expired + extend_expiry -> active
	// from active: [edit extend_expiry clear_session add_licences request_deactivation]
}

// An instance is stored as active; past its expiry date it reads as
// expired, with no job needed to update it.
func ExampleInstance_Status() {
	inst := partner.Instance{State: partner.StateActive, ExpiresAt: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}
	fmt.Println(inst.Status(time.Date(2026, 6, 29, 12, 0, 0, 0, time.UTC)))
	fmt.Println(inst.Status(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)))
	// Output:
	// active
	// expired
}

// Each instance type validates its own configuration; every bad value is
// named.
func ExampleTypeSpec_CheckConfig() {
	wds, _ := partner.DefaultRegistry().Type("WDS")
	cfg, err := wds.CheckConfig(map[string]string{"max_terminals": "12", "time_zone": "Europe/Madrid", "geolocation": "yes"})
	fmt.Println(cfg, err)

	_, err = wds.CheckConfig(map[string]string{"max_terminals": "lots", "clock_in_mode": "fax"})
	fmt.Println(err)
	// Output:
	// map[clock_in_mode:terminal geolocation:true language:es max_terminals:12 time_zone:Europe/Madrid] <nil>
	// config.max_terminals "lots": a whole number
	// config.clock_in_mode "fax": one of terminal, mobile, both
	// config.time_zone: required
}

// A report's table, as the command-line tool prints it.
func ExampleReport_Table() {
	ctx := context.Background()
	svc, _, alice, company := exampleSetup()
	for _, profile := range []string{"basic", "basic", "enterprise"} {
		inst, _ := svc.CreateInstance(ctx, alice, partner.NewInstance{
			CompanyID: company.ID, Type: "WDS", Profile: profile,
			CompanyData: map[string]string{"legal_name": "Acme", "tax_id": "B1", "contact_email": "it@acme.example", "country": "ES"},
			Config:      map[string]string{"max_terminals": "5", "time_zone": "UTC"},
			ExpiresAt:   time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		})
		if profile == "enterprise" {
			continue // stays a draft
		}
		inst, _ = svc.Provision(ctx, alice, inst.ID)
		_, _ = svc.Generate(ctx, alice, inst.ID, inst.Contract.SHA256)
	}
	rep, err := svc.Report(ctx, alice, partner.ReportFilter{Subject: partner.SubjectInstances})
	if err != nil {
		fmt.Println(err)
		return
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range rep.Table() {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	for _, bar := range rep.ByType {
		fmt.Println(bar.Key, bar.Colour, bar.Count)
	}
	// Output:
	// type   profile     state   count
	// WDS    basic       active  2
	// WDS    enterprise  draft   1
	// total                      3
	// WDS #1f77b4 3
	// MCRM #ff7f0e 0
	// S360 #2ca02c 0
	// WTA #d62728 0
}

// A receiver of webhook notifications checks the signature and the age of
// each request.
func ExampleVerifyWebhookSignature() {
	secret := []byte("shared secret")
	body := []byte(`{"type":"support_message"}`)
	sent := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ts := fmt.Sprint(sent.Unix())
	sig := partner.SignWebhook(secret, ts, body)

	fmt.Println(partner.VerifyWebhookSignature(secret, ts, sig, body, sent.Add(10*time.Second), 5*time.Minute))
	err := partner.VerifyWebhookSignature(secret, ts, sig, []byte(`{"type":"forged"}`), sent, 5*time.Minute)
	fmt.Println(errors.Is(err, bookingkit.ErrUnauthorized))
	// Output:
	// <nil>
	// true
}
