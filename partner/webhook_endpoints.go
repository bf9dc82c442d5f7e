package partner

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit"
)

// WebhookEndpoint is a URL that receives a partner's events, signed with
// the endpoint's own secret.
type WebhookEndpoint struct {
	ID string // "whe_…"; [CatchAllEndpointID] for the configured catch-all
	// PartnerID is the partner whose events the endpoint receives; "" for
	// the catch-all, which receives every partner's.
	PartnerID   string
	URL         string
	Description string
	// Secret is "whsec_" and the base64 of the signing key. The service
	// returns it only when it creates the endpoint.
	Secret    string
	CreatedBy string
	CreatedAt time.Time
}

// CatchAllEndpointID is the ID of the endpoint made from the server's
// configuration (partner.webhook_url), which receives every partner's
// events.
const CatchAllEndpointID = "whe_catchall"

// MaxWebhookEndpoints is how many endpoints one partner may have.
const MaxWebhookEndpoints = 10

// WebhookDeliveryState is where one delivery of an event to an endpoint is.
type WebhookDeliveryState string

// The delivery states. A pending delivery is being tried (the outbox
// retries it with backoff); a failed one was given up.
const (
	WebhookPending   WebhookDeliveryState = "pending"
	WebhookDelivered WebhookDeliveryState = "delivered"
	WebhookFailed    WebhookDeliveryState = "failed"
)

// WebhookDelivery is one event sent (or to be sent) to one endpoint: the
// delivery log's entry. A redelivery is a new delivery of the same event.
type WebhookDelivery struct {
	ID            int64 // given by the store, increasing: the order of sending per object
	EndpointID    string
	EventID       string
	EventType     string
	ObjectID      string
	State         WebhookDeliveryState
	Attempts      int
	LastAttemptAt time.Time // zero before the first attempt
	LastStatus    int       // the HTTP status of the last answer; 0 when none came
	LastError     string
	DeliveredAt   time.Time
	CreatedAt     time.Time
}

// WebhookAttempt is one request of a delivery.
type WebhookAttempt struct {
	DeliveryID int64
	At         time.Time
	StatusCode int // 0 when no answer came
	Error      string
	Duration   time.Duration // kept in milliseconds
}

// WebhookDeliveryQuery selects one endpoint's deliveries, newest first.
type WebhookDeliveryQuery struct {
	EndpointID string
	Before     int64 // keyset: only deliveries with a smaller ID; 0 for the newest
	Limit      int
}

// WebhookStore keeps webhook endpoints, the events recorded for them and
// the delivery log. Conventions as for [Store].
type WebhookStore interface {
	// CreateWebhookEndpoint inserts e with its audit record.
	CreateWebhookEndpoint(ctx context.Context, e WebhookEndpoint, audit AuditRecord) error
	GetWebhookEndpoint(ctx context.Context, id string) (WebhookEndpoint, error)
	// ListWebhookEndpoints returns the endpoints of partnerID ("" lists
	// the catch-all only), by ID.
	ListWebhookEndpoints(ctx context.Context, partnerID string) ([]WebhookEndpoint, error)
	// DeleteWebhookEndpoint removes the endpoint with its deliveries and
	// their attempts, and writes audit, in one transaction.
	DeleteWebhookEndpoint(ctx context.Context, id string, audit AuditRecord) error
	// SetWebhookCatchAll makes e (ID CatchAllEndpointID, PartnerID "")
	// the catch-all, inserting it or replacing its URL and secret; with
	// e.URL "" it deletes the catch-all as DeleteWebhookEndpoint does.
	SetWebhookCatchAll(ctx context.Context, e WebhookEndpoint) error

	// RecordWebhookEvent stores ev and, in the same transaction, one
	// pending delivery (CreatedAt ev.At) for every endpoint of
	// ev.PartnerID and for the catch-all, and returns them by ID. When
	// there is no such endpoint it stores nothing and returns none.
	RecordWebhookEvent(ctx context.Context, ev WebhookEvent) ([]WebhookDelivery, error)
	// PruneWebhookLog deletes the events recorded before before that no
	// pending delivery needs any more, with their deliveries and their
	// attempts, and returns how many events it deleted.
	PruneWebhookLog(ctx context.Context, before time.Time) (int, error)
	GetWebhookEvent(ctx context.Context, id string) (WebhookEvent, error)
	// AddWebhookDelivery stores a new pending delivery of event eventID
	// (which must exist) to endpoint endpointID.
	AddWebhookDelivery(ctx context.Context, endpointID, eventID string, at time.Time) (WebhookDelivery, error)
	GetWebhookDelivery(ctx context.Context, id int64) (WebhookDelivery, error)
	// EarlierWebhookDelivery returns the pending delivery to d's endpoint
	// about d's object with the smallest ID below d.ID, or ErrNotFound
	// when there is none.
	EarlierWebhookDelivery(ctx context.Context, d WebhookDelivery) (WebhookDelivery, error)
	// RecordWebhookAttempt appends a to the log of its delivery and, in
	// the same transaction, counts it on the delivery (Attempts,
	// LastAttemptAt, LastStatus, LastError) and sets its state (and
	// DeliveredAt a.At when delivered). It returns the delivery.
	RecordWebhookAttempt(ctx context.Context, a WebhookAttempt, state WebhookDeliveryState) (WebhookDelivery, error)
	// ListWebhookDeliveries returns q.EndpointID's deliveries, newest
	// (highest ID) first, with ID < q.Before when set, at most q.Limit.
	ListWebhookDeliveries(ctx context.Context, q WebhookDeliveryQuery) ([]WebhookDelivery, error)
	// ListWebhookAttempts returns a delivery's attempts, newest first, at
	// most limit.
	ListWebhookAttempts(ctx context.Context, deliveryID int64, limit int) ([]WebhookAttempt, error)
}

// NewWebhookEndpoint is the input of [Service.CreateWebhookEndpoint].
type NewWebhookEndpoint struct {
	PartnerID   string // an administrator names the partner; a partner user's own otherwise
	URL         string
	Description string
}

// WebhookDeliveryPage is one page of an endpoint's delivery log.
type WebhookDeliveryPage struct {
	Deliveries []WebhookDelivery
	Next       int64 // the Before of the next (older) page; 0 at the end
}

// webhookSecretBytes is the size of a generated signing key: 24 bytes,
// within the 24 to 64 bytes Standard Webhooks asks for.
const webhookSecretBytes = 24

// CreateWebhookEndpoint adds an endpoint for a partner's events and
// returns it with its secret, which is shown this once. A partner user
// manages their own partner's endpoints; an administrator names the
// partner.
func (s *Service) CreateWebhookEndpoint(ctx context.Context, a Actor, in NewWebhookEndpoint) (WebhookEndpoint, error) {
	partnerID, err := a.scope(in.PartnerID)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	if partnerID == "" {
		return WebhookEndpoint{}, bookingkit.Invalidf("partner_id", "", "required")
	}
	if _, err := s.Store.GetPartner(ctx, partnerID); err != nil {
		return WebhookEndpoint{}, err
	}
	u, err := s.Webhooks.checkURL(in.URL)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	desc, err := cleanText("description", in.Description, 0, MaxNameLength, false)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	existing, err := s.Store.ListWebhookEndpoints(ctx, partnerID)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	if len(existing) >= MaxWebhookEndpoints {
		return WebhookEndpoint{}, fmt.Errorf("partner %s has %d webhook endpoints, the most it may have; delete one first: %w", partnerID, len(existing), bookingkit.ErrConflict)
	}
	now := s.now()
	id, err := s.newID("whe", now)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	key := make([]byte, webhookSecretBytes)
	if err := s.random(key); err != nil {
		return WebhookEndpoint{}, err
	}
	e := WebhookEndpoint{ID: id, PartnerID: partnerID, URL: u, Description: desc,
		Secret: webhookSecretPrefix + base64.StdEncoding.EncodeToString(key), CreatedBy: a.UserID, CreatedAt: now}
	rec, err := s.audit(a, now, partnerID, ObjectWebhook, id, "create", "", u)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	if err := s.Store.CreateWebhookEndpoint(ctx, e, rec); err != nil {
		return WebhookEndpoint{}, err
	}
	return e, nil
}

// ObjectWebhook is the audit records' object of a webhook endpoint.
const ObjectWebhook = "webhook_endpoint"

// WebhookEndpoints lists a partner's endpoints, secrets hidden. An
// administrator names the partner.
func (s *Service) WebhookEndpoints(ctx context.Context, a Actor, partnerID string) ([]WebhookEndpoint, error) {
	partnerID, err := a.scope(partnerID)
	if err != nil {
		return nil, err
	}
	if partnerID == "" {
		return nil, bookingkit.Invalidf("partner_id", "", "required")
	}
	list, err := s.Store.ListWebhookEndpoints(ctx, partnerID)
	for i := range list {
		list[i].Secret = ""
	}
	return list, err
}

// WebhookEndpoint returns one endpoint the actor may manage, secret
// hidden. The catch-all is the administrators'.
func (s *Service) WebhookEndpoint(ctx context.Context, a Actor, id string) (WebhookEndpoint, error) {
	if err := a.check(); err != nil {
		return WebhookEndpoint{}, err
	}
	e, err := s.Store.GetWebhookEndpoint(ctx, id)
	if err != nil {
		return WebhookEndpoint{}, err
	}
	if !a.IsAdministrator() && (e.PartnerID == "" || e.PartnerID != a.PartnerID) {
		return WebhookEndpoint{}, notFound(bookingkit.Msg("webhook endpoint"), id)
	}
	e.Secret = ""
	return e, nil
}

// DeleteWebhookEndpoint removes an endpoint and its delivery log; what
// it still had to send is not sent. The catch-all is removed from the
// configuration instead.
func (s *Service) DeleteWebhookEndpoint(ctx context.Context, a Actor, id string) error {
	e, err := s.WebhookEndpoint(ctx, a, id)
	if err != nil {
		return err
	}
	if e.ID == CatchAllEndpointID {
		return fmt.Errorf("the catch-all webhook endpoint comes from the configuration (partner.webhook_url): %w", bookingkit.ErrConflict)
	}
	now := s.now()
	rec, err := s.audit(a, now, e.PartnerID, ObjectWebhook, id, "delete", "", e.URL)
	if err != nil {
		return err
	}
	return s.Store.DeleteWebhookEndpoint(ctx, id, rec)
}

// WebhookDeliveries returns a page of an endpoint's delivery log, newest
// first.
func (s *Service) WebhookDeliveries(ctx context.Context, a Actor, q WebhookDeliveryQuery) (WebhookDeliveryPage, error) {
	if _, err := s.WebhookEndpoint(ctx, a, q.EndpointID); err != nil {
		return WebhookDeliveryPage{}, err
	}
	var err error
	if q.Limit, err = pageLimit(q.Limit); err != nil {
		return WebhookDeliveryPage{}, err
	}
	limit := q.Limit
	q.Limit++
	list, err := s.Store.ListWebhookDeliveries(ctx, q)
	if err != nil {
		return WebhookDeliveryPage{}, err
	}
	page := WebhookDeliveryPage{Deliveries: list}
	if len(list) > limit {
		page.Deliveries = list[:limit]
		page.Next = list[limit-1].ID
	}
	return page, nil
}

// MaxWebhookAttemptsShown is how many attempts [Service.WebhookDelivery]
// returns, newest first.
const MaxWebhookAttemptsShown = 100

// WebhookDelivery returns one delivery of an endpoint with its latest
// attempts, newest first.
func (s *Service) WebhookDelivery(ctx context.Context, a Actor, endpointID string, id int64) (WebhookDelivery, []WebhookAttempt, error) {
	d, err := s.endpointDelivery(ctx, a, endpointID, id)
	if err != nil {
		return WebhookDelivery{}, nil, err
	}
	attempts, err := s.Store.ListWebhookAttempts(ctx, id, MaxWebhookAttemptsShown)
	return d, attempts, err
}

func (s *Service) endpointDelivery(ctx context.Context, a Actor, endpointID string, id int64) (WebhookDelivery, error) {
	if _, err := s.WebhookEndpoint(ctx, a, endpointID); err != nil {
		return WebhookDelivery{}, err
	}
	d, err := s.Store.GetWebhookDelivery(ctx, id)
	if err != nil {
		return WebhookDelivery{}, err
	}
	if d.EndpointID != endpointID {
		return WebhookDelivery{}, notFound(bookingkit.Msg("webhook delivery"), fmt.Sprint(id))
	}
	return d, nil
}

// RedeliverWebhook sends the event of one of an endpoint's deliveries
// again, as a new delivery (same webhook-id, new timestamp and
// signature), queued after what the endpoint already has to send about
// the same object.
func (s *Service) RedeliverWebhook(ctx context.Context, a Actor, endpointID string, deliveryID int64) (WebhookDelivery, error) {
	d, err := s.endpointDelivery(ctx, a, endpointID, deliveryID)
	if err != nil {
		return WebhookDelivery{}, err
	}
	if s.Webhooks == nil {
		return WebhookDelivery{}, fmt.Errorf("webhooks are not sent by this server: %w", bookingkit.ErrConflict)
	}
	return s.Webhooks.redeliver(ctx, endpointID, d.EventID, s.now())
}

// webhookSecretPrefix starts every endpoint secret.
const webhookSecretPrefix = "whsec_"

// checkURL checks an endpoint URL: absolute https (http too when
// AllowHTTP is set), without user info or fragment.
func (w *Webhooks) checkURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	bad := func(why string) (string, error) { return "", bookingkit.Invalid("url", truncate(raw, 80), why) }
	switch {
	case raw == "":
		return bad("required")
	case err != nil || u.Host == "" || !u.IsAbs():
		return bad("an absolute URL")
	case u.Scheme != "https" && !(u.Scheme == "http" && w != nil && w.AllowHTTP):
		return bad("an https URL")
	case u.User != nil || u.Fragment != "":
		return bad("without user name, password or fragment")
	case len(raw) > 1000:
		return bad("at most 1000 characters")
	}
	return u.String(), nil
}
