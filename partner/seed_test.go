package partner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// TestSeedFlow walks the seed's partner flows: a partner user creates a WDS
// instance (provision, read the contract, generate), adds licences,
// releases one from a terminal found by serial in the activity search,
// requests deactivation of a licence and of the instance with reasons; an
// administrator approves both. A second partner sees none of it.
func TestSeedFlow(t *testing.T) {
	w := newWorld(t)
	ctx := w.ctx
	alice := w.alice

	// 1-2. Choose the type and enter the data: a draft.
	inst, err := w.svc.CreateInstance(ctx, alice, wdsInput(w.companyA.ID))
	require.NoError(t, err)
	require.Equal(t, partner.StateDraft, inst.State)
	require.Equal(t, "terminal", inst.Config["clock_in_mode"], "defaults filled in")

	// 3. Provision: the contract is generated and shown.
	w.clock.Advance(time.Minute)
	inst, err = w.svc.Provision(ctx, alice, inst.ID)
	require.NoError(t, err)
	require.Equal(t, partner.StateProvisioned, inst.State)
	contract, err := w.svc.Contract(ctx, alice, inst.ID)
	require.NoError(t, err)
	require.Contains(t, contract.Text, "Acme Logistics S.L.")
	require.Contains(t, contract.Text, "Working Day Suite (WDS), profile Professional")
	require.Equal(t, partner.Digest(contract.Text), contract.SHA256)

	// 4. Generate with the digest of the contract read: no cancelling after.
	w.clock.Advance(time.Minute)
	inst, err = w.svc.Generate(ctx, alice, inst.ID, contract.SHA256)
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, inst.State)
	require.Equal(t, w.clock.Now(), inst.ActivatedAt)
	_, err = w.svc.Cancel(ctx, alice, inst.ID, "")
	require.ErrorIs(t, err, bookingkit.ErrConflict)

	// Licences.
	lics := w.licences(t, alice, inst, "ana.garcia", "juan.perez", "luis")
	page, err := w.svc.Licences(ctx, alice, partner.LicenceQuery{InstanceID: inst.ID})
	require.NoError(t, err)
	require.Len(t, page.Licences, 3)
	found, err := w.svc.Licences(ctx, alice, partner.LicenceQuery{InstanceID: inst.ID, Search: "PEREZ"})
	require.NoError(t, err)
	require.Len(t, found.Licences, 1)
	require.Equal(t, lics[1].ID, found.Licences[0].ID)

	// A terminal signs in with a licence.
	w.clock.Advance(time.Hour)
	_, err = w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: "wds-t1-0042"})
	require.NoError(t, err)
	w.clock.Advance(time.Minute)
	_, err = w.svc.RecordTerminalActivity(ctx, partner.TerminalEvent{LicenceID: lics[0].ID, Kind: partner.ActivitySignIn, Terminal: partner.Terminal{Serial: "WDS-T1-0042"}})
	require.NoError(t, err)

	// Activity search by serial, newest first; release from the record.
	acts, err := w.svc.SearchActivity(ctx, alice, partner.ActivitySearch{Serial: "wds-t1-0042", From: t0, To: w.clock.Now().Add(time.Second)})
	require.NoError(t, err)
	require.Len(t, acts.Events, 2)
	require.Equal(t, partner.ActivitySignIn, acts.Events[0].Kind)
	require.Equal(t, partner.ActivityBound, acts.Events[1].Kind)
	detail, err := w.svc.ActivityRecord(ctx, alice, acts.Events[0].ID)
	require.NoError(t, err)
	require.Equal(t, "ana.garcia", detail.Licence.User.Login)
	require.Equal(t, "WDS-T1-0042", detail.Licence.Terminal.Serial)
	released, err := w.svc.ReleaseLicence(ctx, alice, detail.Licence.ID, "terminal replaced")
	require.NoError(t, err)
	require.True(t, released.Terminal.IsZero())
	acts, err = w.svc.SearchActivity(ctx, alice, partner.ActivitySearch{Serial: "WDS-T1-0042"})
	require.NoError(t, err)
	require.Equal(t, partner.ActivityReleased, acts.Events[0].Kind)
	// Free again: another terminal may take it.
	_, err = w.svc.BindTerminal(ctx, lics[0].ID, partner.Terminal{Serial: "WDS-T1-0043"})
	require.NoError(t, err)

	// Deactivation of a licence and of the instance, with reasons.
	lic, err := w.svc.RequestLicenceDeactivation(ctx, alice, lics[2].ID, "Luis left the company")
	require.NoError(t, err)
	require.Equal(t, partner.StateDeactivationRequested, lic.State)
	_, err = w.svc.RequestLicenceDeactivation(ctx, alice, lics[1].ID, "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a reason is required")
	inst, err = w.svc.RequestDeactivation(ctx, alice, inst.ID, "Customer moves to another product")
	require.NoError(t, err)
	require.Equal(t, partner.StateDeactivationRequested, inst.State)
	require.Equal(t, "Customer moves to another product", inst.Deactivation.Reason)

	// The administrator approves both.
	lic, err = w.svc.ApproveLicenceDeactivation(ctx, w.admin, lics[2].ID, "")
	require.NoError(t, err)
	require.Equal(t, partner.StateDeactivated, lic.State)
	inst, err = w.svc.ApproveDeactivation(ctx, w.admin, inst.ID, "confirmed with the customer")
	require.NoError(t, err)
	require.Equal(t, partner.StateDeactivated, inst.State)
	require.Equal(t, partner.DecisionApproved, inst.Deactivation.Decision)
	all, err := w.svc.Licences(ctx, alice, partner.LicenceQuery{InstanceID: inst.ID})
	require.NoError(t, err)
	for _, l := range all.Licences {
		require.Equal(t, partner.StateDeactivated, l.State, "licence %s outlived its instance", l.User.Login)
		require.True(t, l.Terminal.IsZero())
	}
	// The terminal that held a licence shows the release in its activity.
	acts, err = w.svc.SearchActivity(ctx, alice, partner.ActivitySearch{Serial: "WDS-T1-0043"})
	require.NoError(t, err)
	require.Equal(t, partner.ActivityReleased, acts.Events[0].Kind)
	require.Equal(t, partner.DetailInstanceDeactivated, acts.Events[0].Detail)

	// The audit log tells the story with reasons.
	var actions []string
	for _, r := range auditOf(t, w, inst.ID) {
		actions = append(actions, r.Action)
	}
	require.Equal(t, []string{"create", "provision", "generate", "request_deactivation", "approve_deactivation"}, actions)
	recs := auditOf(t, w, inst.ID)
	require.Equal(t, "Customer moves to another product", recs[3].Reason)
	require.Equal(t, alice.UserID, recs[3].ActorID)
	require.Equal(t, w.admin.UserID, recs[4].ActorID)

	// The second partner sees none of it.
	bob := w.bob
	_, err = w.svc.Instance(ctx, bob, inst.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	list, err := w.svc.Instances(ctx, bob, partner.InstanceQuery{})
	require.NoError(t, err)
	require.Empty(t, list.Instances)
	lp, err := w.svc.Licences(ctx, bob, partner.LicenceQuery{})
	require.NoError(t, err)
	require.Empty(t, lp.Licences)
	ap, err := w.svc.SearchActivity(ctx, bob, partner.ActivitySearch{Serial: "WDS-T1-0042"})
	require.NoError(t, err)
	require.Empty(t, ap.Events)
	rep, err := w.svc.Report(ctx, bob, partner.ReportFilter{Subject: partner.SubjectInstances})
	require.NoError(t, err)
	require.Zero(t, rep.Total)

	// The administrator sees it all.
	rep, err = w.svc.Report(ctx, w.admin, partner.ReportFilter{Subject: partner.SubjectLicences})
	require.NoError(t, err)
	require.EqualValues(t, 3, rep.Total)
}
