-- Rate limits shared by every process on the database (package throttle):
-- one row per key (a client address, an account) with its theoretical
-- arrival time, when the key's attempts are all refilled. A row whose tat
-- has passed means no more than a missing one; they are deleted now and
-- then.

CREATE TABLE rate_limits (
	key TEXT PRIMARY KEY,
	tat TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
