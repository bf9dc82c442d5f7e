-- Standby bookings by flight date (package staffid,
-- BookingStore.StandbyBookings): Bookings.Reconcile reads, at start, the
-- standby bookings on flights that have not left yet, to put back into the
-- queue any that lost their place. The flight's date is the last ten
-- characters of flight_key (CARRIER-NUMBER-YYYY-MM-DD).
CREATE INDEX staffid_bookings_standby_flight_date ON staffid_bookings (substr(flight_key, -10), seq) WHERE standby;
