package staffid

import (
	"context"
	"errors"
	"fmt"

	"github.com/bookingkit/bookingkit"
)

// ReconcileReport counts what [Bookings.Reconcile] found.
type ReconcileReport struct {
	// Checked is the number of standby bookings on flights that have not
	// left yet.
	Checked int
	// Queued is the number of them the queue did not know and that were
	// added to it now.
	Queued int
	// Refused lists the bookings the queue did not know but would not
	// take (a closed flight, an employee no longer listed, ...); they stay
	// stored without a place.
	Refused []ReconcileRefusal
}

// ReconcileRefusal is a booking [Bookings.Reconcile] could not queue.
type ReconcileRefusal struct {
	BookingID string
	Err       error
}

// reconcilePageSize is the number of bookings Reconcile reads at a time.
const reconcilePageSize = 200

// Reconcile puts back into the standby queue the stored standby bookings
// that lost their place: [Bookings.Create] stores a booking and then queues
// it, so a process that dies between the two leaves the booking stored but
// unknown to the queue. Run it at start, after the queues were loaded.
//
// It looks at the standby bookings on flights that have not left yet (the
// rule of Create) and adds each one the queue does not know at all
// ([StandbyQueue.Placements] finds nothing), with its passengers as Create
// would have added them; the employee's rights are read from the list now.
// A booking the queue knows, even with every passenger cancelled or
// boarded, is left alone. A booking the queue refuses (closed flight,
// blocked employee, rules of the queue) is listed in the report and the
// rest go on; a store or queue failure stops the run with an error and the
// report so far.
//
// It is idempotent and safe to run on several servers at once over one
// database: standby.Service.AddBooking stores a booking's entries all or
// none and refuses, with bookingkit.ErrConflict, a passenger already
// stored, so when two servers add the same booking one of them wins and the
// other is refused; Reconcile then finds the booking in the queue and
// counts it as known. Create does the same when a Reconcile queued its
// booking first. (One race remains: a Create whose queueing fails for
// another reason takes its booking back, and a Reconcile running in that
// instant may have queued it; the entries then wait for a booking that no
// longer exists.)
func (s *Bookings) Reconcile(ctx context.Context) (ReconcileReport, error) {
	var report ReconcileReport
	if s.queue == nil {
		return report, nil // no standby fares: nothing is ever queued
	}
	q := StandbyBookingQuery{FlightsFrom: earliestFlightDate(s.now()), Limit: reconcilePageSize}
	employees := map[string]Person{}
	for {
		page, err := s.store.StandbyBookings(ctx, q)
		if err != nil {
			return report, fmt.Errorf("staffid: reconcile: standby bookings: %w", err)
		}
		for _, b := range page {
			if !b.Standby || b.Flight.Date.Before(q.FlightsFrom) {
				continue // not the store's to return; be safe
			}
			report.Checked++
			queued, err := s.reconcileOne(ctx, b, employees)
			switch {
			case isQueueRefusal(err):
				report.Refused = append(report.Refused, ReconcileRefusal{BookingID: b.ID, Err: err})
			case err != nil:
				return report, fmt.Errorf("staffid: reconcile: booking %s: %w", b.ID, err)
			case queued:
				report.Queued++
			}
		}
		if len(page) < q.Limit {
			return report, nil
		}
		q.AfterSeq = page[len(page)-1].Seq
	}
}

// reconcileOne adds b to the queue when the queue does not know it and
// reports whether it did. employees caches the bookers read so far.
func (s *Bookings) reconcileOne(ctx context.Context, b Booking, employees map[string]Person) (bool, error) {
	known, err := s.placements(ctx, b.ID)
	if err != nil || len(known) > 0 {
		return false, err
	}
	emp, ok := employees[b.BookedBy]
	if !ok {
		if emp, err = activeEmployee(ctx, s.people, b.BookedBy); err != nil {
			return false, err
		}
		employees[b.BookedBy] = emp
	}
	if _, err := s.queue.AddBooking(ctx, s.standbyBooking(emp, b)); err != nil {
		if errors.Is(err, bookingkit.ErrConflict) {
			// Another server may have added it since we looked.
			if known, perr := s.placements(ctx, b.ID); perr == nil && len(known) > 0 {
				return false, nil
			}
		}
		return false, err
	}
	return true, nil
}

// isQueueRefusal reports whether err is the queue or the list saying no to one
// booking, rather than a failure that would hit every booking.
func isQueueRefusal(err error) bool {
	return errors.Is(err, bookingkit.ErrConflict) || errors.Is(err, bookingkit.ErrInvalid) || errors.Is(err, ErrBlocked)
}
