package main

import (
	"context"

	"github.com/bookingkit/bookingkit/staffid"
)

// followList is the importer's AfterImport: the accounts of employees the
// list now gives another email move to it ([staffid.Accounts.FollowList]).
// The import is stored whatever happens here, so failures are logged, not
// answered; the accounts they concern stay shut (staffid.Gate) until they
// move when next used or when the employee registers with the listed
// address.
func (s *staffServer) followList(ctx context.Context, changed []*staffid.Person) {
	moved, err := s.accounts.FollowList(ctx, changed)
	if moved > 0 {
		s.logger.InfoContext(ctx, "staff: accounts moved to the addresses the employee list now gives", "moved", moved)
	}
	if err != nil {
		s.logger.ErrorContext(ctx, "staff: some accounts could not move to the addresses the employee list now gives", "error", err)
	}
}
