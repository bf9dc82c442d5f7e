package partner_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

func TestVerifyImpersonation(t *testing.T) {
	claims := partner.ImpersonationClaims{LicenceID: "lic_1", ActorID: "usr_1", ExpiresAt: t0.Add(2 * time.Minute), Nonce: "abc"}
	token := partner.SignImpersonation(testKey, claims)
	got, err := partner.VerifyImpersonation(testKey, token, t0)
	require.NoError(t, err)
	require.Equal(t, claims, got)

	payload, sig, _ := strings.Cut(token, ".")
	other := partner.SignImpersonation(testKey, partner.ImpersonationClaims{LicenceID: "lic_2", ActorID: "usr_1", ExpiresAt: claims.ExpiresAt, Nonce: "abc"})
	otherPayload, _, _ := strings.Cut(other, ".")
	tests := []struct {
		name  string
		token string
		key   []byte
		now   time.Time
	}{
		{"expired", token, testKey, claims.ExpiresAt},
		{"wrong key", token, []byte("another key another key another k"), t0},
		{"payload swapped", otherPayload + "." + sig, testKey, t0},
		{"no signature", payload, testKey, t0},
		{"empty", "", testKey, t0},
		{"signature not base64", payload + ".!!", testKey, t0},
		{"too long", strings.Repeat("a", 600) + "." + sig, testKey, t0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := partner.VerifyImpersonation(tc.key, tc.token, tc.now)
			require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
		})
	}
}

func TestImpersonationLinkRules(t *testing.T) {
	w := newWorld(t)
	inst := w.active(t, w.alice, w.companyA)
	lic := w.licences(t, w.alice, inst, "ana")[0]

	link, err := w.svc.ImpersonationLink(w.ctx, w.alice, lic.ID)
	require.NoError(t, err)
	require.Equal(t, w.clock.Now().Add(partner.DefaultImpersonationTTL), link.ExpiresAt)
	require.True(t, strings.HasPrefix(link.URL, "https://panel.example.com/impersonate?token="))

	// Just before expiry it opens.
	w.clock.Advance(partner.DefaultImpersonationTTL - time.Second)
	_, err = w.svc.OpenImpersonation(w.ctx, link.Token)
	require.NoError(t, err)

	// No key: no links.
	svc := &partner.Service{Store: w.svc.Store, Now: w.svc.Now, PanelURL: w.svc.PanelURL, ImpersonationKey: []byte("short")}
	_, err = svc.ImpersonationLink(w.ctx, w.alice, lic.ID)
	require.Error(t, err)

	// A deactivated licence: no link, and an earlier link stops working.
	early, err := w.svc.ImpersonationLink(w.ctx, w.alice, lic.ID)
	require.NoError(t, err)
	_, err = w.svc.RequestLicenceDeactivation(w.ctx, w.alice, lic.ID, "left")
	require.NoError(t, err)
	_, err = w.svc.ApproveLicenceDeactivation(w.ctx, w.admin, lic.ID, "")
	require.NoError(t, err)
	_, err = w.svc.ImpersonationLink(w.ctx, w.alice, lic.ID)
	require.ErrorIs(t, err, bookingkit.ErrConflict)
	_, err = w.svc.OpenImpersonation(w.ctx, early.Token)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
}

// FuzzVerifyImpersonation: no input panics, and nothing but a token signed
// with the key verifies.
func FuzzVerifyImpersonation(f *testing.F) {
	valid := partner.SignImpersonation(testKey, partner.ImpersonationClaims{LicenceID: "lic_1", ActorID: "usr_1", ExpiresAt: t0.Add(time.Minute), Nonce: "n"})
	f.Add(valid)
	f.Add(valid + "x")
	f.Add("cDF8bGljXzF8dXNyXzF8MXxu.")
	f.Add("..")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := partner.VerifyImpersonation(testKey, token, t0)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
			return
		}
		// It verified, so it must be exactly what the key signs for c.
		require.Equal(t, partner.SignImpersonation(testKey, c), token)
	})
}
