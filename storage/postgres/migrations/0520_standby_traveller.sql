-- One person, one place per flight (package standby, Entry.Traveller).
-- traveller identifies the person travelling, the same in every booking:
-- the employee list's person ID for a staff booking, the engine's own
-- passenger ID when it sends one. NULL when not known (the entries stored
-- before this migration, and engine bookings without it): those are not
-- checked. The unique index holds while an entry waits, across every
-- server of the database; a cancelled, boarded or closed entry frees the
-- person to book again.
ALTER TABLE standby_entries ADD COLUMN traveller TEXT COLLATE "C";
CREATE UNIQUE INDEX standby_entries_traveller ON standby_entries (flight_key, traveller)
	WHERE status = 'active' AND traveller IS NOT NULL;
