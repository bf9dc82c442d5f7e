-- The held employee list (package staffid, issue 17): a list the
-- mass-block guard stopped, kept for a manager to approve or reject. At
-- most one row: the newest held list. id is the held upload's entry in
-- staffid_imports; basis the digest of the stored people it was planned
-- against; counts and report (the preview) JSON; list its people as the
-- export's JSON list, read again on approval.

CREATE TABLE staffid_held (
	id     BIGINT PRIMARY KEY REFERENCES staffid_imports (id),
	at     TIMESTAMPTZ NOT NULL,
	source TEXT   NOT NULL,
	actor  TEXT   NOT NULL DEFAULT '',
	basis  TEXT   NOT NULL,
	counts TEXT   NOT NULL,
	report TEXT   NOT NULL,
	list   BYTEA  NOT NULL
);
