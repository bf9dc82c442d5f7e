// Package standby orders the standby queue of a flight and keeps a live
// queue per flight, so a booking engine can show staff travellers their
// place: estimated beside a standby fare in search results, again on the
// passenger-data page, and exactly once they have booked.
//
// A standby ticket has no guaranteed seat; at the airport the free seats go
// to the standby passengers in queue order.
//
// # Flights
//
// A [Flight] is its operating carrier, flight number and local departure
// date. Numbers and carriers are spelled many ways ("SU0100", "su 100",
// "100"); [Flight.Normalize] gives the canonical spelling and [Flight.Key]
// a [FlightKey] such as "SU-100-2026-11-23" that serves as map key and
// storage key ([ParseFlightKey] reads it back). [ParseFlight] reads what a
// person types.
//
// # The order
//
// [Compare] and [Sort] order the [Entry] values of one flight by, in
// decreasing weight:
//
//  1. the passenger works for the operating carrier;
//  2. the [Cabin]: [First], [Business], [PremiumEconomy], [Economy];
//  3. the category code, 0 to 9, lower first;
//  4. the employment date, earlier (longer service) first;
//  5. the time the booking was completed, earlier first;
//
// then by booking ID and passenger index, so the order is total and every
// process computes the same queue. [Explain] names the key that put one
// passenger ahead of another, with a sentence to show them.
//
// A companion stands in the queue with the employer and employment date of
// the employee they belong to and with their own category code:
// [Employee.Companion] applies that rule and [Booking.Entries] turns a
// completed booking into its entries.
//
// # Live queues
//
// A [Queue] keeps one flight's entries ordered as bookings arrive and leave.
// Adding, removing, a passenger's position ([Queue.Position], 1-based) and
// the estimate for a prospective booking ([Queue.Estimate]) each take
// O(log n) for a queue of n entries: the queue is an order-statistic treap
// whose nodes count their subtrees. [Queues] holds the queues of all
// flights, each with its own lock. [Anonymize] turns a page of a queue into
// rows staff may see: position, cabin and category, nothing that names a
// passenger or another passenger's booking; [Service.View] answers a page
// of it, at most [Service.MaxViewLimit] rows.
//
// # Storage and the service
//
// [Service] is what an application uses. It stores every change in a
// [Store] first and applies it to the live queue only once stored, so a
// failed write changes nothing and a restart loses no place:
// [Service.Rebuild] reloads every queue from the store at start. Entries
// leave a queue with a [Status]: cancelled, boarded, or closed with their
// flight. A flight that is closed or has departed ([Departed]) takes no
// standby passengers: [Service.Add] and [Service.Estimate] both refuse it
// with a [*NoStandbyError] ([Service.CheckOpen]), so an estimate never
// offers a place that booking would refuse. One person has one place per
// flight: an entry names its person in [Entry.Traveller] (staff bookings
// always do), and a second waiting entry of the same person on a flight is
// refused with an [*AlreadyQueuedError], by the store, so across every
// process sharing it. The storage adapters under storage/ implement Store;
// with [Service.Shared] set, several processes can share one database and
// each reloads a flight's queue when the flight's version in the store
// changed.
//
// Errors wrap the sentinels of package [github.com/bookingkit/bookingkit]:
// bad input is a [github.com/bookingkit/bookingkit.ValidationError] naming
// the field (it matches ErrInvalid), an unknown passenger ErrNotFound, a
// passenger added twice or a closed flight ErrConflict.
package standby
