package standby

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestFlightNormalize(t *testing.T) {
	moscow := time.FixedZone("MSK", 3*3600)
	tests := []struct {
		name string
		in   Flight
		want Flight
		err  string // field named in the error, "" for success
	}{
		{"canonical", Flight{"SU", "100", date(2026, 11, 23)}, Flight{"SU", "100", date(2026, 11, 23)}, ""},
		{"leading zeros", Flight{"SU", "0100", date(2026, 11, 23)}, Flight{"SU", "100", date(2026, 11, 23)}, ""},
		{"carrier prefix", Flight{"SU", "SU0100", date(2026, 11, 23)}, Flight{"SU", "100", date(2026, 11, 23)}, ""},
		{"lower case and spaces", Flight{" su ", "su 100", date(2026, 11, 23)}, Flight{"SU", "100", date(2026, 11, 23)}, ""},
		{"suffix letter kept", Flight{"SU", "0100a", date(2026, 11, 23)}, Flight{"SU", "100A", date(2026, 11, 23)}, ""},
		{"digit in carrier", Flight{"s7", "S70071", date(2026, 1, 2)}, Flight{"S7", "71", date(2026, 1, 2)}, ""},
		{"carrier starting with digit", Flight{"9w", "9W0001", date(2026, 1, 2)}, Flight{"9W", "1", date(2026, 1, 2)}, ""},
		{"carrier code that is also number+suffix", Flight{"9W", "9W", date(2026, 1, 2)}, Flight{"9W", "9W", date(2026, 1, 2)}, ""},
		{"four digits", Flight{"SU", "9999", date(2026, 1, 2)}, Flight{"SU", "9999", date(2026, 1, 2)}, ""},
		{"time of day ignored", Flight{"SU", "1", time.Date(2026, 11, 23, 23, 59, 0, 0, time.UTC)}, Flight{"SU", "1", date(2026, 11, 23)}, ""},
		{"local date kept, not converted to UTC", Flight{"SU", "1", time.Date(2026, 11, 23, 1, 0, 0, 0, moscow)}, Flight{"SU", "1", date(2026, 11, 23)}, ""},
		{"empty carrier", Flight{"", "100", date(2026, 1, 2)}, Flight{}, "flight.carrier"},
		{"three-letter carrier", Flight{"AFL", "100", date(2026, 1, 2)}, Flight{}, "flight.carrier"},
		{"all-digit carrier", Flight{"12", "100", date(2026, 1, 2)}, Flight{}, "flight.carrier"},
		{"empty number", Flight{"SU", "", date(2026, 1, 2)}, Flight{}, "flight.number"},
		{"zero number", Flight{"SU", "0000", date(2026, 1, 2)}, Flight{}, "flight.number"},
		{"five digits", Flight{"SU", "12345", date(2026, 1, 2)}, Flight{}, "flight.number"},
		{"two suffix letters", Flight{"SU", "100AB", date(2026, 1, 2)}, Flight{}, "flight.number"},
		{"other airline's number", Flight{"SU", "AF1234", date(2026, 1, 2)}, Flight{}, "flight.number"},
		{"hyphen", Flight{"SU", "SU-100", date(2026, 1, 2)}, Flight{}, "flight.number"},
		{"missing date", Flight{"SU", "100", time.Time{}}, Flight{}, "flight.date"},
		{"year out of range", Flight{"SU", "100", date(1800, 1, 1)}, Flight{}, "flight.date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize()
			if tt.err != "" {
				require.ErrorIs(t, err, bookingkit.ErrInvalid)
				var ve *bookingkit.ValidationError
				require.True(t, errors.As(err, &ve))
				require.Equal(t, tt.err, ve.Field)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want.Carrier, got.Carrier)
			require.Equal(t, tt.want.Number, got.Number)
			require.True(t, tt.want.Date.Equal(got.Date), "date %v, want %v", got.Date, tt.want.Date)
			require.Equal(t, time.UTC, got.Date.Location())
		})
	}
}

func TestFlightKeyAndSame(t *testing.T) {
	a := Flight{"SU", "0100", date(2026, 11, 23)}
	b := Flight{"su", "SU100", time.Date(2026, 11, 23, 18, 30, 0, 0, time.FixedZone("", -5*3600))}
	c := Flight{"SU", "100", date(2026, 11, 24)}
	require.Equal(t, FlightKey("SU-100-2026-11-23"), a.Key())
	require.Equal(t, a.Key(), b.Key())
	require.True(t, a.Same(b))
	require.False(t, a.Same(c))
	require.False(t, a.Same(Flight{"SU", "AF100", date(2026, 11, 23)}))
	require.Equal(t, FlightKey("SU-100A-2026-01-05"), Flight{"SU", "100a", date(2026, 1, 5)}.Key())
	require.Equal(t, "SU100 2026-11-23", b.String())

	// A bad flight still gets a printable key, which does not parse.
	bad := Flight{"SU", "AF 1", date(2026, 1, 5)}
	require.Equal(t, FlightKey("SU-AF1-2026-01-05"), bad.Key())
	_, err := ParseFlightKey(string(bad.Key()))
	require.ErrorIs(t, err, bookingkit.ErrInvalid)
}

func TestParseFlightKey(t *testing.T) {
	tests := []struct {
		in   string
		want Flight
		err  string // substring of the error
	}{
		{"SU-100-2026-11-23", Flight{"SU", "100", date(2026, 11, 23)}, ""},
		{"S7-1A-2026-01-02", Flight{"S7", "1A", date(2026, 1, 2)}, ""},
		{"SU-0100-2026-11-23", Flight{}, `the key of this flight is "SU-100-2026-11-23"`},
		{"su-100-2026-11-23", Flight{}, `"SU-100-2026-11-23"`},
		{"SU-100-2026-2-3", Flight{}, "YYYY-MM-DD"},
		{"SU-100-2026-02-30", Flight{}, "not a valid"},
		{"SU100-2026-11-23", Flight{}, "expected CARRIER-NUMBER-YYYY-MM-DD"},
		{"", Flight{}, "expected CARRIER-NUMBER-YYYY-MM-DD"},
		{"SUX-100-2026-11-23", Flight{}, "IATA"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFlightKey(tt.in)
			if tt.err != "" {
				require.ErrorIs(t, err, bookingkit.ErrInvalid)
				require.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			require.Equal(t, FlightKey(tt.in), got.Key())
		})
	}
}

func TestParseFlight(t *testing.T) {
	f, err := ParseFlight("su", "0100", "2026-11-23")
	require.NoError(t, err)
	require.Equal(t, FlightKey("SU-100-2026-11-23"), f.Key())
	_, err = ParseFlight("SU", "100", "23.11.2026")
	require.ErrorContains(t, err, `flight.date "23.11.2026"`)
	_, err = ParseFlight("SU", "AF100", "2026-11-23")
	require.ErrorContains(t, err, "operating carrier is SU")
}

func FuzzParseFlightKey(f *testing.F) {
	for _, s := range []string{"SU-100-2026-11-23", "S7-1A-2026-01-02", "SU-0100-2026-11-23", "--", "9W-9W-2026-01-01", "SU-100-0001-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl, err := ParseFlightKey(s)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		// Only canonical keys parse, and they come back unchanged.
		require.Equal(t, FlightKey(s), fl.Key())
		again, err := fl.Normalize()
		require.NoError(t, err)
		require.Equal(t, fl, again)
	})
}

func FuzzNormalizeFlightNumber(f *testing.F) {
	for _, s := range [][2]string{{"SU", "SU0100"}, {"S7", "s7 71a"}, {"9W", "9W"}, {"SU", "AF1"}, {"SU", "00000"}, {"U6", "6100"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, carrier, number string) {
		c, err := NormalizeCarrier(carrier)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		n, err := NormalizeFlightNumber(c, number)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		// Canonical: 1-4 digits without leading zero, optional letter,
		// and normalising again changes nothing.
		require.Regexp(t, `^[1-9][0-9]{0,3}[A-Z]?$`, n)
		again, err := NormalizeFlightNumber(c, n)
		require.NoError(t, err)
		require.Equal(t, n, again)
		// The canonical number with the carrier's prefix is the same flight.
		if !strings.HasPrefix(n, c) {
			prefixed, err := NormalizeFlightNumber(c, c+n)
			require.NoError(t, err)
			require.Equal(t, n, prefixed)
		}
	})
}

func FuzzParseFlight(f *testing.F) {
	f.Add("SU", "0100", "2026-11-23")
	f.Add("s7", "S7 1a", "2026-02-29")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, carrier, number, day string) {
		fl, err := ParseFlight(carrier, number, day)
		if err != nil {
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			return
		}
		back, err := ParseFlightKey(string(fl.Key()))
		require.NoError(t, err)
		require.Equal(t, fl, back)
	})
}
