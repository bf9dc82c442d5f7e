package partnerhttp

import (
	"net/http"
	"strconv"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// Webhook endpoints: a partner user manages their partner's, an
// administrator any partner's (naming partner_id). The event bodies, the
// headers and how to check the signature are in docs/openapi.json
// (components.schemas.WebhookBody) and package partner ([partner.Webhooks]).

// webhookRoutes are the routes of the partners' webhook endpoints.
func (p *Handler) webhookRoutes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "GET /api/partner/webhooks", Handler: p.listWebhooks()},
		{Pattern: "POST /api/partner/webhooks", Handler: p.createWebhook()},
		{Pattern: "GET /api/partner/webhooks/{id}", Handler: p.getWebhook()},
		{Pattern: "DELETE /api/partner/webhooks/{id}", Handler: p.deleteWebhook()},
		{Pattern: "GET /api/partner/webhooks/{id}/deliveries", Handler: p.webhookDeliveries()},
		{Pattern: "GET /api/partner/webhooks/{id}/deliveries/{delivery}", Handler: p.webhookDelivery()},
		{Pattern: "POST /api/partner/webhooks/{id}/deliveries/{delivery}/redeliver", Handler: p.redeliverWebhook()},
	}
}

// WebhookEndpointJSON is a webhook endpoint. Secret is set only in the
// answer that creates it.
type WebhookEndpointJSON struct {
	ID          string    `json:"id"`
	PartnerID   string    `json:"partner_id"`
	URL         string    `json:"url"`
	Description string    `json:"description"`
	Secret      string    `json:"secret,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func webhookEndpointOut(e partner.WebhookEndpoint) WebhookEndpointJSON {
	return WebhookEndpointJSON{ID: e.ID, PartnerID: e.PartnerID, URL: e.URL, Description: e.Description, Secret: e.Secret,
		CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt}
}

// WebhookDeliveryJSON is one delivery of an event to an endpoint.
type WebhookDeliveryJSON struct {
	ID            string     `json:"id"`
	EventID       string     `json:"event_id"`
	EventType     string     `json:"event_type"`
	ObjectID      string     `json:"object_id"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	// AttemptLog is the delivery's latest attempts, newest first, on the
	// route of one delivery.
	AttemptLog []WebhookAttemptJSON `json:"attempt_log,omitempty"`
}

// WebhookAttemptJSON is one request of a delivery.
type WebhookAttemptJSON struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func webhookDeliveryOut(d partner.WebhookDelivery) WebhookDeliveryJSON {
	return WebhookDeliveryJSON{ID: strconv.FormatInt(d.ID, 10), EventID: d.EventID, EventType: d.EventType, ObjectID: d.ObjectID,
		State: string(d.State), Attempts: d.Attempts, LastAttemptAt: optTime(d.LastAttemptAt), LastStatus: d.LastStatus,
		LastError: d.LastError, DeliveredAt: optTime(d.DeliveredAt), CreatedAt: d.CreatedAt}
}

func (p *Handler) listWebhooks() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		list, err := p.svc.WebhookEndpoints(r.Context(), a, partnerQueryOf(r).str("partner_id"))
		if err != nil {
			return err
		}
		partnerList(w, "endpoints", list, "", webhookEndpointOut)
		return nil
	})
}

// createWebhook adds an endpoint and answers its secret, this once.
func (p *Handler) createWebhook() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			PartnerID   string `json:"partner_id"`
			URL         string `json:"url"`
			Description string `json:"description"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		e, err := p.svc.CreateWebhookEndpoint(r.Context(), a, partner.NewWebhookEndpoint{PartnerID: in.PartnerID, URL: in.URL, Description: in.Description})
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		httpapi.WriteJSON(w, http.StatusCreated, webhookEndpointOut(e))
		return nil
	})
}

func (p *Handler) getWebhook() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		e, err := p.svc.WebhookEndpoint(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, webhookEndpointOut(e))
		return nil
	})
}

func (p *Handler) deleteWebhook() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		if err := p.svc.DeleteWebhookEndpoint(r.Context(), a, r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// webhookDeliveries is an endpoint's delivery log, newest first; the
// cursor is the "next" of the page before.
func (p *Handler) webhookDeliveries() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		dq := partner.WebhookDeliveryQuery{EndpointID: r.PathValue("id"), Limit: q.int("limit")}
		if c := q.str("cursor"); c != "" {
			dq.Before = q.int64("cursor")
		}
		if q.err != nil {
			return q.err
		}
		page, err := p.svc.WebhookDeliveries(r.Context(), a, dq)
		if err != nil {
			return err
		}
		next := ""
		if page.Next > 0 {
			next = strconv.FormatInt(page.Next, 10)
		}
		partnerList(w, "deliveries", page.Deliveries, next, webhookDeliveryOut)
		return nil
	})
}

// deliveryID reads the {delivery} path value.
func deliveryID(r *http.Request) (int64, error) {
	v := r.PathValue("delivery")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, bookingkit.Invalid("delivery", v, "a delivery ID")
	}
	return id, nil
}

func (p *Handler) webhookDelivery() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		id, err := deliveryID(r)
		if err != nil {
			return err
		}
		d, attempts, err := p.svc.WebhookDelivery(r.Context(), a, r.PathValue("id"), id)
		if err != nil {
			return err
		}
		out := webhookDeliveryOut(d)
		out.AttemptLog = make([]WebhookAttemptJSON, len(attempts))
		for i, at := range attempts {
			out.AttemptLog[i] = WebhookAttemptJSON{At: at.At, StatusCode: at.StatusCode, Error: at.Error, DurationMS: at.Duration.Milliseconds()}
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

// redeliverWebhook queues the delivery's event again and answers the new
// delivery, 202: it is sent by the outbox's worker.
func (p *Handler) redeliverWebhook() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		id, err := deliveryID(r)
		if err != nil {
			return err
		}
		d, err := p.svc.RedeliverWebhook(r.Context(), a, r.PathValue("id"), id)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, webhookDeliveryOut(d))
		return nil
	})
}
