package mogu

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/bookingkit/bookingkit"
)

// BackOfficeUser is a user of the engine's back office, as far as the
// "open in MOGU" button cares.
type BackOfficeUser struct {
	ID      string
	Channel Channel // B2B for users who work with agencies; only they see the button
}

// Membership grants a back-office operator access to one agency's account
// in MOGU's back office.
type Membership struct {
	OperatorID string
	AgencyID   string
	GrantedBy  string
	GrantedAt  time.Time
}

// OpenBookingLink returns the "open in MOGU" link of a booking, and whether
// the button is shown at all: only to B2B users, and only on B2B bookings,
// which belong to an agency account. The link names that account, so an
// operator who belongs to it lands in it directly ([Service.EnterAccount])
// instead of switching by hand.
//
// A link that would open the wrong account, or none, is refused rather
// than hidden, so the back office learns that its booking data is wrong:
//   - a B2B booking without an agency: a [*bookingkit.ValidationError] on
//     agency_id (every B2B booking belongs to an agency's account);
//   - a booking registered in MOGU with another channel or agency than b
//     says: a [*BookingMismatchError] (ErrConflict). MOGU's own record
//     decides which account shows the booking.
func (s *Service) OpenBookingLink(ctx context.Context, u BackOfficeUser, b Booking) (string, bool, error) {
	if u.Channel != B2B {
		return "", false, nil // the button is for B2B users only
	}
	if err := validateBookingID(b.ID); err != nil {
		return "", false, err
	}
	if b.Channel != B2C && b.Channel != B2B {
		return "", false, bookingkit.Invalid("booking_channel", b.Channel.String(), "b2c or b2b")
	}
	if b.Channel == B2B {
		if b.AgencyID == "" {
			return "", false, bookingkit.Invalid("agency_id", "", fmt.Sprintf("booking %s is B2B, so it belongs to an agency account: name the agency, or the link cannot tell which account to open", b.ID))
		}
		if err := validateID("agency_id", b.AgencyID); err != nil {
			return "", false, err
		}
	}
	t, err := s.store.Trip(ctx, b.ID)
	switch {
	case err == nil:
		if t.Channel != b.Channel || t.AgencyID != b.AgencyID {
			return "", false, &BookingMismatchError{BookingID: b.ID, Registered: t.Booking, Given: b}
		}
	case errors.Is(err, bookingkit.ErrNotFound):
		// Not registered (MOGU inactive for its microsite, say): the
		// engine's data is all there is.
	default:
		return "", false, fmt.Errorf("mogu: open link of booking %s: %w", b.ID, err)
	}
	if b.Channel != B2B {
		return "", false, nil // a B2C booking is in no agency account
	}
	return s.cfg.BackOfficeURL + "/accounts/" + url.PathEscape(b.AgencyID) + "/bookings/" + url.PathEscape(b.ID), true, nil
}

// BookingMismatchError refuses an "open in MOGU" link for a booking that
// MOGU registered with another channel or agency than the back office
// gave: the link would open an account that does not show the booking. It
// matches [bookingkit.ErrConflict].
type BookingMismatchError struct {
	BookingID  string
	Registered Booking // as MOGU registered it
	Given      Booking // as the back office described it
}

func (e *BookingMismatchError) Error() string {
	describe := func(b Booking) string {
		if b.Channel == B2B {
			return "a B2B booking of agency account " + b.AgencyID
		}
		return "a B2C booking, in no agency account"
	}
	return fmt.Sprintf("mogu: booking %s is registered in MOGU as %s, not as %s: the link would open the wrong account; correct the booking's agency", e.BookingID, describe(e.Registered), describe(e.Given))
}

// Is makes a *BookingMismatchError match bookingkit.ErrConflict.
func (e *BookingMismatchError) Is(target error) bool { return target == bookingkit.ErrConflict }

// OpenAgencyLink returns the "open in MOGU" link of the agencies page
// (Ideas & users > Agencies) for one agency, and whether it is shown: only
// to B2B users.
func (s *Service) OpenAgencyLink(u BackOfficeUser, agencyID string) (string, bool) {
	if u.Channel != B2B || agencyID == "" {
		return "", false
	}
	return s.cfg.BackOfficeURL + "/accounts/" + url.PathEscape(agencyID), true
}

// NotAdministratorError refuses an operator who is not one of
// [Config.Administrators] the granting or revoking of agency access. It
// matches [bookingkit.ErrForbidden].
type NotAdministratorError struct {
	OperatorID string
}

func (e *NotAdministratorError) Error() string {
	return fmt.Sprintf("mogu: operator %s is not a MOGU administrator: only administrators grant and revoke access to agency accounts", e.OperatorID)
}

// Is makes a *NotAdministratorError match bookingkit.ErrForbidden.
func (e *NotAdministratorError) Is(target error) bool { return target == bookingkit.ErrForbidden }

// IsAdministrator reports whether the operator is one of
// [Config.Administrators].
func (s *Service) IsAdministrator(operatorID string) bool {
	return slices.Contains(s.cfg.Administrators, operatorID)
}

// checkAdministrator refuses by unless it is an administrator: an
// operator granting themself (or anyone) an agency would otherwise read
// every agency's bookings.
func (s *Service) checkAdministrator(by string) error {
	if err := validateID("by", by); err != nil {
		return err
	}
	if !s.IsAdministrator(by) {
		return &NotAdministratorError{OperatorID: by}
	}
	return nil
}

// Grant gives an operator access to an agency's account; by names who
// grants it, and must be one of [Config.Administrators] (else a
// [*NotAdministratorError]). Granting twice returns an error matching
// [bookingkit.ErrConflict].
func (s *Service) Grant(ctx context.Context, by, operatorID, agencyID string) (Membership, error) {
	if err := s.checkAdministrator(by); err != nil {
		return Membership{}, err
	}
	if err := validateID("operator_id", operatorID); err != nil {
		return Membership{}, err
	}
	if err := validateID("agency_id", agencyID); err != nil {
		return Membership{}, err
	}
	m := Membership{OperatorID: operatorID, AgencyID: agencyID, GrantedBy: by, GrantedAt: s.now().UTC().Truncate(time.Microsecond)}
	if err := s.store.AddMembership(ctx, m); err != nil {
		return Membership{}, fmt.Errorf("mogu: grant operator %s access to agency %s: %w", operatorID, agencyID, err)
	}
	return m, nil
}

// Revoke withdraws an operator's access to an agency's account and takes
// them out of it if they are in it; by names who revokes it, and must be
// one of [Config.Administrators] (else a [*NotAdministratorError]).
// ErrNotFound when they had no access.
func (s *Service) Revoke(ctx context.Context, by, operatorID, agencyID string) error {
	if err := s.checkAdministrator(by); err != nil {
		return err
	}
	if err := validateID("operator_id", operatorID); err != nil {
		return err
	}
	if err := validateID("agency_id", agencyID); err != nil {
		return err
	}
	if err := s.store.RemoveMembership(ctx, operatorID, agencyID); err != nil {
		return fmt.Errorf("mogu: revoke operator %s access to agency %s: %w", operatorID, agencyID, err)
	}
	return nil
}

// Memberships lists the agency accounts an operator may enter, by agency
// ID, up to limit (0: DefaultPageSize) after afterAgencyID ("" from the
// first): the account switcher's menu.
func (s *Service) Memberships(ctx context.Context, operatorID, afterAgencyID string, limit int) ([]Membership, error) {
	if err := validateID("operator_id", operatorID); err != nil {
		return nil, err
	}
	limit, err := pageLimit(limit)
	if err != nil {
		return nil, err
	}
	return s.store.Memberships(ctx, operatorID, afterAgencyID, limit)
}

// ForbiddenAccountError refuses an operator an agency account they have no
// access to. It matches [bookingkit.ErrForbidden].
type ForbiddenAccountError struct {
	OperatorID string
	AgencyID   string // "" when the operator is in no account at all
}

func (e *ForbiddenAccountError) Error() string {
	if e.AgencyID == "" {
		return fmt.Sprintf("mogu: operator %s is in no agency account: enter one first", e.OperatorID)
	}
	return fmt.Sprintf("mogu: operator %s has no access to agency account %s: ask an administrator to grant it", e.OperatorID, e.AgencyID)
}

// Is makes a *ForbiddenAccountError match bookingkit.ErrForbidden.
func (e *ForbiddenAccountError) Is(target error) bool { return target == bookingkit.ErrForbidden }

// EnterAccount puts the operator in the agency's account — switching
// accounts, or landing from an "open in MOGU" link. An operator without
// access gets a [*ForbiddenAccountError] and stays where they were.
func (s *Service) EnterAccount(ctx context.Context, operatorID, agencyID string) error {
	if err := validateID("operator_id", operatorID); err != nil {
		return err
	}
	if err := validateID("agency_id", agencyID); err != nil {
		return err
	}
	err := s.store.SetCurrentAgency(ctx, operatorID, agencyID, s.now().UTC().Truncate(time.Microsecond))
	if errors.Is(err, bookingkit.ErrNotFound) {
		return &ForbiddenAccountError{OperatorID: operatorID, AgencyID: agencyID}
	}
	if err != nil {
		return fmt.Errorf("mogu: operator %s enters agency account %s: %w", operatorID, agencyID, err)
	}
	return nil
}

// CurrentAccount returns the agency whose account the operator is in. An
// operator in none gets a [*ForbiddenAccountError] with an empty AgencyID.
func (s *Service) CurrentAccount(ctx context.Context, operatorID string) (string, error) {
	if err := validateID("operator_id", operatorID); err != nil {
		return "", err
	}
	agency, err := s.store.CurrentAgency(ctx, operatorID)
	if errors.Is(err, bookingkit.ErrNotFound) {
		return "", &ForbiddenAccountError{OperatorID: operatorID}
	}
	if err != nil {
		return "", fmt.Errorf("mogu: current account of operator %s: %w", operatorID, err)
	}
	// The store drops the current account with the membership; checking
	// again costs one indexed read and keeps a revoked operator out even if
	// an adapter got that wrong.
	if _, err := s.store.Membership(ctx, operatorID, agency); err != nil {
		if errors.Is(err, bookingkit.ErrNotFound) {
			return "", &ForbiddenAccountError{OperatorID: operatorID, AgencyID: agency}
		}
		return "", fmt.Errorf("mogu: current account of operator %s: %w", operatorID, err)
	}
	return agency, nil
}

// AccountBookings lists the bookings of the account the operator is in —
// only that agency's, whatever else exists — by start, then booking ID.
// cursor is "" or the Next of the previous page; limit 0 means
// DefaultPageSize.
func (s *Service) AccountBookings(ctx context.Context, operatorID, cursor string, limit int) (TripPage[Trip], error) {
	after, err := ParseTripCursor(cursor)
	if err != nil {
		return TripPage[Trip]{}, err
	}
	limit, err = pageLimit(limit)
	if err != nil {
		return TripPage[Trip]{}, err
	}
	agency, err := s.CurrentAccount(ctx, operatorID)
	if err != nil {
		return TripPage[Trip]{}, err
	}
	trips, err := s.store.ListAgencyTrips(ctx, AgencyTripQuery{AgencyID: agency, After: after, Limit: limit + 1})
	if err != nil {
		return TripPage[Trip]{}, fmt.Errorf("mogu: bookings of agency %s: %w", agency, err)
	}
	return page(trips, limit, func(t Trip) Trip { return t }), nil
}

// AccountBooking returns one booking of the account the operator is in. A
// booking of another agency reads as not found, like one that does not
// exist.
func (s *Service) AccountBooking(ctx context.Context, operatorID, bookingID string) (Trip, error) {
	if err := validateBookingID(bookingID); err != nil {
		return Trip{}, err
	}
	agency, err := s.CurrentAccount(ctx, operatorID)
	if err != nil {
		return Trip{}, err
	}
	t, err := s.store.Trip(ctx, bookingID)
	if err == nil && t.AgencyID != agency {
		err = bookingkit.ErrNotFound
	}
	if err != nil {
		return Trip{}, fmt.Errorf("mogu: booking %s in agency account %s: %w", bookingID, agency, err)
	}
	return t, nil
}
