package partner

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// The types of the events a partner's webhook endpoints receive. A
// deactivation request or decision has its own type; any other change of
// an instance's status (provision, cancel, generate, an expired instance
// extended) is instance.state_changed. A licence changes state only
// through the deactivation events.
const (
	WebhookInstanceStateChanged          = "instance.state_changed"
	WebhookInstanceDeactivationRequested = "instance.deactivation_requested"
	WebhookInstanceDeactivationWithdrawn = "instance.deactivation_withdrawn"
	WebhookInstanceDeactivationApproved  = "instance.deactivation_approved"
	WebhookInstanceDeactivationRejected  = "instance.deactivation_rejected"
	WebhookLicenceDeactivationRequested  = "licence.deactivation_requested"
	WebhookLicenceDeactivationWithdrawn  = "licence.deactivation_withdrawn"
	WebhookLicenceDeactivationApproved   = "licence.deactivation_approved"
	WebhookLicenceDeactivationRejected   = "licence.deactivation_rejected"
	WebhookSupportMessagePosted          = "support.message_posted"
)

// WebhookEventTypes lists every event type, for documentation and tests.
var WebhookEventTypes = []string{
	WebhookInstanceStateChanged,
	WebhookInstanceDeactivationRequested, WebhookInstanceDeactivationWithdrawn,
	WebhookInstanceDeactivationApproved, WebhookInstanceDeactivationRejected,
	WebhookLicenceDeactivationRequested, WebhookLicenceDeactivationWithdrawn,
	WebhookLicenceDeactivationApproved, WebhookLicenceDeactivationRejected,
	WebhookSupportMessagePosted,
}

// WebhookEvent is one thing that happened to a partner's object, as sent
// to every webhook endpoint of the partner (and to the catch-all).
type WebhookEvent struct {
	// ID ("evt_…") is the webhook-id header: the same on every attempt
	// and on a redelivery, so a receiver can drop what it has seen.
	ID        string
	Type      string // one of WebhookEventTypes
	PartnerID string
	// Object and ObjectID name what the event is about: an instance, a
	// licence, or a company (its support thread). Events about one object
	// reach each endpoint in the order they were recorded.
	Object   string
	ObjectID string
	At       time.Time
	// Data is the body's "data": the object's facts after the change
	// (see [WebhookStateData], [WebhookMessageData]).
	Data json.RawMessage
}

// WebhookBody is the JSON body of every webhook request. It follows the
// Standard Webhooks payload (type, timestamp, data) with the event's ID
// and object beside them.
type WebhookBody struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	PartnerID string          `json:"partner_id"`
	Object    string          `json:"object"`
	ObjectID  string          `json:"object_id"`
	Data      json.RawMessage `json:"data"`
}

// Body returns the event as sent.
func (e WebhookEvent) Body() ([]byte, error) {
	return json.Marshal(WebhookBody{ID: e.ID, Type: e.Type, Timestamp: e.At, PartnerID: e.PartnerID,
		Object: e.Object, ObjectID: e.ObjectID, Data: e.Data})
}

// WebhookStateData is the data of the instance and licence events.
type WebhookStateData struct {
	InstanceID string `json:"instance_id"`
	LicenceID  string `json:"licence_id,omitempty"`
	CompanyID  string `json:"company_id"`
	Event      Event  `json:"event"` // the life cycle event taken
	From       State  `json:"from"`  // the status before
	To         State  `json:"to"`    // the status after
	Reason     string `json:"reason,omitempty"`
	ActorID    string `json:"actor_id"`
	Version    int64  `json:"version"` // the object's version after the change
	// LicencesDeactivated is set on instance.deactivation_approved: the
	// instance's licences were deactivated with it (no event each).
	LicencesDeactivated bool `json:"licences_deactivated,omitempty"`
}

// WebhookMessageData is the data of support.message_posted (the fields the
// former support-message webhook sent).
type WebhookMessageData struct {
	To          Side      `json:"to"`
	CompanyID   string    `json:"company_id"`
	CompanyName string    `json:"company_name"`
	MessageID   string    `json:"message_id"`
	Direction   Direction `json:"direction"`
	At          time.Time `json:"at"`
	Preview     string    `json:"preview"`
}

// deactivationTypes maps the deactivation events to their type's suffix.
var deactivationTypes = map[Event]string{
	EventRequestDeactivation:  "deactivation_requested",
	EventWithdrawDeactivation: "deactivation_withdrawn",
	EventApproveDeactivation:  "deactivation_approved",
	EventRejectDeactivation:   "deactivation_rejected",
}

// instanceChanged publishes the event of an instance's change, if it is
// one partners follow.
func (s *Service) instanceChanged(ctx context.Context, a Actor, cur, next Instance, event Event, reason string, at time.Time) {
	from, to := cur.Status(at), next.Status(at)
	typ := ""
	if suffix, ok := deactivationTypes[event]; ok {
		typ = ObjectInstance + "." + suffix
	} else if from != to {
		typ = WebhookInstanceStateChanged
	}
	if typ == "" {
		return
	}
	s.publish(ctx, typ, next.PartnerID, ObjectInstance, next.ID, at, WebhookStateData{
		InstanceID: next.ID, CompanyID: next.CompanyID, Event: event, From: from, To: to, Reason: reason,
		ActorID: a.UserID, Version: next.Version, LicencesDeactivated: event == EventApproveDeactivation,
	})
}

// licenceChanged publishes the event of a licence's deactivation step.
func (s *Service) licenceChanged(ctx context.Context, a Actor, cur, next Licence, event Event, reason string, at time.Time) {
	suffix, ok := deactivationTypes[event]
	if !ok {
		return
	}
	s.publish(ctx, ObjectLicence+"."+suffix, next.PartnerID, ObjectLicence, next.ID, at, WebhookStateData{
		InstanceID: next.InstanceID, LicenceID: next.ID, CompanyID: next.CompanyID, Event: event, From: cur.State, To: next.State,
		Reason: reason, ActorID: a.UserID, Version: next.Version,
	})
}

// messagePosted publishes a new support message.
func (s *Service) messagePosted(ctx context.Context, m Message, company Company, to Side) {
	s.publish(ctx, WebhookSupportMessagePosted, m.PartnerID, ObjectCompany, m.CompanyID, m.At, WebhookMessageData{
		To: to, CompanyID: m.CompanyID, CompanyName: company.Name, MessageID: m.ID, Direction: m.Direction, At: m.At,
		Preview: truncate(strings.Join(strings.Fields(m.Body), " "), 140),
	})
}

// publish records an event for the partner's webhook endpoints after the
// change it reports is stored. A failure is logged: the change stands.
func (s *Service) publish(ctx context.Context, typ, partnerID, object, objectID string, at time.Time, data any) {
	if s.Webhooks == nil {
		return
	}
	log := s.logger().With("type", typ, "object", objectID)
	raw, err := json.Marshal(data)
	if err != nil {
		log.ErrorContext(ctx, "partner: webhook event not recorded", "error", err)
		return
	}
	id, err := s.newID("evt", at)
	if err != nil {
		log.ErrorContext(ctx, "partner: webhook event not recorded", "error", err)
		return
	}
	ev := WebhookEvent{ID: id, Type: typ, PartnerID: partnerID, Object: object, ObjectID: objectID, At: at, Data: raw}
	// The change is stored: a request cancelled now must not lose its event.
	if err := s.Webhooks.Publish(context.WithoutCancel(ctx), ev); err != nil {
		log.ErrorContext(ctx, "partner: webhook event not recorded; the change is stored", "event", id, "error", err)
	}
}

// otherSide is the side of a thread that did not write.
func otherSide(writer Side) Side {
	if writer == SideSupport {
		return SidePartner
	}
	return SideSupport
}
