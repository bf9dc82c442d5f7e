package partner_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

func TestCreateInstanceValidation(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name   string
		change func(in *partner.NewInstance)
		fields []string // the fields the error must name
	}{
		{"unknown type", func(in *partner.NewInstance) { in.Type = "XYZ" }, []string{"type"}},
		{"missing profile", func(in *partner.NewInstance) { in.Profile = "" }, []string{"profile"}},
		{"unknown profile", func(in *partner.NewInstance) { in.Profile = "gold" }, []string{"profile"}},
		{"profile on a type without", func(in *partner.NewInstance) {
			in.Type, in.Config = "MCRM", map[string]string{"max_users": "3"}
		}, []string{"profile"}},
		{"bad company data and config at once", func(in *partner.NewInstance) {
			in.CompanyData["contact_email"] = "not an address"
			in.CompanyData["country"] = "Spain"
			in.Config["max_terminals"] = "0"
			in.Config["colour"] = "blue"
		}, []string{"company.contact_email", "company.country", "config.max_terminals", "config.colour"}},
		{"expiry in the past", func(in *partner.NewInstance) { in.ExpiresAt = t0.Add(-time.Hour) }, []string{"expires_at"}},
		{"expiry missing", func(in *partner.NewInstance) { in.ExpiresAt = time.Time{} }, []string{"expires_at"}},
		{"expiry too far", func(in *partner.NewInstance) { in.ExpiresAt = t0.AddDate(30, 0, 0) }, []string{"expires_at"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := wdsInput(w.companyA.ID)
			tc.change(&in)
			before := snapshot(t, w)
			_, err := w.svc.CreateInstance(w.ctx, w.alice, in)
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			require.Equal(t, tc.fields, invalidFields(err))
			requireUnchanged(t, w, before)
		})
	}
}

// invalidFields lists the fields named by the validation errors in err.
func invalidFields(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		var ve *bookingkit.ValidationError
		if errors.As(err, &ve) {
			out = append(out, ve.Field)
		}
	}
	walk(err)
	return out
}

func TestExpiryDerivedAtReadTime(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	require.Equal(t, partner.StateActive, inst.Status(w.clock.Now()))

	// Past the expiry date the instance reads as expired without any write.
	w.clock.Advance(inst.ExpiresAt.Sub(w.clock.Now()))
	got, err := w.svc.Instance(w.ctx, w.alice, inst.ID)
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, got.State, "stored state untouched")
	require.Equal(t, partner.StateExpired, got.Status(w.clock.Now()))
	list, err := w.svc.Instances(w.ctx, w.alice, partner.InstanceQuery{Statuses: []partner.State{partner.StateExpired}})
	require.NoError(t, err)
	require.Len(t, list.Instances, 1)

	// Expired: no new licences, no session clear.
	_, err = w.svc.AddLicences(w.ctx, w.alice, inst.ID, []partner.NewLicence{{UserName: "A", Login: "a"}})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.Contains(t, err.Error(), "expired")

	// Extending takes effect at once.
	_, err = w.svc.ExtendExpiry(w.ctx, w.alice, inst.ID, w.clock.Now().Add(-time.Minute), "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "an extension must lie in the future")
	got, err = w.svc.ExtendExpiry(w.ctx, w.alice, inst.ID, w.clock.Now().AddDate(1, 0, 0), "renewed for a year")
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, got.Status(w.clock.Now()))
	_, err = w.svc.AddLicences(w.ctx, w.alice, inst.ID, []partner.NewLicence{{UserName: "A", Login: "a"}})
	require.NoError(t, err)

	// Moving the expiry earlier is not an extension.
	_, err = w.svc.ExtendExpiry(w.ctx, w.alice, inst.ID, got.ExpiresAt.Add(-time.Hour), "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestGenerateNeedsTheContractRead(t *testing.T) {
	w := newWorld(t)
	inst := w.draft(t, w.alice, w.companyA)
	_, err := w.svc.Contract(w.ctx, w.alice, inst.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound, "no contract before provisioning")
	inst, err = w.svc.Provision(w.ctx, w.alice, inst.ID)
	require.NoError(t, err)

	_, err = w.svc.Generate(w.ctx, w.alice, inst.ID, "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = w.svc.Generate(w.ctx, w.alice, inst.ID, partner.Digest("another contract"))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)

	// A contract altered in storage no longer matches its digest. The
	// alteration is an ordinary store write, so the version moves on too;
	// the errors must come from the digest, not from the version.
	stored, err := w.store.GetInstance(w.ctx, inst.ID)
	require.NoError(t, err)
	tampered := stored.Clone()
	tampered.Contract.Text += "\nExtra clause."
	tampered.Version++
	require.NoError(t, w.store.UpdateInstance(w.ctx, partner.InstanceUpdate{Instance: tampered, PrevVersion: stored.Version,
		Audit: partner.AuditRecord{ID: "aud_tamper", At: w.clock.Now(), ActorID: "test", Object: partner.ObjectInstance, ObjectID: inst.ID, Action: "tamper"}}))
	_, err = w.svc.Contract(w.ctx, w.alice, inst.ID)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.ErrorContains(t, err, "does not match its digest")
	_, err = w.svc.Generate(w.ctx, w.alice, inst.ID, inst.Contract.SHA256)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	require.ErrorContains(t, err, "does not match its digest")
}

func TestContractIsDeterministic(t *testing.T) {
	w := newWorld(t)
	a := w.draft(t, w.alice, w.companyA)
	a, err := w.svc.Provision(w.ctx, w.alice, a.ID)
	require.NoError(t, err)
	data := partner.ContractData{Instance: a, At: a.Contract.GeneratedAt, ActorID: w.alice.UserID,
		Partner: w.partnerA, Company: w.companyA, Type: partner.WDS}
	data.Profile, _ = partner.WDS.Profile(a.Profile)
	data.CompanyData = []partner.LabeledValue{}
	c1, err := partner.RenderContract(nil, data)
	require.NoError(t, err)
	c2, err := partner.RenderContract(nil, data)
	require.NoError(t, err)
	require.Equal(t, c1, c2)
	require.NoError(t, c1.Verify())
}

func TestEditInstance(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)

	got, err := w.svc.EditInstance(w.ctx, w.alice, inst.ID, partner.InstanceEdit{
		Config: map[string]string{"max_terminals": " 40 ", "time_zone": "Europe/Madrid", "geolocation": "yes"},
	})
	require.NoError(t, err)
	want := map[string]string{"max_terminals": "40", "time_zone": "Europe/Madrid", "geolocation": "true", "clock_in_mode": "terminal", "language": "es"}
	if diff := cmp.Diff(want, got.Config); diff != "" {
		t.Fatalf("config (-want +got):\n%s", diff)
	}
	require.Equal(t, inst.CompanyData, got.CompanyData, "nil company data leaves it")
	recs := auditOf(t, w, inst.ID)
	require.Equal(t, "changed config.geolocation, config.max_terminals", recs[len(recs)-1].Detail)

	// A stale version is refused rather than overwriting.
	_, err = w.svc.EditInstance(w.ctx, w.alice, inst.ID, partner.InstanceEdit{Config: want, Version: inst.Version})
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	// A bad value changes nothing.
	before := snapshot(t, w)
	_, err = w.svc.EditInstance(w.ctx, w.alice, inst.ID, partner.InstanceEdit{Config: map[string]string{"max_terminals": "many"}})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.Equal(t, []string{"config.max_terminals", "config.time_zone"}, invalidFields(err))
	requireUnchanged(t, w, before)
	// The expiry is edited only in a draft.
	_, err = w.svc.EditInstance(w.ctx, w.alice, inst.ID, partner.InstanceEdit{ExpiresAt: t0.AddDate(2, 0, 0)})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	d := w.draft(t, w.alice, w.companyA)
	d, err = w.svc.EditInstance(w.ctx, w.alice, d.ID, partner.InstanceEdit{ExpiresAt: t0.AddDate(2, 0, 0)})
	require.NoError(t, err)
	require.Equal(t, t0.AddDate(2, 0, 0), d.ExpiresAt)
}

func TestClearSessionBumpsConfigVersion(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	require.Zero(t, inst.ConfigVersion)
	for i := 1; i <= 3; i++ {
		got, err := w.svc.ClearSession(w.ctx, w.alice, inst.ID)
		require.NoError(t, err)
		require.EqualValues(t, i, got.ConfigVersion)
	}
}

func TestDeactivationRejectAndWithdraw(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	_, err := w.svc.RequestDeactivation(w.ctx, w.alice, inst.ID, "  ")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a blank reason")
	_, err = w.svc.RequestDeactivation(w.ctx, w.alice, inst.ID, "closing")
	require.NoError(t, err)
	_, err = w.svc.RejectDeactivation(w.ctx, w.admin, inst.ID, "")
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a rejection says why")
	got, err := w.svc.RejectDeactivation(w.ctx, w.admin, inst.ID, "contract runs until December")
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, got.State)
	require.Equal(t, partner.DecisionRejected, got.Deactivation.Decision)
	require.Equal(t, "contract runs until December", got.Deactivation.DecisionReason)

	_, err = w.svc.RequestDeactivation(w.ctx, w.alice, inst.ID, "closing anyway")
	require.NoError(t, err)
	got, err = w.svc.WithdrawDeactivation(w.ctx, w.alice, inst.ID, "customer stays")
	require.NoError(t, err)
	require.Equal(t, partner.StateActive, got.State)
	require.Equal(t, partner.DecisionWithdrawn, got.Deactivation.Decision)
}

func TestInstancesPagination(t *testing.T) {
	w := newWorld(t)
	var ids []string
	for range 7 {
		ids = append(ids, w.draft(t, w.alice, w.companyA).ID)
		w.clock.Advance(time.Millisecond)
	}
	var got []string
	cursor := ""
	for {
		p, err := w.svc.Instances(w.ctx, w.alice, partner.InstanceQuery{Limit: 3, After: cursor})
		require.NoError(t, err)
		for _, inst := range p.Instances {
			got = append(got, inst.ID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	require.Equal(t, ids, got, "IDs sort in creation order and pages cover all")
	_, err := w.svc.Instances(w.ctx, w.alice, partner.InstanceQuery{Limit: partner.MaxPageSize + 1})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = w.svc.Instances(w.ctx, w.alice, partner.InstanceQuery{Statuses: []partner.State{"sleeping"}})
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	_, err = w.svc.Instances(w.ctx, w.alice, partner.InstanceQuery{Profile: "basic"})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "a profile needs a type")
}
