-- Idempotency keys of the POSTs that create bookings (package idempotency),
-- shared by every process on the database: one row per caller (scope) and
-- key, with the fingerprint of the request that first came with it, the
-- token of the request holding it while in flight (status 0), and then its
-- answer, replayed to a repeat until the key expires. Expired rows are
-- deleted now and then. Times are UTC.

CREATE TABLE idempotency_keys (
	scope TEXT NOT NULL,
	key TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	token TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	locked_until TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	status INTEGER NOT NULL DEFAULT 0,
	location TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	body BLOB,
	PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
