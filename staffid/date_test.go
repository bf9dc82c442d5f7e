package staffid_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/stretchr/testify/require"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // DD.MM.YYYY, or "" when invalid
	}{
		{"09.11.1940", "09.11.1940"},
		{"9.11.1940", "09.11.1940"},
		{"1.2.1965", "01.02.1965"},
		{"29.02.2000", "29.02.2000"}, // divisible by 400: leap
		{"29.02.2024", "29.02.2024"},
		{"31.12.9999", "31.12.9999"},
		{"29.02.2001", ""},
		{"29.02.1900", ""}, // divisible by 100, not 400: not leap
		{"31.04.2010", ""},
		{"18.32.1933", ""},
		{"25..02.1943", ""},
		{"00.01.2000", ""},
		{"01.00.2000", ""},
		{"01.13.2000", ""},
		{"01.01.0000", ""},
		{"01.01.90", ""},
		{"01.01.19900", ""},
		{"001.01.1990", ""},
		{"01/01/1990", ""},
		{"1990-01-01", ""},
		{" 01.01.1990", ""},
		{"01.01.1990 ", ""},
		{"", ""},
		{"١٢.٠١.١٩٩٠", ""}, // Arabic-Indic digits are not digits here
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := staffid.ParseDate(tt.in)
			if tt.want == "" {
				require.EqualError(t, err, "Invalid date "+tt.in+", the format is d.m.Y")
				require.ErrorIs(t, err, bookingkit.ErrInvalid)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, d.String())
		})
	}
}

func TestDate(t *testing.T) {
	d, err := staffid.ParseDate("09.11.1940")
	require.NoError(t, err)
	require.Equal(t, "1940-11-09", d.ISO())
	require.Equal(t, time.Date(1940, 11, 9, 0, 0, 0, 0, time.UTC), d.Time())
	require.Equal(t, d, staffid.DateOf(d.Time()))
	back, err := staffid.ParseISODate(d.ISO())
	require.NoError(t, err)
	require.Equal(t, d, back)
	require.True(t, d.Before(staffid.DateOf(time.Date(1940, 11, 10, 0, 0, 0, 0, time.UTC))))
	require.False(t, d.Before(d))

	var zero staffid.Date
	require.True(t, zero.IsZero())
	require.Equal(t, "", zero.String())
	require.Equal(t, "", zero.ISO())
	require.True(t, zero.Time().IsZero())

	text, err := d.MarshalText()
	require.NoError(t, err)
	var got staffid.Date
	require.NoError(t, got.UnmarshalText(text))
	require.Equal(t, d, got)
	require.Error(t, got.UnmarshalText([]byte("31.02.2000")))

	_, err = staffid.ParseISODate("2001-02-29")
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

// FuzzParseDate: ParseDate never panics, accepts only real dates written
// with digits and dots, and what it accepts prints back to a string it
// reads as the same date, matching the calendar of package time.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"09.11.1940", "29.02.2000", "29.02.2001", "25..02.1943", "18.32.1933", "1.1.1990", "", "..", "99.99.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := staffid.ParseDate(s)
		if err != nil {
			var target interface{ Error() string }
			require.True(t, errors.As(err, &target))
			require.Equal(t, "Invalid date "+s+", the format is d.m.Y", err.Error())
			return
		}
		for _, c := range s {
			require.True(t, c == '.' || c >= '0' && c <= '9', "accepted %q", s)
		}
		again, err := staffid.ParseDate(d.String())
		require.NoError(t, err)
		require.Equal(t, d, again)
		tm := d.Time()
		require.Equal(t, d.Year(), tm.Year())
		require.Equal(t, d.Month(), tm.Month(), "time.Date would normalise an impossible date")
		require.Equal(t, d.Day(), tm.Day())
		parsed, err := time.Parse("02.01.2006", d.String())
		require.NoError(t, err)
		require.Equal(t, tm, parsed)
	})
}
