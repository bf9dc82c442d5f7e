-- Standby queues (package standby). A flight is stored under its canonical
-- key (standby.FlightKey, e.g. SU-100-2026-11-23); an entry is one passenger
-- of one standby booking on one flight, identified by (flight_key,
-- booking_id, passenger). Entries are never deleted: they leave the queue
-- with a status. Keys use the "C" collation so that they sort byte by byte,
-- as in the other adapters.

-- standby_flights: one row per flight that has had entries or was closed.
-- version grows with every change to the flight's active entries, in the
-- same transaction, so servers sharing the database can tell when their
-- live queue is stale; writers lock a flight's row first, in key order.
-- closed_at is NULL while the flight takes standby passengers.
CREATE TABLE standby_flights (
	flight_key TEXT COLLATE "C" PRIMARY KEY,
	version    BIGINT NOT NULL,
	closed_at  TIMESTAMPTZ
);

-- standby_entries: cabin is standby.Cabin (0 first, 1 business,
-- 2 premium economy, 3 economy).
CREATE TABLE standby_entries (
	flight_key  TEXT COLLATE "C" NOT NULL REFERENCES standby_flights (flight_key),
	booking_id  TEXT COLLATE "C" NOT NULL,
	passenger   SMALLINT NOT NULL CHECK (passenger BETWEEN 0 AND 99),
	employer    TEXT NOT NULL,
	cabin       SMALLINT NOT NULL CHECK (cabin BETWEEN 0 AND 3),
	category    SMALLINT NOT NULL CHECK (category BETWEEN 0 AND 9),
	employed_on DATE NOT NULL,
	booked_at   TIMESTAMPTZ NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'boarded', 'closed')),
	added_at    TIMESTAMPTZ NOT NULL,
	changed_at  TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (flight_key, booking_id, passenger)
);
CREATE INDEX standby_entries_booking ON standby_entries (booking_id);
CREATE INDEX standby_entries_active ON standby_entries (flight_key) WHERE status = 'active';
