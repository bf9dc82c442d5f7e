-- Staff travel (package staffid): the people of the imported employee
-- list and the import history. Only imports write people, one transaction
-- each (StaffIDStore.ApplyImport). Times are UTC; dates are ISO text
-- (YYYY-MM-DD, '' for none), which sorts as dates do; IDs compare byte by
-- byte (SQLite's default BINARY collation), the order every adapter uses.

-- WITHOUT ROWID: the table is the B-tree of the primary key, so an import
-- writes each row into two B-trees (the table and the group index), not
-- four; its rows, about 300 bytes, are well within a page.
CREATE TABLE staffid_people (
	id                 TEXT    PRIMARY KEY, -- identity hash, "v1:…"
	group_key          TEXT    NOT NULL,    -- value of the configured group field
	is_employee        BOOLEAN NOT NULL,
	guid               TEXT    NOT NULL DEFAULT '',
	last_name          TEXT    NOT NULL,
	first_name         TEXT    NOT NULL,
	middle_name        TEXT    NOT NULL DEFAULT '',
	last_name_eng      TEXT    NOT NULL,
	first_name_eng     TEXT    NOT NULL,
	middle_name_eng    TEXT    NOT NULL DEFAULT '',
	birth_day          TEXT    NOT NULL,
	sex                TEXT    NOT NULL,
	date_of_employment TEXT    NOT NULL DEFAULT '',
	employee_id        TEXT    NOT NULL DEFAULT '',
	category_code      INTEGER NOT NULL,
	email              TEXT    NOT NULL DEFAULT '',
	relation_degree    TEXT    NOT NULL DEFAULT '',
	digest             TEXT    NOT NULL, -- content digest: tells unchanged people at the next import
	blocked            BOOLEAN NOT NULL DEFAULT FALSE,
	created_at         TIMESTAMP NOT NULL,
	updated_at         TIMESTAMP NOT NULL,
	blocked_at         TIMESTAMP           -- NULL while active
) WITHOUT ROWID;
-- GroupPeople: one group, the employee first, then by ID.
CREATE INDEX staffid_people_group ON staffid_people (group_key, is_employee DESC, id);
-- Blocked people in ID order; few are blocked, so the index is small. The
-- active ones are read from the table itself, which is in ID order.
CREATE INDEX staffid_people_blocked ON staffid_people (id) WHERE blocked = TRUE;

-- Every upload, accepted or refused; report is the Report as JSON.
CREATE TABLE staffid_imports (
	id                      INTEGER PRIMARY KEY AUTOINCREMENT,
	at                      TIMESTAMP NOT NULL,
	source                  TEXT    NOT NULL,
	actor                   TEXT    NOT NULL DEFAULT '',
	forced                  BOOLEAN NOT NULL DEFAULT FALSE,
	invalid_records_omitted INTEGER NOT NULL DEFAULT 0,
	report                  TEXT    NOT NULL
);
