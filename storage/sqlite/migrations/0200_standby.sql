-- Standby queues (package standby). A flight is stored under its canonical
-- key (standby.FlightKey, e.g. SU-100-2026-11-23); an entry is one passenger
-- of one standby booking on one flight, identified by (flight_key,
-- booking_id, passenger). Entries are never deleted: they leave the queue
-- with a status. Times are UTC.

-- standby_flights: one row per flight that has had entries or was closed.
-- version grows with every change to the flight's active entries, in the
-- same transaction, so servers sharing the database can tell when their
-- live queue is stale. closed_at is NULL while the flight takes standby
-- passengers.
CREATE TABLE standby_flights (
	flight_key TEXT PRIMARY KEY,
	version    INTEGER NOT NULL,
	closed_at  TIMESTAMP
);

-- standby_entries: cabin is standby.Cabin (0 first, 1 business,
-- 2 premium economy, 3 economy); employed_on is a date as YYYY-MM-DD.
-- Clustered by flight (WITHOUT ROWID). standby_entries_active holds every
-- column the queues are built from, for the active entries only: the
-- rebuild at start reads it alone, in flight order, however much history
-- the table keeps.
CREATE TABLE standby_entries (
	flight_key  TEXT NOT NULL REFERENCES standby_flights (flight_key),
	booking_id  TEXT NOT NULL,
	passenger   INTEGER NOT NULL CHECK (passenger BETWEEN 0 AND 99),
	employer    TEXT NOT NULL,
	cabin       INTEGER NOT NULL CHECK (cabin BETWEEN 0 AND 3),
	category    INTEGER NOT NULL CHECK (category BETWEEN 0 AND 9),
	employed_on DATE NOT NULL,
	booked_at   TIMESTAMP NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'boarded', 'closed')),
	added_at    TIMESTAMP NOT NULL,
	changed_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (flight_key, booking_id, passenger)
) WITHOUT ROWID;
CREATE INDEX standby_entries_booking ON standby_entries (booking_id);
CREATE INDEX standby_entries_active ON standby_entries
	(flight_key, booking_id, passenger, employer, cabin, category, employed_on, booked_at)
	WHERE status = 'active';
