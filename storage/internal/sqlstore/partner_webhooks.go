package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// Webhooks (tables partner_webhook_*, migration 0540).

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

// insertPartnerWebhookEndpoint inserts e, the statement ending with then.
func insertPartnerWebhookEndpoint(ctx context.Context, tx querier, e partner.WebhookEndpoint, then string) error {
	_, err := tx.ExecContext(ctx, insertSQL("partner_webhook_endpoints", partnerWebhookEndpointColumns)+then,
		e.ID, e.PartnerID, e.URL, e.Description, e.Secret, e.CreatedBy, e.CreatedAt.UTC())
	return err
}

func (s *PartnerStore) CreateWebhookEndpoint(ctx context.Context, e partner.WebhookEndpoint, audit partner.AuditRecord) error {
	return s.change(ctx, "create webhook endpoint", audit, func(tx *sql.Tx) error {
		return insertPartnerWebhookEndpoint(ctx, tx, e, "")
	})
}

func (s *PartnerStore) GetWebhookEndpoint(ctx context.Context, id string) (partner.WebhookEndpoint, error) {
	return partnerOne(ctx, s, "webhook endpoint "+id, scanPartnerWebhookEndpoint, "SELECT "+partnerWebhookEndpointColumns+" FROM partner_webhook_endpoints WHERE id = $1", id)
}

func (s *PartnerStore) ListWebhookEndpoints(ctx context.Context, partnerID string) ([]partner.WebhookEndpoint, error) {
	return list(ctx, s.db, "partner list webhook endpoints", scanPartnerWebhookEndpoint,
		"SELECT "+partnerWebhookEndpointColumns+" FROM partner_webhook_endpoints WHERE partner_id = $1 ORDER BY id", partnerID)
}

// deletePartnerWebhooks deletes table's rows whose id is in ids, after
// their deliveries (by key) and those deliveries' attempts.
func deletePartnerWebhooks(ctx context.Context, tx *sql.Tx, table, key, ids string, arg any) (int64, error) {
	return execEach(ctx, tx, []string{
		"DELETE FROM partner_webhook_attempts WHERE delivery_id IN (SELECT id FROM partner_webhook_deliveries WHERE " + key + " IN (" + ids + "))",
		"DELETE FROM partner_webhook_deliveries WHERE " + key + " IN (" + ids + ")",
		"DELETE FROM " + table + " WHERE id IN (" + ids + ")",
	}, arg)
}

func (s *PartnerStore) DeleteWebhookEndpoint(ctx context.Context, id string, audit partner.AuditRecord) error {
	return s.change(ctx, "delete webhook endpoint", audit, func(tx *sql.Tx) error {
		n, err := deletePartnerWebhooks(ctx, tx, "partner_webhook_endpoints", "endpoint_id", "$1", id)
		if err == nil && n == 0 {
			err = fmt.Errorf("webhook endpoint %s: %w", id, bookingkit.ErrNotFound)
		}
		return err
	})
}

func (s *PartnerStore) SetWebhookCatchAll(ctx context.Context, e partner.WebhookEndpoint) error {
	return s.fail("set the catch-all webhook endpoint", s.db.InTx(ctx, func(tx *sql.Tx) error {
		if e.URL == "" {
			_, err := deletePartnerWebhooks(ctx, tx, "partner_webhook_endpoints", "endpoint_id", "$1", partner.CatchAllEndpointID)
			return err
		}
		e.ID, e.PartnerID = partner.CatchAllEndpointID, ""
		return insertPartnerWebhookEndpoint(ctx, tx, e, " ON CONFLICT (id) DO UPDATE SET url = excluded.url, secret = excluded.secret, description = excluded.description")
	}))
}

// partnerDeliver adds a pending delivery of event eventID to each endpoint
// e that where selects (its arguments from $3), and returns them by ID.
func partnerDeliver(ctx context.Context, q querier, eventID string, at time.Time, where string, args ...any) ([]partner.WebhookDelivery, error) {
	ds, err := queryAll(ctx, q, func(r scanner) (d partner.WebhookDelivery, err error) {
		d = partner.WebhookDelivery{EventID: eventID, State: partner.WebhookPending, CreatedAt: at.UTC()}
		return d, r.Scan(&d.ID, &d.EndpointID, &d.EventType, &d.ObjectID)
	}, `INSERT INTO partner_webhook_deliveries (endpoint_id, event_id, event_type, object_id, state, created_at)
		SELECT e.id, v.id, v.type, v.object_id, 'pending', $2 FROM partner_webhook_endpoints e JOIN partner_webhook_events v ON v.id = $1
		WHERE `+where+" ORDER BY e.id RETURNING id, endpoint_id, event_type, object_id", append([]any{eventID, at.UTC()}, args...)...)
	slices.SortFunc(ds, func(a, b partner.WebhookDelivery) int { return cmp.Compare(a.ID, b.ID) })
	return ds, err
}

func (s *PartnerStore) RecordWebhookEvent(ctx context.Context, ev partner.WebhookEvent) (out []partner.WebhookDelivery, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO partner_webhook_events (id, type, partner_id, object, object_id, at, data) SELECT $1, $2, $3, $4, $5, $6, $7
			WHERE EXISTS (SELECT 1 FROM partner_webhook_endpoints WHERE partner_id = $3 OR partner_id = '')`,
			ev.ID, ev.Type, ev.PartnerID, ev.Object, ev.ObjectID, ev.At.UTC(), string(ev.Data))
		if err != nil {
			return err
		}
		out, err = partnerDeliver(ctx, tx, ev.ID, ev.At, "e.partner_id = $3 OR e.partner_id = ''", ev.PartnerID)
		return err
	})
	return out, s.fail("record webhook event", err)
}

// partnerWebhookPrunable are the events old enough with no delivery pending.
const partnerWebhookPrunable = `SELECT id FROM partner_webhook_events WHERE at < $1
	AND id NOT IN (SELECT event_id FROM partner_webhook_deliveries WHERE state = 'pending')`

func (s *PartnerStore) PruneWebhookLog(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) (err error) {
		n, err = deletePartnerWebhooks(ctx, tx, "partner_webhook_events", "event_id", partnerWebhookPrunable, before.UTC())
		return err
	})
	return int(n), s.fail("prune the webhook log", err)
}

func (s *PartnerStore) GetWebhookEvent(ctx context.Context, id string) (partner.WebhookEvent, error) {
	return partnerOne(ctx, s, "webhook event "+id, func(r scanner) (ev partner.WebhookEvent, err error) {
		return ev, r.Scan(&ev.ID, &ev.Type, &ev.PartnerID, &ev.Object, &ev.ObjectID, utc{&ev.At}, (*[]byte)(&ev.Data))
	}, "SELECT id, type, partner_id, object, object_id, at, data FROM partner_webhook_events WHERE id = $1", id)
}

func (s *PartnerStore) AddWebhookDelivery(ctx context.Context, endpointID, eventID string, at time.Time) (partner.WebhookDelivery, error) {
	ds, err := partnerDeliver(ctx, s.db.SQL, eventID, at, "e.id = $3", endpointID)
	if err == nil && len(ds) == 1 {
		return ds[0], nil
	}
	if err == nil {
		if err = s.exists(ctx, s.db.SQL, "partner_webhook_endpoints", "webhook endpoint", endpointID); err == nil {
			err = fmt.Errorf("webhook event %s: %w", eventID, bookingkit.ErrNotFound)
		}
	}
	return partner.WebhookDelivery{}, s.fail("add webhook delivery", err)
}

func (s *PartnerStore) GetWebhookDelivery(ctx context.Context, id int64) (partner.WebhookDelivery, error) {
	return partnerOne(ctx, s, fmt.Sprint("webhook delivery ", id), scanPartnerWebhookDelivery, "SELECT "+partnerWebhookDeliveryColumns+" FROM partner_webhook_deliveries WHERE id = $1", id)
}

func (s *PartnerStore) EarlierWebhookDelivery(ctx context.Context, d partner.WebhookDelivery) (partner.WebhookDelivery, error) {
	return partnerOne(ctx, s, fmt.Sprint("earlier webhook delivery before ", d.ID), scanPartnerWebhookDelivery, "SELECT "+partnerWebhookDeliveryColumns+
		` FROM partner_webhook_deliveries WHERE endpoint_id = $1 AND object_id = $2 AND id < $3 AND state = 'pending' ORDER BY id LIMIT 1`, d.EndpointID, d.ObjectID, d.ID)
}

func (s *PartnerStore) RecordWebhookAttempt(ctx context.Context, a partner.WebhookAttempt, state partner.WebhookDeliveryState) (d partner.WebhookDelivery, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO partner_webhook_attempts (delivery_id, at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)",
			a.DeliveryID, a.At.UTC(), a.StatusCode, a.Error, a.Duration.Milliseconds())
		if err != nil {
			return err
		}
		d, err = scanPartnerWebhookDelivery(tx.QueryRowContext(ctx, `UPDATE partner_webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $1,
			last_status = $2, last_error = $3, state = $4, delivered_at = CASE WHEN $4 = 'delivered' THEN $1 ELSE delivered_at END
			WHERE id = $5 RETURNING `+partnerWebhookDeliveryColumns, a.At.UTC(), a.StatusCode, a.Error, string(state), a.DeliveryID))
		if isNoRows(err) {
			return s.db.Fail("webhook delivery %d: %w", a.DeliveryID, bookingkit.ErrNotFound)
		}
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
	return list(ctx, s.db, "partner list webhook deliveries", scanPartnerWebhookDelivery, query, b.args...)
}

func (s *PartnerStore) ListWebhookAttempts(ctx context.Context, deliveryID int64, limit int) ([]partner.WebhookAttempt, error) {
	return list(ctx, s.db, "partner list webhook attempts", func(r scanner) (a partner.WebhookAttempt, err error) {
		var ms int64
		err = r.Scan(&a.DeliveryID, utc{&a.At}, &a.StatusCode, &a.Error, &ms)
		a.Duration = time.Duration(ms) * time.Millisecond
		return a, err
	}, "SELECT delivery_id, at, status_code, error, duration_ms FROM partner_webhook_attempts WHERE delivery_id = $1 ORDER BY id DESC LIMIT $2", deliveryID, limit)
}
