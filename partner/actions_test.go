package partner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// A licence offers no bind (terminals bind themselves), and release only
// while a terminal holds it.
func TestLicenceActions(t *testing.T) {
	free := partner.Licence{State: partner.StateActive}
	require.Equal(t, []partner.Event{partner.EventRequestDeactivation}, partner.LicenceActions(free))
	bound := partner.Licence{State: partner.StateActive, Terminal: partner.Terminal{Serial: "SN-1"}}
	require.Equal(t, []partner.Event{partner.EventRelease, partner.EventRequestDeactivation}, partner.LicenceActions(bound))
	asked := partner.Licence{State: partner.StateDeactivationRequested}
	require.Equal(t, []partner.Event{partner.EventWithdrawDeactivation, partner.EventApproveDeactivation, partner.EventRejectDeactivation}, partner.LicenceActions(asked))
	require.Empty(t, partner.LicenceActions(partner.Licence{State: partner.StateDeactivated}))
}

func TestActorSide(t *testing.T) {
	w := newWorld(t)
	require.Equal(t, partner.SideSupport, w.admin.Side())
	require.Equal(t, partner.SidePartner, w.alice.Side())
}

// Only an administrator invites users, and only users there are.
func TestInvitee(t *testing.T) {
	w := newWorld(t)
	u, err := w.svc.Invitee(w.ctx, w.admin, w.alice.UserID)
	require.NoError(t, err)
	require.Equal(t, w.alice.UserID, u.ID)
	_, err = w.svc.Invitee(w.ctx, w.alice, w.alice.UserID)
	require.ErrorIs(t, err, bookingkit.ErrForbidden)
	require.EqualError(t, err, "only an administrator invites users: "+bookingkit.ErrForbidden.Error())
	_, err = w.svc.Invitee(w.ctx, w.admin, "usr_nobody")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}
