package main

import (
	"context"
	"fmt"
	"time"
)

// reconcile puts back into the standby queues the staff bookings that a
// crash between storing and queueing left without their place
// ([staffid.Bookings.Reconcile]); run at start, once the queues are
// rebuilt. Several servers may run it at once on one database. It logs only
// when it repaired or could not repair something.
func (s *staffServer) reconcile(ctx context.Context) error {
	start := time.Now()
	report, err := s.bookings.Reconcile(ctx)
	if err != nil {
		return fmt.Errorf("staff: put lost standby bookings back into their queues: %w", err)
	}
	if report.Queued > 0 {
		s.logger.Info("staff: standby bookings that had lost their place put back into their queues",
			"queued", report.Queued, "checked", report.Checked, "duration", time.Since(start).Round(time.Millisecond))
	}
	for _, r := range report.Refused {
		s.logger.Warn("staff: a standby booking without its place could not be queued again", "booking", r.BookingID, "error", r.Err)
	}
	return nil
}
