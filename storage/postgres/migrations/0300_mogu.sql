-- MOGU (package mogu): microsite activation history, registered trips, the
-- app accounts that claimed them, and back-office operators' agency
-- accounts. IDs are COLLATE "C" so that keyset pages and ORDER BY follow
-- byte order, as the other adapters do, whatever the database's locale.

-- One row per change of MOGU's state on a microsite; the latest is the
-- current state. RecordActivation inserts seq = MAX(seq) + 1 conditionally,
-- and the primary key refuses a second writer of the same seq.
CREATE TABLE mogu_activations (
	microsite_id TEXT COLLATE "C" NOT NULL,
	seq          BIGINT      NOT NULL CHECK (seq >= 1),
	active       BOOLEAN     NOT NULL,
	changed_by   TEXT        NOT NULL,
	changed_at   TIMESTAMPTZ NOT NULL,
	note         TEXT        NOT NULL DEFAULT '',
	PRIMARY KEY (microsite_id, seq)
);

-- Registered bookings. claims counts the rows of mogu_trip_links of the
-- trip; AddLink keeps it in the same transaction as the link, under the
-- trip row's lock.
CREATE TABLE mogu_trips (
	booking_id       TEXT COLLATE "C" PRIMARY KEY,
	channel          SMALLINT    NOT NULL CHECK (channel IN (1, 2)), -- 1 B2C, 2 B2B
	contact_email    TEXT        NOT NULL,
	agent_email      TEXT        NOT NULL DEFAULT '',
	agency_id        TEXT COLLATE "C", -- NULL for B2C bookings
	microsite_id     TEXT COLLATE "C" NOT NULL,
	title            TEXT        NOT NULL DEFAULT '',
	travelers        INTEGER     NOT NULL CHECK (travelers >= 1),
	start_at         TIMESTAMPTZ NOT NULL,
	end_at           TIMESTAMPTZ NOT NULL,
	contact_key      TEXT COLLATE "C" NOT NULL,
	listed_by_email  BOOLEAN     NOT NULL,
	token_generation BIGINT      NOT NULL DEFAULT 1,
	claims           INTEGER     NOT NULL DEFAULT 0,
	registered_at    TIMESTAMPTZ NOT NULL,
	updated_at       TIMESTAMPTZ NOT NULL
);
-- The app's list of trips listed by email, the back office's list of an
-- agency's bookings; both in (start, booking) order for keyset pages.
CREATE INDEX mogu_trips_contact ON mogu_trips (contact_key, start_at, booking_id) WHERE listed_by_email;
CREATE INDEX mogu_trips_agency ON mogu_trips (agency_id, start_at, booking_id) WHERE agency_id IS NOT NULL;

-- Accounts that claimed a trip by scanning its voucher.
CREATE TABLE mogu_trip_links (
	account_id  TEXT COLLATE "C" NOT NULL,
	booking_id  TEXT COLLATE "C" NOT NULL REFERENCES mogu_trips (booking_id) ON DELETE CASCADE,
	email_key   TEXT        NOT NULL,
	link        TEXT        NOT NULL CHECK (link IN ('email', 'traveler')),
	generation  BIGINT      NOT NULL,
	linked_at   TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (account_id, booking_id)
);
CREATE INDEX mogu_trip_links_booking ON mogu_trip_links (booking_id);

-- Which operators may enter which agency accounts.
CREATE TABLE mogu_memberships (
	operator_id TEXT COLLATE "C" NOT NULL,
	agency_id   TEXT COLLATE "C" NOT NULL,
	granted_by  TEXT        NOT NULL,
	granted_at  TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (operator_id, agency_id)
);

-- The agency account each operator is in. The foreign key removes the row
-- with the membership (RemoveMembership) in the same statement, and makes
-- a switch racing with a revocation fail instead of outliving it.
CREATE TABLE mogu_current_agencies (
	operator_id TEXT COLLATE "C" PRIMARY KEY,
	agency_id   TEXT COLLATE "C" NOT NULL,
	entered_at  TIMESTAMPTZ NOT NULL,
	FOREIGN KEY (operator_id, agency_id) REFERENCES mogu_memberships (operator_id, agency_id) ON DELETE CASCADE
);
CREATE INDEX mogu_current_agencies_membership ON mogu_current_agencies (operator_id, agency_id);
