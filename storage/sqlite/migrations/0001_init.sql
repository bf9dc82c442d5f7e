-- Platform tables shared by every module.

-- settings keeps small values the server creates on first start (for
-- example the hash of the generated import token).
CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
