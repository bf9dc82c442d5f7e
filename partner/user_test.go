package partner_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

func TestUserReadsAsItsRoleAllows(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name  string
		actor partner.Actor
		id    string
		want  error
	}{
		{"administrator reads a partner user", w.admin, w.alice.UserID, nil},
		{"administrator reads another administrator", w.admin, w.admin2.UserID, nil},
		{"partner user reads themselves", w.alice, w.alice.UserID, nil},
		{"partner user reads a colleague of another partner", w.alice, w.bob.UserID, bookingkit.ErrNotFound},
		{"partner user reads an administrator", w.bob, w.admin.UserID, bookingkit.ErrNotFound},
		{"missing user", w.admin, "usr_nobody", bookingkit.ErrNotFound},
		{"malformed actor", partner.Actor{UserID: "x", Role: "root"}, w.alice.UserID, bookingkit.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := w.svc.User(w.ctx, tt.actor, tt.id)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				require.Zero(t, u)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.id, u.ID)
		})
	}
}
