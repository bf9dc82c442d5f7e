package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// The partner store's webhooks (tables partner_webhook_*, migration 0540):
// endpoints, the events recorded for them, one delivery per event and
// endpoint, and the attempts of each delivery.

const (
	partnerWebhookEndpointColumns = "id, partner_id, url, description, secret, created_by, created_at"
	partnerWebhookDeliveryColumns = "id, endpoint_id, event_id, event_type, object_id, state, attempts, last_attempt_at, last_status, last_error, delivered_at, created_at"
)

func scanPartnerWebhookEndpoint(r scanner) (e partner.WebhookEndpoint, err error) {
	return e, r.Scan(&e.ID, &e.PartnerID, &e.URL, &e.Description, &e.Secret, &e.CreatedBy, utc{&e.CreatedAt})
}

func scanPartnerWebhookDelivery(r scanner) (d partner.WebhookDelivery, err error) {
	return d, r.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.ObjectID, &d.State, &d.Attempts, utc{&d.LastAttemptAt},
		&d.LastStatus, &d.LastError, utc{&d.DeliveredAt}, utc{&d.CreatedAt})
}

func insertPartnerWebhookEndpoint(ctx context.Context, tx querier, e partner.WebhookEndpoint) error {
	_, err := tx.ExecContext(ctx, insertSQL("partner_webhook_endpoints", partnerWebhookEndpointColumns),
		e.ID, e.PartnerID, e.URL, e.Description, e.Secret, e.CreatedBy, e.CreatedAt.UTC())
	return err
}

func (s *PartnerStore) CreateWebhookEndpoint(ctx context.Context, e partner.WebhookEndpoint, audit partner.AuditRecord) error {
	return s.change(ctx, "create webhook endpoint", audit, func(tx *sql.Tx) error {
		return insertPartnerWebhookEndpoint(ctx, tx, e)
	})
}

func (s *PartnerStore) GetWebhookEndpoint(ctx context.Context, id string) (partner.WebhookEndpoint, error) {
	e, err := scanPartnerWebhookEndpoint(s.db.SQL.QueryRowContext(ctx, "SELECT "+partnerWebhookEndpointColumns+" FROM partner_webhook_endpoints WHERE id = $1", id))
	return e, s.fail("webhook endpoint "+id, err)
}

func (s *PartnerStore) ListWebhookEndpoints(ctx context.Context, partnerID string) ([]partner.WebhookEndpoint, error) {
	return partnerList(ctx, s, "list webhook endpoints", "SELECT "+partnerWebhookEndpointColumns+" FROM partner_webhook_endpoints WHERE partner_id = $1 ORDER BY id",
		[]any{partnerID}, scanPartnerWebhookEndpoint)
}

// deletePartnerWebhookEndpoint removes an endpoint's attempts, deliveries
// and the endpoint.
func deletePartnerWebhookEndpoint(ctx context.Context, tx *sql.Tx, id string) (int64, error) {
	return execEach(ctx, tx, []string{
		"DELETE FROM partner_webhook_attempts WHERE delivery_id IN (SELECT id FROM partner_webhook_deliveries WHERE endpoint_id = $1)",
		"DELETE FROM partner_webhook_deliveries WHERE endpoint_id = $1",
		"DELETE FROM partner_webhook_endpoints WHERE id = $1",
	}, id)
}

func (s *PartnerStore) DeleteWebhookEndpoint(ctx context.Context, id string, audit partner.AuditRecord) error {
	return s.change(ctx, "delete webhook endpoint", audit, func(tx *sql.Tx) error {
		n, err := deletePartnerWebhookEndpoint(ctx, tx, id)
		if err == nil && n == 0 {
			err = fmt.Errorf("webhook endpoint %s: %w", id, bookingkit.ErrNotFound)
		}
		return err
	})
}

func (s *PartnerStore) SetWebhookCatchAll(ctx context.Context, e partner.WebhookEndpoint) error {
	return s.fail("set the catch-all webhook endpoint", s.db.InTx(ctx, func(tx *sql.Tx) error {
		if e.URL == "" {
			_, err := deletePartnerWebhookEndpoint(ctx, tx, partner.CatchAllEndpointID)
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE partner_webhook_endpoints SET url = $1, secret = $2, description = $3 WHERE id = $4",
			e.URL, e.Secret, e.Description, partner.CatchAllEndpointID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		e.ID, e.PartnerID = partner.CatchAllEndpointID, ""
		return insertPartnerWebhookEndpoint(ctx, tx, e)
	}))
}

func insertPartnerWebhookDelivery(ctx context.Context, tx querier, endpointID string, ev partner.WebhookEvent, at time.Time) (partner.WebhookDelivery, error) {
	d := partner.WebhookDelivery{EndpointID: endpointID, EventID: ev.ID, EventType: ev.Type, ObjectID: ev.ObjectID, State: partner.WebhookPending, CreatedAt: at.UTC()}
	err := tx.QueryRowContext(ctx, `INSERT INTO partner_webhook_deliveries (endpoint_id, event_id, event_type, object_id, state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, d.EndpointID, d.EventID, d.EventType, d.ObjectID, string(d.State), d.CreatedAt).Scan(&d.ID)
	return d, err
}

func (s *PartnerStore) RecordWebhookEvent(ctx context.Context, ev partner.WebhookEvent) ([]partner.WebhookDelivery, error) {
	out := []partner.WebhookDelivery{}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		ids, err := queryAll(ctx, tx, scanOne[string], "SELECT id FROM partner_webhook_endpoints WHERE partner_id = $1 OR partner_id = '' ORDER BY id", ev.PartnerID)
		if err != nil || len(ids) == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO partner_webhook_events (id, type, partner_id, object, object_id, at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			ev.ID, ev.Type, ev.PartnerID, ev.Object, ev.ObjectID, ev.At.UTC(), string(ev.Data))
		if err != nil {
			return err
		}
		for _, id := range ids {
			d, err := insertPartnerWebhookDelivery(ctx, tx, id, ev, ev.At)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("record webhook event", err)
	}
	return out, nil
}

// partnerWebhookPrunable selects the events PruneWebhookLog deletes.
const partnerWebhookPrunable = `SELECT id FROM partner_webhook_events WHERE at < $1
	AND id NOT IN (SELECT event_id FROM partner_webhook_deliveries WHERE state = 'pending')`

func (s *PartnerStore) PruneWebhookLog(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) (err error) {
		n, err = execEach(ctx, tx, []string{
			"DELETE FROM partner_webhook_attempts WHERE delivery_id IN (SELECT id FROM partner_webhook_deliveries WHERE event_id IN (" + partnerWebhookPrunable + "))",
			"DELETE FROM partner_webhook_deliveries WHERE event_id IN (" + partnerWebhookPrunable + ")",
			"DELETE FROM partner_webhook_events WHERE id IN (" + partnerWebhookPrunable + ")",
		}, before.UTC())
		return err
	})
	return int(n), s.fail("prune the webhook log", err)
}

func (s *PartnerStore) GetWebhookEvent(ctx context.Context, id string) (partner.WebhookEvent, error) {
	var ev partner.WebhookEvent
	var data string
	err := s.db.SQL.QueryRowContext(ctx, "SELECT id, type, partner_id, object, object_id, at, data FROM partner_webhook_events WHERE id = $1", id).
		Scan(&ev.ID, &ev.Type, &ev.PartnerID, &ev.Object, &ev.ObjectID, utc{&ev.At}, &data)
	ev.Data = json.RawMessage(data)
	return ev, s.fail("webhook event "+id, err)
}

func (s *PartnerStore) AddWebhookDelivery(ctx context.Context, endpointID, eventID string, at time.Time) (partner.WebhookDelivery, error) {
	var d partner.WebhookDelivery
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.exists(ctx, tx, "partner_webhook_endpoints", "webhook endpoint", endpointID); err != nil {
			return err
		}
		var ev partner.WebhookEvent
		err := tx.QueryRowContext(ctx, "SELECT id, type, object_id FROM partner_webhook_events WHERE id = $1", eventID).Scan(&ev.ID, &ev.Type, &ev.ObjectID)
		if isNoRows(err) {
			return fmt.Errorf("webhook event %s: %w", eventID, bookingkit.ErrNotFound)
		}
		if err != nil {
			return err
		}
		d, err = insertPartnerWebhookDelivery(ctx, tx, endpointID, ev, at)
		return err
	})
	return d, s.fail("add webhook delivery", err)
}

func (s *PartnerStore) GetWebhookDelivery(ctx context.Context, id int64) (partner.WebhookDelivery, error) {
	d, err := scanPartnerWebhookDelivery(s.db.SQL.QueryRowContext(ctx, "SELECT "+partnerWebhookDeliveryColumns+" FROM partner_webhook_deliveries WHERE id = $1", id))
	return d, s.fail(fmt.Sprint("webhook delivery ", id), err)
}

func (s *PartnerStore) EarlierWebhookDelivery(ctx context.Context, d partner.WebhookDelivery) (partner.WebhookDelivery, error) {
	e, err := scanPartnerWebhookDelivery(s.db.SQL.QueryRowContext(ctx, "SELECT "+partnerWebhookDeliveryColumns+` FROM partner_webhook_deliveries
		WHERE endpoint_id = $1 AND object_id = $2 AND id < $3 AND state = 'pending' ORDER BY id LIMIT 1`, d.EndpointID, d.ObjectID, d.ID))
	return e, s.fail(fmt.Sprint("earlier webhook delivery before ", d.ID), err)
}

func (s *PartnerStore) RecordWebhookAttempt(ctx context.Context, a partner.WebhookAttempt, state partner.WebhookDeliveryState) (partner.WebhookDelivery, error) {
	var d partner.WebhookDelivery
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var delivered any
		if state == partner.WebhookDelivered {
			delivered = a.At.UTC()
		}
		res, err := tx.ExecContext(ctx, `UPDATE partner_webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $1, last_status = $2,
			last_error = $3, state = $4, delivered_at = COALESCE($5, delivered_at) WHERE id = $6`,
			a.At.UTC(), a.StatusCode, a.Error, string(state), delivered, a.DeliveryID)
		if err := s.db.OneRow(res, err, fmt.Sprint("webhook delivery ", a.DeliveryID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO partner_webhook_attempts (delivery_id, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)",
			a.DeliveryID, a.At.UTC(), a.StatusCode, a.Error, a.Duration.Milliseconds()); err != nil {
			return err
		}
		d, err = scanPartnerWebhookDelivery(tx.QueryRowContext(ctx, "SELECT "+partnerWebhookDeliveryColumns+" FROM partner_webhook_deliveries WHERE id = $1", a.DeliveryID))
		return err
	})
	return d, s.fail("record webhook attempt", err)
}

func (s *PartnerStore) ListWebhookDeliveries(ctx context.Context, q partner.WebhookDeliveryQuery) ([]partner.WebhookDelivery, error) {
	var b partnerQuery
	b.cond("endpoint_id = " + b.arg(q.EndpointID))
	if q.Before > 0 {
		b.cond("id < " + b.arg(q.Before))
	}
	query := "SELECT " + partnerWebhookDeliveryColumns + " FROM partner_webhook_deliveries" + b.whereSQL() + " ORDER BY id DESC LIMIT " + b.arg(q.Limit)
	return partnerList(ctx, s, "list webhook deliveries", query, b.args, scanPartnerWebhookDelivery)
}

func (s *PartnerStore) ListWebhookAttempts(ctx context.Context, deliveryID int64, limit int) ([]partner.WebhookAttempt, error) {
	return partnerList(ctx, s, "list webhook attempts", `SELECT delivery_id, at, status_code, error, duration_ms FROM partner_webhook_attempts
		WHERE delivery_id = $1 ORDER BY id DESC LIMIT $2`, []any{deliveryID, limit}, func(r scanner) (a partner.WebhookAttempt, err error) {
		var ms int64
		err = r.Scan(&a.DeliveryID, utc{&a.At}, &a.StatusCode, &a.Error, &ms)
		a.Duration = time.Duration(ms) * time.Millisecond
		return a, err
	})
}
