package storage

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// The adapters' errors reach callers (the reference server's answers,
// an embedder's) only through what they say in the domain's words: the
// driver's message names SQL, tables and constraints, which are the
// adapter's business. Both SQL adapters build their errors with these
// functions, so that every error they return is a *bookingkit.StorageError
// whose Message is safe to show and whose Error keeps the detail for logs.

// Fail marks err, an error an adapter returns (its own context wrapped
// around a cause with %w), as a storage error. What a caller may be told
// comes from the cause: a storage error's message, or the cause's own
// words when the adapter made it for a reason of the domain (a closed
// flight, a version conflict) and it matches a sentinel; otherwise only
// the sentinel err matches, or that it failed.
func Fail(err error) error {
	if err == nil {
		return nil
	}
	se := &bookingkit.StorageError{Err: err}
	cause := errors.Unwrap(err)
	var inner *bookingkit.StorageError
	switch {
	case cause == nil:
	case errors.As(cause, &inner):
		se.Public = inner.Public
	case matchesSentinel(cause):
		se.Public = cause.Error()
	}
	return se
}

// Failf is Fail for the error fmt.Errorf(adapter+": "+format, args...),
// the way the adapters write theirs: the adapter's name, what it was
// doing, and the cause (%w). When the cause is one of bookingkit's
// sentinels itself, the adapter wrote the words for a reason of the domain
// ("instance %s is at version %d, not %d: %w" with ErrConflict), and they
// are what a caller is told, without the adapter's name.
func Failf(adapter, format string, args ...any) error {
	err := fmt.Errorf(adapter+": "+format, args...)
	if cause := errors.Unwrap(err); cause != nil && isSentinel(cause) {
		return &bookingkit.StorageError{Public: strings.TrimPrefix(err.Error(), adapter+": "), Err: err}
	}
	return Fail(err)
}

// isSentinel reports whether err is one of bookingkit's sentinels (not an
// error wrapping one).
func isSentinel(err error) bool {
	for _, s := range []error{bookingkit.ErrNotFound, bookingkit.ErrConflict, bookingkit.ErrInvalid, bookingkit.ErrForbidden, bookingkit.ErrTooLarge} {
		if err == s { //nolint:errorlint // the sentinel itself, not a chain
			return true
		}
	}
	return false
}

// matchesSentinel reports whether err matches one of bookingkit's
// sentinels, the sign of an error made for a reason of the domain.
func matchesSentinel(err error) bool {
	for _, s := range []error{bookingkit.ErrNotFound, bookingkit.ErrConflict, bookingkit.ErrInvalid, bookingkit.ErrForbidden, bookingkit.ErrTooLarge} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// Refused translates a driver's error into the sentinel kind, saying what
// happened in public words (empty: the sentinel says it).
func Refused(kind error, public string, driverErr error) error {
	return &bookingkit.StorageError{Public: public, Err: fmt.Errorf("%w: %w", kind, driverErr)}
}

// Exists is the message of a unique violation on table: what already
// exists, in the domain's words.
func Exists(table string) string {
	if what, ok := tableThings[table]; ok {
		return what + " already exists"
	}
	return "it already exists"
}

// Dangling is the message of a foreign key violation on table.
func Dangling(table string) string {
	if what, ok := tableThings[table]; ok {
		return what + " refers to something that does not exist (or no longer does)"
	}
	return "it refers to something that does not exist (or no longer does)"
}

// OutOfRange is the message of a check, not-null or bad-data violation.
const OutOfRange = "a value is out of the range the data allows"

// Concurrent is the message of a transaction that lost a race with
// another (a serialization failure or a deadlock): trying again works.
const Concurrent = "changed by another request at the same time; try again"

// tableThings names, in the domain's words, what a row of each table is
// (the migrations' tables; both adapters have the same schema).
var tableThings = map[string]string{
	"accounts":                   "an account with this e-mail address",
	"account_links":              "this one-time link",
	"account_sessions":           "this session",
	"settings":                   "this setting",
	"staffid_people":             "a person with this identity",
	"staffid_imports":            "this import",
	"staffid_bookings":           "a staff booking with this ID",
	"staffid_booking_passengers": "this passenger of the booking",
	"standby_flights":            "this flight",
	"standby_entries":            "a standby place for this passenger on this flight",
	"mogu_trips":                 "a trip with this booking ID",
	"mogu_trip_links":            "this trip's link to the account",
	"mogu_memberships":           "this operator's membership of the agency",
	"mogu_current_agencies":      "this operator's current agency",
	"mogu_activations":           "this activation of the microsite",
	"partner_partners":           "a partner with this ID",
	"partner_users":              "a user with this e-mail address",
	"partner_companies":          "a company with this ID",
	"partner_instances":          "an instance with this ID",
	"partner_licences":           "a licence with this login, serial or PIN on the instance",
	"partner_threads":            "this support thread",
	"partner_messages":           "this message",
	"partner_activity":           "this activity record",
	"partner_audit":              "this audit record",
	"partner_used_nonces":        "this impersonation link (already used)",
	"outbox":                     "this mail",
	"rate_limits":                "this rate limit",
}
