-- Staff travel (package staffid): the people of the imported employee
-- list and the import history. Only imports write people, one transaction
-- each (StaffIDStore.ApplyImport), serialised by an advisory lock. IDs are
-- COLLATE "C" so that keyset pages and ORDER BY follow byte order, as the
-- other adapters do, whatever the database's locale.

CREATE TABLE staffid_people (
	id                 TEXT COLLATE "C" PRIMARY KEY, -- identity hash, "v1:…"
	group_key          TEXT COLLATE "C" NOT NULL,    -- value of the configured group field
	is_employee        BOOLEAN     NOT NULL,
	guid               TEXT        NOT NULL DEFAULT '',
	last_name          TEXT        NOT NULL,
	first_name         TEXT        NOT NULL,
	middle_name        TEXT        NOT NULL DEFAULT '',
	last_name_eng      TEXT        NOT NULL,
	first_name_eng     TEXT        NOT NULL,
	middle_name_eng    TEXT        NOT NULL DEFAULT '',
	birth_day          DATE,                         -- NULL for no date
	sex                TEXT        NOT NULL,
	date_of_employment DATE,
	employee_id        TEXT        NOT NULL DEFAULT '',
	category_code      SMALLINT    NOT NULL,
	email              TEXT        NOT NULL DEFAULT '',
	relation_degree    TEXT        NOT NULL DEFAULT '',
	digest             TEXT        NOT NULL, -- content digest: tells unchanged people at the next import
	blocked            BOOLEAN     NOT NULL DEFAULT FALSE,
	created_at         TIMESTAMPTZ NOT NULL,
	updated_at         TIMESTAMPTZ NOT NULL,
	blocked_at         TIMESTAMPTZ           -- NULL while active
);
-- GroupPeople: one group, the employee first, then by ID.
CREATE INDEX staffid_people_group ON staffid_people (group_key, is_employee DESC, id);
-- Blocked people in ID order; few are blocked, so the index is small. The
-- active ones are read in primary key order.
CREATE INDEX staffid_people_blocked ON staffid_people (id) WHERE blocked;

-- Every upload, accepted or refused. report is the Report as JSON, kept
-- as sent (json, not jsonb: the invalid records echo the uploader's
-- fields in their order).
CREATE TABLE staffid_imports (
	id                      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at                      TIMESTAMPTZ NOT NULL,
	source                  TEXT        NOT NULL,
	actor                   TEXT        NOT NULL DEFAULT '',
	forced                  BOOLEAN     NOT NULL DEFAULT FALSE,
	invalid_records_omitted INTEGER     NOT NULL DEFAULT 0,
	report                  JSON        NOT NULL
);
