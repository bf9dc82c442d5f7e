package bookingkit

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors shared by every module. Domain packages wrap them (or
// return a [*ValidationError], which matches [ErrInvalid]) and callers test
// them with [errors.Is]; storage adapters translate their driver's errors
// into them, and the reference server maps them to HTTP statuses in one place.
var (
	// ErrNotFound: the object does not exist, or the caller may not know
	// that it exists (another partner's instance reads as not found).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the object already exists, was changed concurrently, or
	// the requested state transition is not allowed from its current state.
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input is malformed or breaks a rule. Usually carried by
	// a *ValidationError that names the field and the value.
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthorized: the caller did not prove who they are (missing or
	// wrong token, password, session or signature).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: too many attempts; try again later.
	ErrRateLimited = errors.New("rate limited")
	// ErrTooLarge: the input exceeds a configured size limit.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupportedMediaType: the input comes in a format or media type
	// the receiver does not read (an upload that is neither of the formats
	// a module takes, a body not declared as JSON). It is invalid input
	// that HTTP names apart (415), so it matches ErrInvalid too.
	ErrUnsupportedMediaType error = &kindError{"unsupported media type", ErrInvalid}
)

// kindError is a sentinel that is also a case of a more general one.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }

// Unwrap makes the sentinel match its general kind under errors.Is.
func (e *kindError) Unwrap() error { return e.kind }

// ValidationError reports one bad input value: which field, what was sent,
// and what was expected. It matches [ErrInvalid] under [errors.Is].
type ValidationError struct {
	Field  string // the input's field name, as the caller spelled it
	Value  string // the offending value, as sent ("" when it was missing)
	Reason string // what is expected, e.g. "at most 30 characters"
	// Format and Args, when Format is set ([Invalidf]), are Reason as a
	// key of the message catalogue and its arguments, for servers to say
	// it in the request's language. A Reason without them is translated
	// when it is itself a key.
	Format string
	Args   []any
}

// Invalid returns a *ValidationError for field and value.
func Invalid(field, value, reason string) *ValidationError {
	return &ValidationError{Field: field, Value: value, Reason: reason}
}

func (e *ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

// Is makes a *ValidationError match ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// InvalidWithin returns err with its field named within parent, when err
// is a *ValidationError: "date" of the third fare becomes
// "fares[2].date". Other errors are returned as they are.
func InvalidWithin(parent string, err error) error {
	var v *ValidationError
	if errors.As(err, &v) {
		return &ValidationError{Field: parent + "." + v.Field, Value: v.Value, Reason: v.Reason, Format: v.Format, Args: v.Args}
	}
	return err
}

// RetryAfterError is returned with [ErrRateLimited] to say when the caller
// may try again; servers turn it into a Retry-After header. When the limit
// that refused is known (Quota is not zero), servers describe it too, in
// the RateLimit-Policy and RateLimit headers: Quota attempts per Window,
// under the name Policy, none of them left for Seconds.
type RetryAfterError struct {
	Seconds int
	Policy  string
	Quota   int
	Window  time.Duration
}

func (e *RetryAfterError) Error() string { return e.Message().String() }

// Message is the error's text for people, to be said in their language.
func (e *RetryAfterError) Message() Message {
	return Msg("rate limited: retry after %d s", e.Seconds)
}

// Is makes a *RetryAfterError match ErrRateLimited.
func (e *RetryAfterError) Is(target error) bool { return target == ErrRateLimited }

// StorageError is an error that a storage adapter returns: Err is the
// adapter's whole error, with the driver's message, SQL and table names,
// for logs; it matches the sentinel the adapter translated the driver's
// error into (ErrNotFound, ErrConflict, ErrInvalid), if any. Public says
// what happened in the domain's words ("a licence with this login already
// exists on the instance"), or is empty when the sentinel says all a
// caller may know. A server shows [StorageError.Message], never Error.
type StorageError struct {
	Public string
	Err    error
}

func (e *StorageError) Error() string { return e.Err.Error() }

func (e *StorageError) Unwrap() error { return e.Err }

// Message is what a caller may be told: Public, else the sentinel's text,
// else "internal error" (a failure that is not the caller's to correct).
func (e *StorageError) Message() string {
	if e.Public != "" {
		return e.Public
	}
	for _, s := range []error{ErrNotFound, ErrConflict, ErrInvalid, ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrTooLarge} {
		if errors.Is(e.Err, s) {
			return s.Error()
		}
	}
	return "internal error"
}
