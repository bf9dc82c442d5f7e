-- Who each employee-list import changed, by name (package staffid, issue
-- 17): ImportChanges pages through them.
--
-- The people an import created are marked in their own row with the
-- import's ID, written with the COPY, so a new list of 100 000 people
-- costs no second row per person. The column has no index: a page of an
-- import's created people walks the primary key from the cursor, and
-- every index entry would cost each insert more than such a walk costs a
-- page. NULL for people created before this migration.
ALTER TABLE staffid_people ADD COLUMN created_import BIGINT;

-- The people an import updated, blocked or unblocked (usually few), as
-- the import left them: name ("LastName FirstName MiddleName"), and for
-- an updated or unblocked person the list's fields that changed, comma
-- separated.
CREATE TABLE staffid_import_changes (
	import_id   BIGINT  NOT NULL REFERENCES staffid_imports (id),
	kind        TEXT    NOT NULL, -- updated, blocked, unblocked
	person_id   TEXT COLLATE "C" NOT NULL,
	name        TEXT    NOT NULL,
	employee_id TEXT    NOT NULL DEFAULT '',
	is_employee BOOLEAN NOT NULL,
	fields      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (import_id, kind, person_id)
);
