package sqlstore

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseStandbyTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-23 09:30:00.123456 +0000 UTC", time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)},
		{"2026-11-23 09:30:00 +0000 UTC", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)},
		{"2026-11-23 09:30:00.000000001 +0000 UTC", time.Date(2026, 11, 23, 9, 30, 0, 1, time.UTC)},
		{"2026-11-23T09:30:00Z", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)},
		{"2026-11-23 09:30:00.5+00:00", time.Date(2026, 11, 23, 9, 30, 0, 500000000, time.UTC)},
		{"2026-11-23 09:30:00", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)},
		// Slow path: another zone, a monotonic reading, SQLite's short forms.
		{"2026-11-23 12:30:00 +0300 MSK", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)},
		{"2026-11-23 09:30:00.25 +0000 UTC m=+0.000000001", time.Date(2026, 11, 23, 9, 30, 0, 250000000, time.UTC)},
		{"2026-11-23 12:30:00+03:00", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)},
		{"2026-11-23 09:30", time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)},
		{"2026-11-23", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseStandbyTime([]byte(tt.in))
		require.NoError(t, err, tt.in)
		require.True(t, tt.want.Equal(got), "%s: got %v", tt.in, got)
		require.Equal(t, time.UTC, got.Location(), tt.in)
	}
	for _, bad := range []string{"", "2026-02-30 09:30:00 +0000 UTC", "2026-11-23 24:00:00", "2026-13-01 00:00:00", "2026-11-23 09:30:00.", "yesterday", "2026-11-23 09:30:00 +0000 UTC|"} {
		_, err := parseStandbyTime([]byte(bad))
		require.Error(t, err, "%q", bad)
	}
}

func TestParseStandbyDate(t *testing.T) {
	got, err := parseStandbyDate([]byte("1960-02-29"))
	require.NoError(t, err)
	require.Equal(t, time.Date(1960, 2, 29, 0, 0, 0, 0, time.UTC), got)
	for _, bad := range []string{"", "1961-02-29", "1960-2-29", "19600229", "1960-02-29 00:00:00"} {
		_, err := parseStandbyDate([]byte(bad))
		require.Error(t, err, "%q", bad)
	}
}

// Every UTC time the driver writes (time.Time.String) reads back exactly.
func TestParseStandbyTimeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for range 10_000 {
		want := time.Unix(r.Int64N(253402300799-(-2208988800))+(-2208988800), r.Int64N(1e9)).UTC()
		for _, in := range []string{want.String(), want.Truncate(time.Microsecond).String(), want.Truncate(time.Second).String()} {
			got, err := parseStandbyTime([]byte(in))
			require.NoError(t, err, in)
			require.True(t, got.Equal(parseMust(t, in)), in)
		}
	}
}

func parseMust(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", s)
	require.NoError(t, err, s)
	return v
}

// FuzzParseStandbyTime checks the hand-written fast path against
// time.Parse: whatever both accept, they read as the same instant, and
// nothing the fast path accepts is a time time.Parse would roll over.
func FuzzParseStandbyTime(f *testing.F) {
	for _, s := range []string{"2026-11-23 09:30:00.123456 +0000 UTC", "2026-11-23T09:30:00Z", "2026-11-23 09:30:00+00:00", "0000-01-01 00:00:00", "2026-02-29 00:00:00", "9999-12-31 23:59:59.999999999 +0000 UTC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, fastOK := parseStandbyUTC([]byte(s))
		slow, slowOK := parseStandbyTimeLayouts(s)
		if fastOK && slowOK && !fast.Equal(slow) {
			t.Fatalf("%q: fast path %v, time.Parse %v", s, fast, slow)
		}
		if fastOK && (len(s) < 19 || fast.Location() != time.UTC) {
			t.Fatalf("%q: fast path accepted %v", s, fast)
		}
		got, err := parseStandbyTime([]byte(s))
		if err == nil && got.Location() != time.UTC {
			t.Fatalf("%q: not UTC: %v", s, got)
		}
	})
}

func FuzzSplitStandbyText(f *testing.F) {
	f.Add("SU-100-2026-11-23|SU|2011-04-02|2026-11-23 09:30:00 +0000 UTC")
	f.Add("||||")
	f.Fuzz(func(t *testing.T, s string) {
		var parts [4][]byte
		if !splitStandbyText([]byte(s), parts[:]) {
			return
		}
		joined := string(parts[0]) + "|" + string(parts[1]) + "|" + string(parts[2]) + "|" + string(parts[3])
		if joined != s {
			t.Fatalf("%q split into %q", s, parts)
		}
	})
}
