package memory

import (
	"context"
	"time"

	"github.com/bookingkit/bookingkit/partner"
)

// Partners' API keys: the map is made on the first key.

func (s *PartnerStore) CreateAPIKey(_ context.Context, k partner.APIKey, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apiKeys[k.ID]; ok {
		return partnerConflict("API key %s exists", k.ID)
	}
	for _, other := range s.apiKeys {
		if other.Hash == k.Hash {
			return partnerConflict("API key hash is taken")
		}
	}
	if _, ok := s.partners[k.PartnerID]; !ok {
		return partnerNotFound("partner", k.PartnerID)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	if s.apiKeys == nil {
		s.apiKeys = map[string]partner.APIKey{}
	}
	s.apiKeys[k.ID] = k
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) GetAPIKey(_ context.Context, id string) (partner.APIKey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.apiKeys[id]
	if !ok {
		return partner.APIKey{}, partnerNotFound("API key", id)
	}
	return k, nil
}

// APIKeyByHash looks through every key: the memory store is for tests and
// small demos, where the SQL stores use their unique index.
func (s *PartnerStore) APIKeyByHash(_ context.Context, hash string) (partner.APIKey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, k := range s.apiKeys {
		if k.Hash == hash {
			return k, nil
		}
	}
	return partner.APIKey{}, partnerNotFound("API key", "")
}

func (s *PartnerStore) ListAPIKeys(_ context.Context, q partner.APIKeyQuery) ([]partner.APIKey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.APIKey{}
	for _, k := range partnerSorted(s.apiKeys) {
		if k.ID > q.After && (q.PartnerID == "" || k.PartnerID == q.PartnerID) {
			out = append(out, k)
		}
	}
	return partnerPage(out, q.Limit), nil
}

func (s *PartnerStore) RevokeAPIKey(_ context.Context, id string, at time.Time, by string, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.apiKeys[id]
	if !ok {
		return partnerNotFound("API key", id)
	}
	if k.Revoked() {
		return partnerConflict("API key %s is revoked already", id)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	k.RevokedAt, k.RevokedBy = at, by
	s.apiKeys[id] = k
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) TouchAPIKey(_ context.Context, id string, at, staleBefore time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.apiKeys[id]
	if !ok {
		return false, partnerNotFound("API key", id)
	}
	if !k.LastUsedAt.IsZero() && !k.LastUsedAt.Before(staleBefore) {
		return false, nil
	}
	k.LastUsedAt = at
	s.apiKeys[id] = k
	return true, nil
}
