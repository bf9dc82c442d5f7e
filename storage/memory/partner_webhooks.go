package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bookingkit/bookingkit/partner"
)

// partnerWebhooks is the partner store's webhook state: endpoints, events,
// deliveries (index n-1 holds delivery n) and their attempts. It lives
// under the store's mutex; writers make its maps on first use (hooks),
// readers read them as they are (nil maps read as empty).
type partnerWebhooks struct {
	endpoints  map[string]partner.WebhookEndpoint
	events     map[string]partner.WebhookEvent
	deliveries []*partner.WebhookDelivery // nil once its endpoint is deleted
	attempts   map[int64][]partner.WebhookAttempt
}

// hooks returns the webhook state for a writer holding the lock.
func (s *PartnerStore) hooks() *partnerWebhooks {
	h := &s.webhooks
	if h.endpoints == nil {
		h.endpoints, h.events, h.attempts = map[string]partner.WebhookEndpoint{}, map[string]partner.WebhookEvent{}, map[int64][]partner.WebhookAttempt{}
	}
	return h
}

func (s *PartnerStore) CreateWebhookEndpoint(_ context.Context, e partner.WebhookEndpoint, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks()
	if _, ok := h.endpoints[e.ID]; ok {
		return partnerConflict("webhook endpoint %s exists", e.ID)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	h.endpoints[e.ID] = e
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) GetWebhookEndpoint(_ context.Context, id string) (partner.WebhookEndpoint, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.webhooks.endpoints[id]
	if !ok {
		return partner.WebhookEndpoint{}, partnerNotFound("webhook endpoint", id)
	}
	return e, nil
}

func (s *PartnerStore) ListWebhookEndpoints(_ context.Context, partnerID string) ([]partner.WebhookEndpoint, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []partner.WebhookEndpoint{}
	for _, e := range partnerSorted(s.webhooks.endpoints) {
		if e.PartnerID == partnerID {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *PartnerStore) DeleteWebhookEndpoint(_ context.Context, id string, audit partner.AuditRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.hooks().endpoints[id]; !ok {
		return partnerNotFound("webhook endpoint", id)
	}
	if err := s.checkAuditIDs(audit); err != nil {
		return err
	}
	s.deleteEndpoint(id)
	s.addAudit(audit)
	return nil
}

func (s *PartnerStore) deleteEndpoint(id string) {
	h := s.hooks()
	delete(h.endpoints, id)
	for i, d := range h.deliveries {
		if d != nil && d.EndpointID == id {
			delete(h.attempts, d.ID)
			h.deliveries[i] = nil
		}
	}
}

func (s *PartnerStore) SetWebhookCatchAll(_ context.Context, e partner.WebhookEndpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks()
	if e.URL == "" {
		s.deleteEndpoint(partner.CatchAllEndpointID)
		return nil
	}
	e.ID, e.PartnerID = partner.CatchAllEndpointID, ""
	if old, ok := h.endpoints[e.ID]; ok {
		e.CreatedAt, e.CreatedBy = old.CreatedAt, old.CreatedBy
	}
	h.endpoints[e.ID] = e
	return nil
}

func (s *PartnerStore) RecordWebhookEvent(_ context.Context, ev partner.WebhookEvent) ([]partner.WebhookDelivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks()
	if _, ok := h.events[ev.ID]; ok {
		return nil, partnerConflict("webhook event %s exists", ev.ID)
	}
	ev.Data = slices.Clone(ev.Data)
	out := []partner.WebhookDelivery{}
	for _, e := range partnerSorted(h.endpoints) {
		if e.PartnerID == ev.PartnerID || e.PartnerID == "" {
			h.events[ev.ID] = ev
			out = append(out, s.addDelivery(e.ID, ev, ev.At))
		}
	}
	return out, nil
}

func (s *PartnerStore) PruneWebhookLog(_ context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks()
	pending := map[string]bool{}
	for _, d := range h.deliveries {
		if d != nil && d.State == partner.WebhookPending {
			pending[d.EventID] = true
		}
	}
	gone := map[string]bool{}
	for id, ev := range h.events {
		if ev.At.Before(before) && !pending[id] {
			gone[id] = true
			delete(h.events, id)
		}
	}
	for i, d := range h.deliveries {
		if d != nil && gone[d.EventID] {
			delete(h.attempts, d.ID)
			h.deliveries[i] = nil
		}
	}
	return len(gone), nil
}

func (s *PartnerStore) addDelivery(endpointID string, ev partner.WebhookEvent, at time.Time) partner.WebhookDelivery {
	h := s.hooks()
	d := &partner.WebhookDelivery{ID: int64(len(h.deliveries) + 1), EndpointID: endpointID, EventID: ev.ID, EventType: ev.Type,
		ObjectID: ev.ObjectID, State: partner.WebhookPending, CreatedAt: at}
	h.deliveries = append(h.deliveries, d)
	return *d
}

func (s *PartnerStore) GetWebhookEvent(_ context.Context, id string) (partner.WebhookEvent, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ev, ok := s.webhooks.events[id]
	if !ok {
		return partner.WebhookEvent{}, partnerNotFound("webhook event", id)
	}
	ev.Data = slices.Clone(ev.Data)
	return ev, nil
}

func (s *PartnerStore) AddWebhookDelivery(_ context.Context, endpointID, eventID string, at time.Time) (partner.WebhookDelivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks()
	if _, ok := h.endpoints[endpointID]; !ok {
		return partner.WebhookDelivery{}, partnerNotFound("webhook endpoint", endpointID)
	}
	ev, ok := h.events[eventID]
	if !ok {
		return partner.WebhookDelivery{}, partnerNotFound("webhook event", eventID)
	}
	return s.addDelivery(endpointID, ev, at), nil
}

// delivery returns delivery id, or nil.
func (h *partnerWebhooks) delivery(id int64) *partner.WebhookDelivery {
	if id < 1 || id > int64(len(h.deliveries)) {
		return nil
	}
	return h.deliveries[id-1]
}

func (s *PartnerStore) GetWebhookDelivery(_ context.Context, id int64) (partner.WebhookDelivery, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d := s.webhooks.delivery(id)
	if d == nil {
		return partner.WebhookDelivery{}, partnerNotFound("webhook delivery", fmt.Sprint(id))
	}
	return *d, nil
}

func (s *PartnerStore) EarlierWebhookDelivery(_ context.Context, d partner.WebhookDelivery) (partner.WebhookDelivery, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := &s.webhooks
	for _, e := range h.deliveries[:min(max(d.ID-1, 0), int64(len(h.deliveries)))] {
		if e != nil && e.EndpointID == d.EndpointID && e.ObjectID == d.ObjectID && e.State == partner.WebhookPending {
			return *e, nil
		}
	}
	return partner.WebhookDelivery{}, partnerNotFound("earlier webhook delivery before", fmt.Sprint(d.ID))
}

func (s *PartnerStore) RecordWebhookAttempt(_ context.Context, a partner.WebhookAttempt, state partner.WebhookDeliveryState) (partner.WebhookDelivery, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hooks()
	d := h.delivery(a.DeliveryID)
	if d == nil {
		return partner.WebhookDelivery{}, partnerNotFound("webhook delivery", fmt.Sprint(a.DeliveryID))
	}
	a.Duration = a.Duration.Truncate(time.Millisecond)
	h.attempts[d.ID] = append(h.attempts[d.ID], a)
	d.Attempts++
	d.LastAttemptAt, d.LastStatus, d.LastError, d.State = a.At, a.StatusCode, a.Error, state
	if state == partner.WebhookDelivered {
		d.DeliveredAt = a.At
	}
	return *d, nil
}

func (s *PartnerStore) ListWebhookDeliveries(_ context.Context, q partner.WebhookDeliveryQuery) ([]partner.WebhookDelivery, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h := &s.webhooks
	out := []partner.WebhookDelivery{}
	for i := len(h.deliveries) - 1; i >= 0 && (q.Limit <= 0 || len(out) < q.Limit); i-- {
		d := h.deliveries[i]
		if d != nil && d.EndpointID == q.EndpointID && (q.Before == 0 || d.ID < q.Before) {
			out = append(out, *d)
		}
	}
	return out, nil
}

func (s *PartnerStore) ListWebhookAttempts(_ context.Context, deliveryID int64, limit int) ([]partner.WebhookAttempt, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := s.webhooks.attempts[deliveryID]
	out := []partner.WebhookAttempt{}
	for i := len(all) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, all[i])
	}
	return out, nil
}
