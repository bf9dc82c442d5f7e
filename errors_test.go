package bookingkit_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

func TestValidationErrorMatchesErrInvalid(t *testing.T) {
	err := fmt.Errorf("record 3: %w", bookingkit.Invalid("Sex", "X", `expected "M" or "F"`))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.NotErrorIs(t, err, bookingkit.ErrNotFound)
	var ve *bookingkit.ValidationError
	require.True(t, errors.As(err, &ve))
	require.Equal(t, "Sex", ve.Field)
	require.Equal(t, `record 3: Sex "X": expected "M" or "F"`, err.Error())
	require.Equal(t, "Email: required", bookingkit.Invalid("Email", "", "required").Error())
}

func TestRetryAfterMatchesErrRateLimited(t *testing.T) {
	err := fmt.Errorf("login: %w", &bookingkit.RetryAfterError{Seconds: 7})
	require.ErrorIs(t, err, bookingkit.ErrRateLimited)
	require.Equal(t, "login: rate limited: retry after 7 s", err.Error())
}

func ExampleInvalid() {
	err := bookingkit.Invalid("CategoryCode", "12", "an integer from 0 to 9")
	fmt.Println(err)
	fmt.Println(errors.Is(err, bookingkit.ErrInvalid))
	// Output:
	// CategoryCode "12": an integer from 0 to 9
	// true
}

func TestUnsupportedMediaTypeIsInvalidInput(t *testing.T) {
	err := fmt.Errorf("upload: %w", bookingkit.ErrUnsupportedMediaType)
	require.ErrorIs(t, err, bookingkit.ErrUnsupportedMediaType)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	require.NotErrorIs(t, fmt.Errorf("x: %w", bookingkit.ErrInvalid), bookingkit.ErrUnsupportedMediaType)
	require.Equal(t, "upload: unsupported media type", err.Error())
}

func TestInvalidWithin(t *testing.T) {
	err := bookingkit.InvalidWithin("fares[2]", bookingkit.Invalid("flight.date", "2026-13-01", "a date as YYYY-MM-DD"))
	require.EqualError(t, err, `fares[2].flight.date "2026-13-01": a date as YYYY-MM-DD`)
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
	other := errors.New("database away")
	require.Same(t, other, bookingkit.InvalidWithin("fares[2]", other), "other errors pass through")
}
