-- Staff bookings (package staffid, BookingStore): what employees book for
-- themselves and their companions. seq numbers the bookings in the order
-- they were stored: the list's order (newest first) and its page cursor.
-- The passengers are the list's data as it was at booking time; they do
-- not reference staffid_people, so a booking outlives any change of the
-- list. Times are UTC; dates ISO text (YYYY-MM-DD).

CREATE TABLE staffid_bookings (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT    NOT NULL UNIQUE,
	booked_by      TEXT    NOT NULL, -- person ID of the employee
	group_key      TEXT    NOT NULL,
	flight_key     TEXT    NOT NULL, -- standby.FlightKey, e.g. SU-100-2026-12-01
	fare_basis     TEXT    NOT NULL DEFAULT '',
	passenger_type TEXT    NOT NULL,
	cabin          INTEGER NOT NULL,
	standby        BOOLEAN NOT NULL,
	created_at     TIMESTAMP NOT NULL
);
-- Bookings made by one of a group's people, newest first.
CREATE INDEX staffid_bookings_booked_by ON staffid_bookings (booked_by, seq);

CREATE TABLE staffid_booking_passengers (
	booking_seq     INTEGER NOT NULL REFERENCES staffid_bookings (seq) ON DELETE CASCADE,
	idx             INTEGER NOT NULL, -- the passenger's place in the booking, from 0
	person_id       TEXT    NOT NULL,
	is_employee     BOOLEAN NOT NULL,
	last_name_eng   TEXT    NOT NULL,
	first_name_eng  TEXT    NOT NULL,
	middle_name_eng TEXT    NOT NULL DEFAULT '',
	birth_day       TEXT    NOT NULL,
	sex             TEXT    NOT NULL,
	category_code   INTEGER NOT NULL,
	PRIMARY KEY (booking_seq, idx)
);
-- Bookings carrying one of a group's people, newest first.
CREATE INDEX staffid_booking_passengers_person ON staffid_booking_passengers (person_id, booking_seq);
