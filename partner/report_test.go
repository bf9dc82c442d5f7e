package partner_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

var configs = map[string]map[string]string{
	"WDS":  {"max_terminals": "5", "time_zone": "UTC"},
	"MCRM": {"max_users": "5"},
	"S360": {"warehouse_code": "W1"},
	"WTA":  {"portal_url": "https://wta.example", "max_employees": "5"},
}

// instanceOf creates an instance of typ and walks it to state (with
// "expired" meaning active with an expiry soon passed).
func (w *world) instanceOf(t *testing.T, a partner.Actor, typ, profile string, state partner.State) partner.Instance {
	t.Helper()
	in := wdsInput(w.companyA.ID)
	if a == w.bob {
		in.CompanyID = w.companyB.ID
	}
	in.Type, in.Profile, in.Config = typ, profile, configs[typ]
	if state == partner.StateExpired {
		in.ExpiresAt = w.clock.Now().Add(time.Hour)
	}
	inst, err := w.svc.CreateInstance(w.ctx, a, in)
	require.NoError(t, err)
	step := func(inst partner.Instance, err error) partner.Instance {
		t.Helper()
		require.NoError(t, err)
		return inst
	}
	switch state {
	case partner.StateDraft:
		return inst
	case partner.StateCancelled:
		return step(w.svc.Cancel(w.ctx, a, inst.ID, ""))
	}
	inst = step(w.svc.Provision(w.ctx, a, inst.ID))
	if state == partner.StateProvisioned {
		return inst
	}
	inst = step(w.svc.Generate(w.ctx, a, inst.ID, inst.Contract.SHA256))
	switch state {
	case partner.StateDeactivationRequested:
		inst = step(w.svc.RequestDeactivation(w.ctx, a, inst.ID, "closing"))
	case partner.StateDeactivated:
		inst = step(w.svc.RequestDeactivation(w.ctx, a, inst.ID, "closing"))
		inst = step(w.svc.ApproveDeactivation(w.ctx, w.admin2, inst.ID, ""))
	}
	return inst
}

func TestReport(t *testing.T) {
	w := newWorld(t)
	a := w.alice
	// January: two WDS basic (one to expire), one MCRM.
	w.clock.now = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	basic := w.instanceOf(t, a, "WDS", "basic", partner.StateActive)
	w.instanceOf(t, a, "WDS", "basic", partner.StateExpired)
	w.instanceOf(t, a, "MCRM", "", partner.StateActive)
	w.licences(t, a, basic, "u1", "u2", "u3")
	// March: WDS enterprise active, WTA asks for deactivation, S360 cancelled, WDS draft.
	w.clock.now = time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	ent := w.instanceOf(t, a, "WDS", "enterprise", partner.StateActive)
	w.instanceOf(t, a, "WTA", "", partner.StateDeactivationRequested)
	w.instanceOf(t, a, "S360", "", partner.StateCancelled)
	w.instanceOf(t, a, "WDS", "professional", partner.StateDraft)
	lics := w.licences(t, a, ent, "e1", "e2")
	_, err := w.svc.RequestLicenceDeactivation(w.ctx, a, lics[0].ID, "left")
	require.NoError(t, err)
	// Partner B's instance never counts for Alice.
	w.instanceOf(t, w.bob, "WDS", "basic", partner.StateActive)

	rep, err := w.svc.Report(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectInstances})
	require.NoError(t, err)
	want := [][]string{
		{"type", "profile", "state", "count"},
		{"WDS", "basic", "active", "1"},
		{"WDS", "basic", "expired", "1"},
		{"WDS", "professional", "draft", "1"},
		{"WDS", "enterprise", "active", "1"},
		{"MCRM", "", "active", "1"},
		{"S360", "", "cancelled", "1"},
		{"WTA", "", "deactivation_requested", "1"},
		{"total", "", "", "7"},
	}
	if diff := cmp.Diff(want, rep.Table()); diff != "" {
		t.Fatalf("table (-want +got):\n%s", diff)
	}
	require.Equal(t, []int64{4, 1, 1, 1}, counts(rep.ByType))
	require.Equal(t, "#1f77b4", rep.ByType[0].Colour)
	require.Equal(t, []int64{2, 1, 1}, counts(rep.ByProfile), "WDS by profile: basic, professional, enterprise")
	require.Equal(t, []int64{1, 0, 1, 3, 1, 1, 0}, counts(rep.ByState))

	// Every bar's detail list has as many items as the bar counts.
	for _, bar := range append(append(rep.ByType, rep.ByProfile...), rep.ByState...) {
		p, err := w.svc.Instances(w.ctx, a, rep.Filter.InstanceQuery(bar.Bucket))
		require.NoError(t, err)
		require.Len(t, p.Instances, int(bar.Count), "bar %s", bar.Key)
	}

	// Filtered by activation period and state.
	rep, err = w.svc.Report(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectInstances,
		ActivatedFrom: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), ActivatedTo: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		States: []partner.State{partner.StateActive, partner.StateDeactivationRequested}})
	require.NoError(t, err)
	require.EqualValues(t, 2, rep.Total, "enterprise and WTA")
	rep, err = w.svc.Report(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectInstances, Type: "wds", States: []partner.State{partner.StateExpired}})
	require.NoError(t, err)
	require.EqualValues(t, 1, rep.Total)
	require.Len(t, rep.ByType, 1)

	// Licences.
	rep, err = w.svc.Report(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectLicences})
	require.NoError(t, err)
	require.EqualValues(t, 5, rep.Total)
	require.Equal(t, []int64{4, 1, 0}, counts(rep.ByState))
	require.Equal(t, []int64{3, 0, 2}, counts(rep.ByProfile))
	for _, bar := range rep.ByProfile {
		p, err := w.svc.Licences(w.ctx, a, rep.Filter.LicenceQuery(bar.Bucket))
		require.NoError(t, err)
		require.Len(t, p.Licences, int(bar.Count), "bar %s", bar.Key)
	}

	// The administrator sees both partners.
	rep, err = w.svc.Report(w.ctx, w.admin, partner.ReportFilter{Subject: partner.SubjectInstances})
	require.NoError(t, err)
	require.EqualValues(t, 8, rep.Total)

	for _, f := range []partner.ReportFilter{
		{},
		{Subject: "money"},
		{Subject: partner.SubjectLicences, States: []partner.State{partner.StateDraft}},
		{Subject: partner.SubjectInstances, Type: "ERP"},
		{Subject: partner.SubjectInstances, ActivatedFrom: t0, ActivatedTo: t0.Add(-time.Hour)},
	} {
		_, err := w.svc.Report(w.ctx, a, f)
		require.ErrorIs(t, err, bookingkit.ErrInvalid, "%+v", f)
	}
}

func TestMonthlySeries(t *testing.T) {
	w := newWorld(t)
	a := w.alice
	w.clock.now = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	w.instanceOf(t, a, "WDS", "basic", partner.StateActive)
	w.instanceOf(t, a, "MCRM", "", partner.StateActive)
	w.clock.now = time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC)
	w.instanceOf(t, a, "WDS", "basic", partner.StateActive)
	w.instanceOf(t, a, "WDS", "professional", partner.StateDraft) // never activated: not in the series
	w.clock.now = time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)

	s, err := w.svc.MonthlySeries(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectInstances})
	require.NoError(t, err)
	require.Equal(t, []string{"2026-01", "2026-02", "2026-03", "2026-04"}, s.Months)
	byKey := map[string][]int64{}
	for _, l := range s.Lines {
		byKey[l.Key] = l.Counts
	}
	require.Equal(t, []int64{1, 0, 1, 0}, byKey["WDS/basic"])
	require.Equal(t, []int64{0, 0, 0, 0}, byKey["WDS/professional"])
	require.Equal(t, []int64{1, 0, 0, 0}, byKey["MCRM"])
	require.Len(t, s.Lines, 6, "3 WDS profiles + MCRM, S360, WTA")

	s, err = w.svc.MonthlySeries(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectInstances,
		ActivatedFrom: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), ActivatedTo: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.Equal(t, []string{"2026-02", "2026-03"}, s.Months)

	_, err = w.svc.MonthlySeries(w.ctx, a, partner.ReportFilter{Subject: partner.SubjectInstances, ActivatedFrom: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.ErrorIs(t, err, bookingkit.ErrInvalid, "too many months")
}

func counts(bars []partner.Bar) []int64 {
	out := make([]int64, len(bars))
	for i, b := range bars {
		out[i] = b.Count
	}
	return out
}
