package partner_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// TestAttackOtherPartner: Bob, a user of partner B, tries every way to
// read, change, report on or search partner A's objects. Each must read as
// not found — the same answer as for an ID that does not exist — and
// change nothing.
func TestAttackOtherPartner(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	inst := w.active(t, w.alice, w.companyA)
	lics := w.licences(t, w.alice, inst, "ana", "juan")
	lic, err := w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: "SN-A-1", PIN: "1111"})
	require.NoError(t, err)
	_, err = w.svc.PostMessage(ctx, w.alice, w.companyA.ID, "Hello support")
	require.NoError(t, err)
	page, err := w.svc.SearchActivity(ctx, w.alice, partner.ActivitySearch{Serial: "SN-A-1"})
	require.NoError(t, err)
	require.Len(t, page.Events, 1)
	eventID := page.Events[0].ID

	before := snapshot(t, w)
	bob := w.bob
	attacks := []struct {
		name string
		call func() error
	}{
		{"read instance", func() error { _, err := w.svc.Instance(ctx, bob, inst.ID); return err }},
		{"read contract", func() error { _, err := w.svc.Contract(ctx, bob, inst.ID); return err }},
		{"edit instance", func() error {
			_, err := w.svc.EditInstance(ctx, bob, inst.ID, partner.InstanceEdit{Config: map[string]string{"max_terminals": "1", "time_zone": "UTC"}})
			return err
		}},
		{"extend expiry", func() error {
			_, err := w.svc.ExtendExpiry(ctx, bob, inst.ID, t0.AddDate(5, 0, 0), "")
			return err
		}},
		{"clear session", func() error { _, err := w.svc.ClearSession(ctx, bob, inst.ID); return err }},
		{"cancel", func() error { _, err := w.svc.Cancel(ctx, bob, inst.ID, ""); return err }},
		{"request deactivation", func() error { _, err := w.svc.RequestDeactivation(ctx, bob, inst.ID, "mine now"); return err }},
		{"add licences", func() error {
			_, err := w.svc.AddLicences(ctx, bob, inst.ID, []partner.NewLicence{{UserName: "Mallory", Login: "mallory"}})
			return err
		}},
		{"list licences of instance", func() error {
			_, err := w.svc.Licences(ctx, bob, partner.LicenceQuery{InstanceID: inst.ID})
			return err
		}},
		{"list licences of partner A", func() error {
			_, err := w.svc.Licences(ctx, bob, partner.LicenceQuery{PartnerID: w.partnerA.ID})
			return err
		}},
		{"read licence", func() error { _, err := w.svc.Licence(ctx, bob, lic.ID); return err }},
		{"release licence", func() error { _, err := w.svc.ReleaseLicence(ctx, bob, lic.ID, ""); return err }},
		{"request licence deactivation", func() error {
			_, err := w.svc.RequestLicenceDeactivation(ctx, bob, lic.ID, "x")
			return err
		}},
		{"impersonate", func() error { _, err := w.svc.ImpersonationLink(ctx, bob, lic.ID); return err }},
		{"read company", func() error { _, err := w.svc.Company(ctx, bob, w.companyA.ID); return err }},
		{"create company under A", func() error {
			_, err := w.svc.CreateCompany(ctx, bob, partner.NewCompany{PartnerID: w.partnerA.ID, Name: "Trojan"})
			return err
		}},
		{"create instance for A's company", func() error { _, err := w.svc.CreateInstance(ctx, bob, wdsInput(w.companyA.ID)); return err }},
		{"post to A's thread", func() error { _, err := w.svc.PostMessage(ctx, bob, w.companyA.ID, "hi"); return err }},
		{"read A's thread", func() error {
			_, err := w.svc.Messages(ctx, bob, partner.MessageQuery{CompanyID: w.companyA.ID})
			return err
		}},
		{"thread summary", func() error { _, err := w.svc.Thread(ctx, bob, w.companyA.ID); return err }},
		{"threads of A", func() error {
			_, err := w.svc.Threads(ctx, bob, partner.ThreadList{PartnerID: w.partnerA.ID})
			return err
		}},
		{"instances of A", func() error {
			_, err := w.svc.Instances(ctx, bob, partner.InstanceQuery{PartnerID: w.partnerA.ID})
			return err
		}},
		{"companies of A", func() error {
			_, err := w.svc.Companies(ctx, bob, partner.CompanyQuery{PartnerID: w.partnerA.ID})
			return err
		}},
		{"partner A", func() error { _, err := w.svc.Partner(ctx, bob, w.partnerA.ID); return err }},
		{"report on A", func() error {
			_, err := w.svc.Report(ctx, bob, partner.ReportFilter{Subject: partner.SubjectInstances, PartnerID: w.partnerA.ID})
			return err
		}},
		{"monthly series of A", func() error {
			_, err := w.svc.MonthlySeries(ctx, bob, partner.ReportFilter{Subject: partner.SubjectLicences, PartnerID: w.partnerA.ID})
			return err
		}},
		{"search A's activity by partner", func() error {
			_, err := w.svc.SearchActivity(ctx, bob, partner.ActivitySearch{PartnerID: w.partnerA.ID, Serial: "SN-A-1"})
			return err
		}},
		{"read A's activity record", func() error { _, err := w.svc.ActivityRecord(ctx, bob, eventID); return err }},
		{"read A's audit log", func() error {
			_, err := w.svc.AuditLog(ctx, bob, partner.AuditQuery{PartnerID: w.partnerA.ID})
			return err
		}},
	}
	for _, tc := range attacks {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, bookingkit.ErrNotFound)
			require.NotContains(t, err.Error(), "Partner A", "the error must not describe the object")
			requireUnchanged(t, w, before, "a refused call changed the store")
		})
	}

	// Another partner's object and a missing one read the same.
	_, errOther := w.svc.Instance(ctx, bob, inst.ID)
	_, errMissing := w.svc.Instance(ctx, bob, "ins_doesnotexist")
	require.Equal(t, strings.Replace(errOther.Error(), inst.ID, "ID", 1), strings.Replace(errMissing.Error(), "ins_doesnotexist", "ID", 1))

	// Lists and reports without a partner give Bob his own objects only.
	insts, err := w.svc.Instances(ctx, bob, partner.InstanceQuery{})
	require.NoError(t, err)
	require.Empty(t, insts.Instances)
	report, err := w.svc.Report(ctx, bob, partner.ReportFilter{Subject: partner.SubjectLicences})
	require.NoError(t, err)
	require.Zero(t, report.Total)
	acts, err := w.svc.SearchActivity(ctx, bob, partner.ActivitySearch{Serial: "SN-A-1"})
	require.NoError(t, err)
	require.Empty(t, acts.Events, "Bob found A's terminal activity")
	lp, err := w.svc.Licences(ctx, bob, partner.LicenceQuery{Serial: "SN-A-1"})
	require.NoError(t, err)
	require.Empty(t, lp.Licences)
	threads, err := w.svc.Threads(ctx, bob, partner.ThreadList{})
	require.NoError(t, err)
	require.Len(t, threads.Threads, 1)
	require.Equal(t, w.companyB.ID, threads.Threads[0].CompanyID)
	audit, err := w.svc.AuditLog(ctx, bob, partner.AuditQuery{})
	require.NoError(t, err)
	for _, r := range audit {
		require.Equal(t, w.partnerB.ID, r.PartnerID)
	}
}

func TestAttackCancelAfterGenerate(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	before := snapshot(t, w)
	for _, a := range []partner.Actor{w.alice, w.admin} {
		_, err := w.svc.Cancel(w.ctx, a, inst.ID, "changed my mind")
		require.ErrorIs(t, err, bookingkit.ErrConflict)
		var te *partner.TransitionError
		require.ErrorAs(t, err, &te)
		require.Equal(t, partner.StateActive, te.State)
		require.Equal(t, partner.EventCancel, te.Event)
		require.Contains(t, err.Error(), "cancel")
		require.Contains(t, err.Error(), "active")
	}
	requireUnchanged(t, w, before)
	got, err := w.svc.Instance(w.ctx, w.alice, inst.ID)
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, got.State)
}

func TestAttackApproveOwnDeactivation(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	inst := w.active(t, w.alice, w.companyA)
	lic := w.licences(t, w.alice, inst, "ana")[0]
	_, err := w.svc.RequestDeactivation(ctx, w.alice, inst.ID, "customer closed the site")
	require.NoError(t, err)
	_, err = w.svc.RequestLicenceDeactivation(ctx, w.alice, lic.ID, "employee left")
	require.NoError(t, err)
	before := snapshot(t, w)

	_, err = w.svc.ApproveDeactivation(ctx, w.alice, inst.ID, "")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	_, err = w.svc.RejectDeactivation(ctx, w.alice, inst.ID, "no")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	_, err = w.svc.ApproveLicenceDeactivation(ctx, w.alice, lic.ID, "")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	requireUnchanged(t, w, before)

	// Four eyes for administrators too: whoever asked does not approve.
	inst2 := w.active(t, w.alice, w.companyA)
	_, err = w.svc.RequestDeactivation(ctx, w.admin, inst2.ID, "asked by phone")
	require.NoError(t, err)
	before = snapshot(t, w)
	_, err = w.svc.ApproveDeactivation(ctx, w.admin, inst2.ID, "")
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	requireUnchanged(t, w, before)
	got, err := w.svc.ApproveDeactivation(ctx, w.admin2, inst2.ID, "confirmed")
	require.NoError(t, err)
	require.Equal(t, partner.StateDeactivated, got.State)
}

// updateGate is the memory store with a gate in front of UpdateInstance:
// when set, gate runs before the write, and the concurrency tests use it to
// hold every writer until all of them have read.
type updateGate struct {
	partner.Store
	gate func()
}

func (s *updateGate) UpdateInstance(ctx context.Context, u partner.InstanceUpdate) error {
	if s.gate != nil {
		s.gate()
	}
	return s.Store.UpdateInstance(ctx, u)
}

// TestAttackConcurrentTransitions lines up two transitions on one instance
// so that both read the same version before either writes: exactly one
// may win.
func TestAttackConcurrentTransitions(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(w *world, id string)
		first  func(w *world, id string) error
		second func(w *world, id string) error
	}{
		{
			name: "two expiry extensions",
			first: func(w *world, id string) error {
				_, err := w.svc.ExtendExpiry(w.ctx, w.alice, id, t0.AddDate(2, 0, 0), "")
				return err
			},
			second: func(w *world, id string) error {
				_, err := w.svc.ExtendExpiry(w.ctx, w.admin, id, t0.AddDate(3, 0, 0), "")
				return err
			},
		},
		{
			name: "approve against reject",
			setup: func(w *world, id string) {
				_, err := w.svc.RequestDeactivation(w.ctx, w.alice, id, "closing")
				require.NoError(t, err)
			},
			first: func(w *world, id string) error {
				_, err := w.svc.ApproveDeactivation(w.ctx, w.admin, id, "")
				return err
			},
			second: func(w *world, id string) error {
				_, err := w.svc.RejectDeactivation(w.ctx, w.admin2, id, "keep it")
				return err
			},
		},
		{
			name: "edit against request deactivation",
			first: func(w *world, id string) error {
				_, err := w.svc.EditInstance(w.ctx, w.alice, id, partner.InstanceEdit{Config: map[string]string{"max_terminals": "30", "time_zone": "UTC"}})
				return err
			},
			second: func(w *world, id string) error {
				_, err := w.svc.RequestDeactivation(w.ctx, w.alice, id, "closing")
				return err
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := &updateGate{Store: memory.New().Stores().Partner}
			w := newWorldOn(t, store)
			inst := w.active(t, w.alice, w.companyA)
			if tc.setup != nil {
				tc.setup(w, inst.ID)
			}
			before := len(auditOf(t, w, inst.ID))
			// Both callers read, then both write.
			var read sync.WaitGroup
			read.Add(2)
			store.gate = func() { read.Done(); read.Wait() }
			errs := make([]error, 2)
			var done sync.WaitGroup
			done.Add(2)
			go func() { defer done.Done(); errs[0] = tc.first(w, inst.ID) }()
			go func() { defer done.Done(); errs[1] = tc.second(w, inst.ID) }()
			done.Wait()
			store.gate = nil

			wins := 0
			for _, err := range errs {
				if err == nil {
					wins++
				} else {
					require.ErrorIs(t, err, bookingkit.ErrConflict)
				}
			}
			require.Equal(t, 1, wins, "errors: %v", errs)
			require.Len(t, auditOf(t, w, inst.ID), before+1, "one change, one audit record")
		})
	}
}

// TestConcurrentClearSessionLosesNoUpdate hammers one instance: every
// success must show in the configuration version.
func TestConcurrentClearSessionLosesNoUpdate(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	const n = 32
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.svc.ClearSession(w.ctx, w.alice, inst.ID)
			if err != nil && !errors.Is(err, bookingkit.ErrConflict) {
				t.Errorf("ClearSession: %v", err)
			}
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	got, err := w.svc.Instance(w.ctx, w.alice, inst.ID)
	require.NoError(t, err)
	require.EqualValues(t, wins, got.ConfigVersion)
	require.Equal(t, inst.Version+int64(wins), got.Version)
}

func TestAttackImpersonationReplay(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	inst := w.active(t, w.alice, w.companyA)
	lic := w.licences(t, w.alice, inst, "ana")[0]

	t.Run("after expiry", func(t *testing.T) {
		link, err := w.svc.ImpersonationLink(ctx, w.alice, lic.ID)
		require.NoError(t, err)
		w.clock.Advance(partner.DefaultImpersonationTTL + time.Second)
		_, err = w.svc.OpenImpersonation(ctx, link.Token)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		require.Contains(t, err.Error(), "expired")
	})
	t.Run("second use", func(t *testing.T) {
		link, err := w.svc.ImpersonationLink(ctx, w.alice, lic.ID)
		require.NoError(t, err)
		u, err := url.Parse(link.URL)
		require.NoError(t, err)
		require.Equal(t, link.Token, u.Query().Get("token"))
		imp, err := w.svc.OpenImpersonation(ctx, link.Token)
		require.NoError(t, err)
		require.Equal(t, lic.ID, imp.Licence.ID)
		require.Equal(t, w.alice.UserID, imp.Claims.ActorID)
		_, err = w.svc.OpenImpersonation(ctx, link.Token)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		require.Contains(t, err.Error(), "already used")
	})
	t.Run("forged licence", func(t *testing.T) {
		// Alice's link, re-signed payload pointing at Bob's licence with a
		// key the attacker guessed: refused.
		instB := w.active(t, w.bob, w.companyB)
		licB := w.licences(t, w.bob, instB, "bruno")[0]
		forged := partner.SignImpersonation([]byte("not-the-key-not-the-key-not-the-key"), partner.ImpersonationClaims{
			LicenceID: licB.ID, ActorID: w.alice.UserID, ExpiresAt: w.clock.Now().Add(time.Minute), Nonce: "n1",
		})
		_, err := w.svc.OpenImpersonation(ctx, forged)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		link, err := w.svc.ImpersonationLink(ctx, w.alice, lic.ID)
		require.NoError(t, err)
		payload, sig, _ := strings.Cut(link.Token, ".")
		_, err = w.svc.OpenImpersonation(ctx, payload+"."+sig[:len(sig)-2]+"AA")
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
	})
	t.Run("both logged", func(t *testing.T) {
		var actions []string
		for _, r := range auditOf(t, w, lic.ID) {
			actions = append(actions, r.Action)
		}
		require.Contains(t, actions, "impersonation_link")
		require.Contains(t, actions, "impersonation_open")
	})
}

func TestActorChecks(t *testing.T) {
	w := newWorld(t)
	bad := []partner.Actor{
		{},
		{UserID: "usr_x", Role: partner.RolePartnerUser},
		{UserID: "usr_x", Role: partner.RoleAdministrator, PartnerID: w.partnerA.ID},
		{UserID: "usr_x", Role: "superuser"},
	}
	for i, a := range bad {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			_, err := w.svc.Instances(w.ctx, a, partner.InstanceQuery{})
			require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
			_, err = w.svc.Company(w.ctx, a, w.companyA.ID)
			require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		})
	}
	// A well-formed actor that does not match the stored user.
	forged := w.alice
	forged.PartnerID = w.partnerB.ID
	_, err := w.svc.Profile(w.ctx, forged)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
	// Partner users do not create partners or users.
	_, err = w.svc.CreatePartner(w.ctx, w.alice, partner.NewPartner{Name: "Mine"})
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	_, err = w.svc.CreateUser(w.ctx, w.alice, partner.NewUser{PartnerID: w.partnerA.ID, Role: partner.RoleAdministrator, Name: "Me", Email: "me@a.example"})
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
}
