package partner_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/internal/secret"
	"github.com/bookingkit/bookingkit/partner"
)

func TestAPIKeyCreatedByAnAdministratorActsAsItsPartner(t *testing.T) {
	w := newWorld(t)
	k, key, err := w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: " ERP sync "})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(key, partner.APIKeyPrefix), key)
	require.Len(t, key, len(partner.APIKeyPrefix)+43, "256 random bits, base64url")
	require.Equal(t, secret.Hash(key), k.Hash, "stored as its SHA-256 only")
	require.NotContains(t, k.Hash, key[len(partner.APIKeyPrefix):])
	require.Equal(t, "ERP sync", k.Name)
	require.Equal(t, w.admin.UserID, k.CreatedBy)

	got, err := w.svc.AuthenticateAPIKey(w.ctx, key)
	require.NoError(t, err)
	a := got.Actor()
	require.Equal(t, partner.Actor{UserID: k.ID, Role: partner.RolePartnerUser, PartnerID: w.partnerA.ID}, a)
	require.True(t, a.IsAPIKey())

	// The key sees its partner's objects and no other partner's.
	c, err := w.svc.Company(w.ctx, a, w.companyA.ID)
	require.NoError(t, err)
	require.Equal(t, w.companyA, c)
	_, err = w.svc.Company(w.ctx, a, w.companyB.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	made, err := w.svc.CreateCompany(w.ctx, a, partner.NewCompany{Name: "Made by the ERP"})
	require.NoError(t, err)
	require.Equal(t, w.partnerA.ID, made.PartnerID)
	recs, err := w.svc.AuditLog(w.ctx, w.admin, partner.AuditQuery{ObjectID: made.ID})
	require.NoError(t, err)
	require.Equal(t, k.ID, recs[0].ActorID, "the audit log names the key")
	_, err = w.svc.CreateCompany(w.ctx, a, partner.NewCompany{PartnerID: w.partnerB.ID, Name: "Elsewhere"})
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	_, _, err = w.svc.CreateAPIKey(w.ctx, a, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: "Another"})
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "a key makes no keys")

	u, err := w.svc.Profile(w.ctx, a)
	require.NoError(t, err)
	require.Equal(t, partner.User{ID: k.ID, PartnerID: w.partnerA.ID, Role: partner.RolePartnerUser, Name: "ERP sync", CreatedAt: t0}, u)
}

func TestAPIKeyRules(t *testing.T) {
	w := newWorld(t)
	_, _, err := w.svc.CreateAPIKey(w.ctx, w.alice, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: "Mine"})
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "a partner user creates no keys")
	_, _, err = w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{Name: "Nobody's"})
	requireInvalid(t, err, "partner_id")
	_, _, err = w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: "  "})
	requireInvalid(t, err, "name")
	_, _, err = w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: "ptn_nope", Name: "Lost"})
	require.ErrorIs(t, err, bookingkit.ErrNotFound)

	ka, _, err := w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: "A's", ReadOnly: true})
	require.NoError(t, err)
	require.True(t, ka.ReadOnly)
	kb, _, err := w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: w.partnerB.ID, Name: "B's"})
	require.NoError(t, err)

	// A partner's users see their partner's keys, not another's.
	page, err := w.svc.APIKeys(w.ctx, w.alice, partner.APIKeyQuery{})
	require.NoError(t, err)
	require.Equal(t, []partner.APIKey{ka}, page.Keys)
	_, err = w.svc.APIKeys(w.ctx, w.alice, partner.APIKeyQuery{PartnerID: w.partnerB.ID})
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	_, err = w.svc.APIKey(w.ctx, w.alice, kb.ID)
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
	page, err = w.svc.APIKeys(w.ctx, w.admin, partner.APIKeyQuery{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []partner.APIKey{ka}, page.Keys)
	require.Equal(t, ka.ID, page.Next)
	page, err = w.svc.APIKeys(w.ctx, w.admin, partner.APIKeyQuery{After: page.Next, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []partner.APIKey{kb}, page.Keys)
	require.Empty(t, page.Next)

	_, err = w.svc.RevokeAPIKey(w.ctx, w.alice, ka.ID)
	require.ErrorIs(t, err, bookingkit.ErrForbidden, "a partner user revokes no keys")
	_, err = w.svc.RevokeAPIKey(w.ctx, w.admin, "key_nope")
	require.ErrorIs(t, err, bookingkit.ErrNotFound)
}

func TestRevokedAPIKeySignsNobodyIn(t *testing.T) {
	w := newWorld(t)
	k, key, err := w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: "ERP"})
	require.NoError(t, err)
	_, err = w.svc.AuthenticateAPIKey(w.ctx, key)
	require.NoError(t, err)

	w.clock.Advance(time.Hour)
	revoked, err := w.svc.RevokeAPIKey(w.ctx, w.admin, k.ID)
	require.NoError(t, err)
	require.Equal(t, t0.Add(time.Hour), revoked.RevokedAt)
	require.Equal(t, w.admin.UserID, revoked.RevokedBy)
	_, err = w.svc.AuthenticateAPIKey(w.ctx, key)
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized)
	_, err = w.svc.Profile(w.ctx, k.Actor())
	require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "an actor made before the revocation is no longer anyone")

	w.clock.Advance(time.Hour)
	again, err := w.svc.RevokeAPIKey(w.ctx, w.admin2, k.ID)
	require.NoError(t, err)
	require.Equal(t, revoked, again, "revoking again keeps the first revocation")
	recs, err := w.svc.AuditLog(w.ctx, w.admin, partner.AuditQuery{ObjectID: k.ID})
	require.NoError(t, err)
	require.Len(t, recs, 2, "create and one revoke")
	require.Equal(t, "revoke", recs[0].Action)

	for _, bad := range []string{"", "bkp_", "bkp_" + strings.Repeat("A", 43), key[len(partner.APIKeyPrefix):], "session-token"} {
		_, err = w.svc.AuthenticateAPIKey(w.ctx, bad)
		require.ErrorIs(t, err, bookingkit.ErrUnauthorized, "%q", bad)
	}
}

func TestAPIKeyLastUsedIsWrittenAtMostOnceAMinute(t *testing.T) {
	w := newWorld(t)
	k, key, err := w.svc.CreateAPIKey(w.ctx, w.admin, partner.NewAPIKey{PartnerID: w.partnerA.ID, Name: "ERP"})
	require.NoError(t, err)
	require.True(t, k.LastUsedAt.IsZero())
	stored := func() time.Time {
		got, err := w.svc.APIKey(w.ctx, w.admin, k.ID)
		require.NoError(t, err)
		return got.LastUsedAt
	}
	_, err = w.svc.AuthenticateAPIKey(w.ctx, key)
	require.NoError(t, err)
	require.Equal(t, t0, stored())
	w.clock.Advance(59 * time.Second)
	_, err = w.svc.AuthenticateAPIKey(w.ctx, key)
	require.NoError(t, err)
	require.Equal(t, t0, stored(), "a use within the minute writes nothing")
	w.clock.Advance(2 * time.Second)
	_, err = w.svc.AuthenticateAPIKey(w.ctx, key)
	require.NoError(t, err)
	require.Equal(t, t0.Add(61*time.Second), stored())
}

func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var ve *bookingkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Field)
}

// An administrator gives a partner's system a read-only key; the system
// signs in with it and sees its partner's companies; once revoked, the
// key signs nobody in.
func ExampleService_CreateAPIKey() {
	ctx := context.Background()
	svc, admin, user, company := exampleSetup()
	k, key, err := svc.CreateAPIKey(ctx, admin, partner.NewAPIKey{PartnerID: user.PartnerID, Name: "BI dashboard", ReadOnly: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("shown once:", strings.HasPrefix(key, partner.APIKeyPrefix), "stored:", k.Hash == secret.Hash(key))

	// The partner's system: "Authorization: Bearer bkp_…".
	signed, err := svc.AuthenticateAPIKey(ctx, key)
	if err != nil {
		panic(err)
	}
	c, err := svc.Company(ctx, signed.Actor(), company.ID)
	fmt.Println(c.Name, err, "read-only:", signed.ReadOnly)

	if _, err := svc.RevokeAPIKey(ctx, admin, k.ID); err != nil {
		panic(err)
	}
	_, err = svc.AuthenticateAPIKey(ctx, key)
	fmt.Println(errors.Is(err, bookingkit.ErrUnauthorized))
	// Output:
	// shown once: true stored: true
	// Acme Logistics <nil> read-only: true
	// true
}
