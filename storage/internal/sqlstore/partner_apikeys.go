package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// Partners' API keys (table partner_api_keys, migration 0550).

const partnerAPIKeyColumns = "id, partner_id, name, read_only, hash, created_by, created_at, last_used_at, revoked_at, revoked_by"

func scanPartnerAPIKey(r scanner) (k partner.APIKey, err error) {
	return k, r.Scan(&k.ID, &k.PartnerID, &k.Name, &k.ReadOnly, &k.Hash, &k.CreatedBy, utc{&k.CreatedAt}, utc{&k.LastUsedAt}, utc{&k.RevokedAt}, &k.RevokedBy)
}

func (s *PartnerStore) CreateAPIKey(ctx context.Context, k partner.APIKey, audit partner.AuditRecord) error {
	return s.change(ctx, "create API key", audit, func(tx *sql.Tx) error {
		return s.insertUnder(ctx, tx, "partner_partners", "partner", k.PartnerID, "partner_api_keys", partnerAPIKeyColumns,
			k.ID, k.PartnerID, k.Name, k.ReadOnly, k.Hash, k.CreatedBy, k.CreatedAt.UTC(), nullTime(k.LastUsedAt), nullTime(k.RevokedAt), k.RevokedBy)
	})
}

func (s *PartnerStore) GetAPIKey(ctx context.Context, id string) (partner.APIKey, error) {
	return partnerOne(ctx, s, "API key "+id, scanPartnerAPIKey, "SELECT "+partnerAPIKeyColumns+" FROM partner_api_keys WHERE id = $1", id)
}

func (s *PartnerStore) APIKeyByHash(ctx context.Context, hash string) (partner.APIKey, error) {
	return partnerOne(ctx, s, "API key", scanPartnerAPIKey, "SELECT "+partnerAPIKeyColumns+" FROM partner_api_keys WHERE hash = $1", hash)
}

func (s *PartnerStore) ListAPIKeys(ctx context.Context, q partner.APIKeyQuery) ([]partner.APIKey, error) {
	var b partnerQuery
	b.opt("partner_id", "=", q.PartnerID)
	b.cond("id > " + b.arg(q.After))
	query := "SELECT " + partnerAPIKeyColumns + " FROM partner_api_keys" + b.whereSQL() + " ORDER BY id LIMIT " + b.arg(q.Limit)
	return list(ctx, s.db, "partner list API keys", scanPartnerAPIKey, query, b.args...)
}

func (s *PartnerStore) RevokeAPIKey(ctx context.Context, id string, at time.Time, by string, audit partner.AuditRecord) error {
	return s.change(ctx, "revoke API key "+id, audit, func(tx *sql.Tx) error {
		n, err := execEach(ctx, tx, []string{"UPDATE partner_api_keys SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL"}, id, at.UTC(), by)
		if err != nil || n == 1 {
			return err
		}
		if err := s.exists(ctx, tx, "partner_api_keys", "API key", id); err != nil {
			return err
		}
		return s.db.Fail("API key %s is revoked already: %w", id, bookingkit.ErrConflict)
	})
}

func (s *PartnerStore) TouchAPIKey(ctx context.Context, id string, at, staleBefore time.Time) (bool, error) {
	n, err := s.db.exec(ctx, "partner touch API key "+id, "UPDATE partner_api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
		id, at.UTC(), staleBefore.UTC())
	if err != nil || n == 1 {
		return n == 1, err
	}
	return false, s.fail("touch API key "+id, s.exists(ctx, s.db.SQL, "partner_api_keys", "API key", id))
}
