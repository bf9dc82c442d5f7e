-- Partners' API keys (package partner, issue 18): a partner's own systems
-- call the partner API with a key an administrator created for it. Only
-- the key's SHA-256 (hex) is kept, looked up by its unique index;
-- last_used_at and revoked_at are NULL until then.

CREATE TABLE partner_api_keys (
	id           TEXT COLLATE "C" PRIMARY KEY,
	partner_id   TEXT COLLATE "C" NOT NULL REFERENCES partner_partners (id),
	name         TEXT NOT NULL,
	read_only    BOOLEAN NOT NULL DEFAULT FALSE,
	hash         TEXT COLLATE "C" NOT NULL UNIQUE,
	created_by   TEXT NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	last_used_at TIMESTAMPTZ,
	revoked_at   TIMESTAMPTZ,
	revoked_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_api_keys_partner ON partner_api_keys (partner_id, id);
