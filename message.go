package bookingkit

import "fmt"

// Error is an error whose text a person reads and which is said in their
// language where it is answered: Format is a key of the message catalogue
// (package github.com/bookingkit/bookingkit/locale), its English text in
// fmt's syntax, and Args fill it. Build one with [Errorf], as with
// fmt.Errorf: its text in English and what it wraps (%w) are the same.
type Error struct {
	Format string
	Args   []any
	err    error
}

// Errorf is fmt.Errorf whose format, key, is a key of the message catalogue, so
// that a server answers the error in the request's language:
//
//	bookingkit.Errorf("wrong email or password: %w", bookingkit.ErrUnauthorized)
//
// A translation may leave out arguments, such as the wrapped sentinel,
// which the answer's status already says; error arguments are translated
// in turn. The catalogue's test fails on a format it lacks.
func Errorf(key string, args ...any) error {
	return &Error{Format: key, Args: args, err: fmt.Errorf(key, args...)}
}

func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the errors Format wraps with %w.
func (e *Error) Unwrap() []error {
	switch u := e.err.(type) {
	case interface{ Unwrap() error }:
		return []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}

// Invalidf is [Invalid] with a reason that is a key of the message
// catalogue, in fmt's syntax, filled by args: the reason is said in the
// request's language where the error is answered.
func Invalidf(field, value, key string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Value: value, Reason: fmt.Sprintf(key, args...), Format: key, Args: args}
}

// Message is a text for people that is said in their language where it
// is shown: Key is a key of the message catalogue, in fmt's syntax, and
// Args fill it. As an argument of [Errorf] or [Invalidf] it is translated
// with the error; fmt prints it in English.
type Message struct {
	Key  string
	Args []any
}

// Msg returns the [Message] key with args.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// String is the message in English.
func (m Message) String() string { return fmt.Sprintf(m.Key, m.Args...) }
