-- Partners' API keys (package partner, issue 18): a partner's own systems
-- call the partner API with a key an administrator created for it. Only
-- the key's SHA-256 (hex) is kept, looked up by its unique index. Times are
-- UTC TIMESTAMP text; last_used_at and revoked_at are NULL until then.

CREATE TABLE partner_api_keys (
	id           TEXT PRIMARY KEY,
	partner_id   TEXT NOT NULL REFERENCES partner_partners (id),
	name         TEXT NOT NULL,
	read_only    BOOLEAN NOT NULL DEFAULT FALSE,
	hash         TEXT NOT NULL UNIQUE,
	created_by   TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at   TIMESTAMP,
	revoked_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_api_keys_partner ON partner_api_keys (partner_id, id);
