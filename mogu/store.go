package mogu

import (
	"context"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Store is everything MOGU keeps. The storage adapters implement it; the
// conformance suite holds them to the semantics written on each method.
// Errors follow the project's rule: a missing row is
// [bookingkit.ErrNotFound], a unique violation or a failed version check
// [bookingkit.ErrConflict] (or the mogu sentinel named, which wraps it).
// Times are stored with microsecond precision and returned in UTC.
type Store interface {
	ActivationStore
	TripStore
	AgencyStore
}

// ActivationStore keeps the history of MOGU's activation per microsite.
// The current state of a microsite is its latest change; a microsite that
// never changed is inactive.
type ActivationStore interface {
	// LatestActivation returns the microsite's latest change, or
	// ErrNotFound when it never changed.
	LatestActivation(ctx context.Context, micrositeID string) (Activation, error)
	// RecordActivation appends a change. a.Seq must be exactly one more
	// than the latest change's Seq (1 for the first change); otherwise
	// someone else changed the microsite meanwhile and it returns
	// ErrConflict, storing nothing. One insert into a table keyed by
	// (microsite_id, seq) whose condition reads the current maximum does it
	// atomically.
	RecordActivation(ctx context.Context, a Activation) error
	// ActivationHistory returns up to limit changes of the microsite, newest
	// first, with Seq below beforeSeq (0: from the newest). Empty, not an
	// error, for a microsite that never changed.
	ActivationHistory(ctx context.Context, micrositeID string, beforeSeq int64, limit int) ([]Activation, error)
}

// TripStore keeps the registered bookings and the accounts that claimed
// them. Suggested indexes: links by (account_id, booking_id) and by
// booking_id; trips by (contact_key) where listed_by_email, by
// (agency_id, start, id), and by (start, id).
type TripStore interface {
	// PutTrip registers t, or updates it when a trip with t.ID exists. On
	// insert it sets TokenGeneration to 1 and RegisteredAt and UpdatedAt to
	// now; on update it replaces the booking fields, Title, Travelers,
	// Start, End, ContactKey and ListedByEmail, sets UpdatedAt to now and
	// keeps TokenGeneration, RegisteredAt and the links. t arrives
	// normalised ([Trip.Normalize]); the store ignores t's
	// TokenGeneration, RegisteredAt, UpdatedAt and Claims. It returns the
	// trip as stored, with Claims counted.
	PutTrip(ctx context.Context, t Trip, now time.Time) (Trip, error)
	// Trip returns the registered booking with Claims counted, or
	// ErrNotFound.
	Trip(ctx context.Context, bookingID string) (Trip, error)
	// RotateToken adds one to the trip's TokenGeneration, voiding every
	// token issued before, and returns the trip as stored afterwards; or
	// ErrNotFound. Concurrent rotations each add one.
	RotateToken(ctx context.Context, bookingID string, now time.Time) (Trip, error)
	// AddLink records that l.AccountID claimed l.BookingID, in one
	// transaction that checks, in this order:
	//   - the trip exists, else ErrNotFound;
	//   - its TokenGeneration equals l.Generation, else ErrGenerationChanged
	//     (the voucher was reissued after the token was checked);
	//   - the account has no link to it yet, else it returns the existing
	//     link and created=false, changing nothing;
	//   - it has fewer links than Travelers, else ErrClaimsExhausted.
	// Then it stores l and returns it with created=true. Two accounts
	// claiming the last place at once: exactly one wins.
	AddLink(ctx context.Context, l TripLink) (link TripLink, created bool, err error)
	// AccountTrip returns trip bookingID as account accountID sees it: when
	// the account has a link to it (Claimed, Link and LinkedAt from the
	// link), or else when the trip is ListedByEmail and its ContactKey
	// equals emailKey (Link LinkByEmail, Claimed false). Otherwise
	// ErrNotFound, the same as for a booking that does not exist.
	AccountTrip(ctx context.Context, accountID, emailKey, bookingID string) (AccountTrip, error)
	// ListAccountTrips returns the trips AccountTrip would return for the
	// account, restricted to End >= q.EndsAfter, after q.After when set,
	// ordered by Start then booking ID, at most q.Limit of them. As SQL: the
	// union of the account's links joined to their trips and the trips
	// with listed_by_email and contact_key = q.EmailKey, without the ones
	// already linked.
	ListAccountTrips(ctx context.Context, q AccountTripQuery) ([]AccountTrip, error)
	// ListAgencyTrips returns the trips whose AgencyID is q.AgencyID (never
	// another agency's), after q.After when set, ordered by Start then
	// booking ID, at most q.Limit of them, Claims counted. An empty
	// AgencyID matches nothing: B2C trips belong to no agency.
	ListAgencyTrips(ctx context.Context, q AgencyTripQuery) ([]Trip, error)
}

// AgencyStore keeps which back-office operators may enter which agency
// accounts, and the account each operator is in.
type AgencyStore interface {
	// AddMembership grants m.OperatorID access to m.AgencyID, or returns
	// ErrConflict when it has it already.
	AddMembership(ctx context.Context, m Membership) error
	// RemoveMembership withdraws the access, and in the same transaction
	// takes the operator out of that account if they are in it; or
	// ErrNotFound when there was no such membership.
	RemoveMembership(ctx context.Context, operatorID, agencyID string) error
	// Membership returns the operator's membership of the agency, or
	// ErrNotFound.
	Membership(ctx context.Context, operatorID, agencyID string) (Membership, error)
	// Memberships returns up to limit of the operator's memberships with
	// AgencyID greater than afterAgencyID, ordered by AgencyID.
	Memberships(ctx context.Context, operatorID, afterAgencyID string, limit int) ([]Membership, error)
	// SetCurrentAgency puts the operator in the agency's account, checking
	// in the same transaction that the membership exists (ErrNotFound when
	// not, changing nothing), so a revocation racing with a switch cannot
	// leave an operator in an account they no longer belong to.
	SetCurrentAgency(ctx context.Context, operatorID, agencyID string, now time.Time) error
	// CurrentAgency returns the agency whose account the operator is in, or
	// ErrNotFound when they are in none.
	CurrentAgency(ctx context.Context, operatorID string) (string, error)
}

// AccountTripQuery selects the trips an app account sees.
type AccountTripQuery struct {
	AccountID string
	EmailKey  string      // EmailKey of the account's email
	EndsAfter time.Time   // only trips with End at or after this
	After     *TripCursor // nil: from the first
	Limit     int         // at least 1
}

// AgencyTripQuery selects the trips of one agency account.
type AgencyTripQuery struct {
	AgencyID string
	After    *TripCursor // nil: from the first
	Limit    int         // at least 1
}

// Store errors with a meaning of their own. Both wrap
// [bookingkit.ErrConflict].
var (
	// ErrGenerationChanged: AddLink found that the voucher was reissued
	// since the token was checked.
	ErrGenerationChanged = bookingkit.Errorf("mogu: voucher was reissued: %w", bookingkit.ErrConflict)
	// ErrClaimsExhausted: the trip already has as many claiming accounts as
	// travellers.
	ErrClaimsExhausted = bookingkit.Errorf("mogu: the trip has been claimed by as many accounts as it has travellers: %w", bookingkit.ErrConflict)
)
