package storagetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// testPartnerAPIKeys holds the API keys of [partner.APIKeyStore] to the
// suite: created with their audit record, found by hash, listed per
// partner in ID order, revoked once, and touched at most once per period.
func testPartnerAPIKeys(t *testing.T, open func(t *testing.T) partner.Store) {
	ctx := context.Background()

	t.Run("APIKeys", func(t *testing.T) {
		w := newPtnWorld(t, open)
		s := w.s
		k1 := partner.APIKey{ID: "key_01", PartnerID: "ptn_a", Name: "ERP", ReadOnly: true, Hash: "hash-1", CreatedBy: "usr_admin", CreatedAt: ptnAt(10)}
		k2 := partner.APIKey{ID: "key_02", PartnerID: "ptn_b", Name: "Billing", Hash: "hash-2", CreatedBy: "usr_admin", CreatedAt: ptnAt(11)}
		k3 := partner.APIKey{ID: "key_03", PartnerID: "ptn_a", Name: "CRM", Hash: "hash-3", CreatedBy: "usr_admin", CreatedAt: ptnAt(12)}
		for _, k := range []partner.APIKey{k1, k2, k3} {
			require.NoError(t, s.CreateAPIKey(ctx, k, w.ptnAudit(k.PartnerID, partner.ObjectAPIKey, k.ID, "create", k.CreatedAt)))
		}
		require.Len(t, w.auditOf(t, "key_01"), 1, "the key's audit record is written with it")

		got, err := s.GetAPIKey(ctx, "key_01")
		require.NoError(t, err)
		requireEqual(t, k1, got, "GetAPIKey")
		_, err = s.GetAPIKey(ctx, "key_zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
		got, err = s.APIKeyByHash(ctx, "hash-2")
		require.NoError(t, err)
		requireEqual(t, k2, got, "APIKeyByHash")
		_, err = s.APIKeyByHash(ctx, "hash-zz")
		require.ErrorIs(t, err, bookingkit.ErrNotFound)

		sameHash := partner.APIKey{ID: "key_04", PartnerID: "ptn_b", Name: "Copy", Hash: "hash-1", CreatedBy: "usr_admin", CreatedAt: ptnAt(13)}
		require.ErrorIs(t, s.CreateAPIKey(ctx, sameHash, w.ptnAudit("ptn_b", partner.ObjectAPIKey, "key_04", "create", ptnAt(13))), bookingkit.ErrConflict)
		orphan := partner.APIKey{ID: "key_05", PartnerID: "ptn_zz", Name: "Lost", Hash: "hash-5", CreatedBy: "usr_admin", CreatedAt: ptnAt(13)}
		require.ErrorIs(t, s.CreateAPIKey(ctx, orphan, w.ptnAudit("ptn_zz", partner.ObjectAPIKey, "key_05", "create", ptnAt(13))), bookingkit.ErrNotFound)
		for _, id := range []string{"key_04", "key_05"} {
			_, err = s.GetAPIKey(ctx, id)
			require.ErrorIs(t, err, bookingkit.ErrNotFound)
			require.Empty(t, w.auditOf(t, id), "a refused key leaves no audit record")
		}

		for _, tt := range []struct {
			q    partner.APIKeyQuery
			want []partner.APIKey
		}{
			{partner.APIKeyQuery{Limit: 10}, []partner.APIKey{k1, k2, k3}},
			{partner.APIKeyQuery{PartnerID: "ptn_a", Limit: 10}, []partner.APIKey{k1, k3}},
			{partner.APIKeyQuery{PartnerID: "ptn_a", Limit: 1}, []partner.APIKey{k1}},
			{partner.APIKeyQuery{PartnerID: "ptn_a", After: "key_01", Limit: 10}, []partner.APIKey{k3}},
			{partner.APIKeyQuery{PartnerID: "ptn_b", After: "key_02", Limit: 10}, []partner.APIKey{}},
		} {
			list, err := s.ListAPIKeys(ctx, tt.q)
			require.NoError(t, err)
			requireEqual(t, tt.want, list, "ListAPIKeys")
		}

		// Revoking: once, with its audit record.
		require.NoError(t, s.RevokeAPIKey(ctx, "key_03", ptnAt(20), "usr_admin", w.ptnAudit("ptn_a", partner.ObjectAPIKey, "key_03", "revoke", ptnAt(20))))
		got, err = s.GetAPIKey(ctx, "key_03")
		require.NoError(t, err)
		want := k3
		want.RevokedAt, want.RevokedBy = ptnAt(20), "usr_admin"
		requireEqual(t, want, got, "a revoked key")
		got, err = s.APIKeyByHash(ctx, "hash-3")
		require.NoError(t, err)
		require.True(t, got.Revoked(), "a revoked key is still found by its hash")
		require.ErrorIs(t, s.RevokeAPIKey(ctx, "key_03", ptnAt(21), "usr_other", w.ptnAudit("ptn_a", partner.ObjectAPIKey, "key_03", "revoke", ptnAt(21))), bookingkit.ErrConflict)
		require.ErrorIs(t, s.RevokeAPIKey(ctx, "key_zz", ptnAt(21), "usr_admin", w.ptnAudit("ptn_a", partner.ObjectAPIKey, "key_zz", "revoke", ptnAt(21))), bookingkit.ErrNotFound)
		got, err = s.GetAPIKey(ctx, "key_03")
		require.NoError(t, err)
		requireEqual(t, want, got, "a second revocation changes nothing")
		require.Len(t, w.auditOf(t, "key_03"), 2, "create and one revoke")
		require.Empty(t, w.auditOf(t, "key_zz"))

		// Touching: the first use writes, a use within the period does not.
		at := ptnAt(30).Add(123 * time.Microsecond)
		touched, err := s.TouchAPIKey(ctx, "key_01", at, at.Add(-time.Minute))
		require.NoError(t, err)
		require.True(t, touched, "a key never used is touched")
		touched, err = s.TouchAPIKey(ctx, "key_01", at.Add(30*time.Second), at.Add(-30*time.Second))
		require.NoError(t, err)
		require.False(t, touched, "a key used 30 s ago is not touched again")
		got, err = s.GetAPIKey(ctx, "key_01")
		require.NoError(t, err)
		require.Equal(t, at, got.LastUsedAt, "LastUsedAt kept to the microsecond")
		later := at.Add(2 * time.Minute)
		touched, err = s.TouchAPIKey(ctx, "key_01", later, later.Add(-time.Minute))
		require.NoError(t, err)
		require.True(t, touched)
		got, err = s.GetAPIKey(ctx, "key_01")
		require.NoError(t, err)
		require.Equal(t, later, got.LastUsedAt)
		_, err = s.TouchAPIKey(ctx, "key_zz", later, later)
		require.ErrorIs(t, err, bookingkit.ErrNotFound)
	})

	t.Run("APIKeyTouchedOnceByRacingServers", func(t *testing.T) {
		w := newPtnWorld(t, open)
		k := partner.APIKey{ID: "key_01", PartnerID: "ptn_a", Name: "ERP", Hash: "hash-1", CreatedBy: "usr_admin", CreatedAt: ptnAt(10)}
		require.NoError(t, w.s.CreateAPIKey(ctx, k, w.ptnAudit("ptn_a", partner.ObjectAPIKey, k.ID, "create", k.CreatedAt)))
		at := ptnAt(30)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wrote := 0
		for range 8 {
			wg.Go(func() {
				touched, err := w.s.TouchAPIKey(ctx, k.ID, at, at.Add(-time.Minute))
				if err == nil && touched {
					mu.Lock()
					wrote++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Equal(t, 1, wrote, "of requests racing with one key, one writes its last use")
	})
}
