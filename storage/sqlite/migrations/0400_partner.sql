-- Partner channel (package partner): partners, their users and companies,
-- instances and licences, the terminal activity log, support threads and
-- the audit log. Times are UTC TIMESTAMP text, which sorts in time order;
-- zero times are NULL except partner_threads.last_message_at, where a
-- thread without messages holds the smallest time so that it sorts last
-- in the newest-first thread list. IDs compare byte by byte (BINARY).

CREATE TABLE partner_partners (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);

-- email_key is the address lower-cased by the adapter: an address is
-- unique ignoring case (SQLite's lower() knows only ASCII).
CREATE TABLE partner_users (
	id         TEXT PRIMARY KEY,
	partner_id TEXT REFERENCES partner_partners (id), -- NULL for an administrator
	role       TEXT NOT NULL,
	name       TEXT NOT NULL,
	email      TEXT NOT NULL,
	email_key  TEXT NOT NULL UNIQUE,
	created_at TIMESTAMP NOT NULL
);

CREATE TABLE partner_companies (
	id         TEXT PRIMARY KEY,
	partner_id TEXT NOT NULL REFERENCES partner_partners (id),
	name       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX partner_companies_partner ON partner_companies (partner_id, id);

CREATE TABLE partner_instances (
	id                    TEXT PRIMARY KEY,
	partner_id            TEXT NOT NULL,
	company_id            TEXT NOT NULL REFERENCES partner_companies (id),
	type                  TEXT NOT NULL,
	profile               TEXT NOT NULL DEFAULT '',
	state                 TEXT NOT NULL,
	company_data          TEXT NOT NULL, -- JSON object of strings
	config                TEXT NOT NULL, -- JSON object of strings
	config_version        INTEGER NOT NULL DEFAULT 0,
	expires_at            TIMESTAMP NOT NULL,
	contract_text         TEXT NOT NULL DEFAULT '',
	contract_sha256       TEXT NOT NULL DEFAULT '',
	contract_generated_at TIMESTAMP,
	deact_reason          TEXT NOT NULL DEFAULT '',
	deact_requested_by    TEXT NOT NULL DEFAULT '',
	deact_requested_at    TIMESTAMP,
	deact_decision        TEXT NOT NULL DEFAULT '',
	deact_decision_reason TEXT NOT NULL DEFAULT '',
	deact_decided_by      TEXT NOT NULL DEFAULT '',
	deact_decided_at      TIMESTAMP,
	created_by            TEXT NOT NULL,
	created_at            TIMESTAMP NOT NULL,
	activated_at          TIMESTAMP,
	updated_at            TIMESTAMP NOT NULL,
	version               INTEGER NOT NULL CHECK (version >= 1)
);
-- Lists by partner and company in ID order. Reports group one partner's
-- instances, or every partner's, by type, profile and state: these
-- covering indexes give the rows in that order, so the groups stream out
-- without a sort.
CREATE INDEX partner_instances_partner ON partner_instances (partner_id, id);
CREATE INDEX partner_instances_company ON partner_instances (company_id, id);
CREATE INDEX partner_instances_report ON partner_instances (partner_id, type, profile, state, expires_at, activated_at);
CREATE INDEX partner_instances_report_all ON partner_instances (type, profile, state, expires_at, activated_at, partner_id);

-- serial and pin are NULL while the licence is free. A terminal (serial
-- or PIN) holds at most one licence of an instance, and a login belongs to
-- at most one licence of an instance that is not deactivated.
-- search_text is the adapter's lower-cased "name\nlogin\nemail\nserial\npin"
-- for the substring search within an instance.
CREATE TABLE partner_licences (
	id                    TEXT PRIMARY KEY,
	partner_id            TEXT NOT NULL,
	company_id            TEXT NOT NULL,
	instance_id           TEXT NOT NULL REFERENCES partner_instances (id),
	instance_type         TEXT NOT NULL,
	profile               TEXT NOT NULL DEFAULT '',
	state                 TEXT NOT NULL,
	user_name             TEXT NOT NULL,
	login                 TEXT NOT NULL,
	email                 TEXT NOT NULL DEFAULT '',
	serial                TEXT,
	pin                   TEXT,
	bound_at              TIMESTAMP,
	search_text           TEXT NOT NULL,
	deact_reason          TEXT NOT NULL DEFAULT '',
	deact_requested_by    TEXT NOT NULL DEFAULT '',
	deact_requested_at    TIMESTAMP,
	deact_decision        TEXT NOT NULL DEFAULT '',
	deact_decision_reason TEXT NOT NULL DEFAULT '',
	deact_decided_by      TEXT NOT NULL DEFAULT '',
	deact_decided_at      TIMESTAMP,
	created_by            TEXT NOT NULL,
	created_at            TIMESTAMP NOT NULL,
	updated_at            TIMESTAMP NOT NULL,
	version               INTEGER NOT NULL CHECK (version >= 1)
);
CREATE INDEX partner_licences_instance ON partner_licences (instance_id, id);
CREATE INDEX partner_licences_partner ON partner_licences (partner_id, id);
CREATE INDEX partner_licences_login ON partner_licences (login, id);
CREATE UNIQUE INDEX partner_licences_live_login ON partner_licences (instance_id, login) WHERE state <> 'deactivated';
CREATE UNIQUE INDEX partner_licences_serial ON partner_licences (serial, instance_id) WHERE serial IS NOT NULL;
CREATE UNIQUE INDEX partner_licences_pin ON partner_licences (pin, instance_id) WHERE pin IS NOT NULL;
CREATE INDEX partner_licences_report ON partner_licences (partner_id, instance_type, profile, state, created_at);
CREATE INDEX partner_licences_report_all ON partner_licences (instance_type, profile, state, created_at, partner_id);

-- The append-only terminal activity log. id (the rowid) increases in
-- append order. A terminal's search reads one of the two indexes
-- backwards from the window's end: its cost does not grow with the log.
CREATE TABLE partner_activity (
	id          INTEGER PRIMARY KEY,
	at          TIMESTAMP NOT NULL,
	kind        TEXT NOT NULL,
	partner_id  TEXT NOT NULL,
	company_id  TEXT NOT NULL,
	instance_id TEXT NOT NULL,
	licence_id  TEXT NOT NULL,
	serial      TEXT NOT NULL DEFAULT '',
	pin         TEXT NOT NULL DEFAULT '',
	user_login  TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_activity_serial ON partner_activity (serial, at DESC, id DESC);
CREATE INDEX partner_activity_pin ON partner_activity (pin, at DESC, id DESC);

-- One thread per company, created with it. partner_read and support_read
-- are the IDs of the last message each side has read ('' for none).
CREATE TABLE partner_threads (
	company_id      TEXT PRIMARY KEY REFERENCES partner_companies (id),
	partner_id      TEXT NOT NULL,
	last_message_at TIMESTAMP NOT NULL,
	messages        INTEGER NOT NULL DEFAULT 0,
	partner_read    TEXT NOT NULL DEFAULT '',
	support_read    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_threads_order ON partner_threads (last_message_at DESC, company_id DESC);
CREATE INDEX partner_threads_partner_order ON partner_threads (partner_id, last_message_at DESC, company_id DESC);

CREATE TABLE partner_messages (
	id         TEXT PRIMARY KEY,
	partner_id TEXT NOT NULL,
	company_id TEXT NOT NULL REFERENCES partner_companies (id),
	direction  TEXT NOT NULL,
	author_id  TEXT NOT NULL,
	body       TEXT NOT NULL,
	at         TIMESTAMP NOT NULL
);
CREATE INDEX partner_messages_thread ON partner_messages (company_id, id);
CREATE INDEX partner_messages_unread ON partner_messages (company_id, direction, id);

CREATE TABLE partner_audit (
	id         TEXT PRIMARY KEY,
	at         TIMESTAMP NOT NULL,
	actor_id   TEXT NOT NULL,
	actor_role TEXT NOT NULL DEFAULT '',
	partner_id TEXT NOT NULL DEFAULT '',
	object     TEXT NOT NULL,
	object_id  TEXT NOT NULL,
	action     TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_audit_partner ON partner_audit (partner_id, id);
CREATE INDEX partner_audit_object ON partner_audit (object_id, id);

-- Impersonation link nonces already used; forgotten once expired.
CREATE TABLE partner_used_nonces (
	nonce      TEXT PRIMARY KEY,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX partner_used_nonces_expiry ON partner_used_nonces (expires_at);
