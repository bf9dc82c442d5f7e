-- Partners' webhook endpoints (package partner, Webhooks): each partner's
-- URLs with their signing secrets ("whsec_…", kept to sign), and the
-- catch-all (id whe_catchall, partner_id '') from the configuration. The
-- events recorded for them, one delivery per event and endpoint (its id
-- gives the order of sending per object) and every attempt of a delivery:
-- the delivery log. The outbox carries a message per delivery that the
-- worker sends.

CREATE TABLE partner_webhook_endpoints (
	id          TEXT PRIMARY KEY,
	partner_id  TEXT NOT NULL,
	url         TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	secret      TEXT NOT NULL,
	created_by  TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX partner_webhook_endpoints_partner ON partner_webhook_endpoints (partner_id, id);

CREATE TABLE partner_webhook_events (
	id         TEXT PRIMARY KEY,
	type       TEXT NOT NULL,
	partner_id TEXT NOT NULL,
	object     TEXT NOT NULL,
	object_id  TEXT NOT NULL,
	at         TIMESTAMPTZ NOT NULL,
	data       TEXT NOT NULL
);

CREATE TABLE partner_webhook_deliveries (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	endpoint_id     TEXT NOT NULL,
	event_id        TEXT NOT NULL REFERENCES partner_webhook_events (id),
	event_type      TEXT NOT NULL,
	object_id       TEXT NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_attempt_at TIMESTAMPTZ,
	last_status     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	delivered_at    TIMESTAMPTZ,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX partner_webhook_deliveries_log ON partner_webhook_deliveries (endpoint_id, id);
CREATE INDEX partner_webhook_deliveries_pending ON partner_webhook_deliveries (endpoint_id, object_id, id) WHERE state = 'pending';

CREATE TABLE partner_webhook_attempts (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	delivery_id BIGINT NOT NULL,
	at          TIMESTAMPTZ NOT NULL,
	status_code INTEGER NOT NULL,
	error       TEXT NOT NULL,
	duration_ms INTEGER NOT NULL
);
CREATE INDEX partner_webhook_attempts_delivery ON partner_webhook_attempts (delivery_id, id);
