package partner_test

import (
	"testing"
	_ "time/tzdata" // the zones, whatever the machine running the tests has

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/partner"
)

// Issue 14, item 11: a time zone of the right shape that does not exist
// was accepted.
func TestTimeZoneMustExist(t *testing.T) {
	for _, ok := range []string{"UTC", "Europe/Madrid", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Kolkata"} {
		require.NoError(t, partner.CheckTimeZone(ok), ok)
		_, err := partner.WDS.CheckConfig(map[string]string{"max_terminals": "5", "time_zone": ok})
		require.NoError(t, err, ok)
	}
	for _, bad := range []string{"Mars/Olympus", "Europe/Atlantis", "America/Argentina", "Local", "Europe/madrid_"} {
		_, err := partner.WDS.CheckConfig(map[string]string{"max_terminals": "5", "time_zone": bad})
		require.ErrorIs(t, err, bookingkit.ErrInvalid, bad)
		require.Equal(t, []string{"config.time_zone"}, invalidFields(err), bad)
	}
	require.ErrorContains(t, partner.CheckTimeZone("Mars/Olympus"), "not a time zone of the IANA database")
}
