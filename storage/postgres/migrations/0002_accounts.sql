-- Accounts, one-time links and sessions (package account), shared by the
-- modules that have users. Times are UTC.

CREATE TABLE accounts (
	id            TEXT PRIMARY KEY,
	realm         TEXT NOT NULL,
	email         TEXT NOT NULL,
	subject       TEXT, -- NULL when the account has no subject
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMPTZ NOT NULL,
	UNIQUE (realm, email)
);
CREATE UNIQUE INDEX accounts_realm_subject ON accounts (realm, subject) WHERE subject IS NOT NULL;

CREATE TABLE account_links (
	token_hash TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	purpose    TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL,
	used_at    TIMESTAMPTZ
);
CREATE INDEX account_links_account ON account_links (account_id);

CREATE TABLE account_sessions (
	token_hash TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX account_sessions_account ON account_sessions (account_id);
