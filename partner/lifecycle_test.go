package partner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

var allEvents = []partner.Event{
	partner.EventProvision, partner.EventCancel, partner.EventGenerate, partner.EventEdit,
	partner.EventExtendExpiry, partner.EventClearSession, partner.EventAddLicences,
	partner.EventRequestDeactivation, partner.EventWithdrawDeactivation,
	partner.EventApproveDeactivation, partner.EventRejectDeactivation,
	partner.EventBind, partner.EventRelease,
}

// TestInstanceLifeCycle checks every (status, event) pair against the
// spec's diagram, written out here independently of the package's table.
func TestInstanceLifeCycle(t *testing.T) {
	allowed := map[partner.State]map[partner.Event]partner.State{
		partner.StateDraft: {
			partner.EventEdit:      partner.StateDraft,
			partner.EventProvision: partner.StateProvisioned,
			partner.EventCancel:    partner.StateCancelled,
		},
		partner.StateProvisioned: {
			partner.EventCancel:   partner.StateCancelled,
			partner.EventGenerate: partner.StateActive,
		},
		partner.StateCancelled: {},
		partner.StateActive: {
			partner.EventEdit:                partner.StateActive,
			partner.EventExtendExpiry:        partner.StateActive,
			partner.EventClearSession:        partner.StateActive,
			partner.EventAddLicences:         partner.StateActive,
			partner.EventRequestDeactivation: partner.StateDeactivationRequested,
		},
		partner.StateExpired: {
			partner.EventEdit:                partner.StateActive,
			partner.EventExtendExpiry:        partner.StateActive,
			partner.EventRequestDeactivation: partner.StateDeactivationRequested,
		},
		partner.StateDeactivationRequested: {
			partner.EventWithdrawDeactivation: partner.StateActive,
			partner.EventApproveDeactivation:  partner.StateDeactivated,
			partner.EventRejectDeactivation:   partner.StateActive,
		},
		partner.StateDeactivated: {},
	}
	for _, st := range partner.InstanceStates {
		for _, ev := range allEvents {
			want, ok := allowed[st][ev]
			got, err := partner.NextInstanceState(st, ev)
			if ok {
				require.NoError(t, err, "%s + %s", st, ev)
				require.Equal(t, want, got, "%s + %s", st, ev)
				continue
			}
			require.ErrorIs(t, err, bookingkit.ErrConflict, "%s + %s must be refused", st, ev)
			var te *partner.TransitionError
			require.ErrorAs(t, err, &te)
			require.Equal(t, st, te.State)
			require.Equal(t, ev, te.Event)
			require.Contains(t, err.Error(), string(st))
			require.Contains(t, err.Error(), string(ev))
		}
		require.Len(t, partner.InstanceEvents(st), len(allowed[st]), "events offered in %s", st)
	}
}

func TestLicenceLifeCycle(t *testing.T) {
	allowed := map[partner.State]map[partner.Event]partner.State{
		partner.StateActive: {
			partner.EventBind:                partner.StateActive,
			partner.EventRelease:             partner.StateActive,
			partner.EventRequestDeactivation: partner.StateDeactivationRequested,
		},
		partner.StateDeactivationRequested: {
			partner.EventRelease:              partner.StateDeactivationRequested,
			partner.EventWithdrawDeactivation: partner.StateActive,
			partner.EventApproveDeactivation:  partner.StateDeactivated,
			partner.EventRejectDeactivation:   partner.StateActive,
		},
		partner.StateDeactivated: {},
	}
	for _, st := range partner.LicenceStates {
		for _, ev := range allEvents {
			want, ok := allowed[st][ev]
			got, err := partner.NextLicenceState(st, ev)
			if ok {
				require.NoError(t, err, "%s + %s", st, ev)
				require.Equal(t, want, got)
			} else {
				require.ErrorIs(t, err, bookingkit.ErrConflict, "%s + %s must be refused", st, ev)
			}
		}
		require.Len(t, partner.LicenceEvents(st), len(allowed[st]))
	}
}

// TestRefusedTransitionChangesNothing drives the service through each
// refused step and checks the store is untouched.
func TestRefusedTransitionChangesNothing(t *testing.T) {
	w := newWorld(t)
	draft := w.draft(t, w.alice, w.companyA)
	active := w.active(t, w.alice, w.companyA)
	cancelled := w.draft(t, w.alice, w.companyA)
	_, err := w.svc.Cancel(w.ctx, w.alice, cancelled.ID, "typo")
	require.NoError(t, err)

	steps := []struct {
		name string
		call func() error
	}{
		{"generate a draft", func() error { _, err := w.svc.Generate(w.ctx, w.alice, draft.ID, "00"); return err }},
		{"provision twice", func() error { _, err := w.svc.Provision(w.ctx, w.alice, active.ID); return err }},
		{"approve without request", func() error { _, err := w.svc.ApproveDeactivation(w.ctx, w.admin, active.ID, ""); return err }},
		{"withdraw without request", func() error { _, err := w.svc.WithdrawDeactivation(w.ctx, w.alice, active.ID, ""); return err }},
		{"clear session of a draft", func() error { _, err := w.svc.ClearSession(w.ctx, w.alice, draft.ID); return err }},
		{"extend a cancelled instance", func() error {
			_, err := w.svc.ExtendExpiry(w.ctx, w.alice, cancelled.ID, t0.AddDate(3, 0, 0), "")
			return err
		}},
		{"edit a cancelled instance", func() error {
			_, err := w.svc.EditInstance(w.ctx, w.alice, cancelled.ID, partner.InstanceEdit{})
			return err
		}},
		{"licences on a draft", func() error {
			_, err := w.svc.AddLicences(w.ctx, w.alice, draft.ID, []partner.NewLicence{{UserName: "A", Login: "a"}})
			return err
		}},
	}
	for _, tc := range steps {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, w)
			err := tc.call()
			require.ErrorIs(t, err, bookingkit.ErrConflict)
			var te *partner.TransitionError
			require.ErrorAs(t, err, &te)
			requireUnchanged(t, w, before)
		})
	}
}
