-- Messages waiting for delivery (package outbox): mails with one-time
-- links, later webhooks. A row is deleted once delivered. next_attempt_at
-- is when the row is due; a worker that claims it moves it to the end of
-- its lease and marks it with lease_token, so no other worker takes it
-- meanwhile. Times are UTC.

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	kind            TEXT NOT NULL,
	payload         TEXT NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	next_attempt_at TIMESTAMP NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	lease_token     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);
