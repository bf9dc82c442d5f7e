package partner_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// world is a service with two partners, each with a user and a company,
// and two administrators.
type world struct {
	ctx      context.Context
	store    partner.Store
	svc      *partner.Service
	clock    *clock
	admin    partner.Actor
	admin2   partner.Actor
	alice    partner.Actor // partner user of partner A
	bob      partner.Actor // partner user of partner B
	partnerA partner.Partner
	partnerB partner.Partner
	companyA partner.Company
	companyB partner.Company
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

func newWorld(t testing.TB) *world {
	t.Helper()
	return newWorldOn(t, memory.New().Stores().Partner)
}

// newWorldOn builds the world of [newWorld] in store, which is the memory
// store or a test's wrapper around it.
func newWorldOn(t testing.TB, store partner.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{ctx: ctx, store: store, clock: &clock{now: t0}}
	w.svc = &partner.Service{
		Store:            w.store,
		Now:              w.clock.Now,
		ImpersonationKey: testKey,
		PanelURL:         "https://panel.example.com/impersonate",
		Logger:           slog.New(slog.DiscardHandler),
	}
	// The first administrator is put in the store directly: nobody can
	// create them through the service.
	root := partner.User{ID: "usr_root", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example", CreatedAt: t0}
	require.NoError(t, w.store.CreateUser(ctx, root, partner.AuditRecord{ID: "aud_0", At: t0, ActorID: "bootstrap", Object: partner.ObjectUser, ObjectID: root.ID, Action: "create"}))
	w.admin = root.Actor()
	var err error
	a2, err := w.svc.CreateUser(ctx, w.admin, partner.NewUser{Role: partner.RoleAdministrator, Name: "Second admin", Email: "admin2@vendor.example"})
	require.NoError(t, err)
	w.admin2 = a2.Actor()
	w.partnerA, err = w.svc.CreatePartner(ctx, w.admin, partner.NewPartner{Name: "Partner A"})
	require.NoError(t, err)
	w.partnerB, err = w.svc.CreatePartner(ctx, w.admin, partner.NewPartner{Name: "Partner B"})
	require.NoError(t, err)
	alice, err := w.svc.CreateUser(ctx, w.admin, partner.NewUser{PartnerID: w.partnerA.ID, Role: partner.RolePartnerUser, Name: "Alice", Email: "alice@a.example"})
	require.NoError(t, err)
	w.alice = alice.Actor()
	bob, err := w.svc.CreateUser(ctx, w.admin, partner.NewUser{PartnerID: w.partnerB.ID, Role: partner.RolePartnerUser, Name: "Bob", Email: "bob@b.example"})
	require.NoError(t, err)
	w.bob = bob.Actor()
	w.companyA, err = w.svc.CreateCompany(ctx, w.alice, partner.NewCompany{Name: "Acme Logistics"})
	require.NoError(t, err)
	w.companyB, err = w.svc.CreateCompany(ctx, w.bob, partner.NewCompany{Name: "Bravo Foods"})
	require.NoError(t, err)
	return w
}

func wdsInput(companyID string) partner.NewInstance {
	return partner.NewInstance{
		CompanyID: companyID,
		Type:      "WDS",
		Profile:   "professional",
		CompanyData: map[string]string{
			"legal_name":    "Acme Logistics S.L.",
			"tax_id":        "B-12345678",
			"contact_email": "it@acme.example",
			"country":       "ES",
		},
		Config: map[string]string{
			"max_terminals": "25",
			"time_zone":     "Europe/Madrid",
		},
		ExpiresAt: t0.AddDate(1, 0, 0),
	}
}

// draft creates a WDS draft instance of company as actor.
func (w *world) draft(t testing.TB, a partner.Actor, company partner.Company) partner.Instance {
	t.Helper()
	inst, err := w.svc.CreateInstance(w.ctx, a, wdsInput(company.ID))
	require.NoError(t, err)
	return inst
}

// active creates, provisions and generates a WDS instance.
func (w *world) active(t testing.TB, a partner.Actor, company partner.Company) partner.Instance {
	t.Helper()
	inst := w.draft(t, a, company)
	inst, err := w.svc.Provision(w.ctx, a, inst.ID)
	require.NoError(t, err)
	inst, err = w.svc.Generate(w.ctx, a, inst.ID, inst.Contract.SHA256)
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, inst.State)
	return inst
}

// licences adds n licences to inst as actor.
func (w *world) licences(t testing.TB, a partner.Actor, inst partner.Instance, logins ...string) []partner.Licence {
	t.Helper()
	in := make([]partner.NewLicence, len(logins))
	for i, l := range logins {
		in[i] = partner.NewLicence{UserName: "User " + l, Login: l}
	}
	out, err := w.svc.AddLicences(w.ctx, a, inst.ID, in)
	require.NoError(t, err)
	return out
}
